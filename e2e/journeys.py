"""Shared steps for browser journeys."""

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import Error, Page

from medcenter.accounts.tests.factories import TEST_PASSWORD, add_authenticator

AXE = Axe()
BLOCKING = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    """Serious and critical axe findings on the page as it stands once loaded.

    A click that follows a link or submits a form starts a navigation that may still be under
    way; axe run in the old document while the new one replaces it finds no document. Waiting
    for the load and running again on that one error keeps the check about the page, not timing.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = AXE.run(page)
            break
        except Error as error:
            navigating = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not navigating or attempt == 2:
                raise
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def totp_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(page: Page, email: str, code: str = "en") -> None:
    page.goto(f"/{code}/accounts/sign-in/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form.form button[type=submit]").click()


def sign_in_staff(page: Page, user, code: str = "en") -> None:
    """Password, then the authenticator code, as a staff member does every morning."""
    device = add_authenticator(user)
    sign_in(page, user.email, code)
    page.wait_for_url("**/two-step/verify/**")
    page.locator("#id_code").fill(totp_code(device))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/{code}/")
