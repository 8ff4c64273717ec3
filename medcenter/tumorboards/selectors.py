"""Reads of tumor boards. Case reads go through patients' one access gate (audited); the
packet is built by `packet.build_packet` from what `packet_input` reads here."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from medcenter.core import audit
from medcenter.oncology.genomics import default_annotator, load_oncotree
from medcenter.oncology.models import (
    CancerDiagnosis,
    LabResult,
    PerformanceStatus,
    TreatmentCourse,
    TumorMarker,
    Variant,
)
from medcenter.patients.access import ALL_SCOPES, PatientAccess
from medcenter.patients.models import Patient
from medcenter.patients.selectors import get_patient_for
from medcenter.trials import matcher
from medcenter.trials import selectors as trials_selectors
from medcenter.trials.models import Candidate, Trial
from medcenter.trials.profiles import profile_for_patient
from medcenter.tumorboards.models import (
    ACCESS_AFTER_MEETING,
    Attendance,
    Board,
    BoardCase,
    BoardKind,
    BoardMember,
    CaseStatus,
    Meeting,
    MeetingStatus,
    MemberRole,
    Recommendation,
)
from medcenter.tumorboards.packet import PacketInput, build_packet, packet_changes

TUMOR_BOARD = "tumor_board"
RECENT_LAB_DAYS = 90

# The default quorum, as accreditation expects: surgery, medical and radiation oncology,
# pathology and radiology. A surgeon of any surgical specialty counts for surgery.
SURGERY = [
    "surgical-oncology",
    "orthopaedic-oncology",
    "thoracic-surgery",
    "neurosurgery",
    "spine-surgery",
    "breast-surgery",
    "head-neck-surgery",
    "gynecologic-oncology",
    "urology",
]
DEFAULT_QUORUM = [
    SURGERY,
    ["medical-oncology"],
    ["radiation-oncology"],
    ["pathology"],
    ["radiology"],
]


# --- Membership and the access basis --------------------------------------------------------


def memberships(user: Any) -> QuerySet[BoardMember]:
    return BoardMember.objects.filter(user=user, is_active=True, board__is_active=True)


def is_member(user: Any, board: Board, *, roles: tuple[str, ...] = ()) -> bool:
    found = memberships(user).filter(board=board)
    if roles:
        found = found.filter(role__in=roles)
    return found.exists()


def _open_cases(user: Any) -> QuerySet[BoardCase]:
    """Cases that open their patient's record to `user`: on a board they sit on, waiting
    for a meeting or on one that is at most 30 days past."""
    since = timezone.now() - ACCESS_AFTER_MEETING
    waiting = Q(meeting__isnull=True, status__in=[CaseStatus.SUBMITTED, CaseStatus.POSTPONED])
    return BoardCase.objects.filter(
        Q(meeting__starts_at__gte=since) | waiting,
        board__in=memberships(user).values("board_id"),
    ).exclude(status=CaseStatus.WITHDRAWN)


def tumor_board_basis(user: Any, patient: Patient) -> PatientAccess | None:
    """The `tumor_board` basis (registered with patients.access): members of the board a
    case is presented to see the patient's record until 30 days after the meeting."""
    case = _open_cases(user).filter(patient=patient).order_by("-meeting__starts_at").first()
    if case is None:
        return None
    return PatientAccess(patient, TUMOR_BOARD, ALL_SCOPES, True, None)


def tumor_board_patient_ids(user: Any) -> QuerySet[Any] | None:
    if not memberships(user).exists():
        return None
    return _open_cases(user).values("patient_id")


def suggest_board(oncotree_code: str) -> Board | None:
    """The disease board whose OncoTree subtree holds `oncotree_code` most closely."""
    tree = load_oncotree()
    code = tree.find(oncotree_code or "") if oncotree_code else None
    if code is None:
        return None
    lineage = tree.lineage(code)
    best: tuple[int, Board] | None = None
    for board in Board.objects.filter(is_active=True, kind=BoardKind.DISEASE):
        for root in board.oncotree_roots:
            found = tree.find(root)
            if found in lineage:
                depth = len(tree.lineage(found))
                if best is None or depth > best[0]:
                    best = (depth, board)
    return best[1] if best else None


# --- Cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    case: BoardCase
    access: PatientAccess


