"""The shapes every surface shows: one month's figure, and one stratum's row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class Point:
    month: date
    value: float | None
    low: float | None
    high: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool = False


@dataclass
class StratumRow:
    stratifier: str
    stratum: str
    point: Point
    flagged: bool
