"""Hotspot flags from the shipped Cancer Hotspots derivative (ODbL)."""

import json
from pathlib import Path

import pytest

from medcenter.oncology.genomics import HotspotIndex, load_hotspots, make_alteration
from medcenter.oncology.genomics.datasets import build_hotspots, dump
from medcenter.oncology.genomics.hotspots import HOTSPOTS_FILE

SHARED = Path(__file__).resolve().parents[4] / "shared/datasets"


def hotspot(gene, change, **extra):
    return load_hotspots().match(make_alteration(gene=gene, change=change, **extra))


@pytest.mark.parametrize(
    ("gene", "change", "residue"),
    [
        ("KRAS", "G12C", "G12"),
        ("KRAS", "p.Gly12Asp", "G12"),
        ("KRAS", "G13D", "G13"),
        ("BRAF", "V600E", "V600"),
        ("BRAF", "V600K", "V600"),
        ("EGFR", "L858R", "L858"),
        ("EGFR", "G719X", "G719"),
        ("IDH1", "R132H", "R132"),
        ("PIK3CA", "H1047R", "H1047"),
        ("MET", "p.X1010_splice", "X1010_splice"),
    ],
)
def test_flags_known_hotspots(gene, change, residue):
    spot = hotspot(gene, change)

    assert spot is not None
    assert (spot.gene, spot.residue) == (gene, residue)
    assert spot.samples > 0


def test_counts_samples_per_hotspot():
    assert hotspot("KRAS", "G12C").samples > hotspot("EGFR", "L858R").samples > 100


@pytest.mark.parametrize(
    ("gene", "change"),
    [
        ("KRAS", "E31K"),
        ("EGFR", "C797S"),
        ("EGFR", "p.Leu858="),
        ("TTN", "R12C"),
        ("BRAF", "V599fs"),
    ],
)
def test_does_not_flag_other_residues_or_silent_changes(gene, change):
    assert hotspot(gene, change) is None


def test_gene_level_alterations_are_never_hotspots():
    assert load_hotspots().match(make_alteration(gene="ERBB2", change="amplification")) is None


def test_matches_an_in_frame_indel_that_overlaps_an_indel_hotspot():
    index = HotspotIndex({"EGFR": [["746-750", "indel", 120], ["L858", "single", 144]]})

    deletion = index.match(make_alteration(gene="EGFR", change="L747_T751del"))
    outside = index.match(make_alteration(gene="EGFR", change="D770_N771insSVD"))

    assert deletion is not None and deletion.residue == "746-750"
    assert outside is None


def test_the_shipped_file_carries_its_licence_and_attribution():
    metadata = json.loads(HOTSPOTS_FILE.read_text(encoding="utf-8"))["metadata"]

    assert metadata["license"] == "ODbL-1.0"
    assert "Chang et al. 2016/2018" in metadata["attribution"]
    assert len(load_hotspots()) > 1000


def test_regenerating_from_the_upstream_release_reproduces_the_shipped_file():
    source = SHARED / "hotspots" / "hotspots_v2.txt"
    if not source.exists():
        pytest.skip("../shared/datasets is not beside this checkout")

    assert dump(build_hotspots(source)) == HOTSPOTS_FILE.read_text(encoding="utf-8")
