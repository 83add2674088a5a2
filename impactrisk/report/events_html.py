"""Self-contained HTML report of the 2022-2023 coolant leaks (``impactrisk events --html``).

:func:`render_events_html` turns the dict of :func:`impactrisk.events.analyse` (after
``impactrisk.results.json_safe``: non-finite numbers as None) into one HTML5 document that answers one
question: were three coolant leaks on Russian ISS hardware in under a year (Soyuz MS-22
on 15 Dec 2022, Progress MS-21 on 11 Feb 2023, the Nauka RTOd on 9 Oct 2023) chance
micrometeoroid/debris penetrations, or something systematic?

The document is built by the page, table and plot helpers of the batch report
(:mod:`impactrisk.report.html`): CSS inline, plots as embedded base64 PNG images drawn
on matplotlib's Agg canvas (matplotlib imported lazily, no pyplot), no external asset
of any kind, and the same small inline script that records on ``<body>`` how many
images the browser decoded (``data-images-ok``, ``data-images-total``). Each sweep row
is read by :func:`impactrisk.events.classify`, as in the analysis's own paragraph. The
renderer does no I/O.

Sections, each with an ``id``: ``answer``, ``timeline``, ``events``, ``geminids``,
``sweep`` and ``reproduce``. Plots (``<img data-plot=...>`` in a ``<figure>`` with a
``<figcaption>``): ``timeline``, ``events``, ``geminids`` and ``sweep``.

Missing values (None, NaN, anything that is not a number) are shown as '—'.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import NamedTuple

from impactrisk.events import FINE, PLAUSIBLE, TOO_FEW, TOO_MANY, VERY_UNLIKELY, classify
from impactrisk.report import GROUP_ORDER
from impactrisk.report.plots import stack_speed_bars
from impactrisk.report.html import (
    _GROUP_LABELS,
    MISSING,
    _assumptions_table,
    _date_axis,
    _dict,
    _e,
    _facts,
    _figure,
    _figure_html,
    _group_bars,
    _list,
    _mpl,
    _nansum,
    _no_data,
    _notes_list,
    _num,
    _page,
    _parse_time,
    _png_data_uri,
    _reproduce_section,
    _sci,
    _share,
    _table,
    _text,
    format_number,
)

__all__ = ["PLOT_NAMES", "SECTION_IDS", "render_events_html"]

#: The ``id`` of each section, in document order.
SECTION_IDS = ("answer", "timeline", "events", "geminids", "sweep", "reproduce")
#: The ``data-plot`` name of each plot, in document order.
PLOT_NAMES = ("timeline", "events", "geminids", "sweep")

#: The debris variant of the compact table and of the sweep plot.
MAIN_DEBRIS = "kessler-1991"
#: Probabilities below this are drawn on the floor of a log axis (marked as below it).
_P_FLOOR = 1e-15
_LEAK_COLOUR = "#c00000"
_TITLE = "The 2022–2023 coolant leaks: chance or a common cause?"


# ------------------------------------------------------------------ small formatters


def _finite(value) -> float | None:
    x = _num(value)
    return None if math.isnan(x) else x


def _when(value) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM UTC'; the text itself if it cannot be read."""
    parsed = _parse_time(value)
    if parsed is not None:
        return parsed.strftime("%Y-%m-%d %H:%M UTC")
    return MISSING if value in (None, "") else str(value)


def _date(value) -> str:
    parsed = _parse_time(value)
    if parsed is not None:
        return parsed.strftime("%d %b %Y")
    return MISSING if value in (None, "") else str(value)


def _days(value) -> str:
    x = _num(value)
    return MISSING if math.isnan(x) else f"{format_number(x)} d"


def _mm(value) -> str:
    x = _num(value)
    return MISSING if math.isnan(x) else f"{x:g} mm"


def _pct(value) -> str:
    x = _num(value)
    return MISSING if math.isnan(x) else f"{100.0 * x:.3g} %"


def _prob(value) -> str:
    """A probability for people: '> 0.999' just below 1, else 3 significant digits."""
    x = _num(value)
    if math.isnan(x):
        return MISSING
    if 0.999 < x < 1.0:
        return "> 0.999"
    return format_number(x, 3)


def _p_class(value) -> str:
    x = _num(value)
    if math.isnan(x):
        return "num"
    if x < VERY_UNLIKELY:
        return "num p-low"
    if x >= PLAUSIBLE:
        return "num p-ok"
    return "num"


def _yes_no(value) -> str:
    if value is None:
        return MISSING
    return "yes" if value else "no"


def _range(values, unit: str = "", fmt=None) -> str:
    values = [_finite(v) for v in _list(values)]
    values = [v for v in values if v is not None]
    if not values:
        return MISSING
    fmt = fmt or (lambda v: format_number(v, 3))
    return f"{fmt(min(values))}{unit} to {fmt(max(values))}{unit}"


def _members(history: dict) -> list[dict]:
    return [m for m in _list(history.get("members")) if isinstance(m, dict)]


def _rows(coincidence: dict) -> list[dict]:
    return [r for r in _list(coincidence.get("rows")) if isinstance(r, dict)]


def _events(analysis: dict) -> list[dict]:
    return [r for r in _list(analysis.get("reconstruction")) if isinstance(r, dict)]


def _event_name(rec: dict) -> str:
    return str(rec.get("vehicle") or rec.get("module") or MISSING)


def _main_rows(rows: list[dict]) -> tuple[list[dict], str]:
    """The rows of the Kessler 1991 debris (else of the first variant met), by inputs."""
    variants = [r.get("debris") for r in rows]
    variant = MAIN_DEBRIS if MAIN_DEBRIS in variants else (variants[0] if variants else MAIN_DEBRIS)
    chosen = [r for r in rows if r.get("debris") == variant]

    def key(r):
        return tuple(_num(r.get(k)) if not math.isnan(_num(r.get(k))) else math.inf
                     for k in ("wall_mm", "facesheet_mm", "channel_fraction"))
    return sorted(chosen, key=key), (MISSING if variant in (None, "") else str(variant))


