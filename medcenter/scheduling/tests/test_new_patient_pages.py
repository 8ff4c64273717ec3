"""The pages of booking as a new patient, a hold surviving sign-in and sign-up, the staff's
reconciliation queue, and cancelling with a confirmation step."""

from datetime import UTC, date

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import (
    TEST_PASSWORD,
    StaffUserFactory,
    UserFactory,
    sign_in_verified,
)
from medcenter.core.models import Notification
from medcenter.patients.models import ActivationCode, Patient, RegistrationStatus
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    NewPatientBooking,
    NotificationKind,
    Referral,
)
from medcenter.scheduling.tests.conftest import book_at, next_weekday_at

pytestmark = pytest.mark.django_db

FORM = {
    "given_name": "Teodora",
    "family_name": "Vantwell",
    "date_of_birth": "1969-11-02",
    "sex": "female",
    "email": "teodora.vantwell@example.test",
    "phone": "",
    "preferred_language": "es",
    "interpreter_needed": "on",
    "payment": "insurance",
    "payer": "Lakeshore Health Plan",
    "member_id": "LHP-778",
    "reason_for_visit": "Second opinion",
}


def _slot(clinic, hour=9):
    _clinician, location, visit = clinic
    return {
        "visit": visit.code,
        "location": location.slug,
        "start": next_weekday_at(hour).astimezone(UTC).isoformat(),
    }


def _pick(client, clinic, hour=9, lang="en"):
    clinician = clinic[0]
    return client.post(f"/{lang}/appointments/book/{clinician.slug}/hold/", _slot(clinic, hour))


def _code() -> str:
    note = Notification.objects.filter(kind=NotificationKind.NEW_PATIENT_CODE).latest("created_at")
    return str(note.context["code"])


def test_a_visitor_picks_a_slot_books_as_new_and_gets_the_confirmation(
    clinic, django_capture_on_commit_callbacks
):
    client = Client()
    picked = _pick(client, clinic)
    assert picked["Location"].endswith("/appointments/held/")
    held = Appointment.objects.get(status=AppointmentStatus.PENDING)
    page = client.get("/en/appointments/held/")
    assert page.status_code == 200
    assert "Book as a new patient" in page.content.decode()

    missing = client.post("/en/appointments/held/new-patient/", {**FORM, "member_id": ""})
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "Give the member ID on your insurance card." in body
    assert 'value="Vantwell"' in body and 'value="Lakeshore Health Plan"' in body  # kept

    sent = client.post("/en/appointments/held/new-patient/", FORM)
    assert sent["Location"].endswith("/appointments/held/verify/")

    wrong = client.post("/en/appointments/held/verify/", {"code": "not-it", "action": "verify"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/en/appointments/held/verify/", {"code": _code(), "action": "verify"}, follow=True
        )
    assert "Your appointment is booked" in done.content.decode()
    held.refresh_from_db()
    assert held.status == AppointmentStatus.BOOKED and held.patient.provisional
    assert held.patient.provisional_registration.member_id == "LHP-778"
    confirmation = [m for m in mail.outbox if m.attachments and FORM["email"] in m.to]
    assert confirmation[0].attachments[0][0] == "appointment.ics"


def test_changing_the_details_comes_back_filled_in(clinic):
    client = Client()
    _pick(client, clinic)
    client.post("/en/appointments/held/new-patient/", FORM)

    again = client.get("/en/appointments/held/new-patient/")

    assert 'value="Teodora"' in again.content.decode()


def test_the_same_details_as_an_existing_patient_get_the_same_answer(clinic):
    """No enumeration: whether or not the person is already a patient, the page is the same."""
    answers = []
    for hour, exists in ((9, False), (10, True)):
        if exists:
            PatientFactory(
                given_name="Teodora",
                family_name="Vantwell",
                date_of_birth=date(1969, 11, 2),
                email=FORM["email"],
            )
        client = Client()
        _pick(client, clinic, hour)
        answers.append(client.post("/en/appointments/held/new-patient/", FORM, follow=True))
    first, second = (a.content.decode() for a in answers)
    assert answers[0].status_code == answers[1].status_code == 200
    assert "We sent a 6-digit code to your email." in first
    assert "We sent a 6-digit code to your email." in second
    assert "already" not in second and "Vantwell" not in second


def test_the_held_slot_survives_sign_in(clinic, patient):
    user = UserFactory()
    patient.user = user
    patient.save()
    client = Client()
    _pick(client, clinic)
    held = Appointment.objects.get(status=AppointmentStatus.PENDING)
    page = client.get("/en/appointments/held/").content.decode()
    assert "/accounts/sign-in/?next=/en/appointments/held/" in page

    signed_in = client.post(
        "/en/accounts/sign-in/?next=/en/appointments/held/",
        {"username": user.email, "password": TEST_PASSWORD, "next": "/en/appointments/held/"},
    )
    assert signed_in["Location"] == "/en/appointments/held/"
    back = client.get("/en/appointments/held/")
    assert patient.display_name in back.content.decode()
    claimed = client.post("/en/appointments/held/", {"patient": str(patient.public_id)})

    assert claimed["Location"] == f"/en/appointments/{held.public_id}/confirm/"
    held.refresh_from_db()
    assert held.patient == patient and held.status == AppointmentStatus.PENDING
    booked = client.post(claimed["Location"], {"reason_for_visit": ""})
    held.refresh_from_db()
    assert booked.status_code == 302 and held.status == AppointmentStatus.BOOKED


def test_the_held_slot_survives_sign_up(clinic):
    PatientFactory(mrn="123456782", date_of_birth=date(1980, 1, 2), email="signup@example.test")
    client = Client()
    _pick(client, clinic)
    client.get("/en/accounts/sign-up/?next=/en/appointments/held/")
    client.post("/en/accounts/sign-up/", {"mrn": "123456782", "date_of_birth": "1980-01-02"})
    code = Notification.objects.filter(kind="patients.signup_code").latest("created_at")
    finished = client.post(
        "/en/accounts/sign-up/code/",
        {"code": code.context["code"], "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert finished["Location"] == "/en/accounts/sign-in/?next=%2Fen%2Fappointments%2Fheld%2F"
    assert ActivationCode.objects.filter(used_at__isnull=False).exists()
    client.post(
        finished["Location"],
        {
            "username": "signup@example.test",
            "password": TEST_PASSWORD,
            "next": "/en/appointments/held/",
        },
    )
    back = client.get("/en/appointments/held/")
    assert "Continue booking" in back.content.decode()


def test_a_lost_hold_says_so_and_offers_the_way_back(clinic):
    page = Client().get("/en/appointments/held/")
    assert page.status_code == 410
    assert "no longer held" in page.content.decode()


def test_the_reconciliation_queue_is_for_staff_with_the_permission(clinic):
    existing = PatientFactory(
        given_name="Teodora", family_name="Vantwell", date_of_birth=date(1969, 11, 2)
    )
    client = Client()
    _pick(client, clinic)
    client.post("/en/appointments/held/new-patient/", FORM)
    client.post("/en/appointments/held/verify/", {"code": _code(), "action": "verify"})
    assert "MRN" not in client.get("/en/appointments/held/booked/").content.decode()

    clinician_staff = Client()
    sign_in_verified(clinician_staff, StaffUserFactory(roles=["clinician"]))
    assert clinician_staff.get("/en/staff/patients/provisional/").status_code == 403
    assert Client().get("/en/staff/patients/provisional/").status_code == 302

    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["scheduler"]))
    queue = staff.get("/en/staff/patients/provisional/")
    assert queue.status_code == 200
    assert existing.mrn in queue.content.decode()
    provisional = Patient.objects.get(provisional=True)
    registration = provisional.provisional_registration
    merged = staff.post(
        "/en/staff/patients/provisional/",
        {
            "registration": str(registration.public_id),
            "action": "merge",
            "into": str(existing.public_id),
        },
        follow=True,
    )
    assert "Merged" in merged.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.MERGED
    assert Appointment.objects.get(status=AppointmentStatus.BOOKED).patient == existing


def test_merging_into_a_record_the_queue_did_not_offer_is_refused(clinic):
    stranger = PatientFactory(given_name="Someone", family_name="Else")
    client = Client()
    _pick(client, clinic)
    client.post("/en/appointments/held/new-patient/", FORM)
    client.post("/en/appointments/held/verify/", {"code": _code(), "action": "verify"})
    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["scheduler"]))
    registration = Patient.objects.get(provisional=True).provisional_registration

    refused = staff.post(
        "/en/staff/patients/provisional/",
        {
            "registration": str(registration.public_id),
            "action": "merge",
            "into": str(stranger.public_id),
        },
        follow=True,
    )

    assert "Choose one of the possible matches listed." in refused.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITING


