"""The waitlist and earlier-appointment offers, called as services (not through the pages).

The story every test tells: patient Ada has a later appointment and waits for an earlier one;
Bo cancels an earlier time; it is held for Ada as an offer; she accepts, declines or lets it
lapse, and the time moves on to the next patient in line.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.core.models import AuditEvent, Notification, NotificationStatus
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import services
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    NotificationKind,
    OfferStatus,
    Referral,
    Resource,
    ResourceKind,
    SlotOffer,
    WaitlistEntry,
)
from medcenter.scheduling.tests.conftest import book_at, next_weekday_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)
from medcenter.scheduling.tests.races import at_once

pytestmark = pytest.mark.django_db

LATER = {"hour": 9, "days_ahead": 21}  # the appointment Ada has, and would move
FREED = {"hour": 10, "days_ahead": 7}  # the earlier time Bo gives up


def _waiting(clinic, *, hour=9, days_ahead=21, any_clinician=False):
    """A patient with a booking who has asked for an earlier time."""
    patient = PatientFactory()
    appointment = book_at(clinic, patient, next_weekday_at(hour, days_ahead=days_ahead))
    return services.join_waitlist(
        appointment=appointment, actor=UserFactory(), any_clinician=any_clinician
    )


def _freed(clinic, *, hour=10, days_ahead=7):
    """An earlier time someone else booked and then cancelled."""
    booked = book_at(clinic, PatientFactory(), next_weekday_at(hour, days_ahead=days_ahead))
    return services.cancel_appointment(appointment=booked, actor=None, reason="feeling better")


def _about(appointment):
    """How the outbox names the appointment a message is about."""
    return f"appointment:{appointment.public_id}"


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def _referral(patient):
    return Referral.objects.create(
        source="physician",
        patient=patient,
        given_name="Ada",
        family_name="Waitwell",
        date_of_birth=date(1970, 1, 2),
        diagnosis="Sarcoma",
        referrer_email="dr@example.test",
        contact_due_at=timezone.now() + timedelta(days=1),
    )


@pytest.fixture
def offered(clinic):
    """Ada waits (with a reason and a referral on her booking); Bo's earlier time is offered."""
    ada = PatientFactory(email="ada@example.test", preferred_language="pt")
    referral = _referral(ada)
    later = book_at(
        clinic,
        ada,
        next_weekday_at(**LATER),
        reason_for_visit="second opinion",
        referral=referral,
    )
    entry = services.join_waitlist(appointment=later, actor=UserFactory())
    freed = _freed(clinic, **FREED)
    # Where transactions commit (the race tests), the cancellation already passed the time on.
    offer = services.offer_time(freed=freed) or SlotOffer.objects.get(entry=entry)
    return SimpleNamespace(
        patient=ada, later=later, entry=entry, freed=freed, offer=offer, referral=referral
    )


# --- join_waitlist / leave_waitlist ------------------------------------------------------------


def test_joining_the_waitlist_records_the_booking_and_audits_it(clinic):
    clinician, location, visit = clinic
    patient = PatientFactory()
    appointment = book_at(clinic, patient, next_weekday_at(**LATER))
    actor = UserFactory()

    entry = services.join_waitlist(appointment=appointment, actor=actor)

    assert entry.is_active
    assert (entry.patient, entry.appointment, entry.visit_type) == (patient, appointment, visit)
    assert (entry.clinician, entry.location) == (clinician, location)
    (event,) = _events("waitlist.joined")
    assert event.patient_public_id == str(patient.public_id)
    assert event.actor_public_id == str(actor.public_id)
    assert event.object_id == str(entry.public_id)


def test_waiting_for_any_clinician_leaves_the_clinician_open(clinic):
    entry = _waiting(clinic, any_clinician=True)

    assert entry.clinician is None


def test_joining_twice_keeps_one_entry_and_rejoining_after_leaving_reactivates_it(clinic):
    entry = _waiting(clinic)
    appointment = entry.appointment

    services.join_waitlist(appointment=appointment, actor=None)
    services.leave_waitlist(entry=entry, actor=None)
    entry.refresh_from_db()
    assert not entry.is_active
    assert len(_events("waitlist.left")) == 1

    again = services.join_waitlist(appointment=appointment, actor=None)

    assert again.pk == entry.pk and again.is_active
    assert WaitlistEntry.objects.filter(appointment=appointment).count() == 1


