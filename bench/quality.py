"""Quality & Safety at scale: every computed measure for 24 months with all strata, one month,
and the public page's throughput against the trivial view /healthz in the same process.

Targets (issue 23), 100,000 patients and 1,000,000 appointments on 2 cores, both backends:
24 months < 60 s, one month < 10 s; public page >= 0.60 x /healthz; uncached p95 < 200 ms.
Design: one columnar read per measure family (services/measures.Reads), bucketed in Python.

    .venv/bin/python bench/quality.py [--backend sqlite|postgresql|both]
        [--patients 100000] [--appointments 1000000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, line, load, run_per_backend, timed

PG_NAME = "mc_quality_bench"


def child(patients: int, appointments: int) -> None:
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.0f} s; {load()}")
    from medcenter.accounts.tests.factories import StaffUserFactory
    from medcenter.directory.models import Location
    from medcenter.oncology.models import CancerDiagnosis, StageAssessment, TreatmentCourse
    from medcenter.patients.models import Patient
    from medcenter.quality import services
    from medcenter.quality.services.measures import month_start, next_month
    from medcenter.scheduling.models import Appointment, Referral, Resource, VisitType

    rng = random.Random(23)
    started = time.perf_counter()
    location = Location.objects.create(
        slug="bench",
        name="Bench",
        kind="clinic",
        street="1 Way",
        city="X",
        region="Y",
        postal_code="00000",
        latitude=0,
        longitude=0,
        phone="0",
    )
    visit_type = VisitType.objects.create(code="bench", name="Bench", duration_minutes=30)
    rooms = Resource.objects.bulk_create(
        [Resource(name=f"Room {i}", kind="room", location=location) for i in range(400)]
    )
    chair = rooms[0]
    chair.kind = "infusion_chair"
    chair.save()
    today = timezone.localdate()
    last = month_start(month_start(today) - timedelta(days=1))
    months = [last]
    while len(months) < 24:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    start_day = months[0]
    span = (next_month(last) - start_day).days
    langs = ["en"] * 6 + ["es", "zh", "ru", "ar", "pt", "vi"]
    batch = 20_000
    for offset in range(0, patients, batch):
        Patient.objects.bulk_create(
            [
                Patient(
                    mrn=f"B{i:09d}",
                    given_name="Bench",
                    family_name=f"P{i}",
                    date_of_birth=date(1940 + i % 70, 1 + i % 12, 1 + i % 28),
                    sex=("female", "male")[i % 2],
                    preferred_language=langs[i % len(langs)],
                    postal_code=f"{100 + i % 800:03d}{i % 100:02d}",
                    country="US" if i % 17 else "MX",
                )
                for i in range(offset, min(patients, offset + batch))
            ]
        )
    ids = list(Patient.objects.values_list("pk", flat=True))
    tz = timezone.get_current_timezone()
    # Each appointment its own half hour on a room: room, day and slot from its index.
    per_day = len(rooms) * 18
    statuses = ["fulfilled"] * 14 + ["noshow", "cancelled"]
    for offset in range(0, appointments, batch):
        rows = []
        for i in range(offset, min(appointments, offset + batch)):
            day = start_day + timedelta(days=(i // per_day) % span)
            room = rooms[(i % per_day) // 18]
            start = datetime.combine(day, datetime.min.time(), tz) + timedelta(
                hours=8, minutes=30 * (i % 18)
            )
            rows.append(
                Appointment(
                    patient_id=ids[i % len(ids)],
                    resource=room,
                    location=location,
                    visit_type=visit_type,
                    start=start,
                    end=start + timedelta(minutes=30),
                    reserved_until=start + timedelta(minutes=30),
                    status=statuses[i % 16],
                    channel="staff",
                    overbooked=True,
                    overbook_reason="bench",
                )
            )
        Appointment.objects.bulk_create(rows)
    # Referrals for a fifth of the patients, linked to their first appointment.
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                source="physician",
                patient_id=pid,
                given_name="B",
                family_name="R",
                date_of_birth=date(1970, 1, 1),
                diagnosis="x",
                received_at=timezone.now() - timedelta(days=rng.randint(30, span)),
                contact_due_at=timezone.now(),
                letter_sent_at=timezone.now() if pid % 3 else None,
            )
            for pid in ids[::5]
        ],
        batch_size=batch,
    )
    # order_by(patient, start) then dict(): the last value wins, so read them reversed.
    first = dict(
        reversed(
            list(
                Appointment.objects.filter(patient_id__in=ids[::5])
                .order_by("patient_id", "start")
                .values_list("patient_id", "pk")
            )
        )
    )
    linked = [
        Appointment(pk=first[r.patient_id], referral_id=r.pk)
        for r in referrals
        if r.patient_id in first
    ]
    Appointment.objects.bulk_update(linked, ["referral_id"], batch_size=2000)
    diagnoses = CancerDiagnosis.objects.bulk_create(
        [
            CancerDiagnosis(
                patient_id=pid,
                kind="primary",
                description="x",
                diagnosed_on=start_day + timedelta(days=rng.randint(0, span - 1)),
            )
            for pid in ids[::4]
        ],
        batch_size=batch,
    )
    StageAssessment.objects.bulk_create(
        [
            StageAssessment(
                diagnosis=d,
                scheme="AJCC 8",
                classification="clinical",
                rule_version="b",
                assessed_on=d.diagnosed_on + timedelta(days=rng.randint(1, 50)),
            )
            for d in diagnoses[::2]
        ],
        batch_size=batch,
    )
    TreatmentCourse.objects.bulk_create(
        [
            TreatmentCourse(
                patient_id=pid,
                regimen="x",
                agents=["x"],
                setting="adjuvant",
                started_on=start_day + timedelta(days=rng.randint(0, span - 1)),
            )
            for pid in ids[::10]
        ],
        batch_size=batch,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  seeded {patients:,} patients, {appointments:,} appointments, {len(referrals):,} "
        f"referrals, {len(diagnoses):,} diagnoses in {time.perf_counter() - started:.0f} s; {load()}"
    )
    with transaction.atomic():
        services.install_catalogue()
    ms, written = timed(services.take_snapshots, months=months)
    print(
        f"  24 months, every measure and stratum: {ms / 1000:6.1f} s ({written:,} snapshots)  (target < 60 s)"
    )
    ms, written = timed(services.take_snapshots, months=[last])
    print(
        f"  one month:                           {ms / 1000:6.1f} s ({written:,} snapshots)  (target < 10 s)"
    )
    analyst = StaffUserFactory(roles=["quality_analyst"])
    for month in months:
        services.publish_month(month=month, actor=analyst)
    print(f"  {load()}")

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    client = Client()
    uncached = []
    for _ in range(20):
        cache.clear()
        uncached.append(timed(client.get, "/en/quality/")[0])
    print(line("public page, uncached", uncached, target=200))
    rates = {}
    for path in ("/healthz", "/en/quality/", "/healthz", "/en/quality/"):
        client.get(path)
        began = time.perf_counter()
        count = 0
        while time.perf_counter() - began < 3:
            client.get(path)
            count += 1
        rates[path] = max(rates.get(path, 0), count / (time.perf_counter() - began))
    ratio = rates["/en/quality/"] / rates["/healthz"]
    print(
        f"  throughput: /healthz {rates['/healthz']:.0f} req/s, /en/quality/ "
        f"{rates['/en/quality/']:.0f} req/s, ratio {ratio:.2f} (target >= 0.60)"
    )
    print(f"  {load()}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.patients, args.appointments)
        return 0
    print(f"Quality bench: {args.patients:,} patients, {args.appointments:,} appointments")
    return run_per_backend(
        __file__,
        backend=args.backend,
        flags=["--patients", str(args.patients), "--appointments", str(args.appointments)],
        pg_name=PG_NAME,
        prefix="quality-bench-",
    )


if __name__ == "__main__":
    sys.exit(main())
