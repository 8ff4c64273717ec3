"""Recurrent mutation hotspots: is this residue (or in-frame indel range) a known hotspot?

Reads the shipped `data/hotspots.json`, derived from Cancer Hotspots (Chang et al. 2016/2018;
ODbL — see data/NOTICE.md).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from medcenter.oncology.genomics.alterations import Alteration
from medcenter.oncology.genomics.protein import ChangeType

DATA_DIR = Path(__file__).resolve().parent / "data"
HOTSPOTS_FILE = DATA_DIR / "hotspots.json"

_RESIDUE_TYPES = frozenset({ChangeType.MISSENSE, ChangeType.NONSENSE, ChangeType.ANY_SUBSTITUTION})
_INDEL_TYPES = frozenset(
    {
        ChangeType.INFRAME_DELETION,
        ChangeType.INFRAME_INSERTION,
        ChangeType.DUPLICATION,
        ChangeType.DELINS,
    }
)


@dataclass(frozen=True, slots=True)
class Hotspot:
    """One hotspot: `residue` is "L858", "X1010_splice" or an indel range "746-750"."""

    gene: str
    residue: str
    type: str
    samples: int
    start: int
    end: int


class HotspotIndex:
    """Hotspots by gene and position, for constant-time lookups per variant."""

    def __init__(self, hotspots: Mapping[str, Sequence[Sequence[object]]]) -> None:
        self._single: dict[str, dict[int, Hotspot]] = {}
        self._splice: dict[str, dict[int, Hotspot]] = {}
        self._indel: dict[str, list[Hotspot]] = {}
        for gene, rows in hotspots.items():
            for residue, kind, samples in rows:
                spot = _hotspot(gene, str(residue), str(kind), int(str(samples)))
                if spot.type == "single":
                    self._single.setdefault(gene, {})[spot.start] = spot
                elif spot.type == "splice":
                    self._splice.setdefault(gene, {})[spot.start] = spot
                else:
                    self._indel.setdefault(gene, []).append(spot)
        self.genes = frozenset(self._single) | frozenset(self._splice) | frozenset(self._indel)

    def __len__(self) -> int:
        return (
            sum(len(v) for v in self._single.values())
            + sum(len(v) for v in self._splice.values())
            + sum(len(v) for v in self._indel.values())
        )

    def match(self, alteration: Alteration) -> Hotspot | None:
        """The hotspot `alteration` falls on, or None."""
        protein = alteration.protein
        if protein is None or protein.start is None or alteration.gene not in self.genes:
            return None
        change_type = protein.change_type
        gene = alteration.gene
        if change_type in _RESIDUE_TYPES:
            return self._single.get(gene, {}).get(protein.start)
        if change_type is ChangeType.SPLICE:
            return self._splice.get(gene, {}).get(protein.start)
        if change_type in _INDEL_TYPES:
            end = protein.end if protein.end is not None else protein.start
            for spot in self._indel.get(gene, ()):
                if spot.start <= end and protein.start <= spot.end:
                    return spot
            if change_type is ChangeType.DELINS and end == protein.start + len(protein.alt) - 1:
                # A same-length delins is a multi-residue substitution, e.g. G12_G13delinsCV.
                return self._single.get(gene, {}).get(protein.start)
        return None


def _hotspot(gene: str, residue: str, kind: str, samples: int) -> Hotspot:
    if kind == "splice":
        position = int(residue.removeprefix("X").removesuffix("_splice"))
        return Hotspot(gene, residue, kind, samples, position, position)
    if kind == "indel":
        start_text, _sep, end_text = residue.partition("-")
        return Hotspot(gene, residue, kind, samples, int(start_text), int(end_text or start_text))
    return Hotspot(gene, residue, "single", samples, int(residue[1:]), int(residue[1:]))


@cache
def load_hotspots(path: Path = HOTSPOTS_FILE) -> HotspotIndex:
    """Load the shipped hotspot list (read once per process)."""
    with path.open(encoding="utf-8") as handle:
        return HotspotIndex(json.load(handle)["hotspots"])
