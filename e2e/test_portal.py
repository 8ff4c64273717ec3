"""The Patient Gateway at 320 px, in English and in Arabic (right to left): sign in, the
record's home, e-check-in with an insurance card photo, appointments; then a parent switches
to their 14-year-old and sees only what the grant allows. Axe: 0 serious or critical. And
every portal page in Spanish, one session going through them all (axe on each)."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in
from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.uploads import check_upload
from medcenter.messaging import services as messaging
from medcenter.messaging.tests.factories import PoolFactory, ProgramFactory, put_in_program
from medcenter.patients.access import resolve_access
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.patients.tests.routes import all_routes
from medcenter.portal.models import CheckIn
from medcenter.portal.tests.factories import appointment
from medcenter.questionnaires import services as questionnaires
from medcenter.questionnaires.tests.factories import answers, checkin, on_treatment
from medcenter.results.tests.factories import document, report
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


# Portal routes that are not pages: files, and POST-only actions.
NOT_PAGES = {
    "portal:old_record_link", "portal:proxy_revoke", "portal:download_mcode",
    "portal:download_summary", "messaging:portal_thread_read", "messaging:portal_attachment",
    "results:portal_download", "careplans:portal_plan_pdf",
}  # fmt: skip


def _record_with_everything(settings, tmp_path):
    """A patient on treatment with a visit to check in for, a video visit about to start, a
    thread with a file, a result, a document, a sent symptom report, a proxy, and a child of
    their own: every portal page has something to show."""
    settings.DOCUMENT_ROOT = tmp_path
    user = UserFactory()
    patient = PatientFactory(user=user, given_name="Talia", family_name="Brightwater")
    ProxyGrantFactory(patient=patient, relationship="spouse")
    ProxyGrantFactory(proxy=user, patient=PatientFactory(date_of_birth=born_years_ago(9)))
    on_treatment(patient)
    visit = appointment(patient, days=2)
    video = appointment(
        patient,
        start=timezone.now() + timedelta(minutes=5),
        visit_type=VisitTypeFactory(telehealth=True),
    )
    pool = PoolFactory(program=ProgramFactory(), reply_business_days=2)
    put_in_program(patient, pool.program)
    access = resolve_access(user, patient)
    thread = messaging.start_thread(
        user, access=access, pool=pool, subject="A question", body="About my visit.",
        files=[check_upload(name="readings.txt", content=b"120/80\n")],
    )  # fmt: skip
    sent = questionnaires.save_response(
        access=access, questionnaire=checkin(), author=user, answers=answers(pain=1), submit=True
    )
    values = {
        "public_id": patient.public_id,
        "appointment_id": visit.public_id,
        "thread_id": thread.public_id,
        "questionnaire_id": sent.questionnaire.public_id,
        "response_id": sent.public_id,
        "result_id": report(patient).public_id,
    }
    document(patient)
    return user, values, video


def test_every_portal_page_in_spanish_has_no_serious_or_critical_axe_finding(
    page: Page, settings, tmp_path
):
    user, values, video = _record_with_everything(settings, tmp_path)
    urls = {}
    with override("es"):
        for name, _view, text in all_routes(with_patterns=True):
            if "portal/" not in text or text.startswith("api/") or name in NOT_PAGES:
                continue
            kwargs = {k: v for k, v in values.items() if f":{k}>" in text}
            if name == "portal:video_room":
                kwargs["appointment_id"] = video.public_id
            urls[name] = reverse(name, kwargs=kwargs)
    sign_in(page, user.email, "es")
    page.wait_for_url("**/es/portal/")

    found, statuses = {}, {}
    for name, url in urls.items():
        statuses[name] = page.goto(url).status
        found[name] = blocking_violations(page)

    assert len(urls) >= 24
    assert {name: s for name, s in statuses.items() if s != 200} == {}
    assert {name: v for name, v in found.items() if v} == {}
