"""Tests of impactrisk.coincidence: scan statistic of an inhomogeneous Poisson fleet,
total-count tails, bounds and the Monte-Carlo cross-check.

Reference values are independent of the code under test: the closed form for two
points within ``w`` of a homogeneous process, Naus's exact ``Q2``/``Q3`` (Naus 1982,
JASA 77:177; Glaz, Naus & Wallenstein 2001), hand-computed Poisson sums, and Monte
Carlo (which shares no code with the dynamic programme beyond the input grid).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from impactrisk.coincidence import (
    IntensityGrid,
    count_probability,
    disjoint_windows_lower_bound,
    naus_approximation,
    poisson_sf,
    scan_probability,
    scan_probability_mc,
    upcrossing_bound,
    vehicle_probabilities,
)
from impactrisk.errors import InputError

# -- named tolerances -------------------------------------------------------------
#: Exact method vs closed forms (homogeneous k = 2; Naus's exact Q2, Q3), relative.
REL_TOL_CLOSED_FORM = 1e-8
#: Exact method vs Monte Carlo: at most this many standard errors apart.
MC_SIGMAS = 4.0
#: Monte-Carlo runs must be precise enough to mean something: SE / min(p, 1-p) below.
MC_MAX_REL_SE = 0.05
#: Naus (1982) approximation vs exact for T = 10 w, relative (it is good to ~1e-4).
NAUS_APPROX_REL_TOL = 1e-3
#: Up-crossing bound vs exact when p < 0.01, relative excess allowed.
BOUND_REL_EXCESS_SMALL_P = 0.05
#: Poisson tails vs hand-computed sums, relative.
REL_TOL_POISSON = 1e-12
#: Slack for comparisons that must hold up to rounding.
ROUNDING = 1e-12

WINDOW_DAYS = 365.25
SPAN_DAYS = 8 * 365.25
EXPOSURE_DAYS = 182.625


# -- helpers ----------------------------------------------------------------------

def closed_form_two_within(rate_per_day: float, span_days: float, window_days: float) -> float:
    """P(some two points closer than w) for a homogeneous Poisson process on [0, T].

    Given n points, uniform order statistics: P(all gaps >= w) = (1 - (n-1) w/T)_+^n.
    """
    mean = rate_per_day * span_days
    none_close = 0.0
    for n in range(0, 400):
        frac = max(0.0, 1.0 - (n - 1) * window_days / span_days)
        if frac == 0.0 and n > 1:
            break
        log_pmf = -mean + (n * math.log(mean) if n else 0.0) - math.lgamma(n + 1)
        none_close += math.exp(log_pmf) * frac ** n
    return 1.0 - none_close


def homogeneous(rate_per_day: float, span_days: float) -> IntensityGrid:
    return IntensityGrid([0.0, span_days], [[rate_per_day]], ("one",))


def fleet(n_per_vehicle: float, seed: int = 20231009) -> IntensityGrid:
    """30 vehicles, 6-month exposures started at random over 8 years (inhomogeneous)."""
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.uniform(0.0, SPAN_DAYS - EXPOSURE_DAYS, 30))
    return IntensityGrid.from_intervals(
        [(f"vehicle {i:02d}", s, s + EXPOSURE_DAYS, n_per_vehicle) for i, s in enumerate(starts)],
        cell_days=1.0, start_day=0.0, end_day=SPAN_DAYS)


def assert_mc_agrees(exact: float, mc) -> None:
    scale = min(exact, 1.0 - exact)
    assert mc.standard_error <= MC_MAX_REL_SE * scale, (
        f"Monte Carlo too noisy: SE {mc.standard_error:.3g} for p = {exact:.4g}")
    assert abs(mc.probability - exact) <= MC_SIGMAS * mc.standard_error, (
        f"exact {exact:.6g} vs MC {mc.probability:.6g} +- {mc.standard_error:.2g}")


# -- count_probability --------------------------------------------------------------

def test_count_probability_hand_computed():
    res = count_probability(0.3, 3)
    expected_tail = 1.0 - math.exp(-0.3) * (1.0 + 0.3 + 0.045)
    assert res.p_at_least == pytest.approx(expected_tail, rel=1e-10)
    assert res.p_exactly == pytest.approx(math.exp(-0.3) * 0.3 ** 3 / 6.0, rel=REL_TOL_POISSON)
    assert res.p_fewer == pytest.approx(math.exp(-0.3) * (1.0 + 0.3 + 0.045), rel=REL_TOL_POISSON)
    assert res.mean == 0.3 and res.n == 3


@pytest.mark.parametrize("mean, n", [(1e-3, 5), (1e-6, 3), (2.0, 9), (50.0, 30), (50.0, 80)])
def test_poisson_tails_against_direct_sums(mean, n):
    def pmf(i):
        return math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1))
    upper = math.fsum(pmf(i) for i in range(n, n + 400))
    lower = math.fsum(pmf(i) for i in range(n))
    res = count_probability(mean, n)
    assert res.p_at_least == pytest.approx(upper, rel=REL_TOL_POISSON * 100)
    assert res.p_fewer == pytest.approx(lower, rel=REL_TOL_POISSON * 100)
    assert res.p_exactly == pytest.approx(pmf(n), rel=REL_TOL_POISSON * 100)
    assert float(poisson_sf(n, mean)) == pytest.approx(upper, rel=REL_TOL_POISSON * 100)


def test_count_probability_of_a_grid_and_vehicles():
    grid = fleet(0.05)
    res = count_probability(grid, 3)
    assert res.mean == pytest.approx(30 * 0.05, rel=1e-12)
    assert res.p_at_least == pytest.approx(float(poisson_sf(3, 1.5)), rel=REL_TOL_POISSON)
    assert count_probability(grid, 0).p_at_least == 1.0
    per_vehicle = vehicle_probabilities(grid)
    np.testing.assert_allclose(per_vehicle, -np.expm1(-0.05), rtol=1e-12)
    np.testing.assert_allclose(vehicle_probabilities(grid, 2),
                               1 - np.exp(-0.05) * 1.05, rtol=1e-9)


# -- the grid -----------------------------------------------------------------------

def test_from_intervals_keeps_totals_and_merges_names():
    grid = IntensityGrid.from_intervals(
        [("A", 0.3, 10.7, 0.2), ("B", 5.0, 20.0, 1.5), ("A", 15.25, 18.0, 0.1)], cell_days=1.0)
    assert grid.vehicles == ("A", "B")
    np.testing.assert_allclose(grid.expected_per_vehicle(), [0.3, 1.5], rtol=1e-12)
    assert grid.expected_total() == pytest.approx(1.8, rel=1e-12)
    assert grid.t0_day == 0.3 and grid.t1_day == 20.0
    for t in (0.3, 10.7, 5.0, 15.25, 18.0):
        assert np.any(np.isclose(grid.edges_day, t, rtol=0, atol=1e-12))
    # piecewise constant: vehicle A's rate inside its first interval
    inside = (grid.edges_day[:-1] >= 0.3) & (grid.edges_day[1:] <= 10.7)
    np.testing.assert_allclose(grid.rate_per_day[0, inside], 0.2 / 10.4, rtol=1e-12)
    assert grid.total_rate().shape == (grid.edges_day.size - 1,)


# -- homogeneous process: closed forms ------------------------------------------------

@pytest.mark.parametrize("mean_total, window_frac", [(5.0, 0.1), (0.5, 0.05), (20.0, 0.02),
                                                      (2.0, 0.5)])
def test_k2_matches_closed_form(mean_total, window_frac):
    span = 1000.0
    grid = homogeneous(mean_total / span, span)
    window = window_frac * span
    exact = closed_form_two_within(mean_total / span, span, window)
    res = scan_probability(grid, window, 2)
    assert res.method == "dp"
    assert res.probability == pytest.approx(exact, rel=REL_TOL_CLOSED_FORM)
    assert abs(res.probability - exact) <= res.error_estimate + ROUNDING
    assert res.lower - ROUNDING <= exact <= res.upper + ROUNDING
    assert res.complement == pytest.approx(1.0 - exact, rel=REL_TOL_CLOSED_FORM)


@pytest.mark.parametrize("psi", [0.05, 0.5, 2.0])
@pytest.mark.parametrize("n_windows", [2, 3])
def test_k3_matches_naus_exact_q2_q3(psi, n_windows):
    """Naus's Q2 and Q3 are exact for histories of two and three windows."""
    window = 30.0
    grid = homogeneous(psi / window, n_windows * window)
    _, q2, q3 = naus_approximation(psi / window, window, n_windows * window, 3)
    exact = 1.0 - (q2 if n_windows == 2 else q3)
    res = scan_probability(grid, window, 3)
    assert res.probability == pytest.approx(exact, rel=REL_TOL_CLOSED_FORM)
    assert res.lower - ROUNDING <= exact <= res.upper + ROUNDING


