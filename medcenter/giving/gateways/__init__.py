"""Payment gateways behind one interface (ADR 0011): Stripe for real money, the sandbox for
the offline demo and tests. `get_gateway(name)` gives the configured one."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from medcenter.giving.gateways.base import (
    CheckoutStart,
    Event,
    Gateway,
    GatewayError,
    SignatureError,
)

__all__ = [
    "CheckoutStart",
    "Event",
    "Gateway",
    "GatewayError",
    "SignatureError",
    "active_name",
    "get_gateway",
]

GATEWAYS = {
    "stripe": "medcenter.giving.gateways.stripe_gateway.StripeGateway",
    "sandbox": "medcenter.giving.gateways.sandbox.SandboxGateway",
}


def active_name() -> str:
    return str(settings.GIVING_GATEWAY)


def get_gateway(name: str | None = None) -> Gateway:
    """The gateway called `name` (default: the configured one); LookupError if unknown."""
    name = name or active_name()
    if name not in GATEWAYS:
        raise LookupError(name)
    found: Gateway = import_string(GATEWAYS[name])()
    return found
