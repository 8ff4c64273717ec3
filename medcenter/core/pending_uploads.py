"""Files attached to a form that came back with a problem are kept, not dropped.

A browser never re-sends a file: when a form fails on another field (a wrong NPI, a missing
date), the page that comes back has an empty file input and the person must find the file
again, or does not notice and sends the form without it. So every file that passed its own
check (`core.uploads.check_upload`) is stored at once, encrypted in the vault like any
document, as a `PendingUpload`, and the re-rendered form carries a signed token naming it in
a hidden field. The next submit claims the token and gets the files back; a valid submit hands
them to the domain service, which turns them into its own documents and releases the pending
rows in the same transaction.

Holding costs storage, so one client address may leave at most `PENDING_UPLOADS_PER_HOUR`
(default 60) files an hour; beyond that a failing form says the file was not kept.

The token (django.core.signing) is salted with the form's purpose and a random secret kept in
the visitor's session, and is time-limited (`PENDING_UPLOAD_MAX_AGE`, default 4 hours): a
token copied into another browser, altered, moved to another form or older than that claims
nothing. The rows themselves carry a digest of the same secret, so even a valid signature can
only name one session's uploads. `sweep` removes rows and files past that age
(`manage.py pending_uploads_sweep`, also run by `scheduling_sweep`).

Forms use this through `core.forms.KeepsUploadsForm`; nothing here reads a request.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.core import vault
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload

logger = logging.getLogger(__name__)

SESSION_KEY = "medcenter.pending_uploads.owner"
DEFAULT_MAX_AGE = timedelta(hours=4)
_SALT = "medcenter.core.pending_uploads"

LOST = _(
    "The file you attached before could not be kept (it was too long ago, or the page was "
    "opened in another browser). Please attach it again."
)
UNREADABLE = _("A file you attached before can no longer be read. Please attach it again.")
NOT_KEPT = _(
    "We could not keep this file while the form has a problem. Please choose it again when "
    "you send the form."
)
DEFAULT_PER_HOUR = 60


def max_age() -> timedelta:
    """How long a pending upload and its token stay good."""
    seconds = getattr(settings, "PENDING_UPLOAD_MAX_AGE", None)
    return timedelta(seconds=int(seconds)) if seconds else DEFAULT_MAX_AGE


def owner_secret(session: Any, *, create: bool) -> str | None:
    """The random secret that binds pending uploads to one session (made on first need)."""
    secret = session.get(SESSION_KEY)
    if isinstance(secret, str) and secret:
        return secret
    if not create:
        return None
    secret = secrets.token_urlsafe(32)
    session[SESSION_KEY] = secret
    return secret


def hold_uploads(
    *,
    uploads: Sequence[CheckedUpload],
    owner: str,
    purpose: str,
    client_ip: str | None = None,
) -> list[PendingUpload]:
    """Store checked uploads encrypted, as pending uploads of `owner` for `purpose`; raise
    ValidationError when `client_ip` already left PENDING_UPLOADS_PER_HOUR this hour."""
    if client_ip:
        cap = int(getattr(settings, "PENDING_UPLOADS_PER_HOUR", DEFAULT_PER_HOUR))
        recent = PendingUpload.objects.filter(
            client_ip=client_ip, created_at__gt=timezone.now() - timedelta(hours=1)
        ).count()
        if recent + len(uploads) > cap:
            raise ValidationError(NOT_KEPT, code="not_kept")
    held: list[PendingUpload] = []
    with vault.deleted_on_failure() as stored, transaction.atomic():
        for upload in uploads:
            held.append(
                PendingUpload.objects.create(
                    owner=_digest(owner),
                    purpose=purpose,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    vault_key=stored.store(upload.content),
                    client_ip=client_ip,
                )
            )
    return held


def token_for(*, uploads: Sequence[PendingUpload], owner: str, purpose: str) -> str:
    """A signed, salted token naming `uploads`, good only for `owner` and `purpose`."""
    if not uploads:
        return ""
    return signing.dumps([str(u.public_id) for u in uploads], salt=_salt(owner, purpose))


def claim_uploads(*, token: str, owner: str | None, purpose: str) -> list[PendingUpload]:
    """The pending uploads a token names; raise ValidationError if it is altered, expired,
    made for another session or form, or names uploads that are gone."""
    if not token:
        return []
    if not owner:
        raise ValidationError(LOST, code="lost")
    try:
        names = signing.loads(token, salt=_salt(owner, purpose), max_age=max_age())
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        raise ValidationError(LOST, code="lost") from None
    try:
        ids = [UUID(str(name)) for name in names]
    except (TypeError, ValueError):
        raise ValidationError(LOST, code="lost") from None
    rows = {
        u.public_id: u
        for u in PendingUpload.objects.filter(
            public_id__in=ids,
            owner=_digest(owner),
            purpose=purpose,
            created_at__gt=timezone.now() - max_age(),
        )
    }
    if len(rows) != len(set(ids)):
        raise ValidationError(LOST, code="lost")
    return [rows[i] for i in dict.fromkeys(ids)]


def read_upload(upload: PendingUpload) -> CheckedUpload:
    """The held file's content, decrypted and checked against its digest."""
    try:
        content = vault.fetch(key=upload.vault_key)
    except vault.VaultError:
        raise ValidationError(UNREADABLE, code="unreadable") from None
    if hashlib.sha256(content).hexdigest() != upload.sha256:
        raise ValidationError(UNREADABLE, code="unreadable")
    return CheckedUpload(
        content=content,
        content_type=upload.content_type,
        filename=upload.filename,
        size=upload.size,
        sha256=upload.sha256,
    )


def release_uploads(*, uploads: Sequence[PendingUpload]) -> None:
    """Forget pending uploads (sent as documents, or removed by the visitor); their files go
    once the caller's transaction commits."""
    if not uploads:
        return
    keys = [u.vault_key for u in uploads]
    PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()

    def remove_files() -> None:
        for key in keys:
            vault.delete(key=key)

    transaction.on_commit(remove_files)


def sweep_pending_uploads(*, older_than: timedelta | None = None) -> int:
    """Remove pending uploads (rows and files) older than `older_than` (default: max_age);
    return how many."""
    cutoff = timezone.now() - (older_than if older_than is not None else max_age())
    removed = 0
    while batch := list(PendingUpload.objects.filter(created_at__lt=cutoff).order_by("pk")[:500]):
        with transaction.atomic():
            release_uploads(uploads=batch)
        removed += len(batch)
    if removed:
        logger.info("stale pending uploads removed", extra={"count": removed})
    return removed


def _digest(owner: str) -> str:
    return hashlib.sha256(f"{_SALT}:{owner}".encode()).hexdigest()


def _salt(owner: str, purpose: str) -> str:
    return f"{_SALT}:{purpose}:{owner}"
