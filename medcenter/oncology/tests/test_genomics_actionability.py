"""Actionability: the curated knowledge base, matched per alteration and tumor type."""

import json

import pytest

from medcenter.oncology.genomics import (
    AlterationError,
    Annotator,
    Direction,
    EvidenceLevel,
    KnowledgeBase,
    KnowledgeBaseEntry,
    KnowledgeBaseError,
    UnknownTumorTypeError,
    annotate,
    load_curated,
    make_alteration,
)
from medcenter.oncology.genomics.knowledge import CURATED_FILE, make_entry

FDA = "fda_this_type"
OTHER = "fda_other_type"
GUIDELINE = "guideline"
CLINICAL = "clinical_evidence"
SENS = "sensitive"
RES = "resistant"

# (gene, alteration as written, patient's OncoTree type, expected (therapy, level, direction),
#  therapies that must not appear at all)
CASES = [
    (
        "EGFR",
        "L858R",
        "LUAD",
        {
            ("osimertinib", FDA, SENS),
            ("erlotinib", FDA, SENS),
            ("amivantamab + lazertinib", FDA, SENS),
        },
        set(),
    ),
    ("EGFR", "E746_A750del", "LUAD", {("osimertinib", FDA, SENS), ("afatinib", FDA, SENS)}, set()),
    ("EGFR", "p.Glu746_Ala750del", "NSCLC", {("gefitinib", FDA, SENS)}, set()),
    ("EGFR", "L747_P753delinsS", "LUAD", {("dacomitinib", FDA, SENS)}, set()),
    ("EGFR", "exon 19 deletion", "LUSC", {("osimertinib", FDA, SENS)}, set()),
    (
        "EGFR",
        "T790M",
        "LUAD",
        {("osimertinib", FDA, SENS), ("erlotinib", GUIDELINE, RES), ("gefitinib", GUIDELINE, RES)},
        set(),
    ),
    (
        "EGFR",
        "D770_N771insSVD",
        "LUAD",
        {("amivantamab", FDA, SENS), ("sunvozertinib", FDA, SENS), ("erlotinib", GUIDELINE, RES)},
        {"mobocertinib"},
    ),
    (
        "EGFR",
        "A767_V769dup",
        "NSCLC",
        {("amivantamab + carboplatin + pemetrexed", FDA, SENS)},
        {"mobocertinib"},
    ),
    ("EGFR", "G719S", "LUAD", {("afatinib", FDA, SENS), ("osimertinib", GUIDELINE, SENS)}, set()),
    ("EGFR", "L861Q", "NSCLC", {("afatinib", FDA, SENS)}, set()),
    ("EGFR", "S768I", "LUAD", {("afatinib", FDA, SENS)}, set()),
    ("EGFR", "C797S", "LUAD", {("osimertinib", CLINICAL, RES)}, {"erlotinib"}),
    ("EGFR", "L858R", "COADREAD", {("osimertinib", OTHER, SENS)}, set()),
    (
        "ALK",
        "EML4::ALK",
        "LUAD",
        {
            ("alectinib", FDA, SENS),
            ("lorlatinib", FDA, SENS),
            ("brigatinib", FDA, SENS),
            ("crizotinib", FDA, SENS),
            ("ceritinib", FDA, SENS),
        },
        set(),
    ),
    ("ALK", "fusion", "ALCL", {("crizotinib", FDA, SENS), ("alectinib", OTHER, SENS)}, set()),
    (
        "ALK",
        "G1202R",
        "LUAD",
        {("lorlatinib", CLINICAL, SENS), ("alectinib", CLINICAL, RES)},
        set(),
    ),
    (
        "ROS1",
        "CD74-ROS1",
        "LUAD",
        {
            ("crizotinib", FDA, SENS),
            ("entrectinib", FDA, SENS),
            ("repotrectinib", FDA, SENS),
            ("lorlatinib", GUIDELINE, SENS),
        },
        set(),
    ),
    (
        "BRAF",
        "V600E",
        "LUAD",
        {
            ("dabrafenib + trametinib", FDA, SENS),
            ("encorafenib + binimetinib", FDA, SENS),
            ("vemurafenib", OTHER, SENS),
        },
        set(),
    ),
    (
        "BRAF",
        "p.Val600Glu",
        "SKCM",
        {
            ("vemurafenib", FDA, SENS),
            ("dabrafenib", FDA, SENS),
            ("vemurafenib + cobimetinib", FDA, SENS),
        },
        set(),
    ),
    (
        "BRAF",
        "V600K",
        "MEL",
        {
            ("trametinib", FDA, SENS),
            ("dabrafenib + trametinib", FDA, SENS),
            ("atezolizumab + cobimetinib + vemurafenib", FDA, SENS),
            ("vemurafenib", OTHER, SENS),
        },
        {"dabrafenib"},
    ),
    ("IDH1", "R132C", "CHS", {("ivosidenib", GUIDELINE, SENS), ("ivosidenib", OTHER, SENS)}, set()),
    (
        "BRAF",
        "V600E",
        "COADREAD",
        {
            ("encorafenib + cetuximab", FDA, SENS),
            ("cetuximab", GUIDELINE, RES),
            ("dabrafenib + trametinib", OTHER, SENS),
        },
        set(),
    ),
    ("BRAF", "V600E", "THAP", {("dabrafenib + trametinib", FDA, SENS)}, set()),
    ("BRAF", "V600E", "GB", {("dabrafenib + trametinib", FDA, SENS)}, set()),
    ("BRAF", "V600E", "AML", {("dabrafenib + trametinib", OTHER, SENS)}, set()),
    ("BRAF", "V600E", "ECD", {("vemurafenib", FDA, SENS)}, set()),
    ("KRAS", "G12C", "LUAD", {("sotorasib", FDA, SENS), ("adagrasib", FDA, SENS)}, {"cetuximab"}),
    (
        "KRAS",
        "G12C",
        "COADREAD",
        {
            ("adagrasib + cetuximab", FDA, SENS),
            ("sotorasib + panitumumab", FDA, SENS),
            ("cetuximab", FDA, RES),
        },
        set(),
    ),
    (
        "KRAS",
        "G12D",
        "COADREAD",
        {("cetuximab", FDA, RES), ("panitumumab", FDA, RES)},
        {"sotorasib", "adagrasib"},
    ),
    ("KRAS", "G12D", "LUAD", set(), {"cetuximab", "sotorasib"}),
    ("NRAS", "Q61K", "READ", {("panitumumab", FDA, RES)}, set()),
    ("MET", "p.X1010_splice", "LUAD", {("capmatinib", FDA, SENS), ("tepotinib", FDA, SENS)}, set()),
    (
        "MET",
        "exon 14 skipping",
        "NSCLC",
        {("tepotinib", FDA, SENS), ("crizotinib", GUIDELINE, SENS)},
        set(),
    ),
    ("MET", "D1010H", "LUAD", {("capmatinib", FDA, SENS)}, set()),
    ("MET", "amplification", "NSCLC", {("crizotinib", GUIDELINE, SENS)}, {"telisotuzumab vedotin"}),
    ("RET", "KIF5B-RET", "LUAD", {("selpercatinib", FDA, SENS), ("pralsetinib", FDA, SENS)}, set()),
    (
        "RET",
        "CCDC6::RET",
        "THPA",
        {("selpercatinib", FDA, SENS), ("pralsetinib", FDA, SENS)},
        set(),
    ),
    (
        "RET",
        "NCOA4::RET",
        "PAAD",
        {("selpercatinib", FDA, SENS), ("pralsetinib", OTHER, SENS)},
        set(),
    ),
    ("RET", "M918T", "THME", {("selpercatinib", FDA, SENS)}, {"pralsetinib"}),
    (
        "NTRK1",
        "TPM3::NTRK1",
        "COADREAD",
        {("larotrectinib", FDA, SENS), ("entrectinib", FDA, SENS), ("repotrectinib", FDA, SENS)},
        set(),
    ),
    ("NTRK3", "ETV6::NTRK3", "AML", {("larotrectinib", OTHER, SENS)}, set()),
    (
        "ERBB2",
        "amplification",
        "IDC",
        {
            ("trastuzumab", FDA, SENS),
            ("fam-trastuzumab deruxtecan", FDA, SENS),
            ("tucatinib + trastuzumab + capecitabine", FDA, SENS),
        },
        set(),
    ),
    (
        "HER2",
        "amplification",
        "STAD",
        {("trastuzumab", FDA, SENS), ("pembrolizumab + trastuzumab + chemotherapy", FDA, SENS)},
        set(),
    ),
    ("ERBB2", "amplification", "COADREAD", {("tucatinib + trastuzumab", FDA, SENS)}, set()),
    (
        "ERBB2",
        "S310F",
        "LUAD",
        {("fam-trastuzumab deruxtecan", FDA, SENS), ("zongertinib", FDA, SENS)},
        set(),
    ),
    ("ERBB2", "A775_G776insYVMA", "LUAD", {("fam-trastuzumab deruxtecan", FDA, SENS)}, set()),
    ("ERBB2", "IHC 3+", "BLCA", {("fam-trastuzumab deruxtecan", FDA, SENS)}, set()),
    ("IDH1", "R132H", "AML", {("ivosidenib", FDA, SENS), ("olutasidenib", FDA, SENS)}, set()),
    ("IDH1", "R132H", "ASTR", {("vorasidenib", FDA, SENS)}, set()),
    ("IDH1", "R132G", "IHCH", {("ivosidenib", FDA, SENS)}, set()),
    ("IDH2", "R140Q", "AML", {("enasidenib", FDA, SENS)}, set()),
    ("PDGFRA", "D842V", "GIST", {("avapritinib", FDA, SENS), ("imatinib", GUIDELINE, RES)}, set()),
    ("PDGFRA", "D842V", "LUAD", {("avapritinib", OTHER, SENS)}, {"imatinib"}),
    ("KIT", "D816V", "SM", {("avapritinib", FDA, SENS), ("imatinib", FDA, RES)}, set()),
    ("KIT", "W557_K558del", "GIST", {("imatinib", GUIDELINE, SENS)}, set()),
    ("SMARCB1", "loss", "EPIS", {("tazemetostat", FDA, SENS)}, set()),
    ("INI1", "loss", "MRT", {("tazemetostat", CLINICAL, SENS)}, set()),
    ("MDM2", "amplification", "DDLS", {("brigimadlin", CLINICAL, SENS)}, set()),
    (
        "CDK4",
        "amplification",
        "WDLS",
        {("palbociclib", GUIDELINE, SENS), ("abemaciclib", CLINICAL, SENS)},
        set(),
    ),
    ("ABL1", "BCR::ABL1", "CML", {("imatinib", FDA, SENS), ("asciminib", FDA, SENS)}, set()),
    ("ABL1", "T315I", "CML", {("ponatinib", FDA, SENS), ("imatinib", GUIDELINE, RES)}, set()),
    (
        "PIK3CA",
        "H1047R",
        "IDC",
        {
            ("alpelisib + fulvestrant", FDA, SENS),
            ("inavolisib + palbociclib + fulvestrant", FDA, SENS),
        },
        set(),
    ),
    ("ESR1", "Y537S", "BRCA", {("elacestrant", FDA, SENS)}, set()),
    (
        "FGFR2",
        "FGFR2::BICC1",
        "CHOL",
        {("pemigatinib", FDA, SENS), ("futibatinib", FDA, SENS)},
        set(),
    ),
    ("NRG1", "CD74::NRG1", "LUAD", {("zenocutuzumab", FDA, SENS)}, set()),
    ("BRCA2", "p.Asn1784ThrfsTer7", "HGSOC", {("olaparib", FDA, SENS)}, set()),
    ("TP53", "R273H", "LUAD", set(), {"osimertinib"}),
]


