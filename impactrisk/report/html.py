"""Self-contained HTML report of a batch of risk assessments.

:func:`render_report_html` turns the ``summary`` and the per-(module, window) ``rows``
that ``impactrisk report`` writes to ``summary.json`` and ``results.csv`` into one HTML5
document: CSS inline, plots as embedded base64 PNG images drawn with matplotlib's Agg
canvas (no pyplot, no global state), no external asset of any kind, so the file can be
mailed, archived or opened offline and looks the same. The renderer does no I/O: the
caller writes the string (atomically).

Sections, each with an ``id``: ``summary``, ``timeline``, ``cumulative``, ``split``,
``surfaces``, ``assumptions`` and ``reproduce``. Every plot is an ``<img>`` with an
``alt`` text and a ``data-plot`` attribute (``timeline``, ``cumulative``, ``split``,
``surfaces``) inside a ``<figure>`` with a ``<figcaption>``. A small inline script
records on ``<body>`` (``data-images-ok``, ``data-images-total``) how many images the
browser decoded, so that a headless browser test can check the rendered page.

Missing values (``None``, NaN, anything that is not a number) are shown as '—'.
"""

from __future__ import annotations

import base64
import html
import io
import math
from datetime import datetime

from impactrisk.report import GROUP_COLOURS, GROUP_ORDER
from impactrisk.timegrid import parse_utc

__all__ = ["PLOT_NAMES", "SECTION_IDS", "format_number", "render_report_html"]

#: The ``id`` of each section, in document order.
SECTION_IDS = ("summary", "timeline", "cumulative", "split", "surfaces", "assumptions", "reproduce")
#: The ``data-plot`` name of each plot, in document order.
PLOT_NAMES = ("timeline", "cumulative", "split", "surfaces")

