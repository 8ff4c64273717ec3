"""The sandbox gateway: a local imitation of a hosted checkout for the offline demo and tests.

It keeps its own records (standing for the provider's side), takes Stripe's test card numbers
on a page that is clearly the gateway's, and reports what happened as Stripe-shaped events
signed the Stripe way, delivered to our webhook endpoint: over HTTP when
GIVING_SANDBOX_WEBHOOK_URL is set, else in process through the same verifying entry point.
Production settings refuse it (system check giving.E001).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.giving.gateways.base import (
    CheckoutStart,
    Event,
    GatewayError,
    read_event,
    sign,
    verify_signature,
)
from medcenter.giving.models import (
    Gift,
    MonthlyPlan,
    SandboxEvent,
    SandboxSession,
    SandboxStatus,
    SandboxSubscription,
)

# Stripe's documented test cards, and what each does here.
SUCCEEDS = "succeeds"
TEST_CARDS = {
    "4242424242424242": SUCCEEDS,
    "5555555555554444": SUCCEEDS,
    "378282246310005": SUCCEEDS,
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
}


def decline_message(code: str) -> str:
    return {
        "card_declined": _("Your card was declined. Try another card."),
        "insufficient_funds": _("Your card has insufficient funds. Try another card."),
        "expired_card": _("Your card has expired. Try another card."),
        "incorrect_cvc": _("Your card's security code is incorrect."),
        "invalid_number": _("Your card number is invalid."),
        "unknown_card": _("This is the sandbox: use a test card such as 4242 4242 4242 4242."),
    }[code]


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def local(url: str) -> str:
    """The path of one of our own URLs: the sandbox's page is on our site, whatever SITE_URL
    says the public address is."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _ref(prefix: str) -> str:
    return f"{prefix}_sandbox_{secrets.token_hex(10)}"


@dataclass(frozen=True)
class PayResult:
    ok: bool
    error: str = ""
    redirect: str = ""


