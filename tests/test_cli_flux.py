"""``impactrisk flux``: arguments reach the library unchanged, the three output formats
and the plot, and bad input gives one ``error:`` line with exit code 1."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from impactrisk.cli.flux import _parse_sizes, flux

runner = CliRunner()
#: One short window for every run that computes fluxes: one day at a 300 s step.
WINDOW = ("--date", "2023-03-01", "--step", "300s")
#: Relative tolerance for sizes built from powers of ten and kept to ten digits.
TEN_DIGITS = 1e-9
#: Relative rounding of a number printed with four significant digits.
FOUR_DIGITS = 5e-4
#: The first eight bytes of every PNG file (PNG specification, ISO/IEC 15948, 5.2).
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A 7.5 x 5 inch figure with axes, five lines and a legend is tens of kB; an empty or
#: truncated file is far below this.
MIN_PLOT_BYTES = 10_000


@pytest.fixture(scope="module")
def app():
    cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    cli.command("flux")(flux)

    @cli.callback()
    def _root() -> None:
        """Test shell."""

    return cli


@pytest.fixture(scope="module")
def run(app):
    def invoke(*args: str):
        return runner.invoke(app, ["flux", *args])

    return invoke


@pytest.fixture(scope="module")
def default_text(run):
    result = run(*WINDOW)
    assert result.exit_code == 0, result.output
    return result.stdout


def table_rows(text: str, title: str) -> dict[str, list[str]]:
    """Rows (first cell -> other cells) of the text table under ``title``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 2
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        cells = line.split()
        label = " ".join(cells[:2]) if cells[:2] == ["cube", "mean"] else cells[0]
        rows[label] = cells[2:] if label == "cube mean" else cells[1:]
    return rows


def test_text_has_tables_and_model_statements(default_text):
    text = default_text
    assert "window      2023-03-01T00:00:00Z .. 2023-03-02T00:00:00Z (24 h), step 300 s" in text
    for fragment in ("Grun 1985", "Kessler NASA-90/91", "predate the Fengyun-1C, Iridium-Cosmos and "
                     "Cosmos 1408", "--model ordem2000-handbook", "1/4 of the cross-sectional flux",
                     "Cumulative flux on the randomly tumbling plate [m^-2 yr^-1]",
                     "Mean impact speed", "[km/s]", "Flux of particles >= 0.1 mm per face"):
        assert fragment in text, fragment
    sizes = table_rows(text, "Cumulative flux")
    # Default sizes: 0.01 mm to 10 mm, four per decade, both ends included.
    assert [float(s) for s in sizes] == pytest.approx([10 ** (-2 + k / 4) for k in range(13)],
                                                      rel=FOUR_DIGITS)
    faces = table_rows(text, "Flux of particles")
    assert list(faces) == ["ram", "wake", "port", "starboard", "zenith", "nadir", "random", "cube mean"]
    # The total column is the sum of the three populations (independent re-addition).
    for cells in faces.values():
        parts = [0.0 if c == "0" else float(c) for c in cells]
        assert parts[3] == pytest.approx(sum(parts[:3]), rel=2 * FOUR_DIGITS)


