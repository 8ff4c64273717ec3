"""Documents encrypted at rest by the application and checked for tampering (SECURITY.md R19).

Each document is one file under settings.DOCUMENT_ROOT, named after a random key the vault
makes up, so no user ever chooses a path. The file is a version byte, a 12-byte nonce and
AES-256-GCM ciphertext whose associated data includes the key: a flipped byte, a truncated
file or two files swapped on disk all fail to decrypt, and such a document is never served.

The encryption key is settings.DOCUMENT_ENCRYPTION_KEY (url-safe base64 of 32 bytes) when
set, otherwise derived from SECRET_KEY; documents written under an older SECRET_KEY stay
readable while it is listed in SECRET_KEY_FALLBACKS.
"""

import base64
import binascii
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

VERSION = 1
HKDF_INFO = b"medcenter documents v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_FORMAT = re.compile(r"[0-9a-f]{32}")


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


def fetch(*, key: str) -> bytes:
    """Return the decrypted document; raise VaultError if it is missing or was altered."""
    path = _path(key)
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


def delete(*, key: str) -> None:
    """Remove the document stored under `key`; removing one already gone is not an error."""
    try:
        _path(key).unlink(missing_ok=True)
    except OSError as error:
        raise VaultError(f"document {key} cannot be removed") from error


def _path(key: str) -> Path:
    # Checked before any file-system call: a key is never allowed to steer the path.
    if not isinstance(key, str) or not _KEY_FORMAT.fullmatch(key):
        raise VaultError("not a document key")
    root = getattr(settings, "DOCUMENT_ROOT", None) or Path(settings.VAR_DIR) / "documents"
    return Path(os.fspath(root)) / key[:2] / key[2:]


def _associated_data(key: str) -> bytes:
    # Binding the key means a file copied over another one's name no longer decrypts.
    return bytes([VERSION]) + key.encode("ascii")


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
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
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
