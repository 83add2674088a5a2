"""Risk of a module over a window: invariants of the assessment, the bundled Soyuz
MS-22 case, and the command's handling of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from impactrisk.api import assess

#: Short windows keep the tests fast; the day contains the Geminid peak of 2022.
DAY = ("2022-12-14", "2022-12-15")
#: N is a sum of per-bundle products, linear in area and exposure up to rounding.
LINEAR = 1e-9


@pytest.fixture(scope="module")
def base():
    return assess("soyuz-ms-22", *DAY)


def test_result_is_complete(base):
    assert base.n_expected > 0
    assert 0.0 < base.pnp <= 1.0
    assert base.pnp == pytest.approx(np.exp(-base.n_expected))
    assert set(base.n_by_group) == {"meteoroid", "shower", "debris"}
    assert sum(base.n_by_group.values()) == pytest.approx(base.n_expected, rel=1e-12)
    assert sum(np.sum(v) for v in base.daily["n_by_group"].values()) == pytest.approx(base.n_expected, rel=1e-12)
    channels = [s for s in base.surfaces if s["role"] == "vulnerable"]
    assert sum(s["n"] for s in channels) == pytest.approx(base.n_expected, rel=1e-9)
    assert any(s["role"] == "reported" for s in base.surfaces)
    assert base.assumptions and base.module_hash and base.version
    assert any("Shadowing" in note for note in base.notes)
    assert base.orbit["staleness"]["max_age_days"] < 1.0  # a set 1 h before the leak
    data = json.loads(base.to_json())
    assert data["pnp"] == pytest.approx(base.pnp)


def test_penetrator_speeds_separate_the_sources(base):
    speeds = base.penetrators["mean_speed_km_s"]
    # Debris crosses at up to 2 v0 (15.3 km/s); meteoroids arrive faster (physics §3).
    assert speeds["debris"] < 15.4 < speeds["meteoroid"]
    assert speeds["shower"] > 30.0  # Geminids: V = 35 km/s plus the station's motion


def test_linear_in_vulnerable_area(base):
    double = assess("soyuz-ms-22", *DAY, overrides=("radiator.channel_fraction=0.3",))
    assert double.n_expected == pytest.approx(2.0 * base.n_expected, rel=LINEAR)


def test_linear_in_exposure_for_a_constant_orbit():
    one = assess("soyuz-ms-22", "2022-11-01", "2022-11-02", orbit="circular:415:51.64:0:2022-11-01")
    two = assess("soyuz-ms-22", "2022-11-01", "2022-11-03", orbit="circular:415:51.64:0:2022-11-01")
    # Outside shower activity the environment of a circular orbit is the same every day.
    assert two.n_by_group["debris"] == pytest.approx(2.0 * one.n_by_group["debris"], rel=0.01)
    assert two.n_by_group["meteoroid"] == pytest.approx(2.0 * one.n_by_group["meteoroid"], rel=0.01)


def test_thicker_wall_never_raises_n(base):
    previous = np.inf
    for wall in ("0.5mm", "1mm", "2mm"):
        n = assess("soyuz-ms-22", *DAY, overrides=(f"radiator.wall={wall}",)).n_expected
        assert n <= previous
        previous = n


def test_hole_bracket(base):
    bracket = assess("soyuz-ms-22", *DAY, criterion="hole>=0.8mm").hole_bracket
    assert bracket["hole_equals_particle"] < bracket["every_perforation"]
    assert bracket["every_perforation"] == pytest.approx(base.n_expected, rel=1e-12)


def test_not_present_gives_zero():
    result = assess("soyuz-ms-22", "2022-09-01", "2022-09-10")  # launched 21 Sep 2022
    assert result.n_expected == 0.0 and result.exposure == []


runner = CliRunner()


def cli(*args):
    from impactrisk.cli import app

    return runner.invoke(app, list(args))


@pytest.mark.parametrize("args, fragment", [
    (("risk", "soyuz-ms22"), "soyuz-ms-22"),  # close-name suggestion
    (("risk", "soyuz-ms-22", "--start", "2022-12-15", "--end", "2022-12-14"), "not after start"),
    (("risk", "soyuz-ms-22", "--start", "2024-03-01", "--end", "2024-03-02"), "not present"),
    (("risk", "soyuz-ms-22", "--set", "radiator.wall=-1mm"), "radiator"),
    (("risk", "soyuz-ms-22", "--criterion", "melt"), "criterion"),
])
def test_cli_bad_input(args, fragment):
    result = cli(*args)
    if fragment == "not present":
        # A window after the vehicle left: nothing to assess, stated plainly.
        assert result.exit_code == 0 and "not present" in result.stdout
        return
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.output


def test_cli_text_report():
    result = cli("risk", "soyuz-ms-22", "--start", DAY[0], "--end", DAY[1])
    assert result.exit_code == 0, result.output
    for fragment in ("expected failures N", "PNP", "meteoroid", "debris", "radiator/channels",
                     "assumptions", "Shadowing", "stalest"):
        assert fragment in result.stdout


def test_uncertainty_band_brackets_the_result():
    result = assess("soyuz-ms-22", *DAY, band=True)
    band = result.band
    assert set(band["debris_by_model"]) == {"kessler-1991", "ordem2000-handbook"}
    assert band["debris_by_model"]["kessler-1991"] == pytest.approx(result.n_by_group["debris"])
    assert band["low"] < result.n_expected < band["high"]
    assert "no published factor" in band["note"]


def test_sensitivity_and_inverse(base):
    from impactrisk.api import sensitivity

    table = sensitivity("soyuz-ms-22", *DAY, parameter="radiator.channel_fraction",
                        values=("0.1", "0.3"), target_n=2.0 * base.n_expected)
    n = [row["n"] for row in table["rows"]]
    # N is proportional to the channel fraction (test_linear_in_vulnerable_area): the
    # target 2 N(0.15) = N(0.30) coincides with the upper row, so the inverse is 0.30.
    assert n[1] == pytest.approx(3.0 * n[0], rel=LINEAR)
    assert table["value_for_target"] == pytest.approx(0.3, rel=1e-6)
    walls = sensitivity("soyuz-ms-22", *DAY, parameter="radiator.wall", values=("0.5mm", "2mm"))
    assert walls["rows"][0]["n"] > walls["rows"][1]["n"]


PANELS_TOML = """
[module]
name = "two-panels"
vehicle = "Soyuz MS-22"
description = "two flat panels facing +y and -y of the vehicle frame (horizontal at a nadir port)"