def found(annotation):
    return {(m.therapy, m.level.value, m.direction.value) for m in annotation.therapies}


@pytest.mark.parametrize(
    ("gene", "alteration", "tumor_type", "expected", "absent"),
    CASES,
    ids=[f"{c[0]} {c[1]} in {c[2]}" for c in CASES],
)
def test_matches_therapies_with_level_and_direction(gene, alteration, tumor_type, expected, absent):
    [annotation] = annotate(
        tumor_type=tumor_type, alterations=[{"gene": gene, "alteration": alteration}]
    )

    matches = found(annotation)
    assert expected <= matches
    assert not {therapy for therapy, _level, _direction in matches} & absent
    if not expected:
        assert not annotation.sensitive


def test_the_table_covers_at_least_forty_cases():
    assert len(CASES) >= 40


def test_lists_sensitive_therapies_by_level_then_resistant_ones():
    [annotation] = annotate(
        tumor_type="COADREAD", alterations=[make_alteration(gene="BRAF", change="V600E")]
    )

    directions = [m.direction for m in annotation.therapies]
    ranks = [m.level for m in annotation.sensitive]
    assert directions == sorted(directions, key=lambda d: d is Direction.RESISTANT)
    assert ranks[0] is EvidenceLevel.FDA_THIS_TYPE
    assert ranks[-1] is EvidenceLevel.FDA_OTHER_TYPE
    assert [m.therapy for m in annotation.resistant] == ["cetuximab", "panitumumab"]


