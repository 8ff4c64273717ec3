"""FHIR R4 read and search for the public directory: application/fhir+json, Bundle searchsets,
OperationOutcome errors, a CapabilityStatement at /fhir/R4/metadata. Schedule, Slot,
Appointment and ServiceRequest are answered by fhir/scheduling.py, which checks access itself;
Appointment and ServiceRequest carry patient data, so they have routes of their own, registered
as patient-data routes, and the generic (public) routes never serve them."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from medcenter.core.routes import audit_refusal, patient_data_route, public_route
from medcenter.directory.models import Clinician, Location, Program
from medcenter.fhir import (
    careplans,
    mappers,
    messaging,
    quality,
    questionnaires,
    results,
    scheduling,
    trials,
)
from medcenter.fhir.mcode import export_mcode
from medcenter.patients.selectors import PatientAccessDenied, get_patient_for

FHIR_JSON = "application/fhir+json; charset=utf-8"
MAX_COUNT = 100
DEFAULT_COUNT = 20
V = TypeVar("V", bound=Callable[..., HttpResponse])


def _response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=FHIR_JSON)


@patient_data_route(model="patients.patient", permission="oncology.view_oncology_record")
@require_safe
def mcode_export(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The patient's cancer record as an mCODE collection Bundle (staff with access only)."""
    try:
        access = get_patient_for(
            request.user,
            public_id=public_id,
            staff_only=True,
            action="oncology.mcode_exported",
        )
    except PatientAccessDenied:
        return _outcome(403, "forbidden", "No basis to access this patient's record.")
    except Http404:
        return _outcome(404, "not-found", "No such patient.")
    response = _response(export_mcode(patient=access.patient))
    response["Content-Disposition"] = f'attachment; filename="mcode-{public_id}.json"'
    return response


def _outcome(status: int, code: str, text: str) -> HttpResponse:
    return _response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}],
        },
        status,
    )


def _scheduling(answer: Callable[[], dict[str, Any]]) -> HttpResponse:
    try:
        return _response(answer())
    except scheduling.Refused as refused:
        return _outcome(refused.status, refused.code, refused.text)


def fhir_patient_data_route(
    *,
    model: str,
    kwargs: tuple[str, ...] = (),
    permission: str | None = None,
    forbidden: str = "You may not read this.",
) -> Callable[[V], V]:
    """`patient_data_route` for a FHIR client, which is answered in OperationOutcomes.

    The registry's own sign-in check answers a browser with a redirect to the login page; a
    FHIR client without a sign-in gets 401 here first, and the registry's 403 (for a missing
    `permission`) becomes an OperationOutcome. (A signed-in user who has not passed the second
    factor is stopped before this by the site's gate, SecondFactorMiddleware, as on every
    patient-data route.) Every refusal is audited once: the registry and the gate audit their
    own, `get_patient_for` the denials it makes, and this wrapper the rest (no sign-in, a role
    without the right, an unknown id, bad parameters). Only GET and HEAD are served: a write
    method is 405 whoever asks, as on the generic routes.

    A search names its patient in the query (`patient=`), not in the path, so its `kwargs`
    are empty: the access matrix asks for patient B's data with `?patient=Patient/<B>`.
    """

    def decorator(view: V) -> V:
        registered = patient_data_route(model=model, kwargs=kwargs, permission=permission)(view)

        @wraps(registered)
        def wrapper(request: HttpRequest, **url_kwargs: Any) -> HttpResponse:
            try:
                scheduling.signed_in(request)
                response: HttpResponse = registered(request, **url_kwargs)
            except PermissionDenied:
                return _outcome(403, "forbidden", forbidden)  # audited by the registry
            except scheduling.Refused as refused:
                if not refused.audited:
                    audit_refusal(request, url_kwargs)
                return _outcome(refused.status, refused.code, refused.text)
            return response

        return require_safe(wrapper)  # type: ignore[return-value]

    return decorator


@fhir_patient_data_route(model="scheduling.appointment")
def appointment_search(request: HttpRequest) -> HttpResponse:
    """One patient's appointments (the user's own when no patient is named)."""
    return _response(scheduling.search_appointments(request))


@fhir_patient_data_route(model="scheduling.appointment", kwargs=("resource_id",))
def appointment_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(scheduling.read_appointment(request, resource_id))


@fhir_patient_data_route(model="messaging.message")
def communication_search(request: HttpRequest) -> HttpResponse:
    """One patient's messages (the user's own when no patient is named)."""
    return _response(messaging.search_communications(request))


@fhir_patient_data_route(model="messaging.message", kwargs=("resource_id",))
def communication_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(messaging.read_communication(request, resource_id))


@fhir_patient_data_route(
    model="trials.candidate", permission="trials.view_trial", forbidden=trials.FOR_STAFF
)
def research_subject_search(request: HttpRequest) -> HttpResponse:
    """One patient's trial candidacies (staff who work with trials)."""
    return _response(trials.search_subjects(request))


