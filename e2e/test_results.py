"""One journey through results: a parent opens their 14-year-old's results (no confidential
item, values with flags in words), then a patient sets notification choices and a refused
text-message choice comes back filled in. axe finds nothing serious on any page; 320 px."""

from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in
from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.results.tests.factories import document, report


def test_a_parent_reads_results_and_a_patient_chooses_notifications(page: Page):
    page.set_viewport_size({"width": 320, "height": 800})
    parent = UserFactory()
    teen = PatientFactory(date_of_birth=born_years_ago(14), given_name="Wren", email="")
    ProxyGrantFactory(proxy=parent, patient=teen, scopes=["results"])
    shown = report(teen, display="Complete blood count")
    report(teen, display="Confidential test", adolescent_confidential=True)
    document(teen, title="Visit summary for Wren")

    sign_in(page, parent.email)
    page.wait_for_url("**/en/portal/**")  # patients and proxies land on the portal
    page.goto(f"/en/portal/{teen.public_id}/results/")
    expect(page.locator("main")).to_contain_text("Complete blood count")
    expect(page.locator("main")).not_to_contain_text("Confidential test")
    assert blocking_violations(page) == []
    page.goto(f"/en/portal/{teen.public_id}/results/{shown.public_id}/")
    expect(page.locator("table")).to_contain_text("Below the reference range")
    assert blocking_violations(page) == []
    page.goto(f"/en/portal/{teen.public_id}/results/documents/")
    expect(page.locator("table")).to_contain_text("Visit summary for Wren")
    assert blocking_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.context.clear_cookies()
    user = UserFactory()
    patient = PatientFactory(user=user)
    sign_in(page, user.email)
    page.wait_for_url("**/en/portal/**")
    page.goto(f"/en/portal/{patient.public_id}/notifications/")
    assert blocking_violations(page) == []
    page.locator("#id_results_sms").check()
    page.locator("#id_quiet_start").fill("22:00")
    page.locator("#id_quiet_end").fill("07:00")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_quiet_start")).to_have_value("22:00")
    assert blocking_violations(page) == []
    page.locator("#id_sms_consent").check()
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Your notification choices are saved.")
