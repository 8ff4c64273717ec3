"""My health summary (plain words, stage once released, care team, tests), trials that may
fit me (opt-in), and Download my record (mCODE Bundle, PDF in the patient's language)."""

import json
from datetime import date

import pytest
from django.urls import reverse

from medcenter.core.models import AuditEvent
from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines
from medcenter.directory.models import Condition
from medcenter.oncology import services as oncology
from medcenter.oncology.models import StageAssessment, TherapySetting
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.portal.models import TrialMatchingConsent
from medcenter.portal.tests.conftest import signed_in
from medcenter.portal.tests.factories import appointment
from medcenter.scheduling.tests.factories import VisitTypeFactory

pytestmark = pytest.mark.django_db


def _url(name, patient):
    return reverse(name, kwargs={"public_id": patient.public_id})


@pytest.fixture
def record(patient):
    Condition.objects.create(
        slug="osteosarcoma",
        name="Osteosarcoma (bone cancer)",
        oncotree_code="OS",
        translations={"es": {"name": "Osteosarcoma (cáncer de hueso)"}},
    )
    diagnosis = oncology.record_diagnosis(
        patient=patient,
        actor=None,
        description="OS of the distal femur",
        oncotree_code="OS",
        diagnosed_on=date(2026, 3, 1),
    )
    stage = StageAssessment.objects.create(
        diagnosis=diagnosis,
        scheme="enneking",
        classification="clinical",
        stage_group="IIB",
        rule_version="test",
        assessed_on=date(2026, 3, 5),
    )
    oncology.record_treatment_course(
        patient=patient,
        actor=None,
        regimen="methotrexate + doxorubicin + cisplatin",
        setting=TherapySetting.values[0],
        line=1,
        started_on=date(2026, 3, 20),
    )
    return diagnosis, stage


def test_the_diagnosis_shows_in_plain_words_and_the_stage_only_once_released(
    patient, patient_client, record
):
    _diagnosis, stage = record
    before = patient_client.get(_url("portal:summary", patient)).content.decode()
    oncology.release_stage_to_patient(stage=stage, actor=None)
    after = patient_client.get(_url("portal:summary", patient)).content.decode()
    spanish = patient_client.get(
        _url("portal:summary", patient).replace("/en/", "/es/")
    ).content.decode()

    assert "Osteosarcoma (bone cancer)" in before
    assert "IIB" not in before
    assert "stage IIB" in after
    assert "Osteosarcoma (cáncer de hueso)" in spanish
    assert "methotrexate + doxorubicin + cisplatin" in after


def test_releasing_a_stage_is_audited_once(record):
    _diagnosis, stage = record

    oncology.release_stage_to_patient(stage=stage, actor=None)
    oncology.release_stage_to_patient(stage=stage, actor=None)

    assert AuditEvent.objects.filter(action="stage.released_to_patient").count() == 1


def test_the_care_team_links_to_directory_profiles_and_tests_are_listed(patient, patient_client):
    seen = appointment(patient, days=-30, status="fulfilled")
    scan = appointment(
        patient, days=9, visit_type=VisitTypeFactory(resource_kind="imaging", name="CT chest")
    )

    body = patient_client.get(_url("portal:summary", patient)).content.decode()

    assert seen.clinician.get_absolute_url() in body
    assert "CT chest" in body and scan.location.name in body


def test_trials_need_the_patients_own_opt_in(patient, patient_client):
    from medcenter.trials.demo import STUDIES
    from medcenter.trials.importer import import_records

    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    oncology.record_diagnosis(
        patient=patient, actor=None, description="Osteosarcoma", oncotree_code="OS"
    )
    oncology.record_treatment_course(
        patient=patient,
        actor=None,
        regimen="methotrexate + doxorubicin + cisplatin",
        setting="advanced",
        line=1,
        started_on=date(2026, 3, 20),
    )
    without = patient_client.get(_url("portal:summary", patient))
    patient_client.post(_url("portal:summary", patient), {"opted_in": "on"})
    with_opt_in = patient_client.get(_url("portal:summary", patient))

    assert without.context["trials"] is None
    assert TrialMatchingConsent.objects.get(patient=patient).opted_in is True
    trials = with_opt_in.context["trials"]
    found = {t.trial.nct_id: t for t in trials}
    assert "NCT99002004" in found  # the bone sarcoma trial after a first line of therapy
    assert found["NCT99002004"].fits and found["NCT99002004"].unknown
    assert "NCT99002002" not in found  # it needs no prior chemotherapy
    assert AuditEvent.objects.filter(action="trials.matched_for_patient").exists()


def test_a_proxy_sees_no_trials_and_cannot_opt_in():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(9)), scopes=["results"]
    )
    client = signed_in(grant.proxy)

    page = client.get(_url("portal:summary", grant.patient))
    refused = client.post(_url("portal:summary", grant.patient), {"opted_in": "on"})

    assert page.status_code == 200
    assert page.context["trials"] is None and not page.context["may_opt_in"]
    assert refused.status_code == 404
    assert not TrialMatchingConsent.objects.exists()


def test_the_mcode_bundle_downloads_as_an_audited_attachment(patient, patient_client, record):
    response = patient_client.get(_url("portal:download_mcode", patient))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert AuditEvent.objects.filter(
        action="portal.mcode_downloaded", patient_public_id=str(patient.public_id)
    ).exists()


def test_the_pdf_summary_is_in_the_patients_language_with_embedded_fonts(
    patient, patient_client, record
):
    patient.preferred_language = "ar"
    patient.given_name = "ليلى"
    patient.save()

    response = patient_client.get(_url("portal:download_summary", patient))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(line.visual for page in read_lines(response.content) for line in page)
    assert as_drawn("ليلى") in text  # drawn in Arabic letters, not transliterated
    assert embedded_fonts(response.content)


def test_a_teenagers_parent_cannot_download_the_record(teen_grant):
    client = signed_in(teen_grant.proxy)

    for name in ("portal:download", "portal:download_mcode", "portal:download_summary"):
        assert client.get(_url(name, teen_grant.patient)).status_code == 404


def test_a_clinician_releases_the_stage_from_the_oncology_record(patient, patient_client, record):
    from django.test import Client

    from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
    from medcenter.patients.tests.factories import CareRelationshipFactory

    diagnosis, stage = record
    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=patient)
    staff = Client()
    sign_in_verified(staff, clinician)
    url = reverse(
        "oncology:stage_release",
        kwargs={"public_id": patient.public_id, "diagnosis_id": diagnosis.public_id},
    )

    assert (
        "Show the newest stage"
        in staff.get(
            reverse("oncology:summary", kwargs={"public_id": patient.public_id})
        ).content.decode()
    )
    staff.get(url)  # a GET changes nothing
    assert "IIB" not in patient_client.get(_url("portal:summary", patient)).content.decode()
    staff.post(url)

    stage.refresh_from_db()
    assert stage.released_to_patient_at is not None
    assert "stage IIB" in patient_client.get(_url("portal:summary", patient)).content.decode()
