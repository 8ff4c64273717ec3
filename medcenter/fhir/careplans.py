"""Care plans as FHIR R4: CarePlan (after the MII molecular tumor board's Therapieplan: it
addresses the Condition and lists activities with their evidence levels), Goal and Task (the
navigators' tasks). Patient data: read and searched by patient through the patient's access
basis (patients.selectors, audited), 404 for anyone without one. fhir.resources ships R4B,
whose CarePlan, Goal and Task validate these R4 (4.0.1) resources unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from fhir.resources.R4B.careplan import CarePlan as FhirCarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.task import Task as FhirTask

from medcenter.careplans.models import CarePlan, Goal, NavigatorTask, PlanStatus
from medcenter.fhir.mappers import SYSTEM
from medcenter.fhir.scheduling import Refused, _patient_access, page_size, signed_in
from medcenter.patients.access import PatientAccess

EVIDENCE = f"{SYSTEM}/StructureDefinition/evidence-level"
GOAL_CATEGORY = f"{SYSTEM}/CodeSystem/care-plan-goal"
ACTIVITY_KIND = f"{SYSTEM}/CodeSystem/care-plan-activity"
TASK_KIND = f"{SYSTEM}/CodeSystem/navigator-task"
GOAL_STATUS: dict[str, str] = {
    PlanStatus.DRAFT.value: "proposed",
    PlanStatus.ACTIVE.value: "active",
    PlanStatus.COMPLETED.value: "completed",
    PlanStatus.REVOKED.value: "cancelled",
}
SCOPE = "results"


def _valid(model: Any, resource: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in resource.items() if v not in (None, [], "")}
    return dict(model.model_validate(clean).model_dump(mode="json", exclude_none=True))


def care_plan(plan: CarePlan) -> dict[str, Any]:
    activities = []
    for activity in plan.activities.all():
        detail: dict[str, Any] = {
            "status": activity.status,
            "code": {
                "coding": [{"system": ACTIVITY_KIND, "code": activity.kind}],
                "text": str(activity.get_kind_display()),
            },
        }
        if activity.detail:
            detail["description"] = activity.detail
        row: dict[str, Any] = {"detail": detail}
        if activity.evidence_level:
            row["extension"] = [{"url": EVIDENCE, "valueCode": activity.evidence_level}]
        activities.append(row)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.public_id),
        "status": plan.status,
        "intent": "plan",
        "title": plan.title,
        "description": plan.source or None,
        "subject": {"reference": f"Patient/{plan.patient.public_id}"},
        "created": plan.created_at.isoformat(),
        "goal": [{"reference": f"Goal/{goal.public_id}"} for goal in plan.goals.all()],
        "activity": activities,
    }
    if plan.diagnosis is not None:
        resource["addresses"] = [{"reference": f"Condition/{plan.diagnosis.public_id}"}]
    if plan.activated_at is not None:
        resource["period"] = {"start": plan.activated_at.isoformat()}
    return _valid(FhirCarePlan, resource)


def goal(row: Goal) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(row.public_id),
        "lifecycleStatus": GOAL_STATUS.get(row.plan.status, "proposed"),
        "description": {
            "coding": [{"system": GOAL_CATEGORY, "code": row.category}],
            "text": str(row.get_category_display()),
        },
        "subject": {"reference": f"Patient/{row.plan.patient.public_id}"},
        "note": [{"text": row.note}] if row.note else None,
    }
    if row.plan.diagnosis is not None:
        resource["addresses"] = [{"reference": f"Condition/{row.plan.diagnosis.public_id}"}]
    return _valid(FhirGoal, resource)


def task(row: NavigatorTask) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(row.public_id),
        "status": "completed" if row.status == "done" else "requested",
        "intent": "plan",
        "code": {
            "coding": [{"system": TASK_KIND, "code": row.kind}],
            "text": str(row.get_kind_display()),
        },
        "focus": {"reference": f"CarePlan/{row.plan.public_id}"},
        "for": {"reference": f"Patient/{row.patient.public_id}"},
        "authoredOn": row.created_at.isoformat(),
        "restriction": {"period": {"end": f"{row.due_on.isoformat()}T23:59:59Z"}},
        "businessStatus": {"text": row.outcome} if row.outcome else None,
        "statusReason": {"text": row.reason} if row.reason else None,
    }
    return _valid(FhirTask, resource)


def _plans(access: PatientAccess) -> QuerySet[CarePlan]:
    plans = CarePlan.objects.filter(patient=access.patient)
    if not access.sees_confidential:
        plans = plans.filter(is_confidential=False)
    if not access.is_staff_access:
        plans = plans.exclude(status=PlanStatus.DRAFT)  # a draft is the clinicians' until active
    return plans


KINDS: dict[str, tuple[Any, Callable[[Any], dict[str, Any]], str]] = {
    "CarePlan": (CarePlan, care_plan, ""),
    "Goal": (Goal, goal, "plan__"),
    "Task": (NavigatorTask, task, "plan__"),
}


def _visible(kind: str, access: PatientAccess) -> QuerySet[Any]:
    model, _mapper, prefix = KINDS[kind]
    plans = _plans(access)
    if prefix:
        rows: QuerySet[Any] = model.objects.filter(plan__in=plans)
        return rows.select_related("plan__patient", "plan__diagnosis")
    return plans.select_related("patient", "diagnosis").prefetch_related("goals", "activities")


def read(request: HttpRequest, kind: str, resource_id: str) -> dict[str, Any]:
    user = signed_in(request)
    try:
        key = uuid.UUID(resource_id)
    except ValueError:
        raise Refused(404, "not-found", "No such resource.") from None
    model, mapper, prefix = KINDS[kind]
    found = model.objects.filter(public_id=key).select_related(f"{prefix}patient").first()
    if found is None:
        raise Refused(404, "not-found", "No such resource.")
    owner = found.patient if kind != "Goal" else found.plan.patient
    access = _patient_access(
        user, request, owner.public_id, action=f"fhir.{kind.lower()}_read", scope=SCOPE
    )
    row = _visible(kind, access).filter(pk=found.pk).first()
    if row is None:
        raise Refused(404, "not-found", "No such resource.", audited=True)
    return mapper(row)


def search(request: HttpRequest, kind: str) -> dict[str, Any]:
    user = signed_in(request)
    params = request.GET
    unknown = set(params) - {"patient", "subject", "_count", "_format"}
    if unknown:
        raise Refused(400, "not-supported", f"Unknown search parameter: {sorted(unknown)[0]}")
    raw = (params.get("patient") or params.get("subject") or "").split("/")[-1]
    try:
        patient_id = uuid.UUID(raw)
    except ValueError:
        raise Refused(400, "required", "Name the patient: patient=Patient/<id>.") from None
    access = _patient_access(
        user, request, patient_id, action=f"fhir.{kind.lower()}_searched", scope=SCOPE
    )
    count = page_size(params, cap=100)
    rows = _visible(kind, access).order_by("-created_at", "-id")
    _model, mapper, _prefix = KINDS[kind]
    entries = [mapper(r) for r in rows[:count]]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": rows.count(),
        "entry": [
            {
                "fullUrl": request.build_absolute_uri(f"/fhir/R4/{kind}/{e['id']}"),
                "resource": e,
                "search": {"mode": "match"},
            }
            for e in entries
        ],
    }


CAPABILITIES = [
    {
        "type": kind,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference"},
            {"name": "_count", "type": "number"},
        ],
    }
    for kind in KINDS
]
