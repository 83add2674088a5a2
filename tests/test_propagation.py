"""Propagation: agreement with Skyfield, chunk invariance, element-set selection,
coverage refusal, staleness and SGP4 failures."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from impactrisk.elements import Orbit
from impactrisk.errors import (
    CoverageError,
    ExtrapolationWarning,
    InputError,
    PropagationWarning,
    StaleElementsWarning,
)
from impactrisk.io.orbit_source import load_orbit
from impactrisk.propagation import (
    iter_ephemeris,
    propagate,
    select_element_sets,
    summarize_orbit,
)
from impactrisk.timegrid import TimeGrid

#: Skyfield calls the same SGP4 code with the same UTC split dates; any difference
#: beyond floating-point noise would mean wrong times or a wrong element set.
ONE_METRE_KM = 1e-3
ONE_MM_S_KM_S = 1e-6


@pytest.fixture(scope="module")
def iss() -> Orbit:
    return load_orbit()


def test_agrees_with_skyfield(iss):
    from skyfield.api import EarthSatellite, load
    from skyfield.sgp4lib import TEME

    ts = load.timescale(builtin=True)
    grid = TimeGrid.from_range("2023-03-01T00:00", "2023-03-01T03:00", "90s")
    eph = propagate(iss, grid)
    assert len(np.unique(eph.set_index)) >= 2  # the window spans a change of element set
    days = eph.jd - 2440587.5
    t_all = ts.utc(1970, 1, 1 + days.astype(int), 0, 0, eph.fr * 86400.0)
    for k in np.unique(eph.set_index):
        mask = eph.set_index == k
        sat = EarthSatellite.from_satrec(iss.satrecs[k], ts)
        r_sky, v_sky = sat.at(t_all[mask]).frame_xyz_and_velocity(TEME)
        np.testing.assert_allclose(eph.r_teme_km[mask], r_sky.km.T, rtol=0, atol=ONE_METRE_KM)
        np.testing.assert_allclose(eph.v_teme_km_s[mask], v_sky.km_per_s.T, rtol=0, atol=ONE_MM_S_KM_S)


def test_serving_set_is_the_selected_one(iss):
    grid = TimeGrid.from_range("2023-05-01", "2023-05-02", "10min")
    eph = propagate(iss, grid)
    for i in range(0, len(eph), 17):
        e, r, v = iss.satrecs[eph.set_index[i]].sgp4(eph.jd[i], eph.fr[i])
        assert e == 0
        np.testing.assert_array_equal(eph.r_teme_km[i], r)


def test_chunked_equals_unchunked(iss):
    grid = TimeGrid.from_range("2022-12-10", "2022-12-20", "77s")
    whole = propagate(iss, grid, chunk_samples=10**7)
    parts = list(iter_ephemeris(iss, grid, chunk_samples=1000))
    assert len(parts) > 5
    for name in ("r_teme_km", "v_teme_km_s", "set_index", "epoch_age_days", "weight_s"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, name) for p in parts]), getattr(whole, name))
    for name in ("lvlh_teme", "arg_latitude_deg", "geodetic_altitude_km", "sun_teme_unit", "solar_longitude_deg"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, name) for p in parts]), getattr(whole, name))


class TestSelection:
    epochs = np.array([2460000.5, 2460010.5, 2460020.5])

    def pick(self, days_after_first, policy):
        t = self.epochs[0] + np.asarray(days_after_first, dtype=float)
        jd = np.floor(t - 0.5) + 0.5
        return select_element_sets(self.epochs, jd, t - jd, policy)

    def test_nearest_boundaries(self):
        idx, age, outside = self.pick([4.999, 5.0, 5.001, 14.999, 15.0], "nearest")
        np.testing.assert_array_equal(idx, [0, 1, 1, 1, 2])  # midway takes the later set
        np.testing.assert_allclose(age, [4.999, -5.0, -4.999, 4.999, -5.0], atol=1e-9)
        assert not outside.any()

    def test_latest_before_boundaries(self):
        idx, age, _ = self.pick([0.0, 9.999, 10.0, 19.999, 20.0, 25.0], "latest-before")
        np.testing.assert_array_equal(idx, [0, 0, 1, 1, 2, 2])
        assert np.all(age >= -1e-9)

    def test_outside_coverage(self):
        for policy in ("nearest", "latest-before"):
            idx, age, outside = self.pick([-3.0, 0.0, 20.0, 23.0], policy)
            np.testing.assert_array_equal(idx, [0, 0, 2, 2])
            np.testing.assert_array_equal(outside, [True, False, False, True])
            np.testing.assert_allclose(age[[0, 3]], [-3.0, 3.0], atol=1e-9)

    def test_unknown_policy(self):
        with pytest.raises(InputError, match="latest-before"):
            self.pick([1.0], "closest")


def test_latest_before_never_uses_future_sets(iss):
    grid = TimeGrid.from_range("2023-02-01", "2023-02-03", "60s")
    eph = propagate(iss, grid, select="latest-before")
    assert np.all(eph.epoch_age_days >= 0.0)
    eph_nearest = propagate(iss, grid)
    assert np.abs(eph_nearest.epoch_age_days).max() <= eph.epoch_age_days.max()


def test_window_entirely_outside_is_refused(iss):
    grid = TimeGrid.from_range("2024-02-01", "2024-02-02", "60s")
    with pytest.raises(CoverageError) as info:
        propagate(iss, grid)
    message = str(info.value)
    # 2024-02-01 is 32.27 days after the last epoch 2023-12-30 17:29:25 UTC.
    assert "32.27 days after the last epoch" in message
    assert "--extrapolate" in message
    with pytest.warns(ExtrapolationWarning, match="32.27 days"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StaleElementsWarning)
            eph = propagate(iss, grid, allow_extrapolation=True)
    assert eph.outside_coverage.all()


def test_window_before_coverage_is_refused(iss):
    grid = TimeGrid.from_range("2022-08-01", "2022-08-02", "60s")
    with pytest.raises(CoverageError, match="before the first epoch"):
        propagate(iss, grid)


def test_window_partly_outside_is_flagged(iss):
    grid = TimeGrid.from_range("2023-12-30", "2024-01-01", "60s")
    eph = propagate(iss, grid)
    report = eph.staleness()
    # Coverage ends 2023-12-30T17:29:25Z: 30.5 of the 48 hours lie outside.
    assert report.fraction_outside_coverage == pytest.approx((48 - 17.4903) / 48, abs=1e-3)
    assert report.max_age_days == pytest.approx((48 - 17.4903) / 24, abs=1e-3)


def test_default_run_is_quiet_over_sparse_2022(iss):
    # Gaps of up to 10.8 d lie in late 2022; the default limit (14 d) must not warn.
    grid = TimeGrid.from_range("2022-09-21T17:06", "2022-12-15T00:45", "60s")
    eph = propagate(iss, grid)  # filterwarnings=error turns any warning into a failure
    report = eph.staleness()
    assert 4.0 < report.max_age_days < 6.0  # nearest set: about half the largest gap
    assert 0.0 < report.fraction_older < 1.0


def test_stale_warning_beyond_user_limit(iss):
    grid = TimeGrid.from_range("2022-11-24", "2022-12-14", "60s")
    with pytest.warns(StaleElementsWarning, match="limit 2 d"):
        propagate(iss, grid, stale_warn_days=2.0)


def decaying_orbit() -> Orbit:
    """A satellite at 180 km with a huge drag term: SGP4 reports decay within days."""
    sat = Satrec()
    no_kozai = np.sqrt(398600.8 / (6378.135 + 180.0) ** 3) * 60.0  # rad/min
    sat.sgp4init(WGS72, "i", 99999, 27029.0, 0.5, 0.0, 0.0, 0.001, 0.0, np.radians(51.6), 0.0, no_kozai, 0.0)
    return Orbit.from_satrec([sat], source="decaying test satellite")


def test_sgp4_failures_become_nan_and_are_reported():
    orbit = decaying_orbit()
    epoch = orbit.epochs_jd[0]
    grid = TimeGrid(epoch, 0.0, 20 * 86400.0, 600.0)
    with pytest.warns(PropagationWarning, match="NaN"):
        summary = summarize_orbit(orbit, grid, chunk_samples=500, stale_warn_days=100.0)
    assert summary.error_intervals, "decay must be reported"
    first = summary.error_intervals[0]
    assert first.code != 0 and first.samples > 0
    with pytest.warns(PropagationWarning):
        eph = propagate(orbit, grid, stale_warn_days=100.0)
    failed = eph.error != 0
    assert failed.any() and (~failed).any()
    assert np.isnan(eph.r_teme_km[failed]).all()
    assert np.isfinite(eph.r_teme_km[~failed]).all()
    # The reported intervals cover exactly the failed samples.
    assert sum(e.samples for e in summary.error_intervals) == int(failed.sum())


def test_summary_over_bundled_history(iss):
    grid = TimeGrid.from_range("2023-01-01", "2023-02-01", "5min")
    summary = summarize_orbit(iss, grid)
    # ISS in January 2023 flew at about 415-420 km (mean elements of the bundled sets).
    assert 405 < summary.altitude_km["min"] < summary.altitude_km["mean"] < summary.altitude_km["max"] < 435
    assert summary.element_sets_used > 100
    assert summary.staleness.max_age_days < 1.0
    assert not summary.error_intervals


def test_design_orbit_has_no_staleness():
    orbit = Orbit.from_spec("circular:500:51.64")
    grid = TimeGrid.from_range("2030-01-01", "2030-01-02", "60s")
    eph = propagate(orbit, grid)
    assert not eph.staleness().applicable
    assert abs(eph.altitude_km.mean() - 500.0) < 0.5
