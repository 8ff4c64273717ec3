"""A month's figure from counts or values, with its interval (the stats module's methods)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from medcenter.quality import stats


@dataclass(frozen=True)
class Figure:
    numerator: float | None
    denominator: float | None
    value: float | None
    low: float | None
    high: float | None
    flagged: bool = False


# A snapshot run asks for the same small (x, n) pairs thousands of times (strata of every
# month); the interval of a pair never changes.
_wilson = lru_cache(maxsize=100_000)(stats.wilson)


def proportion(x: int, n: int) -> Figure:
    if n <= 0:
        return Figure(x, n, None, None, None)
    interval = _wilson(x, n)
    return Figure(x, n, x / n, interval.low, interval.high)


def median(values: Sequence[float]) -> Figure:
    if not values:
        return Figure(None, 0, None, None, None)
    estimate = stats.median_with_interval(values)
    return Figure(None, len(values), estimate.value, estimate.low, estimate.high)


def ratio(observed: int, predicted: float) -> Figure:
    estimate = stats.sir(observed, predicted)
    return Figure(observed, predicted, estimate.value, estimate.low, estimate.high)


def rate(events: int, exposure: float, per: int) -> Figure:
    estimate = stats.rate_per(events, exposure, per=per)
    return Figure(events, exposure, estimate.value, estimate.low, estimate.high)


def worse_than_rest(
    *, x: int, n: int, rest_x: int, rest_n: int, higher_is_better: bool, gap: float
) -> bool:
    """Flag a stratum worse than everyone else by `gap`, with a Newcombe interval that
    excludes zero (stats.worse_than_rest)."""
    if n <= 0 or rest_n <= 0:
        return False
    # stats.worse_than_rest flags only a point difference of at least `gap` (its tolerance
    # is 1e-9): most strata are not, and need no Newcombe interval.
    difference = x / n - rest_x / rest_n
    if (difference if higher_is_better else -difference) > -gap + 1e-9:
        return False
    return stats.worse_than_rest(x, n, rest_x, rest_n, higher_is_better, gap=gap).flagged
