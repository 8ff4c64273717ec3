from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.patients.access import resolve_access
from medcenter.tumorboards import selectors, services
from medcenter.tumorboards.models import BoardCase, CaseStatus, MeetingStatus
from medcenter.tumorboards.tests.factories import (
    case_world,
    make_board,
    make_meeting,
    specialty,
)

pytestmark = pytest.mark.django_db


def test_a_weekly_rule_gives_one_meeting_a_week_and_keeps_a_cancelled_one():
    board = make_board(starts_on=date(2026, 1, 5), weekday=0, start_time=time(7, 0))
    made = services.schedule_meetings(board=board, until=date(2026, 2, 28))
    assert len(made) == 8
    assert all(m.starts_at.weekday() == 0 for m in made)
    assert made[0].cutoff_at == made[0].starts_at - timedelta(hours=48)
    services.cancel_meeting(meeting=made[1], reason="Holiday", actor=StaffUserFactory())
    assert services.schedule_meetings(board=board, until=date(2026, 2, 28)) == []
    assert board.meetings.filter(status=MeetingStatus.CANCELLED).count() == 1


def test_a_monthly_rule_takes_the_nth_weekday():
    board = make_board(
        "sarcoma", frequency="monthly", weekday=2, week_of_month=1, starts_on=date(2026, 1, 1)
    )
    made = services.schedule_meetings(board=board, until=date(2026, 4, 30))
    assert [m.starts_at.day for m in made] == [7, 4, 4, 1]


def test_submission_suggests_the_board_from_the_oncotree_code_and_sets_prospective():
    world = case_world(place=False)
    assert world.case.board == world.board
    assert world.case.prospective is True
    assert world.case.status == CaseStatus.SUBMITTED


def test_submission_without_a_question_names_the_field():
    world = case_world(place=False)
    access = resolve_access(world.submitter, world.patient)
    with pytest.raises(ValidationError) as error:
        services.submit_case(
            access=access,
            actor=world.submitter,
            question="",
            question_detail="",
            urgency="routine",
            diagnosis=world.diagnosis,
        )
    assert {"question", "question_detail"} <= set(error.value.message_dict)
    assert BoardCase.objects.count() == 1


@pytest.mark.parametrize(
    ("planned", "adding", "refused"), [(45, 15, False), (45, 16, True), (60, 1, True)]
)
def test_an_agenda_over_the_meeting_length_is_refused_naming_the_overrun(planned, adding, refused):
    world = case_world(place=False)
    filler = case_world(place=False, slug="filler")
    filler.case.board = world.board
    filler.case.save()
    services.place_case(case=filler.case, meeting=world.meeting, minutes=planned, actor=None)
    if refused:
        with pytest.raises(ValidationError) as error:
            services.place_case(case=world.case, meeting=world.meeting, minutes=adding, actor=None)
        over = planned + adding - 60
        assert f"{over} minutes over" in error.value.message_dict["minutes"][0]
    else:
        services.place_case(case=world.case, meeting=world.meeting, minutes=adding, actor=None)


def test_a_case_past_the_cut_off_is_refused():
    world = case_world(place=False)
    late = make_meeting(world.board, days=1)
    with pytest.raises(ValidationError) as error:
        services.place_case(case=world.case, meeting=late, minutes=10, actor=None)
    assert "cut-off" in error.value.message_dict["meeting"][0]


def test_locking_freezes_the_packet_with_its_versions_and_later_changes_show():
    world = case_world()
    services.lock_agenda(meeting=world.meeting, actor=world.people["coordinator"])
    world.case.refresh_from_db()
    packet = world.case.packet
    assert packet["versions"]["knowledge_base"]
    assert packet["versions"]["staging_rules"] == ["AJCC8/lung/1"]
    egfr = next(a for a in packet["alterations"] if a["gene"] == "EGFR")
    assert egfr["for"] and egfr["best_level"]
    from medcenter.oncology.models import PerformanceStatus

    PerformanceStatus.objects.create(
        patient=world.patient, scale="ecog", value=2, observed_on=timezone.localdate()
    )
    shown = selectors.case_packet(world.case)
    assert shown["frozen"] is True
    assert any(c["section"] == "performance" for c in shown["changes"])
    with pytest.raises(ValidationError):
        services.place_case(
            case=case_world(place=False, slug="late").case,
            meeting=world.meeting,
            minutes=5,
            actor=None,
        )


def test_restaging_flags_a_stage_that_differs_under_current_tables():
    world = case_world()
    world.stage.stage_group = "IIIA"  # as if recorded under older rules
    world.stage.save()
    packet = selectors.current_packet(world.case)
    stage = next(d for d in packet["diagnoses"] if d["presented"])["stage"]
    assert stage["current_group"] == "IIIC"
    assert stage["changed"] is True


def _attend_all(world):
    for slug, user in world.people.items():
        if slug == "coordinator":
            continue
        services.record_attendance(
            meeting=world.meeting, actor=user, specialty=specialty(slug), mode="room", user=user
        )


def test_quorum_needs_every_default_discipline():
    world = case_world()
    services.record_attendance(
        meeting=world.meeting,
        actor=world.people["coordinator"],
        specialty=specialty("surgical-oncology"),
        mode="room",
        user=world.people["surgical-oncology"],
    )
    world.meeting.refresh_from_db()
    assert world.meeting.quorum_met is False
    _attend_all(world)
    world.meeting.refresh_from_db()
    assert world.meeting.quorum_met is True


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"concordant": False}, "nonconcordance_reason"),
        ({"concordant": None}, "concordant"),
        ({"evidence_level": "guideline"}, "override_reason"),
        ({"kind": "trial_referral", "therapy": ""}, "trial"),
        ({"consensus": "dissent"}, "dissent_note"),
    ],
)
def test_a_recommendation_missing_a_reason_is_refused_on_its_field(fields, field):
    world = case_world()
    values = {"kind": "systemic_therapy", "therapy": "Osimertinib", "concordant": True}
    values.update(fields)
    with pytest.raises(ValidationError) as error:
        services.record_recommendation(
            case=world.case, actor=world.people["medical-oncology"], **values
        )
    assert field in error.value.message_dict


