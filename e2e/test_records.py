"""Journeys through patient records: staff with their second factor, patients, proxies."""

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)

LANGUAGES = ["en", "ar"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_clinician_finds_a_patient_and_breaks_the_glass_for_another(page: Page, code):
    clinician = StaffUserFactory(roles=["clinician"])
    mine = PatientFactory(given_name="Ilse", family_name="Marrowby")
    CareRelationshipFactory(staff=clinician, patient=mine)
    stranger = PatientFactory(given_name="Tomas", family_name="Quellwood")
    sign_in_staff(page, clinician, code)

    page.goto(f"/{code}/staff/patients/")
    assert blocking_violations(page) == []
    # A name finds only the clinician's own patients; a stranger is found by exact MRN.
    page.locator("#id_q").fill("Quellwood")
    page.locator("form[role=search] button").click()
    expect(page.locator("#search-title ~ p").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(stranger.mrn)
    assert blocking_violations(page) == []
    page.locator("#id_q").fill(stranger.mrn)
    page.locator("form[role=search] button").click()
    expect(page.locator("table")).to_contain_text("Quellwood")
    assert blocking_violations(page) == []

    page.goto(f"/{code}/staff/patients/{mine.public_id}/")
    expect(page.locator("h1")).to_have_text("Ilse Marrowby")
    assert blocking_violations(page) == []

    page.goto(f"/{code}/staff/patients/{stranger.public_id}/")
    expect(page.locator("body")).not_to_contain_text("Quellwood")
    assert blocking_violations(page) == []
    page.locator(".button--danger").click()
    expect(page.locator("#id_reason")).to_be_visible()
    assert blocking_violations(page) == []
    page.locator("#id_reason").fill("Seen in clinic today for sudden shortness of breath.")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Tomas Quellwood")
    expect(page.locator(".badge--warning")).to_be_visible()


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_patient_sees_their_record_proxies_and_who_opened_it(page: Page, code):
    user = UserFactory()
    patient = PatientFactory(user=user, given_name="Saoirse", family_name="Delacourt-Ibe")
    sign_in(page, user.email, code)
    page.wait_for_url(f"**/{code}/portal/{patient.public_id}/")  # patients land in the Gateway

    expect(page.locator(".portal__whose")).to_contain_text("Saoirse Delacourt-Ibe")
    assert blocking_violations(page) == []
    for path in ("details/", "proxies/", "access-history/", "security/"):
        page.goto(f"/{code}/portal/{patient.public_id}/{path}")
        assert blocking_violations(page) == []
    page.goto(f"/{code}/portal/{patient.public_id}/access-history/")
    expect(page.locator("table")).to_contain_text("patient.")


def test_a_parent_opens_the_childs_record_and_loses_access_when_revoked(page: Page):
    grant = ProxyGrantFactory(
        patient=PatientFactory(
            date_of_birth=born_years_ago(9), given_name="Pip", family_name="Hollowell"
        )
    )
    sign_in(page, grant.proxy.email)
    page.wait_for_url("**/en/portal/")

    page.locator(".card a").first.click()
    expect(page.locator("h1")).to_contain_text("Pip Hollowell")

    grant.revoked_at = grant.created_at
    grant.save()
    page.reload()
    expect(page.locator("body")).not_to_contain_text("Hollowell")


@pytest.mark.parametrize("code", LANGUAGES)
def test_setting_up_two_step_verification_is_accessible(page: Page, code):
    sign_in(page, StaffUserFactory(roles=["clinician"]).email, code)
    page.wait_for_url("**/two-step/setup/**")

    expect(page.locator(".qr svg")).to_be_visible()
    assert blocking_violations(page) == []


def test_the_session_warning_appears_and_stay_signed_in_keeps_the_session(page: Page, settings):
    settings.SESSION_IDLE_PORTAL = 125  # the warning shows at 120 seconds left
    user = UserFactory()
    PatientFactory(user=user)
    sign_in(page, user.email)
    page.wait_for_url("**/en/portal/**")

    warning = page.locator("#session-warning")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning.locator("button")).to_be_focused()
    assert blocking_violations(page) == []
    page.keyboard.press("Enter")

    # The box hides when the server answers the extension; on a loaded machine (CI's two cores
    # running the suite in parallel) that answer can take longer than the default five seconds.
    expect(warning).to_be_hidden(timeout=15_000)
    assert (
        page.evaluate(
            "fetch('/en/accounts/session/', {headers: {'X-Session-Poll': '1'}})"
            ".then(r => r.json()).then(d => d.seconds_left)"
        )
        > 100
    )
