"""The API and FHIR paths: own and proxy reads, 404 for other patients, R5 (0 restricted
items to a proxy), R2 (search totals never count hidden rows), R4.0.1-valid resources, and
the clinician hold API (400 without a reason)."""

import json

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.results.models import ClinicianHold, Document, ResultReport
from medcenter.results.tests.conftest import HELD, PLAIN, PRELIMINARY, RESTRICTED
from medcenter.results.tests.factories import document, report

pytestmark = pytest.mark.django_db
HIDDEN = (RESTRICTED, HELD, PRELIMINARY)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _fhir_paths(patient):
    ref = f"Patient/{patient.public_id}"
    return [
        f"/fhir/R4/DiagnosticReport?patient={ref}",
        f"/fhir/R4/Observation?patient={ref}",
        f"/fhir/R4/DocumentReference?patient={ref}",
    ]


def test_a_proxy_sees_0_restricted_items_through_the_api_and_fhir_searches(family):
    client = _client(family.parent)
    pid = family.teen.public_id
    bodies = []
    for url in [
        f"/api/v1/portal/results?patient={pid}",
        f"/api/v1/portal/documents?patient={pid}",
        *_fhir_paths(family.teen),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    text = "".join(bodies)
    assert PLAIN in text
    for marker in HIDDEN:
        assert marker not in text
    search = json.loads(bodies[2])
    # R2: the total counts only what the proxy may see (the plain report).
    assert search["total"] == 1
    docs = json.loads(bodies[4])
    assert docs["total"] == 1


def test_every_restricted_item_is_404_to_a_proxy_by_id_on_every_path(family):
    client = _client(family.parent)
    hidden_reports = ResultReport.objects.filter(patient=family.teen).exclude(display=PLAIN)
    for item in hidden_reports:
        assert client.get(f"/api/v1/portal/results/{item.public_id}").status_code == 404
        assert client.get(f"/fhir/R4/DiagnosticReport/{item.public_id}").status_code == 404
        for value in item.values.all():
            assert client.get(f"/fhir/R4/Observation/{value.public_id}").status_code == 404
    for doc in Document.objects.filter(patient=family.teen, adolescent_confidential=True):
        assert client.get(f"/fhir/R4/DocumentReference/{doc.public_id}").status_code == 404


def test_the_patient_reads_their_own_results_everywhere(family):
    item = report(family.adult, display="OWN-RESULT")
    doc = document(family.adult, title="OWN-DOC")
    client = _client(family.adult_user)
    api = client.get(f"/api/v1/portal/results/{item.public_id}")
    assert api.status_code == 200
    assert api.json()["values"][0]["interpretation_text"] == "Below the reference range"
    fhir = client.get(f"/fhir/R4/DiagnosticReport/{item.public_id}")
    assert fhir.status_code == 200
    assert fhir["Content-Type"].startswith("application/fhir+json")
    value = item.values.first()
    observation = client.get(f"/fhir/R4/Observation/{value.public_id}").json()
    assert observation["valueQuantity"]["unit"] == "g/dL"
    assert observation["interpretation"][0]["coding"][0]["code"] == "L"
    reference = client.get(f"/fhir/R4/DocumentReference/{doc.public_id}").json()
    assert reference["content"][0]["attachment"]["url"].endswith("/download/")
    # Searches default to one's own record.
    own = client.get("/fhir/R4/DiagnosticReport").json()
    assert {e["resource"]["id"] for e in own["entry"]} >= {str(item.public_id)}


def test_fhir_resources_validate_as_r4(family):
    from fhir.resources.R4B.bundle import Bundle

    report(family.adult, display="VALID")
    document(family.adult)
    client = _client(family.adult_user)
    for url in _fhir_paths(family.adult):
        body = client.get(url).json()
        Bundle.model_validate(body)
        assert body["entry"], url


def test_another_patients_data_is_404_on_api_and_fhir(family):
    other = report(display="OTHER-PATIENT")
    client = _client(family.adult_user)
    pid = other.patient.public_id
    value = other.values.first()
    for url in [
        f"/api/v1/portal/results?patient={pid}",
        f"/api/v1/portal/results/{other.public_id}",
        f"/api/v1/portal/documents?patient={pid}",
        f"/fhir/R4/DiagnosticReport/{other.public_id}",
        f"/fhir/R4/Observation/{value.public_id}",
        *_fhir_paths(other.patient),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "OTHER-PATIENT" not in response.content.decode()


def test_a_proxy_without_the_results_scope_gets_404_on_api_and_fhir(family):
    client = _client(family.no_scope)
    pid = family.teen.public_id
    assert client.get(f"/api/v1/portal/results?patient={pid}").status_code == 404
    for url in _fhir_paths(family.teen):
        assert client.get(url).status_code == 404


def test_preferences_api_is_the_patients_own(family):
    client = _client(family.adult_user)
    body = {
        "categories": {"results": {"email": False, "sms": False}},
        "quiet_start": "22:00:00",
        "quiet_end": "07:00:00",
        "time_zone": "America/Chicago",
        "sms_consent": False,
    }
    saved = client.put("/api/v1/portal/preferences", body, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["categories"]["results"] == {"email": False, "sms": False}
    assert client.get("/api/v1/portal/preferences").json()["time_zone"] == "America/Chicago"
    texts = {**body, "categories": {"results": {"email": True, "sms": True}}}
    refused = client.put("/api/v1/portal/preferences", texts, content_type="application/json")
    assert refused.status_code == 400
    assert "sms_consent" in refused.json()["errors"]
    # A proxy has no preferences of their own here.
    assert _client(family.parent).get("/api/v1/portal/preferences").status_code == 404


def test_the_hold_api_needs_a_reason(family):
    clinician = StaffUserFactory(roles=["clinician"])
    item = report(family.adult)
    CareRelationshipFactory(staff=clinician, patient=family.adult)
    client = Client()
    sign_in_verified(client, clinician)
    url = f"/api/v1/portal/results/{item.public_id}/hold"

    for body in ({"days": 2}, {"days": 2, "reason": ""}, {"days": 99, "reason": "Harm"}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response["Content-Type"].startswith("application/problem+json")
    assert not ClinicianHold.objects.filter(report=item).exists()

    placed = client.post(url, {"days": 2, "reason": "Harm"}, content_type="application/json")
    assert placed.status_code == 201
    assert ClinicianHold.objects.get(report=item).reason == "Harm"
    # And the patient no longer sees it.
    patient = _client(family.adult_user)
    assert patient.get(f"/api/v1/portal/results/{item.public_id}").status_code == 404


def test_the_hold_api_refuses_a_clinician_without_a_basis(family):
    clinician = StaffUserFactory(roles=["clinician"])
    item = report(family.adult)
    client = Client()
    sign_in_verified(client, clinician)
    response = client.post(
        f"/api/v1/portal/results/{item.public_id}/hold",
        {"days": 2, "reason": "Harm"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not ClinicianHold.objects.filter(report=item).exists()
