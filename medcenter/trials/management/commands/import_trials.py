"""manage.py import_trials PATH...: ClinicalTrials.gov API v2 JSON files or folders."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medcenter.trials.importer import import_paths
from medcenter.trials.services import refresh_trial_vectors


class Command(BaseCommand):
    help = "Import ClinicalTrials.gov API v2 study records (files or folders of .json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        report = import_paths(paths)
        for problem in report.problems:
            self.stderr.write(f"skipped {problem}")
        self.stdout.write(report.summary())
        embedded = refresh_trial_vectors()  # about 50 ms a trial; trials_rematch does it too
        if embedded:
            self.stdout.write(f"embedded {embedded} trial texts for ranking notes by meaning")
