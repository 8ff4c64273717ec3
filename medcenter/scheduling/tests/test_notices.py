"""Scheduling's notices: worded by templates in the patient's language, sent by the outbox;
and the outbox's home in core leaves scheduling without an import loop."""

import ast
from pathlib import Path

import pytest
from django.core import mail

from medcenter.scheduling import services
from medcenter.scheduling.tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def test_a_spanish_speaking_patient_gets_the_confirmation_in_spanish(
    clinic, patient, django_capture_on_commit_callbacks
):
    clinician, location, visit = clinic
    held = services.hold_slot(
        patient=patient,
        visit_type=visit,
        location=location,
        start=next_weekday_at(9, days_ahead=10),
        actor=None,
        clinician=clinician,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_hold(appointment=held, actor=None)

    (message,) = mail.outbox
    assert patient.preferred_language == "es"
    assert message.subject == "Su cita está programada"
    assert location.name in message.body
    assert [a[0] for a in message.attachments] == ["appointment.ics"]


def test_notify_depends_on_the_outbox_and_models_only():
    """notify -> tasks -> services -> referrals -> notify was an import loop: notify now
    imports nothing from scheduling but its models, even inside a function."""
    source = (Path(__file__).resolve().parents[1] / "notify.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {m for m in imported if m.startswith("medcenter.")}
    assert ours == {"medcenter.core", "medcenter.core.models", "medcenter.scheduling.models"}
