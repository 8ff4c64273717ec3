"""The one audit function, and the tamper-evident chain it writes.

Every read and write of patient data and every authentication event goes through `record`.
Rows are append-only (a PostgreSQL trigger refuses UPDATE and DELETE; on SQLite the model and
queryset refuse) and chained: each row's `hash` is an HMAC over its own fields and the previous
row's hash, so editing, inserting or deleting a row out of band breaks the chain, which
`manage.py verify_audit` reports.

There are several independent chains (issue 18): a chain's head row (AuditChainHead, pk = the
chain's number) is locked from the event until the caller's transaction commits, so with one
chain every audited write in the installation queued on one row lock. A database connection
appends to one chain for its whole life, chain 1 + its PostgreSQL backend pid modulo
settings.AUDIT_CHAINS (default 8; SQLite, one writer at a time anyway, always chain 1), so a
transaction only ever locks one head and two heads can never deadlock. Each chain links from
GENESIS on its own; the chain's number is in the HMAC input (for chains other than 1; chain 1
is the single chain of before, whose hashes are unchanged), so a row moved to another chain
fails verification. `verify_chain` checks every chain and every head.

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
LEGACY_CHAIN = 1


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
            # Chain 1 is the one chain of before: its payload stays as it was, so rows written
            # before there were several chains keep their hashes.
            **({"chain": event.chain} if event.chain != LEGACY_CHAIN else {}),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def chain_of(connection: Any) -> int:
    """The chain this database connection appends to, fixed for the connection's life.

    PostgreSQL: 1 + the backend pid modulo settings.AUDIT_CHAINS, so concurrent connections
    spread over the chains; one connection (and so one transaction) only ever locks one head.
    """
    chains = int(getattr(settings, "AUDIT_CHAINS", 1))
    if connection.vendor != "postgresql" or chains <= 1:
        return LEGACY_CHAIN
    connection.ensure_connection()
    return LEGACY_CHAIN + connection.connection.info.backend_pid % chains


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
            # The connection's chain head row, locked, so writers on one chain take turns and
            # never fork it (on SQLite the IMMEDIATE transaction already serializes writers);
            # writers on other chains do not wait. get_or_create: two first-ever writers
            # racing to create a head row end with one creating it and the other waiting for,
            # then locking, that row.
            event.chain = chain_of(transaction.get_connection())
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=event.chain, defaults={"last_hash": GENESIS, "length": 0}
            )
            event.prev_hash = head.last_hash
            event.hash = chain_hash(event)
            event.save(force_insert=True)
            AuditChainHead.objects.filter(pk=event.chain).update(
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
    """One chain's verification (`chain` set), or all of them (`chains` lists each one's).

    `checked` counts the rows verified; `broken_at` is the id of the first row that does not
    fit; `problem` says what is wrong (for the whole log: the first chain's problem).
    """

    checked: int
    broken_at: int | None
    problem: str
    chain: int | None = None
    length: int = 0
    last_hash: str = GENESIS
    chains: tuple["ChainReport", ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem and all(c.ok for c in self.chains)


@dataclass
class _Walk:
    previous: str = GENESIS
    checked: int = 0
    broken_at: int | None = None
    problem: str = ""


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in id order, each chain from GENESIS on its own, and compare each
    head with its chain; report every chain and the first row that does not fit.

    One pass over the log in batches (memory: one batch and one state per chain); a chain is
    no longer followed after its first broken row, the others are checked to their end.
    """
    walks: dict[int, _Walk] = {}
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for event in rows:
            last_id = event.id
            walk = walks.setdefault(event.chain, _Walk())
            if walk.problem:
                continue
            if event.prev_hash != walk.previous:
                walk.broken_at = event.id
                walk.problem = "a row before it was removed or inserted, or moved between chains"
            elif chain_hash(event) != event.hash:
                walk.broken_at = event.id
                walk.problem = "the row was changed after it was written"
            else:
                walk.previous = event.hash
                walk.checked += 1
    heads = {head.pk: head for head in AuditChainHead.objects.all()}
    reports = []
    for number in sorted(set(walks) | set(heads)):
        walk = walks.get(number, _Walk())
        head = heads.get(number)
        if not walk.problem:
            if head is None and walk.checked:
                walk.problem = "its head row was removed"
            elif head is not None and (
                head.last_hash != walk.previous or head.length != walk.checked
            ):
                walk.problem = "rows at the end of the chain were removed"
        reports.append(
            ChainReport(
                walk.checked,
                walk.broken_at,
                walk.problem,
                chain=number,
                length=walk.checked,
                last_hash=walk.previous,
            )
        )
    checked = sum(report.checked for report in reports)
    broken = [report for report in reports if not report.ok]
    if broken:
        first = min(broken, key=lambda r: (r.broken_at is None, r.broken_at or 0))
        problem = f"chain {first.chain}: {first.problem}"
        return ChainReport(checked, first.broken_at, problem, chains=tuple(reports))
    return ChainReport(checked, None, "", chains=tuple(reports))
