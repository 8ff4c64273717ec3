"""Importing mCODE STU4 resources into the oncology record, resource by resource."""

from datetime import date

import pytest

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.fhir.mcode import codes as c
from medcenter.fhir.mcode import import_mcode
from medcenter.oncology.models import (
    CancerDiagnosis,
    GenotypingReport,
    PerformanceStatus,
    StageAssessment,
    TumorMarker,
)
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

SUBJECT = {"reference": "Patient/someone"}


def coded(system, code, display=None):
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def condition(id="lung", profile=c.PRIMARY_CANCER_CONDITION, **fields):
    return {
        "resourceType": "Condition",
        "id": id,
        "meta": {"profile": [profile]},
        "clinicalStatus": coded(c.CONDITION_CLINICAL, "active"),
        "verificationStatus": coded(c.CONDITION_VERIFICATION, "confirmed"),
        "code": coded(c.SNOMED, "254637007", "Non-small cell lung cancer (disorder)"),
        "subject": SUBJECT,
        "onsetDateTime": "2024-03-01",
        **fields,
    }


def observation(id, code, value=None, profile=None, when="2024-03-05", **fields):
    resource = {
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "code": code,
        "subject": SUBJECT,
        "effectiveDateTime": when,
    }
    if profile:
        resource["meta"] = {"profile": [profile]}
    if value is not None:
        resource["valueCodeableConcept"] = value
    return {**resource, **fields}


def tnm(prefix="c", t="1228938002", n="1229984001", m="1229901006", group="1222806003", **extra):
    """A stage group with its T, N and M members (default cT3 cN3 cM0, stage IIIC)."""
    kinds = c.CLINICAL if prefix == "c" else c.PATHOLOGICAL
    members = [
        observation(
            f"{axis}-{prefix}",
            coded(c.SNOMED, c.CATEGORY_CODE[(axis, kinds)][0]),
            coded(c.SNOMED, value),
            c.CATEGORY_PROFILE[axis],
        )
        for axis, value in (("t", t), ("n", n), ("m", m))
    ]
    stage_group = observation(
        f"group-{prefix}",
        coded(c.SNOMED, c.STAGE_GROUP_CODE[kinds][0]),
        coded(c.SNOMED, group),
        c.TNM_STAGE_GROUP,
        focus=[{"reference": "Condition/lung"}],
        hasMember=[{"reference": f"Observation/{m['id']}"} for m in members],
        method=coded(c.SNOMED, c.AJCC8),
        **extra,
    )
    return [stage_group, *members]


def variant(id, gene, protein=None, **extra):
    components = [
        {
            "code": coded(c.LOINC, c.GENE_STUDIED),
            "valueCodeableConcept": coded("http://www.genenames.org", "HGNC:0", gene),
        }
    ]
    if protein:
        components.append(
            {"code": coded(c.LOINC, c.PROTEIN_HGVS), "valueCodeableConcept": coded(c.HGVS, protein)}
        )
    return observation(
        id,
        coded(c.LOINC, c.GENOMIC_VARIANT_CODE),
        coded(c.LOINC, c.PRESENT, "Present"),
        c.GENOMIC_VARIANT,
        component=components + extra.pop("component", []),
        **extra,
    )


def bundle(*resources):
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"http://x.test/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }


