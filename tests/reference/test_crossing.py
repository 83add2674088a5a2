"""Debris crossing geometry against published and independently derived values.

Reference values:

* physics brief §5.3 [Calc]: v0 at 415 km and the oracle table (target 51.6 deg,
  415 km, equal-N single-inclination populations: relative flux, flux-weighted mean
  |dv| and mean |azimuth from ram|, orbit-averaged uniformly in argument of latitude);
* an independent quadrature written here: the orbit average taken over the *debris*
  argument of latitude w (sin phi = sin i sin w), in which the density has no
  singularity, with the headings of the brief (sin A = cos i / cos phi) and
  |dv| = 2 v0 |sin(dA/2)|;
* physics brief §3.4 / §5.3 note: mixed LEO populations give mean impact speeds of
  about 9-11 km/s (NRC 1995 p. 90: 10.8 km/s with catalogued objects, 9.2 km/s with
  Haystack-detected objects, for a 51.6 deg orbit; Handbook §2.6.2: about 9 km/s at
  400 km);
* the MASTER-2009 ISS run of physics brief §5.5 (in ../shared, skipped when absent).

The relative-flux normalisation of the brief's table was identified as
``<sum over branches of |dv| [km/s] / (2 sqrt(sin^2 i - sin^2 phi))>``, i.e. the flux in
units of N / (2 pi^2 r^2 dr); with it six of the seven published values are reproduced
to their last printed digit, so the test compares values, not only ratios.
"""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.environment import crossing as cr
from impactrisk.io.flux_tables import load_debris_inclination_mix

#: Physics brief §5.3: R = 6378.137 km, mu = 398600.4418 km^3/s^2, 415 km.
R_415_KM = 6378.137 + 415.0
TARGET_INC_DEG = 51.6


def half_last_digit(decimals: int) -> float:
    """Tolerance of a value printed with ``decimals`` decimals: half a unit in the last
    printed digit (the brief prints 3-4 significant digits)."""
    return 0.5 * 10.0 ** (-decimals)


#: The brief prints flux and speed with 2 decimals, azimuths with 1 decimal.
FLUX_TOL = half_last_digit(2)
SPEED_TOL_KM_S = half_last_digit(2)
AZIMUTH_TOL_DEG = half_last_digit(1)
#: v0 printed with 4 decimals, 2 v0 with 3.
V0_TOL_KM_S = half_last_digit(4)
TWO_V0_TOL_KM_S = half_last_digit(3)
#: Agreement of two independent quadratures of the same integral (both converged far
#: below this).
INDEPENDENT_QUADRATURE = 1e-5

#: Physics brief §5.3 oracle: debris i [deg], relative flux, mean |dv| [km/s],
#: mean |azimuth from ram| [deg].
ORACLE = [
    (28.5, 8.79, 7.12, 61.9),
    (51.6, 9.58, 8.22, 56.2),
    (65.0, 10.34, 9.30, 50.8),
    (74.0, 11.04, 10.08, 46.7),
    (82.0, 11.83, 10.76, 42.8),
    (86.4, 12.35, 11.13, 40.6),
    (98.0, 14.20, 12.07, 34.6),
]
#: Published relative flux of the 28.5 deg row that is not reproduced: the converged
#: integral is 8.812 (two independent quadratures below agree to 1e-6), 0.25 % above
#: the printed 8.79. This is the only row whose density has an inverse-square-root
#: singularity on the target's path (the target reaches latitude 28.5 deg); sampling
#: it on a grid in u scatters by per cents (a midpoint rule gives 8.52 with 720
#: points, 8.84 with 20 000), so the printed value is taken as under-resolved. Its
#: speed and azimuth, flux-weighted means, are reproduced.
UNDER_RESOLVED_ROW = 28.5


@pytest.fixture(scope="module")
def oracle_result():
    incs = [row[0] for row in ORACLE]
    return cr.orbit_averaged_speed_distribution(TARGET_INC_DEG, incs, None, R_415_KM)


