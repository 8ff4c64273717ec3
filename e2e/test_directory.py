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
