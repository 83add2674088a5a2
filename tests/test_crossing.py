"""Unit and property tests of the debris crossing geometry, the inclination-mix table
and its builder.

Published-value tests are in tests/reference/test_crossing.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impactrisk.environment import crossing as cr
from impactrisk.errors import InputError, ModelRangeError, ModelRangeWarning
from impactrisk.io import flux_tables

REPO_DIR = Path(__file__).resolve().parent.parent
BUILDER = REPO_DIR / "builders" / "build_debris_inclination_mix.py"
SHIPPED_TABLE = REPO_DIR / "flux_tables" / "debris_inclination_mix_iss.csv"
CATALOG_NAME = "3le_2023-09-05_zigcloud-Engine.txt"
R_KM = 6378.137 + 415.0
V0 = float(np.sqrt(cr.MU_EARTH_KM3_S2 / R_KM))

#: Floating-point agreement of quantities that are equal by symmetry or algebra.
FLOAT_TOL = 1e-9
#: Convergence with resolution required by the design: 1 %.
ONE_PERCENT = 0.01


@pytest.fixture(scope="module")
def builder():
    """The builder script loaded as a module (it is not part of the package)."""
    if not BUILDER.is_file():
        pytest.skip(f"{BUILDER} not present")
    spec = importlib.util.spec_from_file_location("build_debris_inclination_mix", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ geometry basics


def test_shapes_and_branches():
    u = np.arange(0.5, 360.0, 30.0)
    out = cr.crossing_flux_distribution(51.6, u, [28.5, 98.0, 140.0], [1.0, 2.0, 3.0],
                                        R_KM)
    assert out.flux.shape == (12, 3, 2)
    assert out.speed_km_s.shape == out.azimuth_deg.shape == (12, 3, 2)
    assert out.travel_lvlh.shape == (12, 3, 2, 3)
    assert cr.BRANCHES == ("northbound", "southbound")


def test_scalar_matches_array_element():
    u = np.array([10.0, 95.0, 200.0])
    full = cr.crossing_flux_distribution(51.6, u, [65.0, 82.0], None, R_KM)
    one = cr.crossing_flux_distribution(51.6, 95.0, [65.0, 82.0], None, R_KM)
    assert one.flux.shape == (2, 2)
    np.testing.assert_allclose(one.flux, full.flux[1], rtol=FLOAT_TOL)
    np.testing.assert_allclose(one.travel_lvlh, full.travel_lvlh[1], rtol=FLOAT_TOL)


def test_broadcast_target_inclination_and_radius():
    u = np.array([[0.5], [45.0]])
    it = np.array([51.6, 97.0])
    out = cr.crossing_flux_distribution(it, u, [82.0], None, R_KM)
    assert out.flux.shape == (2, 2, 1, 2)
    single = cr.crossing_flux_distribution(97.0, 45.0, [82.0], None, R_KM)
    np.testing.assert_allclose(out.flux[1, 1], single.flux, rtol=FLOAT_TOL)


def test_equatorial_point_against_hand_calculation():
    # Target at its ascending node (u = 0, phi = 0): headings sin A = cos i (brief §5.3).
    # i_t = 51.6 deg -> A_t = 38.4 deg; debris 98 deg northbound -> A = -8 deg,
    # southbound -> 188 deg. dA = -46.4 deg and 149.6 deg.
    out = cr.crossing_flux_distribution(51.6, 0.0, [98.0], None, R_KM, cell_width_deg=0.0)
    d_a = np.radians([-46.4, 149.6])
    speed = 2 * V0 * np.abs(np.sin(d_a / 2))
    np.testing.assert_allclose(out.speed_km_s[0], speed, rtol=FLOAT_TOL)
    # density 1/sqrt(sin^2 i - 0) per unit N/(2 pi^2 r^2 dr), half per branch
    np.testing.assert_allclose(out.flux[0], 0.5 * speed / np.sin(np.radians(98.0)),
                               rtol=FLOAT_TOL)
    # arrival azimuth dA/2 - 90 deg with dA in (0, 360): 66.8 deg and -15.2 deg
    np.testing.assert_allclose(out.azimuth_deg[0], [66.8, -15.2], atol=1e-9)
    # the northbound 98 deg object heads 46.4 deg to the left (-Y side) of the target:
    # relative motion towards -Y and aft, arriving from the front on the +Y side
    travel = out.travel_lvlh[0, 0]
    assert travel[0] < 0 and travel[1] < 0


def _rotation(inc_rad, node_rad):
    """Orbit-plane to inertial rotation R3(-node) R1(-inc)."""
    ci, si, cn, sn = np.cos(inc_rad), np.sin(inc_rad), np.cos(node_rad), np.sin(node_rad)
    return np.array([[cn, -sn * ci, sn * si], [sn, cn * ci, -cn * si], [0.0, si, ci]])


@pytest.mark.parametrize("it, inc, u", [(51.6, 98.0, 40.0), (51.6, 28.5, 200.0),
                                        (51.6, 74.0, 120.0), (97.0, 51.6, 320.0),
                                        (51.6, 140.0, 10.0)])
def test_directions_match_the_ephemeris_lvlh_frame(it, inc, u):
    """Independent 3-D construction: target and debris states from orbital elements in an
    inertial frame, relative velocity expressed in the LVLH basis of
    impactrisk.ephemeris.Ephemeris (+X ram, +Y -orbit normal, +Z nadir)."""
    from impactrisk.ephemeris import Ephemeris

    it_r, inc_r, u_r = np.radians([it, inc, u])
    rot_t = _rotation(it_r, 0.0)
    r_t = R_KM * rot_t @ [np.cos(u_r), np.sin(u_r), 0.0]
    v_t = V0 * rot_t @ [-np.sin(u_r), np.cos(u_r), 0.0]
    eph = Ephemeris(jd=np.zeros(1), fr=np.zeros(1), weight_s=np.ones(1),
                    r_teme_km=r_t[None], v_teme_km_s=v_t[None], error=np.zeros(1, int),
                    set_index=np.zeros(1, int), epoch_age_days=np.zeros(1),
                    outside_coverage=np.zeros(1, bool))
    assert eph.arg_latitude_deg[0] == pytest.approx(u, abs=1e-9)
    lon_t = np.arctan2(r_t[1], r_t[0])
    w = np.arcsin(r_t[2] / R_KM / np.sin(inc_r))
    out = cr.crossing_flux_distribution(it, u, [inc], None, R_KM, cell_width_deg=0.0)
    for w_d in (w, np.pi - w):                      # the two debris branches
        node = lon_t - np.arctan2(np.cos(inc_r) * np.sin(w_d), np.cos(w_d))
        rot_d = _rotation(inc_r, node)
        r_d = R_KM * rot_d @ [np.cos(w_d), np.sin(w_d), 0.0]
        np.testing.assert_allclose(r_d, r_t, atol=1e-6)
        v_d = V0 * rot_d @ [-np.sin(w_d), np.cos(w_d), 0.0]
        rel = eph.to_lvlh((v_d - v_t)[None])[0]
        branch = 0 if np.cos(w_d) > 0 else 1        # northbound first
        np.testing.assert_allclose(out.speed_km_s[0, branch], np.linalg.norm(rel),
                                   rtol=1e-9)
        np.testing.assert_allclose(out.travel_lvlh[0, branch], rel / np.linalg.norm(rel),
                                   atol=1e-9)


def test_speed_is_twice_v0_cos_azimuth_at_points():
    # brief §5.3: |dv| = 2 v0 cos(azimuth)
    u = np.linspace(1.0, 359.0, 37)
    out = cr.crossing_flux_distribution(51.6, u, [28.5, 65.0, 98.0, 150.0], None, R_KM,
                                        cell_width_deg=0.0)
    ok = out.flux > 0
    np.testing.assert_allclose(out.speed_km_s[ok],
                               2 * V0 * np.cos(np.radians(out.azimuth_deg[ok])),
                               rtol=1e-9, atol=1e-9)


def test_horizontal_arrival_no_zenith_or_nadir_flux():
    # Handbook Table 2-2: zenith and nadir faces get no debris; arrival from the front.
    u = np.arange(0.5, 360.0, 1.0)
    out = cr.crossing_flux_distribution(51.6, u, [28.5, 51.6, 82.0, 98.0], None, R_KM)
    ok = out.flux > 0
    assert np.all(out.travel_lvlh[..., 2][ok] == 0.0)
    for n in ([0, 0, 1], [0, 0, -1]):
        plate = np.sum(out.flux * np.maximum(0.0, -(out.travel_lvlh @ np.array(n))),
                       where=ok)
        assert plate == 0.0
    ram = np.sum(out.flux * np.maximum(0.0, -(out.travel_lvlh @ np.array([1, 0, 0]))),
                 where=ok)
    wake = np.sum(out.flux * np.maximum(0.0, -(out.travel_lvlh @ np.array([-1, 0, 0]))),
                  where=ok)
    assert ram > 0 and wake == 0.0
    np.testing.assert_allclose(np.linalg.norm(out.travel_lvlh[ok], axis=-1), 1.0,
                               rtol=FLOAT_TOL)


def test_unreachable_latitudes_have_zero_flux_and_nan_direction():
    # target at u = 90 deg is at latitude 51.6 deg; 28.5 deg debris never gets there
    out = cr.crossing_flux_distribution(51.6, 90.0, [28.5], None, R_KM)
    assert np.all(out.flux == 0.0)
    assert np.all(np.isnan(out.speed_km_s)) and np.all(np.isnan(out.travel_lvlh))


@pytest.mark.parametrize("inc", [28.5, 51.6, 74.0, 98.0, 120.0, 170.0])
def test_port_starboard_symmetry_over_an_orbit(inc):
    out = cr.orbit_averaged_speed_distribution(51.6, [inc], None, R_KM, n_cells=90)
    assert out.starboard_fraction[0] == pytest.approx(0.5, abs=FLOAT_TOL)


def test_ascending_descending_mirror():
    # u -> 180 - u: same latitude, heading mirrored north-south; branches swap and the
    # arrival azimuth changes sign.
    u = np.array([12.5, 33.0, 71.0])
    a = cr.crossing_flux_distribution(51.6, u, [40.0, 82.0, 130.0], None, R_KM)
    b = cr.crossing_flux_distribution(51.6, 180.0 - u, [40.0, 82.0, 130.0], None, R_KM)
    np.testing.assert_allclose(a.flux, b.flux[..., ::-1], rtol=1e-9)
    np.testing.assert_allclose(a.azimuth_deg, -b.azimuth_deg[..., ::-1], atol=1e-7)


def test_radius_scales_speed_and_flux_but_not_direction():
    u = np.arange(0.5, 360.0, 10.0)
    a = cr.crossing_flux_distribution(51.6, u, [65.0, 98.0], None, R_KM)
    b = cr.crossing_flux_distribution(51.6, u, [65.0, 98.0], None, 2 * R_KM)
    ratio = np.sqrt(0.5)
    np.testing.assert_allclose(b.flux, a.flux * ratio, rtol=FLOAT_TOL)
    np.testing.assert_allclose(b.speed_km_s, a.speed_km_s * ratio, rtol=FLOAT_TOL)
    np.testing.assert_allclose(b.azimuth_deg, a.azimuth_deg, atol=1e-9)


def test_weights_are_linear_and_mixture_is_a_sum():
    u = np.arange(2.5, 360.0, 5.0)      # the 72 cells of n_cells=72
    both = cr.orbit_averaged_speed_distribution(51.6, [30.0, 98.0], [3.0, 1.0], R_KM,
                                                n_cells=72)
    one = cr.orbit_averaged_speed_distribution(51.6, [30.0], None, R_KM, n_cells=72)
    two = cr.orbit_averaged_speed_distribution(51.6, [98.0], None, R_KM, n_cells=72)
    np.testing.assert_allclose(both.flux, [3 * one.total_flux, two.total_flux],
                               rtol=FLOAT_TOL)
    mixed = ((3 * one.total_flux * one.total_mean_speed_km_s
              + two.total_flux * two.total_mean_speed_km_s)
             / (3 * one.total_flux + two.total_flux))
    assert both.total_mean_speed_km_s == pytest.approx(mixed, rel=FLOAT_TOL)
    dist = cr.crossing_flux_distribution(51.6, u, [30.0, 98.0], [3.0, 1.0], R_KM,
                                         cell_width_deg=5.0)
    # the orbit mean of the cell means is the orbit average
    assert dist.flux.sum(axis=(1, 2)).mean() == pytest.approx(both.total_flux,
                                                              rel=FLOAT_TOL)


def test_speed_histogram_sums_to_total_and_stays_below_two_v0():
    out = cr.orbit_averaged_speed_distribution(51.6, [28.5, 98.0, 160.0], None, R_KM,
                                               speed_edges_km_s=np.arange(0, 16.5, 0.5))
    assert out.speed_flux.sum() == pytest.approx(out.total_flux, rel=FLOAT_TOL)
    assert np.all(out.speed_flux[out.speed_edges_km_s[:-1] >= 2 * V0] == 0)


# ------------------------------------------------------------------ singularity


@pytest.mark.parametrize("inc", [28.5, 45.0, 51.5, 51.6, 51.7, 98.0])
def test_cell_averages_converge_with_resolution(inc):
    """Orbit means from the cell means of coarse (10 deg) cells agree with fine
    (0.25 deg) cells within 1 %, singular populations included."""
    results = []
    for width in (10.0, 0.25):
        u = np.arange(0.5 * width, 360.0, width)
        out = cr.crossing_flux_distribution(51.6, u, [inc], None, R_KM,
                                            cell_width_deg=width)
        flux = out.flux.sum() / u.size
        speed = np.nansum(out.flux * out.speed_km_s) / out.flux.sum()
        results.append((flux, speed))
    (f1, s1), (f2, s2) = results
    assert f1 == pytest.approx(f2, rel=ONE_PERCENT)
    assert s1 == pytest.approx(s2, rel=ONE_PERCENT)


def test_orbit_average_does_not_depend_on_cell_count():
    flux = [cr.orbit_averaged_speed_distribution(51.6, [28.5], None, R_KM,
                                                 n_cells=n).flux[0]
            for n in (7, 36, 360, 1000)]
    np.testing.assert_allclose(flux, flux[-1], rtol=ONE_PERCENT / 100)


def test_point_values_diverge_as_inverse_square_root_cell_average_is_finite():
    # target latitude reaches the debris inclination at sin(51.6) sin(u0) = sin(28.5)
    u0 = np.degrees(np.arcsin(np.sin(np.radians(28.5)) / np.sin(np.radians(51.6))))
    near = cr.crossing_flux_distribution(51.6, u0 - np.array([1e-4, 1e-6]), [28.5], None,
                                         R_KM, cell_width_deg=0.0).flux.sum(axis=-1)[:, 0]
    # density ~ (u0 - u)^(-1/2): 100 times closer is 10 times denser
    assert near[1] / near[0] == pytest.approx(10.0, rel=ONE_PERCENT)
    cell = cr.crossing_flux_distribution(51.6, u0, [28.5], None, R_KM, cell_width_deg=1.0)
    assert np.all(np.isfinite(cell.flux))
    # cell average = integral of the point values over the cell, checked independently:
    # substituting x = u0 - u = y^2 (dx = 2y dy) removes the singularity, then a midpoint
    # rule in y over each half cell
    y = (np.arange(4000) + 0.5) / 4000 * np.sqrt(0.5)
    sides = []
    for sign in (-1, 1):
        vals = cr.crossing_flux_distribution(51.6, u0 + sign * y**2, [28.5], None, R_KM,
                                             cell_width_deg=0.0).flux.sum(axis=-1)[:, 0]
        sides.append(np.mean(vals * 2 * y) * np.sqrt(0.5))
    assert sides[1] == 0.0          # beyond the turning latitude: no debris
    assert cell.flux.sum() == pytest.approx(sum(sides), rel=ONE_PERCENT / 100)


def test_head_on_turning_latitude_diverges():
    # i = 180 - i_t: the target flies head-on along the debris' turning latitude; the
    # density singularity is not integrable there and the flux is reported as infinite
    out = cr.orbit_averaged_speed_distribution(51.6, [128.4, 98.0], None, R_KM)
    assert np.isinf(out.flux[0]) and np.isfinite(out.flux[1])
    assert np.isnan(out.mean_speed_km_s[0])
    cells = cr.crossing_flux_distribution(51.6, [89.5, 45.0], [128.4], None, R_KM)
    assert np.all(np.isinf(cells.flux[0])) and np.all(np.isfinite(cells.flux[1]))
    # Close to it the flux is large but finite. Asymptotics: near u = 90 deg both
    # branches meet the target head-on (|dv| = 2 v0) and
    # integral du / sqrt(eps^2 + sin^2(i_t) x^2) ~ (2 / sin i_t) ln(1 / eps), with
    # eps^2 = sin^2 i - sin^2 i_t proportional to the offset d; two such places per orbit
    # give <F> ~ const + (2 v0 / (pi sin i_t)) ln(1 / d): per decade of d, the flux grows
    # by 2 v0 ln(10) / (pi sin i_t) = 14.33.
    near = [cr.orbit_averaged_speed_distribution(51.6, [128.4 + d], None, R_KM).flux[0]
            for d in (0.01, 0.001, 0.0001)]
    per_decade = 2 * V0 * np.log(10) / (np.pi * np.sin(np.radians(51.6)))
    np.testing.assert_allclose(np.diff(near), per_decade, rtol=ONE_PERCENT)


# ------------------------------------------------------------------ input errors


@pytest.mark.parametrize("kwargs, match", [
    (dict(debris_inc_deg=[0.0]), "0 < debris_inc_deg < 180"),
    (dict(debris_inc_deg=[180.0]), "0 < debris_inc_deg < 180"),
    (dict(debris_inc_deg=[[50.0]]), "1-D"),
    (dict(target_inc_deg=181.0), "target_inc_deg"),
    (dict(weights=[1.0, 2.0]), "same shape"),
    (dict(weights=[-1.0]), "weights >= 0"),
    (dict(r_km=-1.0), "r_km > 0"),
    (dict(cell_width_deg=400.0), "cell_width_deg"),
    (dict(nodes=0), "nodes"),
    (dict(arg_latitude_deg=np.nan), "finite arg_latitude_deg"),
])
def test_bad_inputs_raise(kwargs, match):
    args = dict(target_inc_deg=51.6, arg_latitude_deg=10.0, debris_inc_deg=[50.0],
                weights=None, r_km=R_KM)
    extra = {k: kwargs.pop(k) for k in ("cell_width_deg", "nodes") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        cr.crossing_flux_distribution(**args, **extra)


def test_orbit_average_bad_inputs():
    with pytest.raises(InputError, match="n_cells"):
        cr.orbit_averaged_speed_distribution(51.6, [50.0], None, R_KM, n_cells=0)
    with pytest.raises(InputError, match="speed_edges_km_s"):
        cr.orbit_averaged_speed_distribution(51.6, [50.0], None, R_KM,
                                             speed_edges_km_s=[3.0, 1.0])
    with pytest.raises(InputError, match="scalar"):
        cr.orbit_averaged_speed_distribution([51.6, 52.0], [50.0], None, R_KM)


# ------------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(it=st.floats(0.0, 180.0), inc=st.floats(0.5, 179.5), u=st.floats(0.0, 360.0),
       width=st.sampled_from([0.0, 0.5, 3.0]))
def test_invariants(it, inc, u, width):
    with np.errstate(all="ignore"):
        out = cr.crossing_flux_distribution(it, u, [inc], None, R_KM,
                                            cell_width_deg=width)
    assert np.all(out.flux >= 0)
    ok = np.isfinite(out.flux) & (out.flux > 0)
    assert np.all(out.speed_km_s[ok] <= 2 * V0 * (1 + 1e-12))
    assert np.all(np.abs(out.azimuth_deg[ok]) <= 90.0 + 1e-9)
    assert np.all(out.travel_lvlh[..., 0][ok] <= 1e-12)   # never from behind
    np.testing.assert_allclose(np.linalg.norm(out.travel_lvlh[ok], axis=-1), 1.0,
                               rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(it=st.floats(1.0, 179.0), inc=st.floats(1.0, 179.0))
def test_property_symmetry_and_speed_bounds(it, inc):
    out = cr.orbit_averaged_speed_distribution(it, [inc], None, R_KM, n_cells=72)
    if np.isfinite(out.total_flux) and out.total_flux > 0:   # inf only for 180 - i_t
        assert out.starboard_fraction[0] == pytest.approx(0.5, abs=1e-9)
        assert 0 <= out.total_mean_speed_km_s <= 2 * V0


# ------------------------------------------------------------------ inclination mix


def test_shipped_table_header_and_content():
    columns, meta = flux_tables.read_flux_table(flux_tables.DEBRIS_INCLINATION_MIX_TABLE)
    assert "ASSUMPTION" in meta["assumption"]
    assert float(meta["alt_min_km"]) == 400 and float(meta["alt_max_km"]) == 430
    assert "25544" in meta["selection"]
    np.testing.assert_allclose(columns["weight"], columns["weight_deb"]
                               + columns["weight_rb"] + columns["weight_other"],
                               atol=3e-6)
    assert columns["fraction"].sum() == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.diff(columns["inc_lo_deg"]) > 0)
    assert columns["inc_lo_deg"][0] == 0 and columns["inc_hi_deg"][-1] == 180


def test_loader_and_populations():
    mix = flux_tables.load_debris_inclination_mix()
    assert mix is flux_tables.load_debris_inclination_mix()
    assert isinstance(mix, cr.DebrisInclinationMix)
    for objects in mix.CLASSES:
        inc, fraction = mix.populations(objects)
        assert fraction.sum() == pytest.approx(1.0, rel=FLOAT_TOL)
        assert np.all((inc > 0) & (inc < 180))
    with pytest.raises(InputError, match="objects"):
        mix.populations("payload")
    with pytest.raises(ValueError):
        mix.weight[0] = 1.0


def test_mix_altitude_range_policy():
    mix = flux_tables.load_debris_inclination_mix()
    assert not mix.check_altitude([400.0, 415.0, 430.0]).any()
    with pytest.raises(ModelRangeError, match="alt_km"):
        mix.check_altitude(380.0)
    with pytest.warns(ModelRangeWarning):
        mask = mix.check_altitude([380.0, 415.0], on_range="nan")
    np.testing.assert_array_equal(mask, [True, False])


def test_mix_rejects_bad_tables():
    columns, meta = flux_tables.read_flux_table(flux_tables.DEBRIS_INCLINATION_MIX_TABLE)
    with pytest.raises(InputError, match="alt_min_km"):
        cr.DebrisInclinationMix.from_columns(columns, {})
    bad = dict(columns, weight=-columns["weight"])
    with pytest.raises(InputError, match="weight"):
        cr.DebrisInclinationMix.from_columns(bad, meta)
    missing = {k: v for k, v in columns.items() if k != "weight_rb"}
    with pytest.raises(InputError, match="weight_rb"):
        cr.DebrisInclinationMix.from_columns(missing, meta)


# ------------------------------------------------------------------ builder


def kepler_time_fraction(a_km, e, r_min, r_max, n=200000):
    """Independent check: sample the mean anomaly uniformly, solve Kepler's equation by
    Newton iteration, count the samples whose radius is in the shell."""
    m = (np.arange(n) + 0.5) / n * 2 * np.pi
    big_e = m + e * np.sin(m)
    for _ in range(30):
        big_e -= (big_e - e * np.sin(big_e) - m) / (1 - e * np.cos(big_e))
    r = a_km * (1 - e * np.cos(big_e))
    return np.mean((r >= r_min) & (r <= r_max))


#: Sampling resolution of kepler_time_fraction: each of the (at most 4) shell crossings
#: per orbit shifts the sampled fraction by at most half a sample, 2 / 200 000.
KEPLER_SAMPLING = 1e-5


@pytest.mark.parametrize("a_km, e", [(6795.0, 0.0005), (6900.0, 0.03), (8621.2, 0.18466),
                                     (24000.0, 0.72), (6793.0, 0.0), (6700.0, 0.0),
                                     (6900.0, 0.001)])
def test_shell_time_fraction_against_kepler_sampling(builder, a_km, e):
    r_min, r_max = 6778.137, 6808.137
    got = builder.shell_time_fraction(a_km, e, r_min, r_max)
    assert got == pytest.approx(kepler_time_fraction(a_km, e, r_min, r_max),
                                abs=KEPLER_SAMPLING)


def test_object_classes(builder):
    assert builder.object_class("COSMOS 1408 DEB") == "deb"
    assert builder.object_class("ISS DEB (EP BATTERY)") == "deb"
    assert builder.object_class("DEBUT (ORIZURU)") == "other"
    assert builder.object_class("CZ-4B R/B") == "rb"
    assert builder.object_class("FLOCK 4V 12") == "other"
    assert builder.object_class(None) == "other"


def test_builder_reproduces_shipped_table(builder, shared_data_dir, tmp_path):
    catalog = shared_data_dir / "catalog" / CATALOG_NAME
    if not catalog.is_file():
        pytest.skip(f"{catalog} not present")
    out = tmp_path / "mix.csv"
    builder.main(["--catalog", str(catalog), "--alt-min", "400", "--alt-max", "430",
                  "--out", str(out)])
    assert out.read_text(encoding="utf-8") == SHIPPED_TABLE.read_text(encoding="utf-8")
