"""Run the periodic scheduling work once, or every --every seconds (cron or the demo)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from medcenter.scheduling.tasks import sweep


class Command(BaseCommand):
    help = (
        "Expire offers and holds, send due messages from the outbox, remove stale pending "
        "uploads, and remove uploaded "
        "documents that no row names (older than an hour)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        while True:
            counts = sweep()
            if options.get("verbosity", 1) > 1 or any(counts.values()):
                self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            if not every:
                return
            time.sleep(every)
