"""Clinical dates are plausible: never in the future, never before the patient's birth. The
rule lives in the services, so the staff forms, the API and the mCODE import all keep it
(issue 17: a performance status dated 9999-12-31 or 0001-01-01 was saved)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.oncology import services
from medcenter.oncology.models import CancerDiagnosis, PerformanceStatus
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1960, 5, 17)


def _implausible():
    today = timezone.localdate()
    return [
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
        BORN - datetime.timedelta(days=1),
        today + datetime.timedelta(days=1),
    ]


@pytest.fixture
def patient():
    return PatientFactory(date_of_birth=BORN)


@pytest.fixture
def diagnosis(patient):
    return services.record_diagnosis(
        patient=patient,
        actor=None,
        description="Adenocarcinoma of the lung",
        oncotree_code="LUAD",
        diagnosed_on=datetime.date(2024, 3, 1),
    )


def _records(patient, diagnosis, day):
    """Each service that keeps a clinical date, called with `day` as that date."""
    return {
        "diagnosed_on": lambda: services.record_diagnosis(
            patient=patient, actor=None, description="Lung", diagnosed_on=day
        ),
        "assessed_on": lambda: services.stage_tumor(
            diagnosis=diagnosis,
            actor=None,
            scheme="nsclc",
            categories={"t": "cT1a", "n": "cN0", "m": "cM0"},
            assessed_on=day,
        ),
        "reported": lambda: services.record_reported_stage(
            diagnosis=diagnosis, actor=None, system="Other", stage_group="II", assessed_on=day
        ),
        "performance": lambda: services.record_performance_status(
            patient=patient, actor=None, scale="ecog", value=1, observed_on=day
        ),
        "lab": lambda: services.record_lab_result(
            patient=patient, actor=None, test="hemoglobin", value=12, unit="g/dL", observed_on=day
        ),
        "pregnancy": lambda: services.record_pregnancy_status(
            patient=patient, actor=None, status="not_pregnant", observed_on=day
        ),
        "treatment": lambda: services.record_treatment_course(
            patient=patient, actor=None, regimen="Cisplatin", setting="adjuvant", started_on=day
        ),
        "marker": lambda: services.record_tumor_marker(
            patient=patient, actor=None, name="PSA", value="4.1", observed_on=day
        ),
        "genotyping": lambda: services.record_genotyping_report(
            patient=patient,
            actor=None,
            test_name="Panel",
            tumor_type="LUAD",
            reported_on=day,
            alterations=[],
        ),
    }


RECORDS = [
    "diagnosed_on",
    "assessed_on",
    "reported",
    "performance",
    "lab",
    "pregnancy",
    "treatment",
    "marker",
    "genotyping",
]


@pytest.mark.parametrize("which", RECORDS)
@pytest.mark.parametrize("index", range(4), ids=["year-1", "year-9999", "before-birth", "tomorrow"])
def test_an_implausible_clinical_date_is_refused_by_the_service(patient, diagnosis, which, index):
    day = _implausible()[index]
    with pytest.raises(ValidationError) as refused:
        _records(patient, diagnosis, day)[which]()
    messages = " ".join(refused.value.messages)
    assert "future" in messages or "date of birth (1960-05-17)" in messages


@pytest.mark.parametrize("which", RECORDS)
def test_a_plausible_date_is_kept(patient, diagnosis, which):
    for day in (BORN, timezone.localdate()):
        _records(patient, diagnosis, day)[which]()


def test_the_performance_form_shows_the_refusal_and_saves_nothing(client, patient):
    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    url = reverse("oncology:performance_new", args=[patient.public_id])
    for day in ("9999-12-31", "0001-01-01"):
        response = client.post(url, {"scale": "ecog", "value": "1", "observed_on": day})
        page = response.content.decode()
        assert response.status_code < 500
        assert "future" in page or "date of birth" in page
    assert not PerformanceStatus.objects.filter(patient=patient).exists()
    assert CancerDiagnosis.objects.filter(patient=patient).count() == 0
