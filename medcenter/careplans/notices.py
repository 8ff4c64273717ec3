"""The message careplans sends (through the outbox), worded in templates/careplans/notices/:
a plan is ready to read in the Patient Gateway. It carries no clinical content."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from medcenter.core import outbox
from medcenter.core.models import Notification

PLAN_READY = "careplans.plan_ready"


def plan_ready_context(note: Notification) -> dict[str, Any] | None:
    from medcenter.careplans.models import CarePlan, PlanStatus

    plan = CarePlan.objects.filter(public_id=note.context.get("plan")).first()
    if plan is None or plan.status != PlanStatus.ACTIVE:
        return None  # withdrawn: the plan was replaced before the message went
    return {"link": str(settings.SITE_URL).rstrip("/") + "/", "phone": settings.CENTER["phone"]}


def register() -> None:
    outbox.register(
        PLAN_READY,
        templates="careplans/notices/plan_ready",
        category="care",
        context=plan_ready_context,
    )
