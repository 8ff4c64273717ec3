"""Alterations from a VCF, read with cyvcf2, annotated by snpEff (ANN), VEP (CSQ) or GENE/HGVSP."""

import gzip
import re
from collections.abc import Iterator
from typing import Any

from cyvcf2 import VCF
from django.utils.translation import gettext as _

from medcenter.oncology.genomics.alterations import (
    Alteration,
    AlterationError,
    AlterationKind,
    kind_of_change,
    make_alteration,
    normalize_gene,
)
from medcenter.oncology.genomics.parsers.common import GenomicsParseError, Source, as_path, fail
from medcenter.oncology.genomics.protein import ChangeType, ProteinChangeError, parse_protein_change

_SPLICE_SITE = ("splice_acceptor", "splice_donor")
_FUSION_EFFECTS = ("gene_fusion", "bidirectional_gene_fusion")
_PASSING = frozenset({None, "PASS", "."})
_HEADER_ID = re.compile(r"^##(INFO|FORMAT)=<ID=([^,>]+)", re.MULTILINE)
_KINDS = {change_type: kind_of_change(change_type) for change_type in ChangeType}


class _Layout:
    """Where gene, protein change, effect and exon sit in this file's annotation field."""

    def __init__(self, vcf: Any, info_ids: frozenset[str]) -> None:
        self.key = ""
        self.fields: dict[str, int] = {}
        self.vep = False
        for key in ("ANN", "CSQ"):
            if key not in info_ids:
                continue
            names = _annotation_fields(vcf.get_header_type(key)["Description"])
            if names:
                self.key, self.vep = key, key == "CSQ"
                self.fields = {name: index for index, name in enumerate(names)}
                break
        self.gene = self._find("Gene_Name", "SYMBOL")
        self.hgvsp = self._find("HGVS.p", "HGVSp")
        self.effect = self._find("Annotation", "Consequence")
        self.rank = self._find("Rank", "EXON")
        self.intron = self._find("INTRON")
        self.canonical = self._find("CANONICAL")
        self.pick = self._find("PICK")
        self.width = max(self.fields.values(), default=0) + 1
        # Splitting stops after the last field read; the rest of an annotation is not needed.
        self.needed = max(self.gene, self.hgvsp, self.effect, self.rank, self.intron) + 1
        if self.key and min(self.gene, self.hgvsp, self.effect) < 0:
            self.key = ""

    def _find(self, *names: str) -> int:
        for name in names:
            if name in self.fields:
                return self.fields[name]
        return -1


def _annotation_fields(description: str) -> list[str]:
    text = description.strip('"')
    if "Format:" in text:
        text = text.split("Format:", 1)[1]
    elif "'" in text:
        text = text.split("'")[1]
    else:
        return []
    return [name.strip().strip("'\" ") for name in text.split("|")]


