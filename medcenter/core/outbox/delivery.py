"""Writing to the outbox and delivering from it (SECURITY.md R28).

- Never lost: the row commits with the change it reports (`enqueue` runs inside the caller's
  transaction); a delivery task is queued on commit (deferred to the due time where the task
  backend can), and `deliver_due` (manage.py outbox_deliver) sweeps up anything a dead worker
  or a lost task left behind.
- Never doubled: rows are claimed by a conditional UPDATE that only one worker can win; a claim
  that a killed worker left is taken over only after the lease; and every send carries the
  row's id as its idempotency key (the SMS gateway's key, the email's Message-ID), so the one
  window left (sent, then killed before marking it sent) is dropped by the receiving side.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from medcenter.core.models import Notification, NotificationChannel, NotificationStatus
from medcenter.core.outbox.policy import decide
from medcenter.core.outbox.registry import (
    Message,
    render_template,
    renderer_for,
    template_exists,
)
from medcenter.core.outbox.sms import gateway

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BATCH = 50
PATIENT_TO_SITE = {"pt": "pt-br", "zh": "zh-hans"}


def lease() -> timedelta:
    """How long a claim holds before another worker may take the message over."""
    seconds = getattr(settings, "OUTBOX_LEASE_SECONDS", None)
    return LEASE if seconds is None else timedelta(seconds=seconds)


def site_language(code: str) -> str:
    """The site language closest to a person's language (the default if we have none nearer)."""
    languages = {c.lower() for c, _name in settings.LANGUAGES}
    code = (code or "").lower()
    code = PATIENT_TO_SITE.get(code, code)
    return code if code in languages else str(settings.LANGUAGE_CODE).lower()


# --- Writing ----------------------------------------------------------------------------------


def enqueue(
    *,
    kind: str,
    to: str,
    dedupe_key: str,
    channel: str = NotificationChannel.EMAIL,
    language: str = "",
    context: dict[str, Any] | None = None,
    reference: str = "",
    user: Any = None,
    patient: Any = None,
    due_at: datetime | None = None,
    batch: list[Notification] | None = None,
) -> Notification | None:
    """Add one message to the outbox, in the caller's transaction, unless one with the same
    `dedupe_key` is already there (then None). `context` holds public ids and plain values.

    With `batch`, the caller queues delivery of all its messages after commit in one go
    (`trigger_after_commit`), which on SQLite is one write lock instead of one per message.
    """
    if not to:
        return None
    renderer = renderer_for(kind)  # an unknown kind fails here, in the caller's test
    note = Notification(
        kind=renderer.kind,
        category=renderer.category,
        channel=channel,
        to=to,
        user_public_id=getattr(user, "public_id", None),
        patient_public_id=getattr(patient, "public_id", None),
        language=site_language(language),
        context=context or {},
        reference=reference[:80],
        dedupe_key=dedupe_key[:160],
        due_at=due_at or timezone.now(),
    )
    # Quiet hours are known now: the row is written due at their end. (A category turned off
    # is withdrawn when it would be sent, so the choice in force then is the one applied.)
    decision = decide(note)
    if not decision.send and decision.not_before is not None:
        note.due_at = max(note.due_at, decision.not_before)
    try:
        with transaction.atomic():
            note.save(force_insert=True)
    except IntegrityError:
        return None  # already queued: the database keeps it to one
    if batch is not None:
        batch.append(note)
    else:
        transaction.on_commit(lambda: _trigger(note), robust=True)
    return note


def trigger_after_commit(notes: list[Notification]) -> None:
    """Queue delivery of these messages once the transaction that wrote them commits."""

    def trigger_all() -> None:
        with transaction.atomic():
            for note in notes:
                _trigger(note)

    if notes:
        # Robust: the rows are committed whatever happens here, and the sweep sends them.
        transaction.on_commit(trigger_all, robust=True)


def _trigger(note: Notification) -> None:
    if note.due_at <= timezone.now() + timedelta(seconds=1):
        deliver_notification.enqueue(notification_id=note.pk)
    elif default_task_backend.supports_defer:
        deliver_notification.using(run_after=note.due_at).enqueue(notification_id=note.pk)
    # Otherwise the periodic sweep (manage.py outbox_deliver) sends it when due.


def withdraw(*, reference: str, kinds: list[str]) -> int:
    """Cancel the messages of `kinds` about `reference` that have not gone yet."""
    return Notification.objects.filter(
        reference=reference, kind__in=kinds, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.CANCELLED)


# --- Delivering -------------------------------------------------------------------------------


def _claimable(now: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(
        Q(status=NotificationStatus.PENDING)
        | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - lease()),
        due_at__lte=now,
    )


def _claim_update(token: str, now: datetime) -> dict[str, Any]:
    return {
        "status": NotificationStatus.SENDING,
        "claim_token": token,
        "claimed_at": now,
        "attempts": F("attempts") + 1,
    }


