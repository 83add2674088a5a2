"""A station attitude timeline given as a TOML file: read, validated, used by the chain."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from impactrisk.errors import InputError
from impactrisk.io.modules import load_attitude_timeline

TIMELINE = """
[default]
yaw_deg = -4.0
pitch_deg = -3.0
roll_deg = 0.0
source = "+XVV TEA (NASA SP-2017-634 ch. 7)"

[[segment]]
start = 2022-12-14T06:00:00Z
end = 2022-12-14T12:00:00Z
yaw_deg = 180.0
pitch_deg = 0.0
roll_deg = 0.0
source = "test: -XVV for six hours"
"""


def test_timeline_file_is_read(tmp_path):
    path = tmp_path / "attitude.toml"
    path.write_text(TIMELINE)
    timeline = load_attitude_timeline(path)
    assert len(timeline.segments) == 1 and timeline.segments[0].ypr_deg == (180.0, 0.0, 0.0)
    assert timeline.default.ypr_deg == (-4.0, -3.0, 0.0)


@pytest.mark.parametrize("bad, fragment", [
    ("[[segment]]\nstart = 2022-12-14T06:00:00Z\nend = 2022-12-14T12:00:00Z\nyaw_deg = 'x'\npitch_deg = 0\nroll_deg = 0\n",
     "segment[0].yaw_deg"),
    ("[[segment]]\nstart = 2022-12-14T06:00:00Z\nend = 2022-12-14T12:00:00Z\nyaw = 1\n", "segment[0].yaw"),
    ("[[segment]]\nstart = 2022-12-14T12:00:00Z\nend = 2022-12-14T06:00:00Z\nyaw_deg = 0\npitch_deg = 0\nroll_deg = 0\n",
     "start_jd < end_jd"),
    ("[[segment]]\nend = 2022-12-14T12:00:00Z\nyaw_deg = 0\npitch_deg = 0\nroll_deg = 0\n",
     "segment[0]: missing key 'start'"),
    ("default = 5\n", "default: expected a table"),
    ("[default]\nyaw_deg = 0\npitch_deg = 0\nroll_deg = 0\nsource = 3\n", "default.source: expected a string"),
])
def test_bad_timeline_files_name_the_file_and_key(tmp_path, bad, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    with pytest.raises(InputError, match="bad.toml") as info:
        load_attitude_timeline(path)
    assert fragment in str(info.value)


def test_a_segment_changes_n_only_inside_it(tmp_path):
    from impactrisk.api import assess

    path = tmp_path / "attitude.toml"
    path.write_text(TIMELINE)
    base = assess("soyuz-ms-22", "2022-12-14", "2022-12-15", step="300s")
    flipped = assess("soyuz-ms-22", "2022-12-14", "2022-12-15", step="300s", attitude=load_attitude_timeline(path))
    assert flipped.n_expected != base.n_expected
    assert flipped.models["attitude_segments"][0]["ypr_deg"] == [180.0, 0.0, 0.0]
    # Outside the segment the attitude is the default: the other days are untouched.
    outside = assess("soyuz-ms-22", "2022-12-13", "2022-12-14", step="300s", attitude=load_attitude_timeline(path))
    same = assess("soyuz-ms-22", "2022-12-13", "2022-12-14", step="300s")
    assert outside.n_expected == same.n_expected


def test_cli_attitude_file(tmp_path):
    from impactrisk.cli import app

    path = tmp_path / "attitude.toml"
    path.write_text(TIMELINE)
    result = CliRunner().invoke(app, ["risk", "soyuz-ms-22", "--start", "2022-12-14", "--end", "2022-12-15",
                                      "--step", "600s", "--no-band", "--attitude", str(path)])
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(app, ["risk", "soyuz-ms-22", "--attitude", "1,2"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: --attitude")
