"""Treatment history, laboratory results and pregnancy status in the oncology record: the
record's rules, the staff forms, and what the trial matcher reads of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.oncology import services
from medcenter.oncology.models import LabResult, PregnancyStatus, TreatmentCourse
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.trials import matching, profiles

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def clinician_and_patient(client):
    clinician = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory(sex="female")
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    return clinician, patient


def test_a_treatment_course_keeps_its_drugs_and_the_record_rules(clinician_and_patient):
    clinician, patient = clinician_and_patient
    course = services.record_treatment_course(
        patient=patient,
        actor=clinician,
        regimen="  Carboplatin +  pemetrexed, with leucovorin ",
        setting="advanced",
        line=1,
        started_on=days_ago(200),
        ended_on=days_ago(60),
        stop_reason="progression",
    )
    assert course.regimen == "Carboplatin + pemetrexed, with leucovorin"
    assert course.agents == ["Carboplatin", "pemetrexed", "leucovorin"]
    assert AuditEvent.objects.filter(action="oncology.treatment_recorded").count() == 1

    refusals = {
        "line": dict(setting="advanced", line=None),
        "ended_on": dict(ended_on=days_ago(300)),
        "started_on": dict(started_on=timezone.localdate() + datetime.timedelta(days=3)),
        "stop_reason": dict(stop_reason="toxicity", ended_on=None),
        "regimen": dict(regimen="   "),
        "setting": dict(setting="whenever"),
    }
    for field, change in refusals.items():
        values = dict(
            regimen="osimertinib",
            setting="advanced",
            line=2,
            started_on=days_ago(50),
            ended_on=None,
            stop_reason="",
        )
        values.update(change)
        with pytest.raises(ValidationError) as refused:
            services.record_treatment_course(patient=patient, actor=clinician, **values)
        assert field in refused.value.message_dict, field
    assert TreatmentCourse.objects.count() == 1


def test_a_lab_result_needs_a_unit_the_matcher_can_convert(clinician_and_patient):
    clinician, patient = clinician_and_patient
    kept = services.record_lab_result(
        patient=patient,
        actor=clinician,
        test="creatinine",
        value=97,
        unit="µmol/L",
        upper_limit=110,
        observed_on=days_ago(3),
    )
    assert kept.value == 97.0 and kept.unit == "µmol/L"
    for change, field in (
        (dict(unit="mg"), "unit"),
        (dict(unit=""), "unit"),
        (dict(test="glucose"), "test"),
        (dict(value=-1), "value"),
        (dict(upper_limit=0), "upper_limit"),
        (dict(observed_on=timezone.localdate() + datetime.timedelta(days=1)), "observed_on"),
    ):
        values = dict(test="creatinine", value=1.0, unit="mg/dL", observed_on=days_ago(1))
        values.update(change)
        with pytest.raises(ValidationError) as refused:
            services.record_lab_result(patient=patient, actor=clinician, **values)
        assert field in refused.value.message_dict, change
    with pytest.raises(ValidationError) as refused:
        services.record_lab_result(
            patient=patient,
            actor=clinician,
            test="anc",
            value=1.2,
            unit="",
            observed_on=days_ago(1),
        )
    assert "10^9/l" in refused.value.message_dict["unit"][0]
    assert LabResult.objects.count() == 1


def test_the_forms_record_show_refusals_next_to_the_fields_and_keep_the_input(
    client, clinician_and_patient
):
    _clinician, patient = clinician_and_patient
    summary = reverse("oncology:summary", args=[patient.public_id])
    page = client.get(summary).content.decode()
    for name in ("treatment_new", "lab_new", "pregnancy_new"):
        assert reverse(f"oncology:{name}", args=[patient.public_id]) in page

    lab_url = reverse("oncology:lab_new", args=[patient.public_id])
    refused = client.post(
        lab_url,
        {"test": "hemoglobin", "value": "10.5", "unit": "mg", "observed_on": days_ago(2)},
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "is not a unit for this test" in text and 'value="10.5"' in text
    saved = client.post(
        lab_url,
        {"test": "hemoglobin", "value": "10.5", "unit": "g/dL", "observed_on": days_ago(2)},
    )
    assert saved.status_code == 302

    treatment_url = reverse("oncology:treatment_new", args=[patient.public_id])
    refused = client.post(
        treatment_url,
        {"regimen": "FOLFOX", "setting": "advanced", "started_on": days_ago(90)},
    )
    assert refused.status_code == 200 and 'value="FOLFOX"' in refused.content.decode()
    assert "Give the line of therapy" in refused.content.decode()
    saved = client.post(
        treatment_url,
        {"regimen": "FOLFOX", "setting": "advanced", "line": "1", "started_on": days_ago(90)},
    )
    assert saved.status_code == 302

    pregnancy_url = reverse("oncology:pregnancy_new", args=[patient.public_id])
    saved = client.post(pregnancy_url, {"status": "not_pregnant", "observed_on": days_ago(1)})
    assert saved.status_code == 302

    page = client.get(summary).content.decode()
    assert "FOLFOX" in page and "10.5 g/dL" in page and "Not pregnant" in page


def test_a_nurse_navigator_records_labs_but_not_treatments(client):
    navigator = StaffUserFactory(roles=["nurse_navigator"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=navigator, patient=patient)
    sign_in_verified(client, navigator)
    assert client.get(reverse("oncology:lab_new", args=[patient.public_id])).status_code == 200
    assert (
        client.get(reverse("oncology:treatment_new", args=[patient.public_id])).status_code == 403
    )


def test_the_matcher_reads_treatments_recent_labs_and_pregnancy(clinician_and_patient):
    clinician, patient = clinician_and_patient
    record = dict(patient=patient, actor=clinician)
    services.record_treatment_course(
        **record,
        regimen="VDC/IE",
        setting="neoadjuvant",
        started_on=days_ago(400),
        ended_on=days_ago(300),
    )
    services.record_treatment_course(
        **record,
        regimen="Osimertinib",
        setting="advanced",
        line=1,
        started_on=days_ago(250),
        ended_on=days_ago(40),
        stop_reason="progression",
    )
    services.record_treatment_course(
        **record, regimen="carboplatin + pemetrexed", setting="advanced", line=2,
        started_on=days_ago(30),
    )  # fmt: skip
    services.confirm_treatment_history(**record, reviewed_on=days_ago(2))
    lab = dict(**record, observed_on=days_ago(5))
    services.record_lab_result(**lab, test="anc", value=1800, unit="/mm3")
    services.record_lab_result(**lab, test="creatinine", value=97, unit="µmol/L")
    services.record_lab_result(**lab, test="ast", value=60, unit="U/L", upper_limit=40)
    services.record_lab_result(
        **record, test="platelets", value=50, unit="10^9/L", observed_on=days_ago(90)
    )  # too old to be read
    services.record_pregnancy_status(**record, status="not_pregnant", observed_on=days_ago(200))
    services.record_pregnancy_status(**record, status="breastfeeding", observed_on=days_ago(10))

    profile = profiles.profile_for_patient(patient)
    assert {"osimertinib", "egfr tki", "carboplatin", "platinum chemotherapy"} <= (
        profile.prior_therapies
    )
    assert {"ifosfamide", "etoposide", "vincristine", "doxorubicin"} <= profile.prior_therapies
    assert profile.therapies_known and profile.prior_lines == 1  # the second line goes on
    assert profile.labs["anc"] == pytest.approx(1.8)
    assert profile.labs["creatinine"] == pytest.approx(97 / 88.42)
    assert profile.labs["ast/uln"] == pytest.approx(1.5)
    assert "platelets" not in profile.labs
    assert profile.pregnant is True  # breastfeeding, the latest

    rules = matching.TrialRules(
        trial_id=1,
        criteria=[
            {"section": "exclusion", "kind": "prior_therapy", "therapy": "egfr tki"},
            {"section": "inclusion", "kind": "prior_lines", "min": 1, "max": 2},
            {"section": "inclusion", "kind": "lab", "test": "anc", "op": ">=", "value": 1.5,
             "unit": "10^9/l"},
            {"section": "inclusion", "kind": "lab", "test": "ast", "op": "<=", "uln_multiple": 2.5},
            {"section": "exclusion", "kind": "pregnancy", "present": True},
            {"section": "exclusion", "kind": "prior_therapy", "therapy": "trastuzumab"},
        ],
    )  # fmt: skip
    outcomes = [v.outcome for v in rules.match(profile).verdicts]
    assert outcomes == [
        matching.NOT_MET,  # had an EGFR TKI: excluded
        matching.MET,  # one prior line
        matching.MET,  # ANC 1.8 x 10^9/L
        matching.MET,  # AST 1.5 x ULN
        matching.NOT_MET,  # breastfeeding: excluded
        matching.MET,  # a complete history without trastuzumab
    ]

    # The bulk reader (background re-matching) reads the same.
    assert profiles.profiles_for_patients([patient])[patient.pk] == profile


def test_a_drug_the_vocabulary_does_not_know_leaves_the_history_incomplete(clinician_and_patient):
    clinician, patient = clinician_and_patient
    services.confirm_treatment_history(patient=patient, actor=clinician, reviewed_on=days_ago(0))
    services.record_treatment_course(
        patient=patient,
        actor=clinician,
        regimen="Investigational agent XY-123",
        setting="advanced",
        line=1,
        started_on=days_ago(100),
        ended_on=days_ago(20),
    )
    profile = profiles.profile_for_patient(patient)
    assert not profile.therapies_known and profile.prior_lines == 1
    verdict = matching.verdict(
        {"section": "exclusion", "kind": "prior_therapy", "therapy": "egfr tki"}, profile
    )
    assert verdict.outcome == matching.UNKNOWN


def test_a_record_change_makes_the_patient_due_for_rematching(clinician_and_patient):
    from medcenter.oncology.services import record_diagnosis
    from medcenter.trials import services as trials

    clinician, patient = clinician_and_patient
    record_diagnosis(patient=patient, actor=clinician, description="NSCLC", oncotree_code="LUAD")
    trials.rematch_patients(patient_ids=[patient.pk])
    assert trials.patients_to_rematch() == []
    later = timezone.now() + datetime.timedelta(minutes=1)
    import time_machine

    with time_machine.travel(later):
        services.record_lab_result(
            patient=patient, actor=clinician, test="alt", value=30, unit="U/L",
            observed_on=days_ago(0),
        )  # fmt: skip
        assert trials.patients_to_rematch() == [patient.pk]
    assert PregnancyStatus.objects.count() == 0


def test_a_brain_metastasis_status_decides_the_brain_criteria(client, clinician_and_patient):
    clinician, patient = clinician_and_patient
    lung = services.record_diagnosis(
        patient=patient, actor=clinician, description="NSCLC", oncotree_code="LUAD"
    )
    brain = services.record_diagnosis(
        patient=patient,
        actor=clinician,
        kind="secondary",
        primary=lung,
        description="Brain metastasis",
        body_site="Left frontal lobe of brain",
    )
    for change, field in (
        (dict(diagnosis=lung, treatment="treated"), "__all__"),  # a primary is not a site
        (dict(), "__all__"),  # nothing said
        (dict(treatment="cured"), "treatment"),
        (dict(treatment="treated", assessed_on=days_ago(-2)), "assessed_on"),
    ):
        values = dict(diagnosis=brain, actor=clinician, assessed_on=days_ago(1))
        values.update(change)
        with pytest.raises(ValidationError) as refused:
            services.assess_metastatic_site(**values)
        assert field in refused.value.message_dict, change

    exclusion = {"section": "exclusion", "kind": "brain_metastases", "present": True}
    untreated = {**exclusion, "qualifier": "untreated"}
    symptomatic = {**exclusion, "qualifier": "symptomatic"}
    profile = profiles.profile_for_patient(patient)
    assert profile.brain_metastases and profile.brain_qualifiers == frozenset()
    assert matching.verdict(untreated, profile).outcome == matching.UNKNOWN

    url = reverse("oncology:site_assessment_new", args=[patient.public_id, brain.public_id])
    assert url in client.get(reverse("oncology:summary", args=[patient.public_id])).content.decode()
    refused = client.post(url, {"assessed_on": days_ago(1), "symptomatic": "unknown"})
    assert refused.status_code == 200 and "Say at least one thing" in refused.content.decode()
    saved = client.post(
        url,
        {
            "assessed_on": days_ago(60),
            "treatment": "untreated",
            "activity": "progressing",
            "symptomatic": "true",
        },
    )
    assert saved.status_code == 302
    assert matching.verdict(untreated, profiles.profile_for_patient(patient)).outcome == (
        matching.NOT_MET
    )
    # After radiosurgery: treated, stable, no symptoms. The latest status counts.
    client.post(
        url,
        {
            "assessed_on": days_ago(5),
            "treatment": "treated",
            "activity": "stable",
            "symptomatic": "false",
        },
    )
    profile = profiles.profile_for_patient(patient)
    assert profile.brain_qualifiers == {"treated", "stable", "asymptomatic"}
    assert matching.verdict(untreated, profile).outcome == matching.MET
    assert matching.verdict(symptomatic, profile).outcome == matching.MET
    active = {**exclusion, "qualifier": "active"}
    assert matching.verdict(active, profile).outcome == matching.MET
    assert profiles.profiles_for_patients([patient])[patient.pk] == profile
    page = client.get(reverse("oncology:summary", args=[patient.public_id])).content.decode()
    assert "Treated (surgery or radiotherapy)" in page and "Growing or new" in page


def test_a_leptomeningeal_site_is_read_as_such(clinician_and_patient):
    clinician, patient = clinician_and_patient
    services.record_diagnosis(
        patient=patient,
        actor=clinician,
        kind="secondary",
        description="Leptomeningeal carcinomatosis",
    )
    profile = profiles.profile_for_patient(patient)
    assert profile.brain_metastases and "leptomeningeal" in profile.brain_qualifiers
    criterion = {
        "section": "exclusion",
        "kind": "brain_metastases",
        "present": True,
        "qualifier": "leptomeningeal",
    }
    assert matching.verdict(criterion, profile).outcome == matching.NOT_MET


def test_only_a_confirmed_history_says_what_was_not_given(client, clinician_and_patient):
    """Courses alone leave "no prior X" unknown (treatment elsewhere may be missing); the
    clinician's confirmation makes it decidable, and with no course, treatment-naive."""
    clinician, patient = clinician_and_patient
    no_prior_systemic = {
        "section": "exclusion",
        "kind": "prior_therapy",
        "therapy": "systemic therapy",
        "present": True,
    }
    no_prior_tki = {**no_prior_systemic, "therapy": "egfr tki"}
    profile = profiles.profile_for_patient(patient)
    assert not profile.therapies_known and profile.prior_lines is None
    assert matching.verdict(no_prior_systemic, profile).outcome == matching.UNKNOWN

    url = reverse("oncology:treatment_history_confirm", args=[patient.public_id])
    summary = reverse("oncology:summary", args=[patient.public_id])
    assert "Not confirmed complete" in client.get(summary).content.decode()
    refused = client.post(url, {"reviewed_on": days_ago(-1)})
    assert refused.status_code == 200 and "cannot be in the future" in refused.content.decode()
    assert client.post(url, {"reviewed_on": days_ago(0)}).status_code == 302
    assert "Confirmed complete as of" in client.get(summary).content.decode()
    profile = profiles.profile_for_patient(patient)
    assert profile.therapies_known and profile.prior_lines == 0 and not profile.prior_therapies
    assert matching.verdict(no_prior_systemic, profile).outcome == matching.MET  # treatment-naive

    services.record_treatment_course(
        patient=patient, actor=clinician, regimen="carboplatin + paclitaxel",
        setting="adjuvant", started_on=days_ago(40), ended_on=days_ago(10),
    )  # fmt: skip
    profile = profiles.profile_for_patient(patient)
    assert matching.verdict(no_prior_systemic, profile).outcome == matching.NOT_MET
    assert matching.verdict(no_prior_tki, profile).outcome == matching.MET
    assert profile.prior_lines == 0  # adjuvant: no line for advanced disease


