"""Writes of care plans and navigation. A plan is made from plain data (whoever recommends
it); activating it tells the patient (through the outbox, no clinical content) and opens the
navigators' tasks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.careplans.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    CarePlan,
    FollowUpOutcome,
    Goal,
    GoalCategory,
    NavigatorTask,
    PlanStatus,
    TaskKind,
    TaskStatus,
)
from medcenter.careplans.notices import PLAN_READY
from medcenter.core import audit, outbox
from medcenter.oncology.models import CancerDiagnosis
from medcenter.patients.models import Patient

FOLLOW_UP_DAYS = 30
TREATMENT_KINDS = {ActivityKind.SYSTEMIC, ActivityKind.SURGERY, ActivityKind.RADIOTHERAPY}


def _check_goals(goals: Sequence[str]) -> list[str]:
    chosen = [g for g in dict.fromkeys(goals) if g]
    if not chosen or any(g not in GoalCategory.values for g in chosen):
        raise ValidationError({"goals": [_("Choose the plan's goal.")]})
    return chosen


@transaction.atomic
def create_plan(
    *,
    patient: Patient,
    actor: Any,
    title: str,
    goals: Sequence[str],
    activities: Sequence[Mapping[str, Any]],
    diagnosis: CancerDiagnosis | None = None,
    source: str = "",
    source_reference: str = "",
) -> CarePlan:
    """A draft plan with its goals and activities, for a clinician to edit and activate."""
    chosen = _check_goals(goals)
    if not activities:
        raise ValidationError({"activities": [_("A plan needs at least one activity.")]})
    for item in activities:
        if item.get("kind") not in ActivityKind.values:
            raise ValidationError({"activities": [_("Unknown kind of activity.")]})
    if source_reference:
        existing = CarePlan.objects.filter(
            patient=patient, source_reference=source_reference, status=PlanStatus.DRAFT
        ).first()
        if existing is not None:
            return existing  # one draft per recommendation: a second click opens the first
    plan = CarePlan.objects.create(
        patient=patient,
        diagnosis=diagnosis,
        title=title.strip()[:200] or _("Care plan"),
        source=source[:200],
        source_reference=source_reference[:80],
        created_by=actor,
    )
    Goal.objects.bulk_create(Goal(plan=plan, category=c) for c in chosen)
    Activity.objects.bulk_create(
        Activity(
            plan=plan,
            rank=int(item.get("rank") or n),
            kind=item["kind"],
            detail=str(item.get("detail") or "")[:200],
            evidence_level=str(item.get("evidence_level") or "")[:20],
        )
        for n, item in enumerate(activities, start=1)
    )
    audit.record(action="careplan.created", actor=actor, patient=patient, target=plan)
    return plan


@transaction.atomic
def edit_plan(
    *,
    plan: CarePlan,
    actor: Any,
    title: str,
    note: str,
    goals: Sequence[str],
    statuses: Mapping[str, str],
    confidential: bool = False,
) -> CarePlan:
    """Change a plan's words, goals and the status of its activities (by public id)."""
    chosen = _check_goals(goals)
    if not title.strip():
        raise ValidationError({"title": [_("Give the plan a title.")]})
    for value in statuses.values():
        if value not in ActivityStatus.values:
            raise ValidationError({"activities": [_("Unknown activity status.")]})
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        raise ValidationError({"title": [_("This plan is closed.")]})
    plan.title, plan.note, plan.is_confidential = title.strip()[:200], note.strip(), confidential
    plan.save(update_fields=["title", "note", "is_confidential", "updated_at"])
    plan.goals.exclude(category__in=chosen).delete()
    have = set(plan.goals.values_list("category", flat=True))
    Goal.objects.bulk_create(Goal(plan=plan, category=c) for c in chosen if c not in have)
    for activity in plan.activities.all():
        wanted = statuses.get(str(activity.public_id))
        if wanted and wanted != activity.status:
            activity.status = wanted
            activity.save(update_fields=["status", "updated_at"])
    audit.record(action="careplan.edited", actor=actor, patient=plan.patient, target=plan)
    return plan


