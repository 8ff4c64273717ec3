"""A severe symptom, by keyboard at 320 px: the patient sends the weekly check-in, the alert
reaches the nurse navigator's queue, the nurse replies through messaging, the patient reads
it. axe finds nothing serious or critical on the way, in English and in Arabic."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.messaging.services import default_nurse_pool
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.questionnaires import builtin
from medcenter.questionnaires.models import SymptomAlert
from medcenter.questionnaires.tests.factories import checkin, on_treatment


def _choose(page: Page, link_id: str, steps: int) -> None:
    """Select a radio by keyboard: focus the first, move down `steps` times, space."""
    page.focus(f"#id_q-{link_id}_0")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")


@pytest.mark.parametrize("code", ["en", "ar"])
def test_a_severe_symptom_reaches_the_nurse_and_the_reply_reaches_the_patient(
    narrow_page: Page, browser, live_server, code
):
    page = narrow_page
    form = checkin()  # installed again after an earlier journey's flush
    user = UserFactory()
    patient = PatientFactory(user=user, given_name="Wren", family_name="Ashdown")
    on_treatment(patient)
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    default_nurse_pool().members.add(nurse)
    with translation.override(code):
        due = reverse("questionnaires:portal_due", kwargs={"public_id": patient.public_id})

    sign_in(page, user.email, code)
    page.wait_for_url(f"**/{code}/**")
    page.goto(due)
    assert blocking_violations(page) == []
    page.locator(f"a[href$='{form.public_id}/']").click()
    expect(page.locator("#call-now")).to_be_hidden()
    assert blocking_violations(page) == []
    _choose(page, "fever", 0)  # yes: "call now" shows before anything is sent
    expect(page.locator("#call-now")).to_be_visible()
    _choose(page, "fever", 1)  # no, after all
    for link_id, _texts in builtin.EMERGENCIES[1:]:
        _choose(page, link_id, 1)
    for link_id, _texts in builtin.SYMPTOMS:
        _choose(page, link_id, 4 if link_id == "pain" else 0)
    page.focus("button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/responses/**")
    expect(page.locator("[role=status]").first).to_be_visible()
    assert blocking_violations(page) == []
    alert = SymptomAlert.objects.get(patient=patient)

    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    sign_in_staff(staff, nurse, code)
    staff.goto(f"/{code}/staff/symptoms/")
    assert blocking_violations(staff) == []
    staff.locator(f"a[href$='{alert.public_id}/']").click()
    assert blocking_violations(staff) == []
    staff.locator(f"a[href*='{alert.thread_public_id}']").click()
    staff.locator("#id_body").fill("Please call us today about your pain.")
    staff.locator("form.form button[type=submit]").first.click()
    expect(staff.locator("main")).to_contain_text("Please call us today about your pain.")
    staff_context.close()

    with translation.override(code):
        thread = reverse(
            "messaging:portal_thread",
            kwargs={"public_id": patient.public_id, "thread_id": alert.thread_public_id},
        )
    page.goto(thread)
    expect(page.locator("main")).to_contain_text("Please call us today about your pain.")
    assert blocking_violations(page) == []
