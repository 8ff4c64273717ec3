"""Compute draft quality snapshots for a month (default: last month), every measure and
stratum. Published months are left as they are; analysts publish on the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from medcenter.quality import selectors, services
from medcenter.quality.services.measures import month_start


class Command(BaseCommand):
    help = "Compute draft quality snapshots for one month (YYYY-MM; default: last month)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="The month, as YYYY-MM.")
        parser.add_argument("--months", type=int, default=1, help="How many months up to it.")

    def handle(self, *args: Any, month: str | None = None, months: int = 1, **options: Any) -> None:
        try:
            chosen = selectors.parse_month(month)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if chosen is None:
            chosen = month_start(month_start(timezone.localdate()) - timedelta(days=1))
        wanted = [chosen]
        for _ in range(max(1, months) - 1):
            wanted.append(month_start(wanted[-1] - timedelta(days=1)))
        services.install_catalogue()
        written = services.take_snapshots(months=wanted)
        self.stdout.write(
            f"{written} draft snapshots for {', '.join(f'{m:%Y-%m}' for m in sorted(wanted))}"
        )