def test_k3_long_history_against_monte_carlo_and_naus():
    window, span, psi = 10.0, 100.0, 0.5
    grid = homogeneous(psi / window, span)
    res = scan_probability(grid, window, 3)
    mc = scan_probability_mc(grid, window, 3, 300_000, np.random.default_rng(3))
    assert_mc_agrees(res.probability, mc)
    naus, _, _ = naus_approximation(psi / window, window, span, 3)
    assert naus == pytest.approx(res.probability, rel=NAUS_APPROX_REL_TOL)
    # the approximation is not exact here: the exact method must differ from it
    assert abs(naus - res.probability) > 10 * res.error_estimate


def test_k1_is_at_least_one_point():
    grid = fleet(0.05)
    res = scan_probability(grid, WINDOW_DAYS, 1)
    assert res.probability == pytest.approx(-math.expm1(-grid.expected_total()), rel=1e-10)


# -- inhomogeneous fleet ----------------------------------------------------------------

@pytest.mark.parametrize("n_per_vehicle, n_sim", [(0.05, 200_000), (0.5, 200_000)])
def test_fleet_exact_vs_monte_carlo_and_bound(n_per_vehicle, n_sim):
    grid = fleet(n_per_vehicle)
    res = scan_probability(grid, WINDOW_DAYS, 3)
    assert res.method == "dp"
    assert 0.0 < res.lower <= res.probability <= res.upper <= 1.0
    assert res.probability + res.complement == pytest.approx(1.0, abs=1e-12)
    mc = scan_probability_mc(grid, WINDOW_DAYS, 3, n_sim, np.random.default_rng(7))
    assert mc.max_count_histogram.sum() == n_sim
    assert_mc_agrees(res.probability, mc)
    bound = upcrossing_bound(grid, WINDOW_DAYS, 3)
    assert bound == pytest.approx(res.upcrossing_bound, rel=1e-14)
    assert bound >= res.lower and bound >= res.probability
    assert disjoint_windows_lower_bound(grid, WINDOW_DAYS, 3) <= res.upper


