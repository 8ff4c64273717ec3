"""The pages: public request and referral forms, the patient's booking, the triage loop."""

from datetime import UTC

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fpdf import FPDF

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    Referral,
    ReferralDocument,
    ReferralStatus,
)
from medcenter.scheduling.tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Pathology report (synthetic)")
    return bytes(pdf.output())


def _request_data(**extra):
    return {
        "relationship": "self",
        "given_name": "Rowan",
        "family_name": "Testerly",
        "date_of_birth": "1970-05-02",
        "email": "rowan@example.test",
        "phone": "",
        "language": "es",
        "diagnosis": "Chondrosarcoma on MRI",
        "urgency": "routine",
        "idempotency_key": "form-key-1",
        **extra,
    }


def test_the_request_form_keeps_what_was_typed_and_explains_problems(client):
    response = client.post(
        "/en/appointments/request/", _request_data(email="", date_of_birth="2999-01-01")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Chondrosarcoma on MRI" in body  # nothing typed is lost
    assert "cannot be in the future" in body
    assert not Referral.objects.exists()


def test_a_request_with_a_record_is_received_routed_and_acknowledged(
    client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("mri report.pdf", _pdf(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/appointments/request/", {**_request_data(), "documents": [upload]}
        )
    assert response.status_code == 200
    assert "We received your request" in response.content.decode()
    referral = Referral.objects.get()
    assert referral.source == "patient" and referral.status == ReferralStatus.RECEIVED
    assert referral.contact_due_at > referral.received_at
    document = ReferralDocument.objects.get()
    assert document.filename == "mri report.pdf" and document.content_type == "application/pdf"
    assert [m.to for m in mail.outbox] == [["rowan@example.test"]]
    # Sending the same form again (a double click, a retry) makes no second referral.
    client.post("/en/appointments/request/", {**_request_data(), "documents": []})
    assert Referral.objects.count() == 1


def test_a_disguised_file_is_refused_with_a_clear_message(client):
    fake = SimpleUploadedFile(
        "scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post("/en/appointments/request/", {**_request_data(), "documents": [fake]})
    assert response.status_code == 400
    assert "not a type of file we accept" in response.content.decode()
    assert not Referral.objects.exists()


def test_requests_from_one_address_are_throttled(client, settings):
    settings.REFERRALS_PER_HOUR = 2
    statuses = [
        client.post("/en/appointments/request/", _request_data(idempotency_key=f"k{i}")).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Referral.objects.count() == 2


def test_the_physician_form_checks_the_npi(client):
    data = {
        **_request_data(),
        "referrer_name": "Dr Test",
        "referrer_npi": "1234567890",
        "referrer_practice": "Clinic",
        "referrer_email": "dr@example.test",
        "referrer_phone": "555",
    }
    response = client.post("/en/appointments/refer/", data)
    assert response.status_code == 400
    assert "not a valid 10-digit NPI" in response.content.decode()
    response = client.post("/en/appointments/refer/", {**data, "referrer_npi": "1234567893"})
    assert response.status_code == 200
    assert Referral.objects.get().source == "physician"


def test_a_patient_picks_a_slot_confirms_and_cancels(clinic, django_capture_on_commit_callbacks):
    clinician, location, visit = clinic
    user = UserFactory(email="self@example.test")
    patient = PatientFactory(user=user, email="self@example.test")
    client = Client()
    page = client.get(
        f"/en/appointments/book/{clinician.slug}/?week={next_weekday_at(9).date().isoformat()}"
    )
    assert page.status_code == 200
    start = next_weekday_at(9).astimezone(UTC)
    assert start.isoformat() in page.content.decode()
    form = {
        "visit": visit.code,
        "location": location.slug,
        "start": start.isoformat(),
        "patient": str(patient.public_id),
    }
    anonymous = client.post(f"/en/appointments/book/{clinician.slug}/hold/", form)
    assert anonymous.status_code == 302 and anonymous["Location"].endswith("/appointments/held/")
    client.force_login(user)  # the hold picked before signing in is kept (session)
    held = client.post("/en/appointments/held/", {"patient": str(patient.public_id)})
    appointment = Appointment.objects.get(patient=patient)
    assert held["Location"].endswith(f"/appointments/{appointment.public_id}/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(held["Location"], {"reason_for_visit": "New diagnosis"}, follow=True)
    assert "Your appointment is booked" in done.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert mail.outbox[0].attachments[0][0] == "appointment.ics"
    ics = client.get(f"/en/appointments/{appointment.public_id}/calendar.ics")
    assert b"BEGIN:VCALENDAR" in ics.content
    asked = client.post(f"/en/appointments/{appointment.public_id}/cancel/", {"reason": "moved"})
    assert "Yes, cancel" in asked.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    client.post(
        f"/en/appointments/{appointment.public_id}/cancel/", {"reason": "moved", "confirm": "yes"}
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def _hold(client, clinic, patient, start, reschedule=""):
    clinician, location, visit = clinic
    form = {
        "visit": visit.code,
        "location": location.slug,
        "start": start.astimezone(UTC).isoformat(),
        "patient": str(patient.public_id),
    }
    if reschedule:
        form["reschedule"] = reschedule
    return client.post(f"/en/appointments/book/{clinician.slug}/hold/", form)


def test_a_patient_reschedules_from_the_portal_in_one_step(clinic):
    """The new time is booked and the old one let go together (reschedule_appointment)."""
    user = UserFactory(email="self@example.test")
    patient = PatientFactory(user=user, email="self@example.test")
    client = Client()
    client.force_login(user)
    first = client.post(
        _hold(client, clinic, patient, next_weekday_at(9))["Location"], {"reason_for_visit": "x"}
    )
    old = Appointment.objects.get(patient=patient, status=AppointmentStatus.BOOKED)
    assert first.status_code == 302

    held = _hold(client, clinic, patient, next_weekday_at(11), reschedule=str(old.public_id))
    assert held["Location"].endswith(f"/confirm/?reschedule={old.public_id}")
    done = client.post(held["Location"], {"reason_for_visit": "Later suits me"}, follow=True)

    assert "Your appointment is booked" in done.content.decode()
    old.refresh_from_db()
    new = Appointment.objects.get(patient=patient, status=AppointmentStatus.BOOKED)
    assert old.status == AppointmentStatus.CANCELLED and old.cancel_reason == "rescheduled"
    assert new.start == next_weekday_at(11) and new.rescheduled_from == old
    assert new.reason_for_visit == "Later suits me"


def test_a_portal_reschedule_that_cannot_go_through_keeps_the_old_time(clinic):
    """Past the online-change window the hold is not booked and the old time stays."""
    user = UserFactory(email="self@example.test")
    patient = PatientFactory(user=user, email="self@example.test")
    client = Client()
    client.force_login(user)
    client.post(
        _hold(client, clinic, patient, next_weekday_at(9))["Location"], {"reason_for_visit": "x"}
    )
    old = Appointment.objects.get(patient=patient, status=AppointmentStatus.BOOKED)
    held = _hold(client, clinic, patient, next_weekday_at(11), reschedule=str(old.public_id))
    # The visit type's change window closes long before the visit.
    old.visit_type.cancel_window_hours = 24 * 365
    old.visit_type.save(update_fields=["cancel_window_hours"])

    refused = client.post(held["Location"], {"reason_for_visit": "x"})

    assert refused.status_code == 200
    assert "Please call us to change it." in refused.content.decode()
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED
    assert list(Appointment.objects.filter(patient=patient, status=AppointmentStatus.BOOKED)) == [
        old
    ]


def test_a_referral_goes_through_triage_to_a_booked_visit_and_a_letter(
    clinic, client, django_capture_on_commit_callbacks
):
    clinician, location, visit = clinic
    upload = SimpleUploadedFile("notes.txt", b"Synthetic referral notes", content_type="text/plain")
    client.post(
        "/en/appointments/refer/",
        {
            **_request_data(),
            "referrer_name": "Dr Test",
            "referrer_npi": "1234567893",
            "referrer_practice": "Clinic",
            "referrer_email": "dr@example.test",
            "referrer_phone": "555",
            "documents": [upload],
        },
    )
    referral = Referral.objects.get()
    nurse = StaffUserFactory(roles=["scheduler"])
    staff = Client()
    sign_in_verified(staff, nurse)
    queue = staff.get("/en/staff/referrals/")
    assert "Rowan Testerly" in queue.content.decode()
    document = referral.documents.get()
    download = staff.get(
        f"/en/staff/referrals/{referral.public_id}/documents/{document.public_id}/"
    )
    assert download.content == b"Synthetic referral notes"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    staff.post(
        f"/en/staff/referrals/{referral.public_id}/",
        {"action": "note", "note": "Called", "contacted": "on"},
    )
    staff.post(f"/en/staff/referrals/{referral.public_id}/", {"action": "register"})
    referral.refresh_from_db()
    assert referral.patient is not None and referral.first_contact_at is not None
    start = next_weekday_at(10)
    booked = staff.post(
        f"/en/staff/patients/{referral.patient.public_id}/book/?referral={referral.public_id}",
        {
            "clinician": clinician.slug,
            "visit_type": visit.pk,
            "location": location.pk,
            "start": start.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert booked.status_code == 302, booked.content.decode()[:2000]
    appointment = Appointment.objects.get(referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCHEDULED
    staff.post(
        f"/en/staff/schedule/appointments/{appointment.public_id}/attendance/",
        {"status": "fulfilled"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SEEN
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/en/staff/referrals/{referral.public_id}/",
            {"action": "letter", "summary": "Seen; plan discussed."},
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REPORT_SENT
    letter = [m for m in mail.outbox if m.to == ["dr@example.test"] and m.attachments]
    assert letter and letter[0].attachments[0][1][:5] == b"%PDF-"


def test_the_staff_grid_lists_the_day(clinic):
    clinician, location, visit = clinic
    from medcenter.scheduling import services

    patient = PatientFactory()
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler, patient=patient)
    start = next_weekday_at(11)
    services.book_appointment(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=scheduler,
        channel="staff",
        clinician=clinician,
    )
    client = Client()
    sign_in_verified(client, scheduler)
    page = client.get(
        f"/en/staff/schedule/?clinician={clinician.slug}&day={start.date().isoformat()}"
    )
    assert page.status_code == 200
    assert patient.display_name in page.content.decode()
    assert client.get("/en/staff/schedule/waitlist/").status_code == 200


def test_a_signed_in_patient_books_for_their_own_record_and_sees_their_appointments(clinic):
    from medcenter.core.models import AuditEvent

    clinician, _location, _visit = clinic
    user = UserFactory(email="own@example.test")
    patient = PatientFactory(user=user, email="own@example.test")
    client = Client()
    client.force_login(user)

    page = client.get(
        f"/en/appointments/book/{clinician.slug}/?week={next_weekday_at(9).date().isoformat()}"
    )
    mine = client.get("/en/appointments/mine/", REMOTE_ADDR="192.0.2.33")

    assert page.status_code == 200
    assert str(patient.public_id) in page.content.decode()
    assert mine.status_code == 200
    listed = AuditEvent.objects.get(action="appointment.listed")
    assert listed.patient_public_id == str(patient.public_id)
    assert listed.client_ip == "192.0.2.33"
