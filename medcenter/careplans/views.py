"""Care plan pages: the clinician's edit and activation, the navigators' queue, and the
patient's plain-language plan in the Patient Gateway (a page and a PDF)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medcenter.careplans import pdf, selectors, services
from medcenter.careplans.forms import PlanForm, TaskForm
from medcenter.careplans.models import TaskKind
from medcenter.core.http import AuthedRequest, apply_errors, offers_break_glass
from medcenter.core.routes import patient_data_route, staff_route
from medcenter.portal.frame import frame_for

MANAGE = "careplans.manage_careplan"
NAVIGATE = "careplans.navigate"
PLAN = "careplans.careplan"


@patient_data_route(model=PLAN, kwargs=("plan_id",), permission=MANAGE)
@offers_break_glass
def plan(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    """The plan for the clinician: edit goals, words and activity status, then activate."""
    found = selectors.get_plan_for(request.user, public_id=plan_id)
    detail = selectors.plan_detail(found.plan)
    initial = {
        "title": found.plan.title,
        "note": found.plan.note,
        "goals": [g.category for g in detail["goals"]],
        "confidential": found.plan.is_confidential,
    }
    form = PlanForm(request.POST or None, initial=initial, activities=detail["activities"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_plan(
                plan=found.plan,
                actor=request.user,
                title=data["title"],
                note=data["note"],
                goals=data["goals"],
                statuses=form.statuses(),
                confidential=data["confidential"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("careplans:plan", plan_id=plan_id)
    return render(
        request,
        "careplans/plan.html",
        {**detail, "form": form, "patient": found.plan.patient},
    )


@require_POST
@patient_data_route(model=PLAN, kwargs=("plan_id",), permission=MANAGE)
@offers_break_glass
def activate(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    found = selectors.get_plan_for(request.user, public_id=plan_id, action="careplan.activated")
    try:
        services.activate_plan(plan=found.plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is active; the patient was told."))
    return redirect("careplans:plan", plan_id=plan_id)


@staff_route(NAVIGATE)
def queue(request: AuthedRequest) -> HttpResponse:
    """Open navigation tasks, overdue first."""
    mine = request.GET.get("mine") == "1"
    return render(
        request,
        "careplans/queue.html",
        {"rows": selectors.navigator_queue(request.user, mine_only=mine), "mine": mine},
    )


@patient_data_route(model="careplans.navigatortask", kwargs=("task_id",), permission=NAVIGATE)
@offers_break_glass
def task(request: AuthedRequest, task_id: UUID) -> HttpResponse:
    """Close one task; the 30-day follow-up asks whether the recommendation was implemented."""
    found, access = selectors.get_task_for(
        request.user, public_id=task_id, action="careplan.task_opened"
    )
    suggestion = selectors.follow_up_suggestion(found)
    form = TaskForm(request.POST or None, initial={"outcome": suggestion["outcome"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_task(
                task=found,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task is done."))
            return redirect("careplans:queue")
    return render(
        request,
        "careplans/task.html",
        {
            "form": form,
            "task": found,
            "patient": access.patient,
            "follow_up": found.kind == TaskKind.FOLLOW_UP,
            "suggestion": suggestion,
        },
    )


# --- Patient Gateway ------------------------------------------------------------------------


@patient_data_route(model="patients.patient")
def portal_plan(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The active plan in plain language, in the reader's language (free text as written)."""
    access, found = selectors.patient_plan(request.user, public_id=public_id)
    return render(
        request,
        "careplans/portal_plan.html",
        {
            "portal": frame_for(request, access, current=selectors.SECTION),
            "detail": selectors.plan_detail(found) if found else None,
        },
    )


@patient_data_route(model="patients.patient")
def portal_plan_pdf(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    access, found = selectors.patient_plan(request.user, public_id=public_id)
    response = HttpResponse(pdf.plan_pdf(access.patient, found), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="care-plan.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response
