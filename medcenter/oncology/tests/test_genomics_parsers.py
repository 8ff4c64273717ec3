"""Reading tumor test results: VCF (cyvcf2), MAF, plain tables, and the genotyping report."""

import gzip
import io
from pathlib import Path

import pytest

from medcenter.oncology.genomics import (
    AlterationKind,
    GenomicsParseError,
    GenotypingReportError,
    make_alteration,
    make_report,
    read_maf,
    read_table,
    read_vcf,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "genomics"


def labels(alterations):
    return [a.label for a in alterations]


def test_reads_a_snpeff_vcf_into_alterations():
    alterations = list(read_vcf(FIXTURES / "snpeff.vcf"))

    assert labels(alterations) == [
        "EML4::ALK fusion",
        "EGFR E746_A750del",
        "EGFR L858R",
        "MET exon 14 splice site",
        "BRAF V600E",
        "KRAS G12C",
        "TP53 R273H",
    ]


def test_takes_vaf_exon_and_kind_from_the_vcf():
    by_label = {a.label: a for a in read_vcf(FIXTURES / "snpeff.vcf")}

    deletion = by_label["EGFR E746_A750del"]
    assert (deletion.kind, deletion.exon, deletion.vaf) == (AlterationKind.INDEL, 19, 0.31)
    assert by_label["EGFR L858R"].protein.hgvs == "p.Leu858Arg"


def test_keeps_the_genomic_position_and_dna_alleles_from_the_vcf():
    by_label = {a.label: a for a in read_vcf(FIXTURES / "snpeff.vcf")}

    l858r = by_label["EGFR L858R"]
    assert (l858r.chromosome, l858r.position, l858r.ref, l858r.alt) == ("chr7", 55191822, "T", "G")


def test_a_splice_donor_variant_belongs_to_the_exon_before_its_intron():
    by_label = {a.label: a for a in read_vcf(FIXTURES / "snpeff.vcf")}

    met = by_label["MET exon 14 splice site"]
    assert (met.kind, met.exon) == (AlterationKind.SPLICE, 14)


def test_passes_over_non_coding_synonymous_and_filtered_variants():
    genes_and_changes = labels(read_vcf(FIXTURES / "snpeff.vcf"))

    assert "EGFR L861=" not in genes_and_changes
    assert "KRAS G12D" not in genes_and_changes
    assert not any(label.startswith("TP53-WRAP53") for label in genes_and_changes)


def test_can_keep_filtered_and_synonymous_variants_on_request():
    found = labels(read_vcf(FIXTURES / "snpeff.vcf", pass_only=False, include_synonymous=True))

    assert "KRAS G12D" in found
    assert "EGFR L861=" in found


def test_reports_a_breakend_pair_as_one_fusion():
    fusions = [a for a in read_vcf(FIXTURES / "snpeff.vcf") if a.kind is AlterationKind.FUSION]

    assert len(fusions) == 1
    assert (fusions[0].gene, fusions[0].partner, fusions[0].fusion) == ("ALK", "EML4", "EML4::ALK")


def test_reads_vep_csq_by_the_header_field_order_and_prefers_the_canonical_transcript():
    alterations = list(read_vcf(FIXTURES / "vep.vcf"))

    assert labels(alterations) == ["PDGFRA D842V", "EGFR D770_N771insSVD"]
    assert alterations[0].exon == 18


def test_takes_vaf_from_the_tumor_sample_when_info_has_none():
    alterations = list(read_vcf(FIXTURES / "vep.vcf", tumor_sample="TUMOR"))

    assert [a.vaf for a in alterations] == [0.4, 0.2]


def test_refuses_a_tumor_sample_the_vcf_does_not_have():
    with pytest.raises(GenomicsParseError, match="NORMAL"):
        list(read_vcf(FIXTURES / "vep.vcf", tumor_sample="NORMAL"))


def test_reads_simple_gene_and_hgvsp_keys_with_gene_aliases_and_fusions():
    alterations = list(read_vcf(FIXTURES / "simple.vcf"))

    assert labels(alterations) == ["KIF5B::RET fusion", "IDH2 R172K", "ERBB2 S310F"]


def test_reads_an_uploaded_vcf_file_object():
    upload = io.BytesIO((FIXTURES / "simple.vcf").read_bytes())

    assert len(list(read_vcf(upload))) == 3


def test_reads_a_gzipped_vcf_and_counts_its_lines_as_written(tmp_path):
    packed = tmp_path / "bad.vcf.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "bad.vcf").read_bytes()))
    errors = []

    alterations = list(read_vcf(packed, errors=errors))

    assert labels(alterations) == ["EGFR L858R", "KRAS G12V"]
    assert errors[0].line == 15


def test_stops_at_a_bad_vcf_line_naming_its_number_and_field():
    with pytest.raises(GenomicsParseError) as raised:
        list(read_vcf(FIXTURES / "bad.vcf"))

    assert (raised.value.line, raised.value.field) == (15, "ANN HGVS.p")
    assert str(raised.value).startswith("Line 15, ANN HGVS.p: “p.Leu858Xyz”")


def test_collects_vcf_errors_and_goes_on_when_asked():
    errors = []

    alterations = list(read_vcf(FIXTURES / "bad.vcf", errors=errors))

    assert labels(alterations) == ["EGFR L858R", "KRAS G12V"]
    assert [(e.line, e.field) for e in errors] == [
        (15, "ANN HGVS.p"),
        (16, "ANN gene"),
        (18, "record"),
    ]


def test_refuses_a_vcf_without_gene_annotations(tmp_path):
    plain = tmp_path / "plain.vcf"
    plain.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t10\t.\tA\tG\t50\tPASS\t.\n"
    )

    with pytest.raises(GenomicsParseError, match="ANN, CSQ or GENE"):
        list(read_vcf(plain))


