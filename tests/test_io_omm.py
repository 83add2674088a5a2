"""Tests of impactrisk.io.omm (OMM CSV/JSON) and impactrisk.io.orbit_source."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import WGS72, Satrec

from impactrisk.elements import Orbit
from impactrisk.errors import InputError, OMMFormatError, TLEFormatError
from impactrisk.io.omm import parse_omm_csv, parse_omm_json, read_omm
from impactrisk.io.orbit_source import load_orbit, load_orbits
from impactrisk.io.tle import read_tle

#: Position agreement of an OMM and the TLE of the same element set one hour after
#: epoch [km]. The TLE rounds angles to 1e-4 deg (12 m at ISS radius each, four
#: angles), eccentricity to 1e-7 (< 1 m) and mean motion to 1e-8 rev/day (< 1 m after
#: one hour); an OMM may carry more digits than that, so the two may differ by up to
#: about 50 m. 0.1 km bounds that with margin; an error in units, epoch or angle
#: conversion shows as kilometres or more.
OMM_VS_TLE_KM = 0.1
#: Agreement with sgp4's own OMM initialiser on identical inputs [km]: both call
#: sgp4init with the same elements; the epoch, a float of about 26 700 days since
#: 1949-12-31, is computed along different paths and can differ by a few units in the
#: last place (1 ulp = 3.6e-12 d = 0.3 us, i.e. 2.4 mm along track at 7.7 km/s).
#: 1 cm allows four ulps.
SAME_INPUT_KM = 1e-5
EPOCH_ULPS_D = 4 * 3.6e-12
ONE_HOUR_D = 1.0 / 24.0

PAIRS = [
    ("iss_gp_celestrak.csv", "iss_3line.tle"),
    ("iss_gp_celestrak.json", "iss_3line.tle"),
    ("iss_gp_history_spacetrack.json", "iss_spacetrack.3le"),
]
CSV_HEADER = ("OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,"
              "RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,"
              "CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,"
              "MEAN_MOTION_DOT,MEAN_MOTION_DDOT")
SRC = "gp.csv"


@pytest.fixture
def csv_lines(data_dir):
    return (data_dir / "iss_gp_celestrak.csv").read_text().splitlines()


@pytest.fixture
def spacetrack_records(data_dir):
    return json.loads((data_dir / "iss_gp_history_spacetrack.json").read_text())


def position_km(sat, jd: float, fr: float) -> np.ndarray:
    error, r, _ = sat.sgp4(jd, fr)
    assert error == 0
    return np.array(r)


# ------------------------------------------------------------------ valid input
def test_csv_records_are_typed(data_dir):
    records = read_omm(data_dir / "iss_gp_celestrak.csv")
    assert len(records) == 3
    first = records[0]
    assert first["OBJECT_NAME"] == "ISS (ZARYA)"
    assert first["NORAD_CAT_ID"] == 25544
    assert first["EPOCH"] == "2023-04-19T09:35:34.679616"
    assert first["MEAN_MOTION"] == 15.49984871
    assert first["BSTAR"] == pytest.approx(0.34748e-3, rel=1e-12)
    assert first["REV_AT_EPOCH"] == 39267


def test_spacetrack_json_strings_and_extra_keys(data_dir):
    records = read_omm(data_dir / "iss_gp_history_spacetrack.json")
    assert len(records) == 3
    assert records[0]["ECCENTRICITY"] == 0.0004354
    assert isinstance(records[0]["NORAD_CAT_ID"], int)
    assert records[0]["TLE_LINE0"] == "0 ISS (ZARYA)"  # extra keys are kept
    assert records[0]["DECAY_DATE"] is None


@pytest.mark.parametrize("omm_name, tle_name", PAIRS)
def test_omm_and_tle_of_the_same_sets_agree(data_dir, omm_name, tle_name):
    omm = Orbit.from_omm(read_omm(data_dir / omm_name))
    tle = Orbit.from_tle(read_tle(data_dir / tle_name))
    assert omm.kind == "omm" and tle.kind == "tle"
    assert omm.catalog_id == tle.catalog_id == "25544"
    assert omm.name == tle.name == "ISS (ZARYA)"
    assert len(omm.satrecs) == len(tle.satrecs) == 3
    # A TLE epoch has 1e-8 d steps; the OMM epoch is written to the microsecond.
    np.testing.assert_allclose(omm.epochs_jd, tle.epochs_jd, rtol=0, atol=1e-9)
    for a, b in zip(omm.satrecs, tle.satrecs):
        jd, fr = b.jdsatepoch, b.jdsatepochF + ONE_HOUR_D
        gap = np.linalg.norm(position_km(a, jd, fr) - position_km(b, jd, fr))
        assert gap < OMM_VS_TLE_KM


def test_satrecs_equal_those_of_sgp4s_own_omm_reader(data_dir):
    # Independent construction: sgp4.omm.initialize on the raw CSV fields.
    records = read_omm(data_dir / "iss_gp_celestrak.csv")
    orbit = Orbit.from_omm(records)
    with open(data_dir / "iss_gp_celestrak.csv", newline="") as handle:
        raw = list(sgp4_omm.parse_csv(handle))
    for fields, mine in zip(raw, orbit.satrecs):
        theirs = Satrec()
        sgp4_omm.initialize(theirs, fields)
        for attr in ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar",
                     "ndot", "nddot"):
            assert getattr(mine, attr) == pytest.approx(getattr(theirs, attr),
                                                        rel=1e-14, abs=1e-20)
        assert mine.jdsatepoch == theirs.jdsatepoch
        assert abs(mine.jdsatepochF - theirs.jdsatepochF) <= EPOCH_ULPS_D
        jd, fr = theirs.jdsatepoch, theirs.jdsatepochF + ONE_HOUR_D
        gap = np.linalg.norm(position_km(mine, jd, fr) - position_km(theirs, jd, fr))
        assert gap < SAME_INPUT_KM


def test_json_object_can_be_given_decoded(spacetrack_records):
    assert len(parse_omm_json(spacetrack_records)) == 3
    assert len(parse_omm_json(spacetrack_records[0])) == 1


# ------------------------------------------------------------------ bad input
def test_csv_header_missing_a_keyword(csv_lines):
    lines = [csv_lines[0].replace("BSTAR,", "")] + csv_lines[1:]
    with pytest.raises(OMMFormatError) as info:
        parse_omm_csv(lines, source=SRC)
    assert info.value.line == 1
    assert "missing BSTAR" in info.value.reason


def test_csv_bad_number_names_line_and_field(csv_lines):
    cells = csv_lines[2].split(",")
    cells[3] = "15.4998936O"  # letter O instead of zero
    lines = csv_lines[:2] + [",".join(cells)] + csv_lines[3:]
    with pytest.raises(OMMFormatError) as info:
        parse_omm_csv(lines, source=SRC)
    assert info.value.source == SRC and info.value.line == 3
    assert "MEAN_MOTION" in info.value.reason
    assert "expected a number" in info.value.reason
    assert str(info.value).startswith(f"{SRC}, line 3: ")


def test_csv_row_with_too_few_cells(csv_lines):
    lines = csv_lines[:1] + [csv_lines[1].rsplit(",", 1)[0]]
    with pytest.raises(OMMFormatError, match="expected 17 comma-separated values") as info:
        parse_omm_csv(lines, source=SRC)
    assert info.value.line == 2


def test_csv_integer_field_with_fraction(csv_lines):
    cells = csv_lines[1].split(",")
    cells[11] = "25544.5"
    with pytest.raises(OMMFormatError, match="NORAD_CAT_ID: expected an integer"):
        parse_omm_csv([csv_lines[0], ",".join(cells)], source=SRC)


@pytest.mark.parametrize("key, value, phrase", [
    ("EPOCH", None, "EPOCH: expected text, empty"),
    ("MEAN_MOTION", "fast", "MEAN_MOTION: expected a number"),
    ("ECCENTRICITY", "1.2", "ECCENTRICITY: expected 0 <= e < 1"),
    ("INCLINATION", "190", "INCLINATION: expected 0 to 180 deg"),
    ("MEAN_MOTION", "0", "MEAN_MOTION: expected a positive number"),
    ("NORAD_CAT_ID", "400000", "NORAD_CAT_ID: expected 0 to 339999"),
    ("EPOCH", "2022-13-05T00:48:59", "EPOCH: expected a valid calendar date"),
    ("EPOCH", "5 Dec 2022", "EPOCH: expected YYYY-MM-DDThh:mm:ss"),
    ("BSTAR", "nan", "BSTAR: expected a number"),
    ("REV_AT_EPOCH", True, "REV_AT_EPOCH: expected an integer"),
])
def test_json_bad_field_names_record_and_field(spacetrack_records, key, value, phrase):
    spacetrack_records[1][key] = value
    with pytest.raises(OMMFormatError) as info:
        parse_omm_json(json.dumps(spacetrack_records), source="gp.json")
    assert info.value.source == "gp.json"
    assert info.value.reason.startswith("record 2 of 3: ")
    assert phrase in info.value.reason


def test_json_missing_field(spacetrack_records):
    del spacetrack_records[2]["MEAN_ANOMALY"]
    with pytest.raises(OMMFormatError, match="record 3 of 3: field MEAN_ANOMALY: "
                                             "expected a number, missing"):
        parse_omm_json(spacetrack_records, source="gp.json")


def test_invalid_json_reports_its_line():
    with pytest.raises(OMMFormatError, match="invalid JSON") as info:
        parse_omm_json('[\n{"EPOCH": "2023-01-01T00:00:00",\n}]', source="gp.json")
    assert info.value.line == 3


def test_provider_error_object():
    with pytest.raises(OMMFormatError, match="provider returned an error"):
        parse_omm_json('{"error": "You must be logged in to complete this action"}')


def test_json_list_of_non_objects():
    with pytest.raises(OMMFormatError, match="record 1 of 1: expected a JSON object"):
        parse_omm_json("[1]")


def test_format_is_sniffed_from_content(data_dir, tmp_path):
    csv_copy = tmp_path / "elements.txt"
    csv_copy.write_text((data_dir / "iss_gp_celestrak.csv").read_text())
    json_copy = tmp_path / "elements.dat"
    json_copy.write_text((data_dir / "iss_gp_celestrak.json").read_text())
    assert len(read_omm(csv_copy)) == len(read_omm(json_copy)) == 3
    unknown = tmp_path / "elements.xml"
    unknown.write_text("<ndm><omm></omm></ndm>")
    with pytest.raises(OMMFormatError, match="cannot recognise the OMM format"):
        read_omm(unknown)


def test_read_omm_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read OMM file"):
        read_omm(tmp_path / "missing.json")


def test_from_omm_validates_raw_records(spacetrack_records):
    spacetrack_records[0]["INCLINATION"] = "51.6x"
    with pytest.raises(OMMFormatError, match="record 1: field INCLINATION"):
        Orbit.from_omm(spacetrack_records, source="raw")


# ------------------------------------------------------------------ load_orbit
@pytest.mark.parametrize("name, kind", [
    ("iss_2line.tle", "tle"), ("iss_3line.tle", "tle"), ("iss_spacetrack.3le", "tle"),
    ("iss_gp_celestrak.csv", "omm"), ("iss_gp_celestrak.json", "omm"),
    ("iss_gp_history_spacetrack.json", "omm"),
])
def test_load_orbit_recognises_each_format(data_dir, name, kind):
    orbit = load_orbit(tle=data_dir / name)
    assert orbit.kind == kind
    assert orbit.source == str(data_dir / name)
    assert orbit.catalog_id == "25544"


def test_load_orbit_default_is_the_bundled_history():
    orbit = load_orbit()
    assert orbit.kind == "tle" and len(orbit.satrecs) == 2046
    assert orbit.source.endswith("iss_25544_2022-09-03_2023-12-30.tle")


def test_load_orbit_spec():
    orbit = load_orbit(orbit="circular:415:51.64")
    assert orbit.is_design and orbit.source == "circular:415:51.64"


def test_load_orbit_refuses_both(data_dir):
    with pytest.raises(InputError, match="not both"):
        load_orbit(tle=data_dir / "iss_2line.tle", orbit="circular:415:51.64")
    with pytest.raises(InputError, match="catalogue id"):
        load_orbit(orbit="circular:415:51.64", catalog_id="25544")


@pytest.fixture
def two_object_file(data_dir, tmp_path):
    """The 3-line fixture (25544) followed by the 2-line one renumbered 25545."""
    other = (data_dir / "iss_2line.tle").read_text().replace("25544", "25545")
    # keep valid checksums: 25544 -> 25545 raises each digit sum by 1
    fixed = []
    for line in other.splitlines():
        fixed.append(line[:68] + str((int(line[68]) + 1) % 10))
    path = tmp_path / "two.tle"
    path.write_text((data_dir / "iss_3line.tle").read_text() + "\n".join(fixed) + "\n")
    return path


def test_load_orbits_gives_one_orbit_per_object(two_object_file, data_dir):
    source, orbits = load_orbits(two_object_file)
    assert source == str(two_object_file)
    assert [(o.catalog_id, len(o)) for o in orbits] == [("25544", 3), ("25545", 4)]
    assert [o.name for o in orbits] == ["ISS (ZARYA)", None]
    source, orbits = load_orbits(data_dir / "iss_gp_celestrak.csv")
    assert [(o.kind, o.catalog_id, len(o)) for o in orbits] == [("omm", "25544", 3)]
    source, orbits = load_orbits()
    assert source.endswith("iss_25544_2022-09-03_2023-12-30.tle")
    assert [len(o) for o in orbits] == [2046]


def test_load_orbit_several_objects(two_object_file):
    path = two_object_file
    with pytest.raises(InputError, match=r"2 objects: 25544 \(ISS \(ZARYA\)\), 25545"):
        load_orbit(tle=path)
    chosen = load_orbit(tle=path, catalog_id="25545")
    assert chosen.catalog_id == "25545" and len(chosen.satrecs) == 4
    assert chosen.name is None


def test_load_orbit_missing_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_orbit(tle=tmp_path / "none.tle")
    empty = tmp_path / "empty.tle"
    empty.write_text("")
    with pytest.raises(TLEFormatError, match="no element sets"):
        load_orbit(tle=empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(CSV_HEADER + "\n")
    with pytest.raises(OMMFormatError, match="no OMM records"):
        load_orbit(tle=header_only)


def test_satrec_from_omm_uses_wgs72(data_dir):
    orbit = Orbit.from_omm(read_omm(data_dir / "iss_gp_celestrak.json"))
    reference = Satrec.twoline2rv(*read_tle(data_dir / "iss_3line.tle")[0][1:3], WGS72)
    assert orbit.satrecs[0].radiusearthkm == reference.radiusearthkm == 6378.135
