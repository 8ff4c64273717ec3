"""An analyst enters a month's CLABSI figures by keyboard, the month is snapshotted and
published, and the public Quality & Safety page shows it in Russian. Axe on each page: the
public page in all six languages and the dashboard in English and Arabic (right to left),
with charts, tables and a program funnel on them, all in one browser session."""

from datetime import date

from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.directory.models import Program
from medcenter.quality import services
from medcenter.quality.models import Measure, Snapshot
from medcenter.quality.tests.factories import PDF, enter

AUGUST = date(2026, 8, 1)
SEPTEMBER = date(2026, 9, 1)
LANGUAGES = ("en", "es", "pt-br", "zh-hans", "ar", "ru")


def _earlier_months(analyst) -> None:
    """A published August, so that the charts have two points, and September's HCAHPS."""
    for code, observed, predicted in (("clabsi-sir", 60, 62.0), ("hcahps-top-box", 150, 200)):
        enter(code, AUGUST, observed, predicted, actor=analyst)
    enter("hcahps-top-box", SEPTEMBER, 160, 210, actor=analyst)
    services.take_snapshots(months=[AUGUST])
    services.publish_month(month=AUGUST, actor=analyst)


def _programs_in_september() -> None:
    """Three programs' draft figures for the dashboard's funnel (in place of the computed
    ones: this world has no referrals)."""
    version = Measure.objects.get(code="referral-seen-within-14-days").versions.get()
    Snapshot.objects.filter(version=version, month=SEPTEMBER).delete()
    Snapshot.objects.create(
        version=version, month=SEPTEMBER, numerator=150, denominator=300, value=0.5
    )
    for slug, name, x, n in (
        ("bone", "Bone", 45, 60),
        ("lung", "Lung", 84, 200),
        ("skin", "Skin", 21, 40),
    ):
        Program.objects.create(slug=slug, name=name)
        Snapshot.objects.create(
            version=version,
            month=SEPTEMBER,
            stratifier="program",
            stratum=slug,
            numerator=x,
            denominator=n,
            value=x / n,
        )


def test_an_analyst_enters_clabsi_and_publishes_it_for_the_russian_page(page: Page, tmp_path):
    services.install_catalogue()
    analyst = StaffUserFactory(roles=["quality_analyst"])
    _earlier_months(analyst)
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

    services.take_snapshots(months=[SEPTEMBER])
    _programs_in_september()
    for language in ("ar", "en"):
        page.goto(f"/{language}/staff/quality/?month=2026-09&stratifier=program")
        expect(page.locator("#funnel-referral-seen-within-14-days-title")).to_be_attached()
        assert blocking_violations(page) == [], language
    page.locator("#id_month").fill("2026-09")
    page.locator("#id_month").press("Enter")
    expect(page.locator("main")).to_contain_text("The month is published.")

    page.goto("/ru/quality/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).to_contain_text(
        "Инфекции кровотока, связанные с центральным катетером (SIR)"  # noqa: RUF001
    )
    expect(page.locator("main")).to_contain_text("1.24")
    for language in LANGUAGES:
        page.goto(f"/{language}/quality/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("svg.quality-chart").first).to_be_attached()
        assert blocking_violations(page) == [], language