@fhir_patient_data_route(
    model="trials.candidate",
    kwargs=("resource_id",),
    permission="trials.view_trial",
    forbidden=trials.FOR_STAFF,
)
def research_subject_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(trials.read_subject(request, resource_id))


@fhir_patient_data_route(
    model="scheduling.referral",
    permission="scheduling.view_referral",
    forbidden=scheduling.REFERRALS_FOR_STAFF,
)
def service_request_search(request: HttpRequest) -> HttpResponse:
    """Referrals as ServiceRequests, for staff who work them."""
    return _response(scheduling.search_service_requests(request))


@fhir_patient_data_route(
    model="scheduling.referral",
    kwargs=("resource_id",),
    permission="scheduling.view_referral",
    forbidden=scheduling.REFERRALS_FOR_STAFF,
)
def service_request_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(scheduling.read_service_request(request, resource_id))


@public_route
@require_safe
def questionnaire_search(request: HttpRequest) -> HttpResponse:
    """The questionnaires (public definitions)."""
    return _scheduling(lambda: questionnaires.search_questionnaires(request))


@public_route
@require_safe
def questionnaire_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _scheduling(lambda: questionnaires.read_questionnaire(request, resource_id))


@fhir_patient_data_route(model="questionnaires.questionnaireresponse")
def questionnaire_response_search(request: HttpRequest) -> HttpResponse:
    """One patient's questionnaire responses (the user's own when no patient is named)."""
    return _response(questionnaires.search_responses(request))


@fhir_patient_data_route(model="questionnaires.questionnaireresponse", kwargs=("resource_id",))
def questionnaire_response_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(questionnaires.read_response(request, resource_id))


@fhir_patient_data_route(model="careplans.careplan")
def care_plan_search(request: HttpRequest) -> HttpResponse:
    """One patient's care plans (the patient, a proxy with the results scope, or staff)."""
    return _response(careplans.search(request, "CarePlan"))


@fhir_patient_data_route(model="careplans.careplan", kwargs=("resource_id",))
def care_plan_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(careplans.read(request, "CarePlan", resource_id))


@fhir_patient_data_route(model="careplans.goal")
def goal_search(request: HttpRequest) -> HttpResponse:
    return _response(careplans.search(request, "Goal"))


@fhir_patient_data_route(model="careplans.goal", kwargs=("resource_id",))
def goal_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(careplans.read(request, "Goal", resource_id))


@fhir_patient_data_route(model="careplans.navigatortask")
def task_search(request: HttpRequest) -> HttpResponse:
    return _response(careplans.search(request, "Task"))


@fhir_patient_data_route(model="careplans.navigatortask", kwargs=("resource_id",))
def task_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _response(careplans.read(request, "Task", resource_id))


def _clinicians() -> QuerySet[Clinician]:
    return Clinician.objects.filter(is_active=True).prefetch_related(
        "specialties", "locations", "programs"
    )


def _name_filter(value: str, *fields: str) -> Q:
    condition = Q()
    for word in value.split():
        part = Q()
        for field in fields:
            part |= Q(**{f"{field}__icontains": word})
        condition &= part
    return condition