def test_json_matches_library_call(run):
    from impactrisk.api import flux as flux_api

    result = run(*WINDOW, "--sizes", "0.1mm,1mm", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["population"] == "all" and data["face"] == "random"
    summary = flux_api(start="2023-03-01", end="2023-03-02", step="300s", sizes_cm=[0.01, 0.1])
    expected = summary.sources["sporadic meteoroids"]["random_plate_m2_yr"].tolist()
    assert data["sources"]["sporadic meteoroids"]["random_plate_m2_yr"] == expected
    assert data["sizes_cm"] == [0.01, 0.1]


def test_csv_rows_per_source_and_size(run):
    result = run(*WINDOW, "--sizes", "0.1mm,1mm,1cm", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(rows[0]) == {"size_cm", "source", "group", "random_plate_m2_yr", "cross_sectional_m2_yr",
                            "ram_m2_yr", "wake_m2_yr", "port_m2_yr", "starboard_m2_yr",
                            "zenith_m2_yr", "nadir_m2_yr"}
    sources = {r["source"] for r in rows}
    assert {"sporadic meteoroids", "debris"} <= sources
    assert len(rows) == 3 * len(sources)
    for r in rows:
        # Cauchy: a randomly tumbling plate gets a quarter of the cross-sectional flux.
        assert float(r["random_plate_m2_yr"]) == pytest.approx(0.25 * float(r["cross_sectional_m2_yr"]),
                                                               rel=TEN_DIGITS)


def test_plot_writes_png(run, tmp_path):
    path = tmp_path / "flux.png"
    result = run(*WINDOW, "--plot", str(path))
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > MIN_PLOT_BYTES
    assert "plot written to" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["flux.png"]  # no temporary file left


def test_meteoroids_hit_ram_harder_than_wake(run):
    # docs/design.md, "Meteoroid field": face order ram > zenith > port = starboard > wake > nadir.
    values = {}
    for face in ("ram", "wake"):
        result = run(*WINDOW, "--population", "meteoroid", "--face", face, "--sizes", "0.1mm")
        assert result.exit_code == 0, result.output
        (cells,) = table_rows(result.stdout, "Cumulative flux").values()
        values[face] = float(cells[0])
    assert values["ram"] > values["wake"] > 0


def test_no_debris_on_zenith(run):
    # Debris on circular orbits crosses horizontally (docs/design.md, "Debris crossing
    # geometry"): nothing reaches a face looking away from the Earth.
    result = run(*WINDOW, "--population", "debris", "--face", "zenith", "--sizes", "0.01mm..1mm")
    assert result.exit_code == 0, result.output
    cells = [c for row in table_rows(result.stdout, "Cumulative flux").values() for c in row]
    assert cells and set(cells) == {"0"}
    assert table_rows(result.stdout, "Flux of particles")["ram"][0] != "0"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--sizes", "1..10"), "--sizes"),
        (("--sizes", "1mm..0.1mm"), "0 < A <= B"),
        (("--sizes", "1mm,abc"), "--sizes"),
        (("--sizes", "0.1mm..1mm:0"), "whole number"),
        (("--date", "2023-03-01", "--start", "2023-03-01"), "--date"),
        (("--date", "2023-02-30"), "2023-02-30"),
        (("--model", "ordem3"), "kessler-1991, ordem2000-handbook"),
        (("--face", "top"), "ram, wake"),
        (("--population", "comets"), "meteoroid, showers, debris, all"),
        (("--meteoroid-density", "heavy"), "tm4527"),
        (("--population", "showers", "--no-showers"), "--no-showers"),
        (("--json", "--csv"), "--json"),
    ],
)
def test_bad_input_is_one_clean_error(run, args, fragment):
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]


def _fake_summary(config, sizes_cm):
    from impactrisk.chain import FACES, FluxSummary

    return FluxSummary("fake", "2023-03-01T00:00:00Z", "2023-03-02T00:00:00Z", 300.0, 1.0 / 365.25,
                       config, np.asarray(sizes_cm, dtype=float), tuple(FACES))


