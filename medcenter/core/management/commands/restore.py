from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medcenter.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive into an empty database and document folder, then "
        "check it: rows per table as in the backup, audit chain intact, every document decrypts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="The archive `manage.py backup` wrote.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database and document folder that are not empty.",
        )

    def handle(self, *args: Any, archive: Path, replace: bool = False, **options: Any) -> None:
        try:
            report = restore_backup(archive=archive, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = report.manifest
        self.stdout.write(
            f"Restored {archive}: {manifest['backend']} backup of {manifest['created_at']} "
            f"(loaded in {report.load_seconds:.1f} s)."
        )
        for check in report.checks:
            verdict = "OK    " if check.ok else "FAILED"
            self.stdout.write(f"  {verdict} {check.name}: {check.detail} ({check.seconds:.1f} s)")
        if not report.ok:
            raise CommandError("The restore did not pass its checks; do not use this copy yet.")
        self.stdout.write("Restore verified.")
