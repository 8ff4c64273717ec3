"""Tumor boards as JSON under /api/v1/tumorboards/ (staff with a second factor).

POST cases                              submit a case (Idempotency-Key required)
GET  cases/{id}/packet                  the packet (frozen once the agenda is locked)
GET  cases/{id}/recommendations         the current recommendations
POST cases/{id}/recommendations         add one
GET  meetings/{id}/agenda               the agenda in order, minutes, quorum
POST meetings/{id}/attendance           record one attendee
GET  boards/{id}/metrics?month=YYYY-MM  the board's figures for one month
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core import idempotency, problems
from medcenter.core.problems import errors
from medcenter.directory.models import Specialty
from medcenter.oncology.models import CancerDiagnosis, GenotypingReport, StageAssessment
from medcenter.patients.access import is_mfa_verified
from medcenter.patients.selectors import get_patient_for
from medcenter.trials.models import Trial
from medcenter.tumorboards import selectors, services
from medcenter.tumorboards.models import Board, BoardMember, Meeting, Recommendation


class BoardStaff(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not (user.is_staff and is_mfa_verified(user) and user.has_perm("tumorboards.run_board")):
            raise PermissionDenied(_("Your role does not include tumor boards."))
        return user


router = Router(tags=["tumorboards"], auth=BoardStaff())


class CaseIn(Schema):
    patient: UUID
    question: str = Field(..., max_length=20)
    question_detail: str = Field(..., max_length=500)
    urgency: str = Field("routine", max_length=10)
    diagnosis: UUID
    stage: UUID | None = None
    genotyping: UUID | None = None
    board: UUID | None = None
    meeting: UUID | None = None
    minutes: int = Field(10, ge=1, le=60)


class CaseOut(Schema):
    id: UUID
    board: str
    meeting: UUID | None
    status: str
    question: str
    urgency: str
    prospective: bool
    minutes: int


class PacketOut(Schema):
    frozen: bool
    packet: dict[str, Any]
    changes: list[dict[str, Any]]


class AgendaCase(Schema):
    id: UUID
    position: int
    minutes: int
    question: str
    status: str


class AgendaOut(Schema):
    meeting: UUID
    starts_at: str
    length_minutes: int
    minutes_used: int
    locked: bool
    quorum_met: bool
    quorum_missing: list[str]
    cases: list[AgendaCase]


class AttendanceIn(Schema):
    member: UUID | None = None
    guest_name: str = Field("", max_length=120)
    specialty: str | None = Field(None, max_length=50)
    mode: str = Field(..., max_length=10)


class RecommendationIn(Schema):
    kind: str = Field(..., max_length=20)
    therapy: str = Field("", max_length=200)
    trial: str | None = Field(None, max_length=11)
    evidence_level: str = Field("", max_length=20)
    override_reason: str = Field("", max_length=300)
    concordant: bool | None = None
    nonconcordance_reason: str = Field("", max_length=20)
    consensus: str = Field("consensus", max_length=10)
    dissent_note: str = Field("", max_length=500)


class RecommendationOut(Schema):
    id: UUID
    version: int
    rank: int
    kind: str
    therapy: str
    trial: str | None
    evidence_level: str
    knowledge_level: str
    concordant: bool
    nonconcordance_reason: str
    consensus: str
    provisional: bool
    signed: bool


class MonthQuery(Schema):
    month: str = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "board": case.board.slug,
        "meeting": case.meeting.public_id if case.meeting else None,
        "status": case.status,
        "question": case.question,
        "urgency": case.urgency,
        "prospective": case.prospective,
        "minutes": case.minutes,
    }


def _recommendation_out(row: Recommendation) -> dict[str, Any]:
    return {
        "id": row.public_id,
        "version": row.version,
        "rank": row.rank,
        "kind": row.kind,
        "therapy": row.therapy,
        "trial": row.trial.nct_id if row.trial else None,
        "evidence_level": row.evidence_level,
        "knowledge_level": row.knowledge_level,
        "concordant": row.concordant,
        "nonconcordance_reason": row.nonconcordance_reason,
        "consensus": row.consensus,
        "provisional": row.provisional,
        "signed": row.signed_at is not None,
    }


def _idempotent(
    request: HttpRequest, *, scope: str, payload: Any, action: Callable[[], idempotency.Answer]
) -> Any:
    key = request.headers.get("Idempotency-Key")
    if key is None or not idempotency.valid_key(key):
        message = _("Send a valid Idempotency-Key header with each submission.")
        raise ValidationError({"Idempotency-Key": ValidationError(message, code="idempotency_key")})

    def answered() -> idempotency.Answer:
        try:
            return action()
        except problems.HANDLED as refusal:
            found = problems.answer_for(refusal)
            if found is None:  # pragma: no cover - HANDLED lists only what answer_for answers
                raise
            return idempotency.Answer(found.status, found.body)

    answer = idempotency.run_once(
        scope=scope, owner=str(request.user.pk), key=key, payload=payload, action=answered
    )
    if answer.status >= 400:
        return problems.response(problems.Answer(answer.status, answer.body))
    return Status(answer.status, answer.body)


def _one(model: Any, public_id: UUID | None, **scope: Any) -> Any:
    if public_id is None:
        return None
    found = model.objects.filter(public_id=public_id, **scope).first()
    if found is None:
        raise ValidationError({model.__name__.lower(): [_("Not one of this patient's records.")]})
    return found


@router.post(
    "/cases",
    response={201: CaseOut, **errors(400, 401, 403, 404, 409, 422)},
    openapi_extra=idempotency.header(required=True),
)
def submit_case(request: HttpRequest, body: CaseIn) -> Any:
    """Submit a case for a patient you have a basis for. Send an `Idempotency-Key`."""
    user = request.user
    if not user.has_perm("tumorboards.submit_case"):
        raise PermissionDenied(_("Your role does not include submitting cases."))

    def action() -> idempotency.Answer:
        access = get_patient_for(
            user, public_id=body.patient, staff_only=True, action="tumorboard.case_submitted"
        )
        patient = access.patient
        case = services.submit_case(
            access=access,
            actor=user,
            question=body.question,
            question_detail=body.question_detail,
            urgency=body.urgency,
            diagnosis=_one(CancerDiagnosis, body.diagnosis, patient=patient),
            stage=_one(StageAssessment, body.stage, diagnosis__patient=patient),
            genotyping=_one(GenotypingReport, body.genotyping, patient=patient),
            board=_one(Board, body.board, is_active=True),
            meeting=_one(Meeting, body.meeting),
            minutes=body.minutes,
        )
        return idempotency.Answer(
            201, CaseOut.model_validate(_case_out(case)).model_dump(mode="json")
        )

    return _idempotent(request, scope="tumorboards.case", payload=body.dict(), action=action)


@router.get("/cases/{case_id}/packet", response={200: PacketOut, **errors(401, 403, 404)})
def packet(request: HttpRequest, case_id: UUID) -> Any:
    """The case's packet, read on your basis for the patient (one audit event)."""
    found = selectors.get_case_for(
        request.user, public_id=case_id, action="tumorboard.packet_viewed"
    )
    shown = selectors.case_packet(found.case)
    return Status(
        200, {"frozen": shown["frozen"], "packet": shown["packet"], "changes": shown["changes"]}
    )