def test_reports_the_tumor_type_source_and_matched_class_of_the_evidence():
    [annotation] = annotate(
        tumor_type="LUAD", alterations=[{"gene": "EGFR", "alteration": "E746_A750del"}]
    )

    osimertinib = next(m for m in annotation.therapies if m.therapy == "osimertinib")
    assert osimertinib.tumor_type == "NSCLC"
    assert osimertinib.tumor_type_name == "Non-Small Cell Lung Cancer"
    assert osimertinib.matched_class == "exon 19 deletion"
    assert osimertinib.source.startswith("FDA label, osimertinib")


def test_a_tissue_agnostic_approval_names_any_solid_tumor():
    [annotation] = annotate(tumor_type="PAAD", alterations=[{"gene": "NTRK1", "kind": "fusion"}])

    larotrectinib = next(m for m in annotation.therapies if m.therapy == "larotrectinib")
    assert (larotrectinib.tumor_type, larotrectinib.tumor_type_name) == ("SOLID", "Any solid tumor")


def test_flags_the_hotspot_and_lists_the_classes():
    [annotation] = annotate(tumor_type="LUAD", alterations=[{"gene": "KRAS", "alteration": "G12C"}])

    assert annotation.hotspot is not None and annotation.hotspot.residue == "G12"
    assert {str(c) for c in annotation.classes} >= {"KRAS G12C", "KRAS G12X"}


