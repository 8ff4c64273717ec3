"""Writes of tumor boards: meetings from a rule, case submission, the agenda, attendance,
recommendations and their signature, and the care plan a signed recommendation starts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil import rrule
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from medcenter.careplans import services as careplans
from medcenter.core import audit, pending_uploads, vault
from medcenter.core.uploads import CheckedUpload
from medcenter.directory.models import Specialty
from medcenter.oncology.genomics import load_oncotree
from medcenter.oncology.models import (
    CancerDiagnosis,
    GenotypingReport,
    StageAssessment,
    TreatmentCourse,
)
from medcenter.patients.access import PatientAccess
from medcenter.trials import services as trials_services
from medcenter.trials.models import Trial
from medcenter.tumorboards import selectors
from medcenter.tumorboards.models import (
    Attendance,
    AttendanceMode,
    Board,
    BoardCase,
    BoardKind,
    BoardMember,
    CaseDocument,
    CaseStatus,
    Consensus,
    DocumentKind,
    EvidenceLevel,
    Frequency,
    Meeting,
    MeetingStatus,
    MemberRole,
    NonConcordance,
    Question,
    Recommendation,
    RecommendationKind,
    Urgency,
)
from medcenter.tumorboards.packet import knowledge_level

MAX_CASE_MINUTES = 60


# --- Boards and meetings --------------------------------------------------------------------


def meeting_times(board: Board, *, until: date) -> list[datetime]:
    """The meeting starts the board's rule gives from its first day until `until`."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(board.starts_on, board.start_time, tz)
    end = datetime.combine(until, board.start_time, tz)
    if board.frequency == Frequency.WEEKLY:
        rule = rrule.rrule(rrule.WEEKLY, byweekday=board.weekday, dtstart=first, until=end)
    else:
        weekday = rrule.weekday(board.weekday)(board.week_of_month)
        rule = rrule.rrule(rrule.MONTHLY, byweekday=weekday, dtstart=first, until=end)
    return list(rule)


