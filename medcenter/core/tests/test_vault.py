"""SECURITY.md R19: documents are encrypted at rest and a tampered one is never served."""

import base64
import os
import pathlib
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from medcenter.core import vault
from medcenter.core.vault import VaultError, delete, fetch, store

MARKER = b"PLAINTEXT-MARKER-7f3a referral for a fictional patient"


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    if hasattr(settings, "DOCUMENT_ENCRYPTION_KEY"):
        del settings.DOCUMENT_ENCRYPTION_KEY
    settings.SECRET_KEY_FALLBACKS = []
    return settings.DOCUMENT_ROOT


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_a_stored_document_reads_back():
    key = store(content=MARKER)

    assert fetch(key=key) == MARKER


def test_keys_are_random_and_opaque(document_root):
    first, second = store(content=MARKER), store(content=MARKER)

    assert first != second
    assert all(len(key) == 32 and set(key) <= set("0123456789abcdef") for key in (first, second))
    assert stored_files(document_root) == sorted(
        [document_root / first[:2] / first[2:], document_root / second[:2] / second[2:]]
    )


def test_the_file_on_disk_holds_no_plaintext_and_only_its_owner_can_read_it(document_root):
    store(content=MARKER * 100)

    (path,) = stored_files(document_root)
    on_disk = path.read_bytes()
    assert b"PLAINTEXT-MARKER" not in on_disk
    assert on_disk[0] == vault.VERSION
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_document_round_trips():
    assert fetch(key=store(content=b"")) == b""


@pytest.mark.parametrize("position", [0, 1, 12, 13, 40, -1], ids=str)
def test_a_flipped_byte_is_detected(document_root, position):
    key = store(content=MARKER)
    (path,) = stored_files(document_root)
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(VaultError):
        fetch(key=key)


def test_a_truncated_file_is_detected(document_root):
    key = store(content=MARKER)
    (path,) = stored_files(document_root)
    path.write_bytes(path.read_bytes()[:-1])

    with pytest.raises(VaultError):
        fetch(key=key)


def test_two_files_swapped_on_disk_are_detected(document_root):
    first, second = store(content=b"first document"), store(content=b"second document")
    first_path = document_root / first[:2] / first[2:]
    second_path = document_root / second[:2] / second[2:]
    first_bytes, second_bytes = first_path.read_bytes(), second_path.read_bytes()
    first_path.write_bytes(second_bytes)
    second_path.write_bytes(first_bytes)

    with pytest.raises(VaultError):
        fetch(key=first)
    with pytest.raises(VaultError):
        fetch(key=second)


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "ab/" + "c" * 30,
        "A" * 32,
        "a" * 31,
        "a" * 33,
        "a" * 32 + "\n",
        "",
        None,
    ],
)
def test_a_malformed_key_never_reaches_the_file_system(monkeypatch, tmp_path, key):
    (tmp_path / "x").write_bytes(b"outside the vault")

    def no_file_system(*args, **kwargs):
        raise AssertionError("the file system was touched")

    for name in ("open", "read_bytes", "unlink", "exists", "stat", "mkdir"):
        monkeypatch.setattr(pathlib.Path, name, no_file_system)
    monkeypatch.setattr(os, "open", no_file_system)

    with pytest.raises(VaultError):
        fetch(key=key)
    with pytest.raises(VaultError):
        delete(key=key)


def test_a_missing_document_is_an_error():
    with pytest.raises(VaultError):
        fetch(key="0" * 32)


def test_delete_removes_the_document(document_root):
    key = store(content=MARKER)

    delete(key=key)

    assert stored_files(document_root) == []
    with pytest.raises(VaultError):
        fetch(key=key)
    delete(key=key)


def test_another_secret_key_cannot_read_it(settings):
    key = store(content=MARKER)
    settings.SECRET_KEY = "a-different-secret-key-for-another-installation"

    with pytest.raises(VaultError):
        fetch(key=key)


def test_an_old_secret_key_still_reads_while_it_is_a_fallback(settings):
    old_secret = settings.SECRET_KEY
    key = store(content=MARKER)
    settings.SECRET_KEY = "the-rotated-secret-key"
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    assert fetch(key=key) == MARKER


def test_a_configured_encryption_key_replaces_the_secret_key(settings):
    settings.DOCUMENT_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    key = store(content=MARKER)
    settings.SECRET_KEY = "the-rotated-secret-key"

    assert fetch(key=key) == MARKER

    settings.DOCUMENT_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"j" * 32).decode()
    with pytest.raises(VaultError):
        fetch(key=key)


@pytest.mark.parametrize("configured", ["not base64!", base64.urlsafe_b64encode(b"short").decode()])
def test_a_malformed_encryption_key_is_a_configuration_error(settings, configured):
    settings.DOCUMENT_ENCRYPTION_KEY = configured

    with pytest.raises(ImproperlyConfigured):
        store(content=MARKER)


def test_documents_default_to_var_documents(settings, tmp_path):
    if hasattr(settings, "DOCUMENT_ROOT"):
        del settings.DOCUMENT_ROOT
    settings.VAR_DIR = tmp_path / "var"

    key = store(content=MARKER)

    assert (tmp_path / "var" / "documents" / key[:2] / key[2:]).is_file()
    assert fetch(key=key) == MARKER


def test_no_temporary_file_is_left_behind(document_root):
    store(content=MARKER)

    assert [path.name for path in document_root.rglob(".tmp-*")] == []


def test_documents_kept_for_a_block_that_fails_are_deleted_and_others_stay():
    with vault.deleted_on_failure() as stored:
        first = stored.store(b"one")
        second = stored.adopt(vault.store_stream(chunks=[b"two"]))
    assert fetch(key=first) == b"one"
    assert b"".join(vault.open_stream(key=second)) == b"two"

    with pytest.raises(ValueError), vault.deleted_on_failure() as stored:
        failed = stored.store(b"three")
        raise ValueError("the row naming it was refused")
    with pytest.raises(VaultError):
        fetch(key=failed)
    assert fetch(key=first) == b"one"
