"""New patients book online: a visitor's hold, the one-time code, the provisional patient, and
staff reconciling it with an existing record (services called directly)."""

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.core import outbox
from medcenter.core.models import AuditEvent, Notification
from medcenter.core.throttle import Throttled
from medcenter.patients import selectors as patient_selectors
from medcenter.patients import services as patient_services
from medcenter.patients.models import Patient, ProvisionalRegistration, RegistrationStatus
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import selectors, services
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    NewPatientBooking,
    NotificationKind,
)
from medcenter.scheduling.tests.conftest import book_at, next_weekday_at

pytestmark = pytest.mark.django_db

DETAILS = {
    "given_name": "Ilse",
    "family_name": "Quorrington",
    "date_of_birth": "1981-03-14",
    "sex": "female",
    "email": "ilse.quorrington@example.test",
    "phone": "",
    "sms_consent": False,
    "preferred_language": "es",
    "interpreter_needed": True,
    "payment": "insurance",
    "payer": "Harbor Mutual Health",
    "member_id": "HMH-0042",
    "reason_for_visit": "New diagnosis",
}


def _visitor_hold(clinic, start=None, replaces=None):
    clinician, location, visit = clinic
    return services.hold_slot_for_visitor(
        visit_type=visit,
        location=location,
        start=start or next_weekday_at(9),
        clinician=clinician,
        replaces=replaces,
    )


def _code_of(booking: NewPatientBooking) -> str:
    note = Notification.objects.filter(
        kind=NotificationKind.NEW_PATIENT_CODE,
        dedupe_key__startswith=f"new-patient-code:{booking.public_id}:",
    ).latest("created_at")
    return str(note.context["code"])


def _send(clinic, details=None, address="203.0.113.9", hold=None):
    held = hold or _visitor_hold(clinic)
    booking = services.send_new_patient_code(
        hold=held, details=details or dict(DETAILS), language="es", client_address=address
    )
    return held, booking


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- The visitor's hold --------------------------------------------------------------------------


def test_a_visitor_holds_a_slot_without_a_patient_and_it_blocks_the_time(clinic):
    held = _visitor_hold(clinic)

    assert held.patient is None and held.status == AppointmentStatus.PENDING
    with pytest.raises(services.SlotTaken):
        _visitor_hold(clinic)


def test_a_visitors_second_hold_releases_the_first(clinic):
    first = _visitor_hold(clinic)
    second = _visitor_hold(clinic, start=next_weekday_at(10), replaces=first)

    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert second.status == AppointmentStatus.PENDING


def test_the_same_hold_is_claimed_by_the_patient_after_sign_in(clinic, patient):
    held = _visitor_hold(clinic)

    claimed = services.claim_visitor_hold(hold=held, patient=patient, actor=patient.user)

    assert claimed.pk == held.pk and claimed.patient == patient
    assert claimed.start == next_weekday_at(9).astimezone(UTC)
    booked = services.confirm_hold(appointment=claimed, actor=None)
    assert booked.status == AppointmentStatus.BOOKED


def test_an_expired_visitor_hold_cannot_be_claimed(clinic, patient):
    held = _visitor_hold(clinic)
    with time_machine.travel(timezone.now() + timedelta(minutes=services.hold_minutes() + 1)):
        assert selectors.visitor_hold(held.public_id) is None
        with pytest.raises(ValidationError):
            services.claim_visitor_hold(hold=held, patient=patient, actor=None)


# --- The code ------------------------------------------------------------------------------------


def test_the_code_goes_through_the_outbox_and_only_its_digest_is_stored(clinic):
    _held, booking = _send(clinic)

    code = _code_of(booking)
    assert len(code) == 6 and code not in booking.code_digest
    note = Notification.objects.get(kind=NotificationKind.NEW_PATIENT_CODE)
    assert note.to == DETAILS["email"] and note.language == "es"
    outbox.deliver(note.pk)
    note.refresh_from_db()
    assert "code" not in note.context  # forgotten once sent
    assert code in mail.outbox[-1].body


def test_a_mobile_number_alone_gets_the_code_by_text(clinic):
    details = {**DETAILS, "email": "", "phone": "+34600111222"}
    _held, booking = _send(clinic, details=details)

    assert booking.channel == "sms" and booking.send_to == "+34600111222"
    note = Notification.objects.get(kind=NotificationKind.NEW_PATIENT_CODE)
    assert note.channel == "sms"


