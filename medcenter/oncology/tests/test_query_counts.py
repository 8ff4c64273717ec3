"""The oncology record's list pages cost the same queries for one row as for ten."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.oncology import services
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)
VARIANTS = [
    ("BRAF", "V600E"),
    ("KRAS", "G12C"),
    ("EGFR", "L858R"),
    ("PIK3CA", "H1047R"),
    ("TP53", "R175H"),
    ("NRAS", "Q61K"),
    ("IDH1", "R132H"),
    ("AKT1", "E17K"),
    ("KIT", "D816V"),
    ("ERBB2", "S310F"),
]


@pytest.fixture
def clinician_and_patient(client):
    clinician = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    return clinician, patient


def _panel(patient, clinician, variants, name="Panel"):
    rows = "".join(f"{gene},{change},SNV\n" for gene, change in variants)
    return services.import_genotyping_file(
        patient=patient,
        actor=clinician,
        content=f"gene,protein_change,kind\n{rows}".encode(),
        test_name=name,
        tumor_type="MEL",
        reported_on=TODAY,
    )


def _days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def _one_of_each(patient, clinician, n):
    """A diagnosis (staged, with an assessed metastatic site) and every other kind of entry."""
    record = {"patient": patient, "actor": clinician}
    primary = services.record_diagnosis(
        **record,
        description=f"Osteosarcoma {n}",  # uncoded: loading the code lists is not the point
        diagnosed_on=_days_ago(300 + n),
    )
    services.stage_tumor(
        diagnosis=primary,
        actor=clinician,
        scheme="bone_appendicular",
        categories={"n": "N0", "m": "M0", "grade": "G1"},
        facts={"size_cm": 5.0 + n},
        assessed_on=_days_ago(n),
    )
    site = services.record_diagnosis(
        **record, kind="secondary", description=f"Lung metastasis {n}", primary=primary
    )
    services.assess_metastatic_site(
        diagnosis=site, actor=clinician, assessed_on=_days_ago(n), activity="stable"
    )
    services.record_performance_status(
        **record, scale="ecog", value=n % 5, observed_on=_days_ago(n)
    )
    services.record_tumor_marker(**record, name=f"Marker {n}", value="12", observed_on=_days_ago(n))
    services.record_treatment_course(
        **record,
        regimen=f"Regimen {n}",
        setting="advanced",
        line=n + 1,
        started_on=_days_ago(200 + n),
    )
    services.record_lab_result(
        **record, test="creatinine", value=90 + n, unit="µmol/L", observed_on=_days_ago(n)
    )
    services.record_pregnancy_status(**record, status="not_pregnant", observed_on=_days_ago(n))
    _panel(patient, clinician, VARIANTS[: n + 1], name=f"Panel {n}")


def test_the_oncology_summary(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    _one_of_each(patient, clinician, 0)
    url = reverse("oncology:summary", args=[patient.public_id])

    def grow():
        for n in range(1, 5):
            _one_of_each(patient, clinician, n)

    _before, after = assert_flat_queries(lambda: client.get(url), grow)

    html = after.content.decode()
    assert after.status_code == 200
    assert all(f"Osteosarcoma {n}" in html and f"Regimen {n}" in html for n in range(5))
    assert all(f"Panel {n}" in html for n in range(5))


def test_a_molecular_report(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    shown = {"report": _panel(patient, clinician, VARIANTS[:1])}

    def fetch():
        report = shown["report"]
        return client.get(reverse("oncology:report", args=[patient.public_id, report.public_id]))

    def grow():
        shown["report"] = _panel(patient, clinician, VARIANTS, name="Large panel")

    _before, after = assert_flat_queries(fetch, grow)

    html = after.content.decode()
    assert after.status_code == 200
    assert all(gene in html for gene, _change in VARIANTS)


def test_the_staging_schemes_api_reads_no_record(client, clinician_and_patient):
    """The schemes come from code: beyond signing the clinician in, the list reads nothing."""
    client.get("/api/v1/oncology/schemes")
    with CaptureQueriesContext(connection) as seen:
        response = client.get("/api/v1/oncology/schemes")

    assert response.status_code == 200 and len(response.json()) > 1
    touched = [q["sql"] for q in seen.captured_queries if '"oncology_' in q["sql"]]
    assert touched == []