#: Shown for a missing or non-finite value.
MISSING = "—"
_GROUP_LABELS = {"meteoroid": "meteoroids", "shower": "showers", "debris": "debris"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_MAX_SURFACE_BARS = 20
_DPI = 100


# ------------------------------------------------------------------ numbers and text


def _num(value) -> float:
    """``value`` as a float; NaN when it is missing or not a number."""
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def format_number(value, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, for people.

    Parameters
    ----------
    value : float or None
        The number; None, NaN and anything that is not a number give '—'.
    digits : int
        Significant digits.

    Returns
    -------
    str
        Plain notation between 0.01 and 1e5, else a mantissa times a power of ten
        (``1.234 × 10⁻⁵``), so that the small numbers of a column read alike; '∞' for
        infinity.

    Examples
    --------
    >>> format_number(0.000012345)
    '1.234 × 10⁻⁵'
    >>> format_number(0.0012345)
    '1.234 × 10⁻³'
    >>> format_number(12.3456)
    '12.35'
    >>> format_number(float("nan"))
    '—'
    """
    x = _num(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0.0:
        return "0"
    if 1e-2 <= abs(x) < 1e5:
        return f"{x:.{digits}g}"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def _format_pnp(n: float) -> str:
    """PNP = exp(-N), with enough decimals to show 1 - PNP to 3 significant digits."""
    if math.isnan(n):
        return MISSING
    if n <= 0.0:
        return "1" if n == 0.0 else MISSING
    risk = -math.expm1(-n)
    if risk >= 0.5:
        return format_number(math.exp(-n))
    decimals = min(15, max(4, int(math.floor(-math.log10(risk))) + 3))
    return f"{math.exp(-n):.{decimals}f}"


def _format_one_in(n: float) -> str:
    """'1 in X' with X = 1 / (1 - exp(-N)), to 3 significant digits."""
    if math.isnan(n) or n < 0.0:
        return MISSING
    if n == 0.0:
        return "never (N = 0)"
    x = 1.0 / -math.expm1(-n)
    if x >= 1000.0:
        return f"1 in {float(f'{x:.3g}'):,.0f}"
    return f"1 in {x:.3g}"


def _share(part: float, whole: float) -> str:
    if math.isnan(part) or math.isnan(whole) or whole <= 0.0:
        return ""
    return f" ({100.0 * part / whole:.3g} %)"


def _text(value) -> str:
    """Any JSON value as text ('—' for None or '', numbers by :func:`format_number`,
    lists in brackets, dicts as ``key: value`` pairs)."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _e(value) -> str:
    """Text escaped for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _mpl(text) -> str:
    """Text for matplotlib, which reads '$...$' as mathtext."""
    return str(text).replace("$", r"\$")


def _parse_time(value) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; None when it cannot be read."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_utc(value)
    except ValueError:  # InputError is one
        return None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


# ------------------------------------------------------------------ aggregation


class _Module:
    """What the report shows of one module, gathered from the summary and the rows."""

    def __init__(self, name: str, info: dict):
        self.name = name
        self.info = info
        self.rows: list[dict] = []
        self.n = math.nan
        self.groups = {g: math.nan for g in GROUP_ORDER}
        self.surfaces: dict[str, float] = {}
        self.counts = {"ok": 0, "not-present": 0, "failed": 0, "other": 0}

    @property
    def vehicle(self) -> str:
        vehicle = self.info.get("vehicle")
        if vehicle:
            return str(vehicle)
        for row in self.rows:
            if row.get("vehicle"):
                return str(row["vehicle"])
        return ""

    @property
    def roles(self) -> dict[str, str]:
        return {str(s.get("name")): str(s.get("role") or "")
                for s in _list(self.info.get("surfaces")) if isinstance(s, dict)}


def _nansum(values) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return math.fsum(finite) if finite else math.nan


def _gather(summary: dict, rows: list[dict]) -> list[_Module]:
    """The modules in the summary's order (then any others met in the rows)."""
    modules: dict[str, _Module] = {}
    for info in _list(summary.get("modules")):
        if isinstance(info, dict) and info.get("name") is not None:
            modules.setdefault(str(info["name"]), _Module(str(info["name"]), info))
    for row in rows:
        name = str(row.get("module", ""))
        modules.setdefault(name, _Module(name, {})).rows.append(row)
    totals = _dict(summary.get("totals"))
    for module in modules.values():
        ok = []
        for row in module.rows:
            status = row.get("status")
            module.counts[status if status in module.counts else "other"] += 1
            if status == "ok":
                ok.append(row)
        module.n = _nansum([_num(r.get("n")) for r in ok])
        for group in GROUP_ORDER:
            module.groups[group] = _nansum([_num(_dict(r.get("n_by_group")).get(group)) for r in ok])
        for row in ok:
            for surface, value in _dict(row.get("n_by_surface")).items():
                value = _num(value)
                if not math.isnan(value):
                    module.surfaces[str(surface)] = module.surfaces.get(str(surface), 0.0) + value
        # The batch's own totals win where it gives a number.
        total = _dict(totals.get(module.name))
        if not math.isnan(_num(total.get("n"))):
            module.n = _num(total["n"])
        for group, value in _dict(total.get("n_by_group")).items():
            if group in module.groups and not math.isnan(_num(value)):
                module.groups[group] = _num(value)
    return list(modules.values())


def _riskiest(modules: list[_Module]) -> _Module | None:
    candidates = [m for m in modules if not math.isnan(m.n)]
    if candidates:
        return max(candidates, key=lambda m: m.n)
    return modules[0] if modules else None


# ------------------------------------------------------------------ plots


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png_data_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, _mpl(text), transform=ax.transAxes, ha="center", va="center",
            fontsize=11, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _sci(ax, axis: str) -> None:
    """Tick labels of a small-number linear axis as a shared power of ten."""
    ax.ticklabel_format(axis=axis, style="sci", scilimits=(-2, 4), useMathText=True)


def _colours(modules: list[_Module]) -> dict[str, str]:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return {m.name: cmap(i % 10) for i, m in enumerate(modules)}


def _date_axis(ax) -> None:
    from matplotlib import dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _windows(module: _Module):
    """(row, start, end) of the module's rows whose times can be read, by end."""
    out = []
    for row in module.rows:
        start, end = _parse_time(row.get("window_start")), _parse_time(row.get("window_end"))
        if start is not None and end is not None and end >= start:
            out.append((row, start, end))
    return sorted(out, key=lambda item: (item[2], item[1]))


def _timeline_plot(modules: list[_Module], colours: dict) -> str:
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = _figure(10.0, 4.2)
    ax = fig.add_subplot()
    spans = sorted({(s, e) for m in modules for _, s, e in _windows(m)})
    if not spans:
        _no_data(ax, "no window with readable times")
        return _png_data_uri(fig)
    k = max(1, len(modules))
    positive = []
    failed_x, missing_x, handles = [], [], []
    for index, module in enumerate(modules):
        xs, widths, heights = [], [], []
        for row, start, end in _windows(module):
            x0 = mdates.date2num(start)
            span = max(mdates.date2num(end) - x0, 1e-6)
            width = 0.9 * span / k
            centre = x0 + 0.05 * span + (index + 0.5) * width
            status, n = row.get("status"), _num(row.get("n"))
            if status == "failed":
                failed_x.append(centre)
            elif status == "ok" and math.isnan(n):
                missing_x.append(centre)
            elif status == "ok":
                xs.append(centre)
                widths.append(width)
                heights.append(n)
                if n > 0:
                    positive.append(n)
        if xs:
            ax.bar(xs, heights, width=widths, color=colours[module.name], edgecolor="white",
                   linewidth=0.5)
        handles.append(Patch(color=colours[module.name], label=_mpl(module.name)))
    log = bool(positive) and max(positive) / min(positive) > 100.0
    if log:
        ax.set_yscale("log")
        ax.set_ylim(min(positive) / 3.0, max(positive) * 3.0)
    elif not positive:
        ax.set_ylim(0.0, 1.0)
    else:
        ax.set_ylim(0.0, max(positive) * 1.12)
    trans = ax.get_xaxis_transform()
    if failed_x:
        ax.plot(failed_x, [0.04] * len(failed_x), linestyle="none", marker="X", markersize=10,
                color="#c00000", transform=trans, clip_on=False)
        handles.append(Line2D([], [], linestyle="none", marker="X", markersize=9, color="#c00000",
                              label="failed window (no value)"))
    if missing_x:
        ax.plot(missing_x, [0.04] * len(missing_x), linestyle="none", marker="o", markersize=7,
                markerfacecolor="none", color="0.3", transform=trans, clip_on=False)
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
                              color="0.3", label="value missing"))
    ax.set_xlim(mdates.date2num(spans[0][0]), mdates.date2num(max(e for _, e in spans)))
    _date_axis(ax)
    if not log:
        _sci(ax, "y")
    ax.set_ylabel("Expected penetrations N per window")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              frameon=False)
    return _png_data_uri(fig)