def test_the_hold_is_kept_while_the_code_works(clinic):
    held, booking = _send(clinic)

    held.refresh_from_db()
    assert held.hold_expires_at == booking.code_expires_at
    assert booking.code_expires_at > timezone.now() + timedelta(minutes=14)


def test_the_right_code_books_the_held_slot_for_a_provisional_patient(
    clinic, django_capture_on_commit_callbacks
):
    held, booking = _send(clinic)
    code = _code_of(booking)

    with django_capture_on_commit_callbacks(execute=True):
        booked = services.verify_new_patient_code(booking=booking, code=code)

    assert booked.pk == held.pk and booked.status == AppointmentStatus.BOOKED
    patient = booked.patient
    assert patient.provisional and not patient.mrn.isdigit()
    assert (patient.given_name, patient.date_of_birth) == ("Ilse", date(1981, 3, 14))
    assert patient.preferred_language == "es" and patient.interpreter_needed
    registration = patient.provisional_registration
    assert (registration.payer, registration.member_id) == ("Harbor Mutual Health", "HMH-0042")
    assert registration.status == RegistrationStatus.WAITING
    confirmation = [m for m in mail.outbox if m.to == [DETAILS["email"]] and m.attachments]
    assert confirmation[0].attachments[0][0] == "appointment.ics"
    assert AuditEvent.objects.filter(
        action="appointment.booked", patient_public_id=patient.public_id
    ).exists()


def test_a_second_verify_returns_the_same_booking(clinic):
    _held, booking = _send(clinic)
    code = _code_of(booking)
    first = services.verify_new_patient_code(booking=booking, code=code)

    again = services.verify_new_patient_code(booking=booking, code=code)

    assert again.pk == first.pk
    assert Patient.objects.filter(provisional=True).count() == 1


def test_a_wrong_code_is_counted_and_five_lock_it(clinic):
    _held, booking = _send(clinic)
    code = _code_of(booking)
    for _ in range(services.NEW_PATIENT_MAX_ATTEMPTS):
        with pytest.raises(ValidationError) as wrong:
            services.verify_new_patient_code(booking=booking, code=_wrong(code))
        assert "not right" in wrong.value.message_dict["code"][0]

    with pytest.raises(ValidationError) as locked:
        services.verify_new_patient_code(booking=booking, code=code)

    assert "Too many wrong codes" in locked.value.message_dict["code"][0]
    assert not Patient.objects.filter(provisional=True).exists()
    booking.refresh_from_db()
    assert booking.details == DETAILS  # nothing entered is lost


def test_an_expired_code_asks_for_a_new_one_and_a_new_code_works(clinic):
    _held, booking = _send(clinic)
    old = _code_of(booking)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        with pytest.raises(ValidationError) as expired:
            services.verify_new_patient_code(booking=booking, code=old)
        assert "run out" in expired.value.message_dict["code"][0]


def test_a_new_code_replaces_the_old_one(clinic):
    _held, booking = _send(clinic)
    old = _code_of(booking)

    services.resend_new_patient_code(booking=booking)
    booking.refresh_from_db()
    new = _code_of(booking)

    if new != old:
        with pytest.raises(ValidationError):
            services.verify_new_patient_code(booking=booking, code=old)
    assert services.verify_new_patient_code(booking=booking, code=new).status == "booked"


def test_codes_per_booking_are_limited(clinic):
    _held, booking = _send(clinic)
    for _ in range(services.NEW_PATIENT_MAX_SENDS - 1):
        services.resend_new_patient_code(booking=booking)

    with pytest.raises(Throttled):
        services.resend_new_patient_code(booking=booking)