def test_reads_a_maf_with_vaf_from_read_counts():
    alterations = list(read_maf(FIXTURES / "sample.maf"))

    assert labels(alterations) == [
        "EGFR L858R",
        "EGFR E746_A750del",
        "MET X1010_splice",
        "KRAS G12D",
        "BRCA2 N1784Tfs*7",
    ]
    assert [a.vaf for a in alterations] == [0.4, 0.3, 0.2, 0.25, 0.4]
    assert alterations[2].kind is AlterationKind.SPLICE
    assert (alterations[0].chromosome, alterations[0].position) == ("7", 55191822)
    assert (alterations[0].ref, alterations[0].alt) == ("T", "G")


def test_collects_maf_errors_with_line_numbers_and_fields():
    errors = []

    alterations = list(read_maf(FIXTURES / "bad.maf", errors=errors))

    assert labels(alterations) == ["EGFR L858R", "KRAS G12C"]
    assert [(e.line, e.field) for e in errors] == [
        (4, "HGVSp_Short"),
        (5, "t_alt_count"),
        (6, "Variant_Classification"),
        (7, "Hugo_Symbol"),
    ]


def test_stops_at_the_first_bad_maf_line_by_default():
    with pytest.raises(GenomicsParseError, match="Line 4, HGVSp_Short"):
        list(read_maf(FIXTURES / "bad.maf"))


def test_refuses_a_maf_without_its_required_columns():
    upload = io.StringIO("Hugo_Symbol\tHGVSp_Short\nEGFR\tp.L858R\n")

    with pytest.raises(GenomicsParseError) as raised:
        list(read_maf(upload))

    assert (raised.value.line, raised.value.field) == (1, "Variant_Classification")


def test_reads_a_csv_table_of_alterations():
    alterations = list(read_table(FIXTURES / "panel.csv"))

    assert labels(alterations) == [
        "EGFR L858R",
        "EGFR E746_A750del",
        "ERBB2 amplification",
        "EML4::ALK fusion",
        "SMARCB1 loss",
        "MET exon 14 skipping",
        "CDK4 amplification",
    ]
    assert alterations[1].vaf == pytest.approx(0.38)
    assert alterations[2].copy_number == 12


def test_reads_a_tsv_table_with_loosely_named_columns():
    alterations = list(read_table(FIXTURES / "panel.tsv"))

    assert labels(alterations) == [
        "BRAF V600E",
        "KRAS G12C",
        "KIF5B::RET fusion",
        "NTRK1 fusion",
    ]


def test_collects_table_errors_with_line_numbers_and_fields():
    errors = []

    alterations = list(read_table(FIXTURES / "bad_table.csv", errors=errors))

    assert labels(alterations) == ["EGFR L858R", "ERBB2 amplification"]
    assert [(e.line, e.field) for e in errors] == [
        (3, "gene"),
        (4, "protein_change"),
        (5, "vaf"),
        (7, "kind"),
    ]


def test_refuses_a_table_without_a_gene_column():
    with pytest.raises(GenomicsParseError) as raised:
        list(read_table(io.StringIO("symbol_name,change\nEGFR,L858R\n")))

    assert (raised.value.line, raised.value.field) == (1, "gene")


def test_a_report_holds_the_test_and_what_it_found():
    alterations = list(read_table(FIXTURES / "panel.tsv"))

    report = make_report(
        panel="Synthetic Solid Tumor Panel v2",
        specimen="FFPE block A2, lung core biopsy",
        genes_covered=["BRAF", "KRAS", "RET", "NTRK1", "EGFR", "HER2"],
        tumor_content="40%",
        alterations=alterations,
    )

    assert report.tumor_content == 40
    assert report.covers("ERBB2")
    assert report.alterations_outside_panel == ()
    assert len(report.annotate(tumor_type="LUAD")) == 4


def test_a_report_points_out_alterations_in_genes_it_does_not_cover():
    report = make_report(
        panel="Small panel",
        specimen="Blood",
        genes_covered=["EGFR"],
        tumor_content=None,
        alterations=[make_alteration(gene="KRAS", change="G12C")],
    )

    assert labels(report.alterations_outside_panel) == ["KRAS G12C"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"panel": " "}, "panel"),
        ({"specimen": ""}, "specimen"),
        ({"tumor_content": "140"}, "tumor_content"),
        ({"tumor_content": "lots"}, "tumor_content"),
        ({"genes_covered": ["EGFR", "not a gene!"]}, "genes_covered"),
    ],
)
def test_refuses_a_report_with_an_impossible_field(changes, field):
    fields = {
        "panel": "Panel",
        "specimen": "FFPE",
        "genes_covered": ["EGFR"],
        "tumor_content": 30,
        "alterations": [],
    }

    with pytest.raises(GenotypingReportError) as raised:
        make_report(**{**fields, **changes})

    assert raised.value.field == field
