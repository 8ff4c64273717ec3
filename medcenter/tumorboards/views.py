"""Staff pages of the tumor boards: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medcenter.core import vault
from medcenter.core.clientaddr import client_ip
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass, saved
from medcenter.core.routes import patient_data_route, staff_route
from medcenter.core.uploads import download_response
from medcenter.oncology import selectors as oncology_selectors
from medcenter.patients.selectors import get_patient_for
from medcenter.trials.models import Trial
from medcenter.tumorboards import calendar, selectors, services
from medcenter.tumorboards.forms import (
    AttendanceForm,
    BoardForm,
    CancelForm,
    CarePlanStartForm,
    CaseForm,
    MemberForm,
    MemberRemoveForm,
    MoveForm,
    PlaceForm,
    RecommendationForm,
    WithdrawForm,
)
from medcenter.tumorboards.models import Board, BoardMember, Meeting, MemberRole

RUN = "tumorboards.run_board"
MANAGE = "tumorboards.manage_board"
SUBMIT = "tumorboards.submit_case"
CASE = "tumorboards.boardcase"
# A meeting's agenda names its patients: its routes are patient-data routes.
MEETING = "tumorboards.meeting"


@staff_route(RUN)
def index(request: AuthedRequest) -> HttpResponse:
    """The boards the user sits on, with their next meetings."""
    return render(request, "tumorboards/index.html", {"boards": selectors.boards_of(request.user)})


def _pick(rows: Any, key: str | None) -> Any:
    if not key:
        return None
    for row in rows:
        if str(row.public_id) == key:
            return row
    return None


@patient_data_route(model="patients.patient", permission=SUBMIT)
@offers_break_glass
def submit(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Submit a case for this patient, with the record's diagnosis, stage and genotype."""
    access = get_patient_for(
        request.user, public_id=public_id, staff_only=True, action="tumorboard.case_form_opened"
    )
    record = oncology_selectors.oncology_summary(access)
    meetings = [
        m for b in Board.objects.filter(is_active=True) for m in selectors.submittable_meetings(b)
    ]
    form = CaseForm(
        request.POST or None,
        request.FILES or None,
        session=request.session,
        client_ip=client_ip(request),
        record=record,
        meetings=meetings,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        diagnosis = _pick(record.diagnoses, data["diagnosis"])
        stages = [s for d in record.diagnoses for s in d.stages.all()]
        attachments = [
            services.Attachment(kind, data[f"{kind}_finding"], upload)
            for kind in ("pathology", "imaging")
            for upload in form.uploads(kind)
        ]
        try:
            case = services.submit_case(
                access=access,
                actor=request.user,
                question=data["question"],
                question_detail=data["question_detail"],
                urgency=data["urgency"],
                diagnosis=diagnosis,
                stage=_pick(stages, data["stage"]),
                genotyping=_pick(record.reports, data["genotyping"]),
                board=_pick(Board.objects.filter(is_active=True), data["board"]),
                meeting=_pick(meetings, data["meeting"]),
                minutes=data["minutes"],
                attachments=attachments,
                kept=form.kept_uploads(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case was submitted."))
            return redirect("tumorboards:case", case_id=case.public_id)
    return render(
        request,
        "tumorboards/submit.html",
        {"form": form, "patient": access.patient, "multipart": True},
    )


def _case(request: AuthedRequest, case_id: UUID, action: str) -> selectors.CaseAccess:
    return selectors.get_case_for(request.user, public_id=case_id, action=action)


@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def case(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """The case with its packet (frozen once the agenda is locked, with what changed)."""
    found = _case(request, case_id, "tumorboard.packet_viewed")
    board_case = found.case
    is_chair = selectors.is_member(request.user, board_case.board, roles=(MemberRole.CHAIR,))
    return render(
        request,
        "tumorboards/case.html",
        {
            **selectors.case_detail(board_case),
            **selectors.case_packet(board_case),
            "patient": board_case.patient,
            "place": PlaceForm(meetings=selectors.submittable_meetings(board_case.board)),
            "recommend": RecommendationForm(),
            "plan_form": CarePlanStartForm(),
            "is_chair": is_chair,
        },
    )


def _case_form_page(
    request: AuthedRequest, found: selectors.CaseAccess, form: Any, title: str
) -> HttpResponse:
    return render(
        request,
        "tumorboards/case_form.html",
        {"form": form, "case": found.case, "patient": found.case.patient, "title": title},
    )


@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def place(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Put the case on a meeting's agenda (refused past the cut-off or over time)."""
    found = _case(request, case_id, "tumorboard.case_place_opened")
    meetings = selectors.submittable_meetings(found.case.board)
    form = PlaceForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = _pick(meetings, form.cleaned_data["meeting"])
            if meeting is None:
                raise ValidationError({"meeting": [_("Choose a meeting.")]})
            services.place_case(
                case=found.case,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case is on the agenda."))
            return redirect("tumorboards:case", case_id=case_id)
    return _case_form_page(request, found, form, _("Place the case on an agenda"))


@require_POST
@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def postpone(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    found = _case(request, case_id, "tumorboard.case_postponed")
    try:
        services.postpone_case(case=found.case, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case was taken off the agenda."))
    return redirect("tumorboards:case", case_id=case_id)


@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def withdraw(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Withdraw the case, with the reason, after asking (GET shows the question)."""
    found = _case(request, case_id, "tumorboard.case_withdraw_opened")
    form = WithdrawForm(request.POST or None)
    if saved(
        request,
        form,
        lambda: services.withdraw_case(
            case=found.case, reason=form.cleaned_data["reason"], actor=request.user
        ),
        success=_("The case was withdrawn."),
    ):
        return redirect("tumorboards:case", case_id=case_id)
    return _case_form_page(request, found, form, _("Withdraw the case"))


@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def recommend(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Record one recommendation of the board."""
    found = _case(request, case_id, "tumorboard.recommendation_form_opened")
    if not selectors.is_member(request.user, found.case.board):
        raise PermissionDenied
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trial = None
        if data["trial"]:
            trial = Trial.objects.filter(nct_id__iexact=data["trial"].strip()).first()
        try:
            if data["trial"] and trial is None:
                raise ValidationError({"trial": [_("No trial has this NCT number.")]})
            services.record_recommendation(
                case=found.case,
                actor=request.user,
                kind=data["kind"],
                therapy=data["therapy"],
                evidence_level=data["evidence_level"],
                override_reason=data["override_reason"],
                concordant={"yes": True, "no": False}.get(data["concordant"]),
                nonconcordance_reason=data["nonconcordance_reason"],
                consensus=data["consensus"],
                dissent_note=data["dissent_note"],
                trial=trial,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The recommendation was recorded."))
            return redirect("tumorboards:case", case_id=case_id)
    return _case_form_page(request, found, form, _("Record a recommendation"))


@require_POST
@patient_data_route(model=CASE, kwargs=("case_id",), permission=RUN)
@offers_break_glass
def sign(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    found = _case(request, case_id, "tumorboard.recommendations_signed")
    try:
        services.sign_recommendations(case=found.case, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The recommendations were signed."))
    return redirect("tumorboards:case", case_id=case_id)


@require_POST
@patient_data_route(model=CASE, kwargs=("case_id",), permission="careplans.manage_careplan")
@offers_break_glass
def start_plan(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    found = _case(request, case_id, "tumorboard.care_plan_started")
    form = CarePlanStartForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"goal": [_("Choose the plan's goal.")]})
        plan = services.start_care_plan(
            case=found.case, actor=request.user, goal=form.cleaned_data["goal"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tumorboards:case", case_id=case_id)
    return redirect("careplans:plan", plan_id=plan.public_id)


@patient_data_route(model=CASE, kwargs=("case_id", "attachment_id"), permission=RUN)
@offers_break_glass
def attachment(request: AuthedRequest, case_id: UUID, attachment_id: UUID) -> HttpResponse:
    """A report attached to the case, decrypted from the vault, as a download."""
    found = _case(request, case_id, "tumorboard.document_downloaded")
    document = found.case.documents.filter(public_id=attachment_id).first()
    if document is None:
        raise Http404
    return download_response(
        content=vault.fetch(key=document.vault_key),
        content_type=document.content_type,
        filename=document.filename,
    )


# --- Meetings -------------------------------------------------------------------------------


def _meeting(request: AuthedRequest, meeting_id: UUID) -> Meeting:
    return selectors.get_meeting_for(request.user, public_id=meeting_id)


@patient_data_route(model=MEETING, kwargs=("meeting_id",), permission=RUN)
def meeting(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    """The agenda in order with its minutes, attendance and quorum."""
    found = _meeting(request, meeting_id)
    return render(request, "tumorboards/meeting.html", _meeting_context(request, found))


def _meeting_context(request: AuthedRequest, found: Meeting) -> dict[str, Any]:
    return {
        **selectors.agenda(found),
        "attendance_form": AttendanceForm(meeting=found),
        "cancel_form": CancelForm(),
        "names_open": found.access_until > timezone.now(),
        "is_coordinator": selectors.is_member(
            request.user, found.board, roles=(MemberRole.CHAIR, MemberRole.COORDINATOR)
        ),
    }


@require_POST
@patient_data_route(model=MEETING, kwargs=("meeting_id",), permission=RUN)
def move(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    """Move one case a place up or down the agenda (chair or coordinator, until it is locked).
    htmx gets the agenda list back; without JavaScript the meeting page reloads."""
    found = _meeting(request, meeting_id)
    if not selectors.is_member(
        request.user, found.board, roles=(MemberRole.CHAIR, MemberRole.COORDINATOR)
    ):
        raise PermissionDenied
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"order": [_("This case is not on the agenda.")]})
        services.move_case(
            meeting=found,
            case_id=str(form.cleaned_data["case"]),
            up=form.cleaned_data["direction"] == "up",
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agenda's order was saved."))
    if getattr(request, "htmx", False):
        return render(request, "tumorboards/meeting.html#agenda", _meeting_context(request, found))
    return redirect("tumorboards:meeting", meeting_id=meeting_id)


@require_POST
@patient_data_route(model=MEETING, kwargs=("meeting_id",), permission=RUN)
def lock(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    found = _meeting(request, meeting_id)
    if not selectors.is_member(
        request.user, found.board, roles=(MemberRole.CHAIR, MemberRole.COORDINATOR)
    ):
        raise PermissionDenied
    try:
        services.lock_agenda(meeting=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agenda is locked and the packets are frozen."))
    return redirect("tumorboards:meeting", meeting_id=meeting_id)


@patient_data_route(model=MEETING, kwargs=("meeting_id",), permission=RUN)
def attendance(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    """Record one attendee by discipline."""
    found = _meeting(request, meeting_id)
    form = AttendanceForm(request.POST or None, meeting=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = _pick(
            BoardMember.objects.filter(board=found.board).select_related("specialty", "user"),
            data["member"],
        )
        try:
            specialty = data["specialty"] or (member.specialty if member else None)
            if specialty is None:
                raise ValidationError({"specialty": [_("Choose the discipline.")]})
            services.record_attendance(
                meeting=found,
                actor=request.user,
                specialty=specialty,
                mode=data["mode"],
                user=member.user if member else None,
                guest_name=data["guest_name"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Attendance was recorded."))
            return redirect("tumorboards:meeting", meeting_id=meeting_id)
    return render(
        request,
        "tumorboards/meeting_form.html",
        {"form": form, "meeting": found, "title": _("Record attendance")},
    )


@patient_data_route(model=MEETING, kwargs=("meeting_id",), permission=RUN)
def cancel(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    found = _meeting(request, meeting_id)
    if not selectors.is_member(
        request.user, found.board, roles=(MemberRole.CHAIR, MemberRole.COORDINATOR)
    ):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(
                meeting=found, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was cancelled."))
            return redirect("tumorboards:index")
    return render(
        request,
        "tumorboards/meeting_form.html",
        {"form": form, "meeting": found, "title": _("Cancel the meeting")},
    )


def _board(request: AuthedRequest, slug: str) -> Board:
    board = Board.objects.filter(slug=slug).first()
    if board is None or not selectors.is_member(request.user, board):
        raise Http404
    return board


@staff_route(RUN)
def board_calendar(request: AuthedRequest, board_slug: str) -> HttpResponse:
    """The board's meetings as an .ics file for its members."""
    board = _board(request, board_slug)
    response = HttpResponse(calendar.board_ics(board), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{board.slug}.ics"'
    return response


@staff_route("tumorboards.view_board_metrics")
def metrics(request: AuthedRequest, board_slug: str) -> HttpResponse:
    """The board's figures per month."""
    board = Board.objects.filter(slug=board_slug).first()
    if board is None:
        raise Http404
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _n in range(3):
        months.append(selectors.board_metrics(board=board, year=year, month=month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return render(request, "tumorboards/metrics.html", {"board": board, "months": months})


# --- Setting boards up ----------------------------------------------------------------------


@staff_route(RUN)
def boards(request: AuthedRequest) -> HttpResponse:
    """The boards the user may set up (all of them with `manage_board`)."""
    return render(
        request,
        "tumorboards/boards.html",
        {
            "boards": selectors.manageable_boards(request.user),
            "may_add": request.user.has_perm(MANAGE),
        },
    )


@staff_route(MANAGE)
def add_board(request: AuthedRequest) -> HttpResponse:
    """Make a board with its meeting rule; its meetings for eight weeks are laid out."""
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.create_board(
                rule=form.rule(), slug=form.cleaned_data["slug"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The board was made. Now seat its members."))
            return redirect("tumorboards:board", board_slug=board.slug)
    return render(request, "tumorboards/board_form.html", {"form": form})


@staff_route(RUN)
def board(request: AuthedRequest, board_slug: str) -> HttpResponse:
    """A board's set-up: its rule (changing it lays the meetings out again) and members."""
    found = selectors.get_board_to_manage(request.user, slug=board_slug)
    form = BoardForm(request.POST or None, initial=BoardForm.initial_for(found), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_board(board=found, rule=form.rule(), actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The board was saved and its meetings laid out."))
            return redirect("tumorboards:board", board_slug=board_slug)
    return render(
        request,
        "tumorboards/board.html",
        {**selectors.board_setup(found), "form": form, "member_form": MemberForm()},
    )


@staff_route(RUN)
def board_member(request: AuthedRequest, board_slug: str) -> HttpResponse:
    """Seat a staff member on the board, or change their discipline or role."""
    found = selectors.get_board_to_manage(request.user, slug=board_slug)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.seat_member(
                board=found,
                email=data["email"],
                specialty=data["specialty"],
                role=data["role"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The member was seated."))
            return redirect("tumorboards:board", board_slug=board_slug)
    return render(
        request,
        "tumorboards/board_member.html",
        {"form": form, "board": found, "title": _("Seat a member")},
    )


@require_POST
@staff_route(RUN)
def remove_board_member(request: AuthedRequest, board_slug: str) -> HttpResponse:
    """Take a member off the board (the member's public id comes in the form, not the path:
    it names no patient data)."""
    found = selectors.get_board_to_manage(request.user, slug=board_slug)
    form = MemberRemoveForm(request.POST)
    member = (
        found.members.filter(public_id=form.cleaned_data["member"]).first()
        if form.is_valid()
        else None
    )
    if member is None:
        raise Http404
    try:
        services.remove_member(member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member left the board."))
    return redirect("tumorboards:board", board_slug=board_slug)
