"""/api/v1/portal/questionnaires: due, responses, drafts and sending with Idempotency-Key
(R26), and 404 for other patients (R1)."""

import json
import threading

import pytest
from django.db import close_old_connections
from django.test import Client

from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert
from medcenter.questionnaires.tests.factories import answers, checkin, on_treatment

pytestmark = pytest.mark.django_db
BASE = "/api/v1/portal/questionnaires"


@pytest.fixture
def me():
    user = UserFactory()
    patient = PatientFactory(user=user)
    on_treatment(patient)
    client = Client()
    client.force_login(user)
    return client, user, patient


def _body(patient, submit=True, **scores):
    return {
        "patient": str(patient.public_id),
        "questionnaire": str(checkin().public_id),
        "answers": answers(**scores),
        "submit": submit,
    }


def _post(client, body, key="k-1"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"{BASE}/responses", json.dumps(body), content_type="application/json", headers=headers
    )


def test_due_lists_the_check_in(me):
    client, _user, patient = me

    found = client.get(f"{BASE}/due", {"patient": str(patient.public_id)}).json()

    kinds = {d["kind"] for d in found["due"]}
    assert kinds == {"symptom_checkin", "intake"}


def test_sending_returns_the_scored_response_and_its_alert(me):
    client, _user, patient = me

    answer = _post(client, _body(patient, pain=3))

    assert answer.status_code == 201
    data = answer.json()
    assert data["status"] == "completed"
    assert data["scores"]["pain"] == 3
    assert data["alert_due_at"] is not None
    listed = client.get(f"{BASE}/responses", {"patient": str(patient.public_id)}).json()
    assert [r["id"] for r in listed["responses"]] == [data["id"]]
    assert client.get(f"{BASE}/responses/{data['id']}").json()["id"] == data["id"]


def test_a_draft_is_200_and_missing_answers_are_allowed(me):
    client, _user, patient = me
    body = _body(patient, submit=False) | {"answers": {"pain": 1}}

    answer = _post(client, body)

    assert answer.status_code == 200
    assert answer.json()["status"] == "in-progress"


def test_bad_answers_are_a_problem_per_question(me):
    client, _user, patient = me
    body = _body(patient) | {"answers": {"pain": "9"}}

    answer = _post(client, body)

    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["errors"]["pain"] == ["Please choose one of the answers shown."]
    assert "nausea" in answer.json()["errors"]


@pytest.mark.parametrize("key", [None, "x" * 201])
def test_an_idempotency_key_is_required(me, key):
    client, _user, patient = me

    assert _post(client, _body(patient), key=key).status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_the_same_key_fifty_times_is_one_report_and_one_alert(me):
    client, _user, patient = me
    body = _body(patient, pain=4)

    answers_seen = [_post(client, body, key="same").content for _ in range(50)]

    assert len(set(answers_seen)) == 1
    assert QuestionnaireResponse.objects.count() == 1
    assert SymptomAlert.objects.count() == 1


def test_the_same_key_with_another_body_is_422(me):
    client, _user, patient = me
    _post(client, _body(patient, pain=1), key="k")

    assert _post(client, _body(patient, pain=2), key="k").status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_same_key_twenty_times_at_once_is_one_report():
    user = UserFactory()
    patient = PatientFactory(user=user)
    body = _body(patient, pain=4)
    barrier = threading.Barrier(20)
    statuses = []

    def send():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            statuses.append(_post(client, body, key="race").status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert statuses == [201] * 20
    assert QuestionnaireResponse.objects.count() == 1
    assert SymptomAlert.objects.count() == 1


def test_other_patients_are_not_found(me, world):
    client, _user, _patient = me
    b = world.patient_b
    other = Client()
    other.force_login(world.user_b)
    b_id = _post(other, _body(b, pain=3)).json()["id"]

    refused = [
        client.get(f"{BASE}/due", {"patient": str(b.public_id)}),
        client.get(f"{BASE}/responses", {"patient": str(b.public_id)}),
        client.get(f"{BASE}/responses/{b_id}"),
        _post(client, _body(b, pain=1), key="mine"),
    ]

    assert [r.status_code for r in refused] == [404] * 4
    assert all(b.family_name not in r.content.decode() for r in refused)
    assert QuestionnaireResponse.objects.filter(patient=b).count() == 1


def test_signed_out_is_401(me):
    _client, _user, patient = me

    assert Client().get(f"{BASE}/due", {"patient": str(patient.public_id)}).status_code == 401


def test_a_teens_proxy_without_the_messages_scope_is_refused():
    teen = PatientFactory(date_of_birth=born_years_ago(15))
    grant = ProxyGrantFactory(patient=teen, scopes=["appointments"])
    client = Client()
    client.force_login(grant.proxy)

    assert client.get(f"{BASE}/due", {"patient": str(teen.public_id)}).status_code == 404
    assert _post(client, _body(teen)).status_code == 404
