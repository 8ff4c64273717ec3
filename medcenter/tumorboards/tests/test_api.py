import json

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.tumorboards import services
from medcenter.tumorboards.models import BoardCase
from medcenter.tumorboards.tests.factories import case_world, make_board, specialty, staff

pytestmark = pytest.mark.django_db

API = "/api/v1/tumorboards"


def client_for(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_case_submitted_fifty_times_with_one_key_is_one_case_and_a_changed_body_is_422():
    world = case_world(place=False)
    client = client_for(world.submitter)
    body = {
        "patient": str(world.patient.public_id),
        "question": "molecular",
        "question_detail": "EGFR: which TKI?",
        "diagnosis": str(world.diagnosis.public_id),
        "genotyping": str(world.report.public_id),
        "patient_status": "ignored",
    }
    answers = {post(client, f"{API}/cases", body, idempotency_key="k-1").content for _ in range(50)}
    assert len(answers) == 1
    first = json.loads(answers.pop())
    assert first["board"] == world.board.slug
    assert BoardCase.objects.count() == 2
    changed = post(
        client, f"{API}/cases", {**body, "question_detail": "Other"}, idempotency_key="k-1"
    )
    assert changed.status_code == 422
    missing = post(client, f"{API}/cases", body)
    assert missing.status_code == 400


def test_submission_without_a_question_is_a_field_problem():
    world = case_world(place=False)
    response = post(
        client_for(world.submitter),
        f"{API}/cases",
        {
            "patient": str(world.patient.public_id),
            "question": "",
            "question_detail": "",
            "diagnosis": str(world.diagnosis.public_id),
        },
        idempotency_key="k-2",
    )
    assert response.status_code == 400
    assert {"question", "question_detail"} <= set(response.json()["errors"])


def test_a_patient_without_a_basis_is_not_found():
    world = case_world(place=False)
    stranger = staff("clinician")
    response = post(
        client_for(stranger),
        f"{API}/cases",
        {
            "patient": str(world.patient.public_id),
            "question": "initial_plan",
            "question_detail": "x",
            "diagnosis": str(world.diagnosis.public_id),
        },
        idempotency_key="k-3",
    )
    assert response.status_code == 404
    assert world.patient.family_name not in response.content.decode()


def test_packet_for_members_one_audit_event_and_not_found_for_another_board():
    world = case_world()
    url = f"{API}/cases/{world.case.public_id}/packet"
    before = AuditEvent.objects.count()
    response = client_for(world.people["pathology"]).get(url)
    assert response.status_code == 200
    assert response.json()["packet"]["versions"]["staging_rules"] == ["AJCC8/lung/1"]
    assert AuditEvent.objects.count() == before + 1
    other = make_board("sarcoma", roots=["BONE"])
    outsider = staff("clinician")
    services.add_member(
        board=other, user=outsider, specialty=specialty("pathology"), role="member", actor=outsider
    )
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(staff("scheduler")).get(url).status_code == 403


def test_agenda_attendance_and_recommendations():
    world = case_world()
    client = client_for(world.people["coordinator"])
    agenda = client.get(f"{API}/meetings/{world.meeting.public_id}/agenda")
    assert agenda.status_code == 200
    assert agenda.json()["minutes_used"] == 15
    assert world.patient.family_name not in agenda.content.decode()
    for slug in ("surgical-oncology", "medical-oncology", "radiation-oncology", "pathology"):
        member = world.board.members.get(user=world.people[slug])
        post(
            client,
            f"{API}/meetings/{world.meeting.public_id}/attendance",
            {"member": str(member.public_id), "mode": "room"},
        )
    answer = post(
        client,
        f"{API}/meetings/{world.meeting.public_id}/attendance",
        {"guest_name": "Visiting radiologist", "specialty": "radiology", "mode": "guest"},
    ).json()
    assert answer["quorum_met"] is False  # a guest does not make quorum
    assert answer["quorum_missing"] == ["radiology"]
    url = f"{API}/cases/{world.case.public_id}/recommendations"
    refused = post(
        client, url, {"kind": "systemic_therapy", "therapy": "Osimertinib", "concordant": False}
    )
    assert refused.status_code == 400
    assert "nonconcordance_reason" in refused.json()["errors"]
    made = post(
        client, url, {"kind": "systemic_therapy", "therapy": "Osimertinib", "concordant": True}
    )
    assert made.status_code == 201
    assert made.json()["evidence_level"] == "fda_this_type"
    assert [r["therapy"] for r in client.get(url).json()] == ["Osimertinib"]


def test_metrics_need_the_permission_and_a_valid_month():
    world = case_world()
    url = f"{API}/boards/{world.board.public_id}/metrics"
    analyst = client_for(staff("clinician"))
    assert analyst.get(url, {"month": "2026-13"}).status_code == 400
    ok = analyst.get(url, {"month": "2026-11"})
    assert ok.status_code == 200 and ok.json()["board"] == world.board.slug
    assert client_for(staff("nurse_navigator")).get(url, {"month": "2026-11"}).status_code == 403