# Per resource type: the objects, the mapper, and the search parameters each supports.
Searcher = Callable[[QuerySet[Any], str], QuerySet[Any]]
RESOURCES: dict[str, dict[str, Any]] = {
    "Practitioner": {
        "objects": _clinicians,
        "map": mappers.practitioner,
        "key": "public_id",
        "params": {
            "name": lambda qs, v: qs.filter(_name_filter(v, "given_name", "family_name")),
            "family": lambda qs, v: qs.filter(family_name__icontains=v),
            "identifier": lambda qs, v: qs.filter(slug=v.split("|")[-1]),
        },
    },
    "PractitionerRole": {
        "objects": _clinicians,
        "map": mappers.practitioner_role,
        "key": "public_id",
        "params": {
            "practitioner": lambda qs, v: qs.filter(public_id=v.split("/")[-1]),
            "specialty": lambda qs, v: qs.filter(specialties__slug=v.split("|")[-1]),
            "location": lambda qs, v: qs.filter(locations__public_id=v.split("/")[-1]),
            "service": lambda qs, v: qs.filter(programs__public_id=v.split("/")[-1]),
        },
    },
    "Location": {
        "objects": lambda: Location.objects.all(),
        "map": mappers.location,
        "key": "public_id",
        "params": {
            "name": lambda qs, v: qs.filter(_name_filter(v, "name")),
            "address-city": lambda qs, v: qs.filter(city__iexact=v),
            "address-state": lambda qs, v: qs.filter(region__iexact=v),
            "address-postalcode": lambda qs, v: qs.filter(postal_code__startswith=v),
        },
    },
    "ResearchStudy": {
        "objects": trials.studies,
        "map": trials.research_study,
        "key": "public_id",
        "params": trials.STUDY_SEARCH,
    },
    "Measure": {
        "objects": quality.measures,
        "map": quality.measure,
        "key": "public_id",
        "params": quality.MEASURE_SEARCH,
    },
    "MeasureReport": {
        "objects": quality.reports,
        "map": quality.measure_report,
        "map_page": quality.measure_reports,
        "key": "public_id",
        "params": quality.REPORT_SEARCH,
    },
    "HealthcareService": {
        "objects": lambda: Program.objects.filter(is_published=True),
        "map": mappers.healthcare_service,
        "map_page": mappers.healthcare_services,
        "key": "public_id",
        "params": {
            "name": lambda qs, v: qs.filter(_name_filter(v, "name")),
            "identifier": lambda qs, v: qs.filter(slug=v.split("|")[-1]),
        },
    },
}
COMMON = {"_id", "_count", "_offset", "_format"}


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@public_route
@require_safe
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server can read and search."""
    resources = [
        {
            "type": kind,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": name, "type": "string"} for name in [*spec["params"], "_id", "_count"]
            ],
        }
        for kind, spec in RESOURCES.items()
    ]
    resources.extend(scheduling.CAPABILITIES)
    resources.extend(trials.CAPABILITIES)
    resources.extend(messaging.CAPABILITIES)
    resources.extend(results.CAPABILITIES)
    resources.extend(questionnaires.CAPABILITIES)
    resources.extend(careplans.CAPABILITIES)
    resources.append(
        {"type": "Organization", "interaction": [{"code": "read"}, {"code": "search-type"}]}
    )
    return _response(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "implementation": {
                "description": "medcenter public directory",
                "url": request.build_absolute_uri("/fhir/R4/"),
            },
            "rest": [{"mode": "server", "resource": resources}],
        }
    )


@public_route
@require_safe
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    if resource_type in scheduling.SERVED:
        return _scheduling(lambda: scheduling.read(request, resource_type, resource_id))
    if resource_type == "Organization":
        found = [o for o in mappers.organizations() if o["id"] == resource_id]
        return _response(found[0]) if found else _outcome(404, "not-found", "No such resource.")
    spec = RESOURCES.get(resource_type)
    if spec is None:
        return _outcome(404, "not-supported", f"{resource_type} is not served here.")
    if not _is_uuid(resource_id):
        return _outcome(404, "not-found", "No such resource.")
    obj = spec["objects"]().filter(public_id=resource_id).first()
    if obj is None:
        return _outcome(404, "not-found", "No such resource.")
    return _response(spec["map"](obj))


@public_route
@require_safe
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    if resource_type in scheduling.SERVED:
        return _scheduling(lambda: scheduling.search(request, resource_type))
    params = request.GET
    try:
        count = scheduling.page_size(params, cap=MAX_COUNT, default=DEFAULT_COUNT)
        offset = scheduling.page_offset(params)
    except scheduling.Refused as refused:
        return _outcome(refused.status, refused.code, refused.text)
    if resource_type == "Organization":
        unknown = set(params) - COMMON - {"name"}
        if unknown:
            return _outcome(400, "not-supported", f"Unknown search parameter: {sorted(unknown)[0]}")
        entries = [
            o
            for o in mappers.organizations()
            if params.get("name", "").lower() in o["name"].lower()
            and (not params.get("_id") or o["id"] == params["_id"])
        ]
        return _bundle(request, resource_type, entries, len(entries), count, offset)
    spec = RESOURCES.get(resource_type)
    if spec is None:
        return _outcome(404, "not-supported", f"{resource_type} is not served here.")
    unknown = set(params) - COMMON - set(spec["params"])
    if unknown:
        return _outcome(400, "not-supported", f"Unknown search parameter: {sorted(unknown)[0]}")
    queryset = spec["objects"]()
    for name in params:
        value = params.get(name, "")
        if name == "_id":
            queryset = queryset.filter(public_id=value) if _is_uuid(value) else queryset.none()
        elif name in spec["params"]:
            queryset = spec["params"][name](queryset, value)
    queryset = queryset.distinct().order_by("pk")
    total = queryset.count()
    page = queryset[offset : offset + count]
    entries = spec["map_page"](page) if "map_page" in spec else [spec["map"](o) for o in page]
    return _bundle(request, resource_type, entries, total, count, offset, paged=True)


def _bundle(
    request: HttpRequest,
    resource_type: str,
    entries: list[dict[str, Any]],
    total: int,
    count: int,
    offset: int,
    *,
    paged: bool = False,
) -> HttpResponse:
    base = request.build_absolute_uri("/fhir/R4/")
    query = {k: v for k, v in request.GET.items() if k not in ("_offset",)}
    if not paged:
        entries = entries[offset : offset + count]
    next_url = None
    if offset + count < total:
        next_url = f"{base}{resource_type}?{urlencode({**query, '_offset': offset + count})}"
    return _response(
        mappers.searchset(
            entries,
            total=total,
            base=base,
            self_url=request.build_absolute_uri(),
            next_url=next_url,
        )
    )
