"""Alterations and the classes they belong to, which the knowledge base matches on."""

import pytest

from medcenter.oncology.genomics.alterations import (
    AlterationError,
    AlterationKind,
    alteration_from_mapping,
    make_alteration,
)
from medcenter.oncology.genomics.classes import AlterationClass, class_name_of, classify
from medcenter.oncology.genomics.hotspots import load_hotspots


def classes_of(gene, change, **extra):
    alteration = make_alteration(gene=gene, change=change, **extra)
    return {c.name for c in classify(alteration, load_hotspots().match(alteration))}


@pytest.mark.parametrize(
    "change",
    [
        "E746_A750del",
        "p.Glu746_Ala750del",
        "L747_T751del",
        "L747_P753delinsS",
        "E746_S752delinsV",
        "p.Leu747_Ala750delinsPro",
        "exon 19 deletion",
        "ex19del",
    ],
)
def test_recognizes_egfr_exon_19_deletions_in_their_written_forms(change):
    assert "exon 19 deletion" in classes_of("EGFR", change)


@pytest.mark.parametrize("change", ["L858R", "D770_N771insSVD", "T790M", "E709_T710delinsD"])
def test_does_not_call_other_egfr_changes_exon_19_deletions(change):
    assert "exon 19 deletion" not in classes_of("EGFR", change)


@pytest.mark.parametrize(
    "change",
    [
        "D770_N771insSVD",
        "p.Asp770_Asn771insSerValAsp",
        "A767_V769dup",
        "S768_D770dup",
        "V769_D770insASV",
        "H773delinsNPH",
        "exon 20 insertion",
    ],
)
def test_recognizes_egfr_exon_20_insertions(change):
    assert "exon 20 insertion" in classes_of("EGFR", change)


@pytest.mark.parametrize("change", ["T790M", "E746_A750del", "C797S", "L747_A750delinsP"])
def test_does_not_call_other_egfr_changes_exon_20_insertions(change):
    assert "exon 20 insertion" not in classes_of("EGFR", change)


@pytest.mark.parametrize("change", ["G719S", "G719A", "G719C", "p.Gly719Asp", "G719X"])
def test_groups_egfr_codon_719_substitutions_as_g719x(change):
    assert "G719X" in classes_of("EGFR", change)


def test_groups_braf_v600_substitutions_and_keeps_the_exact_change():
    assert {"V600E", "V600X", "oncogenic mutation", "mutation"} <= classes_of("BRAF", "V600E")
    assert {"V600K", "V600X"} <= classes_of("BRAF", "p.Val600Lys")


def test_idh1_r132_substitutions_share_the_codon_class():
    assert "R132X" in classes_of("IDH1", "R132H")
    assert "R132X" in classes_of("IDH1", "p.Arg132Cys")


def test_kras_g12c_and_g12d_differ_but_share_codon_and_exon():
    g12c, g12d = classes_of("KRAS", "G12C"), classes_of("KRAS", "G12D")

    assert "G12C" in g12c and "G12C" not in g12d
    assert {"G12X", "exon 2 mutation", "oncogenic mutation"} <= g12c & g12d


@pytest.mark.parametrize(
    ("change", "extra"),
    [
        ("p.X1010_splice", {}),
        ("X963_splice", {}),
        ("D1010H", {}),
        ("exon 14 skipping", {}),
        ("METex14", {}),
        ("D1002_D1010del", {}),
        (None, {"kind": "splice", "exon": 14}),
    ],
)
def test_recognizes_met_exon_14_skipping(change, extra):
    assert "exon 14 skipping" in classes_of("MET", change, **extra)


def test_a_met_missense_inside_exon_14_is_not_skipping():
    assert "exon 14 skipping" not in classes_of("MET", "Y1003F")


def test_pdgfra_d842v_falls_in_exon_18():
    assert {"D842V", "exon 18 mutation", "oncogenic mutation"} <= classes_of("PDGFRA", "D842V")


def test_truncating_changes_are_grouped():
    assert "truncating mutation" in classes_of("BRCA2", "p.Asn1784ThrfsTer7")
    assert "truncating mutation" in classes_of("TP53", "R213*")


def test_a_synonymous_change_belongs_only_to_itself():
    assert classes_of("EGFR", "p.Leu858=") == {"L858="}


def test_a_fusion_belongs_to_both_genes():
    alteration = make_alteration(gene="ALK", change="EML4::ALK")

    assert classify(alteration) == {
        AlterationClass("ALK", "fusion"),
        AlterationClass("ALK", "EML4::ALK"),
        AlterationClass("EML4", "fusion"),
        AlterationClass("EML4", "EML4::ALK"),
    }


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"gene": "ALK", "change": "EML4::ALK"}, ("ALK", "EML4", "EML4::ALK")),
        ({"gene": "ALK", "change": "EML4-ALK fusion"}, ("ALK", "EML4", "EML4::ALK")),
        ({"gene": "EML4-ALK"}, ("ALK", "EML4", "EML4::ALK")),
        ({"gene": "EML4", "change": "EML4::ALK"}, ("EML4", "ALK", "EML4::ALK")),
        ({"gene": "ROS1", "kind": "fusion"}, ("ROS1", None, None)),
        ({"gene": "ntrk1", "change": "fusion", "partner": "TPM3"}, ("NTRK1", "TPM3", None)),
    ],
)
def test_reads_fusions_written_several_ways(given, expected):
    alteration = make_alteration(**given)

    assert alteration.kind is AlterationKind.FUSION
    assert (alteration.gene, alteration.partner, alteration.fusion) == expected


