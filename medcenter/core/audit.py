"""The one audit function, and the tamper-evident chain it writes.

Every read and write of patient data and every authentication event goes through `record`.
Rows are append-only (a PostgreSQL trigger refuses UPDATE and DELETE; on SQLite the model and
queryset refuse) and chained: each row's `hash` is an HMAC over its own fields and the previous
row's hash, so editing, inserting or deleting a row out of band breaks the chain, which
`manage.py verify_audit` reports.

A write and its event are one transaction: `record` refuses to append the event of a write
outside an atomic block (WriteOutsideTransaction), so a row can never be left without its
event when the audit write fails. An event is a write unless it is a read (`read=True`: a
record opened, a list shown, a file downloaded, an access checked before an action), an
authentication event (`auth.*`: a sign-in, a second factor, a session that expired) or a
refusal or failure (an outcome other than success: nothing was written). The client address
and request id come from the request context (core.request_context), never from an argument.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from medcenter.core import request_context
from medcenter.core.models import AuditChainHead, AuditEvent

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


class AuditWriteFailed(Exception):
    """The audit row could not be written, so the action it records must not happen."""


class WriteOutsideTransaction(RuntimeError):
    """A programming error: a write was audited outside the atomic block that writes it."""


class Outcome(models.TextChoices):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


def _key() -> bytes:
    return str(settings.AUDIT_CHAIN_KEY).encode()


def chain_hash(event: AuditEvent) -> str:
    """Return the HMAC-SHA256 of the event's fields and its predecessor's hash."""
    payload = json.dumps(
        {
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor_public_id,
            "actor_role": event.actor_role,
            "action": event.action,
            "outcome": event.outcome,
            "patient": event.patient_public_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "client_ip": event.client_ip,
            "request_id": event.request_id,
            "purpose": event.purpose,
            "reason": event.reason,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


AUTHENTICATION = "auth."


def is_write(*, action: str, outcome: str = Outcome.SUCCESS, read: bool = False) -> bool:
    """Whether the event records a write, which must share the write's transaction."""
    return not read and outcome == Outcome.SUCCESS and not action.startswith(AUTHENTICATION)


def in_callers_transaction() -> bool:
    """Whether the caller has opened an atomic block on the audit log's database."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    # Django's TestCase wraps each test in atomic blocks it marks `_from_testcase` (the mark
    # Django itself reads for durable=True); they are not the caller's transaction, so under
    # test a write outside its service's atomic block is refused exactly as in production.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def record(
    *,
    action: str,
    actor: Any = None,
    actor_role: str = "",
    outcome: str = Outcome.SUCCESS,
    patient: Any = None,
    target: Any = None,
    purpose: str = "",
    reason: str = "",
    read: bool = False,
) -> AuditEvent:
    """Append one audit event; raise AuditWriteFailed if it cannot be stored.

    `actor`, `patient` and `target` are model instances (or None); only their public ids are
    stored, never names or other patient details. `read=True` marks the event of a read.
    The event of a write must be recorded inside the write's atomic block, or
    WriteOutsideTransaction is raised and nothing is recorded.
    """
    if is_write(action=action, outcome=outcome, read=read) and not in_callers_transaction():
        raise WriteOutsideTransaction(
            f"audit.record({action!r}) records a write: call it inside the transaction.atomic "
            "block that writes the row, so the row and its event commit or fail together"
        )
    context = request_context.current()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_public_id=str(user.public_id) if user else "",
        actor_role=actor_role or _role_of(user),
        action=action,
        outcome=outcome,
        patient_public_id=str(patient.public_id) if patient is not None else "",
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(getattr(target, "public_id", getattr(target, "pk", ""))) if target else "",
        client_ip=context.client_ip,
        request_id=context.request_id,
        purpose=purpose,
        reason=reason,
    )
    try:
        with transaction.atomic():
            # One chain head row, locked, so concurrent writers take turns and never fork the
            # chain (on SQLite the IMMEDIATE transaction already serializes writers).
            # get_or_create: two first-ever writers racing to create the head row end with
            # one creating it and the other waiting for, then locking, that row.
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"last_hash": GENESIS, "length": 0}
            )
            event.prev_hash = head.last_hash
            event.hash = chain_hash(event)
            event.save(force_insert=True)
            AuditChainHead.objects.filter(pk=1).update(
                last_hash=event.hash, length=models.F("length") + 1
            )
    except DatabaseError as error:
        logger.error("audit write failed", extra={"action": action})
        raise AuditWriteFailed(action) from error
    return event


def _role_of(user: Any) -> str:
    if user is None:
        return "anonymous"
    if not getattr(user, "is_staff", False):
        return "user"
    # Roles do not change within a request; remember them on the user object.
    cached: str | None = getattr(user, "_audit_role", None)
    if cached is None:
        cached = ",".join(sorted(user.groups.values_list("name", flat=True))) or "staff"
        user._audit_role = cached
    return cached


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in order; report the first row that does not fit the chain."""
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.prev_hash != previous:
                return ChainReport(checked, event.id, "a row before it was removed or inserted")
            if chain_hash(event) != event.hash:
                return ChainReport(checked, event.id, "the row was changed after it was written")
            previous = event.hash
            checked += 1
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.length != checked):
        return ChainReport(checked, None, "rows at the end of the log were removed")
    return ChainReport(checked, None, "")
