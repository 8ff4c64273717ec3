"""The Patient Gateway at 320 px, in English and in Arabic (right to left): sign in, the
record's home, e-check-in with an insurance card photo, appointments; then a parent switches
to their 14-year-old and sees only what the grant allows. Axe: 0 serious or critical."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in
from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.portal.models import CheckIn
from medcenter.portal.tests.factories import appointment
from medcenter.scheduling.tests.factories import VisitTypeFactory


def _card() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "steelblue").save(buffer, "PNG")
    return {"name": "card-front.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_gateway_journey_at_320_pixels(narrow_page: Page, code):
    page = narrow_page
    patient = PatientFactory(
        user=UserFactory(), given_name="Talia", family_name="Brightwater", email="t@example.test"
    )
    visit = appointment(
        patient,
        days=2,
        visit_type=VisitTypeFactory(name="Follow-up visit", instructions="Bring your medicines."),
    )
    sign_in(page, patient.user.email, code)
    page.wait_for_url(f"**/{code}/portal/{patient.public_id}/")
    expect(page.locator(".portal__whose")).to_contain_text("Talia Brightwater")
    assert blocking_violations(page) == []

    page.locator(f"a[href$='/appointments/{visit.public_id}/check-in/']").first.click()
    page.wait_for_url("**/check-in/")
    assert blocking_violations(page) == []
    page.locator("#id_insurance_payer").fill("Lakeside Health Plan")
    page.locator("#id_insurance_member_id").fill("LHP-0042")
    page.locator("#id_card_front").set_input_files(_card())
    page.locator("#id_confirm").check()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/appointments/{visit.public_id}/")
    expect(page.locator(".alert")).to_be_visible()
    assert blocking_violations(page) == []
    assert CheckIn.objects.get(appointment=visit).card_front_type == "image/png"

    page.locator(".portal__sections a[href$='/appointments/']").click()
    expect(page.locator("main")).to_contain_text("Follow-up visit")
    assert blocking_violations(page) == []
    # Nothing wider than the screen at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The parent of a 14-year-old, granted appointments only, switches to the teen's record.
    teen = PatientFactory(
        given_name="Mila", family_name="Fenwick", date_of_birth=born_years_ago(14)
    )
    grant = ProxyGrantFactory(patient=teen, scopes=["appointments"])
    page.context.clear_cookies()
    sign_in(page, grant.proxy.email, code)
    page.wait_for_url(f"**/{code}/portal/")
    assert blocking_violations(page) == []
    page.locator(f"a[href$='/portal/{teen.public_id}/']").click()
    expect(page.locator(".portal__whose")).to_contain_text("Mila Fenwick")
    sections = page.locator(".portal__sections")
    for hidden in ("/summary/", "/download/", "/proxies/", "/access-history/", "/security/"):
        expect(sections.locator(f"a[href$='{hidden}']")).to_have_count(0)
    expect(sections.locator("a[href$='/appointments/']")).to_have_count(1)
    assert blocking_violations(page) == []
    page.goto(f"/{code}/portal/{teen.public_id}/download/")
    expect(page.locator("body")).not_to_contain_text("Mila Fenwick")
