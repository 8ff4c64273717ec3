"""The oncology record's staff pages and services, end to end through the access layer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.core.tests.pdftext import as_drawn, read_lines
from medcenter.oncology import selectors, services
from medcenter.oncology.models import CancerDiagnosis, GenotypingReport, StageAssessment
from medcenter.oncology.pdf import molecular_report_pdf
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def clinician_and_patient(client):
    clinician = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    return clinician, patient


def _sarcoma(patient, clinician):
    return services.record_diagnosis(
        patient=patient,
        actor=clinician,
        description="Osteosarcoma of the distal femur",
        oncotree_code="os",
        icd10_code="c40.21",
        diagnosed_on=TODAY,
    )


def test_a_diagnosis_with_codes_that_do_not_exist_is_refused_per_field(clinician_and_patient):
    clinician, patient = clinician_and_patient

    with pytest.raises(ValidationError) as refused:
        services.record_diagnosis(
            patient=patient,
            actor=clinician,
            description="Something",
            oncotree_code="NOPE",
            icd10_code="Z99.999",
        )

    assert set(refused.value.message_dict) == {"oncotree_code", "icd10_code"}
    assert not CancerDiagnosis.objects.exists()


def test_a_metastatic_site_joins_the_only_primary(clinician_and_patient):
    clinician, patient = clinician_and_patient
    primary = _sarcoma(patient, clinician)

    site = services.record_diagnosis(
        patient=patient, actor=clinician, kind="secondary", description="Lung metastases"
    )

    assert site.primary == primary


def test_the_stage_form_computes_the_group_from_raw_facts(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    diagnosis = _sarcoma(patient, clinician)
    url = reverse("oncology:stage_new", args=[patient.public_id, diagnosis.public_id])

    chooser = client.get(url)
    form = client.get(url, {"scheme": "bone_appendicular"})
    response = client.post(
        url,
        {
            "scheme": "bone_appendicular",
            "classification": "clinical",
            "assessed_on": "2026-11-02",
            "grade": "G3",
            "n": "N0",
            "fact_size_cm": "9.5",
            "fact_metastasis_sites": "lung",
        },
    )

    assert chooser.status_code == 200 and "Staging system" in chooser.content.decode()
    assert 'name="fact_size_cm"' in form.content.decode()
    assert response.status_code == 302
    stage = StageAssessment.objects.get(diagnosis=diagnosis)
    assert (stage.t, stage.n, stage.m, stage.grade, stage.stage_group) == (
        "T2",
        "N0",
        "M1a",
        "G3",
        "IVA",
    )
    assert stage.rule_version.startswith("AJCC8/bone-appendicular")


def test_input_the_engine_cannot_stage_is_shown_on_the_form_and_kept(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    diagnosis = _sarcoma(patient, clinician)
    url = reverse("oncology:stage_new", args=[patient.public_id, diagnosis.public_id])

    response = client.post(
        url,
        {
            "scheme": "bone_appendicular",
            "classification": "clinical",
            "assessed_on": "2026-11-02",
            "t": "T9",
            "fact_metastasis_sites": "lung",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "T9 is not a T category" in html
    assert 'value="lung"' in html
    assert not StageAssessment.objects.exists()


def test_a_table_of_results_becomes_an_annotated_report(client, clinician_and_patient):
    _clinician, patient = clinician_and_patient
    upload = b"gene\tprotein_change\tkind\nEGFR\tL858R\tSNV\nEGFR\tC797S\tSNV\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("oncology:genotyping_upload", args=[patient.public_id]),
        {
            "test_name": "Lung panel",
            "tumor_type": "LUAD",
            "reported_on": "2026-11-01",
            "results": SimpleUploadedFile("results.txt", upload, content_type="text/plain"),
        },
    )

    report = GenotypingReport.objects.get(patient=patient)
    assert response.status_code == 302
    variants = {v.protein_short: v for v in report.variants.all()}
    assert variants["L858R"].protein_change == "p.Leu858Arg"
    therapies = {t["therapy"] for t in variants["L858R"].annotation["sensitive"]}
    assert "osimertinib" in therapies
    assert "osimertinib" in {t["therapy"] for t in variants["C797S"].annotation["resistant"]}
    page = client.get(response["Location"]).content.decode()
    assert "osimertinib" in page and "FDA-approved in this tumor type" in page


def test_a_file_with_unreadable_lines_is_refused_whole_naming_the_lines(
    client, clinician_and_patient
):
    _clinician, patient = clinician_and_patient
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("oncology:genotyping_upload", args=[patient.public_id]),
        {
            "test_name": "Lung panel",
            "tumor_type": "LUAD",
            "reported_on": "2026-11-01",
            "results": SimpleUploadedFile(
                "x.tsv", b"gene\tprotein_change\tkind\nEGFR\tL858R\tSNV\n\tzz\tSNV\n"
            ),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in html
    assert 'value="Lung panel"' in html
    assert not GenotypingReport.objects.exists()


def test_a_results_file_is_kept_when_another_field_is_wrong(
    client, clinician_and_patient, settings, tmp_path
):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from medcenter.core.models import PendingUpload

    settings.DOCUMENT_ROOT = tmp_path / "documents"
    _clinician, patient = clinician_and_patient
    url = reverse("oncology:genotyping_upload", args=[patient.public_id])
    upload = b"gene\tprotein_change\tkind\nEGFR\tL858R\tSNV\n"
    form = {"test_name": "Lung panel", "tumor_type": "LUAD", "reported_on": "not a date"}

    refused = client.post(
        url, {**form, "results": SimpleUploadedFile("lung.tsv", upload, content_type="text/plain")}
    )

    html = refused.content.decode()
    assert "Attached: <bdi>lung.txt</bdi>" in html
    token = re.search(r'name="results_kept" value="([^"]+)"', html)
    assert token is not None
    saved = client.post(url, {**form, "reported_on": "2026-11-01", "results_kept": token[1]})
    assert saved.status_code == 302
    assert GenotypingReport.objects.get(patient=patient).variants.count() == 1
    assert not PendingUpload.objects.exists()


def test_the_molecular_report_downloads_as_a_pdf_attachment(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    report = services.import_genotyping_file(
        patient=patient,
        actor=clinician,
        content=b"gene,protein_change,kind\nBRAF,V600E,SNV\n",
        test_name="Panel",
        tumor_type="MEL",
        reported_on=TODAY,
    )

    response = client.get(
        reverse("oncology:report_pdf", args=[patient.public_id, report.public_id])
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_summary_shows_the_stage_history_and_audits_the_read(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    diagnosis = _sarcoma(patient, clinician)
    for facts in ({"size_cm": 7.0}, {"size_cm": 9.0}):
        services.stage_tumor(
            diagnosis=diagnosis,
            actor=clinician,
            scheme="bone_appendicular",
            categories={"n": "N0", "m": "M0", "grade": "G1"},
            facts=facts,
            assessed_on=TODAY,
        )
    before = AuditEvent.objects.count()

    html = client.get(reverse("oncology:summary", args=[patient.public_id])).content.decode()

    assert "Osteosarcoma of the distal femur" in html
    assert ">IA<" in html and ">IB<" in html
    assert AuditEvent.objects.count() == before + 1


def test_a_scheduler_cannot_open_the_oncology_record(client):
    scheduler = StaffUserFactory(roles=["scheduler"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=scheduler, patient=patient)
    sign_in_verified(client, scheduler)

    response = client.get(reverse("oncology:summary", args=[patient.public_id]))

    assert response.status_code == 403


def test_the_molecular_report_is_written_in_the_patients_language_and_script(
    clinician_and_patient,
):
    clinician, patient = clinician_and_patient
    patient.given_name, patient.family_name, patient.preferred_language = "فاطمة", "الزهراء", "ar"
    patient.save()
    report = services.import_genotyping_file(
        patient=patient,
        actor=clinician,
        content=b"gene,protein_change,kind\nBRAF,V600E,SNV\n",
        test_name="Panel",
        tumor_type="MEL",
        reported_on=TODAY,
    )

    pdf = molecular_report_pdf(patient=patient, **selectors.molecular_report(report))

    with translation.override("ar"):
        heading = _("Molecular report")
        patient_line = _("Patient: %(name)s, MRN %(mrn)s, born %(dob)s") % {
            "name": "فاطمة الزهراء",
            "mrn": patient.mrn,
            "dob": patient.date_of_birth,
        }
    lines = [line.visual for line in read_lines(pdf)[0]]
    assert lines[:2] == [as_drawn(heading), as_drawn(patient_line)]
    assert heading != "Molecular report"