def test_cancelling_asks_first(clinic, patient):
    user = UserFactory()
    patient.user = user
    patient.save()
    appointment = book_at(clinic, patient, next_weekday_at(9, days_ahead=10))
    client = Client()
    client.force_login(user)

    detail = client.get(f"/en/appointments/{appointment.public_id}/").content.decode()
    assert f'href="/en/appointments/{appointment.public_id}/cancel/"' in detail
    asked = client.get(f"/en/appointments/{appointment.public_id}/cancel/")
    assert "Cancel this appointment?" in asked.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    client.post(f"/en/appointments/{appointment.public_id}/cancel/", {"confirm": "yes"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_the_profile_request_link_opens_the_request_form_for_that_clinician(clinic):
    clinician = clinic[0]
    client = Client()
    profile = client.get(f"/en/doctors/{clinician.slug}/").content.decode()
    assert f"/en/appointments/request/?clinician={clinician.slug}" in profile
    assert "tel:" not in profile.split("button-row", 1)[1].split("</p>", 1)[0]

    form = client.get(f"/en/appointments/request/?clinician={clinician.slug}")
    assert clinician.display_name in form.content.decode()


def test_new_patient_pages_need_a_held_slot(clinic):
    client = Client()
    assert client.get("/en/appointments/held/new-patient/").status_code == 410
    assert client.get("/en/appointments/held/verify/").status_code == 410
    assert client.get("/en/appointments/held/booked/").status_code == 410
    assert not NewPatientBooking.objects.exists() and not Referral.objects.exists()


def test_a_time_lost_while_typing_loses_nothing_typed(clinic):
    client = Client()
    _pick(client, clinic)
    Appointment.objects.filter(status=AppointmentStatus.PENDING).update(
        hold_expires_at=timezone.now()
    )

    lost = client.post("/en/appointments/held/new-patient/", FORM)
    assert lost.status_code == 410
    _pick(client, clinic, hour=10)
    again = client.get("/en/appointments/held/new-patient/").content.decode()

    assert 'value="Teodora"' in again and 'value="LHP-778"' in again
    assert "field__errors" not in again
