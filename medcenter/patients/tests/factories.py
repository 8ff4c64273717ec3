from datetime import date, timedelta

import factory
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.patients.models import (
    BreakGlassGrant,
    CareRelationship,
    Patient,
    ProxyGrant,
    ProxyRelationship,
    RelationshipKind,
)
from medcenter.patients.services import generate_mrn


def born_years_ago(years: int, days: int = 30) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.LazyFunction(generate_mrn)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = factory.LazyFunction(lambda: born_years_ago(45))
    sex = "female"
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
    city = "Fairhaven"


class CareRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareRelationship

    staff = factory.SubFactory(StaffUserFactory, roles=["clinician"])
    patient = factory.SubFactory(PatientFactory)
    kind = RelationshipKind.CARE_TEAM


class ProxyGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProxyGrant

    proxy = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    relationship = ProxyRelationship.PARENT
    scopes = factory.LazyFunction(lambda: ["appointments", "messages"])
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))
    granted_by = factory.SubFactory(StaffUserFactory)


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    user = factory.SubFactory(StaffUserFactory, roles=["clinician"])
    patient = factory.SubFactory(PatientFactory)
    reason = "Patient arrived unconscious in the emergency department."
    expires_at = factory.LazyFunction(lambda: timezone.now() + BreakGlassGrant.DURATION)
