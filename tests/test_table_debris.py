"""A tabulated flux (MASTER output) as the debris source: each debris column with its
density and size spectrum, directions and speeds from the crossing geometry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from impactrisk.chain import FACES, flux_summary
from impactrisk.environment.model import EnvironmentConfig
from impactrisk.errors import InputError
from impactrisk.io.flux_tables import load_environment_inputs, read_any_flux_table
from impactrisk.io.orbit_source import load_orbit
from impactrisk.timegrid import TimeGrid

FIXTURE = Path(__file__).parent / "data" / "master" / "synthetic_master2009_flux.txt"
REAL = Path(__file__).parents[2] / "shared" / "data" / "flux_samples" / \
    "master2009_iss-2019-10_Dexter89it-AracneTeam_total_flux.txt"
#: The directional field redistributes the table's flux over directions; its random-plate
#: average must be the table's cross-sectional flux / 4 (Cauchy) up to the quadrature.
ONE_PERCENT = 0.01
FACE = {name: i for i, name in enumerate(FACES)}


def _summary(table, sizes_cm, **config):
    inputs = replace(load_environment_inputs(), flux_table=table)
    grid = TimeGrid.from_range("2023-05-01", "2023-05-02", "120s")
    return flux_summary(load_orbit(), grid, inputs, sizes_cm=sizes_cm, groups=("debris",),
                        config=EnvironmentConfig(debris_model="table", **config))


@pytest.mark.parametrize("path", [FIXTURE, pytest.param(REAL, marks=pytest.mark.skipif(
    not REAL.is_file(), reason="the MASTER sample of ../shared is not present"))])
def test_table_columns_stay_separate_and_keep_their_flux(path):
    table = read_any_flux_table(path)
    debris_columns = [s for s in table.sources if s.group == "debris"
                      and table.cumulative_above_diameter(table.d_edges_cm[0], s.name) > 0]
    # Sizes inside the table, at class edges (where the table's cumulative is exact).
    sizes = table.d_edges_cm[:2]
    summary = _summary(table, sizes)
    names = {f"debris: {s.label}" for s in debris_columns}
    assert set(summary.sources) == names
    for s in debris_columns:
        entry = summary.sources[f"debris: {s.label}"]
        expected = np.asarray(table.cumulative_above_diameter(sizes, s.name))
        if table.basis == "random_plate":
            expected = 4.0 * expected
        # The crossing patterns hold the table's orbit-averaged flux; one day (15.5 orbits)
        # samples the latitudes slightly unevenly, hence the tolerance.
        np.testing.assert_allclose(entry["cross_sectional_m2_yr"], expected, rtol=ONE_PERCENT)
        # Circular-orbit debris arrives horizontally: nothing on zenith and nadir.
        assert np.all(entry["face_m2_yr"][:, FACE["zenith"]] == 0.0)
        assert np.all(entry["face_m2_yr"][:, FACE["nadir"]] == 0.0)
        # Its density is the column's, and the model text says what was done with it.
        assert f"density {s.density_g_cm3:g}" in entry["model"] and "faster than 2 v0" in entry["model"]


def test_table_debris_mirrors_port_and_starboard_and_favours_ram():
    table = read_any_flux_table(FIXTURE)
    summary = _summary(table, table.d_edges_cm[:1])
    for name, entry in summary.sources.items():
        faces = entry["face_m2_yr"][0]
        # Ascending and descending passes mirror port and starboard (one day: 15.5 orbits).
        assert faces[FACE["port"]] == pytest.approx(faces[FACE["starboard"]], rel=0.03), name
        assert faces[FACE["ram"]] > faces[FACE["wake"]], name


def test_table_model_without_a_table_is_refused():
    grid = TimeGrid.from_range("2023-05-01", "2023-05-01T01:00", "600s")
    with pytest.raises(InputError, match="flux table"):
        flux_summary(load_orbit(), grid, load_environment_inputs(), sizes_cm=[0.01], groups=("debris",),
                     config=EnvironmentConfig(debris_model="table"))


def test_risk_with_a_flux_table_reports_it_beside_the_models():
    from impactrisk.api import assess

    result = assess("soyuz-ms-22", "2022-11-01", "2022-11-02", step="600s", flux_table=FIXTURE, band=True)
    sources = [n for n in result.n_by_source if n.startswith("debris: ")]
    assert sources and result.n_by_group["debris"] == pytest.approx(
        sum(result.n_by_source[n]["n"] for n in sources), rel=1e-12)
    assert set(result.band["debris_by_model"]) == {"table", "kessler-1991", "ordem2000-handbook"}


def test_cli_flux_table(tmp_path):
    from typer.testing import CliRunner

    from impactrisk.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["risk", "soyuz-ms-22", "--start", "2022-11-01", "--end", "2022-11-02", "--step", "600s",
                             "--no-band", "--flux-table", str(FIXTURE)])
    assert ok.exit_code == 0, ok.output
    assert "debris" in ok.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("# MASTER\nnot a table\n")
    result = runner.invoke(app, ["risk", "soyuz-ms-22", "--flux-table", str(bad)])
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and "bad.txt" in result.stderr
