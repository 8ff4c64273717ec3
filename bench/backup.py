"""Backup and restore (+ verify) times: the demo, then a large synthetic center (R36: restore and
verify 100,000 patients in under 15 minutes).

For SQLite and (when reachable) PostgreSQL, in a throw-away database per backend
(bench/_common.run_per_backend), it
  1. migrates and loads the demo (`seed_demo`), plus 5 referrals with one uploaded document
     each (submit_referral, the product path: encrypted into the vault);
  2. runs `manage.py backup` and `manage.py restore` (each a child process, as an operator would,
     restore into a fresh database and document folder: a new SQLite file / a second
     PostgreSQL database), and prints their wall times, the archive's size and the restore's
     check lines;
  3. grows the same database to --patients patients with bulk_create: Patient rows, --events
     audit events per patient (a valid chain: hashes computed with audit.chain_hash, the head
     moved), and one referral with one --document-kb document per --patients-per-document
     patients (vault.store: encrypted and fsync'ed as uploads are); then the same backup and
     restore again.
The restore's time includes its checks: rows counted in every table, the whole audit chain
recomputed, every document decrypted. A child process's start (Django set-up, ~1-3 s, more on
a loaded machine) is inside each figure and printed separately.

    .venv/bin/python bench/backup.py [--backend sqlite|postgresql|both] [--patients 100000]
                                     [--events 5] [--patients-per-document 20]
                                     [--document-kb 64] [--quick]

--quick is 10,000 patients. PostgreSQL is DATABASE_URL_POSTGRES's server (default
postgres://postgres@127.0.0.1:5432, trust auth); medcenter_bench_backup and
medcenter_bench_backup_restore are created there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _common import load, psql, run_per_backend

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "medcenter_bench_backup"
BATCH = 2000


def manage(args: list[str], **env: str) -> tuple[float, int, str]:
    """Run manage.py in a child process; its wall seconds, exit status and output."""
    environment = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, result.returncode, result.stdout + result.stderr


class Target:
    """An empty database and document folder to restore into."""

    def __init__(self, scratch: Path, vendor: str, url: str, name: str) -> None:
        self.documents = scratch / f"{name}-documents"
        self.pg_base = None
        if vendor == "postgresql":
            self.pg_base = url.rsplit("/", 1)[0]
            self.database = f"{PG_NAME}_restore"
            psql(self.pg_base, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            psql(self.pg_base, f"CREATE DATABASE {self.database}")
            self.url = f"{self.pg_base}/{self.database}"
        else:
            self.url = f"sqlite:///{scratch / f'{name}.sqlite3'}"

    def drop(self) -> None:
        if self.pg_base:
            psql(self.pg_base, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        shutil.rmtree(self.documents, ignore_errors=True)


def round_trip(label: str, scratch: Path, vendor: str) -> None:
    archive = scratch / f"{label}.tar"
    seconds, status, output = manage(["backup", "--output", str(archive)])
    if status:
        raise SystemExit(f"backup failed: {output}")
    size = archive.stat().st_size / 1e6
    print(f"  backup              {seconds:7.1f} s   archive {size:,.1f} MB")
    print("    " + output.strip())
    target = Target(scratch, vendor, os.environ["DATABASE_URL"], label)
    try:
        seconds, status, output = manage(
            ["restore", str(archive)], DATABASE_URL=target.url, DOCUMENT_ROOT=str(target.documents)
        )
    finally:
        target.drop()
        archive.unlink(missing_ok=True)
    verdict = "verified" if status == 0 else f"FAILED (exit {status})"
    goal = "  (R36 goal < 900 s: " + ("OK)" if seconds < 900 else "MISSED)")
    print(f"  restore + verify    {seconds:7.1f} s   {verdict}{goal}")
    for line in output.strip().splitlines():
        print("    " + line)


def seed_referrals(count: int, *, kb: int, start: int) -> None:
    from medcenter.core import vault
    from medcenter.scheduling.models import Referral, ReferralDocument

    now = datetime.now(UTC)
    content = os.urandom(kb * 1024)
    for first in range(0, count, BATCH):
        batch = range(first, min(count, first + BATCH))
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    source="patient",
                    given_name="Bench",
                    family_name=f"Referral {start + i}",
                    date_of_birth=date(1970, 1, 1),
                    diagnosis="Synthetic",
                    contact_due_at=now + timedelta(days=1),
                )
                for i in batch
            ]
        )
        ReferralDocument.objects.bulk_create(
            [
                ReferralDocument(
                    referral=referral,
                    filename="records.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256="0" * 64,
                    vault_key=vault.store(content=content),
                )
                for referral in referrals
            ]
        )


def grow(patients: int, *, events: int, per_document: int, kb: int) -> dict[str, float]:
    from django.db import transaction

    from medcenter.core.audit import GENESIS, chain_hash
    from medcenter.core.models import AuditChainHead, AuditEvent
    from medcenter.patients.models import Patient

    times = {}
    started = time.perf_counter()
    have = Patient.objects.count()
    with transaction.atomic():
        for first in range(have, patients, BATCH):
            Patient.objects.bulk_create(
                [
                    Patient(
                        mrn=f"B{i:09d}",
                        given_name="Bench",
                        family_name=f"Patient {i}",
                        date_of_birth=date(1940, 1, 1) + timedelta(days=i % 25_000),
                        sex="female" if i % 2 else "male",
                        email=f"bench.patient{i}@example.test",
                    )
                    for i in range(first, min(patients, first + BATCH))
                ]
            )
    times["patients"] = time.perf_counter() - started

    started = time.perf_counter()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS, "length": 0}
        )
        previous, length = head.last_hash, head.length
        ids = list(Patient.objects.values_list("public_id", flat=True))
        actor = str(uuid.uuid4())
        at = datetime.now(UTC)
        todo = [(str(pid), n) for pid in ids for n in range(events)]
        for first in range(0, len(todo), BATCH):
            rows = []
            for patient, n in todo[first : first + BATCH]:
                at += timedelta(microseconds=1)
                event = AuditEvent(
                    occurred_at=at,
                    actor_public_id=actor,
                    actor_role="clinician",
                    action="patient.viewed" if n else "patient.registered",
                    outcome="success",
                    patient_public_id=patient,
                    purpose="care_team",
                    prev_hash=previous,
                )
                event.hash = previous = chain_hash(event)
                rows.append(event)
            AuditEvent.objects.bulk_create(rows)
            length += len(rows)
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous, length=length)
    times["audit events"] = time.perf_counter() - started

    started = time.perf_counter()
    with transaction.atomic():
        seed_referrals(patients // per_document, kb=kb, start=1000)
    times["documents"] = time.perf_counter() - started
    return times


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    scratch = Path(tempfile.mkdtemp(prefix="medcenter-backup-bench-"))
    documents = scratch / "documents"
    os.environ["DOCUMENT_ROOT"] = str(documents)
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.core.management import call_command
    from django.db import connection

    from medcenter.core.uploads import check_upload
    from medcenter.scheduling.referrals import submit_referral

    vendor = connection.vendor
    label = {"sqlite": "SQLite (file, WAL)", "postgresql": "PostgreSQL"}[vendor]
    print(f"\n{label}, {load()}")
    try:
        seconds, _, _ = manage(["check"])
        print(f"  a manage.py process starting (manage.py check): {seconds:.1f} s")

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", quiet=True)
        for i in range(5):
            submit_referral(
                data={
                    "given_name": "Demo",
                    "family_name": f"Referral {i}",
                    "date_of_birth": date(1975, 3, 1 + i),
                    "email": f"demo.referral{i}@example.test",
                    "diagnosis": "Synthetic",
                },
                source="patient",
                documents=[check_upload(name="notes.txt", content=b"Synthetic notes.\n" * 200)],
            )
        print(f"\n1. The demo (built in {time.perf_counter() - started:.1f} s)")
        round_trip("demo", scratch, vendor)

        times = grow(
            args.patients,
            events=args.events,
            per_document=args.patients_per_document,
            kb=args.document_kb,
        )
        built = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in times.items())
        print(
            f"\n2. {args.patients:,} patients, {args.events} audit events each, one "
            f"{args.document_kb} KB document per {args.patients_per_document} patients "
            f"(built: {built})"
        )
        round_trip("large", scratch, vendor)
    finally:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="10,000 patients")
    parser.add_argument("--patients", type=int, default=None)
    parser.add_argument("--events", type=int, default=5)
    parser.add_argument("--patients-per-document", type=int, default=20)
    parser.add_argument("--document-kb", type=int, default=64)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.patients = args.patients or (10_000 if args.quick else 100_000)
    if args.child:
        child(args)
        return
    flags = ["--patients", str(args.patients), "--events", str(args.events)]
    flags += ["--patients-per-document", str(args.patients_per_document)]
    flags += ["--document-kb", str(args.document_kb)]
    status = run_per_backend(
        __file__, backend=args.backend, flags=flags, pg_name=PG_NAME, prefix="medcenter-backup-"
    )
    sys.exit(status)


if __name__ == "__main__":
    main()
