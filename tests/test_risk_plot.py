"""The risk plot (``plot_risk`` and ``impactrisk risk --plot``): three panels made from
the RiskResult alone whose plotted data add up to the result, and a file written in
addition to the text, JSON or CSV output; bad plot files give one ``error:`` line."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import datetime

import numpy as np
import pytest
from typer.testing import CliRunner

from impactrisk.api import assess
from impactrisk.errors import InputError
from impactrisk.report.plots import check_plot_path, cumulative_by_group, plot_risk, write_risk_plot

#: One day containing the Geminid peak of 2022, at a coarse step to keep the tests fast.
DAY = ("2022-12-14", "2022-12-15")
STEP = "600s"
#: Sums of the same floats in another order.
ROUNDING = 1e-9
#: The first eight bytes of every PNG file (PNG specification, ISO/IEC 15948, 5.2).
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Three panels with bars, lines and legends are over 100 kB; an empty or truncated file
#: is far below this.
MIN_PLOT_BYTES = 10_000
#: Soyuz MS-22 docked at Rassvet on 2022-09-21 17:06:34 UTC; the leak was first seen at
#: 2022-12-15 00:45 UTC (bundled module file).
DOCKED = datetime(2022, 9, 21, 17, 6, 34)
LEAK = datetime(2022, 12, 15, 0, 45)

runner = CliRunner()


@pytest.fixture(scope="module")
def day():
    return assess("soyuz-ms-22", *DAY, step=STEP)


@pytest.fixture(scope="module")
def day_figure(day):
    return plot_risk(day)


def _legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def _line(ax, prefix: str):
    lines = [line for line in ax.get_lines() if line.get_label().startswith(prefix)]
    assert len(lines) == 1, [line.get_label() for line in ax.get_lines()]
    return lines[0]


def _all_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_three_panels_with_labels(day, day_figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = day_figure
    assert isinstance(fig, Figure) and isinstance(fig.canvas, FigureCanvasAgg)
    cumulative, speeds, surfaces = fig.axes
    assert len(fig.axes) == 3
    assert "cumulative" in cumulative.get_ylabel() and "UTC" in cumulative.get_xlabel()
    assert "km/s" in speeds.get_xlabel() and "absolute" in speeds.get_ylabel()
    assert "2 km/s bin" in speeds.get_ylabel()
    assert "per surface" in surfaces.get_xlabel()
    entries = _legend_texts(cumulative)
    for fragment in ("sporadic meteoroids", "showers (sum)", "debris (kessler-1991)", "total"):
        assert any(e.startswith(fragment) for e in entries), entries
    assert not any(e.startswith("leak") for e in entries)  # the leak is after this window
    entries = _legend_texts(speeds)
    assert {"sporadic meteoroids", "showers (sum)", "debris (kessler-1991)"} <= set(entries)
    assert any(e.startswith("mean debris") for e in entries)
    assert _legend_texts(surfaces) == ["vulnerable (counts towards N)", "reported only (not in N)"]
    ticks = [t.get_text() for t in surfaces.get_yticklabels()]
    assert any("radiator/channels" in t and "leak" in t for t in ticks), ticks
    assert any("radiator/panel" in t and "perforation" in t for t in ticks), ticks
    title = fig.get_suptitle()
    for fragment in ("soyuz-ms-22", "criterion leak", day.start, day.end, f"{day.pnp:.5f}"):
        assert fragment in title
    assert f"PNP = exp(-N) = {day.pnp:.5f}" in _all_text(fig)


def test_cumulative_total_ends_at_n(day, day_figure):
    ax = day_figure.axes[0]
    total = _line(ax, "total")
    y = np.asarray(total.get_ydata(), dtype=float)
    assert y[0] == 0.0
    assert y[-1] == pytest.approx(day.n_expected, rel=ROUNDING)
    assert np.all(np.diff(y) >= 0.0)
    for group, label in (("meteoroid", "sporadic meteoroids"), ("debris", "debris")):
        line = _line(ax, label)
        assert line.get_ydata()[-1] == pytest.approx(day.n_by_group[group], rel=ROUNDING)
    x = total.get_xdata()
    assert (x[0], x[-1]) == (datetime(2022, 12, 14), datetime(2022, 12, 15))  # a single day


def test_speed_bars_sum_to_the_group_n(day, day_figure):
    ax = day_figure.axes[1]
    bars = {c.get_label(): c for c in ax.containers}
    names = {"meteoroid": "sporadic meteoroids", "shower": "showers (sum)", "debris": "debris (kessler-1991)"}
    for group, label in names.items():
        heights = [p.get_height() for p in bars[label].patches]
        assert sum(heights) == pytest.approx(day.n_by_group[group], rel=ROUNDING)
        widths = {round(p.get_width(), 9) for p in bars[label].patches}
        assert widths == {2.0}
    # Debris crosses the orbit at up to ~15 km/s; nothing of it in the fast bins.
    debris = bars[names["debris"]].patches
    assert sum(p.get_height() for p in debris if p.get_x() >= 16.0) == 0.0


def test_surface_bars(day, day_figure):
    ax = day_figure.axes[2]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted(s["n"] for s in day.surfaces), rel=ROUNDING)
    vulnerable = sum(s["n"] for s in day.surfaces if s["role"] == "vulnerable")
    assert vulnerable == pytest.approx(day.n_expected, rel=ROUNDING)


def test_event_marked_when_the_window_ends_at_the_leak():
    result = assess("soyuz-ms-22", "2022-12-14T00:45", "2022-12-15T00:45", step=STEP)
    ax = plot_risk(result).axes[0]
    entries = _legend_texts(ax)
    assert any(e.startswith("leak") for e in entries), entries
    marker = _line(ax, "leak")
    assert list(marker.get_xdata()) == [LEAK, LEAK]
    assert "leak" in [t.get_text() for t in ax.texts]
    assert _line(ax, "total").get_ydata()[-1] == pytest.approx(result.n_expected, rel=ROUNDING)


def test_cumulative_flat_before_docking():
    result = assess("soyuz-ms-22", "2022-09-21", "2022-09-23", step=STEP)
    times, curves = cumulative_by_group(result)
    total = sum(curves.values())
    assert DOCKED in times
    assert total[times.index(DOCKED)] == 0.0
    assert total[-1] == pytest.approx(result.n_expected, rel=ROUNDING)
    assert total[times.index(datetime(2022, 9, 22))] > 0.0


def test_not_present_still_a_figure(tmp_path):
    result = assess("soyuz-ms-22", "2022-09-01", "2022-09-10", step=STEP)  # launched 21 Sep 2022
    assert result.n_expected == 0.0
    fig = plot_risk(result)
    assert len(fig.axes) == 3
    text = _all_text(fig)
    assert "not present at the station in this window" in text
    assert "no penetrators" in text
    assert _line(fig.axes[0], "total").get_ydata()[-1] == 0.0
    path = write_risk_plot(result, tmp_path / "absent.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_nan_mean_speeds_and_no_showers(day, tmp_path):
    speeds = {g: float("nan") for g in day.penetrators["mean_speed_km_s"]}
    result = dataclasses.replace(day, penetrators={**day.penetrators, "mean_speed_km_s": speeds},
                                 models={**day.models, "config": {**day.models["config"], "showers": False}},
                                 n_by_group={**day.n_by_group, "shower": 0.0})
    fig = plot_risk(result)
    entries = _legend_texts(fig.axes[1])
    assert not any(e.startswith("mean") for e in entries)
    assert "meteoroids" in entries and "showers (sum)" not in entries
    write_risk_plot(result, tmp_path / "nan.svg")


def test_bad_plot_paths(tmp_path, monkeypatch, day):
    with pytest.raises(InputError, match="extension"):
        check_plot_path(tmp_path / "plot.xyz")
    with pytest.raises(InputError, match="does not exist"):
        check_plot_path(tmp_path / "missing" / "plot.png")

    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("impactrisk.io.atomic.write_atomic", broken)
    with pytest.raises(InputError, match="plot.png.*Permission denied"):
        write_risk_plot(day, tmp_path / "plot.png")
    assert list(tmp_path.iterdir()) == []


def cli(*args):
    from impactrisk.cli import app

    return runner.invoke(app, ["risk", "soyuz-ms-22", "--start", DAY[0], "--end", DAY[1],
                               "--step", STEP, "--no-band", *args])


def test_cli_writes_png_with_the_text_report(tmp_path):
    path = tmp_path / "risk.png"
    result = cli("--plot", str(path))
    assert result.exit_code == 0, result.output
    assert "expected failures N" in result.stdout
    assert "plot written to" in result.stderr
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > MIN_PLOT_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["risk.png"]  # no temporary file left


def test_cli_writes_svg_with_json(tmp_path):
    path = tmp_path / "risk.svg"
    result = cli("--json", "--plot", str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert math.isclose(data["pnp"], math.exp(-data["n_expected"]))
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")


def test_cli_plot_with_csv(tmp_path):
    path = tmp_path / "risk.pdf"
    result = cli("--csv", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("date,")
    assert path.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("name, fragment", [
    ("risk.xyz", "expected an extension among"),
    ("risk", "got 'none'"),
    ("missing/risk.png", "does not exist"),
])
def test_cli_bad_plot_file(tmp_path, name, fragment):
    path = tmp_path / name
    result = cli("--plot", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert str(path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""  # it fails before the assessment
    assert list(tmp_path.iterdir()) == []
