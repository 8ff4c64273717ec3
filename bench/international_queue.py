"""International Patient Center at 20,000 cases (200,000 tasks, 100,000 documents).

For SQLite and (when reachable) PostgreSQL, in a throw-away database (migrated, filled by
bulk_create, then settled as a database and a worker in service are: statistics, a checkpoint,
gc.freeze()); each wall time is followed by the process's CPU time, since the machine is shared:
  1. the coordinators' queue through Django's full request path (session, second factor,
     permission, selector, template): its first page for 30 filter and sort combinations,
     and the 200th page reached by following the keyset cursor; p50/p95/max server time and
     the number of queries per page (which must not depend on the page or the data);
  2. the visa support letter PDF in each of five languages (p95);
  3. (once, SQLite run only) a 500 MB zip of DICOM files, checked and encrypted into the vault
     through the service: the peak Python memory it adds (tracemalloc) and the time taken.

    .venv/bin/python bench/international_queue.py [--backend both|sqlite|postgresql]
        [--cases 20000] [--zip-mb 500]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import line, load, run_per_backend, settle, timed  # noqa: E402

PG_NAME = "mc_intl_bench"
COUNTRIES = ["MX", "SA", "CN", "RU", "BR", "AE", "CO", "KZ", "EG", "NG", "IN", "PE"]
LANGUAGES = ["es", "ar", "zh-hans", "ru", "pt-br", "en"]
STATUSES = [
    "new",
    "records_requested",
    "under_review",
    "opinion_sent",
    "cleared",
    "visa_letter",
    "scheduled",
    "in_care",
    "follow_up",
    "closed",
    "declined",
]


def cpu_timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, float, Any]:
    """Wall and CPU milliseconds of one call (this thread's CPU time: on a shared machine the
    wall time also counts the time the scheduler gave to others; SQLite's work is counted in
    it, PostgreSQL's is not), and its result."""
    cpu = time.thread_time()
    ms, result = timed(fn, *args, **kwargs)
    return ms, (time.thread_time() - cpu) * 1000, result


def build(cases: int) -> list:
    from django.utils import timezone

    from medcenter.accounts.tests.factories import StaffUserFactory
    from medcenter.core.bulkwrite import insert_rows  # noqa: F401 - bulk_create is enough here
    from medcenter.international.models import Case, CaseDocument, CaseTask

    rng = random.Random(3)  # noqa: S311 - made-up data
    coordinators = [
        StaffUserFactory(roles=["international_coordinator"], email=f"ic{n}@bench.example")
        for n in range(12)
    ]
    now = timezone.now()
    rows = []
    for n in range(cases):
        received = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        status = rng.choice(STATUSES)
        due = received + timedelta(days=rng.randint(-5, 30))
        rows.append(
            Case(
                reference=f"IPC-B{n:07d}",
                status=status,
                inquirer_role="family",
                inquirer_name=f"Inquirer {n}",
                email=f"inquirer{n}@example.com",
                country=rng.choice(COUNTRIES),
                language=rng.choice(LANGUAGES),
                patient_name=f"Patient {n}",
                patient_birth_date=date(1950, 1, 1) + timedelta(days=rng.randint(0, 25000)),
                condition_text="sarcoma",
                service=rng.choice(["remote_opinion", "consultation", "treatment"]),
                payer="self",
                received_at=received,
                first_reply_due_at=received + timedelta(days=2),
                due_at=due,
                coordinator=rng.choice([*coordinators, None]),
                declined_reason="Not our field" if status == "declined" else "",
                clearance_override_reason="bench" if status in STATUSES[4:9] else "",
            )
        )
    Case.objects.bulk_create(rows, batch_size=2000)
    ids = list(Case.objects.values_list("id", flat=True))
    tasks, documents = [], []
    for case_id in ids:
        for t in range(10):
            tasks.append(
                CaseTask(
                    case_id=case_id,
                    kind="records",
                    title=f"Task {t}",
                    due_at=now + timedelta(days=rng.randint(-10, 30)),
                    done_at=now if rng.random() < 0.7 else None,
                )
            )
        for d in range(5):
            documents.append(
                CaseDocument(
                    case_id=case_id,
                    kind="record",
                    filename=f"record-{d}.pdf",
                    content_type="application/pdf",
                    size=1000,
                    sha256="0" * 64,
                    vault_key="0" * 32,
                    language="es",
                )
            )
        if len(tasks) >= 20000:
            CaseTask.objects.bulk_create(tasks, batch_size=5000)
            CaseDocument.objects.bulk_create(documents, batch_size=5000)
            tasks, documents = [], []
    CaseTask.objects.bulk_create(tasks, batch_size=5000)
    CaseDocument.objects.bulk_create(documents, batch_size=5000)
    return coordinators


def combinations(coordinator_id: str) -> list[dict[str, str]]:
    rng = random.Random(5)  # noqa: S311 - made-up data
    found = []
    while len(found) < 30:
        query: dict[str, str] = {"sort": rng.choice(["due", "received", "oldest"])}
        if rng.random() < 0.5:
            query["status"] = rng.choice(STATUSES[:9])
        if rng.random() < 0.4:
            query["country"] = rng.choice(COUNTRIES)
        if rng.random() < 0.3:
            query["language"] = rng.choice(LANGUAGES)
        if rng.random() < 0.3:
            query["coordinator"] = rng.choice(["me", "none", coordinator_id])
        if rng.random() < 0.3:
            query["overdue"] = "1"
        found.append(query)
    return found


def child(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from medcenter.accounts.tests.factories import sign_in_verified

    label = {"sqlite": "SQLite (file, WAL)", "postgresql": "PostgreSQL"}[connection.vendor]
    print(f"\n{label}  ({load()})")
    print(
        "  (server time is wall time; on a shared machine it counts the turns the scheduler "
        "gave to others,\n   so each figure is followed by this process's CPU time, which "
        "holds SQLite's work but not PostgreSQL's)"
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    coordinators = build(args.cases)
    settle()
    print(f"  migrate {migrated:.1f} s, data set-up {time.perf_counter() - started:.1f} s")
    from medcenter.international.models import Case, CaseDocument, CaseTask

    print(
        f"  rows: {Case.objects.count():,} cases, {CaseTask.objects.count():,} tasks, "
        f"{CaseDocument.objects.count():,} documents"
    )
    client = Client()
    user = coordinators[0]
    sign_in_verified(client, user)
    url = reverse("international:queue")
    client.get(url)  # the session's first page
    times, cpu_times, counts = [], [], set()
    seen: dict[int, list[str]] = {}
    for query in combinations(str(coordinators[1].public_id)):
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                ms, cpu, response = cpu_timed(client.get, url, query)
            if response.status_code != 200:
                raise SystemExit(f"queue answered {response.status_code}")
            times.append(ms)
            cpu_times.append(cpu)
            counts.add(len(queries))
            seen.setdefault(len(queries), [q["sql"][:90] for q in queries.captured_queries])
    print(line("queue, first page, 30 filter/sorts", times, 50))
    print(line("  the same, CPU time of this process", cpu_times))
    print(f"  queries per page: {sorted(counts)}")
    explain_counts(seen)
    breakdown(client, url, user, coordinators[1])
    # The 200th page: follow the cursor from the first (50 cases a page, all open cases).
    cursor = ""
    from medcenter.international import selectors

    user.is_verified = lambda: True
    for _ in range(199):
        page = selectors.queue(user, selectors.QueueParams(sort="received", after=cursor))
        cursor = page.next_cursor
        if not cursor:
            break
    deep, deep_cpu = [], []
    for _ in range(30):
        with CaptureQueriesContext(connection) as queries:
            ms, cpu, response = cpu_timed(client.get, url, {"sort": "received", "after": cursor})
        deep.append(ms)
        deep_cpu.append(cpu)
        counts.add(len(queries))
        seen.setdefault(len(queries), [q["sql"][:90] for q in queries.captured_queries])
    print(line("queue, page 200 (keyset)", deep, 80))
    print(line("  the same, CPU time of this process", deep_cpu))
    print(f"  queries per page, first and 200th: {sorted(counts)}")
    explain_counts(seen)
    reset_queries()
    visa_letters(args)
    if connection.vendor == "sqlite" and args.zip_mb:
        big_zip(args.zip_mb)


def breakdown(client: Any, url: str, user: Any, other: Any) -> None:
    """Where a page's time goes, measured in the same process: the request path alone (the
    same URL refusing an unknown sort: session, second factor, permission and the page shell,
    no cases), the selector alone (its queries and the audit row), and each query's plan."""
    from django.db import connection

    from medcenter.international import selectors
    from medcenter.international.models import Case

    shell = []
    for _ in range(30):
        ms, response = timed(client.get, url, {"sort": "unknown"})
        if response.status_code != 400:
            raise SystemExit(f"the refused sort answered {response.status_code}")
        shell.append(ms)
    print(line("  of which the request path alone", shell))
    user.is_verified = lambda: True
    alone = []
    for query in combinations(str(other.public_id)):
        params = selectors.parse_queue_params(query)
        for _ in range(3):
            alone.append(timed(selectors.queue, user, params)[0])
    print(line("  of which the selector alone", alone))
    rows = Case.objects.exclude(status__in=("closed", "declined")).order_by("due_at", "id")
    with connection.cursor() as cursor:
        sql, sql_params = rows[:51].query.sql_with_params()
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + sql, sql_params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    print(f"  plan of the default first page: {plan[:300]}")


def explain_counts(seen: dict[int, list[str]]) -> None:
    """Where one request made more queries than another: the statements only the longer one
    made (the request path's, not the queue's, if none of them reads cases)."""
    if len(seen) < 2:
        return
    fewest = seen[min(seen)]
    for count, statements in sorted(seen.items())[1:]:
        extra = list(statements)
        for statement in fewest:
            if statement in extra:
                extra.remove(statement)
        print(f"  the {count}-query requests also ran:")
        for statement in extra:
            print(f"    {statement}")


def visa_letters(args: argparse.Namespace) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from medcenter.accounts.models import User
    from medcenter.international import letters, services
    from medcenter.international.models import Case

    coordinator = User.objects.filter(email="ic0@bench.example").get()
    coordinator.is_verified = lambda: True
    services.set_price(
        code="CONSULT", description="Consultation", amount_cents=85_000, actor=coordinator
    )
    services.enter_rate(
        currency="MXN", per_usd=Decimal("17.25"), on_date=timezone.localdate(), actor=coordinator
    )
    for language in ("en", "es", "ar", "zh-hans", "ru"):
        case = Case.objects.filter(status="new").order_by("id").first()
        if case is None:
            raise SystemExit("no new case left")
        Case.objects.filter(pk=case.pk).update(language=language)
        case.refresh_from_db()
        services.set_status(case=case, status="under_review", actor=coordinator)
        estimate = services.create_estimate(
            case=case, lines=[services.LineRequest("CONSULT", 2)], currency="MXN", actor=coordinator
        )
        services.send_estimate(estimate=estimate, actor=coordinator)
        services.accept_estimate(user=coordinator, estimate=estimate)
        services.clear(case=case, actor=coordinator, override_reason="bench")
        letter = services.issue_visa_letter(
            case=case,
            facts=services.VisaFacts(
                "", "Consultation and imaging", 10, ("A companion",), "Dr. Vale", ""
            ),
            actor=coordinator,
        )
        letters.render(letter, language=language)  # warm: fonts, HarfBuzz
        runs = args.letter_runs
        runs_timed = [cpu_timed(letters.render, letter, language=language) for _ in range(runs)]
        print(line(f"visa letter PDF, {language}", [run[0] for run in runs_timed], 300))
        print(line("  the same, CPU time of this process", [run[1] for run in runs_timed]))
        if language == "en":
            # How much of it is the garbage collector walking what this process holds.
            gc.collect()
            gc.disable()
            try:
                paused = [timed(letters.render, letter, language=language)[0] for _ in range(3)]
            finally:
                gc.enable()
            print(line("  the same, collector paused", paused))
            print(f"  objects tracked by the collector: {len(gc.get_objects()):,}")


def big_zip(megabytes: int) -> None:
    """A study of `megabytes` MB: DICOM members written to a temporary zip (stored, as imaging
    usually is), then checked and sealed into the vault by the service."""
    import zipfile

    from django.conf import settings

    from medcenter.international import services
    from medcenter.international.models import Case
    from medcenter.international.tests.factories import dicom_bytes

    folder = tempfile.mkdtemp(prefix="medcenter-dicom-")
    settings.DOCUMENT_ROOT = folder
    path = Path(folder) / "study.zip"
    member = dicom_bytes(512 * 1024)
    rng = random.Random(9)  # noqa: S311 - made-up data
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for n in range(megabytes * 2):
            # Vary the bytes so nothing compresses away.
            archive.writestr(f"SE{n // 200}/IM{n}", member[:200] + rng.randbytes(len(member) - 200))
    size = path.stat().st_size
    case = Case.objects.order_by("id").first()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    with path.open("rb") as file:
        document = services.add_study(case=case, file=file, name="study.zip", actor=None)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    added = (peak - base) / (1024 * 1024)
    verdict = "OK" if added < 100 else "MISSED"
    print(
        f"  DICOM zip {size / (1024 * 1024):.0f} MB ({document.dicom_files} files): "
        f"checked and sealed in {elapsed:.1f} s, peak Python memory added {added:.1f} MB "
        f"(target < 100 MB) {verdict}"
    )
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="both", choices=["both", "sqlite", "postgresql"])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--zip-mb", type=int, default=500)
    parser.add_argument("--letter-runs", type=int, default=15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"International queue: {args.cases:,} cases ({load()})")
    status = run_per_backend(
        __file__,
        backend=args.backend,
        flags=[
            "--cases",
            str(args.cases),
            "--zip-mb",
            str(args.zip_mb),
            "--letter-runs",
            str(args.letter_runs),
        ],
        pg_name=PG_NAME,
        prefix="medcenter-intl-bench-",
    )
    sys.exit(status)


if __name__ == "__main__":
    main()