@pytest.mark.parametrize(
    ("gene", "symbol"),
    [("HER2", "ERBB2"), ("her2", "ERBB2"), ("c-KIT", "KIT"), ("INI1", "SMARCB1"), ("egfr", "EGFR")],
)
def test_maps_common_gene_aliases_to_hgnc_symbols(gene, symbol):
    assert make_alteration(gene=gene, change="amplification").gene == symbol


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ({"change": "L858R"}, AlterationKind.SNV),
        ({"change": "E746_A750del"}, AlterationKind.INDEL),
        ({"change": "E746_A750del", "kind": "SNV"}, AlterationKind.INDEL),
        ({"change": "amplification"}, AlterationKind.AMPLIFICATION),
        ({"kind": "amp"}, AlterationKind.AMPLIFICATION),
        ({"kind": "deletion"}, AlterationKind.LOSS),
        ({"change": "E746_A750del", "kind": "deletion"}, AlterationKind.INDEL),
        ({"change": "IHC 3+", "kind": "expression"}, AlterationKind.EXPRESSION),
        ({"change": "loss", "kind": "expression"}, AlterationKind.LOSS),
        ({"change": "exon 14 skipping"}, AlterationKind.SPLICE),
    ],
)
def test_works_out_the_kind_from_the_change_and_the_stated_kind(given, kind):
    assert make_alteration(gene="EGFR", **given).kind is kind


def test_strips_a_repeated_gene_name_from_the_change():
    assert make_alteration(gene="EGFR", change="EGFR L858R").label == "EGFR L858R"


def test_reads_vaf_as_a_fraction_or_a_percentage():
    assert make_alteration(gene="KRAS", change="G12C", vaf="35%").vaf == pytest.approx(0.35)
    assert make_alteration(gene="KRAS", change="G12C", vaf=0.2).vaf == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"gene": ""}, "gene"),
        ({"gene": "EGFR!", "change": "L858R"}, "gene"),
        ({"gene": "EGFR"}, "alteration"),
        ({"gene": "EGFR", "change": "L858Z9"}, "alteration"),
        ({"gene": "EGFR", "change": "L858R", "kind": "fusion"}, "kind"),
        ({"gene": "EGFR", "change": "L858R", "kind": "banana"}, "kind"),
        ({"gene": "EGFR", "change": "L858R", "vaf": "1.5"}, "vaf"),
        ({"gene": "EGFR", "change": "L858R", "vaf": "abc"}, "vaf"),
        ({"gene": "ERBB2", "kind": "amplification", "copy_number": "-2"}, "copy_number"),
        ({"gene": "EGFR", "change": "L858R", "exon": "nineteen"}, "exon"),
        ({"gene": "RET", "change": "EML4::ALK"}, "partner"),
    ],
)
def test_names_the_field_that_makes_an_alteration_unreadable(given, field):
    with pytest.raises(AlterationError) as raised:
        make_alteration(**given)

    assert raised.value.field == field
    assert str(raised.value)


def test_builds_alterations_from_json_like_mappings():
    alteration = alteration_from_mapping(
        {"gene": "HER2", "protein_change": "p.S310F", "vaf": "0.12"}
    )

    assert (alteration.gene, alteration.protein.short, alteration.vaf) == ("ERBB2", "S310F", 0.12)


def test_alterations_compare_and_hash_by_value():
    first = make_alteration(gene="EGFR", change="L858R", vaf=0.4)
    second = make_alteration(gene="egfr", change="p.Leu858Arg", vaf=0.4)

    assert first == second
    assert len({first, second}) == 1
    assert first.key == make_alteration(gene="EGFR", change="L858R", vaf=0.1).key


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ({"gene": "EGFR", "change": "exon 19 deletion"}, "exon 19 deletion"),
        ({"gene": "EGFR", "change": "L858R"}, "L858R"),
        ({"gene": "ABL1", "change": "BCR::ABL1"}, "BCR::ABL1"),
        ({"gene": "ALK", "change": "fusion"}, "fusion"),
        ({"gene": "ERBB2", "change": "IHC 3+"}, "overexpression"),
        ({"gene": "SMARCB1", "change": "loss"}, "loss"),
        ({"gene": "IDH1", "change": "R132"}, "R132X"),
    ],
)
def test_a_stated_alteration_names_one_class(given, name):
    assert class_name_of(make_alteration(**given)) == name