def test_a_primary_cancer_condition_becomes_a_primary_diagnosis():
    patient = PatientFactory()
    clinician = StaffUserFactory(roles=["clinician"])
    resource = condition(
        code={
            "coding": [
                {"system": c.SNOMED, "code": "254637007", "display": "Non-small cell lung cancer"},
                {"system": c.ICD10CM, "code": "C34.12"},
            ]
        },
        bodySite=[
            {
                "extension": [
                    {
                        "url": c.LATERALITY_EXTENSION,
                        "valueCodeableConcept": coded(c.SNOMED, "7771000"),
                    }
                ],
                "coding": [
                    {
                        "system": c.SNOMED,
                        "code": "39607008",
                        "display": "Lung structure (body structure)",
                    }
                ],
            }
        ],
        extension=[
            {
                "url": c.HISTOLOGY_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": c.SNOMED, "code": "1187332001", "display": "Adenocarcinoma"},
                        {"system": c.ICDO3, "code": "8140/3"},
                    ]
                },
            }
        ],
        clinicalStatus=coded(c.CONDITION_CLINICAL, "remission"),
    )

    report = import_mcode(resources=resource, patient=patient, actor=clinician)

    assert report.ok and report.created == {"diagnosis": 1}
    diagnosis = CancerDiagnosis.objects.get(patient=patient)
    assert diagnosis.kind == "primary"
    assert diagnosis.description == "Non-small cell lung cancer"
    assert (diagnosis.snomed_code, diagnosis.icd10_code) == ("254637007", "C34.12")
    assert diagnosis.oncotree_code == "NSCLC"
    assert diagnosis.body_site == "Lung structure (body structure)"
    assert diagnosis.laterality == "left"
    assert (diagnosis.histology, diagnosis.icdo3_morphology) == ("Adenocarcinoma", "8140/3")
    assert diagnosis.diagnosed_on.isoformat() == "2024-03-01"
    assert diagnosis.clinical_status == "remission"
    assert diagnosis.source_identifier == "lung"
    assert diagnosis.recorded_by == clinician


def test_a_condition_with_an_icd10_cancer_code_counts_without_the_profile():
    patient = PatientFactory()
    resource = condition(meta=None, code=coded(c.ICD10CM, "C50.912", "Breast cancer, left"))

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert report.created == {"diagnosis": 1}
    assert CancerDiagnosis.objects.get(patient=patient).icd10_code == "C50.912"


def test_a_condition_that_is_not_cancer_is_acknowledged_not_stored():
    patient = PatientFactory()
    resource = condition(meta=None, code=coded(c.ICD10CM, "I50.32", "Heart failure"))

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert report.ok and report.acknowledged == {"Condition": 1}
    assert not CancerDiagnosis.objects.exists()


def test_a_secondary_links_to_the_primary_it_names():
    patient = PatientFactory()
    metastasis = condition(
        "brain",
        c.SECONDARY_CANCER_CONDITION,
        code=coded(c.SNOMED, "94225005", "Secondary malignant neoplasm of brain"),
        extension=[
            {
                "url": "http://hl7.org/fhir/StructureDefinition/condition-related",
                "valueReference": {"reference": "Condition/lung"},
            }
        ],
    )

    report = import_mcode(resources=[metastasis, condition()], patient=patient, actor=None)

    assert report.ok and report.created == {"diagnosis": 2}
    secondary = CancerDiagnosis.objects.get(patient=patient, kind="secondary")
    assert secondary.primary == CancerDiagnosis.objects.get(patient=patient, kind="primary")


def test_a_secondary_that_names_no_primary_links_to_the_only_one():
    patient = PatientFactory()
    import_mcode(resources=condition(), patient=patient, actor=None)
    metastasis = condition(
        "liver",
        c.SECONDARY_CANCER_CONDITION,
        code=coded(c.SNOMED, "94381002", "Secondary malignant neoplasm of liver"),
    )

    import_mcode(resources=metastasis, patient=patient, actor=None)

    secondary = CancerDiagnosis.objects.get(patient=patient, kind="secondary")
    assert secondary.primary.source_identifier == "lung"


def test_a_lung_stage_is_computed_by_the_staging_engine():
    patient = PatientFactory()

    report = import_mcode(resources=bundle(condition(), *tnm()), patient=patient, actor=None)

    assert report.ok and report.created == {"diagnosis": 1, "stage": 1}
    assert not report.warnings
    stage = StageAssessment.objects.get(diagnosis__patient=patient)
    assert (stage.scheme, stage.classification) == ("nsclc", "clinical")
    assert (stage.t, stage.n, stage.m, stage.stage_group) == ("T3", "N3", "M0", "IIIC")
    assert stage.rule_version.startswith("AJCC8/lung/")
    assert stage.assessed_on.isoformat() == "2024-03-05"
    assert {key for key, kind in report.stored.items() if kind == "stage"} == {
        "Observation/group-c",
        "Observation/t-c",
        "Observation/n-c",
        "Observation/m-c",
    }


