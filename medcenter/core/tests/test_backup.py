"""Issue 17: a backup brings the data back. Seed -> `manage.py backup` -> `manage.py restore`
into a fresh database and document folder (a new SQLite file, or a new PostgreSQL database made
here) -> rows per table as in the backup, audit chain verified, every document decrypts; also
after SECRET_KEY is rotated, and a restore with the wrong keys fails its checks loudly.

The restores run `manage.py restore` in a child process, as an operator would, with the keys
in its environment. On PostgreSQL they need pg_dump and pg_restore (Debian's postgresql-client,
which scripts/test.sh installs).
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core import audit, backup, vault
from medcenter.core.models import AuditChainHead
from medcenter.core.uploads import check_upload
from medcenter.patients.models import Patient
from medcenter.patients.selectors import get_patient_for
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling.models import ReferralDocument
from medcenter.scheduling.referrals import submit_referral

ROOT = Path(__file__).resolve().parents[3]
MARKER = b"PLAINTEXT-MARKER-b4c7 synthetic pathology notes for a fictional patient"
OLD_SECRET = "old-secret-key-for-the-restore-drill-" + "x" * 20
NEW_SECRET = "new-secret-key-after-rotation-" + "y" * 20

# What needs PostgreSQL's client tools on PostgreSQL.
needs_pg_tools = pytest.mark.skipif(
    connection.vendor == "postgresql"
    and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump/pg_restore not installed (apt-get install postgresql-client)",
)


@pytest.fixture
def keys(settings, tmp_path):
    """The installation's keys as in the demo: derived from SECRET_KEY, the chain keyed by it."""
    settings.SECRET_KEY = OLD_SECRET
    settings.SECRET_KEY_FALLBACKS = []
    settings.AUDIT_CHAIN_KEY = OLD_SECRET
    settings.DOCUMENT_ENCRYPTION_KEY = ""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings


def _seed():
    """Patients, an audited read of one, and a referral with two uploaded documents."""
    owner = UserFactory()
    patients = [PatientFactory(user=owner), *PatientFactory.create_batch(2)]
    CareRelationshipFactory(patient=patients[1])
    get_patient_for(owner, public_id=patients[0].public_id)
    submit_referral(
        data={
            "given_name": "Rowan",
            "family_name": "Backupfield",
            "date_of_birth": date(1980, 5, 17),
            "email": "rowan@example.test",
            "diagnosis": "Osteosarcoma",
        },
        source="patient",
        documents=[
            check_upload(name="notes.txt", content=MARKER + b"\n"),
            check_upload(name="more.txt", content=MARKER + b" (second page)\n"),
        ],
    )


class Target:
    """A fresh, empty database and document folder for one restore."""

    def __init__(self, tmp_path: Path, name: str) -> None:
        self.documents = tmp_path / f"{name}-documents"
        self.database = None
        if connection.vendor == "postgresql":
            self.database = f"{connection.settings_dict['NAME']}_{name}"[:63]
            _admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{self.database}"')
            self.url = _pg_url(self.database)
        else:
            self.url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"

    def drop(self) -> None:
        if self.database:
            _admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _pg_url(database: str) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database}"


