"""The shipped vocabulary against the real code systems it cites."""

import csv
import json
from pathlib import Path

import simple_icd_10_cm as icd

from medcenter.directory.services import DATA, SITE_LANGUAGES

ONCOTREE = Path(__file__).resolve().parents[4] / "shared/datasets/oncotree/oncotree_2025_10_03.tsv"


def _conditions():
    return json.loads((DATA / "conditions.json").read_text(encoding="utf-8"))


def test_every_icd10_code_is_a_valid_icd10cm_code():
    bad = [
        (c["slug"], code)
        for c in _conditions()
        for code in c["icd10"]
        if not icd.is_valid_item(code)
    ]

    assert bad == []


def test_every_oncotree_code_exists_in_oncotree():
    if not ONCOTREE.exists():
        import pytest

        pytest.skip("../shared/datasets is not beside this checkout")
    with ONCOTREE.open(encoding="utf-8") as f:
        codes = {row["code"] for row in csv.DictReader(f, delimiter="\t")}

    bad = [
        (c["slug"], c["oncotree_code"])
        for c in _conditions()
        if c["oncotree_code"] and c["oncotree_code"] not in codes
    ]

    assert bad == []


def test_every_condition_has_terms_in_every_site_language_and_a_known_program():
    programs = {p["slug"] for p in json.loads((DATA / "programs.json").read_text())}

    for condition in _conditions():
        assert set(condition["terms"]) == set(SITE_LANGUAGES), condition["slug"]
        assert all(len(terms) >= 2 for terms in condition["terms"].values())
        assert condition["programs"] and set(condition["programs"]) <= programs


def test_every_program_is_reachable_from_some_condition():
    programs = {p["slug"] for p in json.loads((DATA / "programs.json").read_text())}

    assert {c["programs"][0] for c in _conditions()} == programs
