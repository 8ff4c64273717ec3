"""Writes: starting threads, patients' and staff's messages, alerts, and the inbox's work.

Every write is audited inside its transaction; the patient hears of a reply through the
outbox (`notify.py`), which carries no clinical content.
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medcenter.core import audit, idempotency, pending_uploads, vault
from medcenter.core.errors import Conflict
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload
from medcenter.directory.models import Program
from medcenter.messaging import notify
from medcenter.messaging.models import (
    Attachment,
    AuthorRole,
    Message,
    Pool,
    PoolKind,
    ReadReceipt,
    Thread,
    ThreadKind,
    ThreadStatus,
)
from medcenter.messaging.selectors import may_write_to, staff_may_work, works_pool
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.models import Patient, ProxyScope
from medcenter.scheduling.referrals import add_business_days

MAX_ATTACHMENTS = 5
SUBJECT_MAX = 150
BODY_MAX = 5000
DEFAULT_NURSE_POOL = "nurse-line"


class KeyReused(idempotency.KeyReused):
    """The same Idempotency-Key was sent before with a different message (R26: 422)."""


def _writer_role(access: PatientAccess) -> str:
    if access.basis == Basis.SELF:
        return AuthorRole.PATIENT
    if access.basis == Basis.PROXY:
        return AuthorRole.PROXY
    # Staff answer from the inbox (post_staff_reply); they never write as the patient.
    raise PermissionDenied


def _check_writer(user: Any, access: PatientAccess) -> str:
    role = _writer_role(access)
    if ProxyScope.MESSAGES not in access.scopes:
        raise PermissionDenied
    if role == AuthorRole.PATIENT and access.patient.user_id != user.pk:
        raise PermissionDenied
    return role


def _clean_text(subject: str | None, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors: dict[str, list[Any]] = {}
    if subject is not None and len(subject) > SUBJECT_MAX:
        errors["subject"] = [_("Please keep the subject under 150 characters.")]
    if not body:
        errors["body"] = [_("Please write your message.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Please keep your message under 5,000 characters.")]
    if "\x00" in subject or "\x00" in body:
        errors["body"] = [_("Your message contains a character we cannot store.")]
    if errors:
        raise ValidationError(errors)
    return subject, body


def _dedupe(user: Any, key: str | None, what: str) -> str | None:
    if not key:
        return None
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:64]
    return f"{what}:{user.pk}:{digest}"


def _attach(message: Message, files: Sequence[CheckedUpload]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": [_("Please attach at most 5 files to one message.")]})
    stored: list[str] = []
    try:
        for upload in files:
            key = vault.store(content=upload.content)
            stored.append(key)
            Attachment.objects.create(
                message=message,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                vault_key=key,
            )
    except Exception:
        for key in stored:
            vault.delete(key=key)
        raise


def _due_after(moment: datetime, pool: Pool) -> datetime:
    return add_business_days(moment, pool.reply_business_days)


@transaction.atomic
def start_thread(
    user: Any,
    *,
    access: PatientAccess,
    pool: Pool,
    subject: str,
    body: str,
    files: Sequence[CheckedUpload] = (),
    idempotency_key: str | None = None,
    kept: Sequence[PendingUpload] = (),
) -> Thread:
    """Start a thread from the patient (or their proxy, writing as themselves) to `pool`."""
    role = _check_writer(user, access)
    subject, body = _clean_text(subject, body)
    if not subject:
        raise ValidationError({"subject": [_("Please give your message a subject.")]})
    dedupe_key = _dedupe(user, idempotency_key, "t")
    if dedupe_key is not None:
        existing = Thread.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return _replayed_thread(existing, pool=pool, subject=subject, body=body, files=files)
    if not may_write_to(access.patient, pool):
        raise ValidationError({"pool": [_("Please choose one of the teams listed.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                patient=access.patient,
                pool=pool,
                subject=subject,
                created_by=user,
                due_at=_due_after(now, pool),
                last_message_at=now,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        existing = Thread.objects.get(dedupe_key=dedupe_key)
        return _replayed_thread(existing, pool=pool, subject=subject, body=body, files=files)
    message = Message.objects.create(thread=thread, author=user, author_role=role, body=body)
    _attach(message, files)
    ReadReceipt.objects.create(message=message, reader=user, read_at=now)
    pending_uploads.release_uploads(uploads=kept)
    audit.record(action="message.thread_started", actor=user, patient=access.patient, target=thread)
    return thread


def _same_files(message: Message, files: Sequence[CheckedUpload]) -> bool:
    """Whether `files` are the message's attachments (by content), in any order."""
    stored = sorted(message.attachments.values_list("sha256", flat=True))
    return stored == sorted(f.sha256 for f in files)