@pytest.mark.parametrize("status", ["cancelled", "pending", "fulfilled", "noshow"])
def test_only_a_booked_appointment_may_wait_for_an_earlier_time(clinic, status):
    appointment = book_at(clinic, PatientFactory(), next_weekday_at(**LATER))
    Appointment.objects.filter(pk=appointment.pk).update(
        status=status, hold_expires_at=timezone.now() + timedelta(minutes=5)
    )
    appointment.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.join_waitlist(appointment=appointment, actor=None)

    assert error.value.message_dict == {
        "appointment": ["Only a booked appointment can wait for an earlier time."]
    }
    assert not WaitlistEntry.objects.exists()
    assert not _events("waitlist.joined")


def test_an_appointment_without_a_patient_cannot_wait(clinic):
    appointment = book_at(clinic, PatientFactory(), next_weekday_at(**LATER))
    Appointment.objects.filter(pk=appointment.pk).update(patient=None)
    appointment.refresh_from_db()

    with pytest.raises(ValidationError):
        services.join_waitlist(appointment=appointment, actor=None)

    assert not WaitlistEntry.objects.exists()


# --- offer_time --------------------------------------------------------------------------------


def test_a_freed_time_is_held_for_the_longest_waiting_patient_and_they_are_told(clinic, settings):
    settings.SCHEDULING_OFFER_MINUTES = 90
    first = _waiting(clinic, hour=9)
    _second = _waiting(clinic, hour=10)
    freed = _freed(clinic)

    offer = services.offer_time(freed=freed)

    assert offer is not None and offer.entry == first
    assert offer.status == OfferStatus.OFFERED
    hold = offer.hold
    assert hold.patient == first.patient
    assert (hold.start, hold.clinician, hold.location) == (
        freed.start,
        freed.clinician,
        freed.location,
    )
    assert hold.status == AppointmentStatus.PENDING
    assert hold.channel == BookingChannel.OFFER
    assert hold.hold_expires_at == offer.expires_at
    assert offer.expires_at - timezone.now() <= timedelta(minutes=90)
    assert offer.expires_at - timezone.now() > timedelta(minutes=89)
    (note,) = Notification.objects.filter(kind=NotificationKind.OFFER)
    assert note.context == {"offer": str(offer.public_id)}
    assert (note.reference, note.to) == (_about(hold), first.patient.email)
    assert note.status == NotificationStatus.PENDING
    (event,) = _events("waitlist.offered")
    assert event.patient_public_id == str(first.patient.public_id)
    assert event.object_id == str(offer.public_id)
    # Nobody else was asked.
    assert SlotOffer.objects.count() == 1


def test_the_offer_is_in_the_patients_language(clinic):
    entry = _waiting(clinic)
    entry.patient.preferred_language = "pt"
    entry.patient.save(update_fields=["preferred_language"])

    offer = services.offer_time(freed=_freed(clinic))

    assert Notification.objects.get(dedupe_key=f"offer:{offer.public_id}").language == "pt-br"


def _unsuitable(case, clinic):
    """One waiting patient the freed time does not suit, and why; returns skip_entries."""
    if case == "their booking is already earlier":
        _waiting(clinic, hour=9, days_ahead=3)
    elif case == "another visit type":
        other = VisitTypeFactory(code="follow-up")
        WaitlistEntry.objects.filter(pk=_waiting(clinic).pk).update(visit_type=other)
    elif case == "waits for another clinician":
        WaitlistEntry.objects.filter(pk=_waiting(clinic).pk).update(clinician=ClinicianFactory())
    elif case == "waits at another location":
        WaitlistEntry.objects.filter(pk=_waiting(clinic).pk).update(location=LocationFactory())
    elif case == "left the waitlist":
        services.leave_waitlist(entry=_waiting(clinic), actor=None)
    elif case == "was already asked":
        return [_waiting(clinic).pk]
    elif case == "already has an offer out":
        _waiting(clinic)
        assert services.offer_time(freed=_freed(clinic, hour=11, days_ahead=8)) is not None
    elif case == "their booking was cancelled":
        entry = _waiting(clinic)
        WaitlistEntry.objects.filter(pk=entry.pk).update(is_active=True)
        Appointment.objects.filter(pk=entry.appointment_id).update(status="cancelled")
    return []


