"""A case goes to the thoracic board and comes back as the patient's plan, by keyboard, with
the staff pages in English and in Arabic: the chair submits it, locks the agenda, records
attendance (quorum met) and a recommendation, signs and activates the plan; Oren reads it in
Spanish; the navigator closes a task, then the 30-day follow-up, which a new treatment
course has pre-filled. Axe on each page; the board's set-up and the agenda fit 320 px.

Locators are the forms' actions and fields, not their words, so the journey reads the same
once the Arabic catalogue is merged."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import UserFactory
from medcenter.careplans.models import NavigatorTask
from medcenter.oncology.services import record_treatment_course
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.tumorboards.tests.factories import (
    add_members,
    lung_patient,
    make_board,
    make_meeting,
    staff,
)

QUORUM = ("surgical-oncology", "medical-oncology", "radiation-oncology", "pathology", "radiology")


def submit(page: Page) -> None:
    page.locator("form.form button[type=submit]").press("Enter")


def fits_320(page: Page) -> bool:
    page.set_viewport_size({"width": 320, "height": 640})
    fits = page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size({"width": 1280, "height": 900})
    return bool(fits)


@pytest.mark.parametrize("code", ["en", "ar"])
def test_a_case_becomes_a_plan_the_patient_reads_in_spanish(page: Page, browser, code):
    # A shared two-core machine can take over the fixture's 10 s for a cold first page.
    page.set_default_timeout(30_000)
    board = make_board("thoracic")
    people = add_members(board)
    meeting = make_meeting(board)
    patient, diagnosis, _stage, _report = lung_patient(
        user=UserFactory(), preferred_language="es", given_name="Oren"
    )
    chair = people["surgical-oncology"]
    CareRelationshipFactory(staff=chair, patient=patient)
    sign_in_staff(page, chair, code)
    expect(page.locator("html")).to_have_attribute("lang", code)

    page.goto(f"/{code}/staff/tumorboards/boards/{board.slug}/")
    assert blocking_violations(page) == []
    assert fits_320(page)

    page.goto(f"/{code}/staff/patients/{patient.public_id}/tumorboards/submit/")
    assert blocking_violations(page) == []
    page.locator("#id_question").select_option("initial_plan")
    page.locator("#id_question_detail").fill("Osimertinib first, or chemoradiation?")
    page.locator("#id_diagnosis").select_option(str(diagnosis.public_id))
    page.locator("#id_meeting").select_option(str(meeting.public_id))
    submit(page)
    page.wait_for_url("**/staff/tumorboards/cases/*/")
    assert blocking_violations(page) == []

    meeting_url = f"/{code}/staff/tumorboards/meetings/{meeting.public_id}/"
    page.goto(meeting_url)
    if code == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert blocking_violations(page) == []
    assert fits_320(page)
    page.locator("form[action$='/lock/'] button").press("Enter")
    expect(page.locator("form[action$='/lock/']")).to_have_count(0)
    for slug in QUORUM:
        member = board.members.get(user=people[slug])
        page.goto(f"{meeting_url}attendance/")
        page.locator("#id_member").select_option(str(member.public_id))
        page.locator("#id_mode").select_option("remote")
        submit(page)
        page.wait_for_url(f"**{meeting_url}")
    meeting.refresh_from_db()
    assert meeting.agenda_locked_at is not None and meeting.quorum_met is True
    assert blocking_violations(page) == []

    page.locator("ol a").first.press("Enter")
    page.locator("a[href$='/recommend/']").press("Enter")
    assert blocking_violations(page) == []
    page.locator("#id_kind").select_option("systemic_therapy")
    page.locator("#id_therapy").fill("Osimertinib")
    page.locator("#id_concordant").select_option("yes")
    submit(page)
    page.locator("form[action$='/sign/'] button").press("Enter")
    page.locator("#id_goal").select_option("life_prolonging")
    page.locator("form[action$='/care-plan/'] button").press("Enter")
    page.wait_for_url("**/staff/care-plans/*/")
    expect(page.locator("h1")).to_contain_text("Adenocarcinoma")
    assert blocking_violations(page) == []
    page.locator("form[action$='/activate/'] button").press("Enter")
    expect(page.locator(".alert--success")).to_be_visible()
    expect(page.locator("form[action$='/activate/']")).to_have_count(0)

    base = page.url.split(f"/{code}/")[0]
    reader = browser.new_context(base_url=base).new_page()
    reader.set_default_timeout(30_000)
    sign_in(reader, patient.user.email, "es")
    reader.goto(f"/es/portal/{patient.public_id}/care-plan/")
    expect(reader.locator("html")).to_have_attribute("lang", "es")
    expect(reader.locator("main")).to_contain_text("Osimertinib")
    assert blocking_violations(reader) == []
    reader.context.close()

    # The recommended drug starts after the plan: the follow-up's answer comes pre-filled.
    record_treatment_course(
        patient=patient,
        actor=chair,
        regimen="Osimertinib",
        setting="advanced",
        line=1,
        started_on=timezone.localdate(),
    )
    tasks = NavigatorTask.objects.filter(patient=patient)
    booking = tasks.get(kind="book_visits")
    follow_up = tasks.get(kind="follow_up")
    navigator = browser.new_context(base_url=base).new_page()
    navigator.set_default_timeout(30_000)
    nurse = staff("nurse_navigator")
    CareRelationshipFactory(staff=nurse, patient=patient)
    sign_in_staff(navigator, nurse, code)
    navigator.goto(f"/{code}/staff/navigation/")
    assert blocking_violations(navigator) == []
    navigator.locator(f"a[href$='/tasks/{booking.public_id}/']").press("Enter")
    submit(navigator)
    navigator.wait_for_url(f"**/{code}/staff/navigation/")
    navigator.locator(f"a[href$='/tasks/{follow_up.public_id}/']").press("Enter")
    expect(navigator.locator("#id_outcome")).to_have_value("implemented")
    assert blocking_violations(navigator) == []
    submit(navigator)
    navigator.wait_for_url(f"**/{code}/staff/navigation/")
    follow_up.refresh_from_db()
    booking.refresh_from_db()
    assert (booking.status, follow_up.status, follow_up.outcome) == ("done", "done", "implemented")
    navigator.context.close()
