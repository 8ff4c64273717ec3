"""manage.py events_materialise: sessions for every published series up to the horizon
(run daily, so open-ended series keep HORIZON_DAYS of dates)."""

from typing import Any

from django.core.management.base import BaseCommand

from medcenter.events import services
from medcenter.events.models import EventSeries


class Command(BaseCommand):
    help = "Create the sessions of every published series up to the horizon."

    def handle(self, *args: Any, **options: Any) -> None:
        made = sum(
            services.materialise_sessions(series=series)
            for series in EventSeries.objects.published()
        )
        self.stdout.write(f"{made} sessions created")
