"""Statistics for quality measures: intervals, run rules, control charts and funnel plots.

Pure functions on numbers (no models, no database), so that snapshots, pages, the API and the
benchmark all compute the same figures. Every method is named after the paper it follows and
the tests pin the published worked examples.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

__all__ = [
    "Estimate",
    "Flag",
    "FunnelLimit",
    "FunnelPoint",
    "Interval",
    "PChart",
    "PPoint",
    "Runs",
    "anhoj_limits",
    "funnel_limits",
    "funnel_points",
    "median_with_interval",
    "newcombe_difference",
    "p_chart",
    "poisson_exact",
    "rate_per",
    "runs_analysis",
    "sir",
    "wilson",
    "worse_than_rest",
]


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its interval; None where the data cannot give one."""

    value: float | None
    low: float | None
    high: float | None


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie strictly between 0 and 1")
    return float(sps.norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def _check_count(successes: int, n: int) -> None:
    if n < 0 or successes < 0:
        raise ValueError("counts cannot be negative")
    if successes > n:
        raise ValueError("the numerator cannot exceed the denominator")


# --- Proportions -----------------------------------------------------------------------------


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Return the Wilson score interval for successes out of n (Newcombe 1998, method 3)."""
    _check_count(successes, n)
    if n == 0:
        raise ValueError("a proportion needs a denominator above zero")
    z = _z(confidence)
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denominator
    # The score interval touches 0 (or 1) exactly when nothing (or everything) happened;
    # rounding would otherwise leave -1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Estimate:
    """Return p1 - p2 with Newcombe's hybrid score interval (Stat Med 1998, method 10)."""
    first = wilson(x1, n1, confidence)
    second = wilson(x2, n2, confidence)
    p1 = x1 / n1
    p2 = x2 / n2
    difference = p1 - p2
    low = difference - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = difference + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Estimate(difference, max(-1.0, low), min(1.0, high))


# --- Counts and rates ------------------------------------------------------------------------


def poisson_exact(observed: int, confidence: float = 0.95) -> Interval:
    """Return Garwood's exact interval for a Poisson count (chi-square quantiles)."""
    if observed < 0:
        raise ValueError("counts cannot be negative")
    _z(confidence)
    alpha = 1.0 - confidence
    low = 0.0 if observed == 0 else float(sps.chi2.ppf(alpha / 2, 2 * observed)) / 2
    high = float(sps.chi2.ppf(1 - alpha / 2, 2 * (observed + 1))) / 2
    return Interval(low, high)


def sir(observed: int, predicted: float, confidence: float = 0.95) -> Estimate:
    """Return the standardized infection ratio O/P with exact Poisson limits on O over P.

    NHSN does not compute an SIR when fewer than one infection is predicted; neither do we
    (value and limits are None).
    """
    if predicted < 0 or not math.isfinite(predicted):
        raise ValueError("the predicted count must be a finite number, zero or more")
    interval = poisson_exact(observed, confidence)
    if predicted < 1.0:
        return Estimate(None, None, None)
    return Estimate(observed / predicted, interval.low / predicted, interval.high / predicted)


def rate_per(events: int, exposure: float, per: float = 1000, confidence: float = 0.95) -> Estimate:
    """Return events per `per` units of exposure (e.g. falls per 1,000 patient days)."""
    if exposure < 0 or not math.isfinite(exposure):
        raise ValueError("exposure must be a finite number, zero or more")
    interval = poisson_exact(events, confidence)
    if exposure == 0:
        return Estimate(None, None, None)
    scale = per / exposure
    return Estimate(events * scale, interval.low * scale, interval.high * scale)


def median_with_interval(values: Iterable[float], confidence: float = 0.95) -> Estimate:
    """Return the median with its distribution-free order-statistic interval.

    The interval is [x(r), x(n-r+1)] for the largest r with P(Bin(n, ½) ≤ r-1) ≤ alpha/2, so it
    covers the population median with at least the stated confidence. Below six values no
    pair of order statistics reaches 95 %, and the limits are None rather than a promise the
    data cannot keep. No values: everything is None.
    """
    data = np.sort(np.asarray(list(values), dtype=float))
    n = int(data.size)
    if n == 0:
        return Estimate(None, None, None)
    if not np.all(np.isfinite(data)):
        raise ValueError("values must be finite numbers")
    _z(confidence)
    median = float(np.median(data))
    half_alpha = (1.0 - confidence) / 2
    # binom.ppf gives the smallest k with P(X ≤ k) ≥ alpha/2; then P(X ≤ k-1) < alpha/2, so r = k,
    # or k + 1 in the exact tie P(X ≤ k) = alpha/2.
    k = int(sps.binom.ppf(half_alpha, n, 0.5))
    r = k + 1 if math.isclose(float(sps.binom.cdf(k, n, 0.5)), half_alpha) else k
    if r < 1:
        return Estimate(median, None, None)
    return Estimate(median, float(data[r - 1]), float(data[n - r]))


# --- Anhøj's run rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Runs:
    useful: int
    longest_run: int
    crossings: int
    longest_run_limit: int | None
    fewest_crossings_limit: int | None
    signal: bool


def anhoj_limits(n_useful: int) -> tuple[int, int]:
    """Return (longest run limit, fewest crossings limit) for n useful points (Anhøj 2015).

    A run longer than the first, or fewer crossings than the second, signals non-random
    variation.
    """
    if n_useful < 1:
        raise ValueError("the run rules need at least one useful point")
    longest = round(math.log2(n_useful) + 3)
    crossings = int(sps.binom.ppf(0.05, n_useful - 1, 0.5))
    return longest, crossings


def runs_analysis(values: Sequence[float | None], centre: float) -> Runs:
    """Apply Anhøj's rules to a series around its centre line.

    Points on the centre line (and missing points) are not useful: they neither break nor
    extend a run, as in Anhøj's definition.
    """
    sides = [
        1 if value > centre else -1
        for value in values
        if value is not None and not math.isclose(value, centre, rel_tol=1e-12, abs_tol=1e-15)
    ]
    useful = len(sides)
    if useful == 0:
        return Runs(0, 0, 0, None, None, False)
    longest = current = 1
    crossings = 0
    for previous, side in itertools.pairwise(sides):
        if side == previous:
            current += 1
            longest = max(longest, current)
        else:
            crossings += 1
            current = 1
    run_limit, crossing_limit = anhoj_limits(useful)
    signal = longest > run_limit or crossings < crossing_limit
    return Runs(useful, longest, crossings, run_limit, crossing_limit, signal)


# --- p-chart (classic and Laney's p') --------------------------------------------------------

#: d2 for moving ranges of two points.
D2 = 1.128


@dataclass(frozen=True, slots=True)
class PPoint:
    p: float | None
    lcl: float | None
    ucl: float | None
    out_of_control: bool


@dataclass(frozen=True, slots=True)
class PChart:
    centre: float | None
    sigma_z: float | None
    points: tuple[PPoint, ...]
    laney_used: bool
    #: Pearson's dispersion statistic Σz² / (k - 1): about 1 when the binomial model holds.
    dispersion: float | None = None


def _laney_sigma_z(z: np.ndarray) -> float | None:
    if z.size < 2:
        return None
    return float(np.mean(np.abs(np.diff(z)))) / D2


def p_chart(
    numerators: Sequence[int],
    denominators: Sequence[int],
    laney: bool | None = None,
) -> PChart:
    """Return a p-chart: centre p̄ = Σx/Σn, limits p̄ ± 3·sigma_z·√(p̄(1-p̄)/nᵢ) clipped to [0, 1].

    Classic chart: sigma_z = 1. Laney's p' (Quality Engineering 2002): sigma_z = mean moving
    range of the points' z-scores / 1.128. With laney=None, p' is used when the data are
    overdispersed: sigma_z > 1 and Pearson's dispersion statistic Σzᵢ² exceeds the 95th
    percentile of χ² on k - 1 degrees of freedom, i.e. the between-month variation is more
    than binomial sampling explains, as happens with large denominators. Underdispersion
    never narrows the limits.

    A month with no denominator has no proportion and no limits; it is skipped by the moving
    ranges.
    """
    if len(numerators) != len(denominators):
        raise ValueError("numerators and denominators must have the same length")
    for numerator, denominator in zip(numerators, denominators, strict=True):
        _check_count(numerator, denominator)
    x_all = np.asarray(numerators, dtype=float)
    n_all = np.asarray(denominators, dtype=float)
    present = n_all > 0
    total = float(n_all.sum())
    if total == 0:
        empty = tuple(PPoint(None, None, None, False) for _ in numerators)
        return PChart(None, None, empty, False)
    centre = float(x_all.sum()) / total
    x = x_all[present]
    n = n_all[present]
    p = x / n
    binomial_sd = np.sqrt(centre * (1.0 - centre) / n)

    sigma_z: float | None = None
    dispersion: float | None = None
    overdispersed = False
    if 0.0 < centre < 1.0:
        z = (p - centre) / binomial_sd
        sigma_z = _laney_sigma_z(z)
        if z.size >= 2:
            chi_square = float(np.sum(z * z))
            dispersion = chi_square / (z.size - 1)
            overdispersed = chi_square > float(sps.chi2.ppf(0.95, z.size - 1))
    if laney is None:
        laney_used = sigma_z is not None and sigma_z > 1.0 and overdispersed
    else:
        laney_used = bool(laney) and sigma_z is not None

    width = 3.0 * binomial_sd * (sigma_z if laney_used and sigma_z is not None else 1.0)
    lcl = np.clip(centre - width, 0.0, 1.0)
    ucl = np.clip(centre + width, 0.0, 1.0)

    computed = iter(
        PPoint(float(pi), float(lo), float(hi), bool(pi < lo or pi > hi))
        for pi, lo, hi in zip(p, lcl, ucl, strict=True)
    )
    points = tuple(
        next(computed) if has_data else PPoint(None, None, None, False) for has_data in present
    )
    return PChart(centre, sigma_z, points, laney_used, dispersion)


# --- Funnel plot (Spiegelhalter 2005) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunnelLimit:
    n: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    label: str
    p: float
    n: int
    beyond95: bool
    beyond998: bool


def _binomial_limit(target: float, n: np.ndarray, probability: float) -> np.ndarray:
    """Interpolated binomial quantile over n (Spiegelhalter 2005, Stat Med, appendix A.1.1).

    r_p is the smallest r with P(X ≤ r) ≥ p; the step is smoothed by
    alpha = (P(X ≤ r_p) - p) / (P(X ≤ r_p) - P(X ≤ r_p - 1)) and the limit is (r_p - alpha)/n.
    """
    r = sps.binom.ppf(probability, n, target)
    at_r = sps.binom.cdf(r, n, target)
    below_r = sps.binom.cdf(r - 1, n, target)
    step = at_r - below_r
    alpha = np.divide(at_r - probability, step, out=np.zeros_like(step), where=step > 0)
    return np.asarray(np.clip((r - alpha) / n, 0.0, 1.0), dtype=float)


def funnel_limits(
    target: float,
    denominators: Iterable[int],
    levels: tuple[float, float] = (0.95, 0.998),
) -> list[FunnelLimit]:
    """Return exact binomial funnel limits around target for each denominator.

    Limits are Spiegelhalter's interpolated binomial quantiles (not the normal approximation),
    so they stay inside [0, 1] and are right for small denominators and rare events.
    """
    if not 0.0 <= target <= 1.0:
        raise ValueError("the target must be a proportion between 0 and 1")
    inner, outer = levels
    for level in levels:
        _z(level)
    n = np.asarray(list(denominators), dtype=float)
    if n.size == 0:
        return []
    if np.any(n < 1):
        raise ValueError("funnel denominators must be 1 or more")
    limits = [
        _binomial_limit(target, n, probability)
        for probability in (
            (1 - inner) / 2,
            1 - (1 - inner) / 2,
            (1 - outer) / 2,
            1 - (1 - outer) / 2,
        )
    ]
    return [
        FunnelLimit(int(size), float(lo95), float(hi95), float(lo998), float(hi998))
        for size, lo95, hi95, lo998, hi998 in zip(n, *limits, strict=True)
    ]


def funnel_points(units: Sequence[tuple[str, int, int]], target: float) -> list[FunnelPoint]:
    """Place each unit (label, numerator, denominator) against the funnel around target.

    A unit is beyond a limit when its proportion lies strictly outside the plotted
    (interpolated) limit, so the flag always agrees with the picture. Near a step of the
    binomial the interpolated limit can sit slightly inside the exact discrete one: a unit
    just beyond it may have an exact tail probability a little above 2.5 % (e.g. 8/10
    against 0.5: upper 95 % limit 0.768, P(X >= 8) = 0.055). Units without a denominator are
    left out (they have no proportion).
    """
    for _label, x, n in units:
        _check_count(x, n)
    placed = [unit for unit in units if unit[2] > 0]
    limits = funnel_limits(target, [n for _label, _x, n in placed])
    points = []
    for (label, x, n), limit in zip(placed, limits, strict=True):
        p = x / n
        points.append(
            FunnelPoint(
                label,
                p,
                n,
                beyond95=p < limit.lower95 or p > limit.upper95,
                beyond998=p < limit.lower998 or p > limit.upper998,
            )
        )
    return points


# --- Equity flags ----------------------------------------------------------------------------


def _difference_bounds(estimate: Estimate) -> tuple[float, float]:
    if estimate.low is None or estimate.high is None:
        raise ValueError("the difference has no interval")
    return estimate.low, estimate.high


@dataclass(frozen=True, slots=True)
class Flag:
    difference: Estimate
    flagged: bool


def worse_than_rest(
    stratum_x: int,
    stratum_n: int,
    rest_x: int,
    rest_n: int,
    higher_is_better: bool,
    gap: float = 0.05,
) -> Flag:
    """Flag a stratum worse than the rest by at least gap when Newcombe's 95 % interval of
    the difference (stratum - rest) excludes zero.

    The difference keeps its sign (stratum - rest) whichever way is better. An empty stratum
    or an empty rest has no difference and is never flagged.
    """
    _check_count(stratum_x, stratum_n)
    _check_count(rest_x, rest_n)
    if gap < 0:
        raise ValueError("the gap cannot be negative")
    if stratum_n == 0 or rest_n == 0:
        return Flag(Estimate(None, None, None), False)
    p1, p2 = stratum_x / stratum_n, rest_x / rest_n
    difference = newcombe_difference(stratum_x, stratum_n, rest_x, rest_n)
    low, high = _difference_bounds(difference)
    # Points are whole percentages of float sums: 0.45 - 0.40 is 0.0499999…; a tolerance far
    # below any meaningful gap keeps "at least 5 points" honest.
    tolerance = 1e-9
    if higher_is_better:
        flagged = p1 - p2 <= -gap + tolerance and high < 0
    else:
        flagged = p1 - p2 >= gap - tolerance and low > 0
    return Flag(difference, flagged)
