"""Portal pages (due list, fill, past responses) and the staff symptom-alert queue."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from medcenter.core import audit, idempotency
from medcenter.core.errors import Conflict
from medcenter.core.http import offers_break_glass
from medcenter.core.routes import patient_data_route, staff_route
from medcenter.portal.frame import frame_for
from medcenter.questionnaires import engine, selectors, services
from medcenter.questionnaires.forms import QuestionnaireForm, initial_from
from medcenter.questionnaires.models import QuestionnaireResponse, SymptomAlert

ALERT_PERMISSION = "questionnaires.work_symptom_alerts"


@patient_data_route(model="patients.patient")
@require_safe
def portal_due(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What is due, drafts to resume, and past responses."""
    access = selectors.get_questionnaire_access_for(request.user, public_id=public_id)
    due = selectors.due_for(access.patient)
    past = list(selectors.responses_for(access.patient).filter(status="completed")[:50])
    return render(
        request,
        "questionnaires/portal_due.html",
        {
            "portal": frame_for(request, access, current="questionnaires"),
            "patient": access.patient,
            "due": due,
            "past": past,
            "language": get_language(),
        },
    )


def _submit_once(
    request: HttpRequest, token: str, payload: dict[str, Any], action: Any
) -> QuestionnaireResponse:
    """Send once per form token, so a double click or a resend makes one report."""
    if not idempotency.valid_key(token):
        result: QuestionnaireResponse = action()
        return result

    def run() -> idempotency.Answer:
        response = action()
        return idempotency.Answer(201, {"response": str(response.public_id)})

    answer = idempotency.run_once(
        scope="questionnaires.portal_submit",
        owner=str(request.user.pk),
        key=token,
        payload=payload,
        action=run,
    )
    return QuestionnaireResponse.objects.get(public_id=answer.body["response"])


@patient_data_route(model="patients.patient", kwargs=("public_id", "questionnaire_id"))
@require_http_methods(["GET", "HEAD", "POST"])
def portal_fill(request: HttpRequest, public_id: UUID, questionnaire_id: UUID) -> HttpResponse:
    """Fill a questionnaire: save a draft (resumable), or send it."""
    access = selectors.get_questionnaire_access_for(
        request.user, public_id=public_id, action="questionnaires.form_opened"
    )
    questionnaire = selectors.get_questionnaire(questionnaire_id)
    form_def = selectors.form_of(questionnaire)
    draft = (
        selectors.responses_for(access.patient)
        .filter(questionnaire=questionnaire, status="in-progress")
        .first()
    )
    emergency = False
    action = request.POST.get("action", "")
    if request.method == "POST" and action.startswith("add:"):
        # "Add another" row of a repeating group: the page again, one row more, nothing saved.
        form = QuestionnaireForm(form_def, request.POST, add=action.removeprefix("add:"))
        form.without_errors()
        emergency = any(form.raw_answers().get(i.link_id) == "true" for i in form_def.emergencies)
    elif request.method == "POST":
        form = QuestionnaireForm(form_def, request.POST)
        raw = form.raw_answers()
        submit = action == "submit"
        emergency = any(raw.get(i.link_id) == "true" for i in form_def.emergencies)

        def act() -> QuestionnaireResponse:
            return services.save_response(
                access=access,
                questionnaire=questionnaire,
                author=request.user,
                answers=raw,
                submit=submit,
            )

        try:
            if submit:
                token = request.POST.get("token", "")
                payload = {"q": str(questionnaire.public_id), "answers": raw}
                response = _submit_once(request, token, payload, act)
            else:
                response = act()
        except ValidationError as error:
            form.show_errors(error)
        except (Conflict, idempotency.KeyReused, idempotency.StillRunning):
            form.show_errors(ValidationError(_("This questionnaire was already sent.")))
        else:
            if submit:
                return redirect(
                    "questionnaires:portal_response",
                    public_id=access.patient.public_id,
                    response_id=response.public_id,
                )
            messages.success(request, _("Your answers are saved. You can come back to finish."))
            return redirect(request.path)
    else:
        form = QuestionnaireForm(form_def, initial=initial_from(draft.answers) if draft else None)
        if draft is not None:
            emergency = bool(draft.emergency)
    return render(
        request,
        "questionnaires/portal_fill.html",
        {
            "portal": frame_for(request, access, current="questionnaires"),
            "patient": access.patient,
            "questionnaire": questionnaire,
            "title": engine.text_in(form_def.titles, get_language() or "en"),
            "description": engine.text_in(form_def.descriptions, get_language() or "en")
            if form_def.descriptions
            else "",
            "form": form,
            "draft": draft,
            "emergency": emergency,
            "has_emergency_questions": bool(form_def.emergencies),
            "token": request.POST.get("token") or uuid.uuid4().hex,
        },
    )