@pytest.mark.parametrize(
    "case",
    [
        "their booking is already earlier",
        "another visit type",
        "waits for another clinician",
        "waits at another location",
        "left the waitlist",
        "was already asked",
        "already has an offer out",
        "their booking was cancelled",
    ],
)
def test_a_freed_time_is_offered_only_to_patients_it_suits(clinic, case):
    skip = _unsuitable(case, clinic)
    offers_before = SlotOffer.objects.count()
    freed = _freed(clinic)

    assert services.offer_time(freed=freed, skip_entries=skip) is None

    assert SlotOffer.objects.count() == offers_before
    assert not Appointment.objects.filter(start=freed.start, status="pending").exists()


def test_the_patient_who_freed_the_time_is_not_offered_it_back(clinic):
    entry = _waiting(clinic)
    earlier = book_at(clinic, entry.patient, next_weekday_at(**FREED))
    services.cancel_appointment(appointment=earlier, actor=None)

    assert services.offer_time(freed=earlier) is None


def test_a_patient_waiting_for_any_clinician_is_offered_another_clinicians_time(clinic):
    _clinician, location, visit = clinic
    other = ClinicianFactory()
    weekly_rules(clinician=other, location=location, visit_types=[visit])
    entry = _waiting(clinic, any_clinician=True)
    freed = _freed((other, location, visit))

    offer = services.offer_time(freed=freed)

    assert offer is not None and offer.entry == entry and offer.hold.clinician == other


def test_a_freed_time_too_soon_to_rearrange_a_day_is_not_offered(clinic):
    _waiting(clinic)
    freed = _freed(clinic)

    with time_machine.travel(freed.start - timedelta(hours=2)):
        assert services.offer_time(freed=freed) is None

    assert not SlotOffer.objects.exists()


def test_a_freed_time_booked_again_meanwhile_is_not_offered(clinic):
    entry = _waiting(clinic)
    freed = _freed(clinic)
    book_at(clinic, PatientFactory(), freed.start)

    assert services.offer_time(freed=freed) is None

    assert not SlotOffer.objects.exists()
    assert not Appointment.objects.filter(patient=entry.patient, status="pending").exists()


def test_a_freed_chair_or_room_is_not_offered(clinic):
    _clinician, location, _visit = clinic
    infusion = VisitTypeFactory(code="infusion", resource_kind=ResourceKind.INFUSION_CHAIR)
    chair = Resource.objects.create(
        name="Chair 1", kind=ResourceKind.INFUSION_CHAIR, location=location
    )
    weekly_rules(resource=chair, location=location, visit_types=[infusion])
    _waiting(clinic)
    booked = services.book_appointment(
        patient=PatientFactory(),
        visit_type=infusion,
        location=location,
        start=next_weekday_at(**FREED),
        actor=StaffUserFactory(roles=["scheduler"]),
        channel=BookingChannel.STAFF,
        resource=chair,
    )
    services.cancel_appointment(appointment=booked, actor=None)

    assert services.offer_time(freed=booked) is None


# --- accept_offer ------------------------------------------------------------------------------


def test_accepting_books_the_earlier_time_and_releases_the_later_one(offered):
    actor = UserFactory()

    booked = services.accept_offer(offer=offered.offer, actor=actor)

    assert booked.pk == offered.offer.hold_id
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.hold_expires_at is None and booked.booked_at is not None
    assert booked.start == offered.freed.start
    assert booked.rescheduled_from == offered.later
    # What the patient told us, and the referral the visit answers, move with the booking.
    assert booked.reason_for_visit == "second opinion"
    assert booked.referral == offered.referral
    offered.later.refresh_from_db()
    assert offered.later.status == AppointmentStatus.CANCELLED
    assert offered.later.cancel_reason == "moved to an earlier time"
    assert offered.later.cancelled_by == actor
    offer = SlotOffer.objects.get(pk=offered.offer.pk)
    assert offer.status == OfferStatus.ACCEPTED and offer.answered_at is not None
    offered.entry.refresh_from_db()
    assert not offered.entry.is_active
    (event,) = _events("waitlist.accepted")
    assert event.patient_public_id == str(offered.patient.public_id)
    assert event.object_id == str(booked.public_id)
    assert event.reason == f"earlier than {offered.later.start:%Y-%m-%d %H:%M}"


