"""Referrals and appointment requests: received, routed to a program's triage queue, worked
through triaged -> scheduled -> seen -> report sent, and closed with a consult letter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, pending_uploads, throttle, vault
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload
from medcenter.directory.models import Clinician, Condition, Program
from medcenter.patients.models import Patient
from medcenter.scheduling import notify
from medcenter.scheduling.models import (
    Appointment,
    AvailabilityException,
    ExceptionKind,
    Payment,
    Referral,
    ReferralDocument,
    ReferralEvent,
    ReferralSource,
    ReferralStatus,
    Urgency,
)

MAX_DOCUMENTS = 10
URGENT_CONTACT = timedelta(hours=4)
FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "language",
    "submitter_name",
    "submitter_relationship",
    "referrer_name",
    "referrer_npi",
    "referrer_practice",
    "referrer_email",
    "referrer_phone",
    "referrer_fax",
    "diagnosis",
    "icd10_code",
    "notes_from_submitter",
    "preferred_times",
    "urgency",
    "requested_clinician",
    "requested_visit_type",
    "requested_program",
    "condition",
    "payment",
    "insurance_payer",
    "insurance_member_id",
)


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit (Luhn over the number prefixed with 80840)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _is_business_day(day: Any) -> bool:
    if day.weekday() >= 5:
        return False
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return not AvailabilityException.objects.filter(
        kind=ExceptionKind.HOLIDAY,
        clinician__isnull=True,
        resource__isnull=True,
        location__isnull=True,
        starts_at__lte=start + timedelta(hours=12),
        ends_at__gt=start + timedelta(hours=12),
    ).exists()


def add_business_days(moment: datetime, days: int) -> datetime:
    """The same local time `days` business days later: weekends and the center's holidays
    (availability exceptions of kind holiday for the whole center) are skipped."""
    local = timezone.localtime(moment)
    day = local.date()
    for _step in range(days):
        day += timedelta(days=1)
        while not _is_business_day(day):
            day += timedelta(days=1)
    return local.replace(year=day.year, month=day.month, day=day.day)


def contact_due(*, received_at: datetime, urgency: str) -> datetime:
    """When the first contact is due: 4 hours for urgent, else one business day."""
    if urgency == Urgency.URGENT:
        return received_at + URGENT_CONTACT
    return add_business_days(received_at, 1)


def route(
    condition: Condition | None,
    *,
    program: Program | None = None,
    clinician: Clinician | None = None,
) -> Program | None:
    """The program whose triage queue takes a referral: the one the sender asked for, else the
    requested clinician's first program, else the condition's primary program; None is the
    general intake queue."""
    if program is not None:
        return program
    if clinician is not None:
        first = clinician.programs.filter(is_published=True).order_by("order", "name").first()
        if first is not None:
            return first
    if condition is None:
        return None
    if condition.primary_program_id:
        return condition.primary_program
    return condition.programs.order_by("order").first()


CHOICE_FIELDS = (
    "requested_program",
    "requested_clinician",
    "payment",
    "insurance_payer",
    "insurance_member_id",
)


def check_choices(fields: dict[str, Any]) -> None:
    """Check the requested program or clinician and the payment; raise ValidationError per
    field. Self-pay clears the insurance details, a payer alone means insurance."""
    problems: dict[str, list[str]] = {}
    for check in (_check_target, _check_payment):
        try:
            check(fields)
        except ValidationError as error:
            problems.update(error.message_dict)
    if problems:
        raise ValidationError(problems)


def _check_target(fields: dict[str, Any]) -> None:
    program: Program | None = fields.get("requested_program")
    clinician: Clinician | None = fields.get("requested_clinician")
    problems: dict[str, list[str]] = {}
    if program is not None and not program.is_published:
        problems["requested_program"] = [_("Choose a program from the list.")]
    if clinician is not None and not clinician.is_active:
        problems["requested_clinician"] = [_("Choose a clinician from the list.")]
    elif (
        program is not None
        and clinician is not None
        and not clinician.programs.filter(pk=program.pk).exists()
    ):
        problems["requested_clinician"] = [
            _("%(clinician)s is not part of the %(program)s team. Choose one or the other.")
            % {"clinician": clinician.display_name, "program": program.label}
        ]
    if problems:
        raise ValidationError(problems)


def _check_payment(fields: dict[str, Any]) -> None:
    """Insurance needs the payer and member ID; self-pay keeps neither."""
    payer = str(fields.get("insurance_payer") or "").strip()
    member_id = str(fields.get("insurance_member_id") or "").strip()
    if not fields.get("payment") and (payer or member_id):
        fields["payment"] = Payment.INSURANCE
    if fields.get("payment") == Payment.SELF_PAY:
        payer = member_id = ""
    problems: dict[str, list[str]] = {}
    if fields.get("payment") == Payment.INSURANCE:
        if not payer:
            problems["insurance_payer"] = [_("Name the insurance company or plan.")]
        if not member_id:
            problems["insurance_member_id"] = [_("Give the member ID from the insurance card.")]
    if problems:
        raise ValidationError(problems)
    fields["insurance_payer"], fields["insurance_member_id"] = payer, member_id


def check_throttle(*, client_ip: str | None) -> None:
    """At most REFERRALS_PER_HOUR submissions an hour from one connection."""
    if client_ip:
        throttle.check_hourly(
            Referral.objects.filter(client_ip=client_ip),
            at="received_at",
            limit=int(getattr(settings, "REFERRALS_PER_HOUR", 5)),
            message=_("Too many requests from this connection. Please call us instead."),
        )


@transaction.atomic
def submit_referral(
    *,
    data: dict[str, Any],
    source: str,
    documents: Sequence[CheckedUpload] = (),
    submitted_by: Any = None,
    patient: Patient | None = None,
    client_ip: str | None = None,
    kept: Sequence[PendingUpload] = (),
) -> Referral:
    """Receive a referral or request, keep its documents encrypted, route it to a triage
    queue; `kept` are the pending uploads behind `documents`, released once they are stored."""
    check_throttle(client_ip=client_ip)
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError(
            {"documents": [_("Please send at most %(n)d files.") % {"n": MAX_DOCUMENTS}]}
        )
    if source == ReferralSource.PHYSICIAN and not npi_is_valid(str(data.get("referrer_npi", ""))):
        raise ValidationError({"referrer_npi": [_("This is not a valid 10-digit NPI.")]})
    fields = {k: v for k, v in data.items() if k in FIELDS and v is not None}
    check_choices(fields)
    now = timezone.now()
    referral = Referral(
        source=source,
        patient=patient,
        client_ip=client_ip,
        received_at=now,
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        **fields,
    )
    referral.program = route(
        referral.condition,
        program=referral.requested_program,
        clinician=referral.requested_clinician,
    )
    referral.contact_due_at = contact_due(received_at=now, urgency=referral.urgency)
    referral.full_clean()
    referral.save()
    with vault.deleted_on_failure() as stored:
        for upload in documents:
            ReferralDocument.objects.create(
                referral=referral,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                vault_key=stored.store(upload.content),
            )
    pending_uploads.release_uploads(uploads=kept)
    ReferralEvent.objects.create(referral=referral, status=ReferralStatus.RECEIVED, note="")
    notify.referral_received(referral)
    audit.record(
        action="referral.received",
        actor=submitted_by,
        patient=patient,
        target=referral,
    )
    return referral


def _event(
    referral: Referral, *, actor: Any, status: str = "", note: str = "", contacted: bool = False
) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        status=status,
        note=note,
        contacted=contacted,
    )


def _move(referral: Referral, *, status: str, actor: Any, note: str = "") -> None:
    if status == referral.status:
        return
    if status not in referral.next_statuses():
        raise ValidationError(
            {
                "status": [
                    _("A referral that is %(now)s cannot become %(next)s.")
                    % {"now": referral.get_status_display(), "next": ReferralStatus(status).label}
                ]
            }
        )
    referral.status = status
    referral.status_changed_at = timezone.now()
    referral.save(update_fields=["status", "status_changed_at", "updated_at"])
    _event(referral, actor=actor, status=status, note=note)


@transaction.atomic
def set_referral_status(
    *,
    referral: Referral,
    status: str,
    actor: Any,
    note: str = "",
) -> Referral:
    """Move a referral along its statuses (a decline needs a note saying why)."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if status == ReferralStatus.DECLINED and not note.strip():
        raise ValidationError({"note": [_("Say why the referral is closed without a visit.")]})
    if status == ReferralStatus.REPORT_SENT:
        raise ValidationError({"status": [_("Send the consult letter to close the loop.")]})
    _move(current, status=status, actor=actor, note=note.strip())
    audit.record(
        action=f"referral.{status}",
        actor=actor,
        patient=current.patient,
        target=current,
    )
    return current


