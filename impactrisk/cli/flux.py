"""``impactrisk flux``: meteoroid and debris flux along the orbit, by size and face."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import (
    EndOption,
    ExtrapolateOption,
    MeteoroidSpeedsOption,
    NoradOption,
    OrbitOption,
    SelectOption,
    StaleLimitOption,
    StaleThresholdOption,
    StartOption,
    StepOption,
    TleOption,
    check_debris_model,
    debris_model_option,
    echo_json,
    fail,
    handle_errors,
)

_DebrisModelOption = debris_model_option("both predate the Fengyun-1C, Iridium-Cosmos and Cosmos 1408 "
                                         "fragmentations")

#: Length units of --sizes [cm per unit].
_UNITS_CM = {"µm": 1e-4, "μm": 1e-4, "um": 1e-4, "mm": 0.1, "cm": 1.0, "m": 100.0}
_VALUE_RE = re.compile(r"^\s*((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(µm|μm|um|mm|cm|m)?\s*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DEFAULT_PER_DECADE = 4
_MAX_SIZES = 1000
_SIZES_USAGE = ("--sizes: expected a range A..B[:N] (N points per decade, default 4) or a "
                "list A,B,C, each value with a unit µm/um, mm, cm or m (e.g. 0.01mm..10mm, "
                "0.1mm,1mm,1cm)")


@handle_errors
def flux(
    start: StartOption = None,
    end: EndOption = None,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="One-day window from 00:00 UTC of YYYY-MM-DD (instead of --start/--end).",
    )] = None,
    step: StepOption = "60s",
    tle: TleOption = None,
    orbit_spec: OrbitOption = None,
    norad: NoradOption = None,
    select: SelectOption = "nearest",
    extrapolate: ExtrapolateOption = False,
    stale_limit: StaleLimitOption = 14.0,
    stale_threshold: StaleThresholdOption = 3.0,
    population: Annotated[str, typer.Option(
        "--population", help="meteoroid (sporadic), showers, debris or all.",
    )] = "all",
    model: _DebrisModelOption = "kessler-1991",
    no_showers: Annotated[bool, typer.Option(
        "--no-showers", help="No separate showers: the meteoroid field is Grun's total.",
    )] = False,
    f107: Annotated[Optional[float], typer.Option(
        "--f107", help="Solar activity for the kessler-1991 model [sfu]; default: the "
                       "observed 13-month mean of the previous year.",
    )] = None,
    meteoroid_speeds: MeteoroidSpeedsOption = "ssp30425",
    meteoroid_density: Annotated[str, typer.Option(
        "--meteoroid-density", help="tm4527 (2/1/0.5 g/cm3 by mass) or one density [g/cm3].",
    )] = "tm4527",
    sizes: Annotated[str, typer.Option(
        "--sizes", help="Particle diameters: range A..B[:N per decade] or list, with units "
                        "(µm/um, mm, cm, m).",
    )] = "0.01mm..10mm",
    face: Annotated[str, typer.Option(
        "--face", help="ram, wake, port, starboard, zenith, nadir, random (tumbling plate) "
                       "or cube (mean of the six faces).",
    )] = "random",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option(
        "--csv", help="Print one CSV row per source and size.",
    )] = False,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Also write a log-log plot of flux against size to FILE (.png, .pdf, .svg).",
    )] = None,
) -> None:
    """Cumulative meteoroid and debris flux against particle size, per population and
    on the faces of an LVLH-fixed cube, averaged over a window.

    With no dates, the window is one day from the start of the element-set coverage
    (a design orbit: from its epoch); --start alone gives one day from it, --end alone
    the day before it.
    """
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    if date is not None and (start is not None or end is not None):
        fail("--date gives a one-day window; use it without --start and --end")
    from impactrisk.api import flux as flux_api
    from impactrisk.environment.model import EnvironmentConfig
    from impactrisk.report import FACE_CHOICES, POPULATIONS

    if population not in POPULATIONS:
        fail(f"--population: expected one of {', '.join(POPULATIONS)}, got {population!r}")
    if face not in FACE_CHOICES:
        fail(f"--face: expected one of {', '.join(FACE_CHOICES)}, got {face!r}")
    check_debris_model(model)
    if population == "showers" and no_showers:
        fail("--population showers needs the showers (drop --no-showers)")
    sizes_cm = _parse_sizes(sizes)
    densities = _parse_density(meteoroid_density)
    if date is not None:
        start, end = _one_day(date)
    from impactrisk.io.flux_tables import meteoroid_speeds as _speeds

    config = EnvironmentConfig(meteoroid_densities=densities, showers=not no_showers,
                               debris_model=model, f107_sfu=f107, meteoroid_speeds=_speeds(meteoroid_speeds))
    groups = POPULATIONS[population]
    common = dict(step=step, sizes_cm=sizes_cm, tle=tle, catalog_id=norad, select=select,
                  allow_extrapolation=extrapolate, stale_threshold_days=stale_threshold,
                  stale_warn_days=stale_limit)
    summary = flux_api(orbit_spec, start, end, config=config, groups=groups, **common)
    if plot is not None:
        other = None
        if "debris" in groups:
            other = _other_debris(flux_api, orbit_spec, start, end, config, common)
        _write_plot(plot, summary, face, groups, other)
    if as_json:
        echo_json(_finite({**summary.to_dict(), "population": population,
                           "groups": list(groups), "face": face}))
    elif as_csv:
        _echo_csv(summary)
    else:
        _echo_text(summary, population, groups, face)


# ------------------------------------------------------------------------ parsing

def _parse_sizes(text: str) -> list[float]:
    """'0.01mm..10mm[:N]' (N log-spaced points per decade, ends included) or
    '0.1mm,1mm,1cm' -> diameters [cm]."""
    if ".." in text:
        first, rest = text.split("..", 1)
        last, colon, per_decade_text = rest.partition(":")
        per_decade = _DEFAULT_PER_DECADE
        if colon:
            if not per_decade_text.strip().isdigit() or not 1 <= int(per_decade_text) <= 100:
                fail(f"{_SIZES_USAGE}; N must be a whole number from 1 to 100, got {text!r}")
            per_decade = int(per_decade_text)
        hi_value, hi_unit = _value_unit(last, text)
        lo_value, lo_unit = _value_unit(first, text)
        if hi_unit is None:
            fail(f"{_SIZES_USAGE}; got {text!r} (no unit)")
        lo = lo_value * _UNITS_CM[lo_unit or hi_unit]
        hi = hi_value * _UNITS_CM[hi_unit]
        if not 0 < lo <= hi:
            fail(f"--sizes: a range needs 0 < A <= B, got {text!r}")
        decades = math.log10(hi / lo)
        count = 1 if decades == 0 else max(2, math.ceil(decades * per_decade - 1e-9) + 1)
        if count > _MAX_SIZES:
            fail(f"--sizes: {text!r} gives {count} sizes (at most {_MAX_SIZES})")
        values = [lo * (hi / lo) ** (k / max(count - 1, 1)) for k in range(count)]
    else:
        values = []
        for item in text.split(","):
            value, unit = _value_unit(item, text)
            if unit is None:
                fail(f"{_SIZES_USAGE}; got {text!r} (no unit on {item.strip()!r})")
            values.append(value * _UNITS_CM[unit])
        if len(values) > _MAX_SIZES:
            fail(f"--sizes: {len(values)} sizes given (at most {_MAX_SIZES})")
    if not all(math.isfinite(v) and v > 0 for v in values):
        fail(f"--sizes: every size must be positive and finite, got {text!r}")
    # Ten significant digits: 10**(k/4) ends on exact decades (0.1 mm, not 0.0999...).
    return [float(f"{v:.10g}") for v in values]


def _value_unit(item: str, text: str) -> tuple[float, str | None]:
    match = _VALUE_RE.match(item)
    if match is None:
        fail(f"{_SIZES_USAGE}; got {text!r}")
    return float(match.group(1)), match.group(2)


def _parse_density(text: str) -> str | float:
    if text.strip().lower() == "tm4527":
        return "tm4527"
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (math.isfinite(value) and value > 0):
        fail(f"--meteoroid-density: expected tm4527 or a positive density in g/cm3, got {text!r}")
    return value


def _one_day(date: str) -> tuple[str, str]:
    from datetime import timedelta

    from impactrisk.timegrid import parse_utc

    if not _DATE_RE.match(date.strip()):
        fail(f"--date: expected YYYY-MM-DD, got {date!r}")
    t0 = parse_utc(date.strip(), what="--date")
    return t0.isoformat(), (t0 + timedelta(days=1)).isoformat()


# ------------------------------------------------------------------------ library

def _other_debris(flux_api, orbit_spec, start, end, config, common):
    """The same window with the other debris model, debris only (for the plot)."""
    import warnings

    from impactrisk.environment.model import DEBRIS_MODELS
    from impactrisk.errors import StaleElementsWarning

    other = next(m for m in DEBRIS_MODELS if m != config.debris_model)
    with warnings.catch_warnings():
        # The same element sets as the main run: its staleness warning was shown once.
        warnings.simplefilter("ignore", StaleElementsWarning)
        return flux_api(orbit_spec, start, end, config=config.with_changes(debris_model=other),
                        groups=("debris",), **common)


def _write_plot(path: Path, summary, face, groups, other) -> None:
    import importlib

    try:
        from impactrisk.report.plots import flux_size_figure, save_figure
        importlib.import_module("matplotlib")  # only to fail early when it is missing
    except ImportError:
        fail("--plot needs matplotlib, which is not installed (pip install matplotlib)")
    fig = flux_size_figure(summary, face=face, groups=groups, other_debris=other)
    try:
        save_figure(fig, path)
    except OSError as exc:
        fail(f"cannot write plot {path}: {exc.strerror or exc}")
    print(f"plot written to {path}", file=sys.stderr)


# ------------------------------------------------------------------------ output

def _finite(value):
    """JSON has no NaN: non-finite numbers become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _echo_csv(summary) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["size_cm", "source", "group", "random_plate_m2_yr", "cross_sectional_m2_yr",
                     *(f"{f}_m2_yr" for f in summary.faces)])
    for name, s in summary.sources.items():
        for i, size in enumerate(summary.sizes_cm):
            writer.writerow([repr(float(size)), name, s["group"],
                             repr(float(s["random_plate_m2_yr"][i])),
                             repr(float(s["cross_sectional_m2_yr"][i])),
                             *(repr(float(x)) for x in s["face_m2_yr"][i])])