def test_prior_lines_count_a_line_going_on_and_stay_unknown_when_unconfirmed(
    clinician_and_patient,
):
    clinician, patient = clinician_and_patient
    services.record_treatment_course(
        patient=patient, actor=clinician, regimen="docetaxel", setting="advanced", line=2,
        started_on=days_ago(20),
    )  # fmt: skip
    assert profiles.profile_for_patient(patient).prior_lines == 1  # line 1 was given before
    other = PatientFactory()
    services.record_treatment_course(
        patient=other, actor=clinician, regimen="capecitabine", setting="adjuvant",
        started_on=days_ago(300), ended_on=days_ago(120),
    )  # fmt: skip
    assert profiles.profile_for_patient(other).prior_lines is None  # not confirmed: unknown
    services.confirm_treatment_history(patient=other, actor=clinician, reviewed_on=days_ago(0))
    assert profiles.profile_for_patient(other).prior_lines == 0


def test_a_class_or_an_ambiguous_acronym_leaves_the_history_incomplete():
    for names in (["platinum-based chemotherapy"], ["immunotherapy"], ["TC"], ["ABVD"]):
        assert profiles.read_therapies(names)[1] is False, names
    drugs, understood = profiles.read_therapies(["FOLFOX", "leucovorin", "bevacizumab"])
    assert understood and {"oxaliplatin", "fluorouracil", "bevacizumab"} <= drugs


