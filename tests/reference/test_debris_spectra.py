"""Debris size spectra, the F10.7 input and the flux-table reader against published values.

Reference values (impactrisk physics brief):

* §5.1 [Calc]: Kessler H(d) values, computed from the formula text confirmed by three
  independent public implementations;
* §5.4 [Calc]: "Kessler-91, 408 km, 2019, S = 100, tumbling surface" column;
* §5.2 [V]: ORDEM2000 numbers of NASA/TM-2009-214785 (Fig. 2-7, Tables 2-3, 2-4, 2-5);
* appendix A3 [verified data file]: F10.7 annual means.

The published numbers are typed here from those sources, so the packaged tables are
checked against them rather than against themselves.
"""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.environment import debris_spectra as ds
from impactrisk.errors import ModelRangeWarning
from impactrisk.environment.solar_flux import (
    AnnualF107Table,
    smoothed_f107_previous_year,
)
from impactrisk.errors import InputError, ModelRangeError
from impactrisk.io import flux_tables


def rounding_tolerance(published: float, significant: int) -> float:
    """Half a unit in the last printed digit of ``published``."""
    exponent = np.floor(np.log10(abs(published)))
    return 0.5 * 10.0 ** (exponent - significant + 1)


#: Figure 2-7 values are digitised; the test recovers the digitised numbers themselves,
#: so only floating-point round-off is allowed here.
FLOAT_ROUNDOFF = 1e-12
#: Physics brief §5.2: Fig. 2-7 digitisation uncertainty (+-15 % at the 3 mm curve).
FIG_2_7_DIGITISATION = 0.15
#: One second as a fraction of a Julian year, for continuity checks [yr].
ONE_SECOND_YR = 1.0 / (365.25 * 86400.0)
#: F10.7 annual means are printed to 0.1 sfu.
F107_PRINTED = 0.05
#: Handbook ratios are printed to two decimals.
TWO_DECIMALS = 0.005


def ratio_tolerance(ratio: float, numerator: float, denominator: float) -> float:
    """Printing error of a ratio recomputed from fluxes printed to 3 significant figures.

    The Handbook computed its printed ratios from unrounded fluxes, so the ratio of the
    printed fluxes may differ from the printed ratio by the ratio's own rounding plus
    the propagated rounding of both fluxes.
    """
    return TWO_DECIMALS + ratio * (rounding_tolerance(numerator, 3) / numerator
                                   + rounding_tolerance(denominator, 3) / denominator)


@pytest.fixture(scope="module")
def ordem():
    return flux_tables.load_ordem2000_handbook()


@pytest.fixture(scope="module")
def f107():
    return flux_tables.load_f107_annual_means()


# ------------------------------------------------------------------------- Kessler


# Physics brief §5.1: H(d) [Calc] at d = 0.1, 0.3, 1, 3, 10^0.78, 10, 100 cm.
H_VALUES = [(0.1, 1.000), (0.3, 1.018), (1.0, 1.293), (3.0, 2.505), (10**0.78, 3.162),
            (10.0, 2.778), (100.0, 1.030)]


@pytest.mark.parametrize("d_cm, published", H_VALUES)
def test_kessler_h_factor(d_cm, published):
    assert ds.kessler_size_factor_h(d_cm) == pytest.approx(
        published, abs=rounding_tolerance(published, 4))


def test_kessler_h_factor_is_one_for_small_debris():
    # Physics brief §5.1: H = 1.000 for every d <= 0.1 cm.
    d = np.logspace(-4, -1, 7)
    np.testing.assert_allclose(ds.kessler_size_factor_h(d), 1.0,
                               atol=rounding_tolerance(1.000, 4))


# Physics brief §5.4, column "Kessler-91, 408 km, 2019, S = 100, tumbling surface".
# d [cm], published value [m^-2 yr^-1], printed significant figures.
KESSLER_408_KM_2019 = [(0.01, 1.09, 3), (0.0316, 6.1e-2, 2), (0.1, 3.4e-3, 2),
                       (1.0, 1.5e-5, 2)]