def _reading(row: dict, k: int) -> tuple[str, str]:
    """(reading of one sweep row in words, css class), by :func:`impactrisk.events.classify`."""
    verdicts = classify(row)
    if verdicts is None:
        return MISSING, ""
    if FINE in verdicts:
        return "unsurprising as chance", "p-ok"
    words = []
    if TOO_FEW in verdicts:
        words.append(f"{k} within 12 months very unlikely: too few expected")
    if TOO_MANY in verdicts:
        words.append("quiet years very unlikely: too many expected")
    if words:
        return "; ".join(words), "p-low"
    return "in between", ""


class _Record(NamedTuple):
    """The observed record, read once from the analysis."""

    #: (vehicle, time or None if unreadable, time as given) of each leak, by time.
    leaks: list[tuple[str, datetime | None, object]]
    #: Leaks recorded in the history.
    count: int
    #: Leaks counted inside one scan window.
    k: int
    #: Length of the scan window [days].
    window_days: float
    #: First to last leak [days]; NaN when not given.
    span_days: float


def _record(coincidence: dict, events: list[dict]) -> _Record:
    """The observed leaks (else the reconstructed events) and the numbers of the test."""
    observed = _dict(coincidence.get("observed"))
    leaks = [(str(l.get("vehicle") or MISSING), _parse_time(l.get("time")), l.get("time"))
             for l in _list(observed.get("leaks")) if isinstance(l, dict)]
    if not leaks:  # fall back on the reconstructed events
        leaks = [(_event_name(r), _parse_time(_dict(r.get("event")).get("time")),
                  _dict(r.get("event")).get("time")) for r in events
                 if _dict(r.get("event")).get("time")]
    leaks.sort(key=lambda item: (item[1] is None, item[1] or 0))
    count, k, window = (_num(observed.get(key)) for key in ("count", "k", "window_days"))
    return _Record(leaks=leaks,
                   count=int(count) if not math.isnan(count) else len(leaks),
                   k=int(k) if not math.isnan(k) and k >= 1 else max(len(leaks), 1),
                   window_days=window if not math.isnan(window) and window > 0 else 365.25,
                   span_days=_num(observed.get("span_days")))


# ------------------------------------------------------------------ plots


def _timeline_plot(events: list[dict], members: list[dict], history: dict, record: _Record) -> str:
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    leaks = record.leaks
    at = _dict(history.get("members_at"))
    fig = _figure(10.0, 7.6)
    top, bottom = fig.subplots(2, 1, height_ratios=[1.0, 1.35])

    # (a) the three events: exposure rows on a time axis, the leaks, the 12-month window
    spans, handles = [], []
    for y, rec in enumerate(events):
        for row in _list(rec.get("exposure")):
            if not isinstance(row, dict):
                continue
            start, end = _parse_time(row.get("start")), _parse_time(row.get("end"))
            if start is None or end is None or end < start:
                continue
            x0 = mdates.date2num(start)
            width = max(mdates.date2num(end) - x0, 0.5)
            uncertain, optional = bool(row.get("uncertain")), bool(row.get("optional"))
            top.barh(y, width, left=x0, height=0.5, color="#7fa7cf" if not optional else "white",
                     edgecolor="#2b5d8a", linewidth=1.0, hatch="//" if uncertain else None,
                     linestyle="--" if optional else "-")
            spans += [start, end]
    times = [t for _, t, _ in leaks if t is not None]
    window = record.window_days
    if times:
        first, last = times[0], times[-1]
        span = (last - first).total_seconds() / 86400.0
        shade_end = first + timedelta(days=window) if span <= window else last
        top.axvspan(mdates.date2num(first), mdates.date2num(shade_end), color="#f2c14e", alpha=0.25,
                    zorder=0)
        spans += [first, shade_end]
        label = ("12-month window from the first leak" if span <= window
                 else "first to last leak (over 12 months)")
        handles.append(Patch(color="#f2c14e", alpha=0.4, label=_mpl(label)))
        top.text(mdates.date2num(shade_end), 0.97,
                 _mpl(f"{len(times)} leaks in {span:.0f} d "), transform=top.get_xaxis_transform(),
                 ha="right", va="top", fontsize=9, color="#8a6100")
    names = [_event_name(r) for r in events]
    for y, rec in enumerate(events):
        t = _parse_time(_dict(rec.get("event")).get("time"))
        if t is not None:
            top.plot([mdates.date2num(t)], [y], marker="X", markersize=12, color=_LEAK_COLOUR,
                     linestyle="none", zorder=5)
            top.annotate(_mpl(t.strftime("%d %b %Y")), (mdates.date2num(t), y), xytext=(6, 9),
                         textcoords="offset points", fontsize=8, color=_LEAK_COLOUR)
            spans.append(t)
    known = {n for n in names}
    for name, t, _ in leaks:  # an observed leak without a reconstruction: on its own row
        if t is not None and name not in known:
            names.append(name)
            known.add(name)
            top.plot([mdates.date2num(t)], [len(names) - 1], marker="X", markersize=12,
                     color=_LEAK_COLOUR, linestyle="none", zorder=5)
    if spans:
        lo, hi = min(spans), max(spans)
        pad = max((hi - lo).total_seconds() / 86400.0 * 0.03, 3.0)
        top.set_xlim(mdates.date2num(lo) - pad, mdates.date2num(hi) + pad)
        top.set_yticks(range(len(names)), [_mpl(n) for n in names])
        top.set_ylim(len(names) - 0.4, -0.6)
        _month_axis(top, lo, hi)
        top.grid(True, axis="x", alpha=0.3)
        handles = [Patch(facecolor="#7fa7cf", edgecolor="#2b5d8a", label="exposure (docked/attached)"),
                   Patch(facecolor="#7fa7cf", edgecolor="#2b5d8a", hatch="//",
                         label="exposure, uncertain"),
                   Line2D([], [], marker="X", markersize=10, color=_LEAK_COLOUR, linestyle="none",
                          label="leak")] + handles
        top.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                   frameon=False)
    else:
        _no_data(top, "no exposure or leak with readable times")
    top.set_title("(a) the three leaking radiators: exposure before each leak", fontsize=10,
                  loc="left")

    # (b) every radiator of the fleet history: expected N
    wall, face = _mm(at.get("wall_mm")), _mm(at.get("facesheet_mm"))
    bottom.set_title(_mpl(f"(b) expected leak-causing penetrations per radiator at {wall} / "
                          f"{face}, over the fleet history"), fontsize=10, loc="left")
    if members:
        x = list(range(len(members)))
        heights, colours = [], []
        for m in members:
            n = _num(m.get("n"))
            heights.append(0.0 if math.isnan(n) else n)
            vehicle = str(m.get("vehicle") or "").lower()
            if m.get("event"):
                colours.append(_LEAK_COLOUR)
            elif vehicle.startswith("soyuz"):
                colours.append("C0")
            elif vehicle.startswith("progress"):
                colours.append("C1")
            else:
                colours.append("C4")
        bottom.bar(x, heights, color=colours, width=0.8)
        used = set(colours)
        missing = [i for i, m in zip(x, members) if math.isnan(_num(m.get("n")))]
        if missing:
            bottom.plot(missing, [0.0] * len(missing), linestyle="none", marker="o",
                        markerfacecolor="none", color="0.3", clip_on=False)
        bottom.set_xticks(x, [_mpl(m.get("vehicle") or m.get("module") or "?") for m in members],
                          rotation=90, fontsize=7 if len(members) > 30 else 8)
        bottom.set_xlim(-0.7, len(members) - 0.3)
        top_n = max(heights) if heights and max(heights) > 0 else 1.0
        bottom.set_ylim(0.0, top_n * 1.12)
        _sci(bottom, "y")
        bottom.set_ylabel("Expected N per radiator")
        bottom.grid(True, axis="y", alpha=0.3)
        bottom.legend(handles=[Patch(color=c, label=label) for c, label in (
                          ("C0", "Soyuz MS"), ("C1", "Progress MS"), ("C4", "other"),
                          (_LEAK_COLOUR, "leaked (2022-2023)")) if c in used],
                      fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        _no_data(bottom, "no fleet member")
    return _png_data_uri(fig)


def _month_axis(ax, lo, hi) -> None:
    """Month ticks labelled 'Mon YYYY' (every few months on a long axis)."""
    from matplotlib import dates as mdates

    months = (hi - lo).total_seconds() / 86400.0 / 30.4375
    if months > 48:
        _date_axis(ax)
        return
    step = 1 if months <= 8 else 2 if months <= 18 else 3 if months <= 30 else 6
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _speed_panel(ax, rec: dict) -> None:
    edges = [_num(e) for e in _list(rec.get("speed_edges_km_s"))]
    by_group = _dict(rec.get("speed_by_group"))
    ok = len(edges) >= 2 and all(not math.isnan(e) for e in edges)
    bins = len(edges) - 1
    series = {g: [_num(v) for v in _list(by_group.get(g))] for g in GROUP_ORDER}
    series = {g: [0.0 if math.isnan(v) else v for v in s] for g, s in series.items() if len(s) == bins}
    name = _event_name(rec)
    if not ok or not series or not any(v > 0 for s in series.values() for v in s):
        _no_data(ax, f"{name}: no speed distribution")
        return
    shown = [g for g in GROUP_ORDER if g in series]
    bottom = stack_speed_bars(ax, edges, {g: series[g] for g in shown}, {g: _GROUP_LABELS[g] for g in shown},
                              linewidth=0)
    band = [_num(v) for v in _list(rec.get("speed_band_km_s"))]
    if len(band) == 2 and not any(math.isnan(v) for v in band):
        ax.axvspan(band[0], band[1], color="0.5", alpha=0.15, zorder=0)
        p = _num(rec.get("p_debris_given_speed_band"))
        text = (f"{band[0]:g}–{band[1]:g} km/s: P(debris) = "
                f"{format_number(p, 3) if not math.isnan(p) else MISSING}")
        ax.text(0.99, 0.92, _mpl(text), transform=ax.transAxes, ha="right", va="top", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "0.8", "boxstyle": "round,pad=0.3"})
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(0.0, max(bottom) * 1.15 if max(bottom) > 0 else 1.0)
    _sci(ax, "y")
    ax.set_ylabel("N per bin", fontsize=8)
    ax.set_title(_mpl(f"{name}: penetrator speeds"), fontsize=9, loc="center")
    ax.grid(True, axis="y", alpha=0.3)


