"""manage.py trials_rematch [--all] [--every N]: keep trial candidates up to date."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from medcenter.trials import services


class Command(BaseCommand):
    help = (
        "Match patients whose oncology record or the trial catalogue changed since they were "
        "last matched, and keep the candidates for the trial teams."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="Every patient with a cancer.")
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        while True:
            embedded = services.refresh_trial_vectors()
            if embedded:
                self.stdout.write(f"embedded {embedded} trial texts")
            due = services.patients_to_rematch(everyone=options["all"])
            services.rematch_patients(patient_ids=due)
            if due or options.get("verbosity", 1) > 1:
                self.stdout.write(f"matched {len(due)} patients")
            if not every:
                return
            time.sleep(every)
