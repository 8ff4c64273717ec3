"""FHIR R4 Questionnaire (public) and QuestionnaireResponse (patient data: 404 for others)."""

import json
from pathlib import Path

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)
from medcenter.questionnaires import services
from medcenter.questionnaires.tests.factories import access_of, answers, checkin

pytestmark = pytest.mark.django_db
BASE = "/fhir/R4"
FIXTURE = (
    Path(__file__).parents[2] / "questionnaires" / "tests" / "fixtures" / "example_wellbeing.json"
)


@pytest.fixture
def sent():
    user = UserFactory()
    patient = PatientFactory(user=user)
    response = services.save_response(
        access=access_of(user, patient),
        questionnaire=checkin(),
        author=user,
        answers=answers(pain=3, chest_pain=True) | {"other": "Sore feet"},
        submit=True,
    )
    return user, patient, response


def test_questionnaires_are_public_and_valid_r4():
    found = Client().get(f"{BASE}/Questionnaire", {"status": "active"})

    assert found.status_code == 200
    assert found["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(found.json())
    urls = {e.resource.url for e in bundle.entry}
    assert "https://medcenter.example/fhir/Questionnaire/weekly-symptom-check-in" in urls
    one = Client().get(f"{BASE}/Questionnaire/{checkin().public_id}").json()
    FhirQuestionnaire.model_validate(one)
    assert one["id"] == str(checkin().public_id)


def test_a_loaded_questionnaire_is_served_as_loaded():
    loaded = services.load_questionnaire(resource=json.loads(FIXTURE.read_text()))

    one = Client().get(f"{BASE}/Questionnaire", {"url": loaded.url}).json()

    assert one["total"] == 1
    assert one["entry"][0]["resource"]["item"][1]["item"][0]["linkId"] == "energy"


@pytest.mark.parametrize("query", [{"nosuch": "1"}, {"status": "bogus"}, {"_count": "x"}])
def test_bad_questionnaire_searches_are_outcomes(query):
    found = Client().get(f"{BASE}/Questionnaire", query)

    assert found.status_code == 400
    assert found.json()["resourceType"] == "OperationOutcome"


def test_the_patient_reads_their_response_as_valid_r4(sent):
    user, patient, response = sent
    client = Client()
    client.force_login(user)

    one = client.get(f"{BASE}/QuestionnaireResponse/{response.public_id}")

    assert one.status_code == 200
    data = one.json()
    FhirResponse.model_validate(data)
    assert data["subject"]["reference"] == f"Patient/{patient.public_id}"
    assert data["questionnaire"].endswith("weekly-symptom-check-in|1")
    items = {i["linkId"]: i for g in data["item"] for i in g.get("item", [g])}
    assert items["pain"]["answer"] == [{"valueCoding": {"code": "3", "display": "Severe"}}]
    assert items["chest_pain"]["answer"] == [{"valueBoolean": True}]
    assert items["other"]["answer"] == [{"valueString": "Sore feet"}]


def test_search_by_patient_is_a_valid_bundle(sent):
    user, patient, response = sent
    client = Client()
    client.force_login(user)

    own = client.get(f"{BASE}/QuestionnaireResponse").json()
    named = client.get(
        f"{BASE}/QuestionnaireResponse", {"patient": f"Patient/{patient.public_id}"}
    ).json()

    Bundle.model_validate(named)
    assert [e["resource"]["id"] for e in named["entry"]] == [str(response.public_id)]
    assert own["total"] == 1


def test_other_patients_responses_are_not_found(sent, world):
    _user, patient, response = sent
    client = Client()
    client.force_login(world.user_a)
    before = AuditEvent.objects.filter(outcome="denied").count()

    read = client.get(f"{BASE}/QuestionnaireResponse/{response.public_id}")
    search = client.get(
        f"{BASE}/QuestionnaireResponse", {"patient": f"Patient/{patient.public_id}"}
    )

    assert (read.status_code, search.status_code) == (404, 404)
    assert patient.family_name not in read.content.decode() + search.content.decode()
    assert AuditEvent.objects.filter(outcome="denied").count() == before + 2


def test_staff_with_a_basis_read_and_proxies_need_the_messages_scope(sent):
    _user, patient, response = sent
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    staff = Client()
    sign_in_verified(staff, nurse)
    teen = PatientFactory(date_of_birth=born_years_ago(15))
    teen_user = UserFactory()
    teen.user = teen_user
    teen.save()
    teen_response = services.save_response(
        access=access_of(teen_user, teen),
        questionnaire=checkin(),
        author=teen_user,
        answers=answers(),
        submit=True,
    )
    narrow = ProxyGrantFactory(patient=teen, scopes=["appointments"])
    proxy = Client()
    proxy.force_login(narrow.proxy)

    assert staff.get(f"{BASE}/QuestionnaireResponse/{response.public_id}").status_code == 200
    assert proxy.get(f"{BASE}/QuestionnaireResponse/{teen_response.public_id}").status_code == 404


def test_signed_out_is_401_and_writes_are_405(sent):
    _user, _patient, response = sent

    assert Client().get(f"{BASE}/QuestionnaireResponse/{response.public_id}").status_code == 401
    signed = Client()
    signed.force_login(sent[0])
    assert signed.post(f"{BASE}/QuestionnaireResponse/{response.public_id}").status_code == 405


def test_the_capability_statement_names_both():
    found = Client().get(f"{BASE}/metadata").json()

    types = {r["type"] for r in found["rest"][0]["resource"]}
    assert {"Questionnaire", "QuestionnaireResponse"} <= types
