"""Opening a portal account: a staff-issued code, or MRN + birth date + an emailed code."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from medcenter.accounts.models import User
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

pytestmark = pytest.mark.django_db

PASSWORD = "lantern-orchard-river-9"


def _issue_code(patient):
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler, patient=patient)
    client = Client()
    sign_in_verified(client, scheduler)
    page = client.post(reverse("patients:staff_activation_code", args=[patient.public_id]))
    # Anchored to the code's own element: the page's links carry UUIDs whose digit runs can
    # look like a code ("6585-4464-4692").
    html = page.content.decode()
    return re.search(r'class="secret"[^>]*><strong>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<', html)[1]


def _activate(code, patient, email="new.person@example.test"):
    return Client().post(
        reverse("patients:activate"),
        {
            "code": code,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_a_staff_issued_code_and_the_birth_date_open_the_account():
    patient = PatientFactory()
    code = _issue_code(patient)

    response = _activate(code.lower().replace("-", " "), patient)

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user.email == "new.person@example.test"
    assert patient.user.email_verified_at is None


def test_a_code_works_once():
    patient = PatientFactory()
    code = _issue_code(patient)
    _activate(code, patient)

    again = _activate(code, patient, email="someone.else@example.test")

    assert again.status_code == 200
    assert not User.objects.filter(email="someone.else@example.test").exists()


def test_a_wrong_birth_date_is_refused_and_five_tries_lock_the_code():
    patient = PatientFactory()
    code = _issue_code(patient)
    wrong = patient.date_of_birth.replace(year=patient.date_of_birth.year - 1)
    for _ in range(5):
        response = Client().post(
            reverse("patients:activate"),
            {
                "code": code,
                "date_of_birth": wrong.isoformat(),
                "email": "x@example.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert "do not match" in response.content.decode()
        assert 'value="x@example.test"' in response.content.decode()

    locked = _activate(code, patient)

    assert "too many times" in locked.content.decode()
    patient.refresh_from_db()
    assert patient.user is None


def test_a_weak_password_is_refused_with_a_clear_message():
    patient = PatientFactory()
    code = _issue_code(patient)

    response = Client().post(
        reverse("patients:activate"),
        {
            "code": code,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "email": "a@example.test",
            "password1": "password",
            "password2": "password",
        },
    )

    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_self_sign_up_sends_a_code_to_the_email_on_file_and_opens_the_account(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory(email="on.file@example.test")
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("patients:sign_up"),
            {"mrn": patient.mrn, "date_of_birth": patient.date_of_birth.isoformat()},
        )
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    response = client.post(
        reverse("patients:sign_up_finish"),
        {"code": code, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert mail.outbox[0].to == ["on.file@example.test"]
    assert patient.mrn not in mail.outbox[0].body
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user.email == "on.file@example.test"
    assert patient.user.email_verified_at is not None


def test_sign_up_says_the_same_whether_or_not_the_details_match(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory()

    with django_capture_on_commit_callbacks(execute=True):
        matched = Client().post(
            reverse("patients:sign_up"),
            {"mrn": patient.mrn, "date_of_birth": patient.date_of_birth.isoformat()},
        )
        unmatched = Client().post(
            reverse("patients:sign_up"), {"mrn": "123456789", "date_of_birth": "1980-01-01"}
        )

    assert matched.status_code == unmatched.status_code == 302
    assert matched["Location"] == unmatched["Location"]
    assert len(mail.outbox) == 1


def test_a_wrong_emailed_code_is_refused():
    patient = PatientFactory()
    client = Client()
    client.post(
        reverse("patients:sign_up"),
        {"mrn": patient.mrn, "date_of_birth": patient.date_of_birth.isoformat()},
    )

    response = client.post(
        reverse("patients:sign_up_finish"),
        {"code": "000000", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.user is None


def test_password_reset_does_not_reveal_whether_an_account_exists(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="known@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(reverse("accounts:password_reset"), {"email": "known@example.test"})
        unknown = Client().post(
            reverse("accounts:password_reset"), {"email": "nobody@example.test"}
        )

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_email_verification_changes_state_only_on_post(django_capture_on_commit_callbacks):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post(reverse("accounts:confirm_identity"), {"password": "correct-horse-battery-42"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:change_email"), {"email": "fresh@example.test"})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group()
    # Links in messages point at the configured site (SITE_URL), never at the request's Host.
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/")
    path = urlsplit(link).path

    client.get(path)
    user.refresh_from_db()
    assert user.email != "fresh@example.test"
    client.post(path)
    user.refresh_from_db()
    assert user.email == "fresh@example.test"
    assert user.email_verified_at is not None
