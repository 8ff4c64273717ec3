"""Reads: which pools a patient may write to, their threads, and the staff inboxes.

Patients and proxies reach a thread only through `get_patient_for(..., scope="messages")`
(audited, 404 for not-theirs); staff through their pool (membership or `manage_inbox`), which
`get_patient_for` accepts as a narrow basis for this one purpose, audited as such.
"""

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from medcenter.core import audit
from medcenter.directory.models import Program
from medcenter.messaging.models import (
    Attachment,
    Message,
    Pool,
    PoolKind,
    ReadReceipt,
    Thread,
    ThreadStatus,
)
from medcenter.patients.access import PatientAccess, is_mfa_verified
from medcenter.patients.models import Patient, ProxyScope
from medcenter.patients.selectors import get_patient_for

POOL_BASIS = "message_pool"
PAGE_SIZE = 25


# --- pools ----------------------------------------------------------------------------------


def programs_of(patient: Patient) -> QuerySet[Program]:
    """The programs caring for the patient: where their referrals were routed and whose
    clinicians they have appointments with."""
    return Program.objects.filter(
        Q(referrals__patient=patient) | Q(clinicians__appointments__patient=patient)
    ).distinct()


# Pools another app offers a patient (the international team, to a patient with an open
# international case): `offer(patient)` returns the Q of those pools, registered from the
# app's AppConfig.ready(), so messaging imports none of them.
PoolOffer = Callable[[Patient], Q]
_pool_offers: list[PoolOffer] = []


def register_pool_offer(offer: PoolOffer) -> None:
    if offer not in _pool_offers:
        _pool_offers.append(offer)


def offered_pools(patient: Patient) -> list[Pool]:
    """The pools a patient may write to: their programs' nurse lines, scheduling and billing,
    and what other apps offer them (their international team)."""
    programs = programs_of(patient).values("pk")
    wanted = Q(kind=PoolKind.NURSE_LINE, program__in=programs) | Q(
        kind__in=[PoolKind.SCHEDULING, PoolKind.BILLING], program__isnull=True
    )
    for offer in _pool_offers:
        wanted |= offer(patient)
    return list(
        Pool.objects.filter(is_active=True)
        .filter(wanted)
        .select_related("program")
        .order_by("order", "slug")
    )


def pool_for_trial(trial: Any) -> Pool | None:
    """The pool that owns a trial: its program's trials office, else its nurse line, else the
    center's trials office."""
    if trial.program_id is not None:
        owners = Pool.objects.filter(
            kind__in=[PoolKind.TRIALS_OFFICE, PoolKind.NURSE_LINE],
            program_id=trial.program_id,
            is_active=True,
        )
        found = sorted(owners, key=lambda p: (p.kind != PoolKind.TRIALS_OFFICE, p.order, p.pk))
        if found:
            return found[0]
    return (
        Pool.objects.filter(kind=PoolKind.TRIALS_OFFICE, is_active=True, program__isnull=True)
        .order_by("order", "id")
        .first()
    )


def staff_may_work(user: Any, pool: Pool) -> bool:
    """A staff member with a verified second factor who works this pool (or manages all)."""
    if not (
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and is_mfa_verified(user)
    ):
        return False
    return works_pool(user, pool)


