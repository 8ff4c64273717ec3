"""In Arabic, a trial's phone number and its units read left to right where they sit in
right-to-left text; the gene search says what it found and fits a 320 px screen."""

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Trial

PHONE = "+1 617 555 0140"


@pytest.fixture
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    Trial.objects.update(coordinator_phone=PHONE)


def test_an_arabic_trial_page_shows_the_phone_in_order_and_as_a_link(page: Page, catalogue):
    page.goto("/ar/trials/NCT99001001/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    link = page.locator(f"a[href='tel:{PHONE.replace(' ', '')}']")
    expect(link).to_have_text(PHONE)
    number = link.locator("bdi")
    assert number.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # Digit groups laid out left to right: "+1" left of "0140".
    boxes = number.evaluate(
        """e => { const r = document.createRange(); const t = e.firstChild;
        r.setStart(t, 0); r.setEnd(t, 2); const first = r.getBoundingClientRect().left;
        r.setStart(t, t.length - 4); r.setEnd(t, t.length);
        return [first, r.getBoundingClientRect().left]; }"""
    )
    assert boxes[0] < boxes[1]
    unit = page.locator("bdi", has_text="10⁹/L").first
    expect(unit).to_be_visible()
    assert unit.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert blocking_violations(page) == []


def test_the_gene_search_says_what_it_found_at_320_px(narrow_page: Page, catalogue):
    narrow_page.goto("/ar/trials/?condition=lung+cancer&gene=EGFR-mutant")
    expect(narrow_page.locator(".search-gene")).to_contain_text("EGFR")
    expect(narrow_page.locator(".trial-list")).to_contain_text("NCT99001001")
    expect(narrow_page.locator(".trial-list")).not_to_contain_text("NCT99001002")
    assert narrow_page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert blocking_violations(narrow_page) == []