def _admin(sql: str) -> None:
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def _restore(archive: Path, target: Target, **keys: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "medcenter.settings",
            "DATABASE_URL": target.url,
            "DOCUMENT_ROOT": str(target.documents),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY_FALLBACKS": "",
            "DOCUMENT_ENCRYPTION_KEY": "",
            **keys,
        }
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@needs_pg_tools
@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_every_row_the_audit_chain_and_every_document(
    keys, tmp_path, monkeypatch
):
    _seed()
    # A second audit chain, as another database connection would write it (issue 18).
    other = 2 if audit.chain_of(connection) != 2 else 3
    with monkeypatch.context() as patched, transaction.atomic():
        patched.setattr(audit, "chain_of", lambda _connection: other)
        audit.record(action="test.other_chain", read=True)
    archive = tmp_path / "backup.tar"

    call_command("backup", output=archive, stdout=open(os.devnull, "w"))  # noqa: SIM115

    # The manifest describes what was backed up.
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["backend"] == connection.vendor
    assert manifest["tables"]["patients_patient"] == Patient.objects.count() == 3
    heads = AuditChainHead.objects.all()
    assert manifest["audit"]["length"] == sum(h.length for h in heads) >= 3
    assert manifest["audit"]["chains"] == {
        str(h.pk): {"length": h.length, "last_hash": h.last_hash} for h in heads
    }
    assert len(manifest["audit"]["chains"]) == 2
    assert manifest["documents"]["stored"] == ReferralDocument.objects.count() == 2
    assert manifest["documents"]["missing"] == []
    assert sorted(n for n in names if n.startswith("documents/")) == sorted(
        f"documents/{d.vault_key[:2]}/{d.vault_key[2:]}" for d in ReferralDocument.objects.all()
    )
    # The documents stay encrypted in the archive.
    assert b"PLAINTEXT-MARKER" not in archive.read_bytes()
    assert archive.stat().st_mode & 0o077 == 0

    # This database and document folder are not empty: a restore into them is refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert Patient.objects.count() == 3

    targets = {name: Target(tmp_path, name) for name in ("same", "fallback", "pinned", "wrong")}
    try:
        runs = {
            # The same keys.
            "same": _restore(archive, targets["same"], SECRET_KEY=OLD_SECRET),
            # SECRET_KEY rotated, the old one kept as a fallback, the chain key pinned to it.
            "fallback": _restore(
                archive,
                targets["fallback"],
                SECRET_KEY=NEW_SECRET,
                SECRET_KEY_FALLBACKS=OLD_SECRET,
                AUDIT_CHAIN_KEY=OLD_SECRET,
            ),
            # SECRET_KEY rotated with no fallback: the keys set explicitly, as production does.
            "pinned": _restore(
                archive,
                targets["pinned"],
                SECRET_KEY=NEW_SECRET,
                DOCUMENT_ENCRYPTION_KEY=vault.encoded_key_for(OLD_SECRET),
                AUDIT_CHAIN_KEY=OLD_SECRET,
            ),
            # SECRET_KEY rotated and nothing kept: the restore must say it is unusable.
            "wrong": _restore(archive, targets["wrong"], SECRET_KEY=NEW_SECRET),
        }
        results = {name: (run.wait(timeout=300), run.stdout.read()) for name, run in runs.items()}
        restored_files = {
            name: sorted(p.relative_to(t.documents) for p in t.documents.rglob("*") if p.is_file())
            for name, t in targets.items()
        }
    finally:
        for target in targets.values():
            target.drop()

    for name in ("same", "fallback", "pinned"):
        status, output = results[name]
        assert status == 0, f"{name}: {output}"
        assert "OK     tables: " in output
        assert f"OK     audit chain: {manifest['audit']['length']} events verified" in output
        assert "OK     documents: 2 of 2 decrypt, 2 named by rows" in output
        assert "Restore verified." in output
    original = sorted(p.relative_to(settings.DOCUMENT_ROOT) for p in _files(keys.DOCUMENT_ROOT))
    assert restored_files["same"] == original
    status, output = results["wrong"]
    assert status != 0
    assert "FAILED documents: 2 of 2 do not decrypt" in output
    assert "FAILED audit chain: broken at audit event" in output
    assert "Restore verified." not in output


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    stray = tmp_path / "stray.tar"
    with tarfile.open(stray, "w") as tar:
        tar.add(__file__, arcname="notes.py")

    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(stray))


