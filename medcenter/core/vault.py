"""Documents encrypted at rest by the application and checked for tampering (SECURITY.md R19).

Each document is one file under settings.DOCUMENT_ROOT, named after a random key the vault
makes up, so no user ever chooses a path. The file is a version byte, a 12-byte nonce and
AES-256-GCM ciphertext whose associated data includes the key: a flipped byte, a truncated
file or two files swapped on disk all fail to decrypt, and such a document is never served.

The encryption key is settings.DOCUMENT_ENCRYPTION_KEY (url-safe base64 of 32 bytes) when
set, otherwise derived from SECRET_KEY; documents written under an older SECRET_KEY stay
readable while it is listed in SECRET_KEY_FALLBACKS.

A document is written before the row that names it commits, so a transaction that rolls back
(or a row deleted later) leaves a file no row names. `sweep_orphans` removes those once they
are older than a grace period, which keeps an upload still in flight. The models whose rows
name documents are listed in REFERENCES: a model that stores in the vault must be listed
there, or the sweep would take its documents for orphans.
"""

import base64
import binascii
import logging
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

VERSION = 1
# Streamed documents (a 500 MB imaging study): a header, then sealed chunks of at most
# STREAM_CHUNK bytes, each with its own nonce (a random prefix and the chunk's number) and the
# last one marked, so a chunk dropped, repeated, reordered or cut off fails to decrypt.
STREAM_VERSION = 2
STREAM_CHUNK = 1024 * 1024
_PREFIX_BYTES = 7
HKDF_INFO = b"medcenter documents v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_FORMAT = re.compile(r"[0-9a-f]{32}")
_TEMPORARY_PREFIX = ".tmp-"

# Every field that names a vault document, as "app_label.Model.field" (the one list; a test
# fails for a model field called *vault* that is missing here).
REFERENCES: tuple[str, ...] = (
    "scheduling.ReferralDocument.vault_key",
    "core.PendingUpload.vault_key",
    "international.CaseDocument.vault_key",
    "messaging.Attachment.vault_key",
    "content.StoryConsent.form_vault_key",
    "results.Document.vault_key",
    "tumorboards.CaseDocument.vault_key",
    "quality.Entry.vault_key",
    "portal.CheckIn.card_front_key",
    "portal.CheckIn.card_back_key",
)
# Far longer than any upload's transaction, so a document whose row is about to commit is
# never taken for an orphan.
ORPHAN_GRACE = timedelta(hours=1)
_QUERY_CHUNK = 500


class VaultError(Exception):
    """The document is missing, unreadable or has been tampered with: never serve it."""


def store(*, content: bytes) -> str:
    """Encrypt `content`, write it under a new random key and return that key."""
    key = secrets.token_hex(16)
    path = _path(key)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_encryption_keys()[0]).encrypt(nonce, content, _associated_data(key))
    _write_atomically(path, bytes([VERSION]) + nonce + sealed)
    return key


