"""The access rules, one by one (patients/access.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, verified
from medcenter.patients.access import ALL_SCOPES, Basis, resolve_access
from medcenter.patients.models import ProxyRelationship
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)

pytestmark = pytest.mark.django_db


def test_a_patient_sees_their_own_record_fully():
    user = UserFactory()
    patient = PatientFactory(user=user)

    access = resolve_access(user, patient)

    assert access.basis == Basis.SELF
    assert access.scopes == ALL_SCOPES
    assert access.sees_confidential


def test_a_patient_cannot_see_another_patients_record():
    assert resolve_access(PatientFactory(user=UserFactory()).user, PatientFactory()) is None


def test_staff_see_a_patient_through_an_active_care_relationship():
    relationship = CareRelationshipFactory()

    access = resolve_access(verified(relationship.staff), relationship.patient)

    assert access.basis == "care_team"


def test_staff_without_a_relationship_see_nothing():
    assert resolve_access(verified(StaffUserFactory(roles=["clinician"])), PatientFactory()) is None


def test_an_ended_relationship_gives_no_access():
    relationship = CareRelationshipFactory(ends_at=timezone.now() - timedelta(minutes=1))

    assert resolve_access(verified(relationship.staff), relationship.patient) is None


def test_staff_need_their_second_factor_even_with_a_relationship():
    relationship = CareRelationshipFactory()

    assert resolve_access(relationship.staff, relationship.patient) is None


def test_staff_need_the_view_permission_even_with_a_relationship():
    relationship = CareRelationshipFactory(staff=StaffUserFactory(roles=["giving_officer"]))

    assert resolve_access(verified(relationship.staff), relationship.patient) is None


def test_a_disabled_account_sees_nothing():
    user = UserFactory(is_active=False)

    assert resolve_access(user, PatientFactory(user=user)) is None


def test_break_the_glass_gives_access_for_sixty_minutes_only():
    grant = BreakGlassGrantFactory()
    staff = verified(grant.user)

    assert resolve_access(staff, grant.patient).basis == Basis.BREAK_GLASS
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert resolve_access(staff, grant.patient) is None


def test_a_parent_has_full_access_to_a_child_under_twelve():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(11)), scopes=["appointments"]
    )

    access = resolve_access(grant.proxy, grant.patient)

    assert access.scopes == ALL_SCOPES
    assert access.sees_confidential


def test_a_parent_of_a_teenager_has_only_the_granted_scopes_and_no_confidential_items():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(14)), scopes=["appointments", "billing"]
    )

    access = resolve_access(grant.proxy, grant.patient)

    assert access.scopes == {"appointments", "billing"}
    assert not access.sees_confidential


def test_a_non_parent_caregiver_of_a_child_gets_only_the_granted_scopes():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(8)),
        relationship=ProxyRelationship.CAREGIVER,
        scopes=["appointments"],
    )

    assert resolve_access(grant.proxy, grant.patient).scopes == {"appointments"}


def test_a_childhood_grant_ends_at_eighteen_without_the_adults_consent():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(18)), consent_recorded_at=None
    )

    assert resolve_access(grant.proxy, grant.patient) is None


def test_consent_given_before_eighteen_does_not_count():
    patient = PatientFactory(date_of_birth=born_years_ago(18, days=10))
    grant = ProxyGrantFactory(
        patient=patient, consent_recorded_at=timezone.now() - timedelta(days=30)
    )

    assert resolve_access(grant.proxy, patient) is None


def test_an_adult_proxy_with_consent_sees_the_granted_scopes():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(40)),
        scopes=["results"],
        consent_recorded_at=timezone.now(),
    )

    access = resolve_access(grant.proxy, grant.patient)

    assert access.basis == Basis.PROXY
    assert access.scopes == {"results"}


def test_expired_and_revoked_grants_give_no_access():
    expired = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(5)),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    revoked = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(5)), revoked_at=timezone.now()
    )

    assert resolve_access(expired.proxy, expired.patient) is None
    assert resolve_access(revoked.proxy, revoked.patient) is None