def test_gives_a_diagnostic_note_for_mdm2_amplification_in_liposarcoma():
    [annotation] = annotate(tumor_type="DDLS", alterations=[{"gene": "MDM2", "kind": "amp"}])

    assert [m.direction for m in annotation.diagnostic] == [Direction.DIAGNOSTIC]
    assert "liposarcoma" in annotation.diagnostic[0].note


def test_annotates_a_passenger_in_an_unlisted_gene_with_nothing():
    [annotation] = annotate(tumor_type="LUAD", alterations=[{"gene": "TTN", "alteration": "R12C"}])

    assert (annotation.therapies, annotation.hotspot) == ((), None)
    assert {str(c) for c in annotation.classes} == {"TTN R12C", "TTN R12X", "TTN mutation"}


def test_refuses_an_unknown_tumor_type():
    with pytest.raises(UnknownTumorTypeError, match="“LUNGZ” is not an OncoTree"):
        annotate(tumor_type="LUNGZ", alterations=[{"gene": "EGFR", "alteration": "L858R"}])


def test_accepts_a_lower_case_or_retired_tumor_type_code():
    [lower] = annotate(tumor_type="luad", alterations=[{"gene": "EGFR", "alteration": "L858R"}])
    [retired] = annotate(tumor_type="GBM", alterations=[{"gene": "BRAF", "alteration": "V600E"}])

    assert ("osimertinib", FDA, SENS) in found(lower)
    assert ("dabrafenib + trametinib", FDA, SENS) in found(retired)


def test_names_which_alteration_is_unreadable():
    with pytest.raises(AlterationError) as raised:
        annotate(
            tumor_type="LUAD",
            alterations=[
                {"gene": "EGFR", "alteration": "L858R"},
                {"gene": "KRAS", "alteration": "G12Q9"},
            ],
        )

    assert raised.value.field == "alteration"
    assert str(raised.value).startswith("Alteration 2:")


def test_as_dict_is_json_ready():
    [annotation] = annotate(
        tumor_type="LUAD", alterations=[{"gene": "EGFR", "alteration": "L858R", "vaf": 0.3}]
    )

    data = json.loads(json.dumps(annotation.as_dict()))
    assert data["alteration"]["protein_change"]["hgvs"] == "p.Leu858Arg"
    assert data["alteration"]["vaf"] == 0.3
    assert data["hotspot"]["residue"] == "L858"
    assert data["therapies"][0]["level"] == "fda_this_type"
    assert "EGFR L858R" in data["classes"]


def test_repeated_alterations_get_the_same_answer_from_the_cache():
    annotator = Annotator()
    alterations = [make_alteration(gene="EGFR", change="L858R", vaf=v) for v in (0.1, 0.2)]

    first, second = annotator.annotate(tumor_type="LUAD", alterations=alterations)

    assert first.therapies is second.therapies
    assert (first.alteration.vaf, second.alteration.vaf) == (0.1, 0.2)


