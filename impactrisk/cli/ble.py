"""``impactrisk ble``: critical projectile diameter of a wall over speeds and angles."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from impactrisk.cli._common import echo_json, fail, handle_errors

#: Largest number of values a range option may expand to.
_MAX_VALUES = 100_000
_LENGTH_UNITS_CM = {"mm": 0.1, "cm": 1.0, "m": 100.0}
_LENGTH_RE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(mm|cm|m)\s*$")
_CRITERION_EQUATIONS = ("cour_palais_christiansen", "titanium_single_wall")


@handle_errors
def ble(
    wall: Annotated[Optional[str], typer.Option(
        "--wall", help="Wall thickness with unit: 1mm, 0.1cm, 0.001m (Whipple: rear wall).",
    )] = None,
    material: Annotated[str, typer.Option(
        "--material", help="Wall material: al6061-t6, al2024-t3, amg6, ti-15-3-3-3, 15-5ph...",
    )] = "al6061-t6",
    equation: Annotated[str, typer.Option(
        "--equation",
        help="cour-palais, fish-summers, titanium, cres, fiberglass or whipple.",
    )] = "cour-palais",
    speeds: Annotated[str, typer.Option(
        "--speeds", help="Impact speeds [km/s]: start..stop[:step] (default step 1) or a list 3,7,15.",
    )] = "1..20",
    angles: Annotated[str, typer.Option(
        "--angles", help="Impact angles from the normal [deg]: list or range.",
    )] = "0,30,60",
    density: Annotated[str, typer.Option(
        "--density", help="Projectile density [g/cm3]: one value or a list.",
    )] = "1.0",
    criterion: Annotated[str, typer.Option(
        "--criterion",
        help="perforation, detached-spall or incipient-spall (cour-palais, titanium).",
    )] = "perforation",
    bumper: Annotated[Optional[str], typer.Option(
        "--bumper", help="Whipple bumper thickness with unit, e.g. 1.27mm.",
    )] = None,
    bumper_material: Annotated[str, typer.Option(
        "--bumper-material", help="Whipple bumper material.",
    )] = "al6061-t6",
    standoff: Annotated[Optional[str], typer.Option(
        "--standoff", help="Whipple standoff (bumper to rear wall) with unit, e.g. 10cm.",
    )] = None,
    angle_cutoff: Annotated[Optional[float], typer.Option(
        "--angle-cutoff",
        help="Impact-angle cut-off [deg]; default: the equation's own (whipple 65, others none).",
    )] = None,
    mli: Annotated[Optional[float], typer.Option(
        "--mli", help="Areal density of MLI lying on the wall [g/cm2] (cour-palais only).",
    )] = None,
    wall_density: Annotated[Optional[float], typer.Option(
        "--wall-density", help="Override the wall density [g/cm3] (required for fiberglass).",
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Also write a plot of d_c against speed (one curve per angle) to FILE.",
    )] = None,
) -> None:
    """Critical projectile diameter d_c of a wall (ballistic limit) over speeds and angles."""
    import numpy as np

    from impactrisk.ble import BLE_MODELS, angle_cutoff_used, critical_diameter_cm, resolve_model
    from impactrisk.errors import InputError

    key = resolve_model(equation)
    model = BLE_MODELS[key]
    if wall is None:
        raise InputError("--wall is required (thickness with unit, e.g. 1mm)")
    t_cm = _parse_length(wall, "--wall")
    v = _parse_values(speeds, "--speeds")
    theta = _parse_values(angles, "--angles")
    rho_p = _parse_values(density, "--density")
    crit = criterion.strip().lower().replace("-", "_")
    if key not in _CRITERION_EQUATIONS and crit != "perforation":
        raise InputError(f"--criterion {criterion} is not available for {key} "
                         "(perforation only)")
    if mli is not None and key != "cour_palais_christiansen":
        raise InputError("--mli applies to the cour-palais equation only")

    params, described = _wall_parameters(key, t_cm, material, wall_density, bumper,
                                         bumper_material, standoff)
    if key in _CRITERION_EQUATIONS:
        params["criterion"] = crit
    if mli is not None:
        params["mli_areal_density_g_cm2"] = mli
    if angle_cutoff is not None:
        params["angle_cutoff_deg"] = angle_cutoff
    d_cm = critical_diameter_cm(key, v[None, :, None], theta[None, None, :],
                                rho_p[:, None, None], **params)
    d_mm = 10.0 * np.asarray(d_cm, dtype=float)

    info = {
        "equation": key,
        "description": model.description,
        "reference": model.reference,
        "criterion": crit if key in _CRITERION_EQUATIONS else "perforation",
        "angle_cutoff_deg": angle_cutoff_used(key, **params),
        **described,
        "speeds_km_s": v.tolist(),
        "angles_deg": theta.tolist(),
        "densities_g_cm3": rho_p.tolist(),
    }
    if plot is not None:
        _write_plot(plot, v, theta, rho_p, d_mm, info)
    if as_json:
        info["d_crit_mm"] = [[[None if not math.isfinite(x) else x for x in row]
                              for row in block] for block in d_mm.tolist()]
        info["d_crit_mm_axes"] = ["density", "speed", "angle"]
        info["note"] = "null: no penetration (zero normal speed)"
        echo_json(info)
    else:
        _echo_table(info, v, theta, rho_p, d_mm)


# ------------------------------------------------------------------------ parsing

def _parse_length(text: str, option: str) -> float:
    """'1mm' / '0.1 cm' / '1e-3m' -> cm."""
    from impactrisk.errors import InputError

    match = _LENGTH_RE.match(text)
    if match is None:
        raise InputError(f"{option}: expected a length with unit mm, cm or m "
                         f"(e.g. 1mm), got {text!r}")
    value = float(match.group(1)) * _LENGTH_UNITS_CM[match.group(2)]
    if not value > 0:
        raise InputError(f"{option} must be a positive length, got {text!r}")
    return value


def _parse_values(text: str, option: str):
    """'1..20' / '1..20:0.5' / '0,30,60' / '7' -> 1-D float array."""
    import numpy as np

    from impactrisk.errors import InputError

    usage = (f"{option}: expected a number, a list (3,7,15) or a range "
             f"start..stop[:step] (1..20:1), got {text!r}")
    text = text.strip()
    if ".." in text:
        start_text, rest = text.split("..", 1)
        stop_text, _, step_text = rest.partition(":")
        start, stop = _to_float(start_text, usage), _to_float(stop_text, usage)
        step = _to_float(step_text, usage) if step_text.strip() else 1.0
        if step <= 0 or stop < start:
            raise InputError(f"{option}: a range needs start <= stop and step > 0, "
                             f"got {text!r}")
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        if count > _MAX_VALUES:
            raise InputError(f"{option}: range {text!r} has {count} values "
                             f"(at most {_MAX_VALUES})")
        values = np.round(start + step * np.arange(count), 12)
    else:
        values = np.array([_to_float(x, usage) for x in text.split(",")], dtype=float)
    return values


def _to_float(text: str, usage: str) -> float:
    from impactrisk.errors import InputError

    try:
        value = float(text)
    except ValueError:
        raise InputError(usage) from None
    if not math.isfinite(value):
        raise InputError(usage)
    return value


# -------------------------------------------------------------- wall parameters

def _material_dict(mat) -> dict[str, Any]:
    return {
        "name": mat.name,
        "density_g_cm3": mat.density_g_cm3,
        "yield_ksi": mat.yield_ksi,
        "sound_speed_km_s": mat.sound_speed_km_s,
        "bhn": mat.bhn,
        "reference": mat.reference,
    }


def _wall_parameters(key, t_cm, material, wall_density, bumper, bumper_material, standoff):
    """Model parameters from the options, and a description of what was used."""
    from impactrisk.ble.materials import get_material
    from impactrisk.ble.single_wall import fish_summers_k
    from impactrisk.errors import InputError

    families = {
        "cour_palais_christiansen": "aluminium",
        "titanium_single_wall": "titanium",
        "cres_single_wall": "steel",
        "christiansen_whipple": "aluminium",
        "fish_summers": "aluminium",
    }
    if key == "fiberglass_single_wall":
        if wall_density is None:
            raise InputError("the fiberglass equation needs --wall-density "
                             "(no fiberglass entry in the material table)")
        wall_info = {"thickness_mm": 10 * t_cm, "density_g_cm3": wall_density,
                     "material": {"name": "fiberglass (user density)"}}
        return {"t_cm": t_cm, "rho_t_g_cm3": wall_density}, {"wall": wall_info}

    mat = get_material(material)
    if mat.family != families[key]:
        raise InputError(f"{key} is fitted to {families[key]} walls; {mat.name} is "
                         f"{mat.family} (choose another --equation or --material)")
    rho_t = mat.density_g_cm3 if wall_density is None else wall_density
    wall_info = {"thickness_mm": 10 * t_cm, "density_g_cm3": rho_t,
                 "material": _material_dict(mat)}
    described: dict[str, Any] = {"wall": wall_info}

    if key in ("cour_palais_christiansen", "titanium_single_wall"):
        if mat.bhn is None or mat.sound_speed_km_s is None:
            raise InputError(f"{mat.name} has no Brinell hardness or sound speed in the "
                             f"material table; {key} needs both")
        params = {"t_cm": t_cm, "rho_t_g_cm3": rho_t, "bhn": mat.bhn,
                  "c_km_s": mat.sound_speed_km_s}
    elif key == "cres_single_wall":
        params = {"t_cm": t_cm, "rho_t_g_cm3": rho_t}
    elif key == "fish_summers":
        k_fs = fish_summers_k(mat.name)
        params = {"t_cm": t_cm, "k_fs": k_fs}
        wall_info["fish_summers_k"] = k_fs
    else:  # christiansen_whipple
        if bumper is None or standoff is None:
            missing = [o for o, x in (("--bumper", bumper), ("--standoff", standoff))
                       if x is None]
            raise InputError(f"the whipple equation needs {' and '.join(missing)}")
        if mat.yield_ksi is None:
            raise InputError(f"{mat.name} has no yield strength in the material table; "
                             "the whipple equation needs it for the rear wall")
        bmat = get_material(bumper_material)
        t_b = _parse_length(bumper, "--bumper")
        s_cm = _parse_length(standoff, "--standoff")
        params = {"t_b_cm": t_b, "rho_b_g_cm3": bmat.density_g_cm3, "t_w_cm": t_cm,
                  "sigma_ksi": mat.yield_ksi, "s_cm": s_cm}
        described["bumper"] = {"thickness_mm": 10 * t_b, "material": _material_dict(bmat)}
        described["standoff_mm"] = 10 * s_cm
    return params, described


# ------------------------------------------------------------------------ output

def _fmt_mm(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf"
    return f"{x:.4g}"


def _material_line(m: dict[str, Any]) -> str:
    parts = [f"rho {m.get('density_g_cm3')} g/cm3"] if m.get("density_g_cm3") else []
    for label, field, unit in (("BHN", "bhn", ""), ("C", "sound_speed_km_s", " km/s"),
                               ("yield", "yield_ksi", " ksi")):
        if m.get(field) is not None:
            parts.append(f"{label} {m[field]:g}{unit}")
    ref = f" [{m['reference']}]" if m.get("reference") else ""
    return f"{m['name']} ({', '.join(parts)}){ref}" if parts else f"{m['name']}{ref}"


def _echo_table(info, v, theta, rho_p, d_mm) -> None:
    wall = info["wall"]
    cut = info["angle_cutoff_deg"]
    mat = {**wall["material"], "density_g_cm3": wall["density_g_cm3"]}
    lines = [
        f"equation   {info['equation']}: {info['description']} [{info['reference']}]",
        f"wall       {wall['thickness_mm']:g} mm {_material_line(mat)}",
    ]
    if "fish_summers_k" in wall:
        lines.append(f"K          {wall['fish_summers_k']:g} (Fish-Summers constant)")
    if "bumper" in info:
        b = info["bumper"]
        lines.append(f"bumper     {b['thickness_mm']:g} mm {_material_line(b['material'])}")
        lines.append(f"standoff   {info['standoff_mm']:g} mm")
    lines += [
        f"criterion  {info['criterion'].replace('_', '-')}",
        f"cut-off    {cut:g} deg" + (" (none)" if cut >= 90 else
                                     " (d_c held at its cut-off value beyond)"),
    ]
    width = max(9, *(len(f"{a:g} deg") + 1 for a in theta))
    for i, rho in enumerate(rho_p):
        lines.append("")
        lines.append(f"d_c [mm] for projectile density {rho:g} g/cm3 "
                     "(inf: no penetration)")
        header = f"{'V [km/s]':>9}" + "".join(f"{f'{a:g} deg':>{width}}" for a in theta)
        lines.append(header)
        for j, speed in enumerate(v):
            lines.append(f"{speed:>9g}" + "".join(f"{_fmt_mm(x):>{width}}"
                                                  for x in d_mm[i, j]))
    typer.echo("\n".join(lines))


def _write_plot(path: Path, v, theta, rho_p, d_mm, info) -> None:
    import numpy as np

    try:
        from matplotlib.figure import Figure
    except ImportError:
        fail("--plot needs matplotlib, which is not installed (pip install matplotlib)")
    fig = Figure(figsize=(7.0, 4.5))
    ax = fig.add_subplot()
    for i, rho in enumerate(rho_p):
        style = ["-", "--", ":", "-."][i % 4]
        for k, angle in enumerate(theta):
            y = np.where(np.isfinite(d_mm[i, :, k]), d_mm[i, :, k], np.nan)
            label = f"{angle:g}°" + (f", ρp {rho:g} g/cm³" if len(rho_p) > 1 else "")
            ax.plot(v, y, style, color=f"C{k % 10}", label=label)
    wall = info["wall"]
    ax.set_xlabel("Impact speed [km/s]")
    ax.set_ylabel("Critical diameter d_c [mm]")
    title = (f"{info['equation']}: {wall['thickness_mm']:g} mm {wall['material']['name']}, "
             f"{info['criterion'].replace('_', ' ')}")
    if len(rho_p) == 1:
        title += f", ρp {rho_p[0]:g} g/cm³"
    ax.set_title(title, fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(title="impact angle", fontsize=8)
    try:
        fig.savefig(path)
    except (OSError, ValueError) as exc:
        fail(f"cannot write plot {path}: {exc}")
    print(f"plot written to {path}", file=sys.stderr)
