import pytest
from playwright.sync_api import expect

from e2e.journeys import blocking_violations as _blocking_violations
from e2e.journeys import sign_in_staff, totp_code
from medcenter.accounts.tests.factories import TEST_PASSWORD, StaffUserFactory, add_authenticator
from medcenter.pages.tests.shell import LANGUAGE_CODES

# The shell's pages in every language (axe, 320 px reflow, idrefs) are checked by the crawl
# in e2e/test_crawl.py, with every other page a visitor reaches.


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_the_styleguide_has_no_serious_accessibility_violations(page, code):
    sign_in_staff(page, StaffUserFactory(roles=["content_editor"]), code)

    page.goto(f"/{code}/styleguide/")
    assert _blocking_violations(page) == []
    page.locator("form.form button[type=submit]").click()  # the form with its errors shown
    expect(page.locator("#error-summary")).to_be_visible()
    assert _blocking_violations(page) == []


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_the_home_page_renders_in_every_language(page, code):
    page.goto(f"/{code}/")

    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("h1")).to_have_text("Aster Valley Comprehensive Cancer Center")
    expect(page.locator(f'.language-switcher a[lang="{code}"]')).to_have_attribute(
        "aria-current", "true"
    )
    assert page.evaluate("getComputedStyle(document.querySelector('.site-footer')).display")


def test_arabic_is_laid_out_right_to_left(page):
    page.goto("/ar/")

    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    logo = page.locator(".logo").bounding_box()
    assert logo["x"] > 1280 / 2  # the logo starts the line, which in Arabic is on the right
    page.goto("/en/")
    assert page.locator(".logo").bounding_box()["x"] < 1280 / 2


def test_the_skip_link_takes_keyboard_users_to_the_content(page):
    page.goto("/en/contact/")

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_the_menu_works_by_keyboard_on_a_narrow_screen(narrow_page):
    page = narrow_page
    page.goto("/es/")
    toggle = page.locator(".menu-toggle")
    menu_links = page.locator("#site-menu a")
    expect(toggle).to_be_visible()
    expect(menu_links.first).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu_links.first).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu_links.nth(1)).to_be_focused()
    page.keyboard.press("Escape")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu_links.first).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(menu_links.first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/doctors/")


def test_the_menu_is_open_on_a_wide_screen_without_a_toggle(page):
    page.goto("/en/")

    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator("#site-menu a").first).to_be_visible()


def test_a_staff_member_fixes_a_form_by_keyboard_without_retyping(page):
    staff = StaffUserFactory(roles=["content_editor"])
    device = add_authenticator(staff)
    page.goto("/en/accounts/sign-in/")
    page.keyboard.type(staff.email)  # the email field has focus when the page opens
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/two-step/verify/**")
    code = page.locator("#id_code")
    code.fill(totp_code(device))  # filled, not typed: keystrokes can beat autofocus under load
    code.press("Enter")
    page.wait_for_url("**/en/")

    page.goto("/en/styleguide/")
    page.locator("#id_full_name").fill("Rowan Demo")
    page.locator("#id_email").fill("rowan@")
    page.locator("#id_email").press("Enter")

    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_full_name")).to_have_value("Rowan Demo")
    expect(page.locator("#id_email")).to_have_value("rowan@")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    page.locator("#error-summary a").first.click()
    expect(page.locator("#id_email")).to_be_focused()