def _cumulative_series(module: _Module):
    """(times, cumulative N, failed times, failed cumulative N) of one module."""
    windows = _windows(module)
    if not windows:
        return [], [], [], []
    times, cum, failed_t, failed_n = [windows[0][1]], [0.0], [], []
    total = 0.0
    for row, _, end in windows:
        n = _num(row.get("n"))
        if row.get("status") == "ok" and not math.isnan(n):
            total += n
        times.append(end)
        cum.append(total)
        if row.get("status") == "failed":
            failed_t.append(end)
            failed_n.append(total)
    return times, cum, failed_t, failed_n


def _cumulative_plot(modules: list[_Module], colours: dict) -> str:
    from matplotlib import dates as mdates
    from matplotlib.ticker import ScalarFormatter

    fig = _figure(10.0, 4.2)
    ax = fig.add_subplot()
    series = {m.name: _cumulative_series(m) for m in modules}
    series = {name: s for name, s in series.items() if s[0]}
    if not series:
        _no_data(ax, "no window with readable times")
        return _png_data_uri(fig)
    any_failed = False
    for module in modules:
        if module.name not in series:
            continue
        times, cum, failed_t, failed_n = series[module.name]
        ax.plot(mdates.date2num(times), [math.exp(-c) for c in cum], marker=".",
                color=colours[module.name], label=_mpl(module.name))
        if failed_t:
            any_failed = True
            ax.plot(mdates.date2num(failed_t), [math.exp(-c) for c in failed_n], linestyle="none",
                    marker="X", markersize=9, color="#c00000")
    # All modules together: exp(-sum of each module's cumulative N at each time).
    grid = sorted({t for times, *_ in series.values() for t in times})
    combined = []
    for t in grid:
        total = 0.0
        for times, cum, *_ in series.values():
            reached = [c for tt, c in zip(times, cum) if tt <= t]
            total += reached[-1] if reached else 0.0
        combined.append(math.exp(-total))
    ax.plot(mdates.date2num(grid), combined, color="black", linewidth=2.2,
            label="all modules, exp(−ΣN)")
    if any_failed:
        ax.plot([], [], linestyle="none", marker="X", markersize=9, color="#c00000",
                label="failed window (not counted)")
    formatter = ScalarFormatter(useOffset=False)
    formatter.set_scientific(False)
    ax.yaxis.set_major_formatter(formatter)
    lowest = min(combined)
    if lowest >= 1.0:
        ax.set_ylim(0.99, 1.001)
    else:
        ax.set_ylim(lowest - 0.05 * (1.0 - lowest), 1.0 + 0.05 * (1.0 - lowest))
    _date_axis(ax)
    ax.set_ylabel("Cumulative PNP = exp(−N)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _png_data_uri(fig)


def _split_plot(modules: list[_Module]) -> str:
    fig = _figure(10.0, max(2.4, 1.2 + 0.45 * len(modules)))
    ax = fig.add_subplot()
    if not modules:
        _no_data(ax, "no module")
        return _png_data_uri(fig)
    _group_bars(ax, [m.name for m in modules], [m.groups for m in modules],
                [format_number(m.n) if not math.isnan(m.n) else "no value" for m in modules])
    ax.set_xlabel("Expected penetrations N over the range")
    return _png_data_uri(fig)


def _group_bars(ax, names: list[str], n_by_group: list[dict], end_labels: list[str]) -> None:
    """Horizontal bars of expected penetrations, one per name (top to bottom), stacked by
    source group (GROUP_ORDER, in GROUP_COLOURS), each with its end label, and the legend.

    ``n_by_group[i]`` maps a group to N (missing, None or NaN draws nothing); ``names``
    is not empty. The caller sets the axis label.
    """
    y = list(range(len(names)))
    left = [0.0] * len(names)
    for group in GROUP_ORDER:
        widths = [_num(values.get(group)) for values in n_by_group]
        widths = [0.0 if math.isnan(w) else w for w in widths]
        ax.barh(y, widths, left=left, color=GROUP_COLOURS[group], label=_GROUP_LABELS[group],
                height=0.6)
        left = [a + b for a, b in zip(left, widths)]
    top = max(left) if max(left) > 0 else 1.0
    for yi, end, text in zip(y, left, end_labels):
        ax.text(end + 0.01 * top, yi, _mpl(text), va="center", fontsize=8)
    ax.set_xlim(0.0, top * 1.18)
    ax.set_yticks(y, [_mpl(name) for name in names])
    ax.invert_yaxis()
    _sci(ax, "x")
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _surface_items(module: _Module | None):
    """(label, role, N) of the module's surfaces, largest first, the tail lumped."""
    if module is None:
        return []
    roles = module.roles
    items = sorted(((name, roles.get(name, ""), n) for name, n in module.surfaces.items()),
                   key=lambda item: -item[2])
    if len(items) > _MAX_SURFACE_BARS:
        rest = items[_MAX_SURFACE_BARS - 1:]
        items = items[:_MAX_SURFACE_BARS - 1] + [
            (f"{len(rest)} other surfaces", "", math.fsum(n for *_, n in rest))]
    return items


def _surfaces_plot(module: _Module | None) -> str:
    from matplotlib import colormaps
    from matplotlib.patches import Patch

    items = _surface_items(module)
    fig = _figure(10.0, max(2.4, 1.2 + 0.32 * len(items)))
    ax = fig.add_subplot()
    if not items:
        _no_data(ax, "no per-surface values" + (f" for {module.name}" if module else ""))
        return _png_data_uri(fig)
    roles = sorted({role for _, role, _ in items})
    cmap = colormaps["Set2"]
    colour = {role: cmap(i % 8) for i, role in enumerate(roles)}
    y = list(range(len(items)))
    ax.barh(y, [n for *_, n in items], color=[colour[r] for _, r, _ in items], height=0.65)
    top = max(n for *_, n in items) or 1.0
    for yi, (_, _, n) in zip(y, items):
        ax.text(n + 0.01 * top, yi, _mpl(format_number(n)), va="center", fontsize=8)
    ax.set_xlim(0.0, top * 1.15)
    ax.set_yticks(y, [_mpl(f"{name} [{role}]" if role else name) for name, role, _ in items],
                  fontsize=8)
    ax.invert_yaxis()
    _sci(ax, "x")
    ax.set_xlabel(_mpl(f"Expected penetrations N over the range, {module.name}"))
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(handles=[Patch(color=colour[r], label=_mpl(r or "(no role)")) for r in roles],
              title="role", fontsize=8, title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _png_data_uri(fig)


# ------------------------------------------------------------------ HTML pieces


_CSS = """
:root { --ink: #1b1f24; --muted: #5a6470; --rule: #d5dae0; --band: #f3f5f7; --bad: #a00000; }
* { box-sizing: border-box; }
html { font-family: "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif;
       color: var(--ink); background: #fff; line-height: 1.45; }
body { margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.7rem; }
header p { margin: .15rem 0; color: var(--muted); }
nav { margin: 1rem 0 .5rem; padding: .5rem .75rem; background: var(--band); border-radius: 4px; }
nav a { margin-right: 1rem; color: #0b4f8a; text-decoration: none; }
nav a:hover { text-decoration: underline; }
section { margin-top: 2rem; padding-top: .5rem; border-top: 2px solid var(--rule); }
h2 { font-size: 1.3rem; margin: .4rem 0 .6rem; }
h3 { font-size: 1.08rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .55rem; vertical-align: top; text-align: left; }
th { background: var(--band); font-weight: 600; }
table.modules td { white-space: nowrap; }
td.value { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; background: #fafbfc; }
.table-wrap { overflow-x: auto; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .35rem; max-width: 60rem; }
.status-failed { color: var(--bad); font-weight: 600; }
.status-not-present { color: var(--muted); }
.muted { color: var(--muted); }
.flag { color: var(--bad); }
code, pre { font-family: "Liberation Mono", "DejaVu Sans Mono", Consolas, monospace; }
pre { background: #0f1720; color: #e6edf3; padding: .8rem 1rem; border-radius: 4px;
      overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .4rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
details { margin: .5rem 0; }
summary { cursor: pointer; color: #0b4f8a; }
ul.notes li { margin: .2rem 0; }
@media print { nav { display: none; } section { break-inside: avoid-page; } }
"""

# Records on <body> how many images the browser decoded (read back by the browser test).
_IMAGE_CHECK_JS = """
(function () {
  function check() {
    var images = Array.prototype.slice.call(document.images);
    var ok = images.filter(function (img) { return img.complete && img.naturalWidth > 0; }).length;
    document.body.dataset.imagesOk = String(ok);
    document.body.dataset.imagesTotal = String(images.length);
    var out = document.getElementById("image-check");
    if (out) { out.textContent = ok + " of " + images.length + " images decoded"; }
  }
  if (document.readyState === "complete") { check(); } else { window.addEventListener("load", check); }
})();
"""


def _table(headers: list[str], body: list[list[tuple[str, str]]], *, css: str = "",
           row_classes: list[str] | None = None) -> str:
    """A table; cells are (already escaped HTML, class) pairs."""
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in headers)
    lines = []
    for i, cells in enumerate(body):
        cls = row_classes[i] if row_classes and row_classes[i] else ""
        tds = "".join(f"<td class=\"{c}\">{v}</td>" if c else f"<td>{v}</td>" for v, c in cells)
        lines.append(f"<tr class=\"{cls}\">{tds}</tr>" if cls else f"<tr>{tds}</tr>")
    cls = f" class=\"{css}\"" if css else ""
    return (f"<div class=\"table-wrap\"><table{cls}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table></div>")


def _facts(items: list[tuple[str, object]]) -> str:
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(MISSING if v in (None, '') else v)}</dd>"
                   for k, v in items)
    return f"<dl class=\"facts\">{rows}</dl>"