def test_a_reported_stage_that_disagrees_with_the_rules_is_stored_as_computed_with_a_warning():
    patient = PatientFactory()
    resources = [condition(), *tnm(group="1222805004")]  # reported IIIB

    report = import_mcode(resources=resources, patient=patient, actor=None)

    assert StageAssessment.objects.get(diagnosis__patient=patient).stage_group == "IIIC"
    assert any("IIIB" in warning and "IIIC" in warning for warning in report.warnings)


def test_a_stage_without_a_scheme_of_ours_is_kept_as_reported():
    patient = PatientFactory()
    breast = condition(
        code=coded(
            c.SNOMED,
            "353431000119107",
            "Primary malignant neoplasm of female left breast (disorder)",
        )
    )

    report = import_mcode(
        resources=[
            breast,
            *tnm("p", t="1229859000", n="1229947003", m="1229916009", group="1222769001"),
        ],
        patient=patient,
        actor=None,
    )

    assert report.ok
    stage = StageAssessment.objects.get(diagnosis__patient=patient)
    assert (stage.scheme, stage.classification) == ("reported", "pathological")
    assert (stage.t, stage.n, stage.m, stage.stage_group) == ("pT3", "pN0", "pM1", "IIB")
    assert stage.rule_version == "reported: AJCC 8th edition"


def test_categories_without_a_stage_group_are_staged_together():
    patient = PatientFactory()
    _group, *members = tnm()

    report = import_mcode(resources=[condition(), *members], patient=patient, actor=None)

    assert report.created == {"diagnosis": 1, "stage": 1}
    assert StageAssessment.objects.get(diagnosis__patient=patient).stage_group == "IIIC"


def test_a_stage_with_no_diagnosis_to_attach_is_skipped_not_failed():
    patient = PatientFactory()

    report = import_mcode(resources=tnm(), patient=patient, actor=None)

    assert report.ok and not report.created
    assert set(report.skipped) == {
        "Observation/group-c",
        "Observation/t-c",
        "Observation/n-c",
        "Observation/m-c",
    }
    assert not StageAssessment.objects.exists()


def test_an_unreadable_category_refuses_the_whole_stage():
    patient = PatientFactory()
    group, t, n, m = tnm()
    t["valueCodeableConcept"] = {"text": "very large"}

    report = import_mcode(resources=[condition(), group, t, n, m], patient=patient, actor=None)

    assert set(report.errors) == {
        "Observation/group-c",
        "Observation/t-c",
        "Observation/n-c",
        "Observation/m-c",
    }
    assert "very large" in report.errors["Observation/t-c"]
    assert report.created == {"diagnosis": 1}
    assert not StageAssessment.objects.exists()


def test_ecog_and_karnofsky_become_performance_statuses():
    patient = PatientFactory()
    ecog = observation("ecog", coded(c.LOINC, c.ECOG), valueInteger=1)
    karnofsky = observation("kps", coded(c.LOINC, c.KARNOFSKY), valueInteger=80, when="2024-04-01")

    report = import_mcode(resources=[ecog, karnofsky], patient=patient, actor=None)

    assert report.created == {"performance_status": 2}
    assert sorted(PerformanceStatus.objects.values_list("scale", "value", "observed_on")) == [
        ("ecog", 1, date(2024, 3, 5)),
        ("karnofsky", 80, date(2024, 4, 1)),
    ]


def test_a_value_the_record_refuses_is_an_error_and_leaves_nothing():
    patient = PatientFactory()
    resource = observation("ecog", coded(c.LOINC, c.ECOG), valueInteger=7)

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert "0 to 5" in report.errors["Observation/ecog"]
    assert not PerformanceStatus.objects.exists()


