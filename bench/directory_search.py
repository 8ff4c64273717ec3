"""Find a Doctor at 10,000 clinicians: server time per faceted search, and page throughput.

For SQLite and (when reachable) PostgreSQL: builds a throw-away database with the demo
directory plus generated clinicians up to --clinicians, then
  1. times --queries varied searches (typos, lay terms, six languages, names, facet filters,
     ZIP sorting) through Django's full request path in-process: p50/p95/max server time;
  2. serves it with gunicorn and loads the search page (cycling through the same queries) and
     the trivial view /healthz, interleaved, printing req/s and the ratio.
No cache is keyed on the query; the in-memory directory index is built once per worker.

Every result card shows its doctor's next available new-patient visit (scheduling's slot
engine, cached per clinician, directory.availability). The generated clinicians get weekly
clinics like the demo's and bookings: a quarter are booked solid beyond the 30-day window
(the engine walks all of it and the card offers the request form), the others for 0 to 21
days. Server time is printed with that cache as configured (warm as the run goes on) and
with it off (NEXT_AVAILABLE_CACHE_SECONDS=0: every card computed on every request).

    .venv/bin/python bench/directory_search.py [--clinicians 10000] [--queries 240]
        [--pg-name medcenter_bench]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import http_shell  # noqa: E402

TYPO = random.Random(7)


def typo(word: str) -> str:
    if len(word) < 6:
        return word
    i = TYPO.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def build_queries(n: int) -> list[str]:
    """Varied, realistic queries: vocabulary terms in six languages, typos, names, filters."""
    import django

    django.setup()
    from medcenter.directory.models import Clinician, ConditionTerm, Program, Specialty

    rng = random.Random(11)
    terms = list(ConditionTerm.objects.values_list("term", "language"))
    names = list(Clinician.objects.values_list("family_name", flat=True)[:2000])
    specialties = list(Specialty.objects.values_list("slug", flat=True))
    programs = list(Program.objects.values_list("slug", flat=True))
    langs = ["en", "es", "pt-br", "zh-hans", "ar", "ru"]
    queries = []
    while len(queries) < n:
        kind = rng.random()
        params: dict[str, str] = {}
        if kind < 0.45:
            term, _lang = rng.choice(terms)
            params["q"] = term
        elif kind < 0.6:
            term, _lang = rng.choice([t for t in terms if t[1] in ("en", "es", "pt-br")])
            params["q"] = " ".join(typo(w) for w in term.split())
        elif kind < 0.75:
            params["q"] = rng.choice(names)
        elif kind < 0.85:
            term, _lang = rng.choice(terms)
            params["q"] = term + " doctor"
            params["specialty"] = rng.choice(specialties)
        else:
            term, _lang = rng.choice(terms)
            params.update(
                q=term, near=rng.choice(["02115", "03101", "05401", "02903"]), sort="distance"
            )
        if rng.random() < 0.3:
            params["accepting"] = "on"
        if rng.random() < 0.15:
            params["program"] = rng.choice(programs)
        queries.append(f"/{rng.choice(langs)}/doctors/?{urlencode(params)}")
    return queries


def generate(total: int) -> None:
    """Add generated clinicians (with relations) until the directory holds `total`."""
    import django

    django.setup()
    from django.db import transaction

    from medcenter.directory import fts, index
    from medcenter.directory.demo import (
        FAMILY,
        GIVEN_F,
        GIVEN_M,
        LANGUAGE_POOL,
        PROGRAM_SPECIALTIES,
    )
    from medcenter.directory.models import Clinician, Condition, Location, Program, Specialty

    rng = random.Random(3)
    have = Clinician.objects.count()
    programs = {p.slug: p.pk for p in Program.objects.all()}
    specialties = {s.slug: s.pk for s in Specialty.objects.all()}
    locations = list(Location.objects.values_list("pk", flat=True))
    by_program: dict[int, list[int]] = {}
    for cid, pid in Condition.programs.through.objects.values_list("condition_id", "program_id"):
        by_program.setdefault(pid, []).append(cid)
    with transaction.atomic():
        new = []
        for i in range(total - have):
            female = rng.random() < 0.5
            new.append(
                Clinician(
                    slug=f"generated-{i}",
                    given_name=rng.choice(GIVEN_F if female else GIVEN_M),
                    family_name=rng.choice(FAMILY)
                    + ("" if rng.random() < 0.7 else f"-{rng.choice(FAMILY)}"),
                    credentials="MD",
                    gender="female" if female else "male",
                    languages=["en", *rng.sample(LANGUAGE_POOL, rng.choice([0, 1, 2]))],
                    accepting_new_patients=rng.random() < 0.8,
                    telehealth=rng.random() < 0.5,
                    clinical_interests="Multidisciplinary cancer care, clinical trials, survivorship",
                    research_interests=rng.choice(
                        [
                            "Tumor genomics",
                            "Proton therapy outcomes",
                            "Immunotherapy",
                            "Quality of life",
                        ]
                    ),
                    bio_teaser="Generated benchmark clinician.",
                    bio="<p>Generated for the benchmark.</p>",
                )
            )
        created = Clinician.objects.bulk_create(new, batch_size=1000)
        through = {
            "programs": (Clinician.programs.through, "program_id"),
            "specialties": (Clinician.specialties.through, "specialty_id"),
            "conditions": (Clinician.conditions.through, "condition_id"),
            "locations": (Clinician.locations.through, "location_id"),
        }
        rows: dict[str, list] = {k: [] for k in through}
        for c in created:
            slug = rng.choice(list(PROGRAM_SPECIALTIES))
            pid = programs[slug]
            model, col = through["programs"]
            rows["programs"].append(model(clinician_id=c.pk, **{col: pid}))
            model, col = through["specialties"]
            rows["specialties"].append(
                model(
                    clinician_id=c.pk, **{col: specialties[rng.choice(PROGRAM_SPECIALTIES[slug])]}
                )
            )
            model, col = through["conditions"]
            for cid in by_program.get(pid, [])[:10]:
                rows["conditions"].append(model(clinician_id=c.pk, **{col: cid}))
            model, col = through["locations"]
            for lid in rng.sample(locations, rng.choice([1, 1, 2])):
                rows["locations"].append(model(clinician_id=c.pk, **{col: lid}))
        for name, (model, _col) in through.items():
            model.objects.bulk_create(rows[name], batch_size=2000)
    fts.reindex()
    index.bump_version()
    generate_schedules([c.pk for c in created], rng)


def generate_schedules(clinician_ids: list[int], rng: random.Random) -> None:
    """Weekly clinics for the generated clinicians, and bookings filling their first weeks."""
    from datetime import datetime, time, timedelta

    from django.db import transaction
    from django.utils import timezone

    from medcenter.directory.models import Clinician
    from medcenter.scheduling.models import Appointment, AvailabilityRule, VisitType
    from medcenter.scheduling.selectors import center_tz

    types = {v.code: v for v in VisitType.objects.filter(code__in=("new-patient", "follow-up"))}
    new = types["new-patient"]
    step = new.duration + new.buffer
    places: dict[int, list[int]] = {}
    for cid, lid in Clinician.locations.through.objects.filter(
        clinician_id__in=clinician_ids
    ).values_list("clinician_id", "location_id"):
        places.setdefault(cid, []).append(lid)
    today = timezone.localdate()
    tz = center_tz()
    rules, sessions = [], []
    for cid in clinician_ids:
        where = places.get(cid) or [0]
        for n, weekday in enumerate(sorted(rng.sample(range(5), 3))):
            morning = n % 2 == 0
            begins, ends = (time(8, 30), time(12)) if morning else (time(13), time(17))
            location = where[n % len(where)]
            rules.append(
                AvailabilityRule(
                    clinician_id=cid,
                    location_id=location,
                    weekday=weekday,
                    start_time=begins,
                    end_time=ends,
                    valid_from=today - timedelta(days=14),
                )
            )
            sessions.append((cid, location, weekday, begins, ends))
    appointments = []
    booked_days = {
        cid: 40 if rng.random() < 0.25 else rng.randrange(0, 22) for cid in clinician_ids
    }
    for cid, location, weekday, begins, ends in sessions:
        for offset in range(booked_days[cid]):
            day = today + timedelta(days=offset)
            if day.weekday() != weekday:
                continue
            start = datetime.combine(day, begins, tzinfo=tz)
            close = datetime.combine(day, ends, tzinfo=tz)
            while start + new.duration <= close:
                appointments.append(
                    Appointment(
                        clinician_id=cid,
                        location_id=location,
                        visit_type=new,
                        start=start,
                        end=start + new.duration,
                        reserved_until=start + step,
                        status="booked",
                        channel="staff",
                        # Marked as overbooked only so that the database's no-overlap check
                        # (a per-row trigger on SQLite) does not slow the set-up down: the rows
                        # never overlap, and the slot engine counts them as busy all the same.
                        overbooked=True,
                        overbook_reason="benchmark set-up",
                    )
                )
                start += step
    with transaction.atomic():
        AvailabilityRule.objects.bulk_create(rules, batch_size=2000)
        through = AvailabilityRule.visit_types.through
        through.objects.bulk_create(
            [
                through(availabilityrule_id=rule.pk, visittype_id=visit.pk)
                for rule in rules
                for visit in types.values()
            ],
            batch_size=5000,
        )
        Appointment.objects.bulk_create(appointments, batch_size=2000)


def server_times(queries: list[str]) -> list[float]:
    import django

    django.setup()
    import logging

    from django.test import Client

    logging.disable(logging.CRITICAL)
    client = Client()
    client.get("/en/doctors/?q=warm+up")  # builds the in-process index once
    times = []
    cards = shown = 0
    for url in queries:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        page = response.content.decode()
        cards += page.count('class="next-available"')
        shown += page.count("<time datetime=")
    print(f"next available: {shown} times and {cards - shown} request links", file=sys.stderr)
    return times


CHILD = """
import json, os, sys
sys.path.insert(0, os.environ["ROOT"]); sys.path.insert(0, os.environ["ROOT"] + "/bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
import directory_search as b
step = os.environ["STEP"]
if step == "generate":
    b.generate(int(os.environ["CLINICIANS"]))
elif step == "queries":
    print(json.dumps(b.build_queries(int(os.environ["QUERIES"]))))
elif step == "time":
    print(json.dumps(b.server_times(json.loads(open(os.environ["QUERY_FILE"]).read()))))
"""


def run_step(env: dict[str, str], step: str, **extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        env={**env, "STEP": step, **extra},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stderr.splitlines():
        if line.startswith("next available:"):
            print(f"  {line}")
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def main() -> None:
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--clinicians", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--pg-name",
        default=os.environ.get("BENCH_PG_NAME", "medcenter_bench"),
        help="the throw-away PostgreSQL database (dropped and created), one per person",
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="medcenter-dir-bench-")
    targets = [("SQLite", f"sqlite:///{scratch}/bench.sqlite3")]
    pg = os.environ.get("DATABASE_URL_POSTGRES", "postgres://postgres@127.0.0.1:5432/medcenter")
    if subprocess.run([sys.executable, str(ROOT / "scripts/pg_reachable.py"), pg]).returncode == 0:
        base = pg.rsplit("/", 1)[0]
        for sql in (
            f'DROP DATABASE IF EXISTS "{args.pg_name}"',
            f'CREATE DATABASE "{args.pg_name}"',
        ):
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", sql], check=True, capture_output=True
            )
        targets.append(("PostgreSQL", f"{base}/{args.pg_name}"))
    for label, url in targets:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
            "ROOT": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "medcenter.settings",
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "CLINICIANS": str(args.clinicians),
            "QUERIES": str(args.queries),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--quiet"], cwd=ROOT, env=env, check=True
        )
        run_step(env, "generate")
        queries = json.loads(run_step(env, "queries"))
        query_file = Path(scratch) / "queries.json"
        query_file.write_text(json.dumps(queries))
        print(
            f"\n{label}: {args.clinicians} clinicians, {len(queries)} varied queries "
            f"(full request path, in-process), with next available on every card"
        )
        for name, extra in (
            ("cached", {}),
            ("uncached", {"NEXT_AVAILABLE_CACHE_SECONDS": "0"}),
        ):
            times = sorted(
                json.loads(run_step({**env, **extra}, "time", QUERY_FILE=str(query_file)))
            )
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"  server time, {name:<8} p50 {statistics.median(times):6.1f} ms   "
                f"p95 {p95:6.1f} ms   max {times[-1]:6.1f} ms   (target p95 < 50 ms)"
            )
        http_throughput(env, queries, args)


def http_throughput(env: dict[str, str], queries: list[str], args: argparse.Namespace) -> None:
    server, port = http_shell.start_server(env, args.workers)
    try:
        paths = {"/healthz": ["/healthz"], "search": queries}
        for sample in (queries[:20], ["/healthz"]):  # warm-up: each worker builds its index
            for path in sample:
                http_shell.load(port, path, 0.3, 2)
        runs: dict[str, list[dict[str, float]]] = {"/healthz": [], "search": []}
        for _ in range(2):
            for name, urls in paths.items():
                runs[name].append(http_shell.load(port, urls, args.seconds, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=10)
    rps = {name: statistics.mean(r["rps"] for r in results) for name, results in runs.items()}
    for name, results in runs.items():
        p50 = statistics.mean(r["p50_ms"] for r in results)
        p99 = statistics.mean(r["p99_ms"] for r in results)
        errors = sum(r["errors"] for r in results)
        print(
            f"  HTTP {name:<9} {rps[name]:7.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {errors}"
        )
    print(
        f"  search page / trivial view throughput: {rps['search'] / rps['/healthz']:.0%} (target >= 15%)"
    )


if __name__ == "__main__":
    main()