def _assumptions_table(assumptions) -> str:
    """The table of a module's assumptions (``key``, ``value``, ``reasoning`` dicts), or
    a line saying there is none."""
    assumptions = [a for a in _list(assumptions) if isinstance(a, dict)]
    if not assumptions:
        return "<p class=\"muted\">No assumption recorded.</p>"
    return _table(["Key", "Value", "Reasoning"],
                  [[(f"<code>{_e(a.get('key'))}</code>", ""), (_e(_text(a.get("value"))), "value"),
                    (_e(a.get("reasoning") or ""), "")] for a in assumptions])


def _notes_list(notes) -> str:
    """The notes (what is not modelled) as a list, or a line saying there is none."""
    notes = [n for n in _list(notes) if n is not None]
    if not notes:
        return "<p class=\"muted\">No note.</p>"
    return "<ul class=\"notes\">" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"


def _page(*, title: str, heading: str, lead: str, version, created, section_ids,
          sections: list[str], extra_css: str = "") -> str:
    """A whole report: the HTML5 document around its sections.

    Parameters
    ----------
    title : str
        Text of the document's ``<title>``.
    heading : str
        Text of the ``<h1>``.
    lead : str
        HTML (already escaped) of the line under the heading.
    version, created
        impactrisk's version and the creation time, shown under the lead.
    section_ids : sequence of str
        The ``id`` of each section, in document order, linked from the navigation bar.
    sections : list of str
        The HTML of the sections, in that order.
    extra_css : str
        Style rules of this report, after the shared ones.

    Returns
    -------
    str
        The document: style inline, the sections in ``<main>`` after the header and the
        navigation, and the inline script that records on ``<body>`` how many images
        the browser decoded (``data-images-ok``, ``data-images-total``).
    """
    nav = "".join(f"<a href=\"#{sid}\">{_e(sid.capitalize())}</a>" for sid in section_ids)
    header = (f"<header><h1>{_e(heading)}</h1><p>{lead}</p>"
              f"<p>impactrisk {_e(version or MISSING)} · created {_e(created or MISSING)}</p></header>")
    body = "".join(["<main>", header, f"<nav aria-label=\"Sections\">{nav}</nav>", *sections,
                    "<p id=\"image-check\" hidden></p>", "</main>"])
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"impactrisk\">\n"
            f"<title>{_e(title)}</title>\n"
            f"<style>{_CSS}{extra_css}</style>\n</head>\n<body>\n{body}\n"
            f"<script>{_IMAGE_CHECK_JS}</script>\n</body>\n</html>\n")


