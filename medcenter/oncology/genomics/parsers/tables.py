"""Alterations from a MAF, or from a plain CSV/TSV table of gene, protein change and kind."""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.alterations import (
    Alteration,
    AlterationError,
    AlterationKind,
    make_alteration,
)
from medcenter.oncology.genomics.parsers.common import GenomicsParseError, Source, as_text, fail
from medcenter.oncology.genomics.protein import ChangeType

MAF_INCLUDED = frozenset(
    {
        "Missense_Mutation",
        "Nonsense_Mutation",
        "Frame_Shift_Del",
        "Frame_Shift_Ins",
        "In_Frame_Del",
        "In_Frame_Ins",
        "Splice_Site",
        "Translation_Start_Site",
        "Nonstop_Mutation",
    }
)
MAF_PASSED_OVER = frozenset(
    {
        "Silent",
        "Intron",
        "3'UTR",
        "5'UTR",
        "IGR",
        "RNA",
        "5'Flank",
        "3'Flank",
        "Splice_Region",
        "lincRNA",
        "Targeted_Region",
        "De_novo_Start_InFrame",
        "De_novo_Start_OutOfFrame",
        "Unknown",
    }
)
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "gene": ("gene", "hugo_symbol", "symbol", "gene_symbol"),
    "protein_change": ("protein_change", "alteration", "change", "hgvsp", "variant", "protein"),
    "kind": ("kind", "type", "alteration_type", "variant_type"),
    "vaf": ("vaf", "allele_fraction", "variant_allele_fraction", "af"),
    "copy_number": ("copy_number", "cn", "copies"),
    "partner": ("partner", "fusion_partner"),
    "exon": ("exon",),
}
_COLUMN_ALIASES = {alias: name for name, aliases in TABLE_COLUMNS.items() for alias in aliases}


class _Row:
    def __init__(self, values: list[str], index: dict[str, int], number: int) -> None:
        self.values = values
        self.index = index
        self.number = number

    def get(self, column: str) -> str:
        position = self.index.get(column)
        if position is None or position >= len(self.values):
            return ""
        return self.values[position].strip()

    def error(self, field: str, message: str) -> GenomicsParseError:
        return GenomicsParseError(line=self.number, field=field, message=message)


def _data_lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(handle, start=1):
        stripped = line.rstrip("\r\n")
        if stripped.strip() and not stripped.startswith("#"):
            yield number, stripped


def read_maf(
    source: Source,
    *,
    errors: list[GenomicsParseError] | None = None,
    include_synonymous: bool = False,
) -> Iterator[Alteration]:
    """Alterations from a MAF: Hugo_Symbol, HGVSp_Short (or HGVSp), Variant_Classification,
    tumor VAF from t_alt_count / t_depth. Non-coding classifications are passed over."""
    with as_text(source) as handle:
        lines = _data_lines(handle)
        first = next(lines, None)
        if first is None:
            fail(
                errors, GenomicsParseError(line=1, field="header", message=_("The file is empty."))
            )
            return
        header_line, header = first
        columns = [column.strip() for column in header.split("\t")]
        missing = [c for c in ("Hugo_Symbol", "Variant_Classification") if c not in columns]
        protein_column = next((c for c in ("HGVSp_Short", "HGVSp") if c in columns), None)
        if missing or protein_column is None:
            message = _("The MAF header lacks this column.")
            field = ", ".join(missing or ["HGVSp_Short"])
            fail(errors, GenomicsParseError(line=header_line, field=field, message=message))
            return
        index = {name: position for position, name in enumerate(columns)}
        included = MAF_INCLUDED | ({"Silent"} if include_synonymous else frozenset())
        for number, line in lines:
            row = _Row(line.split("\t"), index, number)
            classification = row.get("Variant_Classification")
            if classification not in included:
                if classification not in MAF_PASSED_OVER:
                    message = _("“%(value)s” is not a value this reader knows.") % {
                        "value": classification
                    }
                    fail(errors, row.error("Variant_Classification", message))
                continue
            try:
                alteration = _maf_alteration(row, protein_column, classification)
            except GenomicsParseError as error:
                fail(errors, error)
                continue
            if alteration is not None:
                yield alteration