def works_pool(user: Any, pool: Pool) -> bool:
    """Whether the pool's inbox is `user`'s work (a member with the permission, or a manager of
    every pool), whether or not they are signed in now: who a thread may be handed to."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    if user.has_perm("messaging.manage_inbox"):
        return True
    return bool(user.has_perm("messaging.work_inbox")) and pool.members.filter(pk=user.pk).exists()


def pools_worked_by(user: Any) -> QuerySet[Pool]:
    pools = Pool.objects.filter(is_active=True).select_related("program")
    if user.has_perm("messaging.manage_inbox"):
        return pools
    if not user.has_perm("messaging.work_inbox"):
        return pools.none()
    return pools.filter(members=user)


# --- the patient's side ----------------------------------------------------------------------


def visible_messages(*, staff: bool) -> Q:
    return Q() if staff else Q(internal=False)


def patient_threads(access: PatientAccess) -> QuerySet[Thread]:
    """Threads the patient can see: those with at least one message meant for them (an alert
    appears once a nurse has answered it)."""
    shown = Message.objects.filter(thread=OuterRef("pk"), internal=False)
    return (
        Thread.objects.filter(patient=access.patient)
        .filter(Exists(shown))
        .select_related("pool", "pool__program")
    )


def thread_list(access: PatientAccess, user: Any) -> list[Thread]:
    """The patient's threads, newest first, each with `unread` (messages this reader has not
    read): one query."""
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), internal=False)
        .exclude(author=user)
        .exclude(Exists(ReadReceipt.objects.filter(message=OuterRef("pk"), reader=user)))
    )
    rows = (
        patient_threads(access)
        .annotate(unread=Count("messages", filter=Q(messages__in=unread.values("pk"))))
        .order_by("-last_message_at", "-id")
    )
    return list(rows[:200])


def unread_count(access: PatientAccess, user: Any) -> int:
    """How many staff replies on this record `user` has not read yet (one query)."""
    return (
        Message.objects.filter(thread__patient=access.patient, internal=False)
        .exclude(author=user)
        .exclude(author_role__in=["patient", "proxy"])
        .exclude(Exists(ReadReceipt.objects.filter(message=OuterRef("pk"), reader=user)))
        .count()
    )


def get_patient_thread(access: PatientAccess, *, thread_id: UUID | str) -> Thread:
    """One of this patient's visible threads, or 404."""
    thread = patient_threads(access).filter(public_id=thread_id).first()
    if thread is None:
        raise Http404
    return thread


