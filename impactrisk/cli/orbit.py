"""``impactrisk orbit``: propagate the orbit over a window and summarise it."""

from __future__ import annotations

from typing import Annotated

import typer

from impactrisk.cli._common import (
    EndOption,
    ExtrapolateOption,
    NoradOption,
    OrbitOption,
    SelectOption,
    StaleLimitOption,
    StaleThresholdOption,
    StartOption,
    StepOption,
    TleOption,
    echo_json,
    fail,
    handle_errors,
)


@handle_errors
def orbit(
    start: StartOption = None,
    end: EndOption = None,
    step: StepOption = "60s",
    tle: TleOption = None,
    orbit_spec: OrbitOption = None,
    norad: NoradOption = None,
    select: SelectOption = "nearest",
    extrapolate: ExtrapolateOption = False,
    stale_limit: StaleLimitOption = 14.0,
    stale_threshold: StaleThresholdOption = 3.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print one CSV row with a header.")] = False,
) -> None:
    """Altitude range, element sets used and their staleness over a window.

    With no dates, the window is the whole element-set coverage (for a design orbit,
    one day from its epoch).
    """
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    from impactrisk.api import default_window, load_orbit
    from impactrisk.propagation import summarize_orbit
    from impactrisk.timegrid import TimeGrid

    the_orbit = load_orbit(tle=tle, orbit=orbit_spec, catalog_id=norad)
    window_start, window_end = default_window(the_orbit, start, end)
    grid = TimeGrid.from_range(window_start, window_end, step)
    summary = summarize_orbit(
        the_orbit, grid, select=select, allow_extrapolation=extrapolate,
        stale_threshold_days=stale_threshold, stale_warn_days=stale_limit,
    )
    if as_json:
        echo_json(summary.to_dict())
    elif as_csv:
        _echo_csv(summary.to_dict())
    else:
        _echo_text(summary)


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}{key}_" if prefix or key else key, item, out)
    elif isinstance(value, list):
        out[prefix.rstrip("_")] = len(value)
    else:
        out[prefix.rstrip("_")] = value


def _echo_csv(data: dict) -> None:
    import csv
    import sys

    flat: dict = {}
    for key, value in data.items():
        _flatten(f"{key}_", value, flat)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(flat.keys())
    writer.writerow(flat.values())


def _echo_text(s) -> None:
    from impactrisk.constants import R_EARTH_KM

    who = " ".join(x for x in (s.name, s.catalog_id) if x)
    alt, geo, st = s.altitude_km, s.geodetic_altitude_km, s.staleness
    lines = [
        f"orbit      {s.source} ({s.kind}{', ' + who if who else ''})",
        f"window     {s.start} .. {s.end}, step {s.step_s:g} s, {s.samples:,} samples",
        f"altitude   min {alt['min']:.1f} / mean {alt['mean']:.1f} / max {alt['max']:.1f} km"
        f" above the spherical Earth (R = {R_EARTH_KM} km)",
        f"geodetic   min {geo['min']:.1f} / mean {geo['mean']:.1f} / max {geo['max']:.1f} km above WGS-84",
    ]
    if st.applicable:
        lines += [
            f"elements   {s.element_sets_used} sets used, epochs {s.first_epoch_used} .. "
            f"{s.last_epoch_used} (selection: {s.select})",
            f"staleness  stalest {st.max_age_days:.2f} d, mean {st.mean_age_days:.2f} d; "
            f"{100 * st.fraction_older:.1f}% of the window older than {st.threshold_days:g} d; "
            f"{100 * st.fraction_outside_coverage:.1f}% outside coverage",
        ]
    else:
        lines.append("elements   design orbit (no element-set history, no staleness)")
    if s.error_intervals:
        for e in s.error_intervals:
            lines.append(f"sgp4       error {e.code} ({e.message}) {e.start} .. {e.end}, {e.samples} samples")
    else:
        lines.append("sgp4       no errors")
    typer.echo("\n".join(lines))
