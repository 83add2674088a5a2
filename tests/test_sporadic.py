"""The direction- and speed-resolved meteoroid field and its integration against
surfaces: published totals, the face pattern and the geometric identities."""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.ble import critical_diameter_cm
from impactrisk.environment.directional import fibonacci_directions
from impactrisk.environment.meteoroid import earth_shielding_factor_random, grun_1985_flux
from impactrisk.environment.sporadic import (
    grun_size_spectrum,
    mean_focusing_near_earth,
    sporadic_meteoroid_bundles,
    ssp30425_speed_grid,
)
from impactrisk.risk import integrate_impacts, probability_no_penetration

R_400_KM = 6378.0 + 400.0  # ECSS radius convention
GRUN_REF = float(grun_1985_flux(1e-18))
FACES = {
    "ram": [1.0, 0.0, 0.0], "wake": [-1.0, 0.0, 0.0],
    "starboard": [0.0, 1.0, 0.0], "port": [0.0, -1.0, 0.0],
    "zenith": [0.0, 0.0, -1.0], "nadir": [0.0, 0.0, 1.0],
}
#: Published factors are printed to 2-3 digits; the brief finds its own cross-checks
#: agree to 2-3 % (physics.md §2.4).
TWO_PERCENT = 0.02
THREE_PERCENT = 0.03
ONE_PERCENT = 0.01


@pytest.fixture(scope="module")
def field():
    return sporadic_meteoroid_bundles(R_400_KM)


def test_mean_focusing_matches_ecss_table_j6():
    # ECSS-E-ST-10-04C Table J-6 (physics.md §2.4, third-party transcription): G = 2.00 at 400 km.
    speeds, weights = ssp30425_speed_grid()
    assert mean_focusing_near_earth(R_400_KM, speeds, weights) == pytest.approx(2.00, rel=TWO_PERCENT)


def test_shielding_comes_out_of_the_geometry():
    at_rest = np.zeros(3)
    shielded = sporadic_meteoroid_bundles(R_400_KM, at_rest).random_plate_flux_m2_yr()
    open_sky = sporadic_meteoroid_bundles(R_400_KM, at_rest, earth_shielding=False).random_plate_flux_m2_yr()
    # (1 + cos eta)/2 is exact for an isotropic field on a random plate (§2.1).
    assert shielded / open_sky == pytest.approx(float(earth_shielding_factor_random(400.0)), rel=0.002)


def test_spacecraft_motion_factor_k(field):
    at_rest = sporadic_meteoroid_bundles(R_400_KM, np.zeros(3)).random_plate_flux_m2_yr()
    # ECSS Table J-6: K = 1.09 at 400 km.
    assert field.random_plate_flux_m2_yr() / at_rest == pytest.approx(1.09, rel=TWO_PERCENT)


def test_random_plate_total_matches_handbook_cube(field):
    # Handbook Table 2-2 (SSP 30425B, 400 km, rho 1.0): six 1 m2 faces see 22.2 impacts/yr
    # of >= 0.1 mm, i.e. 3.70 m^-2 yr^-1 on average (physics.md §2.4-2.5).
    fraction = grun_size_spectrum(1.0).fraction_above([np.array(0.01)])
    assert field.random_plate_flux_m2_yr() * fraction == pytest.approx(22.2 / 6, rel=THREE_PERCENT)
    # and the total near-Earth factor G*sf*K: Handbook cube 1.40, ECSS J-6 1.373.
    assert field.random_plate_flux_m2_yr() / GRUN_REF == pytest.approx(1.40, rel=THREE_PERCENT)


def test_mean_speed_is_the_handbook_19_km_s(field):
    # Handbook §2.6.1: average meteoroid speed for Earth-orbiting spacecraft 19 km/s.
    assert field.mean_speed_km_s() == pytest.approx(19.0, rel=TWO_PERCENT)


