"""Reads of care plans and navigation, on the reader's basis for the patient (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from medcenter.careplans.models import (
    ActivityKind,
    CarePlan,
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
            "suggested": suggested.get(t.pk, ""),
        }
        for t in rows
    ]


def _started_treatments(tasks: list[NavigatorTask]) -> dict[int, str]:
    """For follow-ups: "implemented" when a treatment course naming a recommended drug
    started after the plan was activated."""
    if not tasks:
        return {}
    wanted: dict[int, set[str]] = {}
    for task in tasks:
        names = set()
        for detail in task.plan.activities.filter(kind=ActivityKind.SYSTEMIC).values_list(
            "detail", flat=True
        ):
            names |= {w.strip().lower() for w in detail.replace("+", ",").split(",") if w.strip()}
        wanted[task.pk] = names
    courses = TreatmentCourse.objects.filter(patient__in={t.patient_id for t in tasks})
    found: dict[int, str] = {}
    for task in tasks:
        since = task.plan.activated_at
        for course in courses:
            if course.patient_id != task.patient_id or since is None:
                continue
            if course.started_on < timezone.localdate(since):
                continue
            agents = {a.lower() for a in course.agents} | {course.regimen.lower()}
            if wanted[task.pk] & agents:
                found[task.pk] = "implemented"
    return found


def follow_up_outcomes(*, references: list[str]) -> dict[str, str]:
    """For plans made from these references, the 30-day follow-up's answer ("" while open)."""
    rows = NavigatorTask.objects.filter(
        kind=TaskKind.FOLLOW_UP, plan__source_reference__in=references
    ).values_list("plan__source_reference", "outcome")
    return {ref: outcome for ref, outcome in rows}


def plans_of(access: PatientAccess) -> list[CarePlan]:
    return list(CarePlan.objects.filter(patient=access.patient).order_by("-created_at")[:20])
