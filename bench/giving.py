"""Give Now at scale: the back office's first list page over 30 filter/sort combinations, the
filter totals, and webhook handling, with N gifts (default 1,000,000), on SQLite and PostgreSQL.

Targets (issue 21): first page p95 < 100 ms, filter totals p95 < 300 ms (selectors.gift_totals:
the tally rows, or one pass over the gifts for email and date filters), webhook p95 < 50 ms,
the campaign page (one in ten gifts belongs to it) at least 0.6x the trivial view's throughput
(gunicorn, same server, interleaved runs; public-page cache on, then off).

    .venv/bin/python bench/giving.py [--backend sqlite|postgresql|both] [--n 1000000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, line, load, run_per_backend, timed

PG_NAME = "mc_giving_bench"


def child(n: int) -> None:
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.GIVING_GATEWAY = "sandbox"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from medcenter.giving import selectors, tallies, webhooks
    from medcenter.giving.gateways.base import sign
    from medcenter.giving.models import Campaign, Donor, Fund, Gift

    funds = [
        Fund.objects.create(slug=f"fund-{i}", kind="research", name=f"Fund {i}") for i in range(5)
    ]
    campaign = Campaign.objects.create(
        slug="bench-campaign",
        fund=funds[0],
        title="Bench campaign",
        story="A campaign for the benchmark.",
        goal_minor=10_000_000_00,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=90),
    )
    donors = Donor.objects.bulk_create(
        [Donor(email=f"d{i}@example.test", name=f"Donor {i}") for i in range(5000)]
    )
    statuses = ["paid"] * 8 + ["pending", "refunded", "failed", "partially_refunded"]
    started = time.perf_counter()
    now = timezone.now()
    batch = 20_000
    for offset in range(0, n, batch):
        Gift.objects.bulk_create(
            [
                Gift(
                    donor=donors[i % len(donors)],
                    fund=funds[i % 5],
                    campaign=campaign if i % 10 == 0 else None,
                    amount_minor=500 + (i * 7919) % 200_000,
                    refunded_minor=0,
                    currency="USD" if i % 9 else "EUR",
                    status=statuses[i % len(statuses)],
                    provider="sandbox",
                    frequency="monthly" if i % 4 == 0 else "one_time",
                )
                for i in range(offset, min(n, offset + batch))
            ]
        )
    tallies.rebuild()  # loaded in bulk, past the services that keep them
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  seeded {n:,} gifts in {time.perf_counter() - started:.0f} s; {load()}")

    combos = []
    filters = [
        {},
        {"status": "paid"},
        {"status": "pending"},
        {"fund": "fund-2"},
        {"currency": "EUR"},
        {"frequency": "monthly"},
        {"status": "paid", "fund": "fund-3"},
        {"email": "d17@example.test"},
    ]
    for f, sort in itertools.product(filters, list(selectors.SORTS)[:4]):
        combos.append({**f, "sort": sort})
    combos = combos[:30]
    pages, totals = [], []
    slowest: list[tuple[float, dict[str, str]]] = []
    for params in combos:
        selectors.gift_page(params=params)  # warm
        for _ in range(3):
            pages.append(timed(selectors.gift_page, params=params)[0])
        slowest.append((max(pages[-3:]), params))
        totals.append(timed(selectors.gift_totals, params=params)[0])
    print(line("first list page (30 combos x 3)", pages, 100))
    print(line("filter totals (30 combos)", totals, 300))
    for params in ({"email": "d17@example.test"}, {"since": str(timezone.localdate())}):
        # Filters the tallies cannot answer: one aggregate pass over the matching gifts.
        ms = timed(selectors.gift_totals, params=params)[0]
        print(f"  filter totals past the tallies {params}: {ms:.1f} ms")
    print("  slowest pages:", sorted(slowest, key=lambda x: -x[0])[:3])

    from django.db.models import F

    from medcenter.giving.models import ReceiptCounter

    counter = ReceiptCounter.objects.create(name="bench-baseline")
    floor = [
        timed(ReceiptCounter.objects.filter(pk=counter.pk).update, value=F("value") + 1)[0]
        for _ in range(200)
    ]
    print(line("baseline: one-row update, committed", floor))
    hooks = []
    targets = list(Gift.objects.filter(status="pending").values_list("public_id", flat=True)[:200])
    secret = settings.GIVING_SANDBOX_WEBHOOK_SECRET

    def event(i: int, public_id: object) -> bytes:
        return json.dumps(
            {
                "id": f"evt_bench_{i}",
                "type": "checkout.session.completed",
                "created": int(now.timestamp()),
                "data": {
                    "object": {
                        "id": f"cs_b_{i}",
                        "payment_status": "paid",
                        "amount_total": 5000,
                        "payment_intent": f"pi_b_{i}",
                        "metadata": {"gift": str(public_id)},
                    }
                },
            }
        ).encode()

    for i, public_id in enumerate(targets[1:]):
        body = event(i, public_id)
        hooks.append(
            timed(
                webhooks.receive,
                provider="sandbox",
                payload=body,
                signature=sign(body, secret=secret),
            )[0]
        )
    print(line("webhook: verify + apply once + receipt", hooks, 50))
    body = event(len(targets), targets[0])
    with CaptureQueriesContext(connections["default"]) as queries:
        webhooks.receive(provider="sandbox", payload=body, signature=sign(body, secret=secret))
    print(f"  webhook queries per paid event: {len(queries)}")
    assert tallies.kept() == tallies.counted(), "tallies drifted from a recount"  # noqa: S101
    replays = [
        timed(
            webhooks.receive, provider="sandbox", payload=body, signature=sign(body, secret=secret)
        )[0]
        for _ in range(50)
    ]
    print(line("webhook: replay (duplicate)", replays, 50))
    connections.close_all()
    campaign_page(f"/en/give/campaigns/{campaign.slug}/")


def campaign_page(page: str) -> None:
    import os
    import statistics

    import http_shell

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "medcenter.settings",
    }
    for label, extra in (("cache on", {}), ("cache off", {"PUBLIC_PAGE_CACHE_SECONDS": "0"})):
        server, port = http_shell.start_server({**env, **extra}, 2, ready_within=120)
        try:
            for path in ("/healthz", page):
                http_shell.load(port, path, 1.5, 4)
            runs: dict[str, list[dict[str, float]]] = {"/healthz": [], page: []}
            for _ in range(2):
                for path in runs:
                    runs[path].append(http_shell.load(port, path, 5, 4))
        finally:
            server.terminate()
            server.wait(timeout=10)
        rps = {p: statistics.mean(r["rps"] for r in rs) for p, rs in runs.items()}
        p50 = {p: statistics.mean(r["p50_ms"] for r in rs) for p, rs in runs.items()}
        errors = sum(r["errors"] for rs in runs.values() for r in rs)
        print(
            f"  campaign page ({label}): {rps[page]:.0f} req/s p50 {p50[page]:.1f} ms; "
            f"trivial {rps['/healthz']:.0f} req/s p50 {p50['/healthz']:.1f} ms; errors {errors}; "
            f"ratio {rps[page] / rps['/healthz']:.2f} (target >= 0.60)"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.n)
        return 0
    print(f"Give Now bench: {args.n:,} gifts")
    return run_per_backend(
        __file__,
        backend=args.backend,
        flags=["--n", str(args.n)],
        pg_name=PG_NAME,
        prefix="giving-bench-",
    )


if __name__ == "__main__":
    sys.exit(main())
