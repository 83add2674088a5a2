"""The fleet history (every Soyuz MS and Progress MS, its launch and its stays at the ISS)
and the station's mean-altitude history before the bundled element sets.

Checks the shipped ``fleet.toml`` and ``iss_orbit_history.toml`` and the validation of
their ``[[vehicle]]`` and ``[[period]]`` tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from pathlib import Path

import pytest

from impactrisk.errors import InputError
from impactrisk.io.modules import (
    KNOWN_PORTS,
    OrbitPeriod,
    Stay,
    Vehicle,
    load_fleet,
    load_orbit_history,
    load_vehicles,
    stays_for,
)

UTC = dt.timezone.utc
REPO = Path(__file__).resolve().parent.parent
BUNDLED_TLE = REPO / "tle_data" / "iss_25544_2022-09-03_2023-12-30.tle"

#: Highest serial numbers in the manifest (vehicles launched up to the end of 2024).
LAST_SOYUZ_MS = 26
LAST_PROGRESS_MS = 29
#: Vehicles lost at launch: a [[vehicle]] table but no stay.
LAUNCH_FAILURES = {"Progress MS-04", "Soyuz MS-10"}
#: Vehicles whose first docking came more than 4 days after launch, with the reason.
LATE_FIRST_DOCKING = {
    "Soyuz MS-14": "first approach to Poisk aborted on 24 Aug 2019; docked at Zvezda aft "
                   "on 27 Aug",
}
#: Mean altitude in early September 2022 [km] (events.md section 3.1).
ALTITUDE_SEPT_2022_KM = 417.0
#: Ports added for the 2015-2021 configurations (Pirs, Nauka before Prichal, Zvezda nadir).
NEW_PORTS = ("pirs-nadir", "nauka-nadir", "zvezda-nadir")
#: Earth's equatorial radius and gravitational parameter used for the TLE check.
R_EARTH_KM = 6378.137
MU_KM3_S2 = 398600.4418


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def fleet_names() -> list[str]:
    return ([f"Soyuz MS-{k:02d}" for k in range(1, LAST_SOYUZ_MS + 1)]
            + [f"Progress MS-{k:02d}" for k in range(1, LAST_PROGRESS_MS + 1)])


# --- the shipped fleet manifest --------------------------------------------------------------


def test_shipped_fleet_loads_with_vehicles():
    stays = load_fleet()
    vehicles = load_vehicles()
    assert all(isinstance(s, Stay) for s in stays)
    assert all(isinstance(v, Vehicle) for v in vehicles)
    assert len(vehicles) == LAST_SOYUZ_MS + LAST_PROGRESS_MS
    for vehicle in vehicles:
        assert vehicle.launch.tzinfo is not None and vehicle.launch.utcoffset() == dt.timedelta(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        vehicles[0].name = "x"  # type: ignore[misc]


def test_every_soyuz_and_progress_ms_has_a_vehicle_row_and_a_stay():
    vehicles = {v.name: v for v in load_vehicles()}
    for name in fleet_names():
        assert name in vehicles, name
        rows = stays_for(name)
        if name in LAUNCH_FAILURES:
            assert rows == (), name
            assert "failure" in vehicles[name].note.lower(), name
        else:
            assert rows, name


def test_launch_precedes_first_docking_by_less_than_four_days():
    vehicles = {v.name: v for v in load_vehicles()}
    for name in fleet_names():
        rows = stays_for(name)
        if not rows:
            continue
        gap_days = (rows[0].start - vehicles[name].launch).total_seconds() / 86400.0
        assert gap_days > 0.0, name
        if name in LATE_FIRST_DOCKING:
            assert 4.0 <= gap_days < 6.0, (name, gap_days)
        else:
            assert gap_days < 4.0, (name, gap_days)


def test_stays_of_a_vehicle_do_not_overlap():
    by_vehicle: dict[str, list[Stay]] = defaultdict(list)
    for stay in load_fleet():
        by_vehicle[stay.vehicle].append(stay)
    for name, rows in by_vehicle.items():
        for a, b in zip(rows, rows[1:]):
            assert a.end is not None and a.end <= b.start, name


def test_no_two_vehicles_on_one_port_at_once():
    far = dt.datetime.max.replace(tzinfo=UTC)
    by_port: dict[str, list[Stay]] = defaultdict(list)
    for stay in load_fleet():
        by_port[stay.port].append(stay)
    for port, rows in by_port.items():
        rows.sort(key=lambda s: s.start)
        for a, b in zip(rows, rows[1:]):
            assert (a.end or far) <= b.start, (port, a.vehicle, b.vehicle)


def test_every_row_names_a_source_and_a_known_port():
    geometry = pytest.importorskip("impactrisk.geometry")
    for stay in load_fleet():
        assert stay.source.strip(), stay.vehicle
        assert stay.port in KNOWN_PORTS and stay.port in geometry.PORTS, stay.port
        assert stay.uncertain or stay.source  # flagged or sourced
    for vehicle in load_vehicles():
        assert vehicle.source.strip(), vehicle.name


def test_uncertain_rows_say_why():
    for stay in load_fleet():
        if stay.uncertain:
            assert stay.note.strip(), stay.vehicle
    for vehicle in load_vehicles():
        if vehicle.uncertain:
            assert vehicle.note.strip(), vehicle.name


def test_known_rows_are_unchanged():
    (ms22,) = stays_for("Soyuz MS-22")
    assert ms22.port == "rassvet-nadir"
    assert ms22.start == utc(2022, 9, 21, 17, 6, 34)
    assert ms22.end == utc(2023, 3, 28, 9, 57, 27)
    (pms21,) = stays_for("Progress MS-21")
    assert pms21.port == "poisk-zenith"
    assert pms21.start == utc(2022, 10, 28, 2, 48, 54)
    assert pms21.end == utc(2023, 2, 18, 2, 26)
    assert [s.port for s in stays_for("Soyuz MS-23")] == ["poisk-zenith", "prichal-nadir"]
    assert len(stays_for("Nauka RTOd")) == 3


def test_relocations_and_the_pirs_and_nauka_ports():
    assert [s.port for s in stays_for("Soyuz MS-13")] == ["zvezda-aft", "poisk-zenith"]
    assert [s.port for s in stays_for("Soyuz MS-17")] == ["rassvet-nadir", "poisk-zenith"]
    assert [s.port for s in stays_for("Soyuz MS-18")] == ["rassvet-nadir", "nauka-nadir"]
    assert [s.port for s in stays_for("Progress MS-17")] == ["poisk-zenith", "nauka-nadir"]
    assert [s.port for s in stays_for("Progress MS-01")] == ["pirs-nadir", "pirs-nadir"]
    # Pirs left the station with Progress MS-16 (26 Jul 2021); nothing docks there after.
    pirs = [s for s in load_fleet() if s.port == "pirs-nadir"]
    assert max(s.end for s in pirs) == utc(2021, 7, 26, 10, 55, 33)
    assert stays_for("Progress MS-16")[-1].port == "pirs-nadir"
    # Nauka's nadir port was used only before Prichal arrived (26 Nov 2021).
    nauka = [s for s in load_fleet() if s.port == "nauka-nadir"]
    assert nauka and all(s.end is not None and s.end < utc(2021, 11, 26) for s in nauka)


def test_leaks_are_recorded_on_the_vehicle_rows():
    vehicles = {v.name: v for v in load_vehicles()}
    assert "leak" in vehicles["Soyuz MS-22"].note.lower()
    assert "2022-12-15" in vehicles["Soyuz MS-22"].note
    assert "2023-02-11" in vehicles["Progress MS-21"].note
    assert vehicles["Soyuz MS-22"].launch == utc(2022, 9, 21, 13, 54, 49)
    assert vehicles["Progress MS-21"].launch == utc(2022, 10, 26, 0, 20, 9)


def test_new_ports_face_nadir_and_are_sourced():
    geometry = pytest.importorskip("impactrisk.geometry")
    for name in NEW_PORTS:
        port = geometry.PORTS[name]
        assert port.outward_body == (0.0, 0.0, 1.0), name
        assert port.reference_body == (1.0, 0.0, 0.0), name
        assert not port.assumption and port.source, name
    assert geometry.get_port("dc1-nadir") is geometry.get_port("pirs-nadir")
    assert geometry.get_port("mlm-nadir") is geometry.get_port("nauka-nadir")


# --- the shipped orbit history ---------------------------------------------------------------


def test_orbit_history_is_contiguous_from_may_2010_to_the_first_element_set():
    periods = load_orbit_history()
    assert all(isinstance(p, OrbitPeriod) for p in periods)
    assert periods[0].start == utc(2010, 5, 1)
    assert periods[-1].end.date() == dt.date(2022, 9, 3)
    for a, b in zip(periods, periods[1:]):
        assert a.end == b.start
    for p in periods:
        assert p.start.tzinfo is not None and p.end > p.start
        assert 150.0 <= p.mean_altitude_km <= 1000.0
        assert p.inclination_deg == pytest.approx(51.64, abs=0.05)
        assert p.source.strip()
        assert not p.uncertain or p.note.strip()
    # The RTOd went up with Rassvet in May 2010: the history covers its whole exposure.
    (rtod_first, *_) = stays_for("Nauka RTOd")
    assert periods[0].contains(rtod_first.start)


def test_orbit_history_resolution_is_about_a_year_or_finer():
    for p in load_orbit_history():
        assert p.duration_days <= 366.0 + 31.0, p.start


def test_station_flew_lower_before_2011():
    periods = load_orbit_history()
    first, last = periods[0], periods[-1]
    assert first.mean_altitude_km < 360.0
    assert abs(last.mean_altitude_km - ALTITUDE_SEPT_2022_KM) <= 10.0
    assert last.mean_altitude_km - first.mean_altitude_km > 50.0


def test_last_period_matches_the_first_bundled_element_set():
    if not BUNDLED_TLE.exists():
        pytest.skip("bundled element sets not present")
    line2 = next(line for line in BUNDLED_TLE.read_text().splitlines() if line.startswith("2 "))
    n_rad_s = float(line2[52:63]) * 2.0 * math.pi / 86400.0
    altitude = (MU_KM3_S2 / n_rad_s**2) ** (1.0 / 3.0) - R_EARTH_KM
    last = load_orbit_history()[-1]
    assert abs(last.mean_altitude_km - altitude) <= 10.0
    assert abs(ALTITUDE_SEPT_2022_KM - altitude) <= 2.0


# --- malformed files -------------------------------------------------------------------------

STAY = ('[[stay]]\nvehicle = "Soyuz MS-99"\nport = "rassvet-nadir"\n'
        'start = 2030-01-03T00:00:00Z\nend = 2030-06-01T00:00:00Z\nsource = "test"\n')
VEHICLE = '[[vehicle]]\nname = "Soyuz MS-99"\nlaunch = {launch}\nsource = "test"\n{extra}'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_vehicle_table_round_trips(tmp_path):
    path = write(tmp_path, "fleet.toml",
                 VEHICLE.format(launch="2030-01-01T12:00:00Z", extra='note = "n"\n') + STAY)
    (vehicle,) = load_vehicles(path)
    assert vehicle == Vehicle("Soyuz MS-99", utc(2030, 1, 1, 12), "test", False, "n")
    (stay,) = load_fleet(path)
    assert stay.vehicle == "Soyuz MS-99"


@pytest.mark.parametrize(
    "launch, extra, fragment",
    [
        ("2030-01-01T00:00:00Z", 'lauch_site = "Baikonur"\n',
         "vehicle[0].lauch_site: unknown key"),
        ("2030-01-05T00:00:00Z", "",
         "stay[0] (Soyuz MS-99).start: expected a time after the launch"),
        ('"not a date"', "", "vehicle[0] (Soyuz MS-99).launch: expected a date-time"),
        ("2030-01-01T00:00:00Z", "uncertain = 1\n",
         "vehicle[0] (Soyuz MS-99).uncertain: expected true or false"),
    ],
)
def test_bad_vehicle_tables_are_refused(tmp_path, launch, extra, fragment):
    path = write(tmp_path, "badfleet.toml", VEHICLE.format(launch=launch, extra=extra) + STAY)
    with pytest.raises(InputError) as err:
        load_fleet(path)
    message = str(err.value)
    assert message.startswith("badfleet.toml: ")
    assert fragment in message
    with pytest.raises(InputError):
        load_vehicles(path)


def test_vehicle_without_source_or_twice_is_refused(tmp_path):
    path = write(tmp_path, "badfleet.toml",
                 '[[vehicle]]\nname = "Soyuz MS-99"\nlaunch = 2030-01-01T00:00:00Z\n')
    with pytest.raises(InputError, match=r"badfleet\.toml: vehicle\[0\] \(Soyuz MS-99\): "
                                         r"missing key 'source'"):
        load_vehicles(path)
    twice = VEHICLE.format(launch="2030-01-01T00:00:00Z", extra="") * 2
    path = write(tmp_path, "twice.toml", twice)
    with pytest.raises(InputError, match=r"twice\.toml: vehicle\[1\]\.name: .* already listed"):
        load_vehicles(path)


def test_unknown_top_level_table_in_fleet_is_refused(tmp_path):
    path = write(tmp_path, "badfleet.toml", STAY + '[[vehicles]]\nname = "x"\n')
    with pytest.raises(InputError, match=r"badfleet\.toml: vehicles: unknown key"):
        load_fleet(path)


PERIOD = ('[[period]]\nstart = {start}\nend = {end}\nmean_altitude_km = {alt}\n'
          'inclination_deg = {inc}\nsource = "test"\n{extra}')


def period(start="2010-01-01T00:00:00Z", end="2011-01-01T00:00:00Z", alt="350.0",
           inc="51.64", extra="") -> str:
    return PERIOD.format(start=start, end=end, alt=alt, inc=inc, extra=extra)


def test_valid_orbit_history_reads(tmp_path):
    path = write(tmp_path, "orbit.toml",
                 period() + period(start="2011-01-01T00:00:00Z", end="2012-01-01T00:00:00Z",
                                   alt="390", extra='uncertain = true\nnote = "n"\n'))
    first, second = load_orbit_history(path)
    assert first.mean_altitude_km == 350.0 and first.inclination_deg == 51.64
    assert second.uncertain and second.note == "n"
    assert second.contains(dt.datetime(2011, 6, 1)) and not second.contains(utc(2012, 1, 1))


@pytest.mark.parametrize(
    "text, fragment",
    [
        (period() + period(start="2011-02-01T00:00:00Z", end="2012-01-01T00:00:00Z"),
         "period[1].start: periods must be contiguous"),
        (period() + period(start="2010-06-01T00:00:00Z", end="2012-01-01T00:00:00Z"),
         "period[1].start: periods must be not overlapping"),
        (period(start="2011-01-01T00:00:00Z", end="2012-01-01T00:00:00Z") + period(),
         "period[1].start: periods must be in time order"),
        (period(end="2009-01-01T00:00:00Z"), "period[0].end: expected a time after start"),
        (period(alt="120.0"), "period[0].mean_altitude_km: expected a number of km in 150..1000"),
        (period(alt='"400 km"'), "period[0].mean_altitude_km: expected a number of km"),
        (period(inc="190.0"), "period[0].inclination_deg: expected a number of deg in 0..180"),
        (period(extra="altitude = 400.0\n"), "period[0].altitude: unknown key"),
        (period().replace('source = "test"\n', ""), "period[0]: missing key 'source'"),
        (period().replace('source = "test"', 'source = "  "'),
         "period[0].source: expected a non-empty string"),
        (period().replace("mean_altitude_km = 350.0\n", ""),
         "period[0]: missing key 'mean_altitude_km'"),
        ('title = "x"\n' + period(), "title: unknown key"),
        ("", "missing [[period]] tables"),
    ],
)
def test_bad_orbit_histories_are_refused(tmp_path, text, fragment):
    path = write(tmp_path, "badorbit.toml", text)
    with pytest.raises(InputError) as err:
        load_orbit_history(path)
    message = str(err.value)
    assert message.startswith("badorbit.toml: ")
    assert fragment in message


def test_unreadable_orbit_history_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read orbit history"):
        load_orbit_history(tmp_path / "missing.toml")
    path = write(tmp_path, "broken.toml", "[[period]\n")
    with pytest.raises(InputError, match=r"broken\.toml: not valid TOML"):
        load_orbit_history(path)
