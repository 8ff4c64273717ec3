from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medcenter.giving.gateways.sandbox import SandboxGateway


class Command(BaseCommand):
    help = "Sandbox gateway: charge the monthly gifts that are due (Stripe does this itself)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.GIVING_GATEWAY != "sandbox":
            raise CommandError("GIVING_GATEWAY is not the sandbox")
        self.stdout.write(f"renewed {SandboxGateway().renew_due()} monthly gifts")
