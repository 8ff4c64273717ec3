"""The 179 examples of HL7 mCODE STU4 (hl7.fhir.us.mcode 4.0.0): every one imports without an
error, and each cancer example comes back out of an export with the same key codes and values.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from medcenter.fhir.mcode import codes as c
from medcenter.fhir.mcode import export_mcode, import_mcode
from medcenter.oncology.genomics import normalize_gene, parse_protein_change
from medcenter.oncology.models import StageAssessment
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[4] / "shared/datasets/mcode/json"
FILES = (
    sorted(p.name for p in EXAMPLES.glob("*.json") if not p.name.startswith("_"))
    if EXAMPLES.is_dir()
    else []
)
MISSING = "../shared/datasets is not beside this checkout"
CATEGORY_PROFILES = set(c.CATEGORY_PROFILE.values())


def load(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@cache
def resources():
    """Every example resource that is not a Bundle, by "Type/id"."""
    found = {}
    for name in FILES:
        resource = load(name)
        if resource["resourceType"] != "Bundle":
            found[f"{resource['resourceType']}/{resource['id']}"] = resource
    return found


def profile_of(resource):
    return set(resource.get("meta", {}).get("profile", []))


def examples(*profiles):
    """Names of the example files that claim one of `profiles` (a placeholder without data)."""
    names = [name for name in FILES if profile_of(load(name)) & set(profiles)]
    return names or ["(no examples)"]


def example(name):
    if not FILES:
        pytest.skip(MISSING)
    return load(name)


def codes_of(concept):
    return {
        (coding.get("system"), coding.get("code")) for coding in (concept or {}).get("coding", [])
    }


def exported(bundle, profile):
    return [e["resource"] for e in bundle["entry"] if profile in profile_of(e["resource"])]


def round_trip(*resources_in):
    patient = PatientFactory()
    report = import_mcode(resources=list(resources_in), patient=patient, actor=None)
    assert report.ok, report.errors
    return report, export_mcode(patient=patient)


def primary_condition_of(subject):
    primaries = [
        r
        for r in resources().values()
        if c.PRIMARY_CANCER_CONDITION in profile_of(r) and r["subject"] == subject
    ]
    return primaries if len(primaries) == 1 else []


def test_the_examples_are_all_there():
    if not FILES:
        pytest.skip(MISSING)

    assert len(FILES) == 179


@pytest.mark.parametrize("name", FILES or ["(no examples)"])
def test_every_example_imports_without_errors(name):
    resource = example(name)
    patient = PatientFactory()

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert report.ok, report.errors
    assert export_mcode(patient=patient)["entry"]


def test_the_nsclc_example_ct3_cn3_cm0_is_computed_as_stage_iiic():
    group = example("Observation-tnm-clinical-stage-group-3c.json")
    members = [resources()[m["reference"]] for m in group["hasMember"]]
    patient = PatientFactory()

    report = import_mcode(
        resources=[example("Condition-primary-cancer-condition-nsclc.json"), group, *members],
        patient=patient,
        actor=None,
    )

    assert report.ok and not report.warnings
    stage = StageAssessment.objects.get(diagnosis__patient=patient)
    assert (stage.scheme, stage.classification, stage.stage_group) == ("nsclc", "clinical", "IIIC")
    assert (stage.t, stage.n, stage.m) == ("T3", "N3", "M0")
    assert stage.rule_version.startswith("AJCC8/lung/")


@pytest.mark.parametrize("name", examples(c.PRIMARY_CANCER_CONDITION, c.SECONDARY_CANCER_CONDITION))
def test_cancer_conditions_round_trip(name):
    source = example(name)
    profile = (
        profile_of(source) & {c.PRIMARY_CANCER_CONDITION, c.SECONDARY_CANCER_CONDITION}
    ).pop()

    _report, bundle = round_trip(source)

    (condition,) = exported(bundle, profile)
    wanted = {(s, code) for s, code in codes_of(source["code"]) if s in (c.SNOMED, c.ICD10CM)}
    assert wanted <= codes_of(condition["code"])
    assert condition["onsetDateTime"] == source["onsetDateTime"]
    assert (
        condition["clinicalStatus"]["coding"][0]["code"]
        == (source["clinicalStatus"]["coding"][0]["code"])
    )
    for site, site_out in zip(
        source.get("bodySite", []), condition.get("bodySite", []), strict=False
    ):
        for extension in site.get("extension", []):
            assert extension in site_out["extension"]
    for extension in source.get("extension", []):
        if extension["url"] == c.HISTOLOGY_EXTENSION:
            (histology,) = [e for e in condition["extension"] if e["url"] == c.HISTOLOGY_EXTENSION]
            assert (
                histology["valueCodeableConcept"]["text"]
                == (extension["valueCodeableConcept"]["coding"][0]["display"])
            )


def _members(group):
    return [
        resources()[m["reference"]]
        for m in group.get("hasMember", [])
        if m["reference"] in resources()
    ]


def _value_codes(observation):
    return codes_of(observation.get("valueCodeableConcept")) - {
        (c.DATA_ABSENT, code) for _system, code in codes_of(observation.get("valueCodeableConcept"))
    }


@pytest.mark.parametrize("name", examples(c.TNM_STAGE_GROUP))
def test_tnm_stage_groups_round_trip(name):
    source = example(name)
    condition = resources()[source["focus"][0]["reference"]]
    members = _members(source)

    _report, bundle = round_trip(condition, source, *members)

    (group,) = exported(bundle, c.TNM_STAGE_GROUP)
    assert codes_of(group["code"]) == codes_of(source["code"])
    assert codes_of(group["valueCodeableConcept"]) == codes_of(source["valueCodeableConcept"])
    assert codes_of(group["method"]) == codes_of(source["method"])
    out_members = [
        e["resource"]
        for e in bundle["entry"]
        if f"urn:uuid:{e['resource']['id']}" in {m["reference"] for m in group["hasMember"]}
    ]
    assert {
        (json.dumps(sorted(codes_of(m["code"]))), json.dumps(sorted(_value_codes(m))))
        for m in out_members
    } == {
        (json.dumps(sorted(codes_of(m["code"]))), json.dumps(sorted(_value_codes(m))))
        for m in members
        if _value_codes(m)
    }


@pytest.mark.parametrize("name", examples(*CATEGORY_PROFILES))
def test_tnm_categories_round_trip(name):
    source = example(name)
    if not _value_codes(source):
        report = import_mcode(
            resources=[*primary_condition_of(source["subject"]), source],
            patient=PatientFactory(),
            actor=None,
        )
        assert report.ok and f"Observation/{source['id']}" in report.skipped
        return

    _report, bundle = round_trip(*primary_condition_of(source["subject"]), source)

    (category,) = exported(bundle, (profile_of(source) & CATEGORY_PROFILES).pop())
    assert codes_of(category["code"]) == codes_of(source["code"])
    assert _value_codes(category) == _value_codes(source)
    assert category["effectiveDateTime"] == source["effectiveDateTime"]


@pytest.mark.parametrize(
    "name", examples(c.ECOG_PERFORMANCE_STATUS, c.KARNOFSKY_PERFORMANCE_STATUS)
)
def test_performance_statuses_round_trip(name):
    source = example(name)
    profile = (
        profile_of(source) & {c.ECOG_PERFORMANCE_STATUS, c.KARNOFSKY_PERFORMANCE_STATUS}
    ).pop()

    _report, bundle = round_trip(source)

    (status,) = exported(bundle, profile)
    assert codes_of(status["code"]) == codes_of(source["code"])
    assert status["valueInteger"] == source["valueInteger"]
    assert status["effectiveDateTime"] == source["effectiveDateTime"]


@pytest.mark.parametrize("name", examples(c.TUMOR_MARKER_TEST))
def test_tumor_markers_round_trip(name):
    source = example(name)

    _report, bundle = round_trip(source)

    (marker,) = exported(bundle, c.TUMOR_MARKER_TEST)
    loinc = {(s, code) for s, code in codes_of(source["code"]) if s == c.LOINC}
    if loinc:
        assert codes_of(marker["code"]) == loinc
    else:
        assert marker["code"]["text"] == source["code"]["text"]
    if "valueCodeableConcept" in source:
        assert codes_of(source["valueCodeableConcept"]) <= codes_of(marker["valueCodeableConcept"])
    else:
        quantity = source["valueQuantity"]
        assert (marker["valueQuantity"]["value"], marker["valueQuantity"]["unit"]) == (
            quantity["value"],
            quantity["unit"],
        )
    for interpretation in source.get("interpretation", []):
        assert codes_of(interpretation) <= codes_of(marker["interpretation"][0])
    assert marker["effectiveDateTime"] == source["effectiveDateTime"]


def _genes(variant):
    return {
        normalize_gene(coding.get("display") or component["valueCodeableConcept"].get("text"))
        for component in variant["component"]
        if component["code"]["coding"][0]["code"] == c.GENE_STUDIED
        for coding in component["valueCodeableConcept"].get("coding", [{}])[:1]
    }


def _protein(variant):
    for component in variant["component"]:
        code = component["code"]["coding"][0]["code"]
        concept = component.get("valueCodeableConcept", {})
        if code == c.PROTEIN_HGVS:
            return parse_protein_change(concept["coding"][0]["code"]).hgvs
        if code == c.VARIATION_CODE and "(p." in concept["coding"][0].get("display", ""):
            text = concept["coding"][0]["display"]
            return parse_protein_change(text[text.index("(p.") + 1 : -1]).hgvs
    return None


@pytest.mark.parametrize("name", examples(c.GENOMIC_VARIANT))
def test_genomic_variants_round_trip(name):
    source = example(name)
    if source["valueCodeableConcept"]["coding"][0]["code"] == c.ABSENT:
        report = import_mcode(resources=source, patient=PatientFactory(), actor=None)
        assert report.ok and f"Observation/{source['id']}" in report.skipped
        return

    _report, bundle = round_trip(source)

    (variant,) = exported(bundle, c.GENOMIC_VARIANT)
    assert _genes(variant) == _genes(source)
    assert _protein(variant) == _protein(source)


@pytest.mark.parametrize("name", examples(c.GENOMICS_REPORT))
def test_genomics_reports_round_trip(name):
    source = example(name)
    results = [
        resources()[r["reference"]] for r in source["result"] if r["reference"] in resources()
    ]

    _report, bundle = round_trip(source, *results)

    (report,) = exported(bundle, c.GENOMICS_REPORT)
    variants = [
        r
        for r in results
        if c.GENOMIC_VARIANT in profile_of(r)
        and r["valueCodeableConcept"]["coding"][0]["code"] != c.ABSENT
    ]
    out = exported(bundle, c.GENOMIC_VARIANT)
    assert sorted(sorted(_genes(v)) for v in out) == sorted(sorted(_genes(v)) for v in variants)
    assert sorted(map(str, map(_protein, out))) == sorted(map(str, map(_protein, variants)))
    assert report["effectiveDateTime"] == source["effectiveDateTime"][:10]
