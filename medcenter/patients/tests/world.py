from dataclasses import dataclass

import pytest

from medcenter.accounts.models import User
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.patients.models import BreakGlassGrant, Patient, ProxyGrant
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)


@dataclass
class World:
    """Two patients, A and B, and everyone around them."""

    patient_a: Patient
    user_a: User
    patient_b: Patient
    user_b: User
    child_a: Patient  # A's 10-year-old; A is the parent proxy
    proxy_of_b: User
    b_grant: ProxyGrant
    b_break_glass: BreakGlassGrant
    clinician_a: User  # care team of A only
    coordinator: User  # view permission, no relationship, may not break the glass
    privacy_officer: User


@pytest.fixture
def world(db):
    user_a, user_b = UserFactory(full_name="Ada Alpha"), UserFactory(full_name="Bea Bravo")
    patient_a = PatientFactory(given_name="Ada", family_name="Alphaline", user=user_a)
    patient_b = PatientFactory(
        given_name="Beatrix",
        family_name="Bravowood",
        user=user_b,
        email="beatrix.bravowood@example.test",
    )
    child_a = PatientFactory(
        given_name="Cyd", family_name="Alphaline", date_of_birth=born_years_ago(10)
    )
    ProxyGrantFactory(proxy=user_a, patient=child_a)
    proxy_of_b = UserFactory()
    b_grant = ProxyGrantFactory(proxy=proxy_of_b, patient=patient_b)
    clinician_a = StaffUserFactory(roles=["clinician", "nurse_navigator"])
    CareRelationshipFactory(staff=clinician_a, patient=patient_a)
    b_break_glass = BreakGlassGrantFactory(patient=patient_b)
    return World(
        patient_a=patient_a,
        user_a=user_a,
        patient_b=patient_b,
        user_b=user_b,
        child_a=child_a,
        proxy_of_b=proxy_of_b,
        b_grant=b_grant,
        b_break_glass=b_break_glass,
        clinician_a=clinician_a,
        coordinator=StaffUserFactory(roles=["trial_coordinator"]),
        privacy_officer=StaffUserFactory(roles=["privacy_officer"]),
    )
