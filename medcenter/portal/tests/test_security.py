"""SECURITY.md R12 (CSRF, no change on GET), R13 (headers on every portal page) and R16
(no stored XSS) over the Gateway's routes."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.core.models import AuditEvent
from medcenter.patients.models import ProxyGrant
from medcenter.patients.tests.factories import ProxyGrantFactory
from medcenter.patients.tests.routes import all_routes
from medcenter.portal.models import CheckIn, TrialMatchingConsent
from medcenter.portal.tests.factories import appointment
from medcenter.scheduling.tests.factories import LocationFactory, VisitTypeFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _portal_urls(patient, visit, grant):
    values = {
        "public_id": patient.public_id,
        "appointment_id": visit.public_id,
        "grant_id": grant.public_id,
        "rest": f"{patient.public_id}/",
    }
    urls = []
    for name, _view, text in all_routes(with_patterns=True):
        if name.startswith("portal:"):
            kwargs = {k: v for k, v in values.items() if f":{k}>" in text}
            urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.fixture
def everything(patient):
    visit = appointment(patient, days=1)
    grant = ProxyGrantFactory(patient=patient, relationship="spouse")
    return visit, grant


def _state(patient):
    return (
        CheckIn.objects.count(),
        TrialMatchingConsent.objects.count(),
        ProxyGrant.objects.filter(revoked_at__isnull=True).count(),
        patient.__class__.objects.get(pk=patient.pk).city,
    )


def test_no_post_without_a_csrf_token_changes_anything(patient, everything):
    visit, grant = everything
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    before = _state(patient)

    urls = _portal_urls(patient, visit, grant)
    for url in urls:
        response = client.post(url, {"city": "Elsewhere", "confirm": "on", "opted_in": "on"})
        assert response.status_code in (403, 405), url

    assert len(urls) >= 14
    assert _state(patient) == before


def test_no_get_changes_anything(patient, everything):
    visit, grant = everything
    client = Client()
    client.force_login(patient.user)
    before = _state(patient)

    for url in _portal_urls(patient, visit, grant):
        client.get(url + "?opted_in=on&confirm=on&city=Elsewhere")

    assert _state(patient) == before
    assert not AuditEvent.objects.filter(action__in=["patient.details_updated"]).exists()


def test_every_portal_page_is_no_store_and_carries_the_security_headers(patient, everything):
    visit, grant = everything
    client = Client()
    client.force_login(patient.user)

    for url in _portal_urls(patient, visit, grant):
        response = client.get(url, secure=True)
        if response.status_code in (302, 404, 405):
            continue
        assert "no-store" in response["Cache-Control"], url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_names_and_titles_are_escaped_on_every_portal_page(patient, everything):
    visit, grant = everything
    patient.preferred_name = PAYLOAD
    patient.address_line1 = PAYLOAD
    patient.save()
    visit.visit_type = VisitTypeFactory(name=PAYLOAD, instructions=PAYLOAD, telehealth=False)
    visit.location = LocationFactory(name=PAYLOAD, street=PAYLOAD)
    visit.save()
    client = Client()
    client.force_login(patient.user)

    pages = 0
    for url in _portal_urls(patient, visit, grant):
        response = client.get(url)
        if response.status_code != 200 or response["Content-Type"] != "text/html; charset=utf-8":
            continue
        pages += 1
        body = response.content.decode()
        assert PAYLOAD not in body, url
        assert "<script>alert" not in body, url

    assert pages >= 9