def test_accepting_confirms_the_new_time_and_withdraws_the_old_reminders(offered):
    booked = services.accept_offer(offer=offered.offer, actor=None)

    confirmation = Notification.objects.get(
        kind=NotificationKind.CONFIRMATION, reference=_about(booked)
    )
    assert confirmation.to == "ada@example.test" and confirmation.language == "pt-br"
    assert Notification.objects.filter(
        kind=NotificationKind.REMINDER, reference=_about(booked), status=NotificationStatus.PENDING
    ).exists()
    old = Notification.objects.filter(
        reference=_about(offered.later), kind=NotificationKind.REMINDER
    )
    assert old.exists()
    assert not old.filter(status=NotificationStatus.PENDING).exists()
    # She moved, she did not cancel: no cancellation notice for the old time.
    assert not Notification.objects.filter(
        kind=NotificationKind.CANCELLATION, reference=_about(offered.later)
    ).exists()


def test_accepting_passes_the_released_later_time_to_the_next_patient(
    offered, clinic, django_capture_on_commit_callbacks
):
    next_in_line = _waiting(clinic, hour=9, days_ahead=28)

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_offer(offer=offered.offer, actor=None)

    passed_on = SlotOffer.objects.get(entry=next_in_line)
    assert passed_on.hold.start == offered.later.start
    assert passed_on.status == OfferStatus.OFFERED


def test_an_offer_that_ran_out_cannot_be_accepted(offered):
    with (
        time_machine.travel(offered.offer.expires_at + timedelta(seconds=1)),
        pytest.raises(ValidationError) as error,
    ):
        services.accept_offer(offer=offered.offer, actor=None)

    assert error.value.message_dict == {"offer": ["Sorry, this offer has ended."]}
    offered.later.refresh_from_db()
    assert offered.later.status == AppointmentStatus.BOOKED
    assert Appointment.objects.get(pk=offered.offer.hold_id).status == AppointmentStatus.PENDING
    assert not _events("waitlist.accepted")


@pytest.mark.parametrize("first", ["accept", "decline", "expire"])
def test_an_answered_offer_cannot_be_accepted(offered, first):
    if first == "accept":
        services.accept_offer(offer=offered.offer, actor=None)
    else:
        services.decline_offer(offer=offered.offer, actor=None, expired=first == "expire")

    with pytest.raises(ValidationError) as error:
        services.accept_offer(offer=offered.offer, actor=None)

    assert error.value.message_dict == {"offer": ["Sorry, this offer has ended."]}
    assert Appointment.objects.filter(patient=offered.patient, status="booked").count() == 1
    assert len(_events("waitlist.accepted")) == (first == "accept")


# --- decline_offer / expire_offers ------------------------------------------------------------


def test_declining_releases_the_hold_and_keeps_the_later_booking(offered):
    actor = UserFactory()

    services.decline_offer(offer=offered.offer, actor=actor)

    offer = SlotOffer.objects.get(pk=offered.offer.pk)
    assert offer.status == OfferStatus.DECLINED and offer.answered_at is not None
    hold = offer.hold
    assert hold.status == AppointmentStatus.CANCELLED and hold.cancel_reason == "offer declined"
    offered.later.refresh_from_db()
    assert offered.later.status == AppointmentStatus.BOOKED
    # She still waits for another earlier time.
    offered.entry.refresh_from_db()
    assert offered.entry.is_active
    assert not Notification.objects.filter(
        kind=NotificationKind.OFFER, status=NotificationStatus.PENDING
    ).exists()
    (event,) = _events("waitlist.declined")
    assert event.actor_public_id == str(actor.public_id)
    assert event.patient_public_id == str(offered.patient.public_id)
    assert event.object_id == str(offer.public_id)


def test_a_declined_time_goes_to_the_next_patient_not_back_to_the_one_who_declined(
    offered, clinic, django_capture_on_commit_callbacks
):
    next_in_line = _waiting(clinic, hour=10, days_ahead=28)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_offer(offer=offered.offer, actor=None)

    passed_on = SlotOffer.objects.get(status=OfferStatus.OFFERED)
    assert passed_on.entry == next_in_line
    assert passed_on.hold.start == offered.freed.start
    assert SlotOffer.objects.filter(entry=offered.entry).count() == 1


