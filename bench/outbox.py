"""R28 under load: 10,000 queued notifications delivered by two worker processes, one of them
killed (SIGKILL) right after it claimed a batch, before sending any of it.

For SQLite and (when reachable) PostgreSQL this builds a throw-away database, queues the
messages (half email, half text), and starts two workers that loop on core.outbox's
`claim_batch` / `deliver_claimed`. Worker A kills itself after its third claim and is restarted
at once, as a supervisor would; the batch it held stays claimed until the lease (2 s here)
runs out, then whichever worker is free takes it over. Every email and text is appended, with
its idempotency key (the Message-ID, the gateway key), to one log shared by the workers; the
log is the ground truth for "lost" and "duplicated".

    .venv/bin/python bench/outbox.py [--backend sqlite|postgresql|both] [--n 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, load, run_per_backend

PG_NAME = "mc_outbox_bench"
LEASE_SECONDS = 2
KILL_AFTER_CLAIMS = 3


# --- What the workers send to: one append-only log of idempotency keys --------------------------


def _log(kind: str, key: str) -> None:
    # O_APPEND: each line is written whole, whichever process writes it.
    fd = os.open(os.environ["OUTBOX_BENCH_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{kind} {key} {time.time():.6f}\n".encode())
    finally:
        os.close(fd)


class LogGateway:
    """An SMS gateway that records what it was asked to send (keys not deduplicated)."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        _log("sms", idempotency_key)
        return idempotency_key


def log_email_backend() -> type:
    from django.core.mail.backends.base import BaseEmailBackend

    class LogEmailBackend(BaseEmailBackend):
        def send_messages(self, email_messages: Any) -> int:
            for message in email_messages:
                _log("email", message.extra_headers["Message-ID"].strip("<>").split("@")[0])
            return len(email_messages)

    return LogEmailBackend


# --- One worker process ----------------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.conf import settings

    settings.SMS_GATEWAY = "__main__.LogGateway"
    settings.EMAIL_BACKEND = "__main__.LogEmailBackend"
    sys.modules["__main__"].LogEmailBackend = log_email_backend()  # type: ignore[attr-defined]

    from medcenter.core import outbox
    from medcenter.core.models import Notification, NotificationStatus

    claims = 0
    while True:
        token, notes = outbox.claim_batch(limit=args.batch)
        if not notes:
            unfinished = Notification.objects.filter(
                status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]
            ).exists()
            if not unfinished:
                return
            time.sleep(0.1)  # a dead worker's claim: wait for its lease to run out
            continue
        claims += 1
        if claims == args.kill_after_claims:
            os.kill(os.getpid(), 9)  # killed between claim and send: no cleanup runs
        for note in notes:
            outbox.deliver_claimed(note, token)


# --- One backend -----------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    sys.path.insert(0, str(ROOT))
    import tempfile

    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from medcenter.core.models import Notification, NotificationChannel

    label = {"sqlite": "SQLite (file, WAL)", "postgresql": "PostgreSQL"}[connection.vendor]
    print(f"\n{label}  ({load()})")
    call_command("migrate", verbosity=0)
    due = timezone.now() - timedelta(seconds=1)
    Notification.objects.bulk_create(
        (
            Notification(
                kind="core.test",
                channel=NotificationChannel.SMS if i % 2 else NotificationChannel.EMAIL,
                to="+15555550100" if i % 2 else f"person{i}@example.test",
                context={"reference": str(i)},
                dedupe_key=f"bench:{i}",
                due_at=due,
            )
            for i in range(args.n)
        ),
        batch_size=1000,
    )
    expected = {str(p) for p in Notification.objects.values_list("public_id", flat=True)}
    connection.close()

    log = Path(tempfile.mkdtemp(prefix="outbox-bench-")) / "sent.log"
    env = {**os.environ, "OUTBOX_BENCH_LOG": str(log), "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}

    def start(kill_after: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, __file__, "--worker", "--batch", str(args.batch)]
        command += ["--kill-after-claims", str(kill_after)]
        return subprocess.Popen(command, env=env, cwd=ROOT)

    started = time.perf_counter()
    a, b = start(KILL_AFTER_CLAIMS), start(0)
    a_status = a.wait()
    restarted = start(0)  # the supervisor restarts the killed worker
    statuses = (b.wait(), restarted.wait())
    wall = time.perf_counter() - started

    lines = [row.split() for row in log.read_text().splitlines()] if log.exists() else []
    keys = Counter(key for _kind, key, _at in lines)
    moments = sorted(float(at) for _kind, _key, at in lines) or [0.0]
    sending = max(moments[-1] - moments[0], 1e-9)
    delivered = set(keys)
    lost = len(expected - delivered)
    duplicated = sum(n - 1 for n in keys.values() if n > 1)
    attempts = Counter(Notification.objects.values_list("attempts", flat=True))
    statuses_in_db = Counter(Notification.objects.values_list("status", flat=True))
    print(
        f"  {args.n:,} queued ({args.n // 2:,} emails, {args.n - args.n // 2:,} texts); "
        f"2 workers, batches of {args.batch}, lease {LEASE_SECONDS} s"
    )
    print(
        f"  worker A killed after claim #{KILL_AFTER_CLAIMS} (exit {a_status}), restarted; "
        f"workers exited {statuses}"
    )
    print(
        f"  rows by status: {dict(statuses_in_db)}; by attempts: {dict(sorted(attempts.items()))}"
    )
    print(f"  sends logged {len(lines):,}, distinct {len(delivered):,}")
    print(f"  lost {lost}, duplicated {duplicated}")
    print(
        f"  throughput {len(delivered) / sending:,.0f} notifications/s from the first send to "
        f"the last ({sending:.1f} s, including the wait for the {LEASE_SECONDS} s lease); "
        f"{wall:.1f} s wall with the workers' start-up"
    )
    ok = lost == 0 and duplicated == 0 and statuses_in_db == Counter({"sent": args.n})
    sys.exit(0 if ok else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kill-after-claims", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.child:
        child(args)
        return
    flags = ["--n", str(args.n), "--batch", str(args.batch)]
    status = run_per_backend(
        __file__, backend=args.backend, flags=flags, pg_name=PG_NAME, prefix="outbox-bench-"
    )
    sys.exit(status)


if __name__ == "__main__":
    main()