def test_bookings_per_address_are_limited(clinic):
    for hour in range(services.NEW_PATIENT_BOOKINGS_PER_HOUR):
        _send(
            clinic,
            hold=_visitor_hold(clinic, start=next_weekday_at(9 + hour // 2, 30 * (hour % 2))),
        )

    last = _visitor_hold(clinic, start=next_weekday_at(11, 30))
    with pytest.raises(Throttled):
        _send(clinic, hold=last)
    # another address is not held back
    _held, booking = _send(clinic, hold=last, address="198.51.100.7")
    assert booking.pk is not None


def test_a_booking_for_an_existing_patients_details_reveals_nothing(clinic):
    """No enumeration: the same details as a real patient make a provisional patient just the
    same; matching happens only in the staff queue."""
    PatientFactory(
        given_name="Ilse",
        family_name="Quorrington",
        date_of_birth=date(1981, 3, 14),
        email=DETAILS["email"],
    )
    _held, booking = _send(clinic)

    booked = services.verify_new_patient_code(booking=booking, code=_code_of(booking))

    assert booked.patient.provisional


# --- Abandoned holds -----------------------------------------------------------------------------


def test_an_abandoned_hold_is_not_shown_as_a_cancelled_appointment(clinic, patient):
    clinician, location, visit = clinic
    services.hold_slot(
        patient=patient,
        visit_type=visit,
        location=location,
        start=next_weekday_at(9),
        actor=None,
        clinician=clinician,
    )
    kept = book_at(clinic, patient, next_weekday_at(10))
    with time_machine.travel(timezone.now() + timedelta(minutes=services.hold_minutes() + 1)):
        services.release_expired_holds()
        shown = list(selectors.appointments_for_patient(patient))

    assert Appointment.objects.filter(patient=patient, status="cancelled").count() == 1
    assert shown == [kept]


# --- Reconciliation ------------------------------------------------------------------------------


def _provisional(clinic):
    _held, booking = _send(clinic)
    booked = services.verify_new_patient_code(booking=booking, code=_code_of(booking))
    return booked


def _reconciler():
    return verified(StaffUserFactory(roles=["scheduler"]))


def test_the_queue_shows_staff_the_possible_duplicates(clinic):
    twin = PatientFactory(
        given_name="ILSE", family_name="quorrington", date_of_birth=date(1981, 3, 14)
    )
    same_email = PatientFactory(email=DETAILS["email"])
    PatientFactory(given_name="Ilse", family_name="Quorrington", date_of_birth=date(1990, 1, 1))
    booked = _provisional(clinic)

    queue = patient_selectors.reconciliation_queue(_reconciler())

    assert [item.registration.patient for item in queue] == [booked.patient]
    found = {d.patient: d.reasons for d in queue[0].duplicates}
    assert found == {twin: ["name_and_birth_date"], same_email: ["email"]}
    assert AuditEvent.objects.filter(
        action="patient.reconciliation_listed", patient_public_id=twin.public_id
    ).exists()


def test_the_queue_needs_the_reconcile_permission(clinic):
    _provisional(clinic)
    with pytest.raises(PermissionDenied):
        patient_selectors.reconciliation_queue(verified(StaffUserFactory(roles=["clinician"])))


def test_merging_moves_the_appointment_to_the_existing_record(clinic):
    existing = PatientFactory(
        given_name="Ilse", family_name="Quorrington", date_of_birth=date(1981, 3, 14)
    )
    booked = _provisional(clinic)
    staff = _reconciler()

    patient_services.merge_provisional_patient(
        registration=booked.patient.provisional_registration, into=existing, actor=staff
    )

    booked.refresh_from_db()
    assert booked.patient == existing and booked.status == AppointmentStatus.BOOKED
    registration = ProvisionalRegistration.objects.get()
    assert registration.status == RegistrationStatus.MERGED and registration.merged_into == existing
    assert AuditEvent.objects.filter(
        action="patient.merged_into", patient_public_id=existing.public_id
    ).exists()
    with pytest.raises(ValidationError):
        patient_services.confirm_provisional_patient(registration=registration, actor=staff)


def test_confirming_assigns_a_real_mrn(clinic):
    booked = _provisional(clinic)

    patient = patient_services.confirm_provisional_patient(
        registration=booked.patient.provisional_registration, actor=_reconciler()
    )

    assert not patient.provisional and len(patient.mrn) == 9 and patient.mrn.isdigit()
    assert ProvisionalRegistration.objects.get().status == RegistrationStatus.CONFIRMED


def test_only_a_reconciler_may_merge_or_confirm(clinic):
    booked = _provisional(clinic)
    clinician = verified(StaffUserFactory(roles=["clinician"]))
    with pytest.raises(PermissionDenied):
        patient_services.confirm_provisional_patient(
            registration=booked.patient.provisional_registration, actor=clinician
        )
