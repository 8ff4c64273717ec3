"""The staging engine against AJCC 8th edition (lung, bone, soft tissue) and Enneking tables."""

import copy
import dataclasses
import itertools
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from medcenter.oncology.staging import (
    CLASSIFICATIONS,
    SCHEMES,
    StagingError,
    list_schemes,
    stage,
)
from medcenter.oncology.staging._labels import TABLE_STRINGS
from medcenter.oncology.staging.derive import FactReader, derive
from medcenter.oncology.staging.model import SCHEMES_DIR, TableError
from medcenter.oncology.staging.tables import load_scheme

MCODE = Path(__file__).resolve().parents[4] / "shared/datasets/mcode/json"

BONE_NOTHING_ELSE: dict[str, object] = {"regional_node_metastasis": False, "metastasis_sites": []}
LUNG_NOTHING_ELSE: dict[str, object] = {"node_sites": [], "metastasis_sites": []}


def _table(scheme):
    return json.loads((SCHEMES_DIR / f"{scheme}.json").read_text(encoding="utf-8"))


def _categories(text):
    """ "T1 N0 M0 G1" → {"t": "T1", "n": "N0", "m": "M0", "grade": "G1"} (TNM schemes)."""
    return dict(zip(("t", "n", "m", "grade"), text.split(), strict=False))


def _errors(**kwargs):
    with pytest.raises(StagingError) as caught:
        stage(**kwargs)
    return caught.value.errors


def _t(scheme, **facts):
    """The T category the facts give, the other axes given as categories."""
    others = {"n": "N0", "m": "M0"}
    if "grade" in SCHEMES[scheme].axis_by_id:
        others["grade"] = "G1"
    return stage(scheme=scheme, categories=others, facts=facts).categories["t"]


# --- every stage group of every scheme -----------------------------------------------------

GROUP_CASES = [
    # Bone, appendicular skeleton, trunk, skull and facial bones
    ("bone_appendicular", "T1 N0 M0 G1", "IA"),
    ("bone_appendicular", "T1 N0 M0 GX", "IA"),
    ("bone_appendicular", "T2 N0 M0 G1", "IB"),
    ("bone_appendicular", "T3 N0 M0 GX", "IB"),
    ("bone_appendicular", "T1 N0 M0 G2", "IIA"),
    ("bone_appendicular", "T1 N0 M0 G3", "IIA"),
    ("bone_appendicular", "T2 N0 M0 G2", "IIB"),
    ("bone_appendicular", "T2 N0 M0 G3", "IIB"),
    ("bone_appendicular", "T3 N0 M0 G2", "III"),
    ("bone_appendicular", "T3 N0 M0 G3", "III"),
    ("bone_appendicular", "T1 N0 M1a G1", "IVA"),
    ("bone_appendicular", "TX N0 M1a G3", "IVA"),
    ("bone_appendicular", "T3 N1 M0 G1", "IVB"),
    ("bone_appendicular", "T1 N1 M1a G2", "IVB"),
    ("bone_appendicular", "T1 N0 M1b G1", "IVB"),
    ("bone_appendicular", "T2 NX M1b GX", "IVB"),
    ("bone_appendicular", "T0 N1 M1 G1", "IVB"),
    # Soft tissue sarcoma of the trunk and extremities
    ("soft_tissue_trunk_extremities", "T1 N0 M0 G1", "IA"),
    ("soft_tissue_trunk_extremities", "T1 N0 M0 GX", "IA"),
    ("soft_tissue_trunk_extremities", "T2 N0 M0 G1", "IB"),
    ("soft_tissue_trunk_extremities", "T3 N0 M0 GX", "IB"),
    ("soft_tissue_trunk_extremities", "T4 N0 M0 G1", "IB"),
    ("soft_tissue_trunk_extremities", "T1 N0 M0 G2", "II"),
    ("soft_tissue_trunk_extremities", "T1 N0 M0 G3", "II"),
    ("soft_tissue_trunk_extremities", "T2 N0 M0 G2", "IIIA"),
    ("soft_tissue_trunk_extremities", "T2 N0 M0 G3", "IIIA"),
    ("soft_tissue_trunk_extremities", "T3 N0 M0 G2", "IIIB"),
    ("soft_tissue_trunk_extremities", "T4 N0 M0 G3", "IIIB"),
    ("soft_tissue_trunk_extremities", "T2 N1 M0 G1", "IV"),
    ("soft_tissue_trunk_extremities", "TX N1 M0 GX", "IV"),
    ("soft_tissue_trunk_extremities", "T1 N0 M1 G1", "IV"),
    ("soft_tissue_trunk_extremities", "T4 N1 M1 G3", "IV"),
    # Lung
    ("nsclc", "TX N0 M0", "Occult carcinoma"),
    ("nsclc", "Tis N0 M0", "0"),
    ("nsclc", "T1mi N0 M0", "IA1"),
    ("nsclc", "T1a N0 M0", "IA1"),
    ("nsclc", "T1b N0 M0", "IA2"),
    ("nsclc", "T1c N0 M0", "IA3"),
    ("nsclc", "T2a N0 M0", "IB"),
    ("nsclc", "T2b N0 M0", "IIA"),
    ("nsclc", "T1a N1 M0", "IIB"),
    ("nsclc", "T1c N1 M0", "IIB"),
    ("nsclc", "T2b N1 M0", "IIB"),
    ("nsclc", "T3 N0 M0", "IIB"),
    ("nsclc", "T1b N2 M0", "IIIA"),
    ("nsclc", "T2a N2 M0", "IIIA"),
    ("nsclc", "T3 N1 M0", "IIIA"),
    ("nsclc", "T4 N0 M0", "IIIA"),
    ("nsclc", "T4 N1 M0", "IIIA"),
    ("nsclc", "T1a N3 M0", "IIIB"),
    ("nsclc", "T2b N3 M0", "IIIB"),
    ("nsclc", "T3 N2 M0", "IIIB"),
    ("nsclc", "T4 N2 M0", "IIIB"),
    ("nsclc", "T3 N3 M0", "IIIC"),
    ("nsclc", "T4 N3 M0", "IIIC"),
    ("nsclc", "T2a N1 M1", "IV"),
    ("nsclc", "T1a N0 M1a", "IVA"),
    ("nsclc", "TX NX M1b", "IVA"),
    ("nsclc", "T4 N3 M1c", "IVB"),
    ("nsclc", "T0 N0 M1c", "IVB"),
    # A category with subcategories stages when all of them agree.
    ("nsclc", "T2 N1 M0", "IIB"),
    ("nsclc", "T2 N3 M0", "IIIB"),
]

