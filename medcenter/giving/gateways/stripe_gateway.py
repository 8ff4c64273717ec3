"""Stripe through the official `stripe` package: hosted Checkout Sessions, so card data never
reaches our servers; every call carries an idempotency key, and our ids ride in metadata."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import stripe
from django.conf import settings
from django.utils import timezone

from medcenter.giving.gateways.base import (
    TOLERANCE_SECONDS,
    CheckoutStart,
    Event,
    GatewayError,
    SignatureError,
    read_event,
)
from medcenter.giving.models import Gift, MonthlyPlan


class StripeGateway:
    name = "stripe"

    def __init__(self, http_client: stripe.HTTPClient | None = None) -> None:
        self.client = stripe.StripeClient(
            str(settings.STRIPE_SECRET_KEY), http_client=http_client, max_network_retries=2
        )

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as error:
            raise GatewayError(type(error).__name__) from error

    def checkout(
        self, *, gift: Gift, plan: MonthlyPlan | None, success_url: str, cancel_url: str
    ) -> CheckoutStart:
        metadata = {"gift": str(gift.public_id)}
        if plan is not None:
            metadata["plan"] = str(plan.public_id)
        price_data: dict[str, Any] = {
            "currency": gift.currency.lower(),
            "unit_amount": gift.total_minor,
            "product_data": {"name": gift.fund.name},
        }
        params: dict[str, Any] = {
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(gift.public_id),
            "customer_email": gift.donor.email,
            "locale": _stripe_locale(gift.language),
            "metadata": metadata,
            "line_items": [{"price_data": price_data, "quantity": 1}],
        }
        if plan is None:
            params["mode"] = "payment"
            params["payment_intent_data"] = {"metadata": metadata}
            params["submit_type"] = "donate"
        else:
            params["mode"] = "subscription"
            price_data["recurring"] = {"interval": "month"}
            params["subscription_data"] = {"metadata": metadata}
        session = self._call(
            self.client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": f"checkout-{gift.public_id}"},
        )
        return CheckoutStart(url=str(session.url), ref=str(session.id))

    def verify_webhook(self, *, payload: bytes, signature: str) -> Event:
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"),
                signature,
                str(settings.STRIPE_WEBHOOK_SECRET),
                tolerance=TOLERANCE_SECONDS,
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
            raise SignatureError(type(error).__name__) from error
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise SignatureError("not an event")
        return read_event(data)

    def _payment_intent(self, gift: Gift) -> str:
        if gift.payment_ref.startswith("pi_"):
            return gift.payment_ref
        payments = self._call(
            self.client.v1.invoice_payments.list,
            params={"invoice": gift.payment_ref, "limit": 1},
        )
        for found in payments.data:
            intent = (found.get("payment") or {}).get("payment_intent")
            if intent:
                return str(intent)
        raise GatewayError("no payment for this invoice")

    def refund(self, *, gift: Gift, amount_minor: int, idempotency_key: str) -> str:
        refund = self._call(
            self.client.v1.refunds.create,
            params={
                "payment_intent": self._payment_intent(gift),
                "amount": amount_minor,
                "metadata": {"gift": str(gift.public_id)},
            },
            options={"idempotency_key": idempotency_key},
        )
        return str(refund.id)

    def change_plan(self, *, plan: MonthlyPlan, amount_minor: int, idempotency_key: str) -> None:
        subscription = self._call(self.client.v1.subscriptions.retrieve, plan.subscription_ref)
        item = subscription["items"]["data"][0]
        self._call(
            self.client.v1.subscriptions.update,
            plan.subscription_ref,
            params={
                "items": [
                    {
                        "id": item["id"],
                        "price_data": {
                            "currency": plan.currency.lower(),
                            "unit_amount": amount_minor,
                            "recurring": {"interval": "month"},
                            "product": item["price"]["product"],
                        },
                    }
                ],
                "proration_behavior": "none",
            },
            options={"idempotency_key": idempotency_key},
        )

    def pause_plan(self, *, plan: MonthlyPlan, until: date, idempotency_key: str) -> None:
        resumes = timezone.make_aware(datetime.combine(until, time()))
        self._call(
            self.client.v1.subscriptions.update,
            plan.subscription_ref,
            params={
                "pause_collection": {"behavior": "void", "resumes_at": int(resumes.timestamp())}
            },
            options={"idempotency_key": idempotency_key},
        )

    def resume_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None:
        self._call(
            self.client.v1.subscriptions.update,
            plan.subscription_ref,
            params={"pause_collection": ""},
            options={"idempotency_key": idempotency_key},
        )

    def cancel_plan(self, *, plan: MonthlyPlan, idempotency_key: str) -> None:
        self._call(
            self.client.v1.subscriptions.cancel,
            plan.subscription_ref,
            options={"idempotency_key": idempotency_key},
        )

    def list_events(self, *, since: datetime) -> list[Event]:
        page = self._call(
            self.client.v1.events.list,
            params={"created": {"gt": int(since.timestamp())}, "limit": 100},
        )
        return [read_event(found.to_dict()) for found in page.auto_paging_iter()]


def _stripe_locale(language: str) -> str:
    return {"zh-hans": "zh", "pt-br": "pt-BR"}.get(language, language.split("-")[0] or "auto")
