"""Time grids: parsing, midpoint sampling, weights and chunk invariance."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest
from hypothesis import given, strategies as st

from impactrisk.errors import InputError
from impactrisk.timegrid import (
    TimeGrid,
    datetime_to_jd,
    jd_to_datetime,
    parse_duration_s,
    parse_utc,
)

#: Resolution of a split Julian date in these tests [d] (about 1 microsecond).
ONE_MICROSECOND_DAYS = 1e-6 / 86400.0


def test_parse_utc_forms():
    utc = timezone.utc
    assert parse_utc("2022-12-15") == datetime(2022, 12, 15, tzinfo=utc)
    assert parse_utc("2022-12-15T00:45") == datetime(2022, 12, 15, 0, 45, tzinfo=utc)
    assert parse_utc("2022-12-15 00:45:30Z") == datetime(2022, 12, 15, 0, 45, 30, tzinfo=utc)
    assert parse_utc("2022-12-15T03:45:00+03:00") == datetime(2022, 12, 15, 0, 45, tzinfo=utc)
    assert parse_utc("2022-09") == datetime(2022, 9, 1, tzinfo=utc)


@pytest.mark.parametrize("text", ["2023-02-30", "2022-13-01", "2022-12-32"])
def test_impossible_dates_are_named(text):
    with pytest.raises(InputError, match="impossible date") as info:
        parse_utc(text)
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_date():
    with pytest.raises(InputError, match="expected YYYY-MM-DD"):
        parse_utc("yesterday")


@pytest.mark.parametrize(
    "text, seconds",
    [("60", 60.0), ("60s", 60.0), ("10min", 600.0), ("1h", 3600.0), ("0.5d", 43200.0), (30, 30.0)],
)
def test_durations(text, seconds):
    assert parse_duration_s(text) == seconds


@pytest.mark.parametrize("text", ["0s", "-5s", "abc", "10 parsecs", ""])
def test_bad_durations(text):
    with pytest.raises(InputError):
        parse_duration_s(text)


def test_jd_of_known_instants():
    # J2000.0 is 2000-01-01T12:00 TT; its UTC calendar date-time 2000-01-01T12:00 has
    # JD 2451545.0 by definition of the Julian date on a UTC calendar (Meeus, ch. 7).
    jd, fr = datetime_to_jd(datetime(2000, 1, 1, 12, tzinfo=timezone.utc))
    assert jd + fr == 2451545.0
    # The Unix epoch is JD 2440587.5.
    assert sum(datetime_to_jd(datetime(1970, 1, 1, tzinfo=timezone.utc))) == 2440587.5


@given(st.datetimes(min_value=datetime(1958, 1, 1), max_value=datetime(2100, 1, 1)))
def test_jd_round_trip(moment):
    moment = moment.replace(tzinfo=timezone.utc)
    assert jd_to_datetime(*datetime_to_jd(moment)) == moment


def test_weights_sum_to_window_and_midpoints():
    grid = TimeGrid.from_range("2023-01-01T00:00", "2023-01-01T00:02:30", "60s")
    assert grid.n == 3
    np.testing.assert_array_equal(grid.weights_s(), [60.0, 60.0, 30.0])
    np.testing.assert_array_equal(grid.offsets_s(), [30.0, 90.0, 135.0])
    assert grid.weights_s().sum() == grid.duration_s


def test_end_before_start():
    with pytest.raises(InputError, match="not after start"):
        TimeGrid.from_range("2023-01-02", "2023-01-01", "60s")


@given(
    st.integers(min_value=1, max_value=5000),
    st.sampled_from([1.0, 10.0, 60.0, 3600.0]),
    st.integers(min_value=1, max_value=700),
)
def test_chunked_samples_identical(n_steps, step_s, chunk):
    grid = TimeGrid(2459945.5, 0.123456789, n_steps * step_s - 0.5 * step_s, step_s)
    jd, fr = grid.jd_fr()
    parts = [grid.jd_fr(i0, i1) for i0, i1 in grid.chunks(chunk)]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), jd)
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), fr)
    weights = np.concatenate([grid.weights_s(i0, i1) for i0, i1 in grid.chunks(chunk)])
    np.testing.assert_array_equal(weights, grid.weights_s())
    assert np.all((fr >= 0.0) & (fr < 1.0))


def test_long_grid_precision():
    # Ten years at 10 s: the last sample must still sit on its nominal time.
    grid = TimeGrid.from_range("2020-01-01", "2030-01-01", "10s")
    jd, fr = grid.jd_fr(grid.n - 2, grid.n - 1)
    expected = grid.start_jd_utc + (grid.n - 1.5) * 10.0 / 86400.0
    assert abs((jd[0] + fr[0]) - expected) < 100 * ONE_MICROSECOND_DAYS