def _tasks_for(plan: CarePlan, today: Any) -> list[tuple[str, int]]:
    kinds = set(plan.activities.values_list("kind", flat=True))
    wanted: list[tuple[str, int]] = [(TaskKind.BOOK_VISITS, 7)]
    if ActivityKind.GENETIC_COUNSELLING in kinds:
        wanted.append((TaskKind.COUNSELLING, 14))
    if ActivityKind.REBIOPSY in kinds:
        wanted.append((TaskKind.REBIOPSY, 7))
    if ActivityKind.TRIAL in kinds:
        wanted.append((TaskKind.TRIAL_CONTACT, 7))
    if kinds & {k.value for k in TREATMENT_KINDS}:
        wanted.append((TaskKind.COST_COVERAGE, 5))
    if (plan.patient.preferred_language or "en") != "en":
        wanted.append((TaskKind.INTERPRETER, 3))
    wanted.append((TaskKind.FOLLOW_UP, FOLLOW_UP_DAYS))
    return wanted


@transaction.atomic
def activate_plan(*, plan: CarePlan, actor: Any, navigator: Any = None) -> CarePlan:
    """Activate a draft: the patient is told a plan is ready, and navigation begins."""
    plan = (
        CarePlan.objects.select_for_update(of=("self",)).select_related("patient").get(pk=plan.pk)
    )
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"plan": [_("Only a draft plan can be activated.")]})
    now = timezone.now()
    plan.status, plan.activated_at, plan.activated_by = PlanStatus.ACTIVE, now, actor
    plan.save(update_fields=["status", "activated_at", "activated_by", "updated_at"])
    CarePlan.objects.filter(patient=plan.patient, status=PlanStatus.ACTIVE).exclude(
        pk=plan.pk
    ).filter(diagnosis=plan.diagnosis).update(status=PlanStatus.COMPLETED)
    today = timezone.localdate()
    NavigatorTask.objects.bulk_create(
        NavigatorTask(
            plan=plan,
            patient=plan.patient,
            kind=kind,
            due_on=today + timedelta(days=days),
            assignee=navigator,
        )
        for kind, days in _tasks_for(plan, today)
    )
    patient = plan.patient
    outbox.enqueue(
        kind=PLAN_READY,
        to=patient.email,
        dedupe_key=f"careplan-ready:{plan.public_id}",
        language=patient.preferred_language,
        context={"plan": str(plan.public_id), "patient": str(patient.public_id)},
        patient=patient,
    )
    audit.record(action="careplan.activated", actor=actor, patient=patient, target=plan)
    return plan


@transaction.atomic
def complete_task(
    *, task: NavigatorTask, actor: Any, outcome: str = "", reason: str = ""
) -> NavigatorTask:
    """Close a navigator task; the 30-day follow-up needs its answer, and a reason unless
    the recommendation was implemented."""
    task = NavigatorTask.objects.select_for_update().get(pk=task.pk)
    if task.status == TaskStatus.DONE:
        raise ValidationError({"outcome": [_("This task is already done.")]})
    if task.kind == TaskKind.FOLLOW_UP:
        if outcome not in FollowUpOutcome.values:
            raise ValidationError(
                {"outcome": [_("Say whether the recommendation was implemented.")]}
            )
        if outcome != FollowUpOutcome.IMPLEMENTED and not reason.strip():
            raise ValidationError({"reason": [_("Give the reason.")]})
    task.status, task.done_at, task.done_by = TaskStatus.DONE, timezone.now(), actor
    task.outcome = outcome if task.kind == TaskKind.FOLLOW_UP else ""
    task.reason = reason.strip()[:300]
    task.save(update_fields=["status", "done_at", "done_by", "outcome", "reason", "updated_at"])
    audit.record(action="careplan.task_done", actor=actor, patient=task.patient, target=task)
    return task
