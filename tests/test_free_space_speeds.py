"""Free-space (V_inf) meteoroid speed tables: focusing of speed and flux bin by bin
(ECSS-E-ST-10-04C Rev.1 Annex C.1.5.1), the packaged Table C-1, user tables."""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.constants import R_EARTH_KM
from impactrisk.environment.meteoroid import escape_speed_km_s
from impactrisk.environment.sporadic import FreeSpaceSpeeds, near_earth_from_free_space, sporadic_meteoroid_bundles
from impactrisk.errors import InputError
from impactrisk.io.flux_tables import load_free_space_speeds, read_flux_table

R_400 = R_EARTH_KM + 400.0
#: Closed forms evaluated in float64.
EXACT = 1e-12
#: The table's shares are printed to two significant figures; their sum is 1.001.
PRINTED = 2e-3


def test_one_bin_gains_the_escape_speed_and_the_focusing_factor():
    v_esc = float(escape_speed_km_s(R_400))
    table = FreeSpaceSpeeds("one", (20.0,), (1.0,))
    speed, share, g = near_earth_from_free_space(table, R_400)
    # ECSS C-23 and C-13/C-14: v^2 = V_inf^2 + v_esc^2, G = 1 + v_esc^2/V_inf^2 = v^2/(v^2 - v_esc^2).
    assert speed[0] == pytest.approx(np.hypot(20.0, v_esc), rel=EXACT)
    assert g == pytest.approx(1.0 + v_esc**2 / 400.0, rel=EXACT)
    assert g == pytest.approx(speed[0] ** 2 / (speed[0] ** 2 - v_esc**2), rel=EXACT)
    assert share[0] == 1.0


def test_slow_bins_gain_more_flux_than_fast_ones():
    table = FreeSpaceSpeeds("two", (5.0, 40.0), (0.5, 0.5))
    speed, share, g = near_earth_from_free_space(table, R_400)
    v_esc2 = float(escape_speed_km_s(R_400)) ** 2
    g_bins = 1.0 + v_esc2 / np.array([25.0, 1600.0])
    np.testing.assert_allclose(share, g_bins / g_bins.sum(), rtol=EXACT)
    assert g == pytest.approx(g_bins.mean(), rel=EXACT)  # sum(n G) with n = 1/2, 1/2


def test_a_number_weighted_table_is_a_flux_table_times_the_speed():
    v = (10.0, 20.0, 40.0)
    number = FreeSpaceSpeeds("n", v, (1.0, 2.0, 1.0), weighting="number")
    flux = FreeSpaceSpeeds("f", v, (10.0, 40.0, 40.0), weighting="flux")
    for a, b in zip(near_earth_from_free_space(number, R_400), near_earth_from_free_space(flux, R_400)):
        np.testing.assert_allclose(a, b, rtol=EXACT)


def test_packaged_ecss_table_c1():
    table = load_free_space_speeds("ecss-c1")
    columns, meta = read_flux_table("ecss_table_c1_vinf.csv")
    assert table.weighting == "flux" and "Table C-1" in table.name
    assert len(table.v_inf_km_s) == 143 and table.v_inf_km_s[0] == 0.5 and table.v_inf_km_s[-1] == 71.5
    # ECSS prints a density per km/s in 0.5 km/s bins: it sums to 1 within the printing.
    assert 0.5 * sum(table.weight) == pytest.approx(1.0, abs=PRINTED)
    # Mean focusing at 400 km computed independently from the raw columns (C-18/C-20).
    v, n = columns["v_inf_km_s"], columns["n_per_km_s"]
    v_esc2 = 2.0 * 398600.4418 / (6378.137 + 400.0)
    expected = np.sum(n * (1.0 + v_esc2 / v**2)) / np.sum(n)
    _, _, g = near_earth_from_free_space(table, R_400)
    assert g == pytest.approx(expected, rel=1e-3)  # mu of ECSS_NEAR_EARTH vs EGM96
    # The standard's own 400 km column starts at 11 km/s: no near-Earth speed is below escape.
    speed, _, _ = near_earth_from_free_space(table, R_400)
    assert speed.min() >= float(escape_speed_km_s(R_400))
    assert columns["n_400km_per_km_s"][v < 10.9].max() == 0.0


def test_field_from_a_free_space_table_keeps_cauchy_and_its_focusing():
    from impactrisk.environment.meteoroid import grun_1985_flux
    from impactrisk.environment.parameters import GRUN_1985

    table = load_free_space_speeds("ecss-c1")
    _, _, g = near_earth_from_free_space(table, R_400)
    still = sporadic_meteoroid_bundles(R_400, np.zeros(3), free_space=table, earth_shielding=False)
    # At rest and without the Earth's shadow, the random-plate flux is Grun x G exactly.
    assert still.random_plate_flux_m2_yr() == pytest.approx(float(grun_1985_flux(GRUN_1985.mass_min_g)) * g,
                                                            rel=1e-9)
    moving = sporadic_meteoroid_bundles(R_400, free_space=table)
    assert moving.mean_speed_km_s() > still.mean_speed_km_s()


def test_bad_user_tables_are_refused_with_the_file(tmp_path):
    header = ("# source: test\n# reference: test\n# units: v_inf_km_s=km/s; n_per_km_s=(km/s)-1\n"
              "# basis: test\n# builder: none\n")
    missing = tmp_path / "no_weighting.csv"
    missing.write_text(header + "v_inf_km_s,n_per_km_s\n10,1\n20,1\n")
    with pytest.raises(InputError, match="no_weighting.csv.*weighting"):
        load_free_space_speeds(missing)
    backwards = tmp_path / "backwards.csv"
    backwards.write_text(header + "# weighting: flux\nv_inf_km_s,n_per_km_s\n20,1\n10,1\n")
    with pytest.raises(InputError, match="backwards.csv.*increasing"):
        load_free_space_speeds(backwards)
    good = tmp_path / "good.csv"
    good.write_text(header + "# weighting: number\nv_inf_km_s,n_per_km_s\n10,1\n20,1\n")
    assert load_free_space_speeds(good).weighting == "number"


def test_risk_with_ecss_speeds_names_them():
    from impactrisk.api import assess

    ssp = assess("soyuz-ms-22", "2022-11-01", "2022-11-02", step="600s")
    ecss = assess("soyuz-ms-22", "2022-11-01", "2022-11-02", step="600s", meteoroid_speeds="ecss-c1")
    assert "Table C-1" in ecss.n_by_source["sporadic meteoroids"]["model"]
    assert "SSP 30425" in ssp.n_by_source["sporadic meteoroids"]["model"]
    assert ecss.n_by_group["debris"] == pytest.approx(ssp.n_by_group["debris"], rel=1e-12)
    assert ecss.n_by_group["meteoroid"] != ssp.n_by_group["meteoroid"]
