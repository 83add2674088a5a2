"""``impactrisk risk``: expected penetrations and PNP of one module over a window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import (
    CriterionOption,
    EndOption,
    ExtrapolateOption,
    MeteoroidSpeedsOption,
    NoradOption,
    OptionalExposureOption,
    OrbitOption,
    SelectOption,
    SetOption,
    ShowersOption,
    StaleLimitOption,
    StartOption,
    StepOption,
    TleOption,
    debris_model_option,
    echo_json,
    fail,
    handle_errors,
)

_DebrisModelOption = debris_model_option("table with --flux-table")


@handle_errors
def risk(
    module: Annotated[str, typer.Argument(help="Module name (see `impactrisk modules list`) or a TOML file.")],
    start: StartOption = None,
    end: EndOption = None,
    step: StepOption = "60s",
    tle: TleOption = None,
    orbit_spec: OrbitOption = None,
    norad: NoradOption = None,
    criterion: CriterionOption = "leak",
    overrides: SetOption = None,
    optional: OptionalExposureOption = True,
    debris_model: _DebrisModelOption = "kessler-1991",
    flux_table: Annotated[Optional[Path], typer.Option(
        "--flux-table", help="A tabulated flux (ESA MASTER output or the project's format) whose debris columns "
                             "replace the debris model.",
    )] = None,
    showers: ShowersOption = True,
    meteoroid_speeds: MeteoroidSpeedsOption = "ssp30425",
    attitude: Annotated[str, typer.Option(
        "--attitude", help="Station yaw,pitch,roll from LVLH [deg] (+XVV TEA default), or a TOML file of "
                           "[[segment]] rows (start, end, yaw_deg, pitch_deg, roll_deg, source) and an optional [default].",
    )] = "-4,-3,0",
    sweep: Annotated[Optional[list[str]], typer.Option(
        "--sweep", help="Sensitivity: PARAM=V1,V2,... e.g. radiator.wall=0.5mm,1mm,2mm (one run per value).",
    )] = None,
    target_n: Annotated[Optional[float], typer.Option(
        "--target-n", help="With --sweep: the parameter value that would give this N.",
    )] = None,
    band: Annotated[bool, typer.Option(
        "--band/--no-band", help="Also run the other debris model for an uncertainty band (slower).",
    )] = True,
    select: SelectOption = "nearest",
    extrapolate: ExtrapolateOption = False,
    stale_limit: StaleLimitOption = 14.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the daily series as CSV.")] = False,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Also write a plot (cumulative N, penetrator speeds, N per surface) to FILE "
                       "(.png, .pdf, .svg, ...).",
    )] = None,
) -> None:
    """Expected penetrations N, PNP = exp(-N) and the breakdown by source and surface.

    With no dates the window is the module's exposure up to its recorded event (the
    leak), so `impactrisk risk soyuz-ms-22` answers the question for the leak itself.
    """
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    ypr = _attitude(attitude)
    if plot is not None:
        from impactrisk.report.plots import check_plot_path

        check_plot_path(plot)  # a bad extension or folder fails before the assessment
    from impactrisk.api import assess

    result = assess(
        module, start, end, tle=tle, orbit=orbit_spec, catalog_id=norad, step=step,
        criterion=criterion, overrides=tuple(overrides or ()), include_optional=optional,
        debris_model=debris_model, showers=showers, meteoroid_speeds=meteoroid_speeds, flux_table=flux_table,
        attitude=ypr, select=select,
        allow_extrapolation=extrapolate, stale_warn_days=stale_limit, band=band,
    )
    for item in sweep or ():
        from impactrisk.api import sensitivity

        parameter, sep, values = item.partition("=")
        if not sep or not values.strip():
            fail(f"--sweep: expected PARAM=V1,V2,... (e.g. radiator.wall=0.5mm,1mm), got {item!r}")
        table = sensitivity(module, start, end, parameter=parameter.strip(),
                            values=[v.strip() for v in values.split(",") if v.strip()], target_n=target_n,
                            tle=tle, orbit=orbit_spec, catalog_id=norad, step=step, criterion=criterion,
                            overrides=tuple(overrides or ()), include_optional=optional,
                            debris_model=debris_model, showers=showers, meteoroid_speeds=meteoroid_speeds,
                            flux_table=flux_table, attitude=ypr,
                            select=select, allow_extrapolation=extrapolate, stale_warn_days=stale_limit)
        result.sensitivity.append(table)
        if target_n is not None:
            result.inverse.append({"parameter": table["parameter"], "target_n": target_n,
                                   "value": table["value_for_target"]})
    if plot is not None:
        from impactrisk.report.plots import write_risk_plot

        write_risk_plot(result, plot)
        print(f"plot written to {plot}", file=sys.stderr)
    if as_json:
        echo_json(result.to_dict())
    elif as_csv:
        _echo_csv(result)
    else:
        typer.echo(format_result(result))


def _attitude(text: str):
    """``yaw,pitch,roll`` [deg] or a TOML attitude timeline file."""
    if text.strip().lower().endswith(".toml") or Path(text).is_file():
        from impactrisk.io.modules import load_attitude_timeline

        return load_attitude_timeline(text)
    try:
        ypr = tuple(float(x) for x in text.split(","))
    except ValueError:
        ypr = ()
    if len(ypr) != 3:
        fail(f"--attitude: expected yaw,pitch,roll in degrees (e.g. -4,-3,0) or a .toml timeline, got {text!r}")
    return ypr


def _echo_csv(result) -> None:
    import csv
    import sys

    writer = csv.writer(sys.stdout, lineterminator="\n")
    groups = list(result.daily["n_by_group"])
    writer.writerow(["date", *[f"n_{g}" for g in groups], "n_total"])
    for i, day in enumerate(result.daily["date"]):
        values = [float(result.daily["n_by_group"][g][i]) for g in groups]
        writer.writerow([day, *[f"{v:.6g}" for v in values], f"{sum(values):.6g}"])


def _one_in(value: float) -> str:
    if value == float("inf"):
        return "never"
    return f"1 in {value:.2g}" if value < 10 else f"1 in {value:,.0f}"


def format_result(r) -> str:
    """The default text report of a :class:`~impactrisk.results.RiskResult`."""
    lines = [f"module     {r.module} ({r.vehicle}), criterion: {r.criterion}",
             f"window     {r.start} .. {r.end}"]
    if r.event:
        lines.append(f"event      {r.event['kind']} first seen {r.event['time']}"
                     + (" (the window ends there)" if r.event["time"][:16] == r.end[:16] else ""))
    if not r.exposure:
        lines.append("exposure   not present at the station in this window: N = 0")
    for row in r.exposure:
        flag = " [optional: assumed exposure]" if row["optional"] else ""
        flag += " [uncertain]" if row["uncertain"] else ""
        lines.append(f"exposure   {row['port']}: {row['start']} .. {row['end']} ({row['days']:.1f} d){flag}")
    lines += [
        "",
        f"expected failures N = {r.n_expected:.3g}   PNP = exp(-N) = {r.pnp:.5f}   "
        f"P(failure) = {1 - r.pnp:.3g} ({_one_in(r.one_in)})",
    ]
    speeds = r.penetrators["mean_speed_km_s"]
    for group, n in r.n_by_group.items():
        share = n / r.n_expected if r.n_expected > 0 else 0.0
        v = speeds.get(group)
        v_text = f", penetrators' mean speed {float(v):.1f} km/s" if v is not None and v == v else ""
        lines.append(f"  {group:<10} N = {n:.3g} ({100 * share:.0f}%){v_text}")
    if r.band:
        b = r.band
        lines.append(f"band       N from {b['low']:.3g} to {b['high']:.3g}: debris "
                     + ", ".join(f"{k} {v:.3g}" for k, v in b["debris_by_model"].items())
                     + f"; {b['note']}")
    for table in r.sensitivity:
        lines.append(f"sensitivity {table['parameter']}: "
                     + ", ".join(f"{row['value']} -> N {row['n']:.3g}" for row in table["rows"]))
        if table["target_n"] is not None:
            value = table["value_for_target"]
            lines.append(f"            N = {table['target_n']:g} needs {table['parameter']} = "
                         + (f"{value:.3g}" if value is not None else "a value outside the swept range"))
    if r.hole_bracket:
        hb = r.hole_bracket
        lines.append(f"hole >= {hb['hole_mm']:g} mm: between {hb['hole_equals_particle']:.3g} (hole = particle "
                     f"diameter) and {hb['every_perforation']:.3g} (every perforation); {hb['note']}")
    lines.append("")
    lines.append("surfaces")
    for s in sorted(r.surfaces, key=lambda s: -s["n"]):
        label = "counts" if s["role"] == "vulnerable" else "reported only"
        lines.append(f"  {s['name']:<22} {s['area_m2']:7.2f} m2  N = {s['n']:.3g}  [{label}; {s['criterion']}]")
        lines.append(f"      {s['shield']}")
    sizes = r.impacts_above
    lines.append("impacts on the vulnerable surfaces by particles of at least "
                 + ", ".join(f"{d:g} mm: {n:.3g}" for d, n in zip(sizes["sizes_mm"], sizes["n"])))
    lines.append("")
    lines.append(f"assumptions ({len(r.assumptions)}, change with --set):")
    for a in r.assumptions:
        reason = " ".join(str(a["reasoning"]).split())
        lines.append(f"  {a['key']} = {a['value']}: {reason[:160]}{'...' if len(reason) > 160 else ''}")
    st = (r.orbit or {}).get("staleness")
    lines.append("")
    lines.append(f"orbit      {r.orbit['source']} ({r.orbit['kind']}), {r.orbit['element_sets_used']} element sets"
                 + (f"; stalest {st['max_age_days']:.2f} d, {100 * st['fraction_older_than_threshold']:.0f}% of the "
                    f"time older than {st['threshold_days']:g} d" if st and st.get("max_age_days") is not None else ""))
    for seg in r.orbit.get("segments", []):
        if seg["kind"] == "circular" and seg["note"]:
            altitude = seg["source"].split(":")[1] if seg["source"].startswith("circular:") else "?"
            lines.append(f"stand-in   {seg['start'][:10]} .. {seg['end'][:10]} ({seg['days']:.0f} d): circular orbit at "
                         f"the station's documented mean altitude, {altitude} km"
                         + (" [uncertain]" if "[uncertain]" in seg["note"] else "")
                         + " (sources: --json, impactrisk/catalogue/iss_orbit_history.toml)")
    lines.append("models     " + "; ".join(sorted(set(r.models["environment"].values())))[:400])
    for note in r.notes:
        lines.append(f"note       {note}")
    lines.append(f"impactrisk {r.version}, module sha256 {r.module_hash[:16]}")
    return "\n".join(lines)

