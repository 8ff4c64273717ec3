"""An inquiry from abroad, in Spanish and by keyboard, with a DICOM zip, acknowledged in
Spanish; the coordinator sees it due in two business days; translation, triage, an estimate in
USD shown in MXN, a deposit, the visa letter and three visits on consecutive days with Spanish
interpreters; the inquirer reads it all on their case page. Both case pages also in Arabic and
Chinese; axe finds nothing serious or critical on any page."""

import time
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.core.models import Notification
from medcenter.core.uploads import check_upload
from medcenter.international import itinerary, letters, services
from medcenter.international.models import Case
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Resource, ResourceKind
from medcenter.scheduling.referrals import add_business_days
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
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
    # The acknowledgement went out in Spanish.
    [ack] = _mail_to("lucia@example.test")
    assert Notification.objects.get(kind="international.inquiry_received").language == "es"
    with translation.override("es"):
        subject = gettext("We received your request (%(ref)s)") % {"ref": case.reference}
    assert ack.subject.strip() == subject

    # The coordinator sees it due two business days after it arrived.
    assert case.first_reply_due_at == add_business_days(case.received_at, 2)
    with translation.override("en"):
        due = date_format(timezone.localtime(case.first_reply_due_at), "SHORT_DATETIME_FORMAT")
    coordinator = StaffUserFactory(roles=["international_coordinator"], full_name="Noor Hal")
    staff = page.context.browser.new_context(base_url=page.url.split("/es/")[0])
    staff_page = staff.new_page()
    staff_page.set_default_timeout(30_000)
    sign_in_staff(staff_page, coordinator)
    staff_page.goto("/en/staff/international/?sort=due")
    row = staff_page.locator("tr", has_text=case.reference)
    expect(row).to_contain_text(due)
    assert blocking_violations(staff_page) == []

    # Translation, triage, an estimate in USD shown in MXN, a deposit, the visa letter and
    # the visit (each step is a service with its own tests; here they run end to end).
    user = UserFactory(email="lucia@example.test")
    case.account = user
    case.save()
    services.link_patient(case=case, patient=PatientFactory(), actor=coordinator)
    services.add_document(
        case=case,
        upload=check_upload(name="informe.pdf", content=PDF),
        kind="record",
        language="es",
        actor=coordinator,
    )
    services.add_translation(
        task=case.tasks.get(kind="translation"),
        upload=check_upload(name="report-en.pdf", content=PDF),
        actor=coordinator,
    )
    doctor = StaffUserFactory(roles=["clinician"], full_name="Imani Vale")
    services.assign_reviewer(case=case, reviewer=doctor, actor=coordinator)
    services.decide(case=case, specialist=doctor, decision="visit")
    services.set_price(
        code="CONSULT", description="Consulta", amount_cents=85_000, actor=coordinator
    )
    services.enter_rate(
        currency="MXN", per_usd=Decimal("17.25"), on_date=timezone.localdate(), actor=coordinator
    )
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT", 3)], currency="MXN", actor=coordinator
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
    booked = itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=specialties,
        location=location,
        visit_type=visit,
        actor=coordinator,
    )
    items = list(booked.items.select_related("interpreter").order_by("starts_at"))
    days = [timezone.localtime(item.starts_at).date() for item in items]
    assert [(day - days[0]).days for day in days] == [0, 1, 2]
    assert all(item.interpreter and "es" in item.interpreter.languages for item in items)

    staff_page.goto(f"/en/staff/international/{case.public_id}/")
    expect(staff_page.locator("h1")).to_contain_text(case.reference)
    main = staff_page.locator("main")
    expect(main).to_contain_text("report-en.pdf")
    expect(main.locator("td", has_text="Intérprete Ana")).to_have_count(3)
    assert blocking_violations(staff_page) == []
    for code in ("ar", "zh-hans"):
        staff_page.goto(f"/{code}/staff/international/{case.public_id}/")
        expect(staff_page.locator("h1")).to_contain_text(case.reference)
        assert blocking_violations(staff_page) == [], code
    staff.close()

    sign_in(page, user.email, "es")
    local = letters.shown_in(estimate.total_cents, estimate, language="es")
    for code in ("es", "ar", "zh-hans"):
        page.goto(f"/{code}/international/my-cases/{case.public_id}/")
        expect(page.locator("h1")).to_contain_text(case.reference)
        expect(page.locator(".itinerary li li")).to_have_count(3)
        assert blocking_violations(page) == [], code
        if code == "es":
            with translation.override("es"):
                with_interpreter = gettext("An interpreter will be with you.")
            expect(page.locator(".itinerary li li", has_text=with_interpreter)).to_have_count(3)
            expect(page.locator("main")).to_contain_text(local)
    links = page.locator("main a[href*='/letters/']")
    assert links.count() >= 6  # estimate, visa and itinerary letters, each in two languages