[[surface]]
name = "plus-y"
type = "flat"
shield = "wall"
role = "vulnerable"
normal = { value = [0, 1, 0], source = "test" }
area = { value = 1.0, unit = "m2", source = "test" }

[[surface]]
name = "minus-y"
type = "flat"
shield = "wall"
role = "vulnerable"
normal = { value = [0, -1, 0], source = "test" }
area = { value = 1.0, unit = "m2", source = "test" }

[shield.wall]
type = "single-wall"
material = { value = "AMg6", source = "test" }
wall = { value = 1.0, unit = "mm", source = "test" }

[clocking]
value = CLOCKING
unit = "deg"
source = "test"
"""


def test_rotating_the_vehicle_180_deg_about_its_nadir_axis_swaps_ram_and_wake(tmp_path):
    # At Rassvet nadir with clocking 0 the vehicle's +y points forward (ram); turned by
    # 180 deg about the docking (nadir) axis it points aft. The whole chain (orbit,
    # environment, patterns, ballistic limit) must then give the +y panel what the -y
    # panel had, and the reverse, source by source.
    results = {}
    for clocking in (0, 180):
        path = tmp_path / f"two-panels-{clocking}.toml"
        path.write_text(PANELS_TOML.replace("CLOCKING", str(clocking)))
        results[clocking] = assess(str(path), *DAY, step="300s")
    before, after = results[0], results[180]
    for name, info in before.n_by_source.items():
        b, a = info["n_by_surface"], after.n_by_source[name]["n_by_surface"]
        assert a["plus-y"] == pytest.approx(b["minus-y"], rel=1e-9, abs=1e-18), name
        assert a["minus-y"] == pytest.approx(b["plus-y"], rel=1e-9, abs=1e-18), name
    ram = before.n_by_source["sporadic meteoroids"]["n_by_surface"]
    assert ram["plus-y"] > 2.0 * ram["minus-y"]  # ram sees far more meteoroids than wake (§2.5)


def test_sensitivity_reads_a_flux_table_once_and_uses_it(monkeypatch):
    # The sweep reads the table once (not once per value) and every row is the same
    # assessment as a direct call with that table.
    from impactrisk.api import assess, sensitivity
    from impactrisk.io import flux_tables

    table = Path(__file__).parent / "data" / "master" / "synthetic_master2009_flux.txt"
    reads = []
    real = flux_tables.read_any_flux_table
    monkeypatch.setattr(flux_tables, "read_any_flux_table", lambda path: reads.append(path) or real(path))
    values = ("0.5mm", "2mm")
    swept = sensitivity("soyuz-ms-22", *DAY, parameter="radiator.wall", values=values, flux_table=table,
                        meteoroid_speeds="ssp30425")
    assert len(reads) == 1
    for row, value in zip(swept["rows"], values):
        direct = assess("soyuz-ms-22", *DAY, overrides=(f"radiator.wall={value}",), flux_table=table)
        assert row["n"] == pytest.approx(direct.n_expected, rel=1e-12)


def test_sensitivity_reads_a_speed_table_once(monkeypatch):
    from impactrisk.api import assess, sensitivity
    from impactrisk.io import flux_tables

    reads = []
    real = flux_tables.load_free_space_speeds
    monkeypatch.setattr(flux_tables, "load_free_space_speeds", lambda name: reads.append(name) or real(name))
    values = ("0.5mm", "2mm")
    swept = sensitivity("soyuz-ms-22", *DAY, parameter="radiator.wall", values=values, meteoroid_speeds="ecss-c1")
    assert reads == ["ecss-c1"]
    direct = assess("soyuz-ms-22", *DAY, overrides=("radiator.wall=2mm",), meteoroid_speeds="ecss-c1")
    assert swept["rows"][1]["n"] == pytest.approx(direct.n_expected, rel=1e-12)
