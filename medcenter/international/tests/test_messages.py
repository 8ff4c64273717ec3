"""A patient with an open international case writes to the international team from the
Patient Gateway; the case page links there once the case is linked to their record."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import UserFactory
from medcenter.international import selectors, services
from medcenter.international.models import Case
from medcenter.international.tests.factories import coordinator, new_case
from medcenter.messaging.models import Pool
from medcenter.messaging.selectors import offered_pools
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Pool.objects.create(slug="international", kind="international", reply_business_days=2)


def test_the_international_team_is_offered_only_while_a_case_is_open(team):
    patient = PatientFactory(user=UserFactory())
    assert team not in offered_pools(patient)
    case = new_case()
    services.link_patient(case=case, patient=patient, actor=coordinator())
    assert team in offered_pools(patient)
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert team not in offered_pools(patient)


def test_the_case_page_links_the_patient_to_their_messages(team):
    user = UserFactory()
    patient = PatientFactory(user=user)
    case = new_case()
    case.account = user
    case.save()
    assert selectors.get_case_for_follower(user, public_id=case.public_id).message_url == ""
    services.link_patient(case=case, patient=patient, actor=coordinator())
    found = selectors.get_case_for_follower(user, public_id=case.public_id)
    assert found.message_url == reverse(
        "messaging:portal_new_thread", kwargs={"public_id": patient.public_id}
    )
    client = Client()
    client.force_login(user)
    page = client.get(found.message_url)
    assert page.status_code == 200
    assert "international" in page.content.decode().lower()
