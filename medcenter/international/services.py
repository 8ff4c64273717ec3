"""What the International Patient Center does to a case (writes). Each service is one
transaction that audits inside it; refusals are ValidationError (by field), PermissionDenied
or core.errors.Conflict, which pages and the API answer in one way each."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import IntegrityError, transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, pending_uploads, throttle, vault
from medcenter.core.errors import Conflict
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload
from medcenter.international import dicom, links, notify
from medcenter.international.models import (
    CLEARED_OR_LATER,
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    CaseTask,
    Deposit,
    DocumentKind,
    Estimate,
    EstimateLine,
    EstimateStatus,
    ExchangeRate,
    GuaranteeLetter,
    InquirerRole,
    Letter,
    LetterKind,
    Opinion,
    OpinionDecision,
    Payer,
    PriceItem,
    Service,
    TaskKind,
)
from medcenter.patients.models import CareRelationship, Patient, RelationshipKind
from medcenter.scheduling.referrals import add_business_days

FIRST_REPLY_BUSINESS_DAYS = 2
MIN_MATCH_SCORE = 2.5
MAX_DOCUMENTS = 10
FOLLOW_LINK_MAX_AGE = timedelta(days=30)
# A case with nothing due sorts after every case with something due.
NOTHING_DUE = timedelta(days=3650)
CURRENCY_CODES = frozenset(
    {
        "USD",
        "MXN",
        "EUR",
        "GBP",
        "CAD",
        "BRL",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "EGP",
        "JOD",
        "CNY",
        "HKD",
        "TWD",
        "JPY",
        "KRW",
        "INR",
        "RUB",
        "KZT",
        "UAH",
        "TRY",
        "ILS",
        "NGN",
        "KES",
        "ZAR",
        "AUD",
        "NZD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
    }
)

INQUIRY_FIELDS = (
    "inquirer_role",
    "inquirer_name",
    "email",
    "phone",
    "country",
    "language",
    "patient_name",
    "patient_birth_date",
    "condition_text",
    "service",
    "travel_from",
    "travel_until",
    "payer",
    "message",
    "home_physician_name",
    "home_physician_email",
)

# Where a case may go from where it is. Declining is possible until the visit.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.NEW: (CaseStatus.RECORDS_REQUESTED, CaseStatus.UNDER_REVIEW),
    CaseStatus.RECORDS_REQUESTED: (CaseStatus.UNDER_REVIEW,),
    CaseStatus.UNDER_REVIEW: (CaseStatus.RECORDS_REQUESTED, CaseStatus.OPINION_SENT),
    CaseStatus.OPINION_SENT: (CaseStatus.CLEARED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED),
    CaseStatus.CLEARED: (CaseStatus.VISA_LETTER, CaseStatus.SCHEDULED),
    CaseStatus.VISA_LETTER: (CaseStatus.SCHEDULED,),
    CaseStatus.SCHEDULED: (CaseStatus.IN_CARE,),
    CaseStatus.IN_CARE: (CaseStatus.FOLLOW_UP, CaseStatus.CLOSED),
    CaseStatus.FOLLOW_UP: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (),
    CaseStatus.DECLINED: (),
}
DECLINABLE = (
    CaseStatus.NEW,
    CaseStatus.RECORDS_REQUESTED,
    CaseStatus.UNDER_REVIEW,
    CaseStatus.OPINION_SENT,
    CaseStatus.CLEARED,
    CaseStatus.VISA_LETTER,
)


def _now() -> datetime:
    return timezone.now()


def _event(case: Case, *, kind: str, actor: Any = None, note: str = "", status: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        at=_now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        status=status,
        note=note[:500],
    )


def _refresh_due(case: Case) -> None:
    """The case's next due time: its first reply until sent, then its earliest open task."""
    earliest = case.tasks.open().aggregate(first=Min("due_at"))["first"]
    candidates = [d for d in (earliest,) if d is not None]
    if case.first_replied_at is None:
        candidates.append(case.first_reply_due_at)
    if case.status in (CaseStatus.CLOSED, CaseStatus.DECLINED):
        candidates = []
    case.due_at = min(candidates) if candidates else case.received_at + NOTHING_DUE
    Case.objects.filter(pk=case.pk).update(due_at=case.due_at)


def _reference() -> str:
    return "IPC-" + secrets.token_hex(4).upper()


# --- The inquiry ----------------------------------------------------------------------------


def check_inquiry_throttle(*, client_ip: str | None) -> None:
    if client_ip:
        throttle.check_hourly(
            Case.objects.filter(client_ip=client_ip),
            at="received_at",
            limit=int(getattr(settings, "INTERNATIONAL_INQUIRIES_PER_HOUR", 5)),
            message=_("Too many requests from this connection. Please write to us instead."),
        )


