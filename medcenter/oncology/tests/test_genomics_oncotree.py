"""Tumor types: the shipped OncoTree parent map (MSK OncoTree, CC BY 4.0)."""

import json
from pathlib import Path

import pytest

from medcenter.oncology.genomics import SOLID_TUMOR, UnknownTumorTypeError, load_oncotree
from medcenter.oncology.genomics.datasets import build_oncotree_parents, dump
from medcenter.oncology.genomics.oncotree import ONCOTREE_FILE

SHARED = Path(__file__).resolve().parents[4] / "shared/datasets"
NOTICE = ONCOTREE_FILE.parent / "NOTICE.md"


@pytest.mark.parametrize(
    ("code", "ancestor"),
    [
        ("LUAD", "NSCLC"),
        ("LUAD", "LUNG"),
        ("DDLS", "LIPO"),
        ("IHCH", "CHOL"),
        ("SKCM", "MEL"),
        ("ASTR", "DIFG"),
        ("READ", "COADREAD"),
    ],
)
def test_a_type_lies_under_its_ancestors(code, ancestor):
    assert load_oncotree().is_within(code, ancestor)


def test_a_type_does_not_lie_under_its_siblings():
    tree = load_oncotree()

    assert not tree.is_within("LUSC", "LUAD")
    assert not tree.is_within("NSCLC", "LUAD")


@pytest.mark.parametrize(
    ("code", "solid"),
    [("LUAD", True), ("CHS", True), ("AML", False), ("PCM", False), ("ALCL", False)],
)
def test_solid_tumors_lie_under_the_tissue_agnostic_code(code, solid):
    assert load_oncotree().is_within(code, SOLID_TUMOR) is solid


@pytest.mark.parametrize(
    ("old", "current"), [("MM", "PCM"), ("GBM", "GB"), ("TALL", "TLL"), ("ALL", "LNM")]
)
def test_retired_codes_map_to_current_ones(old, current):
    assert load_oncotree().resolve(old) == current


def test_knows_current_and_retired_codes_in_any_case():
    tree = load_oncotree()

    assert tree.knows("luad") and tree.knows("MM") and tree.knows(SOLID_TUMOR)
    assert not tree.knows("NOTACODE")


def test_names_a_code():
    tree = load_oncotree()

    assert tree.name("CHS") == "Chondrosarcoma"
    assert tree.name(SOLID_TUMOR) == "Any solid tumor"


def test_refuses_an_unknown_code():
    with pytest.raises(UnknownTumorTypeError) as raised:
        load_oncotree().resolve("NOTACODE")

    assert raised.value.code == "NOTACODE"
    assert "OncoTree" in str(raised.value)


def test_the_shipped_map_carries_its_attribution():
    metadata = json.loads(ONCOTREE_FILE.read_text(encoding="utf-8"))["metadata"]

    assert "MSK OncoTree, CC BY 4.0" in metadata["attribution"]
    assert "MSK OncoTree, CC BY 4.0" in NOTICE.read_text(encoding="utf-8")
    assert "ODbL" in NOTICE.read_text(encoding="utf-8")


def test_regenerating_from_the_upstream_release_reproduces_the_shipped_file():
    source = SHARED / "oncotree" / "oncotree_2025_10_03.json"
    if not source.exists():
        pytest.skip("../shared/datasets is not beside this checkout")

    assert dump(build_oncotree_parents(source)) == ONCOTREE_FILE.read_text(encoding="utf-8")
    assert len(load_oncotree().parents) == 897