@pytest.mark.parametrize("d_cm, published, significant", KESSLER_408_KM_2019)
def test_kessler_cross_model_column(d_cm, published, significant):
    # The column was computed with psi(51.6 deg) from the recalled table (1.031):
    # psi = 1.00 (no inclination factor) gives 1.056 at 0.1 mm, which would print as
    # 1.06, so the column does include psi ~ 1.03.
    value = ds.kessler_1991_flux(d_cm, 408.0, 51.6, 2019.0, 100.0)
    assert value == pytest.approx(published, abs=rounding_tolerance(published, significant))


def test_kessler_column_needs_the_inclination_factor():
    # Same column with psi forced to 1: the 0.1 mm value no longer prints as 1.09.
    value = ds.kessler_1991_flux(0.01, 408.0, 51.6, 2019.0, 100.0, psi=1.0)
    assert abs(value - 1.09) > rounding_tolerance(1.09, 3)


def test_kessler_inclination_factor_confirmed_points():
    # Physics brief §5.1a [C1]: psi(45 deg) = 0.990, psi(52 deg) = 1.030 (two public
    # course scripts). The recalled table, printed to two decimals, reproduces them
    # within half a unit of its last digit.
    assert ds.kessler_inclination_factor(45.0) == pytest.approx(
        0.990, abs=rounding_tolerance(0.99, 2))
    assert ds.kessler_inclination_factor(52.0) == pytest.approx(
        1.030, abs=rounding_tolerance(1.03, 2))


def test_kessler_growth_switch_is_continuous():
    # g1 = (1+q)^(t-1988) before 2011 and (1+q)^23 (1+q')^(t-2011) after (physics brief §5.1):
    # both branches equal 1.02^23 at 2011.
    eps = 1e-9
    assert ds.kessler_g1(2011.0 - eps) == pytest.approx(1.02**23, rel=1e-9)
    assert ds.kessler_g1(2011.0) == pytest.approx(1.02**23, rel=1e-12)
    assert ds.kessler_g1(2019.0) == pytest.approx(1.02**23 * 1.04**8, rel=1e-12)
    assert ds.kessler_g2(2019.0) == pytest.approx(1.0 + 0.05 * 31, rel=1e-12)


def test_kessler_orientation_factor_scales():
    # SSP 30425 k factor multiplies the flux (k = 1 tumbling default).
    base = ds.kessler_1991_flux(0.1, 400.0, 51.6, 2022.0, 120.0)
    assert ds.kessler_1991_flux(0.1, 400.0, 51.6, 2022.0, 120.0, k=3.5) == pytest.approx(
        3.5 * base, rel=FLOAT_ROUNDOFF)


def test_kessler_range_policy():
    with pytest.raises(ModelRangeError) as info:
        ds.kessler_1991_flux(0.1, 400.0, [51.6, 10.0], 2022.0, 120.0)
    np.testing.assert_array_equal(info.value.mask, [False, True])
    assert info.value.valid_range == (28.5, 90.0)
    with pytest.raises(ModelRangeError):
        ds.kessler_1991_flux(0.1, 2500.0, 51.6, 2022.0, 120.0)
    with pytest.raises(ModelRangeError):
        ds.kessler_1991_flux(0.1, 400.0, 51.6, 1980.0, 120.0)
    with pytest.warns(ModelRangeWarning, match="inc_deg"):
        value = ds.kessler_1991_flux(0.1, 400.0, [51.6, 10.0], 2022.0, 120.0, on_range="nan")
    assert np.isfinite(value[0]) and np.isnan(value[1])
    with pytest.raises(InputError):
        ds.kessler_1991_flux(0.0, 400.0, 51.6, 2022.0, 120.0)


# ------------------------------------------------------------------ ORDEM2000 Handbook


# Physics brief §5.2, Figure 2-7 debris column (2006, 400 km, 51.6 deg, cross-sectional).
FIG_2_7_DEBRIS = [(0.001, 8.4e2), (0.01, 24.0), (0.03, 1.7), (0.1, 4.7e-2), (0.3, 3.8e-4),
                  (1.0, 3.4e-6), (10.0, 2.9e-7), (100.0, 1.7e-7)]
# Physics brief §5.2, Figure 2-7 meteoroid column.
FIG_2_7_METEOROID = [(0.001, 5.6e2), (0.01, 8.4), (0.1, 8.8e-3), (1.0, 2.4e-6),
                     (10.0, 1.9e-8)]
