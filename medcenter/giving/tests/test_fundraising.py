"""HIPAA fundraising (45 CFR 164.514(f)): allowed fields only, audited, opt-out honoured at list
build and again at send time, one-click (RFC 8058), reversible."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.core import outbox
from medcenter.core.models import AuditEvent, Notification
from medcenter.giving import fundraising, tokens
from medcenter.giving.models import FundraisingOptOut
from medcenter.giving.tests.factories import CampaignFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Appointment
from medcenter.scheduling.tests.factories import ClinicianFactory, LocationFactory, VisitTypeFactory

pytestmark = pytest.mark.django_db

FORBIDDEN = ("diagnos", "condition", "reason", "note", "mrn", "stage", "oncology", "member_id")


def seen(patient, days_ago=5):
    start = timezone.now() - timedelta(days=days_ago)
    return Appointment.objects.create(
        patient=patient,
        clinician=ClinicianFactory(),
        location=LocationFactory(),
        visit_type=VisitTypeFactory(),
        start=start,
        end=start + timedelta(minutes=30),
        reserved_until=start + timedelta(minutes=30),
        status="fulfilled",
        channel="staff",
        reason_for_visit="Secret clinical reason",
    )


@pytest.fixture
def officer():
    return verified(StaffUserFactory(roles=["giving_officer"]))


def test_the_list_reads_only_the_fields_hipaa_allows():
    assert not [f for f in fundraising.ALLOWED_FIELDS if any(bad in f for bad in FORBIDDEN)]


def test_builds_an_audited_list_without_opted_out_patients(officer):
    kept, left = (
        PatientFactory(email="kept@example.test"),
        PatientFactory(email="left@example.test"),
    )
    seen(kept), seen(left)
    fundraising.set_opt_out(patient=left, opted_out=True, via="staff")
    today = timezone.localdate()

    found = fundraising.build_list(user=officer, since=today - timedelta(days=30), until=today)

    assert [p.patient_public_id for p in found] == [str(kept.public_id)]
    assert "Secret clinical reason" not in repr(found)
    assert (
        AuditEvent.objects.filter(
            action="fundraising.list_read", patient_public_id=str(kept.public_id)
        ).count()
        == 1
    )


def test_only_a_giving_officer_builds_a_list():
    with pytest.raises(PermissionDenied):
        fundraising.build_list(
            user=verified(StaffUserFactory(roles=["scheduler"])),
            since=timezone.localdate(),
            until=timezone.localdate(),
        )


def test_a_patient_who_opts_out_after_queueing_gets_no_message(officer):
    patient = PatientFactory(email="p@example.test")
    seen(patient)
    campaign = CampaignFactory()
    today = timezone.localdate()
    prospects = fundraising.build_list(user=officer, since=today - timedelta(days=30), until=today)
    assert fundraising.queue_appeal(user=officer, prospects=prospects, campaign=campaign) == 1
    note = Notification.objects.get(kind="giving.fundraising")

    # One click from the message (RFC 8058): a POST with no page, no cookie, no CSRF token.
    token = tokens.opt_out_token(patient.public_id)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/en/give/opt-out/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert FundraisingOptOut.objects.get(patient=patient).via == "one_click"

    outbox.deliver(note.pk)

    note.refresh_from_db()
    assert note.status == "cancelled"
    assert mail.outbox == []
    assert fundraising.build_list(user=officer, since=today - timedelta(days=30), until=today) == []


def test_a_sent_appeal_carries_the_one_click_unsubscribe_headers(officer):
    patient = PatientFactory(email="p@example.test")
    seen(patient)
    campaign = CampaignFactory()
    today = timezone.localdate()
    fundraising.queue_appeal(
        user=officer,
        prospects=fundraising.build_list(
            user=officer, since=today - timedelta(days=30), until=today
        ),
        campaign=campaign,
    )
    outbox.deliver(Notification.objects.get(kind="giving.fundraising").pk)

    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/give/opt-out/" in link and link in message.body


def test_opting_out_is_reversible_and_recorded():
    patient = PatientFactory()
    token = tokens.opt_out_token(patient.public_id)
    client = Client()
    client.post(f"/en/give/opt-out/{token}/")
    assert not fundraising.may_contact(str(patient.public_id))
    client.post(f"/en/give/opt-out/{token}/", {"undo": "1"})
    assert fundraising.may_contact(str(patient.public_id))
    actions = list(
        AuditEvent.objects.filter(patient_public_id=str(patient.public_id)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["fundraising.opted_out", "fundraising.opted_in"]


def test_the_privacy_notice_carries_the_fundraising_statement():
    text = Client().get("/en/privacy/").content.decode()
    assert "fundraising" in text.lower()
