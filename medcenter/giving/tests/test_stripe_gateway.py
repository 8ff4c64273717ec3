"""The Stripe gateway through the official package, with its HTTP client stubbed at the
transport: every request is recorded and answered locally; nothing leaves the machine."""

import json
import time
from datetime import date
from urllib.parse import parse_qs

import pytest
import stripe

from medcenter.giving.gateways import SignatureError
from medcenter.giving.gateways.base import sign
from medcenter.giving.gateways.stripe_gateway import StripeGateway
from medcenter.giving.tests.factories import GiftFactory, PlanFactory, paid_event

pytestmark = pytest.mark.django_db


class Transport(stripe.HTTPClient):
    name = "test-transport"

    def __init__(self, answers):
        super().__init__()
        self.answers = answers
        self.calls = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        form = parse_qs(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        self.calls.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "form": form}
        )
        for fragment, body in self.answers:
            if fragment in url:
                return json.dumps(body), 200, {}
        return (
            json.dumps({"error": {"message": "no stub", "type": "invalid_request_error"}}),
            400,
            {},
        )

    def close(self):
        pass


@pytest.fixture
def stripe_settings(settings):
    settings.GIVING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_local"
    return settings


SESSION = {
    "id": "cs_test_abc",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/pay/cs_test_abc",
}


def test_one_time_checkout_is_a_payment_session_with_our_gift_id_and_a_key(stripe_settings):
    gift = GiftFactory(provider="stripe", amount_minor=5000, fee_minor=181)
    transport = Transport([("/v1/checkout/sessions", SESSION)])

    start = StripeGateway(http_client=transport).checkout(
        gift=gift, plan=None, success_url="https://x/ok", cancel_url="https://x/no"
    )

    assert start.url == SESSION["url"] and start.ref == "cs_test_abc"
    (call,) = transport.calls
    assert call["method"] == "post"
    assert call["headers"]["Idempotency-Key"] == f"checkout-{gift.public_id}"
    form = call["form"]
    assert form["mode"] == ["payment"]
    assert form["metadata[gift]"] == [str(gift.public_id)]
    assert form["payment_intent_data[metadata][gift]"] == [str(gift.public_id)]
    assert form["line_items[0][price_data][unit_amount]"] == ["5181"]
    assert form["line_items[0][price_data][currency]"] == ["usd"]
    assert not any(key.startswith(("card", "payment_method_data")) for key in form)


def test_monthly_checkout_is_a_subscription_with_monthly_price_data(stripe_settings):
    plan = PlanFactory(provider="stripe")
    gift = GiftFactory(
        provider="stripe",
        plan=plan,
        fund=plan.fund,
        donor=plan.donor,
        amount_minor=2500,
        frequency="monthly",
    )
    transport = Transport([("/v1/checkout/sessions", SESSION)])

    StripeGateway(http_client=transport).checkout(
        gift=gift, plan=plan, success_url="https://x/ok", cancel_url="https://x/no"
    )

    form = transport.calls[0]["form"]
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price_data][recurring][interval]"] == ["month"]
    assert form["subscription_data[metadata][plan]"] == [str(plan.public_id)]
    assert form["subscription_data[metadata][gift]"] == [str(gift.public_id)]


def test_pause_change_cancel_and_refund_each_carry_an_idempotency_key(stripe_settings):
    plan = PlanFactory(provider="stripe", subscription_ref="sub_123")
    subscription = {
        "id": "sub_123",
        "object": "subscription",
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_1",
                    "object": "subscription_item",
                    "price": {"id": "price_1", "object": "price", "product": "prod_1"},
                }
            ],
        },
    }
    transport = Transport(
        [
            ("/v1/subscriptions/sub_123", subscription),
            ("/v1/refunds", {"id": "re_1", "object": "refund"}),
        ]
    )
    gateway = StripeGateway(http_client=transport)

    gateway.pause_plan(plan=plan, until=date(2030, 1, 1), idempotency_key="k-pause")
    gateway.change_plan(plan=plan, amount_minor=4000, idempotency_key="k-amount")
    gateway.cancel_plan(plan=plan, idempotency_key="k-cancel")
    gift = GiftFactory(provider="stripe", payment_ref="pi_1", status="paid")
    assert gateway.refund(gift=gift, amount_minor=1000, idempotency_key="k-refund") == "re_1"

    writes = [c for c in transport.calls if c["method"] in ("post", "delete")]
    assert [c["headers"].get("Idempotency-Key") for c in writes] == [
        "k-pause",
        "k-amount",
        "k-cancel",
        "k-refund",
    ]
    assert "pause_collection[behavior]" in writes[0]["form"]
    assert writes[0]["form"]["pause_collection[behavior]"] == ["void"]
    assert writes[1]["form"]["items[0][price_data][unit_amount]"] == ["4000"]
    assert writes[3]["form"]["amount"] == ["1000"]
    assert writes[3]["form"]["payment_intent"] == ["pi_1"]


def test_verifies_stripes_signature_with_the_package(stripe_settings):
    gift = GiftFactory(provider="stripe")
    body = paid_event(gift)
    gateway = StripeGateway(http_client=Transport([]))

    found = gateway.verify_webhook(payload=body, signature=sign(body, secret="whsec_local"))

    assert found.kind == "paid" and found.gift == str(gift.public_id)
    for header in (
        "",
        sign(body, secret="whsec_other"),
        sign(body, secret="whsec_local", timestamp=int(time.time()) - 400),
    ):
        with pytest.raises(SignatureError):
            gateway.verify_webhook(payload=body, signature=header)


def test_lists_events_for_the_sweep(stripe_settings):
    gift = GiftFactory(provider="stripe")
    listed = {
        "object": "list",
        "has_more": False,
        "url": "/v1/events",
        "data": [json.loads(paid_event(gift))],
    }
    transport = Transport([("/v1/events", listed)])

    from django.utils import timezone

    events = StripeGateway(http_client=transport).list_events(since=timezone.now())

    assert [e.kind for e in events] == ["paid"]
    assert transport.calls[0]["method"] == "get"