def _clean_inquiry(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: data[k] for k in INQUIRY_FIELDS if k in data and data[k] is not None}
    errors: dict[str, list[Any]] = {}
    choices = {
        "inquirer_role": InquirerRole.values,
        "service": Service.values,
        "payer": Payer.values,
        "language": [code for code, _name in settings.LANGUAGES],
    }
    for name, allowed in choices.items():
        if fields.get(name) not in allowed:
            errors.setdefault(name, []).append(_("Please choose one of the options."))
    today = timezone.localdate()
    born = fields.get("patient_birth_date")
    if isinstance(born, date) and (born > today or born < date(1900, 1, 1)):
        errors.setdefault("patient_birth_date", []).append(
            _("Please give a date of birth between 1900 and today.")
        )
    start, end = fields.get("travel_from"), fields.get("travel_until")
    if isinstance(start, date) and start < today:
        errors.setdefault("travel_from", []).append(_("Please give a date from today on."))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.setdefault("travel_until", []).append(
            _("The last day must be on or after the first day.")
        )
    if errors:
        raise ValidationError(errors)
    return fields


def match_condition(text: str) -> tuple[Any, Any]:
    """The directory's condition and program for the words the inquirer used (lay words in
    six languages), or (None, None) when the words name none."""
    from medcenter.directory import index, search
    from medcenter.directory.models import Condition, Program
    from medcenter.scheduling.referrals import route

    matched, _leftover, _meant = search.understand(index.current(), text)
    # A near-miss on one short word ("ayuda" for "aguda") is no diagnosis: the coordinator
    # routes those.
    ranked = sorted(
        ((key, score) for key, score in matched.items() if score >= MIN_MATCH_SCORE),
        key=lambda item: -item[1],
    )
    for (kind, target), _score in ranked:
        if kind == "condition":
            condition = Condition.objects.filter(pk=target).first()
            if condition is not None:
                return condition, route(condition)
    for (kind, target), _score in ranked:
        if kind == "program":
            program = Program.objects.filter(pk=target, is_published=True).first()
            if program is not None:
                return None, program
    return None, None


@transaction.atomic
def submit_inquiry(
    *,
    data: dict[str, Any],
    documents: Sequence[CheckedUpload] = (),
    documents_language: str = "",
    kept: Sequence[PendingUpload] = (),
    account: Any = None,
    client_ip: str | None = None,
) -> Case:
    """Open a case from an inquiry: first reply due in two business days, its documents
    kept encrypted (a translation task for each one not in English), acknowledged by email in
    the inquirer's language with a link to follow the case from an account."""
    check_inquiry_throttle(client_ip=client_ip)
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError(
            {"documents": [_("Please send at most %(n)d files.") % {"n": MAX_DOCUMENTS}]}
        )
    fields = _clean_inquiry(data)
    now = _now()
    condition, program = match_condition(str(fields.get("condition_text", "")))
    due = add_business_days(now, FIRST_REPLY_BUSINESS_DAYS)
    case = Case(
        reference=_reference(),
        received_at=now,
        first_reply_due_at=due,
        due_at=due,
        client_ip=client_ip,
        condition=condition,
        program=program,
        account=account if getattr(account, "is_authenticated", False) else None,
        **fields,
    )
    case.full_clean(exclude=["reference"])
    case.save()
    _event(case, kind="received", status=case.status, actor=account)
    CaseTask.objects.create(
        case=case, kind=TaskKind.FIRST_REPLY, title=str(TaskKind.FIRST_REPLY.label), due_at=due
    )
    language = documents_language or case.language
    for upload in documents:
        _store_document(case, upload, kind=DocumentKind.RECORD, language=language, actor=account)
    pending_uploads.release_uploads(uploads=kept)
    notify.inquiry_received(case)
    audit.record(action="international.inquiry_received", actor=account, target=case)
    return case


