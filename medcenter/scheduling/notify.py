"""The outbox (SECURITY.md R28): messages are rows written with the change they report, then
delivered by a background task that claims each row before sending it.

- Never lost: the row commits with the booking; a task is queued on commit (deferred to the
  due time where the task backend can), and `deliver_due` sweeps up anything a dead worker or a
  lost task left behind.
- Never doubled: a row is claimed by a conditional UPDATE that only one worker can win; a claim
  that a killed worker left is taken over only after `LEASE`; and every send carries the row's
  id as its idempotency key (the SMS gateway's key, the email's Message-ID), so the one window
  left (sent, then killed before marking it sent) is dropped by the receiving side.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medcenter.scheduling import sms
from medcenter.scheduling.models import (
    Appointment,
    Channel,
    Notification,
    NotificationKind,
    NotificationStatus,
    Referral,
    SlotOffer,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
SITE_LANGUAGES = {"en", "es", "pt-br", "zh-hans", "ar", "ru"}
PATIENT_TO_SITE = {"pt": "pt-br", "zh": "zh-hans"}


def site_language(code: str) -> str:
    """The site language closest to a patient's language (English if we have none nearer)."""
    code = (code or "en").lower()
    code = PATIENT_TO_SITE.get(code, code)
    return code if code in SITE_LANGUAGES else "en"


# --- Writing to the outbox --------------------------------------------------------------------


def enqueue(
    *,
    kind: str,
    channel: str,
    to: str,
    language: str,
    dedupe_key: str,
    due_at: Any = None,
    appointment: Appointment | None = None,
    referral: Referral | None = None,
    offer: SlotOffer | None = None,
    batch: list[Notification] | None = None,
) -> Notification | None:
    """Add one message to the outbox unless one with the same purpose is already there.

    With `batch`, the caller triggers delivery of all its messages after commit in one go
    (`trigger_after_commit`), which on SQLite is one write lock instead of one per message.
    """
    if not to:
        return None
    due_at = due_at or timezone.now()
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                kind=kind,
                channel=channel,
                to=to,
                language=site_language(language),
                dedupe_key=dedupe_key[:120],
                due_at=due_at,
                appointment=appointment,
                referral=referral,
                offer=offer,
            )
    except IntegrityError:
        return None  # already queued: the database keeps it to one
    if batch is not None:
        batch.append(note)
    else:
        transaction.on_commit(lambda: _trigger(note))
    return note


def trigger_after_commit(notes: list[Notification]) -> None:
    """Queue delivery of these messages once the transaction that wrote them commits."""

    def trigger_all() -> None:
        with transaction.atomic():
            for note in notes:
                _trigger(note)

    if notes:
        transaction.on_commit(trigger_all)


def _trigger(note: Notification) -> None:
    from django_tasks import default_task_backend

    from medcenter.scheduling.tasks import deliver_notification

    if note.due_at <= timezone.now() + timedelta(seconds=1):
        deliver_notification.enqueue(notification_id=note.pk)
    elif default_task_backend.supports_defer:
        deliver_notification.using(run_after=note.due_at).enqueue(notification_id=note.pk)
    # Otherwise the periodic sweep (manage.py scheduling_sweep) sends it when due.


def _patient_channels(patient: Any) -> list[tuple[str, str]]:
    """Where a patient hears from us: their preferred channel first; never SMS without consent."""
    channels: list[tuple[str, str]] = []
    phone = str(patient.phone or "")
    if patient.contact_preference == "sms" and patient.sms_consent and phone:
        channels.append((Channel.SMS, phone))
    if patient.email:
        channels.append((Channel.EMAIL, patient.email))
    elif phone and patient.sms_consent and not channels:
        channels.append((Channel.SMS, phone))
    return channels


def reminder_offsets() -> list[timedelta]:
    return [timedelta(hours=h) for h in getattr(settings, "SCHEDULING_REMINDER_HOURS", [168, 24])]


def appointment_booked(appointment: Appointment) -> None:
    """Queue the confirmation (email with an .ics) and the reminders for a new booking."""
    patient = appointment.patient
    if patient is None:
        return
    channels = _patient_channels(patient)
    if not channels:
        return  # no way to reach them: the scheduler tells them in person or by phone
    language = patient.preferred_language
    batch: list[Notification] = []
    first = next((c for c in channels if c[0] == Channel.EMAIL), channels[0])
    enqueue(
        kind=NotificationKind.CONFIRMATION,
        channel=first[0],
        to=first[1],
        language=language,
        dedupe_key=f"confirm:{appointment.public_id}",
        appointment=appointment,
        batch=batch,
    )
    now = timezone.now()
    channel, to = channels[0]
    for offset in reminder_offsets():
        due = appointment.start - offset
        if due <= now:
            continue
        enqueue(
            kind=NotificationKind.REMINDER,
            channel=channel,
            to=to,
            language=language,
            dedupe_key=f"remind:{appointment.public_id}:{int(offset.total_seconds())}",
            due_at=due,
            appointment=appointment,
            batch=batch,
        )
    trigger_after_commit(batch)


