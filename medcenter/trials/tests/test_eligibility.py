"""Eligibility text → structured criteria, and patient notes → a profile (no database)."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from medcenter.oncology.genomics.oncotree import load_oncotree
from medcenter.trials import eligibility
from medcenter.trials.eligibility import age_bounds, parse_criteria
from medcenter.trials.matcher.notes import note_facts
from medcenter.trials.matcher.vocabulary import (
    CANCER_ABBREVIATIONS,
    CANCER_TERMS,
    LAY_TERMS,
    THERAPIES,
    THERAPY_PARENTS,
    THERAPY_SYNONYMS,
    lay_terms,
    normalize_therapy,
    therapy_classes,
)

# Real records live beside the checkout, not in it: CI's clean clone has none.
DATASETS = Path(__file__).resolve().parents[4] / "shared" / "datasets"
CTGOV = DATASETS / "ctgov"
TRIALGPT = DATASETS / "trialgpt"
KINDS = {
    "age",
    "sex",
    "diagnosis",
    "stage",
    "biomarker",
    "performance",
    "prior_therapy",
    "prior_lines",
    "brain_metastases",
    "lab",
    "pregnancy",
    "text",
}
BULLET = re.compile(r"^\s*(?:[*•-]|\d{1,2}[.)])\s+(?P<text>\S.*)$")


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (it lives beside the checkout)")
    return path


def _studies(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    studies: list[dict] = data.get("studies", [data])
    return studies


def _criteria_text(name: str) -> str:
    (study,) = _studies(_needs(CTGOV / name))[:1]
    return str(study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])


def _of(criteria: list[dict], kind: str, section: str | None = None) -> list[dict]:
    return [
        c for c in criteria if c["kind"] == kind and (section is None or c["section"] == section)
    ]


def _one(text: str, section: str = "inclusion") -> list[dict]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    return parse_criteria(f"{heading}\n\n* {text}")


def _flat(text: str, section: str = "inclusion") -> list[dict]:
    """Criteria, with the alternatives of unread any-of sentences spelled out."""
    found = []
    for criterion in _one(text, section):
        found.append(criterion)
        found.extend(criterion.get("alternatives", []))
    return found


def _assert_shape(criterion: dict) -> None:
    assert criterion["section"] in ("inclusion", "exclusion")
    assert criterion["kind"] in KINDS
    assert isinstance(criterion["source"], str) and criterion["source"].strip()
    assert criterion["source"] == criterion["source"].strip()
    for alternative in criterion.get("alternatives", []):
        _assert_shape(alternative)


# --- Real records ---------------------------------------------------------------------------


def test_every_ctgov_record_parses_and_every_bullet_keeps_its_source():
    files = sorted(_needs(CTGOV).rglob("*.json"))
    assert files
    checked = 0
    for path in files:
        for study in _studies(path):
            module = study.get("protocolSection", {}).get("eligibilityModule", {})
            text = module.get("eligibilityCriteria")
            if not text:
                continue
            criteria = parse_criteria(text)
            for criterion in criteria:
                _assert_shape(criterion)
            sources = [" ".join(c["source"].split()) for c in criteria]
            for line in text.splitlines():
                bullet = BULLET.match(line)
                if bullet is None:
                    continue
                words = " ".join(re.sub(r"\\(.)", r"\1", bullet.group("text")).split())
                assert any(s in words or words in s for s in sources), (path.name, words)
                checked += 1
    assert checked > 100


def test_egfr_mutant_nsclc_with_brain_metastases():
    criteria = parse_criteria(_criteria_text("biomcp/get_nct06604689_20260811.json"))
    (marker,) = _of(criteria, "biomarker", "inclusion")
    assert marker["gene"] == "EGFR"
    assert {"L858R", "exon 19 deletion"} <= set(marker["classes"])
    assert marker["present"] is True
    assert "L858R" in marker["source"]
    (brain,) = _of(criteria, "brain_metastases")
    assert brain == {
        "section": "inclusion",
        "kind": "brain_metastases",
        "source": "brain metastases at diagnosis;",
        "present": True,
        "qualifier": None,
    }
    (age,) = _of(criteria, "age")
    assert (age["min_years"], age["max_years"]) == (18, None)
    (diagnosis,) = _of(criteria, "diagnosis")
    assert diagnosis["oncotree"] == ["NSCLC"] and diagnosis["present"] is True
    (performance,) = _of(criteria, "performance")
    assert (performance["scale"], performance["min"]) == ("karnofsky", 70)
    (stage,) = _of(criteria, "stage")
    assert stage["stages"] == ["IV"]
    (therapy,) = _of(criteria, "prior_therapy")
    assert (therapy["therapy"], therapy["present"]) == ("third-generation egfr tki", True)
    # "EGFR sensitive mutations were negative …" excludes those without a sensitizing one.
    (excluded,) = _of(criteria, "biomarker", "exclusion")
    assert (excluded["gene"], excluded["present"]) == ("EGFR", False)
    assert excluded["classes"] == ["oncogenic mutation"]


def test_egfr_wild_type_nsclc():
    criteria = parse_criteria(_criteria_text("biomcp/get_nct06382129_20260811.json"))
    (wild_type,) = _of(criteria, "biomarker", "inclusion")
    assert (wild_type["gene"], wild_type["classes"], wild_type["present"]) == (
        "EGFR",
        ["mutation"],
        False,
    )
    (excluded,) = _of(criteria, "biomarker", "exclusion")
    assert excluded["present"] is True
    assert set(excluded["classes"]) == {"L858R", "exon 19 deletion", "T790M"}
    (performance,) = _of(criteria, "performance")
    assert (performance["scale"], performance["max"]) == ("ecog", 1)
    (brain,) = _of(criteria, "brain_metastases")
    assert (brain["section"], brain["qualifier"]) == ("exclusion", "active")
    (stage,) = _of(criteria, "stage")
    assert stage["metastatic"] and stage["locally_advanced"]
    # A washout ("… within 2 weeks before randomization") is not a history of treatment.
    assert not [c for c in _of(criteria, "prior_therapy") if c["therapy"] == "chemotherapy"]


def test_her2_negative_hormone_receptor_positive_breast_cancer():
    criteria = parse_criteria(_criteria_text("mcode/NCT02513394.json"))
    (her2,) = [c for c in _of(criteria, "biomarker") if c["gene"] == "ERBB2"]
    assert her2["present"] is False
    assert set(her2["classes"]) == {"overexpression", "amplification"}
    # "ER+ and/or PR+": either receptor will do.
    (receptors,) = [c for c in _of(criteria, "text") if c.get("alternatives")]
    assert {(a["gene"], a["present"]) for a in receptors["alternatives"]} == {
        ("ESR1", True),
        ("PGR", True),
    }
    (stage,) = _of(criteria, "stage")
    assert stage["stages"] == ["II", "III"]
    labs = {(c["test"], c["op"]): c for c in _of(criteria, "lab")}
    assert labs[("anc", ">=")]["value"] == 1500
    # "≤ ULN; or ≤ 3 x ULN (Gilbert's)": the looser bound never excludes wrongly.
    assert labs[("bilirubin", "<=")]["uln_multiple"] == 3.0
    assert labs[("ast", "<=")]["uln_multiple"] == labs[("alt", "<=")]["uln_multiple"] == 1.5
    # "creatinine below ULN or clearance ≥ 60": either will do, so neither is required.
    assert ("creatinine", "<") not in labs and ("creatinine_clearance", ">=") not in labs
    (cdk,) = _of(criteria, "prior_therapy", "exclusion")
    assert (cdk["therapy"], cdk["present"]) == ("cdk4/6 inhibitor", True)


def test_her2_positive_metastatic_breast_cancer():
    criteria = parse_criteria(_criteria_text("mcode/NCT03377387.json"))
    (her2,) = _of(criteria, "biomarker", "inclusion")
    assert (her2["gene"], her2["present"]) == ("ERBB2", True)
    assert "overexpression" in her2["classes"]
    (diagnosis,) = _of(criteria, "diagnosis")
    assert diagnosis["oncotree"] == ["BREAST"]
    labs = {c["test"]: c for c in _of(criteria, "lab")}
    # "AST/ALT ≤ 3.0 x ULN (≤ 5.0 x ULN if liver metastases)": the loosest bound.
    assert labs["ast"]["uln_multiple"] == labs["alt"]["uln_multiple"] == 5.0
    assert (labs["platelets"]["value"], labs["platelets"]["unit"]) == (50000, "/ul")
    # "treated and stable brain lesions … may be enrolled" permits; it requires nothing.
    assert not _of(criteria, "brain_metastases")
    assert _of(criteria, "pregnancy", "exclusion")[0]["present"] is True


def test_paediatric_brain_tumour_age_bounds():
    criteria = parse_criteria(_criteria_text("aact/NCT03281889.json"))
    (age,) = _of(criteria, "age")
    assert (age["min_years"], age["max_years"]) == (3.0, 18.0)
    (study,) = _studies(CTGOV / "aact/NCT03281889.json")
    module = study["protocolSection"]["eligibilityModule"]
    assert age_bounds(module["minimumAge"], module.get("maximumAge")) == (3.0, 18.0)


def test_endometrial_cancer_keeps_sub_study_criteria_as_text():
    criteria = parse_criteria(_criteria_text("aact/NCT06388018.json"))
    (diagnosis,) = _of(criteria, "diagnosis")
    assert diagnosis["oncotree"] == ["UCEC"]
    assert load_oncotree().is_within("UEC", diagnosis["oncotree"][0])
    (stage,) = _of(criteria, "stage", "inclusion")
    assert stage["stages"] == ["I", "II", "III"]
    (performance,) = _of(criteria, "performance")
    assert performance["max"] == 2
    # Each sub-study and cohort has its own criteria: no patient needs all of them.
    scoped = [c for c in criteria if c["source"].startswith(("SUB-STUDY", "Cohort", "Stage I"))]
    assert scoped and all(c["kind"] == "text" for c in scoped)
    (metastatic,) = _of(criteria, "stage", "exclusion")
    assert metastatic["metastatic"] is True


# --- Single criteria ------------------------------------------------------------------------


def test_alternative_changes_of_one_gene_are_one_criterion():
    (marker,) = _one("EGFR exon 19 deletion or L858R mutation")
    assert (marker["gene"], marker["classes"], marker["present"]) == (
        "EGFR",
        ["exon 19 deletion", "L858R"],
        True,
    )


def test_alternative_genes_in_an_inclusion_are_any_of():
    (criterion,) = _one("EGFR-mutant or ALK-positive NSCLC")[:1]
    assert criterion["kind"] == "text"
    assert [(a["gene"], a["classes"]) for a in criterion["alternatives"]] == [
        ("EGFR", ["mutation"]),
        ("ALK", ["fusion"]),
    ]
    # As an exclusion, either one excludes.
    excluded = _of(_one("Known EGFR mutation or ALK rearrangement", "exclusion"), "biomarker")
    assert [c["gene"] for c in excluded] == ["EGFR", "ALK"]


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("Patients with EGFR T790M are excluded", "inclusion", ("EGFR", ["T790M"], False)),
        ("HER2-negative breast cancer", "inclusion", ("ERBB2", None, False)),
        ("No known ALK rearrangement", "inclusion", ("ALK", ["fusion"], False)),
        (
            "Documented activating EGFR mutation",
            "inclusion",
            ("EGFR", ["oncogenic mutation"], True),
        ),
        ("BRAF V600E mutation", "exclusion", ("BRAF", ["V600E"], True)),
        ("IDH1-mutant glioma", "inclusion", ("IDH1", ["mutation"], True)),
        ("MET exon 14 skipping mutation", "inclusion", ("MET", ["exon 14 skipping"], True)),
    ],
)
def test_biomarker_sentences(text, section, expected):
    gene, classes, present = expected
    (marker,) = _of(_one(text, section), "biomarker")
    assert marker["gene"] == gene and marker["present"] is present
    assert classes is None or marker["classes"] == classes


@pytest.mark.parametrize(
    "text",
    [
        "HER2-low breast cancer",  # neither positive nor negative
        "EGFR mutation status unknown",
        "Prior EGFR TKI therapy is required",  # a treatment, not an alteration
        "PD-L1 TPS ≥ 50%",
        "Patients must be tested for a PDGFRA fusion",
    ],
)
def test_biomarker_words_that_state_no_alteration(text):
    assert not _of(_flat(text), "biomarker")


def test_triple_negative_is_three_absences():
    markers = _of(_one("Histologically confirmed triple negative breast cancer"), "biomarker")
    assert {(m["gene"], m["present"]) for m in markers} == {
        ("ESR1", False),
        ("PGR", False),
        ("ERBB2", False),
    }


@pytest.mark.parametrize(
    ("text", "section", "qualifiers", "present"),
    [
        ("Known untreated brain metastases", "exclusion", ["untreated"], True),
        (
            "Untreated or symptomatic brain metastases",
            "exclusion",
            ["untreated", "symptomatic"],
            True,
        ),
        ("Known brain metastases", "exclusion", [None], True),
        ("Brain metastases unless treated and stable for 4 weeks", "exclusion", ["active"], True),
        ("Leptomeningeal disease", "exclusion", ["leptomeningeal"], True),
        ("No known brain metastases", "inclusion", [None], False),
    ],
)
def test_brain_metastases(text, section, qualifiers, present):
    found = _of(_one(text, section), "brain_metastases")
    assert [c["qualifier"] for c in found] == qualifiers
    assert all(c["present"] is present for c in found)


@pytest.mark.parametrize(
    "text",
    [
        "Patients with treated, stable brain metastases are eligible",
        "At least 6 months since prior radiotherapy for brain metastases",
    ],
)
def test_brain_metastases_mentioned_without_a_condition(text):
    assert not _of(_one(text), "brain_metastases")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Age ≥ 18 years", 18, None),
        ("Patients' age must be \\>= 18 years", 18, None),
        ("Aged 18-75 years", 18, 75),
        ("Age between 18 and 70 years old", 18, 70),
        ("12 months to 21 years of age", 1, 21),
        ("Age 18 or older", 18, None),
        ("Age ≥ 3 years and ≤ 18 years at the time of registration", 3, 18),
    ],
)
def test_age(text, low, high):
    (age,) = _of(_one(text), "age")
    assert (age["min_years"], age["max_years"]) == (low, high)


@pytest.mark.parametrize(
    "text",
    [
        "Life expectancy ≥ 12 months",
        "Consent of parent or guardian if less than 18 years of age",
        "1.2 mg/dL (for patients 10 to 12 years of age)",
    ],
)
def test_numbers_that_are_not_the_patients_age(text):
    assert not _of(_one(text), "age")


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        ("18 Years", None, (18.0, None)),
        ("6 Months", "21 Years", (0.5, 21.0)),
        ("N/A", "N/A", (None, None)),
        (None, "65 Years", (None, 65.0)),
        ("28 Days", None, (0.0767, None)),
    ],
)
def test_age_bounds(minimum, maximum, expected):
    assert age_bounds(minimum, maximum) == expected


@pytest.mark.parametrize(
    ("text", "scale", "low", "high"),
    [
        ("ECOG performance status 0-1.", "ecog", None, 1),
        ("ECOG PS ≤ 2", "ecog", None, 2),
        (
            "Eastern Cooperative Oncology Group (ECOG) performance status of 0, 1, or 2",
            "ecog",
            None,
            2,
        ),
        ("Karnofsky ≥ 70%", "karnofsky", 70, None),
        ("KPS score≥70", "karnofsky", 70, None),
        ("Lansky play score of at least 50", "lansky", 50, None),
        ("ECOG performance status ≤ 2 (Karnofsky ≥ 60%)", "ecog", None, 2),
    ],
)
def test_performance(text, scale, low, high):
    (performance,) = _of(_one(text), "performance")
    assert (performance["scale"], performance["min"], performance["max"]) == (scale, low, high)


def test_alternative_performance_scales_are_any_of():
    (criterion,) = _one("ECOG 0-1 or Karnofsky ≥ 70")
    assert criterion["kind"] == "text"
    assert [a["scale"] for a in criterion["alternatives"]] == ["ecog", "karnofsky"]


@pytest.mark.parametrize(
    ("text", "section", "therapy", "present", "setting"),
    [
        (
            "No prior chemotherapy for metastatic disease",
            "inclusion",
            "chemotherapy",
            False,
            "metastatic",
        ),
        ("Prior treatment with osimertinib", "exclusion", "osimertinib", True, None),
        (
            "Progression on a platinum-based doublet",
            "inclusion",
            "platinum chemotherapy",
            True,
            None,
        ),
        ("Prior neratinib treatment is not permitted.", "inclusion", "neratinib", False, None),
        ("Previously treated with anti-PD-1 antibody", "inclusion", "anti-pd-1", True, None),
        ("EGFR-TKI naive", "inclusion", "egfr tki", False, None),
        ("NO PRIOR CHEMOTHERAPY", "inclusion", "chemotherapy", False, None),
    ],
)
def test_prior_therapy(text, section, therapy, present, setting):
    (criterion,) = _of(_one(text, section), "prior_therapy")
    assert (criterion["therapy"], criterion["present"]) == (therapy, present)
    assert criterion.get("setting") == setting


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy or radiotherapy within 4 weeks before randomization",  # a washout
        "Known hypersensitivity to 5-fluorouracil",
        "Prior pelvic radiation",  # one site, not all radiotherapy
        "No more than 2 prior chemotherapy regimens",
        "Patients must have received or declined trastuzumab",
    ],
)
def test_treatment_words_that_are_not_a_history(text):
    for section in ("inclusion", "exclusion"):
        assert not _of(_one(text, section), "prior_therapy")


def test_treatments_in_an_inclusion_any_of_share_their_class():
    (criterion,) = _of(_one("Prior treatment with gefitinib or erlotinib"), "prior_therapy")
    assert criterion["therapy"] == "first/second-generation egfr tki"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("At least one prior line of systemic therapy", 1, None),
        ("No more than 2 prior lines of therapy", None, 2),
        ("1-3 prior regimens", 1, 3),
    ],
)
def test_prior_lines(text, low, high):
    (lines,) = _of(_one(text), "prior_lines")
    assert (lines["min"], lines["max"]) == (low, high)


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("Absolute neutrophil count ≥ 1.5 x 10^9/L", "inclusion", ("anc", ">=", 1.5, "10^9/l")),
        ("Platelets ≥ 100,000/mm3", "inclusion", ("platelets", ">=", 100000, "/mm3")),
        ("Hemoglobin ≥ 9 g/dL (5.6 mmol/L)", "inclusion", ("hemoglobin", ">=", 9, "g/dl")),
        (
            "Creatinine clearance ≥ 60 mL/min",
            "inclusion",
            ("creatinine_clearance", ">=", 60, "ml/min"),
        ),
        ("Serum albumin ≥ 3.0 g/dL", "inclusion", ("albumin", ">=", 3.0, "g/dl")),
        ("INR ≤ 1.5", "inclusion", ("inr", "<=", 1.5, None)),
        ("Platelet count < 75,000/µL", "exclusion", ("platelets", "<", 75000, "/µl")),
    ],
)
def test_lab_values(text, section, expected):
    (lab,) = _of(_one(text, section), "lab")
    assert (lab["test"], lab["op"], lab["value"], lab["unit"]) == expected


def test_lab_multiples_of_the_upper_limit():
    (lab,) = _of(_one("Total bilirubin ≤ 1.5 x ULN (≤ 3 x ULN for Gilbert's syndrome)"), "lab")
    assert (lab["test"], lab["op"], lab["uln_multiple"]) == ("bilirubin", "<=", 3.0)
    assert not _of(_one("Bilirubin ≤ 1.5 x ULN except in Gilbert's syndrome"), "lab")
    (times,) = _of(_one("AST ≤ 2.5 \u00d7 institutional upper limit of normal"), "lab")
    assert (times["test"], times["uln_multiple"]) == ("ast", 2.5)
    # As an exclusion, "or" joins independent exclusions; as an inclusion, alternatives.
    assert len(_of(_one("Creatinine > 1.5 mg/dL or CrCl < 50 mL/min", "exclusion"), "lab")) == 2
    assert not _of(_one("Creatinine ≤ 1.5 mg/dL or CrCl ≥ 50 mL/min"), "lab")


@pytest.mark.parametrize(
    ("text", "section", "present"),
    [
        ("Pregnant or breastfeeding women", "exclusion", True),
        ("Women who are pregnant or lactating", "exclusion", True),
        ("Not pregnant or nursing", "inclusion", False),
    ],
)
def test_pregnancy(text, section, present):
    (criterion,) = _of(_one(text, section), "pregnancy")
    assert criterion["present"] is present


def test_sex():
    assert _of(_one("Female patients aged 18 years or older"), "sex")[0]["sex"] == "female"
    assert not _of(_one("Women of childbearing potential must use contraception"), "sex")
    assert not _of(_one("Men or women aged 18-70"), "sex")


@pytest.mark.parametrize(
    ("text", "section", "codes", "present"),
    [
        ("Histologically confirmed Ewing's sarcoma", "inclusion", ["ES"], True),
        ("Pathologically confirmed non-small cell lung cancer", "inclusion", ["NSCLC"], True),
        ("Chondrosarcoma or osteosarcoma", "inclusion", ["CHS", "OS"], True),
        ("No history of breast cancer", "inclusion", ["BREAST"], False),
        ("Patients with small cell lung cancer", "exclusion", ["SCLC"], True),
    ],
)
def test_diagnosis(text, section, codes, present):
    (diagnosis,) = _of(_one(text, section), "diagnosis")
    assert (diagnosis["oncotree"], diagnosis["present"]) == (codes, present)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("History of other malignancy except basal cell carcinoma", "exclusion"),
        ("No prior radiotherapy for non-Hodgkin lymphoma", "inclusion"),
        ("Abdominal pain typical for pancreatic cancer", "inclusion"),
        ("Patients with Stage I or IV breast cancer are not eligible.", "exclusion"),
        ("Measurable disease per Response Evaluation Criteria in Solid Tumors", "inclusion"),
    ],
)
def test_cancer_names_that_are_not_the_diagnosis_asked_for(text, section):
    assert not _of(_one(text, section), "diagnosis")


def test_stage_ranges_expand_to_groups():
    (stage,) = _of(_one("Stage IIIB-IV NSCLC"), "stage")
    assert stage["stages"] == ["III", "IV"]
    assert stage["detail"][:2] == ["IIIB", "IIIC"] and "IIIA" not in stage["detail"]


def test_stage_with_another_way_in_stays_text():
    assert not _of(_one("Stage IV or recurrent NSCLC"), "stage")


def test_one_of_the_following_items_stay_text():
    text = (
        "Inclusion Criteria:\n\n* Must have one of the following:\n\n"
        "  * ECOG 0-1\n  * Stage IV disease\n"
    )
    assert all(c["kind"] == "text" for c in parse_criteria(text))


def test_old_xml_layout_with_headings_and_hard_wraps():
    text = (
        "DISEASE CHARACTERISTICS:\r\n\r\n          -  Histologically confirmed\r\n"
        "             adenocarcinoma of the pancreas\r\n\r\n        PATIENT CHARACTERISTICS:\r\n"
        "\r\n        Age\r\n\r\n          -  18 and over\r\n\r\n        Performance status\r\n"
        "\r\n          -  ECOG 0-2 OR\r\n\r\n          -  Karnofsky 60-100%\r\n\r\n"
        "        PRIOR CONCURRENT THERAPY:\r\n\r\n          -  No prior chemotherapy\r\n"
    )
    criteria = parse_criteria(text)
    assert _of(criteria, "diagnosis")[0]["oncotree"] == ["PAAD"]
    assert _of(criteria, "age")[0]["min_years"] == 18
    # "ECOG 0-2 OR / Karnofsky 60-100%": alternatives, so neither is required alone.
    assert not _of(criteria, "performance")
    assert _of(criteria, "prior_therapy")[0]["present"] is False
    assert all(c["section"] == "inclusion" for c in criteria)


def test_text_without_structure_is_kept():
    criteria = parse_criteria("Inclusion Criteria:\n\n* Signed informed consent\n")
    assert criteria == [
        {"section": "inclusion", "kind": "text", "source": "Signed informed consent"}
    ]
    assert parse_criteria("") == []


# --- Vocabulary -----------------------------------------------------------------------------


def test_every_cancer_code_is_an_oncotree_code():
    tree = load_oncotree()
    codes = {code for term in CANCER_TERMS for code in term.codes}
    codes |= {code for codes_ in CANCER_ABBREVIATIONS.values() for code in codes_}
    codes |= {code for codes_ in LAY_TERMS.values() for code in codes_}
    assert not {code for code in codes if not tree.knows(code)}
    assert len([phrase for term in CANCER_TERMS for phrase in term.phrases]) >= 60


@pytest.mark.parametrize("term", CANCER_TERMS, ids=lambda term: term.phrases[0])
def test_every_cancer_phrase_is_read(term):
    for phrase in term.phrases:
        found = _of(_one(f"Histologically confirmed {phrase}"), "diagnosis")
        # A phrase without codes (Kaposi sarcoma) only keeps its last word from being read.
        assert [d["oncotree"] for d in found] == ([list(term.codes)] if term.codes else [])


def test_lay_terms_for_a_search_box():
    terms = lay_terms()
    assert set(terms["bone cancer"]) == {"OS", "ES", "CHS", "CHDM"}
    assert "NSCLC" in terms["non-small cell lung cancer"]
    assert terms["lung cancer"] == ("LUNG",)
    assert terms["ewing's sarcoma"] == ("ES",)


def test_therapy_classes():
    assert {"osimertinib", "third-generation egfr tki", "egfr tki", "targeted therapy"} <= (
        therapy_classes("osimertinib")
    )
    assert "anti-pd-1" in therapy_classes("pembrolizumab")
    assert "platinum chemotherapy" in therapy_classes("carboplatin")
    assert normalize_therapy("Keytruda") == "pembrolizumab"
    parents = {parent for therapy in THERAPIES for parent in therapy.parents}
    assert parents <= set(THERAPY_PARENTS)
    assert set(THERAPY_SYNONYMS.values()) <= set(THERAPY_PARENTS)


def test_lowercase_patterns_have_no_capital_letters():
    # They search lower-cased text without IGNORECASE: a capital would never match.
    for pattern in eligibility._LOWERCASE_PATTERNS:
        literal = re.sub(r"\\.|\(\?P<\w+>", "", pattern.pattern)
        assert not re.search(r"[A-Z]", literal), pattern.pattern


# --- Patient notes --------------------------------------------------------------------------


def test_note_of_egfr_l858r_nsclc_with_brain_metastases():
    profile = note_facts(
        "62-year-old man with stage IV lung adenocarcinoma, EGFR L858R mutation, ECOG 1. "
        "MRI shows 3 brain metastases. Progressed on osimertinib. Denies smoking."
    )
    assert (profile["age"], profile["sex"], profile["ecog"]) == (62, "male", 1)
    assert profile["oncotree"] == ["LUAD"]
    (egfr,) = profile["biomarkers"]
    assert egfr["gene"] == "EGFR" and egfr["present"] is True
    assert {"L858R", "mutation", "exon 21 mutation"} <= set(egfr["classes"])
    assert profile["brain_metastases"] is True
    assert (profile["stage"], profile["metastatic"]) == ("IV", True)
    assert {"osimertinib", "egfr tki"} <= set(profile["prior_therapies"])


def test_note_of_a_teenager_with_ewing_sarcoma():
    profile = note_facts("17 yo female with Ewing's sarcoma of the femur, no metastases.")
    assert (profile["age"], profile["sex"], profile["oncotree"]) == (17, "female", ["ES"])
    assert profile["metastatic"] is False


def test_note_of_idh1_mutant_chondrosarcoma():
    profile = note_facts(
        "A 45-year-old woman with IDH1-mutant chondrosarcoma of the pelvis. "
        "No evidence of brain metastases. She is not pregnant."
    )
    assert profile["oncotree"] == ["CHS"]
    assert profile["biomarkers"] == [{"gene": "IDH1", "classes": ["mutation"], "present": True}]
    assert (profile["brain_metastases"], profile["pregnant"]) == (False, False)


def test_note_alterations_get_the_classes_a_genotyping_report_gives():
    profile = note_facts(
        "NSCLC with EGFR exon 19 deletion; ALK rearrangement negative; HER2-positive."
    )
    markers = {(b["gene"], b["present"]): b["classes"] for b in profile["biomarkers"]}
    assert {"exon 19 deletion", "oncogenic mutation", "mutation"} <= set(markers["EGFR", True])
    assert markers["ALK", False] == ["fusion"]
    assert markers["ERBB2", True] == ["overexpression", "amplification"]
    (r132h,) = note_facts("Glioma, IDH1 R132H.")["biomarkers"]
    assert r132h["classes"][0] == "R132H" and "mutation" in r132h["classes"]


@pytest.mark.parametrize(
    "note",
    [
        "Her mother had breast cancer. She is 40 and well.",
        "The biopsy was negative for hepatocellular carcinoma.",
        "Suspicious for lung cancer; rule out metastasis.",
        "She denies any history of melanoma.",
    ],
)
def test_note_negations_and_family_history_name_no_diagnosis(note):
    assert note_facts(note)["oncotree"] == []


def test_note_without_a_fact_is_unknown():
    profile = note_facts("Seen in clinic today.")
    assert profile["age"] is None and profile["sex"] is None and profile["ecog"] is None
    assert profile["brain_metastases"] is None and profile["biomarkers"] == []
    assert note_facts("8-month-old boy with neuroblastoma")["age"] == pytest.approx(0.667)
    therapies = note_facts("Declined chemotherapy. Candidate for pembrolizumab.")
    assert therapies["prior_therapies"] == []


# --- Robustness over a corpus ---------------------------------------------------------------


def test_trialgpt_criteria_never_raise_and_are_partly_structured(capsys):
    files = sorted(_needs(TRIALGPT).glob("*/corpus_partial.jsonl"))
    texts = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            criteria = record["metadata"].get("criteria")
            if criteria:
                texts[record["_id"]] = criteria
    assert len(texts) > 2000
    kinds: Counter[str] = Counter()
    for text in texts.values():
        for criterion in parse_criteria(text):
            _assert_shape(criterion)
            kinds[criterion["kind"]] += 1
    total = sum(kinds.values())
    structured = total - kinds["text"]
    with capsys.disabled():
        shares = ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())
        print(
            f"\n{len(texts)} criteria texts, {total} criteria, {structured / total:.1%} read: "
            f"{shares}"
        )
    assert structured / total > 0.1
