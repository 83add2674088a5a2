"""Tests of impactrisk.elements: the Orbit object and its constructors."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from impactrisk.constants import MU_EARTH_WGS72_KM3_S2, R_EARTH_KM
from impactrisk.elements import (
    CIRCULAR_SPEC_FORM,
    Orbit,
    catalog_number,
    normalize_catalog_id,
)
from impactrisk.errors import InputError
from impactrisk.io.tle import read_tle

#: Mean-altitude agreement of a design orbit [km]. The SGP4 trajectory of a circular
#: mean orbit is not a circle: the J3 long-period term gives it an eccentricity of
#: about 8e-4 (radius +-6 km once per revolution) and the J2 short-period terms add
#: twice-per-revolution ripples. Averaged over whole revolutions these cancel; what
#: is left comes from averaging over Kepler periods rather than SGP4's own period
#: and from the 10 s sampling, well under 10 m. Without the mean-motion correction
#: the mean radius is off by 1.5-3.3 km depending on inclination (J2, factor
#: 3 cos^2 i - 1), so 10 m separates the two cleanly.
TEN_METERS_KM = 0.01
#: The correction must matter by much more than the tolerance above [km].
ONE_KM = 1.0
#: Inclination of the orbit plane (angular momentum) averaged over a day [deg]; the
#: J2 short-period oscillation (about 0.02 deg at 51.6 deg and ISS altitude) averages
#: out over whole revolutions.
INC_TOL_DEG = 0.01
#: Right ascension of the node at epoch [deg]: the osculating node differs from the
#: mean node by the J2 short-period term (a few 0.01 deg in LEO).
RAAN_TOL_DEG = 0.05
#: Position agreement of Skyfield's EarthSatellite (TEME via its GCRS round trip) and
#: the orbit's Satrec [km]: same SGP4 model, so only the frame round trip differs.
ONE_METER_KM = 1e-3
#: Julian date of 2000-01-01 12:00 UTC, as a fixed point for epoch checks [d].
JD_2000_NOON = 2451545.0
SAMPLE_STEP_S = 10.0


def jd_of(moment: datetime) -> float:
    """Julian date (UTC) of a timezone-aware datetime, from the J2000 noon anchor."""
    delta = moment - datetime(2000, 1, 1, 12, tzinfo=timezone.utc)
    return JD_2000_NOON + delta.total_seconds() / 86400.0


def propagate_whole_revs(orbit: Orbit, alt_km: float, days: float = 1.0):
    """States over the whole number of Kepler periods (a = R_E + alt) in ``days``."""
    sat = orbit.satrecs[0]
    a_km = R_EARTH_KM + alt_km
    period_s = 2.0 * math.pi * math.sqrt(a_km ** 3 / MU_EARTH_WGS72_KM3_S2)
    revs = math.floor(days * 86400.0 / period_s)
    t_s = np.arange(0.0, revs * period_s, SAMPLE_STEP_S)
    jd = np.full(t_s.shape, sat.jdsatepoch)
    error, r, v = sat.sgp4_array(jd, sat.jdsatepochF + t_s / 86400.0)
    assert not error.any()
    return r, v


# ------------------------------------------------------------------ design orbits
@pytest.mark.parametrize("inc_deg", [0.0, 51.64, 97.4])
@pytest.mark.parametrize("alt_km", [300.0, 415.0, 500.0, 800.0])
def test_circular_mean_altitude(alt_km, inc_deg):
    orbit = Orbit.circular(alt_km, inc_deg)
    r, _ = propagate_whole_revs(orbit, alt_km)
    mean_alt_km = np.linalg.norm(r, axis=1).mean() - R_EARTH_KM
    assert abs(mean_alt_km - alt_km) < TEN_METERS_KM


@pytest.mark.parametrize("inc_deg", [0.0, 28.5, 51.64, 97.4, 180.0])
def test_circular_inclination_from_angular_momentum(inc_deg):
    orbit = Orbit.circular(415.0, inc_deg)
    r, v = propagate_whole_revs(orbit, 415.0)
    h = np.cross(r, v)
    inc = np.degrees(np.arccos(np.clip(h[:, 2] / np.linalg.norm(h, axis=1), -1, 1)))
    assert abs(inc.mean() - inc_deg) < INC_TOL_DEG


@pytest.mark.parametrize("raan_deg, expected", [(0.0, 0.0), (123.4, 123.4),
                                                (370.0, 10.0), (-90.0, 270.0)])
def test_circular_node_at_epoch(raan_deg, expected):
    orbit = Orbit.circular(415.0, 51.64, raan_deg)
    sat = orbit.satrecs[0]
    _, r, v = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
    h = np.cross(r, v)
    node = math.degrees(math.atan2(h[0], -h[1])) % 360.0  # z x h points to the node
    diff = (node - expected + 180.0) % 360.0 - 180.0
    assert abs(diff) < RAAN_TOL_DEG
    assert orbit.satrecs[0].nodeo == pytest.approx(math.radians(expected))


@pytest.mark.parametrize("inc_deg", [0.0, 97.4])
def test_circular_without_correction_would_miss(inc_deg):
    # The fixed-point correction matters: Kepler's n for a = R_E + h gives an SGP4
    # orbit whose mean radius is off by far more than the tolerance (except near
    # the inclination where 3 cos^2 i - 1 vanishes, 54.7 deg).
    a_km = R_EARTH_KM + 415.0
    n_rad_min = math.sqrt(MU_EARTH_WGS72_KM3_S2 / a_km ** 3) * 60.0
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    epoch_days = (start - datetime(1949, 12, 31, tzinfo=timezone.utc)).days
    sat = Satrec()
    sat.sgp4init(WGS72, "i", 0, epoch_days, 0.0, 0.0, 0.0, 0.0, 0.0,
                 math.radians(inc_deg), 0.0, n_rad_min, 0.0)
    naive = Orbit.from_satrec(sat)
    r, _ = propagate_whole_revs(naive, 415.0)
    assert abs(np.linalg.norm(r, axis=1).mean() - a_km) > ONE_KM
    corrected = Orbit.circular(415.0, inc_deg)
    r, _ = propagate_whole_revs(corrected, 415.0)
    assert abs(np.linalg.norm(r, axis=1).mean() - a_km) < TEN_METERS_KM


def test_circular_is_a_design_orbit_with_the_default_epoch():
    orbit = Orbit.circular(415.0, 51.64)
    assert orbit.is_design and orbit.kind == "circular"
    assert orbit.catalog_id is None
    assert orbit.source == "circular:415:51.64"
    expected = jd_of(datetime(2023, 1, 1, tzinfo=timezone.utc))
    assert orbit.coverage_jd == (expected, expected)
    assert orbit.satrecs[0].ecco == 0.0 and orbit.satrecs[0].bstar == 0.0


def test_circular_epoch_aware_and_naive():
    aware = datetime(2023, 6, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    naive = datetime(2023, 6, 1, 0, 0)
    expected = jd_of(datetime(2023, 6, 1, tzinfo=timezone.utc))
    for epoch in (aware, naive):
        orbit = Orbit.circular(415.0, 51.64, epoch=epoch)
        assert orbit.epochs_jd[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("args, phrase", [
    ((100.0, 51.64), "above the atmosphere"),
    ((40000.5, 51.64), "at most 40000"),
    ((-5.0, 51.64), "above the atmosphere"),
    ((415.0, -0.1), "0 to 180"),
    ((415.0, 180.1), "0 to 180"),
    ((float("nan"), 51.64), "finite"),
    ((415.0, 51.64, float("inf")), "finite"),
    (("high", 51.64), "expected a number"),
])
def test_circular_validation(args, phrase):
    with pytest.raises(InputError, match=phrase):
        Orbit.circular(*args)


def test_from_spec_forms():
    orbit = Orbit.from_spec("circular:415:51.64:120:2023-06-01T12:00:00Z")
    assert orbit.source == "circular:415:51.64:120:2023-06-01T12:00:00Z"
    assert orbit.satrecs[0].nodeo == pytest.approx(math.radians(120.0))
    assert orbit.epochs_jd[0] == pytest.approx(
        jd_of(datetime(2023, 6, 1, 12, tzinfo=timezone.utc)), abs=1e-9)
    same = Orbit.from_spec("circular:415:51.64")
    reference = Orbit.circular(415.0, 51.64)
    assert same.satrecs[0].no_kozai == reference.satrecs[0].no_kozai


@pytest.mark.parametrize("spec", [
    "circular:415", "circular", "elliptic:415:51.64", "circular:abc:51.64",
    "circular:415:51.64:east", "circular:415:51.64:0:yesterday", "",
])
def test_from_spec_errors_show_the_form(spec):
    with pytest.raises(InputError) as info:
        Orbit.from_spec(spec)
    message = str(info.value)
    assert CIRCULAR_SPEC_FORM in message
    assert repr(spec) in message


def test_from_spec_range_error_names_the_spec():
    with pytest.raises(InputError, match=r"orbit spec 'circular:50:51.64': alt_km"):
        Orbit.from_spec("circular:50:51.64")


# ------------------------------------------------------------------ from TLE
def test_from_tle_bundled_history():
    from impactrisk.io.datafiles import default_tle_path

    orbit = Orbit.from_tle(read_tle(default_tle_path()))
    assert orbit.kind == "tle" and not orbit.is_design
    assert orbit.catalog_id == "25544"
    assert len(orbit) == 2046 and orbit.duplicates_dropped == 0
    assert np.all(np.diff(orbit.epochs_jd) > 0)
    # first epoch 2022-09-03 (day 246) + 0.67365757 d, from the provenance record
    first = datetime(2022, 1, 1, tzinfo=timezone.utc) + timedelta(days=245.67365757)
    assert orbit.coverage_jd[0] == pytest.approx(jd_of(first), abs=1e-8)
    for sat, jd in zip(orbit.satrecs, orbit.epochs_jd):
        assert sat.jdsatepoch + sat.jdsatepochF == jd


def test_from_tle_sorts_by_epoch(data_dir):
    records = read_tle(data_dir / "iss_2line.tle")
    shuffled = list(reversed(records))
    orbit = Orbit.from_tle(shuffled)
    assert np.all(np.diff(orbit.epochs_jd) > 0)
    assert orbit.duplicates_dropped == 0


def test_from_tle_accepts_plain_line_pairs(data_dir):
    records = read_tle(data_dir / "iss_2line.tle")
    orbit = Orbit.from_tle([(r.line1, r.line2) for r in records], source="pairs")
    assert orbit.source == "pairs" and len(orbit) == 4


def test_from_tle_no_records():
    with pytest.raises(InputError, match="no TLE element sets"):
        Orbit.from_tle([])


def test_orbit_is_immutable(data_dir):
    orbit = Orbit.from_tle(read_tle(data_dir / "iss_2line.tle"))
    with pytest.raises(ValueError):
        orbit.epochs_jd[0] = 0.0
    with pytest.raises(AttributeError):
        orbit.name = "other"  # type: ignore[misc]


# ------------------------------------------------------------------ from Satrec
def test_from_satrec_sorts_and_drops_duplicates(data_dir):
    records = read_tle(data_dir / "iss_2line.tle")
    sats = [Satrec.twoline2rv(r.line1, r.line2, WGS72) for r in records]
    again = Satrec.twoline2rv(records[1].line1, records[1].line2, WGS72)
    mixed = sats + [again]
    random.Random(3).shuffle(mixed)
    orbit = Orbit.from_satrec(mixed, name="ISS")
    assert orbit.kind == "satrec" and orbit.name == "ISS"
    assert len(orbit) == 4 and orbit.duplicates_dropped == 1
    assert np.all(np.diff(orbit.epochs_jd) > 0)


def test_from_satrec_refuses_mixed_objects_and_non_satrecs(data_dir):
    records = read_tle(data_dir / "iss_2line.tle")
    iss = Satrec.twoline2rv(records[0].line1, records[0].line2, WGS72)
    other = Orbit.circular(415.0, 51.64).satrecs[0]  # satnum 0
    with pytest.raises(InputError, match="several objects"):
        Orbit.from_satrec([iss, other])
    with pytest.raises(InputError, match="expected an sgp4.api.Satrec"):
        Orbit.from_satrec([records[0].line1])
    with pytest.raises(InputError, match="at least one"):
        Orbit.from_satrec([])


# ------------------------------------------------------------------ catalogue ids
@pytest.mark.parametrize("text, number, canonical", [
    ("25544", 25544, "25544"), ("00005", 5, "5"), (" 5", 5, "5"),
    ("A0001", 100001, "A0001"), ("a0001", 100001, "A0001"), (100001, 100001, "A0001"),
    ("J0000", 180000, "J0000"),  # I is skipped: J is the 9th letter but worth 18
    ("Z9999", 339999, "Z9999"), (400000, 400000, "400000"),
])
def test_catalogue_numbers(text, number, canonical):
    # Alpha-5: A=10 ... H=17, J=18 ... N=22, P=23 ... Z=33 (I and O unused).
    assert catalog_number(text) == number
    assert normalize_catalog_id(text) == canonical


@pytest.mark.parametrize("text", ["I0001", "O1234", "25A44", "", "-5", "AB123"])
def test_bad_catalogue_numbers(text):
    with pytest.raises(InputError, match="catalogue number"):
        catalog_number(text)


def test_select_by_alpha5_or_digits(data_dir):
    line_pairs = [(r.line1, r.line2) for r in read_tle(data_dir / "iss_2line.tle")]

    def retag(line, tag):
        line = line[:2] + tag + line[7:68]
        total = sum(int(c) if c.isdigit() else (c == "-") for c in line)
        return line + str(total % 10)

    alpha = [(retag(a, "A0001"), retag(b, "A0001")) for a, b in line_pairs[:2]]
    mixed = alpha + line_pairs[2:]
    with pytest.raises(InputError, match="2 objects: A0001"):
        Orbit.from_tle(mixed)
    chosen = Orbit.from_tle(mixed, catalog_id="100001")
    assert chosen.catalog_id == "A0001" and len(chosen) == 2
    with pytest.raises(InputError, match="'99999' not found"):
        Orbit.from_tle(mixed, catalog_id="99999")


# ------------------------------------------------------------------ skyfield
def test_matches_skyfield_earth_satellite(data_dir):
    from skyfield.api import EarthSatellite, load
    from skyfield.sgp4lib import TEME

    ts = load.timescale()
    records = read_tle(data_dir / "iss_3line.tle")
    orbit = Orbit.from_tle(records)
    for record, sat in zip(records, orbit.satrecs):
        reference = EarthSatellite(record.line1, record.line2, record.name, ts)
        epoch_utc = reference.epoch.utc_datetime()
        assert jd_of(epoch_utc) == pytest.approx(sat.jdsatepoch + sat.jdsatepochF,
                                                 abs=1e-8)
        for minutes in (0.0, 45.0, 360.0):
            t = ts.from_datetime(epoch_utc + timedelta(minutes=minutes))
            expected = reference.at(t).frame_xyz(TEME).km
            error, r, _ = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF + minutes / 1440.0)
            assert error == 0
            assert np.linalg.norm(np.array(r) - expected) < ONE_METER_KM


#: Deep-space (SDP4) design orbits [km]: the lunar-solar periodic terms are not
#: removed by averaging over a few revolutions (their periods are weeks), and they
#: move the mean radius of a near-GEO orbit by a few tens of metres.
DEEP_SPACE_KM = 0.1


@pytest.mark.parametrize("alt_km", [6000.0, 20200.0, 35786.0, 40000.0])
def test_circular_deep_space_altitudes(alt_km):
    orbit = Orbit.circular(alt_km, 55.0)
    r, _ = propagate_whole_revs(orbit, alt_km, days=3.0)
    assert abs(np.linalg.norm(r, axis=1).mean() - R_EARTH_KM - alt_km) < DEEP_SPACE_KM