def test_a_tumor_marker_keeps_its_code_value_interpretation_and_date():
    patient = PatientFactory()
    score = observation(
        "oncotype",
        {
            "coding": [{"system": "http://www.ncbi.nlm.nih.gov/gtr", "code": "509910"}],
            "text": "Oncotype DX Breast Recurrence Score Assay",
        },
        profile=c.TUMOR_MARKER_TEST,
        valueQuantity={"value": 47, "unit": "Recurrence score", "system": c.UCUM, "code": "1"},
        interpretation=[coded(c.INTERPRETATION, "H", "High")],
    )
    er = observation(
        "er",
        coded(c.LOINC, "85337-4", "Estrogen receptor Ag"),
        coded(c.LOINC, "LA6576-8", "Positive"),
        c.TUMOR_MARKER_TEST,
    )

    report = import_mcode(resources=[score, er], patient=patient, actor=None)

    assert report.created == {"tumor_marker": 2}
    markers = {m.name: m for m in TumorMarker.objects.filter(patient=patient)}
    oncotype = markers["Oncotype DX Breast Recurrence Score Assay"]
    assert (oncotype.loinc_code, oncotype.value, oncotype.interpretation) == (
        "",
        "47 Recurrence score",
        "High",
    )
    estrogen = markers["Estrogen receptor Ag"]
    assert (estrogen.loinc_code, estrogen.value) == ("85337-4", "Positive")
    assert estrogen.observed_on.isoformat() == "2024-03-05"


def test_a_genomics_report_becomes_one_genotyping_report_with_its_variants():
    patient = PatientFactory()
    import_mcode(resources=condition(), patient=patient, actor=None)
    egfr = variant(
        "egfr",
        "EGFR",
        "NP_005219.2:p.(Leu858Arg)",
        component=[
            {
                "code": coded(c.LOINC, c.ALLELIC_FREQUENCY),
                "valueQuantity": {"value": 31.5, "unit": "%", "system": c.UCUM, "code": "%"},
            }
        ],
    )
    fusion = variant(
        "fusion",
        "EML4",
        component=[
            {"code": coded(c.LOINC, c.GENE_STUDIED), "valueCodeableConcept": {"text": "ALK"}},
            {
                "code": coded(c.LOINC, c.DNA_CHANGE_TYPE),
                "valueCodeableConcept": coded(c.SEQUENCE_ONTOLOGY, "SO:0001565", "gene_fusion"),
            },
        ],
    )
    negative = variant("negative", "KRAS", valueCodeableConcept=coded(c.LOINC, c.ABSENT))
    report_resource = {
        "resourceType": "DiagnosticReport",
        "id": "panel",
        "meta": {"profile": [c.GENOMICS_REPORT]},
        "status": "final",
        "code": {**coded(c.LOINC, c.GENOMICS_REPORT_CODE), "text": "Lung panel"},
        "subject": SUBJECT,
        "effectiveDateTime": "2024-03-10",
        "result": [{"reference": f"Observation/{v}"} for v in ("egfr", "fusion", "negative")],
    }

    report = import_mcode(
        resources=bundle(report_resource, egfr, fusion, negative), patient=patient, actor=None
    )

    assert report.ok and report.created == {"genotyping_report": 1, "variant": 2}
    genotyping = GenotypingReport.objects.get(patient=patient)
    assert (genotyping.test_name, genotyping.tumor_type, genotyping.source_format) == (
        "Lung panel",
        "NSCLC",
        "fhir",
    )
    assert genotyping.reported_on.isoformat() == "2024-03-10"
    assert genotyping.diagnosis.source_identifier == "lung"
    assert set(genotyping.genes_covered) == {"EGFR", "EML4", "ALK", "KRAS"}
    found = {v.gene: v for v in genotyping.variants.all()}
    assert (found["EGFR"].protein_change, found["EGFR"].allele_fraction) == ("p.Leu858Arg", 0.315)
    assert found["ALK"].kind == "fusion"


def test_a_variant_that_cannot_be_read_refuses_its_whole_report():
    patient = PatientFactory()
    unreadable = variant("bad", "EGFR", "p.Nonsense999")
    good = variant("good", "BRAF", "p.Val600Glu")
    report_resource = {
        "resourceType": "DiagnosticReport",
        "id": "panel",
        "status": "final",
        "code": coded(c.LOINC, c.GENOMICS_REPORT_CODE),
        "subject": SUBJECT,
        "effectiveDateTime": "2024-03-10",
        "result": [{"reference": "Observation/bad"}, {"reference": "Observation/good"}],
    }

    report = import_mcode(
        resources=[report_resource, unreadable, good], patient=patient, actor=None
    )

    assert set(report.errors) == {"DiagnosticReport/panel", "Observation/bad", "Observation/good"}
    assert not GenotypingReport.objects.exists()


