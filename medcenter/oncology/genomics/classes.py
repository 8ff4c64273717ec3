"""The classes an alteration belongs to, which is what the knowledge base matches on.

EGFR E746_A750del belongs to (EGFR, "E746_A750del"), (EGFR, "exon 19 deletion"),
(EGFR, "exon 19 mutation"), (EGFR, "oncogenic mutation") and (EGFR, "mutation"); a knowledge
base entry names one class, e.g. (EGFR, "exon 19 deletion").
"""

from typing import NamedTuple

from medcenter.oncology.genomics.alterations import Alteration, AlterationKind
from medcenter.oncology.genomics.hotspots import Hotspot
from medcenter.oncology.genomics.protein import ChangeType, ProteinChange


class AlterationClass(NamedTuple):
    gene: str
    name: str

    def __str__(self) -> str:
        return f"{self.gene} {self.name}"


MUTATION = "mutation"
ONCOGENIC_MUTATION = "oncogenic mutation"
TRUNCATING_MUTATION = "truncating mutation"
FUSION = "fusion"
AMPLIFICATION = "amplification"
LOSS = "loss"
OVEREXPRESSION = "overexpression"

# Codon ranges of exons on the canonical transcripts, for genes whose exon-level classes carry
# clinical meaning (EGFR exon 19 = 729-761 and exon 20 = 762-823 as the clinic defines them; the
# others are part of the curated data and reviewed with it). Codon ranges decide over an exon
# number stated in a file, because files number exons on whichever transcript they picked.
EXON_CODONS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "EGFR": ((18, 688, 728), (19, 729, 761), (20, 762, 823), (21, 824, 875)),
    # ERBB2 runs 8 codons ahead of EGFR in the kinase domain (ERBB2 V777 = EGFR V769).
    "ERBB2": ((19, 737, 769), (20, 770, 831)),
    "KRAS": ((2, 1, 37), (3, 38, 97), (4, 98, 150)),
    "NRAS": ((2, 1, 37), (3, 38, 97), (4, 98, 150)),
    "KIT": ((9, 449, 514), (11, 550, 592), (13, 627, 664), (17, 788, 828)),
    "PDGFRA": ((18, 814, 854),),
    "MET": ((14, 963, 1010),),
}
# Exon-level classes that are activating whether or not the exact variant is a listed hotspot.
ONCOGENIC_CLASSES = frozenset(
    {
        ("EGFR", "exon 19 deletion"),
        ("EGFR", "exon 20 insertion"),
        ("ERBB2", "exon 20 insertion"),
        ("MET", "exon 14 skipping"),
        ("KIT", "exon 11 deletion"),
        ("KIT", "exon 11 insertion"),
        ("KIT", "exon 9 insertion"),
        ("PDGFRA", "exon 18 deletion"),
    }
)
_ONCOGENIC_GENES = frozenset(gene for gene, _name in ONCOGENIC_CLASSES)
# Builds a class without NamedTuple's Python-level __new__: classify runs once per variant.
_new_class = tuple.__new__
# MET exon 14 spans codons 963-1010; D1010 substitutions change the last base of the exon, which
# is part of the splice donor, and skip the exon like splice-site variants do.
_MET_EXON14 = (963, 1010)
_TRUNCATING = frozenset(
    {ChangeType.NONSENSE, ChangeType.FRAMESHIFT, ChangeType.START_LOST, ChangeType.SPLICE}
)
_STATED_EXTRA = {
    ChangeType.EXON_DELETION: (MUTATION,),
    ChangeType.EXON_INSERTION: (MUTATION,),
    ChangeType.EXON_SKIPPING: (MUTATION,),
    ChangeType.EXON_MUTATION: (MUTATION,),
    ChangeType.ANY_SUBSTITUTION: (MUTATION,),
    ChangeType.ONCOGENIC_MUTATION: (MUTATION,),
    ChangeType.TRUNCATING_MUTATION: (MUTATION,),
}
_KIND_CLASS = {
    AlterationKind.AMPLIFICATION: AMPLIFICATION,
    AlterationKind.LOSS: LOSS,
    AlterationKind.EXPRESSION: OVEREXPRESSION,
}


def class_name_of(alteration: Alteration) -> str:
    """The one class a stated alteration names ("L858R", "exon 19 deletion", "fusion", …)."""
    if alteration.kind is AlterationKind.FUSION:
        return alteration.fusion or FUSION
    if alteration.kind in _KIND_CLASS:
        return _KIND_CLASS[alteration.kind]
    if alteration.protein is not None:
        return alteration.protein.short
    return MUTATION