@pytest.mark.parametrize("d_cm, published, tolerance", [
    # Handbook Fig. 2-7 meteoroid curve, cross-sectional, digitised (physics.md §5.2):
    (0.001, 5.6e2, 0.30), (0.01, 8.4, 0.15), (0.1, 8.8e-3, 0.15), (1.0, 2.4e-6, 0.30),
])
def test_handbook_figure_2_7_meteoroid_curve(field, d_cm, published, tolerance):
    spectrum = grun_size_spectrum()  # TM-4527 densities
    flux = field.cross_sectional_flux_m2_yr() * spectrum.fraction_above([np.array(d_cm)] * 3)
    assert flux == pytest.approx(published, rel=tolerance)


def test_face_pattern_emerges(field):
    flux = {name: float(field.plate_flux_m2_yr(np.array(n))) for name, n in FACES.items()}
    # Handbook §2.5: ram face most meteoroids, wake little, Earth-facing few.
    assert flux["ram"] == max(flux.values())
    assert flux["nadir"] == min(flux.values())
    assert flux["wake"] < flux["ram"] / 5
    assert flux["nadir"] < flux["zenith"] / 5
    assert flux["port"] == pytest.approx(flux["starboard"], rel=1e-3)


def test_cauchy_random_plate_is_a_quarter():
    coarse = sporadic_meteoroid_bundles(R_400_KM, n_directions=1500)
    normals, _ = fibonacci_directions(1000)
    mean_plate = float(np.mean(coarse.plate_flux_m2_yr(normals)))
    assert mean_plate == pytest.approx(coarse.random_plate_flux_m2_yr(), rel=ONE_PERCENT)


def test_direction_grid_converged(field):
    fine = sporadic_meteoroid_bundles(R_400_KM, n_directions=24000)
    for normal in FACES.values():
        n = np.array(normal)
        assert float(field.plate_flux_m2_yr(n)) == pytest.approx(float(fine.plate_flux_m2_yr(n)), rel=ONE_PERCENT)


def test_integration_with_a_size_threshold_equals_plate_flux(field):
    spectrum = grun_size_spectrum(1.0)
    normals = np.array(list(FACES.values()))
    d = 0.01

    def threshold(v, angle, rho):
        return np.full(np.broadcast_shapes(np.shape(v), np.shape(angle)), d)

    tally = integrate_impacts(field, spectrum, normals, np.ones(6), threshold, exposure_yr=2.0)
    expected = 2.0 * field.plate_flux_m2_yr(normals) * spectrum.fraction_above([np.array(d)])
    np.testing.assert_allclose(tally.n_above_limit, expected, rtol=1e-10)
    np.testing.assert_allclose(tally.speed_distribution.sum(axis=1), tally.n_above_limit, rtol=1e-12)
    # Arrival on the ram face is from ahead (+X).
    assert tally.arrival_lvlh[0, 0] > 0.9


def test_penetrations_of_a_thin_wall():
    # 1 m2 ram plate of 1 mm AMg6 for one year at 400 km: a thicker wall never raises N,
    # and N is linear in area and exposure.
    field = sporadic_meteoroid_bundles(R_400_KM, n_directions=2000)
    spectrum = grun_size_spectrum()

    def wall(t_cm):
        return lambda v, a, rho: critical_diameter_cm(
            "cour_palais_christiansen", v, a, rho, t_cm=t_cm, rho_t_g_cm3=2.63, bhn=73.0, c_km_s=5.07)

    ram = np.array([[1.0, 0.0, 0.0]])
    n1 = integrate_impacts(field, spectrum, ram, [1.0], wall(0.1)).n_above_limit[0]
    n2 = integrate_impacts(field, spectrum, ram, [1.0], wall(0.2)).n_above_limit[0]
    n_big = integrate_impacts(field, spectrum, ram, [3.0], wall(0.1), exposure_yr=0.5).n_above_limit[0]
    assert 0 < n2 < n1
    assert n_big == pytest.approx(1.5 * n1, rel=1e-12)
    assert 0.0 < probability_no_penetration(n1) < 1.0
