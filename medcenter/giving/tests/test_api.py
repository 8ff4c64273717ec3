"""The giving API: funds, campaign progress, and starting a gift with an Idempotency-Key (R26)."""

import pytest
from django.test import Client

from medcenter.giving.models import Gift
from medcenter.giving.tests.factories import CampaignFactory, FundFactory
from medcenter.scheduling.tests.races import at_once

BODY = {
    "fund": "greatest-need",
    "amount_minor": 5000,
    "currency": "USD",
    "frequency": "one_time",
    "name": "Ana Ejemplo",
    "email": "ana@example.test",
    "cover_fee": True,
}


def post(client, body, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/giving/gifts", data=body, content_type="application/json", **headers
    )


@pytest.mark.django_db
def test_funds_and_campaign_progress():
    fund = FundFactory(slug="greatest-need")
    campaign = CampaignFactory(fund=fund)
    client = Client()
    assert client.get("/api/v1/giving/funds").json()[0]["slug"] == "greatest-need"
    found = client.get(f"/api/v1/giving/campaigns/{campaign.slug}").json()
    assert found["raised_minor"] == 0 and found["goal_minor"] == campaign.goal_minor
    assert client.get("/api/v1/giving/campaigns/nope").status_code == 404


@pytest.mark.django_db
def test_starting_a_gift_answers_the_checkout_url_once_per_key():
    FundFactory(slug="greatest-need")
    client = Client()
    answers = [post(client, BODY) for _ in range(50)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["checkout_url"].startswith("/en/give/checkout/")
    assert answers[0].json()["fee_minor"] == 181
    assert Gift.objects.count() == 1
    assert post(client, {**BODY, "amount_minor": 6000}).status_code == 422
    missing = post(client, BODY, key="")
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_with_one_key_make_one_gift():
    FundFactory(slug="greatest-need")
    answers = at_once(*[lambda: post(Client(), BODY, key="same") for _ in range(20)])
    assert {a.status_code for a in answers} <= {201, 409}
    assert Gift.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"amount_minor": 1},
        {"currency": "JPY"},
        {"fund": "nope"},
        {"amount_minor": "abc"},
        {"status": "paid", "refunded_minor": 5},
    ],
)
def test_bad_or_extra_input_is_a_problem_not_a_gift(change):
    FundFactory(slug="greatest-need")
    response = post(Client(), {**BODY, **change}, key=str(change))
    if "status" in change:  # extra fields are ignored, never written (R4)
        assert response.status_code == 201
        assert Gift.objects.get().status == "pending" and Gift.objects.get().refunded_minor == 0
    else:
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert Gift.objects.count() == 0


@pytest.mark.django_db
def test_too_many_gifts_from_one_address_are_a_429_with_retry_after(settings):
    settings.GIVING_GIFTS_PER_HOUR = 1
    FundFactory(slug="greatest-need")
    assert post(Client(), BODY, key="a").status_code == 201
    response = post(Client(), BODY, key="b")
    assert response.status_code == 429 and response["Retry-After"]
    assert (
        Client()
        .post(
            "/api/v1/giving/gifts",
            data=BODY,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="c",
            HTTP_ACCEPT_LANGUAGE="es",
        )
        .status_code
        == 429
    )


def test_production_settings_refuse_the_sandbox(settings):
    from medcenter.giving.checks import check_gateway

    settings.PRODUCTION = True
    settings.GIVING_GATEWAY = "sandbox"
    assert [e.id for e in check_gateway()] == ["giving.E001"]
    settings.GIVING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert [e.id for e in check_gateway()] == ["giving.E003"]
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", "whsec_x"
    assert check_gateway() == []