ENNEKING_CASES = [
    ({"grade": "G0", "activity": "latent"}, "1"),
    ({"grade": "G0", "activity": "active"}, "2"),
    ({"grade": "G0", "activity": "aggressive"}, "3"),
    ({"grade": "G0", "activity": "aggressive", "t": "T2", "m": "M1"}, "3"),
    ({"grade": "G1", "t": "T1", "m": "M0"}, "IA"),
    ({"grade": "G1", "t": "T2", "m": "M0"}, "IB"),
    ({"grade": "G2", "t": "T1", "m": "M0"}, "IIA"),
    ({"grade": "G2", "t": "T2", "m": "M0"}, "IIB"),
    ({"grade": "G1", "t": "T1", "m": "M1"}, "III"),
    ({"grade": "G2", "t": "T2", "m": "M1"}, "III"),
]


@pytest.mark.parametrize(("scheme", "combination", "group"), GROUP_CASES)
def test_each_combination_gets_its_ajcc_stage_group(scheme, combination, group):
    result = stage(scheme=scheme, categories=_categories(combination))

    assert result.stage_group == group
    assert result.stage_group_note is None


@pytest.mark.parametrize(("categories", "group"), ENNEKING_CASES)
def test_enneking_stages_benign_by_activity_and_malignant_by_grade_site_and_metastasis(
    categories, group
):
    assert stage(scheme="enneking", categories=categories).stage_group == group


@pytest.mark.parametrize("scheme", ["bone_appendicular", "soft_tissue_trunk_extremities", "nsclc"])
def test_the_cases_above_reach_every_stage_group_the_table_defines(scheme):
    reached = {group for s, _, group in GROUP_CASES if s == scheme}

    assert reached == set(SCHEMES[scheme].stage_groups)


def test_the_enneking_cases_reach_every_enneking_stage():
    assert {group for _, group in ENNEKING_CASES} == set(SCHEMES["enneking"].stage_groups)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_stage_group_row_of_a_table_is_reachable(scheme):
    table = SCHEMES[scheme]
    reached = {outcome.group for outcome in table.lookup.values()} - {None}

    assert reached == set(table.stage_groups or ())


@pytest.mark.parametrize("scheme", ["bone_pelvis", "bone_spine"])
@pytest.mark.parametrize(
    "combination", ["T1a N0 M0 G1", "T4b N1 M1b G3", "TX NX M0 GX", "T3 N0 M0 G2"]
)
def test_pelvis_and_spine_have_no_stage_groups_and_say_so(scheme, combination):
    categories = _categories(combination)
    if scheme == "bone_spine" and categories["t"] == "T1a":
        categories["t"] = "T1"

    result = stage(scheme=scheme, categories=categories)

    assert result.stage_group is None
    title = "Bone: pelvis" if scheme == "bone_pelvis" else "Bone: spine"
    assert result.stage_group_note == (
        f"AJCC Cancer Staging Manual, 8th edition defines no stage groups for {title}."
    )


# --- never a guessed stage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "combination", "note"),
    [
        (
            "bone_appendicular",
            "T1 NX M0 G1",
            "The stage group cannot be determined while N is NX: Regional lymph nodes cannot "
            "be assessed; nodal spread of bone sarcoma is rare, so AJCC advises N0 unless node "
            "involvement is clinically evident.",
        ),
        (
            "bone_appendicular",
            "TX N0 M0 G3",
            "The stage group cannot be determined while T is TX: Primary tumor cannot be assessed.",
        ),
        (
            "nsclc",
            "T2a NX M0",
            "The stage group cannot be determined while N is NX: Regional lymph nodes cannot "
            "be assessed.",
        ),
        (
            "bone_appendicular",
            "T1 N0 M1 G1",
            "M1 does not determine the stage group; give one of M1a, M1b.",
        ),
        (
            "nsclc",
            "T1 N0 M0",
            "T1 does not determine the stage group; give one of T1mi, T1a, T1b, T1c.",
        ),
        (
            "bone_appendicular",
            "T0 N0 M0 G1",
            "Bone: appendicular skeleton, trunk, skull and facial bones defines no stage group "
            "for T0 N0 M0 G1.",
        ),
        # AJCC 8 lists T1mi only with N0 (IA1); it gives no group for T1mi with nodes.
        (
            "nsclc",
            "T1mi N1 M0",
            "Lung: non-small cell lung cancer defines no stage group for T1mi N1 M0.",
        ),
        (
            "nsclc",
            "Tis N1 M0",
            "Lung: non-small cell lung cancer defines no stage group for Tis N1 M0.",
        ),
        (
            "nsclc",
            "TX N1 M0",
            "The stage group cannot be determined while T is TX: Primary tumor cannot be "
            "assessed, or tumor proven by malignant cells in sputum or bronchial washings but "
            "not visualized by imaging or bronchoscopy.",
        ),
    ],
)
def test_an_undeterminable_group_is_left_empty_with_the_reason(scheme, combination, note):
    result = stage(scheme=scheme, categories=_categories(combination))

    assert result.stage_group is None
    assert result.stage_group_note == note


# --- facts derive categories ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "category"), [(0.5, "T1"), (8, "T1"), ("8.0", "T1"), (8.01, "T2"), (30, "T2")]
)
def test_appendicular_bone_t_is_t1_up_to_exactly_8_cm(size, category):
    assert _t("bone_appendicular", size_cm=size) == category


def test_discontinuous_bone_tumor_is_t3_whatever_its_size_or_with_none_given():
    assert _t("bone_appendicular", size_cm=3, discontinuous=True) == "T3"
    assert _t("bone_appendicular", discontinuous=True) == "T3"