def test_arguments_reach_the_library(run, monkeypatch, tmp_path):
    import impactrisk.api as api
    from impactrisk.environment.model import EnvironmentConfig

    calls = []

    def spy(orbit=None, start=None, end=None, **kwargs):
        calls.append(dict(kwargs, orbit=orbit, start=start, end=end))
        return _fake_summary(kwargs["config"], kwargs["sizes_cm"])

    monkeypatch.setattr(api, "flux", spy)
    result = run("--orbit", "circular:500:51.64", "--date", "2023-03-01", "--step", "10min",
                 "--model", "ordem2000-handbook", "--no-showers", "--f107", "150",
                 "--meteoroid-density", "2.5", "--sizes", "10um,0.1mm,1cm",
                 "--population", "all", "--face", "cube", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.output
    first, second = calls
    assert first["config"] == EnvironmentConfig(meteoroid_densities=2.5, showers=False,
                                                debris_model="ordem2000-handbook", f107_sfu=150.0)
    assert first["groups"] == ("meteoroid", "shower", "debris")
    assert first["orbit"] == "circular:500:51.64"
    assert first["start"].startswith("2023-03-01T00:00:00") and first["end"].startswith("2023-03-02T00:00:00")
    assert first["step"] == "10min"
    assert first["sizes_cm"] == pytest.approx([1e-3, 1e-2, 1.0], rel=TEN_DIGITS)
    assert (first["select"], first["allow_extrapolation"]) == ("nearest", False)
    # The plot's dashed line: the other debris model, debris only, same everything else.
    assert second["config"] == first["config"].with_changes(debris_model="kessler-1991")
    assert second["groups"] == ("debris",)
    assert {k: v for k, v in second.items() if k not in ("config", "groups")} == \
        {k: v for k, v in first.items() if k not in ("config", "groups")}


def test_defaults_reach_the_library(run, monkeypatch):
    import impactrisk.api as api
    from impactrisk.environment.model import EnvironmentConfig

    calls = []

    def spy(orbit=None, start=None, end=None, **kwargs):
        calls.append(dict(kwargs, orbit=orbit, start=start, end=end))
        return _fake_summary(kwargs["config"], kwargs["sizes_cm"])

    monkeypatch.setattr(api, "flux", spy)
    result = run("--population", "showers")
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["config"] == EnvironmentConfig()
    assert call["groups"] == ("shower",)
    assert (call["orbit"], call["start"], call["end"], call["step"]) == (None, None, None, "60s")
    assert "no source of this population is active" in result.stdout


@given(lo_exp=st.floats(-4, 1), decades=st.floats(0.05, 4), per_decade=st.integers(1, 20))
def test_size_ranges_include_both_ends_and_are_log_spaced(lo_exp, decades, per_decade):
    lo, hi = 10.0**lo_exp, 10.0 ** (lo_exp + decades)
    sizes = _parse_sizes(f"{lo!r}cm..{hi!r}cm:{per_decade}")
    assert sizes[0] == pytest.approx(lo, rel=TEN_DIGITS)
    assert sizes[-1] == pytest.approx(hi, rel=TEN_DIGITS)
    ratios = np.diff(np.log10(sizes))
    assert np.all(ratios > 0)
    assert np.all(ratios <= 1.0 / per_decade * (1 + 1e-6))
    assert ratios == pytest.approx(np.full(len(ratios), ratios[0]), rel=1e-6)


@pytest.mark.parametrize(
    "text, expected_cm",
    [
        ("0.01mm..10mm", [10 ** (-3 + k / 4) for k in range(13)]),
        ("1um..1cm:1", [1e-4, 1e-3, 1e-2, 1e-1, 1.0]),
        ("1µm,1mm,1m", [1e-4, 0.1, 100.0]),
        ("5..50mm:1", [0.5, 5.0]),
        ("2mm..2mm", [0.2]),
    ],
)
def test_size_syntax(text, expected_cm):
    assert _parse_sizes(text) == pytest.approx(expected_cm, rel=TEN_DIGITS)


def test_via_the_real_app():
    from impactrisk.cli import app as real_app

    names = {c.name for c in real_app.registered_commands}
    if "flux" not in names:
        pytest.skip("the flux command is not registered in impactrisk.cli yet")
    result = runner.invoke(real_app, ["flux", *WINDOW, "--population", "debris", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["sources"]) == {"debris"}
    assert not math.isnan(data["sources"]["debris"]["mean_speed_km_s"])
