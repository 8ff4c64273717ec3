"""In Spanish, by keyboard only: find a support group, register, take the .ics, cancel.
axe on every page (0 serious or critical), and on the event pages in Arabic (right to left).

The words checked are the event's own (its Spanish title) and the addresses: this branch's
new interface strings reach the Spanish catalog when the catalogs are merged."""

import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations
from medcenter.directory.models import Program
from medcenter.events.models import Registration
from medcenter.events.tests.factories import EventSeriesFactory, EventSessionFactory


@pytest.fixture
def groups():
    program = Program.objects.create(slug="aya", name="AYA Program")
    support = EventSeriesFactory(
        slug="grupo-aya",
        title="AYA support group",
        translations={
            "es": {"title": "Grupo de apoyo AYA", "description": "Para jóvenes de 15 a 39 años."}
        },
        program=program,
        audience="aya",
        language="es",
    )
    EventSessionFactory(series=support)
    EventSessionFactory(
        series=EventSeriesFactory(slug="yoga", title="Gentle yoga", kind="wellness")
    )


def _press_on(page: Page, selector: str, key: str = "Enter") -> None:
    page.locator(selector).focus()
    page.keyboard.press(key)


def test_a_visitor_finds_a_support_group_registers_takes_the_ics_and_cancels(page: Page, groups):
    page.goto("/es/events/")
    assert blocking_violations(page) == []

    page.locator("#id_kind").focus()
    page.keyboard.press("ArrowDown")  # "Grupo de apoyo", the first type after "all types"
    _press_on(page, "form.event-filters button[type=submit]")
    expect(page.locator(".card-grid")).to_contain_text("Grupo de apoyo AYA")
    expect(page.locator(".card-grid")).not_to_contain_text("Gentle yoga")
    assert blocking_violations(page) == []

    _press_on(page, "a[href='/es/events/grupo-aya/']")
    expect(page.locator("h1")).to_have_text("Grupo de apoyo AYA")
    assert blocking_violations(page) == []

    _press_on(page, "a[href='/es/events/grupo-aya/register/']")
    expect(page).to_have_url(re.compile(r"/es/events/grupo-aya/register/$"))
    expect(page.locator("h1")).to_contain_text("Grupo de apoyo AYA")
    assert blocking_violations(page) == []
    page.locator("#id_name").focus()
    page.keyboard.type("Lucía Ejemplo")
    page.keyboard.press("Tab")
    page.keyboard.type("lucia@example.test")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/es/events/registrations/[^/]+/$"))
    expect(page.locator("[role=status]")).to_be_visible()
    assert Registration.objects.get().status == "registered"
    assert blocking_violations(page) == []

    with page.expect_download() as download:
        _press_on(page, "a[href$='/event.ics']")
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Grupo de apoyo AYA" and event["STATUS"] == "CONFIRMED"

    _press_on(page, "a[href$='/cancel/']")
    expect(page).to_have_url(re.compile(r"/es/events/registrations/[^/]+/cancel/$"))
    assert Registration.objects.get().status == "registered"  # GET only asks
    assert blocking_violations(page) == []
    _press_on(page, "form button[type=submit]")
    expect(page.locator("[role=status]")).to_be_visible()
    assert blocking_violations(page) == []
    assert Registration.objects.get().status == "cancelled"

    for url in ("/ar/events/", "/ar/events/grupo-aya/"):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert blocking_violations(page) == [], url
