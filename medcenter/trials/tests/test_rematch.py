"""Background matching keeps each patient's candidates current, and the teams' decisions."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.oncology import services as oncology
from medcenter.patients.tests.factories import PatientFactory
from medcenter.trials import services
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Candidate, CandidateStatus, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def ewing_patient():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    patient = PatientFactory(sex="male", date_of_birth=date(date.today().year - 17, 1, 1))
    oncology.record_diagnosis(
        patient=patient, actor=None, description="Ewing sarcoma", oncotree_code="ES"
    )
    return patient


def test_a_patient_is_matched_once_until_the_record_or_catalogue_changes(ewing_patient):
    assert services.patients_to_rematch() == [ewing_patient.pk]
    services.rematch_patient(patient=ewing_patient)
    ewing = Candidate.objects.get(patient=ewing_patient, trial__nct_id="NCT99002001")
    assert ewing.is_current
    assert services.rematch_patient(patient=ewing_patient) == 0  # nothing changed, no writes
    assert services.patients_to_rematch() == []
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=5)):
        oncology.record_performance_status(
            patient=ewing_patient,
            actor=None,
            scale="karnofsky",
            value=90,
            observed_on=date(2026, 11, 1),
        )
        assert services.patients_to_rematch() == [ewing_patient.pk]
        services.rematch_patient(patient=ewing_patient)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=10)):
        Trial.objects.filter(nct_id="NCT99002002").update(updated_at=timezone.now())
        assert services.patients_to_rematch() == [ewing_patient.pk]


def test_a_decided_candidate_stays_in_the_log_when_it_no_longer_matches(ewing_patient):
    services.rematch_patient(patient=ewing_patient)
    candidate = Candidate.objects.get(patient=ewing_patient, trial__nct_id="NCT99002001")
    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    services.decide_candidate(
        candidate=candidate, status=CandidateStatus.CONTACTED, reason="", actor=coordinator
    )
    Trial.objects.filter(nct_id="NCT99002001").update(
        maximum_age_years=16, updated_at=timezone.now() + timezone.timedelta(seconds=1)
    )
    services.rematch_patient(patient=ewing_patient)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONTACTED and not candidate.is_current
    assert candidate.events.count() == 1


def test_not_eligible_needs_a_reason(ewing_patient):
    from django.core.exceptions import ValidationError

    services.rematch_patient(patient=ewing_patient)
    candidate = Candidate.objects.filter(patient=ewing_patient).first()
    with pytest.raises(ValidationError):
        services.decide_candidate(
            candidate=candidate, status=CandidateStatus.INELIGIBLE, reason=" ", actor=None
        )


def test_profiles_are_read_in_bulk_with_the_same_answers(
    ewing_patient, django_assert_max_num_queries
):
    from medcenter.patients.models import Patient
    from medcenter.trials import profiles

    others = []
    for code in ("OS", "CHS", "LUAD"):
        patient = PatientFactory(sex="female", date_of_birth=date(1970, 5, 1))
        oncology.record_diagnosis(patient=patient, actor=None, description=code, oncotree_code=code)
        oncology.record_performance_status(
            patient=patient, actor=None, scale="ecog", value=1, observed_on=date(2026, 10, 1)
        )
        others.append(patient)
    everyone = list(Patient.objects.filter(pk__in=[ewing_patient.pk] + [p.pk for p in others]))
    with django_assert_max_num_queries(12):
        bulk = profiles.profiles_for_patients(everyone)
    for patient in everyone:
        one = profiles.profile_for_patient(patient)
        assert bulk[patient.pk] == one
    assert bulk[others[2].pk].oncotree == ["LUAD"] and bulk[others[2].pk].ecog == 1


def test_bulk_rematching_keeps_what_the_matcher_finds_patient_by_patient(ewing_patient):
    from medcenter.trials import profiles, selectors

    patients = [ewing_patient]
    for code, age in (("OS", 15), ("CHS", 52), ("LUAD", 64), ("ES", 25)):
        patient = PatientFactory(sex="female", date_of_birth=date(date.today().year - age, 2, 1))
        oncology.record_diagnosis(patient=patient, actor=None, description=code, oncotree_code=code)
        patients.append(patient)
    # A cancer on record with no code: eligible for many trials, a candidate for none.
    vague = PatientFactory(sex="male", date_of_birth=date(1960, 3, 1))
    oncology.record_diagnosis(patient=vague, actor=None, description="Cancer, work-up ongoing")
    patients.append(vague)
    ids = [p.pk for p in patients]
    changed = services.rematch_patients(patient_ids=ids, chunk=2)  # three chunks
    assert changed == Candidate.objects.count() > 0
    population = selectors.open_population()
    assert population.rank(profiles.profile_for_patient(vague))  # eligible, only unknowns
    assert not Candidate.objects.filter(patient=vague).exists()
    for patient in patients:
        ranked = population.rank(profiles.profile_for_patient(patient))
        expected = [(m.trial_id, m.score, m.met, m.unknown) for m in ranked if m.anchored]
        expected = expected[: services.MAX_CANDIDATES_PER_PATIENT]
        assert all(m.not_met == 0 for m in ranked)
        stored = sorted(
            Candidate.objects.filter(patient=patient).values_list(
                "trial_id", "score", "met", "unknown"
            )
        )
        assert stored == sorted(expected)
    assert services.patients_to_rematch() == []
    assert services.rematch_patients(patient_ids=ids, chunk=2) == 0


def test_the_candidate_page_explains_from_the_record_and_a_decision_keeps_it(client, ewing_patient):
    from medcenter.accounts.tests.factories import sign_in_verified
    from medcenter.patients.models import CareRelationship

    services.rematch_patient(patient=ewing_patient)
    candidate = Candidate.objects.get(patient=ewing_patient, trial__nct_id="NCT99002001")
    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    CareRelationship.objects.create(patient=ewing_patient, staff=coordinator, kind="care_team")
    sign_in_verified(client, coordinator)
    url = f"/en/staff/trials/candidates/{candidate.public_id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["match"].eligible
    assert "Ewing Sarcoma (ES) is within Ewing Sarcoma" in page.content.decode()
    saved = client.post(url, {"status": "contacted", "reason": ""})
    assert saved.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONTACTED
    assert any(v["kind"] == "diagnosis" and v["outcome"] == "met" for v in candidate.explanation)


def _coordinator_client(client, trial):
    from medcenter.accounts.tests.factories import sign_in_verified

    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    Trial.objects.filter(pk=trial.pk).update(coordinator=coordinator)
    sign_in_verified(client, coordinator)
    return coordinator


def test_a_trials_coordinator_may_review_its_candidate_without_a_care_relationship(
    client, ewing_patient
):
    from medcenter.core.models import AuditEvent

    services.rematch_patient(patient=ewing_patient)
    candidate = Candidate.objects.get(patient=ewing_patient, trial__nct_id="NCT99002001")
    _coordinator_client(client, candidate.trial)
    page = client.get(f"/en/staff/trials/candidates/{candidate.public_id}/")
    assert page.status_code == 200
    seen = AuditEvent.objects.filter(action="trial_candidate.viewed").latest("pk")
    assert seen.purpose == "research_prescreen" and seen.outcome == "success"
    # The basis opens that page only: not the patient's chart.
    chart = client.get(f"/en/staff/patients/{ewing_patient.public_id}/")
    assert chart.status_code == 403


def test_another_trials_coordinator_or_a_dropped_candidate_is_refused(client, ewing_patient):
    services.rematch_patient(patient=ewing_patient)
    candidate = Candidate.objects.get(patient=ewing_patient, trial__nct_id="NCT99002001")
    other_trial = Trial.objects.exclude(pk=candidate.trial_id).first()
    _coordinator_client(client, other_trial)
    assert client.get(f"/en/staff/trials/candidates/{candidate.public_id}/").status_code == 403

    client.logout()
    _coordinator_client(client, candidate.trial)
    Candidate.objects.filter(pk=candidate.pk).update(is_current=False)  # no longer matched
    assert client.get(f"/en/staff/trials/candidates/{candidate.public_id}/").status_code == 403


def test_after_a_large_write_postgresql_statistics_are_refreshed(ewing_patient, monkeypatch):
    """A first fill writes millions of candidates; the next chunk's read must see them in the
    planner's statistics, or PostgreSQL scans the whole table for each batch of patients."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 1)
    with CaptureQueriesContext(connection) as seen:
        assert services.rematch_patients(patient_ids=[ewing_patient.pk]) > 0
    analyzed = [q["sql"] for q in seen.captured_queries if q["sql"].startswith("ANALYZE")]
    assert len(analyzed) == (1 if connection.vendor == "postgresql" else 0)
    assert Candidate.objects.filter(patient=ewing_patient, is_current=True).exists()
    with CaptureQueriesContext(connection) as seen:
        assert services.rematch_patients(patient_ids=[ewing_patient.pk]) == 0  # nothing written
    assert not [q for q in seen.captured_queries if q["sql"].startswith("ANALYZE")]
