"""A patient writes to their nurse line, the nurse answers from the inbox, the patient reads it."""

from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.messaging.models import PoolKind
from medcenter.messaging.tests.factories import PoolFactory, ProgramFactory, put_in_program
from medcenter.patients.tests.factories import PatientFactory


def test_a_patient_asks_the_nurse_line_and_reads_the_answer(page: Page, browser, live_server):
    program = ProgramFactory(name="Sarcoma Program")
    pool = PoolFactory(program=program, kind=PoolKind.NURSE_LINE, reply_business_days=1)
    user = UserFactory()
    patient = PatientFactory(user=user, given_name="Wren", family_name="Tallisker")
    put_in_program(patient, program)
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    nurse.user_permissions.add(Permission.objects.get(codename="work_inbox"))
    pool.members.add(nurse)

    sign_in(page, user.email)
    page.wait_for_url("**/en/**")
    page.goto(f"/en/portal/{patient.public_id}/messages/new/")
    expect(page.locator("main")).to_contain_text("not for emergencies")
    assert blocking_violations(page) == []
    page.locator("#id_subject").fill("Swelling near the scar")
    page.locator("#id_body").fill("Since Tuesday the area is warm. Should I come in?")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Swelling near the scar")
    assert blocking_violations(page) == []

    staff_page = browser.new_page(base_url=live_server.url)
    sign_in_staff(staff_page, nurse)
    staff_page.goto("/en/staff/messages/")
    assert blocking_violations(staff_page) == []
    staff_page.get_by_role("link", name="Swelling near the scar").click()
    assert blocking_violations(staff_page) == []
    staff_page.locator("#id_body").fill("Please come to the clinic today; we will see you at 3.")
    staff_page.locator("form.form button[type=submit]").first.click()
    expect(staff_page.locator("main")).to_contain_text("Answered")
    staff_page.close()

    page.goto(f"/en/portal/{patient.public_id}/messages/")
    expect(page.locator(".badge").first).to_contain_text("1 unread")
    page.get_by_role("link", name="Swelling near the scar").click()
    expect(page.locator("main")).to_contain_text("we will see you at 3")
    # The page marks the reply read with its own POST (htmx); its button goes once done.
    expect(page.locator("form.mark-read")).to_have_count(0)
    assert blocking_violations(page) == []
