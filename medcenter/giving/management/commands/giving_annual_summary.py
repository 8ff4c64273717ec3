from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from medcenter.giving import services


class Command(BaseCommand):
    help = "Queue each donor's summary of last year's gifts (run in January)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year - 1
        self.stdout.write(
            f"queued {services.send_annual_summaries(year=year)} summaries for {year}"
        )