def classify(alteration: Alteration, hotspot: Hotspot | None = None) -> frozenset[AlterationClass]:
    """Every class `alteration` belongs to; `hotspot` is its hotspot match, if any."""
    gene = alteration.gene
    kind = alteration.kind
    if kind is AlterationKind.FUSION:
        return _fusion_classes(alteration)
    if kind in _KIND_CLASS:
        return frozenset({AlterationClass(gene, _KIND_CLASS[kind])})
    protein = alteration.protein
    names: set[str]
    if protein is None:
        names = {MUTATION}
        if kind is AlterationKind.SPLICE:
            names.add(TRUNCATING_MUTATION)
            if alteration.exon is not None:
                names.add(f"exon {alteration.exon} mutation")
                if gene == "MET" and alteration.exon == 14:
                    names.add("exon 14 skipping")
    elif protein.is_class:
        names = {protein.short, *_STATED_EXTRA.get(protein.change_type, ())}
        if protein.exon is not None:
            names.add(f"exon {protein.exon} mutation")
    elif not protein.alters_protein:
        return frozenset({AlterationClass(gene, protein.short)})
    else:
        names = _variant_classes(gene, protein, alteration.exon)
    if hotspot is not None or (
        gene in _ONCOGENIC_GENES and any((gene, name) in ONCOGENIC_CLASSES for name in names)
    ):
        names.add(ONCOGENIC_MUTATION)
    return frozenset([_new_class(AlterationClass, (gene, name)) for name in names])


def _fusion_classes(alteration: Alteration) -> frozenset[AlterationClass]:
    genes = [alteration.gene] + ([alteration.partner] if alteration.partner else [])
    names = [FUSION] + ([alteration.fusion] if alteration.fusion else [])
    return frozenset(AlterationClass(gene, name) for gene in genes for name in names)


def _variant_classes(gene: str, protein: ProteinChange, stated_exon: int | None) -> set[str]:
    change_type = protein.change_type
    names = {protein.short, MUTATION}
    if change_type is ChangeType.MISSENSE:
        names.add(f"{protein.ref}{protein.start}X")
    elif change_type in _TRUNCATING:
        names.add(TRUNCATING_MUTATION)
    exon = _exon_of(gene, protein, stated_exon)
    if exon is not None:
        names.add(f"exon {exon} mutation")
        if _is_deletion(protein):
            names.add(f"exon {exon} deletion")
        elif _is_insertion(protein):
            names.add(f"exon {exon} insertion")
    if gene == "MET" and _skips_met_exon14(protein):
        names.add("exon 14 skipping")
    return names


def _exon_of(gene: str, protein: ProteinChange, stated_exon: int | None) -> int | None:
    ranges = EXON_CODONS.get(gene)
    if ranges is None:
        return stated_exon
    start = protein.start
    if start is None:
        return None
    end = protein.end if protein.end is not None else start
    for exon, first, last in ranges:
        if first <= start and end <= last:
            return exon
    return None


def _is_deletion(protein: ProteinChange) -> bool:
    if protein.change_type is ChangeType.INFRAME_DELETION:
        return True
    return protein.change_type is ChangeType.DELINS and len(protein.alt) < _span(protein)


def _is_insertion(protein: ProteinChange) -> bool:
    if protein.change_type in (ChangeType.INFRAME_INSERTION, ChangeType.DUPLICATION):
        return True
    return protein.change_type is ChangeType.DELINS and len(protein.alt) > _span(protein)


def _span(protein: ProteinChange) -> int:
    start = protein.start or 0
    end = protein.end if protein.end is not None else start
    return end - start + 1


def _skips_met_exon14(protein: ProteinChange) -> bool:
    first, last = _MET_EXON14
    start = protein.start
    if start is None:
        return False
    end = protein.end if protein.end is not None else start
    change_type = protein.change_type
    if change_type is ChangeType.SPLICE:
        return first - 1 <= start <= last + 1
    if change_type in (ChangeType.MISSENSE, ChangeType.ANY_SUBSTITUTION):
        return start == last and protein.ref == "D"
    if change_type in (ChangeType.INFRAME_DELETION, ChangeType.DELINS):
        return start <= last <= end or start <= first <= end
    return False
