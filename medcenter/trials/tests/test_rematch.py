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
    assert ewing.is_current and ewing.explanation
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
    with django_assert_max_num_queries(7):
        bulk = profiles.profiles_for_patients(everyone)
    for patient in everyone:
        one = profiles.profile_for_patient(patient)
        assert bulk[patient.pk] == one
    assert bulk[others[2].pk].oncotree == ["LUAD"] and bulk[others[2].pk].ecog == 1
