"""Holding, booking, cancelling and rescheduling through the services."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.models import Notification, NotificationStatus
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import selectors, services
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    ExceptionKind,
    NotificationKind,
)
from medcenter.scheduling.tests.conftest import book_at, next_weekday_at

pytestmark = pytest.mark.django_db


def test_next_slot_is_the_first_free_morning_slot_after_the_notice(clinic):
    clinician, _location, visit = clinic
    slot = selectors.next_slot(owner=("clinician", clinician.pk), visit_type=visit)
    assert slot is not None
    local = slot.start.astimezone(selectors.center_tz())
    assert local.weekday() < 5 and 9 <= local.hour < 12
    assert slot.start >= selectors.earliest_bookable(visit)


def test_a_booked_slot_is_no_longer_offered(clinic, patient):
    clinician, _location, visit = clinic
    start = next_weekday_at(9)
    book_at(clinic, patient, start)
    free = selectors.free_slots(
        owner=("clinician", clinician.pk),
        visit_type=visit,
        start=start - timedelta(hours=1),
        end=start + timedelta(hours=4),
    )
    starts = [slot.start for slot in free]
    assert start not in starts
    assert start + timedelta(minutes=30) in starts


def test_booking_a_taken_slot_is_refused_with_slot_taken(clinic, patient):
    start = next_weekday_at(10)
    book_at(clinic, patient, start)
    with pytest.raises(services.SlotTaken):
        book_at(clinic, PatientFactory(), start)
    assert Appointment.objects.filter(start=start, status="booked").count() == 1


def test_a_time_outside_the_rules_is_refused_as_not_offered(clinic, patient):
    with pytest.raises(ValidationError) as error:
        book_at(clinic, patient, next_weekday_at(15))
    assert "not offered" in str(error.value)


def test_a_time_during_the_clinicians_leave_is_refused_even_to_staff(clinic, patient):
    clinician, _location, _visit = clinic
    start = next_weekday_at(9)
    AvailabilityException.objects.create(
        clinician=clinician,
        kind=ExceptionKind.LEAVE,
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(hours=8),
    )
    with pytest.raises(ValidationError) as error:
        book_at(clinic, patient, start)
    assert "not offered" in str(error.value)
    assert not Appointment.objects.filter(start=start).exists()


def test_online_booking_needs_the_visit_types_notice(clinic, patient):
    clinician, location, visit = clinic
    start = next_weekday_at(9)
    with time_machine.travel(start - timedelta(hours=2)), pytest.raises(ValidationError) as error:
        services.hold_slot(
            patient=patient,
            visit_type=visit,
            location=location,
            start=start,
            actor=None,
            clinician=clinician,
        )
    assert "24 hours" in str(error.value)


def test_a_hold_blocks_others_until_it_expires(clinic, patient, settings):
    clinician, location, visit = clinic
    start = next_weekday_at(11)
    held = services.hold_slot(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=None,
        clinician=clinician,
    )
    assert held.status == AppointmentStatus.PENDING
    other = PatientFactory()
    with pytest.raises(services.SlotTaken):
        services.hold_slot(
            patient=other,
            visit_type=visit,
            location=location,
            start=start,
            actor=None,
            clinician=clinician,
        )
    with time_machine.travel(held.hold_expires_at + timedelta(seconds=1)):
        taken = services.hold_slot(
            patient=other,
            visit_type=visit,
            location=location,
            start=start,
            actor=None,
            clinician=clinician,
        )
        assert taken.patient == other
        with pytest.raises(ValidationError):
            services.confirm_hold(appointment=held, actor=None)
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CANCELLED


def test_confirming_a_hold_books_it_and_queues_confirmation_and_reminders(
    clinic, patient, django_capture_on_commit_callbacks
):
    clinician, location, visit = clinic
    start = next_weekday_at(9, days_ahead=10)
    held = services.hold_slot(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=None,
        clinician=clinician,
    )
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.confirm_hold(appointment=held, actor=None)
    again = services.confirm_hold(appointment=held, actor=None)
    assert booked.status == again.status == AppointmentStatus.BOOKED
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == ["scheduling.confirmation", "scheduling.reminder", "scheduling.reminder"]
    # The confirmation went out at once (tasks run immediately in tests), in Spanish, with .ics.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.attachments[0][0] == "appointment.ics"
    ics = message.attachments[0][1]
    assert "BEGIN:VEVENT" in (ics.decode() if isinstance(ics, bytes) else ics)
    assert message.to == ["patient@example.test"]


def test_overbooking_needs_the_permission_and_a_reason(clinic, patient):
    start = next_weekday_at(9, days_ahead=8)
    book_at(clinic, patient, start)
    with pytest.raises(PermissionDenied):
        book_at(
            clinic,
            PatientFactory(),
            start,
            overbook_reason="urgent add-on",
            actor=StaffUserFactory(roles=["nurse_navigator"]),
        )
    scheduler = StaffUserFactory(roles=["scheduler"])
    extra = book_at(
        clinic, PatientFactory(), start, actor=scheduler, overbook_reason="urgent add-on"
    )
    assert extra.overbooked and extra.overbook_reason == "urgent add-on"
    assert Appointment.objects.filter(start=start, status="booked").count() == 2


def test_patients_cannot_cancel_inside_the_window_but_staff_can(clinic, patient):
    start = next_weekday_at(10, days_ahead=8)
    booked = book_at(clinic, patient, start)
    with time_machine.travel(start - timedelta(hours=2)):
        with pytest.raises(ValidationError) as error:
            services.cancel_appointment(appointment=booked, actor=None)
        assert "24 hours" in str(error.value)
        cancelled = services.cancel_appointment(
            appointment=booked, actor=StaffUserFactory(roles=["scheduler"]), reason="ill"
        )
    assert cancelled.status == AppointmentStatus.CANCELLED


def test_cancelling_withdraws_reminders_and_sends_a_cancellation(
    clinic, patient, django_capture_on_commit_callbacks
):
    booked = book_at(clinic, patient, next_weekday_at(11, days_ahead=9))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=booked, actor=None, reason="feeling better")
    statuses = dict(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list("status", "kind")
    )
    assert NotificationStatus.PENDING not in statuses
    assert (
        Notification.objects.filter(kind=NotificationKind.CANCELLATION, status="sent").count() == 1
    )
    # Cancelling twice is not an error and sends nothing more.
    services.cancel_appointment(appointment=booked, actor=None)
    assert Notification.objects.filter(kind=NotificationKind.CANCELLATION).count() == 1


def test_rescheduling_keeps_the_old_time_when_the_new_one_is_taken(clinic, patient):
    first = book_at(clinic, patient, next_weekday_at(9, days_ahead=9))
    taken = next_weekday_at(10, days_ahead=9)
    book_at(clinic, PatientFactory(), taken)
    with pytest.raises(services.SlotTaken):
        services.reschedule_appointment(appointment=first, start=taken, actor=None)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.BOOKED
    moved = services.reschedule_appointment(
        appointment=first, start=next_weekday_at(11, days_ahead=9), actor=None
    )
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED and moved.rescheduled_from == first


def test_rescheduling_to_an_overlapping_time_of_the_same_clinician_works(clinic, patient):
    first = book_at(clinic, patient, next_weekday_at(9, days_ahead=9))
    moved = services.reschedule_appointment(
        appointment=first, start=next_weekday_at(9, 30, days_ahead=9), actor=None
    )
    assert moved.status == AppointmentStatus.BOOKED


def test_the_database_itself_refuses_overlapping_rows(clinic, patient):
    """Even a write that skips the services (admin, a script) cannot double-book."""
    clinician, location, visit = clinic
    start = next_weekday_at(9, days_ahead=12)
    row = dict(
        clinician=clinician,
        location=location,
        visit_type=visit,
        channel="staff",
        status="booked",
        patient=patient,
    )
    Appointment.objects.create(
        start=start,
        end=start + timedelta(minutes=30),
        reserved_until=start + timedelta(minutes=30),
        **row,
    )
    later = start + timedelta(minutes=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            start=later,
            end=later + timedelta(minutes=30),
            reserved_until=later + timedelta(minutes=30),
            **row,
        )
    # Touching is fine, and so is a cancelled row or an overbooking with a reason.
    after = start + timedelta(minutes=30)
    Appointment.objects.create(
        start=after,
        end=after + timedelta(minutes=30),
        reserved_until=after + timedelta(minutes=30),
        **row,
    )
    Appointment.objects.create(
        start=later,
        end=later + timedelta(minutes=30),
        reserved_until=later + timedelta(minutes=30),
        **{**row, "status": "cancelled"},
    )
    Appointment.objects.create(
        start=later,
        end=later + timedelta(minutes=30),
        reserved_until=later + timedelta(minutes=30),
        overbooked=True,
        overbook_reason="add-on",
        **row,
    )
    # Moving a cancelled row back to booked over another is refused too.
    cancelled = Appointment.objects.get(status="cancelled")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=cancelled.pk).update(status="booked")


def test_my_appointments_splits_upcoming_from_past_and_audits_each_patient(clinic):
    from medcenter.accounts.tests.factories import UserFactory
    from medcenter.core.models import AuditEvent

    user = UserFactory()
    patient = PatientFactory(user=user)
    later = book_at(clinic, patient, next_weekday_at(10, days_ahead=14))
    sooner = book_at(clinic, patient, next_weekday_at(9, days_ahead=7))
    cancelled = book_at(clinic, patient, next_weekday_at(11, days_ahead=7))
    services.cancel_appointment(appointment=cancelled, actor=user, reason="")

    with transaction.atomic():
        (group,) = selectors.my_appointments(user)

    assert group.patient == patient
    assert group.upcoming == [sooner, later]
    assert [a.pk for a in group.past] == [cancelled.pk]
    assert (
        AuditEvent.objects.filter(
            action="appointment.listed", patient_public_id=patient.public_id
        ).count()
        == 1
    )
    assert selectors.my_appointments(StaffUserFactory(roles=["scheduler"])) == []
