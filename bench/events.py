"""A cached event page against the trivial view, same server (SQLite, and PostgreSQL when
--pg-url is given): requests/s, p50, p99 and the ratio.

Builds a throw-away database with one weekly event series (26 sessions, some seats taken),
starts gunicorn (sync workers) and loads /en/events/<slug>/ and /healthz interleaved, with
the public-page cache on (default) and off. A registration purges the page in every
language (`events/cache.py`); that is tested in events/tests/test_views.py, not timed here.

    .venv/bin/python bench/events.py [--seconds 6] [--clients 4] [--workers 2]
        [--pg-url postgres://postgres@127.0.0.1:5432/mc_events_bench]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import http_shell  # noqa: E402

PYTHON = sys.executable
SLUG = "bench-weekly-group"
SETUP = f"""
from datetime import time, timedelta
from django.utils import timezone
from medcenter.directory.models import Location
from medcenter.events import services
from medcenter.events.models import EventSeries
place = Location.objects.create(slug="bench", name="Bench Clinic", kind="clinic", street="1 Way",
    city="Town", region="ST", postal_code="00000", latitude=0, longitude=0, phone="+1 555 0100")
series = EventSeries.objects.create(slug="{SLUG}", title="Weekly support group",
    kind="support_group",
    audience="patients", location=place, first_date=timezone.localdate() + timedelta(days=1),
    start_time=time(18, 0), rrule="FREQ=WEEKLY;COUNT=26", capacity=12)
services.materialise_sessions(series=series)
first = series.sessions.first()
for n in range(8):
    services.register_for_session(session=first, name=f"Bench {{n}}", email=f"b{{n}}@example.org")
"""


def measure(env: dict[str, str], args: argparse.Namespace, label: str) -> float:
    page = f"/en/events/{SLUG}/"
    server, port = http_shell.start_server(env, args.workers)
    try:
        for path in ("/healthz", page):
            http_shell.load(port, path, 1.5, args.clients)
        runs: dict[str, list[dict[str, float]]] = {"/healthz": [], page: []}
        for _ in range(2):
            for path in runs:
                runs[path].append(http_shell.load(port, path, args.seconds, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{label}")
    summary = {}
    for path, results in runs.items():
        rps = statistics.mean(r["rps"] for r in results)
        p50 = statistics.mean(r["p50_ms"] for r in results)
        p99 = statistics.mean(r["p99_ms"] for r in results)
        errors = sum(r["errors"] for r in results)
        summary[path] = rps
        print(
            f"  {path:<34} errors {errors:>3} {rps:>8.0f} req/s"
            f"  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
        )
    ratio = summary[page] / summary["/healthz"]
    print(f"  event page / trivial throughput: {ratio:.0%} (target >= 60%)")
    return ratio


def run(database_url: str, args: argparse.Namespace, name: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
        "DJANGO_SETTINGS_MODULE": "medcenter.settings",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)
    print(
        f"\n== {name}: gunicorn sync workers {args.workers}, clients {args.clients}, "
        f"{args.seconds:.0f} s per run, 2 interleaved runs per URL, cores {os.cpu_count()}"
    )
    measure(env, args, "public-page cache on (default)")
    measure({**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, args, "public-page cache off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", args, "SQLite")
    if args.pg_url:
        run(args.pg_url, args, "PostgreSQL")


if __name__ == "__main__":
    main()