def _flux(x: float) -> str:
    return "0" if x == 0 else ("-" if not math.isfinite(x) else f"{x:.3e}")


def _echo_text(summary, population, groups, face) -> None:
    from impactrisk.environment.model import DEBRIS_MODELS
    from impactrisk.report import (
        FACE_CHOICES,
        GROUP_ORDER,
        face_flux_m2_yr,
        face_label,
        group_label,
        mean_speed_km_s,
        reference_size_index,
    )

    shown = [g for g in GROUP_ORDER if g in groups]
    columns = [(group_label(summary, g), (g,)) for g in shown]
    if len(shown) > 1:
        columns.append(("total", tuple(shown)))
    width = max(14, *(len(label) + 2 for label, _ in columns))
    hours = summary.duration_yr * 365.25 * 24.0
    st = summary.staleness
    lines = [
        f"orbit       {summary.orbit}",
        f"window      {summary.start} .. {summary.end} ({hours:g} h), step {summary.step_s:g} s",
    ]
    if st is not None and st.applicable:
        lines.append(f"elements    stalest {st.max_age_days:.2f} d, mean age {st.mean_age_days:.2f} d, "
                     f"{100 * st.fraction_outside_coverage:.1f}% outside coverage")
    lines.append(f"population  {population}; face: {face_label(face)}")
    lines.append("models")
    for name, s in summary.sources.items():
        if s["group"] in groups:
            lines.append(f"  {name:<20s}  {s['model']}")
    if not any(s["group"] in groups for s in summary.sources.values()):
        lines.append("  (no source of this population is active in the window)")
    if "debris" in groups:
        other = next(m for m in DEBRIS_MODELS if m != summary.config.debris_model)
        lines += [
            "note        Both debris models (kessler-1991, ordem2000-handbook) predate the "
            "Fengyun-1C, Iridium-Cosmos and Cosmos 1408 fragmentations;",
            f"            compare with the other model: --model {other}.",
        ]
    lines += [
        "basis       random: per unit area of a randomly tumbling one-sided plate = 1/4 of the "
        "cross-sectional flux;",
        "            faces: one-sided plates fixed in LVLH (ram faces the velocity, nadir the "
        "Earth, starboard the -orbit normal); cube: mean of the six faces.",
        "            Fluxes count particles of diameter >= size, averaged over the window.",
    ]
    if float(min(summary.sizes_cm)) < 1e-3 and ("debris" in groups or "shower" in groups):
        lines.append("            Below 0.01 mm the debris and shower spectra count only "
                     "particles from their smallest modelled size up.")

    header = "".join(f"{label:>{width}}" for label, _ in columns)
    lines += ["", f"Cumulative flux on the {face_label(face)} [m^-2 yr^-1]",
              f"{'size [mm]':>10}{header}"]
    table = [face_flux_m2_yr(summary, face, g) for _, g in columns]
    for i, size in enumerate(summary.sizes_cm):
        lines.append(f"{10 * size:>10.4g}" + "".join(f"{_flux(float(c[i])):>{width}}" for c in table))

    ref = reference_size_index(summary.sizes_cm)
    ref_mm = 10 * float(summary.sizes_cm[ref])
    lines += ["", f"Mean impact speed on the {face_label(face)} [km/s] (sources weighted at {ref_mm:.4g} mm)",
              f"{'':>10}{header}",
              f"{'speed':>10}" + "".join(f"{_speed(mean_speed_km_s(summary, face, g, ref)):>{width}}"
                                         for _, g in columns)]

    lines += ["", f"Flux of particles >= {ref_mm:.4g} mm per face [m^-2 yr^-1]",
              f"{'face':>10}{header}"]
    for name in FACE_CHOICES:
        row = [float(face_flux_m2_yr(summary, name, g)[ref]) for _, g in columns]
        label = "cube mean" if name == "cube" else name
        lines.append(f"{label:>10}" + "".join(f"{_flux(x):>{width}}" for x in row))
    typer.echo("\n".join(lines))


def _speed(v: float) -> str:
    return f"{v:.1f}" if math.isfinite(v) else "-"