def _store_document(
    case: Case, upload: CheckedUpload, *, kind: str, language: str, actor: Any
) -> CaseDocument:
    key = vault.store(content=upload.content)
    transaction.on_commit(lambda: None)  # the row below names the key; the sweep keeps it
    try:
        document = CaseDocument.objects.create(
            case=case,
            kind=kind,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            vault_key=key,
            language=language,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except Exception:
        vault.delete(key=key)
        raise
    _translation_task_if_needed(case, document)
    return document


def _translation_task_if_needed(case: Case, document: CaseDocument) -> None:
    if (
        document.language
        and not document.language.startswith("en")
        and document.kind
        in (
            DocumentKind.RECORD,
            DocumentKind.PATHOLOGY,
            DocumentKind.IMAGING_REPORT,
        )
    ):
        CaseTask.objects.create(
            case=case,
            kind=TaskKind.TRANSLATION,
            title=str(_("Translate %(file)s") % {"file": document.filename})[:200],
            due_at=add_business_days(_now(), 3),
            document=document,
        )
        _refresh_due(case)


@transaction.atomic
def add_document(
    *, case: Case, upload: CheckedUpload, kind: str, language: str, actor: Any
) -> CaseDocument:
    if kind not in (DocumentKind.RECORD, DocumentKind.PATHOLOGY, DocumentKind.IMAGING_REPORT):
        raise ValidationError({"kind": [_("Please choose one of the options.")]})
    document = _store_document(case, upload, kind=kind, language=language, actor=actor)
    _event(case, kind="document_added", actor=actor, note=document.filename)
    audit.record(action="international.document_added", actor=actor, target=case)
    return document


@transaction.atomic
def add_study(*, case: Case, file: IO[bytes], name: str, actor: Any) -> CaseDocument:
    """Keep an imaging study (a DICOM file or a zip of them) without ever holding it whole:
    checked from the file in pieces, then encrypted into the vault chunk by chunk."""
    study = dicom.check_study(file, name=name)
    key = vault.store_stream(chunks=dicom.chunks(file))
    try:
        document = CaseDocument.objects.create(
            case=case,
            kind=DocumentKind.DICOM,
            filename=study.filename,
            content_type=study.content_type,
            size=study.size,
            sha256=study.sha256,
            vault_key=key,
            dicom_files=study.dicom_files,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except Exception:
        vault.delete(key=key)
        raise
    _event(case, kind="study_added", actor=actor, note=study.filename)
    audit.record(action="international.study_added", actor=actor, target=case)
    return document


# --- Following a case from an account ------------------------------------------------------

_FOLLOW_SALT = links.SALT
follow_token = links.follow_token


@transaction.atomic
def follow_case(*, user: Any, token: str) -> Case:
    """Link the signed-in account to the case its emailed link names (once; the first account
    to follow it keeps it)."""
    try:
        public_id = TimestampSigner(salt=_FOLLOW_SALT).unsign(token, max_age=FOLLOW_LINK_MAX_AGE)
    except SignatureExpired:
        raise ValidationError(
            _("This link has expired. Please write to us and we will send a new one.")
        ) from None
    except BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    case = Case.objects.select_for_update().filter(public_id=public_id).first()
    if case is None:
        raise ValidationError(_("This link is not valid."))
    if case.account_id is not None and case.account_id != user.pk:
        raise Conflict(_("Another account already follows this case."))
    if case.account_id is None:
        case.account = user
        case.save(update_fields=["account", "updated_at"])
        _event(case, kind="followed", actor=user)
        audit.record(action="international.case_followed", actor=user, target=case)
    return case


# --- Coordination ---------------------------------------------------------------------------


def _require(actor: Any, permission: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(permission):
        raise PermissionDenied


@transaction.atomic
def assign_coordinator(*, case: Case, coordinator: Any, actor: Any) -> Case:
    _require(actor, "international.coordinate_case")
    if not coordinator.is_staff or not coordinator.has_perm("international.coordinate_case"):
        raise ValidationError({"coordinator": [_("This person does not coordinate cases.")]})
    case.coordinator = coordinator
    case.save(update_fields=["coordinator", "updated_at"])
    CaseTask.objects.filter(case=case, owner__isnull=True, done_at__isnull=True).update(
        owner=coordinator
    )
    if case.patient_id is not None:
        _case_relationship(case)
    _event(case, kind="coordinator", actor=actor, note=coordinator.get_full_name())
    audit.record(action="international.coordinator_assigned", actor=actor, target=case)
    return case


def _case_relationship(case: Case) -> None:
    """The coordinator's basis for the patient's record: a `case` care relationship."""
    if case.coordinator_id is None or case.patient_id is None:
        return
    exists = (
        CareRelationship.objects.active()
        .filter(
            staff_id=case.coordinator_id, patient_id=case.patient_id, kind=RelationshipKind.CASE
        )
        .exists()
    )
    if not exists:
        CareRelationship.objects.create(
            staff_id=case.coordinator_id,
            patient_id=case.patient_id,
            kind=RelationshipKind.CASE,
            note=case.reference,
        )


@transaction.atomic
def assign_reviewer(*, case: Case, reviewer: Any, actor: Any) -> Case:
    """Ask a program's specialist to review the records: they see this case (and only the
    cases given to them), with a review task due in two business days."""
    _require(actor, "international.coordinate_case")
    if not reviewer.is_staff or not reviewer.has_perm("international.review_case"):
        raise ValidationError({"reviewer": [_("This person does not review cases.")]})
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.reviewer = reviewer
    case.save(update_fields=["reviewer", "updated_at"])
    CaseTask.objects.create(
        case=case,
        kind=TaskKind.TRIAGE,
        title=str(TaskKind.TRIAGE.label),
        due_at=add_business_days(_now(), 2),
        owner=reviewer,
    )
    _refresh_due(case)
    _event(case, kind="reviewer", actor=actor, note=reviewer.get_full_name())
    audit.record(action="international.reviewer_assigned", actor=actor, target=case)
    if case.status in (CaseStatus.NEW, CaseStatus.RECORDS_REQUESTED):
        return set_status(case=case, status=CaseStatus.UNDER_REVIEW, actor=actor)
    return case


@transaction.atomic
def link_patient(*, case: Case, patient: Patient, actor: Any) -> Case:
    _require(actor, "international.coordinate_case")
    case.patient = patient
    case.save(update_fields=["patient", "updated_at"])
    _case_relationship(case)
    _event(case, kind="patient_linked", actor=actor)
    audit.record(action="international.patient_linked", actor=actor, patient=patient, target=case)
    return case


@transaction.atomic
def record_first_reply(*, case: Case, actor: Any, note: str = "") -> Case:
    _require(actor, "international.coordinate_case")
    if case.first_replied_at is None:
        case.first_replied_at = _now()
        case.save(update_fields=["first_replied_at", "updated_at"])
        case.tasks.open().filter(kind=TaskKind.FIRST_REPLY).update(done_at=case.first_replied_at)
        _refresh_due(case)
        _event(case, kind="first_reply", actor=actor, note=note)
        audit.record(action="international.first_reply", actor=actor, target=case)
    return case


@transaction.atomic
def set_status(*, case: Case, status: str, actor: Any, note: str = "", reason: str = "") -> Case:
    """Move the case along its path; declining needs a reason, clearing needs the estimate
    covered (or an override, see `clear`)."""
    _require(actor, "international.coordinate_case")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status == CaseStatus.DECLINED:
        if case.status not in DECLINABLE:
            raise Conflict(_("This case can no longer be declined."))
        if not reason.strip():
            raise ValidationError({"reason": [_("Please give the reason for declining.")]})
        case.declined_reason = reason.strip()[:300]
    elif status not in TRANSITIONS.get(case.status, ()):
        raise Conflict(
            _("A case that is “%(now)s” cannot become “%(next)s”.")
            % {
                "now": CaseStatus(case.status).label,
                "next": CaseStatus(status).label if status in CaseStatus.values else status,
            }
        )
    if status in CLEARED_OR_LATER and not _cleared(case):
        raise ValidationError(
            {"status": [_("The accepted estimate is not covered by a deposit or a guarantee.")]}
        )
    case.status = status
    case.save(update_fields=["status", "declined_reason", "updated_at"])
    _refresh_due(case)
    _event(case, kind="status", status=status, actor=actor, note=note or reason)
    notify.status_changed(case)
    audit.record(action="international.status_changed", actor=actor, target=case)
    return case


def _cleared(case: Case) -> bool:
    if case.clearance_override_reason:
        return True
    return case.accepted_estimate_cents > 0 and case.covered_cents >= case.accepted_estimate_cents


@transaction.atomic
def add_task(
    *, case: Case, kind: str, title: str, due_at: datetime, owner: Any, actor: Any
) -> CaseTask:
    _require(actor, "international.coordinate_case")
    if kind not in TaskKind.values:
        raise ValidationError({"kind": [_("Please choose one of the options.")]})
    if not title.strip():
        raise ValidationError({"title": [_("Please say what is to be done.")]})
    task = CaseTask.objects.create(
        case=case, kind=kind, title=title.strip()[:200], due_at=due_at, owner=owner
    )
    _refresh_due(case)
    _event(case, kind="task_added", actor=actor, note=task.title)
    audit.record(action="international.task_added", actor=actor, target=case)
    return task


@transaction.atomic
def complete_task(*, task: CaseTask, actor: Any) -> CaseTask:
    _require(actor, "international.coordinate_case")
    if task.done_at is None:
        task.done_at = _now()
        task.save(update_fields=["done_at", "updated_at"])
        if task.kind == TaskKind.FIRST_REPLY and task.case.first_replied_at is None:
            Case.objects.filter(pk=task.case_id).update(first_replied_at=task.done_at)
            task.case.first_replied_at = task.done_at
        _refresh_due(task.case)
        _event(task.case, kind="task_done", actor=actor, note=task.title)
        audit.record(action="international.task_done", actor=actor, target=task.case)
    return task


@transaction.atomic
def add_translation(*, task: CaseTask, upload: CheckedUpload, actor: Any) -> CaseDocument:
    """File the English translation of the task's document, linked to its source, and close
    the task."""
    _require(actor, "international.coordinate_case")
    if task.kind != TaskKind.TRANSLATION or task.document_id is None:
        raise Conflict(_("This task is not a translation."))
    source = task.document
    if source is None:
        raise Conflict(_("This task is not a translation."))
    translation = _store_document(
        task.case, upload, kind=DocumentKind.TRANSLATION, language="en", actor=actor
    )
    translation.translation_of = source
    translation.save(update_fields=["translation_of", "updated_at"])
    task.done_at = _now()
    task.save(update_fields=["done_at", "updated_at"])
    _refresh_due(task.case)
    _event(task.case, kind="translated", actor=actor, note=source.filename)
    audit.record(action="international.translation_added", actor=actor, target=task.case)
    return translation


# --- Triage and the second opinion ----------------------------------------------------------


@transaction.atomic
def decide(
    *, case: Case, specialist: Any, decision: str, reason: str = "", summary: str = ""
) -> Opinion:
    """A program's specialist accepts the case (a remote opinion or a visit) or declines it
    with a reason."""
    _require(specialist, "international.review_case")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.reviewer_id != specialist.pk:
        raise PermissionDenied
    if decision not in OpinionDecision.values:
        raise ValidationError({"decision": [_("Please choose one of the options.")]})
    if decision == OpinionDecision.DECLINED and not reason.strip():
        raise ValidationError({"reason": [_("Please give the reason for declining.")]})
    if case.status in (CaseStatus.CLOSED, CaseStatus.DECLINED):
        raise Conflict(_("This case is closed."))
    opinion = Opinion.objects.create(
        case=case,
        specialist=specialist,
        decision=decision,
        reason=reason.strip()[:300],
        summary=summary.strip(),
        decided_at=_now(),
    )
    case.tasks.open().filter(kind=TaskKind.TRIAGE).update(done_at=opinion.decided_at)
    if decision == OpinionDecision.DECLINED:
        case.status = CaseStatus.DECLINED
        case.declined_reason = opinion.reason
        case.save(update_fields=["status", "declined_reason", "updated_at"])
    elif decision == OpinionDecision.VISIT:
        CaseTask.objects.create(
            case=case,
            kind=TaskKind.ESTIMATE,
            title=str(TaskKind.ESTIMATE.label),
            due_at=add_business_days(_now(), 2),
            owner=case.coordinator,
        )
    _refresh_due(case)
    _event(case, kind="decision", actor=specialist, note=opinion.get_decision_display())
    audit.record(action="international.decision", actor=specialist, target=case)
    return opinion


@transaction.atomic
def send_opinion_letter(*, opinion: Opinion, actor: Any) -> Letter:
    """The second-opinion letter, as a PDF emailed to the patient and the home physician."""
    _require(actor, "international.review_case")
    if opinion.decision != OpinionDecision.REMOTE:
        raise Conflict(_("Only a remote second opinion is sent as a letter."))
    if not opinion.summary.strip():
        raise ValidationError({"summary": [_("Please write the opinion before sending it.")]})
    case = opinion.case
    letter = _letter(case, LetterKind.OPINION, actor, facts={"opinion": str(opinion.public_id)})
    opinion.letter_sent_at = letter.issued_at
    opinion.save(update_fields=["letter_sent_at", "updated_at"])
    if case.status in (CaseStatus.UNDER_REVIEW, CaseStatus.RECORDS_REQUESTED, CaseStatus.NEW):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.OPINION_SENT)
        case.status = CaseStatus.OPINION_SENT
    notify.letter_sent(letter, to_physician=True)
    _event(case, kind="opinion_sent", actor=actor, status=case.status)
    audit.record(action="international.opinion_sent", actor=actor, target=case)
    return letter


def issue_letter(*, case: Case, kind: str, actor: Any, facts: dict[str, Any]) -> Letter:
    """A numbered letter on the case (the caller's transaction audits what it is about)."""
    return _letter(case, kind, actor, facts=facts)


def _letter(case: Case, kind: str, actor: Any, *, facts: dict[str, Any]) -> Letter:
    issued = _now()
    for _attempt in range(5):
        number = f"{case.reference}-{kind[:3].upper()}-{secrets.token_hex(2).upper()}"
        try:
            with transaction.atomic():
                return Letter.objects.create(
                    case=case,
                    kind=kind,
                    number=number,
                    language=case.language,
                    facts=facts,
                    issued_at=issued,
                    issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            continue
    raise Conflict(_("Please try again."))


# --- Prices, rates and estimates ------------------------------------------------------------


@transaction.atomic
def set_price(*, code: str, description: str, amount_cents: int, actor: Any) -> PriceItem:
    """A new version of the price list's line `code` (the old one stays for the estimates that
    use it)."""
    _require(actor, "international.manage_prices")
    code = code.strip().upper()
    if not code or not description.strip():
        raise ValidationError({"code": [_("Please give a code and a description.")]})
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationError({"amount_cents": [_("Please give an amount above zero.")]})
    current = PriceItem.objects.select_for_update().filter(code=code, is_current=True).first()
    version = 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
        version = current.version + 1
    item = PriceItem.objects.create(
        code=code,
        version=version,
        description=description.strip()[:200],
        amount_cents=amount_cents,
        created_by=actor,
    )
    audit.record(action="international.price_set", actor=actor, target=None)
    return item


@transaction.atomic
def enter_rate(*, currency: str, per_usd: Decimal, on_date: date, actor: Any) -> ExchangeRate:
    """An exchange rate as staff read it (the center never fetches one)."""
    _require(actor, "international.manage_prices")
    currency = currency.strip().upper()
    if currency not in CURRENCY_CODES or currency == "USD":
        raise ValidationError({"currency": [_("Please choose a currency from the list.")]})
    if not isinstance(per_usd, Decimal) or not per_usd.is_finite() or per_usd <= 0:
        raise ValidationError({"per_usd": [_("Please give a rate above zero.")]})
    if on_date > timezone.localdate():
        raise ValidationError({"on_date": [_("A rate cannot be dated in the future.")]})
    rate = ExchangeRate.objects.create(
        currency=currency, per_usd=per_usd, on_date=on_date, entered_by=actor
    )
    audit.record(action="international.rate_entered", actor=actor)
    return rate


def current_rate(currency: str) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(currency=currency, on_date__lte=timezone.localdate())
        .order_by("-on_date", "-entered_at", "-id")
        .first()
    )


def in_currency(cents: int, per_usd: Decimal) -> Decimal:
    """USD cents shown in another currency at a frozen rate, rounded to the cent (shown only:
    USD governs)."""
    return (Decimal(cents) * per_usd / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineRequest:
    code: str
    quantity: int = 1


@transaction.atomic
def create_estimate(
    *, case: Case, lines: Iterable[LineRequest], currency: str, actor: Any
) -> Estimate:
    """An estimate from the current price list; the patient's currency at the latest rate
    entered, frozen in the estimate."""
    _require(actor, "international.coordinate_case")
    wanted = [line for line in lines if line.code]
    if not wanted:
        raise ValidationError({"lines": [_("Please add at least one line.")]})
    currency = (currency or "USD").upper()
    per_usd, rate_date = Decimal(1), None
    if currency != "USD":
        rate = current_rate(currency)
        if rate is None:
            raise ValidationError(
                {"currency": [_("No exchange rate has been entered for this currency.")]}
            )
        per_usd, rate_date = rate.per_usd, rate.on_date
    items = {p.code: p for p in PriceItem.objects.filter(is_current=True)}
    estimate = Estimate.objects.create(
        case=case,
        number=f"{case.reference}-E{case.estimates.count() + 1}-{secrets.token_hex(2).upper()}",
        currency=currency,
        per_usd=per_usd,
        rate_date=rate_date,
        created_by=actor,
    )
    total = 0
    for line in wanted:
        item = items.get(line.code.strip().upper())
        if item is None:
            raise ValidationError(
                {"lines": [_("%(code)s is not on the price list.") % {"code": line.code}]}
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= 100:
            raise ValidationError({"lines": [_("A quantity is a whole number from 1 to 100.")]})
        line_total = item.amount_cents * line.quantity
        EstimateLine.objects.create(
            estimate=estimate,
            price_item=item,
            description=item.description,
            unit_cents=item.amount_cents,
            quantity=line.quantity,
            total_cents=line_total,
        )
        total += line_total
    estimate.total_cents = total
    estimate.save(update_fields=["total_cents", "updated_at"])
    _event(case, kind="estimate", actor=actor, note=estimate.number)
    audit.record(action="international.estimate_created", actor=actor, target=case)
    return estimate


@transaction.atomic
def send_estimate(*, estimate: Estimate, actor: Any) -> Estimate:
    _require(actor, "international.coordinate_case")
    if estimate.status != EstimateStatus.DRAFT:
        raise Conflict(_("This estimate was already sent."))
    estimate.status = EstimateStatus.SENT
    estimate.sent_at = _now()
    estimate.save(update_fields=["status", "sent_at", "updated_at"])
    case = estimate.case
    case.tasks.open().filter(kind=TaskKind.ESTIMATE).update(done_at=estimate.sent_at)
    if case.status in (CaseStatus.NEW, CaseStatus.RECORDS_REQUESTED, CaseStatus.UNDER_REVIEW):
        case.status = CaseStatus.OPINION_SENT
        case.save(update_fields=["status", "updated_at"])
    _refresh_due(case)
    letter = _letter(case, LetterKind.ESTIMATE, actor, facts={"estimate": str(estimate.public_id)})
    notify.letter_sent(letter, to_physician=False)
    _event(case, kind="estimate_sent", actor=actor, status=case.status, note=estimate.number)
    audit.record(action="international.estimate_sent", actor=actor, target=case)
    return estimate


@transaction.atomic
def accept_estimate(*, user: Any, estimate: Estimate) -> Estimate:
    """The patient (or whoever follows the case) accepts the estimate online."""
    case = Case.objects.select_for_update().get(pk=estimate.case_id)
    estimate = Estimate.objects.select_for_update().get(pk=estimate.pk)
    if estimate.status == EstimateStatus.ACCEPTED:
        return estimate
    if estimate.status != EstimateStatus.SENT:
        raise Conflict(_("This estimate can no longer be accepted."))
    estimate.status = EstimateStatus.ACCEPTED
    estimate.accepted_at = _now()
    estimate.accepted_by = user
    estimate.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    case.estimates.exclude(pk=estimate.pk).filter(
        status__in=(EstimateStatus.SENT, EstimateStatus.ACCEPTED)
    ).update(status=EstimateStatus.SUPERSEDED)
    case.accepted_estimate_cents = estimate.total_cents
    case.save(update_fields=["accepted_estimate_cents", "updated_at"])
    CaseTask.objects.create(
        case=case,
        kind=TaskKind.CLEARANCE,
        title=str(TaskKind.CLEARANCE.label),
        due_at=add_business_days(_now(), 5),
        owner=case.coordinator,
    )
    _refresh_due(case)
    _event(case, kind="estimate_accepted", actor=user, note=estimate.number)
    audit.record(action="international.estimate_accepted", actor=user, target=case)
    return estimate


# --- Financial clearance --------------------------------------------------------------------


def _recompute_cover(case: Case) -> None:
    deposits = case.deposits.aggregate(total=Sum("amount_cents"))["total"] or 0
    today = timezone.localdate()
    guarantees = (
        case.guarantees.filter(valid_from__lte=today, valid_until__gte=today).aggregate(
            total=Sum("limit_cents")
        )["total"]
        or 0
    )
    case.covered_cents = int(deposits) + int(guarantees)
    Case.objects.filter(pk=case.pk).update(covered_cents=case.covered_cents)


@transaction.atomic
def record_deposit(
    *, case: Case, amount_cents: int, received_on: date, reference: str, actor: Any
) -> Deposit:
    """A deposit the finance office received (the center processes no card here)."""
    _require(actor, "international.record_payment")
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationError({"amount_cents": [_("Please give an amount above zero.")]})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("A deposit cannot be dated in the future.")]})
    deposit = Deposit.objects.create(
        case=case,
        amount_cents=amount_cents,
        received_on=received_on,
        reference=reference.strip()[:80],
        recorded_by=actor,
    )
    _recompute_cover(case)
    _event(case, kind="deposit", actor=actor, note=reference)
    audit.record(action="international.deposit_recorded", actor=actor, target=case)
    return deposit


@transaction.atomic
def add_guarantee(
    *,
    case: Case,
    guarantor_kind: str,
    guarantor_name: str,
    limit_cents: int,
    valid_from: date,
    valid_until: date,
    scan: CheckedUpload | None,
    actor: Any,
) -> GuaranteeLetter:
    _require(actor, "international.record_payment")
    errors: dict[str, list[Any]] = {}
    if not isinstance(limit_cents, int) or limit_cents <= 0:
        errors["limit_cents"] = [_("Please give an amount above zero.")]
    if valid_until < valid_from:
        errors["valid_until"] = [_("The last day must be on or after the first day.")]
    if not guarantor_name.strip():
        errors["guarantor_name"] = [_("Please name who guarantees the payment.")]
    if errors:
        raise ValidationError(errors)
    document = None
    if scan is not None:
        document = _store_document(
            case, scan, kind=DocumentKind.GUARANTEE, language="", actor=actor
        )
    guarantee = GuaranteeLetter.objects.create(
        case=case,
        guarantor_kind=guarantor_kind,
        guarantor_name=guarantor_name.strip()[:200],
        limit_cents=limit_cents,
        valid_from=valid_from,
        valid_until=valid_until,
        scan=document,
        recorded_by=actor,
    )
    _recompute_cover(case)
    _event(case, kind="guarantee", actor=actor, note=guarantee.guarantor_name)
    audit.record(action="international.guarantee_recorded", actor=actor, target=case)
    return guarantee


@transaction.atomic
def clear(*, case: Case, actor: Any, override_reason: str = "") -> Case:
    """Financial clearance: the accepted estimate covered by deposits and valid guarantees, or
    an override by someone allowed to give one, with the reason (the database checks both)."""
    _require(actor, "international.coordinate_case")
    case = Case.objects.select_for_update().get(pk=case.pk)
    _recompute_cover(case)
    if override_reason.strip():
        _require(actor, "international.override_clearance")
        case.clearance_override_reason = override_reason.strip()[:300]
        case.clearance_override_by = actor
        case.save(update_fields=["clearance_override_reason", "clearance_override_by"])
    elif case.accepted_estimate_cents <= 0:
        raise ValidationError({"status": [_("The patient has not accepted an estimate yet.")]})
    case.tasks.open().filter(kind=TaskKind.CLEARANCE).update(done_at=_now())
    return set_status(case=case, status=CaseStatus.CLEARED, actor=actor)


# --- The visa support letter ----------------------------------------------------------------


@dataclass(frozen=True)
class VisaFacts:
    inpatient: str
    outpatient: str
    duration_days: int
    companions: tuple[str, ...]
    signatory_name: str
    signatory_title: str


@transaction.atomic
def issue_visa_letter(*, case: Case, facts: VisaFacts, actor: Any) -> Letter:
    """The B-2 medical visa support letter, as consulates ask for it: the condition, the
    willingness to treat, the planned care, its duration and cost in USD, who pays and how,
    companions, the signatory and a reference number."""
    _require(actor, "international.coordinate_case")
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[Any]] = {}
    if case.status not in (CaseStatus.CLEARED, CaseStatus.VISA_LETTER, CaseStatus.SCHEDULED):
        raise Conflict(_("A visa letter is issued once the case is financially cleared."))
    if not 1 <= facts.duration_days <= 365:
        errors["duration_days"] = [_("Please give a stay of 1 to 365 days.")]
    if not facts.signatory_name.strip():
        errors["signatory_name"] = [_("Please name who signs the letter.")]
    if not (facts.inpatient.strip() or facts.outpatient.strip()):
        errors["outpatient"] = [_("Please describe the planned care.")]
    if len(facts.companions) > 4:
        errors["companions"] = [_("A letter names at most four companions.")]
    if errors:
        raise ValidationError(errors)
    letter = _letter(
        case,
        LetterKind.VISA,
        actor,
        facts={
            "inpatient": facts.inpatient.strip()[:500],
            "outpatient": facts.outpatient.strip()[:500],
            "duration_days": facts.duration_days,
            "companions": [c.strip()[:200] for c in facts.companions if c.strip()],
            "signatory_name": facts.signatory_name.strip()[:200],
            "signatory_title": facts.signatory_title.strip()[:200],
            "estimate_cents": case.accepted_estimate_cents,
            "payer": case.payer,
        },
    )
    case.tasks.open().filter(kind=TaskKind.VISA).update(done_at=letter.issued_at)
    if case.status == CaseStatus.CLEARED:
        case.status = CaseStatus.VISA_LETTER
        case.save(update_fields=["status", "updated_at"])
    _refresh_due(case)
    notify.letter_sent(letter, to_physician=False)
    _event(case, kind="visa_letter", actor=actor, status=case.status, note=letter.number)
    audit.record(action="international.visa_letter", actor=actor, target=case)
    return letter


