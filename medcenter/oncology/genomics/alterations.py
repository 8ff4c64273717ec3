"""One tumor alteration: a gene, what kind of change, and the change itself."""

import re
from collections.abc import Mapping
from enum import StrEnum

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.protein import (
    ChangeType,
    ProteinChange,
    ProteinChangeError,
    parse_protein_change,
)
from medcenter.oncology.genomics.vocabulary import GENE_ALIASES, KIND_WORDS


class AlterationKind(StrEnum):
    SNV = "snv"
    INDEL = "indel"
    SPLICE = "splice"
    FUSION = "fusion"
    AMPLIFICATION = "amplification"
    LOSS = "loss"
    EXPRESSION = "expression"


_GENE_RE = re.compile(r"[A-Z][A-Z0-9]*(?:[.-][A-Z0-9]+)*")
_FUSION_RE = re.compile(
    r"(?P<five>[A-Z][A-Za-z0-9.-]*?)\s*(?:::|--|-|/)\s*(?P<three>[A-Z][A-Za-z0-9.-]*)"
    r"(?:\s+(?i:fusions?|rearrangements?|translocation))?"
)
KIND_BY_WORD = {
    word: AlterationKind(kind) for kind, words in KIND_WORDS.items() for word in words.split()
}
_KIND_OF_CLASS = {
    ChangeType.AMPLIFICATION: AlterationKind.AMPLIFICATION,
    ChangeType.LOSS: AlterationKind.LOSS,
    ChangeType.OVEREXPRESSION: AlterationKind.EXPRESSION,
    ChangeType.FUSION: AlterationKind.FUSION,
    ChangeType.EXON_SKIPPING: AlterationKind.SPLICE,
    ChangeType.SPLICE: AlterationKind.SPLICE,
}
_KIND_ONLY = frozenset(
    {ChangeType.AMPLIFICATION, ChangeType.LOSS, ChangeType.OVEREXPRESSION, ChangeType.FUSION}
)
_INDEL_TYPES = frozenset(
    {
        ChangeType.FRAMESHIFT,
        ChangeType.INFRAME_DELETION,
        ChangeType.INFRAME_INSERTION,
        ChangeType.DUPLICATION,
        ChangeType.DELINS,
        ChangeType.EXON_DELETION,
        ChangeType.EXON_INSERTION,
    }
)
_SMALL_KINDS = frozenset({AlterationKind.SNV, AlterationKind.INDEL, AlterationKind.SPLICE})


class AlterationError(ValueError):
    """An alteration that cannot be read; `field` names the part that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class Alteration:
    """A gene-level finding of a tumor test. `protein` is None for fusions and copy changes.

    Read-only by convention, compared and hashed by value. A plain slotted class rather than a
    frozen dataclass: a VCF makes one per variant, and a frozen dataclass costs several times
    more to build.
    """

    __slots__ = (
        "alt",
        "chromosome",
        "copy_number",
        "exon",
        "fusion",
        "gene",
        "kind",
        "partner",
        "position",
        "protein",
        "ref",
        "vaf",
    )
    _NAMES = (
        "gene",
        "kind",
        "protein",
        "partner",
        "fusion",
        "exon",
        "vaf",
        "copy_number",
        "chromosome",
        "position",
        "ref",
        "alt",
    )

    def __init__(
        self,
        gene: str,
        kind: AlterationKind,
        protein: ProteinChange | None = None,
        partner: str | None = None,
        fusion: str | None = None,
        exon: int | None = None,
        vaf: float | None = None,
        copy_number: float | None = None,
        chromosome: str | None = None,
        position: int | None = None,
        ref: str | None = None,
        alt: str | None = None,
    ) -> None:
        self.gene = gene
        self.kind = kind
        self.protein = protein
        self.partner = partner
        self.fusion = fusion
        self.exon = exon
        self.vaf = vaf
        self.copy_number = copy_number
        # Where a file gave it: the genomic position and DNA alleles (not the residues).
        self.chromosome = chromosome
        self.position = position
        self.ref = ref
        self.alt = alt

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._NAMES)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Alteration):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(self._NAMES, self._values(), strict=True)
            if value is not None
        )
        return f"Alteration({shown})"

    @property
    def fusion_partner(self) -> str | None:
        """The other gene of a fusion (the same as `partner`)."""
        return self.partner

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind is AlterationKind.FUSION:
            if self.fusion:
                return f"{self.fusion} fusion"
            return f"{self.gene} fusion" + (f" ({self.partner})" if self.partner else "")
        if self.protein is not None:
            return f"{self.gene} {self.protein.short}"
        if self.kind is AlterationKind.EXPRESSION:
            return f"{self.gene} overexpression"
        if self.kind is AlterationKind.SPLICE:
            exon = f" exon {self.exon}" if self.exon is not None else ""
            return f"{self.gene}{exon} splice site"
        return f"{self.gene} {self.kind.value}"

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the finding, leaving out measurements (VAF, copy number)."""
        short = self.protein.short if self.protein is not None else None
        return (self.gene, self.kind, short, self.partner, self.fusion, self.exon)