def test_a_bone_tumor_without_discontinuity_still_needs_its_size():
    errors = _errors(
        scheme="bone_appendicular",
        categories={"n": "N0", "m": "M0", "grade": "G1"},
        facts={"discontinuous": False},
    )

    assert errors == {"size_cm": ["The T category needs the tumor's greatest dimension (cm)."]}


@pytest.mark.parametrize(
    ("sites", "category"),
    [
        ([], "M0"),
        (["lung"], "M1a"),
        (["Lung"], "M1a"),
        (["bone"], "M1b"),
        (["liver"], "M1b"),
        (["pleura"], "M1b"),
        (["distant lymph nodes"], "M1b"),
        (["lung", "liver"], "M1b"),
        (["lung", "lung"], "M1a"),
    ],
)
def test_bone_metastasis_to_lung_only_is_m1a_and_anywhere_else_m1b(sites, category):
    result = stage(
        scheme="bone_appendicular",
        categories={"t": "T1", "n": "N0", "grade": "G1"},
        facts={"metastasis_sites": sites},
    )

    assert result.categories["m"] == category


def test_a_t3_bone_tumor_with_regional_nodes_is_ivb_from_facts():
    result = stage(
        scheme="bone_appendicular",
        facts={
            "discontinuous": True,
            "regional_node_metastasis": True,
            "metastasis_sites": [],
            "differentiation": "well",
        },
    )

    assert result.categories == {"t": "T3", "n": "N1", "m": "M0", "grade": "G1"}
    assert result.stage_group == "IVB"


def test_gx_is_staged_as_low_grade_on_bone():
    low = stage(scheme="bone_appendicular", categories=_categories("T2 N0 M0 G1"))
    unknown = stage(scheme="bone_appendicular", categories=_categories("T2 N0 M0 GX"))

    assert unknown.stage_group == low.stage_group == "IB"


@pytest.mark.parametrize(
    ("differentiation", "grade"),
    [("well", "G1"), ("Moderate", "G2"), ("poorly differentiated", "G3")],
)
def test_bone_grade_follows_differentiation(differentiation, grade):
    result = stage(
        scheme="bone_appendicular",
        categories={"t": "T1", "n": "N0", "m": "M0"},
        facts={"differentiation": differentiation},
    )

    assert result.categories["grade"] == grade


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        ({"pelvic_segments": 1, "size_cm": 8}, "T1a"),
        ({"pelvic_segments": 1, "extraosseous_extension": False, "size_cm": 8.5}, "T1b"),
        ({"pelvic_segments": 1, "extraosseous_extension": True, "size_cm": 3}, "T2a"),
        ({"pelvic_segments": 2, "size_cm": 9}, "T2b"),
        ({"pelvic_segments": 2, "extraosseous_extension": True, "size_cm": 8}, "T3a"),
        ({"pelvic_segments": 2, "extraosseous_extension": True, "size_cm": 12}, "T3b"),
        ({"pelvic_segments": 3}, "T4"),
        ({"crosses_sacroiliac_joint": True}, "T4"),
        ({"sacral_neuroforamen_extension": True}, "T4a"),
        ({"pelvic_segments": 3, "sacral_neuroforamen_extension": True}, "T4a"),
        ({"pelvic_vessel_involvement": True, "sacral_neuroforamen_extension": True}, "T4b"),
        ({"pelvic_segments": 1, "size_cm": 2, "pelvic_vessel_involvement": True}, "T4b"),
    ],
)
def test_pelvis_t_follows_segments_extension_size_and_t4_features(facts, category):
    assert _t("bone_pelvis", **facts) == category


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        ({"vertebral_segments": 1}, "T1"),
        ({"vertebral_segments": 2}, "T1"),
        ({"vertebral_segments": 3}, "T2"),
        ({"vertebral_segments": 4}, "T3"),
        ({"vertebral_segments": "7"}, "T3"),
        ({"nonadjacent_segments": True}, "T3"),
        ({"vertebral_segments": 1, "nonadjacent_segments": True}, "T3"),
        ({"spinal_canal_extension": True}, "T4a"),
        ({"vertebral_segments": 2, "spinal_canal_extension": True}, "T4a"),
        ({"great_vessel_invasion": True, "spinal_canal_extension": True}, "T4b"),
    ],
)
def test_spine_t_follows_segments_and_extension(facts, category):
    assert _t("bone_spine", **facts) == category


@pytest.mark.parametrize(
    ("size", "category"),
    [(2, "T1"), (5, "T1"), (5.01, "T2"), (10, "T2"), (10.5, "T3"), (15, "T3"), (15.1, "T4")],
)
def test_soft_tissue_t_bands_include_their_upper_bound(size, category):
    assert _t("soft_tissue_trunk_extremities", size_cm=size) == category


@pytest.mark.parametrize(
    ("differentiation", "mitoses", "necrosis", "grade"),
    [
        (1, 0, 0, "G1"),  # 1 + 1 + 0 = 2
        (1, 9, 10, "G1"),  # 1 + 1 + 1 = 3
        (2, 10, 0, "G2"),  # 2 + 2 + 0 = 4
        (3, 0, 0, "G2"),  # 3 + 1 + 0 = 4
        (1, 19, 49.9, "G2"),  # 1 + 2 + 1 = 4
        (2, 0, 60, "G2"),  # 2 + 1 + 2 = 5
        (2, 19, 50, "G3"),  # 2 + 2 + 2 = 6
        (2, 20, 0, "G2"),  # 2 + 3 + 0 = 5
        (3, 20, 49, "G3"),  # 3 + 3 + 1 = 7
        (3, 45, 100, "G3"),  # 3 + 3 + 2 = 8
    ],
)
def test_fnclcc_grade_sums_differentiation_mitoses_and_necrosis(
    differentiation, mitoses, necrosis, grade
):
    result = stage(
        scheme="soft_tissue_trunk_extremities",
        categories={"t": "T1", "n": "N0", "m": "M0"},
        facts={
            "differentiation_score": differentiation,
            "mitotic_count": mitoses,
            "necrosis_percent": necrosis,
        },
    )

    assert result.categories["grade"] == grade


