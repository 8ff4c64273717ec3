"""SECURITY.md R7/R8: idle and absolute time-outs, polling, server-side logout."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.services import disable_account
from medcenter.accounts.tests.factories import (
    TEST_PASSWORD,
    StaffUserFactory,
    UserFactory,
    sign_in_verified,
)
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

POLL = {"HTTP_X_SESSION_POLL": "1", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def patient_client():
    user = UserFactory()
    patient = PatientFactory(user=user)
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    return client, reverse("portal:record_home", args=[patient.public_id])


def _later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_portal_session_survives_29_idle_minutes(patient_client):
    client, url = patient_client

    with _later(29):
        assert client.get(url).status_code == 200


def test_a_portal_session_ends_after_31_idle_minutes_and_is_deleted_on_the_server(patient_client):
    client, url = patient_client
    key = client.session.session_key

    with _later(31):
        response = client.get(url)

    assert response.status_code == 302
    assert "expired=1" in response["Location"]
    assert not Session.objects.filter(session_key=key).exists()


def test_a_staff_session_ends_after_16_idle_minutes():
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=["clinician"]))
    url = reverse("patients:staff_home")
    assert client.get(url).status_code == 200

    with _later(14):
        assert client.get(url).status_code == 200
    with _later(14 + 16):
        assert client.get(url).status_code == 302


def test_activity_cannot_stretch_a_session_past_twelve_hours(patient_client):
    client, url = patient_client
    for step in range(1, 25):  # a click every 29 minutes for 11.6 hours
        with _later(29 * step):
            assert client.get(url).status_code == 200
    with _later(12 * 60 + 1):
        assert client.get(url).status_code == 302


def test_polling_for_the_time_left_never_extends_the_session(patient_client):
    client, url = patient_client
    status = reverse("accounts:session_status")
    for minute in (5, 10, 20, 29):
        with _later(minute):
            data = client.get(status, **POLL).json()
            assert data["seconds_left"] <= (30 - minute) * 60

    with _later(31):
        assert client.get(status, **POLL).status_code == 401
        assert client.get(url).status_code == 302


def test_stay_signed_in_extends_the_session(patient_client):
    client, url = patient_client
    with _later(28):
        client.post(reverse("accounts:session_extend"), HTTP_ACCEPT="application/json")
    with _later(28 + 29):
        assert client.get(url).status_code == 200


def test_stay_signed_in_counts_even_right_after_the_last_refresh(patient_client, settings):
    # "Last seen" is refreshed at most every few seconds on ordinary clicks; the explicit
    # request to stay signed in must always move it, or the warning would not go away.
    settings.SESSION_IDLE_PORTAL = 125
    client, _url = patient_client
    before = client.get(reverse("accounts:session_status"), **POLL).json()["seconds_left"]
    with _later(0.1):  # six seconds
        left = client.post(
            reverse("accounts:session_extend"), HTTP_ACCEPT="application/json"
        ).json()["seconds_left"]
    assert before <= 125
    assert left >= 124


def test_an_old_cookie_is_refused_after_sign_out(patient_client):
    client, url = patient_client
    old_cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))

    thief = Client()
    thief.cookies["sessionid"] = old_cookie

    assert thief.get(url).status_code == 302


def test_disabling_an_account_ends_its_sessions_at_once(patient_client):
    client, url = patient_client
    user = client.session["_auth_user_id"]
    from medcenter.accounts.models import User

    disable_account(user=User.objects.get(pk=user), disabled_by=StaffUserFactory())

    assert client.get(url).status_code == 302
    assert not Session.objects.exists()


def test_the_api_answers_401_when_the_session_has_ended(patient_client):
    client, _url = patient_client

    with _later(31):
        response = client.get(reverse("accounts:session_status"), **POLL)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "session_ended"
    assert response.json()["detail"] == "Your session has ended."
