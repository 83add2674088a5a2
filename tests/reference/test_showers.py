"""Meteor showers against the published numbers collected in the physics brief.

Sources (section of /work/shared/design/physics.md cited at each test):

* §4.1 [Calc]: the r = 2.6 ZHR-to-flux factor 5.74e-4 km^-2 h^-1 per unit ZHR;
* §4.2 [Calc]: the Geminid focusing example at 400 km (factor 1.096, 36.64 km/s for a
  stream of 35 km/s far from the Earth);
* §4.5 [Calc]: ZHR at the Soyuz MS-22 leak onset (lambda = 262.70 deg) from the GMN and
  NASA MEO Geminid profiles;
* A.3.1: IMO 2025 working list (Table 5), verified from the IMO calendar text;
* A.3.2: IMO 2025 Table 6 radiant positions (verified), from which the drift rates of
  the packaged table are re-derived here with an independent solar longitude (Meeus's
  low-precision Sun, not the DE421 ephemeris used to build the table);
* A.3.3: NASA MEO list (B_p, B_m, V_g) and the speed conversions and single-stream
  focusing factors computed from the MEO V_g.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from impactrisk.environment import showers as sh
from impactrisk.io.flux_tables import load_meteor_showers

#: "approximately 40" / "approximately 56" in §4.5: two significant figures.
TWO_SIG_FIG_AROUND_50 = 0.5
#: §4.1 asks for the r = 2.6 factor "to 1%".
ONE_PERCENT = 0.01
#: Half a unit in the last printed digit.
HALF_UNIT_1DP = 0.05
HALF_UNIT_2DP = 0.005
HALF_UNIT_3DP = 0.0005
#: The drift rates are stored to 0.01 deg/deg; the Meeus and DE421 solar longitudes
#: differ by < 0.01 deg, which changes a fitted slope by < 2e-4 deg/deg.
DRIFT_TABLE_ROUNDING = HALF_UNIT_2DP + 5e-4
#: Meeus's low-precision Sun (used for the §4.5 solar longitudes) is good to ~0.01 deg.
LOW_PRECISION_SUN_DEG = 0.02
#: Time weight vs the DE421 solar-longitude rate: the Moon's pull on the Earth moves
#: the rate by ~4e-4 relative; the planets less.
KEPLER_RATE = 1e-3

SHOWERS = {s.code: s for s in load_meteor_showers()}

# --------------------------------------------------------------- §4.5, MS-22 activity

#: §4.5: leak onset 2022-12-15 00:45 UT, lambda = 262.70 deg.
LEAK_LAMBDA_DEG = 262.70


def test_gmn_geminid_profile_at_the_leak():
    # §4.5 / A.3.4: GMN component 1: lambda_peak 262.253, ZHR 120.83, B_p 0.321, B_m 1.084
    # -> "ZHR approximately 40".
    zhr = sh.double_exponential_zhr(LEAK_LAMBDA_DEG, 120.83, 262.253, 0.321, 1.084)
    assert abs(zhr - 40.0) <= TWO_SIG_FIG_AROUND_50


def test_meo_geminid_profile_at_the_leak():
    # §4.5 / A.3.3: MEO profile (peak 262.0, B_p 0.15, B_m 0.462, ZHR 118) -> "approximately 56".
    zhr = sh.double_exponential_zhr(LEAK_LAMBDA_DEG, 118.0, 262.0, 0.15, 0.462)
    assert abs(zhr - 56.0) <= TWO_SIG_FIG_AROUND_50


def test_packaged_geminids_at_the_leak():
    # The packaged profile combines the IMO peak (262.2 deg, ZHR 150, A.3.1) with the MEO
    # fall slope (0.462, A.3.3): 150 * 10^(-0.462 * 0.50) = 88.1, i.e. 0.59 of the peak.
    gem = SHOWERS["GEM"]
    expected = 150.0 * 10.0 ** (-0.462 * (LEAK_LAMBDA_DEG - 262.2))
    assert sh.activity_zhr(gem, LEAK_LAMBDA_DEG) == pytest.approx(expected, rel=1e-12)
    assert abs(expected - 88.1) <= HALF_UNIT_1DP


def test_leak_solar_longitude_from_the_ephemeris():
    # §4.5 [Calc]: 2022-12-15 00:45 UT -> 262.70 deg (Meeus low precision); DE421 here.
    from impactrisk.astro import node_quantities
    from impactrisk.timegrid import JD_UNIX_EPOCH

    moment = dt.datetime(2022, 12, 15, 0, 45)
    jd = JD_UNIX_EPOCH + (moment - dt.datetime(1970, 1, 1)).total_seconds() / 86400.0
    lam = node_quantities(np.array([jd])).solar_longitude_deg[0]
    assert abs(lam - LEAK_LAMBDA_DEG) <= LOW_PRECISION_SUN_DEG


# ------------------------------------------------------------------ §4.1 ZHR to flux


def test_zhr_flux_factor_at_r_2_6():
    # §4.1 [Calc]: F_6.5 = 5.74e-4 * ZHR km^-2 h^-1 for r = 2.6.
    assert sh.zhr_to_flux_km2_h(1.0, 2.6) == pytest.approx(5.74e-4, rel=ONE_PERCENT)
    assert sh.zhr_to_flux_km2_h(150.0, 2.6) == pytest.approx(150 * 5.74e-4, rel=ONE_PERCENT)


def test_flux_per_m2_yr_is_the_same_flux():
    # 1 km^2 = 1e6 m^2 and a Julian year is 8766 h.
    per_km2_h = sh.zhr_to_flux_km2_h(37.0, 2.2)
    assert sh.zhr_to_flux_m2_yr(37.0, 2.2) == pytest.approx(per_km2_h * 8766.0 / 1e6,
                                                             rel=1e-12)


def test_limiting_mass_is_the_gmn_kilogram_formula_in_grams():
    # §4.2: m_lim [kg] = 1e-3 * 10^((-8.75 log10 v - M + 11.59) / 2.25).
    for v, mag in [(35.0, 6.5), (71.0, 6.5), (20.0, 0.0), (59.0, 3.0)]:
        kg = 1e-3 * 10.0 ** ((-8.75 * np.log10(v) - mag + 11.59) / 2.25)
        assert sh.limiting_mass_g(v, mag) == pytest.approx(1000.0 * kg, rel=1e-12)


def test_mass_index_of_the_geminids():
    # §4.4: r = 2.6 -> s = 2.04.
    assert abs(sh.mass_index(2.6) - 2.04) <= HALF_UNIT_2DP


# --------------------------------------------------- §4.2 and A.3.3 speeds, focusing

#: A.3.3: MEO geocentric speeds V_g [km/s].
MEO_VG = {"QUA": 40.7, "LYR": 46.6, "ETA": 65.7, "SDA": 40.4, "CAP": 22.2, "PER": 59.1,
          "DRA": 20.7, "ORI": 65.5, "STA": 27.5, "NTA": 28.0, "LEO": 70.2, "GEM": 34.0,
          "URS": 33.2}
#: A.3.3: V_inf = sqrt(V_g^2 + v_esc(100 km)^2) with R = 6371 km.
A33_V_INF = {"QUA": 42.2, "LYR": 47.9, "ETA": 66.6, "SDA": 41.9, "CAP": 24.8, "PER": 60.1,
             "DRA": 23.5, "ORI": 66.4, "STA": 29.7, "NTA": 30.1, "LEO": 71.1, "GEM": 35.8,
             "URS": 35.0}
#: A.3.3: speed at 400 km and single-stream focusing factor at 400 km (R = 6371 km).
A33_AT_400 = {"QUA": (42.12, 1.071), "LYR": (47.85, 1.054), "ETA": (66.59, 1.027),
              "SDA": (41.83, 1.072), "CAP": (24.71, 1.239), "PER": (60.09, 1.034),
              "DRA": (23.37, 1.275), "ORI": (66.39, 1.027), "STA": (29.56, 1.156),
              "NTA": (30.03, 1.150), "LEO": (71.03, 1.024), "GEM": (35.69, 1.102),
              "URS": (34.93, 1.107)}
A33_R_EARTH_KM = 6371.0


@pytest.mark.parametrize("code", sorted(MEO_VG))
def test_a33_speed_conversions(code):
    v_g = MEO_VG[code]
    v_inf = sh.entry_speed_km_s(v_g, A33_R_EARTH_KM + 100.0)
    v_400 = sh.entry_speed_km_s(v_g, A33_R_EARTH_KM + 400.0)
    factor = sh.collimated_focusing_factor(v_g, A33_R_EARTH_KM + 400.0)
    assert abs(v_inf - A33_V_INF[code]) <= HALF_UNIT_1DP
    assert abs(v_400 - A33_AT_400[code][0]) <= HALF_UNIT_2DP
    assert abs(factor - A33_AT_400[code][1]) <= HALF_UNIT_3DP
    # the inverse conversion gives V_g back
    assert sh.geocentric_speed_km_s(v_inf, A33_R_EARTH_KM + 100.0) == pytest.approx(v_g)


def test_geminid_focusing_example_of_section_4_2():
    # §4.2 [Calc]: Geminids at 400 km with 35 km/s taken as the free-space speed:
    # v_esc = 10.845 km/s, factor 1.096, local speed 36.64 km/s (ECSS R_E = 6378 km).
    r_km = 6378.0 + 400.0
    assert abs(sh.collimated_focusing_factor(35.0, r_km) - 1.096) <= HALF_UNIT_3DP
    assert abs(sh.entry_speed_km_s(35.0, r_km) - 36.64) <= HALF_UNIT_2DP


def test_imo_speeds_agree_with_meo_geocentric_speeds():
    # A.3.3: the V_inf computed from the MEO V_g agrees with IMO's V_inf "within 1-2
    # km/s except DRA, where IMO lists 20" (23.5 from MEO). The S. Taurids are a second
    # exception the brief does not mention: 29.7 from MEO against IMO's 27 km/s.
    exceptions = {"DRA": 23.5 - 20.0, "STA": 29.7 - 27.0}
    for code, v_g in MEO_VG.items():
        difference = float(sh.entry_speed_km_s(v_g, A33_R_EARTH_KM + 100.0)
                           - SHOWERS[code].v_entry_km_s)
        if code in exceptions:
            assert abs(difference - exceptions[code]) <= HALF_UNIT_1DP, code
        else:
            assert abs(difference) <= 2.0 + HALF_UNIT_1DP, code


# ------------------------------------------------------------- A.3.1 / A.3.3 table

#: A.3.1 (IMO-25 Table 5): lambda_max, alpha, delta, V_inf, r, ZHR.
IMO25 = {
    "QUA": (283.15, 230, 49, 41, 2.1, 80), "LYR": (32.32, 271, 34, 49, 2.1, 18),
    "ETA": (45.5, 338, -1, 66, 2.4, 50), "SDA": (128, 340, -16, 41, 2.5, 25),
    "CAP": (128, 307, -10, 23, 2.5, 5), "PER": (140.0, 48, 58, 59, 2.2, 100),
    "DRA": (195.4, 262, 54, 20, 2.6, 5), "ORI": (208, 95, 16, 66, 2.5, 20),
    "STA": (223, 52, 15, 27, 2.3, 7), "NTA": (230, 58, 22, 29, 2.3, 5),
    "LEO": (235.27, 152, 22, 71, 2.5, 10), "GEM": (262.2, 112, 33, 35, 2.6, 150),
    "URS": (270.7, 217, 76, 33, 2.8, 10),
}
#: A.3.3 (MEO): B_p, B_m.
MEO_B = {"QUA": (0.865, 0.827), "LYR": (1.229, 4.62), "ETA": (0.125, 0.079),
         "SDA": (0.109, 0.071), "CAP": (0.059, 0.091), "PER": (0.35, 0.0),
         "DRA": (7.225, 0.0), "ORI": (0.12, 0.119), "STA": (0.026, 0.0),
         "NTA": (0.026, 0.0), "LEO": (0.55, 0.0), "GEM": (0.15, 0.462),
         "URS": (2.292, 1.258)}


def test_table_holds_the_thirteen_showers():
    assert sorted(SHOWERS) == sorted(IMO25)


@pytest.mark.parametrize("code", sorted(IMO25))
def test_table_matches_imo_and_meo_lists(code):
    s = SHOWERS[code]
    lam, ra, dec, v, r, zhr = IMO25[code]
    assert (s.lambda_max_deg, s.ra_deg, s.dec_deg) == (lam, ra, dec)
    assert (s.v_entry_km_s, s.population_index, s.zhr_max) == (v, r, zhr)
    assert (s.b_plus_per_deg, s.b_minus_per_deg) == MEO_B[code]
    assert float(s.extras["meo_vg_km_s"]) == MEO_VG[code]


def test_densities_are_default_or_cited():
    # Convention 6: 1 g/cm^3 unless a cited source gives the shower's density;
    # Babadzhanov & Kokhirova (2009) abstract: Geminids 2.9, Leonids 0.4 g/cm^3.
    cited = {"GEM": 2.9, "LEO": 0.4}
    for code, s in SHOWERS.items():
        if code in cited:
            assert s.rho_g_cm3 == cited[code]
            assert s.extras["rho_source"] == "babadzhanov2009"
        else:
            assert s.rho_g_cm3 == 1.0
            assert s.extras["rho_source"] == "default"


# --------------------------------------------------------------- A.3.2 radiant drift

#: A.3.2 / IMO-25 Table 6 (0h UT positions; "Jan 0" is Dec 31). Dates as (y, m, d).
TABLE6 = {
    "QUA": [((2024, 12, 30), 226, 50), ((2024, 12, 31), 228, 50), ((2025, 1, 5), 231, 49),
            ((2025, 1, 10), 234, 48)],
    "LYR": [((2025, 4, 15), 263, 34), ((2025, 4, 20), 269, 34), ((2025, 4, 25), 274, 34),
            ((2025, 4, 30), 279, 34)],
    "ETA": [((2025, 4, 20), 323, -7), ((2025, 4, 25), 328, -5), ((2025, 4, 30), 332, -3),
            ((2025, 5, 5), 337, -1), ((2025, 5, 10), 341, 1), ((2025, 5, 15), 345, 3),
            ((2025, 5, 20), 349, 5), ((2025, 5, 25), 353, 7)],
    "SDA": [((2025, 7, 10), 325, -19), ((2025, 7, 15), 329, -19), ((2025, 7, 20), 333, -18),
            ((2025, 7, 25), 337, -17), ((2025, 7, 30), 340, -16), ((2025, 8, 5), 345, -14),
            ((2025, 8, 10), 349, -13), ((2025, 8, 15), 352, -12), ((2025, 8, 20), 356, -11)],
    "CAP": [((2025, 7, 5), 285, -16), ((2025, 7, 10), 289, -15), ((2025, 7, 15), 294, -14),
            ((2025, 7, 20), 299, -12), ((2025, 7, 25), 303, -11), ((2025, 7, 30), 307, -10),
            ((2025, 8, 5), 313, -8), ((2025, 8, 10), 318, -6)],
    "PER": [((2025, 7, 15), 6, 50), ((2025, 7, 20), 11, 52), ((2025, 7, 25), 22, 53),
            ((2025, 7, 30), 29, 54), ((2025, 8, 5), 37, 56), ((2025, 8, 10), 45, 57),
            ((2025, 8, 15), 51, 58), ((2025, 8, 20), 57, 58), ((2025, 8, 25), 63, 58)],
    "ORI": [((2025, 10, 5), 85, 14), ((2025, 10, 10), 88, 15), ((2025, 10, 15), 91, 15),
            ((2025, 10, 20), 94, 16), ((2025, 10, 25), 98, 16), ((2025, 10, 30), 101, 16),
            ((2025, 11, 5), 105, 17)],
    "STA": [((2025, 9, 20), 18, 5), ((2025, 9, 25), 21, 6), ((2025, 9, 30), 25, 7),
            ((2025, 10, 5), 28, 8), ((2025, 10, 10), 32, 9), ((2025, 10, 15), 36, 11),
            ((2025, 10, 20), 40, 12), ((2025, 10, 25), 43, 13), ((2025, 10, 30), 47, 14),
            ((2025, 11, 5), 52, 15), ((2025, 11, 10), 56, 15), ((2025, 11, 15), 60, 16),
            ((2025, 11, 20), 64, 16)],
    "NTA": [((2025, 10, 20), 38, 18), ((2025, 10, 25), 43, 19), ((2025, 10, 30), 47, 20),
            ((2025, 11, 5), 52, 21), ((2025, 11, 10), 56, 22), ((2025, 11, 15), 61, 23),
            ((2025, 11, 20), 65, 24), ((2025, 11, 25), 70, 24), ((2025, 11, 30), 74, 24)],
    "LEO": [((2025, 11, 10), 147, 24), ((2025, 11, 15), 150, 23), ((2025, 11, 20), 153, 21),
            ((2025, 11, 25), 156, 20), ((2025, 11, 30), 159, 19)],
    "GEM": [((2025, 12, 5), 103, 33), ((2025, 12, 10), 108, 33), ((2025, 12, 15), 113, 33),
            ((2025, 12, 20), 118, 32)],
    "URS": [((2025, 12, 20), 217, 76), ((2025, 12, 25), 217, 74)],
}
#: Table header: positions within 10.5 deg of solar longitude of the maximum are fitted.
DRIFT_FIT_HALF_WIDTH_DEG = 10.5


def meeus_solar_longitude_j2000_deg(jd):
    """Meeus (1998) ch. 25 low-precision Sun, true geometric longitude of date, referred
    to the J2000 equinox by the 0.01397 deg/yr precession term (an independent check of
    the DE421 solar longitudes, good to ~0.01 deg)."""
    t = (np.asarray(jd, dtype=float) - 2451545.0) / 36525.0
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = np.deg2rad(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    c = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * np.sin(m)
         + (0.019993 - 0.000101 * t) * np.sin(2 * m) + 0.000289 * np.sin(3 * m))
    return (l0 + c - 0.01397 * 100.0 * t) % 360.0


def julian_date(year, month, day):
    return 2440587.5 + (dt.date(year, month, day) - dt.date(1970, 1, 1)).days


@pytest.mark.parametrize("code", sorted(TABLE6))
def test_drift_rates_refit_from_table6(code):
    rows = TABLE6[code]
    lam = np.rad2deg(np.unwrap(np.deg2rad(meeus_solar_longitude_j2000_deg(
        [julian_date(*date) for date, _, _ in rows]))))
    ra = np.array([row[1] for row in rows], dtype=float)
    dec = np.array([row[2] for row in rows], dtype=float)
    s = SHOWERS[code]
    near = np.abs((lam - s.lambda_max_deg + 180.0) % 360.0 - 180.0) <= DRIFT_FIT_HALF_WIDTH_DEG
    assert near.sum() >= 2
    dra = np.polyfit(lam[near], ra[near], 1)[0]
    ddec = np.polyfit(lam[near], dec[near], 1)[0]
    assert abs(s.dra_deg_per_deg - dra) <= DRIFT_TABLE_ROUNDING
    assert abs(s.ddec_deg_per_deg - ddec) <= DRIFT_TABLE_ROUNDING


def test_draconid_drift_is_the_meo_rate():
    # A.3.2: DRA has a single Table 6 position; A.3.3 MEO: dRA 2.61, dDec -0.29.
    dra = SHOWERS["DRA"]
    assert (dra.dra_deg_per_deg, dra.ddec_deg_per_deg) == (2.61, -0.29)
    assert dra.extras["drift_source"].startswith("MEO")


#: Table 5 and Table 6 positions are both whole degrees (0.5 deg each).
WHOLE_DEGREE_ROUNDING_BOTH_TABLES = 1.0
#: IMO's Table 5 radiant is not always the Table 6 position at lambda_max: the SDA and
#: CAP Table 5 radiants (maximum Jul 31, lambda 128) are the Table 6 positions of Jul 30
#: (lambda 126.8), and the URS Table 5 declination (+76, Dec 22) is the Dec 20 value.
#: Up to 1.25 deg of solar longitude times the drift rate.
TABLE5_TABLE6_OFFSET_DEG = 1.25


def test_drifted_radiant_near_table6_positions():
    # The model radiant (Table 5 radiant + fitted drift) agrees with the Table 6
    # positions within 5.5 deg of the maximum, to the rounding of both tables plus the
    # Table 5 / Table 6 offset.
    for code, rows in TABLE6.items():
        s = SHOWERS[code]
        tol_ra = (WHOLE_DEGREE_ROUNDING_BOTH_TABLES
                  + abs(s.dra_deg_per_deg) * TABLE5_TABLE6_OFFSET_DEG)
        tol_dec = (WHOLE_DEGREE_ROUNDING_BOTH_TABLES
                   + abs(s.ddec_deg_per_deg) * TABLE5_TABLE6_OFFSET_DEG)
        for date, ra, dec in rows:
            lam = float(meeus_solar_longitude_j2000_deg(julian_date(*date)))
            if abs((lam - s.lambda_max_deg + 180.0) % 360.0 - 180.0) > 5.5:
                continue
            model_ra, model_dec = sh.radiant_radec_deg(s, lam)
            assert abs((model_ra - ra + 180.0) % 360.0 - 180.0) <= tol_ra, (code, date)
            assert abs(model_dec - dec) <= tol_dec, (code, date)


# ----------------------------------------------------- time weight vs the ephemeris


def test_time_weight_matches_the_de421_solar_longitude_rate():
    # dt/dlambda from DE421, divided by its mean (one anomalistic year of 365.259636 d
    # per 360 deg), equals the Kepler weight.
    from impactrisk.astro import node_quantities

    start = julian_date(2022, 1, 1)
    jd = start + np.arange(0.0, 365.0, 7.0)
    half_step = 0.5
    lam_lo = node_quantities(jd - half_step).solar_longitude_deg
    lam_hi = node_quantities(jd + half_step).solar_longitude_deg
    rate_deg_per_day = ((lam_hi - lam_lo + 180.0) % 360.0 - 180.0) / (2 * half_step)
    mean_rate = 360.0 / 365.259636
    lam_mid = node_quantities(jd).solar_longitude_deg
    np.testing.assert_allclose(sh.solar_longitude_time_weight(lam_mid),
                               mean_rate / rate_deg_per_day, rtol=KEPLER_RATE)
