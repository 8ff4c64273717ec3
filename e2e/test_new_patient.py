"""A new patient books online by keyboard alone, in Spanish: a symptom in lay words finds the
doctor, whose next available visit opens the slot picker; booked as a new patient with the code
sent through the outbox, to the confirmation with its .ics, for the very slot picked."""

import re
import time
from datetime import datetime

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations
from medcenter.core.models import Notification
from medcenter.directory.models import Program
from medcenter.scheduling.models import Appointment, AppointmentStatus, NotificationKind
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)

EMAIL = "ximena.talbrook@example.test"


@pytest.fixture
def clinic(transactional_db):
    location = LocationFactory(name="Riverside Clinic")
    clinician = ClinicianFactory(given_name="Odalys", family_name="Brennick")
    clinician.locations.add(location)
    program = Program.objects.create(slug="bone-sarcoma", name="Bone and Sarcoma Program")
    clinician.programs.add(program)
    visit = VisitTypeFactory(code="new-patient", name="New patient visit", new_patients=True)
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    return clinician, location, visit


def tab_to(page: Page, selector: str, *, last: bool = False, limit: int = 250) -> None:
    """Press Tab until the element `selector` names (its last match with `last`) has focus."""
    script = """([sel, last]) => {
        const all = document.querySelectorAll(sel);
        const el = last ? all[all.length - 1] : all[0];
        return !!el && document.activeElement === el;
    }"""
    for _ in range(limit):
        if page.evaluate(script, [selector, last]):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never took the focus by Tab")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def main_reflows_at_320(page: Page) -> bool:
    """At 320 px the page's main content needs no sideways scrolling."""
    page.set_viewport_size({"width": 320, "height": 640})
    fits = page.evaluate(
        "() => { const m = document.querySelector('main'); return m.scrollWidth <= m.clientWidth; }"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    return bool(fits)


def _wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _code_from_outbox() -> str:
    """The code from its outbox row; once the row is sent the outbox forgets the code, so then
    from the message that row became."""
    note = _wait_for(
        lambda: Notification.objects.filter(
            kind=NotificationKind.NEW_PATIENT_CODE, to=EMAIL
        ).first()
    )
    assert note is not None, "no code in the outbox"
    if "code" in note.context:
        return str(note.context["code"])
    sent = _wait_for(lambda: [m for m in mail.outbox if EMAIL in m.to])
    match = re.search(r"\b(\d{6})\b", sent[0].body)
    assert match is not None
    return match.group(1)


def test_a_new_patient_books_by_keyboard_in_spanish(page: Page, clinic):
    clinician, location, _visit = clinic
    # A symptom in lay Spanish, typed into the search box, finds the doctor ...
    page.goto("/es/doctors/")
    type_into(page, "#id_q", "dolor de hueso por la noche")
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/doctors/?*q=*")
    card = page.locator(".doctor-card", has_text="Brennick")
    expect(card.locator(".next-available time")).to_be_visible()
    assert blocking_violations(page) == []
    shown = datetime.fromisoformat(card.locator(".next-available time").get_attribute("datetime"))

    # ... whose next available visit opens the slot picker at that week ...
    tab_to(page, ".doctor-card .next-available a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/es/appointments/book/{clinician.slug}/?*week=*")
    assert blocking_violations(page) == []
    picked = datetime.fromisoformat(
        page.locator(".slot-list form").first.locator("input[name=start]").get_attribute("value")
    )
    assert picked == shown, "the slot picker opens on the time the card offered"
    tab_to(page, ".slot-list form button")
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/appointments/held/")
    assert blocking_violations(page) == []
    tab_to(page, "a[href='/es/appointments/held/new-patient/']")
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/appointments/held/new-patient/")
    assert blocking_violations(page) == []
    assert main_reflows_at_320(page)
    type_into(page, "#id_given_name", "Ximena")
    type_into(page, "#id_family_name", "Talbrook")
    type_into(page, "#id_date_of_birth", "03141981")
    tab_to(page, "#id_sex")
    page.keyboard.press("ArrowDown")
    type_into(page, "#id_email", EMAIL)
    tab_to(page, "#id_interpreter_needed")
    page.keyboard.press("Space")
    type_into(page, "#id_payer", "Harbor Mutual Health")
    # The member ID left out on purpose: the page says so and keeps the rest.
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#id_member_id_error")).to_be_visible()
    assert page.locator(".field__errors").count() == 1, page.locator(
        ".field__errors"
    ).all_inner_texts()
    assert page.locator("#id_given_name").input_value() == "Ximena"
    assert page.locator("#id_payer").input_value() == "Harbor Mutual Health"
    assert blocking_violations(page) == []
    type_into(page, "#id_member_id", "HMH-0042")
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/appointments/held/verify/")
    assert blocking_violations(page) == []
    code = _code_from_outbox()
    type_into(page, "#id_code", code)
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/appointments/held/booked/")
    assert blocking_violations(page) == []
    assert main_reflows_at_320(page)
    appointment = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert appointment.start == picked  # the slot picked before is the one booked
    assert appointment.clinician == clinician and appointment.location == location
    patient = appointment.patient
    assert patient.provisional and patient.interpreter_needed
    assert (patient.given_name, patient.email) == ("Ximena", EMAIL)
    assert patient.provisional_registration.member_id == "HMH-0042"
    confirmation = Notification.objects.get(kind=NotificationKind.CONFIRMATION, to=EMAIL)
    assert confirmation.language == "es"
    sent = _wait_for(lambda: [m for m in mail.outbox if EMAIL in m.to and m.attachments])
    name, _content, mimetype = sent[0].attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