def test_the_status_of_a_brain_site_keeps_what_a_later_partial_record_leaves_out(
    clinician_and_patient,
):
    clinician, patient = clinician_and_patient
    brain = services.record_diagnosis(
        patient=patient, actor=clinician, kind="secondary", description="Brain metastases"
    )
    services.assess_metastatic_site(
        diagnosis=brain, actor=clinician, assessed_on=days_ago(60), treatment="treated",
        activity="stable",
    )  # fmt: skip
    services.assess_metastatic_site(
        diagnosis=brain, actor=clinician, assessed_on=days_ago(5), symptomatic=False
    )
    assert profiles.profile_for_patient(patient).brain_qualifiers == {
        "treated",
        "stable",
        "asymptomatic",
    }


def test_a_lab_growing_too_old_to_be_read_makes_the_patient_due(clinician_and_patient):
    import time_machine

    from medcenter.oncology.services import record_diagnosis
    from medcenter.trials import services as trials

    clinician, patient = clinician_and_patient
    record_diagnosis(patient=patient, actor=clinician, description="NSCLC", oncotree_code="LUAD")
    services.record_lab_result(
        patient=patient, actor=clinician, test="anc", value=0.9, unit="10^9/L",
        observed_on=days_ago(3),
    )  # fmt: skip
    trials.rematch_patients(patient_ids=[patient.pk])
    assert profiles.profile_for_patient(patient).labs["anc"] == pytest.approx(0.9)
    assert trials.patients_to_rematch() == []
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20)):
        assert trials.patients_to_rematch() == []  # still read
    with time_machine.travel(timezone.now() + datetime.timedelta(days=28)):
        assert trials.patients_to_rematch() == [patient.pk]  # no longer read: match again
        assert "anc" not in profiles.profile_for_patient(patient).labs
        trials.rematch_patients(patient_ids=[patient.pk])
        assert trials.patients_to_rematch() == []
