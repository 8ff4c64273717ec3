"""Exporting the oncology record as an mCODE STU4 collection Bundle."""

from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from medcenter.fhir.mcode import codes as c
from medcenter.fhir.mcode import export_mcode, import_mcode
from medcenter.oncology import services
from medcenter.oncology.genomics import SOLID_TUMOR, make_alteration
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def by_profile(bundle, profile):
    return [
        e["resource"]
        for e in bundle["entry"]
        if profile in e["resource"].get("meta", {}).get("profile", [])
    ]


def codes_of(concept):
    return {(coding.get("system"), coding.get("code")) for coding in concept.get("coding", [])}


@pytest.fixture
def record():
    """A lung cancer with a computed stage, a brain metastasis, and results of each kind."""
    patient = PatientFactory()
    lung = services.record_diagnosis(
        patient=patient,
        actor=None,
        description="Non-small cell lung cancer",
        snomed_code="254637007",
        icd10_code="C34.12",
        oncotree_code="LUAD",
        laterality="left",
        body_site="Upper lobe of left lung",
        histology="Adenocarcinoma",
        icdo3_morphology="8140/3",
        diagnosed_on=date(2024, 3, 1),
    )
    services.record_diagnosis(
        patient=patient,
        actor=None,
        kind="secondary",
        primary=lung,
        description="Secondary malignant neoplasm of brain",
        snomed_code="94225005",
    )
    services.stage_tumor(
        diagnosis=lung,
        actor=None,
        scheme="nsclc",
        categories={"t": "T3", "n": "N3", "m": "M0"},
        assessed_on=date(2024, 3, 5),
    )
    services.record_performance_status(
        patient=patient, actor=None, scale="ecog", value=1, observed_on=date(2024, 3, 5)
    )
    services.record_tumor_marker(
        patient=patient,
        actor=None,
        name="PD-L1 tumor proportion score",
        value="60 %",
        loinc_code="85147-7",
        interpretation="High",
        observed_on=date(2024, 3, 6),
    )
    services.record_genotyping_report(
        patient=patient,
        actor=None,
        test_name="Lung panel",
        tumor_type="LUAD",
        reported_on=date(2024, 3, 10),
        alterations=[make_alteration(gene="EGFR", change="L858R", vaf="31.5%")],
        genes_covered=["EGFR", "KRAS"],
        diagnosis=lung,
    )
    return patient


def test_the_export_is_a_valid_collection_bundle(record):
    bundle = export_mcode(patient=record)

    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_the_cancer_patient_carries_the_mrn_name_gender_and_birth_date(record):
    (patient,) = by_profile(export_mcode(patient=record), c.CANCER_PATIENT)

    assert patient["id"] == str(record.public_id)
    assert patient["identifier"][0]["value"] == record.mrn
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["name"][0] == {
        "use": "official",
        "family": record.family_name,
        "given": [record.given_name],
    }
    assert (patient["gender"], patient["birthDate"]) == (
        record.sex,
        record.date_of_birth.isoformat(),
    )