# Physics brief §5.2, Table 2-4: year, flux (>= 3 mm, tumbling), ratio to 2008.
TABLE_2_4 = [
    (2002, 6.25e-05, 0.64), (2003, 7.04e-05, 0.72), (2004, 7.60e-05, 0.78),
    (2005, 7.28e-05, 0.75), (2006, 8.90e-05, 0.91), (2007, 9.52e-05, 0.98),
    (2008, 9.74e-05, 1.00), (2009, 9.87e-05, 1.01), (2010, 9.92e-05, 1.02),
    (2011, 1.14e-04, 1.17), (2012, 1.07e-04, 1.10), (2013, 9.98e-05, 1.03),
    (2014, 9.19e-05, 0.94), (2015, 8.85e-05, 0.91), (2016, 9.91e-05, 1.02),
    (2017, 1.24e-04, 1.27), (2018, 1.19e-04, 1.22), (2019, 1.23e-04, 1.26),
    (2020, 1.22e-04, 1.25), (2021, 1.19e-04, 1.23), (2022, 1.18e-04, 1.21),
    (2023, 1.22e-04, 1.26),
]
# Physics brief §5.2, Table 2-3: altitude, debris flux, ratio to 400 km (9.92e-5).
TABLE_2_3 = [(300.0, 3.40e-05, 0.34), (400.0, 9.92e-05, 1.00), (500.0, 2.05e-04, 2.07),
             (800.0, 6.16e-04, 6.22), (1000.0, 6.97e-04, 7.03), (1500.0, 3.02e-04, 3.04)]
# Physics brief §5.2, Table 2-5: inclination, debris flux, ratio to 51.6 deg (9.92e-5).
TABLE_2_5 = [(0.0, 9.13e-05, 0.92), (20.0, 9.38e-05, 0.95), (28.5, 9.75e-05, 0.98),
             (48.0, 9.76e-05, 0.98), (51.6, 9.92e-05, 1.00), (66.0, 1.08e-04, 1.09),
             (90.0, 1.35e-04, 1.36), (98.0, 1.49e-04, 1.50)]


@pytest.mark.parametrize("d_cm, published", FIG_2_7_DEBRIS)
def test_ordem_reproduces_figure_2_7(ordem, d_cm, published):
    value = ds.ordem2000_handbook_flux(d_cm, 400.0, 51.6, 2006.5, ordem)
    assert value == pytest.approx(published, rel=FLOAT_ROUNDOFF)


@pytest.mark.parametrize("d_cm, published", FIG_2_7_METEOROID)
def test_ordem_meteoroid_curve(ordem, d_cm, published):
    assert ds.ordem2000_handbook_meteoroid_flux(d_cm, ordem) == pytest.approx(
        published, rel=FLOAT_ROUNDOFF)


@pytest.mark.parametrize("year, flux, ratio", TABLE_2_4)
def test_ordem_year_ratios(ordem, year, flux, ratio):
    # The model's year factor reproduces Table 2-4 (value for the calendar year, taken
    # mid-year) at any size; ratio printed to 2 decimals.
    at_year = ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, year + 0.5, ordem)
    at_2008 = ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2008.5, ordem)
    at_2006 = ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2006.5, ordem)
    assert at_year / at_2008 == pytest.approx(ratio, abs=ratio_tolerance(ratio, flux, 9.74e-05))
    assert at_year / at_2006 == pytest.approx(flux / 8.90e-05, rel=FLOAT_ROUNDOFF)


def test_ordem_year_ratio_holds_for_every_size(ordem):
    # Assumption stated in the model: the >= 3 mm year ratio applies to all sizes.
    sizes = np.array([0.001, 0.01, 0.1, 1.0, 10.0])
    ratio = (ds.ordem2000_handbook_flux(sizes, 400.0, 51.6, 2022.5, ordem)
             / ds.ordem2000_handbook_flux(sizes, 400.0, 51.6, 2006.5, ordem))
    np.testing.assert_allclose(ratio, 1.18e-04 / 8.90e-05, rtol=FLOAT_ROUNDOFF)


