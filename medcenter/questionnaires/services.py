"""Writes: loading a questionnaire, saving and sending a response, raising and resolving the
one alert a symptom report may raise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from pydantic import ValidationError as PydanticError

from medcenter.core import audit
from medcenter.core.errors import Conflict
from medcenter.messaging.services import raise_alert
from medcenter.patients.access import Basis, PatientAccess
from medcenter.questionnaires import builtin, engine, rules
from medcenter.questionnaires.models import (
    AuthorRole,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireResponse,
    QuestionnaireStatus,
    ResponseStatus,
    SymptomAlert,
)
from medcenter.questionnaires.selectors import form_of, last_completed
from medcenter.scheduling.referrals import add_business_days


def problem_message(problem: engine.Problem) -> str:
    """The engine's problem code in words a patient understands (the active language)."""
    if problem.code == "required":
        return _("Please answer this question.")
    if problem.code == "invalid_choice":
        return _("Please choose one of the answers shown.")
    if problem.code == "too_long":
        return _("Please shorten this answer to %(limit)s characters or fewer.") % {
            "limit": problem.limit
        }
    if problem.code == "too_small":
        return _("Please enter a number of at least %(limit)s.") % {"limit": problem.limit}
    if problem.code == "too_large":
        return _("Please enter a number no higher than %(limit)s.") % {"limit": problem.limit}
    if problem.code == "too_many":
        return _("Please give at most %(limit)s rows here.") % {"limit": problem.limit}
    if problem.code == "not_asked":
        return _("This questionnaire has no such question.")
    return _("Please check this answer: it is not in the expected form.")


# --- Loading --------------------------------------------------------------------------------


@transaction.atomic
def load_questionnaire(
    *, resource: Mapping[str, Any], kind: str = QuestionnaireKind.OTHER, loaded_by: Any = None
) -> Questionnaire:
    """Store a FHIR R4 Questionnaire (a new version retires the older ones of its url)."""
    try:
        form = engine.parse(resource)
        FhirQuestionnaire.model_validate(dict(resource))
    except engine.DefinitionError as error:
        raise ValidationError(
            _("This questionnaire cannot be used: %(reason)s") % {"reason": str(error)}
        ) from None
    except PydanticError as error:
        raise ValidationError(
            _("This is not a valid FHIR R4 Questionnaire: %(reason)s")
            % {"reason": str(error).splitlines()[0]}
        ) from None
    status = {
        "active": QuestionnaireStatus.ACTIVE,
        "retired": QuestionnaireStatus.RETIRED,
    }.get(form.status, QuestionnaireStatus.DRAFT)
    existing = Questionnaire.objects.filter(url=form.url, version=form.version).first()
    if (
        existing is not None
        and existing.resource != resource
        and QuestionnaireResponse.objects.filter(questionnaire=existing).exists()
    ):
        raise ValidationError(
            _("Version %(version)s already has answers: give the changed form a new version.")
            % {"version": form.version}
        )
    code = slugify(form.name or form.url.rstrip("/").rsplit("/", 1)[-1])[:64] or "questionnaire"
    fields = {
        "code": code,
        "title": engine.text_in(form.titles, form.language)[:255],
        "kind": kind,
        "status": status,
        "resource": dict(resource),
        "loaded_by": loaded_by,
    }
    if existing is None:
        questionnaire = Questionnaire.objects.create(url=form.url, version=form.version, **fields)
    else:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        questionnaire = existing
    if status == QuestionnaireStatus.ACTIVE:
        Questionnaire.objects.filter(url=form.url, status=QuestionnaireStatus.ACTIVE).exclude(
            pk=questionnaire.pk
        ).update(status=QuestionnaireStatus.RETIRED, updated_at=timezone.now())
    audit.record(action="questionnaires.loaded", actor=loaded_by, target=questionnaire)
    return questionnaire


def install_builtin() -> list[Questionnaire]:
    """Load (or refresh) the project's own check-in and new-patient history."""
    return [
        load_questionnaire(resource=builtin.checkin(), kind=QuestionnaireKind.CHECKIN),
        load_questionnaire(resource=builtin.intake(), kind=QuestionnaireKind.INTAKE),
    ]


# --- Responses ------------------------------------------------------------------------------


def _author_role(access: PatientAccess) -> str:
    if access.basis == Basis.SELF:
        return AuthorRole.PATIENT
    if access.basis == Basis.PROXY:
        return AuthorRole.PROXY
    return AuthorRole.STAFF


def _refuse(problems: Mapping[str, engine.Problem]) -> ValidationError:
    return ValidationError(
        {
            link_id: ValidationError(problem_message(problem), code=problem.code)
            for link_id, problem in problems.items()
        }
    )


