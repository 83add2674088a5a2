"""The bundled ISS history: what tle_data/README.md says about it holds."""

from __future__ import annotations

import hashlib

import numpy as np

from impactrisk.io.datafiles import default_tle_path
from impactrisk.io.orbit_source import load_orbit
from impactrisk.timegrid import format_utc, jd_to_datetime


def test_every_set_propagates_at_its_epoch():
    orbit = load_orbit()
    assert len(orbit.satrecs) == 2046
    assert orbit.catalog_id == "25544"
    assert orbit.duplicates_dropped == 0
    assert np.all(np.diff(orbit.epochs_jd) > 0)
    for sat in orbit.satrecs:
        error, r, _ = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
        assert error == 0
        assert 6700.0 < np.linalg.norm(r) < 6850.0  # 320-470 km: the ISS range


def test_coverage_as_documented():
    orbit = load_orbit()
    first, last = orbit.coverage_jd
    assert format_utc(jd_to_datetime(first)) == "2022-09-03T16:10:04Z"
    assert format_utc(jd_to_datetime(last)) == "2023-12-30T17:29:25Z"


def test_identical_to_shared_source(shared_data_dir):
    source = shared_data_dir / "tle" / "iss_25544_2022-2023.tle"
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(default_tle_path()) == digest(source)