def normalize_gene(symbol: str) -> str:
    """Return the HGNC symbol for `symbol` (HER2 → ERBB2); raise AlterationError if malformed."""
    cleaned = symbol.strip().upper() if isinstance(symbol, str) else ""
    cleaned = GENE_ALIASES.get(cleaned, cleaned)
    if not _GENE_RE.fullmatch(cleaned):
        raise AlterationError(
            "gene",
            _("“%(gene)s” is not a gene symbol (for example EGFR, ERBB2, ALK).") % {"gene": symbol},
        )
    return cleaned


def parse_kind(text: str) -> AlterationKind:
    """Read an alteration kind as files write it (SNV, indel, fusion, amplification, …)."""
    word = re.sub(r"[\s_]+", "-", str(text).strip().lower())
    try:
        return AlterationKind(word)
    except ValueError:
        pass
    if word in KIND_BY_WORD:
        return KIND_BY_WORD[word]
    raise AlterationError(
        "kind",
        _(
            "“%(kind)s” is not an alteration kind; use SNV, indel, splice, fusion, "
            "amplification, loss or expression."
        )
        % {"kind": text},
    )


def make_alteration(
    *,
    gene: str,
    change: str | None = None,
    kind: AlterationKind | str | None = None,
    partner: str | None = None,
    exon: int | str | None = None,
    vaf: float | str | None = None,
    copy_number: float | str | None = None,
    chromosome: str | None = None,
    position: int | None = None,
    ref: str | None = None,
    alt: str | None = None,
) -> Alteration:
    """Build an Alteration from what a report states; raise AlterationError if it is unclear."""
    gene_text = gene.strip() if isinstance(gene, str) else ""
    if not gene_text:
        raise AlterationError("gene", _("The gene is missing."))
    text = change.strip() if isinstance(change, str) else ""
    fusion_genes = _fusion_genes(gene_text) if ("::" in gene_text or "-" in gene_text) else None
    if fusion_genes is None and text:
        fusion_genes = _fusion_genes(text)
    if isinstance(kind, str) and kind.strip().lower() in ("deletion", "del"):
        # A "deletion" row with a protein change is a small deletion; without one, a gene loss.
        kind = AlterationKind.INDEL if text else AlterationKind.LOSS
    stated_kind = parse_kind(kind) if kind else None
    if fusion_genes is not None and stated_kind in (None, AlterationKind.FUSION):
        return _fusion(gene_text, fusion_genes, partner, exon)
    symbol = normalize_gene(gene_text)
    text = _strip_gene_prefix(text, gene_text, symbol)
    protein = _protein(text) if text else None
    inferred = _kind_of(protein) if protein is not None else None
    if stated_kind is None and inferred is None:
        raise AlterationError(
            "alteration",
            _("Give the protein change (like L858R) or the kind of alteration for %(gene)s.")
            % {"gene": symbol},
        )
    final_kind = _reconcile(stated_kind, inferred, protein)
    if final_kind is AlterationKind.FUSION:
        return _fusion(symbol, None, partner, exon)
    if protein is not None and protein.change_type in _KIND_ONLY:
        # "amplification", "fusion", "loss" say the kind; they are not protein changes.
        protein = None
    return Alteration(
        gene=symbol,
        kind=final_kind,
        protein=protein,
        exon=_exon(exon),
        vaf=_vaf(vaf),
        copy_number=_copy_number(copy_number),
        chromosome=chromosome or None,
        position=position,
        ref=ref or None,
        alt=alt or None,
    )


def alteration_from_mapping(data: Mapping[str, object]) -> Alteration:
    """Build an Alteration from a JSON-like mapping (gene, alteration, kind, partner, …)."""
    if isinstance(data, Alteration):
        return data

    def text(*names: str) -> str | None:
        for name in names:
            value = data.get(name)
            if value not in (None, ""):
                return str(value)
        return None

    return make_alteration(
        gene=text("gene", "hugo_symbol", "symbol") or "",
        change=text("alteration", "protein_change", "change", "variant", "hgvsp"),
        kind=text("kind", "type", "alteration_kind"),
        partner=text("partner", "fusion_partner", "fusion"),
        exon=text("exon"),
        vaf=text("vaf"),
        copy_number=text("copy_number"),
        chromosome=text("chromosome", "chrom"),
        position=_position(text("position", "pos")),
        ref=text("ref", "reference_allele"),
        alt=text("alt", "alternate_allele"),
    )


