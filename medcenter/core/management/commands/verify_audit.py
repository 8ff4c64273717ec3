from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medcenter.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Check every audit hash chain and its head; report each chain, exit 1 if a row does "
        "not fit."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        for chain in report.chains:
            state = "intact" if chain.ok else "BROKEN"
            where = f" at audit event {chain.broken_at}" if chain.broken_at else ""
            detail = f"{where}: {chain.problem}" if not chain.ok else ""
            self.stdout.write(
                f"Chain {chain.chain}: {state}, {chain.checked} events verified{detail}."
            )
        if not report.ok:
            where = f" at audit event {report.broken_at}" if report.broken_at else ""
            raise CommandError(
                f"Audit chain broken{where}: {report.problem} ({report.checked} rows verified)."
            )
        self.stdout.write(
            f"Audit chain intact: {report.checked} events verified "
            f"in {len(report.chains)} chain(s)."
        )