def _replayed_thread(
    thread: Thread, *, pool: Pool, subject: str, body: str, files: Sequence[CheckedUpload]
) -> Thread:
    first = thread.messages.order_by("id").first()
    if (
        thread.pool_id != pool.pk
        or thread.subject != subject
        or first is None
        or first.body != body
        or not _same_files(first, files)
    ):
        raise KeyReused(gettext("This key was already used for a different message."))
    return thread


@transaction.atomic
def post_patient_message(
    user: Any,
    *,
    access: PatientAccess,
    thread: Thread,
    body: str,
    files: Sequence[CheckedUpload] = (),
    idempotency_key: str | None = None,
    kept: Sequence[PendingUpload] = (),
) -> Message:
    """Add the patient's (or their proxy's) message to an open thread of that patient."""
    role = _check_writer(user, access)
    if thread.patient_id != access.patient.pk:
        raise PermissionDenied
    _subject, body = _clean_text(None, body)
    dedupe_key = _dedupe(user, idempotency_key, "m")
    if dedupe_key is not None:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return _replayed_message(existing, thread=thread, body=body, files=files)
    thread = Thread.objects.select_for_update().select_related("pool").get(pk=thread.pk)
    if thread.status != ThreadStatus.OPEN:
        raise ValidationError(
            {"body": [_("This conversation is closed. Please start a new message.")]}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                thread=thread, author=user, author_role=role, body=body, dedupe_key=dedupe_key
            )
    except IntegrityError:
        existing = Message.objects.get(dedupe_key=dedupe_key)
        return _replayed_message(existing, thread=thread, body=body, files=files)
    _attach(message, files)
    ReadReceipt.objects.create(message=message, reader=user, read_at=now)
    # The clock starts at the patient's first unanswered message; a second one does not
    # push it back.
    thread.due_at = thread.due_at or _due_after(now, thread.pool)
    thread.last_message_at = now
    thread.save(update_fields=["due_at", "last_message_at", "updated_at"])
    pending_uploads.release_uploads(uploads=kept)
    audit.record(action="message.sent", actor=user, patient=access.patient, target=message)
    return message


def _replayed_message(
    message: Message, *, thread: Thread, body: str, files: Sequence[CheckedUpload]
) -> Message:
    if message.thread_id != thread.pk or message.body != body or not _same_files(message, files):
        raise KeyReused(gettext("This key was already used for a different message."))
    return message


def default_nurse_pool() -> Pool:
    pool, _created = Pool.objects.get_or_create(
        slug=DEFAULT_NURSE_POOL,
        defaults={"kind": PoolKind.NURSE_LINE, "reply_business_days": 1},
    )
    return pool


def nurse_pool_for(program: Program | None) -> Pool:
    """The program's nurse line, else the center's default nurse line."""
    if program is not None:
        pool = (
            Pool.objects.filter(kind=PoolKind.NURSE_LINE, program=program, is_active=True)
            .order_by("order", "id")
            .first()
        )
        if pool is not None:
            return pool
    return default_nurse_pool()


@transaction.atomic
def raise_alert(
    patient: Patient,
    *,
    subject: str,
    body: str,
    due_at: datetime,
    dedupe_key: str,
    program: Program | None = None,
) -> Thread:
    """Put one urgent thread in the nurse line's queue; the same `dedupe_key` gives the same
    thread, however often or concurrently it is raised. Atomic as a whole, so the default nurse
    line it may make goes with an alert whose audit event fails."""
    if not dedupe_key:
        raise ValueError("raise_alert needs a dedupe_key")
    existing = Thread.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    pool = nurse_pool_for(program)
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                patient=patient,
                pool=pool,
                subject=" ".join(subject.split())[:SUBJECT_MAX],
                kind=ThreadKind.ALERT,
                due_at=due_at,
                last_message_at=timezone.now(),
                dedupe_key=dedupe_key,
            )
            # The alert is for the nurses: the patient sees the thread once a nurse answers.
            Message.objects.create(
                thread=thread, author_role=AuthorRole.SYSTEM, body=body[:BODY_MAX], internal=True
            )
            audit.record(action="message.alert_raised", patient=patient, target=thread)
    except IntegrityError:
        return Thread.objects.get(dedupe_key=dedupe_key)
    return thread


