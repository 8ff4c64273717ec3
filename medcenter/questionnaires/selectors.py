"""Reads: the questionnaires due for a patient, their responses, the alert queue.

Every read of one patient's answers goes through `get_patient_for` (audited, 404 for records
that are not yours); the questionnaires section needs the `messages` proxy scope, since a
symptom report is a message to the nurse line (docs/domains/questionnaires.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Max, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.access import PatientAccess
from medcenter.patients.models import Patient
from medcenter.patients.selectors import get_patient_for
from medcenter.portal.registry import section_allowed
from medcenter.questionnaires import engine, rules
from medcenter.questionnaires.models import (
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireResponse,
    QuestionnaireStatus,
    ResponseStatus,
    SymptomAlert,
)

SECTION = "questionnaires"
SCOPE = "messages"
PAST_LIMIT = 50


def get_questionnaire_access_for(
    user: Any, *, public_id: UUID | str, action: str = "questionnaires.viewed"
) -> PatientAccess:
    """The user's access to the patient's questionnaires (audited); 404 when not theirs or
    when the section is closed to this access."""
    access = get_patient_for(user, public_id=public_id, scope=SCOPE, action=action)
    if not section_allowed(SECTION, access):
        raise Http404
    return access


_forms: dict[tuple[int, dt.datetime], engine.Form] = {}


def form_of(questionnaire: Questionnaire) -> engine.Form:
    """The questionnaire's engine form (parsed once per row version, bounded)."""
    key = (questionnaire.pk, questionnaire.updated_at)
    form = _forms.get(key)
    if form is None:
        form = engine.parse(questionnaire.resource)
        if len(_forms) >= 64:
            _forms.pop(next(iter(_forms)))  # the oldest parse goes first
        _forms[key] = form
    return form


def active_questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(status=QuestionnaireStatus.ACTIVE)


def current_of_kind(kind: str) -> Questionnaire | None:
    return active_questionnaires().filter(kind=kind).order_by("-id").first()


def get_questionnaire(public_id: UUID | str) -> Questionnaire:
    found = active_questionnaires().filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def active_course(patient: Patient, *, today: dt.date) -> TreatmentCourse | None:
    """The patient's treatment course running today, the earliest begun first."""
    return (
        TreatmentCourse.objects.filter(patient=patient, started_on__lte=today)
        .exclude(ended_on__lt=today)
        .order_by("started_on", "id")
        .first()
    )


@dataclass(frozen=True)
class Due:
    questionnaire: Questionnaire
    due_on: dt.date
    draft: QuestionnaireResponse | None


def due_for(patient: Patient, *, now: dt.datetime | None = None) -> list[Due]:
    """What the patient should fill in now, in a constant number of queries: the weekly
    check-in while a treatment course is active, and the new-patient history until sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    active = {q.kind: q for q in active_questionnaires().order_by("id")}
    checkin, intake = active.get(QuestionnaireKind.CHECKIN), active.get(QuestionnaireKind.INTAKE)
    wanted = [q.pk for q in (checkin, intake) if q is not None]
    if not wanted:
        return []
    last_sent: dict[str, dt.datetime] = {
        row["questionnaire__kind"]: row["last"]
        for row in QuestionnaireResponse.objects.filter(
            patient=patient, status=ResponseStatus.COMPLETED
        )
        .values("questionnaire__kind")
        .annotate(last=Max("authored_at"))
    }
    drafts = {
        r.questionnaire_id: r
        for r in QuestionnaireResponse.objects.filter(
            patient=patient, status=ResponseStatus.IN_PROGRESS, questionnaire_id__in=wanted
        )
    }
    found: list[Due] = []
    if checkin is not None:
        course = active_course(patient, today=today)
        last = last_sent.get(QuestionnaireKind.CHECKIN)
        due_on = rules.checkin_due_on(
            course_started_on=course.started_on if course else None,
            last_report_on=timezone.localdate(last) if last else None,
        )
        if rules.is_due(due_on, today) and due_on is not None:
            found.append(Due(checkin, due_on, drafts.get(checkin.pk)))
    if intake is not None and QuestionnaireKind.INTAKE not in last_sent:
        found.append(Due(intake, timezone.localdate(patient.created_at), drafts.get(intake.pk)))
    return found


def responses_for(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(patient=patient).select_related(
        "questionnaire", "author"
    )


def get_response_for(
    user: Any, *, public_id: UUID | str, response_id: UUID | str, action: str
) -> tuple[PatientAccess, QuestionnaireResponse]:
    """One of the patient's responses, through the patient's access (audited)."""
    access = get_questionnaire_access_for(user, public_id=public_id, action=action)
    response = responses_for(access.patient).filter(public_id=response_id).first()
    if response is None:
        raise Http404
    return access, response


def last_completed(
    patient: Patient, questionnaire: Questionnaire, *, before: QuestionnaireResponse | None
) -> QuestionnaireResponse | None:
    """The patient's previous sent report of the same questionnaire (any version)."""
    found = QuestionnaireResponse.objects.filter(
        patient=patient,
        questionnaire__url=questionnaire.url,
        status=ResponseStatus.COMPLETED,
    )
    if before is not None:
        found = found.exclude(pk=before.pk)
    return found.order_by("-authored_at", "-id").first()


def open_alerts() -> QuerySet[SymptomAlert]:
    """Unresolved alerts, overdue first (the earliest due time first)."""
    return (
        SymptomAlert.objects.filter(resolved_at__isnull=True)
        .select_related("patient", "response", "response__questionnaire")
        .order_by("due_at", "id")
    )


def get_alert_for(user: Any, *, alert_id: UUID | str) -> SymptomAlert:
    """One alert, for staff with a basis for its patient (audited; 404 if unknown)."""
    alert = (
        SymptomAlert.objects.select_related("patient", "response", "response__questionnaire")
        .filter(public_id=alert_id)
        .first()
    )
    if alert is None:
        raise Http404
    get_patient_for(
        user,
        public_id=alert.patient.public_id,
        staff_only=True,
        action="questionnaires.alert_viewed",
    )
    return alert


THREAD_URL_NAMES = ("messaging:staff_thread", "messaging:thread")


def thread_url(alert: SymptomAlert) -> str:
    """The staff page of the alert's message thread, when the messaging app has one."""
    if alert.thread_public_id is None:
        return ""
    for name in THREAD_URL_NAMES:
        try:
            return reverse(name, kwargs={"thread_id": alert.thread_public_id})
        except NoReverseMatch:
            continue
    return ""