def test_fnclcc_grade_accepts_the_scores_themselves():
    result = stage(
        scheme="soft_tissue_trunk_extremities",
        categories={"t": "T2", "n": "N0", "m": "M0"},
        facts={"differentiation_score": 3, "mitotic_score": 2, "necrosis_score": 1},
    )

    assert result.categories["grade"] == "G3"
    assert result.stage_group == "IIIA"


@pytest.mark.parametrize(
    ("size", "category"),
    [
        (0.8, "T1a"),
        (1, "T1a"),
        (1.01, "T1b"),
        (2, "T1b"),
        (3, "T1c"),
        (3.1, "T2a"),
        (4, "T2a"),
        (4.5, "T2b"),
        (5, "T2b"),
        (5.5, "T3"),
        (7, "T3"),
        (7.1, "T4"),
    ],
)
def test_lung_t_by_size_follows_ajcc_8_bands(size, category):
    assert _t("nsclc", size_cm=size) == category


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        ({"size_cm": 2, "invaded_structures": ["visceral_pleura"]}, "T2a"),
        ({"size_cm": 4.5, "invaded_structures": ["visceral pleura"]}, "T2b"),
        ({"invaded_structures": ["main_bronchus"]}, "T2a"),
        ({"atelectasis_to_hilum": True}, "T2a"),
        ({"size_cm": 6, "invaded_structures": ["main_bronchus"]}, "T3"),
        ({"size_cm": 2, "invaded_structures": ["chest_wall"]}, "T3"),
        ({"size_cm": 1, "separate_nodule_same_lobe": True}, "T3"),
        ({"size_cm": 8, "invaded_structures": ["phrenic_nerve"]}, "T4"),
        ({"invaded_structures": ["carina"]}, "T4"),
        ({"separate_nodule_other_ipsilateral_lobe": True}, "T4"),
        ({"size_cm": 1, "invaded_structures": []}, "T1a"),
    ],
)
def test_lung_t_features_raise_the_size_category(facts, category):
    assert _t("nsclc", **facts) == category


def test_a_lung_t3_feature_without_a_size_is_not_guessed_because_size_could_make_it_t4():
    errors = _errors(
        scheme="nsclc",
        categories={"n": "N0", "m": "M0"},
        facts={"invaded_structures": ["chest_wall"]},
    )

    assert errors == {"size_cm": ["The T category needs the tumor's greatest dimension (cm)."]}


@pytest.mark.parametrize(
    ("sites", "category"),
    [
        ([], "N0"),
        (["ipsilateral_hilar"], "N1"),
        (["intrapulmonary", "subcarinal"], "N2"),
        (["ipsilateral mediastinal"], "N2"),
        (["supraclavicular", "ipsilateral_hilar"], "N3"),
        (["contralateral_hilar"], "N3"),
    ],
)
def test_lung_n_is_the_highest_station_involved(sites, category):
    result = stage(scheme="nsclc", categories={"t": "T1a", "m": "M0"}, facts={"node_sites": sites})

    assert result.categories["n"] == category


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        ({"metastasis_sites": []}, "M0"),
        ({"metastasis_sites": ["pleura"]}, "M1a"),
        ({"metastasis_sites": ["contralateral_lung", "pericardium"]}, "M1a"),
        ({"metastasis_sites": ["liver"], "extrathoracic_metastasis_count": 1}, "M1b"),
        ({"metastasis_sites": ["pleura", "brain"], "extrathoracic_metastasis_count": 1}, "M1b"),
        ({"metastasis_sites": ["liver"], "extrathoracic_metastasis_count": 3}, "M1c"),
        ({"metastasis_sites": ["liver", "brain"]}, "M1c"),
        ({"metastasis_sites": ["bone", "adrenal"], "extrathoracic_metastasis_count": 4}, "M1c"),
    ],
)
def test_lung_m_separates_intrathoracic_single_and_multiple_extrathoracic_metastases(
    facts, category
):
    result = stage(scheme="nsclc", categories={"t": "T1a", "n": "N0"}, facts=facts)

    assert result.categories["m"] == category


@pytest.mark.parametrize(
    ("facts", "categories", "group"),
    [
        ({"behaviour": "benign", "activity": "latent"}, {"grade": "G0", "activity": "latent"}, "1"),
        (
            {"behaviour": "malignant", "grade": "low", "compartment": "intra", "metastasis": "no"},
            {"grade": "G1", "t": "T1", "m": "M0"},
            "IA",
        ),
        (
            {"behaviour": "malignant", "grade": "G2", "compartment": "extra", "metastasis": False},
            {"grade": "G2", "t": "T2", "m": "M0"},
            "IIB",
        ),
        (
            {
                "behaviour": "Malignant",
                "grade": "G3",
                "compartment": "intracompartmental",
                "metastasis": "yes",
            },
            {"grade": "G2", "t": "T1", "m": "M1"},
            "III",
        ),
    ],
)
def test_enneking_facts_give_its_categories(facts, categories, group):
    result = stage(scheme="enneking", facts=facts)

    assert result.categories == categories
    assert result.stage_group == group


# --- categories and facts agree ------------------------------------------------------------

SAME_CASE = [
    ("bone_appendicular", "T1 N0 M0 G1", {"size_cm": 8, "differentiation": "well"}),
    (
        "bone_appendicular",
        "T2 N0 M1a G3",
        {"size_cm": 12, "differentiation": "poor", "metastasis_sites": ["lung"]},
    ),
    (
        "bone_pelvis",
        "T2a N0 M0 G2",
        {"pelvic_segments": 2, "size_cm": 4, "differentiation": "moderate"},
    ),
    ("bone_spine", "T4a N0 M0 G1", {"spinal_canal_extension": True, "differentiation": "well"}),
    (
        "soft_tissue_trunk_extremities",
        "T3 N0 M0 G2",
        {"size_cm": 14, "differentiation_score": 2, "mitotic_score": 2, "necrosis_score": 0},
    ),
    ("nsclc", "T2b N0 M0", {"size_cm": 4.2}),
    (
        "nsclc",
        "T4 N3 M0",
        {"size_cm": 3, "invaded_structures": ["carina"], "node_sites": ["scalene"]},
    ),
]


