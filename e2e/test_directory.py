"""Find a Doctor, profiles, programs and locations in the browser."""

import random
import re

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations
from medcenter.core.seeding import DEMO_SEED


@pytest.fixture
def directory(transactional_db):
    from medcenter.directory import demo

    demo.seed(rng=random.Random(f"{DEMO_SEED}:directory"))  # noqa: S311 - demo data


@pytest.mark.parametrize("code", ["en", "ar"])
def test_directory_pages_have_no_serious_accessibility_violations(page: Page, directory, code):
    for url in (
        f"/{code}/doctors/?q=bone+cancer",
        f"/{code}/doctors/severin-ashgrove/",
        f"/{code}/programs/",
        f"/{code}/programs/bone-sarcoma/",
        f"/{code}/locations/",
        f"/{code}/locations/main-campus/",
        f"/{code}/doctors/?q=qwxzv",
    ):
        page.goto(url)
        assert blocking_violations(page) == [], url


def test_search_filter_and_open_a_profile_by_keyboard(page: Page, directory):
    page.goto("/en/doctors/")
    page.locator("#id_q").focus()
    page.keyboard.type("osteosarcma")  # a typo, as people type
    page.keyboard.press("Enter")
    expect(page.locator(".program-match")).to_contain_text("Bone and Sarcoma Program")
    page.wait_for_load_state("networkidle")

    # Tab to the first "Orthopaedic oncology" filter link and follow it with Enter.
    facet = page.locator(".facet a", has_text="Orthopaedic oncology").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if facet.evaluate("el => el === document.activeElement"):
            break
    expect(facet).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"specialty=orthopaedic-oncology"))
    expect(page.locator(".facet__selected")).to_contain_text("Orthopaedic oncology")
    page.wait_for_load_state("networkidle")

    first = page.locator(".doctor-card__name a").first
    name = first.inner_text()
    for _ in range(200):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(name)
    assert blocking_violations(page) == []


def test_live_results_update_as_you_type(page: Page, directory):
    page.goto("/en/doctors/")
    page.locator("#id_q").fill("leukemia")

    expect(page.locator(".program-match")).to_contain_text("Leukemia Program", timeout=5000)
    expect(page).to_have_url(re.compile(r"q=leukemia"))


@pytest.mark.parametrize("code", ["en", "ar"])
def test_on_a_phone_results_come_first_and_filters_wait_in_a_disclosure(
    narrow_page: Page, directory, code
):
    narrow_page.goto(f"/{code}/doctors/?q=bone+cancer")

    disclosure = narrow_page.locator("details.facets__disclosure")
    first_card = narrow_page.locator(".doctor-card").first
    expect(first_card).to_be_visible()
    expect(disclosure).not_to_have_attribute("open", "")
    expect(narrow_page.locator(".facet a").first).to_be_hidden()
    card_top = first_card.bounding_box()["y"]
    assert card_top < disclosure.bounding_box()["y"]
    assert card_top < 640 * 2  # within two screens of the top, not after the filters
    assert narrow_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    disclosure.locator("summary").click()
    expect(narrow_page.locator(".facet a").first).to_be_visible()
    assert blocking_violations(narrow_page) == []


def test_a_wide_screen_shows_the_filters_beside_the_results(page: Page, directory):
    page.goto("/en/doctors/?q=bone+cancer")

    expect(page.locator("details.facets__disclosure")).to_have_attribute("open", "")
    facet, card = page.locator(".facet").first, page.locator(".doctor-card").first
    expect(facet).to_be_visible()
    assert facet.bounding_box()["x"] < card.bounding_box()["x"]


def test_an_empty_search_offers_a_spelling_a_program_and_a_phone_call(narrow_page: Page, directory):
    narrow_page.goto("/en/doctors/?q=brst")

    suggestion = narrow_page.locator(".empty-result__suggestion a")
    expect(suggestion).to_have_text("breast")
    expect(narrow_page.locator(".empty-result a[href^='tel:']")).to_be_visible()
    suggestion.click()
    expect(narrow_page.locator(".doctor-card").first).to_be_visible()