def _figure_html(name: str, uri: str, alt: str, caption: str) -> str:
    return (f"<figure><img src=\"{uri}\" data-plot=\"{name}\" alt=\"{_e(alt)}\">"
            f"<figcaption>{caption}</figcaption></figure>")


def _window_counts(module: _Module) -> str:
    c = module.counts
    parts = [f"{c['ok']} ok"]
    if c["not-present"]:
        parts.append(f"{c['not-present']} not present")
    if c["failed"]:
        parts.append(f"<span class=\"flag\">{c['failed']} failed</span>")
    if c["other"]:
        parts.append(f"{c['other']} other")
    return ", ".join(parts)


def _summary_section(summary: dict, modules: list[_Module], failures: list[dict]) -> str:
    rng = _dict(summary.get("range"))
    intro = _facts([("Range", f"{rng.get('start') or MISSING} to {rng.get('end') or MISSING}"),
                    ("Windows", rng.get("every")),
                    ("Failure criterion", summary.get("criterion")),
                    ("Modules", len(modules))])
    body, classes = [], []
    for m in modules:
        group_total = _nansum(list(m.groups.values()))
        name = _e(m.name)
        if m.counts["failed"]:
            name += " <span class=\"flag\" title=\"failed windows are not counted\">*</span>"
        if m.counts["ok"] == 0 and m.counts["not-present"] and not m.counts["failed"]:
            name += " <span class=\"muted\">(not present in any window)</span>"
        body.append([(name, ""), (_e(m.vehicle or MISSING), ""), (_window_counts(m), ""),
                     (_e(format_number(m.n)), "num"), (_e(_format_pnp(m.n)), "num"),
                     (_e(_format_one_in(m.n)), "num")]
                    + [(_e(format_number(m.groups[g]) + _share(m.groups[g], group_total)), "num")
                       for g in GROUP_ORDER])
        classes.append("")
    all_n = _nansum([m.n for m in modules])
    all_groups = {g: _nansum([m.groups[g] for m in modules]) for g in GROUP_ORDER}
    all_group_total = _nansum(list(all_groups.values()))
    if len(modules) > 1:
        body.append([("All modules", ""), ("", ""), ("", ""), (_e(format_number(all_n)), "num"),
                     (_e(_format_pnp(all_n)), "num"), (_e(_format_one_in(all_n)), "num")]
                    + [(_e(format_number(all_groups[g]) + _share(all_groups[g], all_group_total)),
                        "num") for g in GROUP_ORDER])
        classes.append("total")
    table = _table(["Module", "Vehicle", "Windows", "N (total)", "PNP = exp(−N)",
                    "Chance of ≥ 1 penetration", "N meteoroids", "N showers", "N debris"],
                   body, css="modules", row_classes=classes)
    note = ("<p class=\"muted\">N: expected number of penetrations that cause a leak "
            "(failure criterion above), summed over the windows in which the module was present. "
            "PNP: probability of no penetration. "
            "<span class=\"flag\">*</span> windows that failed are not counted, so N is a lower "
            "bound there.</p>")
    tasks = _dict(summary.get("tasks"))
    task_facts = _facts([("Total", tasks.get("total")), ("Ok", tasks.get("ok")),
                         ("Not present", tasks.get("not_present")),
                         ("Failed", tasks.get("failed")),
                         ("Reused from an earlier run", tasks.get("reused"))])
    if failures:
        fail_html = _table(["Module", "Window start", "Window end", "Reason"],
                           [[(_e(f.get("module")), ""), (_e(f.get("window_start")), ""),
                             (_e(f.get("window_end")), ""),
                             (_e(f.get("reason") or MISSING), "status-failed")] for f in failures])
    else:
        fail_html = "<p>No task failed.</p>"
    return (f"<section id=\"summary\"><h2>Summary</h2>{intro}"
            f"<h3>Modules over the whole range</h3>{table}{note}"
            f"<h3>Tasks</h3>{task_facts}<h3>Failed tasks</h3>{fail_html}</section>")


