"""Results and documents as FHIR R4: DiagnosticReport, Observation and DocumentReference,
read and searched by patient, for the patient's own record and proxies with the results scope.

The same rules as the portal (results.selectors.visible): only released items, and never an
adolescent-confidential one to an access that does not see confidential items; an item that
is not shown is "not found", like another patient's. Staff read the patient-facing view here.
DiagnosticReport, Observation and DocumentReference are the same in R4 (4.0.1) and R4B for
what is mapped, so fhir.resources' R4B models validate them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.observation import Observation

from medcenter.fhir import mappers
from medcenter.fhir.scheduling import (
    Refused,
    _check_names,
    _not_found,
    _one,
    _paged,
    _patient_access,
    _reference_id,
    page_offset,
    page_size,
    signed_in,
)
from medcenter.patients.access import PatientAccess
from medcenter.patients.models import Patient, ProxyScope
from medcenter.results.models import (
    Document,
    DocumentKind,
    ResultCategory,
    ResultReport,
    ResultValue,
)
from medcenter.results.selectors import visible

mappers.MODELS.update(
    {
        "DiagnosticReport": DiagnosticReport,
        "Observation": Observation,
        "DocumentReference": DocumentReference,
    }
)

V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
REPORT_CATEGORY = {
    ResultCategory.LAB: ("LAB", "Laboratory"),
    ResultCategory.TUMOR_MARKER: ("LAB", "Laboratory"),
    ResultCategory.GENOTYPING: ("GE", "Genetics"),
    ResultCategory.PATHOLOGY: ("PAT", "Pathology (gross & histopath, not surgical)"),
    ResultCategory.IMAGING: ("RAD", "Radiology"),
}
OBSERVATION_KIND = {
    ResultCategory.LAB: "laboratory",
    ResultCategory.TUMOR_MARKER: "laboratory",
    ResultCategory.GENOTYPING: "laboratory",
    ResultCategory.PATHOLOGY: "laboratory",
    ResultCategory.IMAGING: "imaging",
}
DOCUMENT_TYPE = {
    DocumentKind.VISIT_SUMMARY: ("34133-9", "Summary of episode note"),
    DocumentKind.PATHOLOGY_REPORT: ("11526-1", "Pathology study"),
    DocumentKind.IMAGING_REPORT: ("18748-4", "Diagnostic imaging study"),
    DocumentKind.LETTER: ("51852-2", "Letter"),
}
READ = "result.viewed"
SEARCHED = "results.searched"


def _code(system: str, code: str, display: str) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": display}
    if code:
        concept["coding"] = [{"system": system, "code": code, "display": display}]
    return concept


def diagnostic_report(report: ResultReport) -> dict[str, Any]:
    code, label = REPORT_CATEGORY[ResultCategory(report.category)]
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": str(report.public_id),
        "status": report.status,
        "category": [{"coding": [{"system": V2_0074, "code": code, "display": label}]}],
        "code": _code(report.code_system, report.code, report.display),
        "subject": {"reference": f"Patient/{report.patient.public_id}"},
        "effectiveDateTime": report.effective_at.isoformat(),
        "issued": report.issued_at.isoformat(),
        "result": [
            {"reference": f"Observation/{v.public_id}", "display": v.display}
            for v in report.values.all()
        ],
    }
    if report.conclusion:
        resource["conclusion"] = report.conclusion
    return mappers.validated(resource)


def observation(value: ResultValue, report: ResultReport) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(value.public_id),
        "status": report.status,
        "category": [
            {
                "coding": [
                    {
                        "system": OBSERVATION_CATEGORY,
                        "code": OBSERVATION_KIND[ResultCategory(report.category)],
                    }
                ]
            }
        ],
        "code": _code(value.code_system, value.code, value.display),
        "subject": {"reference": f"Patient/{report.patient.public_id}"},
        "effectiveDateTime": report.effective_at.isoformat(),
        "issued": report.issued_at.isoformat(),
    }
    if value.value_decimal is not None:
        quantity: dict[str, Any] = {"value": value.value_decimal}
        if value.unit:
            quantity.update(unit=value.unit, system=UCUM, code=value.unit)
        resource["valueQuantity"] = quantity
    else:
        resource["valueString"] = value.value_text
    if value.interpretation:
        resource["interpretation"] = [
            {
                "coding": [{"system": INTERPRETATION, "code": value.interpretation}],
                "text": str(value.get_interpretation_display()),
            }
        ]
    reference: dict[str, Any] = {}
    unit = {"unit": value.unit} if value.unit else {}
    if value.reference_low is not None:
        reference["low"] = {"value": value.reference_low, **unit}
    if value.reference_high is not None:
        reference["high"] = {"value": value.reference_high, **unit}
    if value.reference_text:
        reference["text"] = value.reference_text
    if reference:
        resource["referenceRange"] = [reference]
    return mappers.validated(resource)


def document_reference(document: Document) -> dict[str, Any]:
    code, label = DOCUMENT_TYPE[DocumentKind(document.kind)]
    url = reverse(
        "results:portal_download",
        kwargs={"public_id": document.patient.public_id, "document_id": document.public_id},
    )
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": str(document.public_id),
        "status": "current",
        "type": {"coding": [{"system": LOINC, "code": code, "display": label}], "text": label},
        "subject": {"reference": f"Patient/{document.patient.public_id}"},
        "date": document.issued_at.isoformat(),
        "description": document.title,
        "content": [
            {
                "attachment": {
                    "contentType": document.content_type,
                    "url": url,
                    "size": document.size,
                    "title": document.title,
                    "creation": document.document_date.isoformat(),
                }
            }
        ],
    }
    if document.author:
        resource["author"] = [{"display": document.author}]
    return mappers.validated(resource)


# --- Reading ----------------------------------------------------------------------------------


def _access_for(request: HttpRequest, patient_id: uuid.UUID, action: str) -> PatientAccess:
    user = signed_in(request)
    return _patient_access(user, request, patient_id, action=action, scope=ProxyScope.RESULTS)


def _uuid_or_404(resource_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(resource_id)
    except ValueError:
        raise _not_found() from None


def _reports(access: PatientAccess) -> QuerySet[ResultReport]:
    qs: QuerySet[ResultReport] = (
        visible(ResultReport.objects.all(), access)
        .select_related("patient")
        .prefetch_related("values")
    )
    return qs


def read_report(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    key = _uuid_or_404(resource_id)
    owner = ResultReport.objects.filter(public_id=key).values_list("patient__public_id", flat=True)
    patient_id = owner.first()
    if patient_id is None:
        signed_in(request)
        raise _not_found()
    access = _access_for(request, patient_id, READ)
    report = _reports(access).filter(public_id=key).first()
    if report is None:
        raise _not_found(audited=True)
    return diagnostic_report(report)


def read_observation(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    key = _uuid_or_404(resource_id)
    value = ResultValue.objects.filter(public_id=key).select_related("report__patient").first()
    if value is None:
        signed_in(request)
        raise _not_found()
    access = _access_for(request, value.report.patient.public_id, READ)
    if not _reports(access).filter(pk=value.report_id).exists():
        raise _not_found(audited=True)
    return observation(value, value.report)


def read_document(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    key = _uuid_or_404(resource_id)
    owner = Document.objects.filter(public_id=key).values_list("patient__public_id", flat=True)
    patient_id = owner.first()
    if patient_id is None:
        signed_in(request)
        raise _not_found()
    access = _access_for(request, patient_id, "document.viewed")
    document = (
        visible(Document.objects.all(), access).filter(public_id=key).select_related("patient")
    ).first()
    if document is None:
        raise _not_found(audited=True)
    return document_reference(document)


def _searched_access(request: HttpRequest) -> PatientAccess:
    user = signed_in(request)
    params = request.GET
    _check_names(params, ("patient", "subject", "_offset"))
    page_size(params, cap=100)
    page_offset(params)
    reference = _one(params, "patient") or _one(params, "subject")
    if reference is not None:
        public_id = _reference_id(reference, "Patient")
        if public_id is None:
            raise _not_found()
    else:
        own = None if user.is_staff else Patient.objects.filter(user=user).first()
        if own is None:
            raise Refused(400, "required", "Say whose results: patient=Patient/<id>.")
        public_id = own.public_id
    return _patient_access(user, request, public_id, action=SEARCHED, scope=ProxyScope.RESULTS)


def search_reports(request: HttpRequest) -> dict[str, Any]:
    access = _searched_access(request)
    return _paged(
        request,
        "DiagnosticReport",
        _reports(access).order_by("-issued_at", "-pk"),
        diagnostic_report,
    )


def search_observations(request: HttpRequest) -> dict[str, Any]:
    access = _searched_access(request)
    shown = _reports(access).values("pk")
    values = (
        ResultValue.objects.filter(report__in=shown)
        .select_related("report__patient")
        .order_by("-report__issued_at", "report_id", "position", "pk")
    )
    return _paged(request, "Observation", values, lambda v: observation(v, v.report))


def search_documents(request: HttpRequest) -> dict[str, Any]:
    access = _searched_access(request)
    documents = (
        visible(Document.objects.all(), access)
        .select_related("patient")
        .order_by("-issued_at", "-pk")
    )
    return _paged(request, "DocumentReference", documents, document_reference)


CAPABILITIES = [
    {
        "type": kind,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference"},
            {"name": "_count", "type": "number"},
        ],
    }
    for kind in ("DiagnosticReport", "Observation", "DocumentReference")
]