@pytest.mark.parametrize("n_per_vehicle", [0.005, 0.02])
def test_bound_is_tight_when_probability_is_small(n_per_vehicle):
    grid = fleet(n_per_vehicle)
    res = scan_probability(grid, WINDOW_DAYS, 3)
    assert res.probability < 0.01
    assert res.upcrossing_bound >= res.probability
    assert res.upcrossing_bound <= res.probability * (1 + BOUND_REL_EXCESS_SMALL_P)
    as_bound = scan_probability(grid, WINDOW_DAYS, 3, method="bound")
    assert as_bound.method == "bound"
    assert as_bound.lower <= res.probability <= as_bound.upper


def test_small_probability_keeps_relative_precision():
    """p = a f**3 (1 - O(f)) for rates scaled by a tiny f; the exact method must follow
    it down to p ~ 1e-26 (no 1 - x cancellation)."""
    grid = fleet(0.05)
    p6 = scan_probability(grid.scaled(1e-6), WINDOW_DAYS, 3)
    p8 = scan_probability(grid.scaled(1e-8), WINDOW_DAYS, 3)
    assert p8.probability > 0
    # the O(f) correction is about 0.3 f relative: 3e-7 at f = 1e-6
    assert p8.probability / 1e-24 == pytest.approx(p6.probability / 1e-18, rel=1e-5)
    # and the bound, computed independently, agrees there (second-order excess only)
    assert p8.upcrossing_bound == pytest.approx(p8.probability, rel=1e-5)
    assert p8.lower <= p8.probability <= p8.upper


def test_k4_against_monte_carlo():
    grid = fleet(0.2)
    res = scan_probability(grid, WINDOW_DAYS, 4)
    assert res.method == "dp"
    mc = scan_probability_mc(grid, WINDOW_DAYS, 4, 100_000, np.random.default_rng(11))
    assert_mc_agrees(res.probability, mc)


