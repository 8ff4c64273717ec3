"""Reading cases: the coordinators' queue (allow-listed filters and sorts, keyset pages, a
constant number of queries), one case for staff, and a person's own cases."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DateTimeField, Func, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from medcenter.core import audit
from medcenter.international.models import (
    Case,
    CaseDocument,
    CaseStatus,
    CaseTask,
    Estimate,
    EstimateStatus,
    Itinerary,
    ItineraryItem,
    Letter,
)
from medcenter.patients.access import is_mfa_verified

PAGE_SIZE = 50
# sort name -> (field, descending)
SORTS: dict[str, tuple[str, bool]] = {
    "due": ("due_at", False),
    "received": ("received_at", True),
    "oldest": ("received_at", False),
}
# What a queue row shows (and its cursor reads); nothing else is loaded.
QUEUE_COLUMNS = (
    "public_id",
    "reference",
    "patient_name",
    "country",
    "language",
    "status",
    "received_at",
    "due_at",
    "coordinator__public_id",
    "coordinator__full_name",
)
FILTERS = ("status", "country", "language", "coordinator", "overdue", "sort", "after")


@dataclass(frozen=True)
class QueueParams:
    status: str = ""
    country: str = ""
    language: str = ""
    coordinator: str = ""  # "me", "none" or a coordinator's public id
    overdue: bool = False
    sort: str = "due"
    after: str = ""


@dataclass
class QueuePage:
    cases: list[Any]
    next_cursor: str
    params: QueueParams
    counts: dict[str, int] = field(default_factory=dict)


def parse_queue_params(query: Any) -> QueueParams:
    """The queue's query string, checked against the allow-lists; anything else is a 400."""
    unknown = sorted(set(query.keys()) - set(FILTERS))
    if unknown:
        raise ValidationError(_("Unknown filter: %(name)s.") % {"name": unknown[0]})
    status = str(query.get("status", "") or "")
    if status and status not in CaseStatus.values:
        raise ValidationError(_("Unknown status."))
    sort = str(query.get("sort", "") or "due")
    if sort not in SORTS:
        raise ValidationError(_("Unknown sort order."))
    country = str(query.get("country", "") or "").upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise ValidationError(_("Unknown country."))
    language = str(query.get("language", "") or "")
    if len(language) > 10:
        raise ValidationError(_("Unknown language."))
    coordinator = str(query.get("coordinator", "") or "")
    if coordinator not in ("", "me", "none"):
        try:
            UUID(coordinator)
        except ValueError:
            raise ValidationError(_("Unknown coordinator.")) from None
    overdue = str(query.get("overdue", "") or "") in ("1", "true", "on")
    return QueueParams(
        status=status,
        country=country,
        language=language,
        coordinator=coordinator,
        overdue=overdue,
        sort=sort,
        after=str(query.get("after", "") or "")[:200],
    )


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        moment = parse_datetime(str(value))
        if moment is None or not isinstance(pk, int):
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ValidationError(
            _("This page link is not valid. Please start from the first page.")
        ) from None


