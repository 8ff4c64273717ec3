"""Staff search is scoped to need: a name finds only the patients a role has a basis for;
anyone else only by exact MRN (or, for registrars, full name and date of birth together).
Every search is audited, and so is each patient it returned."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.patients.selectors import search_patients
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db


def signed_in(role):
    user = StaffUserFactory(roles=[role])
    client = Client()
    sign_in_verified(client, user)
    return client, user


def search(client, **params):
    response = client.get(reverse("patients:staff_home"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def result_events():
    return AuditEvent.objects.filter(action="patient.search_result").order_by("id")


def test_a_clinician_finds_by_name_only_the_patients_they_care_for():
    client, user = signed_in("clinician")
    mine = PatientFactory(family_name="Halloran", given_name="Ines")
    theirs = PatientFactory(family_name="Halloran", given_name="Otto")
    CareRelationshipFactory(staff=user, patient=mine)

    response, page = search(client, q="halloran")

    assert [r.patient for r in response.context["results"]] == [mine]
    assert mine.mrn in page
    assert theirs.mrn not in page and "Halloran, Otto" not in page
    assert [e.patient_public_id for e in result_events()] == [str(mine.public_id)]
    assert result_events().get().purpose == "care_relationship"


def test_a_break_the_glass_grant_is_a_basis_for_a_name_search():
    client, user = signed_in("clinician")
    patient = PatientFactory(family_name="Brightwater")
    BreakGlassGrantFactory(user=user, patient=patient)

    response, _page = search(client, q="brightwater")

    assert [r.found_by for r in response.context["results"]] == ["break_glass"]


def test_without_a_basis_a_name_finds_nobody_and_the_page_says_how_to_search():
    client, _user = signed_in("clinician")
    stranger = PatientFactory(family_name="Quennell", given_name="Ysolde")

    response, page = search(client, q="quennell")

    assert response.context["results"] == []
    assert stranger.mrn not in page and "Ysolde" not in page
    assert "search by their exact MRN" in page
    assert not result_events().exists()
    searched = AuditEvent.objects.get(action="patient.searched")
    assert searched.reason == "name; 0 found"


def test_anyone_with_patient_access_finds_a_patient_by_exact_mrn():
    client, _user = signed_in("clinician")
    stranger = PatientFactory(family_name="Quennell", given_name="Ysolde")

    response, page = search(client, q=stranger.mrn)

    assert [r.patient for r in response.context["results"]] == [stranger]
    assert "Quennell" in page
    event = result_events().get()
    assert event.patient_public_id == str(stranger.public_id)
    assert event.purpose == "mrn"
    assert event.outcome == "success"


def test_registration_finds_anyone_by_full_name_and_birth_date_together():
    client, _user = signed_in("scheduler")
    born = date(1962, 3, 14)
    wanted = PatientFactory(given_name="Marta", family_name="Oyelaran", date_of_birth=born)
    namesake = PatientFactory(
        given_name="Marta", family_name="Oyelaran", date_of_birth=date(1970, 1, 1)
    )
    PatientFactory(given_name="Marta", family_name="Oyelaran-Smith", date_of_birth=born)

    by_name, name_page = search(client, q="Marta Oyelaran")
    by_both, both_page = search(client, q="oyelaran marta", born=born.isoformat())
    partial, _ = search(client, q="Oyelaran", born=born.isoformat())

    assert by_name.context["results"] == []
    assert "by full name and date of birth" in name_page
    assert wanted.mrn not in name_page and namesake.mrn not in name_page
    assert [r.patient for r in by_both.context["results"]] == [wanted]
    assert namesake.mrn not in both_page
    assert partial.context["results"] == []
    assert [e.patient_public_id for e in result_events()] == [str(wanted.public_id)]
    assert result_events().get().purpose == "name_and_birth_date"
    reasons = AuditEvent.objects.filter(action="patient.searched").values_list("reason", flat=True)
    assert list(reasons.order_by("id")) == [
        "name; 0 found",
        "name_and_birth_date; 1 found",
        "name; 0 found",
    ]


def test_only_registrars_may_identify_by_name_and_birth_date():
    client, _user = signed_in("clinician")
    born = date(1962, 3, 14)
    PatientFactory(given_name="Marta", family_name="Oyelaran", date_of_birth=born)

    response, page = search(client, q="Marta Oyelaran", born=born.isoformat())

    assert response.context["results"] == []
    assert 'name="born"' not in page


def test_an_international_coordinator_finds_strangers_only_by_mrn_or_identity():
    # There is no international case model yet: the role's only name basis is a care
    # relationship (the case kind), so a name alone finds nobody else.
    client, user = signed_in("international_coordinator")
    case = PatientFactory(family_name="Okonkwo", given_name="Ada")
    stranger = PatientFactory(family_name="Okonkwo", given_name="Bea")
    CareRelationshipFactory(staff=user, patient=case, kind="case")

    response, page = search(client, q="okonkwo")
    by_mrn, _ = search(client, q=stranger.mrn)

    assert [r.patient for r in response.context["results"]] == [case]
    assert stranger.mrn not in page and "Okonkwo, Bea" not in page
    assert [r.patient for r in by_mrn.context["results"]] == [stranger]


def test_every_returned_patient_is_audited_once_per_search():
    client, user = signed_in("nurse_navigator")
    patients = PatientFactory.create_batch(3, family_name="Vasquez-Lind")
    for patient in patients:
        CareRelationshipFactory(staff=user, patient=patient)

    search(client, q="vasquez")

    assert AuditEvent.objects.filter(action="patient.searched").count() == 1
    assert sorted(e.patient_public_id for e in result_events()) == sorted(
        str(p.public_id) for p in patients
    )
    assert {e.actor_public_id for e in result_events()} == {str(user.public_id)}
    # All of one search's events carry that request's id (from the request context).
    searched = AuditEvent.objects.get(action="patient.searched")
    assert searched.request_id
    assert {e.request_id for e in result_events()} == {searched.request_id}


def test_a_search_is_atomic_with_its_audit(monkeypatch):
    from medcenter.core import audit
    from medcenter.core.audit import AuditWriteFailed

    user = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory(family_name="Penhallow")
    CareRelationshipFactory(staff=user, patient=patient)
    real = audit.record

    def failing(**kwargs):
        if kwargs["action"] == "patient.search_result":
            raise AuditWriteFailed("disk full")
        return real(**kwargs)

    monkeypatch.setattr(audit, "record", failing)

    with pytest.raises(AuditWriteFailed):
        search_patients(user, query="penhallow")

    assert not AuditEvent.objects.filter(action="patient.searched").exists()


def _selection_queries(count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = StaffUserFactory(roles=["clinician"])
    for patient in PatientFactory.create_batch(count, family_name=f"Trevanion{count}"):
        CareRelationshipFactory(staff=user, patient=patient)
    with CaptureQueriesContext(connection) as queries:
        found = search_patients(user, query=f"trevanion{count}")
    assert len(found.results) == count
    return [q["sql"] for q in queries if "patients_" in q["sql"] or "trials_" in q["sql"]]


def test_finding_patients_costs_the_same_queries_for_one_result_or_ten():
    # The audit adds its events (one per result); reading the patients does not grow.
    one, ten = _selection_queries(1), _selection_queries(10)

    assert len(one) == len(ten) <= 6


def test_patients_learns_other_apps_bases_from_their_registration_not_by_importing_them():
    from pathlib import Path

    import medcenter.patients
    from medcenter.patients.access import search_bases

    package = Path(medcenter.patients.__file__).parent
    sources = [p for p in package.glob("*.py")]
    assert not [p.name for p in sources if "medcenter.trials" in p.read_text()]
    assert {"care_relationship", "break_glass", "trial"} <= {b.key for b in search_bases()}


@pytest.mark.parametrize("born", ["0001-01-01", "9999-12-31", "99999-01-01", "not a date", "\x00"])
def test_any_birth_date_answers_a_page_not_an_error(born):
    client, _user = signed_in("scheduler")

    response = client.get(reverse("patients:staff_home"), {"q": "Ada Lovelace", "born": born})

    assert response.status_code in (200, 400)
    assert not result_events().exists()
