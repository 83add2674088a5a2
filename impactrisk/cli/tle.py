"""``impactrisk tle``: inspect and fetch element-set files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import echo_json, handle_errors
from impactrisk.cli.fetch import fetch as _fetch

app = typer.Typer(help="Inspect and download element sets (TLE/OMM).", no_args_is_help=True)
app.command("fetch")(_fetch)


@app.command("info")
@handle_errors
def info(
    file: Annotated[
        Optional[Path], typer.Argument(help="TLE or OMM file; default: the bundled ISS history.")
    ] = None,
    gap: Annotated[float, typer.Option("--gap", help="Report gaps between epochs longer than this [days].")] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Objects in a file, their epoch coverage, gaps and altitude range."""
    from impactrisk.api import load_orbits
    from impactrisk.coverage import summarize_coverage

    source, orbits = load_orbits(file)
    summaries = [summarize_coverage(o, gap_days=gap) for o in orbits]
    if as_json:
        echo_json({"file": source, "objects": [s.to_dict() for s in summaries]})
        return
    typer.echo(f"file       {source}")
    for s in summaries:
        typer.echo(f"object     {s.catalog_id} {s.name or ''}".rstrip())
        typer.echo(
            f"  sets     {s.element_sets} ({s.duplicates_dropped} duplicate epochs dropped), "
            f"median spacing {s.median_spacing_hours or float('nan'):.1f} h"
        )
        typer.echo(f"  epochs   {s.first_epoch} .. {s.last_epoch} ({s.span_days:.1f} days)")
        p, a = s.perigee_altitude_km, s.apogee_altitude_km
        typer.echo(
            f"  altitude perigee {p['min']:.1f}..{p['max']:.1f} km, apogee {a['min']:.1f}..{a['max']:.1f} km"
            " (mean elements, spherical Earth)"
        )
        typer.echo(f"  gaps     {len(s.gaps)} longer than {gap:g} d" + (":" if s.gaps else ""))
        for g in s.gaps:
            typer.echo(f"           {g['from']} .. {g['to']}  {g['days']:.2f} d")