@transaction.atomic
def schedule_meetings(*, board: Board, until: date, actor: Any = None) -> list[Meeting]:
    """Create the board's meetings up to `until` (those already there are kept as they are,
    a cancelled one stays cancelled)."""
    existing = set(board.meetings.values_list("starts_at", flat=True))
    made = [
        Meeting(
            board=board,
            starts_at=start,
            length_minutes=board.length_minutes,
            cutoff_at=start - timedelta(hours=board.cutoff_hours),
        )
        for start in meeting_times(board, until=until)
        if start not in existing
    ]
    Meeting.objects.bulk_create(made)
    return made


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, reason: str, actor: Any) -> Meeting:
    """Cancel one meeting; its cases go back to the board's list, postponed."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason.strip()[:200]
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    meeting.cases.filter(status=CaseStatus.ON_AGENDA).update(
        status=CaseStatus.POSTPONED, meeting=None, packet=None, packet_frozen_at=None
    )
    audit.record(action="tumorboard.meeting_cancelled", actor=actor, target=meeting)
    return meeting


# How far ahead a board's meetings are laid out when it is made or its rule changes.
SCHEDULE_AHEAD = timedelta(weeks=8)
# "add" names the page that makes a board, so no board may take it as its slug.
RESERVED_SLUGS = {"add"}


@dataclass(frozen=True)
class BoardRule:
    """What a board is and when it meets, as the board form gives it."""

    name: str
    kind: str
    frequency: str
    weekday: int
    starts_on: date | None
    start_time: time | None
    length_minutes: int
    cutoff_hours: int
    week_of_month: int = 1
    oncotree_roots: Sequence[str] = ()
    quorum: Sequence[Sequence[str]] = ()
    location: str = ""
    program: Any = None


def _check_rule(rule: BoardRule) -> tuple[list[str], list[list[str]], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not rule.name.strip():
        errors["name"] = [_("Give the board a name.")]
    if rule.kind not in BoardKind.values:
        errors["kind"] = [_("Choose the kind of board.")]
    if rule.frequency not in Frequency.values:
        errors["frequency"] = [_("Choose how often the board meets.")]
    if not 0 <= rule.weekday <= 6:
        errors["weekday"] = [_("Choose the day of the week.")]
    if rule.frequency == Frequency.MONTHLY and rule.week_of_month not in (1, 2, 3, 4, -1):
        errors["week_of_month"] = [_("Choose the first to fourth or the last week.")]
    if rule.starts_on is None:
        errors["starts_on"] = [_("Give the date of the first meeting.")]
    if rule.start_time is None:
        errors["start_time"] = [_("Give the time the meeting starts.")]
    if not 15 <= rule.length_minutes <= 480:
        errors["length_minutes"] = [_("Give a length between 15 and 480 minutes.")]
    if not 0 <= rule.cutoff_hours <= 336:
        errors["cutoff_hours"] = [_("Give a cut-off between 0 and 336 hours.")]
    tree = load_oncotree()
    roots: list[str] = []
    for code in rule.oncotree_roots:
        found = tree.find(code.strip()) if code.strip() else None
        if found is None:
            errors.setdefault("oncotree_roots", []).append(
                _("%(code)s is not an OncoTree code.") % {"code": code.strip()[:20]}
            )
        elif found not in roots:
            roots.append(found)
    known = set(Specialty.objects.values_list("slug", flat=True))
    quorum: list[list[str]] = []
    for group in rule.quorum:
        slugs = [s.strip() for s in group if s.strip()]
        unknown = [s for s in slugs if s not in known]
        if unknown:
            errors.setdefault("quorum", []).append(
                _("Unknown discipline: %(slugs)s.") % {"slugs": ", ".join(unknown)[:100]}
            )
        elif slugs:
            quorum.append(slugs)
    return roots, quorum, errors


def _rule_fields(rule: BoardRule, roots: list[str], quorum: list[list[str]]) -> dict[str, Any]:
    return {
        "name": rule.name.strip()[:120],
        "kind": rule.kind,
        "program": rule.program,
        "oncotree_roots": roots,
        "quorum": quorum,
        "frequency": rule.frequency,
        "weekday": rule.weekday,
        "week_of_month": rule.week_of_month if rule.frequency == Frequency.MONTHLY else 1,
        "starts_on": rule.starts_on,
        "start_time": rule.start_time,
        "length_minutes": rule.length_minutes,
        "cutoff_hours": rule.cutoff_hours,
        "location": rule.location.strip()[:200],
    }


@transaction.atomic
def create_board(*, rule: BoardRule, slug: str, actor: Any) -> Board:
    """Make a board with its meeting rule and lay out its meetings for the next eight weeks."""
    roots, quorum, errors = _check_rule(rule)
    slug = slugify(slug or rule.name)[:50]
    if not slug or slug in RESERVED_SLUGS:
        errors["slug"] = [_("Give the board a short name for its address.")]
    elif Board.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Another board already has this short name.")]
    if errors:
        raise ValidationError(errors)
    board = Board.objects.create(slug=slug, **_rule_fields(rule, roots, quorum))
    schedule_meetings(board=board, until=timezone.localdate() + SCHEDULE_AHEAD, actor=actor)
    audit.record(action="tumorboard.board_created", actor=actor, target=board)
    return board


@transaction.atomic
def change_board(*, board: Board, rule: BoardRule, actor: Any) -> Board:
    """Change a board and its meeting rule. Future meetings the new rule no longer gives are
    removed while nothing is on their agenda (those with cases stay, to be cancelled by hand);
    the new rule's meetings are laid out for the next eight weeks."""
    roots, quorum, errors = _check_rule(rule)
    if errors:
        raise ValidationError(errors)
    board = Board.objects.select_for_update().get(pk=board.pk)
    for name, value in _rule_fields(rule, roots, quorum).items():
        setattr(board, name, value)
    board.save()
    until = timezone.localdate() + SCHEDULE_AHEAD
    wanted = set(meeting_times(board, until=until))
    stale = (
        board.meetings.filter(
            starts_at__gt=timezone.now(),
            status=MeetingStatus.SCHEDULED,
            agenda_locked_at__isnull=True,
        )
        .exclude(cases__isnull=False)
        .exclude(starts_at__in=wanted)
    )
    stale.delete()
    schedule_meetings(board=board, until=until, actor=actor)
    audit.record(action="tumorboard.board_changed", actor=actor, target=board)
    return board


