"""The command-line shell: arguments reach the library, output formats, and bad input
gives one clear line on stderr with exit code 1 (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from impactrisk.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def assert_clean_failure(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("orbit", "tle"):
        assert command in result.stdout


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from impactrisk.cli import app\n"
        "for argv in (['--help'], ['orbit', '--help'], ['tle', '--help'], ['tle', 'info', '--help'],\n"
        "             ['tle', 'fetch', '--help'], ['ble', '--help']):\n"
        "    try:\n"
        "        app(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('HEAVY:' + ','.join(m for m in ('numpy', 'sgp4', 'skyfield', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_orbit_passes_arguments(monkeypatch):
    import impactrisk.propagation as propagation

    seen = {}
    real = propagation.summarize_orbit

    def spy(orbit, grid, **kwargs):
        seen.update(kwargs, grid=grid)
        return real(orbit, grid, **kwargs)

    monkeypatch.setattr(propagation, "summarize_orbit", spy)
    result = run("orbit", "--start", "2023-01-01", "--end", "2023-01-02", "--step", "10min",
                 "--select", "latest-before", "--stale-limit", "5", "--stale-threshold", "0.5")
    assert result.exit_code == 0, result.output
    assert seen["select"] == "latest-before"
    assert seen["stale_warn_days"] == 5.0
    assert seen["stale_threshold_days"] == 0.5
    assert seen["allow_extrapolation"] is False
    assert seen["grid"].step_s == 600.0 and seen["grid"].n == 144


def test_orbit_text_and_json():
    result = run("orbit", "--start", "2023-01-01", "--end", "2023-01-02")
    assert result.exit_code == 0, result.output
    assert "altitude" in result.stdout and "staleness" in result.stdout and "sgp4       no errors" in result.stdout
    result = run("orbit", "--start", "2023-01-01", "--end", "2023-01-02", "--json")
    data = json.loads(result.stdout)
    assert data["samples"] == 1440
    assert 400 < data["altitude_km"]["mean"] < 430
    assert data["staleness"]["applicable"] is True


def test_orbit_csv_has_header_and_row():
    result = run("orbit", "--orbit", "circular:500:51.64", "--csv")
    assert result.exit_code == 0, result.output
    import csv
    import io

    (values,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert abs(float(values["altitude_km_mean"]) - 500.0) < 0.5
    assert values["kind"] == "circular"


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("orbit", "--start", "2023-02-30"), ("impossible start", "2023-02-30")),
        (("orbit", "--start", "2023-01-02", "--end", "2023-01-01"), ("not after start",)),
        (("orbit", "--start", "2024-03-01", "--end", "2024-03-02"), ("days after the last epoch", "--extrapolate")),
        (("orbit", "--orbit", "circular:abc:51"), ("circular:ALT_KM:INC_DEG",)),
        (("orbit", "--step", "-5s"), ("step",)),
        (("orbit", "--select", "closest"), ("latest-before",)),
        (("orbit", "--tle", "no-such-file.tle"), ("no-such-file.tle",)),
        (("tle", "info", "no-such-file.tle"), ("no-such-file.tle",)),
    ],
)
def test_bad_input_is_one_clean_error(args, fragments):
    assert_clean_failure(run(*args), *fragments)


def test_malformed_tle_names_file_and_line(tmp_path):
    from impactrisk.io.datafiles import default_tle_path

    lines = default_tle_path().read_text().splitlines()[:6]
    lines[3] = lines[3][:-1] + str((int(lines[3][-1]) + 1) % 10)  # break a checksum
    bad = tmp_path / "bad.tle"
    bad.write_text("\n".join(lines) + "\n")
    result = run("tle", "info", str(bad))
    assert_clean_failure(result, "bad.tle", "line 4", "checksum")
    result = run("orbit", "--tle", str(bad))
    assert_clean_failure(result, "bad.tle", "line 4")


def test_tle_info_bundled():
    result = run("tle", "info")
    assert result.exit_code == 0, result.output
    assert "2046" in result.stdout
    assert "2022-09-03T16:10" in result.stdout and "2023-12-30T17:29" in result.stdout
    data = json.loads(run("tle", "info", "--json", "--gap", "5").stdout)
    (obj,) = data["objects"]
    assert obj["element_sets"] == 2046
    # Gaps > 5 d in the bundled history (tle_data/README.md): Sep 3-14, Sep 18-23,
    # Oct 4-10, Oct 17-23, Nov 17-23, Nov 24-Dec 5, Dec 5-14, Dec 16-22, Dec 23-29.
    assert len(obj["gaps"]) == 9
    assert max(g["days"] for g in obj["gaps"]) == pytest.approx(10.82, abs=0.01)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("impactrisk ")


def test_package_exposes_api_lazily():
    # `import impactrisk` stays light; `impactrisk.assess` is the api function once touched.
    code = (
        "import sys, impactrisk\n"
        "light = 'numpy' not in sys.modules\n"
        "import impactrisk.api as api\n"
        "same = impactrisk.assess is api.assess and impactrisk.TimeGrid is api.TimeGrid\n"
        "listed = {'assess', 'flux', 'sensitivity'} <= set(dir(impactrisk))\n"
        "try:\n"
        "    impactrisk.no_such_name\n"
        "    missing = False\n"
        "except AttributeError:\n"
        "    missing = True\n"
        "print(light, same, listed, missing)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True", "True"]