def test_declining_an_answered_offer_changes_nothing(offered):
    booked = services.accept_offer(offer=offered.offer, actor=None)

    services.decline_offer(offer=offered.offer, actor=None)

    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert SlotOffer.objects.get(pk=offered.offer.pk).status == OfferStatus.ACCEPTED
    assert not _events("waitlist.declined")


def test_expiring_lapses_only_the_offers_whose_time_ran_out(offered, clinic):
    second = _waiting(clinic, hour=11, days_ahead=28)
    still_open = services.offer_time(freed=_freed(clinic, hour=11, days_ahead=8))
    assert still_open is not None and still_open.entry == second
    SlotOffer.objects.filter(pk=offered.offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert services.expire_offers() == 1

    lapsed = SlotOffer.objects.get(pk=offered.offer.pk)
    assert lapsed.status == OfferStatus.EXPIRED
    assert lapsed.hold.status == AppointmentStatus.CANCELLED
    assert lapsed.hold.cancel_reason == "offer expired"
    assert SlotOffer.objects.get(pk=still_open.pk).status == OfferStatus.OFFERED
    (event,) = _events("waitlist.expired")
    assert event.actor_public_id == "" and event.object_id == str(lapsed.public_id)
    assert services.expire_offers() == 0


def test_when_every_offer_runs_out_the_freed_time_is_offered_on(
    offered, clinic, django_capture_on_commit_callbacks
):
    next_in_line = _waiting(clinic, hour=11, days_ahead=28)

    with (
        time_machine.travel(offered.offer.expires_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.expire_offers() == 1

    assert SlotOffer.objects.get(status=OfferStatus.OFFERED).entry == next_in_line


# --- Races -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_accepts_of_one_offer_at_once_book_it_once(offered):
    """A double click, or the email link and the portal button together."""

    def accept():
        return services.accept_offer(offer=offered.offer, actor=None)

    results = at_once(accept, accept)

    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert refused[0].message_dict == {"offer": ["Sorry, this offer has ended."]}
    assert Appointment.objects.filter(patient=offered.patient, status="booked").count() == 1
    assert len(_events("waitlist.accepted")) == 1
    assert (
        Notification.objects.filter(
            kind=NotificationKind.CONFIRMATION, reference=_about(booked[0])
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_an_accept_and_a_decline_at_once_leave_one_consistent_answer(offered):
    def accept():
        return services.accept_offer(offer=offered.offer, actor=None)

    def decline():
        return services.decline_offer(offer=offered.offer, actor=None)

    accepted, declined = at_once(accept, decline)

    assert declined is None, declined
    offer = SlotOffer.objects.get(pk=offered.offer.pk)
    hold = offer.hold
    offered.later.refresh_from_db()
    if isinstance(accepted, Appointment):
        assert offer.status == OfferStatus.ACCEPTED
        assert hold.status == AppointmentStatus.BOOKED
        assert offered.later.status == AppointmentStatus.CANCELLED
        assert not _events("waitlist.declined")
    else:
        assert isinstance(accepted, ValidationError), accepted
        assert offer.status == OfferStatus.DECLINED
        assert hold.status == AppointmentStatus.CANCELLED
        assert offered.later.status == AppointmentStatus.BOOKED
        assert not _events("waitlist.accepted")


@pytest.mark.django_db(transaction=True)
def test_two_times_freed_at_once_are_not_both_held_for_one_patient(clinic):
    """Two cancellations a moment apart: the one waiting patient is offered one time, not
    two (an entry with an offer out is skipped), and the other time stays free."""
    entry = _waiting(clinic)
    first = book_at(clinic, PatientFactory(), next_weekday_at(10, days_ahead=7))
    second = book_at(clinic, PatientFactory(), next_weekday_at(11, days_ahead=8))
    # Cancelled without passing the times on, so the race below is the only offer made.
    Appointment.objects.filter(pk__in=[first.pk, second.pk]).update(status="cancelled")
    first.refresh_from_db()
    second.refresh_from_db()

    results = at_once(
        lambda: services.offer_time(freed=first), lambda: services.offer_time(freed=second)
    )

    offers = [r for r in results if isinstance(r, SlotOffer)]
    assert len(offers) == 1 and results.count(None) == 1, results
    assert SlotOffer.objects.filter(entry=entry, status=OfferStatus.OFFERED).count() == 1
    assert Appointment.objects.filter(patient=entry.patient, status="pending").count() == 1
