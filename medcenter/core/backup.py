"""Backups that bring the data back: one archive, restored into an empty installation and
checked before anyone relies on it (issue 17, docs/operations.md).

An archive is an uncompressed tar of
  - `database.pgdump` (pg_dump custom format, PostgreSQL) or `database.sqlite3` (SQLite's
    online backup API, the embedded default), taken from one consistent snapshot;
  - `documents/<xx>/<rest>`: the document vault's files exactly as stored, still encrypted
    (they are never decrypted on the way into a backup);
  - `manifest.json`: format, backend, versions and applied migrations, rows per table and the
    audit chains' heads as of that snapshot, the document count, the database file's SHA-256.

The counts, the chain heads and the documents' names are read from the same snapshot the
database copy is made of (PostgreSQL: an exported snapshot that pg_dump joins; SQLite: the
copy itself), so a backup taken while the site runs describes exactly what it holds. The
document files are listed after that snapshot: a document is written before the row naming
it commits, so every row in the snapshot finds its file.

The keys are not in the archive: without DOCUMENT_ENCRYPTION_KEY (or the SECRET_KEY it was
derived from) and AUDIT_CHAIN_KEY a restored installation reads no document and cannot
verify its audit chain, which is why they are kept apart from the backups.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from medcenter.core import audit, vault
from medcenter.core.models import AuditChainHead, AuditEvent

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
DOCUMENTS = "documents"
_DOCUMENT_MEMBER = re.compile(r"documents/([0-9a-f]{2})/([0-9a-f]{30})")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says what to do."""


class _Cursor(Protocol):
    def execute(self, sql: str) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    load_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


# --- Backup ------------------------------------------------------------------------------------


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"medcenter-{stamp}.tar"


def create_backup(*, output: Path, using: str = "default") -> dict[str, Any]:
    """Write one archive with the database, the encrypted documents and a manifest to
    `output` (readable by its owner only); return the manifest."""
    backend = _backend(using)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output.")
    scratch = Path(tempfile.mkdtemp(prefix=".backup-", dir=output.parent))
    partial = output.with_name(f".{output.name}.partial")
    try:
        database = scratch / DATABASE_MEMBERS[backend]
        if backend == "postgresql":
            snapshot = _dump_postgresql(using, database)
        else:
            snapshot = _copy_sqlite(using, database)
        # Listed only now, after the snapshot: every row in it already has its file.
        documents = list(vault.stored_documents())
        stored = {key for key, _path in documents}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": backend,
            "versions": {
                "medcenter": _medcenter_version(),
                "django": django.get_version(),
                "migrations": snapshot["migrations"],
            },
            "database": {
                "member": database.name,
                "bytes": database.stat().st_size,
                "sha256": _sha256(database),
            },
            "tables": snapshot["tables"],
            "audit": snapshot["audit"],
            "documents": {
                "stored": 0,
                "bytes": 0,
                "referenced": len(snapshot["referenced"]),
                "missing": sorted(snapshot["referenced"] - stored),
            },
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file, tarfile.open(fileobj=file, mode="w") as tar:
            tar.add(database, arcname=database.name)
            for key, path in documents:
                try:
                    info = tar.gettarinfo(path, arcname=f"{DOCUMENTS}/{key[:2]}/{key[2:]}")
                    with path.open("rb") as blob:
                        tar.addfile(info, blob)
                except FileNotFoundError:
                    # Removed since the listing (an orphan swept up, a document deleted with
                    # its row after the snapshot): a referenced one is reported as missing.
                    if key in snapshot["referenced"]:
                        manifest["documents"]["missing"].append(key)
                    continue
                manifest["documents"]["stored"] += 1
                manifest["documents"]["bytes"] += info.size
            manifest["documents"]["missing"].sort()
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return manifest


def _copy_sqlite(using: str, target: Path) -> dict[str, Any]:
    source = sqlite3.connect(str(connections[using].settings_dict["NAME"]), timeout=20)
    copy = sqlite3.connect(str(target))
    try:
        # One step (pages=-1): the copy is one consistent read of the database.
        source.backup(copy)
        # A self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _describe(copy.cursor())
    finally:
        copy.close()
        source.close()


