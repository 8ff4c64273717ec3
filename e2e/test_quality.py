"""An analyst enters a month's CLABSI figures by keyboard, the month is snapshotted and
published, and the public Quality & Safety page shows it in Russian. Axe on each page."""

from datetime import date

from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.quality import services
from medcenter.quality.tests.factories import PDF


def test_an_analyst_enters_clabsi_and_publishes_it_for_the_russian_page(page: Page, tmp_path):
    services.install_catalogue()
    analyst = StaffUserFactory(roles=["quality_analyst"])
    report = tmp_path / "nhsn-clabsi.pdf"
    report.write_bytes(PDF)
    sign_in_staff(page, analyst)

    page.goto("/en/staff/quality/entries/new/")
    assert blocking_violations(page) == []
    page.locator("#id_measure").select_option("clabsi-sir")
    page.locator("#id_month").fill("2026-09")
    page.locator("#id_numerator").fill("81")
    page.locator("#id_denominator").fill("65.49")
    page.locator("#id_document").set_input_files(str(report))
    page.locator("#id_denominator").press("Enter")
    expect(page.locator("h1")).to_have_text("Quality dashboard")

    services.take_snapshots(months=[date(2026, 9, 1)])
    page.goto("/en/staff/quality/")
    assert blocking_violations(page) == []
    page.locator("#id_month").fill("2026-09")
    page.locator("#id_month").press("Enter")
    expect(page.locator("main")).to_contain_text("The month is published.")

    page.goto("/ru/quality/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).to_contain_text(
        "Инфекции кровотока, связанные с центральным катетером (SIR)"  # noqa: RUF001
    )
    expect(page.locator("main")).to_contain_text("1.24")
    assert blocking_violations(page) == []