def test_an_invalid_resource_is_reported_with_its_id_and_the_rest_imports():
    patient = PatientFactory()
    broken = observation("ecog", coded(c.LOINC, c.ECOG), valueInteger="high")

    report = import_mcode(resources=bundle(broken, condition()), patient=patient, actor=None)

    assert "valueInteger" in report.errors["Observation/ecog"]
    assert report.created == {"diagnosis": 1}
    assert not PerformanceStatus.objects.exists()


def test_something_that_is_not_a_fhir_resource_is_an_error():
    report = import_mcode(
        resources=[{"name": "x"}, {"resourceType": "Nonsense", "id": "n"}],
        patient=PatientFactory(),
        actor=None,
    )

    assert len(report.errors) == 2
    assert "Nonsense" in report.errors["Nonsense/n"]


def test_other_resources_are_acknowledged_by_type():
    patient = PatientFactory()
    resources = [
        {"resourceType": "Practitioner", "id": "doc"},
        {
            "resourceType": "MedicationRequest",
            "id": "rx",
            "status": "active",
            "intent": "order",
            "subject": SUBJECT,
            "medicationCodeableConcept": {"text": "cisplatin"},
        },
        observation("weight", coded(c.LOINC, "29463-7"), valueQuantity={"value": 70}),
    ]

    report = import_mcode(resources=resources, patient=patient, actor=None)

    assert report.ok and not report.created and not report.skipped
    assert report.acknowledged == {"Practitioner": 1, "MedicationRequest": 1, "Observation": 1}


def test_the_patient_resource_is_compared_and_never_copied():
    patient = PatientFactory(family_name="Rivera", given_name="Ana")
    resource = {
        "resourceType": "Patient",
        "id": "someone",
        "gender": patient.sex,
        "name": [{"family": "Rivera", "given": ["Anna"]}],
        "birthDate": "1901-01-01",
        "identifier": [{"system": c.MRN_SYSTEM, "value": patient.mrn}],
    }

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert report.ok
    assert report.identity_differences == ["given name", "date of birth"]
    patient.refresh_from_db()
    assert patient.given_name == "Ana"


def test_records_of_two_patients_in_one_import_are_refused():
    patient = PatientFactory()
    other = {**condition("other"), "subject": {"reference": "Patient/somebody-else"}}

    report = import_mcode(resources=[condition(), other], patient=patient, actor=None)

    assert set(report.errors) == {"Condition/lung", "Condition/other"}
    assert not CancerDiagnosis.objects.exists()


def test_importing_the_same_resources_again_adds_nothing():
    patient = PatientFactory()
    resources = bundle(
        condition(), *tnm(), observation("ecog", coded(c.LOINC, c.ECOG), valueInteger=0)
    )
    import_mcode(resources=resources, patient=patient, actor=None)

    again = import_mcode(resources=resources, patient=patient, actor=None)

    assert again.ok and not again.created
    assert set(again.skipped.values()) == {"Already in the record."}
    assert StageAssessment.objects.count() == PerformanceStatus.objects.count() == 1


def test_a_resource_entered_in_error_is_skipped():
    resource = condition(verificationStatus=coded(c.CONDITION_VERIFICATION, "entered-in-error"))

    report = import_mcode(resources=resource, patient=PatientFactory(), actor=None)

    assert report.ok and "Condition/lung" in report.skipped
    assert not CancerDiagnosis.objects.exists()


def test_the_report_reads_as_lines_of_text():
    report = import_mcode(
        resources=[condition(), {"resourceType": "Practitioner", "id": "d"}],
        patient=PatientFactory(),
        actor=None,
    )

    assert report.lines() == [
        "Cancer diagnoses added: 1",
        "Practitioner resources read, not part of the oncology record: 1",
    ]
