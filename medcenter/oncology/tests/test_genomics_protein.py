"""Protein changes as people and files write them, normalized to HGVS p. notation."""

import pytest

from medcenter.oncology.genomics.protein import (
    ChangeType,
    ProteinChangeError,
    parse_protein_change,
)

NORMALIZED = [
    # written,                      hgvs,                            short,              type
    ("L858R", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("p.L858R", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("p.Leu858Arg", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("p.(Leu858Arg)", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("NP_005219.2:p.Leu858Arg", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("ENSP00000275493.2:p.Leu858Arg", "p.Leu858Arg", "L858R", ChangeType.MISSENSE),
    ("  T790M ", "p.Thr790Met", "T790M", ChangeType.MISSENSE),
    ("G719S", "p.Gly719Ser", "G719S", ChangeType.MISSENSE),
    ("V600E", "p.Val600Glu", "V600E", ChangeType.MISSENSE),
    ("R132H", "p.Arg132His", "R132H", ChangeType.MISSENSE),
    ("D842V", "p.Asp842Val", "D842V", ChangeType.MISSENSE),
    ("E746_A750del", "p.Glu746_Ala750del", "E746_A750del", ChangeType.INFRAME_DELETION),
    ("p.Glu746_Ala750del", "p.Glu746_Ala750del", "E746_A750del", ChangeType.INFRAME_DELETION),
    ("E746_A750delELREA", "p.Glu746_Ala750del", "E746_A750del", ChangeType.INFRAME_DELETION),
    ("p.Leu747del", "p.Leu747del", "L747del", ChangeType.INFRAME_DELETION),
    ("E746_A750delinsQ", "p.Glu746_Ala750delinsGln", "E746_A750delinsQ", ChangeType.DELINS),
    ("p.Leu747_Pro753delinsSer", "p.Leu747_Pro753delinsSer", "L747_P753delinsS", ChangeType.DELINS),
    ("A767_V769dup", "p.Ala767_Val769dup", "A767_V769dup", ChangeType.DUPLICATION),
    (
        "D770_N771insSVD",
        "p.Asp770_Asn771insSerValAsp",
        "D770_N771insSVD",
        ChangeType.INFRAME_INSERTION,
    ),
    (
        "p.Asp770_Asn771insSerValAsp",
        "p.Asp770_Asn771insSerValAsp",
        "D770_N771insSVD",
        ChangeType.INFRAME_INSERTION,
    ),
    ("W288fs", "p.Trp288fs", "W288fs", ChangeType.FRAMESHIFT),
    ("p.Trp288fs*12", "p.Trp288fs", "W288fs", ChangeType.FRAMESHIFT),
    ("p.W288Cfs*12", "p.Trp288CysfsTer12", "W288Cfs*12", ChangeType.FRAMESHIFT),
    ("p.Trp288CysfsTer12", "p.Trp288CysfsTer12", "W288Cfs*12", ChangeType.FRAMESHIFT),
    ("R213*", "p.Arg213Ter", "R213*", ChangeType.NONSENSE),
    ("p.Arg213Ter", "p.Arg213Ter", "R213*", ChangeType.NONSENSE),
    ("p.Leu858=", "p.Leu858=", "L858=", ChangeType.SYNONYMOUS),
    ("p.Leu867%3D", "p.Leu867=", "L867=", ChangeType.SYNONYMOUS),
    ("p.Leu861Leu", "p.Leu861=", "L861=", ChangeType.SYNONYMOUS),
    ("p.*110Glnext*17", "p.Ter110GlnextTer17", "*110Qext*17", ChangeType.STOP_LOST),
    ("p.Met1?", "p.Met1?", "M1?", ChangeType.START_LOST),
    ("p.?", "p.?", "?", ChangeType.UNKNOWN),
]


@pytest.mark.parametrize(("written", "hgvs", "short", "change_type"), NORMALIZED)
def test_normalizes_protein_changes_to_hgvs_and_one_letter_forms(written, hgvs, short, change_type):
    change = parse_protein_change(written)

    assert (change.hgvs, change.short, change.change_type) == (hgvs, short, change_type)


CLASSES = [
    ("exon 19 deletion", "exon 19 deletion", ChangeType.EXON_DELETION, 19),
    ("Exon 19 Deletions", "exon 19 deletion", ChangeType.EXON_DELETION, 19),
    ("ex19del", "exon 19 deletion", ChangeType.EXON_DELETION, 19),
    ("exon 20 insertion", "exon 20 insertion", ChangeType.EXON_INSERTION, 20),
    ("ex20ins", "exon 20 insertion", ChangeType.EXON_INSERTION, 20),
    ("MET exon 14 skipping", "exon 14 skipping", ChangeType.EXON_SKIPPING, 14),
    ("METex14", "exon 14 skipping", ChangeType.EXON_SKIPPING, 14),
    ("exon 18 mutation", "exon 18 mutation", ChangeType.EXON_MUTATION, 18),
]


@pytest.mark.parametrize(("written", "short", "change_type", "exon"), CLASSES)
def test_reads_exon_level_classes(written, short, change_type, exon):
    change = parse_protein_change(written)

    assert (change.hgvs, change.short, change.change_type, change.exon) == (
        None,
        short,
        change_type,
        exon,
    )
    assert change.is_class


@pytest.mark.parametrize(
    ("written", "short", "change_type"),
    [
        ("amplification", "amplification", ChangeType.AMPLIFICATION),
        ("Amplified", "amplification", ChangeType.AMPLIFICATION),
        ("fusion", "fusion", ChangeType.FUSION),
        ("Rearrangement", "fusion", ChangeType.FUSION),
        ("loss", "loss", ChangeType.LOSS),
        ("homozygous deletion", "loss", ChangeType.LOSS),
        ("overexpression", "overexpression", ChangeType.OVEREXPRESSION),
        ("IHC 3+", "overexpression", ChangeType.OVEREXPRESSION),
        ("oncogenic mutation", "oncogenic mutation", ChangeType.ONCOGENIC_MUTATION),
        ("G719X", "G719X", ChangeType.ANY_SUBSTITUTION),
        ("V600", "V600X", ChangeType.ANY_SUBSTITUTION),
        ("p.X1010_splice", "X1010_splice", ChangeType.SPLICE),
    ],
)
def test_reads_gene_level_words_and_codon_classes(written, short, change_type):
    change = parse_protein_change(written)

    assert (change.short, change.change_type) == (short, change_type)


def test_keeps_start_end_and_residues_of_a_range():
    change = parse_protein_change("p.Glu746_Ala750delinsGln")

    assert (change.start, change.end, change.ref, change.ref_end, change.alt) == (
        746,
        750,
        "E",
        "A",
        "Q",
    )


def test_a_missense_change_starts_and_ends_at_its_codon():
    change = parse_protein_change("p.Val600Glu")

    assert (change.start, change.end, change.ref, change.alt) == (600, 600, "V", "E")


def test_protein_changes_are_frozen_and_compare_by_value():
    first = parse_protein_change("L858R")
    second = parse_protein_change("p.Leu858Arg")

    assert first == second
    with pytest.raises(AttributeError):
        first.short = "T790M"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "X",
        "c.2573T>G",
        "p.Leu858Xyz",
        "Z12C",
        "L858Q1",
        "E746_A740del",
        "D770_N775insSVD",
        "D770_N771ins",
        "p.Leu0Arg",
    ],
)
def test_refuses_what_is_not_a_protein_change(written):
    with pytest.raises(ProteinChangeError) as raised:
        parse_protein_change(written)

    assert f"“{written}”" in str(raised.value)
    assert raised.value.value == written


def test_says_why_a_range_is_refused():
    with pytest.raises(ProteinChangeError, match="must end after it starts"):
        parse_protein_change("E746_A740del")


def test_an_unreadable_change_is_a_value_error():
    with pytest.raises(ValueError):
        parse_protein_change("not a change")
