"""The statistics reproduce published worked examples and hand-computed series."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcenter.quality.stats import (
    Estimate,
    Interval,
    anhoj_limits,
    funnel_limits,
    funnel_points,
    median_with_interval,
    newcombe_difference,
    p_chart,
    poisson_exact,
    rate_per,
    runs_analysis,
    sir,
    wilson,
    worse_than_rest,
)


def rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


# --- Wilson ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe, Stat Med 1998;17:857-872, Table I, method 3 (score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(successes, n, low, high):
    interval = wilson(successes, n)
    assert (rounded(interval.low), rounded(interval.high)) == (low, high)


def test_wilson_touches_zero_and_one_exactly_at_the_extremes():
    assert wilson(0, 20).low == 0.0
    assert wilson(20, 20).high == 1.0
    # Symmetry: the interval for 20/20 mirrors the one for 0/20.
    assert wilson(20, 20).low == pytest.approx(1 - wilson(0, 20).high)


def test_wilson_widens_with_confidence():
    narrow = wilson(81, 263, confidence=0.90)
    wide = wilson(81, 263, confidence=0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (3, 2), (-1, 5)])
def test_wilson_refuses_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        wilson(successes, n)


@settings(deadline=None)
@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_wilson_interval_contains_the_proportion_and_stays_in_unit_range(pair):
    successes, n = pair
    interval = wilson(successes, n)
    assert 0.0 <= interval.low <= successes / n <= interval.high <= 1.0


# --- Newcombe's difference -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe 1998, Table II, method 10 (hybrid score), examples (a)-(h).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_difference_matches_table_ii_method_10(x1, n1, x2, n2, low, high):
    estimate = newcombe_difference(x1, n1, x2, n2)
    assert rounded(estimate.value) == round(x1 / n1 - x2 / n2, 4)
    assert (rounded(estimate.low), rounded(estimate.high)) == (low, high)


def test_newcombe_difference_is_antisymmetric():
    forward = newcombe_difference(56, 70, 48, 80)
    backward = newcombe_difference(48, 80, 56, 70)
    assert backward.value == pytest.approx(-forward.value)
    assert backward.low == pytest.approx(-forward.high)
    assert backward.high == pytest.approx(-forward.low)


# --- Poisson, SIR and rates ------------------------------------------------------------------


def test_sir_matches_cdc_2011_state_clabsi_table():
    # CDC, 2011 National and State HAI Standardized Infection Ratio Report: 81 observed,
    # 65.490 predicted -> SIR 1.237, 95 % CI 0.982-1.537.
    estimate = sir(81, 65.490)
    assert (rounded(estimate.value, 3), rounded(estimate.low, 3), rounded(estimate.high, 3)) == (
        1.237,
        0.982,
        1.537,
    )


def test_poisson_exact_matches_garwood_tables():
    # Garwood 1936 / Ulm 1990 tables: 0 -> (0, 3.689); 1 -> (0.0253, 5.572); 10 -> (4.795, 18.39).
    assert (rounded(poisson_exact(0).low, 3), rounded(poisson_exact(0).high, 3)) == (0.0, 3.689)
    assert (rounded(poisson_exact(1).low, 4), rounded(poisson_exact(1).high, 3)) == (0.0253, 5.572)
    assert (rounded(poisson_exact(10).low, 3), rounded(poisson_exact(10).high, 2)) == (4.795, 18.39)


def test_sir_is_not_computed_below_one_predicted_infection():
    # NHSN computes no SIR when fewer than 1.0 infection is predicted.
    assert sir(2, 0.8) == Estimate(None, None, None)
    assert sir(0, 1.0) == Estimate(0.0, 0.0, pytest.approx(3.6889, abs=1e-4))


def test_rate_per_thousand_patient_days():
    # 12 falls in 4,000 patient days: 3.0 per 1,000; Garwood limits for 12 are 6.2006 and
    # 20.9616 (Ulm 1990), so 1.550 and 5.240 per 1,000.
    estimate = rate_per(12, 4000)
    assert estimate.value == pytest.approx(3.0)
    assert (rounded(estimate.low, 3), rounded(estimate.high, 3)) == (1.550, 5.240)


def test_rate_without_exposure_is_not_a_rate():
    assert rate_per(0, 0) == Estimate(None, None, None)


@pytest.mark.parametrize(
    "call", [lambda: poisson_exact(-1), lambda: sir(1, -2.0), lambda: rate_per(1, -1)]
)
def test_counts_and_exposure_cannot_be_negative(call):
    with pytest.raises(ValueError):
        call()


# --- Median ----------------------------------------------------------------------------------


def test_median_interval_uses_order_statistics_from_the_binomial():
    # n = 10: P(Bin(10, 1/2) <= 1) = 11/1024 = 0.0107 <= 0.025 < P(<= 2) = 0.0547, so r = 2:
    # [x(2), x(9)], coverage 1 - 2*11/1024 = 97.9 %.
    days = [3, 9, 1, 14, 7, 30, 5, 12, 21, 8]  # sorted: 1 3 5 7 8 9 12 14 21 30
    assert median_with_interval(days) == Estimate(8.5, 3.0, 21.0)


def test_median_interval_for_twenty_values_is_sixth_to_fifteenth():
    # n = 20: P(<= 5) = 0.0207 <= 0.025 < P(<= 6) = 0.0577, so r = 6 (Conover's table: 6, 15).
    assert median_with_interval(range(1, 21)) == Estimate(10.5, 6.0, 15.0)


def test_median_without_values_is_none_and_few_values_have_no_interval():
    assert median_with_interval([]) == Estimate(None, None, None)
    # Five values: even [x(1), x(5)] covers only 1 - 2/32 = 93.75 %.
    assert median_with_interval([4, 2, 9, 1, 7]) == Estimate(4.0, None, None)
    assert median_with_interval([4, 2, 9, 1, 7, 3]).low == 1.0


@settings(deadline=None)
@given(st.lists(st.integers(0, 400), min_size=6, max_size=300))
def test_median_interval_contains_the_median(values):
    estimate = median_with_interval(values)
    assert estimate.low is not None and estimate.high is not None
    assert estimate.low <= estimate.value <= estimate.high


# --- Anhøj's run rules -----------------------------------------------------------------------


@pytest.mark.parametrize(("n", "limits"), [(10, (6, 2)), (24, (8, 8)), (100, (10, 41))])
def test_anhoj_limits_match_the_published_table(n, limits):
    # Anhøj & Olesen, PLoS One 2014;9:e113825, Table 1.
    assert anhoj_limits(n) == limits


def test_runs_analysis_ignores_points_on_the_centre_line():
    # Above/below the centre 5: + + (5) + - - + ; the 5 is not useful, so the run of three
    # pluses continues across it.
    runs = runs_analysis([6, 7, 5, 8, 4, 3, 9], centre=5)
    assert (runs.useful, runs.longest_run, runs.crossings) == (6, 3, 2)
    assert (runs.longest_run_limit, runs.fewest_crossings_limit) == (6, 1)  # log2 6 + 3 = 5.58
    assert runs.signal is False


def test_a_shift_of_seven_points_signals_in_ten():
    runs = runs_analysis([1, 2, 1, 9, 9, 9, 9, 9, 9, 9], centre=5)
    assert runs.longest_run == 7 and runs.longest_run_limit == 6
    assert runs.signal is True


def test_too_few_crossings_signal():
    # 24 points, sides - x12 then + x12: one crossing (limit 8) and a run of 12 (limit 8).
    runs = runs_analysis([0.1] * 12 + [0.9] * 12, centre=0.5)
    assert (runs.crossings, runs.fewest_crossings_limit) == (1, 8)
    assert runs.signal is True


def test_alternating_series_does_not_signal():
    runs = runs_analysis([0.4, 0.6] * 12, centre=0.5)
    assert (runs.longest_run, runs.crossings, runs.signal) == (1, 23, False)


def test_runs_analysis_without_useful_points():
    runs = runs_analysis([5, None, 5], centre=5)
    assert (runs.useful, runs.signal, runs.longest_run_limit) == (0, False, None)


# --- p-chart ---------------------------------------------------------------------------------

# Hand-computed series: numerators 10, 34, 76, 5 over 100, 100, 400, 25.
#   p-bar = 125 / 625 = 0.2;  p-bar(1 - p-bar) = 0.16, so sigma_i = 0.4 / sqrt(n_i):
#   n = 100 -> 0.04, limits 0.2 +/- 0.12 = [0.08, 0.32];
#   n = 400 -> 0.02, limits [0.14, 0.26];
#   n = 25  -> 0.08, limits 0.2 +/- 0.24 = [-0.04 -> clipped to 0, 0.44].
#   p = 0.10, 0.34, 0.19, 0.20: only 0.34 > 0.32 is out of control.
#   z = (p - 0.2) / sigma = -2.5, 3.5, -0.5, 0.0; moving ranges 6, 4, 0.5 -> mean 3.5;
#   sigma_z = 3.5 / 1.128 = 3.102837; Laney limits for n = 100: 0.2 +/- 3 * 0.04 * 3.102837
#   = 0.2 +/- 0.372340 -> [0, 0.572340]; n = 400: 0.2 +/- 0.186170 -> [0.013830, 0.386170];
#   n = 25: 0.2 +/- 0.744681 -> [0, 0.944681]. Nothing is out of control.
#   Sum z^2 = 6.25 + 12.25 + 0.25 + 0 = 18.75 > chi-square(0.95, 3) = 7.815: overdispersed.
NUMERATORS = [10, 34, 76, 5]
DENOMINATORS = [100, 100, 400, 25]


def test_classic_p_chart_matches_the_hand_computed_series():
    chart = p_chart(NUMERATORS, DENOMINATORS, laney=False)
    assert chart.centre == pytest.approx(0.2)
    assert chart.laney_used is False
    expected = [
        (0.10, 0.08, 0.32, False),
        (0.34, 0.08, 0.32, True),
        (0.19, 0.14, 0.26, False),
        (0.20, 0.0, 0.44, False),
    ]
    for point, (p, lcl, ucl, out) in zip(chart.points, expected, strict=True):
        assert point.p == pytest.approx(p)
        assert point.lcl == pytest.approx(lcl)
        assert point.ucl == pytest.approx(ucl)
        assert point.out_of_control is out


def test_laney_p_prime_matches_the_hand_computed_series():
    chart = p_chart(NUMERATORS, DENOMINATORS, laney=True)
    assert chart.sigma_z == pytest.approx(3.5 / 1.128)
    assert chart.laney_used is True
    expected = [(0.0, 0.572340), (0.0, 0.572340), (0.013830, 0.386170), (0.0, 0.944681)]
    for point, (lcl, ucl) in zip(chart.points, expected, strict=True):
        assert point.lcl == pytest.approx(lcl, abs=1e-6)
        assert point.ucl == pytest.approx(ucl, abs=1e-6)
        assert point.out_of_control is False


def test_p_prime_is_chosen_when_the_series_is_overdispersed():
    assert p_chart(NUMERATORS, DENOMINATORS).laney_used is True
    assert p_chart(NUMERATORS, DENOMINATORS).dispersion == pytest.approx(18.75 / 3)


def test_classic_chart_is_kept_when_variation_is_binomial():
    # z = 0, 0.25, -0.25, 0: sigma_z = (0.25 + 0.5 + 0.25) / 3 / 1.128 = 0.2955 < 1.
    chart = p_chart([20, 21, 19, 20], [100, 100, 100, 100])
    assert chart.laney_used is False
    assert chart.sigma_z == pytest.approx(1 / 3 / 1.128)
    assert chart.points[0].ucl == pytest.approx(0.32)


def test_a_month_without_denominator_has_no_point_and_is_skipped_by_moving_ranges():
    chart = p_chart([10, 0, 34], [100, 0, 100], laney=True)
    assert chart.points[1].p is None and chart.points[1].out_of_control is False
    # z = -2.5 / ... with p-bar = 44/200 = 0.22: sigma 0.041425; z = -2.8968, 2.8968;
    # one moving range 5.7936 -> sigma_z = 5.1362.
    sigma = math.sqrt(0.22 * 0.78 / 100)
    assert chart.sigma_z == pytest.approx(2 * (0.34 - 0.22) / sigma / 1.128)


def test_p_chart_with_no_events_has_flat_limits():
    chart = p_chart([0, 0, 0], [50, 60, 70])
    assert chart.centre == 0.0 and chart.sigma_z is None
    assert all(point.lcl == point.ucl == 0.0 for point in chart.points)
    assert not any(point.out_of_control for point in chart.points)


def test_p_chart_refuses_mismatched_or_impossible_series():
    with pytest.raises(ValueError):
        p_chart([1, 2], [10])
    with pytest.raises(ValueError):
        p_chart([11], [10])


# --- Funnel plot -----------------------------------------------------------------------------


def test_funnel_limits_interpolate_the_binomial_quantiles():
    # Target 0.5, n = 10 (Bin(10, 1/2) CDF in 1024ths: P(<=0) 1, P(<=1) 11, P(<=2) 56,
    # P(<=7) 968, P(<=8) 1013, P(<=9) 1023).
    #  2.5 %: r = 2, alpha = (56 - 25.6) / 45 = 0.675556 -> (2 - 0.675556) / 10 = 0.132444
    # 97.5 %: r = 8, alpha = (1013 - 998.4) / 45 = 0.324444 -> 0.767556
    #  0.1 %: r = 1, alpha = (11 - 1.024) / 10 = 0.9976 -> 0.00024
    # 99.9 %: r = 9, alpha = (1023 - 1022.976) / 10 = 0.0024 -> 0.89976
    (limit,) = funnel_limits(0.5, [10])
    assert limit.n == 10
    assert limit.lower95 == pytest.approx(0.132444, abs=1e-6)
    assert limit.upper95 == pytest.approx(0.767556, abs=1e-6)
    assert limit.lower998 == pytest.approx(0.00024, abs=1e-9)
    assert limit.upper998 == pytest.approx(0.89976, abs=1e-9)


def test_funnel_narrows_with_the_denominator_and_stays_in_unit_range():
    limits = funnel_limits(0.1, [5, 20, 100, 1000, 10000])
    widths = [limit.upper95 - limit.lower95 for limit in limits]
    assert widths == sorted(widths, reverse=True)
    for limit in limits:
        assert 0.0 <= limit.lower998 <= limit.lower95 <= 0.1 <= limit.upper95 <= limit.upper998 <= 1
    # Large n: close to the normal limits 0.1 +/- 1.96 * sqrt(0.09 / 10000) = 0.1 +/- 0.00588.
    assert limits[-1].lower95 == pytest.approx(0.1 - 0.00588, abs=2e-4)


def test_funnel_points_flag_units_outside_the_limits():
    points = funnel_points(
        [("North", 8, 10), ("South", 5, 10), ("East", 0, 10), ("West", 250, 1000), ("Empty", 0, 0)],
        target=0.5,
    )
    by_label = {point.label: point for point in points}
    assert set(by_label) == {"North", "South", "East", "West"}
    assert (by_label["North"].beyond95, by_label["North"].beyond998) == (True, False)
    assert (by_label["South"].beyond95, by_label["South"].beyond998) == (False, False)
    assert (by_label["East"].beyond95, by_label["East"].beyond998) == (True, True)
    assert (by_label["West"].p, by_label["West"].beyond998) == (0.25, True)


def test_funnel_refuses_a_target_outside_zero_to_one():
    with pytest.raises(ValueError):
        funnel_limits(1.5, [10])


# --- Equity flag -----------------------------------------------------------------------------


def test_a_stratum_clearly_worse_is_flagged():
    # 48/80 = 60 % against 56/70 = 80 % where higher is better: -20 points, interval
    # (-0.3339, -0.0524) excludes zero.
    flag = worse_than_rest(48, 80, 56, 70, higher_is_better=True)
    assert flag.flagged is True
    assert (rounded(flag.difference.low), rounded(flag.difference.high)) == (-0.3339, -0.0524)


def test_a_better_stratum_is_never_flagged():
    assert worse_than_rest(56, 70, 48, 80, higher_is_better=True).flagged is False
    assert worse_than_rest(48, 80, 56, 70, higher_is_better=False).flagged is False


def test_a_gap_below_the_meaningful_difference_is_not_flagged_even_if_significant():
    # 4 points lower on large numbers: the interval excludes zero but the gap is under 5.
    flag = worse_than_rest(4600, 10000, 5000, 10000, higher_is_better=True)
    assert flag.difference.high < 0
    assert flag.flagged is False
    assert worse_than_rest(4600, 10000, 5000, 10000, higher_is_better=True, gap=0.04).flagged


def test_a_large_gap_on_small_numbers_is_not_flagged():
    # 1/3 against 2/3: 33 points worse, but the interval includes zero.
    flag = worse_than_rest(1, 3, 2, 3, higher_is_better=True)
    assert flag.difference.low < 0 < flag.difference.high
    assert flag.flagged is False


def test_exactly_five_points_counts_as_the_gap():
    # 45 % against 40 % where lower is better (0.45 - 0.40 is 0.0499999... in floats).
    assert worse_than_rest(4500, 10000, 4000, 10000, higher_is_better=False).flagged is True


def test_an_empty_stratum_is_not_flagged():
    assert worse_than_rest(0, 0, 5, 10, higher_is_better=True).difference == Estimate(
        None, None, None
    )


def test_interval_and_estimate_are_frozen():
    with pytest.raises(AttributeError):
        Interval(0.1, 0.2).low = 0.0