def _events_plot(events: list[dict]) -> str:
    fig = _figure(10.0, 2.2 + 2.1 * max(len(events), 1))
    if not events:
        _no_data(fig.add_subplot(), "no reconstructed event")
        return _png_data_uri(fig)
    axes = fig.subplots(1 + len(events), 1, height_ratios=[0.9 + 0.25 * len(events)] + [1.0] * len(events))
    ax = axes[0]
    n = [_num(rec.get("n")) for rec in events]
    _group_bars(ax, [_event_name(r) for r in events], [_dict(r.get("n_by_group")) for r in events],
                ["N = " + format_number(v, 3) if not math.isnan(v) else "no value" for v in n])
    ax.set_xlabel("Expected leak-causing penetrations N, start of exposure to the leak", fontsize=8)
    ax.set_title("Expected penetrations by source group", fontsize=9, loc="left")
    for i, rec in enumerate(events):
        if i:
            axes[1 + i].sharex(axes[1])
        _speed_panel(axes[1 + i], rec)
    for panel in axes[1:-1]:
        panel.tick_params(labelbottom=False)
    axes[-1].set_xlabel("Impact speed [km/s]")
    handles, labels = [], []
    for panel in axes[1:]:
        h, lab = panel.get_legend_handles_labels()
        if h:
            handles, labels = h, lab
            break
    if handles:
        axes[1].legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                       frameon=False)
    return _png_data_uri(fig)


class _Facets(NamedTuple):
    """The per-facet Geminid values, read once from the analysis."""

    #: Azimuth of each facet's outward normal [deg] (NaN where unreadable).
    azimuth_deg: list[float]
    #: "before" / "after" -> expected penetrations per facet (only complete series).
    series: dict[str, list[float]]
    #: Indices of the facets (of a readable azimuth) that no Geminid reaches.
    unreached: list[int]
    #: "24 h", or "the hours" when not given.
    hours_text: str


def _facets(gem: dict) -> _Facets:
    az = [_num(a) for a in _list(gem.get("azimuth_deg"))]
    series = {}
    for label in ("before", "after"):
        values = [_num(v) for v in _list(_dict(gem.get(label)).get("n_by_facet"))]
        if len(values) == len(az):
            series[label] = values
    unreached = [i for i, a in enumerate(az) if series and not math.isnan(a) and all(
        values[i] == 0.0 or math.isnan(values[i]) for values in series.values())]
    hours = _num(gem.get("hours"))
    return _Facets(az, series, unreached, f"{hours:g} h" if not math.isnan(hours) else "the hours")


