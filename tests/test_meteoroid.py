"""Unit tests of impactrisk.environment.meteoroid: range policy, density classes,
focusing and the TM-4527/SSP 30425 speed distribution.

Published values come from the impactrisk physics brief (section cited at each test);
other checks are independent derivations (numerical derivative, quadrature, algebraic
identities) with named tolerances.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from impactrisk.environment import meteoroid
from impactrisk.errors import ModelRangeWarning
from impactrisk.environment.parameters import TM4527_DENSITY_CLASSES, DensityClass
from impactrisk.errors import InputError, ModelRangeError

#: Physics brief §1.4 tables are printed to 5 significant figures.
PRINTED_5_SIG_FIG = 1e-4
#: Central difference with relative step 1e-5: truncation ~1e-10, round-off ~1e-11.
NUMERICAL_DERIVATIVE = 1e-6
#: Trapezoidal quadrature of a piecewise-smooth density on a 1e-4 km/s grid.
QUADRATURE = 1e-6
#: Pure floating-point round-off.
FLOAT_ROUNDOFF = 1e-12


# ----------------------------------------------------------------- range policy


def test_grun_raises_outside_its_mass_range():
    with pytest.raises(ModelRangeError, match=r"grun_1985_flux: mass_g") as info:
        meteoroid.grun_1985_flux([1e-6, 1e3, 1e-20])
    np.testing.assert_array_equal(info.value.mask, [False, True, True])
    assert info.value.valid_range == (1e-18, 1e2)


def test_grun_nan_policy_warns_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = meteoroid.grun_1985_flux([1e-6, 1e3, 1e-20], on_range="nan")
    assert [w.category for w in caught] == [ModelRangeWarning]
    assert np.isfinite(values[0]) and np.all(np.isnan(values[1:]))


def test_range_policy_rejects_unknown_choice():
    with pytest.raises(InputError, match="on_range"):
        meteoroid.grun_1985_flux(1e-6, on_range="clip")


def test_nan_in_nan_out_without_error():
    assert np.isnan(meteoroid.grun_1985_flux(np.nan))
    assert np.isnan(meteoroid.earth_shielding_factor_random(np.nan))
    assert np.isnan(meteoroid.grun_flux_above_diameter_by_class(np.full(3, np.nan)))


def test_scalar_in_scalar_out_and_shapes_kept():
    assert np.ndim(meteoroid.grun_1985_flux(1e-6)) == 0
    assert meteoroid.grun_1985_flux(np.full((2, 3), 1e-6)).shape == (2, 3)


def test_shielding_below_the_atmosphere_shell():
    with pytest.raises(ModelRangeError, match="alt_km"):
        meteoroid.earth_shielding_factor_random(50.0)


def test_negative_diameter_is_an_input_error():
    with pytest.raises(InputError, match="d_cm"):
        meteoroid.mass_from_diameter_g(-1.0, 1.0)
    with pytest.raises(InputError, match="rho_g_cm3"):
        meteoroid.mass_from_diameter_g(1.0, 0.0)


# ----------------------------------------------------------- differential spectrum


@pytest.mark.parametrize("mass_g", [1e-17, 1e-13, 1e-9, 1e-6, 1e-3, 1.0, 50.0])
def test_differential_flux_is_minus_the_derivative(mass_g):
    step = 1e-5
    numeric = -(meteoroid.grun_1985_flux(mass_g * (1 + step))
                - meteoroid.grun_1985_flux(mass_g * (1 - step))) / (2 * mass_g * step)
    assert meteoroid.grun_1985_differential_flux(mass_g) == pytest.approx(
        numeric, rel=NUMERICAL_DERIVATIVE)


# ------------------------------------------------------------------ density classes


def test_tm4527_density_steps():
    # MEM user guide §1.1 / Handbook §2.6.1: 2 g/cm^3 below 1e-6 g, 1 up to 0.01 g,
    # 0.5 above.
    np.testing.assert_array_equal(
        meteoroid.tm4527_density_g_cm3([1e-9, 1e-6, 1e-3, 0.01, 1.0]),
        [2.0, 1.0, 1.0, 0.5, 0.5])


@pytest.mark.parametrize("d_cm, published", [
    # Physics brief §1.4 "By diameter" table: with the TM-4527 steps a 10 um threshold
    # falls in the 2 g/cm^3 class, 500 um in the 1 g/cm^3 class and 1 cm in the
    # 0.5 g/cm^3 class, so the class sum equals that density's column.
    (1e-3, 9.3581e01),
    (5e-2, 1.7173e-02),
    (1.0, 4.1686e-07),
])
def test_class_sum_picks_the_class_of_the_threshold(d_cm, published):
    d = np.full(len(TM4527_DENSITY_CLASSES), d_cm)
    assert meteoroid.grun_flux_above_diameter_by_class(d) == pytest.approx(
        published, rel=PRINTED_5_SIG_FIG)


def test_class_sum_at_a_step_is_the_flux_at_the_step_mass():
    # Convention 5: at 100 um the 2 g/cm^3 sphere (1.047e-6 g) lies above its class and
    # the 1 g/cm^3 sphere (5.2e-7 g) below its class, so the sum is F(1e-6 g) = 1.4880
    # (physics brief §1.4) - there is no single diameter-to-mass inverse.
    d = np.full(3, 1e-2)
    assert meteoroid.grun_flux_above_diameter_by_class(d) == pytest.approx(
        1.4880, rel=PRINTED_5_SIG_FIG)


def test_class_sum_accepts_a_callable():
    def d_crit(rho_g_cm3):
        # A ballistic-limit-like dependence on density (d ~ rho^-1/2), two surfaces.
        return np.array([0.02, 0.08]) * rho_g_cm3 ** -0.5

    from_callable = meteoroid.grun_flux_above_diameter_by_class(d_crit)
    rows = np.stack([d_crit(c.rho_g_cm3) for c in TM4527_DENSITY_CLASSES])
    np.testing.assert_allclose(from_callable,
                               meteoroid.grun_flux_above_diameter_by_class(rows),
                               rtol=FLOAT_ROUNDOFF)
    assert from_callable.shape == (2,)


def test_class_sum_independent_sum():
    # Independent evaluation of convention 5 for d_c = (0.03, 0.05, 0.2) cm.
    d = np.array([0.03, 0.05, 0.2])
    m = [np.pi / 6 * c.rho_g_cm3 * dk**3 for c, dk in zip(TM4527_DENSITY_CLASSES, d)]
    f = meteoroid.grun_1985_flux
    # class 1 (2 g/cm^3): m = 2.83e-5 g >= 1e-6 g -> 0
    # class 2 (1 g/cm^3): m = 6.54e-5 g -> F(m) - F(0.01)
    # class 3 (0.5 g/cm^3): m = 2.09e-3 g < 0.01 g -> F(0.01) - 0
    expected = (f(m[1]) - f(1e-2)) + f(1e-2)
    assert m[0] >= 1e-6 and 1e-6 <= m[1] < 1e-2 and m[2] < 1e-2
    assert meteoroid.grun_flux_above_diameter_by_class(d) == pytest.approx(
        expected, rel=FLOAT_ROUNDOFF)


def test_class_sum_shape_error():
    with pytest.raises(InputError, match="one row per density class"):
        meteoroid.grun_flux_above_diameter_by_class(np.ones((2, 4)))


def test_class_sum_range_policy():
    # A 1e-7 cm threshold in the 2 g/cm^3 class is 1e-21 g, below the Grün range.
    d = np.array([[1e-7, 1e-2], [1e-7, 1e-2], [1e-7, 1e-2]])
    with pytest.raises(ModelRangeError) as info:
        meteoroid.grun_flux_above_diameter_by_class(d)
    np.testing.assert_array_equal(info.value.mask, [True, False])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = meteoroid.grun_flux_above_diameter_by_class(d, on_range="nan")
    assert len(caught) == 1 and caught[0].category is ModelRangeWarning
    assert np.isnan(values[0]) and np.isfinite(values[1])


def test_large_threshold_in_a_lower_class_is_not_evaluated():
    # A 5 cm threshold: the 2 and 1 g/cm^3 spheres are far above their classes and must
    # not trigger a range error; the 0.5 g/cm^3 sphere (32.7 g) is inside the range.
    d = np.full(3, 5.0)
    expected = meteoroid.grun_flux_above_diameter(5.0, 0.5)
    assert meteoroid.grun_flux_above_diameter_by_class(d) == pytest.approx(
        expected, rel=FLOAT_ROUNDOFF)


# ---------------------------------------------------------------------- focusing


def test_focusing_factor_identities():
    r = 6778.0
    v_esc = meteoroid.escape_speed_km_s(r)
    # G = 1 + v_esc^2/v_inf^2 is 2 when v_inf = v_esc (ECSS C.1.2 form).
    assert meteoroid.focusing_factor(v_esc, r) == pytest.approx(2.0, rel=FLOAT_ROUNDOFF)
    # G = (v / v_inf)^2 with v^2 = v_inf^2 + v_esc^2 (the two ECSS forms (C-1), (C-2)).
    v_inf = np.array([5.0, 20.0, 70.0])
    v = meteoroid.near_earth_speed_km_s(v_inf, r)
    np.testing.assert_allclose(meteoroid.focusing_factor(v_inf, r), (v / v_inf) ** 2,
                               rtol=FLOAT_ROUNDOFF)


def test_mean_focusing_factor():
    v = np.array([12.0, 20.0, 40.0])
    w = np.array([1.0, 2.0, 1.0])
    r = np.array([6778.0, 7378.0])
    expected = np.array([np.sum(w * meteoroid.focusing_factor(v, rk)) / w.sum() for rk in r])
    np.testing.assert_allclose(meteoroid.mean_focusing_factor(v, w, r), expected,
                               rtol=FLOAT_ROUNDOFF)
    # One bin: the single-speed factor.
    assert meteoroid.mean_focusing_factor([20.0], [3.0], 6778.0) == pytest.approx(
        meteoroid.focusing_factor(20.0, 6778.0), rel=FLOAT_ROUNDOFF)
    with pytest.raises(InputError):
        meteoroid.mean_focusing_factor(v, [1.0, -1.0, 1.0], 6778.0)


# ----------------------------------------------------- TM-4527 / SSP 30425 speeds


def test_speed_density_segments():
    # Physics brief §3.1 (recalled coefficients).
    v = np.array([10.0, 11.1, 12.0, 20.0, 54.9, 60.0, 72.2, 80.0])
    expected = [0.0, 0.112, 0.112, 3.328e5 * 20.0**-5.34, 3.328e5 * 54.9**-5.34,
                1.695e-4, 1.695e-4, 0.0]
    np.testing.assert_allclose(meteoroid.ssp30425_speed_distribution(v), expected,
                               rtol=FLOAT_ROUNDOFF)


def test_speed_density_integral_and_mean():
    # Physics brief §3.1 [Calc]: integral 1.0037 (0.5824 + 0.4188 + 0.0029), mean of
    # the (number-weighted) density 16.86 km/s.
    v = np.arange(11.1, 72.2 + 5e-5, 1e-4)
    n = meteoroid.ssp30425_speed_distribution(v)
    integral = np.trapezoid(n, v)
    assert integral == pytest.approx(1.0037, abs=0.00005 + QUADRATURE)
    assert np.trapezoid(n * v, v) / integral == pytest.approx(16.86, abs=0.005 + QUADRATURE)
    assert np.trapezoid(meteoroid.ssp30425_speed_distribution(v, normalize=True), v) == \
        pytest.approx(1.0, abs=1e-5)


def test_speed_bins_match_quadrature():
    edges = np.array([11.0, 14.0, 16.3, 25.0, 40.0, 55.0, 65.0, 73.0])
    weights = meteoroid.ssp30425_speed_bins(edges)
    assert weights.sum() == pytest.approx(1.0, rel=FLOAT_ROUNDOFF)
    total = 1.0037022699                       # analytic integral over 11.1-72.2 km/s
    for k in range(len(edges) - 1):
        v = np.linspace(edges[k], edges[k + 1], 200001)
        numeric = np.trapezoid(meteoroid.ssp30425_speed_distribution(v), v) / total
        assert weights[k] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_speed_bins_partial_coverage_and_errors():
    assert meteoroid.ssp30425_speed_bins([11.1, 16.3])[0] == pytest.approx(
        0.112 * 5.2 / 1.0037022699, rel=1e-8)
    with pytest.raises(InputError):
        meteoroid.ssp30425_speed_bins([20.0, 15.0])


def test_custom_density_classes_are_used():
    # A single open class of density 2.5 reproduces the single-density flux.
    classes = (DensityClass(0.0, np.inf, 2.5),)
    assert meteoroid.grun_flux_above_diameter_by_class([0.05], classes) == pytest.approx(
        meteoroid.grun_flux_above_diameter(0.05, 2.5), rel=FLOAT_ROUNDOFF)


def test_infinite_critical_diameter_gives_zero_flux():
    # A surface that no particle can damage (d_crit = inf) receives no damaging flux.
    assert meteoroid.grun_flux_above_diameter_by_class(np.full(3, np.inf)) == 0.0
