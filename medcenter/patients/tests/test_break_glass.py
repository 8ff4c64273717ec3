"""SECURITY.md R23: reason required, 60 minutes, audited, reviewed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.models import BreakGlassGrant, BreakGlassReview
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

REASON = "Patient collapsed in the infusion suite; need allergies and current regimen."


@pytest.fixture
def clinician(client):
    user = StaffUserFactory(roles=["clinician"])
    sign_in_verified(client, user)
    return user


def test_staff_without_a_relationship_are_refused_and_offered_the_glass(client, clinician):
    patient = PatientFactory()

    response = client.get(reverse("patients:staff_detail", args=[patient.public_id]))

    assert response.status_code == 403
    assert reverse("patients:break_glass", args=[patient.public_id]) in response.content.decode()
    assert patient.family_name not in response.content.decode()


def test_without_a_reason_there_is_no_access(client, clinician):
    patient = PatientFactory()

    response = client.post(
        reverse("patients:break_glass", args=[patient.public_id]), {"reason": "need"}
    )

    assert response.status_code == 400
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("patients:staff_detail", args=[patient.public_id])).status_code == 403


def test_with_a_reason_the_record_opens_for_sixty_minutes_and_every_use_is_audited(
    client, clinician
):
    patient = PatientFactory()
    detail = reverse("patients:staff_detail", args=[patient.public_id])

    response = client.post(
        reverse("patients:break_glass", args=[patient.public_id]), {"reason": REASON}
    )

    assert response.status_code == 302
    assert client.get(detail).status_code == 200
    uses = AuditEvent.objects.filter(
        patient_public_id=str(patient.public_id), purpose="break_glass"
    )
    assert uses.filter(action="patient.break_glass", reason=REASON).count() == 1
    assert uses.filter(action="patient.viewed").count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        client.logout()
        sign_in_verified(client, clinician)  # a fresh session: only the grant has expired
        assert client.get(detail).status_code == 403


def test_roles_that_may_not_break_the_glass_are_refused(client):
    sign_in_verified(client, StaffUserFactory(roles=["trial_coordinator"]))
    patient = PatientFactory()

    response = client.post(
        reverse("patients:break_glass", args=[patient.public_id]), {"reason": REASON}
    )

    assert response.status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_every_use_waits_in_the_privacy_officers_queue_until_reviewed(client, clinician):
    patient = PatientFactory()
    client.post(reverse("patients:break_glass", args=[patient.public_id]), {"reason": REASON})
    grant = BreakGlassGrant.objects.get()
    officer = StaffUserFactory(roles=["privacy_officer"])
    sign_in_verified(client, officer)

    queue = client.get(reverse("patients:break_glass_queue"))
    assert REASON in queue.content.decode()
    client.post(
        reverse("patients:break_glass_review", args=[grant.public_id]),
        {"outcome": "inappropriate", "note": "No clinical need found."},
    )

    grant.refresh_from_db()
    assert grant.review == BreakGlassReview.INAPPROPRIATE
    assert grant.reviewed_by == officer
    assert REASON not in client.get(reverse("patients:break_glass_queue")).content.decode()


def test_nobody_reviews_their_own_break_the_glass(client):
    officer = StaffUserFactory(roles=["privacy_officer", "clinician"])
    sign_in_verified(client, officer)
    patient = PatientFactory()
    client.post(reverse("patients:break_glass", args=[patient.public_id]), {"reason": REASON})

    client.post(
        reverse("patients:break_glass_review", args=[BreakGlassGrant.objects.get().public_id]),
        {"outcome": "appropriate"},
    )

    assert BreakGlassGrant.objects.get().review == BreakGlassReview.PENDING


def test_a_refused_break_the_glass_stays_in_the_audit_log():
    from django.core.exceptions import PermissionDenied

    from medcenter.patients.services import break_the_glass

    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    coordinator.is_verified = lambda: True
    patient = PatientFactory()

    with pytest.raises(PermissionDenied):
        break_the_glass(user=coordinator, patient=patient, reason=REASON)

    assert not BreakGlassGrant.objects.exists()
    refused = AuditEvent.objects.filter(
        action="patient.break_glass", outcome="denied", patient_public_id=str(patient.public_id)
    )
    assert refused.count() == 1
