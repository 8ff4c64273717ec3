"""SECURITY.md R24: proxies have their own log-in, scopes, an end date, instant revocation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.models import ProxyGrant
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)

pytestmark = pytest.mark.django_db


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_proxy_opens_the_record_with_their_own_account_and_is_audited_as_proxy():
    grant = ProxyGrantFactory(patient=PatientFactory(date_of_birth=born_years_ago(9)))
    client = _signed_in(grant.proxy)

    response = client.get(reverse("portal:record_home", args=[grant.patient.public_id]))

    assert response.status_code == 200
    assert grant.patient.family_name in response.content.decode()
    event = AuditEvent.objects.get(action="patient.viewed")
    assert event.purpose == "proxy"
    assert event.actor_public_id == str(grant.proxy.public_id)


def test_revoking_ends_access_on_the_proxys_very_next_request():
    patient_user = UserFactory()
    patient = PatientFactory(user=patient_user, date_of_birth=born_years_ago(40))
    grant = ProxyGrantFactory(patient=patient, consent_recorded_at=timezone.now())
    proxy = _signed_in(grant.proxy)
    record = reverse("portal:record_home", args=[patient.public_id])
    assert proxy.get(record).status_code == 200

    _signed_in(patient_user).post(
        reverse("portal:proxy_revoke", args=[patient.public_id, grant.public_id])
    )

    assert proxy.get(record).status_code == 404
    assert ProxyGrant.objects.get(pk=grant.pk).revoked_at is not None


def test_an_expired_grant_gives_no_access():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(6)),
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    response = _signed_in(grant.proxy).get(
        reverse("portal:record_home", args=[grant.patient.public_id])
    )

    assert response.status_code == 404


def test_an_adult_patient_grants_access_themselves_which_records_consent():
    patient_user, caregiver = UserFactory(), UserFactory(email="carer@example.test")
    patient = PatientFactory(user=patient_user, date_of_birth=born_years_ago(52))
    expires = (timezone.localdate() + timedelta(days=90)).isoformat()

    response = _signed_in(patient_user).post(
        reverse("portal:proxies", args=[patient.public_id]),
        {
            "proxy_email": "CARER@example.test",
            "relationship": "spouse",
            "scopes": ["appointments"],
            "expires_on": expires,
        },
    )

    assert response.status_code == 302
    grant = ProxyGrant.objects.get(patient=patient)
    assert grant.proxy == caregiver
    assert grant.consent_recorded_at is not None
    assert grant.scopes == ["appointments"]


def test_staff_granting_for_an_adult_must_record_the_patients_consent():
    patient = PatientFactory(date_of_birth=born_years_ago(30))
    navigator = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=navigator, patient=patient)
    UserFactory(email="carer@example.test")
    client = Client()
    sign_in_verified(client, navigator)
    data = {
        "proxy_email": "carer@example.test",
        "relationship": "caregiver",
        "scopes": ["appointments"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }

    refused = client.post(reverse("patients:staff_proxies", args=[patient.public_id]), data)
    accepted = client.post(
        reverse("patients:staff_proxies", args=[patient.public_id]), {**data, "consent_given": "on"}
    )

    assert refused.status_code == 200
    assert "needs the patient" in refused.content.decode()
    assert 'value="carer@example.test"' in refused.content.decode()  # nothing typed is lost
    assert accepted.status_code == 302
    assert ProxyGrant.objects.filter(patient=patient).count() == 1


def test_a_parents_grant_for_a_child_ends_at_eighteen_by_default():
    patient = PatientFactory(date_of_birth=born_years_ago(7))
    navigator = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=navigator, patient=patient)
    UserFactory(email="parent@example.test")
    client = Client()
    sign_in_verified(client, navigator)

    client.post(
        reverse("patients:staff_proxies", args=[patient.public_id]),
        {
            "proxy_email": "parent@example.test",
            "relationship": "parent",
            "scopes": ["appointments", "results"],
        },
    )

    grant = ProxyGrant.objects.get(patient=patient)
    assert timezone.localdate(grant.expires_at) == patient.birthday(18)


def test_a_teenagers_parent_cannot_manage_proxies_or_see_the_access_history():
    grant = ProxyGrantFactory(patient=PatientFactory(date_of_birth=born_years_ago(14)))
    client = _signed_in(grant.proxy)

    for name in ("portal:proxies", "portal:access_history"):
        assert client.get(reverse(name, args=[grant.patient.public_id])).status_code == 404