@pytest.mark.parametrize(("scheme", "combination", "facts"), SAME_CASE)
def test_categories_and_the_facts_behind_them_give_the_same_stage(scheme, combination, facts):
    all_facts = {**(BONE_NOTHING_ELSE if scheme != "nsclc" else LUNG_NOTHING_ELSE), **facts}

    by_categories = stage(scheme=scheme, categories=_categories(combination))
    by_facts = stage(scheme=scheme, facts=all_facts)

    assert by_facts.categories == by_categories.categories
    assert by_facts.stage_group == by_categories.stage_group
    assert by_facts.stage_group_note == by_categories.stage_group_note
    assert set(by_facts.derived_from) == set(by_facts.categories)
    assert by_categories.derived_from == {}


def test_an_explicit_category_wins_over_facts_for_its_axis():
    result = stage(
        scheme="bone_appendicular",
        categories={"t": "T1", "n": "N0", "m": "M0"},
        facts={"size_cm": 12, "differentiation": "poor"},
    )

    assert result.categories["t"] == "T1"
    assert result.derived_from == {"grade": ("differentiation",)}
    assert result.stage_group == "IIA"


def test_derived_from_names_the_facts_each_axis_came_from():
    result = stage(
        scheme="soft_tissue_trunk_extremities",
        categories={"n": "N0", "m": "M0"},
        facts={"size_cm": 3, "differentiation_score": 1, "mitotic_count": 4, "necrosis_score": 0},
    )

    assert result.derived_from == {
        "t": ("size_cm",),
        "grade": ("differentiation_score", "mitotic_count", "necrosis_score"),
    }


# --- classification and prefixes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("classification", "labels"),
    [
        ("clinical", {"t": "cT3", "n": "cN1", "m": "cM0"}),
        ("pathological", {"t": "pT3", "n": "pN1", "m": "cM0"}),
        ("post_therapy_clinical", {"t": "ycT3", "n": "ycN1", "m": "ycM0"}),
        ("post_therapy_pathological", {"t": "ypT3", "n": "ypN1", "m": "cM0"}),
    ],
)
def test_each_classification_prefixes_t_n_and_m_and_pathological_m0_is_cm0(classification, labels):
    result = stage(
        scheme="nsclc", classification=classification, categories=_categories("T3 N1 M0")
    )

    assert result.classification == classification
    assert result.prefix == CLASSIFICATIONS[classification]
    assert result.labels == labels
    assert result.categories == {"t": "T3", "n": "N1", "m": "M0"}
    assert result.stage_group == "IIIA"


def test_pathological_m1_is_cm1_unless_written_as_microscopically_confirmed_pm1():
    clinical_m = stage(
        scheme="nsclc", classification="pathological", categories=_categories("T1a N0 M1b")
    )
    confirmed = stage(
        scheme="nsclc", classification="pathological", categories=_categories("T1a N0 pM1b")
    )

    assert clinical_m.labels["m"] == "cM1b"
    assert confirmed.labels["m"] == "pM1b"


def test_grade_is_never_prefixed():
    result = stage(
        scheme="bone_appendicular",
        classification="post_therapy_pathological",
        categories=_categories("T1 N0 M0 G2"),
    )

    assert result.labels == {"t": "ypT1", "n": "ypN0", "m": "cM0", "grade": "G2"}


def test_enneking_is_not_a_tnm_system_and_has_no_prefixes():
    result = stage(
        scheme="enneking",
        classification="pathological",
        categories={"grade": "G1", "t": "T1", "m": "M0"},
    )

    assert result.prefix == ""
    assert result.labels == {"grade": "G1", "t": "T1", "m": "M0"}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("T1a", "T1a"),
        (" t1A ", "T1a"),
        ("cT1a", "T1a"),
        ("c T1a", "T1a"),
        ("pt1a", "T1a"),
        ("ypT1a", "T1a"),
        ("ycT1a", "T1a"),
        ("t1MI", "T1mi"),
        ("tis", "Tis"),
        ("pTis", "Tis"),
    ],
)
def test_categories_are_read_without_regard_to_case_spaces_or_prefix(written, code):
    result = stage(scheme="nsclc", categories={"T": written, "n": "N0", "m": "M0"})

    assert result.categories["t"] == code


def test_a_result_and_the_scheme_list_turn_into_plain_json_for_an_api():
    result = stage(
        scheme="bone_pelvis",
        facts={"pelvic_segments": 3, **BONE_NOTHING_ELSE},
        categories={"grade": "G2"},
    )

    payload = json.loads(json.dumps(dataclasses.asdict(result)))

    assert payload["categories"] == {"t": "T4", "n": "N0", "m": "M0", "grade": "G2"}
    assert payload["stage_group"] is None
    assert payload["derived_from"] == {
        "t": ["pelvic_segments"],
        "n": ["regional_node_metastasis"],
        "m": ["metastasis_sites"],
    }
    assert json.dumps([dataclasses.asdict(info) for info in list_schemes()])


def test_editing_a_result_does_not_change_the_next_one():
    first = stage(scheme="nsclc", categories=_categories("T1a N0 M0"))
    first.categories["t"] = "T4"
    first.labels["t"] = "cT4"

    again = stage(scheme="nsclc", categories=_categories("T1a N0 M0"))

    assert again.categories["t"] == "T1a"
    assert again.labels["t"] == "cT1a"


def test_the_result_carries_the_scheme_and_its_rule_version():
    result = stage(scheme="soft_tissue_trunk_extremities", categories=_categories("T1 N0 M0 G1"))

    assert result.scheme == "soft_tissue_trunk_extremities"
    assert result.rule_version == "AJCC8/soft-tissue-trunk-extremities/1"


# --- errors: one message per field, never a stage -------------------------------------------


