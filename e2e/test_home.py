"""The home page and the compact header, in Debian's chromium."""

import pytest
from playwright.sync_api import expect

from e2e.journeys import blocking_violations


@pytest.mark.parametrize("code", ["en", "es", "ar", "ru"])
def test_the_header_takes_little_of_a_phone_screen(narrow_page, code):
    narrow_page.goto(f"/{code}/")

    height = narrow_page.locator(".site-header").bounding_box()["height"]
    assert height <= 120, height
    assert narrow_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_language_menu_works_by_keyboard(narrow_page):
    page = narrow_page
    page.goto("/en/")
    toggle = page.locator(".language-menu summary")
    spanish = page.locator('.language-switcher a[lang="es"]')
    expect(spanish).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(spanish).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    assert blocking_violations(page) == []
    page.keyboard.press("Escape")
    expect(spanish).to_be_hidden()
    expect(toggle).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # English (current), then Español
    expect(spanish).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_home_page_uses_the_width_of_a_laptop_screen(page):
    page.goto("/en/")

    intro = page.locator(".home-hero__intro").bounding_box()
    search = page.locator(".home-search").bounding_box()
    assert search["x"] > intro["x"] + intro["width"] - 1  # side by side, not stacked
    assert search["x"] + search["width"] > 1100
    assert blocking_violations(page) == []


def test_a_search_from_the_home_page_lands_on_find_a_doctor(page):
    page.goto("/en/")

    page.locator("#home-q").fill("sarcoma")
    page.locator("#home-q").press("Enter")

    page.wait_for_url("**/en/doctors/?q=sarcoma")
