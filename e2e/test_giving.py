"""Give Now in Spanish, by keyboard: a monthly gift in memory of someone, fee covered, through
the sandbox's hosted page to the confirmation, the receipt PDF and the donor page, where the
donor pauses the gift. "abc" as the amount comes back with every field kept. Axe throughout."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations
from medcenter.core.tests.pdftext import read_lines
from medcenter.giving.models import MonthlyPlan, PlanStatus
from medcenter.giving.tests.factories import FundFactory


@pytest.fixture
def funds(transactional_db, settings):
    settings.GIVING_GATEWAY = "sandbox"
    settings.GIVING_SANDBOX_WEBHOOK_URL = ""
    return FundFactory(slug="navegacion", name="Patient navigation")


def _type(page: Page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _choose(page: Page, selector: str) -> None:
    page.locator(selector).focus()
    page.keyboard.press("Space")


def _link_to(address: str, pattern: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in mail.outbox:
            found = re.search(pattern, message.body) if address in message.to else None
            if found:
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no message to {address}")


def test_a_monthly_gift_in_memory_by_keyboard_in_spanish(page: Page, funds):
    page.set_default_timeout(30_000)  # a shared, busy machine; the journey itself is short
    found: list[str] = []
    page.goto("/es/give/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    found += blocking_violations(page)

    _choose(page, "#id_frequency_1")  # monthly
    _choose(page, "#id_preset_4")  # another amount
    _type(page, "#id_other_amount", "abc")
    _choose(page, "#id_cover_fee")
    _type(page, "#id_name", "Ana Ejemplo")
    _type(page, "#id_email", "ana@example.test")
    _choose(page, "#id_tribute_kind_2")  # in memory of
    _type(page, "#id_honoree_name", "Luis Ejemplo")
    _choose(page, "#id_delivery_1")  # e-card
    _type(page, "#id_recipient_email", "familia@example.test")
    page.locator("#id_recipient_email").press("Enter")

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_other_amount")).to_have_value("abc")
    expect(page.locator("#id_honoree_name")).to_have_value("Luis Ejemplo")
    expect(page.locator("#id_cover_fee")).to_be_checked()
    expect(page.locator("#id_frequency_1")).to_be_checked()
    found += blocking_violations(page)

    _type(page, "#id_other_amount", "40")
    page.locator("#id_other_amount").press("Enter")
    page.wait_for_url("**/es/give/checkout/**")
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("es"):
        expect(page.locator("h1")).to_contain_text(gettext("Sandbox payment page"))
    found += blocking_violations(page)

    _type(page, "#id_cardholder", "Ana Ejemplo")
    _type(page, "#id_number", "4000 0000 0000 0002")
    _type(page, "#id_expiry", "12/34")
    _type(page, "#id_cvc", "123")
    page.locator("#id_cvc").press("Enter")
    expect(page.locator("#id_number_error")).to_be_visible()
    expect(page.locator("#id_cardholder")).to_have_value("Ana Ejemplo")

    _type(page, "#id_number", "4242 4242 4242 4242")
    page.locator("#id_cvc").press("Enter")
    page.wait_for_url("**/es/give/thanks/**")
    found += blocking_violations(page)
    link = page.locator("a[href$='receipt.pdf']")
    expect(link).to_be_visible()
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(line.visual for lines in read_lines(pdf.body()) for line in lines)
    assert "41,51" in text  # 40 and the covered fee, written the Spanish way

    page.goto("/es/give/donor/")
    _type(page, "#id_email", "ana@example.test")
    page.locator("#id_email").press("Enter")
    page.goto(_link_to("ana@example.test", r"https?://[^/\s]+(/es/give/donor/[^/\s]+/)"))
    found += blocking_violations(page)
    until = timezone.localdate() + timedelta(days=60)
    page.locator("#id_until").fill(until.isoformat())
    page.locator("#id_until").press("Enter")
    expect(page.locator("h1")).to_be_visible()
    plan = MonthlyPlan.objects.get()
    assert plan.status == PlanStatus.PAUSED and plan.paused_until == until
    assert found == []
