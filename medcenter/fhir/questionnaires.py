"""FHIR R4 Questionnaire and QuestionnaireResponse over the questionnaires domain.

A Questionnaire is stored as the FHIR resource it was loaded from (`Questionnaire.resource`),
served with our public id as its `id`; definitions are public. A QuestionnaireResponse is
patient data: read through the patient's access (`get_patient_for`, audited, the `messages`
scope for proxies) and 404 for anyone else, like Appointment. Both validate with
fhir.resources' R4B models, which match R4 (4.0.1) for the elements mapped here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)

from medcenter.fhir import mappers
from medcenter.fhir.scheduling import (
    Refused,
    _check_names,
    _codes,
    _instant,
    _invalid,
    _not_found,
    _one,
    _paged,
    _patient_access,
    _reference_id,
    _uuid,
    page_offset,
    page_size,
    signed_in,
)
from medcenter.patients.models import Patient
from medcenter.questionnaires import engine
from medcenter.questionnaires.models import (
    AuthorRole,
    Questionnaire,
    QuestionnaireResponse,
)
from medcenter.questionnaires.selectors import SCOPE, form_of

mappers.MODELS.update(
    {"Questionnaire": FhirQuestionnaire, "QuestionnaireResponse": FhirQuestionnaireResponse}
)

RESPONSE_READ = "fhir.questionnaire_response.read"
USER_SYSTEM = mappers.SYSTEM + "/user"
PUBLICATION_STATUSES = ("draft", "active", "retired")
RESPONSE_STATUSES = ("in-progress", "completed")

# --- Questionnaire (public) -------------------------------------------------------------------


def questionnaire(q: Questionnaire) -> dict[str, Any]:
    resource = {**q.resource, "id": str(q.public_id), "status": q.status}
    return mappers.validated(resource)


def read_questionnaire(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    public_id = _uuid(resource_id)
    found = Questionnaire.objects.filter(public_id=public_id).first() if public_id else None
    if found is None:
        raise _not_found()
    return questionnaire(found)


def search_questionnaires(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    _check_names(params, ("url", "name", "title", "status", "_id", "_offset"))
    page_size(params, cap=100)
    page_offset(params)
    rows: QuerySet[Questionnaire] = Questionnaire.objects.all()
    if (url := _one(params, "url")) is not None:
        canonical, _bar, version = url.partition("|")
        rows = rows.filter(url=canonical)
        if version:
            rows = rows.filter(version=version)
    if (name := _one(params, "name")) is not None:
        rows = rows.filter(code__icontains=name)
    if (title := _one(params, "title")) is not None:
        rows = rows.filter(title__icontains=title)
    if (ident := _one(params, "_id")) is not None:
        key = _uuid(ident)
        rows = rows.filter(public_id=key) if key is not None else rows.none()
    statuses = _codes(params, "status", PUBLICATION_STATUSES)
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return _paged(request, "Questionnaire", rows.order_by("code", "pk"), questionnaire)


# --- QuestionnaireResponse (patient data) -----------------------------------------------------


def _answer(item: engine.Item, value: Any) -> list[dict[str, Any]]:
    if item.type == "choice":
        codes = value if isinstance(value, list) else [value]
        found = []
        for code in codes:
            option = item.option(code)
            display = engine.text_in(option.texts, "en") if option else code
            found.append({"valueCoding": {"code": code, "display": display}})
        return found
    if item.type == "boolean":
        return [{"valueBoolean": bool(value)}]
    if item.type == "integer":
        return [{"valueInteger": int(value)}]
    if item.type == "decimal":
        return [{"valueDecimal": str(value)}]
    if item.type == "date":
        return [{"valueDate": str(value)}]
    return [{"valueString": str(value)}]


def _items(items: tuple[engine.Item, ...], answers: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in items:
        text = engine.text_in(item.texts, "en")
        if item.repeating_group:
            # One item per instance, each with the same linkId (FHIR's repeating group).
            for instance in answers.get(item.link_id) or []:
                children = _items(item.items, instance)
                if children:
                    found.append({"linkId": item.link_id, "text": text, "item": children})
        elif item.type == "group":
            children = _items(item.items, answers)
            if children:
                found.append({"linkId": item.link_id, "text": text, "item": children})
        elif item.type in engine.ANSWERED and item.link_id in answers:
            found.append(
                {
                    "linkId": item.link_id,
                    "text": text,
                    "answer": _answer(item, answers[item.link_id]),
                }
            )
    return found


def _author(r: QuestionnaireResponse) -> dict[str, Any]:
    if r.author_role == AuthorRole.PATIENT:
        return {"reference": f"Patient/{r.patient.public_id}"}
    kind = "RelatedPerson" if r.author_role == AuthorRole.PROXY else "Practitioner"
    return {"type": kind, "identifier": {"system": USER_SYSTEM, "value": str(r.author.public_id)}}


def questionnaire_response(r: QuestionnaireResponse) -> dict[str, Any]:
    form = form_of(r.questionnaire)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(r.public_id),
        "questionnaire": f"{r.questionnaire.url}|{r.questionnaire.version}",
        "status": r.status,
        "subject": {"reference": f"Patient/{r.patient.public_id}"},
        "authored": _instant(timezone.localtime(r.authored_at)),
        "author": _author(r),
        "item": _items(form.items, r.answers) or None,
    }
    if r.author_role == AuthorRole.PATIENT:
        resource["source"] = {"reference": f"Patient/{r.patient.public_id}"}
    return mappers.validated({k: v for k, v in resource.items() if v is not None})


def _responses() -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.select_related("questionnaire", "patient", "author")


def read_response(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    user = signed_in(request)
    public_id = _uuid(resource_id)
    found = _responses().filter(public_id=public_id).first() if public_id else None
    if found is None:
        raise _not_found()
    _patient_access(user, request, found.patient.public_id, action=RESPONSE_READ, scope=SCOPE)
    return questionnaire_response(found)


def search_responses(request: HttpRequest) -> dict[str, Any]:
    """One patient's responses (the user's own when no patient is named)."""
    user = signed_in(request)
    params = request.GET
    _check_names(params, ("patient", "subject", "status", "questionnaire", "_offset"))
    page_size(params, cap=100)
    page_offset(params)
    statuses = _codes(params, "status", RESPONSE_STATUSES)
    reference = _one(params, "patient") or _one(params, "subject")
    if reference is not None:
        public_id = _reference_id(reference, "Patient")
        if public_id is None:
            raise _not_found()
    else:
        own = None if user.is_staff else Patient.objects.filter(user=user).first()
        if own is None:
            raise _invalid("Say whose responses: patient=Patient/<id>.")
        public_id = own.public_id
    access = _patient_access(user, request, public_id, action=RESPONSE_READ, scope=SCOPE)
    rows = _responses().filter(patient=access.patient)
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    if (canonical := _one(params, "questionnaire")) is not None:
        url, _bar, version = canonical.partition("|")
        rows = rows.filter(questionnaire__url=url)
        if version:
            rows = rows.filter(questionnaire__version=version)
    return _paged(
        request,
        "QuestionnaireResponse",
        rows.order_by("-authored_at", "-pk"),
        questionnaire_response,
    )


CAPABILITIES = [
    {
        "type": "Questionnaire",
        "documentation": "Public. The forms patients fill in (loaded as FHIR R4 JSON).",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": n, "type": t}
            for n, t in [
                ("url", "uri"),
                ("name", "string"),
                ("title", "string"),
                ("status", "token"),
                ("_count", "number"),
            ]
        ],
    },
    {
        "type": "QuestionnaireResponse",
        "documentation": "Signed-in patients, proxies with the messages scope, and staff with a "
        "basis for the patient. patient is required except for a patient's own.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": n, "type": t}
            for n, t in [
                ("patient", "reference"),
                ("status", "token"),
                ("questionnaire", "reference"),
                ("_count", "number"),
            ]
        ],
    },
]

__all__ = ["CAPABILITIES", "Refused"]
