"""An inquiry from abroad, in Spanish and by keyboard, with a DICOM zip; the coordinator sees
it due in two business days; the case moves to cleared, visa letter and three visits with
Spanish interpreters, and the inquirer reads it all on their case page (also in Arabic and
Chinese). axe finds nothing serious or critical on any page."""

import time
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.international import itinerary, services
from medcenter.international.models import Case
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Resource, ResourceKind
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)


def _study(tmp_path):
    member = bytes(128) + b"DICM" + bytes(2000)
    path = tmp_path / "estudio.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("SE1/IM1", member)
        archive.writestr("SE1/IM2", member)
    return path


def _mail_to(address, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox if address in m.to]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def clinic(transactional_db):
    location = LocationFactory(name="Main Campus")
    visit = VisitTypeFactory(code="multidisciplinary", name="Multidisciplinary visit")
    specialties = []
    for slug in ("orthopaedic-oncology", "medical-oncology", "radiation-oncology"):
        specialty = SpecialtyFactory(slug=slug)
        clinician = ClinicianFactory()
        clinician.specialties.add(specialty)
        clinician.locations.add(location)
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])
        specialties.append(specialty)
    Resource.objects.create(
        name="Intérprete Ana", kind=ResourceKind.INTERPRETER, location=location, languages=["es"]
    )
    return location, visit, specialties


def test_a_spanish_inquiry_with_imaging_becomes_a_scheduled_visit(page: Page, clinic, tmp_path):
    location, visit, specialties = clinic
    page.set_default_timeout(30_000)  # the first page of a cold live server builds its menus
    page.goto("/es/international/inquiry/")
    assert blocking_violations(page) == []
    page.locator("#id_inquirer_role_1").check()  # family
    page.locator("#id_inquirer_name").focus()
    page.keyboard.type("Lucía Ferrán")
    page.keyboard.press("Tab")
    page.keyboard.type("lucia@example.test")
    page.locator("#id_country").select_option("MX")
    page.locator("#id_language").select_option("es")
    page.locator("#id_patient_name").fill("Tomás Ferrán")
    page.locator("#id_patient_birth_date").fill("1968-04-02")
    page.locator("#id_condition_text").fill("sarcoma en la pierna")
    page.locator("#id_service_1").check()  # consultation
    page.locator("#id_payer").select_option("self")
    page.locator("#id_patient_name").press("Enter")  # submit from the keyboard

    page.wait_for_url("**/es/international/inquiry/*/")
    assert blocking_violations(page) == []
    page.locator("#id_study").set_input_files(str(_study(tmp_path)))
    page.locator("#id_study").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main li", has_text="estudio.zip")).to_be_visible()
    case = Case.objects.get()
    assert case.documents.get().dicom_files == 2
    [ack] = _mail_to("lucia@example.test")
    assert case.reference in ack.subject

    coordinator = StaffUserFactory(roles=["international_coordinator"], full_name="Noor Hal")
    staff = page.context.browser.new_context(base_url=page.url.split("/es/")[0])
    staff_page = staff.new_page()
    staff_page.set_default_timeout(30_000)
    sign_in_staff(staff_page, coordinator)
    staff_page.goto("/en/staff/international/?sort=due")
    row = staff_page.locator("tr", has_text=case.reference)
    expect(row).to_contain_text(timezone.localtime(case.first_reply_due_at).strftime("%Y"))
    assert blocking_violations(staff_page) == []
    row.get_by_role("link").click()
    expect(staff_page.locator("h1")).to_contain_text(case.reference)
    assert blocking_violations(staff_page) == []

    # The case moves on (each step is a service covered by its own tests).
    user = UserFactory(email="lucia@example.test")
    case.account = user
    case.save()
    services.link_patient(case=case, patient=PatientFactory(), actor=coordinator)
    services.set_price(
        code="CONSULT", description="Consulta", amount_cents=85_000, actor=coordinator
    )
    services.set_status(case=case, status="under_review", actor=coordinator)
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT", 3)], currency="USD", actor=coordinator
    )
    services.send_estimate(estimate=estimate, actor=coordinator)
    services.accept_estimate(user=user, estimate=estimate)
    services.record_deposit(
        case=case,
        amount_cents=255_000,
        received_on=timezone.localdate(),
        reference="W1",
        actor=coordinator,
    )
    services.clear(case=case, actor=coordinator)
    services.issue_visa_letter(
        case=case,
        facts=services.VisaFacts("", "Consultas", 10, (), "Dr. Vale", ""),
        actor=coordinator,
    )
    itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=specialties,
        location=location,
        visit_type=visit,
        actor=coordinator,
    )
    staff.close()

    sign_in(page, user.email, "es")
    for code in ("es", "ar", "zh-hans"):
        page.goto(f"/{code}/international/my-cases/{case.public_id}/")
        expect(page.locator("h1")).to_contain_text(case.reference)
        expect(page.locator(".itinerary li li")).to_have_count(3)
        assert blocking_violations(page) == [], code
    links = page.locator("main a[href*='/letters/']")
    assert links.count() >= 4  # estimate, visa and itinerary letters, each in two languages
