"""``impactrisk events``: the three leaks of 2022-2023 reconstructed, the Soyuz MS-22
radiator and the Geminids, and whether three leaks in under a year could be chance."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import check_workers, command_line, echo_json, fail, handle_errors, workers_option

_WorkersOption = workers_option("Processes for the fleet assessments")


@handle_errors
def events(
    as_json: Annotated[bool, typer.Option("--json", help="Print everything as JSON.")] = False,
    html: Annotated[Optional[Path], typer.Option(
        "--html", help="Also write a self-contained HTML report (timeline, expected counts, sweep plot).")] = None,
    quick: Annotated[bool, typer.Option(
        "--quick", help="A small sweep (walls 1 and 3 mm, no facesheet) instead of the full one.")] = False,
    stowed: Annotated[bool, typer.Option(
        "--stowed/--no-stowed", help="Count the RTOd's stowed years on Rassvet (default: not; see the text).")] = False,
    step: Annotated[str, typer.Option("--step", help="Time step of the reconstructions.")] = "60s",
    fleet_step: Annotated[str, typer.Option("--fleet-step", help="Time step of the fleet history.")] = "600s",
    workers: _WorkersOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress lines on stderr.")] = False,
) -> None:
    """Reconstruct each leak, show what the Geminids could reach, and run the scan
    statistic over the fleet history for a sweep of the unpublished inputs.

    The answer is a table and one paragraph, not a verdict: it shows which assumptions
    make the record unsurprising and which make it very unlikely.
    """
    import os

    from impactrisk.events import analyse

    check_workers(workers)
    if html is not None and not html.parent.is_dir():
        fail(f"--html {html}: folder {html.parent} does not exist")
    command = command_line("events")

    def progress(stage: str) -> None:
        if not quiet:
            print(f"progress: {stage}", file=sys.stderr, flush=True)

    analysis = analyse(step=step, fleet_step=fleet_step, quick=quick, include_stowed=stowed,
                       workers=workers or os.cpu_count() or 1, progress=progress, command=command)
    from impactrisk.results import json_safe

    plain = json_safe(analysis) if (html is not None or as_json) else None
    if html is not None:
        from impactrisk.io.atomic import write_atomic
        from impactrisk.report.events_html import render_events_html

        write_atomic(html, render_events_html(plain))
        progress(f"HTML report written to {html}")
    if as_json:
        echo_json(plain)
    else:
        typer.echo(format_analysis(analysis))


def _p(value) -> str:
    if value is None:
        return "-"
    if value >= 0.01:
        return f"{value:.2f}"
    return f"{value:.1e}"


def format_analysis(a: dict) -> str:
    """The terminal report of :func:`impactrisk.events.analyse`."""
    lines = [f"The 2022-2023 coolant leaks (impactrisk {a['version']})", ""]
    lines.append("1. Each leak, from the start of its exposure to the leak (leak = a coolant channel's wall perforated)")
    lines.append(f"   {'module':<15} {'exposure':>10} {'N':>8} {'PNP':>7} {'meteoroid':>10} {'showers':>9} "
                 f"{'debris':>8}  penetrators at 6-10 km/s that are debris")
    for e in a["reconstruction"]:
        g = e["n_by_group"]
        share = e["p_debris_given_speed_band"]
        lines.append(f"   {e['module']:<15} {e['exposure_days']:>8.1f} d {e['n']:>8.3g} {e['pnp']:>7.4f} "
                     f"{g['meteoroid']:>10.3g} {g['shower']:>9.2g} {g['debris']:>8.3g}  "
                     + ("-" if share is None else f"{100 * share:.0f} %"))
        stand_in = (e.get("orbit") or {}).get("stand_in_days") or 0.0
        if stand_in:
            lines.append(f"   {'':<15} of which {stand_in:.0f} d on circular stand-in orbits at the station's "
                         "documented mean altitude (before the bundled element sets)")
    lines.append("   Roscosmos said the MS-22 impactor was a meteoroid at about 7 km/s; in this model most "
                 "penetrators that slow are debris (last column).")
    lines.append("")
    gem = a["geminids"]
    vis = gem["visibility"]
    before, after = gem["before"], gem["after"]
    zero = [az for az, n in zip(gem["azimuth_deg"], before["n_by_facet"]) if n == 0.0]
    lines.append(f"2. Soyuz MS-22 and the {gem['shower']} within {gem['hours']:g} h of the leak ({gem['leak']})")
    lines.append(f"   expected {gem['shower']} penetrations of the channels: {before['n_shower']:.2g} in the "
                 f"{gem['hours']:g} h before the leak (all sources: {before['n_all_sources']:.2g}), "
                 f"{after['n_shower']:.2g} after")
    lines.append(f"   the radiant was hidden by the Earth {100 * vis['share_blocked_by_earth']:.0f} % of the time; "
                 f"its elevation from the orbit plane {vis['radiant_elevation_from_orbit_plane_deg'][0]:.0f} to "
                 f"{vis['radiant_elevation_from_orbit_plane_deg'][1]:.0f} deg (negative: the port side)")
    if zero:
        lines.append(f"   facets no {gem['shower']} particle reaches (azimuth of the facet's normal in the station frame at "
                     f"clocking 0; 0 = forward, 90 = starboard): {min(zero):.0f} to {max(zero):.0f} deg")
    peak = max(range(len(before["n_by_facet"])), key=lambda i: before["n_by_facet"][i])
    lines.append(f"   most exposed facet: {gem['azimuth_deg'][peak]:.0f} deg ({before['n_by_facet'][peak]:.2g}); "
                 "a clocking c moves every facet by c, so the hole's facet is hit only if its azimuth plus c "
                 "lies outside the unreachable range")
    lines.append(f"   element sets: stalest {vis['stalest_element_set_days']:.2f} d in the 48 h")
    lines.append("")
    c = a["coincidence"]
    obs = c["observed"]
    lines.append(f"3. Three leaks within a year: the fleet history {c['history']['start'][:10]} .. "
                 f"{c['history']['end'][:10]} ({len(c['history']['members'])} radiators)")
    lines.append("   observed: " + "; ".join(f"{x['vehicle']} {x['time'][:10]}" for x in obs["leaks"])
                 + f" (span {obs['span_days']:.0f} d)")
    lines.append(f"   {'wall':>5} {'face':>5} {'chan':>5}  {'N':>7}  {'P(>=' + str(obs['k']) + ' in 12 mo)':>14} "
                 f"{'P(N<=' + str(obs['count']) + ')':>9} {'P(none before)':>14}   (debris kessler-1991)")
    for r in c["rows"]:
        if r["debris"] != "kessler-1991":
            continue
        lines.append(f"   {r['wall_mm']:>4g}mm {r['facesheet_mm']:>4g} {100 * r['channel_fraction']:>4.0f}%  "
                     f"{r['n_expected']:>7.3g}  {_p(r['p_scan']):>14} {_p(r['p_count_at_most_observed']):>9} "
                     f"{_p(r['p_none_before_first_leak']):>14}")
    lines.append("   (the debris-model band, /3, x3 and ORDEM2000, is in --json and --html)")
    lines.append("")
    for chunk in _wrap(c["paragraph"], 100):
        lines.append("   " + chunk)
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)