def test_the_evidence_level_comes_from_the_knowledge_base():
    world = case_world()
    rec = services.record_recommendation(
        case=world.case,
        actor=world.people["medical-oncology"],
        kind="systemic_therapy",
        therapy="Osimertinib",
        concordant=True,
    )
    assert rec.knowledge_level == rec.evidence_level == "fda_this_type"
    assert rec.provisional is True


def test_without_quorum_signed_recommendations_stay_provisional_and_changes_are_new_versions():
    world = case_world()
    chair = world.people["surgical-oncology"]
    services.record_recommendation(
        case=world.case,
        actor=chair,
        kind="systemic_therapy",
        therapy="Osimertinib",
        concordant=True,
    )
    [signed] = services.sign_recommendations(case=world.case, actor=chair)
    assert signed.provisional is True
    _attend_all(world)
    services.record_recommendation(
        case=world.case,
        actor=chair,
        kind="genetic_counselling",
        concordant=False,
        nonconcordance_reason="no_guideline",
    )
    rows = services.sign_recommendations(case=world.case, actor=chair)
    assert {r.version for r in rows} == {2}
    assert all(not r.provisional for r in rows)
    signed.refresh_from_db()
    assert signed.superseded_at is not None and signed.signed_at is not None
    assert len(selectors.current_recommendations(world.case)) == 2


def test_only_the_chair_signs():
    from django.core.exceptions import PermissionDenied

    world = case_world()
    services.record_recommendation(
        case=world.case, actor=world.people["pathology"], kind="surveillance", concordant=True
    )
    with pytest.raises(PermissionDenied):
        services.sign_recommendations(case=world.case, actor=world.people["pathology"])


def test_a_trial_referral_joins_the_trial_prescreening_queue():
    from medcenter.trials.models import Candidate, EnrollmentEvent, Trial

    world = case_world()
    _attend_all(world)
    trial = Trial.objects.create(nct_id="NCT09990001", brief_title="A lung trial")
    chair = world.people["surgical-oncology"]
    services.record_recommendation(
        case=world.case, actor=chair, kind="trial_referral", trial=trial, concordant=True
    )
    services.sign_recommendations(case=world.case, actor=chair)
    candidate = Candidate.objects.get(trial=trial, patient=world.patient)
    assert candidate.status == "new" and candidate.is_current
    assert EnrollmentEvent.objects.filter(candidate=candidate, status="referred").exists()


def test_the_tumor_board_basis_opens_the_record_to_members_until_30_days_after():
    world = case_world()
    member = world.people["radiology"]
    assert resolve_access(member, world.patient).basis == "tumor_board"
    outsider_board = make_board("sarcoma", roots=["BONE"])
    outsider = verified(StaffUserFactory(roles=["clinician"]))
    services.add_member(
        board=outsider_board,
        user=outsider,
        specialty=specialty("pathology"),
        role="member",
        actor=outsider,
    )
    assert resolve_access(outsider, world.patient) is None
    world.meeting.starts_at = timezone.now() - timedelta(days=31)
    world.meeting.save()
    assert resolve_access(member, world.patient) is None


def test_metrics_count_a_month_of_discussed_cases():
    world = case_world()
    _attend_all(world)
    chair = world.people["surgical-oncology"]
    services.record_recommendation(
        case=world.case,
        actor=chair,
        kind="systemic_therapy",
        therapy="Osimertinib",
        concordant=True,
    )
    services.sign_recommendations(case=world.case, actor=chair)
    when = world.meeting.starts_at
    figures = selectors.board_metrics(board=world.board, year=when.year, month=when.month)
    assert figures["cases"] == 1
    assert figures["new_primaries"] == 1
    assert figures["new_primaries_within_60_days"] == 1
    assert figures["days_diagnosis_to_board_median"] == 37
    assert figures["prospective_share"] == 1.0
    assert figures["quorum_met_share"] == 1.0
    assert figures["concordance_share"] == 1.0
    assert figures["trial_referrals"] == 0


def test_a_withdrawn_case_leaves_the_agenda_keeps_its_reason_and_cannot_be_placed_again():
    world = case_world(place=True)
    world.case.refresh_from_db()
    assert (world.case.meeting, world.case.status) == (world.meeting, CaseStatus.ON_AGENDA)

    services.withdraw_case(case=world.case, reason="  Answered in   clinic ", actor=world.submitter)

    world.case.refresh_from_db()
    assert (world.case.status, world.case.meeting, world.case.withdrawn_reason) == (
        CaseStatus.WITHDRAWN,
        None,
        "Answered in clinic",
    )
    assert selectors.agenda(world.meeting)["cases"] == []
    with pytest.raises(ValidationError):
        services.place_case(case=world.case, meeting=world.meeting, minutes=10, actor=None)
    with pytest.raises(ValidationError) as again:
        services.withdraw_case(case=world.case, reason="Twice", actor=world.submitter)
    assert "no longer be withdrawn" in again.value.message_dict["reason"][0]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_withdrawal_needs_a_short_reason_on_its_field(reason):
    world = case_world(place=False)
    with pytest.raises(ValidationError) as refused:
        services.withdraw_case(case=world.case, reason=reason, actor=world.submitter)
    assert list(refused.value.message_dict) == ["reason"]
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.SUBMITTED
