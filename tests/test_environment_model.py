"""The environment along the ISS orbit: the patterns the physics brief requires to come
out of the model (not to be fitted), the shower accounting, and resolution
independence."""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.chain import FACES, flux_summary
from impactrisk.environment.model import EnvironmentConfig, environment_exposure
from impactrisk.io.flux_tables import load_environment_inputs
from impactrisk.io.orbit_source import load_orbit
from impactrisk.propagation import propagate
from impactrisk.timegrid import TimeGrid

FACE = {name: i for i, name in enumerate(FACES)}
SIZES_CM = np.array([0.01, 0.03, 0.1])
#: Convention 6: over a whole year N with and without the shower model agrees to a
#: few per cent.
FEW_PERCENT = 0.03
ONE_PERCENT = 0.01


@pytest.fixture(scope="module")
def inputs():
    return load_environment_inputs()


@pytest.fixture(scope="module")
def iss():
    return load_orbit()


@pytest.fixture(scope="module")
def year(inputs, iss):
    grid = TimeGrid.from_range("2023-01-01", "2024-01-01", "300s")
    with_showers = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM)
    without = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM, config=EnvironmentConfig(showers=False))
    return with_showers, without


@pytest.fixture(scope="module")
def day(inputs, iss):
    return flux_summary(iss, TimeGrid.from_range("2023-05-01", "2023-05-02", "60s"), inputs, sizes_cm=SIZES_CM)


def test_showers_do_not_change_the_annual_total(year):
    with_showers, without = year
    natural = ("meteoroid", "shower")
    for key in ("random_plate_m2_yr", "face_m2_yr"):
        np.testing.assert_allclose(with_showers.total(key, natural), without.total(key, natural), rtol=FEW_PERCENT)


def test_geminid_share_visible_near_the_peak(inputs, iss, year):
    # 2022 Geminid peak: 14 Dec 2022 (λ = 262.2 deg). The activity above half maximum
    # lasts under a day, so the share on the peak day must stand far above the annual
    # mean share (the profile's integral is a few days at peak level out of 365).
    peak = flux_summary(iss, TimeGrid.from_range("2022-12-14", "2022-12-15", "60s"), inputs, sizes_cm=SIZES_CM)
    natural = ("meteoroid", "shower")
    share_peak = peak.sources["GEM"]["random_plate_m2_yr"] / peak.total("random_plate_m2_yr", natural)
    annual, _ = year
    share_year = annual.sources["GEM"]["random_plate_m2_yr"] / annual.total("random_plate_m2_yr", natural)
    assert np.all(share_peak > 30.0 * share_year)
    assert np.all(share_peak > 0.001)


def test_geminids_absent_outside_their_activity(inputs, iss):
    summary = flux_summary(iss, TimeGrid.from_range("2023-06-01", "2023-06-02", "300s"), inputs, sizes_cm=SIZES_CM)
    assert "GEM" not in summary.sources


def test_debris_is_horizontal(day):
    debris = day.sources["debris"]["face_m2_yr"]
    # Circular-orbit debris arrives in the local horizontal plane (Handbook Table 2-2:
    # zenith and nadir 0).
    assert np.all(debris[:, FACE["zenith"]] == 0.0) and np.all(debris[:, FACE["nadir"]] == 0.0)
    assert np.all(debris[:, FACE["ram"]] > debris[:, FACE["wake"]])


def test_port_starboard_symmetry_of_debris_over_an_orbit_average(day):
    debris = day.sources["debris"]["face_m2_yr"]
    # Ascending and descending passes mirror port and starboard; one day holds ~15.5 orbits.
    np.testing.assert_allclose(debris[:, FACE["port"]], debris[:, FACE["starboard"]], rtol=FEW_PERCENT)


def test_meteoroids_hit_ram_most_and_nadir_least(day):
    met = day.sources["sporadic meteoroids"]["face_m2_yr"]
    assert np.all(np.argmax(met, axis=1) == FACE["ram"])
    assert np.all(np.argmin(met, axis=1) == FACE["nadir"])