@transaction.atomic
def add_member(*, board: Board, user: Any, specialty: Any, role: str, actor: Any) -> BoardMember:
    """Seat a staff member on the board with a discipline and a role (or change theirs)."""
    if user is None or not getattr(user, "is_staff", False) or not user.is_active:
        raise ValidationError({"user": [_("Only staff can sit on a board.")]})
    if specialty is None:
        raise ValidationError({"specialty": [_("Choose the discipline.")]})
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Choose member, chair or coordinator.")]})
    member, _created = BoardMember.objects.update_or_create(
        board=board, user=user, defaults={"specialty": specialty, "role": role, "is_active": True}
    )
    audit.record(action="tumorboard.member_added", actor=actor, target=member)
    return member


@transaction.atomic
def seat_member(*, board: Board, email: str, specialty: Any, role: str, actor: Any) -> BoardMember:
    """Seat the staff member with this email on the board (or change their discipline and
    role), as the board's set-up page asks."""
    user = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_staff=True, is_active=True)
        .first()
    )
    if user is None:
        raise ValidationError({"email": [_("No active staff member has this email.")]})
    return add_member(board=board, user=user, specialty=specialty, role=role, actor=actor)


@transaction.atomic
def remove_member(*, member: BoardMember, actor: Any) -> BoardMember:
    """Take someone off the board (the row stays, inactive, for past attendance); the board
    keeps at least one chair."""
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    if member.role == MemberRole.CHAIR and member.is_active:
        chairs = BoardMember.objects.filter(
            board_id=member.board_id, role=MemberRole.CHAIR, is_active=True
        )
        if chairs.exclude(pk=member.pk).count() == 0:
            raise ValidationError({"member": [_("Name another chair before this one leaves.")]})
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit.record(action="tumorboard.member_removed", actor=actor, target=member)
    return member


# --- Case submission ------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    kind: str
    finding: str
    upload: CheckedUpload


@transaction.atomic
def submit_case(
    *,
    access: PatientAccess,
    actor: Any,
    question: str,
    question_detail: str,
    urgency: str,
    diagnosis: CancerDiagnosis | None,
    stage: StageAssessment | None = None,
    genotyping: GenotypingReport | None = None,
    board: Board | None = None,
    meeting: Meeting | None = None,
    minutes: int = 10,
    attachments: Sequence[Attachment] = (),
    kept: Sequence[Any] = (),
) -> BoardCase:
    """Submit a case for the patient `access` opens; the board is suggested from the
    diagnosis' OncoTree code when none is chosen, and a meeting puts it on that agenda."""
    patient = access.patient
    if not access.is_staff_access:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if question not in Question.values:
        errors["question"] = [_("Choose the question for the board.")]
    if not question_detail.strip():
        errors["question_detail"] = [_("Say in a sentence what the board should answer.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose how urgent the case is.")]
    if diagnosis is None or diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = [_("Choose one of the patient's diagnoses.")]
    if stage is not None and (diagnosis is None or stage.diagnosis_id != diagnosis.pk):
        errors["stage"] = [_("Choose a stage of the chosen diagnosis.")]
    if genotyping is not None and genotyping.patient_id != patient.pk:
        errors["genotyping"] = [_("Choose one of the patient's genotyping reports.")]
    if not 1 <= minutes <= MAX_CASE_MINUTES:
        errors["minutes"] = [_("Give between 1 and 60 minutes.")]
    for attachment in attachments:
        if attachment.kind not in DocumentKind.values:
            errors.setdefault("documents", []).append(_("Say what kind of report it is."))
        if not attachment.finding.strip():
            errors.setdefault("finding", []).append(_("Give the report's finding in one line."))
    if board is None and diagnosis is not None and "diagnosis" not in errors:
        board = selectors.suggest_board(diagnosis.oncotree_code)
    if board is None:
        errors["board"] = [_("Choose the board to present the case to.")]
    if errors or diagnosis is None or board is None:
        raise ValidationError(errors)
    if question == Question.MOLECULAR and genotyping is None:
        raise ValidationError(
            {"genotyping": [_("A molecular question needs a genotyping report.")]}
        )
    started = TreatmentCourse.objects.filter(patient=patient)
    if diagnosis.diagnosed_on is not None:
        started = started.filter(started_on__gte=diagnosis.diagnosed_on)
    case = BoardCase.objects.create(
        patient=patient,
        board=board,
        submitted_by=actor,
        question=question,
        question_detail=question_detail.strip()[:500],
        urgency=urgency,
        diagnosis=diagnosis,
        stage=stage,
        genotyping=genotyping,
        prospective=not started.exists(),
        minutes=minutes,
    )
    for attachment in attachments:
        upload = attachment.upload
        CaseDocument.objects.create(
            case=case,
            kind=attachment.kind,
            finding=attachment.finding.strip()[:300],
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            vault_key=vault.store(content=upload.content),
        )
    if kept:
        pending_uploads.release_uploads(uploads=kept)
    audit.record(action="tumorboard.case_submitted", actor=actor, patient=patient, target=case)
    if meeting is not None:
        place_case(case=case, meeting=meeting, minutes=minutes, actor=actor)
    return case


