from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.tumorboards import services
from medcenter.tumorboards.models import BoardCase, CaseDocument, CaseStatus
from medcenter.tumorboards.tests.factories import (
    case_world,
    make_board,
    make_meeting,
    specialty,
    staff,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def client_for(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def case_url(world, name="tumorboards:case"):
    return reverse(name, kwargs={"case_id": world.case.public_id})


def test_a_member_reads_the_packet_with_one_audit_event():
    world = case_world()
    member = world.people["radiology"]
    client = client_for(member)
    before = set(AuditEvent.objects.values_list("id", flat=True))
    response = client.get(case_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "EGFR" in body and "AJCC8/lung/1" in body
    new = AuditEvent.objects.exclude(id__in=before)
    assert new.count() == 1
    event = new.get()
    assert event.patient_public_id == str(world.patient.public_id)
    assert event.purpose == "tumor_board"


@pytest.mark.parametrize("who", ["other board", "after 30 days", "no permission"])
def test_others_are_refused_the_case(who):
    world = case_world()
    if who == "other board":
        other = make_board("sarcoma", roots=["BONE"])
        user = staff("clinician")
        services.add_member(
            board=other, user=user, specialty=specialty("pathology"), role="member", actor=user
        )
    elif who == "after 30 days":
        user = world.people["radiology"]
        world.meeting.starts_at = timezone.now() - timedelta(days=31)
        world.meeting.save()
    else:
        user = staff("scheduler")
    client = client_for(user)
    for name in ("tumorboards:case", "tumorboards:recommend", "tumorboards:place"):
        response = client.get(case_url(world, name))
        assert response.status_code in (403, 404), name
        assert world.patient.family_name not in response.content.decode()
    meeting = client.get(
        reverse("tumorboards:meeting", kwargs={"meeting_id": world.meeting.public_id})
    )
    # A member still sees the agenda of a past meeting, without the patients' names.
    assert meeting.status_code in ((200,) if who == "after 30 days" else (403, 404))
    assert world.patient.family_name not in meeting.content.decode()


def test_staff_routes_need_their_permission():
    client = client_for(staff("scheduler"))
    assert client.get(reverse("tumorboards:index")).status_code == 403
    assert client.get(reverse("careplans:queue")).status_code == 403


def test_submission_keeps_entries_and_upload_on_a_missing_question_then_submits():
    world = case_world(place=False)
    client = client_for(world.submitter)
    url = reverse("tumorboards:submit", kwargs={"public_id": world.patient.public_id})
    assert client.get(url).status_code == 200
    pdf = SimpleUploadedFile("path.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    data = {
        "question": "",
        "question_detail": "Surgery first?",
        "urgency": "urgent",
        "diagnosis": str(world.diagnosis.public_id),
        "minutes": "10",
        "pathology": pdf,
        "pathology_finding": "Adenocarcinoma, TTF-1 positive",
        "patient": "someone-else",
        "status": "discussed",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Choose the question for the board." in body or "This field is required." in body
    assert "Surgery first?" in body
    kept = refused.context["form"]["pathology_kept"].value()
    assert kept
    data.pop("pathology")
    data.update({"question": "initial_plan", "pathology_kept": kept, "question_detail": XSS})
    done = client.post(url, data)
    assert done.status_code == 302
    case = BoardCase.objects.exclude(pk=world.case.pk).get()
    assert case.patient == world.patient and case.status == CaseStatus.SUBMITTED  # R4
    document = CaseDocument.objects.get(case=case)
    assert document.finding == "Adenocarcinoma, TTF-1 positive"
    page = client.get(reverse("tumorboards:case", kwargs={"case_id": case.public_id}))
    assert XSS not in page.content.decode()  # R16
    download = client.get(
        reverse(
            "tumorboards:attachment",
            kwargs={"case_id": case.public_id, "attachment_id": document.public_id},
        )
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content.startswith(b"%PDF")


def test_the_agenda_over_time_is_a_field_message_naming_the_overrun():
    world = case_world(place=False)
    world.meeting.length_minutes = 20
    world.meeting.save()
    client = client_for(world.people["coordinator"])
    response = client.post(
        case_url(world, "tumorboards:place"),
        {"meeting": str(world.meeting.public_id), "minutes": "30"},
    )
    assert response.status_code == 200
    assert "10 minutes over" in response.content.decode()
    assert response.context["form"]["minutes"].value() == "30"


def test_not_concordant_without_a_reason_is_a_field_message_and_entries_stay():
    world = case_world()
    client = client_for(world.people["medical-oncology"])
    response = client.post(
        case_url(world, "tumorboards:recommend"),
        {
            "kind": "systemic_therapy",
            "therapy": "Osimertinib",
            "concordant": "no",
            "consensus": "consensus",
        },
    )
    assert response.status_code == 200
    assert "Choose why it does not follow the guideline." in response.content.decode()
    assert response.context["form"]["therapy"].value() == "Osimertinib"


def test_the_meeting_flow_lock_attend_recommend_sign_and_start_the_plan():
    world = case_world()
    coordinator = client_for(world.people["coordinator"])
    meeting_url = reverse("tumorboards:meeting", kwargs={"meeting_id": world.meeting.public_id})
    assert coordinator.get(meeting_url).status_code == 200
    assert (
        coordinator.post(
            reverse("tumorboards:lock", kwargs={"meeting_id": world.meeting.public_id})
        ).status_code
        == 302
    )
    world.case.refresh_from_db()
    assert world.case.packet is not None
    for slug in (
        "surgical-oncology",
        "medical-oncology",
        "radiation-oncology",
        "pathology",
        "radiology",
    ):
        member = world.board.members.get(user=world.people[slug])
        response = coordinator.post(
            reverse("tumorboards:attendance", kwargs={"meeting_id": world.meeting.public_id}),
            {"member": str(member.public_id), "mode": "remote"},
        )
        assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.quorum_met is True
    chair = client_for(world.people["surgical-oncology"])
    chair.post(
        case_url(world, "tumorboards:recommend"),
        {
            "kind": "systemic_therapy",
            "therapy": "Osimertinib",
            "concordant": "yes",
            "consensus": "consensus",
        },
    )
    assert chair.post(case_url(world, "tumorboards:sign")).status_code == 302
    started = chair.post(case_url(world, "tumorboards:start_plan"), {"goal": "life_prolonging"})
    assert started.status_code == 302 and "/staff/care-plans/" in started["Location"]


def test_lock_needs_the_csrf_token():
    world = case_world()
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, world.people["coordinator"])
    response = client.post(
        reverse("tumorboards:lock", kwargs={"meeting_id": world.meeting.public_id})
    )
    assert response.status_code == 403
    world.meeting.refresh_from_db()
    assert world.meeting.agenda_locked_at is None


def test_members_get_the_board_calendar_and_others_do_not():
    world = case_world()
    make_meeting(world.board, days=14)
    services.cancel_meeting(
        meeting=world.meeting, reason="Holiday", actor=world.people["coordinator"]
    )
    client = client_for(world.people["pathology"])
    url = reverse("tumorboards:calendar", kwargs={"board_slug": world.board.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    import icalendar

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    assert sorted(str(e["STATUS"]) for e in events) == ["CANCELLED", "CONFIRMED"]
    assert client_for(staff("clinician")).get(url).status_code == 404
    assert client.get(reverse("tumorboards:index")).status_code == 200


def test_metrics_page_for_those_with_the_permission():
    world = case_world()
    url = reverse("tumorboards:metrics", kwargs={"board_slug": world.board.slug})
    assert client_for(staff("quality_analyst")).get(url).status_code == 200
    assert client_for(staff("scheduler")).get(url).status_code == 403


def test_withdrawing_asks_for_a_reason_keeps_it_on_a_refusal_and_shows_it():
    world = case_world(place=True)
    client = client_for(world.submitter)
    url = case_url(world, "tumorboards:withdraw")
    assert "reason" in client.get(url).content.decode()
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.ON_AGENDA  # asking changes nothing

    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert 'aria-invalid="true"' in refused.content.decode()

    done = client.post(url, {"reason": XSS})
    assert done.status_code == 302
    page = client.get(case_url(world)).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    assert AuditEvent.objects.filter(action="tumorboard.case_withdrawn").count() == 1
