"""The CMS cell-size policy: no count from 1 to 10 is shown or can be derived.

A table is one measure for one period: the overall cell and, per stratifier (language, sex,
age band, area, ...), one cell per stratum; the strata of one stratifier add up to the
overall cell (an "unknown" or "not recorded" stratum makes them add up). Each cell is a
numerator over a denominator; its complement (denominator - numerator) is a count too.

Primary suppression hides a cell whose denominator is under 11, or whose numerator or
complement is from 1 to 10. A hidden cell hides everything: numerator, denominator,
proportion and interval (any of them gives the others back).

Complementary suppression: within a stratifier whose overall cell is shown, what is hidden
adds up to the overall cell minus what is shown, so one hidden cell would be given away by
subtraction. More cells are hidden, smallest denominator first, until the hidden cells
together have a numerator, denominator and complement each 0 or 11 and more: no single
hidden count, nor the hidden cells' sum, can then be derived in 1..10. When the overall cell
itself is hidden, no stratifier may show all its strata (their sum would give it back).

Every surface (page, CSV, API, FHIR) must publish the output of `suppress`, never the raw
table. Reasons are for analysts: published together with the policy, a reason such as
"numerator from 1 to 10" bounds a count, so public surfaces say only "suppressed".
Derivations across periods (a year minus its months) are out of this module's reach: publish
every period's table through it and do not publish sums of suppressed periods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from medcenter.quality.stats import Interval, wilson

__all__ = [
    "MINIMUM_COUNT",
    "Cell",
    "Reason",
    "ShownCell",
    "SuppressedTable",
    "Table",
    "is_small",
    "suppress",
]

#: Counts from 1 to MINIMUM_COUNT - 1 may not be shown or derivable (CMS: 1 to 10).
MINIMUM_COUNT = 11


class Reason(StrEnum):
    SMALL_DENOMINATOR = "small_denominator"
    SMALL_NUMERATOR = "small_numerator"
    SMALL_COMPLEMENT = "small_complement"
    COMPLEMENTARY = "complementary"


def is_small(count: int) -> bool:
    """Return whether a count lies in the protected range 1..10."""
    return 0 < count < MINIMUM_COUNT


@dataclass(frozen=True, slots=True)
class Cell:
    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0:
            raise ValueError("counts cannot be negative")
        if self.numerator > self.denominator:
            raise ValueError("the numerator cannot exceed the denominator")

    @property
    def complement(self) -> int:
        return self.denominator - self.numerator

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class Table:
    """The overall cell and, per stratifier, its strata's cells (label -> cell)."""

    total: Cell
    strata: Mapping[str, Mapping[str, Cell]]

    def __post_init__(self) -> None:
        for stratifier, cells in self.strata.items():
            combined = sum(cells.values(), Cell(0, 0))
            if combined != self.total:
                raise ValueError(f"the strata of {stratifier!r} do not add up to the total")


@dataclass(frozen=True, slots=True)
class ShownCell:
    """What may be published of one cell: all of it, or nothing and why."""

    numerator: int | None
    denominator: int | None
    reason: Reason | None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def proportion(self) -> float | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator

    def interval(self, confidence: float = 0.95) -> Interval | None:
        """Return the Wilson interval of a shown cell; None for a hidden one."""
        if self.numerator is None or not self.denominator:
            return None
        return wilson(self.numerator, self.denominator, confidence)


@dataclass(frozen=True)
class SuppressedTable:
    total: ShownCell
    strata: Mapping[str, Mapping[str, ShownCell]]

    @property
    def suppressed_count(self) -> int:
        cells = [self.total, *(c for cells in self.strata.values() for c in cells.values())]
        return sum(cell.suppressed for cell in cells)


def _primary_reason(cell: Cell) -> Reason | None:
    if cell.denominator < MINIMUM_COUNT:
        return Reason.SMALL_DENOMINATOR
    if is_small(cell.numerator):
        return Reason.SMALL_NUMERATOR
    if is_small(cell.complement):
        return Reason.SMALL_COMPLEMENT
    return None


def _discloses(hidden: Cell) -> bool:
    return is_small(hidden.numerator) or is_small(hidden.denominator) or is_small(hidden.complement)


def _suppress_stratifier(total_hidden: bool, cells: Mapping[str, Cell]) -> dict[str, Reason]:
    reasons: dict[str, Reason] = {}
    for label, cell in cells.items():
        reason = _primary_reason(cell)
        if reason is not None:
            reasons[label] = reason
    # Shown cells in the order they would be given up: smallest denominator, then smallest
    # numerator, then label, so the outcome does not depend on dictionary order.
    candidates = sorted(
        (label for label in cells if label not in reasons),
        key=lambda label: (cells[label].denominator, cells[label].numerator, label),
    )
    while candidates:
        hidden = [cells[label] for label in reasons]
        if total_hidden:
            # The overall cell is unknown: only a fully shown stratifier would give it back.
            needs_more = not hidden
        else:
            # The hidden cells add up to total minus the shown ones: one hidden cell is
            # given away, and so is a hidden sum in 1..10.
            needs_more = bool(hidden) and (len(hidden) == 1 or _discloses(sum(hidden, Cell(0, 0))))
        if not needs_more:
            break
        reasons[candidates.pop(0)] = Reason.COMPLEMENTARY
    return reasons


def _shown(cell: Cell, reason: Reason | None) -> ShownCell:
    if reason is None:
        return ShownCell(cell.numerator, cell.denominator, None)
    return ShownCell(None, None, reason)


def suppress(table: Table) -> SuppressedTable:
    """Return what may be published of a table under the CMS cell-size policy."""
    total_reason = _primary_reason(table.total)
    strata: dict[str, dict[str, ShownCell]] = {}
    for stratifier, cells in table.strata.items():
        reasons = _suppress_stratifier(total_reason is not None, cells)
        strata[stratifier] = {
            label: _shown(cell, reasons.get(label)) for label, cell in cells.items()
        }
    return SuppressedTable(_shown(table.total, total_reason), strata)
