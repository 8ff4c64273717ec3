"""SECURITY.md R9: a second factor for all staff, offered to patients; no code replay."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from medcenter.accounts.tests.factories import (
    TEST_PASSWORD,
    StaffUserFactory,
    UserFactory,
    add_authenticator,
)
from medcenter.patients.tests.factories import CareRelationshipFactory

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _password_sign_in(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )


def test_staff_with_only_a_password_see_no_patient_page():
    relationship = CareRelationshipFactory()
    add_authenticator(relationship.staff)
    client = Client()
    response = _password_sign_in(client, relationship.staff)

    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    for url in (
        reverse("patients:staff_home"),
        reverse("patients:staff_detail", args=[relationship.patient.public_id]),
    ):
        page = client.get(url)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("accounts:mfa_verify"))


def test_staff_without_an_authenticator_must_set_one_up_first():
    client = Client()
    response = _password_sign_in(client, StaffUserFactory(roles=["clinician"]))

    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    assert client.get(reverse("patients:staff_home"))["Location"].startswith(
        reverse("accounts:mfa_setup")
    )


def test_setting_up_an_authenticator_gives_recovery_codes_once():
    user = StaffUserFactory(roles=["clinician"])
    client = Client()
    _password_sign_in(client, user)
    page = client.get(reverse("accounts:mfa_setup"))
    assert "<svg" in page.content.decode()
    device = user.totpdevice_set.get()

    response = client.post(reverse("accounts:mfa_setup"), {"code": _code(device)})
    codes = client.get(response["Location"])
    again = client.get(reverse("accounts:recovery_codes"))

    assert codes.status_code == 200
    assert len(codes.context["codes"]) == 10
    assert again.status_code == 302
    assert client.get(reverse("patients:staff_home")).status_code == 200


def test_a_code_is_accepted_once_and_a_replay_is_refused():
    user = StaffUserFactory(roles=["clinician"])
    device = add_authenticator(user)
    first, second = Client(), Client()
    _password_sign_in(first, user)
    _password_sign_in(second, user)
    code = _code(device)

    accepted = first.post(reverse("accounts:mfa_verify"), {"code": code})
    replayed = second.post(reverse("accounts:mfa_verify"), {"code": code})

    assert accepted.status_code == 302
    assert first.get(reverse("patients:staff_home")).status_code == 200
    assert replayed.status_code == 200
    assert "already used" in replayed.content.decode()
    assert second.get(reverse("patients:staff_home")).status_code == 302


def test_a_recovery_code_works_once():
    from medcenter.accounts.mfa import new_recovery_codes

    user = StaffUserFactory(roles=["clinician"])
    add_authenticator(user)
    client = Client()
    _password_sign_in(client, user)
    codes = new_recovery_codes(user=user)

    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302
    other = Client()
    _password_sign_in(other, user)
    assert other.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 200


def test_a_patient_who_turned_mfa_on_must_use_it():
    user = UserFactory()
    add_authenticator(user)
    client = Client()

    response = _password_sign_in(client, user)

    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_patient_without_mfa_signs_in_with_a_password():
    client = Client()
    response = _password_sign_in(client, UserFactory())

    assert response["Location"] == "/en/portal/"
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("name", ["accounts:change_password", "accounts:change_email"])
def test_sensitive_changes_need_the_password_again(name):
    user = UserFactory()
    client = Client()
    _password_sign_in(client, user)

    response = client.get(reverse(name))
    assert response["Location"].startswith(reverse("accounts:confirm_identity"))

    wrong = client.post(reverse("accounts:confirm_identity"), {"password": "nope-nope-nope"})
    assert wrong.status_code == 200
    client.post(reverse("accounts:confirm_identity"), {"password": TEST_PASSWORD})
    assert client.get(reverse(name)).status_code == 200


def test_turning_mfa_off_needs_fresh_authentication_and_staff_cannot():
    patient, staff = UserFactory(), StaffUserFactory(roles=["clinician"])
    for user in (patient, staff):
        add_authenticator(user)
    client = Client()
    _password_sign_in(client, patient)
    device = patient.totpdevice_set.get()
    client.post(reverse("accounts:mfa_verify"), {"code": _code(device)})

    assert client.post(reverse("accounts:mfa_remove"))["Location"].startswith(
        reverse("accounts:confirm_identity")
    )
    assert patient.totpdevice_set.exists()
