"""The module catalogue, the fleet manifest, their reader and ``impactrisk modules``.

Published facts pinned here (so an edit of the catalogue that loses them fails):
russianspaceweb.com/soyuz_pao.html (main radiator 8 m2 on the propulsion compartment),
TASS 2022-12-19 (Soyuz MS-22 hole about 0.8 mm), the event and docking times of
events.md section 1 (nasaspaceflight.com, Wikipedia, russianspaceweb.com).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from impactrisk.errors import InputError
from impactrisk.io.modules import (
    KNOWN_PORTS,
    ModuleSpec,
    Param,
    list_modules,
    load_fleet,
    load_module,
    stays_for,
)

#: Relative tolerance for values that pass through a unit conversion or a derivation.
CONVERSION_RTOL = 1e-12
#: Tolerance on durations compared in days (one second).
ONE_SECOND_DAYS = 1.0 / 86400.0

UTC = dt.timezone.utc
SHIPPED = ("nauka-rtod", "progress-ms-21", "progress-ms-22", "soyuz-ms-22")
CATALOGUE = Path(__file__).resolve().parent.parent / "impactrisk" / "catalogue"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def soyuz_text() -> str:
    """The shipped Soyuz MS-22 module file, as a template for malformed variants."""
    from importlib.resources import files

    return files("impactrisk.catalogue").joinpath("soyuz-ms-22.toml").read_text(encoding="utf-8")


@pytest.fixture
def write_module(tmp_path):
    """Write a module file named ``bad.toml`` and return its path."""

    def write(text: str, name: str = "bad.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli():
    """A test app holding only the ``modules`` sub-app, as the root command mounts it."""
    from impactrisk.cli import modules

    root = typer.Typer()
    root.add_typer(modules.app, name="modules")
    runner = CliRunner()
    return lambda *args: runner.invoke(root, ["modules", *args])


WALL_BLOCK = 'value = 1.0\nunit = "mm"'


# --- the shipped catalogue -------------------------------------------------------------


def test_every_shipped_module_loads_and_is_fully_marked():
    assert tuple(list_modules()) == SHIPPED
    for name in SHIPPED:
        spec = load_module(name)
        assert isinstance(spec, ModuleSpec) and spec.name == name
        assert spec.exposure and spec.surfaces and spec.shields
        for path, param in spec.parameters():
            # Every number shipped has a source or a stated reasoning.
            assert param.source or param.assumption, (name, path)
            assert not (param.assumption or "").startswith("no source or reasoning"), (name, path)
        for stay in spec.exposure:
            assert stay.source


def test_published_facts_are_kept():
    soyuz = load_module("soyuz-ms-22")
    band = soyuz.surfaces[0]
    assert band["params"]["area"].value == 8.0 and band["params"]["area"].source  # russianspaceweb
    assert band["params"]["area"].unit == "m2"
    assert soyuz.event.observed_hole_mm.value == 0.8  # TASS 2022-12-19
    assert soyuz.event.time == utc(2022, 12, 15, 0, 45)  # nasaspaceflight.com
    assert soyuz.exposure[0].port == "rassvet-nadir"
    assert soyuz.exposure[0].start == utc(2022, 9, 21, 17, 6, 34)
    assert soyuz.exposure[0].end == utc(2023, 3, 28, 9, 57, 27)
    ms21 = load_module("progress-ms-21")
    assert ms21.exposure[0].port == "poisk-zenith"
    assert ms21.exposure[0].start == utc(2022, 10, 28, 2, 48, 54)
    assert ms21.exposure[0].end == utc(2023, 2, 18, 2, 26)
    ms22 = load_module("progress-ms-22")
    assert ms22.exposure[0].port == "zvezda-aft" and ms22.exposure[0].start == utc(2023, 2, 11, 8, 45)
    assert ms22.event is None
    rtod = load_module("nauka-rtod")
    assert rtod.event.time == utc(2023, 10, 9, 17, 0)
    # Rassvet reached Zarya nadir on 18 May 2010 at 12:20 UTC (NASA STS-132 report 09).
    assert rtod.exposure[0].start == utc(2010, 5, 18, 12, 20)


def test_band_length_follows_from_area_and_diameter():
    band = load_module("soyuz-ms-22").surfaces[0]
    expected = 8.0 / (math.pi * 2.72)  # A = pi * D * L for a full band
    assert band["length_m"] == pytest.approx(expected, rel=CONVERSION_RTOL)
    assert band["radius_m"] == pytest.approx(1.36, rel=CONVERSION_RTOL)
    assert band["type"] == "radiator-band" and band["axis"] == (1.0, 0.0, 0.0)


def test_canonical_units_in_shield_keys():
    shield = load_module("soyuz-ms-22").shields["radiator"]
    assert shield["type"] == "radiator"
    assert shield["wall_mm"] == Param(shield["wall_mm"].value, "mm", shield["wall_mm"].assumption)
    for key in ("wall_mm", "facesheet_mm", "gap_mm", "channel_diameter_mm"):
        assert shield[key].unit == "mm"
    assert shield["channel_fraction"].unit is None and 0 < shield["channel_fraction"].value <= 1
    assert shield["material"].value == "AMg6"


def test_the_pao_radiators_share_one_construction():
    """Soyuz and both Progress files carry the same radiator assumptions."""
    shields = [load_module(n).shields["radiator"] for n in ("soyuz-ms-22", "progress-ms-21",
                                                             "progress-ms-22")]
    for other in shields[1:]:
        assert dict(other) == dict(shields[0])


def test_default_window_ends_at_the_event():
    soyuz = load_module("soyuz-ms-22")
    start, end = soyuz.default_window()
    assert (start, end) == (utc(2022, 9, 21, 17, 6, 34), utc(2022, 12, 15, 0, 45))
    clipped = soyuz.default_exposure()
    assert clipped[-1].end == end
    expected_days = (end - start).total_seconds() / 86400.0
    assert sum(s.duration_days for s in clipped) == pytest.approx(expected_days, abs=ONE_SECOND_DAYS)
    # Without an event the window is the whole exposure.
    ms22 = load_module("progress-ms-22")
    assert ms22.default_window() == (ms22.exposure[0].start, ms22.exposure[-1].end)


def test_rtod_open_stay_is_cut_at_the_leak():
    rtod = load_module("nauka-rtod")
    assert rtod.exposure[-1].end is None and rtod.exposure[-1].configuration == "deployed"
    assert rtod.default_exposure()[-1].end == utc(2023, 10, 9, 17, 0)


# --- include_optional -----------------------------------------------------------------


def test_include_optional_switches_the_rtod_stowed_years():
    with_stowed = load_module("nauka-rtod")
    without = load_module("nauka-rtod", include_optional=False)
    stowed = [s for s in with_stowed.exposure if s.optional]
    assert len(stowed) == 1 and stowed[0].port == "rassvet-exterior"
    assert stowed[0].configuration == "stowed"
    assert not any(s.optional for s in without.exposure)
    assert len(with_stowed.exposure) == len(without.exposure) + 1
    assert with_stowed.default_window()[0] == utc(2010, 5, 18, 12, 20)
    assert without.default_window()[0] == utc(2023, 4, 19, 9, 35)
    days = lambda spec: sum(s.duration_days for s in spec.default_exposure())  # noqa: E731
    assert days(with_stowed) - days(without) == pytest.approx(stowed[0].duration_days,
                                                              abs=ONE_SECOND_DAYS)
    # The stowed period is listed among the assumptions only when it is included.
    assert any(k == "exposure.rassvet-exterior" for k, _, _ in with_stowed.assumptions())
    assert not any(k.startswith("exposure.") for k, _, _ in without.assumptions())


# --- names and files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["soyuz-ms-22", "Soyuz MS-22", "SOYUZ_MS_22", " soyuz-ms-22.toml"])
def test_names_are_case_and_punctuation_insensitive(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no file of that name here: the catalogue is used
    assert load_module(name).name == "soyuz-ms-22"


def test_unknown_module_suggests_close_names():
    with pytest.raises(InputError) as err:
        load_module("soyuz-ms-2")
    assert "did you mean soyuz-ms-22" in str(err.value)
    assert "nauka-rtod" in str(err.value)  # the known list


def test_missing_user_file_is_named(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_module(str(tmp_path / "nowhere.toml"))


def test_user_file_with_bare_values_marks_them_as_assumptions(soyuz_text, write_module):
    start = soyuz_text.index("[shield.radiator.wall]")
    end = soyuz_text.index("[shield.radiator.facesheet]")
    text = soyuz_text[:start] + soyuz_text[end:]
    text = text.replace('type = "radiator"\n', 'type = "radiator"\nwall = "1.2 mm"\n', 1)
    spec = load_module(str(write_module(text, "mine.toml")))
    wall = spec.shields["radiator"]["wall_mm"]
    assert wall.value == pytest.approx(1.2, rel=CONVERSION_RTOL)
    assert wall.assumption == "no source or reasoning given in mine.toml"
    assert ("shield.radiator.wall", "1.2 mm", wall.assumption) in spec.assumptions()
    assert spec.source_file == "mine.toml"


def test_user_file_stays_replace_the_fleet(soyuz_text, write_module):
    text = soyuz_text + (
        '\n[[stay]]\nvehicle = "Soyuz MS-22"\nport = "zvezda-aft"\n'
        'start = 2022-10-01T00:00:00Z\nend = 2023-01-01T00:00:00Z\nsource = "test"\n'
    )
    spec = load_module(str(write_module(text)))
    assert [s.port for s in spec.exposure] == ["zvezda-aft"]


# --- schema errors name file, key and expectation ---------------------------------------


@pytest.mark.parametrize(
    "replacement, fragments",
    [
        ('value = "abc"\nunit = "mm"',
         ['bad.toml: shield.radiator.wall: expected a length with unit (mm, cm, m), got "abc"']),
        ('value = -1.0\nunit = "mm"',
         ["bad.toml: shield.radiator.wall: expected a positive value", "got -1 mm"]),
        ("value = 1.0",
         ["bad.toml: shield.radiator.wall: expected a length with unit (mm, cm, m)",
          "without a unit"]),
        ('value = 1.0\nunit = "furlong"',
         ["bad.toml: shield.radiator.wall: expected a length with unit", 'got unit "furlong"']),
        ('value = 1.0\nunit = "mm"\nsauce = "x"',
         ["bad.toml: shield.radiator.wall.sauce: unknown key (did you mean 'source'?)",
          "allowed keys: value, unit, source, assumption"]),
    ],
)
def test_bad_wall_is_reported_with_file_key_and_expectation(soyuz_text, write_module,
                                                            replacement, fragments):
    assert WALL_BLOCK in soyuz_text
    path = write_module(soyuz_text.replace(WALL_BLOCK, replacement, 1))
    with pytest.raises(InputError) as err:
        load_module(str(path))
    for fragment in fragments:
        assert fragment in str(err.value)


@pytest.mark.parametrize(
    "old, new, fragments",
    [
        ("[shield.radiator.wall]", "[shield.radiator.wal]",
         ["bad.toml: shield.radiator.wal: unknown key (did you mean 'wall'?)", "allowed keys:",
          "channel_fraction"]),
        ('type = "radiator-band"', 'type = "radiator-band"\ncolour = "white"',
         ["bad.toml: surface.radiator.colour: unknown key", "allowed keys:"]),
        ('[module]\n', '[module]\nnotes = "x"\n', ["bad.toml: module.notes: unknown key"]),
        ('value = 0.15\n', 'value = 1.5\n',
         ["bad.toml: shield.radiator.channel_fraction: expected a fraction (0 < x <= 1)"]),
        ('value = "AMg6"', 'value = "AMg7"',
         ["bad.toml: shield.radiator.material: unknown material 'AMg7'", "AMg6"]),
        ('value = "axial"', 'value = "sideways"',
         ['bad.toml: shield.radiator.channel_axis: expected axial or circumferential', '"sideways"']),
        ('shield = "radiator"', 'shield = "radiatr"',
         ["bad.toml: surface.radiator.shield: expected the name of a [shield.NAME] table"]),
        ('time = 2022-12-15T00:45:00Z', 'time = "yesterday"',
         ["bad.toml: module.event.time: expected a date-time"]),
        ('time = 2022-12-15T00:45:00Z', 'time = 2024-12-15T00:45:00Z',
         ["bad.toml: module.event.time: expected a time within the exposure"]),
        ('[surface.diameter]', '[surface.length]\nvalue = 1.0\nunit = "m"\nsource = "x"\n\n[surface.diameter]',
         ["bad.toml: surface.radiator: expected exactly one of 'length' and 'area', got 2"]),
        ('vehicle = "Soyuz MS-22"', 'vehicle = "Soyuz MS-99"',
         ["bad.toml: no stays for vehicle 'Soyuz MS-99' in fleet.toml"]),
        ('[[surface]]', '[[surface]]\n[[[', ["bad.toml: not valid TOML"]),
    ],
)
def test_schema_errors(soyuz_text, write_module, old, new, fragments):
    assert old in soyuz_text
    with pytest.raises(InputError) as err:
        load_module(str(write_module(soyuz_text.replace(old, new, 1))))
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_missing_required_key_is_named(soyuz_text, write_module):
    start = soyuz_text.index("[shield.radiator.gap]")
    end = soyuz_text.index("[shield.radiator.channel_fraction]")
    with pytest.raises(InputError, match=r"bad\.toml: shield\.radiator: missing key 'gap'"):
        load_module(str(write_module(soyuz_text[:start] + soyuz_text[end:])))


# --- overrides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "override, key, value",
    [
        ("radiator.wall=1.5mm", "wall_mm", 1.5),
        ("radiator.wall=0.15 cm", "wall_mm", 1.5),
        ("radiator.wall_mm=2", "wall_mm", 2.0),  # canonical key implies the unit
        ("radiator.facesheet=0", "facesheet_mm", 0.0),  # zero needs no unit
        ("radiator.facesheet=0.5mm", "facesheet_mm", 0.5),
        ("shield.radiator.channel_fraction=0.3", "channel_fraction", 0.3),
        ("radiator.channel_axis=circumferential", "channel_axis", "circumferential"),
        ("radiator.material=al6061-t6", "material", "Al 6061-T6"),
    ],
)
def test_shield_overrides_change_values_and_are_recorded(override, key, value):
    base = load_module("soyuz-ms-22").shields["radiator"][key]
    spec = load_module("soyuz-ms-22", overrides=[override])
    param = spec.shields["radiator"][key]
    assert param.value == (pytest.approx(value, rel=CONVERSION_RTOL)
                           if isinstance(value, float) else value)
    assert param.assumption == f"overridden by the user (was {base.display()})"
    assert param.source is None
    assert len(spec.overrides) == 1 and spec.overrides[0].startswith("shield.radiator.")
    assert any(path.startswith("shield.radiator.") and reason == param.assumption
               for path, _, reason in spec.assumptions())


def test_clocking_and_surface_overrides():
    spec = load_module("soyuz-ms-22", overrides=["clocking=90deg", "radiator.diameter=2.2m"])
    assert spec.clocking_deg.value == 90.0 and spec.clocking_deg.unit == "deg"
    assert spec.clocking_deg.assumption == "overridden by the user (was 0 deg)"
    band = spec.surfaces[0]
    assert band["radius_m"] == pytest.approx(1.1, rel=CONVERSION_RTOL)
    assert band["length_m"] == pytest.approx(8.0 / (math.pi * 2.2), rel=CONVERSION_RTOL)
    assert spec.overrides == ("clocking=90 deg", "surface.radiator.diameter=2.2 m")
    radians = load_module("soyuz-ms-22", overrides=["clocking=0.5rad"])
    assert radians.clocking_deg.value == pytest.approx(math.degrees(0.5), rel=CONVERSION_RTOL)


def test_band_length_override_replaces_the_area_definition():
    band = load_module("soyuz-ms-22", overrides=["radiator.length=1m"]).surfaces[0]
    assert band["length_m"] == 1.0
    assert band["area_m2"] == pytest.approx(math.pi * 2.72 * 1.0, rel=CONVERSION_RTOL)


def test_rtod_overrides():
    spec = load_module("nauka-rtod", overrides=["rtod.area=5m2", "radiator.channel_axis=[0,0,1]"])
    assert spec.surfaces[0]["area_m2"] == 5.0
    assert spec.shields["radiator"]["channel_axis"].value == (0.0, 0.0, 1.0)
    with pytest.raises(InputError, match="perpendicular"):
        load_module("nauka-rtod", overrides=["radiator.channel_axis=[0,1,0]"])


@pytest.mark.parametrize(
    "override, fragments",
    [
        ("radiator.wall=abc", ['override radiator.wall: expected a length with unit', '"abc"']),
        ("radiator.wall=2", ["override radiator.wall", "without a unit"]),
        ("radiator.wall=-1mm", ["override radiator.wall: expected a positive value"]),
        ("radiator.channel_fraction=3", ["override radiator.channel_fraction: expected a fraction"]),
        ("radiator.wal=1mm", ["override radiator.wal: unknown parameter", "radiator.wall",
                              "clocking"]),
        ("hull.wall=1mm", ["override hull.wall: unknown parameter (allowed:"]),
        ("clocking=90", ["override clocking: expected an angle with unit (deg, rad)"]),
        ("wall 1mm", ["expected PATH=VALUE", "allowed paths: clocking, radiator.material"]),
        ("radiator.channel_axis=[0,1,0]", ["override shield.radiator.channel_axis",
                                            "axial or circumferential"]),
    ],
)
def test_bad_overrides_name_themselves_and_the_allowed_keys(override, fragments):
    with pytest.raises(InputError) as err:
        load_module("soyuz-ms-22", overrides=[override])
    for fragment in fragments:
        assert fragment in str(err.value), str(err.value)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=1e-3, max_value=50.0), st.sampled_from([("mm", 1.0), ("cm", 10.0),
                                                                     ("m", 1000.0)]))
def test_wall_override_converts_any_unit_to_mm(value, unit):
    name, factor = unit
    spec = load_module("soyuz-ms-22", overrides=[f"radiator.wall={value!r}{name}"])
    assert spec.shields["radiator"]["wall_mm"].value == pytest.approx(value * factor, rel=1e-11)


# --- provenance hash -----------------------------------------------------------------------


def test_content_hash_is_stable_and_changes_with_overrides():
    first = load_module("soyuz-ms-22").content_hash()
    assert load_module("Soyuz MS-22").content_hash() == first
    assert len(first) == 64 and int(first, 16) >= 0
    assert load_module("soyuz-ms-22", overrides=["radiator.wall=1.5mm"]).content_hash() != first
    # An override that restates the value still changes the hash: the provenance changed.
    assert load_module("soyuz-ms-22", overrides=["radiator.wall=1mm"]).content_hash() != first
    assert (load_module("nauka-rtod").content_hash()
            != load_module("nauka-rtod", include_optional=False).content_hash())


def test_content_hash_ignores_the_folder(tmp_path, soyuz_text):
    a = tmp_path / "a" / "soyuz-ms-22.toml"
    b = tmp_path / "b" / "soyuz-ms-22.toml"
    for path in (a, b):
        path.parent.mkdir()
        path.write_text(soyuz_text, encoding="utf-8")
    assert load_module(str(a)).content_hash() == load_module(str(b)).content_hash()
    assert load_module(str(a)).content_hash() == load_module("soyuz-ms-22").content_hash()


def test_to_dict_is_plain_json():
    data = json.loads(json.dumps(load_module("nauka-rtod").to_dict()))
    assert data["exposure"][0]["start"] == "2010-05-18T12:20:00Z"
    assert data["surfaces"][0]["two_sided"] is True
    assert data["shields"]["radiator"]["wall_mm"]["unit"] == "mm"


# --- fleet manifest ------------------------------------------------------------------------


def test_fleet_rows_are_sorted_and_do_not_overlap():
    fleet = load_fleet()
    assert len(fleet) >= 14
    vehicles = {s.vehicle for s in fleet}
    for vehicle in vehicles:
        rows = [s for s in fleet if s.vehicle == vehicle]
        for a, b in zip(rows, rows[1:]):
            assert a.start < b.start and a.end is not None and a.end <= b.start, vehicle
    for port in {s.port for s in fleet}:
        rows = sorted((s for s in fleet if s.port == port), key=lambda s: s.start)
        for a, b in zip(rows, rows[1:]):
            assert a.end is not None and a.end <= b.start, (port, a.vehicle, b.vehicle)
    for stay in fleet:
        assert stay.port in KNOWN_PORTS and stay.source
        assert stay.start.tzinfo is not None
        assert stay.end is None or stay.end > stay.start


def test_fleet_lookup_by_vehicle():
    rows = stays_for("soyuz ms-23")
    assert [s.port for s in rows] == ["poisk-zenith", "prichal-nadir"]  # relocated 2023-04-06
    assert rows[0].end < rows[1].start


FLEET_ROW = ('[[stay]]\nvehicle = "{v}"\nport = "{p}"\nstart = {s}\nend = {e}\n'
             'source = "test"\n')


@pytest.mark.parametrize(
    "rows, fragment",
    [
        ([("A", "zvezda-aft", "2023-03-01T00:00:00Z", "2023-04-01T00:00:00Z"),
          ("A", "poisk-zenith", "2023-01-01T00:00:00Z", "2023-02-01T00:00:00Z")],
         "rows of a vehicle must be in time order"),
        ([("A", "zvezda-aft", "2023-01-01T00:00:00Z", "2023-03-01T00:00:00Z"),
          ("A", "poisk-zenith", "2023-02-01T00:00:00Z", "2023-04-01T00:00:00Z")],
         "overlaps row 0"),
        ([("A", "zvezda-aft", "2023-01-01T00:00:00Z", "2023-03-01T00:00:00Z"),
          ("B", "zvezda-aft", "2023-02-01T00:00:00Z", "2023-04-01T00:00:00Z")],
         "port zvezda-aft is occupied by A"),
        ([("A", "zvezda-aftt", "2023-01-01T00:00:00Z", "2023-03-01T00:00:00Z")],
         "did you mean zvezda-aft?"),
        ([("A", "zvezda-aft", "2023-03-01T00:00:00Z", "2023-01-01T00:00:00Z")],
         "expected a time after start"),
    ],
)
def test_bad_fleet_files_are_refused(tmp_path, rows, fragment):
    path = tmp_path / "fleet.toml"
    path.write_text("\n".join(FLEET_ROW.format(v=v, p=p, s=s, e=e) for v, p, s, e in rows))
    with pytest.raises(InputError) as err:
        load_fleet(path)
    assert str(err.value).startswith("fleet.toml: stay[")
    assert fragment in str(err.value)


def test_port_alias_is_canonicalised(tmp_path):
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET_ROW.format(v="A", p="mrm1-nadir", s="2023-01-01T00:00:00Z",
                                     e="2023-02-01T00:00:00Z"))
    assert load_fleet(path)[0].port == "rassvet-nadir"


# --- command line ------------------------------------------------------------------------------


def test_cli_list(cli):
    result = cli("list")
    assert result.exit_code == 0, result.output
    for name in SHIPPED:
        assert name in result.stdout
    line = next(l for l in result.stdout.splitlines() if l.startswith("soyuz-ms-22"))
    assert "rassvet-nadir" in line and "2022-09-21 .. 2022-12-15" in line
    assert str(len(load_module("soyuz-ms-22").assumptions())) in line.split()
    data = json.loads(cli("list", "--json").stdout)
    assert [d["name"] for d in data] == list(SHIPPED)
    assert data[0]["default_window"]["start"] == "2010-05-18T12:20:00Z"


def test_cli_show_text_marks_assumptions_and_sources(cli):
    result = cli("show", "Soyuz MS-22", "--set", "radiator.wall=1.5mm")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "ASSUMPTION: overridden by the user (was 1 mm)" in out
    assert "source: russianspaceweb.com/soyuz_pao.html" in out
    assert "rassvet-nadir" in out and "coolant leak first seen 2022-12-15 00:45:00 UTC" in out
    assert "overrides   shield.radiator.wall=1.5 mm" in out
    assert "observed hole" in out and "0.8 mm" in out


def test_cli_show_json_and_optional_switch(cli):
    data = json.loads(cli("show", "nauka-rtod", "--json").stdout)
    assert data["default_window"] == {"start": "2010-05-18T12:20:00Z", "end": "2023-10-09T17:00:00Z"}
    assert data["content_hash"] == load_module("nauka-rtod").content_hash()
    assert {a["key"] for a in data["assumptions"]} >= {"shield.radiator.wall", "clocking",
                                                       "exposure.rassvet-exterior"}
    data = json.loads(cli("show", "nauka-rtod", "--no-optional", "--json",
                          "--set", "clocking=45deg").stdout)
    assert data["include_optional"] is False and data["overrides"] == ["clocking=45 deg"]
    assert data["default_window"]["start"] == "2023-04-19T09:35:00Z"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("show", "soyuz-ms-2"), "did you mean soyuz-ms-22"),
        (("show", "soyuz-ms-22", "--set", "radiator.wall=abc"), "override radiator.wall"),
    ],
)
def test_cli_errors_are_one_line(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_flat_radiator_needs_its_area(write_module):
    from importlib.resources import files

    text = files("impactrisk.catalogue").joinpath("nauka-rtod.toml").read_text(encoding="utf-8")
    start, end = text.index("[surface.area]"), text.index("# --- ballistic limit")
    with pytest.raises(InputError, match=r"bad\.toml: surface\.rtod: missing key 'area' "
                                         r"\(a radiator-flat needs normal, area\)"):
        load_module(str(write_module(text[:start] + text[end:])))


def test_port_names_match_the_geometry_ports():
    geometry = pytest.importorskip("impactrisk.geometry")
    from impactrisk.io.modules import PORT_ALIASES

    assert set(KNOWN_PORTS) | set(PORT_ALIASES) == set(geometry.PORTS)


def test_a_user_module_applied_to_its_own_vehicle_is_no_template(soyuz_text, write_module):
    # A user file whose module name is not in normal form, loaded for the vehicle it
    # already describes: the module itself, not a copy made from a template.
    text = soyuz_text.replace('name = "soyuz-ms-22"', 'name = "My Radiator"', 1)
    spec = load_module(write_module(text, "mine.toml"), vehicle="Soyuz MS-22")
    assert spec.template == "" and spec.name == "My Radiator"
    copied = load_module(write_module(text, "mine.toml"), vehicle="Soyuz MS-05")
    assert copied.template == "My Radiator" and copied.name == "soyuz-ms-05"