class _Unindexed(Func):
    """A column as it is, which SQLite's planner does not use an index for (the unary plus of
    its query-planner documentation). PostgreSQL keeps statistics and weighs the index itself."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _require_view(user: Any) -> None:
    if (
        not getattr(user, "is_staff", False)
        or not is_mfa_verified(user)
        or not user.has_perm("international.view_case")
    ):
        raise PermissionDenied


def _coordinates(user: Any) -> bool:
    return bool(user.has_perm("international.coordinate_case"))


def may_open(user: Any, case: Case) -> bool:
    """International coordinators open every case (an inquiry is theirs before it is anyone's
    patient); a specialist opens the cases given to them to review; other staff with the view
    permission open a case linked to a patient they have a basis for (a care relationship)."""
    if _coordinates(user):
        return True
    if case.reviewer_id is not None and case.reviewer_id == user.pk:
        return bool(user.has_perm("international.review_case"))
    if case.patient is not None:
        from medcenter.patients.access import resolve_access

        return resolve_access(user, case.patient) is not None
    return False


def queue(user: Any, params: QueueParams, *, page_size: int = PAGE_SIZE) -> QueuePage:
    """One page of cases, overdue first by default; three queries whatever the page."""
    _require_view(user)
    rows: QuerySet[Case] = Case.objects.all()
    if not _coordinates(user):
        rows = rows.filter(reviewer=user)  # a specialist's queue: the cases to review
    if params.status:
        rows = rows.filter(status=params.status)
    else:
        rows = rows.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.DECLINED))
    if params.country:
        rows = rows.filter(country=params.country)
    if params.language:
        rows = rows.filter(language=params.language)
    if params.coordinator == "me":
        rows = rows.filter(coordinator=user)
    elif params.coordinator == "none":
        rows = rows.filter(coordinator__isnull=True)
    elif params.coordinator:
        rows = rows.filter(coordinator__public_id=params.coordinator)
    field_name, descending = SORTS[params.sort]
    if params.overdue and field_name == "due_at":
        rows = rows.filter(due_at__lt=timezone.now())  # the page's range on the sort's index
    elif params.overdue:
        # Sorted by another column, "overdue" filters the rows read in that column's order:
        # as a plain range SQLite (which keeps no statistics) would pick the (filter, due_at)
        # index for it and sort every overdue case of the filter instead (see _Unindexed).
        rows = rows.alias(due=_Unindexed("due_at", output_field=DateTimeField())).filter(
            due__lt=timezone.now()
        )
    if params.after:
        value, pk = _decode(params.after)
        # The first condition repeats what the second implies so that the database walks the
        # (field, id) index from the cursor instead of filtering every row before it.
        if descending:
            rows = rows.filter(
                Q(**{f"{field_name}__lte": value}),
                Q(**{f"{field_name}__lt": value}) | Q(id__lt=pk),
            )
        else:
            rows = rows.filter(
                Q(**{f"{field_name}__gte": value}),
                Q(**{f"{field_name}__gt": value}) | Q(id__gt=pk),
            )
    order = (f"-{field_name}", "-id") if descending else (field_name, "id")
    # Only the columns the queue shows: a case row carries free text (the message, up to 4,000
    # characters) and the coordinator's row a password hash, none of which the page needs.
    page = list(
        rows.select_related("coordinator").only(*QUEUE_COLUMNS).order_by(*order)[: page_size + 1]
    )
    more = len(page) > page_size
    page = page[:page_size]
    # The status's words once per page: a model's get_status_display() rebuilds its choices
    # (each label translated) on every call: 0.2 ms a row, 10 ms a page.
    labels = {value: str(label) for value, label in CaseStatus.choices}
    # Open tasks are counted for the page's cases only, in a second query: counting them in a
    # join grouped by case made the database count every matching case's tasks before sorting
    # (20,000 cases, 200,000 tasks: hundreds of milliseconds for 50 rows).
    open_tasks = dict(
        CaseTask.objects.open()
        .filter(case_id__in=[c.pk for c in page])
        .values_list("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    for found in page:
        found.open_tasks = open_tasks.get(found.pk, 0)  # type: ignore[attr-defined]
        found.status_label = labels.get(found.status, found.status)  # type: ignore[attr-defined]
    cursor = _encode(getattr(page[-1], field_name), page[-1].pk) if more and page else ""
    audit.record(action="international.queue_viewed", actor=user, read=True)
    return QueuePage(cases=page, next_cursor=cursor, params=params)


def get_case_for_staff(
    user: Any, *, public_id: UUID | str, action: str = "international.case_viewed"
) -> Case:
    """One case for international staff (coordinators, reviewers, finance), audited; a case is
    not patient data until it is linked to a patient, and only these roles see it."""
    _require_view(user)
    case = (
        Case.objects.select_related("coordinator", "program", "condition", "patient")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    if not may_open(user, case):
        audit.record(
            action=action,
            actor=user,
            patient=case.patient,
            target=case,
            outcome=audit.Outcome.DENIED,
        )
        raise PermissionDenied
    audit.record(action=action, actor=user, patient=case.patient, target=case, read=True)
    return case


@dataclass
class CaseFile:
    case: Case
    tasks: list[CaseTask]
    documents: list[CaseDocument]
    estimates: list[Estimate]
    letters: list[Letter]
    events: list[Any]
    opinions: list[Any]
    deposits: list[Any]
    guarantees: list[Any]
    next_step: Any = ""
    message_url: str = ""
    itinerary: Any = None
    itinerary_items: list[Any] = field(default_factory=list)


# What the patient reads as the next step, for each status (plain words).
NEXT_STEPS = {
    CaseStatus.NEW: _("Your coordinator will write to you within two business days."),
    CaseStatus.RECORDS_REQUESTED: _(
        "Please send the records your coordinator asked for, on this page or by email."
    ),
    CaseStatus.UNDER_REVIEW: _("A specialist is reviewing your records."),
    CaseStatus.OPINION_SENT: _(
        "Please read our letter or estimate below. To come, accept the estimate and arrange the "
        "deposit or guarantee."
    ),
    CaseStatus.CLEARED: _(
        "Your visit is cleared. We are preparing your visa letter and appointments."
    ),
    CaseStatus.VISA_LETTER: _(
        "Your visa support letter is below. We are booking your appointments."
    ),
    CaseStatus.SCHEDULED: _("Your appointments are booked. Your itinerary is below."),
    CaseStatus.IN_CARE: _("You are in our care. Your coordinator is there for any question."),
    CaseStatus.FOLLOW_UP: _("We will send summaries to you and your physician at home."),
    CaseStatus.CLOSED: _("This case is closed. Write to us if you need anything."),
    CaseStatus.DECLINED: _("We are sorry we cannot help with this request. The reason is below."),
}


def case_file(case: Case) -> CaseFile:
    """Everything on the case page, in a fixed number of queries."""
    return CaseFile(
        case=case,
        tasks=list(case.tasks.select_related("owner", "document").order_by("done_at", "due_at")),
        documents=list(
            case.documents.select_related("translation_of").order_by("created_at", "id")
        ),
        estimates=list(case.estimates.prefetch_related("lines").order_by("-created_at", "-id")),
        letters=list(case.letters.order_by("-issued_at", "-id")),
        events=list(case.events.select_related("actor").order_by("-at", "-id")[:100]),
        opinions=list(case.opinions.select_related("specialist").order_by("-decided_at")),
        deposits=list(case.deposits.order_by("-received_on")),
        guarantees=list(case.guarantees.order_by("-valid_until")),
        itinerary=Itinerary.objects.filter(case=case).first(),
        itinerary_items=list(
            ItineraryItem.objects.filter(itinerary__case=case)
            .select_related(
                "appointment__clinician",
                "appointment__location",
                "appointment__visit_type",
                "interpreter",
            )
            .order_by("starts_at")
        ),
    )


# --- The patient's (or inquirer's) own cases -------------------------------------------------


def _own(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(Q(account=user) | Q(patient__user=user))


def my_cases(user: Any) -> list[Case]:
    cases = list(_own(user).select_related("program").order_by("-received_at"))
    if cases:
        audit.record(action="international.own_cases_viewed", actor=user, read=True)
    return cases


def get_case_for_follower(user: Any, *, public_id: UUID | str) -> CaseFile:
    """A case its inquirer or patient follows; anyone else is told it does not exist."""
    case = (
        _own(user)
        .select_related("coordinator", "program", "patient")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        audit.record(action="international.case_viewed", actor=user, outcome=audit.Outcome.DENIED)
        raise Http404
    audit.record(
        action="international.case_viewed", actor=user, patient=case.patient, target=case, read=True
    )
    found = case_file(case)
    found.next_step = NEXT_STEPS.get(CaseStatus(case.status), "")
    found.message_url = _message_url(user, case)
    # Internal working papers stay with staff: the patient sees documents and letters, the
    # estimates sent to them, and the timeline's status changes.
    found.estimates = [e for e in found.estimates if e.status != EstimateStatus.DRAFT]
    found.events = [
        e
        for e in found.events
        if e.kind
        in (
            "received",
            "status",
            "opinion_sent",
            "estimate_sent",
            "visa_letter",
            "decision",
            "summary_sent",
        )
    ]
    return found


def _message_url(user: Any, case: Case) -> str:
    """Where the patient writes to the coordinator: the Patient Gateway's messages, once the
    case is linked to their record (an inquirer without a record calls or emails)."""
    from django.urls import NoReverseMatch, reverse

    if case.patient is None or case.patient.user_id != user.pk:
        return ""
    try:
        return reverse("messaging:portal_new_thread", kwargs={"public_id": case.patient.public_id})
    except NoReverseMatch:
        return ""


def get_document(user: Any, *, case_id: UUID, document_id: UUID, staff: bool) -> CaseDocument:
    if staff:
        case = get_case_for_staff(user, public_id=case_id, action="international.document_read")
    else:
        case = get_case_for_follower(user, public_id=case_id).case
    document = CaseDocument.objects.filter(case=case, public_id=document_id).first()
    if document is None:
        raise Http404
    return document


def get_letter(user: Any, *, case_id: UUID, letter_id: UUID, staff: bool) -> Letter:
    if staff:
        case = get_case_for_staff(user, public_id=case_id, action="international.letter_read")
    else:
        case = get_case_for_follower(user, public_id=case_id).case
    letter = Letter.objects.select_related("case").filter(case=case, public_id=letter_id).first()
    if letter is None:
        raise Http404
    return letter


def get_estimate_for_follower(user: Any, *, case_id: UUID, estimate_id: UUID) -> Estimate:
    case = get_case_for_follower(user, public_id=case_id).case
    estimate = (
        Estimate.objects.filter(case=case, public_id=estimate_id)
        .exclude(status=EstimateStatus.DRAFT)
        .first()
    )
    if estimate is None:
        raise Http404
    return estimate


def price_book() -> dict[str, Any]:
    """The current price list and the latest rate entered for each currency."""
    from medcenter.international.models import ExchangeRate, PriceItem

    rates: dict[str, ExchangeRate] = {}
    for rate in ExchangeRate.objects.select_related("entered_by").order_by(
        "currency", "-on_date", "-entered_at", "-id"
    )[:2000]:
        rates.setdefault(rate.currency, rate)
    return {
        "prices": list(PriceItem.objects.filter(is_current=True).order_by("code")),
        "rates": list(rates.values()),
    }
