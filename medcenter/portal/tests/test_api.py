"""/api/v1/portal/: the records and one record's home, with the error contract (R1, R7)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import TEST_PASSWORD, UserFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.portal.tests.conftest import signed_in
from medcenter.portal.tests.factories import appointment

pytestmark = pytest.mark.django_db


def _home(patient):
    return f"/api/v1/portal/records/{patient.public_id}/home"


def test_the_records_list_names_each_record_with_its_basis(patient, teen_grant):
    from medcenter.patients.models import ProxyGrant

    ProxyGrant.objects.filter(pk=teen_grant.pk).update(proxy=patient.user)

    found = signed_in(patient.user).get("/api/v1/portal/records").json()

    assert [(r["name"], r["basis"]) for r in found] == [
        ("Talia Brookside", "self"),
        (teen_grant.patient.display_name, "proxy"),
    ]
    assert found[1]["scopes"] == ["appointments"]


def test_the_home_lists_the_panels_items(patient, patient_client):
    visit = appointment(patient, days=2)

    body = patient_client.get(_home(patient)).json()

    panels = {p["key"]: p for p in body["panels"]}
    assert body["record"]["public_id"] == str(patient.public_id)
    assert str(visit.public_id) in panels["next_visits"]["items"][0]["url"]
    assert panels["open_checkins"]["items"][0]["urgent"] is True


def test_another_patients_home_is_a_404_problem_that_names_nothing(patient_client):
    other = PatientFactory(given_name="Quillon", family_name="Farrowdale")

    response = patient_client.get(_home(other))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert "Farrowdale" not in response.content.decode()
    assert response.json()["status"] == 404


def test_a_missing_record_and_a_bad_id_are_problems_too(patient_client):
    assert patient_client.get("/api/v1/portal/records/not-a-uuid/home").status_code in (
        400,
        404,
        422,
    )
    missing = patient_client.get("/api/v1/portal/records/00000000-0000-0000-0000-000000000000/home")
    assert missing.status_code == 404


def test_without_a_session_it_is_a_401_problem(patient):
    response = Client().get(_home(patient))

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_grant_without_appointments_shows_no_visits(teen_grant, patient):
    teen_grant.scopes = ["messages"]
    teen_grant.save()
    appointment(teen_grant.patient, days=2)

    body = signed_in(teen_grant.proxy).get(_home(teen_grant.patient)).json()

    keys = [p["key"] for p in body["panels"]]
    # The appointments scope's panels are left out; the messages scope's (other apps') stay.
    assert "next_visits" not in keys and "open_checkins" not in keys
    assert set(keys) <= {"messages", "questionnaires_due"}


def test_polling_the_home_never_extends_the_session():
    user = UserFactory()
    patient = PatientFactory(user=user)
    client = Client()
    client.post("/en/accounts/sign-in/", {"username": user.email, "password": TEST_PASSWORD})
    poll = {"HTTP_X_SESSION_POLL": "1", "HTTP_ACCEPT": "application/json"}
    for minute in (10, 20, 29):
        with time_machine.travel(timezone.now() + timedelta(minutes=minute), tick=False):
            assert client.get(_home(patient), **poll).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert client.get(_home(patient), **poll).status_code == 401
        assert client.get(f"/en/portal/{patient.public_id}/").status_code == 302