def _geminids_plot(facets: _Facets) -> str:
    from matplotlib.patches import Patch

    az, series, hours_text = facets.azimuth_deg, facets.series, facets.hours_text
    fig = _figure(10.0, 4.4)
    ax = fig.add_subplot()
    ok = [i for i, a in enumerate(az) if not math.isnan(a)]
    if not ok or not series:
        _no_data(ax, "no per-facet Geminid values")
        return _png_data_uri(fig)
    spacing = 360.0 / len(az)
    width = 0.42 * spacing
    colours = {"before": "#2b6cb0", "after": "#dd8a1f"}
    handles = []
    zero_facets = facets.unreached
    for i in zero_facets:
        ax.axvspan(az[i] - spacing / 2, az[i] + spacing / 2, color="0.85", zorder=0, linewidth=0)
    if zero_facets:
        handles.append(Patch(color="0.85", label="no Geminid reaches the facet"))
    for j, (label, values) in enumerate(series.items()):
        offset = (j - (len(series) - 1) / 2) * width
        xs = [az[i] + offset for i in ok if not math.isnan(values[i])]
        hs = [values[i] for i in ok if not math.isnan(values[i])]
        bars = ax.bar(xs, hs, width=width, color=colours[label],
                      label=_mpl(f"{hours_text} {label} the leak"))
        handles.append(bars)
    peak = max((v for s in series.values() for v in s if not math.isnan(v)), default=0.0)
    ax.set_ylim(0.0, peak * 1.15 if peak > 0 else 1.0)
    if peak <= 0:
        ax.text(0.5, 0.55, "zero Geminid fluence on every facet", transform=ax.transAxes,
                ha="center", va="center", fontsize=11, color="0.35")
    ax.set_xlim(0.0, 360.0)
    ticks = [0, 45, 90, 135, 180, 225, 270, 315, 360]
    names = {0: "forward", 90: "starboard", 180: "aft", 270: "port", 360: "forward"}
    ax.set_xticks(ticks, [f"{t}°\n{names[t]}" if t in names else f"{t}°" for t in ticks])
    _sci(ax, "y")
    ax.set_xlabel("Azimuth of the facet's outward normal in the station frame at clocking 0")
    ax.set_ylabel("Expected Geminid penetrations per facet")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              frameon=False)
    return _png_data_uri(fig)


def _sweep_lines(rows: list[dict], key):
    """{(fraction, facesheet): [(wall, value)]} of ``rows``, walls ascending."""
    lines: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for r in rows:
        wall, face, frac = (_num(r.get(k)) for k in ("wall_mm", "facesheet_mm", "channel_fraction"))
        value = key(r)
        if math.isnan(wall) or math.isnan(value):
            continue
        lines.setdefault((frac, face), []).append((wall, value))
    return {k: sorted(v) for k, v in sorted(lines.items(), key=lambda kv: (
        math.inf if math.isnan(kv[0][0]) else kv[0][0], math.inf if math.isnan(kv[0][1]) else kv[0][1]))}


def _unique(values: list[float]) -> list[float]:
    """The distinct values, ascending, one NaN (last) if any."""
    finite = sorted({v for v in values if not math.isnan(v)})
    return finite + ([math.nan] if any(math.isnan(v) for v in values) else [])


def _quiet(r: dict) -> float:
    most, none = _num(r.get("p_count_at_most_observed")), _num(r.get("p_none_before_first_leak"))
    if math.isnan(most) or math.isnan(none):
        return math.nan
    return min(most, none)


def _sweep_plot(rows: list[dict], variant: str, k: int, observed_count: float) -> str:
    from matplotlib.lines import Line2D

    fig = _figure(10.0, 9.0)
    axes = fig.subplots(3, 1, sharex=True)
    panels = [
        (axes[0], lambda r: _num(r.get("p_scan")), True,
         f"P(≥ {k} within some 12 months)", f"(a) {k} or more leaks inside some 12-month window"),
        (axes[1], _quiet, True, "P(the quiet years)",
         "(b) the quiet years: the smaller of P(N ≤ observed) and P(none before the first leak)"),
        (axes[2], lambda r: _num(r.get("n_expected")), False, "Expected N (fleet history)",
         "(c) expected leak-causing penetrations over the fleet history"),
    ]
    combos = list(_sweep_lines(rows, panels[2][1]))
    fractions = _unique([f for f, _ in combos])
    faces = _unique([s for _, s in combos])
    colour = {f: f"C{i % 10}" for i, f in enumerate(fractions)}
    styles = ["-", "--", ":", "-."]
    style = {f: styles[i % len(styles)] for i, f in enumerate(faces)}
    anything = False
    for ax, key, is_p, ylabel, title in panels:
        lines = _sweep_lines(rows, key)
        values = [v for pts in lines.values() for _, v in pts]
        positive = [v for v in values if v > 0]
        ax.set_title(_mpl(title), fontsize=9, loc="left")
        if not positive:
            ax.text(0.5, 0.5, "no value", transform=ax.transAxes, ha="center", va="center",
                    fontsize=10, color="0.4")
            continue
        anything = True
        floor = max(min(positive) / 3.0, _P_FLOOR) if is_p else min(positive) / 3.0
        below = []
        for (frac, face), pts in lines.items():
            xs = [w for w, _ in pts]
            ys = [max(v, floor) for _, v in pts]
            below += [(w, floor) for w, v in pts if v < floor]
            ax.plot(xs, ys, color=colour.get(frac, "0.3"), linestyle=style.get(face, "-"),
                    marker="o", markersize=4)
        if below:
            ax.plot([w for w, _ in below], [y for _, y in below], linestyle="none", marker="v",
                    color="0.2", markersize=7)
        ax.set_yscale("log")
        if ax is not axes[2]:
            for ref, label in ((PLAUSIBLE, f"{PLAUSIBLE:g}"), (VERY_UNLIKELY, f"{VERY_UNLIKELY:g}")):
                ax.axhline(ref, color="0.25", linewidth=0.9, linestyle=(0, (4, 3)))
                ax.text(1.002, ref, _mpl(label), transform=ax.get_yaxis_transform(), fontsize=7.5,
                        va="center", ha="left", color="0.25")
            ax.set_ylim(floor / 2.0, 2.0)
        else:
            if not math.isnan(observed_count) and observed_count > 0:
                ax.axhline(observed_count, color=_LEAK_COLOUR, linewidth=0.9, linestyle=(0, (4, 3)))
                ax.text(1.002, observed_count, _mpl(f"observed: {observed_count:g}"),
                        transform=ax.get_yaxis_transform(), fontsize=7.5, va="center", ha="left",
                        color=_LEAK_COLOUR)
                lo = min(min(positive), observed_count) / 2.0
                hi = max(max(positive), observed_count) * 2.0
            else:
                lo, hi = min(positive) / 2.0, max(positive) * 2.0
            ax.set_ylim(lo, hi)
        ax.set_ylabel(_mpl(ylabel), fontsize=8)
        ax.grid(True, which="major", alpha=0.3)
    axes[2].set_xlabel("Channel wall thickness [mm]")
    walls = sorted({w for r in rows for w in [_num(r.get("wall_mm"))] if not math.isnan(w)})
    if walls:
        axes[2].set_xticks(walls, [f"{w:g}" for w in walls])
        if len(walls) == 1:
            axes[2].set_xlim(walls[0] - 0.5, walls[0] + 0.5)
    if anything:
        handles = [Line2D([], [], color=colour[f], marker="o", markersize=4,
                          label=_mpl(f"channels on {100 * f:.3g} %" if not math.isnan(f) else "channels: ?"))
                   for f in fractions]
        handles += [Line2D([], [], color="0.2", linestyle=style[s],
                           label=_mpl(f"facesheet {s:g} mm" if not math.isnan(s) else "facesheet ?"))
                    for s in faces]
        handles.append(Line2D([], [], color="0.2", marker="v", linestyle="none",
                              label="below the axis"))
        handles.append(Line2D([], [], color="0.25", linewidth=0.9, linestyle=(0, (4, 3)),
                              label=_mpl(f"{PLAUSIBLE:g}: unsurprising above\n"
                                         f"{VERY_UNLIKELY:g}: very unlikely below")))
        axes[0].legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.07, 1.0),
                       frameon=False, title=_mpl(f"debris {variant}"), title_fontsize=8)
    return _png_data_uri(fig)


