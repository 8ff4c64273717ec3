"""The gateway interface, and the one reading of Stripe-shaped events both gateways send."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from medcenter.giving.models import Gift, MonthlyPlan

TOLERANCE_SECONDS = 300


class GatewayError(Exception):
    """The gateway refused or could not be reached."""


class SignatureError(Exception):
    """A webhook whose signature is missing, wrong, or too old."""


@dataclass(frozen=True)
class CheckoutStart:
    url: str
    ref: str


@dataclass(frozen=True)
class Event:
    """A gateway event in our words. `kind` is one of KINDS; amounts are minor units."""

    id: str
    kind: str
    created: int  # Unix seconds
    gift: str = ""  # our gift's public id (metadata)
    plan: str = ""
    checkout_ref: str = ""
    payment_ref: str = ""
    subscription_ref: str = ""
    amount_minor: int = 0
    refunded_minor: int = 0
    currency: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


PAID, FAILED, EXPIRED, INSTALLMENT, REFUNDED, PLAN_ENDED, IGNORED = (
    "paid",
    "failed",
    "expired",
    "installment",
    "refunded",
    "plan_ended",
    "ignored",
)


class Gateway(Protocol):
    name: str

    def checkout(
        self, *, gift: Gift, plan: MonthlyPlan | None, success_url: str, cancel_url: str
    ) -> CheckoutStart: ...

    def verify_webhook(self, *, payload: bytes, signature: str) -> Event: ...

    def refund(self, *, gift: Gift, amount_minor: int, idempotency_key: str) -> str: ...

    def change_plan(
        self, *, plan: MonthlyPlan, amount_minor: int, idempotency_key: str
    ) -> None: ...

    def pause_plan(self, *, plan: MonthlyPlan, until: date, idempotency_key: str) -> None: ...

    def resume_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None: ...

    def cancel_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None: ...

    def list_events(self, *, since: datetime) -> list[Event]: ...


def sign(payload: bytes, *, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify_signature(payload: bytes, header: str, *, secret: str) -> None:
    """SignatureError unless one v1 signature matches and the timestamp is within tolerance."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        raise SignatureError("no timestamp") from None
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("timestamp outside tolerance")
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("no matching signature")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    """Our ids: on the object, or on the subscription an invoice belongs to (both API shapes)."""
    for found in (
        obj.get("metadata"),
        (obj.get("subscription_details") or {}).get("metadata"),
        ((obj.get("parent") or {}).get("subscription_details") or {}).get("metadata"),
    ):
        if isinstance(found, dict) and found:
            return found
    return {}


def read_event(data: dict[str, Any]) -> Event:
    """Our reading of a Stripe-shaped event (Stripe's own, or the sandbox's imitation)."""
    obj = (data.get("data") or {}).get("object") or {}
    if not isinstance(obj, dict):
        obj = {}
    stripe_type = _str(data.get("type"))
    meta = _metadata(obj)
    common: dict[str, Any] = {
        "id": _str(data.get("id")),
        "created": _int(data.get("created")),
        "gift": _str(meta.get("gift")),
        "plan": _str(meta.get("plan")),
        "currency": _str(obj.get("currency")).upper(),
        "raw": data,
    }
    if stripe_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        paid = obj.get("payment_status") in ("paid", "no_payment_required")
        return Event(
            kind=PAID if paid else IGNORED,
            checkout_ref=_str(obj.get("id")),
            payment_ref=_str(obj.get("payment_intent")) or _str(obj.get("invoice")),
            subscription_ref=_str(obj.get("subscription")),
            amount_minor=_int(obj.get("amount_total")),
            **common,
        )
    if stripe_type == "checkout.session.async_payment_failed":
        return Event(kind=FAILED, checkout_ref=_str(obj.get("id")), **common)
    if stripe_type == "checkout.session.expired":
        return Event(kind=EXPIRED, checkout_ref=_str(obj.get("id")), **common)
    if stripe_type == "invoice.paid":
        # The first invoice is the checkout's own payment; later ones are new installments.
        kind = INSTALLMENT if obj.get("billing_reason") == "subscription_cycle" else IGNORED
        subscription = _str(obj.get("subscription")) or _str(
            ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        )
        return Event(
            kind=kind,
            payment_ref=_str(obj.get("id")),
            subscription_ref=subscription,
            amount_minor=_int(obj.get("amount_paid")),
            **common,
        )
    if stripe_type == "charge.refunded":
        return Event(
            kind=REFUNDED,
            payment_ref=_str(obj.get("payment_intent")) or _str(obj.get("invoice")),
            amount_minor=_int(obj.get("amount")),
            refunded_minor=_int(obj.get("amount_refunded")),
            **common,
        )
    if stripe_type == "customer.subscription.deleted":
        return Event(kind=PLAN_ENDED, subscription_ref=_str(obj.get("id")), **common)
    return Event(kind=IGNORED, **common)
