"""Plots of flux results, drawn on a :class:`matplotlib.figure.Figure` with the Agg
canvas (no pyplot, no global state). matplotlib is imported inside the functions."""

from __future__ import annotations

import io
import math
import os
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from impactrisk.report import (
    GROUP_COLOURS,
    GROUP_ORDER,
    face_flux_m2_yr,
    face_label,
    group_label,
    source_group_label,
)
from impactrisk.timegrid import parse_utc

__all__ = ["check_plot_path", "flux_size_figure", "plot_risk", "save_figure", "write_risk_plot"]

def _positive(values: np.ndarray) -> np.ndarray:
    """Zero or non-finite fluxes cannot sit on a log axis: leave them out."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def flux_size_figure(summary, *, face: str = "random", groups: tuple[str, ...] = GROUP_ORDER,
                     other_debris=None):
    """Log-log cumulative flux against particle diameter, one line per population.

    Parameters
    ----------
    summary : FluxSummary
        The result to draw (:func:`impactrisk.chain.flux_summary`).
    face : str
        A cube face, ``"random"`` (tumbling plate) or ``"cube"`` (mean of six faces).
    groups : tuple of str
        Populations to draw (``"meteoroid"``, ``"shower"``, ``"debris"``); their total
        is added when there are several.
    other_debris : FluxSummary, optional
        The same window with the other debris model, drawn dashed.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; save it with :func:`save_figure`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    d_mm = 10.0 * np.asarray(summary.sizes_cm, dtype=float)
    shown = [g for g in GROUP_ORDER if g in groups]
    for group in shown:
        ax.loglog(d_mm, _positive(face_flux_m2_yr(summary, face, (group,))),
                  "-", marker=".", color=GROUP_COLOURS[group], label=group_label(summary, group))
    if other_debris is not None and "debris" in shown:
        ax.loglog(10.0 * np.asarray(other_debris.sizes_cm, dtype=float),
                  _positive(face_flux_m2_yr(other_debris, face, ("debris",))),
                  "--", color=GROUP_COLOURS["debris"], label=group_label(other_debris, "debris"))
    if len(shown) > 1:
        ax.loglog(d_mm, _positive(face_flux_m2_yr(summary, face, tuple(shown))),
                  "-", color="black", linewidth=2.0, label="total")
    ax.set_xlabel("Particle diameter d [mm]")
    ax.set_ylabel("Flux of particles ≥ d [m⁻² yr⁻¹]")
    ax.set_title(f"Cumulative flux on the {face_label(face)}\n"
                 f"{summary.start} .. {summary.end}, {Path(summary.orbit).name}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _plot_format(path: Path, supported) -> str:
    """The format named by the extension of ``path``; InputError unless it is one of
    ``supported``."""
    from impactrisk.errors import InputError

    fmt = path.suffix[1:].lower()
    if fmt not in supported:
        raise InputError(f"plot file {str(path)!r}: expected an extension among "
                         f"{', '.join('.' + k for k in sorted(supported))}, got {path.suffix or 'none'!r}")
    return fmt


def save_figure(fig, path: str | os.PathLike) -> Path:
    """Write ``fig`` to ``path`` atomically (temporary file in the same folder, then
    rename), in the format named by the file's extension.

    Raises
    ------
    InputError
        The extension names no format matplotlib can write.
    OSError
        The folder cannot be written.
    """
    path = Path(path)
    fmt = _plot_format(path, fig.canvas.get_supported_filetypes())
    from impactrisk.io.atomic import write_atomic

    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    return write_atomic(path, buffer.getvalue())


# ------------------------------------------------------------------ risk of a module

#: Face colours of the surface bars: counted towards N, reported beside it.
_ROLE_STYLE = {
    "vulnerable": {"color": "0.25", "hatch": None, "label": "vulnerable (counts towards N)"},
    "reported": {"color": "0.75", "hatch": "//", "label": "reported only (not in N)"},
}


def _utc(text: str) -> datetime:
    """A UTC time string of a RiskResult as a naive UTC datetime (for the date axis)."""
    return parse_utc(text).replace(tzinfo=None)


def _risk_group_label(result, group: str) -> str:
    """The flux plot's label of a source group, from the configuration in the result."""
    config = (result.models or {}).get("config") or {}
    return source_group_label(group, showers=config.get("showers", True),
                              debris_model=config.get("debris_model", "?"))


def _risk_groups(result) -> list[str]:
    """Groups to draw: the usual order, showers left out when they were not modelled."""
    config = (result.models or {}).get("config") or {}
    known = set(result.daily.get("n_by_group", {})) | set(result.n_by_group)
    return [g for g in GROUP_ORDER if g in known and (g != "shower" or config.get("showers", True)
                                                      or result.n_by_group.get(g, 0.0) > 0)]


def cumulative_by_group(result) -> tuple[list[datetime], dict[str, np.ndarray]]:
    """Cumulative expected penetrations against time, from the daily tallies.

    Each day's N is spread uniformly over the part of that UTC day during which the
    module was exposed (``result.exposure``; the whole day within the window when no
    exposed time falls in it). The curve is exact at the ends of days and of exposure
    pieces, where its break points are.

    Returns
    -------
    (times, curves)
        Break points (naive UTC datetimes, the window start first and its end last) and,
        per group, N accumulated up to each of them.
    """
    t0, t1 = _utc(result.start), _utc(result.end)
    dates = list(result.daily.get("date", []))
    day_starts = [datetime.fromisoformat(d[:10]) for d in dates]
    exposed = [(max(_utc(r["start"]), t0), min(_utc(r["end"]), t1)) for r in result.exposure]
    exposed = [(a, b) for a, b in exposed if b > a]
    points = {t0, t1}
    for day in day_starts:
        for t in (day, day + timedelta(days=1)):
            if t0 < t < t1:
                points.add(t)
    for a, b in exposed:
        points.update((a, b))
    times = sorted(points)
    pieces = list(zip(times[:-1], times[1:]))

    first = day_starts[0] if day_starts else t0
    piece_day = np.array([int((a - first) // timedelta(days=1)) for a, _ in pieces], dtype=np.int64)
    piece_day[(piece_day < 0) | (piece_day >= len(day_starts))] = -1
    piece_s = np.array([(b - a).total_seconds() for a, b in pieces])
    piece_exposed = np.array([any(a <= p and q <= b for a, b in exposed) for p, q in pieces], dtype=bool)
    # The share of each day's N that falls in each piece: by duration among the day's
    # exposed pieces, or among all its pieces when none is exposed.
    valid = piece_day >= 0
    n_days = len(day_starts)
    exposed_s = np.bincount(piece_day[valid], weights=(piece_s * piece_exposed)[valid], minlength=n_days)
    all_s = np.bincount(piece_day[valid], weights=piece_s[valid], minlength=n_days)
    weight = np.zeros(len(pieces))
    day = piece_day[valid]
    use_exposed = exposed_s[day] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        weight[valid] = np.where(use_exposed, piece_s[valid] * piece_exposed[valid] / exposed_s[day],
                                 np.where(all_s[day] > 0, piece_s[valid] / all_s[day], 0.0))
    curves = {}
    for group, daily in result.daily.get("n_by_group", {}).items():
        daily = np.nan_to_num(np.asarray(daily, dtype=float), nan=0.0)
        per_piece = np.zeros(len(pieces))
        ok = valid & (piece_day < len(daily))
        per_piece[ok] = daily[piece_day[ok]] * weight[ok]
        curves[group] = np.concatenate([[0.0], np.cumsum(per_piece)])
    return times, curves


def _event_in_window(result) -> datetime | None:
    """The module's event time when it lies in the window (to the minute), else None."""
    event = result.event or {}
    if not event.get("time"):
        return None
    try:
        t = _utc(event["time"])
    except ValueError:
        return None
    t0, t1 = _utc(result.start), _utc(result.end)
    slack = timedelta(minutes=1)
    return t if t0 - slack <= t <= t1 + slack else None


def _event_name(result) -> str:
    """"leak" for the catalogued coolant leaks, else the event's own kind."""
    kind = str((result.event or {}).get("kind") or "")
    return "leak" if "leak" in kind or not kind else kind


def _event_label(result) -> str:
    return f"{_event_name(result)} ({_utc(result.event['time']):%Y-%m-%d %H:%M} UTC)"


def _summary_text(result) -> str:
    lines = [f"N = {result.n_expected:.3g}   PNP = exp(-N) = {result.pnp:.5f}"]
    if result.band:
        lines.append(f"band: N {result.band['low']:.3g} .. {result.band['high']:.3g}")
    if result.hole_bracket:
        hb = result.hole_bracket
        lines.append(f"hole ≥ {hb['hole_mm']:g} mm: N {hb['hole_equals_particle']:.3g} .. "
                     f"{hb['every_perforation']:.3g}")
    return "\n".join(lines)


def _draw_cumulative(ax, result, groups) -> None:
    import matplotlib.dates as mdates

    times, curves = cumulative_by_group(result)
    for group in groups:
        curve = curves.get(group, np.zeros(len(times)))
        ax.plot(times, curve, "-", color=GROUP_COLOURS.get(group, "C7"), linewidth=1.4,
                label=f"{_risk_group_label(result, group)}: {result.n_by_group.get(group, 0.0):.3g}")
    # The total is the sum of every group in the daily tallies, drawn or not.
    total = sum((curves[g] for g in curves), np.zeros(len(times)))
    ax.plot(times, total, "-", color="black", linewidth=2.2, label=f"total: {result.n_expected:.3g}")
    event = _event_in_window(result)
    if event is not None:
        ax.axvline(event, color="C1", linestyle="--", linewidth=1.5, label=_event_label(result))
        ax.annotate(_event_name(result), xy=(event, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-6, -3), textcoords="offset points", ha="right", va="top",
                    color="C1", fontsize=9, fontweight="bold")
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    # A little room after the window's end, where the event line usually stands.
    ax.set_xlim(times[0], times[-1] + 0.015 * (times[-1] - times[0]))
    top = float(np.nanmax(total)) if len(total) else 0.0
    ax.set_ylim(0.0, 1.15 * top if top > 0 else 1.0)
    ax.set_xlabel("time [UTC]")
    ax.set_ylabel("cumulative expected\npenetrations N")
    ax.set_title("Expected penetrations of the vulnerable surfaces, accumulated over the window", fontsize=9)
    ax.grid(True, alpha=0.3)
    box = {"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7", "alpha": 0.9}
    if result.n_expected > 0:
        ax.text(0.01, 0.97, _summary_text(result), transform=ax.transAxes, ha="left", va="top",
                fontsize=8.5, bbox=box)
    else:
        text = ("not present at the station in this window" if not result.exposure
                else "no penetrations expected in this window")
        ax.text(0.5, 0.55, f"{text}\nN = 0, PNP = 1", transform=ax.transAxes, ha="center", va="center",
                fontsize=11, bbox=box)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def stack_speed_bars(ax, edges_km_s, series: dict, labels: dict, **style) -> np.ndarray:
    """Bars of each group's ``series[group]`` (one value per speed bin of ``edges_km_s``)
    stacked bin by bin, in the order of ``series``, in the group colours; returns the
    top of the stack."""
    edges = np.asarray(edges_km_s, dtype=float)
    widths = np.diff(edges)
    stacked = np.zeros(widths.shape)
    for group, values in series.items():
        values = np.asarray(values, dtype=float)
        ax.bar(edges[:-1], values, width=widths, bottom=stacked, align="edge",
               color=GROUP_COLOURS.get(group, "C7"), label=labels[group], **style)
        stacked = stacked + values
    return stacked


def _draw_speeds(ax, result, groups) -> None:
    pen = result.penetrators or {}
    edges = np.asarray(pen.get("speed_edges_km_s", []), dtype=float)
    by_group = {g: np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for g, v in pen.get("by_group", {}).items()}
    widths = np.diff(edges)
    uniform = widths.size > 0 and np.allclose(widths, widths[0])
    per = f"per {widths[0]:g} km/s bin" if uniform else "per speed bin"
    ax.set_xlabel("impact speed of the penetrators [km/s]")
    ax.set_ylabel(f"expected penetrations N\n{per} (absolute, stacked)")
    ax.set_title("Penetrator speeds: slow (≲ 15 km/s) debris or fast meteoroids?", fontsize=9)
    ax.set_axisbelow(True)
    ax.grid(True, axis="y", alpha=0.3)
    shown = [g for g in groups if g in by_group and by_group[g].shape == widths.shape and np.any(by_group[g] > 0)]
    stacked = stack_speed_bars(ax, edges, {g: by_group[g] for g in shown},
                               {g: _risk_group_label(result, g) for g in shown}, edgecolor="white", linewidth=0.5)
    drawn = bool(shown)
    for group in groups:
        v = (pen.get("mean_speed_km_s") or {}).get(group)
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(v) and result.n_by_group.get(group, 0.0) > 0:
            ax.axvline(v, color=GROUP_COLOURS.get(group, "C7"), linestyle=":", linewidth=1.5,
                       label=f"mean {_risk_group_label(result, group)}: {v:.1f} km/s")
    if edges.size:
        nonzero = np.flatnonzero(stacked > 0)
        high = edges[nonzero[-1] + 1] + 2.0 if nonzero.size else 40.0
        ax.set_xlim(float(edges[0]), float(min(edges[-1], max(high, 20.0))))
    if drawn:
        ax.set_ylim(0.0, 1.1 * float(stacked.max()))
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(handles)), key=lambda i: labels[i].startswith("mean "))
        ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=7.5,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    else:
        ax.set_ylim(0.0, 1.0)
        ax.text(0.5, 0.5, "no penetrators in this window (N = 0)", transform=ax.transAxes,
                ha="center", va="center", fontsize=9, color="0.3")


def _draw_surfaces(ax, result) -> None:
    surfaces = sorted(result.surfaces, key=lambda s: (s["role"] != "vulnerable", -float(s["n"])))
    y = np.arange(len(surfaces))[::-1]
    seen = set()
    values = np.array([float(s["n"]) if math.isfinite(float(s["n"])) else 0.0 for s in surfaces])
    top = float(values.max()) if values.size else 0.0
    for k, s in enumerate(surfaces):
        style = _ROLE_STYLE.get(s["role"], _ROLE_STYLE["reported"])
        label = style["label"] if s["role"] not in seen else None
        seen.add(s["role"])
        ax.barh(y[k], values[k], height=0.6, color=style["color"], hatch=style["hatch"],
                edgecolor="0.2", linewidth=0.6, label=label)
        ax.annotate(f"{values[k]:.3g}", xy=(values[k], y[k]), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
    ax.set_yticks(y, [f"{s['name']}\n{s['criterion'] or '?'}, {float(s['area_m2']):.2f} m²"
                      for s in surfaces], fontsize=8)
    ax.set_xlim(0.0, 1.2 * top if top > 0 else 1.0)
    if len(surfaces):
        ax.set_ylim(-0.6, len(surfaces) - 0.4)
    ax.set_xlabel("expected penetrations N per surface (all sources; each surface's own criterion)")
    ax.set_title(f"Surfaces: only the vulnerable ones count towards N (criterion {result.criterion})",
                 fontsize=9)
    ax.set_axisbelow(True)
    ax.grid(True, axis="x", alpha=0.3)
    if seen:
        ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    if top == 0:
        ax.text(0.5, 0.5, "N = 0 on every surface", transform=ax.transAxes, ha="center", va="center",
                fontsize=9, color="0.3")


def plot_risk(result):
    """Three panels on the risk of one module over a window (:class:`RiskResult`).

    1. Cumulative expected penetrations N of the vulnerable surfaces against time, per
       source group and in total, with the module's event (the leak) marked when it lies
       in the window, and N, PNP = exp(-N) (and the band or hole bracket) in a box. The
       daily tallies are spread over the exposed part of each day
       (:func:`cumulative_by_group`).
    2. The penetrators' impact speeds per 2 km/s bin, absolute N per bin stacked by
       group (the bars of a group sum to its N), with each group's mean speed dotted.
    3. N per surface (all sources), vulnerable surfaces (counted in N) and reported-only
       ones told apart, each with its failure criterion and area.

    A window in which the module was not at the station gives the same three panels,
    saying so.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; save it with :func:`save_figure`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n_surf = len(result.surfaces)
    surf_height = 0.5 + 0.45 * max(n_surf, 1)  # [in]
    fig = Figure(figsize=(10.0, 7.6 + surf_height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, 1, height_ratios=[4.0, 3.4, surf_height])
    groups = _risk_groups(result)
    _draw_cumulative(axes[0], result, groups)
    _draw_speeds(axes[1], result, groups)
    _draw_surfaces(axes[2], result)
    days = (_utc(result.end) - _utc(result.start)).total_seconds() / 86400.0
    vehicle = f" ({result.vehicle})" if result.vehicle and result.vehicle != result.module else ""
    fig.suptitle(f"{result.module}{vehicle}: criterion {result.criterion}, "
                 f"N = {result.n_expected:.3g}, PNP = {result.pnp:.5f}\n"
                 f"window {result.start} .. {result.end} ({days:.3g} d)", fontsize=11)
    return fig


def check_plot_path(path: str | os.PathLike) -> Path:
    """Fail early (before a long assessment) on a plot file that cannot be written.

    Raises
    ------
    InputError
        The extension names no format matplotlib writes, or the folder does not exist
        or is not a folder.
    """
    from impactrisk.errors import InputError

    path = Path(path)
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("--plot needs matplotlib, which is not installed (pip install matplotlib)") from None
    _plot_format(path, FigureCanvasAgg(Figure()).get_supported_filetypes())
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write plot {str(path)!r}: folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise InputError(f"cannot write plot {str(path)!r}: it is a folder")
    return path


def write_risk_plot(result, path: str | os.PathLike) -> Path:
    """Draw :func:`plot_risk` and write it atomically to ``path`` (:func:`save_figure`).

    Raises
    ------
    InputError
        Anything that stops the file being written (bad extension, missing or read-only
        folder, matplotlib missing or failing), with the file's name.
    """
    from impactrisk.errors import InputError

    check_plot_path(path)
    try:
        return save_figure(plot_risk(result), path)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot write plot {str(path)!r}: {exc.strerror or exc}") from None
    except (ValueError, RuntimeError, TypeError) as exc:  # matplotlib's own failures
        raise InputError(f"cannot write plot {str(path)!r}: {exc}") from None