@router.get(
    "/cases/{case_id}/recommendations",
    response={200: list[RecommendationOut], **errors(401, 403, 404)},
)
def recommendations(request: HttpRequest, case_id: UUID) -> Any:
    found = selectors.get_case_for(
        request.user, public_id=case_id, action="tumorboard.recommendations_viewed"
    )
    return Status(
        200, [_recommendation_out(r) for r in selectors.current_recommendations(found.case)]
    )


@router.post(
    "/cases/{case_id}/recommendations",
    response={201: RecommendationOut, **errors(400, 401, 403, 404)},
)
def recommend(request: HttpRequest, case_id: UUID, body: RecommendationIn) -> Any:
    """Add a recommendation (the evidence level defaults to the knowledge base's)."""
    found = selectors.get_case_for(
        request.user, public_id=case_id, action="tumorboard.recommendation_recorded"
    )
    if not selectors.is_member(request.user, found.case.board):
        raise PermissionDenied(_("Only the board's members record its recommendations."))
    trial = None
    if body.trial:
        trial = Trial.objects.filter(nct_id__iexact=body.trial).first()
        if trial is None:
            raise ValidationError({"trial": [_("No trial has this NCT number.")]})
    row = services.record_recommendation(
        case=found.case,
        actor=request.user,
        kind=body.kind,
        therapy=body.therapy,
        evidence_level=body.evidence_level,
        override_reason=body.override_reason,
        concordant=body.concordant,
        nonconcordance_reason=body.nonconcordance_reason,
        consensus=body.consensus,
        dissent_note=body.dissent_note,
        trial=trial,
    )
    return Status(201, _recommendation_out(row))