# --- The agenda -----------------------------------------------------------------------------


def _overrun_check(meeting: Meeting, *, adding: int, except_case: BoardCase | None) -> None:
    planned = meeting.cases.filter(status=CaseStatus.ON_AGENDA)
    if except_case is not None:
        planned = planned.exclude(pk=except_case.pk)
    used = sum(int(m) for m in planned.values_list("minutes", flat=True))
    over = used + adding - meeting.length_minutes
    if over > 0:
        raise ValidationError(
            {
                "minutes": [
                    _(
                        "The agenda would run %(over)d minutes over the meeting's %(length)d "
                        "minutes (%(used)d already planned)."
                    )
                    % {"over": over, "length": meeting.length_minutes, "used": used}
                ]
            }
        )


@transaction.atomic
def place_case(
    *, case: BoardCase, meeting: Meeting, minutes: int, actor: Any, late_ok: bool = False
) -> BoardCase:
    """Put a case on a meeting's agenda, last; refused past the cut-off, on a locked or
    cancelled meeting, or when the agenda would run over the meeting's length."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    case = BoardCase.objects.select_for_update().get(pk=case.pk)
    if meeting.board_id != case.board_id:
        raise ValidationError({"meeting": [_("Choose a meeting of the case's board.")]})
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"meeting": [_("This meeting was cancelled.")]})
    if meeting.agenda_locked_at is not None:
        raise ValidationError({"meeting": [_("This meeting's agenda is locked.")]})
    if case.status in (CaseStatus.DISCUSSED, CaseStatus.WITHDRAWN):
        raise ValidationError({"meeting": [_("This case can no longer be placed.")]})
    now = timezone.now()
    if now >= meeting.cutoff_at and not late_ok:
        late = int((now - meeting.cutoff_at).total_seconds() // 3600)
        raise ValidationError(
            {
                "meeting": [
                    _("The cut-off for this meeting passed %(hours)d hours ago.") % {"hours": late}
                ]
            }
        )
    if not 1 <= minutes <= MAX_CASE_MINUTES:
        raise ValidationError({"minutes": [_("Give between 1 and 60 minutes.")]})
    _overrun_check(meeting, adding=minutes, except_case=case)
    last = meeting.cases.aggregate(m=Max("position"))["m"] or 0
    case.meeting, case.minutes, case.position = meeting, minutes, last + 1
    case.status = CaseStatus.ON_AGENDA
    case.save(update_fields=["meeting", "minutes", "position", "status", "updated_at"])
    audit.record(action="tumorboard.case_placed", actor=actor, patient=case.patient, target=case)
    return case


def _agenda_for_change(meeting: Meeting) -> tuple[Meeting, list[BoardCase]]:
    """The meeting locked against a concurrent lock or placing, and its cases in order;
    refused once the agenda is locked or the meeting cancelled."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.agenda_locked_at is not None:
        raise ValidationError({"order": [_("This meeting's agenda is locked.")]})
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"order": [_("This meeting was cancelled.")]})
    cases = list(
        meeting.cases.filter(status=CaseStatus.ON_AGENDA).order_by("position", "submitted_at")
    )
    return meeting, cases


