"""Wall and bumper material properties used by the ballistic limit equations.

Each :class:`Material` carries density [g/cm³], yield strength [ksi], bulk sound
speed [km/s] and Brinell hardness [-], plus the BibTeX key of its source in
``impactrisk/references.bib``. A property the source does not give is ``None``;
an equation that needs it refuses the material with a clear message instead of
guessing.

The aluminium alloys, AMg6 and the titanium alloy are BLAP TM Table 1
(Ryan & Christiansen, NASA/TM-2009-214789) — the property set the NASA ballistic
limit program uses. The stainless steel 15-5PH density is from a public data sheet
(its hardness and sound speed were not verified and are left out; the CRES
single-wall equation needs only the density).

:func:`get_material` looks names up case- and punctuation-insensitively
(``"al6061-t6"``, ``"Al 6061-T6"``, ``"AA6061-T6"``, ``"6061"`` are the same alloy).
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from impactrisk.errors import InputError

__all__ = ["Material", "MATERIALS", "get_material", "material_names"]


class Material(NamedTuple):
    """Properties of a wall material.

    Attributes
    ----------
    name : str
        Display name, e.g. ``"Al 6061-T6"``.
    family : str
        ``"aluminium"``, ``"titanium"`` or ``"steel"``: which single-wall equation
        family was fitted to such targets.
    density_g_cm3 : float
        Density [g/cm³].
    yield_ksi : float or None
        Yield strength [ksi] (1 ksi = 6.894757 MPa).
    sound_speed_km_s : float or None
        Speed of sound in the material [km/s] (the ``C`` of the Cour-Palais
        equation).
    bhn : float or None
        Brinell hardness number [-].
    reference : str
        BibTeX key of the source of the numbers.
    aliases : tuple of str
        Further names accepted by :func:`get_material`.
    note : str
        Caveats about the values.
    """

    name: str
    family: str
    density_g_cm3: float
    yield_ksi: float | None
    sound_speed_km_s: float | None
    bhn: float | None
    reference: str
    aliases: tuple[str, ...] = ()
    note: str = ""


_BLAP = "ryan2010blap"  # NASA/TM-2009-214789, Table 1

#: Material table, keyed by canonical lookup key (lower case, letters and digits only).
MATERIALS: dict[str, Material] = {
    # BLAP TM Table 1: rho [g/cm3], sigma_y [ksi], C [km/s], BHN.
    "al1100o": Material("Al 1100-O", "aluminium", 2.71, 5.0, 5.05, 23.0, _BLAP,
                        ("1100-o", "1100")),
    "al2024t3": Material("Al 2024-T3", "aluminium", 2.77, 50.0, 5.11, 120.0, _BLAP,
                         ("2024-t3", "2024")),
    "al2219t87": Material("Al 2219-T87", "aluminium", 2.84, 57.0, 5.10, 130.0, _BLAP,
                          ("2219-t87", "2219")),
    "al3003h14": Material("Al 3003-H14", "aluminium", 2.73, 21.0, 5.06, 40.0, _BLAP,
                          ("3003-h14", "3003")),
    "al6061t6": Material("Al 6061-T6", "aluminium", 2.70, 40.0, 5.05, 95.0, _BLAP,
                         ("6061-t6", "6061"),
                         "the BUMPER-II validation runs in BLAP TM used HB 73, rho 2.713, "
                         "C 5.069 for 6061-T6; Table 1 values are used here"),
    "al7075t6": Material("Al 7075-T6", "aluminium", 2.80, 73.0, 5.04, 150.0, _BLAP,
                         ("7075-t6", "7075")),
    "amg6": Material("AMg6", "aluminium", 2.63, 35.0, 5.07, 73.0, _BLAP,
                     ("al-mg6", "amg-6"),
                     "Russian Al-Mg alloy (Soyuz orbital module pressure shell)"),
    "ti15v3cr3al3sn": Material("Ti-15V-3Cr-3Al-3Sn", "titanium", 4.73, None, 4.26, 257.0,
                               _BLAP, ("ti-15-3-3-3", "ti15333", "titanium"),
                               "yield strength not listed in BLAP TM Table 1"),
    "cres155ph": Material("CRES 15-5PH", "steel", 7.80, None, None, None, "azom155ph",
                          ("15-5ph", "155ph", "15-5 ph", "cres", "steel"),
                          "density from the AZoM 15-5 data sheet; hardness, yield and "
                          "sound speed depend on the heat treatment and were not verified"),
}

_PREFIXES = ("aluminium", "aluminum", "alloy", "aa", "al")


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, mat in MATERIALS.items():
        for alias in (key, mat.name, *mat.aliases):
            index[_normalise(alias)] = key
    return index


_INDEX = _build_index()


def material_names() -> list[str]:
    """Display names of all tabulated materials."""
    return [m.name for m in MATERIALS.values()]


def get_material(name: str) -> Material:
    """Look up a material by name, ignoring case, spaces and punctuation.

    Parameters
    ----------
    name : str
        E.g. ``"al6061-t6"``, ``"Al 6061-T6"``, ``"AA6061-T6"``, ``"6061"``,
        ``"AMg6"``, ``"Ti-15-3-3-3"``, ``"15-5PH"``.

    Returns
    -------
    Material

    Raises
    ------
    impactrisk.errors.InputError
        If the name matches no material; the message lists close names.

    Examples
    --------
    >>> get_material("al6061-t6").bhn
    95.0
    >>> get_material("Al 6061-T6") is get_material("6061")
    True
    """
    if not isinstance(name, str):
        raise InputError(f"material name must be a string, got {type(name).__name__}")
    query = _normalise(name)
    candidates = [query]
    for prefix in _PREFIXES:
        if query.startswith(prefix) and len(query) > len(prefix):
            candidates.append(query[len(prefix):])
    for cand in candidates:
        if cand in _INDEX:
            return MATERIALS[_INDEX[cand]]
    close = difflib.get_close_matches(query, list(_INDEX), n=3, cutoff=0.6)
    names = list(dict.fromkeys(MATERIALS[_INDEX[c]].name for c in close))
    hint = f"; did you mean {', '.join(names)}?" if names else ""
    raise InputError(
        f"unknown material {name!r}{hint} (known: {', '.join(material_names())})"
    )
