"""ResearchStudy (public) and ResearchSubject (a patient's candidacy: patient data)."""

import pytest

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Candidate, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


def test_research_study_is_searchable_by_nct_number_and_validates(client):
    bundle = client.get("/fhir/R4/ResearchStudy", {"identifier": "NCT99002003"}).json()
    assert bundle["total"] == 1
    study = bundle["entry"][0]["resource"]
    assert study["identifier"][0]["value"] == "NCT99002003"
    assert study["status"] == "active"
    assert study["phase"]["coding"][0]["code"] == "phase-2"
    read = client.get(f"/fhir/R4/ResearchStudy/{study['id']}").json()
    assert read["title"].startswith("Ivosidrafenib")


def test_research_subject_needs_a_basis_for_the_patient(client):
    patient = PatientFactory()
    trial = Trial.objects.get(nct_id="NCT99002003")
    candidate = Candidate.objects.create(trial=trial, patient=patient, score=70, status="screening")
    url = f"/fhir/R4/ResearchSubject/{candidate.public_id}"
    assert client.get(url).status_code == 401
    stranger = StaffUserFactory(roles=["clinician"])
    sign_in_verified(client, stranger)
    assert client.get(url).status_code == 404
    CareRelationshipFactory(staff=stranger, patient=patient)
    subject = client.get(url).json()
    assert subject["status"] == "screening"
    assert subject["individual"]["reference"] == f"Patient/{patient.public_id}"
    found = client.get("/fhir/R4/ResearchSubject", {"patient": f"Patient/{patient.public_id}"})
    assert found.json()["total"] == 1


def test_the_capability_statement_lists_the_trial_resources(client):
    types = {r["type"] for r in client.get("/fhir/R4/metadata").json()["rest"][0]["resource"]}
    assert {"ResearchStudy", "ResearchSubject"} <= types