def test_cauchy_for_the_whole_environment(inputs, iss):
    eph = propagate(iss, TimeGrid.from_range("2023-05-01", "2023-05-01T03:00", "120s"))
    from impactrisk.environment.directional import fibonacci_directions

    normals, _ = fibonacci_directions(800)
    for exposure in environment_exposure(eph, inputs, EnvironmentConfig(n_directions=1000)):
        for block in exposure.blocks:
            bundles, pattern = exposure.family.build(block)
            for p in np.unique(pattern)[:: max(1, exposure.family.patterns_per_block // 12)]:
                sel = pattern == p
                w = bundles.flux_m2_yr[sel]
                plate = np.clip(-(bundles.u_lvlh[sel] @ normals.T), 0.0, None)
                assert float(np.mean(w @ plate)) == pytest.approx(0.25 * float(np.sum(w)), rel=ONE_PERCENT), \
                    (exposure.name, block, p)


def test_resolution_independence(inputs, iss):
    grid = TimeGrid.from_range("2023-05-01", "2023-05-01T06:00", "60s")
    coarse = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM)
    fine = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM,
                        config=EnvironmentConfig(n_directions=12000, u_cell_deg=1.0, meteoroid_speed_step_km_s=0.5,
                                                 node_step_km=5.0))
    for name in ("sporadic meteoroids", "debris"):
        faces = [FACE[f] for f in ("ram", "wake", "port", "starboard")]
        np.testing.assert_allclose(coarse.sources[name]["face_m2_yr"][:, faces],
                                   fine.sources[name]["face_m2_yr"][:, faces], rtol=ONE_PERCENT)


def test_debris_models_named_and_switchable(inputs, iss):
    grid = TimeGrid.from_range("2023-05-01", "2023-05-01T06:00", "120s")
    kessler = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM, groups=("debris",))
    ordem = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM, groups=("debris",),
                         config=EnvironmentConfig(debris_model="ordem2000-handbook"))
    assert "Kessler" in kessler.sources["debris"]["model"]
    assert "ORDEM2000" in ordem.sources["debris"]["model"]
    assert "Cosmos 1408" in kessler.sources["debris"]["model"]
    # Same crossing geometry: the face pattern is shared, the magnitudes differ. The
    # patterns agree only to the weighting of the 2 km altitude bands, which differs
    # slightly between the models' altitude laws (Kessler's Phi, ORDEM's Table 2-3).
    k = kessler.sources["debris"]["face_m2_yr"][0]
    o = ordem.sources["debris"]["face_m2_yr"][0]
    np.testing.assert_allclose(k / k.sum(), o / o.sum(), rtol=1e-3, atol=1e-12)
    assert abs(k.sum() / o.sum() - 1.0) > 0.1


def test_directional_debris_reproduces_the_scalar_model(inputs, iss):
    # The crossing geometry only distributes the model's flux over directions: the
    # random-plate (quarter cross-section) flux of the bundles must equal Kessler's
    # tumbling-surface flux averaged over the same samples (independent evaluation of
    # kessler_1991_flux per sample; S forced to 100 sfu).
    from impactrisk.environment.debris_spectra import kessler_1991_flux
    from impactrisk.environment.model import julian_year

    grid = TimeGrid.from_range("2023-03-01", "2023-03-02", "60s")
    summary = flux_summary(iss, grid, inputs, sizes_cm=SIZES_CM, groups=("debris",),
                           config=EnvironmentConfig(f107_sfu=100.0))
    eph = propagate(iss, grid)
    direct = [np.average(kessler_1991_flux(d, eph.altitude_km, eph.inclination_deg.mean(),
                                           julian_year(eph.jd_utc), 100.0), weights=eph.weight_s)
              for d in SIZES_CM]
    # Altitude bands of 2 km: Phi varies by ~2.3 % per km at 415 km and S = 100, and the
    # band mean is used for each band.
    np.testing.assert_allclose(summary.sources["debris"]["random_plate_m2_yr"], direct, rtol=ONE_PERCENT)