# ------------------------------------------------------------------ sections


def _answer_section(paragraph, record: _Record, main: list[dict], variant: str) -> str:
    leaks, k = record.leaks, record.k
    parts = ["<section id=\"answer\"><h2>Three leaks in under a year: chance, or something "
             "systematic?</h2>"]
    if paragraph:
        parts.append(f"<p class=\"answer\">{_e(paragraph)}</p>")
    else:
        parts.append("<p class=\"answer muted\">No reading of the sweep was computed.</p>")
    first = next((t for _, t, _ in leaks if t is not None), None)
    leak_rows = []
    for name, t, raw in leaks:
        since = ((t - first).total_seconds() / 86400.0) if (t is not None and first is not None) else None
        leak_rows.append([(_e(name), ""), (_e(_when(raw)), ""), (_e(_days(since)), "num")])
    parts.append("<h3>The observed leaks</h3>")
    if leak_rows:
        parts.append(_table(["Vehicle", "Leak seen", "Days after the first leak"], leak_rows))
    else:
        parts.append("<p class=\"muted\">No observed leak recorded.</p>")
    span, window = record.span_days, record.window_days
    parts.append(_facts([
        ("Leaks", record.count),
        ("Span, first to last", _days(span) + (f" ({span / 30.4375:.1f} months)" if not math.isnan(span) else "")),
        ("Scan window", _days(window) + f" ({window / 30.4375:.0f} months)"),
        ("Leaks counted in a window (k)", k),
    ]))
    parts.append(f"<h3>What each combination of unpublished inputs implies (debris {_e(variant)})</h3>")
    if main:
        body = []
        for r in main:
            reading, cls = _reading(r, k)
            body.append([(_e(_mm(r.get("wall_mm"))), "num"), (_e(_mm(r.get("facesheet_mm"))), "num"),
                         (_e(_pct(r.get("channel_fraction"))), "num"),
                         (_e(format_number(r.get("n_expected"), 3)), "num"),
                         (_e(_prob(r.get("p_scan"))), _p_class(r.get("p_scan"))),
                         (_e(_prob(r.get("p_count_at_most_observed"))),
                          _p_class(r.get("p_count_at_most_observed"))),
                         (_e(_prob(r.get("p_none_before_first_leak"))),
                          _p_class(r.get("p_none_before_first_leak"))),
                         (_e(reading), cls)])
        parts.append(_table(["Channel wall", "Facesheet", "Channel fraction", "N (fleet history)",
                             f"P(≥ {k} in 12 months)", "P(N ≤ observed)",
                             "P(none before the first leak)", "Reading"], body, css="compact"))
    else:
        parts.append("<p class=\"muted\">No sweep row.</p>")
    parts.append(
        "<p class=\"muted\">N: expected leak-causing penetrations of all the fleet's radiators over "
        f"the history. <span class=\"p-ok\">Green</span>: probability of {PLAUSIBLE:g} or more; "
        f"<span class=\"p-low\">red</span>: below {VERY_UNLIKELY:g}. A combination is unsurprising "
        "as chance when all three probabilities are at least "
        f"{PLAUSIBLE:g}. The debris band (Kessler 1991 /3 and ×3, ORDEM2000) and every "
        "probability are in the full table of the <a href=\"#sweep\">sweep</a> section.</p>")
    parts.append("</section>")
    return "".join(parts)


def _member_table(members: list[dict]) -> str:
    body = [[(_e(m.get("vehicle") or MISSING), ""), (_e(m.get("module") or MISSING), ""),
             (_e(m.get("template") or "(own)"), ""), (_e(_days(m.get("exposure_days"))), "num"),
             (_e(format_number(m.get("n"), 3)), "num"), (_e(_when(m.get("event")) if m.get("event") else ""), "")]
            for m in members]
    return _table(["Vehicle", "Module", "Template", "Exposure", "Expected N", "Leak"], body)


