from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medcenter.core.backup import BackupError, create_backup, default_output


class Command(BaseCommand):
    help = (
        "Write one archive with the database, the still-encrypted documents and a manifest "
        "(rows per table, audit chain head, versions). The keys are not in it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default var/backups/medcenter-<UTC time>.tar).",
        )

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        path = output or default_output()
        try:
            manifest = create_backup(output=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        documents = manifest["documents"]
        self.stdout.write(
            f"Backup written to {path} ({path.stat().st_size / 1e6:,.1f} MB): "
            f"{manifest['backend']} database, {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values()):,} rows; audit chain of "
            f"{manifest['audit']['length']:,} events; {documents['stored']:,} documents "
            "(encrypted as stored)."
        )
        if documents["missing"]:
            self.stderr.write(
                f"Warning: {len(documents['missing'])} documents named by rows were already "
                "missing from the document folder."
            )
