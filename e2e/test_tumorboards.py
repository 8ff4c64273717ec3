"""A case goes to the thoracic board and comes back as the patient's plan: the chair submits
it, locks the agenda, records attendance and a recommendation, signs and activates the plan;
the patient reads it in Spanish; the navigator closes the 30-day follow-up. Axe on each page."""

from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.tumorboards.tests.factories import (
    add_members,
    lung_patient,
    make_board,
    make_meeting,
    staff,
)


def test_a_case_becomes_a_plan_the_patient_reads_in_spanish(page: Page, browser):
    board = make_board("thoracic")
    people = add_members(board)
    meeting = make_meeting(board)
    patient, diagnosis, _stage, _report = lung_patient(user=UserFactory(), preferred_language="es")
    chair = people["surgical-oncology"]
    CareRelationshipFactory(staff=chair, patient=patient)
    sign_in_staff(page, chair)

    page.goto(f"/en/staff/patients/{patient.public_id}/tumorboards/submit/")
    assert blocking_violations(page) == []
    page.locator("#id_question").select_option("initial_plan")
    page.locator("#id_question_detail").fill("Osimertinib first, or chemoradiation?")
    page.locator("#id_diagnosis").select_option(str(diagnosis.public_id))
    page.locator("#id_meeting").select_option(str(meeting.public_id))
    page.locator("form.form button[type=submit]").press("Enter")
    expect(page.locator("h1")).to_contain_text("Initial treatment plan")
    assert blocking_violations(page) == []

    page.goto(f"/en/staff/tumorboards/meetings/{meeting.public_id}/")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Lock the agenda").press("Enter")
    expect(page.locator("main")).to_contain_text("The agenda is locked")
    for slug in (
        "surgical-oncology",
        "medical-oncology",
        "radiation-oncology",
        "pathology",
        "radiology",
    ):
        member = board.members.get(user=people[slug])
        page.goto(f"/en/staff/tumorboards/meetings/{meeting.public_id}/attendance/")
        page.locator("#id_member").select_option(str(member.public_id))
        page.locator("#id_mode").select_option("remote")
        page.locator("form.form button[type=submit]").press("Enter")
    expect(page.locator("main")).to_contain_text("Quorum met.")
    assert blocking_violations(page) == []

    page.locator("ol a").first.press("Enter")
    page.get_by_role("link", name="Record a recommendation").press("Enter")
    assert blocking_violations(page) == []
    page.locator("#id_kind").select_option("systemic_therapy")
    page.locator("#id_therapy").fill("Osimertinib")
    page.locator("#id_concordant").select_option("yes")
    page.locator("form.form button[type=submit]").press("Enter")
    page.get_by_role("button", name="Sign the recommendations").press("Enter")
    page.locator("#id_goal").select_option("life_prolonging")
    page.get_by_role("button", name="Start the care plan").press("Enter")
    expect(page.locator("h1")).to_contain_text("Adenocarcinoma")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Activate the plan").press("Enter")
    expect(page.locator("main")).to_contain_text("The plan is active")

    reader = browser.new_context(base_url=page.url.split("/en/")[0]).new_page()
    sign_in(reader, patient.user.email, "es")
    reader.goto(f"/es/portal/{patient.public_id}/care-plan/")
    # The Spanish words arrive with the merged catalogs (/work/wt/tr/tumorboards.json).
    expect(reader.locator("html")).to_have_attribute("lang", "es")
    expect(reader.locator("main")).to_contain_text("Osimertinib")
    assert blocking_violations(reader) == []

    navigator = browser.new_context(base_url=page.url.split("/en/")[0]).new_page()
    nurse = staff("nurse_navigator")
    CareRelationshipFactory(staff=nurse, patient=patient)
    sign_in_staff(navigator, nurse)
    navigator.goto("/en/staff/navigation/")
    assert blocking_violations(navigator) == []
    navigator.get_by_role("link", name="Recommendation implemented?").press("Enter")
    navigator.locator("#id_outcome").select_option("implemented")
    navigator.locator("form.form button[type=submit]").press("Enter")
    expect(navigator.locator("main")).to_contain_text("The task is done.")
