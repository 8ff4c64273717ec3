from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medcenter.core.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 at the first row that does not fit."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            where = f" at audit event {report.broken_at}" if report.broken_at else ""
            raise CommandError(
                f"Audit chain broken{where}: {report.problem} ({report.checked} rows verified)."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
