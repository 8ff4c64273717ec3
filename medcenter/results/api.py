"""Results for the Patient Gateway's API, under /api/v1/portal/:

- GET `results?patient=<id>` and `results/{result_id}`: released reports of a record the
  person may see (their own, or a proxy's with the results scope; never an
  adolescent-confidential one to a proxy of a 12-17-year-old); `documents?patient=<id>`.
- GET/PUT `preferences`: the signed-in patient's own notification choices.
- POST `results/{item_id}/hold`: a clinician's time-boxed hold with its reason (400 without).
Every read goes through `get_patient_for` (audited; 404 for a record that is not theirs).
"""

from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core.outbox import preferences
from medcenter.core.problems import errors
from medcenter.patients.access import is_mfa_verified
from medcenter.patients.models import Patient
from medcenter.results import selectors, services
from medcenter.results.models import MAX_HOLD_DAYS, Document, ResultReport

MAX_ROWS = 100
HOLD_PERMISSION = "results.hold_resultreport"


class Signed(SessionAuth):
    """Any signed-in person; what they may read is decided per patient."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


class Clinician(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not (user.is_staff and is_mfa_verified(user) and user.has_perm(HOLD_PERMISSION)):
            raise HttpError(403, _("Your role does not include holding results."))
        return user


router = Router(tags=["portal"])


class ValueOut(Schema):
    id: UUID
    code: str
    display: str
    value: str
    value_decimal: str | None
    unit: str
    reference_range: str
    interpretation: str
    interpretation_text: str


class ReportOut(Schema):
    id: UUID
    patient: UUID
    category: str
    code: str
    display: str
    status: str
    effective_at: datetime
    issued_at: datetime
    conclusion: str
    ordering_clinician: str
    values: list[ValueOut]


class ReportsOut(Schema):
    count: int
    results: list[ReportOut]


class DocumentOut(Schema):
    id: UUID
    kind: str
    title: str
    date: str
    author: str
    content_type: str
    size: int


class DocumentsOut(Schema):
    count: int
    results: list[DocumentOut]


def report_out(report: ResultReport) -> dict[str, Any]:
    return {
        "id": report.public_id,
        "patient": report.patient.public_id,
        "category": report.category,
        "code": report.code,
        "display": report.display,
        "status": report.status,
        "effective_at": report.effective_at,
        "issued_at": report.issued_at,
        "conclusion": report.conclusion,
        "ordering_clinician": (
            report.ordering_clinician.display_name if report.ordering_clinician else ""
        ),
        "values": [
            {
                "id": v.public_id,
                "code": v.code,
                "display": v.display,
                "value": v.value_label,
                "value_decimal": None if v.value_decimal is None else str(v.value_decimal),
                "unit": v.unit,
                "reference_range": v.range_label,
                "interpretation": v.interpretation,
                "interpretation_text": str(v.get_interpretation_display())
                if v.interpretation
                else "",
            }
            for v in report.values.all()
        ],
    }


def document_out(document: Document) -> dict[str, Any]:
    return {
        "id": document.public_id,
        "kind": document.kind,
        "title": document.title,
        "date": document.document_date.isoformat(),
        "author": document.author,
        "content_type": document.content_type,
        "size": document.size,
    }


@router.get("/results", auth=Signed(), response={200: ReportsOut, **errors(400, 401, 404)})
def list_results(request: HttpRequest, patient: UUID) -> Any:
    """Released results of one record, newest first."""
    page = selectors.get_results_for(request.user, public_id=patient, limit=MAX_ROWS)
    return Status(
        200, {"count": len(page.reports), "results": [report_out(r) for r in page.reports]}
    )


@router.get("/results/{result_id}", auth=Signed(), response={200: ReportOut, **errors(401, 404)})
def read_result(request: HttpRequest, result_id: UUID) -> Any:
    """One released result."""
    owner = ResultReport.objects.filter(public_id=result_id).values_list(
        "patient__public_id", flat=True
    )
    patient_id = owner.first()
    if patient_id is None:
        raise Http404
    _access, report = selectors.get_report_for(
        request.user, public_id=patient_id, result_id=result_id
    )
    return Status(200, report_out(report))


@router.get("/documents", auth=Signed(), response={200: DocumentsOut, **errors(400, 401, 404)})
def list_documents(request: HttpRequest, patient: UUID) -> Any:
    """Released documents of one record, newest first (files: the portal's download page)."""
    page = selectors.get_results_for(request.user, public_id=patient, limit=MAX_ROWS)
    return Status(
        200,
        {"count": len(page.documents), "results": [document_out(d) for d in page.documents]},
    )


class ChoiceIO(Schema):
    email: bool = True
    sms: bool = False


class PreferencesIO(Schema):
    categories: dict[str, ChoiceIO]
    quiet_start: time | None = None
    quiet_end: time | None = None
    time_zone: str = "UTC"
    sms_consent: bool = False


def _own_patient(request: HttpRequest) -> Patient:
    user: Any = request.user
    patient = Patient.objects.filter(user=user).first()
    if patient is None:
        raise Http404
    selectors.get_own_record(user, public_id=patient.public_id)
    return patient


def _preferences_out(saved: preferences.Preferences) -> dict[str, Any]:
    return {
        "categories": {c: {"email": v.email, "sms": v.sms} for c, v in saved.choices.items()},
        "quiet_start": saved.quiet_start,
        "quiet_end": saved.quiet_end,
        "time_zone": saved.time_zone,
        "sms_consent": saved.sms_consented_at is not None,
    }


@router.get("/preferences", auth=Signed(), response={200: PreferencesIO, **errors(401, 404)})
def read_preferences(request: HttpRequest) -> Any:
    """The signed-in patient's notification choices."""
    patient = _own_patient(request)
    return Status(
        200, _preferences_out(preferences.preferences_for(patient_public_id=patient.public_id))
    )


@router.put("/preferences", auth=Signed(), response={200: PreferencesIO, **errors(400, 401, 404)})
def save_preferences(request: HttpRequest, body: PreferencesIO) -> Any:
    """Replace the signed-in patient's notification choices."""
    patient = _own_patient(request)
    unknown = set(body.categories) - set(preferences.CATEGORIES)
    if unknown:
        raise ValidationError({"categories": [_("Unknown category: %s") % sorted(unknown)[0]]})
    saved = services.save_notification_preferences(
        patient=patient,
        actor=request.user,
        choices={c: (v.email, v.sms) for c, v in body.categories.items()},
        quiet_start=body.quiet_start,
        quiet_end=body.quiet_end,
        time_zone=body.time_zone,
        sms_consent=body.sms_consent,
    )
    return Status(200, _preferences_out(saved))


class HoldIn(Schema):
    reason: str = Field(..., max_length=2000)
    days: int = Field(..., ge=1, le=MAX_HOLD_DAYS)


class HoldOut(Schema):
    item: UUID
    ends_at: datetime
    release_at: datetime | None


@router.post(
    "/results/{item_id}/hold",
    auth=Clinician(),
    response={201: HoldOut, **errors(400, 401, 403, 404, 409)},
)
def hold(request: HttpRequest, item_id: UUID, body: HoldIn) -> Any:
    """Hold one result or document from the patient, for a recorded preventing-harm reason."""
    owner = (
        ResultReport.objects.filter(public_id=item_id).values_list("patient__public_id", flat=True)
    ).first() or (
        Document.objects.filter(public_id=item_id).values_list("patient__public_id", flat=True)
    ).first()
    if owner is None:
        raise Http404
    found = selectors.get_item_for_staff(
        request.user, public_id=owner, item_id=item_id, action="result.hold_opened"
    )
    placed = services.place_hold(
        item=found.item, actor=request.user, reason=body.reason, days=body.days
    )
    found.item.refresh_from_db(fields=["release_at"])
    return Status(
        201,
        {
            "item": found.item.public_id,
            "ends_at": placed.ends_at,
            "release_at": found.item.release_at,
        },
    )