@pytest.mark.parametrize("alt_km, flux, ratio", TABLE_2_3)
def test_ordem_altitude_ratios(ordem, alt_km, flux, ratio):
    value = (ds.ordem2000_handbook_flux(0.3, alt_km, 51.6, 2010.5, ordem)
             / ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2010.5, ordem))
    assert value == pytest.approx(ratio, abs=ratio_tolerance(ratio, flux, 9.92e-05))
    assert value == pytest.approx(flux / 9.92e-05, rel=FLOAT_ROUNDOFF)


def test_ordem_altitude_interpolation_415_km(ordem):
    # Physics brief §5.2 [Calc]: log-linear interpolation 400 -> 500 km gives x1.115 at
    # 415 km (9.92e-5 -> 1.11e-4).
    value = (ds.ordem2000_handbook_flux(0.3, 415.0, 51.6, 2010.5, ordem)
             / ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2010.5, ordem))
    assert value == pytest.approx(1.115, abs=rounding_tolerance(1.115, 4))


@pytest.mark.parametrize("inc_deg, flux, ratio", TABLE_2_5)
def test_ordem_inclination_ratios(ordem, inc_deg, flux, ratio):
    value = (ds.ordem2000_handbook_flux(0.3, 400.0, inc_deg, 2010.5, ordem)
             / ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2010.5, ordem))
    assert value == pytest.approx(ratio, abs=ratio_tolerance(ratio, flux, 9.92e-05))
    assert value == pytest.approx(flux / 9.92e-05, rel=FLOAT_ROUNDOFF)


def test_flux_basis_cross_sectional_vs_tumbling(ordem):
    # Physics brief §5.2 [Calc]: Fig. 2-7 at 3 mm (2006, cross-sectional) is about 4x
    # the Table 2-4 2006 value (tumbling, 8.90e-5): ratio 4.3 ~ 4 (Cauchy), within the
    # figure's digitisation uncertainty.
    cross_sectional = ds.ordem2000_handbook_flux(0.3, 400.0, 51.6, 2006.5, ordem)
    assert cross_sectional / 8.90e-05 == pytest.approx(4.0, rel=FIG_2_7_DIGITISATION)


def test_ordem_range_policy(ordem):
    with pytest.raises(ModelRangeError) as info:
        ds.ordem2000_handbook_flux([0.1, 0.1], [400.0, 2000.0], 51.6, 2022.5, ordem)
    np.testing.assert_array_equal(info.value.mask, [False, True])
    # Table 2-4 covers the calendar years 2002 ... 2023: late 2023 is covered.
    assert np.isfinite(ds.ordem2000_handbook_flux(0.1, 400.0, 51.6, 2023.99, ordem))
    with pytest.raises(ModelRangeError):
        ds.ordem2000_handbook_flux(0.1, 400.0, 51.6, 2024.5, ordem)
    with pytest.raises(ModelRangeError):
        ds.ordem2000_handbook_flux(1e-4, 400.0, 51.6, 2022.5, ordem)


# ---------------------------------------------------------------------------- F10.7


# Physics brief appendix A3: observed annual means (CelesTrak SW-All.csv) [sfu].
F107_PUBLISHED = {1985: 74.7, 1989: 213.5, 2008: 69.0, 2011: 115.6, 2019: 69.7,
                  2021: 81.8, 2022: 124.9, 2023: 159.7, 2024: 191.3, 2025: 154.9}


def test_f107_table_matches_appendix(f107):
    for year, published in F107_PUBLISHED.items():
        index = int(np.flatnonzero(f107.year == year)[0])
        assert f107.f107_sfu[index] == pytest.approx(published, abs=F107_PRINTED)
    assert f107.year[0] == 1985 and f107.year[-1] == 2025


def test_f107_mid_2023_is_the_2022_mean(f107):
    # Convention 8: annual means at mid-year, evaluated at (date - 1 yr).
    assert smoothed_f107_previous_year(2023.5, f107) == pytest.approx(124.9, abs=F107_PRINTED)