def _write_order(meeting: Meeting, cases: Sequence[BoardCase], actor: Any) -> None:
    # Ordering never changes the minutes, but a total already over the meeting's length
    # (a meeting shortened after placing) is named rather than silently kept.
    used = sum(c.minutes for c in cases)
    if used > meeting.length_minutes:
        _overrun_check(meeting, adding=0, except_case=None)
    for position, case in enumerate(cases, start=1):
        if case.position != position:
            BoardCase.objects.filter(pk=case.pk).update(position=position)
    audit.record(action="tumorboard.agenda_reordered", actor=actor, target=meeting)


@transaction.atomic
def reorder_agenda(*, meeting: Meeting, order: Sequence[str], actor: Any) -> None:
    """Set the order of the agenda from the cases' public ids."""
    meeting, cases = _agenda_for_change(meeting)
    by_id = {str(c.public_id): c for c in cases}
    if len(order) != len(by_id) or set(order) != set(by_id):
        raise ValidationError({"order": [_("List every case on the agenda once.")]})
    _write_order(meeting, [by_id[key] for key in order], actor)


@transaction.atomic
def move_case(*, meeting: Meeting, case_id: str, up: bool, actor: Any) -> None:
    """Move one case a place up or down the agenda (at either end it stays where it is)."""
    meeting, cases = _agenda_for_change(meeting)
    index = next((i for i, c in enumerate(cases) if str(c.public_id) == case_id), None)
    if index is None:
        raise ValidationError({"order": [_("This case is not on the agenda.")]})
    other = index - 1 if up else index + 1
    if 0 <= other < len(cases):
        cases[index], cases[other] = cases[other], cases[index]
    _write_order(meeting, cases, actor)


@transaction.atomic
def postpone_case(
    *, case: BoardCase, actor: Any, to_meeting: Meeting | None = None, minutes: int | None = None
) -> BoardCase:
    """Take a case off its meeting (and onto another one's agenda, if given)."""
    case = BoardCase.objects.select_for_update().get(pk=case.pk)
    if case.status not in (CaseStatus.ON_AGENDA, CaseStatus.SUBMITTED, CaseStatus.POSTPONED):
        raise ValidationError({"meeting": [_("This case can no longer be postponed.")]})
    case.meeting, case.status, case.packet, case.packet_frozen_at = (
        None,
        CaseStatus.POSTPONED,
        None,
        None,
    )
    case.save(update_fields=["meeting", "status", "packet", "packet_frozen_at", "updated_at"])
    audit.record(action="tumorboard.case_postponed", actor=actor, patient=case.patient, target=case)
    if to_meeting is not None:
        place_case(case=case, meeting=to_meeting, minutes=minutes or case.minutes, actor=actor)
    return case


@transaction.atomic
def withdraw_case(*, case: BoardCase, reason: str, actor: Any) -> BoardCase:
    """Take a case off the board for good (answered elsewhere, the patient declined, the
    patient died): it leaves any agenda, keeps its history and can no longer be placed."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": [_("Please say why the case is withdrawn.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Please keep the reason under 300 characters.")]})
    case = BoardCase.objects.select_for_update().get(pk=case.pk)
    if case.status not in (CaseStatus.ON_AGENDA, CaseStatus.SUBMITTED, CaseStatus.POSTPONED):
        raise ValidationError({"reason": [_("This case can no longer be withdrawn.")]})
    case.meeting, case.status, case.withdrawn_reason = None, CaseStatus.WITHDRAWN, reason
    case.save(update_fields=["meeting", "status", "withdrawn_reason", "updated_at"])
    audit.record(
        action="tumorboard.case_withdrawn",
        actor=actor,
        patient=case.patient,
        target=case,
        reason=reason,
    )
    return case


@transaction.atomic
def lock_agenda(*, meeting: Meeting, actor: Any) -> Meeting:
    """Lock the agenda: every case's packet is frozen with the versions it was built on."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.agenda_locked_at is not None:
        return meeting
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"meeting": [_("This meeting was cancelled.")]})
    now = timezone.now()
    cases = list(
        meeting.cases.filter(status=CaseStatus.ON_AGENDA).select_related(
            "patient", "diagnosis", "genotyping"
        )
    )
    for case in cases:
        case.packet = selectors.current_packet(case)
        case.packet_frozen_at = now
        case.save(update_fields=["packet", "packet_frozen_at", "updated_at"])
        audit.record(
            action="tumorboard.packet_frozen", actor=actor, patient=case.patient, target=case
        )
    meeting.agenda_locked_at = now
    meeting.save(update_fields=["agenda_locked_at", "updated_at"])
    return meeting


