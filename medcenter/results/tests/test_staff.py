"""The clinician's hold page: a hold needs a reason (a field error on the page), is audited,
refuses without CSRF (R12), and is open only to staff with the permission and a basis."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.results.models import ClinicianHold, ResultReport
from medcenter.results.tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    clinician = StaffUserFactory(roles=["clinician"])
    item = report(actor=clinician)
    CareRelationshipFactory(staff=clinician, patient=item.patient)
    client = Client()
    sign_in_verified(client, clinician)
    url = reverse(
        "results:staff_hold",
        kwargs={"public_id": item.patient.public_id, "result_id": item.public_id},
    )
    return clinician, item, client, url


def test_a_hold_without_a_reason_is_a_field_error_and_nothing_is_held(setting):
    _clinician, _item, client, url = setting

    response = client.post(url, {"action": "hold", "reason": "", "days": "3"})

    assert response.status_code == 200
    assert "field__errors" in response.content.decode()
    assert not ClinicianHold.objects.exists()
    assert AuditEvent.objects.filter(action="result.hold_refused").exists()


def test_a_hold_with_a_reason_hides_the_item_until_lifted(setting):
    clinician, item, client, url = setting

    response = client.post(url, {"action": "hold", "reason": "Tell in person", "days": "2"})

    assert response.status_code == 302
    hold = ClinicianHold.objects.get()
    assert (hold.report, hold.placed_by, hold.reason) == (item, clinician, "Tell in person")
    item.refresh_from_db()
    assert item.release_at == hold.ends_at
    client.post(url, {"action": "lift"})
    item.refresh_from_db()
    assert ResultReport.objects.filter(pk=item.pk).released(item.release_at).exists()
    hold.refresh_from_db()
    assert hold.lifted_by == clinician


def test_a_hold_without_a_csrf_token_changes_nothing(setting):
    clinician, _item, _client, url = setting
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, clinician)

    response = client.post(url, {"action": "hold", "reason": "Harm", "days": "2"})

    assert response.status_code == 403
    assert not ClinicianHold.objects.exists()


def test_a_clinician_without_a_basis_or_permission_is_refused(setting):
    _clinician, _item, _client, url = setting
    for roles in (["clinician"], ["scheduler"]):
        client = Client()
        sign_in_verified(client, StaffUserFactory(roles=roles))
        assert client.post(url, {"action": "hold", "reason": "x", "days": "2"}).status_code == 403
    assert not ClinicianHold.objects.exists()


def test_the_staff_list_shows_every_item_with_its_release(setting):
    _clinician, item, client, _url = setting
    response = client.get(
        reverse("results:staff_list", kwargs={"public_id": item.patient.public_id})
    )
    assert response.status_code == 200
    assert item.display in response.content.decode()
