"""Annotate a tumor's alterations: classes, hotspot, and therapies with level and direction."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.alterations import (
    Alteration,
    AlterationError,
    alteration_from_mapping,
)
from medcenter.oncology.genomics.classes import AlterationClass, classify
from medcenter.oncology.genomics.hotspots import Hotspot, HotspotIndex, load_hotspots
from medcenter.oncology.genomics.knowledge import (
    LEVEL_RANK,
    Direction,
    EvidenceLevel,
    KnowledgeBase,
    KnowledgeBaseEntry,
    load_curated,
    therapy_key,
)
from medcenter.oncology.genomics.oncotree import OncoTree, load_oncotree


@dataclass(frozen=True, slots=True)
class TherapyMatch:
    """One piece of evidence for one alteration in this patient's tumor type."""

    therapy: str
    level: EvidenceLevel
    direction: Direction
    tumor_type: str
    tumor_type_name: str
    matched_class: str
    source: str
    origin: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "therapy": self.therapy,
            "level": self.level.value,
            "direction": self.direction.value,
            "tumor_type": self.tumor_type,
            "tumor_type_name": self.tumor_type_name,
            "matched_class": self.matched_class,
            "source": self.source,
            "origin": self.origin,
            "note": self.note,
        }


class AlterationAnnotation:
    """What is known about one alteration: sensitive therapies by level, then resistant ones.

    Read-only by convention. A plain slotted class rather than a frozen dataclass: a VCF makes
    one per variant, and a frozen dataclass costs several times more to build. `classes` is
    worked out on first use for genes the knowledge base does not mention, as matching did not
    need it.
    """

    __slots__ = ("_classes", "alteration", "diagnostic", "hotspot", "therapies")

    def __init__(
        self,
        alteration: Alteration,
        classes: frozenset[AlterationClass] | None,
        hotspot: Hotspot | None,
        therapies: tuple["TherapyMatch", ...] = (),
        diagnostic: tuple["TherapyMatch", ...] = (),
    ) -> None:
        self.alteration = alteration
        self._classes = classes
        self.hotspot = hotspot
        self.therapies = therapies
        self.diagnostic = diagnostic

    def __repr__(self) -> str:
        return f"AlterationAnnotation({self.alteration.label!r}, therapies={len(self.therapies)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AlterationAnnotation):
            return NotImplemented
        return (self.alteration, self.hotspot, self.therapies, self.diagnostic) == (
            other.alteration,
            other.hotspot,
            other.therapies,
            other.diagnostic,
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def classes(self) -> frozenset[AlterationClass]:
        if self._classes is None:
            self._classes = classify(self.alteration, self.hotspot)
        return self._classes

    @property
    def sensitive(self) -> tuple[TherapyMatch, ...]:
        return tuple(m for m in self.therapies if m.direction is Direction.SENSITIVE)

    @property
    def resistant(self) -> tuple[TherapyMatch, ...]:
        return tuple(m for m in self.therapies if m.direction is Direction.RESISTANT)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, as the annotate endpoint returns it."""
        alteration = self.alteration
        protein = alteration.protein
        hotspot = self.hotspot
        return {
            "alteration": {
                "gene": alteration.gene,
                "kind": alteration.kind.value,
                "label": alteration.label,
                "protein_change": None
                if protein is None
                else {
                    "hgvs": protein.hgvs,
                    "short": protein.short,
                    "change_type": protein.change_type.value,
                    "start": protein.start,
                    "end": protein.end,
                },
                "partner": alteration.partner,
                "fusion": alteration.fusion,
                "exon": alteration.exon,
                "vaf": alteration.vaf,
                "copy_number": alteration.copy_number,
                "chromosome": alteration.chromosome,
                "position": alteration.position,
                "ref": alteration.ref,
                "alt": alteration.alt,
            },
            "classes": sorted(str(c) for c in self.classes),
            "hotspot": None
            if hotspot is None
            else {
                "gene": hotspot.gene,
                "residue": hotspot.residue,
                "type": hotspot.type,
                "samples": hotspot.samples,
            },
            "therapies": [m.as_dict() for m in self.therapies],
            "diagnostic": [m.as_dict() for m in self.diagnostic],
        }


_Facts = tuple[
    frozenset[AlterationClass] | None,
    Hotspot | None,
    tuple[TherapyMatch, ...],
    tuple[TherapyMatch, ...],
]
_Indexed = tuple[KnowledgeBaseEntry, str, frozenset[str]]


class Annotator:
    """Indexes a knowledge base once; then annotates many alterations, caching repeats.

    Build one per knowledge base and keep it: building indexes is the slow part.
    """

    def __init__(
        self,
        *,
        knowledge_base: KnowledgeBase | None = None,
        hotspots: HotspotIndex | None = None,
        oncotree: OncoTree | None = None,
        cache_size: int = 65_536,
    ) -> None:
        self.knowledge_base = knowledge_base if knowledge_base is not None else load_curated()
        self.hotspots = hotspots if hotspots is not None else load_hotspots()
        self.oncotree = oncotree if oncotree is not None else load_oncotree()
        self.cache_size = cache_size
        index: dict[AlterationClass, list[_Indexed]] = {}
        for entry in self.knowledge_base.entries:
            index.setdefault(entry.alteration_class, []).append(
                (entry, therapy_key(entry.therapy), frozenset(entry.excluded_tumor_types))
            )
        self._index = {key: tuple(value) for key, value in index.items()}
        self._genes = frozenset(key.gene for key in self._index)
        self._caches: dict[str, dict[tuple[object, ...], _Facts]] = {}

    @property
    def version(self) -> str:
        """Which knowledge base release answers, to store beside what it answered."""
        return self.knowledge_base.version

    def annotate(
        self, *, tumor_type: str, alterations: Sequence[Alteration | Mapping[str, Any]]
    ) -> list[AlterationAnnotation]:
        """Annotate each alteration for a patient whose tumor is `tumor_type` (OncoTree)."""
        return list(self.annotate_iter(tumor_type=tumor_type, alterations=alterations))

    def annotate_iter(
        self, *, tumor_type: str, alterations: Iterable[Alteration | Mapping[str, Any]]
    ) -> Iterator[AlterationAnnotation]:
        """Like `annotate`, one at a time, for files too large to hold annotated in memory."""
        resolved = self.oncotree.resolve(tumor_type)
        return self._annotate(resolved, alterations)

    def _annotate(
        self, tumor_type: str, alterations: Iterable[Alteration | Mapping[str, Any]]
    ) -> Iterator[AlterationAnnotation]:
        lineage = self.oncotree.lineage(tumor_type)
        cache = self._caches.setdefault(tumor_type, {})
        # Most variants of a large file are passengers in genes neither the knowledge base nor
        # the hotspot list names; their answer is known without a lookup.
        noted = self._genes | self.hotspots.genes
        for number, item in enumerate(alterations, start=1):
            alteration = item if isinstance(item, Alteration) else _from_mapping(item, number)
            if alteration.gene not in noted and alteration.partner is None:
                yield AlterationAnnotation(alteration, None, None)
                continue
            key = alteration.key
            facts = cache.get(key)
            if facts is None:
                if len(cache) >= self.cache_size:
                    cache.clear()
                facts = self._facts(alteration, lineage)
                cache[key] = facts
            yield AlterationAnnotation(alteration, *facts)

    def _facts(self, alteration: Alteration, lineage: frozenset[str]) -> _Facts:
        hotspot = self.hotspots.match(alteration)
        genes = self._genes
        if alteration.gene not in genes and alteration.partner not in genes:
            return None, hotspot, (), ()
        classes = classify(alteration, hotspot)
        therapies, diagnostic = self._evidence(classes, lineage)
        return classes, hotspot, therapies, diagnostic

    def _evidence(
        self, classes: frozenset[AlterationClass], lineage: frozenset[str]
    ) -> tuple[tuple[TherapyMatch, ...], tuple[TherapyMatch, ...]]:
        # Best match per (therapy, direction, whether the evidence is about this tumor type):
        # an approval elsewhere and a guideline here are two facts, and both are shown.
        best: dict[tuple[str, Direction, bool], TherapyMatch] = {}
        diagnostic: list[TherapyMatch] = []
        # Sorted so that, between equally strong entries, the same one wins on every run.
        for alteration_class in sorted(classes):
            for entry, key, excluded in self._index.get(alteration_class, ()):
                if excluded and not excluded.isdisjoint(lineage):
                    continue
                applies = entry.tumor_type in lineage
                if entry.direction is Direction.DIAGNOSTIC:
                    if applies:
                        diagnostic.append(self._match(entry, entry.level))
                    continue
                if applies:
                    level = entry.level
                elif (
                    entry.direction is Direction.SENSITIVE
                    and entry.level is EvidenceLevel.FDA_THIS_TYPE
                ):
                    level = EvidenceLevel.FDA_OTHER_TYPE
                else:
                    continue
                slot = (key, entry.direction, applies)
                current = best.get(slot)
                rank = (entry.origin != "curated", LEVEL_RANK[level])
                if current is None or rank < (
                    current.origin != "curated",
                    LEVEL_RANK[current.level],
                ):
                    best[slot] = self._match(entry, level)
        # Curated entries win over imported ones about the same therapy, whatever class or
        # direction the import used (MOAlmanac's "any EGFR mutation" must not undo our
        # "exon 20 insertions resist afatinib").
        curated = {slot[0] for slot, m in best.items() if m.origin == "curated"}
        approved_here = {
            slot[0]
            for slot, m in best.items()
            if m.level is EvidenceLevel.FDA_THIS_TYPE and m.direction is Direction.SENSITIVE
        }
        kept = (
            m
            for (key, _direction, applies), m in best.items()
            if (m.origin == "curated" or key not in curated)
            and (applies or key not in approved_here)
        )
        ranked = sorted(
            kept,
            key=lambda m: (m.direction is Direction.RESISTANT, LEVEL_RANK[m.level], m.therapy),
        )
        return tuple(ranked), tuple(diagnostic)

    def _match(self, entry: KnowledgeBaseEntry, level: EvidenceLevel) -> TherapyMatch:
        return TherapyMatch(
            therapy=entry.therapy,
            level=level,
            direction=entry.direction,
            tumor_type=entry.tumor_type,
            tumor_type_name=self.oncotree.name(entry.tumor_type),
            matched_class=entry.alteration,
            source=entry.source,
            origin=entry.origin,
            note=entry.note,
        )


def _from_mapping(item: Mapping[str, Any], number: int) -> Alteration:
    if not isinstance(item, Mapping):
        raise AlterationError(
            "alteration",
            _("Alteration %(number)s is neither an alteration nor a mapping.") % {"number": number},
        )
    try:
        return alteration_from_mapping(item)
    except AlterationError as error:
        raise AlterationError(
            error.field,
            _("Alteration %(number)s: %(problem)s") % {"number": number, "problem": error.message},
        ) from error


@cache
def default_annotator() -> Annotator:
    """The annotator over the shipped knowledge base, hotspots and OncoTree (one per process)."""
    return Annotator()


def annotate(
    *,
    tumor_type: str,
    alterations: Sequence[Alteration | Mapping[str, Any]],
    annotator: Annotator | None = None,
) -> list[AlterationAnnotation]:
    """Annotate `alterations` for a tumor of OncoTree type `tumor_type`.

    Raises UnknownTumorTypeError for an unknown code and AlterationError for an unreadable
    alteration (its message names which one and what is wrong).
    """
    return (annotator or default_annotator()).annotate(
        tumor_type=tumor_type, alterations=alterations
    )