def thread_messages(thread: Thread, *, staff: bool) -> list[Message]:
    return list(
        thread.messages.filter(visible_messages(staff=staff))
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def get_patient_attachment(
    access: PatientAccess, *, thread_id: UUID | str, attachment_id: UUID | str
) -> Attachment:
    thread = get_patient_thread(access, thread_id=thread_id)
    found = (
        Attachment.objects.filter(public_id=attachment_id, message__thread=thread)
        .filter(message__internal=False)
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_access_for_messages(user: Any, *, public_id: UUID | str, action: str) -> PatientAccess:
    """The patient's or proxy's access to the record's messages (audited; 404 otherwise)."""
    from medcenter.portal.registry import section_allowed

    access = get_patient_for(user, public_id=public_id, scope=ProxyScope.MESSAGES, action=action)
    if access.is_staff_access or not section_allowed("messages", access):
        raise Http404
    return access


# --- the staff side ----------------------------------------------------------------------------


def _pool_basis(user: Any, patient: Patient, thread: Thread) -> PatientAccess | None:
    if thread.patient_id == patient.pk and staff_may_work(user, thread.pool):
        return PatientAccess(patient, POOL_BASIS, frozenset({ProxyScope.MESSAGES}), False)
    return None


def get_staff_thread_for(user: Any, *, thread_id: UUID | str, action: str) -> Thread:
    """A thread in one of the staff member's pools, its read audited against the patient."""
    thread = (
        Thread.objects.select_related("pool", "pool__program", "patient", "assigned_to")
        .filter(public_id=thread_id)
        .first()
    )
    if thread is None or not staff_may_work(user, thread.pool):
        # Not one's pool reads as not there; the refusal is audited like any other (R21).
        audit.record(
            action=action,
            outcome=audit.Outcome.DENIED,
            actor=user,
            patient=thread.patient if thread is not None else None,
        )
        raise Http404
    get_patient_for(
        user,
        public_id=thread.patient.public_id,
        action=action,
        narrow_basis=lambda u, p: _pool_basis(u, p, thread),
    )
    return thread


def get_staff_attachment(
    user: Any, *, thread_id: UUID | str, attachment_id: UUID | str
) -> Attachment:
    thread = get_staff_thread_for(user, thread_id=thread_id, action="message.attachment_opened")
    found = Attachment.objects.filter(public_id=attachment_id, message__thread=thread).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class InboxPage:
    threads: list[Thread]
    next_cursor: str | None
    now: datetime


FAR_FUTURE_AT = datetime(9999, 12, 31, tzinfo=UTC)
FAR_FUTURE = FAR_FUTURE_AT.isoformat()


def _encode(thread: Thread) -> str:
    due = thread.due_at.isoformat() if thread.due_at else FAR_FUTURE
    raw = json.dumps([due, thread.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        due_text, pk = json.loads(raw)
        due = parse_datetime(due_text)
        if due is None or not isinstance(pk, int) or not 0 < pk < 2**62:
            raise ValueError
        return due, pk
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(_("This page link is not valid."), code="bad_cursor") from error


INBOX_VIEWS = ("open", "mine", "unassigned", "closed")


def inbox(user: Any, *, pools: Sequence[Pool], view: str = "open", cursor: str = "") -> InboxPage:
    """Threads of the given pools, the soonest due (the overdue) first, in keyset pages."""
    if view not in INBOX_VIEWS:
        raise ValidationError(_("Unknown view."), code="bad_view")
    if cursor:
        _decode(cursor)  # a bad cursor is refused before anything is read or audited
    # The list names patients: one audited listing, as for a staff member's patient list.
    audit.record(action="message.inbox_viewed", actor=user, read=True)
    rows = Thread.objects.filter(pool__in=list(pools)).select_related(
        "pool", "pool__program", "patient", "assigned_to"
    )
    if view == "closed":
        rows = rows.filter(status=ThreadStatus.CLOSED)
    else:
        rows = rows.filter(status=ThreadStatus.OPEN)
    if view == "mine":
        rows = rows.filter(assigned_to=user)
    elif view == "unassigned":
        rows = rows.filter(assigned_to__isnull=True)
    # Threads awaiting nobody (answered) sort after every due one: a far-future stand-in
    # makes the key total without a NULLS LAST that SQLite and PostgreSQL spell differently.
    rows = rows.annotate(
        due_key=Coalesce("due_at", Value(FAR_FUTURE_AT, output_field=DateTimeField()))
    ).order_by("due_key", "id")
    if cursor:
        due, pk = _decode(cursor)
        rows = rows.filter(Q(due_key__gt=due) | Q(due_key=due, id__gt=pk))
    found = list(rows[: PAGE_SIZE + 1])
    next_cursor = _encode(found[PAGE_SIZE - 1]) if len(found) > PAGE_SIZE else None
    return InboxPage(threads=found[:PAGE_SIZE], next_cursor=next_cursor, now=timezone.now())


# --- "ask my care team about this trial" ---------------------------------------------------

NCT_ID = re.compile(r"NCT\d{8}")


@dataclass(frozen=True)
class TrialQuestion:
    trial: Any
    pool: Pool
    pools: list[Pool]
    subject: str
    body: str


def trial_question(patient: Patient, *, nct_id: str) -> TrialQuestion | None:
    """The pool that owns the trial and a message about it, ready to edit; None when the
    id is not a trial of ours or no pool takes trial questions."""
    from medcenter.trials.models import Trial

    if not NCT_ID.fullmatch(nct_id or ""):
        return None
    trial = Trial.objects.filter(nct_id=nct_id).first()
    if trial is None:
        return None
    pool = pool_for_trial(trial)
    if pool is None:
        return None
    pools = offered_pools(patient)
    if pool.pk not in {p.pk for p in pools}:
        pools = [pool, *pools]
    subject = str(_("Question about the trial %(nct)s")) % {"nct": trial.nct_id}
    body = str(
        _(
            "I would like to ask my care team about this trial: %(title)s (%(nct)s). "
            "Could it be right for me?"
        )
    ) % {"title": trial.brief_title[:200], "nct": trial.nct_id}
    return TrialQuestion(trial=trial, pool=pool, pools=pools, subject=subject, body=body)


def may_write_to(patient: Patient, pool: Pool) -> bool:
    """A pool offered from the patient's care, or one that owns a trial (a question about it)."""
    if not pool.is_active:
        return False
    if any(p.pk == pool.pk for p in offered_pools(patient)):
        return True
    if pool.kind == PoolKind.TRIALS_OFFICE:
        return True
    return (
        pool.kind == PoolKind.NURSE_LINE
        and pool.program is not None
        and (pool.program.trials.exists())
    )


def read_attachment(attachment: Attachment) -> bytes:
    """The attachment's bytes, decrypted and integrity-checked by the vault (VaultError if
    they were tampered with). Callers reach it only through an audited access check."""
    from medcenter.core import vault

    return vault.fetch(key=attachment.vault_key)


def read_by(user: Any, messages: Sequence[Message]) -> set[int]:
    """Which of these messages `user` has read (one query)."""
    return set(
        ReadReceipt.objects.filter(reader=user, message__in=[m.pk for m in messages]).values_list(
            "message_id", flat=True
        )
    )


def unread_of(user: Any, messages: Sequence[Message]) -> int:
    """How many of these messages, written by others, `user` has not read (one query)."""
    read = read_by(user, messages)
    return sum(1 for m in messages if m.pk not in read and m.author_id != user.pk)