@transaction.atomic
def save_response(
    *,
    access: PatientAccess,
    questionnaire: Questionnaire,
    author: Any,
    answers: Mapping[str, Any],
    submit: bool,
    now: dt.datetime | None = None,
) -> QuestionnaireResponse:
    """Save the patient's draft of `questionnaire`, or send it (`submit`): sent answers are
    complete, scored, and judged for an alert. Raise ValidationError per question."""
    if questionnaire.status != QuestionnaireStatus.ACTIVE:
        raise ValidationError(_("This questionnaire is no longer in use."))
    form = form_of(questionnaire)
    judgement = engine.judge(form, answers, complete=submit)
    if not judgement.ok:
        raise _refuse(judgement.problems)
    now = now or timezone.now()
    patient = access.patient
    clean = engine.to_json(judgement.answers)
    found = engine.scores(form, judgement.answers)
    values = {
        "answers": clean,
        "scores": found,
        "total_score": sum(found.values()) if found else None,
        "emergency": bool(engine.emergencies(form, judgement.answers)),
        "author": author,
        "author_role": _author_role(access),
        "authored_at": now,
    }
    drafts = QuestionnaireResponse.objects.select_for_update().filter(
        patient=patient, questionnaire=questionnaire, status=ResponseStatus.IN_PROGRESS
    )
    draft = drafts.first()
    if draft is None:
        try:
            with transaction.atomic():
                draft = QuestionnaireResponse.objects.create(
                    patient=patient, questionnaire=questionnaire, **values
                )
        except IntegrityError:  # a concurrent request made the draft first: write into it
            draft = drafts.get()
    if not submit:
        QuestionnaireResponse.objects.filter(pk=draft.pk).update(**values, updated_at=now)
        draft.refresh_from_db()
        audit.record(
            action="questionnaires.draft_saved", actor=author, patient=patient, target=draft
        )
        return draft
    # Only one request completes a draft: the others find it completed and are refused.
    completed = QuestionnaireResponse.objects.filter(
        pk=draft.pk, status=ResponseStatus.IN_PROGRESS
    ).update(**values, status=ResponseStatus.COMPLETED, updated_at=now)
    if completed != 1:
        raise Conflict(_("This questionnaire was already sent."), code="already_sent")
    draft.refresh_from_db()
    audit.record(action="questionnaires.sent", actor=author, patient=patient, target=draft)
    if form.symptoms or form.emergencies:
        raise_symptom_alert(response=draft, now=now)
    return draft


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _thread_for(alert: SymptomAlert, form: engine.Form) -> UUID | None:
    """Put the alert in the nurse navigator's queue (messaging's nurse line; `raise_alert`
    is idempotent by `dedupe_key`, the report's id)."""
    response = alert.response
    with translation.override(settings.LANGUAGE_CODE):
        names = []
        for reason in alert.reasons:
            item = form.item(reason["link_id"])
            name = engine.text_in(item.texts, settings.LANGUAGE_CODE) if item else ""
            if reason["score"] is not None:
                name = f"{name} ({reason['score']}/4)"
            names.append(name)
        subject = _("Symptom report needs review: %(level)s") % {"level": alert.get_level_display()}
        body = _("Sent %(when)s. %(reasons)s") % {
            "when": timezone.localtime(response.authored_at).strftime("%Y-%m-%d %H:%M"),
            "reasons": "; ".join(names),
        }
    thread = raise_alert(
        alert.patient,
        subject=subject,
        body=body,
        due_at=alert.due_at,
        dedupe_key=f"questionnaire-response:{response.public_id}",
    )
    return thread.public_id


@transaction.atomic
def raise_symptom_alert(
    *, response: QuestionnaireResponse, now: dt.datetime | None = None
) -> SymptomAlert | None:
    """The report's one alert, made if its scores call for one (unique per report)."""
    existing = SymptomAlert.objects.filter(response=response).first()
    if existing is not None:
        return existing
    form = form_of(response.questionnaire)
    symptom_links = {i.link_id for i in form.symptoms}
    scores = {k: int(v) for k, v in response.scores.items() if k in symptom_links}
    before = last_completed(response.patient, response.questionnaire, before=response)
    previous = (
        {k: int(v) for k, v in before.scores.items() if k in symptom_links} if before else None
    )
    decision = rules.decide(
        scores=scores,
        previous=previous,
        emergencies=[i.link_id for i in form.emergencies if response.answers.get(i.link_id)],
        submitted_at=response.authored_at,
        zone=_zone(),
        add_business_days=add_business_days,
    )
    if decision is None:
        return None
    reasons = [
        {"link_id": r.link_id, "level": r.level, "score": r.score, "previous": r.previous}
        for r in decision.reasons
    ]
    try:
        with transaction.atomic():
            alert = SymptomAlert.objects.create(
                response=response,
                patient=response.patient,
                level=decision.level,
                reasons=reasons,
                due_at=decision.due_at,
            )
    except IntegrityError:  # the report's alert exists already
        return SymptomAlert.objects.get(response=response)
    alert.thread_public_id = _thread_for(alert, form)
    if alert.thread_public_id is not None:
        alert.save(update_fields=["thread_public_id", "updated_at"])
    audit.record(
        action="questionnaires.alert_raised",
        actor=response.author,
        patient=response.patient,
        target=alert,
    )
    return alert


@transaction.atomic
def resolve_alert(*, alert: SymptomAlert, staff_user: Any) -> SymptomAlert:
    """Mark the alert handled (once; a second resolve is refused)."""
    now = timezone.now()
    done = SymptomAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=staff_user, updated_at=now
    )
    if done != 1:
        raise Conflict(_("This alert was already resolved."), code="already_resolved")
    alert.refresh_from_db()
    audit.record(
        action="questionnaires.alert_resolved",
        actor=staff_user,
        patient=alert.patient,
        target=alert,
    )
    return alert