def test_the_shipped_knowledge_base_loads_and_covers_the_required_biomarkers():
    knowledge_base = load_curated()

    covered = {(e.gene, e.alteration) for e in knowledge_base.entries}
    required = {
        ("EGFR", "exon 19 deletion"),
        ("EGFR", "L858R"),
        ("EGFR", "T790M"),
        ("EGFR", "exon 20 insertion"),
        ("EGFR", "G719X"),
        ("EGFR", "L861Q"),
        ("EGFR", "S768I"),
        ("EGFR", "C797S"),
        ("ALK", "fusion"),
        ("ROS1", "fusion"),
        ("BRAF", "V600E"),
        ("KRAS", "G12C"),
        ("MET", "exon 14 skipping"),
        ("RET", "fusion"),
        ("NTRK1", "fusion"),
        ("NTRK2", "fusion"),
        ("NTRK3", "fusion"),
        ("ERBB2", "amplification"),
        ("IDH1", "R132X"),
        ("PDGFRA", "D842V"),
        ("SMARCB1", "loss"),
        ("MDM2", "amplification"),
        ("CDK4", "amplification"),
    }
    assert required <= covered
    assert len(knowledge_base) > 150


def test_an_annotator_says_which_knowledge_base_release_answers():
    assert Annotator().version.startswith("curated ")
    merged = load_curated().merged_with(KnowledgeBase(entries=(), name="x", version="CIViC x"))
    assert Annotator(knowledge_base=merged).version.endswith("+ CIViC x")


def test_the_shipped_knowledge_base_lists_no_withdrawn_approval():
    therapies = {e.therapy for e in load_curated().entries}

    assert not any("mobocertinib" in therapy for therapy in therapies)


def test_every_curated_entry_has_a_source_and_a_review_date():
    data = json.loads(CURATED_FILE.read_text(encoding="utf-8"))

    for entry in data["entries"]:
        assert entry["source"].strip()
        assert entry["reviewed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gene": ""}, "gene"),
        ({"alteration": "L858Q9"}, "alteration"),
        ({"tumor_type": "LUNGZ"}, "tumor_type"),
        ({"level": "fda_other_type"}, "fda_other_type"),
        ({"level": "rumour"}, "level"),
        ({"direction": "maybe"}, "direction"),
        ({"therapy": ""}, "therapy"),
        ({"reviewed": "last week"}, "reviewed"),
    ],
)
def test_refuses_a_knowledge_base_entry_with_a_bad_field(changes, message):
    entry = {
        "gene": "EGFR",
        "alteration": "L858R",
        "tumor_type": "NSCLC",
        "therapy": "osimertinib",
        "level": "fda_this_type",
        "direction": "sensitive",
        "source": "FDA label",
        "reviewed": "2025-01-01",
    }

    with pytest.raises(KnowledgeBaseError, match=message):
        make_entry({**entry, **changes})


def test_curated_entries_win_over_imported_ones_about_the_same_therapy():
    imported = KnowledgeBase(
        entries=(
            KnowledgeBaseEntry(
                gene="EGFR",
                alteration="oncogenic mutation",
                tumor_type="NSCLC",
                therapy="afatinib",
                level=EvidenceLevel.FDA_THIS_TYPE,
                direction=Direction.SENSITIVE,
                source="imported",
                reviewed="2020-01-01",
                origin="upstream",
            ),
            KnowledgeBaseEntry(
                gene="EGFR",
                alteration="exon 20 insertion",
                tumor_type="NSCLC",
                therapy="Amivantamab",
                level=EvidenceLevel.CLINICAL_EVIDENCE,
                direction=Direction.SENSITIVE,
                source="imported",
                reviewed="2020-01-01",
                origin="upstream",
            ),
        ),
        name="upstream",
    )
    merged = load_curated().merged_with(imported)

    [annotation] = Annotator(knowledge_base=merged).annotate(
        tumor_type="LUAD", alterations=[{"gene": "EGFR", "alteration": "D770_N771insSVD"}]
    )

    assert ("afatinib", GUIDELINE, RES) in found(annotation)
    assert ("afatinib", FDA, SENS) not in found(annotation)
    assert len(merged) == len(load_curated()) + 1
    assert merged.skipped == {"overridden by curated entry": 1}