def test_refuses_an_unknown_scheme():
    errors = _errors(scheme="breast", categories=_categories("T1 N0 M0"))

    assert errors == {
        "scheme": [
            "breast is not a staging scheme; use one of bone_appendicular, bone_pelvis, "
            "bone_spine, enneking, nsclc, soft_tissue_trunk_extremities."
        ]
    }


def test_reads_the_scheme_id_without_regard_to_case_or_spaces():
    assert stage(scheme=" NSCLC ", categories=_categories("T1a N0 M0")).scheme == "nsclc"


def test_refuses_categories_or_facts_that_are_not_mappings():
    errors = _errors(scheme="nsclc", categories=["T1a", "N0", "M0"], facts="size 3 cm")

    assert errors == {
        "categories": ['Give the categories as pairs of axis and category, such as {"t": "T1"}.'],
        "facts": ['Give the facts as pairs of name and value, such as {"size_cm": 4.5}.'],
        "t": [
            "Give the T category (one of TX, T0, Tis, T1, T1mi, T1a, T1b, T1c, T2, T2a, T2b, "
            "T3, T4) or the facts that determine it (size_cm, invaded_structures, "
            "atelectasis_to_hilum, separate_nodule_same_lobe, "
            "separate_nodule_other_ipsilateral_lobe)."
        ],
        "n": [
            "Give the N category (one of NX, N0, N1, N2, N3) or the facts that determine it "
            "(node_sites)."
        ],
        "m": [
            "Give the M category (one of M0, M1, M1a, M1b, M1c) or the facts that determine it "
            "(metastasis_sites, extrathoracic_metastasis_count)."
        ],
    }


def test_refuses_an_unknown_classification():
    errors = _errors(scheme="nsclc", classification="autopsy", categories=_categories("T1a N0 M0"))

    assert errors == {
        "classification": [
            "autopsy is not a classification; use one of clinical, pathological, "
            "post_therapy_clinical, post_therapy_pathological."
        ]
    }


def test_refuses_a_category_the_scheme_does_not_have():
    errors = _errors(scheme="bone_appendicular", categories=_categories("T5 N0 M0 G1"))

    assert errors == {
        "t": [
            "T5 is not a T category of Bone: appendicular skeleton, trunk, skull and facial "
            "bones; use one of TX, T0, T1, T2, T3."
        ]
    }


@pytest.mark.parametrize(
    ("scheme", "axis", "value"),
    [
        ("soft_tissue_trunk_extremities", "n", "NX"),
        ("bone_appendicular", "t", "T1a"),
        ("nsclc", "m", "M2"),
        ("bone_appendicular", "grade", "G4"),
        ("nsclc", "t", 3),
    ],
)
def test_refuses_values_outside_the_scheme_categories(scheme, axis, value):
    categories = {"t": "T1", "n": "N0", "m": "M0", "grade": "G1"}
    if scheme == "nsclc":
        categories = {"t": "T1a", "n": "N0", "m": "M0"}
    categories[axis] = value

    errors = _errors(scheme=scheme, categories=categories)

    assert list(errors) == [axis]
    assert errors[axis][0].startswith(f"{value} is not a ")


def test_refuses_an_axis_the_scheme_does_not_have():
    errors = _errors(scheme="nsclc", categories={"t": "T1a", "n": "N0", "m": "M0", "grade": "G1"})

    assert errors == {
        "grade": [
            "grade is not a category axis of Lung: non-small cell lung cancer; use one of t, n, m."
        ]
    }


def test_refuses_a_missing_axis_naming_its_categories_and_facts():
    errors = _errors(scheme="bone_appendicular", categories={"t": "T1", "n": "N0", "m": "M0"})

    assert errors == {
        "grade": [
            "Give the G category (one of GX, G1, G2, G3) or the facts that determine it "
            "(differentiation)."
        ]
    }


def test_blank_categories_and_facts_count_as_not_given():
    errors = _errors(
        scheme="bone_appendicular",
        categories={"t": "", "n": "N0", "m": "M0", "grade": None},
        facts={"size_cm": "  ", "differentiation": None},
    )

    assert set(errors) == {"t", "grade"}


def test_refuses_a_fact_the_scheme_does_not_use():
    errors = _errors(
        scheme="soft_tissue_trunk_extremities",
        categories=_categories("T1 N0 M0 G1"),
        facts={"size": 4},
    )

    assert errors == {
        "size": [
            "size is not a fact that Soft tissue sarcoma of the trunk and extremities uses; "
            "use one of size_cm, regional_node_metastasis, metastasis_sites, "
            "differentiation_score, mitotic_score, mitotic_count, necrosis_score, "
            "necrosis_percent."
        ]
    }


@pytest.mark.parametrize(
    ("scheme", "facts", "field", "message"),
    [
        ("nsclc", {"size_cm": "four"}, "size_cm", "Enter a number, such as 4.5."),
        ("nsclc", {"size_cm": True}, "size_cm", "Enter a number, such as 4.5."),
        ("nsclc", {"size_cm": float("nan")}, "size_cm", "Enter a number, such as 4.5."),
        ("nsclc", {"size_cm": [3]}, "size_cm", "Enter a number, such as 4.5."),
        ("nsclc", {"size_cm": -2}, "size_cm", "Enter a number greater than 0."),
        ("nsclc", {"size_cm": 0}, "size_cm", "Enter a number greater than 0."),
        (
            "soft_tissue_trunk_extremities",
            {"size_cm": 3, "differentiation_score": 1, "mitotic_score": 1, "necrosis_percent": 120},
            "necrosis_percent",
            "Enter a number from 0 to 100.",
        ),
        (
            "soft_tissue_trunk_extremities",
            {"size_cm": 3, "differentiation_score": 4, "mitotic_score": 1, "necrosis_score": 0},
            "differentiation_score",
            "Enter a whole number from 1 to 3.",
        ),
        (
            "soft_tissue_trunk_extremities",
            {"size_cm": 3, "differentiation_score": 1, "mitotic_count": -1, "necrosis_score": 0},
            "mitotic_count",
            "Enter a whole number of at least 0.",
        ),
        (
            "bone_spine",
            {"vertebral_segments": 0},
            "vertebral_segments",
            "Enter a whole number of at least 1.",
        ),
        (
            "bone_spine",
            {"vertebral_segments": 2.5},
            "vertebral_segments",
            "Enter a whole number of at least 1.",
        ),
        (
            "bone_pelvis",
            {"pelvic_segments": 5, "size_cm": 3},
            "pelvic_segments",
            "Enter a whole number from 1 to 4.",
        ),
        (
            "bone_appendicular",
            {"size_cm": 3, "discontinuous": "maybe"},
            "discontinuous",
            "Enter true or false.",
        ),
        (
            "nsclc",
            {"size_cm": 3, "atelectasis_to_hilum": 1},
            "atelectasis_to_hilum",
            "Enter true or false.",
        ),
        (
            "bone_appendicular",
            {"size_cm": 3, "differentiation": "excellent"},
            "differentiation",
            "excellent is not one of the choices; use one of well, moderate, poor.",
        ),
    ],
)
def test_refuses_a_fact_value_it_cannot_read(scheme, facts, field, message):
    categories = {"n": "N0", "m": "M0"}
    if "grade" in SCHEMES[scheme].axis_by_id and not any(
        SCHEMES[scheme].facts[f].axis == "grade" for f in facts
    ):
        categories["grade"] = "G1"

    errors = _errors(scheme=scheme, categories=categories, facts=facts)

    assert errors == {field: [message]}