@transaction.atomic
def add_referral_note(
    *,
    referral: Referral,
    actor: Any,
    note: str,
    contacted: bool = False,
) -> Referral:
    """Add a note; `contacted` records the first contact that the service-level timer waits for."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if not note.strip():
        raise ValidationError({"note": [_("Write the note first.")]})
    _event(current, actor=actor, note=note.strip()[:4000], contacted=contacted)
    if contacted and current.first_contact_at is None:
        current.first_contact_at = timezone.now()
        current.save(update_fields=["first_contact_at", "updated_at"])
    audit.record(
        action="referral.noted",
        actor=actor,
        patient=current.patient,
        target=current,
    )
    return current


@transaction.atomic
def assign_referral(*, referral: Referral, assignee: Any, actor: Any) -> Referral:
    """Give a referral to one staff member to work."""
    if assignee is not None and not (
        assignee.is_staff and assignee.has_perm("scheduling.triage_referral")
    ):
        raise ValidationError({"assignee": [_("This person cannot work the triage queue.")]})
    Referral.objects.filter(pk=referral.pk).update(assigned_to=assignee, updated_at=timezone.now())
    referral.refresh_from_db()
    _event(
        referral,
        actor=actor,
        note=_("Assigned to %(name)s") % {"name": assignee.get_full_name() if assignee else "-"},
    )
    audit.record(
        action="referral.assigned",
        actor=actor,
        patient=referral.patient,
        target=referral,
    )
    return referral


@transaction.atomic
def register_referred_patient(*, referral: Referral, actor: Any) -> Patient:
    """Register the referred person as a new patient (the registrar gets a case with them)."""
    from medcenter.patients.services import register_patient

    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.patient is not None:
        return current.patient
    language = current.language if current.language else "en"
    patient = register_patient(
        data={
            "given_name": current.given_name,
            "family_name": current.family_name,
            "date_of_birth": current.date_of_birth,
            "sex": "unknown",
            "email": current.email,
            "phone": current.phone,
            "preferred_language": {"pt-br": "pt", "zh-hans": "zh"}.get(language, language),
            "contact_preference": "email" if current.email else "phone",
        },
        registered_by=actor,
    )
    current.patient = patient
    current.save(update_fields=["patient", "updated_at"])
    _event(current, actor=actor, note=_("Registered as patient %(mrn)s") % {"mrn": patient.mrn})
    return patient


def referral_booked(*, referral: Any, appointment: Appointment | None, actor: Any) -> None:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status in (ReferralStatus.RECEIVED, ReferralStatus.TRIAGED):
        _move(current, status=ReferralStatus.SCHEDULED, actor=actor)
    if current.first_contact_at is None:
        current.first_contact_at = timezone.now()  # booking the visit is contact
        current.save(update_fields=["first_contact_at"])


def referral_seen(*, referral: Any, actor: Any) -> None:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status == ReferralStatus.SCHEDULED:
        _move(current, status=ReferralStatus.SEEN, actor=actor)


@transaction.atomic
def send_consult_letter(*, referral: Referral, summary: str, actor: Any) -> Referral:
    """Write the consult summary and send the letter to the referring physician: loop closed."""
    if not (getattr(actor, "is_staff", False) and actor.has_perm("scheduling.triage_referral")):
        raise PermissionDenied
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != ReferralStatus.SEEN:
        raise ValidationError(
            {"summary": [_("The letter goes out once the patient has been seen.")]}
        )
    if not summary.strip():
        raise ValidationError({"summary": [_("Write the consult summary first.")]})
    if not current.referrer_email:
        raise ValidationError(
            {"summary": [_("There is no physician email to send the letter to.")]}
        )
    current.consult_summary = summary.strip()
    current.letter_sent_at = timezone.now()
    current.save(update_fields=["consult_summary", "letter_sent_at", "updated_at"])
    _move(current, status=ReferralStatus.REPORT_SENT, actor=actor)
    notify.consult_letter(current)
    audit.record(
        action="referral.letter_sent",
        actor=actor,
        patient=current.patient,
        target=current,
    )
    return current


def read_document(*, document: ReferralDocument, actor: Any) -> bytes:
    """Decrypt one referral document for a staff member; every read is audited."""
    content = vault.fetch(key=document.vault_key)
    audit.record(
        action="referral.document_read",
        actor=actor,
        patient=document.referral.patient,
        target=document,
        read=True,
    )
    return content
