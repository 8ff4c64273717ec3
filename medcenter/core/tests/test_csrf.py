"""SECURITY.md R12: every state-changing request needs a CSRF token; GET never changes state."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.models import Patient, ProxyGrant
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    ProxyGrantFactory,
)
from medcenter.patients.tests.routes import all_routes

pytestmark = pytest.mark.django_db


def test_no_post_without_a_csrf_token_gets_through(world):
    superuser = StaffUserFactory(is_superuser=True, roles=["clinician", "privacy_officer"])
    CareRelationshipFactory(staff=superuser, patient=world.patient_b)
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, superuser)
    values = {
        "public_id": world.patient_b.public_id,
        "grant_id": world.b_grant.public_id,
        "token": "x",
        "uidb64": "x",
    }
    before = (Patient.objects.count(), ProxyGrant.objects.filter(revoked_at__isnull=True).count())
    refused = 0
    for name, _view, text in all_routes(with_patterns=True):
        if not name.startswith(("accounts:", "patients:", "pages:")):
            continue
        kwargs = {k: v for k, v in values.items() if f"<{k}>" in text or f":{k}>" in text}
        response = client.post(reverse(name, kwargs=kwargs), {"reason": "x" * 40, "code": "1"})
        assert response.status_code in (403, 405), name
        refused += 1
    assert refused >= 30
    assert (
        Patient.objects.count(),
        ProxyGrant.objects.filter(revoked_at__isnull=True).count(),
    ) == before


def test_actions_that_change_state_refuse_get(world):
    client = Client()
    sign_in_verified(client, world.clinician_a)
    BreakGlassGrantFactory()
    grant = ProxyGrantFactory(patient=world.patient_a)
    for url in (
        reverse("patients:staff_activation_code", args=[world.patient_a.public_id]),
        reverse("patients:staff_proxy_revoke", args=[world.patient_a.public_id, grant.public_id]),
        reverse("accounts:logout"),
        reverse("accounts:session_extend"),
    ):
        assert client.get(url).status_code == 405, url
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert not AuditEvent.objects.filter(action="proxy.revoked").exists()
