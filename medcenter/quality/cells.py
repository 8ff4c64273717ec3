"""Where every surface applies the CMS cell-size policy before showing a figure.

The page, the dashboard, the CSV, the API and FHIR take their figures through these
functions, which publish only the output of `suppression.suppress` (primary and
complementary suppression): no count from 1 to 10 is shown or derivable anywhere.

Proportions are cells of numerator over denominator; a median is a cell of 0 over the number
of values (only its size is protected). SIRs and rates are hospital-wide counts of events
entered from NHSN and unit reports, not people, and are not cell-suppressed (CMS publishes
them); NHSN's own rule still applies: no SIR when fewer than one infection is predicted.
"""

from __future__ import annotations

from dataclasses import replace

from medcenter.quality.models import Kind, Measure, Snapshot
from medcenter.quality.points import Point, StratumRow
from medcenter.quality.suppression import Cell, ShownCell, Table, suppress


def _cell(measure: Measure, numerator: float | None, denominator: float | None) -> Cell | None:
    if denominator is None:
        return None
    if measure.kind == Kind.MEDIAN:
        return Cell(0, int(denominator))
    if numerator is None or numerator > denominator:
        return None
    return Cell(int(numerator), int(denominator))


def _counted(measure: Measure) -> bool:
    return measure.kind in (Kind.PROPORTION, Kind.MEDIAN)


def _blank(point: Point) -> Point:
    return replace(
        point, value=None, low=None, high=None, numerator=None, denominator=None, suppressed=True
    )


def _apply(point: Point, shown: ShownCell | None) -> Point:
    if shown is None or shown.suppressed:
        return _blank(point)
    return point


def publishable_point(measure: Measure, point: Point) -> Point:
    """The point as any surface may show it: blanked when it would reveal a small count."""
    if point.value is None and not point.denominator:
        return replace(point, numerator=None, denominator=None)
    if not _counted(measure):
        if measure.kind == Kind.RATIO and (point.denominator or 0) < 1:
            return _blank(point)
        return point
    cell = _cell(measure, point.numerator, point.denominator)
    if cell is None:
        return _blank(point)
    return _apply(point, suppress(Table(total=cell, strata={})).total)


def publishable_strata(measure: Measure, snapshots: list[Snapshot]) -> list[StratumRow]:
    """A month's overall and strata rows as one table through `suppress`, so that the overall
    figure less the shown strata never gives a hidden one back."""

    def point_of(snap: Snapshot) -> Point:
        return Point(snap.month, snap.value, snap.low, snap.high, snap.numerator, snap.denominator)

    overall = next((s for s in snapshots if not s.stratifier), None)
    strata = [s for s in snapshots if s.stratifier]
    if not _counted(measure):
        # The same rule as a single point (no SIR under one predicted infection), so FHIR's
        # reports, which read rows, show what the page and the API show.
        return [
            StratumRow(s.stratifier, s.stratum, publishable_point(measure, point_of(s)), s.flagged)
            for s in snapshots
        ]
    cells: dict[str, dict[str, Cell]] = {}
    usable = overall is not None
    for snap in strata:
        cell = _cell(measure, snap.numerator, snap.denominator)
        if cell is None:
            usable = False
            break
        cells.setdefault(snap.stratifier, {})[snap.stratum] = cell
    total = _cell(measure, overall.numerator, overall.denominator) if overall else None
    try:
        table = suppress(Table(total=total, strata=cells)) if usable and total else None
    except ValueError:
        table = None  # strata that do not add up are not published at all
    rows = []
    for snap in snapshots:
        if table is None:
            shown: ShownCell | None = None
        elif not snap.stratifier:
            shown = table.total
        else:
            shown = table.strata[snap.stratifier][snap.stratum]
        point = _apply(point_of(snap), shown)
        rows.append(
            StratumRow(snap.stratifier, snap.stratum, point, snap.flagged and not point.suppressed)
        )
    return rows