def _window_table(modules: list[_Module]) -> str:
    body = []
    for m in modules:
        for row in sorted(m.rows, key=lambda r: str(r.get("window_start", ""))):
            status = str(row.get("status", ""))
            groups = _dict(row.get("n_by_group"))
            body.append([(_e(m.name), ""), (_e(row.get("window_start")), ""),
                         (_e(row.get("window_end")), ""),
                         (_e(status), f"status-{status}" if status in ("failed", "not-present") else ""),
                         (_e(format_number(row.get("exposed_days"))), "num"),
                         (_e(format_number(row.get("n"))), "num"),
                         (_e(_format_pnp(_num(row.get("n")))), "num")]
                        + [(_e(format_number(groups.get(g))), "num") for g in GROUP_ORDER]
                        + [(_e(row.get("reason") or ""), "")])
    return _table(["Module", "Window start", "Window end", "Status", "Exposed days", "N",
                   "PNP", "N meteoroids", "N showers", "N debris", "Reason"], body)


def _assumptions_section(summary: dict, modules: list[_Module]) -> str:
    parts = ["<section id=\"assumptions\"><h2>Assumptions, models and data</h2>"]
    for m in modules:
        info = m.info
        parts.append(f"<h3>{_e(m.name)}</h3>")
        parts.append(_facts([("Vehicle", m.vehicle), ("Description", info.get("description"))]))
        parts.append("<dl class=\"facts\"><dt>Module hash</dt><dd><code>"
                     f"{_e(info.get('module_hash') or MISSING)}</code></dd></dl>")
        parts.append(_assumptions_table(info.get("assumptions")))
        surfaces = [s for s in _list(info.get("surfaces")) if isinstance(s, dict)]
        if surfaces:
            parts.append("<details><summary>Surfaces ("
                         f"{len(surfaces)})</summary>"
                         + _table(["Surface", "Role", "Area [m²]"],
                                  [[(_e(s.get("name")), ""), (_e(s.get("role") or ""), ""),
                                    (_e(format_number(s.get("area_m2"))), "num")] for s in surfaces])
                         + "</details>")
    models = _dict(summary.get("models"))
    parts.append("<h3>Models</h3>")
    parts.append(_facts([("impactrisk version", summary.get("version"))]
                        + [(k, v) for k, v in models.items()]))
    orbit = _dict(summary.get("orbit"))
    parts.append("<h3>Orbit</h3>")
    orbit_items = [("Source", orbit.get("source"))] + [
        (k.replace("_", " ").capitalize(), v) for k, v in orbit.items() if k != "source"]
    parts.append(_facts(orbit_items))
    parts.append("<h3>Not modelled</h3>")
    parts.append(_notes_list(summary.get("notes")))
    parts.append("</section>")
    return "".join(parts)


