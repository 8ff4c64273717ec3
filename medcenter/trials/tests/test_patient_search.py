"""A trial coordinator's name search finds only the patients of the trials they coordinate
(the basis trials registers with patients' staff search), each result audited."""

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.tests.factories import PatientFactory
from medcenter.trials.models import Candidate, ContactRequest, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    user = StaffUserFactory(roles=["trial_coordinator"])
    client = Client()
    sign_in_verified(client, user)
    return client, user


def test_a_trial_coordinator_finds_by_name_only_the_patients_of_their_trials(coordinator):
    client, user = coordinator
    mine = Trial.objects.create(nct_id="NCT99170001", brief_title="Mine", coordinator=user)
    other = Trial.objects.create(
        nct_id="NCT99170002",
        brief_title="Someone else's",
        coordinator=StaffUserFactory(roles=["trial_coordinator"]),
    )
    candidate = PatientFactory(family_name="Achterberg", given_name="Lina")
    enrolled = PatientFactory(family_name="Achterberg", given_name="Moss")
    asked = PatientFactory(family_name="Achterberg", given_name="Noor")
    dropped = PatientFactory(family_name="Achterberg", given_name="Olaf")
    elsewhere = PatientFactory(family_name="Achterberg", given_name="Pim")
    stranger = PatientFactory(family_name="Achterberg", given_name="Quin")
    Candidate.objects.create(trial=mine, patient=candidate, score=80)
    Candidate.objects.create(
        trial=mine, patient=enrolled, score=70, status="enrolled", is_current=False
    )
    Candidate.objects.create(trial=mine, patient=dropped, score=60, is_current=False)
    ContactRequest.objects.create(trial=mine, patient=asked, name="Noor Achterberg")
    Candidate.objects.create(trial=other, patient=elsewhere, score=90)

    response = client.get(reverse("patients:staff_home"), {"q": "achterberg"})
    page = response.content.decode()

    found = [r.patient for r in response.context["results"]]
    assert found == [candidate, enrolled, asked]
    assert {r.found_by for r in response.context["results"]} == {"trial"}
    for hidden in (dropped, elsewhere, stranger):
        assert hidden.mrn not in page
        assert f"Achterberg, {hidden.given_name}" not in page
    events = AuditEvent.objects.filter(action="patient.search_result")
    assert sorted(e.patient_public_id for e in events) == sorted(str(p.public_id) for p in found)
    assert {e.purpose for e in events} == {"trial"}


def test_a_trial_coordinator_finds_anyone_else_only_by_exact_mrn(coordinator):
    client, _user = coordinator
    stranger = PatientFactory(family_name="Zeldenrust")

    by_name = client.get(reverse("patients:staff_home"), {"q": "zeldenrust"})
    by_mrn = client.get(reverse("patients:staff_home"), {"q": stranger.mrn})

    assert by_name.context["results"] == []
    assert stranger.mrn not in by_name.content.decode()
    assert "search by their exact MRN" in by_name.content.decode()
    assert [r.patient for r in by_mrn.context["results"]] == [stranger]
