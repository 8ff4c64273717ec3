"""Every scheduling list page and list API costs the same queries for one row as for ten."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.directory.models import Program
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling import services
from medcenter.scheduling.models import BookingChannel, Referral, Urgency
from medcenter.scheduling.tests.conftest import book_at, next_weekday_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)

pytestmark = pytest.mark.django_db

MORE = 9
HALF_HOURS = [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (11, 30)]


def _other_clinician(clinic):
    """Another clinician at the same place, so rows do not all share one related object."""
    _clinician, location, visit = clinic
    other = ClinicianFactory()
    other.locations.add(location)
    weekly_rules(clinician=other, location=location, visit_types=[visit])
    return (other, location, visit)


def _staff_client(*roles):
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=list(roles)))
    return client


def test_my_appointments_page(clinic):
    user = UserFactory()
    patient = PatientFactory(user=user)
    book_at(clinic, patient, next_weekday_at(9, days_ahead=7))
    client = Client()
    client.force_login(user)

    def grow():
        other = _other_clinician(clinic)
        for days in range(8, 13):
            book_at(clinic, patient, next_weekday_at(10, days_ahead=days))
            book_at(other, patient, next_weekday_at(11, days_ahead=days))
        services.cancel_appointment(
            appointment=book_at(clinic, patient, next_weekday_at(9, days_ahead=20)), actor=None
        )

    _before, after = assert_flat_queries(lambda: client.get("/en/appointments/mine/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/en/appointments/") >= 12


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_staff_schedule_grid(clinic, view):
    clinician, _location, _visit = clinic
    day = next_weekday_at(9, days_ahead=7)
    book_at(clinic, PatientFactory(), day)
    client = _staff_client("scheduler")
    url = f"/en/staff/schedule/?clinician={clinician.slug}&day={day.date()}&view={view}"

    def grow():
        for hour, minute in HALF_HOURS[1:]:
            book_at(clinic, PatientFactory(), day.replace(hour=hour, minute=minute))

    _before, after = assert_flat_queries(lambda: client.get(url), grow)

    assert after.status_code == 200
    assert after.content.decode().count("attendance/") >= len(HALF_HOURS)


def test_the_staff_waitlist(clinic):
    def waiting(days_ahead, clinic=clinic):
        appointment = book_at(clinic, PatientFactory(), next_weekday_at(9, days_ahead=days_ahead))
        return services.join_waitlist(appointment=appointment, actor=None)

    waiting(21)
    client = _staff_client("scheduler")

    def grow():
        other = _other_clinician(clinic)
        for days in range(22, 27):
            waiting(days)
            services.join_waitlist(
                appointment=book_at(other, PatientFactory(), next_weekday_at(10, days_ahead=days)),
                actor=None,
                any_clinician=True,
            )
        # Some of them have an offer out.
        for hour in (10, 11):
            freed = book_at(clinic, PatientFactory(), next_weekday_at(hour, days_ahead=7))
            services.cancel_appointment(appointment=freed, actor=None)
            assert services.offer_time(freed=freed) is not None

    _before, after = assert_flat_queries(lambda: client.get("/en/staff/schedule/waitlist/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("<tr") >= 11


def _referral(**extra):
    return Referral.objects.create(
        source="physician",
        given_name="Tamsin",
        family_name="Queueworth",
        date_of_birth=date(1980, 2, 3),
        diagnosis="Melanoma",
        contact_due_at=timezone.now() + timedelta(days=1),
        **extra,
    )


def test_the_triage_queue(db):
    _referral()
    client = _staff_client("scheduler")

    def grow():
        for i in range(10):
            program = Program.objects.create(slug=f"program-{i}", name=f"Program {i}")
            _referral(
                program=program,
                urgency=Urgency.URGENT if i % 2 else Urgency.ROUTINE,
                assigned_to=StaffUserFactory(roles=["scheduler"]),
                first_contact_at=timezone.now() if i % 3 else None,
            )

    _before, after = assert_flat_queries(lambda: client.get("/en/staff/referrals/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("Queueworth") == 11


def test_a_clinicians_free_times_page(clinic):
    clinician, _location, visit = clinic
    week = next_weekday_at(9, days_ahead=7)
    url = f"/en/appointments/book/{clinician.slug}/?visit={visit.code}&week={week.date()}"
    client = Client()

    def grow():
        for hour, minute in HALF_HOURS[::2]:
            book_at(clinic, PatientFactory(), week.replace(hour=hour, minute=minute))

    before, after = assert_flat_queries(lambda: client.get(url), grow)

    assert after.status_code == 200
    assert len(after.content) < len(before.content)  # the booked times are gone


def test_the_slots_api(clinic):
    clinician, _location, visit = clinic
    start = next_weekday_at(9, days_ahead=7)
    params = {
        "clinician": str(clinician.public_id),
        "visit_type": visit.code,
        "start": start.isoformat(),
        "limit": 50,
    }
    client = Client()

    def grow():
        for hour, minute in HALF_HOURS[::2]:
            book_at(clinic, PatientFactory(), start.replace(hour=hour, minute=minute))

    before, after = assert_flat_queries(
        lambda: client.get("/api/v1/scheduling/slots", params), grow
    )

    assert after.status_code == 200
    booked = {start.replace(hour=h, minute=m) for h, m in HALF_HOURS[::2]}
    assert not {s["start"] for s in after.json()["slots"]} & {b.isoformat() for b in booked}
    assert len(after.json()["slots"]) == len(before.json()["slots"])


def test_the_multidisciplinary_api(clinic):
    _clinician, location, _visit = clinic
    visit = VisitTypeFactory(code="multidisciplinary")
    specialties = [SpecialtyFactory(slug=slug) for slug in ("surgery", "medicine", "radiation")]

    def member(specialty):
        clinician = ClinicianFactory()
        clinician.specialties.add(specialty)
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])
        return clinician

    for specialty in specialties:
        member(specialty)
    client = _staff_client("scheduler")
    params = {"location": location.slug, "specialty": [s.slug for s in specialties]}

    def grow():
        for specialty in specialties:
            for _ in range(3):
                busy = member(specialty)
                services.book_appointment(
                    patient=PatientFactory(),
                    visit_type=visit,
                    location=location,
                    start=next_weekday_at(9, days_ahead=2),
                    actor=StaffUserFactory(roles=["scheduler"]),
                    channel=BookingChannel.STAFF,
                    clinician=busy,
                )

    _before, after = assert_flat_queries(
        lambda: client.get("/api/v1/scheduling/multidisciplinary", params), grow
    )

    assert after.status_code == 200
    assert len(after.json()["visits"]) == 3


def _patient_of(staff):
    patient = PatientFactory()
    CareRelationshipFactory(staff=staff, patient=patient)
    return patient


def test_the_staff_booking_page_with_free_times(clinic):
    clinician, _location, visit = clinic
    scheduler = StaffUserFactory(roles=["scheduler"])
    patient = _patient_of(scheduler)
    client = Client()
    sign_in_verified(client, scheduler)
    url = f"/en/staff/patients/{patient.public_id}/book/"
    params = {"clinician": clinician.slug, "visit_type": visit.pk}

    def grow():
        # More clinicians to choose from, and some of this one's times taken.
        for _ in range(MORE):
            _other_clinician(clinic)
        for days in (7, 8):
            for hour, minute in HALF_HOURS[::2]:
                book_at(clinic, PatientFactory(), next_weekday_at(hour, minute, days_ahead=days))

    before, after = assert_flat_queries(lambda: client.get(url, params), grow)

    assert after.status_code == 200
    assert after.content.decode().count("<option") > before.content.decode().count("<option")


def test_the_multidisciplinary_page(clinic):
    _clinician, location, _visit = clinic
    visit = VisitTypeFactory(code="multidisciplinary")
    specialties = [SpecialtyFactory(slug=slug) for slug in ("surgery", "medicine", "radiation")]

    def member(specialty):
        clinician = ClinicianFactory()
        clinician.specialties.add(specialty)
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])

    for specialty in specialties:
        member(specialty)
    navigator = StaffUserFactory(roles=["nurse_navigator"])
    patient = _patient_of(navigator)
    client = Client()
    sign_in_verified(client, navigator)
    url = f"/en/staff/patients/{patient.public_id}/multidisciplinary/"
    params = {
        "location": location.pk,
        **{key: s.pk for key, s in zip(("first", "second", "third"), specialties, strict=True)},
    }

    def grow():
        for specialty in specialties:
            for _ in range(3):
                member(specialty)

    _before, after = assert_flat_queries(lambda: client.get(url, params), grow)

    assert after.status_code == 200
    assert after.content.decode().count("Tester") >= 3


def test_the_slot_picker_offers_only_the_visit_types_of_the_clinicians_own_current_rules():
    from medcenter.scheduling.selectors import bookable_visit_types
    from medcenter.scheduling.tests.factories import LocationFactory

    location = LocationFactory()
    current, lapsed = VisitTypeFactory(code="current"), VisitTypeFactory(code="lapsed")
    clinician, colleague = ClinicianFactory(), ClinicianFactory()
    weekly_rules(clinician=clinician, location=location, visit_types=[current], days=(0,))
    for rule in weekly_rules(clinician=clinician, location=location, visit_types=[lapsed]):
        rule.valid_until = timezone.localdate() - timedelta(days=1)
        rule.save()
    # A colleague still offers the lapsed visit type: that is not this clinician's offer.
    weekly_rules(clinician=colleague, location=location, visit_types=[lapsed, current])

    offered = [v.code for v in bookable_visit_types(clinician)]

    assert offered == ["current"]
