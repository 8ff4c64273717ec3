"""Importers: MOAlmanac's referenced list and CIViC's evidence TSV into a KnowledgeBase."""

from collections import Counter
from pathlib import Path

import pytest

from medcenter.oncology.genomics import (
    Annotator,
    Direction,
    EvidenceLevel,
    load_civic_tsv,
    load_curated,
    load_moalmanac,
)
from medcenter.oncology.genomics.importers import DiseaseMapper

SHARED = Path(__file__).resolve().parents[4] / "shared/datasets"
MOALMANAC = SHARED / "moalmanac" / "molecular-oncology-almanac.referenced-list.json"
CIVIC = Path(__file__).resolve().parent / "fixtures" / "genomics" / "civic_clinical_evidence.tsv"


@pytest.fixture(scope="module")
def moalmanac():
    if not MOALMANAC.exists():
        pytest.skip("../shared/datasets is not beside this checkout")
    return load_moalmanac(MOALMANAC)


def test_loads_the_moalmanac_file_and_accounts_for_every_record(moalmanac):
    assert 400 <= len(moalmanac) <= 700
    assert len(moalmanac) + sum(moalmanac.skipped.values()) == 1018
    assert moalmanac.skipped["evidence level not imported: Preclinical"] > 100
    assert moalmanac.skipped["evidence level not imported: Inferential"] > 100


def test_maps_moalmanac_evidence_to_our_levels_and_oncotree_codes(moalmanac):
    levels = Counter(entry.level for entry in moalmanac.entries)

    assert set(levels) == {
        EvidenceLevel.FDA_THIS_TYPE,
        EvidenceLevel.GUIDELINE,
        EvidenceLevel.CLINICAL_EVIDENCE,
    }
    assert all(entry.origin == "moalmanac" for entry in moalmanac.entries)
    assert any(
        (e.gene, e.alteration, e.tumor_type, e.therapy, e.level)
        == ("EGFR", "L858R", "NSCLC", "osimertinib", EvidenceLevel.FDA_THIS_TYPE)
        for e in moalmanac.entries
    )
    assert any(e.tumor_type == "SOLID" for e in moalmanac.entries)


def test_reads_moalmanac_fusions_copy_numbers_and_resistance(moalmanac):
    alterations = {(e.gene, e.alteration) for e in moalmanac.entries}

    assert ("ABL1", "BCR::ABL1") in alterations
    assert ("ALK", "fusion") in alterations
    assert ("ERBB2", "amplification") in alterations
    assert any(e.direction is Direction.RESISTANT for e in moalmanac.entries)


def test_drops_moalmanac_approvals_that_were_withdrawn(moalmanac):
    assert moalmanac.skipped["FDA approval since withdrawn"] == 1
    assert not any(
        "mobocertinib" in e.therapy and e.level is EvidenceLevel.FDA_THIS_TYPE
        for e in moalmanac.entries
    )


def test_merged_moalmanac_data_cannot_overrule_a_curated_resistance(moalmanac):
    annotator = Annotator(knowledge_base=load_curated().merged_with(moalmanac))

    [annotation] = annotator.annotate(
        tumor_type="LUAD", alterations=[{"gene": "EGFR", "alteration": "D770_N771insSVD"}]
    )

    afatinib = [m for m in annotation.therapies if m.therapy == "afatinib"]
    assert [(m.direction, m.origin) for m in afatinib] == [(Direction.RESISTANT, "curated")]
    assert any(m.origin == "moalmanac" for m in annotation.therapies)


def test_loads_the_civic_evidence_fixture():
    civic = load_civic_tsv(CIVIC)

    entries = {
        (e.gene, e.alteration, e.tumor_type, e.therapy, e.level.value, e.direction.value)
        for e in civic.entries
    }
    assert entries == {
        ("EGFR", "L858R", "NSCLC", "osimertinib", "guideline", "sensitive"),
        ("BRAF", "V600E", "MEL", "dabrafenib + trametinib", "guideline", "sensitive"),
        ("EGFR", "T790M", "LUAD", "erlotinib", "clinical_evidence", "resistant"),
        ("EGFR", "T790M", "LUAD", "gefitinib", "clinical_evidence", "resistant"),
        ("ALK", "EML4::ALK", "NSCLC", "lorlatinib", "clinical_evidence", "sensitive"),
    }


def test_counts_the_civic_rows_it_skips_and_why():
    civic = load_civic_tsv(CIVIC)

    assert civic.skipped == {
        "evidence level not imported: D": 1,
        "evidence does not support": 1,
        "complex molecular profile": 1,
        "evidence type not imported: PROGNOSTIC": 1,
        "disease not mapped to OncoTree": 1,
        "evidence not accepted": 1,
    }


def test_civic_entries_keep_their_source_and_review_date():
    entry = next(e for e in load_civic_tsv(CIVIC).entries if e.gene == "BRAF")

    assert entry.source.startswith("CIViC EID90002:")
    assert entry.reviewed == "2024-03-15"


def test_curated_entries_win_over_civic_on_the_same_therapy():
    merged = load_curated().merged_with(load_civic_tsv(CIVIC))

    [annotation] = Annotator(knowledge_base=merged).annotate(
        tumor_type="LUAD", alterations=[{"gene": "EGFR", "alteration": "L858R"}]
    )

    osimertinib = [m for m in annotation.therapies if m.therapy == "osimertinib"]
    assert [(m.level, m.origin) for m in osimertinib] == [(EvidenceLevel.FDA_THIS_TYPE, "curated")]


@pytest.mark.parametrize(
    ("name", "doid", "code"),
    [
        ("Lung Non-small Cell Carcinoma", "", "NSCLC"),
        ("Melanoma", "", "MEL"),
        ("Chondrosarcoma", "", "CHS"),
        ("Dedifferentiated Liposarcoma", "", "DDLS"),
        ("Some Name CIViC Uses", "DOID:9256", "COADREAD"),
        ("Non Small Cell Lung Cancer", "", "NSCLC"),
        ("Any solid tumor", "", "SOLID"),
        ("Xyzzy Imaginary Neoplasm", "", None),
    ],
)
def test_maps_upstream_disease_names_to_oncotree(name, doid, code):
    assert DiseaseMapper().map(name=name, doid=doid) == code