# --- The meeting ----------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    meeting: Meeting,
    actor: Any,
    specialty: Any,
    mode: str,
    user: Any = None,
    guest_name: str = "",
) -> Attendance:
    """Record who is there, by discipline; the meeting's quorum is worked out again."""
    if mode not in AttendanceMode.values:
        raise ValidationError({"mode": [_("Choose in the room, remote or guest.")]})
    if user is None and not guest_name.strip():
        raise ValidationError({"guest_name": [_("Name the guest.")]})
    if user is not None and mode == AttendanceMode.GUEST:
        raise ValidationError({"mode": [_("A board member attends in the room or remotely.")]})
    if user is not None and not selectors.is_member(user, meeting.board):
        raise ValidationError({"user": [_("Only the board's members attend as members.")]})
    if user is not None:
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting, user=user, defaults={"specialty": specialty, "mode": mode}
        )
    else:
        attendance = Attendance.objects.create(
            meeting=meeting, guest_name=guest_name.strip()[:120], specialty=specialty, mode=mode
        )
    present = list(meeting.attendance.select_related("specialty"))
    meeting.quorum_met = selectors.quorum_status(meeting.board, present)["met"]
    meeting.save(update_fields=["quorum_met", "updated_at"])
    audit.record(action="tumorboard.attendance_recorded", actor=actor, target=meeting)
    return attendance


@transaction.atomic
def record_recommendation(
    *,
    case: BoardCase,
    actor: Any,
    kind: str,
    therapy: str = "",
    evidence_level: str = "",
    override_reason: str = "",
    concordant: bool | None,
    nonconcordance_reason: str = "",
    consensus: str = Consensus.CONSENSUS,
    dissent_note: str = "",
    trial: Trial | None = None,
    rank: int | None = None,
) -> Recommendation:
    """Add a recommendation to the case's current version (a signed version is copied into
    a new one first, so what was signed is never changed)."""
    case = (
        BoardCase.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=case.pk)
    )
    errors: dict[str, list[str]] = {}
    if kind not in RecommendationKind.values:
        errors["kind"] = [_("Choose the kind of recommendation.")]
    if kind in (RecommendationKind.SYSTEMIC,) and not therapy.strip():
        errors["therapy"] = [_("Name the therapy.")]
    if kind == RecommendationKind.TRIAL and trial is None:
        errors["trial"] = [_("Choose the trial.")]
    packet = case.packet or selectors.current_packet(case)
    known = knowledge_level(packet, therapy)
    level = evidence_level or known
    if level not in EvidenceLevel.values:
        errors["evidence_level"] = [_("Choose an evidence level.")]
    elif level != known and not override_reason.strip():
        errors["override_reason"] = [
            _("The knowledge base gives %(level)s: say why the board chose another level.")
            % {"level": EvidenceLevel(known).label}
        ]
    if concordant is None:
        errors["concordant"] = [_("Say whether the recommendation follows the guideline.")]
    elif not concordant and nonconcordance_reason not in NonConcordance.values:
        errors["nonconcordance_reason"] = [_("Choose why it does not follow the guideline.")]
    if consensus not in Consensus.values:
        errors["consensus"] = [_("Say whether the board agreed.")]
    elif consensus == Consensus.DISSENT and not dissent_note.strip():
        errors["dissent_note"] = [_("Record the dissent.")]
    if errors:
        raise ValidationError(errors)
    version = _draft_version(case, actor)
    current = case.recommendations.filter(version=version, superseded_at__isnull=True)
    rec = Recommendation.objects.create(
        case=case,
        version=version,
        rank=rank or (current.count() + 1),
        kind=kind,
        therapy=therapy.strip()[:200],
        evidence_level=level,
        knowledge_level=known,
        override_reason=override_reason.strip()[:300] if level != known else "",
        concordant=bool(concordant),
        nonconcordance_reason="" if concordant else nonconcordance_reason,
        consensus=consensus,
        dissent_note=dissent_note.strip()[:500] if consensus == Consensus.DISSENT else "",
        trial=trial if kind == RecommendationKind.TRIAL else None,
        provisional=not bool(case.meeting and case.meeting.quorum_met),
        recorded_by=actor,
    )
    audit.record(
        action="tumorboard.recommendation_recorded", actor=actor, patient=case.patient, target=rec
    )
    return rec