def _agenda_out(meeting: Meeting) -> dict[str, Any]:
    found = selectors.agenda(meeting)
    return {
        "meeting": meeting.public_id,
        "starts_at": meeting.starts_at.isoformat(),
        "length_minutes": meeting.length_minutes,
        "minutes_used": found["minutes_used"],
        "locked": meeting.agenda_locked_at is not None,
        "quorum_met": found["quorum"]["met"],
        "quorum_missing": found["quorum"]["missing"],
        "cases": [
            {
                "id": c.public_id,
                "position": c.position,
                "minutes": c.minutes,
                "question": c.question,
                "status": c.status,
            }
            for c in found["cases"]
        ],
    }


@router.get("/meetings/{meeting_id}/agenda", response={200: AgendaOut, **errors(401, 403, 404)})
def meeting_agenda(request: HttpRequest, meeting_id: UUID) -> Any:
    """The agenda in order (no patient names), for the board's members."""
    return Status(200, _agenda_out(selectors.get_meeting_for(request.user, public_id=meeting_id)))


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: AgendaOut, **errors(400, 401, 403, 404)},
)
def attend(request: HttpRequest, meeting_id: UUID, body: AttendanceIn) -> Any:
    """Record one attendee (a member, or a guest with a discipline); answers the agenda."""
    meeting = selectors.get_meeting_for(request.user, public_id=meeting_id)
    member = None
    if body.member is not None:
        member = BoardMember.objects.filter(board=meeting.board, public_id=body.member).first()
        if member is None:
            raise ValidationError({"member": [_("Not a member of this board.")]})
    specialty = Specialty.objects.filter(slug=body.specialty).first() if body.specialty else None
    specialty = specialty or (member.specialty if member else None)
    if specialty is None:
        raise ValidationError({"specialty": [_("Choose the discipline.")]})
    services.record_attendance(
        meeting=meeting,
        actor=request.user,
        specialty=specialty,
        mode=body.mode,
        user=member.user if member else None,
        guest_name=body.guest_name,
    )
    return Status(200, _agenda_out(meeting))


@router.get("/boards/{board_id}/metrics", response={200: dict[str, Any], **errors(401, 403, 404)})
def board_metrics(request: HttpRequest, board_id: UUID, query: Query[MonthQuery]) -> Any:
    """One board's figures for one month (for the quality dashboard)."""
    if not request.user.has_perm("tumorboards.view_board_metrics"):
        raise PermissionDenied(_("Your role does not include board metrics."))
    board = Board.objects.filter(public_id=board_id).first()
    if board is None:
        raise Http404
    year, month = (int(x) for x in query.month.split("-"))
    if not date(1900, 1, 1) <= date(year, month, 1) <= date(2199, 12, 1):
        raise ValidationError({"month": [_("Give a month between 1900 and 2199.")]})
    return Status(200, selectors.board_metrics(board=board, year=year, month=month))