def _timeline_section(events: list[dict], members: list[dict], history: dict, record: _Record) -> str:
    at = _dict(history.get("members_at"))
    wall, face = _mm(at.get("wall_mm")), _mm(at.get("facesheet_mm"))
    figure = _figure_html(
        "timeline", _timeline_plot(events, members, history, record),
        f"Two panels. Top: a time line of the exposure of the three leaking radiators, with the "
        f"leaks marked by red crosses and the 12-month window that holds them shaded. Bottom: "
        f"bars of the expected number of leak-causing penetrations of each of the {len(members)} "
        f"radiators of the fleet history at a {wall} wall and {face} facesheet.",
        "(a) Exposure of each leaking radiator from the start of its stay (docking or attachment) "
        "to its leak; hatched: uncertain exposure (position or orientation not published); the "
        "shaded band is the 12-month window from the first leak. (b) Expected leak-causing "
        f"penetrations of every radiator of the fleet history ({_e(_date(history.get('start')))} to "
        f"{_e(_date(history.get('end')))}) at a {_e(wall)} channel wall and {_e(face)} facesheet, "
        "in the order of the fleet list; the radiators that leaked are red.")
    details = (f"<details><summary>Fleet members ({len(members)})</summary>{_member_table(members)}"
               "</details>") if members else "<p class=\"muted\">No fleet member.</p>"
    facts = _facts([("Fleet history", f"{_when(history.get('start'))} to {_when(history.get('end'))}"),
                    ("Time step", history.get("step")),
                    ("RTOd's stowed years counted", _yes_no(history.get("include_stowed")))])
    return (f"<section id=\"timeline\"><h2>Timeline of the exposures and the fleet</h2>{figure}"
            f"{facts}{details}</section>")


def _event_block(rec: dict) -> str:
    event = _dict(rec.get("event"))
    name = _event_name(rec)
    parts = [f"<article class=\"event\"><h3>{_e(name)} <span class=\"muted\">({_e(rec.get('module') or MISSING)})"
             f"</span></h3>"]
    hole = _dict(event.get("observed_hole_mm"))
    hole_text = MISSING
    if hole:
        v = _finite(hole.get("value"))
        hole_text = (f"{v:g} {hole.get('unit') or 'mm'}" if v is not None else MISSING)
        if hole.get("source"):
            hole_text += f" — {hole['source']}"
        if hole.get("assumption"):
            hole_text += f" ({hole['assumption']})"
    n = _num(rec.get("n"))
    by_group = {g: _num(_dict(rec.get("n_by_group")).get(g)) for g in GROUP_ORDER}
    total = _nansum(list(by_group.values()))
    groups = [(f"N {_GROUP_LABELS[g]}", format_number(v, 3) + _share(v, total))
              for g, v in by_group.items()]
    speeds = _dict(rec.get("mean_speed_km_s"))
    band = [_num(v) for v in _list(rec.get("speed_band_km_s"))]
    band_text = (f"{band[0]:g}–{band[1]:g} km/s" if len(band) == 2 and not any(math.isnan(b) for b in band)
                 else "the speed band")
    shares = _dict(rec.get("share_in_speed_band"))
    parts.append(_facts([
        ("Event", f"{event.get('kind') or MISSING}, {_when(event.get('time'))}"
                  + (" (time uncertain)" if event.get("uncertain") else "")),
        ("Reported", event.get("source")),
        ("Note", event.get("note")),
        ("Observed hole", hole_text),
        ("Exposure", f"{_when(rec.get('start'))} to {_when(rec.get('end'))}, {_days(rec.get('exposure_days'))}"),
        ("Expected N to the leak", format_number(n, 3)),
        ("Probability of no penetration", format_number(rec.get("pnp"), 4)),
        *groups,
        ("Mean speed", ", ".join(f"{_GROUP_LABELS[g]} {format_number(speeds.get(g), 3)} km/s" for g in GROUP_ORDER)),
        (f"Share of each group's penetrators at {band_text}",
         ", ".join(f"{_GROUP_LABELS[g]} {_pct(shares.get(g))}" for g in GROUP_ORDER)),
        (f"Share of the penetrators at {band_text} that are debris",
         _pct(rec.get("p_debris_given_speed_band"))),
        ("Optional exposure rows included", _yes_no(rec.get("include_optional"))),
    ]))
    exposure = [r for r in _list(rec.get("exposure")) if isinstance(r, dict)]
    if exposure:
        parts.append("<h4>Exposure</h4>" + _table(
            ["Port", "Start", "End", "Days", "Uncertain", "Optional", "Note", "Source"],
            [[(_e(r.get("port") or MISSING), ""), (_e(_when(r.get("start"))), ""),
              (_e(_when(r.get("end"))), ""), (_e(format_number(r.get("days"))), "num"),
              (_e(_yes_no(r.get("uncertain"))), "flag" if r.get("uncertain") else ""),
              (_e(_yes_no(r.get("optional"))), ""), (_e(r.get("note") or ""), ""),
              (_e(r.get("source") or ""), "small")] for r in exposure]))
    orbit = _dict(rec.get("orbit"))
    segments = [s for s in _list(orbit.get("segments")) if isinstance(s, dict)]
    stand_in = _num(orbit.get("stand_in_days"))
    parts.append("<h4>Orbit</h4>")
    if not math.isnan(stand_in) and stand_in > 0:
        notes = "; ".join(sorted({str(s.get("note")) for s in segments
                                  if s.get("kind") == "circular" and s.get("note")}))
        parts.append(f"<p class=\"flag\"><strong>Stand-in orbit:</strong> {_e(format_number(stand_in))} d "
                     f"on a circular stand-in orbit instead of element sets"
                     f"{': ' + _e(notes) if notes else ''}.</p>")
    elif not math.isnan(stand_in):
        parts.append("<p>Element sets all the way (no circular stand-in).</p>")
    staleness = _dict(orbit.get("staleness"))
    parts.append(_facts([
        ("Source", orbit.get("source")),
        ("Element sets used", orbit.get("element_sets_used")),
        ("Epochs used", f"{_when(orbit.get('first_epoch_used'))} to {_when(orbit.get('last_epoch_used'))}"),
        ("Oldest element set in use", _days(staleness.get("max_age_days"))),
        ("Mean element-set age", _days(staleness.get("mean_age_days"))),
        (f"Time on element sets older than {_days(staleness.get('threshold_days'))}",
         _pct(staleness.get("fraction_older_than_threshold"))),
    ]))
    if segments:
        parts.append(_table(
            ["Start", "End", "Days", "Orbit", "Source", "Note"],
            [[(_e(_when(s.get("start"))), ""), (_e(_when(s.get("end"))), ""),
              (_e(format_number(s.get("days"))), "num"),
              (_e("circular stand-in" if s.get("kind") == "circular" else (s.get("kind") or MISSING)),
               "flag" if s.get("kind") == "circular" else ""),
              (_e(s.get("source") or ""), "small"), (_e(s.get("note") or ""), "")] for s in segments]))
    parts.append("<h4>Assumptions</h4>" + _assumptions_table(rec.get("assumptions")))
    parts.append("<h4>Not modelled</h4>" + _notes_list(rec.get("notes")))
    parts.append("</article>")
    return "".join(parts)