def _draft_version(case: BoardCase, actor: Any) -> int:
    latest = case.recommendations.filter(superseded_at__isnull=True).aggregate(v=Max("version"))[
        "v"
    ]
    if latest is None:
        return 1
    rows = list(case.recommendations.filter(version=latest, superseded_at__isnull=True))
    if all(r.signed_at is None for r in rows):
        return int(latest)
    # Signed: later changes are a new version, starting as a copy of the signed one.
    for row in rows:
        row.pk = None
        row.public_id = uuid.uuid4()
        row.version = latest + 1
        row.signed_at, row.signed_by = None, None
        row.recorded_by = actor
        row.save()
    return int(latest) + 1


@transaction.atomic
def remove_recommendation(*, recommendation: Recommendation, actor: Any) -> None:
    if recommendation.signed_at is not None:
        raise ValidationError({"recommendation": [_("A signed recommendation cannot change.")]})
    recommendation.delete()
    audit.record(
        action="tumorboard.recommendation_removed",
        actor=actor,
        patient=recommendation.case.patient,
    )


@transaction.atomic
def sign_recommendations(*, case: BoardCase, actor: Any) -> list[Recommendation]:
    """The chair signs the case's current recommendations; without quorum they stay
    provisional. Trial referrals join the trial's pre-screening queue."""
    case = (
        BoardCase.objects.select_for_update(of=("self",))
        .select_related("meeting", "board")
        .get(pk=case.pk)
    )
    if not selectors.is_member(actor, case.board, roles=(MemberRole.CHAIR,)):
        raise PermissionDenied
    rows = [r for r in selectors.current_recommendations(case) if r.signed_at is None]
    if not rows:
        raise ValidationError({"recommendation": [_("There is nothing new to sign.")]})
    now = timezone.now()
    quorum = bool(case.meeting and case.meeting.quorum_met)
    version = rows[0].version
    case.recommendations.filter(version__lt=version, superseded_at__isnull=True).update(
        superseded_at=now
    )
    for row in rows:
        row.signed_at, row.signed_by, row.provisional = now, actor, not quorum
        row.save(update_fields=["signed_at", "signed_by", "provisional", "updated_at"])
        if row.kind == RecommendationKind.TRIAL and row.trial is not None:
            trials_services.refer_candidate(
                trial=row.trial,
                patient=case.patient,
                actor=actor,
                reason=f"tumor board {case.board.slug}",
                explanation=[],
            )
    case.status = CaseStatus.DISCUSSED
    case.save(update_fields=["status", "updated_at"])
    if case.meeting is not None and case.meeting.status == MeetingStatus.SCHEDULED:
        Meeting.objects.filter(pk=case.meeting.pk).update(status=MeetingStatus.HELD)
    audit.record(
        action="tumorboard.recommendations_signed", actor=actor, patient=case.patient, target=case
    )
    return rows


# --- The care plan --------------------------------------------------------------------------


@transaction.atomic
def start_care_plan(*, case: BoardCase, actor: Any, goal: str) -> Any:
    """A draft care plan from the case's signed, final recommendations (careplans knows
    nothing of boards: it receives plain data)."""
    rows = [r for r in selectors.current_recommendations(case) if r.signed_at is not None]
    if not rows:
        raise ValidationError({"goal": [_("Sign the recommendations first.")]})
    if any(r.provisional for r in rows):
        raise ValidationError(
            {"goal": [_("The recommendations are provisional: the meeting had no quorum.")]}
        )
    meeting_day = case.meeting.starts_at.date().isoformat() if case.meeting else ""
    return careplans.create_plan(
        patient=case.patient,
        diagnosis=case.diagnosis,
        title=case.diagnosis.description,
        source=f"{case.board.name} {meeting_day}".strip(),
        source_reference=str(case.public_id),
        goals=[goal],
        activities=[
            {
                "kind": r.kind,
                "detail": r.therapy or (r.trial.nct_id if r.trial is not None else ""),
                "evidence_level": r.evidence_level,
                "rank": r.rank,
            }
            for r in rows
        ],
        actor=actor,
    )
