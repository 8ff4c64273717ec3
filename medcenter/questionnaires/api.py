"""Questionnaires for the patient's apps, under /api/v1/portal/questionnaires/.

GET  due?patient=<id>                what the patient should fill in now
GET  responses?patient=<id>          the patient's responses, newest first (drafts included)
GET  responses/{id}                  one response
POST responses                       save a draft or send (`submit`); Idempotency-Key required

Patients, proxies with the `messages` scope (as themselves) and staff with a basis: others get
404, as for a record that does not exist. The forms themselves are FHIR Questionnaires at
/fhir/R4/Questionnaire.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core import idempotency, problems
from medcenter.core.problems import errors
from medcenter.questionnaires import selectors, services
from medcenter.questionnaires.models import QuestionnaireResponse

MAX_ANSWERS = 200
MAX_LIST = 50


class Signed(SessionAuth):
    """Any signed-in user; what they may do is decided per patient."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


router = Router(tags=["portal"])


class PatientQuery(Schema):
    patient: UUID


class DueOut(Schema):
    questionnaire: UUID
    kind: str
    title: str
    due_on: dt.date
    draft: UUID | None


class DueListOut(Schema):
    due: list[DueOut]


class ResponseOut(Schema):
    id: UUID
    questionnaire: UUID
    questionnaire_url: str
    patient: UUID
    status: str
    author_role: str
    authored_at: dt.datetime
    answers: dict[str, Any]
    scores: dict[str, int]
    total_score: int | None
    emergency: bool
    alert_due_at: dt.datetime | None


class ResponseListOut(Schema):
    responses: list[ResponseOut]


class ResponseIn(Schema):
    patient: UUID
    questionnaire: UUID
    answers: dict[str, Any] = Field(default_factory=dict)
    submit: bool = False


def response_out(
    response: QuestionnaireResponse, alert_due_at: dt.datetime | None = None
) -> dict[str, Any]:
    return {
        "id": str(response.public_id),
        "questionnaire": str(response.questionnaire.public_id),
        "questionnaire_url": response.questionnaire.url,
        "patient": str(response.patient.public_id),
        "status": response.status,
        "author_role": response.author_role,
        "authored_at": response.authored_at.isoformat(),
        "answers": response.answers,
        "scores": response.scores,
        "total_score": response.total_score,
        "emergency": response.emergency,
        "alert_due_at": alert_due_at.isoformat() if alert_due_at else None,
    }


@router.get("/due", auth=Signed(), response={200: DueListOut, **errors(400, 401, 404)})
def due(request: HttpRequest, query: Query[PatientQuery]) -> Any:
    """What the patient should fill in now."""
    access = selectors.get_questionnaire_access_for(request.user, public_id=query.patient)
    return Status(
        200,
        {
            "due": [
                {
                    "questionnaire": d.questionnaire.public_id,
                    "kind": d.questionnaire.kind,
                    "title": d.questionnaire.title,
                    "due_on": d.due_on,
                    "draft": d.draft.public_id if d.draft else None,
                }
                for d in selectors.due_for(access.patient)
            ]
        },
    )


@router.get("/responses", auth=Signed(), response={200: ResponseListOut, **errors(400, 401, 404)})
def responses(request: HttpRequest, query: Query[PatientQuery]) -> Any:
    """The patient's latest responses (at most 50), newest first."""
    access = selectors.get_questionnaire_access_for(request.user, public_id=query.patient)
    found = selectors.responses_for(access.patient).select_related("alert", "patient")
    return Status(
        200,
        {"responses": [response_out(r, _alert_due(r)) for r in found[:MAX_LIST]]},
    )


def _alert_due(response: QuestionnaireResponse) -> dt.datetime | None:
    alert = getattr(response, "alert", None)
    return alert.due_at if alert is not None else None


@router.get(
    "/responses/{response_id}", auth=Signed(), response={200: ResponseOut, **errors(401, 404)}
)
def response(request: HttpRequest, response_id: UUID) -> Any:
    """One response, for those who may open its patient's questionnaires."""
    owner = QuestionnaireResponse.objects.filter(public_id=response_id).values_list(
        "patient__public_id", flat=True
    )
    patient_id = owner.first()
    if patient_id is None:
        raise Http404
    _access, found = selectors.get_response_for(
        request.user,
        public_id=patient_id,
        response_id=response_id,
        action="questionnaires.response_viewed",
    )
    return Status(200, response_out(found, _alert_due(found)))


@router.post(
    "/responses",
    auth=Signed(),
    response={200: ResponseOut, 201: ResponseOut, **errors(400, 401, 404, 409, 422)},
    openapi_extra=idempotency.header(required=True),
)
def save(request: HttpRequest, body: ResponseIn) -> Any:
    """Save a draft (200) or send the response (`submit`, 201). Send an `Idempotency-Key`; a
    repeat with it returns the first answer, and one report raises at most one alert."""
    key = request.headers.get("Idempotency-Key")
    if key is None or not idempotency.valid_key(key):
        message = _("Send an Idempotency-Key header (up to 200 printable characters).")
        raise ValidationError(
            {"Idempotency-Key": ValidationError(message, code="idempotency_key_missing")}
        )
    if len(body.answers) > MAX_ANSWERS:
        raise ValidationError(_("Too many answers for one questionnaire."))
    user = request.user

    def action() -> idempotency.Answer:
        try:
            access = selectors.get_questionnaire_access_for(
                user, public_id=body.patient, action="questionnaires.form_opened"
            )
            questionnaire = selectors.get_questionnaire(body.questionnaire)
            saved = services.save_response(
                access=access,
                questionnaire=questionnaire,
                author=user,
                answers=body.answers,
                submit=body.submit,
            )
        except problems.HANDLED as refusal:
            found = problems.answer_for(refusal)
            if found is None:  # pragma: no cover - HANDLED lists only what answer_for answers
                raise
            return idempotency.Answer(found.status, found.body)
        alert = getattr(saved, "alert", None) if body.submit else None
        return idempotency.Answer(
            201 if body.submit else 200,
            response_out(saved, alert.due_at if alert is not None else None),
        )

    answer = idempotency.run_once(
        scope="questionnaires.response",
        owner=str(user.pk),
        key=key,
        payload=body.dict(),
        action=action,
    )
    if answer.status >= 400:
        return problems.response(problems.Answer(answer.status, answer.body))
    return Status(answer.status, answer.body)