def _dump_postgresql(using: str, target: Path) -> dict[str, Any]:
    import psycopg

    _require("pg_dump")
    params = _pg_params(using)
    with psycopg.connect(**params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = str(cursor.fetchone()[0])  # type: ignore[index]
            description = _describe(cursor)
            # pg_dump joins this transaction's snapshot, so the dump holds exactly the rows
            # counted above; the transaction stays open until it has finished.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={target}",
                ],
                using,
            )
        conn.rollback()
    return description


def _describe(cursor: _Cursor) -> dict[str, Any]:
    """Rows per table, the audit chains' heads, the applied migrations and the documents rows
    name, read through `cursor` (inside the snapshot being backed up)."""
    tables = {name: _count(cursor, name) for name in _table_names(cursor)}
    head_table, event_table = AuditChainHead._meta.db_table, AuditEvent._meta.db_table
    cursor.execute(f"SELECT id, last_hash, length FROM {_quote(head_table)} ORDER BY id")  # noqa: S608
    heads = {
        str(chain): {"length": int(length), "last_hash": str(last_hash)}
        for chain, last_hash, length in cursor.fetchall()
        if int(length)
    }
    cursor.execute(f"SELECT MAX(id) FROM {_quote(event_table)}")  # noqa: S608
    last_event = cursor.fetchone()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(str(app), []).append(str(name))
    referenced: set[str] = set()
    for reference in vault.REFERENCES:
        label, _, field_name = reference.rpartition(".")
        model = apps.get_model(label)
        column = model._meta.get_field(field_name).column
        cursor.execute(
            f"SELECT {_quote(column)} FROM {_quote(model._meta.db_table)}"  # noqa: S608
            f" WHERE {_quote(column)} <> ''"
        )
        referenced.update(str(value) for (value,) in cursor.fetchall() if value)
    return {
        "tables": tables,
        "audit": {
            # Every chain's head (issue 18); "length" is all of them together and "last_hash"
            # chain 1's, as manifests written when there was one chain have them.
            "length": sum(head["length"] for head in heads.values()),
            "last_hash": heads.get(str(audit.LEGACY_CHAIN), {}).get("last_hash", audit.GENESIS),
            "chains": heads,
            "last_event_id": int(last_event[0]) if last_event and last_event[0] else None,
        },
        "migrations": migrations,
        "referenced": referenced,
    }


def _table_names(cursor: _Cursor, *, sqlite: bool | None = None) -> list[str]:
    """Base tables only (no views; SQLite's own tables left out), the same list on both sides."""
    if sqlite if sqlite is not None else isinstance(cursor, sqlite3.Cursor):
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p')"
            " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " AND n.nspname !~ '^pg_toast' AND pg_catalog.pg_table_is_visible(c.oid)"
        )
    return sorted(str(name) for (name,) in cursor.fetchall())


def _count(cursor: _Cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
    return int(cursor.fetchone()[0])


# --- Restore -----------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest of `archive`; BackupError if it is not a medcenter backup."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            return _manifest_of(tar)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} cannot be read as a medcenter backup: {error}") from error


def target_contents(*, using: str = "default") -> tuple[int, int]:
    """How many tables the database and how many documents the document folder hold."""
    tables = len(connections[using].introspection.table_names())
    documents = sum(1 for _ in vault.stored_documents())
    return tables, documents


def restore_backup(
    *, archive: Path, replace: bool = False, using: str = "default"
) -> RestoreReport:
    """Load `archive` into this installation's database and document folder, which must be
    empty unless `replace`, then check it (see `verify_restore`)."""
    backend = _backend(using)
    try:
        tar = tarfile.open(archive, mode="r:")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} cannot be read as a medcenter backup: {error}") from error
    with tar:
        manifest = _manifest_of(tar)
        if manifest["backend"] != backend:
            raise BackupError(
                f"This backup is of a {manifest['backend']} database and the target is "
                f"{backend}; restore it into a {manifest['backend']} database."
            )
        tables, documents = target_contents(using=using)
        if (tables or documents) and not replace:
            raise BackupError(
                f"The target is not empty: the database holds {tables} tables and "
                f"{vault.root()} holds {documents} documents. Restore into a new, empty "
                "database and document folder, or pass --replace to overwrite what they hold."
            )
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="medcenter-restore-") as scratch:
            database = Path(scratch) / manifest["database"]["member"]
            _extract_checked(tar, manifest, database)
            connections[using].close()
            if backend == "postgresql":
                _restore_postgresql(using, database, replace=replace)
            else:
                _restore_sqlite(using, database)
        for member in tar:
            match = _DOCUMENT_MEMBER.fullmatch(member.name)
            if match is None or not member.isfile():
                continue
            blob = tar.extractfile(member)
            if blob is not None:
                vault.put_sealed(key=match[1] + match[2], blob=blob.read())
    loaded = time.perf_counter() - started
    checks = verify_restore(manifest=manifest, using=using)
    return RestoreReport(manifest=manifest, checks=checks, load_seconds=loaded)


