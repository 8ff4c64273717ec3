"""The gift form, the sandbox's hosted page, the confirmation and the receipt, in Spanish."""

import re

import pytest
from django.core import mail
from django.test import Client

from medcenter.core.models import IdempotencyRecord
from medcenter.giving.models import (
    Gift,
    GiftStatus,
    MonthlyPlan,
    PlanStatus,
    Receipt,
    Tribute,
)
from medcenter.giving.tests.factories import CampaignFactory, FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    return FundFactory(slug="greatest-need", name="Greatest need")


def form_data(fund, **changes):
    data = {
        "fund": fund.slug,
        "frequency": "monthly",
        "currency": "USD",
        "preset": "other",
        "other_amount": "40",
        "cover_fee": "on",
        "name": "Ana Ejemplo",
        "email": "ana@example.test",
        "address": "",
        "employer": "Ejemplo S.A.",
        "tribute_kind": "memory",
        "honoree_name": "Luis Ejemplo",
        "delivery": "ecard",
        "recipient_name": "Familia Ejemplo",
        "recipient_email": "familia@example.test",
        "recipient_language": "es",
        "message": "Con cariño <script>alert(1)</script>",
        "idempotency_key": "form-key-1",
    }
    data.update(changes)
    return data


def test_the_give_page_offers_funds_and_campaigns(fund):
    campaign = CampaignFactory(fund=fund)
    response = Client().get("/es/give/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Donde más se necesita" in text
    assert campaign.slug in text


def test_an_amount_that_is_not_a_number_comes_back_in_spanish_with_every_field_kept(fund):
    response = Client().post("/es/give/", form_data(fund, other_amount="abc"))

    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="abc"' in text
    assert 'value="Ana Ejemplo"' in text
    assert 'value="Luis Ejemplo"' in text
    assert 'value="familia@example.test"' in text
    assert "Con cariño &lt;script&gt;" in text  # kept, and escaped (R16)
    assert "<script>alert(1)" not in text
    assert Gift.objects.count() == 0


def test_a_monthly_gift_in_memory_goes_through_the_sandbox_to_a_receipt(
    fund, django_capture_on_commit_callbacks
):
    client = Client()
    response = client.post("/es/give/", form_data(fund))
    assert response.status_code == 302
    checkout = response["Location"]
    assert checkout.startswith("/es/give/checkout/cs_sandbox_")
    gift = Gift.objects.get()
    assert (gift.amount_minor, gift.fee_minor, gift.frequency) == (4000, 151, "monthly")
    assert Tribute.objects.get().kind == "memory"

    page = client.get(checkout)
    assert "4242 4242 4242 4242" in page.content.decode()
    declined = client.post(
        checkout,
        {"cardholder": "Ana", "number": "4000000000000002", "expiry": "12/34", "cvc": "123"},
    )
    assert declined.status_code == 400
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("es"):
        said = gettext("Your card was declined. Try another card.")
    assert said != "Your card was declined. Try another card."  # it is in Spanish
    assert said in declined.content.decode()
    assert 'value="Ana"' in declined.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(
            checkout,
            {"cardholder": "Ana", "number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"},
        )
    assert paid.status_code == 302
    thanks = client.get(paid["Location"])
    assert thanks.status_code == 200
    gift.refresh_from_db()
    assert gift.status == GiftStatus.PAID
    assert MonthlyPlan.objects.get().status == PlanStatus.ACTIVE
    receipt = Receipt.objects.get()
    assert receipt.amount_minor == 4151
    link = re.search(r'href="([^"]+receipt\.pdf)"', thanks.content.decode()).group(1)
    pdf = client.get(link)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2  # the receipt to the donor, the e-card to the family
    ecard = next(m for m in mail.outbox if m.to == ["familia@example.test"])
    assert "Luis Ejemplo" in ecard.subject
    assert "$" not in ecard.body  # no amount unless the donor asked
    receipt_mail = next(m for m in mail.outbox if m.to == ["ana@example.test"])
    assert receipt_mail.attachments[0][2] == "application/pdf"


def test_the_same_submission_twice_makes_one_gift(fund):
    client = Client()
    first = client.post("/es/give/", form_data(fund))
    second = client.post("/es/give/", form_data(fund))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Gift.objects.count() == 1
    changed = client.post("/es/give/", form_data(fund, other_amount="41"))
    assert changed.status_code == 400
    assert Gift.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_too_many_gifts_from_one_address_get_a_429_in_spanish(fund, settings):
    settings.GIVING_GIFTS_PER_HOUR = 2
    client = Client()
    for n in range(2):
        assert client.post("/es/give/", form_data(fund, idempotency_key=f"k{n}")).status_code == 302
    response = client.post("/es/give/", form_data(fund, idempotency_key="k3"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert (
        "Inténtelo más tarde" in response.content.decode()
        or "try again later" in response.content.decode()
    )
    assert Gift.objects.count() == 2


def test_the_checkout_page_is_gone_outside_the_sandbox(fund, settings):
    client = Client()
    checkout = client.post("/es/give/", form_data(fund))["Location"]
    settings.GIVING_GATEWAY = "stripe"
    assert client.get(checkout).status_code == 404


def test_fund_and_campaign_pages_are_cached_and_show_progress_net_of_refunds(fund):
    from medcenter.giving.tests.factories import GiftFactory

    campaign = CampaignFactory(fund=fund, goal_minor=100_000)
    GiftFactory(fund=fund, campaign=campaign, amount_minor=30_000, status="paid")
    GiftFactory(
        fund=fund,
        campaign=campaign,
        amount_minor=20_000,
        status="partially_refunded",
        refunded_minor=5_000,
    )
    GiftFactory(fund=fund, campaign=campaign, amount_minor=50_000, status="pending")

    page = Client().get(f"/en/give/campaigns/{campaign.slug}/")

    assert page.status_code == 200
    assert "$450.00 raised of $1,000.00" in page.content.decode()
    assert Client().get(f"/en/give/funds/{fund.slug}/").status_code == 200
    assert Client().get("/en/give/funds/nope/").status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 500, "e30.bad"])
def test_forged_links_are_not_found(token):
    client = Client()
    for url in (
        f"/es/give/thanks/{token}/",
        f"/es/give/donor/{token}/",
        f"/es/give/opt-out/{token}/",
        f"/es/give/checkout/{token}/",
    ):
        assert client.get(url).status_code == 404
