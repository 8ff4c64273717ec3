"""A patient's cancer record as HL7 mCODE STU4 resources in one collection Bundle.

Each resource is built as a dict and checked with its fhir.resources R4B model; mCODE uses only
elements that R4 (4.0.1) and R4B share. Ids are our public ids, or for resources with no row of
their own (a stage's T, N and M, a report's variants) UUIDs derived from them, so a second
export gives the same ids. Entries are addressed as urn:uuid:<id>, and so are references.

The caller has already been given access to the patient (patients.selectors.get_patient_for).
"""

import re
import uuid
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from medcenter.fhir.mcode import codes
from medcenter.fhir.mcode.reading import Json
from medcenter.oncology import staging
from medcenter.oncology.models import (
    CancerDiagnosis,
    ClinicalStatus,
    DiagnosisKind,
    GenotypingReport,
    LabResult,
    PerformanceScale,
    PerformanceStatus,
    PregnancyState,
    PregnancyStatus,
    StageAssessment,
    StopReason,
    TreatmentCourse,
    TumorMarker,
    Variant,
)
from medcenter.patients.models import Patient

_QUANTITY = re.compile(
    r"(?P<comparator><=|>=|<|>)?\s*(?P<number>-?\d+(?:\.\d+)?)(?:\s+(?P<unit>\S.*)|(?P<percent>%))?"
)
_PATHOLOGICAL = frozenset({"pathological", "post_therapy_pathological"})
_CATEGORIES = {"exam": "Exam", "survey": "Survey", "laboratory": "Laboratory"}
_PERFORMANCE = {
    PerformanceScale.ECOG: (
        codes.ECOG,
        "ECOG Performance Status score",
        codes.ECOG_PERFORMANCE_STATUS,
    ),
    PerformanceScale.KARNOFSKY: (
        codes.KARNOFSKY,
        "Karnofsky Performance Status score",
        codes.KARNOFSKY_PERFORMANCE_STATUS,
    ),
}


def export_mcode(*, patient: Patient) -> dict[str, Any]:
    """Return `patient`'s oncology record as an mCODE collection Bundle (validated)."""
    subject = _ref(patient.public_id)
    resources = [cancer_patient(patient)]
    diagnoses = (
        CancerDiagnosis.objects.filter(patient=patient)
        .select_related("primary")
        .prefetch_related("stages")
    )
    for diagnosis in diagnoses:
        stages = list(diagnosis.stages.all())
        resources.append(cancer_condition(diagnosis, stages, subject))
        for stage in stages:
            resources.extend(stage_observations(stage, diagnosis, subject))
    for status in PerformanceStatus.objects.filter(patient=patient):
        resources.append(performance_status(status, subject))
    for marker in TumorMarker.objects.filter(patient=patient):
        resources.append(tumor_marker(marker, subject))
    for result in LabResult.objects.filter(patient=patient):
        resources.append(lab_result(result, subject))
    for pregnancy in PregnancyStatus.objects.filter(patient=patient):
        resources.append(pregnancy_status(pregnancy, subject))
    for course in TreatmentCourse.objects.filter(patient=patient):
        resources.append(treatment_course(course, subject))
    reports = GenotypingReport.objects.filter(patient=patient).prefetch_related("variants")
    for genotyping in reports:
        resources.extend(genomics_report(genotyping, subject))
    bundle: dict[str, Any] = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid5(patient.public_id, "mcode")),
            "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
        }
    ).model_dump(mode="json", exclude_none=True)
    return bundle


def _validated(resource: Json) -> Json:
    model = get_fhir_model_class(resource["resourceType"])
    checked: Json = model.model_validate(resource).model_dump(mode="json", exclude_none=True)
    return checked


def _ref(public_id: object) -> dict[str, str]:
    return {"reference": f"urn:uuid:{public_id}"}