def independent_orbit_average(target_inc_deg, debris_inc_deg, r_km, n=20000):
    """Orbit-mean relative flux, mean |dv| and mean |azimuth| by a second method.

    Integrates over the debris' own argument of latitude w when the target reaches
    higher latitudes than the debris (then du / sqrt(sin^2 i - sin^2 phi) =
    dw / (sin i_t |cos u|) has no singularity), else uniformly in the target's u
    (no singularity either). Headings from sin A = cos i / cos phi and the branch; the
    integrands are smooth and periodic, so the midpoint rule converges fast.
    """
    v0 = np.sqrt(cr.MU_EARTH_KM3_S2 / r_km)
    it, i = np.radians(target_inc_deg), np.radians(debris_inc_deg)
    k, s = np.sin(it), np.sin(i)
    x = (np.arange(n) + 0.5) / n * 2 * np.pi
    samples = []
    if k > s:
        sin_phi = s * np.sin(x)
        debris_a = np.arcsin(np.cos(i) / np.sqrt(1 - sin_phi**2))
        debris_a = np.where(np.cos(x) >= 0, debris_a, np.pi - debris_a)
        for u in (np.arcsin(sin_phi / k), np.pi - np.arcsin(sin_phi / k)):
            target_a = np.arcsin(np.clip(np.cos(it) / np.sqrt(1 - sin_phi**2), -1, 1))
            target_a = np.where(np.cos(u) >= 0, target_a, np.pi - target_a)
            weight = 1.0 / (k * np.abs(np.cos(u)))
            samples.append((debris_a - target_a, 0.5 * weight))
    else:
        sin_phi = k * np.sin(x)
        cos_phi = np.sqrt(1 - sin_phi**2)
        target_a = np.arcsin(np.clip(np.cos(it) / cos_phi, -1, 1))
        target_a = np.where(np.cos(x) >= 0, target_a, np.pi - target_a)
        density = 1.0 / np.sqrt(s**2 - sin_phi**2)
        debris_a = np.arcsin(np.clip(np.cos(i) / cos_phi, -1, 1))
        for branch_a in (debris_a, np.pi - debris_a):
            samples.append((branch_a - target_a, 0.5 * density))
    flux = speed = azimuth = 0.0
    for d_a, half_rho in samples:
        dv = 2 * v0 * np.abs(np.sin(d_a / 2))
        az = np.degrees(np.abs(np.pi / 2 - np.mod(d_a, 2 * np.pi) / 2))
        f = half_rho * dv
        flux += f.sum()
        speed += (f * dv).sum()
        azimuth += (f * az).sum()
    return flux / n, speed / flux, azimuth / flux


def test_circular_speed_at_415_km():
    # physics brief §5.3: v0 = 7.6601 km/s at 415 km, 2 v0 = 15.320 km/s
    v0 = cr.circular_speed_km_s(R_415_KM)
    assert v0 == pytest.approx(7.6601, abs=V0_TOL_KM_S)
    assert 2 * v0 == pytest.approx(15.320, abs=TWO_V0_TOL_KM_S)


@pytest.mark.parametrize("row", range(len(ORACLE)), ids=[f"{r[0]}deg" for r in ORACLE])
def test_oracle_mean_speed_and_azimuth(oracle_result, row):
    _, _, speed, azimuth = ORACLE[row]
    assert oracle_result.mean_speed_km_s[row] == pytest.approx(speed, abs=SPEED_TOL_KM_S)
    assert oracle_result.mean_abs_azimuth_deg[row] == pytest.approx(azimuth,
                                                                    abs=AZIMUTH_TOL_DEG)


@pytest.mark.parametrize("row", [
    pytest.param(i, marks=pytest.mark.xfail(
        reason="physics brief §5.3 prints 8.79 for 28.5 deg; the converged integral is "
               "8.81 (see UNDER_RESOLVED_ROW and test_oracle_against_independent_quadrature)",
        strict=True))
    if ORACLE[i][0] == UNDER_RESOLVED_ROW else i
    for i in range(len(ORACLE))], ids=[f"{r[0]}deg" for r in ORACLE])
def test_oracle_relative_flux(oracle_result, row):
    flux = ORACLE[row][1]
    assert oracle_result.flux[row] == pytest.approx(flux, abs=FLUX_TOL)


def test_oracle_flux_ratios(oracle_result):
    # ratios between the rows whose values are reproduced, relative to the 51.6 deg row
    rows = [i for i, r in enumerate(ORACLE) if r[0] != UNDER_RESOLVED_ROW]
    published = np.array([ORACLE[i][1] for i in rows])
    ours = oracle_result.flux[rows]
    base = rows.index(1)
    # each ratio of two 3-4 digit numbers is known to the sum of their relative roundings
    tol = FLUX_TOL / published + FLUX_TOL / published[base]
    np.testing.assert_array_less(np.abs(ours / ours[base] - published / published[base])
                                 / (published / published[base]), tol)


