"""A patient finds a trial in Spanish, answers the pre-screen and asks to be contacted; the
coordinator sees the request with each criterion explained. axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.directory.models import Condition, ConditionTerm
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import ContactRequest, Trial


@pytest.fixture
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    for record, _program, plain, _requirements in STUDIES:
        nct = record["protocolSection"]["identificationModule"]["nctId"]
        Trial.objects.filter(nct_id=nct).update(
            plain_language=plain, coordinator_phone="+1 617 555 0140"
        )
    ewing = Condition.objects.create(slug="ewing-sarcoma", name="Ewing sarcoma", oncotree_code="ES")
    ConditionTerm.objects.create(condition=ewing, language="es", term="sarcoma de Ewing")


def test_a_patient_finds_a_trial_in_spanish_and_the_coordinator_sees_the_request(
    page: Page, catalogue
):
    page.goto("/es/trials/")
    assert blocking_violations(page) == []
    page.locator("#id_condition").fill("sarcoma de Ewing")
    page.locator("form.search-form button[type=submit]").click()
    title = "Un nuevo anticuerpo junto con quimioterapia para el sarcoma de Ewing que regresó"
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator(".trial-list")).not_to_contain_text("pulmón")
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    assert blocking_violations(page) == []

    page.locator("a[href$='/prescreen/']").click()
    expect(page.locator("#id_age")).to_be_visible()
    assert blocking_violations(page) == []
    page.locator("#id_age").fill("17")
    page.locator("input[name=diagnosis][value=yes]").check()
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[role=status]").first).to_be_visible()
    assert blocking_violations(page) == []
    page.locator("#id_name").fill("Rowan Testa")
    page.locator("#id_email").fill("rowan@example.test")
    page.locator("#id_consent").check()
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    assert blocking_violations(page) == []
    saved = ContactRequest.objects.get()
    assert saved.language == "es" and saved.likely == "likely"

    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    page.context.clear_cookies()
    sign_in_staff(page, coordinator, "es")
    page.goto("/es/staff/trials/")
    assert blocking_violations(page) == []
    page.locator(f"a[href$='/requests/{saved.public_id}/']").click()
    expect(page.locator("table")).to_contain_text("Histologically confirmed Ewing sarcoma")
    expect(page.locator("table")).to_contain_text("edad 17")  # evidence in her language
    expect(page.locator("dl")).to_contain_text("Rowan Testa")
    assert blocking_violations(page) == []