def _count_header_lines(path: str) -> int:
    """Header lines as the file has them (htslib adds lines of its own to `raw_header`)."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    count = 0
    with opener(path, "rb") as handle:
        for line in handle:
            if not line.startswith(b"#"):
                break
            count += 1
    return count


def _header_ids(raw_header: str) -> tuple[frozenset[str], frozenset[str]]:
    info: set[str] = set()
    formats: set[str] = set()
    for section, key in _HEADER_ID.findall(raw_header):
        (info if section == "INFO" else formats).add(key)
    return frozenset(info), frozenset(formats)


def read_vcf(
    source: Source,
    *,
    errors: list[GenomicsParseError] | None = None,
    include_synonymous: bool = False,
    pass_only: bool = True,
    tumor_sample: str | None = None,
) -> Iterator[Alteration]:
    """Alterations from a VCF annotated by snpEff (ANN), VEP (CSQ) or with GENE/HGVSP keys.

    Variants without a protein effect (intronic, intergenic, UTR) are passed over, as are
    filtered calls unless `pass_only` is False. Breakends (SVTYPE=BND) with gene names become
    fusions. VAF comes from INFO AF, else from FORMAT AF of `tumor_sample` (or the only sample).
    """
    with as_path(source, ".vcf") as path:
        yield from _VcfReader(path, errors, include_synonymous, pass_only, tumor_sample).read()


class _VcfReader:
    def __init__(
        self,
        path: str,
        errors: list[GenomicsParseError] | None,
        include_synonymous: bool,
        pass_only: bool,
        tumor_sample: str | None,
    ) -> None:
        self.path = path
        self.errors = errors
        self.include_synonymous = include_synonymous
        self.pass_only = pass_only
        self.tumor_sample = tumor_sample
        self.symbols: dict[str, str] = {}

    def read(self) -> Iterator[Alteration]:
        try:
            probe = VCF(self.path)
        except Exception as error:  # cyvcf2 raises a bare Exception for a header it cannot read
            raise GenomicsParseError(
                line=1, field="header", message=_("This is not a readable VCF header.")
            ) from error
        samples = list(probe.samples)
        raw_header = probe.raw_header
        info_ids, format_ids = _header_ids(raw_header)
        layout = _Layout(probe, info_ids)
        probe.close()
        header_lines = _count_header_lines(self.path)
        simple_gene = "GENE" if "GENE" in info_ids else ""
        simple_hgvsp = next((k for k in ("HGVSP", "HGVSp") if k in info_ids), "")
        if self.tumor_sample is not None and self.tumor_sample not in samples:
            message = _("The VCF has no sample named %(sample)s.") % {"sample": self.tumor_sample}
            fail(
                self.errors, GenomicsParseError(line=header_lines, field="#CHROM", message=message)
            )
            return
        if not layout.key and not simple_gene:
            message = _("The VCF has no ANN, CSQ or GENE annotation to read genes from.")
            fail(self.errors, GenomicsParseError(line=header_lines, field="INFO", message=message))
            return
        info_af = "AF" in info_ids
        sample_index = -1
        if "AF" in format_ids and not info_af and (self.tumor_sample or len(samples) == 1):
            sample_index = samples.index(self.tumor_sample) if self.tumor_sample else 0
        # Reading the sample columns is the costliest part of a record; skip them unless the
        # VAF has to come from there.
        vcf = VCF(self.path) if sample_index >= 0 else VCF(self.path, samples=[])
        try:
            yield from self._records(
                vcf,
                layout,
                header_lines,
                simple_gene,
                simple_hgvsp,
                info_af,
                sample_index,
                "SVTYPE" in info_ids,
            )
        finally:
            vcf.close()

    def _records(
        self,
        vcf: Any,
        layout: _Layout,
        number: int,
        simple_gene: str,
        simple_hgvsp: str,
        info_af: bool,
        sample_index: int,
        has_svtype: bool,
    ) -> Iterator[Alteration]:
        pass_only = self.pass_only
        skip_synonymous = not self.include_synonymous
        marker = ":p." if layout.vep else "|p."
        key = layout.key
        field = key or simple_hgvsp or simple_gene
        seen_ids: set[str] = set()
        iterator = iter(vcf)
        while True:
            try:
                variant = next(iterator)
            except StopIteration:
                return
            except Exception as error:  # cyvcf2 raises a bare Exception for a malformed record
                fail(
                    self.errors,
                    GenomicsParseError(line=number + 1, field="record", message=str(error)),
                )
                return
            number += 1
            if pass_only and variant.FILTER not in _PASSING:
                continue
            info = variant.INFO
            if key:
                raw = info.get(key)
                # Non-coding variants (half of most files) have no protein change and no splice
                # site in any annotation; one substring search passes them over unsplit.
                if raw and (marker in raw or "splice_" in raw):
                    gene, hgvsp, effect, rank = _pick_annotation(raw, layout)
                else:
                    gene = hgvsp = effect = rank = ""
            else:
                gene = info.get(simple_gene) or ""
                hgvsp = (info.get(simple_hgvsp) or "") if simple_hgvsp else ""
                effect = rank = ""
            splice = "splice_acceptor" in effect or "splice_donor" in effect
            if not hgvsp and not splice:
                # Breakends carry no protein change; looking for them only here keeps the SV
                # check off the path of ordinary coding variants.
                if has_svtype and variant.is_sv and info.get("SVTYPE") == "BND":
                    fusion = _fusion(variant, info, layout, simple_gene, seen_ids)
                    if fusion is not None:
                        yield fusion
                continue
            if skip_synonymous and effect.startswith("synonymous"):
                continue
            vaf = _vaf(variant, info, info_af, sample_index)
            try:
                alteration = self._alteration(gene, hgvsp, effect, rank, splice, vaf, variant)
            except GenomicsParseError as error:
                fail(
                    self.errors,
                    GenomicsParseError(
                        line=number, field=f"{field} {error.field}", message=error.message
                    ),
                )
                continue
            if alteration is not None:
                yield alteration

    def _alteration(
        self,
        gene: str,
        hgvsp: str,
        effect: str,
        rank: str,
        splice: bool,
        vaf: float | None,
        variant: Any,
    ) -> Alteration | None:
        symbol = self.symbols.get(gene)
        if symbol is None:
            symbol = self._symbol(gene)
        head, _slash, _total = rank.partition("/")
        if head.isdigit():
            exon: int | None = int(head)
        else:
            exon = _exon_number(effect, rank) if rank else None
        where = (variant.CHROM, variant.POS, variant.REF, variant.ALT[0] if variant.ALT else None)
        if not hgvsp:
            return Alteration(
                symbol, AlterationKind.SPLICE, None, None, None, exon, vaf, None, *where
            )
        try:
            protein = parse_protein_change(hgvsp)
        except ProteinChangeError as error:
            raise GenomicsParseError(line=0, field="HGVS.p", message=str(error)) from error
        change_type = protein.change_type
        if change_type is ChangeType.SYNONYMOUS and not self.include_synonymous:
            return None
        if change_type is ChangeType.UNKNOWN:
            if not splice:
                return None
            return Alteration(
                symbol, AlterationKind.SPLICE, None, None, None, exon, vaf, None, *where
            )
        if protein.is_class:
            # A class written where a change belongs ("exon 19 deletion" in a GENE/HGVSP file).
            chromosome, position, ref, alt = where
            return make_alteration(
                gene=symbol,
                change=hgvsp,
                exon=exon,
                vaf=vaf,
                chromosome=chromosome,
                position=position,
                ref=ref,
                alt=alt,
            )
        return Alteration(symbol, _KINDS[change_type], protein, None, None, exon, vaf, None, *where)

    def _symbol(self, gene: str) -> str:
        if not gene:
            raise GenomicsParseError(line=0, field="gene", message=_("The gene is missing."))
        try:
            symbol = normalize_gene(gene.split("&")[0])
        except AlterationError as error:
            raise GenomicsParseError(line=0, field="gene", message=error.message) from error
        self.symbols[gene] = symbol
        return symbol


def _pick_annotation(raw: str, layout: _Layout) -> tuple[str, str, str, str]:
    """Gene, HGVS.p, effect and exon rank of the annotation that speaks for the variant.

    snpEff lists the most severe effect first; VEP lists transcripts in no such order, so there
    the canonical (or PICKed) transcript is taken, else the first one with a protein change.
    """
    if layout.vep and "," in raw:
        chosen: list[str] | None = None
        for candidate in raw.split(","):
            parts = candidate.split("|")
            if len(parts) < layout.width:
                continue
            if (layout.canonical >= 0 and parts[layout.canonical] == "YES") or (
                layout.pick >= 0 and parts[layout.pick] == "1"
            ):
                chosen = parts
                break
            if chosen is None or (not chosen[layout.hgvsp] and parts[layout.hgvsp]):
                chosen = parts
        fields = chosen or []
    else:
        # Fields hold no commas, so the first annotation's leading fields are the string's.
        fields = raw.split("|", layout.needed)
    if len(fields) < layout.needed:
        return "", "", "", ""
    effect = fields[layout.effect]
    rank = fields[layout.rank] if layout.rank >= 0 else ""
    if layout.vep:
        if not rank and layout.intron >= 0 and fields[layout.intron]:
            rank = "intron " + fields[layout.intron]
    elif rank and ("intron" in effect or effect.startswith(_SPLICE_SITE)):
        rank = "intron " + rank
    return fields[layout.gene], fields[layout.hgvsp], effect, rank


def _exon_number(effect: str, rank: str) -> int | None:
    """The exon a variant touches; a splice-site variant belongs to the exon beside its intron."""
    intron = rank.startswith("intron ")
    number_text = (rank[7:] if intron else rank).partition("/")[0].partition("-")[0]
    if not number_text.isdigit():
        return None
    number = int(number_text)
    if not intron:
        return number
    if "splice_acceptor" in effect:
        return number + 1
    if "splice_donor" in effect:
        return number
    return None


def _vaf(variant: Any, info: Any, info_af: bool, sample_index: int) -> float | None:
    if info_af:
        value = info.get("AF")
        if isinstance(value, tuple):
            value = value[0]
        # Stored as 32-bit floats: 0.31 comes back as 0.3100000023841858.
        return round(float(value), 4) if value is not None else None
    if sample_index >= 0:
        values = variant.format("AF")
        if values is not None:
            value = float(values[sample_index][0])
            return round(value, 4) if value == value and 0 <= value <= 1 else None
    return None


def _fusion(
    variant: Any, info: Any, layout: _Layout, simple_gene: str, seen_ids: set[str]
) -> Alteration | None:
    """A fusion from a breakend with gene names; its mate record is passed over."""
    mate = info.get("MATEID")
    if variant.ID:
        seen_ids.add(variant.ID)
    if mate and mate in seen_ids:
        return None
    label = str(info.get("FUSION") or "")
    if not label and simple_gene:
        label = str(info.get(simple_gene) or "")
    if not label and layout.key:
        for annotation in str(info.get(layout.key) or "").split(","):
            parts = annotation.split("|")
            if len(parts) > max(layout.gene, layout.effect) and any(
                effect in parts[layout.effect] for effect in _FUSION_EFFECTS
            ):
                label = parts[layout.gene].replace("&", "::")
                break
    partner = info.get("PARTNER") or info.get("GENE2")
    if "::" not in label and partner:
        label = f"{partner}::{label}"
    if "::" not in label and "-" not in label:
        return None
    three = re.split(r"::|-", label)[-1]
    try:
        return make_alteration(gene=three, change=label, kind=AlterationKind.FUSION)
    except AlterationError:
        return None