def _fake_archive(path: Path, *, backend: str, database: bytes, sha256: str) -> Path:
    from medcenter.core.backup import DATABASE_MEMBERS

    manifest = {
        "format": 1,
        "backend": backend,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"member": DATABASE_MEMBERS[backend], "sha256": sha256},
    }
    with tarfile.open(path, "w") as tar:
        for name, data in (
            (DATABASE_MEMBERS[backend], database),
            ("manifest.json", json.dumps(manifest).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_a_backup_of_the_other_database_backend_is_refused(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    archive = _fake_archive(tmp_path / "other.tar", backend=other, database=b"x", sha256="0")

    with pytest.raises(CommandError, match=f"restore it into a {other} database"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_a_damaged_database_copy_is_refused_before_anything_is_loaded(tmp_path):
    archive = _fake_archive(
        tmp_path / "damaged.tar", backend=connection.vendor, database=b"damaged", sha256="0" * 64
    )
    patients = PatientFactory.create_batch(2)

    with pytest.raises(CommandError, match="the archive is damaged"):
        call_command("restore", str(archive), replace=True)
    assert Patient.objects.count() == len(patients)


def test_a_derived_document_key_can_be_pinned(settings, tmp_path):
    """encoded_key_for(SECRET_KEY) is the key the vault derives, so pinning it keeps documents."""
    settings.DOCUMENT_ROOT = tmp_path
    settings.SECRET_KEY = OLD_SECRET
    settings.SECRET_KEY_FALLBACKS = []
    settings.DOCUMENT_ENCRYPTION_KEY = ""
    key = vault.store(content=MARKER)

    settings.SECRET_KEY = NEW_SECRET
    with pytest.raises(vault.VaultError):
        vault.fetch(key=key)
    settings.DOCUMENT_ENCRYPTION_KEY = vault.encoded_key_for(OLD_SECRET)

    assert vault.fetch(key=key) == MARKER


@pytest.mark.parametrize(
    ("value", "errors"),
    [("", 0), ("not-a-key", 1), ("c2hvcnQ=", 1), (vault.encoded_key_for(OLD_SECRET), 0)],
    ids=["unset", "not base64 of 32 bytes", "too short", "valid"],
)
def test_a_malformed_document_key_stops_the_start(settings, value, errors):
    from medcenter.core.checks import check_document_key

    settings.DOCUMENT_ENCRYPTION_KEY = value

    assert len(check_document_key()) == errors


def _audit_part():
    connection.ensure_connection()
    cursor = connection.connection.cursor()  # the driver's own, as the backup reads through
    try:
        return backup._describe(cursor)["audit"]
    finally:
        cursor.close()


@pytest.mark.django_db
def test_after_a_restore_every_audit_chains_head_is_compared_with_the_backup(monkeypatch):
    for chain in (1, 3, 3):
        monkeypatch.setattr(audit, "chain_of", lambda _connection, chain=chain: chain)
        with transaction.atomic():
            audit.record(action="test.backed_up", read=True)
    part = _audit_part()
    assert part["length"] == 3
    assert {chain: head["length"] for chain, head in part["chains"].items()} == {"1": 1, "3": 2}
    assert backup._check_audit({"audit": part}, "default").ok

    # A chain that grew (or lost its end) since the backup no longer matches it.
    with transaction.atomic():
        audit.record(action="test.after_the_backup", read=True)
    check = backup._check_audit({"audit": part}, "default")
    assert not check.ok
    assert check.detail.startswith("chain 3: 3 events ending at")


@pytest.mark.django_db
def test_a_manifest_from_the_single_chain_days_is_still_checked(monkeypatch):
    monkeypatch.setattr(audit, "chain_of", lambda _connection: audit.LEGACY_CHAIN)
    with transaction.atomic():
        audit.record(action="test.backed_up", read=True)
        audit.record(action="test.backed_up", read=True)
    head = AuditChainHead.objects.get()
    old_part = {"length": head.length, "last_hash": head.last_hash, "last_event_id": None}

    assert backup._check_audit({"audit": old_part}, "default").ok
    assert not backup._check_audit({"audit": dict(old_part, length=1)}, "default").ok
