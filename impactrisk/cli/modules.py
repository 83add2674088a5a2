"""``impactrisk modules``: the module catalogue (geometry, shields, exposure, assumptions)."""

from __future__ import annotations

import textwrap
from typing import Annotated

import typer

from impactrisk.cli._common import OptionalExposureOption, echo_json, handle_errors, set_option

app = typer.Typer(
    help="The module catalogue: surfaces, ballistic-limit parameters, exposure and assumptions.",
    no_args_is_help=True,
)

SetOption = set_option("More: radiator.channel_fraction=0.3, radiator.facesheet=0, clocking=90deg.")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

_WIDTH = 100


@app.command("list")
@handle_errors
def list_(as_json: JsonOption = False) -> None:
    """The shipped modules: vehicle, exposure up to the event, number of assumptions."""
    from impactrisk.io.modules import list_modules, load_module

    specs = [load_module(name) for name in list_modules()]
    if as_json:
        echo_json([_summary(spec) for spec in specs])
        return
    typer.echo(f"{'module':<16}{'vehicle':<16}{'assumptions':<13}exposure up to the event (UTC)")
    for spec in specs:
        typer.echo(f"{spec.name:<16}{spec.vehicle:<16}{len(spec.assumptions()):<13}"
                   f"{_exposure_line(spec)}")
    typer.echo("* optional exposure (left out with --no-optional in `modules show`)")


@app.command("show")
@handle_errors
def show(
    name: Annotated[str, typer.Argument(
        help="Module name (see `modules list`) or a module .toml file.")],
    set_: SetOption = None,
    optional: OptionalExposureOption = True,
    as_json: JsonOption = False,
) -> None:
    """All parameters with units and provenance, the exposure rows and the event."""
    from impactrisk.io.modules import load_module

    spec = load_module(name, overrides=set_ or (), include_optional=optional)
    if as_json:
        data = spec.to_dict()
        data["default_window"] = _window(spec)
        data["assumptions"] = [{"key": k, "value": v, "reasoning": r}
                               for k, v, r in spec.assumptions()]
        data["content_hash"] = spec.content_hash()
        echo_json(data)
        return
    typer.echo("\n".join(_show_lines(spec)))


# --- formatting ---------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def _window(spec) -> dict:
    start, end = spec.default_window()
    return {"start": _iso(start), "end": _iso(end)}


def _summary(spec) -> dict:
    return {
        "name": spec.name, "vehicle": spec.vehicle, "description": spec.description,
        "event": spec.event.to_dict() if spec.event is not None else None,
        "default_window": _window(spec),
        "exposure": [s.to_dict() for s in spec.exposure],
        "assumptions": len(spec.assumptions()),
        "content_hash": spec.content_hash(),
    }


def _days(stays) -> float:
    return sum(s.duration_days for s in stays if s.duration_days is not None)


def _exposure_line(spec) -> str:
    stays = spec.default_exposure()
    ports = ", ".join(dict.fromkeys(s.port + ("*" if s.optional else "") for s in stays))
    start, end = spec.default_window()
    until = end.strftime("%Y-%m-%d") if end is not None else "open"
    required = _days(s for s in stays if not s.optional)
    extra = _days(s for s in stays if s.optional)
    days = f"{required:.0f} d" + (f" (+{extra:.0f} d*)" if extra else "")
    return f"{ports}: {start:%Y-%m-%d} .. {until}, {days}"


def _provenance(param) -> str:
    if param.is_assumption:
        text = f"ASSUMPTION: {param.assumption}"
        if param.source:
            text += f" [source: {param.source}]"
        return text
    return f"source: {param.source}" if param.source else ""


def _param_lines(label: str, param, indent: int) -> list[str]:
    width = max(24 - indent, len(label) + 2)
    head = f"{' ' * indent}{label:<{width}}{param.display():<14}"
    prov = _provenance(param)
    if not prov:
        return [head.rstrip()]
    wrapped = textwrap.wrap(prov, width=_WIDTH - len(head)) or [""]
    lines = [head + wrapped[0]]
    lines += [" " * len(head) + w for w in wrapped[1:]]
    return lines


def _wrap(prefix: str, text: str) -> list[str]:
    return textwrap.wrap(text, width=_WIDTH, initial_indent=prefix,
                         subsequent_indent=" " * len(prefix)) or [prefix.rstrip()]


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "open"


def _show_lines(spec) -> list[str]:
    lines = [f"module      {spec.name} ({spec.vehicle}), file {spec.source_file}",
             f"content     sha256 {spec.content_hash()}"]
    lines += _wrap("            ", spec.description) if spec.description else []
    if spec.event is not None:
        ev = spec.event
        lines.append(f"event       {ev.kind} first seen {_time(ev.time)} UTC"
                     + (" (time uncertain)" if ev.uncertain else ""))
        lines += _wrap("              source: ", ev.source)
        if ev.observed_hole_mm is not None:
            lines += _param_lines("observed hole", ev.observed_hole_mm, 14)
        if ev.note:
            lines += _wrap("              note: ", ev.note)
    start, end = spec.default_window()
    lines.append(f"window      {_time(start)} .. {_time(end)} UTC (exposure up to the "
                 f"{'event' if spec.event is not None else 'last stay'})")
    lines.append("exposure" + ("" if spec.include_optional else "    (optional stays left out)"))
    for stay in spec.exposure:
        flags = [f for f, on in (("uncertain", stay.uncertain), ("optional", stay.optional)) if on]
        if stay.configuration:
            flags.append(stay.configuration)
        days = f"{stay.duration_days:.1f} d" if stay.duration_days is not None else "still there"
        lines.append(f"  {stay.port:<18}{_time(stay.start)} .. {_time(stay.end):<20} {days}"
                     + (f"  [{', '.join(flags)}]" if flags else ""))
        lines += _wrap("      source: ", stay.source)
        if stay.note:
            lines += _wrap("      note: ", stay.note)
    params = dict(spec.parameters())
    lines.append("surfaces (vehicle frame: +x along the docking axis, away from the station)")
    for surface in spec.surfaces:
        role = f", role {surface['role']}" if surface["role"] else ""
        lines.append(f"  {surface['name']} ({surface['type']}, shield {surface['shield']}{role})")
        prefix = f"surface.{surface['name']}."
        for path, param in params.items():
            if path.startswith(prefix):
                lines += _param_lines(path[len(prefix):], param, 4)
        for key in ("two_sided", "half"):
            if surface.get(key):
                lines.append(f"    {key:<20}true")
    lines.append("shields")
    for name, shield in spec.shields.items():
        lines.append(f"  {name} ({shield['type']})" + (f": {shield['description']}"
                                                       if shield["description"] else ""))
        prefix = f"shield.{name}."
        for path, param in params.items():
            if path.startswith(prefix):
                lines += _param_lines(path[len(prefix):], param, 4)
    lines += _param_lines("clocking", spec.clocking_deg, 0)
    if spec.overrides:
        lines.append("overrides   " + "; ".join(spec.overrides))
    lines.append(f"assumptions {len(spec.assumptions())} (marked ASSUMPTION above"
                 + ("; optional exposure rows count as one each" if any(
                     s.optional for s in spec.exposure) else "") + ")")
    if spec.references:
        lines.append("references")
        for ref in spec.references:
            lines += _wrap("  - ", ref)
    return lines