def test_arc_overlaps_spread_each_sample_over_its_arc():
    from impactrisk.environment.model import arc_cell_overlaps

    def spread(u, arc, weight, cell, n):
        cells, share = arc_cell_overlaps(np.array(u), np.array(arc), cell, n)
        return np.bincount(cells.ravel(), weights=(share * np.array(weight)[:, None]).ravel(), minlength=n)

    # One sample of weight 6 covering u = 1.5 .. 4.5 deg with 1-deg cells: cells 1 and
    # 4 get a half cell each, 2 and 3 full cells (density 2 per cell).
    np.testing.assert_allclose(spread([3.0], [3.0], [6.0], 1.0, 360)[:6], [0, 1, 2, 2, 1, 0], atol=1e-12)
    # Wrapping through u = 0 and conservation of the total weight.
    cells = spread([359.0, 10.0], [4.0, 0.5], [4.0, 2.0], 2.0, 180)
    assert cells.sum() == pytest.approx(6.0)
    np.testing.assert_allclose(cells[[178, 179, 0]], [1.0, 2.0, 1.0], atol=1e-12)
    # u = 9.75 .. 10.25 deg straddles the edge of cells 4 and 5 (2-deg cells) evenly.
    np.testing.assert_allclose(cells[[4, 5]], [1.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("shape", [(500, 1), (300, 2, 2), (40, 4, 3), (0, 2)])
def test_block_slots_match_a_sorted_reference(shape):
    # The count-based slotting must give the distinct blocks in lexicographic order and
    # each entry's index among them, as np.unique over rows does.
    from impactrisk.environment.model import _slots

    rng = np.random.default_rng(sum(shape))
    ids = rng.integers(-3, 4, size=shape) * np.arange(1, shape[-1] + 1)
    blocks, slot = _slots(ids)
    rows = ids.reshape(-1, shape[-1])
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    assert blocks == tuple(tuple(int(x) for x in row) for row in unique)
    assert slot.shape == shape[:-1]
    assert np.array_equal(slot.ravel(), inverse.ravel())


def test_threads_change_nothing(inputs, iss):
    # Sources worked out side by side give the same exposures, bit for bit, in the same
    # order (a window with showers active: the Geminids and both Taurids).
    grid = TimeGrid.from_range("2022-12-10", "2022-12-12", "60s")
    alone = environment_exposure(propagate(iss, grid), inputs)
    threaded = environment_exposure(propagate(iss, grid), inputs, threads=2)
    assert [e.name for e in threaded] == [e.name for e in alone]
    assert {"GEM", "STA", "NTA", "debris"} <= {e.name for e in alone}
    for a, b in zip(alone, threaded):
        assert a.blocks == b.blocks
        for field in ("sample", "pattern", "weight_yr"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_debris_patterns_follow_the_mean_inclination(inputs, iss):
    # The osculating inclination of the ISS wanders across the 0.1 deg rounding of the
    # pattern key (51.6 / 51.7); the element sets' mean inclination does not, so a
    # window gets one family per debris spectrum (Kessler: two size terms), all keyed
    # at the sets' inclination.
    import dataclasses

    eph = propagate(iss, TimeGrid.from_range("2023-05-01", "2023-05-03", "60s"))
    assert np.ptp(np.round(eph.inclination_deg / 0.1)) >= 1          # the wander
    debris = [e for e in environment_exposure(eph, inputs) if e.group == "debris"]
    assert len(debris) == 2
    key = round(float(np.round(eph.mean_inclination_deg[0] / 0.1) * 0.1), 6)
    assert all(key in e.family.key for e in debris)
    # Without mean elements the osculating inclination keys the patterns, as before.
    bare = dataclasses.replace(eph, mean_inclination_deg=None, _cache={})
    assert len([e for e in environment_exposure(bare, inputs) if e.group == "debris"]) == 4