class Stored:
    """What `deleted_on_failure` stored so far: `store` more, or `adopt` a key stored apart
    (a stream)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def store(self, content: bytes) -> str:
        return self.adopt(store(content=content))

    def adopt(self, key: str) -> str:
        self.keys.append(key)
        return key


@contextmanager
def deleted_on_failure() -> Iterator[Stored]:
    """Store documents for rows written in the block; if the block raises, delete them again.

    The rows that name the documents are written inside the block: a refusal (a validation
    error, a failed insert) then leaves no file behind. A transaction rolled back after the
    block leaves files no row names, which `sweep_orphans` removes.
    """
    stored = Stored()
    try:
        yield stored
    except BaseException:
        for key in stored.keys:
            delete(key=key)
        raise


def store_stream(*, chunks: Iterable[bytes]) -> str:
    """Encrypt what `chunks` yields piece by piece, never holding the whole document, write it
    under a new random key and return that key."""
    key = secrets.token_hex(16)
    path = _path(key)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    aead = AESGCM(_encryption_keys()[0])
    prefix = os.urandom(_PREFIX_BYTES)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(bytes([STREAM_VERSION]) + prefix)
            number = 0
            pending = b""
            for piece in _rechunk(chunks):
                if pending:
                    file.write(_seal_chunk(aead, prefix, number, pending, key, last=False))
                    number += 1
                pending = piece
            file.write(_seal_chunk(aead, prefix, number, pending, key, last=True))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return key


def open_stream(*, key: str) -> Iterator[bytes]:
    """Yield the decrypted document piece by piece; raise VaultError (before or while
    yielding) if it is missing or was altered. Works for every stored format."""
    path = _path(key)
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise VaultError(f"no document {key}") from None
    except OSError as error:
        raise VaultError(f"document {key} cannot be read") from error
    with file:
        version = file.read(1)
        if version != bytes([STREAM_VERSION]):
            file.close()
            yield fetch(key=key)
            return
        prefix = file.read(_PREFIX_BYTES)
        number = 0
        while True:
            size_bytes = file.read(4)
            if len(size_bytes) != 4 or len(prefix) != _PREFIX_BYTES:
                raise _tampered(key)
            size = int.from_bytes(size_bytes, "big")
            if size > STREAM_CHUNK + _TAG_BYTES + 1:
                raise _tampered(key)
            sealed = file.read(size)
            if len(sealed) != size:
                raise _tampered(key)
            plain, last = _open_chunk(prefix, number, sealed, key)
            yield plain
            if last:
                if file.read(1):
                    raise _tampered(key)
                return
            number += 1


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in chunks:
        buffer += piece
        while len(buffer) >= STREAM_CHUNK:
            yield bytes(buffer[:STREAM_CHUNK])
            del buffer[:STREAM_CHUNK]
    if buffer:
        yield bytes(buffer)


def _chunk_nonce(prefix: bytes, number: int, *, last: bool) -> bytes:
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _seal_chunk(
    aead: AESGCM, prefix: bytes, number: int, plain: bytes, key: str, *, last: bool
) -> bytes:
    sealed = aead.encrypt(
        _chunk_nonce(prefix, number, last=last), plain, bytes([STREAM_VERSION]) + key.encode()
    )
    return len(sealed).to_bytes(4, "big") + sealed


def _open_chunk(prefix: bytes, number: int, sealed: bytes, key: str) -> tuple[bytes, bool]:
    data = bytes([STREAM_VERSION]) + key.encode()
    for encryption_key in _encryption_keys():
        for last in (False, True):
            try:
                plain = AESGCM(encryption_key).decrypt(
                    _chunk_nonce(prefix, number, last=last), sealed, data
                )
            except InvalidTag:
                continue
            return plain, last
    raise _tampered(key)


def _tampered(key: str) -> VaultError:
    logger.warning("document failed its integrity check", extra={"document": key})
    return VaultError(f"document {key} failed its integrity check")


def fetch(*, key: str) -> bytes:
    """Return the decrypted document; raise VaultError if it is missing or was altered."""
    path = _path(key)
    if _is_stream(path):
        return b"".join(open_stream(key=key))
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise VaultError(f"no document {key}") from None
    except OSError as error:
        raise VaultError(f"document {key} cannot be read") from error
    if len(blob) < 1 + _NONCE_BYTES + _TAG_BYTES or blob[0] != VERSION:
        logger.warning("document failed its integrity check", extra={"document": key})
        raise VaultError(f"document {key} is not in the vault's format")
    nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
    for encryption_key in _encryption_keys():
        try:
            return AESGCM(encryption_key).decrypt(nonce, sealed, _associated_data(key))
        except InvalidTag:
            continue
    logger.warning("document failed its integrity check", extra={"document": key})
    raise VaultError(f"document {key} failed its integrity check")


def _is_stream(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(1) == bytes([STREAM_VERSION])
    except OSError:
        return False


def delete(*, key: str) -> None:
    """Remove the document stored under `key`; removing one already gone is not an error."""
    try:
        _path(key).unlink(missing_ok=True)
    except OSError as error:
        raise VaultError(f"document {key} cannot be removed") from error


def referenced_keys(keys: Collection[str]) -> set[str]:
    """Those of `keys` that a row of a model in REFERENCES still names."""
    from django.apps import apps

    wanted = sorted(set(keys))
    named: set[str] = set()
    for reference in REFERENCES:
        label, _, field = reference.rpartition(".")
        # The base manager: a row some default manager hides still names its document.
        rows = apps.get_model(label)._base_manager
        for start in range(0, len(wanted), _QUERY_CHUNK):
            chunk = wanted[start : start + _QUERY_CHUNK]
            named.update(rows.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return named


def sweep_orphans(
    *, referenced: Callable[[Collection[str]], Collection[str]], older_than: timedelta
) -> int:
    """Delete documents older than `older_than` that no row names (and temporary files a
    killed writer left); return how many files were removed.

    `referenced(keys)` answers which of `keys` are still named, e.g. `referenced_keys`.
    """
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    cutoff = time.time() - older_than.total_seconds()
    candidates: dict[str, Path] = {}
    temporaries: list[Path] = []
    for path, modified in _stored_files():
        if modified >= cutoff:
            continue
        if path.name.startswith(_TEMPORARY_PREFIX):
            temporaries.append(path)
        elif _KEY_FORMAT.fullmatch(path.parent.name + path.name):
            candidates[path.parent.name + path.name] = path
    # Asked only now, after listing: a row committed before this point is seen, and a document
    # written after the listing began is too young to be a candidate.
    named = set(referenced(list(candidates))) if candidates else set()
    removed = 0
    for key in sorted(set(candidates) - named):
        delete(key=key)
        logger.info("orphaned document removed", extra={"document": key})
        removed += 1
    for path in temporaries:
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def stored_documents() -> Iterator[tuple[str, Path]]:
    """Each stored document's key and file (temporary files of a writer in flight left out)."""
    for path, _modified in _stored_files():
        key = path.parent.name + path.name
        if _KEY_FORMAT.fullmatch(key):
            yield key, path


