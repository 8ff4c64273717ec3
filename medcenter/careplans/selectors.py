"""Reads of care plans and navigation, on the reader's basis for the patient (audited)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from medcenter.careplans.models import (
    Activity,
    ActivityKind,
    CarePlan,
    FollowUpOutcome,
    NavigatorTask,
    PlanStatus,
    TaskKind,
    TaskStatus,
)
from medcenter.core import audit
from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.access import PatientAccess
from medcenter.patients.selectors import get_patient_for
from medcenter.portal.registry import section_allowed

SECTION = "careplan"


@dataclass(frozen=True)
class PlanAccess:
    plan: CarePlan
    access: PatientAccess


def get_plan_for(
    user: Any, *, public_id: UUID | str, action: str = "careplan.viewed"
) -> PlanAccess:
    """One plan for staff, on their basis for its patient (one audit event); 404 if unknown."""
    plan = (
        CarePlan.objects.select_related("patient", "diagnosis").filter(public_id=public_id).first()
    )
    if plan is None:
        raise Http404
    access = get_patient_for(user, public_id=plan.patient.public_id, staff_only=True, action=action)
    return PlanAccess(plan, access)


def get_task_for(
    user: Any, *, public_id: UUID | str, action: str
) -> tuple[NavigatorTask, PatientAccess]:
    task = (
        NavigatorTask.objects.select_related("plan", "patient").filter(public_id=public_id).first()
    )
    if task is None:
        raise Http404
    access = get_patient_for(user, public_id=task.patient.public_id, staff_only=True, action=action)
    return task, access


def patient_plan(user: Any, *, public_id: UUID | str) -> tuple[PatientAccess, CarePlan | None]:
    """The patient's (or a proxy's) view of the active plan: needs the results scope, and a
    confidential plan stays hidden from those who may not see confidential items (R5)."""
    access = get_patient_for(user, public_id=public_id, scope="results", action="careplan.viewed")
    if not section_allowed(SECTION, access):
        raise Http404
    plans = CarePlan.objects.filter(patient=access.patient, status=PlanStatus.ACTIVE)
    if not access.sees_confidential:
        plans = plans.filter(is_confidential=False)
    plan = plans.order_by("-activated_at").prefetch_related("goals", "activities").first()
    return access, plan


def plan_detail(plan: CarePlan) -> dict[str, Any]:
    return {
        "plan": plan,
        "goals": list(plan.goals.all()),
        "activities": list(plan.activities.all()),
        "tasks": list(plan.tasks.all()),
    }


def navigator_queue(user: Any, *, mine_only: bool = False) -> list[dict[str, Any]]:
    """Open tasks, overdue first (then by due date): the navigator's and those unassigned.
    A follow-up whose recommended drugs have started is pre-filled "implemented"."""
    tasks = NavigatorTask.objects.filter(status=TaskStatus.OPEN).select_related("patient", "plan")
    tasks = (
        tasks.filter(assignee=user)
        if mine_only
        else tasks.filter(Q(assignee=user) | Q(assignee__isnull=True))
    )
    rows = list(tasks.order_by("due_on", "id")[:200])
    audit.record(action="careplan.queue_viewed", actor=user, read=True)
    today = timezone.localdate()
    suggested = _started_treatments([t for t in rows if t.kind == TaskKind.FOLLOW_UP])
    return [
        {
            "task": t,
            "overdue": t.due_on < today,
            "suggested": FollowUpOutcome.IMPLEMENTED if t.pk in suggested else "",
        }
        for t in rows
    ]


def _names(text: str, agent: str) -> bool:
    """Whether the recommendation's words name the drug (a whole word, any case)."""
    return re.search(rf"(?<![\w-]){re.escape(agent)}(?![\w-])", text) is not None


def _started_treatments(tasks: list[NavigatorTask]) -> dict[int, TreatmentCourse]:
    """For follow-ups: the first treatment course, started on or after the plan's
    activation, that gives a drug one of the plan's systemic therapies names."""
    plans = {t.plan_id: t.plan for t in tasks if t.plan.activated_at is not None}
    if not plans:
        return {}
    recommended: dict[int, list[str]] = {}
    for plan_id, detail in Activity.objects.filter(
        plan_id__in=plans, kind=ActivityKind.SYSTEMIC
    ).values_list("plan_id", "detail"):
        recommended.setdefault(plan_id, []).append(detail.lower())
    courses = list(
        TreatmentCourse.objects.filter(patient__in={t.patient_id for t in tasks}).order_by(
            "started_on", "pk"
        )
    )
    found: dict[int, TreatmentCourse] = {}
    for task in tasks:
        plan = plans.get(task.plan_id)
        if plan is None or plan.activated_at is None:
            continue
        since = timezone.localdate(plan.activated_at)
        details = recommended.get(plan.pk, [])
        for course in courses:
            if course.patient_id != task.patient_id or course.started_on < since:
                continue
            agents = [a.strip().lower() for a in (course.agents or [course.regimen]) if a.strip()]
            if any(_names(detail, agent) for detail in details for agent in agents):
                found[task.pk] = course
                break
    return found


def follow_up_suggestion(task: NavigatorTask) -> dict[str, Any]:
    """The answer the 30-day follow-up starts with: "implemented" (and the course that
    shows it) once a new treatment course gives a recommended drug; nothing otherwise."""
    if task.kind != TaskKind.FOLLOW_UP or task.status != TaskStatus.OPEN:
        return {"outcome": "", "course": None}
    course = _started_treatments([task]).get(task.pk)
    if course is None:
        return {"outcome": "", "course": None}
    return {"outcome": FollowUpOutcome.IMPLEMENTED, "course": course}


def follow_up_outcomes(*, references: list[str]) -> dict[str, str]:
    """For plans made from these references, the 30-day follow-up's answer ("" while open)."""
    rows = NavigatorTask.objects.filter(
        kind=TaskKind.FOLLOW_UP, plan__source_reference__in=references
    ).values_list("plan__source_reference", "outcome")
    return {ref: outcome for ref, outcome in rows}


def plans_of(access: PatientAccess) -> list[CarePlan]:
    return list(CarePlan.objects.filter(patient=access.patient).order_by("-created_at")[:20])
