"""`impactrisk flux` through the real application: tables, JSON, and bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from impactrisk.cli import app

runner = CliRunner()
WINDOW = ("--start", "2023-05-01", "--end", "2023-05-01T06:00", "--step", "300s")


def test_text_report_names_models_and_basis():
    result = runner.invoke(app, ["flux", *WINDOW])
    assert result.exit_code == 0, result.output
    for fragment in ("Cumulative flux", "sporadic meteoroids", "debris", "Cosmos 1408", "randomly tumbling"):
        assert fragment in result.stdout


def test_json_matches_the_library():
    from impactrisk.api import flux

    result = runner.invoke(app, ["flux", *WINDOW, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    summary = flux(None, "2023-05-01", "2023-05-01T06:00", step="300s")
    cli_value = data["sources"]["sporadic meteoroids"]["random_plate_m2_yr"]
    lib_value = summary.sources["sporadic meteoroids"]["random_plate_m2_yr"].tolist()
    assert cli_value == lib_value


def test_bad_sizes_is_one_clean_error():
    result = runner.invoke(app, ["flux", *WINDOW, "--sizes", "big..bigger"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output
