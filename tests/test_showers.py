"""Unit and property tests of impactrisk.environment.showers.

Checks are independent derivations (closed-form integrals, algebraic identities,
symmetry) with named tolerances; published values are in
tests/reference/test_showers.py. Physics brief sections: §4.1-4.3, convention 2 (flux
basis), convention 6 (showers).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impactrisk.environment import showers as sh
from impactrisk.environment.meteoroid import escape_speed_km_s, grun_1985_flux
from impactrisk.errors import InputError, ModelRangeError, ModelRangeWarning
from impactrisk.io import flux_tables

#: Pure floating-point round-off.
FLOAT_ROUNDOFF = 1e-12
#: Trapezoid rule with 2001 nodes per side on an exponential profile:
#: relative error (h k)^2 / 12 with h k = 2 ln 10 / 2000, i.e. ~4e-7.
TRAPEZOID_2001 = 1e-5
#: Mean over a uniform 0.001-deg grid of a profile with slopes <= 0.5 deg^-1.
FINE_GRID_MEAN = 1e-3
#: Convention 6: with and without the shower model, the yearly totals agree "to a few
#: per cent"; the sporadic factor must stay within that of 1 in the mm range.
FEW_PERCENT = 0.05

SHOWERS = flux_tables.load_meteor_showers()
BY_CODE = {s.code: s for s in SHOWERS}


def make_shower(**overrides) -> sh.Shower:
    """A synthetic shower (Geminid-like numbers unless overridden)."""
    values = dict(code="SYN", iau_number=9999, name="Synthetic", lambda_max_deg=262.2,
                  ra_deg=112.0, dec_deg=33.0, dra_deg_per_deg=1.0, ddec_deg_per_deg=-0.1,
                  v_entry_km_s=35.0, population_index=2.6, zhr_max=150.0,
                  b_plus_per_deg=0.15, b_minus_per_deg=0.462, rho_g_cm3=1.0)
    values.update(overrides)
    return sh.Shower(**values)


# ---------------------------------------------------------------------------- table


def test_packaged_table_loads_thirteen_showers_in_order():
    assert [s.code for s in SHOWERS] == ["QUA", "LYR", "ETA", "SDA", "CAP", "PER", "DRA",
                                         "ORI", "STA", "NTA", "LEO", "GEM", "URS"]
    assert flux_tables.load_meteor_showers() is SHOWERS          # cached
    assert SHOWERS[0].extras["table_reference"].startswith("rendtel2024imo")


def test_from_columns_reports_missing_columns():
    columns, meta = flux_tables.read_flux_table("meteor_showers.csv")
    del columns["b_plus_per_deg"]
    with pytest.raises(InputError, match="b_plus_per_deg"):
        sh.showers_from_columns(columns, meta)


def test_from_columns_reports_repeated_codes():
    columns, meta = flux_tables.read_flux_table("meteor_showers.csv")
    columns["code"] = np.array(["GEM"] * len(columns["code"]))
    with pytest.raises(InputError, match="unique codes"):
        sh.showers_from_columns(columns, meta)


def test_from_columns_names_the_bad_shower():
    columns, meta = flux_tables.read_flux_table("meteor_showers.csv")
    columns["b_plus_per_deg"] = columns["b_plus_per_deg"].copy()
    columns["b_plus_per_deg"][11] = 0.0
    with pytest.raises(InputError, match=r"shower 'GEM': expected b_plus_per_deg > 0"):
        sh.showers_from_columns(columns, meta)


@pytest.mark.parametrize("field, value", [
    ("b_minus_per_deg", -0.1), ("zhr_max", -1.0), ("rho_g_cm3", 0.0), ("dec_deg", 91.0),
    ("v_entry_km_s", 10.0), ("lambda_max_deg", float("nan")), ("ra_deg", "abc"),
])
def test_shower_validation(field, value):
    with pytest.raises(InputError, match=field):
        make_shower(**{field: value})


def test_shower_angles_are_normalised():
    s = make_shower(lambda_max_deg=-0.5, ra_deg=365.0)
    assert (s.lambda_max_deg, s.ra_deg) == (359.5, 5.0)


# ------------------------------------------------------------------ activity profile


def test_peak_value_at_lambda_max():
    for s in SHOWERS:
        assert sh.activity_zhr(s, s.lambda_max_deg) == s.zhr_max
        grid = s.lambda_max_deg + np.linspace(-3.0, 3.0, 6001)
        values = sh.activity_zhr(s, grid)
        assert values.max() == s.zhr_max
        assert grid[np.argmax(values)] == pytest.approx(s.lambda_max_deg, abs=1e-9)


def test_zero_outside_window_positive_inside():
    for s in SHOWERS:
        begin, end = sh.activity_window_deg(s)
        before = (s.lambda_max_deg - begin) % 360.0
        after = (end - s.lambda_max_deg) % 360.0
        eps = 1e-8
        inside = s.lambda_max_deg + np.array([-before + eps, after - eps])
        outside = s.lambda_max_deg + np.array([-before - eps, after + eps, 180.0])
        assert np.all(sh.activity_zhr(s, inside) > 0)
        assert np.all(sh.activity_zhr(s, outside) == 0.0)
        # the edges are where the profile is at 1% of its peak
        full = sh.activity_zhr(s, inside, cutoff_fraction=0.0)
        np.testing.assert_allclose(full / s.zhr_max, 0.01, rtol=1e-6)  # B ln10 eps < 2e-7


def test_symmetric_when_b_minus_is_zero():
    s = make_shower(b_plus_per_deg=0.35, b_minus_per_deg=0.0)
    x = np.linspace(0.0, 6.0, 61)
    np.testing.assert_array_equal(sh.activity_zhr(s, s.lambda_max_deg + x),
                                  sh.activity_zhr(s, s.lambda_max_deg - x))
    assert sh.activity_window_deg(s) == pytest.approx(
        ((s.lambda_max_deg - 2 / 0.35) % 360, (s.lambda_max_deg + 2 / 0.35) % 360))


def test_asymmetric_slopes_are_used_on_their_sides():
    # B_p before the peak, B_m after it (Jenniskens 1994; physics brief §4.3).
    s = make_shower(b_plus_per_deg=0.2, b_minus_per_deg=0.8)
    assert sh.activity_zhr(s, s.lambda_max_deg - 1.0) == pytest.approx(
        150.0 * 10 ** -0.2, rel=FLOAT_ROUNDOFF)
    assert sh.activity_zhr(s, s.lambda_max_deg + 1.0) == pytest.approx(
        150.0 * 10 ** -0.8, rel=FLOAT_ROUNDOFF)


def test_window_across_zero_degrees():
    # No packaged shower's window crosses 0/360 deg; a synthetic one peaking at 359 deg.
    s = make_shower(lambda_max_deg=359.0, b_plus_per_deg=0.5, b_minus_per_deg=0.5)
    begin, end = sh.activity_window_deg(s)
    assert (begin, end) == pytest.approx((355.0, 3.0))
    assert begin > end
    assert sh.activity_zhr(s, 1.0) == pytest.approx(150.0 * 10 ** (-0.5 * 2.0))
    assert sh.activity_zhr(s, 357.0) == pytest.approx(150.0 * 10 ** (-0.5 * 2.0))
    assert sh.activity_zhr(s, [-1.0, 719.0]) == pytest.approx([150.0, 150.0])
    assert sh.activity_zhr(s, 3.5) == 0.0 and sh.activity_zhr(s, 354.5) == 0.0


def test_quadrantids_near_the_turn_of_the_year():
    qua = BY_CODE["QUA"]
    begin, end = sh.activity_window_deg(qua)
    assert begin < qua.lambda_max_deg < end            # window does not cross 0/360
    assert sh.activity_zhr(qua, 283.15) == 80.0
    assert sh.activity_zhr(qua, 284.15) == pytest.approx(80.0 * 10 ** -0.827)
    assert sh.activity_zhr(qua, 282.15 + 360.0) == pytest.approx(80.0 * 10 ** -0.865)


def test_nan_in_nan_out_and_scalars():
    gem = BY_CODE["GEM"]
    assert np.isnan(sh.activity_zhr(gem, np.nan))
    assert np.isnan(sh.shower_flux_above_mass(gem, np.nan, 1e-4))
    assert np.isnan(sh.shower_flux_above_mass(gem, 262.2, np.nan))
    assert np.ndim(sh.activity_zhr(gem, 262.0)) == 0
    assert np.ndim(sh.shower_flux_above_mass(gem, 262.0, 1e-3)) == 0


def test_profile_argument_checks():
    with pytest.raises(InputError, match="b_plus"):
        sh.double_exponential_zhr(0.0, 1.0, 0.0, 0.0, 0.1)
    with pytest.raises(InputError, match="cutoff_fraction"):
        sh.double_exponential_zhr(0.0, 1.0, 0.0, 0.1, 0.1, cutoff_fraction=1.0)


# -------------------------------------------------------------------- flux and mass


def test_population_index_range_policy():
    with pytest.raises(ModelRangeError, match="population_index") as info:
        sh.zhr_to_flux_km2_h([10.0, 10.0], [2.0, 1.3])
    np.testing.assert_array_equal(info.value.mask, [False, True])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = sh.zhr_to_flux_km2_h([10.0, 10.0], [2.0, 1.2], on_range="nan")
    assert [w.category for w in caught] == [ModelRangeWarning]
    assert np.isfinite(values[0]) and np.isnan(values[1])
    with pytest.raises(InputError, match="zhr"):
        sh.zhr_to_flux_km2_h(-1.0, 2.0)


def test_flux_scales_with_the_mass_index():
    # F(>= m) = F_6.5 (m / m_6.5)^(1 - s): one decade of mass changes the flux by
    # 10^(1 - s), and at m_6.5 it is F_6.5 (physics brief §4.2).
    gem = BY_CODE["GEM"]
    s = sh.mass_index(gem.population_index)
    m65 = sh.limiting_mass_g(gem.v_entry_km_s)
    f65 = sh.zhr_to_flux_m2_yr(sh.activity_zhr(gem, 262.0), gem.population_index)
    assert sh.shower_flux_above_mass(gem, 262.0, m65) == pytest.approx(f65, rel=1e-12)
    ratio = (sh.shower_flux_above_mass(gem, 262.0, 1e-3)
             / sh.shower_flux_above_mass(gem, 262.0, 1e-4))
    assert ratio == pytest.approx(10 ** (1 - s), rel=1e-12)


def test_flux_broadcasts_time_against_mass():
    gem = BY_CODE["GEM"]
    lam = np.array([260.0, 262.2, 264.0])[:, None]
    mass = np.array([1e-6, 1e-4, 1e-2])[None, :]
    flux = sh.shower_flux_above_mass(gem, lam, mass)
    assert flux.shape == (3, 3)
    assert flux[1, 0] == sh.shower_flux_above_mass(gem, 262.2, 1e-6)


def test_mass_arguments_are_checked():
    gem = BY_CODE["GEM"]
    with pytest.raises(InputError, match="mass_g"):
        sh.shower_flux_above_mass(gem, 262.0, 0.0)
    with pytest.raises(InputError, match="v_km_s"):
        sh.limiting_mass_g(0.0)
    with pytest.raises(InputError, match="population_index"):
        sh.mass_index(0.0)


def test_limiting_mass_slopes():
    # log10 m = const - (8.75 log10 v + M) / 2.25 (physics brief §4.2).
    assert np.log10(sh.limiting_mass_g(35.0, 5.5) / sh.limiting_mass_g(35.0, 6.5)) == \
        pytest.approx(1 / 2.25)
    assert np.log10(sh.limiting_mass_g(70.0) / sh.limiting_mass_g(35.0)) == \
        pytest.approx(-8.75 / 2.25 * np.log10(2.0))


def test_mass_index_of_r_10_to_the_0_4_is_2():
    assert sh.mass_index(10 ** 0.4) == pytest.approx(2.0, rel=FLOAT_ROUNDOFF)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=720.0),
       st.floats(min_value=-9.0, max_value=2.0),
       st.floats(min_value=0.01, max_value=3.0),
       st.sampled_from(range(len(SHOWERS))))
def test_flux_nonnegative_and_non_increasing_in_mass(lam, log_m, step, index):
    s = SHOWERS[index]
    f_small = sh.shower_flux_above_mass(s, lam, 10.0 ** log_m)
    f_large = sh.shower_flux_above_mass(s, lam, 10.0 ** (log_m + step))
    assert f_small >= 0.0 and f_large >= 0.0
    assert f_large <= f_small
    if f_small > 0:
        assert f_large < f_small


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-400.0, max_value=400.0), min_size=1, max_size=8),
       st.sampled_from(range(len(SHOWERS))))
def test_activity_bounded_and_scalar_array_parity(lams, index):
    s = SHOWERS[index]
    values = sh.activity_zhr(s, np.array(lams))
    assert np.all((values >= 0.0) & (values <= s.zhr_max))
    for lam, value in zip(lams, values):
        assert sh.activity_zhr(s, lam) == value
        assert sh.activity_zhr(s, lam + 360.0) == pytest.approx(value, rel=1e-9, abs=1e-12)


# ------------------------------------------------------------------------- radiant


def test_radiant_at_peak_and_linear_drift():
    gem = BY_CODE["GEM"]
    assert sh.radiant_radec_deg(gem, 262.2) == pytest.approx((112.0, 33.0))
    ra, dec = sh.radiant_radec_deg(gem, [259.2, 265.2])
    np.testing.assert_allclose(ra, [112.0 - 3 * 0.98, 112.0 + 3 * 0.98])
    np.testing.assert_allclose(dec, [33.0 + 3 * 0.06, 33.0 - 3 * 0.06])


def test_radiant_wraps_in_ra_and_is_clipped_in_dec():
    s = make_shower(ra_deg=359.0, dra_deg_per_deg=1.0, dec_deg=89.5, ddec_deg_per_deg=0.5,
                    lambda_max_deg=0.5)
    ra, dec = sh.radiant_radec_deg(s, 2.5)                # dl = +2 deg
    assert ra == pytest.approx(1.0) and dec == 90.0
    ra, _ = sh.radiant_radec_deg(s, 358.5)                # dl = -2 deg across 0/360
    assert ra == pytest.approx(357.0)


# -------------------------------------------------------------------- annual means


@pytest.mark.parametrize("b_plus, b_minus", [(0.15, 0.462), (7.225, 0.0), (0.026, 0.0),
                                             (1.229, 4.62)])
def test_annual_mean_matches_the_analytic_integral(b_plus, b_minus):
    # Without time weighting: (1/360) int ZHR_max 10^(-B|x|) dx over the 1% window
    # = ZHR_max (1 - 0.01)(1/B_p + 1/B_m) / (360 ln 10).
    s = make_shower(b_plus_per_deg=b_plus, b_minus_per_deg=b_minus, zhr_max=100.0)
    b_m = b_minus or b_plus
    exact = 100.0 * 0.99 * (1 / b_plus + 1 / b_m) / (360.0 * np.log(10.0))
    assert sh.annual_mean_zhr(s, time_weighted=False) == pytest.approx(exact,
                                                                       rel=TRAPEZOID_2001)


def test_annual_mean_of_a_triangle_free_profile():
    # Without the cutoff the full double exponential integrates to
    # ZHR_max (1 - 10^(-180 B)) / (B ln 10) per side.
    s = make_shower(b_plus_per_deg=0.05, b_minus_per_deg=0.02, zhr_max=10.0)
    exact = 10.0 * sum((1 - 10 ** (-180 * b)) / (b * np.log(10.0)) for b in (0.05, 0.02))
    value = sh.annual_mean_zhr(s, time_weighted=False, cutoff_fraction=0.0)
    assert value == pytest.approx(exact / 360.0, rel=TRAPEZOID_2001)


def test_time_weight_has_unit_mean():
    lam = np.linspace(0.0, 360.0, 36001)[:-1]
    assert sh.solar_longitude_time_weight(lam).mean() == pytest.approx(1.0, rel=1e-9)
    # a nearly flat profile: the time-weighted mean equals the flat value
    flat = make_shower(b_plus_per_deg=1e-12, b_minus_per_deg=1e-12, zhr_max=7.0)
    assert sh.annual_mean_zhr(flat, cutoff_fraction=0.0) == pytest.approx(
        7.0, rel=TRAPEZOID_2001)


def test_time_weight_extremes():
    # Faster near perihelion (early January, lambda ~ 283 deg): less time per degree.
    w = sh.solar_longitude_time_weight([282.93735, 102.93735])
    e = sh.MEEUS_EARTH_ORBIT.eccentricity
    np.testing.assert_allclose(w, [(1 - e * e) ** 1.5 / (1 + e) ** 2,
                                   (1 - e * e) ** 1.5 / (1 - e) ** 2])


def test_annual_mean_flux_is_the_mean_of_the_time_series():
    # An independent path: the mean of shower_flux_above_mass on a uniform 0.001 deg
    # grid over the whole year (no time weighting) equals the annual mean flux.
    lam = np.arange(0.0, 360.0, 1e-3)
    mass = np.array([1e-7, 1e-4, 1e-1])
    for code in ("GEM", "PER", "STA"):
        s = BY_CODE[code]
        series = sh.shower_flux_above_mass(s, lam[:, None], mass[None, :]).mean(axis=0)
        np.testing.assert_allclose(sh.annual_mean_flux_above_mass(s, mass,
                                                                  time_weighted=False),
                                   series, rtol=FINE_GRID_MEAN)


# -------------------------------------------------------------- sporadic scale factor


def test_scale_factor_basis_and_defocusing():
    # One shower whose random-plate free-space annual mean is half the "Grün" value:
    # S = A / 4 / f_TOA (convention 2: a collimated stream gives a quarter of its
    # perpendicular flux on a random plate), so the factor is exactly 0.5.
    gem = BY_CODE["GEM"]
    mass = np.array([1e-5, 1e-3])
    annual = sh.annual_mean_flux_above_mass(gem, mass)
    f_toa = gem.v_entry_km_s ** 2 / sh.geocentric_speed_km_s(gem.v_entry_km_s) ** 2
    grun = 2.0 * annual / 4.0 / f_toa
    np.testing.assert_allclose(sh.sporadic_scale_factor(mass, grun, [gem]), 0.5,
                               rtol=1e-12)
    grun_toa = 2.0 * annual / 4.0
    np.testing.assert_allclose(sh.sporadic_scale_factor(mass, grun_toa, [gem],
                                                        free_space=False), 0.5, rtol=1e-12)


def test_scale_factor_of_the_packaged_showers_in_the_mm_range():
    mass = np.logspace(-9, 0, 10)
    factor = sh.sporadic_scale_factor(mass, grun_1985_flux(mass), SHOWERS)
    assert np.all((factor < 1.0) & (factor > 1.0 - FEW_PERCENT))


def test_scale_factor_range_policy():
    mass = np.array([1e-4, 1e-14])      # showers' power law exceeds Grün at 1e-14 g
    grun = grun_1985_flux(mass)
    with pytest.raises(ModelRangeError, match="sporadic_scale_factor") as info:
        sh.sporadic_scale_factor(mass, grun, SHOWERS)
    np.testing.assert_array_equal(info.value.mask, [False, True])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        factor = sh.sporadic_scale_factor(mass, grun, SHOWERS, on_range="nan")
    assert [w.category for w in caught] == [ModelRangeWarning]
    assert np.isfinite(factor[0]) and np.isnan(factor[1])
    with pytest.raises(InputError, match="grun_flux_m2_yr"):
        sh.sporadic_scale_factor(1e-4, 0.0, SHOWERS)


def test_no_showers_no_change():
    assert sh.sporadic_scale_factor(1e-4, 3.0, []) == 1.0


# ------------------------------------------------------------------ speeds, focusing


def test_geocentric_speed_round_trip_and_limit():
    v = np.array([12.0, 35.0, 71.0])
    back = sh.entry_speed_km_s(sh.geocentric_speed_km_s(v))
    np.testing.assert_allclose(back, v, rtol=1e-12)
    with pytest.raises(InputError, match="escape speed"):
        sh.geocentric_speed_km_s(float(escape_speed_km_s(sh.TOP_OF_ATMOSPHERE_R_KM)))


def test_stream_focusing_factor_at_the_top_of_the_atmosphere():
    # f(r_TOA) = 1 + v_esc^2 / V_g^2 = V_inf^2 / V_g^2 when V_g comes from V_inf there.
    for s in SHOWERS:
        v_g = sh.geocentric_speed_km_s(s.v_entry_km_s)
        assert sh.stream_focusing_factor(s, sh.TOP_OF_ATMOSPHERE_R_KM) == pytest.approx(
            s.v_entry_km_s ** 2 / v_g ** 2, rel=1e-12)
        # weaker at the station than at the top of the atmosphere
        assert (sh.stream_focusing_factor(s, 6378.0 + 420.0)
                < sh.stream_focusing_factor(s, sh.TOP_OF_ATMOSPHERE_R_KM))