def _coding(system: str, code: str, display: str = "") -> Json:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _category(code: str) -> list[Json]:
    return [{"coding": [_coding(codes.OBSERVATION_CATEGORY, code, _CATEGORIES[code])]}]


def cancer_patient(patient: Patient) -> Json:
    return _validated(
        {
            "resourceType": "Patient",
            "id": str(patient.public_id),
            "meta": {"profile": [codes.CANCER_PATIENT]},
            "identifier": [
                {
                    "use": "usual",
                    "type": {
                        "coding": [_coding(codes.IDENTIFIER_TYPE, "MR", "Medical Record Number")]
                    },
                    "system": codes.MRN_SYSTEM,
                    "value": patient.mrn,
                }
            ],
            "name": [
                {"use": "official", "family": patient.family_name, "given": [patient.given_name]}
            ],
            "gender": patient.sex,
            "birthDate": patient.date_of_birth.isoformat(),
        }
    )


def cancer_condition(
    diagnosis: CancerDiagnosis, stages: list[StageAssessment], subject: Json
) -> Json:
    """A Primary or Secondary Cancer Condition, with its stage groups as stage summaries."""
    coding = []
    if diagnosis.snomed_code:
        coding.append(_coding(codes.SNOMED, diagnosis.snomed_code, diagnosis.description))
    if diagnosis.icd10_code:
        coding.append(_coding(codes.ICD10CM, diagnosis.icd10_code))
    if diagnosis.oncotree_code:
        coding.append(_coding(codes.ONCOTREE, diagnosis.oncotree_code))
    secondary = diagnosis.kind == DiagnosisKind.SECONDARY
    extension = []
    if diagnosis.histology or diagnosis.icdo3_morphology:
        histology: Json = {"text": diagnosis.histology or None}
        if diagnosis.icdo3_morphology:
            histology["coding"] = [_coding(codes.ICDO3, diagnosis.icdo3_morphology)]
        extension.append({"url": codes.HISTOLOGY_EXTENSION, "valueCodeableConcept": histology})
    if secondary and diagnosis.primary is not None:
        extension.append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/condition-related",
                "valueReference": _ref(diagnosis.primary.public_id),
            }
        )
    body_site: Json = {}
    if diagnosis.body_site:
        body_site["text"] = diagnosis.body_site
    if diagnosis.icdo3_topography:
        body_site["coding"] = [_coding(codes.ICDO3, diagnosis.icdo3_topography)]
    if diagnosis.laterality in codes.LATERALITY:
        code, display = codes.LATERALITY[diagnosis.laterality]
        body_site["extension"] = [
            {
                "url": codes.LATERALITY_EXTENSION,
                "valueCodeableConcept": {"coding": [_coding(codes.SNOMED, code, display)]},
            }
        ]
    resource: Json = {
        "resourceType": "Condition",
        "id": str(diagnosis.public_id),
        "meta": {
            "profile": [
                codes.SECONDARY_CANCER_CONDITION if secondary else codes.PRIMARY_CANCER_CONDITION
            ]
        },
        "extension": extension or None,
        "verificationStatus": {
            "coding": [_coding(codes.CONDITION_VERIFICATION, "confirmed", "Confirmed")]
        },
        "category": [
            {
                "coding": [
                    _coding(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")
                ]
            }
        ],
        "code": {"coding": coding or None, "text": diagnosis.description},
        "bodySite": [body_site] if body_site else None,
        "subject": subject,
        "onsetDateTime": diagnosis.diagnosed_on.isoformat() if diagnosis.diagnosed_on else None,
        "stage": [
            {
                "summary": _stage_group_value(stage),
                "assessment": [_ref(stage.public_id)],
            }
            for stage in stages
            if stage.stage_group and _is_tnm(stage)
        ]
        or None,
    }
    if diagnosis.clinical_status != ClinicalStatus.UNKNOWN:
        resource["clinicalStatus"] = {
            "coding": [_coding(codes.CONDITION_CLINICAL, diagnosis.clinical_status)]
        }
    return _validated(resource)


def _is_tnm(stage: StageAssessment) -> bool:
    table = staging.SCHEMES.get(stage.scheme)
    return table is None or table.uses_prefixes


def _member_id(stage: StageAssessment, axis: str) -> str:
    return str(uuid.uuid5(stage.public_id, axis))


def _label(stage: StageAssessment, axis: str, value: str) -> str:
    """The category as written for the stage's classification: T3 of a clinical stage is cT3."""
    prefix, bare = codes.split_category(value)
    if prefix:
        return value
    # AJCC: pathological stage uses cM0, and cM1 unless the metastasis was confirmed under the
    # microscope, which the record does not keep.
    if axis == "m" and stage.classification in _PATHOLOGICAL:
        return "c" + bare
    return staging.CLASSIFICATIONS.get(stage.classification, "c") + bare


def _method(stage: StageAssessment) -> Json | None:
    if stage.rule_version.startswith("AJCC8/"):
        return {
            "coding": [
                _coding(codes.SNOMED, codes.AJCC8, codes.STAGING_METHOD_DISPLAY[codes.AJCC8])
            ]
        }
    system = stage.rule_version.removeprefix("reported: ")
    for code, name in codes.STAGING_METHODS.items():
        if name == system:
            code_system = codes.NCIT if code.startswith("C") else codes.SNOMED
            return {"coding": [_coding(code_system, code, codes.STAGING_METHOD_DISPLAY[code])]}
    return {"text": system} if system and system != "mCODE" else None


def _stage_group_value(stage: StageAssessment) -> Json:
    code = codes.STAGE_GROUP_BY_LABEL.get(stage.stage_group.lower())
    if code is None:
        return {"text": stage.stage_group}
    display = f"American Joint Committee on Cancer stage {stage.stage_group} (qualifier value)"
    return {"coding": [_coding(codes.SNOMED, code, display)], "text": stage.stage_group}


def stage_observations(
    stage: StageAssessment, diagnosis: CancerDiagnosis, subject: Json
) -> list[Json]:
    """A TNM Stage Group with its T, N and M category members (or, for a scheme that is not
    TNM, such as Enneking's, one Cancer Stage observation)."""
    common: Json = {
        "status": "final",
        "category": _category("exam"),
        "subject": subject,
        "focus": [_ref(diagnosis.public_id)],
        "effectiveDateTime": stage.assessed_on.isoformat(),
    }
    if not _is_tnm(stage):
        title = staging.SCHEMES[stage.scheme].title
        return [
            _validated(
                {
                    "resourceType": "Observation",
                    "id": str(stage.public_id),
                    "meta": {"profile": [codes.CANCER_STAGE]},
                    **common,
                    "code": {"text": title},
                    "valueCodeableConcept": {"text": stage.stage_group or stage.stage_group_note}
                    if stage.stage_group or stage.stage_group_note
                    else None,
                    "method": {"text": title},
                }
            )
        ]
    method = _method(stage)
    members = []
    for axis in "tnm":
        value = getattr(stage, axis)
        if not value:
            continue
        label = _label(stage, axis, value)
        prefix = codes.split_category(label)[0]
        kind = codes.PATHOLOGICAL if prefix.endswith("p") else codes.CLINICAL
        code, display = codes.CATEGORY_CODE[(axis, kind)]
        category_code = codes.TNM_CATEGORY_BY_LABEL.get(label.lower())
        value_concept: Json = {"text": label}
        if category_code is not None:
            value_concept["coding"] = [
                _coding(
                    codes.SNOMED,
                    category_code,
                    f"American Joint Committee on Cancer {label} (qualifier value)",
                )
            ]
        members.append(
            _validated(
                {
                    "resourceType": "Observation",
                    "id": _member_id(stage, axis),
                    "meta": {"profile": [codes.CATEGORY_PROFILE[axis]]},
                    **common,
                    "code": {"coding": [_coding(codes.SNOMED, code, display)]},
                    "valueCodeableConcept": value_concept,
                    "method": method,
                }
            )
        )
    kind = codes.PATHOLOGICAL if stage.classification in _PATHOLOGICAL else codes.CLINICAL
    code, display = codes.STAGE_GROUP_CODE[kind]
    if stage.stage_group:
        group_value = _stage_group_value(stage)
    else:
        group_value = {
            "coding": [_coding(codes.DATA_ABSENT, "unknown", "Unknown")],
            "text": stage.stage_group_note or None,
        }
    group = _validated(
        {
            "resourceType": "Observation",
            "id": str(stage.public_id),
            "meta": {"profile": [codes.TNM_STAGE_GROUP]},
            **common,
            "code": {"coding": [_coding(codes.SNOMED, code, display)]},
            "valueCodeableConcept": group_value,
            "method": method,
            "hasMember": [_ref(member["id"]) for member in members] or None,
        }
    )
    return [group, *members]


def performance_status(status: PerformanceStatus, subject: Json) -> Json:
    loinc, display, profile = _PERFORMANCE[PerformanceScale(status.scale)]
    return _validated(
        {
            "resourceType": "Observation",
            "id": str(status.public_id),
            "meta": {"profile": [profile]},
            "status": "final",
            "category": _category("survey"),
            "code": {"coding": [_coding(codes.LOINC, loinc, display)]},
            "subject": subject,
            "effectiveDateTime": status.observed_on.isoformat(),
            "valueInteger": status.value,
        }
    )


def _marker_value(text: str) -> Json:
    """A result kept as text, as the most specific FHIR value: a quantity, a coded result or
    else the text itself."""
    quantity = _QUANTITY.fullmatch(text.strip())
    if quantity is not None:
        number = quantity["number"]
        value: Json = {"value": float(number) if "." in number else int(number)}
        if quantity["comparator"]:
            value["comparator"] = quantity["comparator"]
        unit = "%" if quantity["percent"] else quantity["unit"]
        if unit:
            value["unit"] = unit
        if unit == "%":
            value.update(system=codes.UCUM, code="%")
        return {"valueQuantity": value}
    coded = codes.RESULT_CODES.get(text.strip().lower())
    if coded is not None:
        return {
            "valueCodeableConcept": {
                "coding": [_coding(system, code, display) for system, code, display in coded],
                "text": text,
            }
        }
    return {"valueString": text}


def tumor_marker(marker: TumorMarker, subject: Json) -> Json:
    code: Json = {"text": marker.name}
    if marker.loinc_code:
        code["coding"] = [_coding(codes.LOINC, marker.loinc_code, marker.name)]
    interpretation: list[Json] | None = None
    if marker.interpretation:
        found = codes.INTERPRETATION_BY_TEXT.get(marker.interpretation.lower())
        interpretation = [
            {"coding": [_coding(codes.INTERPRETATION, found, marker.interpretation)]}
            if found
            else {"text": marker.interpretation}
        ]
    return _validated(
        {
            "resourceType": "Observation",
            "id": str(marker.public_id),
            "meta": {"profile": [codes.TUMOR_MARKER_TEST]},
            "status": "final",
            "category": _category("laboratory"),
            "code": code,
            "subject": subject,
            "effectiveDateTime": marker.observed_on.isoformat() if marker.observed_on else None,
            **_marker_value(marker.value),
            "interpretation": interpretation,
        }
    )


def _gene_component(gene: str) -> Json:
    return {
        "code": {"coding": [_coding(codes.LOINC, codes.GENE_STUDIED, "Gene studied [ID]")]},
        "valueCodeableConcept": {"text": gene},
    }


def _variant_genes(variant: Variant) -> list[str]:
    if variant.kind == "fusion" and variant.fusion_partner:
        return [variant.fusion_partner, variant.gene]
    return [variant.gene]


def genomic_variant(variant: Variant, genotyping: GenotypingReport, subject: Json) -> Json:
    component = [_gene_component(gene) for gene in _variant_genes(variant)]
    if variant.protein_change:
        component.append(
            {
                "code": {
                    "coding": [
                        _coding(codes.LOINC, codes.PROTEIN_HGVS, "Amino acid change (pHGVS)")
                    ]
                },
                "valueCodeableConcept": {
                    "coding": [_coding(codes.HGVS, variant.protein_change)],
                    "text": variant.protein_short or None,
                },
            }
        )
    if variant.kind in codes.SO_BY_KIND:
        so_code, so_display = codes.SO_BY_KIND[variant.kind]
        component.append(
            {
                "code": {
                    "coding": [_coding(codes.LOINC, codes.DNA_CHANGE_TYPE, "DNA change type")]
                },
                "valueCodeableConcept": {
                    "coding": [_coding(codes.SEQUENCE_ONTOLOGY, so_code, so_display)]
                },
            }
        )
    if variant.allele_fraction is not None:
        component.append(
            {
                "code": {
                    "coding": [
                        _coding(
                            codes.LOINC,
                            codes.ALLELIC_FREQUENCY,
                            "Sample variant allelic frequency [NFr]",
                        )
                    ]
                },
                "valueQuantity": {
                    "value": round(variant.allele_fraction * 100, 4),
                    "unit": "%",
                    "system": codes.UCUM,
                    "code": "%",
                },
            }
        )
    if variant.copy_number is not None:
        component.append(
            {
                "code": {
                    "coding": [
                        _coding(
                            codes.LOINC, codes.COPY_NUMBER, "Genomic structural variant copy number"
                        )
                    ]
                },
                "valueQuantity": {"value": variant.copy_number},
            }
        )
    return _validated(
        {
            "resourceType": "Observation",
            "id": str(uuid.uuid5(genotyping.public_id, f"variant/{variant.pk}")),
            "meta": {"profile": [codes.GENOMIC_VARIANT]},
            "status": "final",
            "category": _category("laboratory"),
            "code": {
                "coding": [
                    _coding(codes.LOINC, codes.GENOMIC_VARIANT_CODE, "Genetic variant assessment")
                ]
            },
            "subject": subject,
            "effectiveDateTime": genotyping.reported_on.isoformat(),
            "valueCodeableConcept": {"coding": [_coding(codes.LOINC, codes.PRESENT, "Present")]},
            "component": component,
        }
    )


def genomics_report(genotyping: GenotypingReport, subject: Json) -> list[Json]:
    """A Genomics Report with its variants and, when the panel's genes are known, the genomic
    region it studied."""
    results = [
        genomic_variant(variant, genotyping, subject) for variant in genotyping.variants.all()
    ]
    if genotyping.genes_covered:
        results.append(
            _validated(
                {
                    "resourceType": "Observation",
                    "id": str(uuid.uuid5(genotyping.public_id, "region")),
                    "meta": {"profile": [codes.GENOMIC_REGION_STUDIED]},
                    "status": "final",
                    "category": _category("laboratory"),
                    "code": {
                        "coding": [
                            _coding(
                                codes.LOINC,
                                codes.REGION_STUDIED_CODE,
                                "DNA region of interest panel",
                            )
                        ]
                    },
                    "subject": subject,
                    "effectiveDateTime": genotyping.reported_on.isoformat(),
                    "component": [_gene_component(gene) for gene in genotyping.genes_covered],
                }
            )
        )
    report = _validated(
        {
            "resourceType": "DiagnosticReport",
            "id": str(genotyping.public_id),
            "meta": {"profile": [codes.GENOMICS_REPORT]},
            "status": "final",
            "category": [{"coding": [_coding(codes.DIAGNOSTIC_SERVICE, "GE", "Genetics")]}],
            "code": {
                "coding": [
                    _coding(codes.LOINC, codes.GENOMICS_REPORT_CODE, "Genetic analysis report")
                ],
                "text": genotyping.test_name,
            },
            "subject": subject,
            "effectiveDateTime": genotyping.reported_on.isoformat(),
            "specimen": [{"display": genotyping.specimen}] if genotyping.specimen else None,
            "result": [_ref(result["id"]) for result in results] or None,
        }
    )
    return [report, *results]


def lab_result(result: LabResult, subject: Json) -> Json:
    """A laboratory Observation: the LOINC code of the test (a molar one for creatinine or
    bilirubin in µmol/L), the value in the laboratory's unit, the upper limit of normal."""
    molar = "mol" in result.unit.lower() and result.test in codes.LAB_TESTS_MOLAR
    loinc, display = (codes.LAB_TESTS_MOLAR if molar else codes.LAB_TESTS)[result.test]
    quantity: Json = {"value": result.value, **({"unit": result.unit} if result.unit else {})}
    high = (
        [{"high": {"value": result.upper_limit, **({"unit": result.unit} if result.unit else {})}}]
        if result.upper_limit
        else None
    )
    return _validated(
        {
            "resourceType": "Observation",
            "id": str(result.public_id),
            "status": "final",
            "category": _category("laboratory"),
            "code": {"coding": [_coding(codes.LOINC, loinc, display)]},
            "subject": subject,
            "effectiveDateTime": result.observed_on.isoformat(),
            "valueQuantity": quantity,
            "referenceRange": high,
        }
    )


def pregnancy_status(recorded: PregnancyStatus, subject: Json) -> Json:
    """Pregnancy status (LOINC 82810-3 with its LOINC answers); breastfeeding, which that
    code does not cover, as our own breastfeeding-status observation."""
    if recorded.status == PregnancyState.BREASTFEEDING:
        code = _coding(codes.BREASTFEEDING_SYSTEM, codes.BREASTFEEDING, "Breastfeeding status")
        value: Json = {"valueBoolean": True}
    else:
        code = _coding(codes.LOINC, codes.PREGNANCY_STATUS, "Pregnancy status")
        answer = (
            (codes.PREGNANT, "Pregnant")
            if recorded.status == PregnancyState.PREGNANT
            else (codes.NOT_PREGNANT, "Not pregnant")
        )
        value = {"valueCodeableConcept": {"coding": [_coding(codes.LOINC, *answer)]}}
    return _validated(
        {
            "resourceType": "Observation",
            "id": str(recorded.public_id),
            "status": "final",
            "category": _category("survey"),
            "code": {"coding": [code]},
            "subject": subject,
            "effectiveDateTime": recorded.observed_on.isoformat(),
            **value,
        }
    )


def treatment_course(course: TreatmentCourse, subject: Json) -> Json:
    """A course of systemic therapy as a MedicationStatement: the regimen as written, the
    period, why it stopped; its setting and line in our extensions."""
    if course.ended_on is None:
        status = "active"
    elif course.stop_reason in ("", StopReason.COMPLETED):
        status = "completed"
    else:
        status = "stopped"
    extensions: list[Json] = [{"url": codes.THERAPY_SETTING_URL, "valueCode": course.setting}]
    if course.line is not None:
        extensions.append({"url": codes.LINE_OF_THERAPY_URL, "valueInteger": course.line})
    period: Json = {"start": course.started_on.isoformat()}
    if course.ended_on is not None:
        period["end"] = course.ended_on.isoformat()
    reason = (
        [{"coding": [_coding(codes.STOP_REASON_SYSTEM, course.stop_reason)]}]
        if course.stop_reason
        else None
    )
    return _validated(
        {
            "resourceType": "MedicationStatement",
            "id": str(course.public_id),
            "extension": extensions,
            "status": status,
            "statusReason": reason,
            "medicationCodeableConcept": {"text": course.regimen},
            "subject": subject,
            "effectivePeriod": period,
        }
    )