def _events_section(events: list[dict]) -> str:
    names = ", ".join(_event_name(r) for r in events) or "none"
    figure = _figure_html(
        "events", _events_plot(events),
        f"Stacked horizontal bars of the expected penetrations of each leaking radiator ({names}) "
        f"split into meteoroids, showers and debris, and below them one histogram per event of "
        f"the penetrators' impact speeds by source group, with the 6 to 10 km/s band shaded.",
        "Top: expected leak-causing penetrations from the start of each exposure to the leak, "
        "split into sporadic meteoroids, meteor showers and orbital debris. Below: the speed "
        "distribution of those penetrators (expected N per speed bin, stacked by group); the "
        "shaded band holds the ~7 km/s reported for the MS-22 penetrator, with the share of the "
        "penetrators there that are debris.")
    blocks = "".join(_event_block(r) for r in events) or "<p class=\"muted\">No reconstructed event.</p>"
    return f"<section id=\"events\"><h2>Each leak reconstructed</h2>{figure}{blocks}</section>"


def _geminids_section(gem: dict) -> str:
    before, after = _dict(gem.get("before")), _dict(gem.get("after"))
    vis = _dict(gem.get("visibility"))
    shower = gem.get("shower") or "GEM"
    module = gem.get("module") or MISSING
    facets = _facets(gem)
    az, series, hours_text = facets.azimuth_deg, facets.series, facets.hours_text
    figure = _figure_html(
        "geminids", _geminids_plot(facets),
        f"Bar chart of the expected {shower} penetrations on each facet of the {module} radiator "
        f"band against the facet's azimuth, {hours_text} before and after the leak, with the "
        f"facets no Geminid reaches shaded grey.",
        f"Expected {_e(shower)} penetrations of the coolant channels on each "
        f"{_e(format_number(360.0 / len(az), 3) if az else MISSING)}° facet of the radiator band "
        f"of <strong>{_e(module)}</strong>, {_e(hours_text)} before (blue) and after (orange) the "
        "leak, by the azimuth of the facet's outward normal in the station frame at clocking 0 "
        "(0° forward, 90° starboard, 180° aft, 270° port). Grey: facets the shower cannot reach.")
    elev = _range(vis.get("radiant_elevation_from_orbit_plane_deg"), "°",
                  lambda v: f"{v:.1f}")
    zhr = _range(vis.get("zhr_range"), "", lambda v: f"{v:.0f}")
    stalest = [_finite(x) for x in (before.get("stalest_element_set_days"),
                                    after.get("stalest_element_set_days"),
                                    vis.get("stalest_element_set_days"))]
    stalest = [x for x in stalest if x is not None]
    facts = _facts([
        ("Shower", shower), ("Radiator", module), ("Leak", _when(gem.get("leak"))),
        ("Failure criterion", gem.get("criterion")),
        ("Shower penetrations, before", f"{format_number(before.get('n_shower'), 3)} "
                                        f"(all sources: {format_number(before.get('n_all_sources'), 3)})"),
        ("Shower penetrations, after", f"{format_number(after.get('n_shower'), 3)} "
                                       f"(all sources: {format_number(after.get('n_all_sources'), 3)})"),
        ("Facets no Geminid reaches", f"{len(facets.unreached)} of {len(az)}" if az else MISSING),
        ("Share of the time the radiant is hidden by the Earth", _pct(vis.get("share_blocked_by_earth"))),
        ("Share of the time the radiant is visible", _pct(vis.get("share_visible"))),
        ("Radiant elevation above the orbit plane", elev),
        ("ZHR over the hours", zhr),
        ("Stalest element set used", _days(max(stalest)) if stalest else MISSING),
        ("Element sets used (before, after)", f"{_text(before.get('element_sets_used'))}, "
                                              f"{_text(after.get('element_sets_used'))}"),
    ])
    clocking = ("<p class=\"note\"><strong>Clocking.</strong> The vehicle's clocking about its docking "
                "axis is not published. A clocking of <var>c</var> degrees shifts every facet's "
                "azimuth by <var>c</var>: the facet at azimuth <var>a</var> at clocking 0 then faces "
                "<var>a</var> + <var>c</var>. The curve is a function of the azimuth in the station "
                "frame and does not change with the clocking, so a facet's Geminid exposure under "
                "any clocking is read off the curve at its shifted azimuth: the plot answers “could "
                "the Geminids have reached the hole's facet?” for every clocking at once.</p>")
    table = ""
    if az:
        def cell(label, i):
            values = series.get(label)
            return (_e(format_number(values[i], 3)), "num") if values else (MISSING, "num")
        table = ("<details><summary>Per-facet values (table)</summary>"
                 + _table(["Azimuth", f"{hours_text} before", f"{hours_text} after"],
                          [[(_e(format_number(a, 4) + "°"), "num"), cell("before", i), cell("after", i)]
                           for i, a in enumerate(az)])
                 + "</details>")
    return (f"<section id=\"geminids\"><h2>The Geminids and the Soyuz MS-22 radiator</h2>{figure}"
            f"{clocking}{facts}{table}</section>")