def _derive_with(table, axis_id, facts):
    errors = {}
    scheme = load_scheme(table)
    code = derive(scheme.axis_by_id[axis_id], FactReader(scheme, facts, errors))
    return code, errors


def test_a_number_with_only_a_lower_bound_asks_for_at_least_that():
    table = _table("soft_tissue_trunk_extremities")
    del table["facts"]["necrosis_percent"]["maximum"]

    code, errors = _derive_with(
        table, "grade", {"differentiation_score": 1, "mitotic_score": 1, "necrosis_percent": -5}
    )

    assert code is None
    assert errors == {"necrosis_percent": ["Enter a number of at least 0."]}


def test_facts_that_no_rule_of_a_table_covers_are_refused_not_guessed():
    table = _table("bone_pelvis")
    del table["axes"][0]["derive"]["measure"][0]  # the rule for three or more segments

    code, errors = _derive_with(table, "t", {"pelvic_segments": 3})

    assert code is None
    assert errors == {"t": ["These facts do not determine the T category."]}


def test_refuses_sites_that_are_not_a_list():
    errors = _errors(
        scheme="bone_appendicular",
        categories={"t": "T1", "n": "N0", "grade": "G1"},
        facts={"metastasis_sites": "lung"},
    )

    assert errors == {"metastasis_sites": ['Enter a list of sites, such as ["lung"].']}


def test_refuses_an_unknown_metastasis_site_by_name():
    errors = _errors(
        scheme="bone_appendicular",
        categories={"t": "T1", "n": "N0", "grade": "G1"},
        facts={"metastasis_sites": ["lung", "moon"]},
    )

    assert errors == {
        "metastasis_sites": [
            "moon is not a site this scheme knows; use one of lung, pleura, bone, bone_marrow, "
            "liver, brain, adrenal, distant_lymph_nodes, skin, soft_tissue, peritoneum, kidney, "
            "other."
        ]
    }


@pytest.mark.parametrize(
    ("scheme", "categories", "facts", "errors"),
    [
        (
            "bone_pelvis",
            {"n": "N0", "m": "M0", "grade": "G1"},
            {"size_cm": 5},
            {
                "pelvic_segments": [
                    "The T category needs the number of pelvic segments the tumor spans."
                ]
            },
        ),
        (
            "bone_pelvis",
            {"n": "N0", "m": "M0", "grade": "G1"},
            {"pelvic_segments": 2},
            {"size_cm": ["The T category needs the tumor's greatest dimension (cm)."]},
        ),
        (
            "nsclc",
            {"t": "T1a", "n": "N0"},
            {"metastasis_sites": ["liver"]},
            {
                "extrathoracic_metastasis_count": [
                    "The M category needs the number of extrathoracic metastases."
                ]
            },
        ),
        (
            "nsclc",
            {"t": "T1a", "n": "N0"},
            {"metastasis_sites": ["pleura"], "extrathoracic_metastasis_count": 2},
            {
                "extrathoracic_metastasis_count": [
                    "Also list where these metastases are in metastasis_sites."
                ]
            },
        ),
        (
            "nsclc",
            {"t": "T1a", "n": "N0"},
            {"metastasis_sites": ["liver", "brain", "bone"], "extrathoracic_metastasis_count": 2},
            {"extrathoracic_metastasis_count": ["2 metastases cannot be in 3 different organs."]},
        ),
        (
            "soft_tissue_trunk_extremities",
            {"t": "T1", "n": "N0", "m": "M0"},
            {
                "differentiation_score": 2,
                "mitotic_score": 1,
                "mitotic_count": 3,
                "necrosis_score": 0,
            },
            {"mitotic_count": ["Give mitotic_score or mitotic_count, not both."]},
        ),
        (
            "soft_tissue_trunk_extremities",
            {"t": "T1", "n": "N0", "m": "M0"},
            {"differentiation_score": 2, "mitotic_count": 3},
            {
                "necrosis_score": [
                    "The G category needs the FNCLCC tumor necrosis score (0 to 2) or the "
                    "percentage of tumor necrosis."
                ]
            },
        ),
        (
            "enneking",
            {},
            {"behaviour": "malignant", "compartment": "intra", "metastasis": False},
            {"grade": ["The G category needs the histologic grade (low or high)."]},
        ),
        (
            "enneking",
            {},
            {"grade": "high"},
            {"behaviour": ["The G category needs the tumor's behaviour (benign or malignant)."]},
        ),
    ],
)
def test_says_which_fact_is_needed_when_the_facts_fall_short(scheme, categories, facts, errors):
    assert _errors(scheme=scheme, categories=categories, facts=facts) == errors


