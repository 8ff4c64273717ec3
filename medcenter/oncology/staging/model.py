"""The compiled form of a staging table: what ``tables`` builds from JSON and the engine reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Generic, Literal, TypeVar

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes"

FactKind = Literal["number", "count", "flag", "choice", "sites"]
FACT_KINDS: tuple[FactKind, ...] = ("number", "count", "flag", "choice", "sites")
FactValue = float | int | bool | str | tuple[str, ...]
Key = tuple[str | None, ...]
R = TypeVar("R", str, int)


class TableError(ValueError):
    """A staging table is malformed or inconsistent."""


class Reason(Enum):
    """Why a combination of categories has no stage group."""

    NONE = ""
    NO_GROUPS = "no_groups"
    UNKNOWN = "unknown"
    PARENT = "parent"
    UNDEFINED = "undefined"


@dataclass(frozen=True, slots=True)
class Bands(Generic[R]):
    """Ordered thresholds: the first step whose bound the value does not pass gives the result."""

    steps: tuple[tuple[float, bool, R], ...]  # (bound, bound included, result)
    otherwise: R

    def pick(self, value: float) -> R:
        for bound, inclusive, result in self.steps:
            if value < bound or (inclusive and value == bound):
                return result
        return self.otherwise


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    kind: FactKind
    label: str
    axis: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    values: tuple[str, ...] = ()
    spellings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    fact: str
    equals: str | bool | int | None = None
    minimum: float | None = None
    maximum: float | None = None

    def holds(self, value: FactValue) -> bool:
        if self.equals is not None:
            return value == self.equals
        if not isinstance(value, int | float):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return not (self.maximum is not None and value > self.maximum)


@dataclass(frozen=True, slots=True)
class BandsRule:
    fact: str
    bands: Bands[str]


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    fact: str
    mapping: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    score_fact: str
    raw_fact: str | None
    raw: Bands[int] | None


@dataclass(frozen=True, slots=True)
class ScoreRule:
    components: tuple[ScoreComponent, ...]
    total: Bands[str]


@dataclass(frozen=True, slots=True)
class Case:
    when: tuple[Condition, ...]
    result: str | BandsRule | ChoiceRule | ScoreRule


@dataclass(frozen=True, slots=True)
class SiteGroup:
    """Sites counted together: one organ with one lesion is `single`, anything more `multiple`."""

    name: str
    single: str
    multiple: str
    count_fact: str


@dataclass(frozen=True, slots=True)
class SitesRule:
    fact: str
    mapping: Mapping[str, str]  # site → category, or "@group"
    groups: Mapping[str, SiteGroup]


@dataclass(frozen=True, slots=True)
class Derivation:
    """How facts give one axis's category: the most advanced of what flags, sites and the
    measure (size, segments, score…) each give; `default` when facts were given but none
    points anywhere (no nodes listed → N0)."""

    order: tuple[str, ...]  # least to most advanced
    rank: Mapping[str, int]
    flags: tuple[tuple[str, str], ...]
    sites: tuple[SitesRule, ...]
    measure: tuple[Case, ...]
    measure_facts: frozenset[str]
    measure_top: int
    without_measure: frozenset[str]
    default: str | None
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label: str
    unknown: bool = False
    parent_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Axis:
    id: str
    name: str
    label: str
    prefixed: bool
    categories: tuple[Category, ...]
    by_code: Mapping[str, Category]
    spellings: Mapping[str, str]  # normalize_code(code) → code
    written: Mapping[str, tuple[str, str]]  # "ypT1a" → ("T1a", "yp"): exact input, no parsing
    derivation: Derivation
    required_when: tuple[str, frozenset[str]] | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One combination of categories: its stage group, or why it has none.

    The engine keeps what it builds for a combination (labels per classification, the note in
    each language) in the caches, so a repeated combination costs a dict lookup.
    """

    group: str | None
    reason: Reason
    values: tuple[tuple[str, str], ...] = ()  # (axis id, code) behind the reason
    categories: Mapping[str, str] = field(default_factory=dict, compare=False)
    labels: dict[tuple[str, bool], dict[str, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    notes: dict[str | None, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    title: str
    rule_version: str
    source: str
    reference: str
    uses_prefixes: bool
    axes: tuple[Axis, ...]
    axis_by_id: Mapping[str, Axis]
    facts: Mapping[str, Fact]
    stage_groups: tuple[str, ...] | None  # None: the source defines no stage groups
    lookup: Mapping[Key, Outcome]


# The c/p/y prefixes a category may be written with; longest first, so "ypT2" loses "yp".
INPUT_PREFIXES = ("yp", "yc", "c", "p", "y")


def normalize_code(text: str) -> str:
    """`c T1a ` → `CT1A`: category codes are compared without case or spaces."""
    return "".join(text.split()).upper()


def normalize_word(text: str) -> str:
    """`Distant lymph-nodes` → `distant_lymph_nodes`: the spelling of choices and sites."""
    return "_".join(text.replace("-", " ").lower().split())