def verify_restore(*, manifest: dict[str, Any], using: str = "default") -> list[Check]:
    """Compare this installation with a backup's manifest: rows per table, the audit chain
    (intact, and as long as it was), every document present and decrypting, migrations."""
    checks = []
    for check in (_check_tables, _check_audit, _check_documents, _check_migrations):
        started = time.perf_counter()
        result = check(manifest, using)
        checks.append(dataclasses.replace(result, seconds=time.perf_counter() - started))
    return checks


def _manifest_of(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("The archive has no manifest.json: not a medcenter backup.") from None
    file = tar.extractfile(member)
    if file is None:
        raise BackupError("The archive's manifest.json is not a file.")
    manifest: dict[str, Any] = json.loads(file.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Backup format {manifest.get('format')!r} is not {FORMAT}; restore it with the "
            "medcenter version that wrote it."
        )
    if manifest.get("backend") not in DATABASE_MEMBERS:
        raise BackupError(f"Unknown database backend {manifest.get('backend')!r}.")
    return manifest


def _extract_checked(tar: tarfile.TarFile, manifest: dict[str, Any], target: Path) -> None:
    name = manifest["database"]["member"]
    if name != DATABASE_MEMBERS[manifest["backend"]]:
        raise BackupError(f"Unexpected database member {name!r}.")
    source = tar.extractfile(name)
    if source is None:
        raise BackupError(f"The archive has no {name}.")
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != manifest["database"]["sha256"]:
        raise BackupError(f"{name} does not match the manifest's checksum: the archive is damaged.")


def _restore_sqlite(using: str, source: Path) -> None:
    target = Path(str(connections[using].settings_dict["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    connections[using].close()
    copy = sqlite3.connect(str(source))
    into = sqlite3.connect(str(target), timeout=20)
    try:
        copy.backup(into)
    finally:
        into.close()
        copy.close()


def _restore_postgresql(using: str, source: Path, *, replace: bool) -> None:
    _require("pg_restore")
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={_pg_params(using)['dbname']}"]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], using)


def _check_tables(manifest: dict[str, Any], using: str) -> Check:
    expected: dict[str, int] = manifest["tables"]
    with connections[using].cursor() as cursor:
        names = _table_names(cursor, sqlite=connections[using].vendor == "sqlite")
        found = {name: _count(cursor, name) for name in names}
    differences = [
        f"{name}: {found.get(name, 'missing')} rows, backup {expected.get(name, 'none')}"
        for name in sorted(set(expected) | set(found))
        if found.get(name) != expected.get(name)
    ]
    rows = sum(found.values())
    if differences:
        shown = "; ".join(differences[:5]) + ("; ..." if len(differences) > 5 else "")
        return Check("tables", False, f"{len(differences)} tables differ from the backup: {shown}")
    return Check("tables", True, f"{len(found)} tables, {rows:,} rows, as in the backup")


def _check_audit(manifest: dict[str, Any], using: str) -> Check:
    report = audit.verify_chain()
    expected = manifest["audit"]
    # A manifest from before there were several chains names only the one chain's head.
    wanted = expected.get("chains")
    if wanted is None:
        wanted = {str(audit.LEGACY_CHAIN): expected} if expected["length"] else {}
    found = {
        str(head.pk): {"length": head.length, "last_hash": head.last_hash}
        for head in AuditChainHead.objects.filter(length__gt=0)
    }
    if not report.ok:
        where = f" at audit event {report.broken_at}" if report.broken_at else ""
        return Check(
            "audit chain",
            False,
            f"broken{where}: {report.problem} ({report.checked} events verified); is "
            "AUDIT_CHAIN_KEY the installation's key?",
        )
    differences = [
        f"chain {chain}: {found.get(chain, {}).get('length', 0)} events ending at "
        f"{found.get(chain, {}).get('last_hash', audit.GENESIS)[:12]}, the backup's has "
        f"{wanted.get(chain, {}).get('length', 0)} ending at "
        f"{wanted.get(chain, {}).get('last_hash', audit.GENESIS)[:12]}"
        for chain in sorted(set(found) | set(wanted), key=int)
        if found.get(chain)
        != {
            "length": wanted.get(chain, {}).get("length"),
            "last_hash": wanted.get(chain, {}).get("last_hash"),
        }
    ]
    if differences:
        return Check("audit chain", False, "; ".join(differences))
    return Check(
        "audit chain",
        True,
        f"{report.checked:,} events verified in {len(found)} chain(s), heads as in the backup",
    )


def _check_documents(manifest: dict[str, Any], using: str) -> Check:
    read = failed = 0
    stored: set[str] = set()
    for key, _path in vault.stored_documents():
        stored.add(key)
        try:
            vault.fetch(key=key)
        except vault.VaultError:
            failed += 1
        else:
            read += 1
    referenced: set[str] = set()
    for reference in vault.REFERENCES:
        label, _, field_name = reference.rpartition(".")
        rows = apps.get_model(label)._base_manager.exclude(**{field_name: ""})
        referenced.update(rows.values_list(field_name, flat=True).iterator())
    missing = referenced - stored
    known_missing = set(manifest["documents"]["missing"])
    problems = []
    if failed:
        problems.append(
            f"{failed} of {len(stored)} do not decrypt (is DOCUMENT_ENCRYPTION_KEY, or the "
            "SECRET_KEY they were written under in SECRET_KEY_FALLBACKS, set?)"
        )
    if missing - known_missing:
        problems.append(f"{len(missing - known_missing)} named by a row are missing")
    if len(stored) != manifest["documents"]["stored"]:
        problems.append(f"{len(stored)} stored, the backup holds {manifest['documents']['stored']}")
    if problems:
        return Check("documents", False, "; ".join(problems))
    detail = f"{read:,} of {len(stored):,} decrypt, {len(referenced - missing):,} named by rows"
    if known_missing:
        detail += f" ({len(known_missing)} already missing when the backup was taken)"
    return Check("documents", True, detail)


def _check_migrations(manifest: dict[str, Any], using: str) -> Check:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    nodes = set(loader.graph.nodes)
    known = set(nodes)
    applied = {
        (app, name) for app, names in manifest["versions"]["migrations"].items() for name in names
    }
    # A squashed migration (Wagtail ships some) is recorded as the migrations it replaces.
    for key, migration in loader.replacements.items():
        known.update(migration.replaces)
        if set(migration.replaces) <= applied:
            applied.add(key)
    unknown = applied - known
    if unknown:
        return Check(
            "migrations",
            False,
            f"{len(unknown)} applied migrations are unknown to this code (e.g. "
            f"{sorted(unknown)[0]}): restore with the medcenter version that wrote the backup",
        )
    pending = nodes - applied
    if pending:
        return Check("migrations", True, f"{len(pending)} pending: run `manage.py migrate` next")
    return Check("migrations", True, "the backup's schema is this code's")


# --- Shared ------------------------------------------------------------------------------------


def _backend(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_params(using: str) -> dict[str, Any]:
    settings_dict = connections[using].settings_dict
    params: dict[str, Any] = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    options = settings_dict.get("OPTIONS", {})
    for name in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service"):
        if options.get(name):
            params[name] = options[name]
    return {name: value for name, value in params.items() if value is not None}


_PG_ENVIRONMENT = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def _run(command: list[str], using: str) -> None:
    # Connection details travel in the environment, so the password never shows in `ps`.
    environment = {**os.environ}
    for name, value in _pg_params(using).items():
        environment[_PG_ENVIRONMENT[name]] = str(value)
    result = subprocess.run(  # noqa: S603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed; install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client), of the server's major version or newer."
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _medcenter_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("medcenter")
    except PackageNotFoundError:
        return "unknown"
