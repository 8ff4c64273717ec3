"""Send the messages that are due from the outbox, once or every --every seconds."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from medcenter.core import outbox


class Command(BaseCommand):
    help = (
        "Send every due message from the outbox, including those a dead worker claimed and "
        "never sent (after the lease)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")
        parser.add_argument("--limit", type=int, default=500, help="At most N per round.")

    def handle(self, *args: Any, every: int = 0, limit: int = 500, **options: Any) -> None:
        while True:
            sent = outbox.deliver_due(limit=limit)
            if options.get("verbosity", 1) > 1 or sent:
                self.stdout.write(f"messages_sent={sent}")
            if not every:
                return
            time.sleep(every)
