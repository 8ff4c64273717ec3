"""Filing by hand in the admin: a document is checked by content and stored encrypted; a
report's release is worked out on save."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.tests.factories import PatientFactory
from medcenter.results.models import Document
from medcenter.results.tests.factories import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    sign_in_verified(client, StaffUserFactory(is_superuser=True))
    return client


def _form(patient, upload):
    return {
        "patient": patient.pk,
        "kind": "letter",
        "title": "Letter after your visit",
        "document_date": timezone.localdate().isoformat(),
        "author": "Clinic",
        "sensitive_type": "",
        "file": upload,
    }


def test_a_document_filed_in_the_admin_is_checked_stored_and_released(admin_client):
    patient = PatientFactory()
    response = admin_client.post(
        reverse("admin:results_document_add"),
        _form(patient, SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(patient=patient)
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    assert document.release_at is not None
    assert AuditEvent.objects.filter(action="document.filed").exists()


def test_a_refused_file_is_a_field_error(admin_client):
    patient = PatientFactory()
    response = admin_client.post(
        reverse("admin:results_document_add"),
        _form(
            patient,
            SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        ),
    )
    assert response.status_code == 200
    assert not Document.objects.exists()