# --- After the visit ------------------------------------------------------------------------

# A summary is sent once the patient has been seen.
SUMMARY_STATUSES = (CaseStatus.IN_CARE, CaseStatus.FOLLOW_UP)
MAX_FOLLOW_UPS = 10


@dataclass(frozen=True)
class SummaryFacts:
    summary: str  # in English, for the home physician and the record
    summary_translated: str = ""  # the same in the case's language (unless that is English)
    follow_ups: tuple[str, ...] = ()
    follow_up_due: date | None = None


@transaction.atomic
def send_visit_summary(*, case: Case, facts: SummaryFacts, actor: Any) -> Letter:
    """The visit summary, as a PDF emailed to the patient in their language and to the home
    physician in English; each follow-up named becomes a task, and the case moves to
    follow-up."""
    _require(actor, "international.coordinate_case")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in SUMMARY_STATUSES:
        raise Conflict(_("A visit summary is sent once the patient has been seen."))
    follow_ups = [line.strip()[:200] for line in facts.follow_ups if line.strip()]
    errors: dict[str, list[Any]] = {}
    if not facts.summary.strip():
        errors["summary"] = [_("Please write the summary.")]
    if not case.language.startswith("en") and not facts.summary_translated.strip():
        errors["summary_translated"] = [_("Please add the summary in the patient's language.")]
    if len(follow_ups) > MAX_FOLLOW_UPS:
        errors["follow_ups"] = [_("Please name at most ten follow-ups.")]
    if follow_ups and facts.follow_up_due is None:
        errors["follow_up_due"] = [_("Please say when the follow-ups are due.")]
    elif facts.follow_up_due is not None and facts.follow_up_due < timezone.localdate():
        errors["follow_up_due"] = [_("Please choose a date from today on.")]
    if errors:
        raise ValidationError(errors)
    letter = _letter(
        case,
        LetterKind.SUMMARY,
        actor,
        facts={
            "summary": facts.summary.strip()[:8000],
            "summary_translated": facts.summary_translated.strip()[:8000],
            "follow_ups": follow_ups,
        },
    )
    if follow_ups and facts.follow_up_due is not None:
        due = timezone.make_aware(datetime.combine(facts.follow_up_due, time(17, 0)))
        for title in follow_ups:
            CaseTask.objects.create(
                case=case, kind=TaskKind.FOLLOW_UP, title=title, due_at=due, owner=case.coordinator
            )
    if case.status == CaseStatus.IN_CARE:
        case.status = CaseStatus.FOLLOW_UP
        case.save(update_fields=["status", "updated_at"])
    _refresh_due(case)
    notify.letter_sent(letter, to_physician=True)
    _event(case, kind="summary_sent", actor=actor, status=case.status, note=letter.number)
    audit.record(action="international.summary_sent", actor=actor, target=case)
    return letter