def cancel_pending(appointment: Appointment) -> int:
    """Withdraw reminders not yet sent for an appointment that will not happen."""
    return Notification.objects.filter(
        appointment=appointment,
        status=NotificationStatus.PENDING,
        kind__in=(NotificationKind.REMINDER, NotificationKind.OFFER),
    ).update(status=NotificationStatus.CANCELLED)


def appointment_cancelled(appointment: Appointment) -> None:
    cancel_pending(appointment)
    patient = appointment.patient
    if patient is None:
        return
    for channel, to in _patient_channels(patient)[:1]:
        enqueue(
            kind=NotificationKind.CANCELLATION,
            channel=channel,
            to=to,
            language=patient.preferred_language,
            dedupe_key=f"cancel:{appointment.public_id}",
            appointment=appointment,
        )


def appointment_rescheduled(*, old: Appointment, new: Appointment) -> None:
    cancel_pending(old)
    appointment_booked(new)


def offer_made(offer: SlotOffer) -> None:
    patient = offer.entry.patient
    for channel, to in _patient_channels(patient)[:1]:
        enqueue(
            kind=NotificationKind.OFFER,
            channel=channel,
            to=to,
            language=patient.preferred_language,
            dedupe_key=f"offer:{offer.public_id}",
            appointment=offer.hold,
            offer=offer,
        )


def referral_received(referral: Referral) -> None:
    """Acknowledge a referral to whoever sent it; the physician and the patient each once."""
    if referral.referrer_email:
        enqueue(
            kind=NotificationKind.REFERRAL_RECEIVED,
            channel=Channel.EMAIL,
            to=referral.referrer_email,
            language="en",
            dedupe_key=f"referral:{referral.public_id}:referrer",
            referral=referral,
        )
    if referral.email:
        enqueue(
            kind=NotificationKind.REFERRAL_RECEIVED,
            channel=Channel.EMAIL,
            to=referral.email,
            language=referral.language,
            dedupe_key=f"referral:{referral.public_id}:patient",
            referral=referral,
        )


def consult_letter(referral: Referral) -> Notification | None:
    return enqueue(
        kind=NotificationKind.CONSULT_LETTER,
        channel=Channel.EMAIL,
        to=referral.referrer_email,
        language="en",
        dedupe_key=f"letter:{referral.public_id}",
        referral=referral,
    )


# --- Delivering -------------------------------------------------------------------------------


def claim(notification_id: int) -> str | None:
    """Take one due message for sending; returns the claim token, or None if not ours to send."""
    token = uuid.uuid4().hex
    now = timezone.now()
    won = Notification.objects.filter(
        Q(status=NotificationStatus.PENDING)
        | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - LEASE),
        pk=notification_id,
        due_at__lte=now,
    ).update(
        status=NotificationStatus.SENDING,
        claim_token=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return token if won else None


def deliver(notification_id: int) -> bool:
    """Claim, send and mark one message; True if this call sent it."""
    token = claim(notification_id)
    if token is None:
        return False
    note = Notification.objects.select_related(
        "appointment__visit_type",
        "appointment__clinician",
        "appointment__resource",
        "appointment__location",
        "appointment__patient",
        "referral",
        "offer",
    ).get(pk=notification_id)
    try:
        message = render(note)
        if message is None:
            Notification.objects.filter(pk=note.pk, claim_token=token).update(
                status=NotificationStatus.CANCELLED
            )
            return False
        send(note, message)
    except Exception as error:  # a provider's failure: retried by the sweep, then given up
        logger.warning("notification %s failed: %s", note.public_id, type(error).__name__)
        failed = note.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=note.pk, claim_token=token).update(
            status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
            last_error=type(error).__name__[:300],
            due_at=timezone.now() + timedelta(minutes=2**note.attempts),
        )
        return False
    Notification.objects.filter(pk=note.pk, claim_token=token).update(
        status=NotificationStatus.SENT, sent_at=timezone.now()
    )
    return True