def root() -> Path:
    """The folder documents are stored under (settings.DOCUMENT_ROOT)."""
    return _root()


def put_sealed(*, key: str, blob: bytes) -> None:
    """Write a document exactly as it was stored, still encrypted (restoring a backup)."""
    path = _path(key)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_atomically(path, blob)


def encoded_key_for(secret: str) -> str:
    """The DOCUMENT_ENCRYPTION_KEY value equal to the key derived from `secret`, so an
    installation that relied on SECRET_KEY can pin its document key before rotating it."""
    return base64.urlsafe_b64encode(_derive(secret)).decode()


def _stored_files() -> Iterator[tuple[Path, float]]:
    """Each regular file two levels under the root (where `store` writes), with its mtime."""
    root = _root()
    if not root.is_dir():
        return
    with os.scandir(root) as folders:
        for folder in folders:
            if len(folder.name) != 2 or not folder.is_dir(follow_symlinks=False):
                continue
            with os.scandir(folder.path) as files:
                for entry in files:
                    if entry.is_file(follow_symlinks=False):
                        yield Path(entry.path), entry.stat(follow_symlinks=False).st_mtime


def _root() -> Path:
    root = getattr(settings, "DOCUMENT_ROOT", None) or Path(settings.VAR_DIR) / "documents"
    return Path(os.fspath(root))


def _path(key: str) -> Path:
    # Checked before any file-system call: a key is never allowed to steer the path.
    if not isinstance(key, str) or not _KEY_FORMAT.fullmatch(key):
        raise VaultError("not a document key")
    return _root() / key[:2] / key[2:]


def _associated_data(key: str) -> bytes:
    # Binding the key means a file copied over another one's name no longer decrypts.
    return bytes([VERSION]) + key.encode("ascii")


def encryption_keys() -> list[bytes]:
    """The keys documents are read with, the first one also written with; raise
    ImproperlyConfigured for a malformed DOCUMENT_ENCRYPTION_KEY."""
    return _encryption_keys()


def _encryption_keys() -> list[bytes]:
    configured = getattr(settings, "DOCUMENT_ENCRYPTION_KEY", None)
    if configured:
        try:
            key = base64.urlsafe_b64decode(configured)
        except (binascii.Error, ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                "DOCUMENT_ENCRYPTION_KEY must be url-safe base64 of 32 bytes."
            ) from error
        if len(key) != 32:
            raise ImproperlyConfigured(
                "DOCUMENT_ENCRYPTION_KEY must be url-safe base64 of 32 bytes."
            )
        return [key]
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_derive(str(secret)) for secret in secrets_in_use]


def _derive(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
    return hkdf.derive(secret.encode())


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader sees the old file or the whole new one, never half; mkstemp makes it 0o600.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
