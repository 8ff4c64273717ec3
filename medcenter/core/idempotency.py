"""Idempotency keys (SECURITY.md R26): the same key and body give the same answer, once.

The first request with a key inserts a claim row in its own transaction; the unique constraint
lets exactly one claim win, even under concurrency. The winner runs the action and stores its
answer; a request that loses the race waits for that answer and returns it unchanged. The same
key with a different body is refused (422): it is a client bug, not a retry.
"""

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core.http import apply_errors
from medcenter.core.models import IdempotencyRecord
from medcenter.core.throttle import Throttled

# A claim whose first try died (a killed worker) is taken over after this long.
ABANDONED_AFTER = timedelta(seconds=60)
WAIT_FOR_FIRST_TRY = 15.0  # seconds a duplicate waits for the first try's answer
KEY_MAX_LENGTH = 200
RETENTION = timedelta(days=2)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


class KeyReused(Exception):
    """The key was used before with a different request body."""


class StillRunning(Exception):
    """The first request with this key has not finished yet."""


def fingerprint(payload: Any) -> str:
    """Hash a request body canonically, so key order and spacing do not matter."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def header(*, required: bool) -> dict[str, Any]:
    """The `Idempotency-Key` header in an operation's OpenAPI document (`openapi_extra=`).

    Declared here rather than as a ninja `Header` parameter, so that a missing or malformed
    key gets the endpoint's own problem (`idempotency_key_missing`), not a generic one.
    """
    return {
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": required,
                "description": "One key per intended action; a repeat gets the first answer.",
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": KEY_MAX_LENGTH,
                    "pattern": "^[!-~]([ -~]*[!-~])?$",
                },
            }
        ]
    }


def valid_key(key: str | None) -> bool:
    return bool(key) and len(key or "") <= KEY_MAX_LENGTH and (key or "").isprintable()


def run_once(
    *, scope: str, owner: str, key: str, payload: Any, action: Callable[[], Answer]
) -> Answer:
    """Run `action` once for this key and return its answer, now and on every retry."""
    digest = fingerprint(payload)
    claim = _claim(scope=scope, owner=owner, key=key, digest=digest)
    if claim is None:
        return _await_answer(scope=scope, owner=owner, key=key, digest=digest)
    try:
        answer = action()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claim.pk).delete()  # the client may retry
        raise
    IdempotencyRecord.objects.filter(pk=claim.pk).update(
        status_code=answer.status, response=answer.body
    )
    return answer


def _claim(*, scope: str, owner: str, key: str, digest: str) -> IdempotencyRecord | None:
    stale = timezone.now() - ABANDONED_AFTER
    IdempotencyRecord.objects.filter(
        scope=scope, owner=owner, key=key, status_code__isnull=True, created_at__lt=stale
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                scope=scope, owner=owner, key=key, request_hash=digest
            )
    except IntegrityError:
        return None


def _await_answer(*, scope: str, owner: str, key: str, digest: str) -> Answer:
    deadline = time.monotonic() + WAIT_FOR_FIRST_TRY
    while True:
        record = IdempotencyRecord.objects.filter(scope=scope, owner=owner, key=key).first()
        if record is None:  # the first try failed and let go: this one may run it
            raise StillRunning
        if record.request_hash != digest:
            raise KeyReused
        if record.status_code is not None:
            return Answer(status=record.status_code, body=record.response or {}, replayed=True)
        if time.monotonic() > deadline:
            raise StillRunning
        time.sleep(0.05)


def forget_old() -> int:
    """Delete answers older than the retention window; returns how many."""
    cutoff = timezone.now() - RETENTION
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def submit_form_once(
    form: Any, *, scope: str, payload: dict[str, str], create: Callable[[], dict[str, Any]]
) -> Answer | None:
    """A public form's submission, at most once per form key (a hidden field).

    `create` makes the thing and returns what to remember of it. The answer is 200 with that,
    or 429 with `retry_after` when the sender is throttled; the same key sent again gets the
    same answer. A refusal (ValidationError) or a key sent with other values is put on the
    form, whose entries stay as typed, and None is returned.
    """

    def action() -> Answer:
        try:
            return Answer(200, create())
        except Throttled as throttled:
            return Answer(429, {"retry_after": throttled.retry_after})

    key = form.cleaned_data.get("idempotency_key") or ""
    try:
        if valid_key(key):
            return run_once(scope=scope, owner="form", key=key, payload=payload, action=action)
        return action()
    except ValidationError as error:
        apply_errors(form, error)
    except (KeyReused, StillRunning):
        form.add_error(None, _("This form was already sent. Reload the page to send a new one."))
    return None
