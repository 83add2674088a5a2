"""Ballistic limit equations against their published forms and published numbers.

Sources:
* NASA/TM-2009-214785 (MMOD Handbook), §4.1 eqs (4-1)-(4-6), §4.2 eqs (4-23)-(4-26);
* NASA/TM-2009-214789 (BLAP TM), Table 1 (material properties);
* the project's physics brief, appendix A1 (§A.1.3 and §A.1.5), which prints the
  1 mm AMg6 perforation limits used below.

Every expected value is computed here from the printed formula, never taken from the
code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from impactrisk.ble.materials import get_material
from impactrisk.ble.single_wall import (
    CRITERIA,
    cour_palais_christiansen,
    cres_single_wall,
    fiberglass_single_wall,
    fish_summers,
    penetration_depth_cm,
    titanium_single_wall,
)
from impactrisk.ble.whipple import christiansen_whipple

#: Round-off only: the code and the test evaluate the same closed form.
ROUND_OFF = 1e-12
#: A bisection solve converged to float64 resolution (relative).
SOLVER = 1e-9
#: The A1 oracle is printed to 4 significant figures (0.2472 mm, 0.1602 mm).
FOUR_FIGURES = 5e-4
#: "d_c ≈ 0.29 mm" / "≈ 0.25 mm" are printed to 2 significant figures.
TWO_FIGURES = 0.02
#: Printed constants of the intermediate Whipple regime (1.248, 1.071) and of the
#: CRES/fiberglass critical-diameter forms (1.57, 0.474, 0.632, 1.28) are rounded to
#: 3-4 figures; over 1-20 km/s that rounding moves d_c by well under 0.5 %.
PRINTED_ROUNDING = 5e-3

# A 1 mm AMg6 wall, BLAP TM Table 1: rho 2.63 g/cm3, BHN 73, C 5.07 km/s.
AMG6_RHO, AMG6_BHN, AMG6_C = 2.63, 73.0, 5.07
T_1MM_CM = 0.1


def printed_cour_palais_dc_cm(t, rho_t, bhn, c, rho_p, v, angle_deg, k=1.8):
    """Handbook eq (4-6) (and its dense-projectile analogue), written out directly."""
    vn = v * math.cos(math.radians(angle_deg))
    if rho_p / rho_t < 1.5:
        dens = (rho_t / rho_p) ** 0.5
    else:
        dens = (rho_t / rho_p) ** (2.0 / 3.0)
    return ((t / k) * bhn**0.25 * dens / (5.24 * (vn / c) ** (2.0 / 3.0))) ** (18.0 / 19.0)


# ---------------------------------------------------------------- A1 oracle values

def test_amg6_oracle_meteoroid_20_km_s():
    # physics brief appendix A1 §A.1.5: "AMg6 1 mm wall at 20 km/s normal,
    # rho 1.0 -> d_c = 0.2472 mm"; rho 2.5 -> 0.1602 mm.
    expected_mm = printed_cour_palais_dc_cm(T_1MM_CM, AMG6_RHO, AMG6_BHN, AMG6_C,
                                            1.0, 20.0, 0.0) * 10
    assert expected_mm == pytest.approx(0.2472, rel=FOUR_FIGURES)
    amg6 = get_material("AMg6")
    got_mm = 10 * cour_palais_christiansen(20.0, 0.0, 1.0, T_1MM_CM, amg6.density_g_cm3,
                                           amg6.bhn, amg6.sound_speed_km_s)
    assert got_mm == pytest.approx(expected_mm, rel=ROUND_OFF)
    assert got_mm == pytest.approx(0.2472, rel=FOUR_FIGURES)
    got_25 = 10 * cour_palais_christiansen(20.0, 0.0, 2.5, T_1MM_CM, AMG6_RHO, AMG6_BHN,
                                           AMG6_C)
    assert got_25 == pytest.approx(0.1602, rel=FOUR_FIGURES)


def test_amg6_oracle_aluminium_7_km_s():
    # physics brief appendix A1 §A.1.3: "For a 1 mm AMg6 wall the perforation limit
    # is d_c ≈ 0.29 mm (Al, 7 km/s) or ≈ 0.25 mm (rho 1.0 meteoroid, 20 km/s)".
    al = cour_palais_christiansen(7.0, 0.0, 2.8, T_1MM_CM, AMG6_RHO, AMG6_BHN, AMG6_C)
    met = cour_palais_christiansen(20.0, 0.0, 1.0, T_1MM_CM, AMG6_RHO, AMG6_BHN, AMG6_C)
    assert 10 * al == pytest.approx(0.29, rel=TWO_FIGURES)
    assert 10 * met == pytest.approx(0.25, rel=TWO_FIGURES)


# ---------------------------------------------------- Cour-Palais inversion (4-6)

@pytest.mark.parametrize("criterion", list(CRITERIA))
@pytest.mark.parametrize("rho_p", [0.5, 1.0, 2.8, 4.5, 7.8])  # both density branches
@pytest.mark.parametrize("v, angle", [(2.0, 0.0), (7.0, 0.0), (7.0, 45.0), (15.0, 60.0),
                                      (30.0, 80.0)])
def test_k_times_penetration_depth_equals_thickness(criterion, rho_p, v, angle):
    # Handbook (4-3)-(4-6): d_c is the diameter at which k * P_inf(d_c) = t.
    wall = get_material("Al 6061-T6")
    t = 0.2
    d_c = cour_palais_christiansen(v, angle, rho_p, t, wall.density_g_cm3, wall.bhn,
                                   wall.sound_speed_km_s, criterion=criterion)
    p = penetration_depth_cm(d_c, v, angle, rho_p, wall.density_g_cm3, wall.bhn,
                             wall.sound_speed_km_s)
    assert CRITERIA[criterion] * p == pytest.approx(t, rel=ROUND_OFF)


@pytest.mark.parametrize("rho_p", [1.0, 2.8, 4.0, 7.8])
@pytest.mark.parametrize("v, angle", [(3.0, 0.0), (7.0, 30.0), (20.0, 60.0)])
def test_cour_palais_matches_printed_equation(rho_p, v, angle):
    wall = get_material("Al 2024-T3")
    expected = printed_cour_palais_dc_cm(0.15, wall.density_g_cm3, wall.bhn,
                                         wall.sound_speed_km_s, rho_p, v, angle)
    got = cour_palais_christiansen(v, angle, rho_p, 0.15, wall.density_g_cm3, wall.bhn,
                                   wall.sound_speed_km_s)
    assert got == pytest.approx(expected, rel=ROUND_OFF)


def test_dense_branch_uses_two_thirds_not_three_halves():
    # BLAP TM eq (7) prints (rho_t/rho_p)^(3/2) for rho_p/rho_t >= 1.5; inverting its
    # own eq (2) gives 2/3. Steel (7.8) on aluminium (2.7) is in that branch.
    rho_t, bhn, c, t = 2.7, 95.0, 5.05, 0.1
    got = cour_palais_christiansen(7.0, 0.0, 7.8, t, rho_t, bhn, c)
    two_thirds = ((t / 1.8) * bhn**0.25 * (rho_t / 7.8) ** (2 / 3)
                  / (5.24 * (7.0 / c) ** (2 / 3))) ** (18 / 19)
    three_halves = ((t / 1.8) * bhn**0.25 * (rho_t / 7.8) ** 1.5
                    / (5.24 * (7.0 / c) ** (2 / 3))) ** (18 / 19)
    assert got == pytest.approx(two_thirds, rel=ROUND_OFF)
    assert abs(got / three_halves - 1) > 0.5


def test_mli_correction_eq_4_20():
    # Handbook (4-20): d_c = 2.2 m_MLI rho_p^-0.47 (V cos)^-0.63 + d_c(no MLI).
    args = (10.0, 30.0, 1.0, 0.1, 2.7, 95.0, 5.05)
    base = cour_palais_christiansen(*args)
    with_mli = cour_palais_christiansen(*args, mli_areal_density_g_cm2=0.05)
    vn = 10.0 * math.cos(math.radians(30.0))
    assert with_mli - base == pytest.approx(2.2 * 0.05 * 1.0**-0.47 * vn**-0.63,
                                            rel=ROUND_OFF)


# ------------------------------------------------------------ other single walls

@pytest.mark.parametrize("criterion, k", [("perforation", 1.8), ("detached_spall", 2.4),
                                          ("incipient_spall", 3.0)])
def test_titanium_inverts_its_penetration_equation(criterion, k):
    # Handbook §4.1 titanium: P = 5.24 d BHN^-0.25 (rho_p/rho_t)^0.5 (V cos/C)^(2/3),
    # t = k P with k = 1.8 / 2.4 / 3.0.
    ti = get_material("ti-15-3-3-3")
    v, angle, rho_p, t = 9.0, 40.0, 2.8, 0.05
    d_c = titanium_single_wall(v, angle, rho_p, t, ti.density_g_cm3, ti.bhn,
                               ti.sound_speed_km_s, criterion=criterion)
    vn = v * math.cos(math.radians(angle))
    p = (5.24 * d_c * ti.bhn**-0.25 * (rho_p / ti.density_g_cm3) ** 0.5
         * (vn / ti.sound_speed_km_s) ** (2 / 3))
    assert k * p == pytest.approx(t, rel=ROUND_OFF)


@pytest.mark.parametrize("v", [2.0, 7.0, 20.0])
def test_cres_printed_form_consistent_with_penetration_equation(v):
    # Printed d = 1.57 t^(18/19) (rho_t/rho_p)^0.474 (V cos)^-0.632 is the inverse of
    # t = 1.8 P, P = K d^(19/18) (rho_p/rho_t)^0.5 (V cos)^(2/3) with K = 0.345.
    t, rho_t, rho_p = 0.1, 7.8, 2.8
    d_c = cres_single_wall(v, 0.0, rho_p, t, rho_t)
    p = 0.345 * d_c ** (19 / 18) * (rho_p / rho_t) ** 0.5 * v ** (2 / 3)
    assert 1.8 * p == pytest.approx(t, rel=PRINTED_ROUNDING)


@pytest.mark.parametrize("v", [2.0, 7.0, 20.0])
def test_fiberglass_printed_form_consistent_with_penetration_equation(v):
    # Handbook §4.1: P = 0.434 d (rho_p/rho_t)^0.5 (V cos)^(2/3), t = 1.8 P.
    t, rho_t, rho_p = 0.2, 1.9, 1.0
    d_c = fiberglass_single_wall(v, 20.0, rho_p, t, rho_t)
    vn = v * math.cos(math.radians(20.0))
    p = 0.434 * d_c * (rho_p / rho_t) ** 0.5 * vn ** (2 / 3)
    assert 1.8 * p == pytest.approx(t, rel=PRINTED_ROUNDING)


@pytest.mark.parametrize("k_fs", [0.54, 0.52])
@pytest.mark.parametrize("v, rho_p", [(5.0, 2.8), (20.0, 1.0)])
def test_fish_summers_reproduces_thickness(k_fs, v, rho_p):
    # Cour-Palais 1987 eq (3): t = K rho_p^0.148 m^0.352 V^0.875, m = pi/6 rho_p d^3.
    t = 0.1
    d_c = fish_summers(v, 0.0, rho_p, t, k_fs)
    m = math.pi / 6 * rho_p * d_c**3
    assert k_fs * rho_p**0.148 * m**0.352 * v**0.875 == pytest.approx(t, rel=ROUND_OFF)


# -------------------------------------------------------------------- Whipple

WHIPPLE = dict(t_b_cm=0.127, rho_b_g_cm3=2.7, t_w_cm=0.3175, sigma_ksi=40.0, s_cm=10.0)


def printed_whipple_dc_cm(v, angle_deg, rho_p, t_b, rho_b, t_w, sigma, s):
    """Handbook (4-23)-(4-26) without the bumper correction, with the printed constants."""
    theta = math.radians(min(angle_deg, 65.0))
    cos = math.cos(theta)
    vn = v * cos
    if vn >= 7.0:
        return (3.918 * t_w ** (2 / 3) * rho_p ** (-1 / 3) * rho_b ** (-1 / 9)
                * vn ** (-2 / 3) * s ** (1 / 3) * (sigma / 70) ** (1 / 3))
    if vn <= 3.0:
        return ((t_w * (sigma / 40) ** 0.5 + t_b)
                / (0.6 * cos ** (5 / 3) * rho_p**0.5 * v ** (2 / 3))) ** (18 / 19)
    return (((t_w * (sigma / 40) ** 0.5 + t_b) / (1.248 * rho_p**0.5 * cos)) ** (18 / 19)
            * (1.75 - vn / 4)
            + 1.071 * t_w ** (2 / 3) * rho_p ** (-1 / 3) * rho_b ** (-1 / 9)
            * s ** (1 / 3) * (sigma / 70) ** (1 / 3) * (vn / 4 - 0.75))


@pytest.mark.parametrize("v, angle", [(1.0, 0.0), (2.5, 30.0), (4.0, 0.0), (6.0, 20.0),
                                      (9.0, 40.0), (15.0, 0.0), (12.0, 60.0)])
@pytest.mark.parametrize("rho_p", [1.0, 2.8])
def test_whipple_matches_printed_regimes(v, angle, rho_p):
    expected = printed_whipple_dc_cm(v, angle, rho_p, **{
        "t_b": 0.127, "rho_b": 2.7, "t_w": 0.3175, "sigma": 40.0, "s": 10.0})
    got = christiansen_whipple(v, angle, rho_p, **WHIPPLE, bumper_correction=False)
    assert got == pytest.approx(expected, rel=PRINTED_ROUNDING)


def test_whipple_intermediate_constants():
    # 1.248 = 0.6 * 3^(2/3) and 1.071 = 3.918 * 7^(-2/3) (Handbook (4-24)).
    assert 0.6 * 3 ** (2 / 3) == pytest.approx(1.248, abs=5e-4)
    assert 3.918 * 7 ** (-2 / 3) == pytest.approx(1.071, abs=5e-4)


@pytest.mark.parametrize("vn_edge", [3.0, 7.0])
@pytest.mark.parametrize("correction", [False, True])
@pytest.mark.parametrize("angle", [0.0, 45.0])
def test_whipple_continuous_at_regime_edges(vn_edge, correction, angle):
    eps = 1e-9
    cos = math.cos(math.radians(angle))
    v = np.array([vn_edge - eps, vn_edge, vn_edge + eps]) / cos
    d = christiansen_whipple(v, angle, 2.8, **WHIPPLE, bumper_correction=correction)
    assert d[0] == pytest.approx(d[1], rel=1e-6)
    assert d[2] == pytest.approx(d[1], rel=1e-6)


@pytest.mark.parametrize("correction", [False, True])
def test_whipple_65_degree_cap(correction):
    v = np.array([2.0, 5.0, 10.0, 20.0, 40.0])
    d80 = christiansen_whipple(v, 80.0, 2.8, **WHIPPLE, bumper_correction=correction)
    d65 = christiansen_whipple(v, 65.0, 2.8, **WHIPPLE, bumper_correction=correction)
    d90 = christiansen_whipple(v, 90.0, 2.8, **WHIPPLE, bumper_correction=correction)
    np.testing.assert_array_equal(d80, d65)
    np.testing.assert_array_equal(d90, d65)


def test_bumper_correction_solves_its_implicit_equation():
    # (4-27)-(4-32): d = d_HV F2*(d)^(-2/3) with
    # F2* = r - 2 (x/x_c)(r - 1) + (x/x_c)^2 (r - 1), x = t_b/d, x_c = c_b rho_p/rho_b,
    # c_b = 0.20 (S/d >= 30) or 0.25; r = t_w(no bumper) / t_w(sized bumper) at V_n = 7.
    rho_p, t_b, rho_b, t_w, sigma, s = 2.8, 0.02, 2.7, 0.3175, 40.0, 10.0
    for v, angle in [(7.0, 0.0), (10.0, 0.0), (15.0, 30.0)]:
        d = christiansen_whipple(v, angle, rho_p, t_b, rho_b, t_w, sigma, s)
        cos = math.cos(math.radians(angle))
        d_hv = (3.918 * t_w ** (2 / 3) * rho_p ** (-1 / 3) * rho_b ** (-1 / 9)
                * (v * cos) ** (-2 / 3) * s ** (1 / 3) * (sigma / 70) ** (1 / 3))
        t_w_bare = 0.6 * d ** (19 / 18) * cos ** (5 / 3) * rho_p**0.5 * (7 / cos) ** (2 / 3)
        t_w_bare /= (sigma / 40) ** 0.5
        mass = math.pi / 6 * rho_p * d**3
        t_w_sized = (0.16 * d**0.5 * (rho_p * rho_b) ** (1 / 6) * mass ** (1 / 3) * 7.0
                     / s**0.5 * (70 / sigma) ** 0.5)
        r = t_w_bare / t_w_sized
        x_c = (0.20 if s / d >= 30 else 0.25) * rho_p / rho_b
        x = t_b / d
        assert x < x_c  # the thin bumper is below its critical ratio here
        f2 = r - 2 * (x / x_c) * (r - 1) + (x / x_c) ** 2 * (r - 1)
        assert d == pytest.approx(d_hv * f2 ** (-2 / 3), rel=SOLVER)


def test_bumper_correction_inactive_for_thick_bumper():
    # t_b/d_c above (t_b/d)_crit: F2* = 1 and the correction changes nothing.
    args = (12.0, 0.0, 2.8, 0.5, 2.7, 0.3175, 40.0, 10.0)
    assert christiansen_whipple(*args) == christiansen_whipple(*args,
                                                               bumper_correction=False)
