"""Labelled fixtures for R5 and R24: every item says whether each viewer may see it."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)
from medcenter.results import services
from medcenter.results.tests.factories import document, report


@dataclass
class Family:
    """A 14-year-old with a parent proxy (results scope), a 10-year-old with the same
    parent, an adult with their own account, and a caregiver without the results scope."""

    teen: object
    child: object
    adult: object
    adult_user: object
    parent: object
    no_scope: object
    clinician: object
    # marker text -> True when a proxy (the parent) may see it
    labelled: dict = field(default_factory=dict)


RESTRICTED = "RESTRICTED-CONFIDENTIAL-MARKER"
HELD = "HELD-ITEM-MARKER"
PRELIMINARY = "PRELIMINARY-ITEM-MARKER"
PLAIN = "PLAIN-TEEN-RESULT"


@pytest.fixture
def family(db):
    clinician = StaffUserFactory(roles=["clinician"])
    parent = UserFactory()
    no_scope = UserFactory()
    adult_user = UserFactory()
    teen = PatientFactory(date_of_birth=born_years_ago(14), email="")
    child = PatientFactory(date_of_birth=born_years_ago(10), email="")
    adult = PatientFactory(user=adult_user)
    ProxyGrantFactory(proxy=parent, patient=teen, scopes=["results", "messages"])
    ProxyGrantFactory(proxy=parent, patient=child, scopes=["appointments"])
    ProxyGrantFactory(
        proxy=no_scope, patient=teen, scopes=["appointments"], relationship="caregiver"
    )
    CareRelationshipFactory(staff=clinician, patient=teen)
    # The teen's items: one plain, one confidential (report and document), one held, one
    # preliminary.
    report(teen, display=PLAIN, actor=clinician)
    report(teen, display=RESTRICTED, adolescent_confidential=True, actor=clinician)
    document(teen, title=RESTRICTED + " letter", adolescent_confidential=True, actor=clinician)
    held = report(teen, display=HELD, actor=clinician)
    services.place_hold(item=held, actor=clinician, reason="Tell in person first", days=3)
    report(teen, display=PRELIMINARY, status="preliminary", actor=clinician)
    document(teen, title=PLAIN + " summary", actor=clinician)
    report(child, display="CHILD-CONFIDENTIAL", adolescent_confidential=True, actor=clinician)
    report(adult, display="ADULT-RESULT", actor=clinician)
    _ = timezone.now() + timedelta(0)
    return Family(teen, child, adult, adult_user, parent, no_scope, clinician)
