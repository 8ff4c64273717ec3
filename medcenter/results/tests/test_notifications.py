"""Notification preferences (item 9): kept by the core outbox, applied when a notice is queued
and sent; security notices always go; the page is the patient's own."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from medcenter.core import outbox
from medcenter.core.models import Notification, NotificationStatus
from medcenter.core.outbox.preferences import (
    Choice,
    decide_by_preferences,
    quiet_until,
    save_preferences,
)
from medcenter.patients.tests.factories import PatientFactory
from medcenter.results.tests.factories import report

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")

QUIET = [
    # (local time, start, end, quiet until (local) or None)
    (
        datetime(2026, 3, 2, 23, 0, tzinfo=NY),
        time(22),
        time(7),
        datetime(2026, 3, 3, 7, 0, tzinfo=NY),
    ),
    (
        datetime(2026, 3, 3, 6, 59, tzinfo=NY),
        time(22),
        time(7),
        datetime(2026, 3, 3, 7, 0, tzinfo=NY),
    ),
    (datetime(2026, 3, 3, 7, 0, tzinfo=NY), time(22), time(7), None),
    (
        datetime(2026, 3, 3, 13, 0, tzinfo=NY),
        time(12),
        time(14),
        datetime(2026, 3, 3, 14, 0, tzinfo=NY),
    ),
    (datetime(2026, 3, 3, 13, 0, tzinfo=NY), time(9), time(9), None),
    # The night clocks spring forward: quiet hours still end at 07:00 local time.
    (
        datetime(2026, 3, 8, 1, 30, tzinfo=NY),
        time(22),
        time(7),
        datetime(2026, 3, 8, 7, 0, tzinfo=NY),
    ),
]


@pytest.mark.parametrize(("now", "start", "end", "expected"), QUIET)
def test_quiet_hours_end_in_the_patients_own_zone(now, start, end, expected):
    found = quiet_until(now.astimezone(UTC), start=start, end=end, tz=NY)
    assert found == expected
    if expected is not None:
        assert found.utcoffset() == expected.utcoffset()


def _patient_with_choices(**choices):
    patient = PatientFactory()
    save_preferences(
        patient_public_id=patient.public_id,
        user_public_id=None,
        choices={"results": Choice(**choices)} if choices else {},
        quiet_start=time(22),
        quiet_end=time(7),
        time_zone="America/New_York",
        sms_consent=choices.get("sms", False),
    )
    return patient


def _note(patient, *, channel="email", category_kind="results.available", user=None):
    return Notification(
        kind=category_kind,
        category="results" if category_kind == "results.available" else "account",
        channel=channel,
        to="x@example.test",
        patient_public_id=patient.public_id,
        user_public_id=user,
        dedupe_key="k",
        due_at=datetime(2026, 3, 3, 17, tzinfo=UTC),
    )


DECISIONS = [
    # (choices, channel, at (UTC), send?, deferred?)
    ({}, "email", datetime(2026, 3, 3, 17, tzinfo=UTC), True, False),
    ({"email": False}, "email", datetime(2026, 3, 3, 17, tzinfo=UTC), False, False),
    ({}, "sms", datetime(2026, 3, 3, 17, tzinfo=UTC), False, False),  # no consent
    ({"sms": True}, "sms", datetime(2026, 3, 3, 17, tzinfo=UTC), True, False),
    ({}, "email", datetime(2026, 3, 4, 4, tzinfo=UTC), False, True),  # 23:00 in New York
]


@pytest.mark.parametrize(("choices", "channel", "at", "send", "deferred"), DECISIONS)
def test_the_outbox_policy_applies_the_patients_choices(choices, channel, at, send, deferred):
    patient = _patient_with_choices(**choices)
    with time_machine.travel(at, tick=False):
        decision = decide_by_preferences(_note(patient, channel=channel))
    assert decision.send is send
    assert (decision.not_before is not None) is deferred
    if deferred:
        assert decision.not_before == datetime(2026, 3, 4, 7, tzinfo=NY)


def test_security_notices_always_go_even_in_quiet_hours_and_opted_out():
    patient = _patient_with_choices(email=False)
    with time_machine.travel(datetime(2026, 3, 4, 4, tzinfo=UTC), tick=False):
        assert decide_by_preferences(_note(patient, category_kind="account")).send


def test_a_notice_addressed_to_someone_else_is_not_bound_by_the_patients_choices():
    patient = _patient_with_choices(email=False)
    other = __import__("uuid").uuid4()
    assert decide_by_preferences(_note(patient, user=other)).send


def test_a_result_notice_queued_in_quiet_hours_is_due_at_their_end_and_says_nothing_clinical():
    patient = _patient_with_choices()
    with time_machine.travel(datetime(2026, 3, 4, 4, tzinfo=UTC), tick=False):
        report(patient, display="SECRET-TEST-NAME", conclusion="SECRET-CONCLUSION")
    note = Notification.objects.get(patient_public_id=patient.public_id)
    assert note.due_at == datetime(2026, 3, 4, 7, tzinfo=NY)
    with time_machine.travel(datetime(2026, 3, 4, 12, 1, tzinfo=UTC), tick=False):
        assert outbox.deliver_due() == 1
    message = mail.outbox[0]
    assert "SECRET" not in message.subject + message.body
    assert "Hemoglobin" not in message.body
    assert "/results/" in message.body


def test_an_opted_out_notice_is_withdrawn_when_due():
    patient = _patient_with_choices(email=False)
    with time_machine.travel(datetime(2026, 3, 3, 17, tzinfo=UTC), tick=False):
        report(patient)
        outbox.deliver_due()
    note = Notification.objects.get(patient_public_id=patient.public_id)
    assert note.status == NotificationStatus.CANCELLED
    assert mail.outbox == []


def test_the_page_saves_choices_and_refuses_texts_without_consent(family):
    client = Client()
    client.force_login(family.adult_user)
    url = reverse("results:notifications", kwargs={"public_id": family.adult.public_id})
    assert client.get(url).status_code == 200

    data = {
        "time_zone": "Europe/Madrid",
        "quiet_start": "21:30",
        "quiet_end": "08:00",
        "results_email": "on",
        "results_sms": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "first agree" in refused.content.decode()
    assert 'value="21:30"' in refused.content.decode()  # nothing typed is lost

    saved = client.post(url, {**data, "sms_consent": "on"})
    assert saved.status_code == 302
    from medcenter.core.outbox.preferences import preferences_for

    prefs = preferences_for(patient_public_id=family.adult.public_id)
    assert prefs.choices["results"] == Choice(email=True, sms=True)
    assert prefs.choices["messages"] == Choice(email=False, sms=False)
    assert prefs.sms_consented_at is not None
    assert prefs.time_zone == "Europe/Madrid"


def test_the_page_is_the_patients_own(family):
    url = reverse("results:notifications", kwargs={"public_id": family.teen.public_id})
    client = Client()
    client.force_login(family.parent)
    assert client.get(url).status_code == 404
    assert client.post(url, {"time_zone": "UTC"}).status_code == 404


def test_a_bad_time_zone_is_a_field_error(family):
    client = Client()
    client.force_login(family.adult_user)
    url = reverse("results:notifications", kwargs={"public_id": family.adult.public_id})
    response = client.post(url, {"time_zone": "Mars/Olympus", "quiet_start": "25:00"})
    assert response.status_code == 200
    assert "field__errors" in response.content.decode()


def test_notice_templates_carry_no_clinical_content():
    """Every language: the rendered notice has none of the item's words, only a link."""
    from django.conf import settings

    from medcenter.core.outbox.registry import render_template

    variables = {
        "center": "Example Center",
        "center_phone": "+1 555 0100",
        "link": "https://example.test/en/portal/x/results/",
        # Anything clinical a careless template could reach for:
        "item": "CLINICAL-ITEM",
        "display": "CLINICAL-DISPLAY",
        "report": "CLINICAL-REPORT",
        "conclusion": "CLINICAL-CONCLUSION",
    }
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for part in ("subject", "body", "sms"):
                text = render_template(f"results/notices/available_{part}.txt", variables)
                assert "CLINICAL" not in text
                assert text.strip()
    import pathlib

    folder = pathlib.Path(__file__).resolve().parents[1] / "templates" / "results" / "notices"
    for path in folder.glob("*.txt"):
        used = set(__import__("re").findall(r"{{\s*(\w+)", path.read_text()))
        assert used <= {"center", "center_phone", "link"}, path.name


def test_no_notice_reaches_a_proxy_about_a_confidential_item(family):
    parent_notes = Notification.objects.filter(user_public_id=family.parent.public_id)
    confidential = {
        str(pk)
        for pk in __import__("medcenter.results.models", fromlist=["x"])
        .ResultReport.objects.filter(adolescent_confidential=True, patient=family.teen)
        .values_list("public_id", flat=True)
    }
    assert parent_notes.exists()  # the plain items were announced to the parent
    assert not [n for n in parent_notes if n.context.get("item") in confidential]


def test_a_held_items_notice_waits_for_the_hold(family):
    held = __import__("medcenter.results.models", fromlist=["x"]).ResultReport.objects.get(
        display="HELD-ITEM-MARKER"
    )
    pending = Notification.objects.filter(
        reference=f"result:{held.public_id}", status=NotificationStatus.PENDING
    )
    assert pending.exists()
    assert all(n.due_at >= held.release_at - timedelta(seconds=1) for n in pending)
