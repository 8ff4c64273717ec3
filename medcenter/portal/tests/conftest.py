import pytest
from django.test import Client

from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def patient(db):
    return PatientFactory(user=UserFactory(), given_name="Talia", family_name="Brookside")


@pytest.fixture
def patient_client(patient):
    return signed_in(patient.user)


@pytest.fixture
def teen_grant(db):
    """A parent's grant for a 14-year-old: appointments only."""
    return ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(14)), scopes=["appointments"]
    )
