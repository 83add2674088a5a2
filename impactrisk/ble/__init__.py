"""Ballistic limit equations: critical projectile diameter of spacecraft walls.

One module per shield family, each function pure and vectorised:

* :mod:`impactrisk.ble.single_wall` — Cour-Palais / Christiansen (aluminium),
  titanium, CRES steel, fiberglass, Fish–Summers;
* :mod:`impactrisk.ble.whipple` — JSC / Christiansen Whipple shield;
* :mod:`impactrisk.ble.holes` — hole-size bracket built on a perforation limit;
* :mod:`impactrisk.ble.materials` — wall material properties with sources.

:data:`BLE_MODELS` maps a model name to its function, its required and optional
parameters, its default impact-angle cut-off and its reference;
:func:`critical_diameter_cm` calls a model by name and names exactly the parameters
that are missing.

Units: lengths in cm, densities in g/cm³, speeds in km/s, yield strength in ksi,
angles in degrees from the surface normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from impactrisk.ble import single_wall, whipple
from impactrisk.errors import InputError

__all__ = [
    "BLEModel",
    "BLE_MODELS",
    "BLE_ALIASES",
    "angle_cutoff_used",
    "critical_diameter_cm",
    "resolve_model",
]


@dataclass(frozen=True)
class BLEModel:
    """A ballistic limit equation and what it needs.

    Attributes
    ----------
    func : callable
        ``func(v_km_s, angle_deg, rho_p_g_cm3, **params) -> d_crit_cm``.
    required_params : tuple of str
        Keyword parameters that must be given.
    optional_params : tuple of str
        Keyword parameters with defaults.
    default_angle_cutoff_deg : float
        Impact-angle cut-off applied when ``angle_cutoff_deg`` is not given [deg];
        90 means none.
    reference : str
        BibTeX key of the source.
    description : str
        One line: shield type, criterion, source equations.
    """

    func: Callable[..., Any]
    required_params: tuple[str, ...]
    optional_params: tuple[str, ...]
    default_angle_cutoff_deg: float
    reference: str
    description: str


_HANDBOOK = "christiansen2009handbook"

#: Registry of ballistic limit equations by canonical name.
BLE_MODELS: dict[str, BLEModel] = {
    "cour_palais_christiansen": BLEModel(
        single_wall.cour_palais_christiansen,
        ("t_cm", "rho_t_g_cm3", "bhn", "c_km_s"),
        ("criterion", "angle_cutoff_deg", "mli_areal_density_g_cm2"),
        90.0, _HANDBOOK,
        "aluminium single wall, Cour-Palais/Christiansen, Handbook eqs (4-1)-(4-6), (4-20)",
    ),
    "titanium_single_wall": BLEModel(
        single_wall.titanium_single_wall,
        ("t_cm", "rho_t_g_cm3", "bhn", "c_km_s"),
        ("criterion", "angle_cutoff_deg"),
        90.0, _HANDBOOK,
        "titanium single wall (Ratliff 2008), Handbook §4.1",
    ),
    "cres_single_wall": BLEModel(
        single_wall.cres_single_wall,
        ("t_cm", "rho_t_g_cm3"),
        ("angle_cutoff_deg",),
        90.0, _HANDBOOK,
        "CRES 15-5PH steel single wall, perforation, Handbook §4.1",
    ),
    "fiberglass_single_wall": BLEModel(
        single_wall.fiberglass_single_wall,
        ("t_cm", "rho_t_g_cm3"),
        ("angle_cutoff_deg",),
        90.0, _HANDBOOK,
        "fiberglass single wall, perforation, Handbook §4.1",
    ),
    "fish_summers": BLEModel(
        single_wall.fish_summers,
        ("t_cm", "k_fs"),
        ("angle_cutoff_deg",),
        90.0, "courpalais1987",
        "thin aluminium plate perforation, Fish-Summers (Cour-Palais 1987 eq (3))",
    ),
    "christiansen_whipple": BLEModel(
        whipple.christiansen_whipple,
        ("t_b_cm", "rho_b_g_cm3", "t_w_cm", "sigma_ksi", "s_cm"),
        ("angle_cutoff_deg", "bumper_correction"),
        65.0, _HANDBOOK,
        "aluminium Whipple shield, JSC/Christiansen, Handbook eqs (4-23)-(4-32)",
    ),
}

#: Short names accepted by :func:`resolve_model` (and the command line).
BLE_ALIASES: dict[str, str] = {
    "cour_palais": "cour_palais_christiansen",
    "courpalais": "cour_palais_christiansen",
    "christiansen": "cour_palais_christiansen",
    "aluminium": "cour_palais_christiansen",
    "aluminum": "cour_palais_christiansen",
    "titanium": "titanium_single_wall",
    "cres": "cres_single_wall",
    "steel": "cres_single_wall",
    "fiberglass": "fiberglass_single_wall",
    "fibreglass": "fiberglass_single_wall",
    "fishsummers": "fish_summers",
    "whipple": "christiansen_whipple",
}


def resolve_model(name: str) -> str:
    """Canonical :data:`BLE_MODELS` key for a model name or alias.

    Case, hyphens and spaces are ignored (``"cour-palais"``, ``"Whipple"``).

    Raises
    ------
    impactrisk.errors.InputError
        For an unknown name; the message lists the known names.
    """
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in BLE_MODELS:
        return key
    if key in BLE_ALIASES:
        return BLE_ALIASES[key]
    known = sorted(set(BLE_MODELS) | set(BLE_ALIASES))
    raise InputError(f"unknown ballistic limit equation {name!r} "
                     f"(known: {', '.join(k.replace('_', '-') for k in known)})")


def angle_cutoff_used(model: str, **params: Any) -> float:
    """The impact-angle cut-off [deg] a call with these parameters applies."""
    entry = BLE_MODELS[resolve_model(model)]
    cut = params.get("angle_cutoff_deg")
    return float(entry.default_angle_cutoff_deg if cut is None else cut)


def critical_diameter_cm(model: str, v_km_s, angle_deg, rho_p_g_cm3, **params: Any):
    """Critical diameter [cm] from the ballistic limit equation ``model``.

    Parameters
    ----------
    model : str
        A :data:`BLE_MODELS` key or alias (``"whipple"``, ``"cour-palais"``...).
    v_km_s : array_like
        Impact speed [km/s].
    angle_deg : array_like
        Impact angle from the surface normal [deg].
    rho_p_g_cm3 : array_like
        Projectile density [g/cm³].
    **params
        The model's parameters (see ``BLE_MODELS[model].required_params`` and
        ``optional_params``); ``None`` counts as not given.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm], broadcast over the inputs.

    Raises
    ------
    impactrisk.errors.InputError
        Unknown model; missing required parameters (all of them are named);
        unexpected parameters; invalid values (the model names them).

    Examples
    --------
    >>> critical_diameter_cm("whipple", 7.0, 0.0, 2.8, t_b_cm=0.127)
    Traceback (most recent call last):
    ...
    impactrisk.errors.InputError: ballistic limit equation 'christiansen_whipple' needs rho_b_g_cm3, t_w_cm, sigma_ksi, s_cm (missing)
    """
    key = resolve_model(model)
    entry = BLE_MODELS[key]
    given = {k: v for k, v in params.items() if v is not None}
    missing = [p for p in entry.required_params if p not in given]
    if missing:
        raise InputError(f"ballistic limit equation {key!r} needs "
                         f"{', '.join(missing)} (missing)")
    unexpected = sorted(set(given) - set(entry.required_params) - set(entry.optional_params))
    if unexpected:
        allowed = ", ".join(entry.required_params + entry.optional_params)
        raise InputError(f"ballistic limit equation {key!r} takes {allowed}; "
                         f"unexpected: {', '.join(unexpected)}")
    return entry.func(v_km_s, angle_deg, rho_p_g_cm3, **given)
