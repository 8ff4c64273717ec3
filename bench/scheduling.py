"""Scheduling at 1,000 clinicians: next slot, earliest multidisciplinary day, concurrent booking.

For SQLite and (when reachable) PostgreSQL this builds a throw-away database (migrated, then
filled with bulk_create, not services): 10 clinics, 30 specialties, 1,000 clinicians with 4-6
weekly windows each valid for 6 months, 60 clinicians per oncology specialty holding Tuesday and
Thursday multidisciplinary (MDT) clinics at two of the clinics, 5,000 patients and 50,000
bookings laid on the rules' grid (busy in the next weeks, sparse later; MDT clinics full for the
first week). It then times, in-process with time.perf_counter:
  1. selectors.next_slot for one clinician (target p95 < 20 ms);
  2. selectors.earliest_multidisciplinary for 3 specialties at one location (p95 < 100 ms);
  3. services.book_appointment by 20 concurrent clients (processes, one DB connection each),
     each booking the next slot of a random clinician (p95 < 50 ms), counting SlotTaken.
Baselines in the same process: a trivial SELECT 1, the engine alone against the whole selector,
and one client booking alone against twenty at once.

Notifications use the configured task backend (the database backend by default: a booking
writes its outbox rows and task rows; nothing is delivered in-process).

    .venv/bin/python bench/scheduling.py [--backend sqlite|postgresql|both] [--quick] [--profile]
                                         [--think-ms 0] [--pace-ms 1000]

--profile adds, per backend, each call's queries and SQL-vs-Python time, cProfile's top
functions, and a booking's time step by step. Booking runs twice: back to back (the saturating
case: on 2 cores 20 processes each get a tenth of a core, so latency is mostly queueing for
the CPU) and paced, each client pausing --pace-ms on average between bookings (20 clients
booking once a second each: far above a cancer center's busiest hour). --think-ms N runs only
the load with that pause.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from _common import line, percentile, run_per_backend, settle, timed

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "medcenter_bench_scheduling"
MDT_SLUGS = ["orthopaedic-oncology", "medical-oncology", "radiation-oncology"]
TARGET_NEXT_MS, TARGET_MDT_MS, TARGET_BOOK_MS = 20.0, 100.0, 50.0


# --- Figures ----------------------------------------------------------------------------------


# --- Data -------------------------------------------------------------------------------------


class Sizes:
    def __init__(self, quick: bool) -> None:
        scale = 10 if quick else 1
        self.clinicians = 1000 // scale
        self.patients = 5000 // scale
        self.bookings = 50_000 // scale
        # Per MDT specialty: two thirds at the main MDT clinic, a third at the other.
        self.mdt_per_specialty = 60 // scale
        self.locations = 10
        self.specialties = 30
        self.next_samples = 50 if quick else 240
        self.mdt_samples = 30 if quick else 120
        self.clients = 20
        self.per_client = 5 if quick else 25
        self.sequential = 20 if quick else 60


def regular_fill(day: int) -> float:
    """Share of a regular window's positions that are booked, by days from today."""
    return 0.8 * math.exp(-day / 6) + 0.03


def mdt_fill(day: int) -> float:
    """MDT clinics: full for the first week, busy for two more, then light."""
    if day < 7:
        return 1.0
    if day < 21:
        return 0.75
    return 0.05