def _position(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit():
        raise AlterationError(
            "position", _("“%(value)s” is not a genomic position.") % {"value": value}
        )
    return int(value)


def _protein(text: str) -> ProteinChange:
    try:
        return parse_protein_change(text)
    except ProteinChangeError as error:
        raise AlterationError("alteration", str(error)) from error


def _strip_gene_prefix(text: str, given: str, symbol: str) -> str:
    for prefix in {given, given.upper(), symbol}:
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return text


def _fusion_genes(text: str) -> tuple[str, str] | None:
    match = _FUSION_RE.fullmatch(text.strip())
    if not match:
        return None
    if text.strip().upper() in GENE_ALIASES:
        return None
    parts = []
    for written in (match.group("five"), match.group("three")):
        # Gene symbols are written in capitals (lower case only in "orf"), which tells
        # "EML4-ALK" apart from "loss-of-function" or "E746-A750del".
        if len(written) < 2 or any(c.islower() for c in written.replace("orf", "")):
            return None
        symbol = written.upper()
        parts.append(GENE_ALIASES.get(symbol, symbol))
    five, three = parts
    if not (_GENE_RE.fullmatch(five) and _GENE_RE.fullmatch(three)) or five == three:
        return None
    if re.fullmatch(r"[A-Z]\d+[A-Z]*", three) and not re.fullmatch(r"[A-Z]\d+[A-Z]*", five):
        return None
    return five, three


def _fusion(
    gene_text: str,
    fusion_genes: tuple[str, str] | None,
    partner: str | None,
    exon: int | str | None,
) -> Alteration:
    if partner and fusion_genes is None:
        fusion_genes = _fusion_genes(partner)
    partner_symbol = None
    if partner and fusion_genes is None:
        try:
            partner_symbol = normalize_gene(partner)
        except AlterationError as error:
            raise AlterationError("partner", error.message) from error
    if fusion_genes is None:
        symbol = normalize_gene(gene_text)
        return Alteration(
            gene=symbol, kind=AlterationKind.FUSION, partner=partner_symbol, exon=_exon(exon)
        )
    given = _fusion_genes(gene_text)
    symbol = given[1] if given is not None else normalize_gene(gene_text)
    if symbol not in fusion_genes:
        raise AlterationError(
            "partner",
            _("The fusion %(fusion)s does not involve %(gene)s.")
            % {"fusion": "::".join(fusion_genes), "gene": symbol},
        )
    other = fusion_genes[0] if symbol == fusion_genes[1] else fusion_genes[1]
    return Alteration(
        gene=symbol,
        kind=AlterationKind.FUSION,
        partner=other,
        fusion="::".join(fusion_genes),
        exon=_exon(exon),
    )


def kind_of_change(change_type: ChangeType) -> AlterationKind:
    """The alteration kind a protein change implies (E746_A750del → indel)."""
    if change_type in _KIND_OF_CLASS:
        return _KIND_OF_CLASS[change_type]
    if change_type in _INDEL_TYPES:
        return AlterationKind.INDEL
    return AlterationKind.SNV


def _kind_of(protein: ProteinChange) -> AlterationKind:
    return kind_of_change(protein.change_type)


def _reconcile(
    stated: AlterationKind | None, inferred: AlterationKind | None, protein: ProteinChange | None
) -> AlterationKind:
    if stated is None or inferred is None or stated == inferred:
        kind = stated or inferred
        if kind is None:
            raise AlterationError("kind", _("The kind of alteration is missing."))
        return kind
    # Files disagree on SNV/indel/splice for the same small variant; the protein change decides.
    if stated in _SMALL_KINDS and inferred in _SMALL_KINDS:
        return inferred
    # Loss of a protein on IHC is reported as an expression result.
    if stated is AlterationKind.EXPRESSION and inferred is AlterationKind.LOSS:
        return inferred
    raise AlterationError(
        "kind",
        _("The kind “%(kind)s” does not fit the change “%(change)s”.")
        % {"kind": stated.value, "change": protein.short if protein else ""},
    )


def _number(field: str, value: float | int | str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except ValueError:
        raise AlterationError(field, _("“%(value)s” is not a number.") % {"value": value}) from None
    if number != number or number < 0:
        raise AlterationError(field, _("“%(value)s” is not a number.") % {"value": value})
    return number


def _vaf(value: float | str | None) -> float | None:
    number = _number("vaf", value)
    if number is not None and isinstance(value, str) and value.strip().endswith("%"):
        number /= 100
    if number is not None and number > 1:
        raise AlterationError(
            "vaf",
            _("The variant allele fraction %(value)s must lie between 0 and 1 (or end in %%).")
            % {"value": value},
        )
    return number


def _copy_number(value: float | str | None) -> float | None:
    return _number("copy_number", value)


def _exon(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip().split("/", 1)[0]
    if not text.isdigit() or int(text) < 1:
        raise AlterationError("exon", _("“%(value)s” is not an exon number.") % {"value": value})
    return int(text)