@pytest.mark.parametrize("inc", [row[0] for row in ORACLE] + [30.0, 51.5, 51.7, 120.0])
def test_oracle_against_independent_quadrature(inc):
    out = cr.orbit_averaged_speed_distribution(TARGET_INC_DEG, [inc], None, R_415_KM)
    flux, speed, azimuth = independent_orbit_average(TARGET_INC_DEG, inc, R_415_KM)
    assert out.flux[0] == pytest.approx(flux, rel=INDEPENDENT_QUADRATURE)
    assert out.mean_speed_km_s[0] == pytest.approx(speed, rel=INDEPENDENT_QUADRATURE)
    assert out.mean_abs_azimuth_deg[0] == pytest.approx(azimuth, rel=INDEPENDENT_QUADRATURE)


# ------------------------------------------------------------------ mixed populations

#: Physics brief §5.3 note: a mixed LEO population gives mean speeds of about 9-11 km/s.
MIXED_LEO_SPEED_KM_S = (9.0, 11.0)
#: Spread of published mean debris impact speeds for the ISS orbit: Handbook §2.6.2
#: about 9 km/s at 400 km vs NRC 1995 10.8 km/s for catalogued objects, i.e. 20 %.
MEAN_SPEED_MODEL_SPREAD = 0.20
#: Physics brief §5.3: 1.2 % of the >= 1 mm MASTER debris flux is above 16 km/s
#: (printed with 2 significant digits).
MASTER_ABOVE_16_KM_S = 0.012
MASTER_ABOVE_16_TOL = 0.0005


def shipped_mix_speed(alt_km=415.0):
    mix = load_debris_inclination_mix()
    mix.check_altitude(alt_km)
    inc, fraction = mix.populations()
    return cr.orbit_averaged_speed_distribution(TARGET_INC_DEG, inc, fraction,
                                                6378.137 + alt_km)


def test_shipped_mix_mean_speed_in_published_range():
    # ASSUMPTION under test: the catalogued-object inclination mix stands for the debris
    # population; its mean impact speed must fall in the published 9-11 km/s band.
    out = shipped_mix_speed()
    low, high = MIXED_LEO_SPEED_KM_S
    assert low <= out.total_mean_speed_km_s <= high


def test_equal_mix_of_oracle_rows_in_published_range():
    out = cr.orbit_averaged_speed_distribution(TARGET_INC_DEG, [r[0] for r in ORACLE],
                                               None, R_415_KM)
    low, high = MIXED_LEO_SPEED_KM_S
    assert low <= out.total_mean_speed_km_s <= high


def read_master_debris(path):
    """Diameter [m], speed [km/s] and debris flux (sources other than meteoroids and
    streams) of the MASTER-2009 3-D table; columns by position (physics brief §5.5):
    0 D, 1 V, 2-10 Expl-Fragm ... MLI, 11 Meteoroids, 12 Streams, 13-17 Cloud 1-5,
    18 Total. Cloud 1 is the Fengyun 1C (25730) fragment cloud, i.e. debris."""
    rows = [line.split() for line in path.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    table = np.array(rows, dtype=float)
    assert table.shape == (1200, 19)
    debris = table[:, 2:11].sum(axis=1) + table[:, 13:18].sum(axis=1)
    return table[:, 0], table[:, 1], debris


def test_mean_speed_against_master_2009(shared_data_dir):
    path = (shared_data_dir / "flux_samples"
            / "master2009_iss-2019-10_Dexter89it-AracneTeam_total_flux.txt")
    if not path.is_file():
        pytest.skip(f"{path.name} not present")
    d_m, v_km_s, debris = read_master_debris(path)
    # classes of 0.1 decade from 0.1 mm; the diameter column holds the geometric class
    # centre, so the class starting at 1 mm is the first with a centre above 1 mm
    big = d_m >= 1e-3
    above_16 = debris[big & (v_km_s > 16)].sum() / debris[big].sum()
    assert above_16 == pytest.approx(MASTER_ABOVE_16_KM_S, abs=MASTER_ABOVE_16_TOL)
    master_mean = (debris[big] * v_km_s[big]).sum() / debris[big].sum()
    ours = shipped_mix_speed().total_mean_speed_km_s
    # MASTER >= 1 mm debris (2019, 408 km): 9.45 km/s; shipped catalogued mix (2023,
    # 415 km, ASSUMED for small debris): 10.57 km/s.
    assert abs(ours - master_mean) / master_mean < MEAN_SPEED_MODEL_SPREAD