def test_f107_is_continuous_across_new_year(f107):
    # No step at New Year: values one second either side of 2023.0 differ by the
    # linear slope times two seconds only.
    before = smoothed_f107_previous_year(2023.0 - ONE_SECOND_YR, f107)
    after = smoothed_f107_previous_year(2023.0 + ONE_SECOND_YR, f107)
    slope_sfu_per_yr = 124.9 - 81.8                       # 2021.5 -> 2022.5 node slope
    assert abs(after - before) <= 2.0 * ONE_SECOND_YR * slope_sfu_per_yr * 1.0001
    # ... and it sits half-way between the 2021 and 2022 means.
    assert smoothed_f107_previous_year(2023.0, f107) == pytest.approx(
        0.5 * (81.8 + 124.9), abs=F107_PRINTED)


def test_f107_range_policy(f107):
    assert np.isfinite(smoothed_f107_previous_year(2026.9, f107))
    with pytest.raises(ModelRangeError) as info:
        smoothed_f107_previous_year([2023.0, 2030.0], f107)
    np.testing.assert_array_equal(info.value.mask, [False, True])
    with pytest.warns(ModelRangeWarning, match="decimal year"):
        values = smoothed_f107_previous_year([2023.0, 1980.0], f107, on_range="nan")
    assert np.isfinite(values[0]) and np.isnan(values[1])


def test_f107_table_rejects_gaps():
    with pytest.raises(InputError):
        AnnualF107Table(year=[2020, 2022], f107_sfu=[70.0, 120.0])


def test_kessler_with_smoothed_f107(f107):
    # The F10.7 input chains into the debris flux (mid-2023: S = 2022 mean).
    s = smoothed_f107_previous_year(2023.5, f107)
    assert ds.kessler_1991_flux(0.1, 415.0, 51.6, 2023.5, s) == pytest.approx(
        ds.kessler_1991_flux(0.1, 415.0, 51.6, 2023.5, 124.9), rel=F107_PRINTED / 124.9)


# ------------------------------------------------------------------ flux-table reader

GOOD_TABLE = """\
# source: test
# reference: none
# units: name=text; x=cm; y=m-2 yr-1
# basis: tumbling
# builder: none
name,x,y
a,1.0,2.5
b,2.0,
"""


def test_reader_parses_a_table():
    columns, meta = flux_tables.parse_flux_table(GOOD_TABLE.splitlines(True), "t.csv")
    assert list(columns["name"]) == ["a", "b"]
    np.testing.assert_array_equal(columns["x"], [1.0, 2.0])
    assert columns["y"][0] == 2.5 and np.isnan(columns["y"][1])
    assert meta["column_units"]["x"] == "cm" and meta["basis"] == "tumbling"


def test_reader_names_file_line_and_column_of_a_bad_value():
    text = GOOD_TABLE.replace("b,2.0,", "b,two,")
    with pytest.raises(InputError, match=r"t\.csv, line 8, column 'x'.*'two'"):
        flux_tables.parse_flux_table(text.splitlines(True), "t.csv")


def test_reader_rejects_a_short_row():
    text = GOOD_TABLE.replace("a,1.0,2.5", "a,1.0")
    with pytest.raises(InputError, match=r"t\.csv, line 7: expected 3 fields"):
        flux_tables.parse_flux_table(text.splitlines(True), "t.csv")


def test_reader_requires_provenance_keys():
    text = GOOD_TABLE.replace("# builder: none\n", "")
    with pytest.raises(InputError, match="builder"):
        flux_tables.parse_flux_table(text.splitlines(True), "t.csv")


def test_reader_requires_a_unit_for_every_column():
    text = GOOD_TABLE.replace("; y=m-2 yr-1", "")
    with pytest.raises(InputError, match=r"line 3: .*'y'"):
        flux_tables.parse_flux_table(text.splitlines(True), "t.csv")


def test_read_flux_table_from_path(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(GOOD_TABLE, encoding="utf-8")
    columns, meta = flux_tables.read_flux_table(path)
    assert meta["path"] == str(path) and columns["x"].size == 2
    with pytest.raises(InputError, match="not found"):
        flux_tables.read_flux_table(tmp_path / "missing.csv")


@pytest.mark.parametrize("name", [flux_tables.F107_TABLE, flux_tables.ORDEM2000_HANDBOOK_TABLE])
def test_packaged_tables_carry_provenance(name):
    _, meta = flux_tables.read_flux_table(name)
    for key in flux_tables.REQUIRED_KEYS:
        assert meta[key], key