def build(sizes: Sizes) -> dict[str, Any]:
    """Bulk-create the data set; return what the measurements need."""
    from datetime import datetime, timedelta
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from medcenter.accounts.models import User
    from medcenter.directory.models import Clinician, Location, Specialty
    from medcenter.patients.models import Patient
    from medcenter.scheduling.models import Appointment, AvailabilityRule, VisitType

    rng = random.Random(20261121)  # noqa: S311 (seeded data, not security)
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    horizon = 183

    with transaction.atomic():
        locations = Location.objects.bulk_create(
            [
                Location(
                    slug=f"bench-clinic-{i}",
                    name=f"Bench Clinic {i}",
                    kind="clinic",
                    street=f"{i + 1} Bench Way",
                    city="Fairhaven",
                    region="MA",
                    postal_code=f"021{i:02d}",
                    latitude=42.3 + i / 100,
                    longitude=-71.1 - i / 100,
                    phone="+1 617 555 0100",
                )
                for i in range(sizes.locations)
            ]
        )
        existing = set(Specialty.objects.values_list("slug", flat=True))
        wanted = MDT_SLUGS + [f"bench-specialty-{i}" for i in range(sizes.specialties - 3)]
        Specialty.objects.bulk_create(
            [
                Specialty(slug=slug, name=slug.replace("-", " ").title())
                for slug in wanted
                if slug not in existing
            ]
        )
        specialties = {s.slug: s for s in Specialty.objects.filter(slug__in=wanted)}
        visit_types = {
            "new-patient": (40, 5),
            "follow-up": (20, 0),
            "multidisciplinary": (30, 0),
        }
        for order, (code, (minutes, buffer)) in enumerate(visit_types.items()):
            VisitType.objects.update_or_create(
                code=code,
                defaults={
                    "name": code.replace("-", " ").capitalize(),
                    "duration_minutes": minutes,
                    "buffer_minutes": buffer,
                    "booking_mode": "direct",
                    "min_notice_hours": 24,
                    "max_advance_days": 180,
                    "order": order,
                    "new_patients": code == "new-patient",
                },
            )
        vts = {v.code: v for v in VisitType.objects.filter(code__in=visit_types)}

        clinicians = Clinician.objects.bulk_create(
            [
                Clinician(
                    slug=f"bench-dr-{i}",
                    given_name=f"Given{i}",
                    family_name=f"Bench{i:04d}",
                    credentials="MD",
                    languages=["en"],
                )
                for i in range(sizes.clinicians)
            ],
            batch_size=1000,
        )
        patients = Patient.objects.bulk_create(
            [
                Patient(
                    mrn=f"B{i:09d}",
                    given_name=f"Pat{i}",
                    family_name=f"Bench{i}",
                    date_of_birth=today.replace(year=today.year - 30 - i % 50, day=1),
                    sex="female" if i % 2 else "male",
                    email=f"patient{i}@example.test",
                )
                for i in range(sizes.patients)
            ],
            batch_size=1000,
        )

        # Who works where, and when. A window is (weekday, half, start min, end min, location,
        # visit type codes); half-days never overlap, so neither can a clinician's bookings.
        mdt_locations = locations[:2]
        other_slugs = [s for s in wanted if s not in MDT_SLUGS]
        spec_rows, loc_rows = [], []
        windows: dict[int, list[tuple[int, int, int, int, int, tuple[str, ...]]]] = {}
        mdt_of: dict[int, tuple[str, int]] = {}  # clinician pk -> (MDT specialty, location pk)
        index = 0
        for slug in MDT_SLUGS:
            for k in range(sizes.mdt_per_specialty):
                where = (
                    mdt_locations[0] if k < sizes.mdt_per_specialty * 2 // 3 else mdt_locations[1]
                )
                mdt_of[clinicians[index].pk] = (slug, where.pk)
                index += 1
        for c in clinicians:
            mine = set(rng.sample(other_slugs, rng.choice([1, 1, 2])))
            places = rng.sample(locations, rng.choice([1, 2]))
            halves = [(d, h) for d in range(5) for h in (0, 1)]
            chosen: list[tuple[int, int, int, int, int, tuple[str, ...]]] = []
            if c.pk in mdt_of:
                slug, where = mdt_of[c.pk]
                mine = {slug, *list(mine)[:1]}
                if where not in {p.pk for p in places}:
                    places = [*places[:1], next(x for x in locations if x.pk == where)]
                for weekday in (1, 3):  # Tuesday and Thursday 8:00-12:00
                    chosen.append((weekday, 0, 8 * 60, 12 * 60, where, ("multidisciplinary",)))
                    halves.remove((weekday, 0))
                count = rng.choice([3, 4])
            else:
                count = rng.choice([4, 5, 5, 6])
            for weekday, half in rng.sample(halves, count):
                if half == 0:
                    start, end = rng.choice([8 * 60, 8 * 60 + 30, 9 * 60]), 12 * 60
                else:
                    start, end = 13 * 60, rng.choice([16 * 60 + 30, 17 * 60])
                place = rng.choice(places).pk
                chosen.append((weekday, half, start, end, place, ("new-patient", "follow-up")))
            windows[c.pk] = chosen
            for slug in mine:
                spec_rows.append(
                    Clinician.specialties.through(
                        clinician_id=c.pk, specialty_id=specialties[slug].pk
                    )
                )
            for place in {p.pk for p in places}:
                loc_rows.append(Clinician.locations.through(clinician_id=c.pk, location_id=place))
        Clinician.specialties.through.objects.bulk_create(spec_rows, batch_size=2000)
        Clinician.locations.through.objects.bulk_create(loc_rows, batch_size=2000)

        valid_from, valid_until = today - timedelta(days=30), today + timedelta(days=horizon)
        rule_objs, rule_types = [], []
        for cpk, chosen in windows.items():
            for weekday, _half, start, end, place, codes in chosen:
                rule_objs.append(
                    AvailabilityRule(
                        clinician_id=cpk,
                        location_id=place,
                        weekday=weekday,
                        start_time=clock(start // 60, start % 60),
                        end_time=clock(end // 60, end % 60),
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
                )
                rule_types.append(codes)
        rules = AvailabilityRule.objects.bulk_create(rule_objs, batch_size=1000)
        through = AvailabilityRule.visit_types.through
        through.objects.bulk_create(
            [
                through(availabilityrule_id=rule.pk, visittype_id=vts[code].pk)
                for rule, codes in zip(rules, rule_types, strict=True)
                for code in codes
            ],
            batch_size=2000,
        )

        # Bookings on the grid: walk each window, booking each position with the day's fill.
        regular, mdt = [], []
        positions = [0, 0]  # regular grid positions walked: in the next 14 days, later
        for cpk, chosen in windows.items():
            by_weekday: dict[int, list[tuple[int, int, int, int, int, tuple[str, ...]]]] = {}
            for w in chosen:
                by_weekday.setdefault(w[0], []).append(w)
            for offset in range(horizon):
                day = today + timedelta(days=offset)
                for _wd, _half, start, end, place, codes in by_weekday.get(day.weekday(), []):
                    is_mdt = codes == ("multidisciplinary",)
                    fill = mdt_fill(offset) if is_mdt else regular_fill(offset)
                    t = start
                    while True:
                        code = codes[0] if is_mdt or rng.random() < 0.35 else codes[1]
                        minutes, buffer = visit_types[code]
                        if t + minutes > end:
                            break
                        if not is_mdt:
                            positions[offset >= 14] += 1
                        if rng.random() < fill:
                            (mdt if is_mdt else regular).append(
                                (cpk, place, code, day, t, minutes, buffer)
                            )
                        t += minutes + buffer
        wanted_regular = sizes.bookings - len(mdt)
        if len(regular) > wanted_regular:
            regular = rng.sample(regular, wanted_regular)
        appointments = []
        for cpk, place, code, day, t, minutes, buffer in mdt + regular:
            start = datetime.combine(day, clock(t // 60, t % 60), tzinfo=tz)
            end = start + timedelta(minutes=minutes)
            appointments.append(
                Appointment(
                    patient_id=rng.choice(patients).pk,
                    clinician_id=cpk,
                    location_id=place,
                    visit_type_id=vts[code].pk,
                    start=start,
                    end=end,
                    reserved_until=end + timedelta(minutes=buffer),
                    status="booked",
                    channel="staff",
                    booked_at=timezone.now(),
                )
            )
        Appointment.objects.bulk_create(appointments, batch_size=2000)

        user = User.objects.create_user("bench-scheduler@example.test", None, is_staff=True)
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name="scheduler"))

    return {
        "locations": {loc.pk: loc for loc in locations},
        "mdt_locations": mdt_locations,
        "specialties": [specialties[s] for s in MDT_SLUGS],
        "vts": vts,
        "clinicians": clinicians,
        "patients": patients,
        "user_id": user.pk,
        "mdt_booked": len(mdt),
        "regular_fill": [
            sum(1 for r in regular if (r[3] - today).days < 14) / max(positions[0], 1),
            sum(1 for r in regular if (r[3] - today).days >= 14) / max(positions[1], 1),
        ],
    }


def row_counts() -> str:
    from django_tasks_db.models import DBTaskResult

    from medcenter.core.models import AuditEvent, Notification
    from medcenter.directory.models import Clinician
    from medcenter.patients.models import Patient
    from medcenter.scheduling.models import Appointment, AvailabilityRule

    counts = {
        "clinicians": Clinician.objects.count(),
        "rules": AvailabilityRule.objects.count(),
        "rule visit types": AvailabilityRule.visit_types.through.objects.count(),
        "patients": Patient.objects.count(),
        "appointments": Appointment.objects.count(),
        "notifications": Notification.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "task rows": DBTaskResult.objects.count(),
    }
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


# --- Measurements -----------------------------------------------------------------------------


def select_one(n: int = 300) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(n):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return times


def next_slot_samples(data: dict[str, Any], n: int) -> list[dict[str, Any]]:
    from datetime import timedelta

    from django.utils import timezone

    from medcenter.scheduling.models import AvailabilityRule

    rng = random.Random(5)  # noqa: S311 (seeded data, not security)
    places: dict[int, list[int]] = {}
    for cid, lid in AvailabilityRule.objects.values_list("clinician_id", "location_id"):
        places.setdefault(cid, []).append(lid)
    samples = []
    for _ in range(n):
        clinician = rng.choice(data["clinicians"])
        kwargs: dict[str, Any] = {
            "owner": ("clinician", clinician.pk),
            "visit_type": data["vts"][rng.choice(["new-patient", "follow-up"])],
        }
        if rng.random() < 0.3:
            kwargs["start"] = timezone.now() + timedelta(days=rng.randint(1, 90))
        if rng.random() < 0.2:
            kwargs["location"] = data["locations"][rng.choice(places[clinician.pk])]
        samples.append(kwargs)
    return samples


def mdt_samples(data: dict[str, Any], n: int) -> list[dict[str, Any]]:
    from datetime import timedelta

    from django.utils import timezone

    rng = random.Random(9)  # noqa: S311 (seeded data, not security)
    samples = []
    for _ in range(n):
        order = list(data["specialties"])
        rng.shuffle(order)
        kwargs: dict[str, Any] = {
            "specialties": order,
            "location": data["mdt_locations"][0 if rng.random() < 0.6 else 1],
            "visit_type": data["vts"]["multidisciplinary"],
        }
        if rng.random() < 0.5:
            kwargs["start"] = timezone.now() + timedelta(hours=rng.randint(1, 14 * 24))
        samples.append(kwargs)
    return samples


def measure_next_slot(samples: list[dict[str, Any]]) -> dict[str, list[float]]:
    from datetime import timedelta

    from django.utils import timezone

    from medcenter.scheduling import engine, selectors

    for kwargs in samples[:10]:
        selectors.next_slot(**kwargs)  # warm-up
    full, queries, engine_only, none = [], [], [], 0
    for kwargs in samples:
        ms, slot = timed(selectors.next_slot, **kwargs)
        full.append(ms)
        none += slot is None
    # The same searches split in two: the calendar queries, then the engine on the result.
    for kwargs in samples:
        vt = kwargs["visit_type"]
        start = max(kwargs.get("start") or timezone.now(), selectors.earliest_bookable(vt))
        end = min(start + timedelta(days=selectors.SEARCH_DAYS), selectors.latest_bookable(vt))
        owner = kwargs["owner"]
        ms, cals = timed(selectors.calendars, owners=[owner], start=start, end=end)
        queries.append(ms)
        loc = kwargs.get("location")
        ms, _ = timed(
            engine.next_available,
            calendar=cals[owner],
            visit=selectors.visit_spec(vt),
            start=start,
            end=end,
            tz=selectors.center_tz(),
            location_id=loc.pk if loc else None,
        )
        engine_only.append(ms)
    return {"full": full, "queries": queries, "engine": engine_only, "none": [none]}


def measure_mdt(samples: list[dict[str, Any]]) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from medcenter.scheduling import engine, selectors

    for kwargs in samples[:5]:
        selectors.earliest_multidisciplinary(**kwargs)  # warm-up
    full, prep, engine_only, days_out, none, busy = [], [], [], [], 0, []
    by_location: dict[str, list[float]] = {}
    for kwargs in samples:
        ms, found = timed(selectors.earliest_multidisciplinary, **kwargs)
        full.append(ms)
        by_location.setdefault(kwargs["location"].name, []).append(ms)
        if found is None:
            none += 1
        else:
            since = kwargs.get("start") or timezone.now()
            days_out.append((found[0].start - since).total_seconds() / 86400)
    for kwargs in samples:
        started = time.perf_counter()
        legs = selectors.multidisciplinary_candidates(
            specialties=kwargs["specialties"],
            location=kwargs["location"],
            visit_type=kwargs["visit_type"],
        )
        start = max(kwargs.get("start") or timezone.now(), timezone.now())
        # The selector's first chunk, where it finds the answer in this data set.
        end = start + timedelta(days=selectors.MDT_CHUNK_DAYS)
        owners = sorted({("clinician", c.pk) for leg in legs for c in leg.clinicians})
        cals = selectors.calendars(owners=owners, start=start, end=end)
        prep.append((time.perf_counter() - started) * 1000)
        busy.append(sum(len(c.busy) for c in cals.values()))
        spec = selectors.visit_spec(kwargs["visit_type"])
        engine_legs = [
            engine.Leg(
                label=leg.specialty.slug,
                visit=spec,
                calendars=[cals[("clinician", c.pk)] for c in leg.clinicians],
            )
            for leg in legs
        ]
        ms, _ = timed(
            engine.earliest_sequence,
            legs=engine_legs,
            location_id=kwargs["location"].pk,
            start=start,
            end=end,
            tz=selectors.center_tz(),
        )
        engine_only.append(ms)
    candidates = [len(leg.clinicians) for leg in legs]
    return {
        "full": full,
        "prep": prep,
        "engine": engine_only,
        "none": none,
        "days_out": days_out,
        "candidates": candidates,
        "busy": busy,
        "by_location": by_location,
    }


def _booking_client(
    i: int,
    data: dict[str, Any],
    per_client: int,
    seed: int,
    think_ms: float,
    barrier: Any,
    results: Any,
) -> None:
    """One client: its own process and database connection, as a web worker of a deployment."""
    from django.db import connection

    from medcenter.accounts.models import User
    from medcenter.scheduling import selectors, services

    rng = random.Random(seed * 1000 + i)  # noqa: S311 (seeded data, not security)
    mine: dict[str, Any] = {"book": [], "find": [], "taken": [], "errors": [], "no_slot": 0}
    first = last = 0.0
    try:
        actor = User.objects.get(pk=data["user_id"])
        # Round 0, untimed and before the start line, warms this process's new connection
        # (a fresh PostgreSQL backend loads its catalog caches on first use), as the
        # persistent connections of a running server (CONN_MAX_AGE) would be.
        for round_ in range(per_client + 1):
            if round_ == 1:
                barrier.wait()
                first = time.perf_counter()
            clinician = rng.choice(data["clinicians"])
            vt = data["vts"][rng.choice(["new-patient", "follow-up"])]
            ms, slot = timed(selectors.next_slot, owner=("clinician", clinician.pk), visit_type=vt)
            if round_:
                mine["find"].append(ms)
            if slot is None:
                mine["no_slot"] += bool(round_)
                continue
            started = time.perf_counter()
            try:
                services.book_appointment(
                    patient=rng.choice(data["patients"]),
                    visit_type=vt,
                    location=data["locations"][slot.location_id],
                    start=slot.start,
                    actor=actor,
                    channel="staff",
                    clinician=clinician,
                )
                if round_:
                    mine["book"].append((time.perf_counter() - started) * 1000)
            except services.SlotTaken:
                if round_:
                    mine["taken"].append((time.perf_counter() - started) * 1000)
            except Exception as error:  # counted and shown: none are allowed
                mine["errors"].append(f"{type(error).__name__}: {error}")
            if think_ms and round_:
                time.sleep(rng.expovariate(1 / think_ms) / 1000)
        last = time.perf_counter()
    except Exception as error:
        mine["errors"].append(f"client {i}: {type(error).__name__}: {error}")
    finally:
        connection.close()
        mine["first"], mine["last"] = first, last
        results.put(mine)


def measure_booking(
    data: dict[str, Any], clients: int, per_client: int, seed: int, think_ms: float = 0.0
) -> dict[str, Any]:
    """`clients` processes (forked, one connection each: the web workers of a deployment, with
    no shared interpreter lock between them), each booking `per_client` next slots; with
    think_ms, each pauses a random (exponential) time of that mean after each booking."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # a forked child must open its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients)
    results = context.Queue()
    workers = [
        context.Process(
            target=_booking_client, args=(i, data, per_client, seed, think_ms, barrier, results)
        )
        for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    parts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    merged: dict[str, Any] = {"book": [], "find": [], "taken": [], "errors": [], "no_slot": 0}
    for part in parts:
        for key in ("book", "find", "taken", "errors"):
            merged[key].extend(part[key])
        merged["no_slot"] += part["no_slot"]
    starts = [p["first"] for p in parts if p["first"]]
    ends = [p["last"] for p in parts if p["last"]]
    merged["seconds"] = (max(ends) - min(starts)) if starts and ends else float("nan")
    return merged


def report_booking(
    data: dict[str, Any], sizes: Sizes, seq: dict[str, Any], *, seed: int, think_ms: float
) -> None:
    conc = measure_booking(data, sizes.clients, sizes.per_client, seed=seed, think_ms=think_ms)
    attempts = len(conc["book"]) + len(conc["taken"]) + len(conc["errors"])
    think = f", pausing ~{think_ms:.0f} ms between bookings" if think_ms else ", back to back"
    print(
        line(f"3. book_appointment, {sizes.clients} clients{think}", conc["book"], TARGET_BOOK_MS)
    )
    print(line("   next_slot under that load", conc["find"]))
    if conc["taken"]:
        print(line("   SlotTaken answers", conc["taken"]))
    print(
        f"     attempts {attempts}: booked {len(conc['book'])}, SlotTaken {len(conc['taken'])}, "
        f"other errors {len(conc['errors'])}, no slot {conc['no_slot']};  "
        f"{len(conc['book']) / conc['seconds']:.0f} bookings/s;  concurrent p50 / alone p50 = "
        f"{percentile(conc['book'], 0.5) / percentile(seq['book'], 0.5):.1f}x"
    )
    cycle = sizes.clients / (attempts / conc["seconds"]) * 1000
    print(
        f"     {sizes.clients} clients / {attempts / conc['seconds']:.0f} attempts/s = "
        f"{cycle:.0f} ms per client cycle (next_slot + booking{think}; closed loop; "
        f"{os.cpu_count()} cores; each client a process)"
    )
    for error in conc["errors"][:5] + seq["errors"][:5]:
        print(f"     ERROR {error}")


def profile(data: dict[str, Any], next_samples: list, mdt: list) -> None:
    """Single client: time in SQL vs Python per call, cProfile's top functions, and where a
    booking's time goes step by step (wrappers installed in this process only)."""
    import cProfile
    import functools
    import io
    import pstats

    from django.db import connection

    from medcenter.accounts.models import User
    from medcenter.core import audit
    from medcenter.core.outbox import delivery
    from medcenter.scheduling import notify, selectors, services

    actor = User.objects.get(pk=data["user_id"])
    rng = random.Random(77)  # noqa: S311 (seeded data, not security)
    sql: list[tuple[float, str]] = []

    def sql_timer(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql.append(((time.perf_counter() - started) * 1000, statement))

    def book_one() -> None:
        clinician = rng.choice(data["clinicians"])
        vt = data["vts"]["follow-up"]
        slot = selectors.next_slot(owner=("clinician", clinician.pk), visit_type=vt)
        if slot is None:
            return
        services.book_appointment(
            patient=rng.choice(data["patients"]),
            visit_type=vt,
            location=data["locations"][slot.location_id],
            start=slot.start,
            actor=actor,
            channel="staff",
            clinician=clinician,
        )

    some_next, some_mdt = next_samples[:100], mdt[:30]
    jobs = {
        "next_slot": (
            len(some_next),
            lambda: [selectors.next_slot(**k) for k in some_next],
        ),
        "earliest_multidisciplinary": (
            len(some_mdt),
            lambda: [selectors.earliest_multidisciplinary(**k) for k in some_mdt],
        ),
        "next_slot + book_appointment": (30, lambda: [book_one() for _ in range(30)]),
    }
    for name, (calls, job) in jobs.items():
        sql.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(sql_timer):
            job()
        total = (time.perf_counter() - started) * 1000
        in_sql = sum(t for t, _ in sql)
        print(
            f"\n  --- profile: {name}, {calls} calls: {total / calls:.1f} ms per call, "
            f"{len(sql) / calls:.1f} queries per call, {in_sql / calls:.1f} ms in cursor.execute, "
            f"the rest ({(total - in_sql) / calls:.1f} ms) in Python ---"
        )
        slowest: dict[str, list[float]] = {}
        for t, statement in sql:
            slowest.setdefault(statement.split(" WHERE ")[0][:110], []).append(t)
        for statement, times in sorted(slowest.items(), key=lambda kv: -sum(kv[1]))[:4]:
            print(f"    {sum(times) / calls:6.2f} ms/call  x{len(times) / calls:.1f}  {statement}")
        profiler = cProfile.Profile()
        profiler.enable()
        job()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print("\n".join("    " + s for s in out.getvalue().splitlines()[4:] if s.strip()))

    # A booking, step by step: wrap the service's steps here, in this process, to time them.
    spent: dict[str, float] = {}

    def wrap(module: Any, attribute: str, label: str) -> None:
        original = getattr(module, attribute)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + (time.perf_counter() - started) * 1000

        setattr(module, attribute, wrapper)

    wrap(services, "_slot_problem", "_slot_problem: calendars() for 2 days + engine")
    wrap(services, "_release_expired_holds", "_release_expired_holds: UPDATE")
    wrap(services, "_insert", "_insert: savepoint + INSERT + overlap check")
    wrap(notify, "appointment_booked", "notify.appointment_booked: outbox rows")
    wrap(audit, "record", "audit.record: chain head lock + INSERT")
    wrap(delivery, "_trigger", "on commit: task rows (autocommit INSERTs)")
    original_book = services.book_appointment
    total = 0.0
    for _ in range(30):
        clinician = rng.choice(data["clinicians"])
        vt = data["vts"]["follow-up"]
        slot = selectors.next_slot(owner=("clinician", clinician.pk), visit_type=vt)
        if slot is None:
            continue
        started = time.perf_counter()
        original_book(
            patient=rng.choice(data["patients"]),
            visit_type=vt,
            location=data["locations"][slot.location_id],
            start=slot.start,
            actor=actor,
            channel="staff",
            clinician=clinician,
        )
        total += (time.perf_counter() - started) * 1000
    print(f"\n  --- book_appointment step by step, mean of 30: {total / 30:.2f} ms ---")
    for label, value in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"    {value / 30:6.2f} ms  {label}")
    print(
        f"    {(total - sum(spent.values())) / 30:6.2f} ms  the rest (BEGIN/COMMIT, checks, model)"
    )


# --- One backend, in its own process ----------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    sizes = Sizes(args.quick)
    label = {"sqlite": "SQLite (file, WAL)", "postgresql": "PostgreSQL"}[connection.vendor]
    print(f"\n{label}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    data = build(sizes)
    built = time.perf_counter() - started
    print(f"  migrate {migrated:.1f} s, data set-up (bulk_create) {built:.1f} s")
    print(f"  rows: {row_counts()}")
    near, later = data["regular_fill"]
    print(
        f"  bookings: {data['mdt_booked']:,} in MDT clinics (full for 7 days, 75% to day 21, 5% "
        f"after), the rest in regular windows ({near:.0%} of their grid booked in the next 14 "
        f"days, {later:.0%} after)"
    )
    print(f"  tasks: {settings.TASKS['default']['BACKEND']} (outbox + task rows, no delivery)")
    # Settle the fresh bulk load first (statistics, WAL; the objects this process holds frozen,
    # as a web worker freezes what it loads at start-up), so it is not measured.
    settle()

    one = select_one()
    print(line("SELECT 1 (baseline)", one))

    samples = next_slot_samples(data, sizes.next_samples)
    nxt = measure_next_slot(samples)
    print(line("1. next_slot", nxt["full"], TARGET_NEXT_MS))
    print(line("   of which calendars() queries", nxt["queries"]))
    print(line("   of which engine.next_available", nxt["engine"]))
    print(
        f"     no slot found: {nxt['none'][0]};  next_slot p50 / SELECT 1 p50 = "
        f"{percentile(nxt['full'], 0.5) / percentile(one, 0.5):.0f}x;  "
        f"engine share of p50 {percentile(nxt['engine'], 0.5) / percentile(nxt['full'], 0.5):.0%}"
    )

    mdt = mdt_samples(data, sizes.mdt_samples)
    md = measure_mdt(mdt)
    print(line("2. earliest_multidisciplinary", md["full"], TARGET_MDT_MS))
    print(line("   of which candidates + calendars()", md["prep"]))
    print(line("   of which engine.earliest_sequence", md["engine"]))
    for i, (name, times) in enumerate(sorted(md["by_location"].items())):
        per_leg = sizes.mdt_per_specialty * 2 // 3 if i == 0 else sizes.mdt_per_specialty // 3
        print(line(f"   at {name} (~{per_leg} per leg)", times))
    days = sorted(md["days_out"]) or [0.0]
    print(
        f"     candidates per leg {md['candidates']}; found {len(md['days_out'])}, "
        f"none {md['none']}; first visit days after the search start: min {days[0]:.1f}, median "
        f"{percentile(days, 0.5):.1f}, max {days[-1]:.1f}"
    )
    print(
        f"     appointments loaded into the calendars per search: median "
        f"{percentile(md['busy'], 0.5):,}; MDT p50 / SELECT 1 p50 = "
        f"{percentile(md['full'], 0.5) / percentile(one, 0.5):.0f}x;  engine share of p50 "
        f"{percentile(md['engine'], 0.5) / percentile(md['full'], 0.5):.0%}"
    )

    seq = measure_booking(data, 1, sizes.sequential, seed=1)
    print(line("   book_appointment, 1 client alone", seq["book"]))
    loads = [(2, 0.0), (3, args.pace_ms)] if args.think_ms == 0 else [(2, args.think_ms)]
    for seed, think_ms in loads:
        report_booking(data, sizes, seq, seed=seed, think_ms=think_ms)
    print(f"  rows after: {row_counts()}")
    if args.profile:
        profile(data, samples, mdt)
    connection.close()


# --- Driver -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, fewer samples")
    parser.add_argument("--profile", action="store_true", help="cProfile each call afterwards")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="mean pause of each booking client between bookings (default 0: run both loads)",
    )
    parser.add_argument(
        "--pace-ms",
        type=float,
        default=1000.0,
        help="the paced load's mean pause between a client's bookings (default 1000)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    flags = ["--quick"] * args.quick + ["--profile"] * args.profile
    flags += ["--think-ms", str(args.think_ms), "--pace-ms", str(args.pace_ms)]
    status = run_per_backend(
        __file__,
        backend=args.backend,
        flags=flags,
        pg_name=PG_NAME,
        prefix="medcenter-sched-bench-",
    )
    sys.exit(status)


if __name__ == "__main__":
    main()