def test_enneking_asks_a_benign_tumor_for_its_activity_and_a_malignant_one_for_site_and_spread():
    benign = _errors(scheme="enneking", categories={"grade": "G0"})
    malignant = _errors(scheme="enneking", categories={"grade": "G2"})

    assert benign == {
        "activity": [
            "Give the activity category (one of latent, active, aggressive) or the facts that "
            "determine it (activity)."
        ]
    }
    assert set(malignant) == {"t", "m"}


def test_reports_every_faulty_field_at_once():
    errors = _errors(
        scheme="nsclc",
        classification="clinical",
        categories={"n": "N9"},
        facts={"size_cm": -1, "metastasis_sites": ["moon"]},
    )

    assert set(errors) == {"n", "size_cm", "metastasis_sites"}


def test_staging_error_is_a_validation_error_with_a_message_per_field():
    with pytest.raises(ValidationError) as caught:
        stage(scheme="nsclc", categories={"t": "T9", "n": "N0", "m": "M0"})

    assert caught.value.message_dict == caught.value.errors
    assert list(caught.value.message_dict) == ["t"]


# --- the tables themselves -----------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_combination_of_a_shipped_table_falls_in_at_most_one_group(scheme):
    raw = _table(scheme)
    axes = [a["id"] for a in raw["axes"]]
    domains = [
        [c["code"] for c in a["categories"]] + ([None] if "required_when" in a else [])
        for a in raw["axes"]
    ]
    rows = raw["stage_groups"] or []

    for combination in itertools.product(*domains):
        values = dict(zip(axes, combination, strict=True))
        groups = {
            row["group"]
            for row in rows
            if all(values[axis] in codes for axis, codes in row["when"].items())
        }
        assert len(groups) <= 1, (combination, groups)
        if groups:
            assert SCHEMES[scheme].lookup[combination].group == groups.pop()


def _with_row(scheme, row):
    raw = copy.deepcopy(_table(scheme))
    raw["stage_groups"].append(row)
    return raw


def test_a_table_whose_rows_give_one_combination_two_groups_is_refused_at_load():
    raw = _with_row(
        "bone_appendicular",
        {"group": "IA", "when": {"t": ["T2"], "n": ["N0"], "m": ["M0"], "grade": ["G1"]}},
    )

    with pytest.raises(TableError, match=r"T2 N0 M0 G1 is in more than one stage group"):
        load_scheme(raw)


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda t: t["stage_groups"].append({"group": "V", "when": {"t": ["T9"]}}), "T9"),
        (
            lambda t: t["axes"][0]["derive"]["flags"].append({"fact": "sizee", "category": "T3"}),
            "sizee",
        ),
        (lambda t: t["facts"].update(unused={"type": "flag", "label": "x"}), "derive nothing"),
        (
            lambda t: t["axes"][0]["derive"]["measure"][0]["bands"]["steps"].append(
                {"max": 2, "result": "T1"}
            ),
            "increase",
        ),
        (lambda t: t["axes"][0]["categories"].append({"code": "t1", "label": "x"}), "spelled like"),
        (lambda t: t["axes"][1].update(colour="red"), "unknown keys"),
    ],
)
def test_a_malformed_table_is_refused_at_load_naming_the_fault(change, fault):
    raw = copy.deepcopy(_table("bone_appendicular"))
    change(raw)

    with pytest.raises(TableError, match=re.escape(fault)):
        load_scheme(raw)


def test_every_table_string_is_marked_for_translation_in_labels_py():
    strings = set()
    for path in SCHEMES_DIR.glob("*.json"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        strings |= {raw["title"], raw["source"]}
        strings |= {f["label"] for f in raw["facts"].values()}
        for axis in raw["axes"]:
            strings |= {axis["label"]} | {c["label"] for c in axis["categories"]}

    assert strings == set(TABLE_STRINGS)


def test_every_scheme_has_its_own_rule_version():
    versions = [table.rule_version for table in SCHEMES.values()]

    assert len(set(versions)) == len(versions) == 6


def test_list_schemes_describes_categories_facts_and_whether_groups_exist():
    schemes = {info.id: info for info in list_schemes()}

    assert set(schemes) == set(SCHEMES)
    assert not schemes["bone_pelvis"].has_stage_groups
    assert not schemes["bone_spine"].has_stage_groups
    assert schemes["nsclc"].has_stage_groups
    assert "IIIC" in schemes["nsclc"].stage_groups
    t = next(axis for axis in schemes["bone_appendicular"].axes if axis.id == "t")
    assert [c.code for c in t.categories] == ["TX", "T0", "T1", "T2", "T3"]
    assert t.categories[2].label == "Tumor 8 cm or less in greatest dimension"
    assert t.facts == ("size_cm", "discontinuous")
    size = next(f for f in schemes["nsclc"].facts if f.name == "size_cm")
    assert (size.type, size.axis, size.minimum, size.exclusive_minimum) == ("number", "t", 0, True)
    activity = next(axis for axis in schemes["enneking"].axes if axis.id == "activity")
    assert activity.required_when == {"grade": ("G0",)}


# --- a published example -------------------------------------------------------------------


def _mcode(resource_id):
    return json.loads((MCODE / f"Observation-{resource_id}.json").read_text(encoding="utf-8"))


def _display(observation):
    return observation["valueCodeableConcept"]["coding"][0]["display"]


def test_the_mcode_nsclc_example_stages_iiic():
    if not MCODE.exists():
        pytest.skip("../shared/datasets is not beside this checkout")
    group = _mcode("tnm-clinical-stage-group-3c")
    assert "8th edition" in group["method"]["coding"][0]["display"]
    assert group["focus"][0]["reference"].endswith("nsclc")
    categories = {}
    for member in group["hasMember"]:
        written = re.search(r"Cancer (\S+) \(", _display(_mcode(member["reference"].split("/")[1])))
        code = written.group(1)  # e.g. "cT3"
        categories[code.lstrip("cpy")[0].lower()] = code

    result = stage(scheme="nsclc", classification="clinical", categories=categories)

    assert categories == {"t": "cT3", "n": "cN3", "m": "cM0"}
    assert result.labels == categories
    assert result.stage_group == re.search(r"stage (\S+) \(", _display(group)).group(1) == "IIIC"