def _reproduce_section(summary: dict) -> str:
    command = summary.get("command") or ""
    return ("<section id=\"reproduce\"><h2>Reproduce</h2>"
            "<p>This command, run with the same version, writes this report again:</p>"
            f"<pre><code>{_e(command)}</code></pre>"
            + _facts([("impactrisk version", summary.get("version")),
                      ("Created", summary.get("created"))])
            + "</section>")


def _failures(summary: dict, rows: list[dict]) -> list[dict]:
    listed = [f for f in _list(summary.get("failures")) if isinstance(f, dict)]
    if listed:
        return listed
    return [{k: r.get(k) for k in ("module", "window_start", "window_end", "reason")}
            for r in rows if r.get("status") == "failed"]


def _names(modules: list[_Module]) -> str:
    return ", ".join(m.name for m in modules) or "none"


# ------------------------------------------------------------------ the document


def render_report_html(summary: dict, rows: list[dict]) -> str:
    """The report of a batch of risk assessments as one self-contained HTML5 document.

    Parameters
    ----------
    summary : dict
        What ``summary.json`` holds: ``command`` (the command line that reproduces the
        report), ``version``, ``created``, ``range`` (``start``, ``end``, ``every``),
        ``criterion``, ``modules`` (each with ``name``, ``vehicle``, ``description``,
        ``module_hash``, ``assumptions`` [``key``, ``value``, ``reasoning``] and
        ``surfaces`` [``name``, ``role``, ``area_m2``]), ``models`` (name ->
        description), ``orbit`` (``source`` and staleness), ``tasks`` (``total``,
        ``ok``, ``not_present``, ``failed``, ``reused``), ``failures`` (``module``,
        ``window_start``, ``window_end``, ``reason``), ``totals`` (module -> ``n``,
        ``pnp``, ``n_by_group``) and ``notes`` (what is not modelled). Any key may be
        missing.
    rows : list of dict
        One per (module, window): ``module``, ``vehicle``, ``window_start``,
        ``window_end`` (ISO 8601 UTC), ``status`` (``"ok"``, ``"not-present"`` or
        ``"failed"``), ``reason``, ``exposed_days``, ``n`` (expected leak-causing
        penetrations in the window), ``pnp``, ``n_by_group`` (``meteoroid``,
        ``shower``, ``debris`` -> N), ``n_by_source``, ``n_by_surface``,
        ``criterion`` and ``task_key``. Numbers may be None or NaN.

    Returns
    -------
    str
        The HTML document: sections ``summary``, ``timeline``, ``cumulative``,
        ``split``, ``surfaces``, ``assumptions`` and ``reproduce``; four plots as
        embedded PNG images with ``data-plot`` set to ``timeline``, ``cumulative``,
        ``split`` and ``surfaces``. It refers to no external resource.

    Notes
    -----
    A module's total N is the batch's own total (``summary["totals"]``) where that is a
    number, else the sum over its ``ok`` windows; windows that failed add nothing, so
    the total of a module with failed windows is a lower bound (flagged in the table).
    PNP is exp(-N) and '1 in X' has X = 1 / (1 - PNP). The surfaces plot shows the
    module with the largest total N, summing ``n_by_surface`` over its ``ok`` windows.
    The renderer does no I/O; matplotlib is imported here, lazily, and only its Agg
    canvas is used, so no global pyplot state is touched.
    """
    summary = _dict(summary)
    rows = [r for r in (rows or []) if isinstance(r, dict)]
    modules = _gather(summary, rows)
    colours = _colours(modules)
    failures = _failures(summary, rows)
    riskiest = _riskiest(modules)
    rng = _dict(summary.get("range"))

    names = _names(modules)

    timeline = _figure_html(
        "timeline", _timeline_plot(modules, colours),
        f"Bar chart of the expected number of penetrations N in each window, one colour per "
        f"module ({names}); windows where a module was not present are gaps, failed windows "
        f"are marked with a red cross.",
        "Expected leak-causing penetrations N in each window, one bar per module and window. "
        "Gaps: the module was not present (not attached) in that window. "
        "Red crosses: the assessment of that window failed, so it has no value.")
    timeline_details = ("<details><summary>Per-window values (table)</summary>"
                        f"{_window_table(modules)}</details>")
    cumulative = _figure_html(
        "cumulative", _cumulative_plot(modules, colours),
        f"Line chart of the cumulative probability of no penetration, exp(−N), against window "
        f"end for each module ({names}) and for all modules together.",
        "Cumulative probability of no penetration (PNP = exp(−N), N summed from the start of "
        "the range to each window end) for each module, and for all modules together, "
        "exp(−ΣN) (black). Failed windows add nothing and are marked with a red cross.")
    split = _figure_html(
        "split", _split_plot(modules),
        f"Stacked horizontal bars of the expected number of penetrations over the range for "
        f"each module ({names}), split into meteoroids, showers and debris.",
        "Expected penetrations over the whole range, split into sporadic meteoroids, "
        "meteor showers and orbital debris; the number at the end of each bar is the module's "
        "total N.")
    riskiest_name = riskiest.name if riskiest else MISSING
    surfaces = _figure_html(
        "surfaces", _surfaces_plot(riskiest),
        f"Horizontal bars of the expected number of penetrations over the range on each surface "
        f"of {riskiest_name}, the module with the largest total, coloured by surface role.",
        f"Expected penetrations over the whole range on each surface of "
        f"<strong>{_e(riskiest_name)}</strong>, the module with the largest total N, coloured "
        f"by the surface's role (in brackets).")

    title = str(summary.get("title") or "MMOD penetration risk report")
    lead = (f"{_e(rng.get('start') or MISSING)} to {_e(rng.get('end') or MISSING)}"
            f" · windows: {_e(rng.get('every') or MISSING)}"
            f" · criterion: {_e(summary.get('criterion') or MISSING)}")
    return _page(
        title=f"{title} · {rng.get('start') or ''} to {rng.get('end') or ''}", heading=title,
        lead=lead, version=summary.get("version"), created=summary.get("created"),
        section_ids=SECTION_IDS,
        sections=[
            _summary_section(summary, modules, failures),
            f"<section id=\"timeline\"><h2>Expected penetrations per window</h2>{timeline}"
            f"{timeline_details}</section>",
            f"<section id=\"cumulative\"><h2>Cumulative probability of no penetration</h2>"
            f"{cumulative}</section>",
            f"<section id=\"split\"><h2>Meteoroids, showers and debris</h2>{split}</section>",
            f"<section id=\"surfaces\"><h2>Surfaces of the riskiest module</h2>{surfaces}</section>",
            _assumptions_section(summary, modules),
            _reproduce_section(summary),
        ])