def deliver_due(*, limit: int = 500) -> int:
    """Send every message that is due (and reclaim those a dead worker left); returns sent."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - LEASE),
            due_at__lte=now,
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if deliver(pk))


@dataclass
class Message:
    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def send(note: Notification, message: Message) -> None:
    key = str(note.public_id)
    if note.channel == Channel.SMS:
        sms.gateway().send(
            to=note.to, body=f"{message.subject}. {message.body}"[:600], idempotency_key=key
        )
        return
    # The address, not the whole setting: "Center <no-reply@x>" would give "<id@x>>", a
    # malformed Message-ID that mail systems may drop or replace, so a resend would no longer
    # be recognised as the same message.
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "medcenter.invalid"
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[note.to],
        headers={"Message-ID": f"<{key}@{domain}>"},
    )
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    email.send()


# --- What each message says -------------------------------------------------------------------


def _when(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.start)
    return date_format(local, "DATETIME_FORMAT")


def _portal_link() -> str:
    return str(settings.SITE_URL).rstrip("/") + "/"


def render(note: Notification) -> Message | None:
    """The message in the recipient's language; None when it no longer applies."""
    from medcenter.scheduling import calendar_files, letters

    with translation.override(note.language):
        appointment = note.appointment
        center = settings.CENTER["name"]
        if note.kind in (NotificationKind.CONFIRMATION, NotificationKind.REMINDER):
            if appointment is None or appointment.status != "booked":
                return None
            details = _("%(visit)s with %(who)s on %(when)s at %(where)s.") % {
                "visit": appointment.visit_type.label(note.language),
                "who": appointment.owner_label,
                "when": _when(appointment),
                "where": appointment.location.name,
            }
            if note.kind == NotificationKind.CONFIRMATION:
                subject = _("Your appointment is booked")
                body = "\n\n".join(
                    [
                        details,
                        _("The attached calendar file adds it to your calendar."),
                        _("To change or cancel, sign in at %(link)s or call %(phone)s.")
                        % {"link": _portal_link(), "phone": settings.CENTER["phone"]},
                        center,
                    ]
                )
                attachments = [
                    (
                        "appointment.ics",
                        calendar_files.appointment_ics(appointment),
                        "text/calendar",
                    )
                ]
                return Message(subject, body, attachments)
            subject = _("Reminder: your appointment on %(when)s") % {"when": _when(appointment)}
            body = "\n\n".join(
                [
                    details,
                    _("Please arrive 15 minutes early and bring your medication list."),
                    center,
                ]
            )
            return Message(subject, body)
        if note.kind == NotificationKind.CANCELLATION:
            if appointment is None:
                return None
            subject = _("Your appointment was cancelled")
            body = "\n\n".join(
                [
                    _("Your %(visit)s on %(when)s is cancelled.")
                    % {
                        "visit": appointment.visit_type.label(note.language),
                        "when": _when(appointment),
                    },
                    _("To book another time, sign in at %(link)s or call %(phone)s.")
                    % {"link": _portal_link(), "phone": settings.CENTER["phone"]},
                    center,
                ]
            )
            return Message(
                subject,
                body,
                [("cancelled.ics", calendar_files.appointment_ics(appointment), "text/calendar")],
            )
        if note.kind == NotificationKind.OFFER:
            offer = note.offer
            if offer is None or offer.status != "offered" or appointment is None:
                return None
            subject = _("An earlier appointment is available")
            body = "\n\n".join(
                [
                    _("We can see you earlier: %(when)s with %(who)s.")
                    % {"when": _when(appointment), "who": appointment.owner_label},
                    _(
                        "We are holding this time for you until %(until)s. "
                        "Sign in at %(link)s to take it."
                    )
                    % {
                        "until": date_format(
                            timezone.localtime(offer.expires_at), "DATETIME_FORMAT"
                        ),
                        "link": _portal_link(),
                    },
                    center,
                ]
            )
            return Message(subject, body)
        if note.kind == NotificationKind.REFERRAL_RECEIVED:
            referral = note.referral
            if referral is None:
                return None
            subject = _("We received your request")
            body = "\n\n".join(
                [
                    _("Thank you. Our team will contact you by %(due)s.")
                    % {
                        "due": date_format(
                            timezone.localtime(referral.contact_due_at), "DATETIME_FORMAT"
                        )
                    },
                    _("Your reference: %(ref)s") % {"ref": str(referral.public_id)[:8].upper()},
                    _("If this is urgent, call %(phone)s.") % {"phone": settings.CENTER["phone"]},
                    center,
                ]
            )
            return Message(subject, body)
        if note.kind == NotificationKind.CONSULT_LETTER:
            referral = note.referral
            if referral is None:
                return None
            subject = _("Consult letter for your referral %(ref)s") % {
                "ref": str(referral.public_id)[:8].upper()
            }
            body = (
                _("Thank you for your referral. The consult letter is attached.") + "\n\n" + center
            )
            return Message(
                subject,
                body,
                [("consult-letter.pdf", letters.consult_letter_pdf(referral), "application/pdf")],
            )
    return None
