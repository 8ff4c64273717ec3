"""Reading mCODE resources into the record's terms: the pure mapping functions."""

import pytest

from medcenter.fhir.mcode import codes as c
from medcenter.fhir.mcode.mapping import (
    McodeError,
    cancer_condition_kind,
    category_label,
    diagnosis_fields,
    marker_value,
    read_stage,
    stage_group_label,
    variant_alteration,
)


def concept(code=None, display=None, system=c.SNOMED, text=None):
    coding = {"system": system}
    if code:
        coding["code"] = code
    if display:
        coding["display"] = display
    result = {"coding": [coding]}
    if text:
        result["text"] = text
    return result


def category(axis_code, value):
    return {"code": concept(axis_code), "valueCodeableConcept": value}


@pytest.mark.parametrize(
    ("icd10", "kind"),
    [("C34.12", "primary"), ("D05.12", "primary"), ("C78.01", "secondary"), ("I50.32", None)],
)
def test_an_icd10_cm_code_tells_a_primary_from_a_metastasis(icd10, kind):
    resource = {"resourceType": "Condition", "code": concept(icd10, system=c.ICD10CM)}

    assert cancer_condition_kind(resource) == kind


def test_a_category_code_missing_from_the_table_is_read_from_its_display():
    value = concept("999999999", "American Joint Committee on Cancer cT2a (qualifier value)")

    assert category_label(category("399504009", value)) == "cT2a"


def test_a_category_the_source_says_is_absent_reads_as_none():
    value = concept("not-applicable", system=c.DATA_ABSENT)

    assert category_label(category("371497001", value)) is None


def test_a_category_that_is_not_one_is_refused_with_its_text():
    with pytest.raises(McodeError, match="large tumor"):
        category_label(category("399504009", {"text": "large tumor"}))


def test_a_stage_group_named_in_words_is_kept_as_written():
    group = {"valueCodeableConcept": {"text": "Occult carcinoma"}}

    assert stage_group_label(group) == "Occult carcinoma"


def test_categories_written_with_y_are_post_therapy():
    reading = read_stage(
        None,
        [
            category("384625004", {"text": "ypT2"}),
            category("371494008", {"text": "ypN0"}),
        ],
    )

    assert reading.classification == "post_therapy_pathological"
    assert reading.bare == {"t": "T2", "n": "N0"}


def test_a_t_value_under_an_n_code_is_refused():
    with pytest.raises(McodeError, match="cT3 was given as the N category"):
        read_stage(None, [category("399534004", concept("1228938002"))])


def test_laterality_and_icd_o_3_codes_are_read_from_the_body_site():
    fields = diagnosis_fields(
        {
            "id": "x",
            "code": concept("254637007", "Non-small cell lung cancer (disorder)"),
            "bodySite": [
                {
                    "coding": [{"system": c.ICDO3, "code": "C34.1"}],
                    "extension": [
                        {
                            "url": c.LATERALITY_EXTENSION,
                            "valueCodeableConcept": concept("24028007"),
                        }
                    ],
                }
            ],
            "recordedDate": "2023-11-02",
        }
    )

    assert (fields["icdo3_topography"], fields["laterality"]) == ("C34.1", "right")
    assert fields["body_site"] == ""
    assert fields["diagnosed_on"].isoformat() == "2023-11-02"
    assert fields["clinical_status"] == "unknown"


def test_a_quantity_result_keeps_its_comparator_and_unit():
    resource = {"valueQuantity": {"value": 5, "comparator": "<", "unit": "ng/mL"}}

    assert marker_value(resource) == "<5 ng/mL"


def test_a_variant_without_a_protein_component_takes_it_from_the_clinvar_display():
    resource = {
        "component": [
            {
                "code": concept(c.GENE_STUDIED, system=c.LOINC),
                "valueCodeableConcept": concept(
                    "HGNC:26144", "PALB2", system="http://www.genenames.org"
                ),
            },
            {
                "code": concept(c.VARIATION_CODE, system=c.LOINC),
                "valueCodeableConcept": concept(
                    "128144",
                    "NM_024675.3(PALB2):c.3549C>A (p.Tyr1183Ter)",
                    system="http://www.ncbi.nlm.nih.gov/clinvar",
                ),
            },
            {"code": concept(c.ALLELIC_FREQUENCY, system=c.LOINC), "valueQuantity": {"value": 42}},
        ]
    }

    alteration = variant_alteration(resource)

    assert (alteration.gene, alteration.protein.hgvs, alteration.vaf) == (
        "PALB2",
        "p.Tyr1183Ter",
        0.42,
    )


def test_a_variant_with_two_genes_and_no_protein_change_is_a_fusion():
    genes = [
        {"code": concept(c.GENE_STUDIED, system=c.LOINC), "valueCodeableConcept": {"text": gene}}
        for gene in ("BCR", "ABL1")
    ]

    alteration = variant_alteration({"component": genes})

    assert (str(alteration.kind), alteration.fusion) == ("fusion", "BCR::ABL1")


def test_a_variant_with_no_gene_is_refused():
    with pytest.raises(McodeError):
        variant_alteration({"component": []})