def _sweep_section(rows: list[dict], main: list[dict], variant: str, record: _Record) -> str:
    k = record.k
    figure = _figure_html(
        "sweep", _sweep_plot(main, variant, k, float(record.count)),
        f"Three line charts against the channel wall thickness, one line per channel fraction "
        f"and line style per facesheet, debris {variant}: the probability of {k} or more leaks "
        f"within some 12 months, the probability of the quiet years, and the expected number of "
        f"leaks, on log axes with reference lines at 0.05 and 0.001.",
        f"Sensitivity to the unpublished inputs (debris {_e(variant)}): (a) probability of {k} or "
        "more leak-causing penetrations inside some 12-month window of the fleet history; (b) the "
        "smaller of P(no more than the observed count) and P(none before the first leak); (c) "
        "expected penetrations over the history, against the observed count (red). Dashed "
        f"lines: {PLAUSIBLE:g} (unsurprising above) and {VERY_UNLIKELY:g} (very unlikely below); "
        "triangles: values below the axis.")
    body = []
    for r in rows:
        body.append([(_e(_mm(r.get("wall_mm"))), "num"), (_e(_mm(r.get("facesheet_mm"))), "num"),
                     (_e(_pct(r.get("channel_fraction"))), "num"), (_e(r.get("debris") or MISSING), ""),
                     (_e(format_number(r.get("n_expected"), 3)), "num"),
                     (_e(_prob(r.get("p_scan"))), _p_class(r.get("p_scan"))),
                     (_e(_prob(r.get("p_count_at_most_observed"))), _p_class(r.get("p_count_at_most_observed"))),
                     (_e(_prob(r.get("p_none_before_first_leak"))), _p_class(r.get("p_none_before_first_leak"))),
                     (_e(format_number(r.get("n_meteoroid_and_showers"), 3)), "num"),
                     (_e(format_number(r.get("n_debris"), 3)), "num"),
                     (_e(format_number(r.get("n_before_first_leak"), 3)), "num"),
                     (_e(_prob(r.get("p_count_at_least_observed"))), "num"),
                     (_e(_prob(r.get("p_count_exactly_observed"))), "num"),
                     (_e(format_number(r.get("p_scan_upper_bound"), 3)), "num"),
                     (_e(r.get("scan_method") or MISSING), "")])
    table = (_table(["Wall", "Facesheet", "Channel fraction", "Debris", "N",
                     f"P(≥ {k} in 12 months)", "P(N ≤ observed)", "P(none before the first leak)",
                     "N meteoroids + showers", "N debris", "N before the first leak",
                     "P(N ≥ observed)", "P(N = observed)", "Scan bound", "Scan method"],
                    body, css="sweep")
             if body else "<p class=\"muted\">No sweep row.</p>")
    return (f"<section id=\"sweep\"><h2>Sensitivity to the unpublished inputs</h2>{figure}"
            f"<h3>All {len(rows)} combinations</h3>{table}"
            "<p class=\"muted\">Scan bound: an upper bound of P(≥ k in 12 months) (an up-crossing "
            "bound), which can exceed 1. Debris variants: the Kessler 1991 model, divided and multiplied by its "
            "published uncertainty factor of 3, and ORDEM2000.</p></section>")


_EXTRA_CSS = """
p.answer { font-size: 1.12rem; line-height: 1.55; background: #f6f8fb; border-left: 5px solid #0b4f8a;
           padding: .8rem 1rem; margin: .6rem 0 1rem; max-width: 62rem; }
.p-low { color: #a00000; font-weight: 600; }
.p-ok { color: #1c6b2f; }
td.small { font-size: .8rem; color: var(--muted); max-width: 22rem; }
table.sweep { font-size: .8rem; }
table.sweep th { font-size: .78rem; }
table.sweep td { white-space: nowrap; }
table.compact td:last-child { white-space: normal; }
article.event { margin: 1.5rem 0 2rem; padding-top: .4rem; border-top: 1px dashed var(--rule); }
article.event h3 { margin-top: .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p.note { background: #fff8e6; border: 1px solid #f0d48a; padding: .6rem .8rem; border-radius: 4px;
         max-width: 62rem; }
"""


# ------------------------------------------------------------------ the document


def render_events_html(analysis: dict) -> str:
    """The report of the 2022-2023 coolant-leak analysis as one self-contained HTML5 document.

    Parameters
    ----------
    analysis : dict
        What :func:`impactrisk.events.analyse` returns (JSON-clean: non-finite numbers as
        None): ``command``, ``version``, ``created``, ``reconstruction`` (one dict per
        leak: module, vehicle, event, exposure rows, N by group and source, speeds,
        orbit segments and staleness, assumptions, notes), ``geminids`` (per-facet
        Geminid penetrations of the Soyuz MS-22 radiator before and after the leak and
        the radiant's visibility) and ``coincidence`` (fleet history, observed leaks,
        one row per sweep point with the count and scan probabilities, and the
        ``paragraph`` that reads the sweep). Any key may be missing, any value None.

    Returns
    -------
    str
        The HTML document: sections ``answer``, ``timeline``, ``events``, ``geminids``,
        ``sweep`` and ``reproduce``; four plots as embedded PNG images with
        ``data-plot`` set to ``timeline``, ``events``, ``geminids`` and ``sweep``. It
        refers to no external resource; its one script is inline.

    Notes
    -----
    The compact table of the answer and the sweep plot use the Kessler 1991 debris rows
    (else those of the first debris variant present); the full table has every row.
    A row is "unsurprising as chance" when P(>= k in 12 months), P(N <= observed) and
    P(none before the first leak) are all at least 0.05, and marks a very unlikely
    record where one is below 0.001 (the thresholds of the paragraph). The renderer
    does no I/O and does not change ``analysis``; matplotlib is imported lazily and
    only its Agg canvas is used.
    """
    analysis = _dict(analysis)
    coincidence = _dict(analysis.get("coincidence"))
    history = _dict(coincidence.get("history"))
    events = _events(analysis)
    rows = _rows(coincidence)
    record = _record(coincidence, events)
    main, variant = _main_rows(rows)
    lead = ("Three radiator coolant leaks on Russian ISS hardware in under a year: Soyuz MS-22 "
            "(15 Dec 2022), Progress MS-21 (11 Feb 2023) and the Nauka backup radiator RTOd "
            "(9 Oct 2023). Micrometeoroid and debris penetrations by chance, or something "
            "systematic?")
    return _page(
        title=_TITLE, heading=_TITLE, lead=_e(lead), version=analysis.get("version"),
        created=analysis.get("created"), section_ids=SECTION_IDS, extra_css=_EXTRA_CSS,
        sections=[
            _answer_section(coincidence.get("paragraph"), record, main, variant),
            _timeline_section(events, _members(history), history, record),
            _events_section(events),
            _geminids_section(_dict(analysis.get("geminids"))),
            _sweep_section(rows, main, variant, record),
            _reproduce_section(analysis),
        ])