class SandboxGateway:
    name = "sandbox"

    # --- the interface ---------------------------------------------------------------------

    def checkout(
        self, *, gift: Gift, plan: MonthlyPlan | None, success_url: str, cancel_url: str
    ) -> CheckoutStart:
        session = SandboxSession.objects.create(
            ref=_ref("cs"),
            mode="subscription" if plan is not None else "payment",
            gift_public_id=str(gift.public_id),
            plan_public_id=str(plan.public_id) if plan is not None else "",
            amount_minor=gift.total_minor,
            currency=gift.currency,
            success_url=success_url,
            cancel_url=cancel_url,
        )
        return CheckoutStart(
            url=reverse("giving:sandbox_checkout", kwargs={"ref": session.ref}), ref=session.ref
        )

    def verify_webhook(self, *, payload: bytes, signature: str) -> Event:
        verify_signature(payload, signature, secret=str(settings.GIVING_SANDBOX_WEBHOOK_SECRET))
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError("not an event")
        return read_event(data)

    def refund(self, *, gift: Gift, amount_minor: int, idempotency_key: str) -> str:
        session = SandboxSession.objects.filter(payment_ref=gift.payment_ref).first()
        refunded = (session.refunded_minor if session else 0) + amount_minor
        if amount_minor <= 0 or refunded > gift.total_minor:
            raise GatewayError("refund exceeds the charge")
        if session is not None:
            SandboxSession.objects.filter(pk=session.pk).update(refunded_minor=refunded)
        else:  # an installment: the sandbox remembers it only through its events
            refunded = gift.refunded_minor + amount_minor
        refund_id = _ref("re")
        self.emit(
            "charge.refunded",
            {
                "id": _ref("ch"),
                "object": "charge",
                "payment_intent": gift.payment_ref if gift.payment_ref.startswith("pi_") else None,
                "invoice": gift.payment_ref if gift.payment_ref.startswith("in_") else None,
                "amount": gift.total_minor,
                "amount_refunded": refunded,
                "currency": gift.currency.lower(),
                "metadata": {"gift": str(gift.public_id)},
            },
        )
        return refund_id

    def _subscription(self, plan: MonthlyPlan) -> SandboxSubscription:
        found = SandboxSubscription.objects.filter(ref=plan.subscription_ref).first()
        if found is None:
            raise GatewayError("no such subscription")
        return found

    def change_plan(self, *, plan: MonthlyPlan, amount_minor: int, idempotency_key: str) -> None:
        sub = self._subscription(plan)
        SandboxSubscription.objects.filter(pk=sub.pk).update(amount_minor=amount_minor)

    def pause_plan(self, *, plan: MonthlyPlan, until: date, idempotency_key: str) -> None:
        sub = self._subscription(plan)
        SandboxSubscription.objects.filter(pk=sub.pk).update(paused_until=until)

    def resume_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None:
        sub = self._subscription(plan)
        SandboxSubscription.objects.filter(pk=sub.pk).update(paused_until=None)

    def cancel_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None:
        sub = self._subscription(plan)
        if sub.status == "canceled":
            return
        SandboxSubscription.objects.filter(pk=sub.pk).update(status="canceled")
        self.emit(
            "customer.subscription.deleted",
            {"id": sub.ref, "object": "subscription", "metadata": {"plan": sub.plan_public_id}},
        )

    def list_events(self, *, since: datetime) -> list[Event]:
        return [
            read_event(found.payload)
            for found in SandboxEvent.objects.filter(created__gt=since).order_by("created", "id")
        ]

    # --- the hosted page and the provider's side -------------------------------------------

    def pay(self, *, ref: str, card_number: str) -> PayResult:
        """Charge a test card on the sandbox's page; a decline leaves the session open."""
        number = "".join(ch for ch in card_number if ch.isdigit())
        with transaction.atomic():
            session = SandboxSession.objects.select_for_update().filter(ref=ref).first()
            if session is None or session.status == SandboxStatus.EXPIRED:
                return PayResult(False, "expired")
            if session.status == SandboxStatus.COMPLETE:
                return PayResult(True, redirect=local(session.success_url))
            if not 12 <= len(number) <= 19 or not luhn_ok(number):
                return PayResult(False, "invalid_number")
            outcome = TEST_CARDS.get(number, "unknown_card")
            if outcome != SUCCEEDS:
                return PayResult(False, outcome)
            self._complete(session)
        return PayResult(True, redirect=local(session.success_url))

    def _complete(self, session: SandboxSession) -> None:
        metadata = {"gift": session.gift_public_id}
        subscription_ref = ""
        if session.mode == "subscription":
            metadata["plan"] = session.plan_public_id
            subscription_ref = _ref("sub")
            SandboxSubscription.objects.create(
                ref=subscription_ref,
                plan_public_id=session.plan_public_id,
                amount_minor=session.amount_minor,
                currency=session.currency,
                next_charge_on=add_month(timezone.localdate()),
            )
            payment_ref = f"in_{subscription_ref}_1"
        else:
            payment_ref = _ref("pi")
        session.status = SandboxStatus.COMPLETE
        session.payment_ref = payment_ref
        session.save(update_fields=["status", "payment_ref", "updated_at"])
        self.emit(
            "checkout.session.completed",
            {
                "id": session.ref,
                "object": "checkout.session",
                "mode": session.mode,
                "payment_status": "paid",
                "status": "complete",
                "amount_total": session.amount_minor,
                "currency": session.currency.lower(),
                "payment_intent": payment_ref if session.mode == "payment" else None,
                "invoice": payment_ref if session.mode == "subscription" else None,
                "subscription": subscription_ref or None,
                "metadata": metadata,
            },
        )

    def renew_due(self, *, today: date | None = None) -> int:
        """Charge each subscription whose month has come (and is not paused); returns how many."""
        today = today or timezone.localdate()
        charged = 0
        due = SandboxSubscription.objects.filter(status="active", next_charge_on__lte=today)
        for sub in due.order_by("pk"):
            with transaction.atomic():
                sub = SandboxSubscription.objects.select_for_update().get(pk=sub.pk)
                if sub.next_charge_on > today:
                    continue
                if sub.paused_until is not None and sub.paused_until > today:
                    # pause_collection "void": the paused months are skipped, not charged later.
                    while sub.next_charge_on <= today:
                        sub.next_charge_on = add_month(sub.next_charge_on)
                    sub.save(update_fields=["next_charge_on", "updated_at"])
                    continue
                sub.installments += 1
                invoice = f"in_{sub.ref}_{sub.installments}"
                sub.next_charge_on = add_month(sub.next_charge_on)
                sub.save(update_fields=["installments", "next_charge_on", "updated_at"])
                self.emit(
                    "invoice.paid",
                    {
                        "id": invoice,
                        "object": "invoice",
                        "billing_reason": "subscription_cycle",
                        "subscription": sub.ref,
                        "amount_paid": sub.amount_minor,
                        "currency": sub.currency.lower(),
                        "subscription_details": {"metadata": {"plan": sub.plan_public_id}},
                    },
                )
                charged += 1
        return charged

    def emit(self, stripe_type: str, obj: dict[str, Any]) -> SandboxEvent:
        """Record an event and deliver it, signed, once this transaction commits."""
        event = SandboxEvent.objects.create(
            event_id=_ref("evt"),
            created=timezone.now(),
            payload={},
        )
        payload = {
            "id": event.event_id,
            "object": "event",
            "type": stripe_type,
            "created": int(event.created.timestamp()),
            "livemode": False,
            "data": {"object": obj},
        }
        SandboxEvent.objects.filter(pk=event.pk).update(payload=payload)
        body = json.dumps(payload, separators=(",", ":")).encode()
        transaction.on_commit(lambda: deliver(body), robust=True)
        return event


def deliver(body: bytes) -> None:
    """POST (or hand in process) one signed event to our webhook endpoint."""
    header = sign(body, secret=str(settings.GIVING_SANDBOX_WEBHOOK_SECRET))
    url = str(getattr(settings, "GIVING_SANDBOX_WEBHOOK_URL", "") or "")
    if url:
        request = urllib.request.Request(  # noqa: S310 - a configured http(s) URL of our own
            url, data=body, method="POST", headers={"Stripe-Signature": header}
        )
        # A failed delivery is picked up by the periodic sweep (giving_sync_events).
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
        return
    from medcenter.giving.webhooks import receive

    receive(provider="sandbox", payload=body, signature=header)