def _shown(item: engine.Item, value: Any, language: str) -> str:
    if item.type == "choice":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(engine.text_in(o.texts, language) for c in codes if (o := item.option(c)))
    if item.type == "boolean":
        return _("Yes") if value else _("No")
    return str(value)


def answer_rows(response: QuestionnaireResponse, language: str) -> list[dict[str, Any]]:
    """The response's questions and answers in the reader's language, in form order; a
    repeating group's rows each named with their number ("Medicine 2: Dose")."""
    form = selectors.form_of(response.questionnaire)
    rows = []
    for item in form.top():
        if item.repeating_group:
            label = engine.text_in(item.texts, language)
            for index, instance in enumerate(response.answers.get(item.link_id) or []):
                for question in item.questions():
                    if question.link_id in instance:
                        rows.append(
                            {
                                "question": f"{label} {index + 1}: "
                                + engine.text_in(question.texts, language),
                                "answer": _shown(question, instance[question.link_id], language),
                                "score": None,
                                "emergency": False,
                            }
                        )
            continue
        if item.type == "group" or item.type == "display":
            continue
        if item.link_id not in response.answers:
            continue
        value = response.answers[item.link_id]
        rows.append(
            {
                "question": engine.text_in(item.texts, language),
                "answer": _shown(item, value, language),
                "score": response.scores.get(item.link_id),
                "emergency": item.emergency and value is True,
            }
        )
    return rows


@patient_data_route(model="patients.patient", kwargs=("public_id", "response_id"))
@require_safe
def portal_response(request: HttpRequest, public_id: UUID, response_id: UUID) -> HttpResponse:
    """One sent (or draft) response, read back."""
    access, response = selectors.get_response_for(
        request.user,
        public_id=public_id,
        response_id=response_id,
        action="questionnaires.response_viewed",
    )
    language = get_language() or "en"
    form = selectors.form_of(response.questionnaire)
    return render(
        request,
        "questionnaires/portal_response.html",
        {
            "portal": frame_for(request, access, current="questionnaires"),
            "patient": access.patient,
            "response": response,
            "title": engine.text_in(form.titles, language),
            "rows": answer_rows(response, language),
            "alert": SymptomAlert.objects.filter(response=response).first(),
        },
    )


@staff_route(ALERT_PERMISSION)
@require_safe
def staff_queue(request: HttpRequest) -> HttpResponse:
    """Open symptom alerts, overdue first."""
    alerts = list(selectors.open_alerts()[:200])
    with_audit_read(request)
    return render(
        request,
        "questionnaires/staff_queue.html",
        {"alerts": alerts, "now": timezone.now()},
    )


def with_audit_read(request: HttpRequest) -> None:
    audit.record(action="questionnaires.alert_queue_viewed", actor=request.user, read=True)


@patient_data_route(
    model="questionnaires.symptomalert", kwargs=("alert_id",), permission=ALERT_PERMISSION
)
@offers_break_glass
@require_http_methods(["GET", "HEAD", "POST"])
def staff_alert(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    """One alert with its report; POST resolves it."""
    alert = selectors.get_alert_for(request.user, alert_id=alert_id)
    if request.method == "POST":
        try:
            services.resolve_alert(alert=alert, staff_user=request.user)
        except Conflict as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The alert is resolved."))
        return redirect(reverse("questionnaires:staff_queue"))
    language = get_language() or "en"
    return render(
        request,
        "questionnaires/staff_alert.html",
        {
            "alert": alert,
            "response": alert.response,
            "rows": answer_rows(alert.response, language),
            "thread_url": selectors.thread_url(alert),
            "now": timezone.now(),
        },
    )
