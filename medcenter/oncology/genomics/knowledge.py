"""The actionability knowledge base: which therapies a gene/alteration class predicts, where.

The product ships its own curated entries (`data/actionability.json`); importers add upstream
data (MOAlmanac, CIViC) and `merged_with` keeps the curated entry where both speak.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.alterations import AlterationError, make_alteration
from medcenter.oncology.genomics.classes import AlterationClass, class_name_of
from medcenter.oncology.genomics.oncotree import OncoTree, UnknownTumorTypeError, load_oncotree

DATA_DIR = Path(__file__).resolve().parent / "data"
CURATED_FILE = DATA_DIR / "actionability.json"


class EvidenceLevel(StrEnum):
    FDA_THIS_TYPE = "fda_this_type"
    FDA_OTHER_TYPE = "fda_other_type"
    GUIDELINE = "guideline"
    CLINICAL_EVIDENCE = "clinical_evidence"


# Ranking for reports: the lower, the stronger.
LEVEL_RANK = {
    EvidenceLevel.FDA_THIS_TYPE: 0,
    EvidenceLevel.FDA_OTHER_TYPE: 1,
    EvidenceLevel.GUIDELINE: 2,
    EvidenceLevel.CLINICAL_EVIDENCE: 3,
}
# fda_other_type is derived when matching a patient; an entry never states it.
STORED_LEVELS = frozenset(
    {EvidenceLevel.FDA_THIS_TYPE, EvidenceLevel.GUIDELINE, EvidenceLevel.CLINICAL_EVIDENCE}
)


class Direction(StrEnum):
    SENSITIVE = "sensitive"
    RESISTANT = "resistant"
    DIAGNOSTIC = "diagnostic"


class KnowledgeBaseError(ValueError):
    """An entry that cannot be loaded; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class KnowledgeBaseEntry:
    gene: str
    alteration: str
    tumor_type: str
    therapy: str
    level: EvidenceLevel
    direction: Direction
    source: str
    reviewed: str
    origin: str = "curated"
    note: str = ""
    excluded_tumor_types: tuple[str, ...] = ()

    @property
    def alteration_class(self) -> AlterationClass:
        return AlterationClass(self.gene, self.alteration)

    @property
    def conflict_key(self) -> tuple[str, str, str, str]:
        """Two entries with this key speak about the same thing (combination order ignored)."""
        return (self.gene, self.alteration, self.tumor_type, therapy_key(self.therapy))


def normalize_therapy(therapy: str) -> str:
    """Generic names in lower case, regimen acronyms (mFOLFOX6, R-CHOP) as written."""
    parts = [part.strip() for part in therapy.split("+")]
    return " + ".join(
        part if sum(c.isupper() for c in part) >= 2 else part.lower() for part in parts if part
    )


def therapy_key(therapy: str) -> str:
    """ "Trametinib + Dabrafenib" and "dabrafenib + trametinib" are the same therapy."""
    parts = (part.strip().lower() for part in therapy.replace("+", ",").split(","))
    return " + ".join(sorted(part for part in parts if part))


@dataclass
class KnowledgeBase:
    """Entries plus what an import skipped (reason → count)."""

    entries: tuple[KnowledgeBaseEntry, ...]
    name: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    version: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    def merged_with(self, other: "KnowledgeBase") -> "KnowledgeBase":
        """Entries of both; where they speak about the same thing, this one's entry wins."""
        own = {entry.conflict_key for entry in self.entries}
        kept = tuple(entry for entry in other.entries if entry.conflict_key not in own)
        skipped = dict(self.skipped)
        for reason, count in other.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + count
        overridden = len(other.entries) - len(kept)
        if overridden:
            skipped["overridden by curated entry"] = (
                skipped.get("overridden by curated entry", 0) + overridden
            )
        return KnowledgeBase(
            entries=self.entries + kept,
            name=f"{self.name} + {other.name}",
            skipped=skipped,
            version=f"{self.version} + {other.version}",
        )


def make_entry(
    data: Mapping[str, Any], *, origin: str = "curated", oncotree: OncoTree | None = None
) -> KnowledgeBaseEntry:
    """Validate one entry; raise KnowledgeBaseError naming the field that is wrong."""
    tree = oncotree or load_oncotree()

    def required(name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeBaseError(_("The field %(field)s is missing.") % {"field": name})
        return value.strip()

    try:
        alteration = make_alteration(gene=required("gene"), change=required("alteration"))
    except AlterationError as error:
        raise KnowledgeBaseError(f"{error.field}: {error.message}") from error
    try:
        tumor_type = tree.resolve(required("tumor_type"))
        excluded = tuple(tree.resolve(code) for code in data.get("excluded_tumor_types", ()))
    except UnknownTumorTypeError as error:
        raise KnowledgeBaseError(f"tumor_type: {error}") from error
    try:
        level = EvidenceLevel(required("level"))
        direction = Direction(required("direction"))
    except ValueError:
        raise KnowledgeBaseError(
            _("level must be one of %(levels)s; direction sensitive, resistant or diagnostic.")
            % {"levels": ", ".join(sorted(STORED_LEVELS))}
        ) from None
    if level not in STORED_LEVELS:
        raise KnowledgeBaseError(
            _("fda_other_type is worked out per patient; store fda_this_type instead.")
        )
    therapy = str(data.get("therapy") or "").strip()
    if not therapy and direction is not Direction.DIAGNOSTIC:
        raise KnowledgeBaseError(_("The field %(field)s is missing.") % {"field": "therapy"})
    reviewed = required("reviewed")
    try:
        date.fromisoformat(reviewed)
    except ValueError:
        raise KnowledgeBaseError(
            _("reviewed must be a date like 2025-06-30, not “%(value)s”.") % {"value": reviewed}
        ) from None
    return KnowledgeBaseEntry(
        gene=alteration.gene,
        alteration=class_name_of(alteration),
        tumor_type=tumor_type,
        therapy=normalize_therapy(therapy),
        level=level,
        direction=direction,
        source=required("source"),
        reviewed=reviewed,
        origin=origin,
        note=str(data.get("note") or ""),
        excluded_tumor_types=excluded,
    )


def entries_from_json(
    items: Iterable[Mapping[str, Any]], *, origin: str
) -> tuple[KnowledgeBaseEntry, ...]:
    entries = []
    for number, item in enumerate(items, start=1):
        try:
            entries.append(make_entry(item, origin=origin))
        except KnowledgeBaseError as error:
            raise KnowledgeBaseError(
                _("Entry %(number)s (%(gene)s %(alteration)s): %(problem)s")
                % {
                    "number": number,
                    "gene": item.get("gene", "?"),
                    "alteration": item.get("alteration", "?"),
                    "problem": error,
                }
            ) from error
    return tuple(entries)


def load_knowledge_base(path: Path) -> KnowledgeBase:
    """Load a knowledge base file in our layout ({"metadata": …, "entries": […]})."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    metadata = data.get("metadata", {})
    return KnowledgeBase(
        entries=entries_from_json(data["entries"], origin="curated"),
        name=metadata.get("name", path.stem),
        version=f"curated {metadata.get('version', '')}".strip(),
    )


@cache
def load_curated() -> KnowledgeBase:
    """The curated knowledge base shipped with the product (read once per process)."""
    return load_knowledge_base(CURATED_FILE)