def _maf_alteration(row: _Row, protein_column: str, classification: str) -> Alteration | None:
    gene = row.get("Hugo_Symbol")
    if not gene or gene == "Unknown":
        raise row.error("Hugo_Symbol", _("The gene is missing."))
    change = row.get(protein_column)
    if not change and protein_column == "HGVSp_Short":
        change = row.get("HGVSp")
    splice = classification == "Splice_Site"
    try:
        alteration = make_alteration(
            gene=gene,
            change=change or None,
            kind=AlterationKind.SPLICE if splice and not change else None,
            exon=row.get("Exon_Number") or None,
            vaf=_maf_vaf(row),
            **_maf_position(row),
        )
    except AlterationError as error:
        field = protein_column if error.field == "alteration" else error.field
        raise row.error(field, error.message) from error
    protein = alteration.protein
    if protein is not None and protein.change_type is ChangeType.UNKNOWN and not splice:
        return None
    return alteration


def _maf_position(row: _Row) -> dict[str, Any]:
    ref = row.get("Reference_Allele")
    alt = row.get("Tumor_Seq_Allele2")
    if not alt or alt == ref:
        alt = row.get("Tumor_Seq_Allele1")
    start = row.get("Start_Position")
    return {
        "chromosome": row.get("Chromosome") or None,
        "position": int(start) if start.isdigit() else None,
        "ref": ref or None,
        "alt": alt or None,
    }


def _maf_vaf(row: _Row) -> float | None:
    alt_text = row.get("t_alt_count")
    if not alt_text:
        return None
    depth_text = row.get("t_depth")
    ref_text = row.get("t_ref_count")
    try:
        alt = int(alt_text)
    except ValueError:
        raise row.error("t_alt_count", _("Read counts must be whole numbers.")) from None
    try:
        depth = int(depth_text) if depth_text else alt + int(ref_text)
    except ValueError:
        field = "t_depth" if depth_text else "t_ref_count"
        raise row.error(field, _("Read counts must be whole numbers.")) from None
    if depth <= 0 or not 0 <= alt <= depth:
        raise row.error("t_depth", _("The alt read count must lie between 0 and the depth."))
    return round(alt / depth, 4)


def read_table(
    source: Source,
    *,
    errors: list[GenomicsParseError] | None = None,
    delimiter: str | None = None,
) -> Iterator[Alteration]:
    """Alterations from a CSV or TSV: gene, protein_change, kind (SNV, indel, fusion,
    amplification, loss, expression), optional vaf, copy_number, partner, exon."""
    with as_text(source) as handle:
        first = handle.readline()
        if delimiter is None:
            delimiter = _sniff(first)
        reader = csv.reader(_rewind(first, handle), delimiter=delimiter)
        header: list[str] | None = None
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [_column_name(cell) for cell in row]
                problem = _header_problem(header)
                if problem is not None:
                    field, message = problem
                    fail(errors, GenomicsParseError(line=number, field=field, message=message))
                    return
                continue
            values = dict(zip(header, (cell.strip() for cell in row), strict=False))
            try:
                yield make_alteration(
                    gene=values.get("gene", ""),
                    change=values.get("protein_change") or None,
                    kind=values.get("kind") or None,
                    partner=values.get("partner") or None,
                    exon=values.get("exon") or None,
                    vaf=values.get("vaf") or None,
                    copy_number=values.get("copy_number") or None,
                )
            except AlterationError as error:
                field = "protein_change" if error.field == "alteration" else error.field
                fail(errors, GenomicsParseError(line=number, field=field, message=error.message))
        if header is None:
            fail(
                errors, GenomicsParseError(line=1, field="header", message=_("The file is empty."))
            )


def _sniff(first_line: str) -> str:
    if "\t" in first_line:
        return "\t"
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _header_problem(header: list[str]) -> tuple[str, str] | None:
    if "gene" not in header:
        return "gene", _("The table has no gene column.")
    if "protein_change" not in header and "kind" not in header:
        return "protein_change", _("The table needs a protein_change or a kind column.")
    return None


def _rewind(first: str, handle: IO[str]) -> Iterable[str]:
    yield first
    yield from handle


def _column_name(cell: str) -> str:
    cleaned = re.sub(r"[\s-]+", "_", cell.strip().lower())
    return _COLUMN_ALIASES.get(cleaned, cleaned)