def claim(notification_id: int) -> str | None:
    """Take one due message for sending; returns the claim token, or None if not ours to send."""
    token = uuid.uuid4().hex
    now = timezone.now()
    won = _claimable(now).filter(pk=notification_id).update(**_claim_update(token, now))
    return token if won else None


def claim_batch(*, limit: int = BATCH) -> tuple[str, list[Notification]]:
    """Take up to `limit` due messages (and those whose claim has lapsed) in one claim."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        # PostgreSQL: workers skip each other's rows instead of queueing behind them; SQLite
        # has one writer at a time anyway. The conditions are checked again by the UPDATE.
        ids = list(
            _claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return token, []
        _claimable(now).filter(pk__in=ids).update(**_claim_update(token, now))
    return token, list(
        Notification.objects.filter(claim_token=token, status=NotificationStatus.SENDING)
    )


def _mark(note: Notification, token: str, **fields: Any) -> None:
    if note.status != NotificationStatus.PENDING and renderer_forgets(note):
        fields["context"] = {}
    Notification.objects.filter(pk=note.pk, claim_token=token).update(**fields)


def renderer_forgets(note: Notification) -> bool:
    try:
        return renderer_for(note.kind).forget_context
    except LookupError:
        return False


def deliver_claimed(note: Notification, token: str) -> bool:
    """Send one message this worker has claimed and record the outcome; True if it went."""
    decision = decide(note)
    if not decision.send:
        if decision.not_before is not None:  # quiet hours: later, not never
            note.status = NotificationStatus.PENDING
            _mark(
                note,
                token,
                status=NotificationStatus.PENDING,
                due_at=decision.not_before,
                attempts=F("attempts") - 1,
            )
        else:
            note.status = NotificationStatus.CANCELLED
            _mark(note, token, status=note.status, last_error=decision.reason[:300])
        return False
    try:
        message = render(note)
        if message is None:
            note.status = NotificationStatus.CANCELLED
            _mark(note, token, status=note.status)
            return False
        send(note, message)
    except Exception as error:  # a provider's failure: retried with back-off, then given up
        logger.warning("notification %s failed: %s", note.public_id, type(error).__name__)
        failed = note.attempts >= MAX_ATTEMPTS
        note.status = NotificationStatus.FAILED if failed else NotificationStatus.PENDING
        _mark(
            note,
            token,
            status=note.status,
            last_error=type(error).__name__[:300],
            due_at=timezone.now() + timedelta(minutes=2**note.attempts),
        )
        return False
    note.status = NotificationStatus.SENT
    _mark(note, token, status=note.status, sent_at=timezone.now())
    return True


def deliver(notification_id: int) -> bool:
    """Claim, send and mark one message; True if this call sent it."""
    token = claim(notification_id)
    if token is None:
        return False
    return deliver_claimed(Notification.objects.get(pk=notification_id), token)


@task()
def deliver_notification(*, notification_id: int) -> bool:
    """Send one message from the outbox (a no-op if another worker already has it)."""
    return deliver(notification_id)


def deliver_due(*, limit: int = 500) -> int:
    """Send up to `limit` messages that are due (and reclaim those a dead worker left);
    returns how many were sent."""
    sent = seen = 0
    while seen < limit:
        token, notes = claim_batch(limit=min(BATCH, limit - seen))
        if not notes:
            break
        seen += len(notes)
        sent += sum(1 for note in notes if deliver_claimed(note, token))
    return sent


def render(note: Notification) -> Message | None:
    """The message in the recipient's language; None when it no longer applies."""
    renderer = renderer_for(note.kind)
    with translation.override(note.language):
        variables: dict[str, Any] = {
            "center": settings.CENTER["name"],
            "center_phone": settings.CENTER["phone"],
            "site_url": str(settings.SITE_URL).rstrip("/") + "/",
            **note.context,
        }
        if renderer.context is not None:
            extra = renderer.context(note)
            if extra is None:
                return None
            variables.update(extra)
        subject = " ".join(render_template(f"{renderer.templates}_subject.txt", variables).split())
        sms_template = f"{renderer.templates}_sms.txt"
        if note.channel == NotificationChannel.SMS and template_exists(sms_template):
            return Message("", render_template(sms_template, variables).strip())
        body = render_template(f"{renderer.templates}_body.txt", variables).strip()
        attachments = []
        if renderer.attachments is not None and note.channel == NotificationChannel.EMAIL:
            attachments = renderer.attachments(note, variables)
        headers = renderer.headers(note) if renderer.headers is not None else {}
        return Message(subject, body, attachments, headers)


def send(note: Notification, message: Message) -> None:
    key = str(note.public_id)
    if note.channel == NotificationChannel.SMS:
        text = f"{message.subject}. {message.body}" if message.subject else message.body
        gateway().send(to=note.to, body=text[:600], idempotency_key=key)
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
        headers={**message.headers, "Message-ID": f"<{key}@{domain}>"},
    )
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    email.send()