def get_case_for(user: Any, *, public_id: UUID | str, action: str) -> CaseAccess:
    """One case, read on the user's basis for its patient (audited once); 404 if unknown."""
    case = (
        BoardCase.objects.select_related(
            "board", "meeting", "patient", "diagnosis", "stage", "genotyping", "submitted_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    access = get_patient_for(user, public_id=case.patient.public_id, staff_only=True, action=action)
    return CaseAccess(case, access)


def case_detail(case: BoardCase) -> dict[str, Any]:
    return {
        "case": case,
        "documents": list(case.documents.all()),
        "recommendations": current_recommendations(case),
        "history": list(case.recommendations.filter(superseded_at__isnull=False)),
    }


def current_recommendations(case: BoardCase) -> list[Recommendation]:
    rows = list(case.recommendations.filter(superseded_at__isnull=True).select_related("trial"))
    latest = max((r.version for r in rows), default=0)
    return [r for r in rows if r.version == latest]


# --- The packet -----------------------------------------------------------------------------


def _stage_row(diagnosis: CancerDiagnosis) -> dict[str, Any] | None:
    stages = sorted(diagnosis.stages.all(), key=lambda s: (s.assessed_on, s.pk))
    if not stages:
        return None
    s = stages[-1]
    return {
        "scheme": s.scheme,
        "classification": s.classification,
        "t": s.t,
        "n": s.n,
        "m": s.m,
        "grade": s.grade,
        "stage_group": s.stage_group,
        "rule_version": s.rule_version,
        "facts": s.facts,
        "assessed_on": s.assessed_on.isoformat(),
    }


def _trial_lines(patient: Patient) -> tuple[list[dict[str, Any]], str]:
    """The top open trials for the patient by the matcher's one ranking, each criterion
    explained, with the coordinators' decisions on this patient."""
    population = trials_selectors.open_population()
    matches = matcher.match_profile(
        profile_for_patient(patient),
        trials=population,
        limit=10,
        include_ineligible=False,
    )
    ids = [m.trial_id for m in matches]
    trials = Trial.objects.in_bulk(ids)
    decisions = dict(
        Candidate.objects.filter(patient=patient, trial_id__in=ids).values_list(
            "trial_id", "status"
        )
    )
    lines = []
    for match in matches:
        trial = trials.get(match.trial_id)
        if trial is None:
            continue
        lines.append(
            {
                "trial": str(trial.public_id),
                "nct_id": trial.nct_id,
                "title": trial.brief_title,
                "eligible": match.eligible,
                "score": round(match.score, 1),
                "decision": decisions.get(match.trial_id, ""),
                "criteria": [
                    {
                        "section": v.section,
                        "criterion": v.source,
                        "outcome": v.outcome,
                        "evidence": v.evidence,
                    }
                    for v in match.verdicts
                ],
            }
        )
    count, last = trials_selectors.catalogue_version()
    return lines, f"{count}@{last.isoformat() if last else ''}"


def packet_input(case: BoardCase) -> PacketInput:
    """Everything the packet shows, read in a constant number of queries."""
    patient = case.patient
    diagnoses = list(
        CancerDiagnosis.objects.filter(patient=patient).prefetch_related("stages").order_by("pk")
    )
    variants: list[dict[str, Any]] = []
    tumor_type = case.diagnosis.oncotree_code
    report = case.genotyping
    if report is not None:
        tumor_type = report.tumor_type or tumor_type
        variants = [
            {
                "gene": gene,
                "kind": kind,
                "protein_short": short,
                "fusion_partner": partner,
                "annotation": annotation,
                "knowledge_version": report.knowledge_version,
            }
            for gene, kind, short, partner, annotation in Variant.objects.filter(
                report=report
            ).values_list("gene", "kind", "protein_short", "fusion_partner", "annotation")
        ]
    trials, catalogue = _trial_lines(patient)
    since = timezone.localdate() - timedelta(days=RECENT_LAB_DAYS)
    return PacketInput(
        diagnoses=[
            {
                "id": str(d.public_id),
                "description": d.description,
                "oncotree": d.oncotree_code,
                "kind": d.kind,
                "diagnosed_on": d.diagnosed_on.isoformat() if d.diagnosed_on else None,
                "presented": d.pk == case.diagnosis_id,
                "stage": _stage_row(d),
            }
            for d in diagnoses
        ],
        tumor_type=tumor_type,
        variants=variants,
        trials=trials,
        catalogue_version=catalogue,
        treatments=[
            {
                "regimen": t.regimen,
                "setting": t.setting,
                "line": t.line,
                "started_on": t.started_on.isoformat(),
                "ended_on": t.ended_on.isoformat() if t.ended_on else None,
                "stop_reason": t.stop_reason,
            }
            for t in TreatmentCourse.objects.filter(patient=patient).order_by("started_on", "pk")
        ],
        performance=[
            {"scale": p.scale, "value": p.value, "observed_on": p.observed_on.isoformat()}
            for p in PerformanceStatus.objects.filter(patient=patient).order_by(
                "observed_on", "pk"
            )[:20]
        ],
        labs=[
            {
                "test": lab.test,
                "value": lab.value,
                "unit": lab.unit,
                "observed_on": lab.observed_on.isoformat(),
            }
            for lab in LabResult.objects.filter(patient=patient, observed_on__gte=since).order_by(
                "-observed_on", "pk"
            )[:30]
        ],
        markers=[
            {
                "name": m.name,
                "value": m.value,
                "observed_on": m.observed_on.isoformat() if m.observed_on else None,
            }
            for m in TumorMarker.objects.filter(patient=patient).order_by("-observed_on", "pk")[:20]
        ],
    )


def current_packet(case: BoardCase) -> dict[str, Any]:
    return build_packet(packet_input(case), annotator=default_annotator())


def case_packet(case: BoardCase) -> dict[str, Any]:
    """The packet to show: frozen (with what changed since) once the agenda is locked,
    else built now."""
    current = current_packet(case)
    if case.packet is None:
        return {"packet": current, "frozen": False, "frozen_at": None, "changes": []}
    return {
        "packet": case.packet,
        "frozen": True,
        "frozen_at": case.packet_frozen_at,
        "changes": packet_changes(case.packet, current),
    }


# --- Meetings and the agenda ----------------------------------------------------------------


def get_meeting_for(user: Any, *, public_id: UUID | str) -> Meeting:
    """A meeting of a board the user sits on (404 otherwise); the agenda read is audited."""
    meeting = Meeting.objects.select_related("board").filter(public_id=public_id).first()
    if meeting is None or not is_member(user, meeting.board):
        audit.record(action="tumorboard.agenda_viewed", outcome=audit.Outcome.DENIED, actor=user)
        raise Http404
    audit.record(action="tumorboard.agenda_viewed", actor=user, target=meeting, read=True)
    return meeting


def agenda(meeting: Meeting) -> dict[str, Any]:
    cases = list(
        meeting.cases.filter(status__in=[CaseStatus.ON_AGENDA, CaseStatus.DISCUSSED])
        .select_related("patient", "diagnosis")
        .order_by("position", "submitted_at")
    )
    used = sum(c.minutes for c in cases)
    attendance = list(meeting.attendance.select_related("specialty", "user"))
    return {
        "meeting": meeting,
        "cases": cases,
        "minutes_used": used,
        "minutes_left": meeting.length_minutes - used,
        "attendance": attendance,
        "quorum": quorum_status(meeting.board, attendance),
    }


def quorum_groups(board: Board) -> list[list[str]]:
    return board.quorum or DEFAULT_QUORUM


def quorum_status(board: Board, attendance: list[Attendance]) -> dict[str, Any]:
    present = {a.specialty.slug for a in attendance if a.user_id is not None}
    missing = [group for group in quorum_groups(board) if not present.intersection(group)]
    return {"met": not missing, "missing": [group[0] for group in missing]}


def upcoming_meetings(board: Board, *, limit: int = 12) -> list[Meeting]:
    return list(
        board.meetings.filter(
            starts_at__gte=timezone.now() - timedelta(hours=12), status=MeetingStatus.SCHEDULED
        )[:limit]
    )


def boards_of(user: Any) -> list[dict[str, Any]]:
    rows = []
    for member in memberships(user).select_related("board", "specialty"):
        rows.append(
            {
                "member": member,
                "board": member.board,
                "meetings": upcoming_meetings(member.board, limit=4),
            }
        )
    return rows


def submittable_meetings(board: Board) -> list[Meeting]:
    now = timezone.now()
    return list(
        board.meetings.filter(
            status=MeetingStatus.SCHEDULED, cutoff_at__gt=now, agenda_locked_at__isnull=True
        )[:8]
    )


def board_calendar(board: Board) -> list[Meeting]:
    return list(board.meetings.filter(starts_at__gte=timezone.now() - timedelta(days=31)))


def chairs(board: Board) -> QuerySet[BoardMember]:
    return board.members.filter(role=MemberRole.CHAIR, is_active=True)


# --- Setting boards up ----------------------------------------------------------------------

MANAGE_BOARD = "tumorboards.manage_board"


def manageable_boards(user: Any) -> list[Board]:
    """Boards the user may set up: all of them with `manage_board`, else those they chair or
    coordinate."""
    boards = Board.objects.select_related("program")
    if not user.has_perm(MANAGE_BOARD):
        led = memberships(user).filter(role__in=(MemberRole.CHAIR, MemberRole.COORDINATOR))
        boards = boards.filter(pk__in=led.values("board_id"))
    return list(boards.order_by("name"))


def get_board_to_manage(user: Any, *, slug: str) -> Board:
    """One board the user may set up (404 for any other, so others' boards stay unnamed)."""
    board = Board.objects.select_related("program").filter(slug=slug).first()
    if board is None:
        raise Http404
    if not user.has_perm(MANAGE_BOARD) and not is_member(
        user, board, roles=(MemberRole.CHAIR, MemberRole.COORDINATOR)
    ):
        raise Http404
    return board


def board_setup(board: Board) -> dict[str, Any]:
    """The board's members (active first) and its meetings from today, for its set-up page."""
    return {
        "board": board,
        "members": list(
            board.members.select_related("user", "specialty").order_by(
                "-is_active", "role", "user__email"
            )
        ),
        "meetings": list(
            board.meetings.filter(starts_at__gte=timezone.now() - timedelta(hours=12))[:12]
        ),
        "quorum": quorum_groups(board),
    }


# --- Metrics --------------------------------------------------------------------------------


def _percentile(values: list[int], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return float(ordered[index])


def board_metrics(*, board: Board, year: int, month: int) -> dict[str, Any]:
    """One board's figures for one calendar month, plain data for the quality dashboard."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    meetings = list(
        board.meetings.filter(
            starts_at__gte=datetime.combine(start, datetime.min.time(), tz),
            starts_at__lt=datetime.combine(end, datetime.min.time(), tz),
            status__in=[MeetingStatus.SCHEDULED, MeetingStatus.HELD],
        )
    )
    cases = list(
        BoardCase.objects.filter(meeting__in=meetings, status=CaseStatus.DISCUSSED).select_related(
            "meeting", "diagnosis"
        )
    )
    days = []
    new_primaries = within_60 = 0
    for case in cases:
        diagnosed = case.diagnosis.diagnosed_on
        if diagnosed is None:
            continue
        waited = (timezone.localdate(case.meeting.starts_at) - diagnosed).days  # type: ignore[union-attr]
        days.append(waited)
        if case.diagnosis.kind == "primary" and case.question == "initial_plan":
            new_primaries += 1
            within_60 += waited <= 60
    recommendations = list(
        Recommendation.objects.filter(
            case__in=cases, signed_at__isnull=False, superseded_at__isnull=True
        )
    )
    implemented = _implemented_share(cases)
    held = [m for m in meetings if m.quorum_met is not None]
    return {
        "board": board.slug,
        "month": f"{year:04d}-{month:02d}",
        "meetings": len(meetings),
        "cases": len(cases),
        "new_primaries": new_primaries,
        "new_primaries_within_60_days": within_60,
        "days_diagnosis_to_board_median": statistics.median(days) if days else None,
        "days_diagnosis_to_board_p90": _percentile(days, 0.9),
        "prospective_share": (sum(c.prospective for c in cases) / len(cases)) if cases else None,
        "quorum_met_share": (sum(bool(m.quorum_met) for m in held) / len(held)) if held else None,
        "concordance_share": (
            sum(r.concordant for r in recommendations) / len(recommendations)
            if recommendations
            else None
        ),
        "implemented_at_30_days_share": implemented,
        "trial_referrals": sum(r.kind == "trial_referral" for r in recommendations),
        "trial_enrolments": Candidate.objects.filter(
            patient__in=[c.patient_id for c in cases], status="enrolled"
        ).count(),
    }


def _implemented_share(cases: list[BoardCase]) -> float | None:
    from medcenter.careplans.selectors import follow_up_outcomes

    outcomes = follow_up_outcomes(references=[str(c.public_id) for c in cases])
    answered = [o for o in outcomes.values() if o]
    if not answered:
        return None
    return sum(o == "implemented" for o in answered) / len(answered)


def case_filter_for(user: Any) -> Q:
    return Q(board__in=memberships(user).values("board_id"))
