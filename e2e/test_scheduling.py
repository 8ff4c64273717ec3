"""A patient books and cancels online; a physician's referral is triaged to a booked visit."""

import time
from datetime import datetime

import pytest
from django.core import mail
from fpdf import FPDF
from icalendar import Calendar
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Appointment, AppointmentStatus, Referral, ReferralStatus
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)


@pytest.fixture
def clinic(transactional_db):
    """One clinician holding 30-minute new-patient visits, weekday mornings 9-12."""
    location = LocationFactory(name="Riverside Clinic")
    clinician = ClinicianFactory(given_name="Odalys", family_name="Brennick")
    clinician.locations.add(location)
    visit = VisitTypeFactory(code="new-patient", name="New patient visit")
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    return clinician, location, visit


def _sent_to(address: str, timeout: float = 5.0) -> list:
    """Emails to `address`; the outbox is delivered on commit, in the live server's thread."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox if address in m.to]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Pathology report (synthetic)")
    return bytes(pdf.output())


@pytest.mark.parametrize("code", ["en"])
def test_a_patient_finds_a_doctor_books_a_slot_gets_the_ics_and_cancels(page: Page, clinic, code):
    clinician, location, visit = clinic
    user = UserFactory(email="wren@example.test")
    patient = PatientFactory(user=user, email="wren@example.test")
    sign_in(page, user.email, code)
    page.wait_for_url(f"**/{code}/portal/**")  # patients land in the Gateway

    page.goto(f"/{code}/doctors/?q=Brennick")
    page.locator(".doctor-card__name a", has_text="Brennick").click()
    expect(page.locator("h1")).to_contain_text("Brennick")
    assert blocking_violations(page) == []

    page.get_by_role("link", name="Book an appointment").click()
    page.wait_for_url(f"**/{code}/appointments/book/{clinician.slug}/**")
    # Next week is always bookable (24 hours' notice); its last slot is days away, so the
    # online cancel window is still open when the test cancels.
    page.get_by_role("link", name="Later week").click()
    slot = page.locator(".slot-list form").last
    expect(slot).to_be_visible()
    assert blocking_violations(page) == []
    start = datetime.fromisoformat(slot.locator("input[name=start]").get_attribute("value"))
    slot.locator("button").click()

    page.wait_for_url("**/confirm/")
    expect(page.locator("h1")).to_have_text("Confirm your appointment")
    assert blocking_violations(page) == []
    page.locator("#id_reason_for_visit").fill("New diagnosis")
    page.get_by_role("button", name="Confirm the appointment").click()

    expect(page.locator(".facts")).to_contain_text("Booked")
    expect(page.get_by_role("main")).to_contain_text("Your appointment is booked")
    assert blocking_violations(page) == []
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.start == start
    assert (appointment.clinician, appointment.location, appointment.visit_type) == (
        clinician,
        location,
        visit,
    )

    confirmations = [m for m in _sent_to(patient.email) if m.attachments]
    assert len(confirmations) == 1
    name, content, mimetype = confirmations[0].attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start

    page.get_by_role("link", name="Cancel the appointment").click()
    page.locator("#id_reason").fill("Moving away")
    page.get_by_role("button", name="Yes, cancel the appointment").click()
    expect(page.get_by_role("main")).to_contain_text("Your appointment is cancelled")
    expect(page.locator(".facts .badge")).to_have_text("Cancelled")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize("code", ["en"])
def test_a_physicians_referral_with_a_record_is_triaged_to_a_booked_visit(
    page: Page, clinic, code, tmp_path
):
    clinician, location, visit = clinic
    report = tmp_path / "pathology report.pdf"
    report.write_bytes(_pdf())

    page.goto(f"/{code}/appointments/refer/")
    assert blocking_violations(page) == []
    for field, value in {
        "referrer_name": "Dr Imogen Varga",
        "referrer_npi": "1234567890",  # a typo: the check digit is wrong
        "referrer_practice": "Hillcrest Family Practice",
        "referrer_email": "varga@example.test",
        "referrer_phone": "+1 555 010 0300",
        "given_name": "Tobiah",
        "family_name": "Quenneville",
        "date_of_birth": "1968-03-14",
        "email": "tobiah@example.test",
        "diagnosis": "Chondrosarcoma of the spine on MRI",
        "icd10_code": "C41.2",
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_requested_clinician").select_option(label=clinician.display_name)
    page.get_by_role("radio", name="Health insurance").check()
    page.locator("#id_insurance_payer").fill("Northwind Health Plan")
    page.locator("#id_insurance_member_id").fill("NW-0042-77")
    page.locator("#id_documents").set_input_files(str(report))
    # The first ICD-10-CM check loads the code table (seconds on a busy machine).
    page.get_by_role("button", name="Send").click(timeout=60_000)

    # The wrong NPI comes back with everything kept, the PDF included (issue 16).
    expect(page.locator("#id_referrer_npi_error")).to_contain_text("not a valid 10-digit NPI")
    expect(page.locator(".kept-files")).to_contain_text("Attached: pathology report.pdf")
    expect(page.get_by_role("checkbox", name="remove pathology report.pdf")).not_to_be_checked()
    expect(page.locator("#id_diagnosis")).to_have_value("Chondrosarcoma of the spine on MRI")
    assert blocking_violations(page) == []
    assert not Referral.objects.exists()
    # Fixed and sent from the keyboard: Enter in the corrected field submits the form.
    page.locator("#id_referrer_npi").fill("1234567893")
    page.locator("#id_referrer_npi").press("Enter")
    expect(page.locator("h1")).to_have_text("We received your request")
    expect(page.get_by_role("main")).to_contain_text("pathology report.pdf")
    expect(page.get_by_role("main")).to_contain_text(f"You asked for {clinician.display_name}")
    assert blocking_violations(page) == []
    referral = Referral.objects.get()
    assert referral.documents.get().filename == "pathology report.pdf"
    assert referral.requested_clinician == clinician
    assert referral.insurance_member_id == "NW-0042-77"

    scheduler = StaffUserFactory(roles=["scheduler"])
    sign_in_staff(page, scheduler, code)
    page.goto(f"/{code}/staff/referrals/")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Tobiah Quenneville").click()
    expect(page.locator("h1")).to_contain_text("Received")
    expect(page.get_by_role("link", name="pathology report.pdf")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Northwind Health Plan")
    assert blocking_violations(page) == []

    page.get_by_role("button", name="Register as a new patient").click()
    expect(page.get_by_role("main")).to_contain_text("Registered with MRN")
    page.get_by_role("link", name="Book a visit").click()
    page.locator("#pick-clinician").select_option(clinician.slug)
    page.locator("#pick-visit").select_option(str(visit.pk))
    page.get_by_role("button", name="Show free times").click()
    page.locator(".slot-list button").first.click()
    expect(page.locator(".facts .badge")).to_have_text("Booked")

    page.goto(f"/{code}/staff/referrals/{referral.public_id}/")
    expect(page.locator("h1")).to_contain_text("Scheduled")
    expect(page.locator(".link-list").nth(1)).to_contain_text("New patient visit")
    assert blocking_violations(page) == []
    referral.refresh_from_db()
    appointment = Appointment.objects.get(referral=referral)
    assert referral.status == ReferralStatus.SCHEDULED
    assert appointment.patient == referral.patient
    assert (appointment.clinician, appointment.location) == (clinician, location)


def test_a_kept_file_reads_right_to_left_at_320_px(narrow_page: Page, transactional_db, tmp_path):
    report = tmp_path / "تقرير الأنسجة.pdf"
    report.write_bytes(_pdf())
    page = narrow_page

    page.goto("/ar/appointments/refer/")
    for field, value in {
        "referrer_name": "Dr Imogen Varga",
        "referrer_npi": "1234567890",
        "referrer_practice": "Hillcrest Family Practice",
        "referrer_email": "varga@example.test",
        "referrer_phone": "+1 555 010 0300",
        "given_name": "Tobiah",
        "family_name": "Quenneville",
        "date_of_birth": "1968-03-14",
        "diagnosis": "Chondrosarcoma",
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_documents").set_input_files(str(report))
    page.locator("#id_referrer_npi").press("Enter", timeout=60_000)

    expect(page.locator(".kept-files")).to_contain_text("تقرير الأنسجة.pdf")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    page.locator("#id_referrer_npi").fill("1234567893")
    page.locator("#id_referrer_npi").press("Enter")
    expect(page.locator("h1")).to_be_visible()
    assert Referral.objects.get().documents.get().filename == "تقرير الأنسجة.pdf"