def test_diagnoses_export_as_primary_and_secondary_cancer_conditions(record):
    bundle = export_mcode(patient=record)
    (primary,) = by_profile(bundle, c.PRIMARY_CANCER_CONDITION)
    (secondary,) = by_profile(bundle, c.SECONDARY_CANCER_CONDITION)

    assert codes_of(primary["code"]) == {
        (c.SNOMED, "254637007"),
        (c.ICD10CM, "C34.12"),
        (c.ONCOTREE, "LUAD"),
    }
    assert primary["bodySite"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == (
        "7771000"
    )
    assert primary["onsetDateTime"] == "2024-03-01"
    assert primary["clinicalStatus"]["coding"][0]["code"] == "active"
    assert primary["stage"][0]["summary"]["coding"][0]["code"] == "1222806003"
    assert secondary["extension"][0]["valueReference"] == {"reference": f"urn:uuid:{primary['id']}"}


def test_a_stage_exports_as_a_tnm_stage_group_with_its_categories(record):
    bundle = export_mcode(patient=record)
    (group,) = by_profile(bundle, c.TNM_STAGE_GROUP)
    members = {axis: by_profile(bundle, profile)[0] for axis, profile in c.CATEGORY_PROFILE.items()}

    assert codes_of(group["code"]) == {(c.SNOMED, "399537006")}
    assert codes_of(group["valueCodeableConcept"]) == {(c.SNOMED, "1222806003")}
    assert codes_of(group["method"]) == {(c.SNOMED, c.AJCC8)}
    assert group["effectiveDateTime"] == "2024-03-05"
    assert [m["reference"] for m in group["hasMember"]] == [
        f"urn:uuid:{members[axis]['id']}" for axis in "tnm"
    ]
    assert {axis: m["valueCodeableConcept"]["text"] for axis, m in members.items()} == {
        "t": "cT3",
        "n": "cN3",
        "m": "cM0",
    }
    assert codes_of(members["t"]["code"]) == {(c.SNOMED, "399504009")}
    assert codes_of(members["n"]["valueCodeableConcept"]) == {(c.SNOMED, "1229984001")}


def test_performance_status_and_tumor_markers_keep_their_codes_and_values(record):
    bundle = export_mcode(patient=record)
    (ecog,) = by_profile(bundle, c.ECOG_PERFORMANCE_STATUS)
    (marker,) = by_profile(bundle, c.TUMOR_MARKER_TEST)

    assert codes_of(ecog["code"]) == {(c.LOINC, c.ECOG)}
    assert ecog["valueInteger"] == 1
    assert codes_of(marker["code"]) == {(c.LOINC, "85147-7")}
    assert marker["valueQuantity"] == {"value": 60, "unit": "%", "system": c.UCUM, "code": "%"}
    assert codes_of(marker["interpretation"][0]) == {(c.INTERPRETATION, "H")}


def test_a_genotyping_report_exports_its_variants_and_the_genes_it_covered(record):
    bundle = export_mcode(patient=record)
    (report,) = by_profile(bundle, c.GENOMICS_REPORT)
    (variant,) = by_profile(bundle, c.GENOMIC_VARIANT)
    (region,) = by_profile(bundle, c.GENOMIC_REGION_STUDIED)

    assert report["code"]["text"] == "Lung panel"
    assert {r["reference"] for r in report["result"]} == {
        f"urn:uuid:{variant['id']}",
        f"urn:uuid:{region['id']}",
    }
    components = {comp["code"]["coding"][0]["code"]: comp for comp in variant["component"]}
    assert components[c.GENE_STUDIED]["valueCodeableConcept"]["text"] == "EGFR"
    assert components[c.PROTEIN_HGVS]["valueCodeableConcept"]["coding"][0]["code"] == (
        "p.Leu858Arg"
    )
    assert components[c.ALLELIC_FREQUENCY]["valueQuantity"]["value"] == 31.5
    assert [comp["valueCodeableConcept"]["text"] for comp in region["component"]] == [
        "EGFR",
        "KRAS",
    ]


def test_exported_ids_are_stable(record):
    first = [e["resource"]["id"] for e in export_mcode(patient=record)["entry"]]

    assert [e["resource"]["id"] for e in export_mcode(patient=record)["entry"]] == first


def test_an_export_imports_into_another_patient_and_exports_the_same_codes(record):
    bundle = export_mcode(patient=record)
    other = PatientFactory()

    report = import_mcode(resources=bundle, patient=other, actor=None)

    assert report.ok, report.errors
    assert report.created == {
        "diagnosis": 2,
        "stage": 1,
        "performance_status": 1,
        "tumor_marker": 1,
        "genotyping_report": 1,
        "variant": 1,
    }
    again = export_mcode(patient=other)
    for profile in (c.PRIMARY_CANCER_CONDITION, c.TNM_STAGE_GROUP, c.TUMOR_MARKER_TEST):
        (before,) = by_profile(bundle, profile)
        (after,) = by_profile(again, profile)
        assert codes_of(after["code"]) == codes_of(before["code"])
        assert after.get("valueCodeableConcept") == before.get("valueCodeableConcept")
        assert after.get("valueQuantity") == before.get("valueQuantity")


def test_an_export_imported_into_the_same_patient_adds_nothing(record):
    report = import_mcode(resources=export_mcode(patient=record), patient=record, actor=None)

    assert report.ok and not report.created


def test_a_patient_without_an_oncology_record_exports_only_the_cancer_patient():
    bundle = export_mcode(patient=PatientFactory())

    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_a_report_annotated_for_any_solid_tumor_exports_like_any_other():
    patient = PatientFactory()
    services.record_genotyping_report(
        patient=patient,
        actor=None,
        test_name="Fusion panel",
        tumor_type=SOLID_TUMOR,
        reported_on=date(2024, 1, 2),
        alterations=[make_alteration(gene="EML4-ALK", kind="fusion")],
    )

    (variant,) = by_profile(export_mcode(patient=patient), c.GENOMIC_VARIANT)

    genes = [
        comp["valueCodeableConcept"]["text"]
        for comp in variant["component"]
        if comp["code"]["coding"][0]["code"] == c.GENE_STUDIED
    ]
    assert genes == ["EML4", "ALK"]


def test_the_export_takes_the_same_number_of_queries_however_large_the_record(
    record, django_assert_num_queries
):
    with django_assert_num_queries(9):
        export_mcode(patient=record)
    lung = record.cancer_diagnoses.get(kind="primary")
    for day in range(2, 6):
        services.record_diagnosis(
            patient=record, actor=None, kind="secondary", primary=lung, description=f"Site {day}"
        )
        services.record_reported_stage(
            diagnosis=lung,
            actor=None,
            system="AJCC 8th edition",
            stage_group="IV",
            assessed_on=date(2024, 4, day),
        )
        services.record_performance_status(
            patient=record, actor=None, scale="karnofsky", value=70, observed_on=date(2024, 4, day)
        )
        services.record_genotyping_report(
            patient=record,
            actor=None,
            test_name=f"Panel {day}",
            tumor_type="LUAD",
            reported_on=date(2024, 4, day),
            alterations=[make_alteration(gene="KRAS", change="G12C")],
        )
        services.record_lab_result(
            patient=record, actor=None, test="alt", value=30, unit="U/L",
            observed_on=date(2024, 4, day),
        )  # fmt: skip
        services.record_pregnancy_status(
            patient=record, actor=None, status="not_pregnant", observed_on=date(2024, 4, day)
        )
        services.record_treatment_course(
            patient=record, actor=None, regimen=f"Drug {day}", setting="adjuvant",
            started_on=date(2024, 4, day),
        )  # fmt: skip

    with django_assert_num_queries(9):
        export_mcode(patient=record)


def test_a_stage_from_a_scheme_that_is_not_tnm_exports_as_a_cancer_stage():
    patient = PatientFactory()
    femur = services.record_diagnosis(
        patient=patient, actor=None, description="Osteosarcoma of the femur", icd10_code="C40.21"
    )
    services.stage_tumor(
        diagnosis=femur,
        actor=None,
        scheme="enneking",
        categories={"grade": "G2", "t": "T2", "m": "M0"},
        assessed_on=date(2024, 2, 1),
    )

    bundle = export_mcode(patient=patient)

    (stage,) = by_profile(bundle, c.CANCER_STAGE)
    assert stage["valueCodeableConcept"]["text"] == "IIB"
    assert not by_profile(bundle, c.TNM_STAGE_GROUP)


def test_a_stage_without_a_group_exports_its_group_as_unknown():
    patient = PatientFactory()
    lung = services.record_diagnosis(
        patient=patient, actor=None, description="Lung cancer", icd10_code="C34.90"
    )
    services.stage_tumor(
        diagnosis=lung,
        actor=None,
        scheme="nsclc",
        categories={"t": "TX", "n": "N1", "m": "M0"},
        assessed_on=date(2024, 2, 1),
    )

    (group,) = by_profile(export_mcode(patient=patient), c.TNM_STAGE_GROUP)

    assert codes_of(group["valueCodeableConcept"]) == {(c.DATA_ABSENT, "unknown")}
    assert group["valueCodeableConcept"]["text"]


def test_staff_with_access_download_the_record_as_an_mcode_bundle(client):
    from django.urls import reverse

    from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
    from medcenter.oncology import services
    from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory

    clinician = StaffUserFactory(roles=["clinician"])
    patient, stranger = PatientFactory(), PatientFactory()
    CareRelationshipFactory(staff=clinician, patient=patient)
    services.record_diagnosis(
        patient=patient, actor=clinician, description="Osteosarcoma", oncotree_code="OS"
    )
    sign_in_verified(client, clinician)

    mine = client.get(reverse("fhir:mcode_export", args=[patient.public_id]))
    theirs = client.get(reverse("fhir:mcode_export", args=[stranger.public_id]))

    assert mine.status_code == 200
    assert mine["Content-Type"].startswith("application/fhir+json")
    kinds = [e["resource"]["resourceType"] for e in mine.json()["entry"]]
    assert "Patient" in kinds and "Condition" in kinds
    assert theirs.status_code == 403
    assert theirs.json()["resourceType"] == "OperationOutcome"


def test_treatments_labs_and_pregnancy_export_and_import_into_another_patient(record):
    services.record_treatment_course(
        patient=record,
        actor=None,
        regimen="Carboplatin + pemetrexed",
        setting="advanced",
        line=1,
        started_on=date(2024, 3, 20),
        ended_on=date(2024, 7, 1),
        stop_reason="progression",
    )
    services.record_treatment_course(
        patient=record, actor=None, regimen="Osimertinib", setting="advanced", line=2,
        started_on=date(2024, 7, 10),
    )  # fmt: skip
    services.record_lab_result(
        patient=record, actor=None, test="creatinine", value=97, unit="µmol/L",
        upper_limit=110, observed_on=date(2024, 7, 8),
    )  # fmt: skip
    services.record_lab_result(
        patient=record, actor=None, test="anc", value=2.1, unit="10^9/L",
        observed_on=date(2024, 7, 8),
    )  # fmt: skip
    services.record_pregnancy_status(
        patient=record, actor=None, status="not_pregnant", observed_on=date(2024, 7, 8)
    )
    services.record_pregnancy_status(
        patient=record, actor=None, status="breastfeeding", observed_on=date(2024, 1, 8)
    )
    bundle = export_mcode(patient=record)
    resources = [e["resource"] for e in bundle["entry"]]
    labs = {
        r["code"]["coding"][0]["code"]: r
        for r in resources
        if r["resourceType"] == "Observation"
        and r["category"][0]["coding"][0]["code"] == "laboratory"
        and "meta" not in r
    }  # fmt: skip
    assert set(labs) == {"14682-9", "751-8"}  # creatinine in µmol/L: the molar code
    assert labs["14682-9"]["valueQuantity"] == {"value": 97.0, "unit": "µmol/L"}
    assert labs["14682-9"]["referenceRange"] == [{"high": {"value": 110.0, "unit": "µmol/L"}}]
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert sorted((s["status"], s["medicationCodeableConcept"]["text"]) for s in statements) == [
        ("active", "Osimertinib"),
        ("stopped", "Carboplatin + pemetrexed"),
    ]
    pregnancy = [
        r for r in resources if codes_of(r.get("code", {})) & {(c.LOINC, c.PREGNANCY_STATUS)}
    ]
    assert codes_of(pregnancy[0]["valueCodeableConcept"]) == {(c.LOINC, c.NOT_PREGNANT)}

    other = PatientFactory()
    report = import_mcode(resources=bundle, patient=other, actor=None)
    assert report.ok, report.errors
    assert report.created["lab_result"] == 2
    assert report.created["treatment_course"] == 2
    assert report.created["pregnancy_status"] == 2
    again = {
        (t.regimen, t.setting, t.line, t.started_on, t.ended_on, t.stop_reason)
        for t in other.treatment_courses.all()
    }
    assert again == {
        (t.regimen, t.setting, t.line, t.started_on, t.ended_on, t.stop_reason)
        for t in record.treatment_courses.all()
    }
    assert {(r.test, r.value, r.unit, r.upper_limit) for r in other.lab_results.all()} == {
        ("creatinine", 97.0, "µmol/L", 110.0),
        ("anc", 2.1, "10^9/L", None),
    }
    assert sorted(p.status for p in other.pregnancy_statuses.all()) == [
        "breastfeeding",
        "not_pregnant",
    ]
    # Importing the same bundle again adds nothing.
    assert not import_mcode(resources=bundle, patient=other, actor=None).created


def test_a_lab_in_a_unit_the_record_does_not_take_is_skipped_with_the_reason():
    patient = PatientFactory()
    observation = {
        "resourceType": "Observation",
        "id": "lab-1",
        "status": "final",
        "code": {"coding": [{"system": c.LOINC, "code": "718-7"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2024-05-01",
        "valueQuantity": {"value": 7.5, "unit": "mmol/mol"},
    }
    ucum = {
        **observation,
        "id": "lab-2",
        "code": {"coding": [{"system": c.LOINC, "code": "777-3"}]},
        "valueQuantity": {"value": 210, "unit": "10*3/uL", "system": c.UCUM, "code": "10*3/uL"},
    }
    report = import_mcode(resources=[observation, ucum], patient=patient, actor=None)
    assert report.ok and report.created["lab_result"] == 1
    assert "mmol/mol" in report.skipped["Observation/lab-1"]
    assert patient.lab_results.get().unit == "10*3/uL"


def test_a_lab_bound_is_skipped_and_the_ucum_code_is_read_before_the_display_unit():
    patient = PatientFactory()
    base = {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2024-05-01",
    }
    bound = {
        **base,
        "id": "bilirubin",
        "code": {"coding": [{"system": c.LOINC, "code": "1975-2"}]},
        "valueQuantity": {"value": 0.2, "comparator": "<", "unit": "mg/dL"},
    }
    displayed = {
        **base,
        "id": "platelets",
        "code": {"coding": [{"system": c.LOINC, "code": "777-3"}]},
        "valueQuantity": {"value": 150, "unit": "x10E3/uL", "system": c.UCUM, "code": "10*3/uL"},
    }
    report = import_mcode(resources=[bound, displayed], patient=patient, actor=None)
    assert report.ok and report.created["lab_result"] == 1
    assert "bound" in report.skipped["Observation/bilirubin"]
    assert patient.lab_results.get().unit == "10*3/uL"
