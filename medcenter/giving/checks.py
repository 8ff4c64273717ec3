"""System checks: production never takes gifts through the sandbox, and Stripe has its keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags
from django.core.checks import register as register_check


def check_gateway(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    name = str(getattr(settings, "GIVING_GATEWAY", ""))
    if name not in ("stripe", "sandbox"):
        return [Error(f"GIVING_GATEWAY must be stripe or sandbox, not {name!r}", id="giving.E002")]
    if settings.PRODUCTION and name == "sandbox":
        return [
            Error(
                "The sandbox payment gateway takes no money and must not run in production.",
                hint="Set GIVING_GATEWAY=stripe with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                id="giving.E001",
            )
        ]
    if name == "stripe" and not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
        return [
            Error(
                "GIVING_GATEWAY=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                id="giving.E003",
            )
        ]
    return []


def register() -> None:
    register_check(check_gateway, Tags.security, deploy=False)