def _check_staff(user: Any, thread: Thread) -> None:
    if not staff_may_work(user, thread.pool):
        raise PermissionDenied


@transaction.atomic
def post_staff_reply(
    staff_user: Any, *, thread: Thread, body: str, internal: bool = False
) -> Message:
    """Answer the patient (or add an internal note) from the pool's inbox."""
    thread = Thread.objects.select_for_update().select_related("pool", "patient").get(pk=thread.pk)
    _check_staff(staff_user, thread)
    _subject, body = _clean_text(None, body)
    if thread.status != ThreadStatus.OPEN and not internal:
        raise ValidationError({"body": [_("This conversation is closed. Reopen it to reply.")]})
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=staff_user,
        author_role=AuthorRole.STAFF,
        body=body,
        internal=internal,
    )
    ReadReceipt.objects.create(message=message, reader=staff_user, read_at=now)
    if not internal:
        thread.due_at = None
        thread.last_message_at = now
        if thread.assigned_to_id is None:
            thread.assigned_to = staff_user
        thread.save(update_fields=["due_at", "last_message_at", "assigned_to", "updated_at"])
        notify.reply_posted(thread, message)
    audit.record(
        action="message.note_added" if internal else "message.replied",
        actor=staff_user,
        patient=thread.patient,
        target=message,
    )
    return message


@transaction.atomic
def claim_thread(staff_user: Any, *, thread: Thread) -> Thread:
    """Take an open thread of one's pool to answer it oneself."""
    thread = Thread.objects.select_for_update().select_related("pool", "patient").get(pk=thread.pk)
    _check_staff(staff_user, thread)
    if thread.assigned_to_id not in (None, staff_user.pk):
        raise Conflict(gettext("Someone else has already claimed this conversation."))
    thread.assigned_to = staff_user
    thread.save(update_fields=["assigned_to", "updated_at"])
    audit.record(action="message.claimed", actor=staff_user, patient=thread.patient, target=thread)
    return thread


@transaction.atomic
def reassign_thread(
    staff_user: Any, *, thread: Thread, pool: Pool | None = None, assignee: Any = None
) -> Thread:
    """Hand a thread to another pool, or to another member of its pool (None: unassigned)."""
    thread = Thread.objects.select_for_update().select_related("pool", "patient").get(pk=thread.pk)
    _check_staff(staff_user, thread)
    target = pool or thread.pool
    if not target.is_active:
        raise ValidationError({"pool": [_("Please choose one of the teams listed.")]})
    if assignee is not None and not works_pool(assignee, target):
        raise ValidationError({"assignee": [_("This person does not work that team's inbox.")]})
    if target.pk != thread.pool_id and thread.due_at is not None:
        # A new team gets its own reply target, counted from now.
        thread.due_at = _due_after(timezone.now(), target)
    thread.pool = target
    thread.assigned_to = assignee
    thread.save(update_fields=["pool", "assigned_to", "due_at", "updated_at"])
    audit.record(
        action="message.reassigned", actor=staff_user, patient=thread.patient, target=thread
    )
    return thread


@transaction.atomic
def close_thread(staff_user: Any, *, thread: Thread) -> Thread:
    """Close a conversation; the patient can start a new one."""
    thread = Thread.objects.select_for_update().select_related("pool", "patient").get(pk=thread.pk)
    _check_staff(staff_user, thread)
    thread.status = ThreadStatus.CLOSED
    thread.closed_at = timezone.now()
    thread.due_at = None
    thread.save(update_fields=["status", "closed_at", "due_at", "updated_at"])
    audit.record(action="message.closed", actor=staff_user, patient=thread.patient, target=thread)
    return thread


def mark_read(user: Any, *, thread: Thread, staff: bool = False) -> int:
    """Record that `user` has read every message of `thread` they can see; returns how many
    were new. A receipt is a fact about the reader, so it needs no audit of its own: the read
    itself was audited by the selector that opened the thread."""
    messages = Message.objects.filter(thread=thread).exclude(receipts__reader=user)
    if not staff:
        messages = messages.filter(internal=False)
    now = timezone.now()
    rows = [
        ReadReceipt(message_id=pk, reader=user, read_at=now)
        for pk in messages.values_list("pk", flat=True)
    ]
    ReadReceipt.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
