"""`book_multidisciplinary`, called as a service: several specialists on one day, all or none."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.models import AuditEvent, Notification
from medcenter.directory.models import Clinician
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import engine, selectors, services
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    MultidisciplinaryVisit,
    NotificationKind,
    Referral,
    ReferralStatus,
    Resource,
    ResourceKind,
)
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)
from medcenter.scheduling.tests.races import at_once

pytestmark = pytest.mark.django_db

SPECIALTIES = ("surgical-oncology", "medical-oncology", "radiation-oncology")


@pytest.fixture
def team(db):
    """One clinician of each of three specialties holding multidisciplinary clinics, 9-12."""
    location = LocationFactory()
    visit = VisitTypeFactory(code="multidisciplinary", name="Multidisciplinary visit")
    specialties, clinicians = [], []
    for slug in SPECIALTIES:
        specialty = SpecialtyFactory(slug=slug)
        clinician = ClinicianFactory()
        clinician.specialties.add(specialty)
        clinician.locations.add(location)
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])
        specialties.append(specialty)
        clinicians.append(clinician)
    return SimpleNamespace(
        location=location,
        visit=visit,
        specialties=specialties,
        clinicians=clinicians,
        patient=PatientFactory(email="mdt@example.test"),
        scheduler=StaffUserFactory(roles=["scheduler"]),
    )


def _chain(team):
    chain = selectors.earliest_multidisciplinary(
        specialties=team.specialties, location=team.location, visit_type=team.visit
    )
    assert chain is not None and len(chain) == len(SPECIALTIES)
    return chain


def _leg(team, clinician, start, *, location=None, owner=None):
    """A slot built by hand, as a caller could pass one."""
    return engine.Slot(
        owner=owner or ("clinician", clinician.pk),
        location_id=(location or team.location).pk,
        visit_type_id=team.visit.pk,
        start=start,
        end=start + team.visit.duration,
        reserved_until=start + team.visit.duration,
    )


def _book(team, slots, **extra):
    return services.book_multidisciplinary(
        patient=extra.pop("patient", team.patient),
        location=team.location,
        visit_type=team.visit,
        slots=slots,
        actor=extra.pop("actor", team.scheduler),
        **extra,
    )


def _nothing_kept(team):
    assert not MultidisciplinaryVisit.objects.exists()
    assert not Appointment.objects.filter(patient=team.patient).exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="appointment.multidisciplinary_booked").exists()


def test_books_every_visit_of_the_chain_as_one_group(team):
    chain = _chain(team)

    group = _book(team, chain)

    assert (group.patient, group.location, group.booked_by) == (
        team.patient,
        team.location,
        team.scheduler,
    )
    assert group.day == chain[0].start.astimezone(selectors.center_tz()).date()
    visits = list(group.appointments.order_by("start"))
    assert [(a.clinician_id, a.start) for a in visits] == [(s.owner[1], s.start) for s in chain]
    assert {a.status for a in visits} == {AppointmentStatus.BOOKED}
    assert {a.channel for a in visits} == {BookingChannel.STAFF}
    assert {a.patient for a in visits} == {team.patient}
    assert {a.booked_by for a in visits} == {team.scheduler}
    # One confirmation per visit, each with its own reminders.
    confirmations = Notification.objects.filter(kind=NotificationKind.CONFIRMATION)
    assert sorted(n.reference for n in confirmations) == sorted(
        f"appointment:{a.public_id}" for a in visits
    )
    assert {n.to for n in confirmations} == {"mdt@example.test"}
    (event,) = AuditEvent.objects.filter(action="appointment.multidisciplinary_booked")
    assert event.object_id == str(group.public_id)
    assert event.patient_public_id == str(team.patient.public_id)
    assert event.actor_public_id == str(team.scheduler.public_id)


def test_a_referral_booked_as_a_multidisciplinary_day_is_scheduled(team):
    referral = Referral.objects.create(
        source="physician",
        patient=team.patient,
        given_name="Mira",
        family_name="Teamwell",
        date_of_birth=date(1968, 6, 1),
        diagnosis="Rectal cancer",
        contact_due_at=timezone.now() + timedelta(days=2),
    )

    group = _book(team, _chain(team), referral=referral)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCHEDULED
    assert referral.first_contact_at is not None
    assert {a.referral_id for a in group.appointments.all()} == {referral.pk}


def test_choosing_no_specialists_is_refused(team):
    with pytest.raises(ValidationError) as error:
        _book(team, [])

    assert error.value.message_dict == {"slots": ["Choose the specialists to see."]}
    _nothing_kept(team)


@pytest.mark.parametrize("where", ["another location", "a chair, not a clinician"])
def test_a_visit_elsewhere_or_not_with_a_clinician_undoes_the_whole_day(team, where):
    first, second, _third = _chain(team)
    if where == "another location":
        bad = _leg(team, team.clinicians[1], second.start, location=LocationFactory())
    else:
        chair = Resource.objects.create(
            name="Chair 1", kind=ResourceKind.INFUSION_CHAIR, location=team.location
        )
        bad = _leg(team, None, second.start, owner=("resource", chair.pk))

    with pytest.raises(ValidationError) as error:
        _book(team, [first, bad])

    assert error.value.message_dict == {
        "slots": ["All visits must be with clinicians at this location."]
    }
    _nothing_kept(team)


def test_a_visit_taken_meanwhile_undoes_the_visits_already_placed(team):
    first, second, third = _chain(team)
    services.book_appointment(
        patient=PatientFactory(),
        visit_type=team.visit,
        location=team.location,
        start=third.start,
        actor=team.scheduler,
        channel=BookingChannel.STAFF,
        clinician=Clinician.objects.get(pk=third.owner[1]),
    )
    Notification.objects.all().delete()
    events_before = AuditEvent.objects.count()

    with pytest.raises(services.SlotTaken) as error:
        _book(team, [first, second, third])

    assert "taken" in str(error.value)
    _nothing_kept(team)
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("problem", ["outside clinic hours", "already passed"])
def test_a_visit_the_rules_refuse_undoes_the_whole_day(team, problem):
    first, second, _third = _chain(team)
    if problem == "outside clinic hours":
        day = second.start.astimezone(selectors.center_tz()).date()
        start = datetime.combine(day, time(15), tzinfo=selectors.center_tz())
        message = "This time is not offered for this visit."
    else:
        start = timezone.now() - timedelta(days=1)
        message = "This time has already passed."
    bad = _leg(team, team.clinicians[1], start)

    with pytest.raises(ValidationError) as error:
        _book(team, [first, bad])

    assert error.value.message_dict == {"start": [message]}
    _nothing_kept(team)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_booking_the_same_day_at_once_get_it_once(team):
    """Two schedulers found the same earliest day for two patients and press Book together."""
    chain = _chain(team)
    patients = [PatientFactory(), PatientFactory()]

    results = at_once(*(lambda p=p: _book(team, chain, patient=p) for p in patients))

    groups = [r for r in results if isinstance(r, MultidisciplinaryVisit)]
    taken = [r for r in results if isinstance(r, services.SlotTaken)]
    assert len(groups) == 1 and len(taken) == 1, results
    winner = groups[0].patient
    loser = next(p for p in patients if p != winner)
    assert Appointment.objects.filter(patient=winner, status="booked").count() == len(chain)
    assert not Appointment.objects.filter(patient=loser).exists()
    assert MultidisciplinaryVisit.objects.count() == 1
