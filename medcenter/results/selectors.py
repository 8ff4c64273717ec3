"""Permission-checked reads of results and documents (every one through get_patient_for).

What a person sees of a record: released items only (release_at has passed), and never an
adolescent-confidential one unless the access sees confidential items (the patient, a parent
of a child under 12, staff with a basis). Portal readers need the results scope, and the
section must be open to their access (portal.registry); anything else is 404.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from medcenter.core import vault
from medcenter.patients.access import PatientAccess
from medcenter.patients.models import ProxyScope
from medcenter.patients.selectors import get_patient_for
from medcenter.portal.registry import section_allowed
from medcenter.results.models import (
    ClinicianHold,
    Document,
    ReleasableQuerySet,
    ResultReport,
    ResultValue,
)

SECTION = "results"
NEW_DAYS = 14


def visible(qs: ReleasableQuerySet, access: PatientAccess) -> Any:
    """Of one patient's items, those this access may see now (R5)."""
    qs = qs.filter(patient=access.patient).released(timezone.now())
    if not access.sees_confidential:
        qs = qs.exclude(adolescent_confidential=True)
    return qs


def portal_access(user: Any, *, public_id: UUID | str, action: str) -> PatientAccess:
    """The person's access to the record's results section; 404 when they have none."""
    access = get_patient_for(user, public_id=public_id, scope=ProxyScope.RESULTS, action=action)
    if not section_allowed(SECTION, access):
        raise Http404
    return access


def reports_for(access: PatientAccess) -> QuerySet[ResultReport]:
    values = Prefetch("values", queryset=ResultValue.objects.order_by("position", "id"))
    qs: QuerySet[ResultReport] = (
        visible(ResultReport.objects.all(), access)
        .select_related("ordering_clinician")
        .prefetch_related(values)
    )
    return qs


def documents_for(access: PatientAccess) -> QuerySet[Document]:
    qs: QuerySet[Document] = visible(Document.objects.all(), access)
    return qs


@dataclass(frozen=True)
class ResultsPage:
    access: PatientAccess
    reports: list[ResultReport]
    documents: list[Document]


def get_results_for(user: Any, *, public_id: UUID | str, limit: int = 100) -> ResultsPage:
    """The record's released results and documents, newest first (audited)."""
    access = portal_access(user, public_id=public_id, action="results.listed")
    return ResultsPage(
        access,
        list(reports_for(access)[:limit]),
        list(documents_for(access)[:limit]),
    )


def get_report_for(
    user: Any, *, public_id: UUID | str, result_id: UUID | str
) -> tuple[PatientAccess, ResultReport]:
    """One released report of the record (audited); 404 when not shown to this person."""
    access = portal_access(user, public_id=public_id, action="result.viewed")
    report = reports_for(access).filter(public_id=result_id).first()
    if report is None:
        raise Http404
    return access, report


def get_document_for(
    user: Any, *, public_id: UUID | str, document_id: UUID | str
) -> tuple[PatientAccess, Document, bytes]:
    """One released document and its bytes, checked against tampering (audited)."""
    access = portal_access(user, public_id=public_id, action="document.downloaded")
    document = documents_for(access).filter(public_id=document_id).first()
    if document is None:
        raise Http404
    return access, document, vault.fetch(key=document.vault_key)


def new_results_count(access: PatientAccess) -> int:
    """Items released in the last NEW_DAYS days (one query, whatever the history)."""
    since = timezone.now() - timedelta(days=NEW_DAYS)
    reports = visible(ResultReport.objects.all(), access).filter(release_at__gte=since)
    documents = visible(Document.objects.all(), access).filter(release_at__gte=since)
    return int(reports.count() + documents.count())


# --- Staff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffItem:
    access: PatientAccess
    item: ResultReport | Document
    hold: ClinicianHold | None


def get_item_for_staff(
    user: Any, *, public_id: UUID | str, item_id: UUID | str, action: str
) -> StaffItem:
    """A report or document of the patient, released or not, for a clinician with a basis."""
    access = get_patient_for(user, public_id=public_id, staff_only=True, action=action)
    item: ResultReport | Document | None = ResultReport.objects.filter(
        patient=access.patient, public_id=item_id
    ).first()
    if item is None:
        item = Document.objects.filter(patient=access.patient, public_id=item_id).first()
    if item is None:
        raise Http404
    hold = ClinicianHold.objects.filter(
        **{"report" if isinstance(item, ResultReport) else "document": item},
        lifted_at__isnull=True,
        ends_at__gt=timezone.now(),
    ).first()
    return StaffItem(access, item, hold)


def staff_items_for(
    user: Any, *, public_id: UUID | str
) -> tuple[PatientAccess, list[ResultReport], list[Document]]:
    """All of the patient's reports and documents, with their release state, for staff."""
    access = get_patient_for(
        user, public_id=public_id, staff_only=True, action="results.staff_listed"
    )
    reports = list(ResultReport.objects.filter(patient=access.patient)[:200])
    documents = list(Document.objects.filter(patient=access.patient)[:200])
    return access, reports, documents


def get_own_record(user: Any, *, public_id: UUID | str) -> PatientAccess:
    """The patient's own record only (audited); 404 for anyone else, proxies included."""
    access = get_patient_for(user, public_id=public_id, action="notifications.viewed")
    if access.basis != "self":
        raise Http404
    return access
