"""What the bench scripts share: figures (percentiles, lines, load) and running a script's
measuring half in a throw-away database per backend (SQLite file, PostgreSQL database)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


# --- Figures ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def fmt(value: float) -> str:
    return f"{value:7.3f}" if value < 1 else f"{value:7.2f}"


def line(name: str, times: list[float], target: float | None = None) -> str:
    text = (
        f"  {name:<36} n={len(times):<4} p50 {fmt(percentile(times, 0.5))} ms   "
        f"p95 {fmt(percentile(times, 0.95))} ms   max {fmt(max(times))} ms"
    )
    if target is not None:
        verdict = "OK" if percentile(times, 0.95) < target else "MISSED"
        text += f"   (target p95 < {target:.0f} ms) {verdict}"
    return text


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds taken by one call, and its result."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


# --- Throw-away databases ---------------------------------------------------------------------


def psql(base: str, sql: str) -> None:
    subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True, capture_output=True)


def run_per_backend(
    script: str, *, backend: str, flags: list[str], pg_name: str, prefix: str
) -> int:
    """Run `script --child FLAGS` once per backend ("sqlite", "postgresql" or "both"), each in
    a fresh database named by DATABASE_URL (PostgreSQL skipped if not reachable), and clean
    up after it. Returns the first non-zero exit status, else 0."""
    backends = ["sqlite", "postgresql"] if backend == "both" else [backend]
    pg = os.environ.get("DATABASE_URL_POSTGRES", "postgres://postgres@127.0.0.1:5432/medcenter")
    base = pg.rsplit("/", 1)[0]
    status = 0
    for name in backends:
        scratch = tempfile.mkdtemp(prefix=prefix)
        if name == "sqlite":
            url = f"sqlite:///{scratch}/bench.sqlite3"
        else:
            check = [sys.executable, str(ROOT / "scripts/pg_reachable.py"), pg]
            if subprocess.run(check).returncode != 0:
                print(f"\nPostgreSQL: not reachable at {base}, skipped")
                shutil.rmtree(scratch, ignore_errors=True)
                continue
            psql(base, f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            psql(base, f"CREATE DATABASE {pg_name}")
            url = f"{base}/{pg_name}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "SQLITE_TEST_NAME": f"{scratch}/unused-test.sqlite3",
        }
        try:
            result = subprocess.run(
                [sys.executable, str(Path(script).resolve()), "--child", *flags],
                env=env,
                cwd=ROOT,
            )
            status = status or result.returncode
        finally:
            if name == "postgresql":
                psql(base, f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            shutil.rmtree(scratch, ignore_errors=True)
    return status


def settle(*, freeze: bool = True) -> None:
    """Bring a fresh bulk load to the state of a database and a web worker in service, before
    anything is timed.

    A live database has statistics (autovacuum analyzes a table after many writes); a freshly
    bulk-loaded one has none until then, and this machine's PostgreSQL runs with autovacuum
    off: the planner then guesses 100 rows a filter and bitmap-scans and sorts. SQLite folds
    its write-ahead log in. The rows this process built are not in a web worker, which freezes
    what it loads at start (gunicorn.conf.py): without gc.freeze() a full collection during a
    timed call walks them all (hundreds of ms). `freeze=False` when the caller still has to
    drop what it built before freezing.
    """
    import contextlib
    import gc

    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            with contextlib.suppress(DatabaseError):  # needs a superuser or pg_checkpoint
                cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if freeze:
        gc.collect()
        gc.freeze()