def test_clustered_exposures_are_more_likely_than_spread_ones():
    spread = IntensityGrid.from_intervals(
        [(f"v{i}", i * 365.25, i * 365.25 + EXPOSURE_DAYS, 0.1) for i in range(8)])
    clustered = IntensityGrid.from_intervals(
        [(f"v{i}", i * 20.0, i * 20.0 + EXPOSURE_DAYS, 0.1) for i in range(8)],
        start_day=0.0, end_day=spread.t1_day)
    assert clustered.expected_total() == pytest.approx(spread.expected_total())
    p_spread = scan_probability(spread, WINDOW_DAYS, 3).probability
    p_clustered = scan_probability(clustered, WINDOW_DAYS, 3).probability
    assert p_clustered > 2 * p_spread
    # clustered within one window: close to P(N_total >= 3)
    assert p_clustered <= count_probability(clustered, 3).p_at_least + ROUNDING


# -- monotonicity ---------------------------------------------------------------------

def test_monotone_in_rates_and_window():
    grid = fleet(0.05)
    by_scale = [scan_probability(grid.scaled(f), WINDOW_DAYS, 3).probability
                for f in (0.1, 0.3, 1.0, 3.0, 10.0)]
    assert all(0.0 <= p <= 1.0 for p in by_scale)
    assert all(b >= a for a, b in zip(by_scale, by_scale[1:]))
    by_window = [scan_probability(grid, w, 3).probability for w in (60.0, 180.0, 365.25, 730.0,
                                                                   SPAN_DAYS)]
    assert all(0.0 <= p <= 1.0 for p in by_window)
    assert all(b >= a for a, b in zip(by_window, by_window[1:]))
    # the whole history as the window is the total-count tail
    assert by_window[-1] == pytest.approx(count_probability(grid, 3).p_at_least, rel=1e-6)


# -- invalid input ----------------------------------------------------------------------

@pytest.mark.parametrize("edges, rates", [
    ([0.0, 1.0, 1.0], [[0.1, 0.1]]),          # non-increasing edges
    ([0.0, 2.0, 1.0], [[0.1, 0.1]]),
    ([0.0, 1.0, 2.0], [[0.1, -0.1]]),         # negative rate
    ([0.0, 1.0, 2.0], [[0.1, np.nan]]),
    ([0.0, 1.0, 2.0], [[0.1, 0.1, 0.1]]),     # wrong shape
    ([0.0], [[]]),
])
def test_bad_grid_raises(edges, rates):
    with pytest.raises(InputError) as info:
        IntensityGrid(edges, rates)
    assert "\n" not in str(info.value)


def test_bad_arguments_raise():
    grid = fleet(0.05)
    bad_calls = [
        lambda: scan_probability(grid, WINDOW_DAYS, 0),
        lambda: scan_probability(grid, WINDOW_DAYS, 2.5),
        lambda: scan_probability(grid, SPAN_DAYS + 1.0, 3),
        lambda: scan_probability(grid, 0.0, 3),
        lambda: scan_probability(grid, -5.0, 3),
        lambda: scan_probability(grid, WINDOW_DAYS, 3, method="magic"),
        lambda: scan_probability_mc(grid, WINDOW_DAYS, 3, 0, np.random.default_rng(0)),
        lambda: scan_probability_mc(grid, WINDOW_DAYS, 3, 10, 42),
        lambda: upcrossing_bound(grid, SPAN_DAYS * 2, 3),
        lambda: count_probability(grid, -1),
        lambda: count_probability(-0.5, 1),
        lambda: IntensityGrid.from_intervals([]),
        lambda: IntensityGrid.from_intervals([("A", 5.0, 5.0, 0.1)]),
        lambda: IntensityGrid.from_intervals([("A", 0.0, 5.0, -0.1)]),
        lambda: IntensityGrid.from_intervals([("A", 0.0, 5.0, 0.1)], cell_days=0.0),
        lambda: IntensityGrid.from_intervals([("A", 0.0, 5.0, 0.1)], start_day=1.0),
        lambda: grid.scaled(-1.0),
    ]
    for call in bad_calls:
        with pytest.raises(InputError) as info:
            call()
        assert "\n" not in str(info.value)


def test_zero_intensity_gives_zero():
    grid = IntensityGrid([0.0, 100.0, 200.0], [[0.0, 0.0]])
    res = scan_probability(grid, 50.0, 3)
    assert res.probability == 0.0 and res.complement == 1.0
    mc = scan_probability_mc(grid, 50.0, 3, 1000, np.random.default_rng(0))
    assert mc.n_hits == 0 and mc.wilson_interval()[1] < 0.01
