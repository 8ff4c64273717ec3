from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from medcenter.giving import webhooks
from medcenter.giving.gateways import active_name


class Command(BaseCommand):
    help = "List the payment gateway's recent events and apply any a webhook missed (periodic)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--hours", type=int, default=72)

    def handle(self, *args: Any, **options: Any) -> None:
        since = timezone.now() - timedelta(hours=options["hours"])
        applied = webhooks.sync_events(gateway_name=active_name(), since=since)
        self.stdout.write(f"applied {applied} missed events")
