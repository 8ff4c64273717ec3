"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the messaging app's audited writes: the arrangement runs with a working audit log and returns the
call to make once the audit insert fails."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.utils import timezone

from medcenter.accounts.tests.factories import verified
from medcenter.messaging import services
from medcenter.messaging.models import PoolKind
from medcenter.messaging.tests.factories import (
    PoolFactory,
    ProgramFactory,
    pool_worker,
    put_in_program,
)
from medcenter.patients.access import resolve_access

SERVICES = "medcenter.messaging.services."


def _writer(ctx: Any) -> tuple[Any, Any, Any]:
    """The patient (writing as themselves), their access, and their program's nurse line."""
    program = ProgramFactory()
    nurse = PoolFactory(program=program)
    put_in_program(ctx.patient, program)
    user = ctx.patient.user
    access = resolve_access(user, ctx.patient)
    assert access is not None
    return user, access, nurse


def _thread(ctx: Any) -> tuple[Any, Any, Any, Any]:
    """An open thread the patient started, and a verified nurse who works its pool."""
    user, access, nurse = _writer(ctx)
    thread = services.start_thread(
        user, access=access, pool=nurse, subject="Matrix question", body="Is this normal?"
    )
    worker = verified(cast(Any, pool_worker(nurse)))
    return user, access, thread, worker


def _start_thread(ctx: Any) -> Callable[[], Any]:
    user, access, nurse = _writer(ctx)
    return lambda: services.start_thread(
        user, access=access, pool=nurse, subject="Matrix question", body="Is this normal?"
    )


def _post_patient_message(ctx: Any) -> Callable[[], Any]:
    user, access, thread, _worker = _thread(ctx)
    return lambda: services.post_patient_message(
        user, access=access, thread=thread, body="One more thing."
    )


def _post_staff_reply(ctx: Any) -> Callable[[], Any]:
    _user, _access, thread, worker = _thread(ctx)
    return lambda: services.post_staff_reply(worker, thread=thread, body="Yes, that is expected.")


def _claim_thread(ctx: Any) -> Callable[[], Any]:
    _user, _access, thread, worker = _thread(ctx)
    return lambda: services.claim_thread(worker, thread=thread)


def _reassign_thread(ctx: Any) -> Callable[[], Any]:
    _user, _access, thread, worker = _thread(ctx)
    scheduling: Any = PoolFactory(kind=PoolKind.SCHEDULING, program=None)
    return lambda: services.reassign_thread(worker, thread=thread, pool=scheduling)


def _close_thread(ctx: Any) -> Callable[[], Any]:
    _user, _access, thread, worker = _thread(ctx)
    return lambda: services.close_thread(worker, thread=thread)


def _raise_alert(ctx: Any) -> Callable[[], Any]:
    # No nurse line exists yet: the one the alert makes must go with the failed alert.
    due_at = timezone.now() + timedelta(hours=4)
    return lambda: services.raise_alert(
        ctx.patient,
        subject="Symptom report needs review",
        body="Pain 3/4",
        due_at=due_at,
        dedupe_key="matrix-alert",
    )


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "start_thread": _start_thread,
        SERVICES + "post_patient_message": _post_patient_message,
        SERVICES + "post_staff_reply": _post_staff_reply,
        SERVICES + "claim_thread": _claim_thread,
        SERVICES + "reassign_thread": _reassign_thread,
        SERVICES + "close_thread": _close_thread,
        SERVICES + "raise_alert": _raise_alert,
    }
