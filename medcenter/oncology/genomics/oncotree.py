"""Tumor types as OncoTree codes, and which codes lie under which (LUAD is under NSCLC).

Reads the shipped `data/oncotree_parents.json` (derived from MSK OncoTree, CC BY 4.0).
"""

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent / "data"
ONCOTREE_FILE = DATA_DIR / "oncotree_parents.json"

# Our own code, not OncoTree's: tissue-agnostic approvals (NTRK fusions, MSI-high, …) apply to
# every solid tumor, which OncoTree has no single node for.
SOLID_TUMOR = "SOLID"
SOLID_TUMOR_NAME = "Any solid tumor"
# Blood cancers sit under these tissues; everything else counts as a solid tumor.
NON_SOLID_TISSUES = frozenset({"MYELOID", "LYMPH"})


class UnknownTumorTypeError(ValueError):
    """A tumor type that is not an OncoTree code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            _(
                "“%(code)s” is not an OncoTree tumor type code "
                "(for example LUAD, NSCLC, COADREAD, MEL, CHS)."
            )
            % {"code": code}
        )


class OncoTree:
    """The OncoTree parent map with aliases for retired codes."""

    def __init__(
        self,
        *,
        parents: Mapping[str, str | None],
        names: Mapping[str, str],
        aliases: Mapping[str, str] | None = None,
        version: str = "",
    ) -> None:
        self.parents = dict(parents)
        self.names = dict(names)
        self.aliases = dict(aliases or {})
        self.version = version
        self._lineage: dict[str, frozenset[str]] = {}

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.knows(code)

    def knows(self, code: str) -> bool:
        """Whether `code` is a current or retired OncoTree code (or SOLID)."""
        return isinstance(code, str) and self.find(code) is not None

    def find(self, code: str) -> str | None:
        """Return the current code for `code` (case-insensitive, retired codes mapped), or None."""
        cleaned = code.strip().upper()
        if cleaned in self.parents or cleaned == SOLID_TUMOR:
            return cleaned
        return self.aliases.get(cleaned)

    def resolve(self, code: str) -> str:
        """Return the current code for `code`; raise UnknownTumorTypeError if there is none."""
        found = self.find(code) if isinstance(code, str) else None
        if found is None:
            raise UnknownTumorTypeError(str(code))
        return found

    def name(self, code: str) -> str:
        if code == SOLID_TUMOR:
            return SOLID_TUMOR_NAME
        return self.names.get(code, code)

    def lineage(self, code: str) -> frozenset[str]:
        """`code`, its ancestors, and SOLID when it is a solid tumor."""
        known = self._lineage.get(code)
        if known is not None:
            return known
        resolved = self.resolve(code)
        chain: list[str] = []
        current: str | None = resolved
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        if resolved != SOLID_TUMOR and not NON_SOLID_TISSUES.intersection(chain):
            chain.append(SOLID_TUMOR)
        lineage = frozenset(chain)
        self._lineage[code] = lineage
        return lineage

    def is_within(self, code: str, ancestor: str) -> bool:
        """Whether tumor type `code` is `ancestor` or lies under it."""
        return ancestor in self.lineage(code)


@cache
def load_oncotree(path: Path = ONCOTREE_FILE) -> OncoTree:
    """Load the shipped parent map (read once per process)."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return OncoTree(
        parents=data["parents"],
        names=data["names"],
        aliases=data.get("aliases", {}),
        version=data["metadata"].get("version", ""),
    )


@lru_cache(maxsize=1024)
def resolve_tumor_type(code: str) -> str:
    """Return the current OncoTree code for `code`; raise UnknownTumorTypeError if unknown."""
    return load_oncotree().resolve(code)
