"""Every trials list page and list API costs the same queries for one row as for many."""

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Candidate, ContactRequest, Trial

pytestmark = pytest.mark.django_db

FIRST = 2  # trials there before the rows are added; the rest of the demo catalogue comes after


def _import(first, last):
    import_records((f"demo:{i}", study) for i, (study, *_r) in enumerate(STUDIES[first:last]))


def _rest_of_the_catalogue():
    _import(FIRST, len(STUDIES))


def _staff(*roles):
    client = Client()
    user = StaffUserFactory(roles=list(roles))
    sign_in_verified(client, user)
    return client, user


def _request(trial, n, patient=None):
    return ContactRequest.objects.create(
        trial=trial,
        patient=patient,
        name=f"Requester {n}",
        email=f"requester{n}@example.test",
        likely="possible",
    )


def test_the_public_trial_list(client):
    _import(0, FIRST)

    before, after = assert_flat_queries(lambda: client.get("/en/trials/"), _rest_of_the_catalogue)

    assert after.status_code == 200
    html = after.content.decode()
    shown = [t.nct_id for t in Trial.objects.open()]
    assert len(shown) > FIRST and all(nct_id in html for nct_id in shown)
    assert len(after.content) > len(before.content)


def test_the_trial_search_api(client):
    _import(0, FIRST)

    before, after = assert_flat_queries(
        lambda: client.get("/api/v1/trials/search", {"status": "all"}), _rest_of_the_catalogue
    )

    assert after.status_code == 200
    assert len(after.json()) > len(before.json())


def test_the_match_api(client):
    _import(0, FIRST)
    profile = {"age": 40, "include_ineligible": True, "limit": 100}

    before, after = assert_flat_queries(
        lambda: client.post("/api/v1/trials/match", profile, content_type="application/json"),
        _rest_of_the_catalogue,
    )

    assert after.status_code == 200
    assert len(after.json()["matches"]) > len(before.json()["matches"])


def test_the_coordinators_queue():
    _import(0, FIRST)
    first = Trial.objects.order_by("nct_id").first()
    _request(first, 0)
    client, _user = _staff("trial_coordinator")

    def grow():
        _rest_of_the_catalogue()
        for n, trial in enumerate(Trial.objects.order_by("nct_id")[1:], start=1):
            _request(trial, n, patient=PatientFactory())

    _before, after = assert_flat_queries(lambda: client.get("/en/staff/trials/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/en/staff/trials/requests/") == len(STUDIES)


def test_a_trial_desk():
    _import(0, len(STUDIES))
    trial = Trial.objects.order_by("nct_id").first()
    Candidate.objects.create(trial=trial, patient=PatientFactory(), score=50)
    _request(trial, 0)
    client, _user = _staff("trial_coordinator")

    def grow():
        for n in range(1, 10):
            Candidate.objects.create(trial=trial, patient=PatientFactory(), score=50 + n)
            _request(trial, n, patient=PatientFactory())

    _before, after = assert_flat_queries(
        lambda: client.get(f"/en/staff/trials/{trial.nct_id}/"), grow
    )

    assert after.status_code == 200
    html = after.content.decode()
    assert html.count("/en/staff/trials/candidates/") == 10
    assert html.count("/en/staff/trials/requests/") == 10


def test_trials_for_a_patient():
    _import(0, FIRST)
    client, clinician = _staff("clinician")
    patient = PatientFactory()
    CareRelationshipFactory(staff=clinician, patient=patient)
    url = f"/en/staff/patients/{patient.public_id}/trials/"

    before, after = assert_flat_queries(lambda: client.get(url), _rest_of_the_catalogue)

    assert after.status_code == 200
    assert after.content.decode().count("NCT") > before.content.decode().count("NCT")
