"""Reading and validating the module catalogue and the fleet manifest.

The catalogue (``impactrisk/catalogue/``, package data) holds one TOML file per module
(a vehicle's vulnerable hardware: its surfaces in the vehicle frame, their shields and
the vehicle's clocking about the docking axis) and ``fleet.toml`` (when and where each
vehicle was attached to the station). The schema is described in the catalogue's
``README.md``; in one paragraph:

* ``[module]`` (``name``, ``vehicle``, ``description``, ``references``) with an optional
  ``[module.event]`` (``kind``, ``time``, ``source``, ``observed_hole``, ``uncertain``,
  ``note``); ``[[surface]]`` rows (``name``, ``type``, ``shield`` and the quantities of
  the type); ``[shield.NAME]`` tables (``type`` and the quantities of the type);
  ``[clocking]``; optionally ``[[stay]]`` rows that replace the fleet manifest's rows.
* Every quantity is a *parameter*: a table ``{ value, unit, source, assumption }``. A
  parameter with ``source`` is published; one with ``assumption`` is an assumption whose
  text is the reasoning, shown in every report. Dimensional values need a unit.

:func:`load_module` returns a validated, immutable :class:`ModuleSpec` with values in
canonical units named in the keys (``wall_mm``, ``radius_m``, ``area_m2``); it does not
build geometry. Overrides (``"radiator.wall=1.5mm"``) replace a parameter and mark it
``"overridden by the user (was ...)"``. Malformed files and overrides raise
:class:`~impactrisk.errors.InputError` naming the file, the key path and what was
expected.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from impactrisk.errors import InputError

__all__ = [
    "CATALOGUE_PACKAGE",
    "FLEET_FILE",
    "ORBIT_HISTORY_FILE",
    "KNOWN_PORTS",
    "PORT_ALIASES",
    "Param",
    "Stay",
    "Vehicle",
    "OrbitPeriod",
    "Event",
    "ModuleSpec",
    "list_modules",
    "load_module",
    "load_fleet",
    "load_vehicles",
    "load_orbit_history",
    "load_attitude_timeline",
    "stays_for",
]

#: Package holding the shipped catalogue files.
CATALOGUE_PACKAGE = "impactrisk.catalogue"
#: File name of the fleet manifest inside the catalogue.
FLEET_FILE = "fleet.toml"
#: File name of the station's mean-altitude history (before the bundled element sets).
ORBIT_HISTORY_FILE = "iss_orbit_history.toml"

#: Attachment points a stay may name: the docking ports of the Russian segment used by
#: Soyuz MS and Progress MS since 2015 (Pirs until July 2021, Nauka's nadir port until
#: Prichal arrived in November 2021, Zvezda's nadir berth of both) and the two exterior
#: mounting points of the RTOd. Their directions live in :data:`impactrisk.geometry.PORTS`.
KNOWN_PORTS = (
    "rassvet-nadir",
    "poisk-zenith",
    "zvezda-aft",
    "prichal-nadir",
    "pirs-nadir",
    "nauka-nadir",
    "zvezda-nadir",
    "rassvet-exterior",
    "nauka-exterior",
)

#: Other names accepted for a port, mapped to the name used in :class:`Stay`.
PORT_ALIASES = {"mrm1-nadir": "rassvet-nadir", "mrm2-zenith": "poisk-zenith",
                "sm-aft": "zvezda-aft", "dc1-nadir": "pirs-nadir",
                "mlm-nadir": "nauka-nadir", "sm-nadir": "zvezda-nadir"}

_STAY_CONFIGURATIONS = ("stowed", "deployed")
_CRITERIA = ("perforation", "detached-spall", "incipient-spall")
_CHANNEL_AXES = ("axial", "circumferential")
_UNMARKED = "no source or reasoning given in {file}"

# --- units -------------------------------------------------------------------------------

# kind -> (canonical unit, {accepted unit: factor to canonical}, words for messages)
_UNITS: dict[str, tuple[str, dict[str, float], str]] = {
    "thickness": ("mm", {"um": 1e-3, "µm": 1e-3, "mm": 1.0, "cm": 10.0, "m": 1000.0}, "a length"),
    "size": ("m", {"mm": 1e-3, "cm": 1e-2, "m": 1.0}, "a length"),
    "area": ("m2", {"mm2": 1e-6, "cm2": 1e-4, "m2": 1.0, "m^2": 1.0, "m²": 1.0,
                    "cm^2": 1e-4, "cm²": 1e-4}, "an area"),
    "angle": ("deg", {"deg": 1.0, "°": 1.0, "rad": 180.0 / math.pi}, "an angle"),
}
_UNIT_LISTS = {
    "thickness": "mm, cm, m",
    "size": "mm, cm, m",
    "area": "m2, cm2",
    "angle": "deg, rad",
}
_NUMBER_WITH_UNIT = re.compile(
    r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d.+-][^\s]*)?\s*$"
)

# --- schema ------------------------------------------------------------------------------
# TOML key -> (kind, canonical key, constraint)

_SHIELD_SCHEMA: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "radiator": {
        "material": ("material", "material", None),
        "wall": ("thickness", "wall_mm", "positive"),
        "facesheet": ("thickness", "facesheet_mm", "non-negative"),
        "gap": ("thickness", "gap_mm", "non-negative"),
        "channel_fraction": ("fraction", "channel_fraction", "fraction"),
        "channel_diameter": ("thickness", "channel_diameter_mm", "positive"),
        "channel_axis": ("channel-axis", "channel_axis", None),
    },
    "single-wall": {
        "material": ("material", "material", None),
        "wall": ("thickness", "wall_mm", "positive"),
        "criterion": ("criterion", "criterion", None),
    },
    "whipple": {
        "bumper": ("thickness", "bumper_mm", "positive"),
        "bumper_material": ("material", "bumper_material", None),
        "rear_wall": ("thickness", "rear_wall_mm", "positive"),
        "rear_wall_material": ("material", "rear_wall_material", None),
        "standoff": ("thickness", "standoff_mm", "positive"),
    },
}
_SHIELD_OPTIONAL = {"criterion"}
_SHIELD_META = ("type", "description")

_FLAT = {
    "normal": ("vector", "normal", None),
    "area": ("area", "area_m2", "positive"),
}
_BAND = {
    "axis": ("vector", "axis", None),
    "diameter": ("size", "diameter_m", "positive"),
    "length": ("size", "length_m", "positive"),
    "area": ("area", "area_m2", "positive"),
}
_SURFACE_SCHEMA: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "flat": _FLAT,
    "radiator-flat": _FLAT,
    "disk": {
        "normal": ("vector", "normal", None),
        "diameter": ("size", "diameter_m", "positive"),
    },
    "cylinder-band": _BAND,
    "radiator-band": _BAND,
    "tube": {
        "axis": ("vector", "axis", None),
        "length": ("size", "length_m", "positive"),
        "outer_diameter": ("size", "outer_diameter_m", "positive"),
        "facing": ("vector", "facing", None),
    },
}
# Keys a surface type may leave out (bands need exactly one of length and area).
_SURFACE_OPTIONAL = {
    "flat": (), "radiator-flat": (), "disk": (),
    "cylinder-band": ("length", "area"), "radiator-band": ("length", "area"),
    "tube": ("facing",),
}
# Plain (non-parameter) keys per surface type, besides name/type/shield/role/description.
_SURFACE_PLAIN = {
    "flat": ("two_sided",),
    "radiator-flat": ("two_sided",),
    "disk": (),
    "cylinder-band": ("arc_deg",),
    "radiator-band": ("arc_deg",),
    "tube": ("half",),
}
_SURFACE_META = ("name", "type", "shield", "role", "description")
_ROLES = ("vulnerable", "reported")

_PARAM_KEYS = ("value", "unit", "source", "assumption")
_TOP_KEYS = ("module", "surface", "shield", "clocking", "stay")
_MODULE_KEYS = ("name", "vehicle", "description", "references", "event")
_EVENT_KEYS = ("kind", "time", "source", "observed_hole", "uncertain", "note")
_STAY_KEYS = ("vehicle", "port", "start", "end", "source", "uncertain", "optional", "note",
              "configuration")
_FLEET_KEYS = ("stay", "vehicle")
_VEHICLE_KEYS = ("name", "launch", "source", "uncertain", "note")
_ORBIT_KEYS = ("period",)
_PERIOD_KEYS = ("start", "end", "mean_altitude_km", "inclination_deg", "source", "uncertain",
                "note")
#: Accepted range of a period's mean altitude [km] and inclination [deg].
_ALTITUDE_RANGE_KM = (150.0, 1000.0)
_INCLINATION_RANGE_DEG = (0.0, 180.0)


# --- data classes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter with its provenance.

    Attributes
    ----------
    value : float, str or tuple of float
        The value in the canonical unit of its key (``mm`` for thicknesses, ``m`` for
        sizes, ``m2`` for areas, ``deg`` for angles); a unit vector for directions.
    unit : str or None
        The canonical unit, ``None`` for dimensionless values, names and vectors.
    assumption : str or None
        The reasoning when the value is an assumption (also set for user overrides and
        for values given without any provenance).
    source : str or None
        Where a published value comes from.
    """

    value: Any
    unit: str | None = None
    assumption: str | None = None
    source: str | None = None

    @property
    def is_assumption(self) -> bool:
        """True when the value is an assumption (shown as such in reports)."""
        return self.assumption is not None

    def display(self) -> str:
        """The value with its unit, e.g. ``"1.5 mm"``, ``"[0, 1, 0]"``, ``"AMg6"``."""
        return _display(self.value, self.unit)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"value": value, "unit": self.unit, "assumption": self.assumption,
                "source": self.source}


@dataclass(frozen=True)
class Stay:
    """One attachment of a vehicle (or external item) to the station.

    Attributes
    ----------
    vehicle, port : str
        E.g. ``"Soyuz MS-22"``, ``"rassvet-nadir"`` (a key of
        :data:`impactrisk.geometry.PORTS`).
    start, end : datetime.datetime
        UTC, timezone-aware; ``end`` is ``None`` while the item is still attached.
    source : str
        Where the times and port come from.
    uncertain : bool
        Times (to worse than about an hour) or port not firmly established.
    optional : bool
        The exposure itself is an assumption; left out with ``include_optional=False``.
    note : str
        What is uncertain or assumed, in words.
    configuration : str or None
        ``"stowed"`` or ``"deployed"`` for items that change shape (the module's
        geometry is the deployed one).
    """

    vehicle: str
    port: str
    start: dt.datetime
    end: dt.datetime | None
    source: str
    uncertain: bool = False
    optional: bool = False
    note: str = ""
    configuration: str | None = None

    @property
    def duration_days(self) -> float | None:
        """Length of the stay [days]; ``None`` for an open stay."""
        if self.end is None:
            return None
        return (self.end - self.start).total_seconds() / 86400.0

    def clipped(self, end: dt.datetime) -> Stay | None:
        """The part of the stay before ``end``, or ``None`` if it starts at or after it."""
        if self.start >= end:
            return None
        if self.end is not None and self.end <= end:
            return self
        return replace(self, end=end)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (ISO 8601 UTC times)."""
        return {
            "vehicle": self.vehicle, "port": self.port, "start": _iso(self.start),
            "end": _iso(self.end) if self.end is not None else None,
            "source": self.source, "uncertain": self.uncertain, "optional": self.optional,
            "note": self.note, "configuration": self.configuration,
        }


@dataclass(frozen=True)
class Vehicle:
    """A vehicle of the fleet manifest and its launch.

    Attributes
    ----------
    name : str
        E.g. ``"Soyuz MS-22"``; keys the ``[[stay]]`` rows.
    launch : datetime.datetime
        Lift-off, UTC, timezone-aware.
    source : str
        Where the launch time comes from.
    uncertain : bool
        The launch time is not firmly established (see ``note``).
    note : str
        Further facts, e.g. a reported radiator leak or a launch failure.
    """

    name: str
    launch: dt.datetime
    source: str
    uncertain: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (ISO 8601 UTC time)."""
        return {"name": self.name, "launch": _iso(self.launch), "source": self.source,
                "uncertain": self.uncertain, "note": self.note}


@dataclass(frozen=True)
class OrbitPeriod:
    """A period of the station's documented mean altitude (a circular-orbit stand-in).

    Attributes
    ----------
    start, end : datetime.datetime
        UTC, timezone-aware; the period covers ``start <= t < end``.
    mean_altitude_km : float
        Mean altitude above a spherical Earth of radius 6378.137 km [km].
    inclination_deg : float
        Orbit inclination [deg].
    source : str
        Where the altitude comes from and how it was converted.
    uncertain : bool
        The altitude is poorly sourced for this period (see ``note``).
    note : str
        What the value rests on.
    """

    start: dt.datetime
    end: dt.datetime
    mean_altitude_km: float
    inclination_deg: float
    source: str
    uncertain: bool = False
    note: str = ""

    @property
    def duration_days(self) -> float:
        """Length of the period [days]."""
        return (self.end - self.start).total_seconds() / 86400.0

    def contains(self, time: dt.datetime) -> bool:
        """True when ``start <= time < end`` (naive times are taken as UTC)."""
        if time.tzinfo is None:
            time = time.replace(tzinfo=dt.timezone.utc)
        return self.start <= time < self.end

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (ISO 8601 UTC times)."""
        return {"start": _iso(self.start), "end": _iso(self.end),
                "mean_altitude_km": self.mean_altitude_km,
                "inclination_deg": self.inclination_deg, "source": self.source,
                "uncertain": self.uncertain, "note": self.note}


@dataclass(frozen=True)
class Event:
    """The failure a module is known for (e.g. a coolant leak).

    Attributes
    ----------
    kind : str
        E.g. ``"coolant leak"``.
    time : datetime.datetime
        When it was first observed, UTC.
    source : str
        Where the time comes from.
    observed_hole_mm : Param or None
        Reported hole diameter [mm].
    uncertain : bool
        The time is not firmly established (see ``note``).
    note : str
        Further facts and caveats.
    """

    kind: str
    time: dt.datetime
    source: str
    observed_hole_mm: Param | None = None
    uncertain: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        hole = self.observed_hole_mm.to_dict() if self.observed_hole_mm is not None else None
        return {"kind": self.kind, "time": _iso(self.time), "source": self.source,
                "observed_hole_mm": hole, "uncertain": self.uncertain, "note": self.note}


@dataclass(frozen=True)
class ModuleSpec:
    """A validated module: surfaces, shields, clocking, exposure and event.

    Attributes
    ----------
    name, vehicle, description : str
        ``vehicle`` keys the fleet manifest.
    surfaces : tuple of mapping
        One read-only mapping per surface with ``name``, ``type``, ``shield``, ``role``
        (``None`` for radiator types, whose builder assigns the roles), ``description``,
        the geometry in canonical units (``normal``/``axis``/``facing`` unit vectors in
        the vehicle frame, ``area_m2``, ``radius_m``, ``length_m``,
        ``outer_diameter_m``, ``arc_deg``, ``two_sided``, ``half`` as the type needs)
        and ``params``: the :class:`Param` of every given or derived quantity, keyed by
        its TOML name.
    shields : mapping
        Shield name -> read-only mapping with ``type``, ``description`` and one
        :class:`Param` per quantity under its canonical key (``wall_mm``,
        ``facesheet_mm``, ``gap_mm``, ``channel_fraction``, ``channel_diameter_mm``,
        ``channel_axis``, ``material``; ``criterion`` for single walls; ``bumper_mm``,
        ``rear_wall_mm``, ``standoff_mm`` and materials for Whipple shields).
    clocking_deg : Param
        Roll of the vehicle about the docking axis [deg].
    exposure : tuple of Stay
        The vehicle's stays in time order (optional ones only if included).
    event : Event or None
    references : tuple of str
    overrides : tuple of str
        The overrides applied, normalised (``"shield.radiator.wall=1.5 mm"``).
    include_optional : bool
        Whether optional stays were kept.
    source_file : str
        File name the module was read from (no directory).
    """

    name: str
    vehicle: str
    description: str
    surfaces: tuple[Mapping[str, Any], ...]
    shields: Mapping[str, Mapping[str, Any]]
    clocking_deg: Param
    exposure: tuple[Stay, ...]
    event: Event | None = None
    references: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()
    include_optional: bool = True
    source_file: str = ""
    template: str = ""

    __hash__ = None  # mappings inside; use content_hash()

    def parameters(self) -> list[tuple[str, Param]]:
        """Every parameter as ``(key path, Param)``, paths as the overrides take them.

        ``surface.NAME.KEY`` and ``shield.NAME.KEY`` use the TOML keys (``wall``, not
        ``wall_mm``); then ``clocking`` and ``event.observed_hole``.
        """
        out: list[tuple[str, Param]] = []
        for surface in self.surfaces:
            for key, param in surface["params"].items():
                out.append((f"surface.{surface['name']}.{key}", param))
        for name, shield in self.shields.items():
            for key, param in shield.items():
                if isinstance(param, Param):
                    out.append((f"shield.{name}.{_toml_key(shield['type'], key)}", param))
        out.append(("clocking", self.clocking_deg))
        if self.event is not None and self.event.observed_hole_mm is not None:
            out.append(("event.observed_hole", self.event.observed_hole_mm))
        return out

    def assumptions(self) -> list[tuple[str, str, str]]:
        """Every assumed parameter as ``(key path, value with unit, reasoning)``.

        Includes user overrides, values given without provenance and the optional
        stays that are part of the exposure.
        """
        out = [(path, param.display(), param.assumption)
               for path, param in self.parameters() if param.is_assumption]
        if self.template:
            out.insert(0, ("module.template", self.template,
                           f"{self.vehicle}'s hardware is taken to be that of the {self.template} module "
                           "(same geometry, materials and build-up); no vehicle-specific data were found"))
        for stay in self.exposure:
            if stay.optional:
                end = _iso(stay.end) if stay.end is not None else "open"
                out.append((f"exposure.{stay.port}", f"{_iso(stay.start)} .. {end}",
                            stay.note or "optional exposure"))
        return out

    def default_window(self) -> tuple[dt.datetime, dt.datetime | None]:
        """``(start, end)``: from the first stay to the event (or the last stay's end).

        ``end`` is ``None`` when there is no event and the last stay is open.
        """
        start = self.exposure[0].start
        if self.event is not None:
            return start, self.event.time
        return start, self.exposure[-1].end

    def default_exposure(self) -> tuple[Stay, ...]:
        """The stays cut at the end of :meth:`default_window` (the exposure before the event)."""
        _, end = self.default_window()
        if end is None:
            return self.exposure
        return tuple(s for s in (stay.clipped(end) for stay in self.exposure) if s is not None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form of everything that defines the module."""
        surfaces = []
        for surface in self.surfaces:
            item = {k: (list(v) if isinstance(v, tuple) else v)
                    for k, v in surface.items() if k != "params"}
            item["params"] = {k: p.to_dict() for k, p in surface["params"].items()}
            surfaces.append(item)
        shields = {
            name: {k: (v.to_dict() if isinstance(v, Param) else v) for k, v in shield.items()}
            for name, shield in self.shields.items()
        }
        return {
            "name": self.name, "vehicle": self.vehicle, "description": self.description,
            "source_file": self.source_file,
            "event": self.event.to_dict() if self.event is not None else None,
            "surfaces": surfaces, "shields": shields,
            "clocking_deg": self.clocking_deg.to_dict(),
            "exposure": [s.to_dict() for s in self.exposure],
            "references": list(self.references), "overrides": list(self.overrides),
            "include_optional": self.include_optional,
            **({"template": self.template} if self.template else {}),
        }

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`.

        It changes with any value, provenance text, override or exposure row, and not
        with the folder the file was read from.
        """
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- public functions -----------------------------------------------------------------


def list_modules() -> list[str]:
    """Names of the shipped modules, sorted (the catalogue's TOML files but the fleet
    manifest and the orbit history)."""
    return sorted(
        entry.name[: -len(".toml")]
        for entry in files(CATALOGUE_PACKAGE).iterdir()
        if entry.name.endswith(".toml") and entry.name not in (FLEET_FILE, ORBIT_HISTORY_FILE)
    )


def load_module(name: str | Path, *, overrides: Iterable[str] = (),
                include_optional: bool = True, vehicle: str | None = None) -> ModuleSpec:
    """Read, validate and return one module.

    Parameters
    ----------
    name : str or pathlib.Path
        A shipped module's name, case-insensitive (``"soyuz-ms-22"``, ``"Soyuz MS-22"``),
        or the path of a module TOML file.
    overrides : iterable of str
        ``"PATH=VALUE"`` items, e.g. ``"radiator.wall=1.5mm"``,
        ``"radiator.channel_fraction=0.3"``, ``"radiator.facesheet=0mm"``,
        ``"clocking=90deg"``, ``"rtod.area=5m2"``. ``PATH`` is ``clocking`` or
        ``NAME.KEY`` with ``NAME`` a shield or surface (``shield.NAME.KEY`` and
        ``surface.NAME.KEY`` when a name is both); ``KEY`` is the TOML key or its
        canonical name (``wall_mm``, whose unit is then implied).
    include_optional : bool
        Keep stays marked ``optional`` (e.g. the RTOd's stowed years on Rassvet).
    vehicle : str, optional
        Use the module as a template for another vehicle of the fleet manifest (e.g.
        the Soyuz MS-22 radiator for ``"Soyuz MS-05"``): same geometry and build-up,
        that vehicle's stays, no event, and the name taken from the vehicle. That the
        vehicles share the hardware is an assumption, listed with the others.

    Returns
    -------
    ModuleSpec

    Raises
    ------
    impactrisk.errors.InputError
        Unknown module (with close names), unreadable or malformed file (naming the
        file, the key path and the expected type or unit), bad override (naming it and
        the allowed keys), or no exposure rows for the vehicle.
    """
    if isinstance(overrides, str):
        overrides = [overrides]
    text, file_label, catalogue_name = _resolve_module(name)
    raw = _parse_toml(text, file_label)
    return _build_module(raw, file_label, catalogue_name, list(overrides), include_optional, vehicle)


def load_fleet(path: str | Path | None = None) -> tuple[Stay, ...]:
    """Read and validate a fleet manifest (default: the shipped ``fleet.toml``).

    Rows of one vehicle must be in time order and must not overlap, and two rows may not
    occupy one port at the same time. The optional ``[[vehicle]]`` tables (name, launch,
    source, uncertain, note) are validated too: every stay of a listed vehicle must start
    after its launch (:func:`load_vehicles` returns them).
    """
    if path is None:
        return _packaged_fleet()[0]
    return _read_fleet(Path(path))[0]


def load_vehicles(path: str | Path | None = None) -> tuple[Vehicle, ...]:
    """The ``[[vehicle]]`` tables of a fleet manifest (default: the shipped ``fleet.toml``).

    The whole manifest is validated as by :func:`load_fleet`. Vehicles are returned in
    file order.
    """
    if path is None:
        return _packaged_fleet()[1]
    return _read_fleet(Path(path))[1]


def load_orbit_history(path: str | Path | None = None) -> tuple[OrbitPeriod, ...]:
    """Read and validate the station's mean-altitude history (default: the shipped
    ``iss_orbit_history.toml``).

    ``[[period]]`` rows (``start``, ``end``, ``mean_altitude_km``, ``inclination_deg``,
    ``source``, optional ``uncertain`` and ``note``) must be in time order, each ending
    after it starts and the next starting exactly where it ends (no gaps, no overlaps),
    with altitudes in 150..1000 km and inclinations in 0..180 deg; every row names a
    source.

    Raises
    ------
    impactrisk.errors.InputError
        Unreadable or malformed file, naming the file, the row and the key.
    """
    if path is None:
        return _packaged_orbit_history()
    path = Path(path)
    return _parse_orbit_history(_read_toml(path, "orbit history"), path.name)


def stays_for(vehicle: str, fleet: Iterable[Stay] | None = None) -> tuple[Stay, ...]:
    """The stays of one vehicle (names compared case- and punctuation-insensitively)."""
    rows = _packaged_fleet()[0] if fleet is None else tuple(fleet)
    key = _normalise_name(vehicle)
    return tuple(s for s in rows if _normalise_name(s.vehicle) == key)


# --- file access -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _packaged_fleet() -> tuple[tuple[Stay, ...], tuple[Vehicle, ...]]:
    text = files(CATALOGUE_PACKAGE).joinpath(FLEET_FILE).read_text(encoding="utf-8")
    return _parse_fleet(_parse_toml(text, FLEET_FILE), FLEET_FILE)


@lru_cache(maxsize=1)
def _packaged_orbit_history() -> tuple[OrbitPeriod, ...]:
    text = files(CATALOGUE_PACKAGE).joinpath(ORBIT_HISTORY_FILE).read_text(encoding="utf-8")
    return _parse_orbit_history(_parse_toml(text, ORBIT_HISTORY_FILE), ORBIT_HISTORY_FILE)


def _read_fleet(path: Path) -> tuple[tuple[Stay, ...], tuple[Vehicle, ...]]:
    return _parse_fleet(_read_toml(path, "fleet manifest"), path.name)


def _read_text(path: Path, what: str) -> str:
    """The UTF-8 text of a user file, or an InputError naming ``what`` it is and why."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    """A user TOML file, parsed; errors name the file."""
    return _parse_toml(_read_text(path, what), path.name)


def _resolve_module(name: str | Path) -> tuple[str, str, str | None]:
    """Return (text, file label, catalogue name or None for a user file)."""
    if not isinstance(name, (str, Path)):
        raise InputError(f"module name must be a string or a path, got {type(name).__name__}")
    text_name = str(name).strip()
    looks_like_path = (isinstance(name, Path) or text_name.lower().endswith(".toml")
                       or "/" in text_name or "\\" in text_name)
    known = list_modules()
    if looks_like_path:
        path = Path(text_name).expanduser()
        bare = not isinstance(name, Path) and "/" not in text_name and "\\" not in text_name
        if not path.is_file() and bare and _normalise_name(text_name) in known:
            text_name = _normalise_name(text_name)  # "soyuz-ms-22.toml": the shipped file
        elif not path.is_file():
            raise InputError(f"module file {text_name} not found")
        else:
            return _read_text(path, "module file"), path.name, None
    key = _normalise_name(text_name)
    if key in known:
        file_name = f"{key}.toml"
        text = files(CATALOGUE_PACKAGE).joinpath(file_name).read_text(encoding="utf-8")
        return text, file_name, key
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"unknown module {text_name!r}{hint} (known: {', '.join(known)}; "
                     "or give the path of a module .toml file)")


def _parse_toml(text: str, file_label: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file_label}: not valid TOML: {exc}") from None


# --- building a module -----------------------------------------------------------------


def _build_module(raw: dict[str, Any], file: str, catalogue_name: str | None,
                  overrides: list[str], include_optional: bool, for_vehicle: str | None = None) -> ModuleSpec:
    _check_keys(raw, _TOP_KEYS, file, "")
    module = _require_table(raw, "module", file, "")
    _check_keys(module, _MODULE_KEYS, file, "module")
    name = _require_str(module, "name", file, "module")
    vehicle = _require_str(module, "vehicle", file, "module")
    if catalogue_name is not None and name != catalogue_name:
        raise InputError(f"{file}: module.name: expected {catalogue_name!r} (the file name), "
                         f"got {_got(name)}")
    description = _optional_str(module, "description", file, "module")
    references = _optional_str_list(module, "references", file, "module")
    event = _parse_event(module.get("event"), file) if "event" in module else None
    template_of = ""  # the module this one was made from, when applied to another vehicle
    if for_vehicle is not None and _normalise_name(for_vehicle) != _normalise_name(vehicle):
        template_of = name
        vehicle = str(for_vehicle).strip()
        name = _normalise_name(vehicle)
        event = None
        description = (f"{description} Applied to {vehicle} (template {template_of}: the same hardware is "
                       "assumed).").strip()
        raw = {k: v for k, v in raw.items() if k != "stay"}

    shields = _parse_shields(raw.get("shield", {}), file)
    surfaces_raw = _parse_surfaces(raw.get("surface", []), file, shields)
    clocking = _parse_clocking(raw.get("clocking"), file)

    applied: list[str] = []
    for text in overrides:
        clocking = _apply_override(text, file, shields, surfaces_raw, clocking, applied)

    surfaces = tuple(_finish_surface(s, shields, file) for s in surfaces_raw)
    frozen_shields = MappingProxyType(
        {n: MappingProxyType(dict(s)) for n, s in shields.items()}
    )

    if "stay" in raw:
        exposure = _parse_stays(raw["stay"], file, "stay")
        exposure = tuple(s for s in exposure
                         if _normalise_name(s.vehicle) == _normalise_name(vehicle))
        if not exposure:
            raise InputError(f"{file}: stay: no rows for vehicle {vehicle!r}")
    else:
        exposure = stays_for(vehicle)
        if not exposure:
            raise InputError(f"{file}: no stays for vehicle {vehicle!r} in {FLEET_FILE}; "
                             "add [[stay]] rows to the module file")
    if not include_optional:
        exposure = tuple(s for s in exposure if not s.optional)
        if not exposure:
            raise InputError(f"{file}: every stay of {vehicle!r} is optional; nothing is left "
                             "without the optional exposure")
    if event is not None:
        first, last = exposure[0].start, exposure[-1].end
        if event.time < first or (last is not None and event.time > last):
            span = f"{_iso(first)} .. {_iso(last) if last is not None else 'open'}"
            raise InputError(f"{file}: module.event.time: expected a time within the "
                             f"exposure ({span}), got {_iso(event.time)}")

    return ModuleSpec(
        name=name, vehicle=vehicle, description=description, surfaces=surfaces,
        shields=frozen_shields, clocking_deg=clocking, exposure=exposure, event=event,
        references=references, overrides=tuple(applied), include_optional=include_optional,
        source_file=file, template=template_of,
    )


def _parse_event(raw: Any, file: str) -> Event:
    where = "module.event"
    if not isinstance(raw, dict):
        raise InputError(f"{file}: {where}: expected a table, got {_got(raw)}")
    _check_keys(raw, _EVENT_KEYS, file, where)
    kind = _require_str(raw, "kind", file, where)
    time = _parse_time(_require(raw, "time", file, where), file, f"{where}.time")
    source = _require_str(raw, "source", file, where)
    hole = None
    if "observed_hole" in raw:
        hole = _parse_param(raw["observed_hole"], ("thickness", "observed_hole_mm", "positive"),
                            file, f"{where}.observed_hole")
    return Event(kind=kind, time=time, source=source, observed_hole_mm=hole,
                 uncertain=_optional_bool(raw, "uncertain", file, where),
                 note=_optional_str(raw, "note", file, where))


def _parse_shields(raw: Any, file: str) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise InputError(f"{file}: shield: expected tables [shield.NAME], got {_got(raw)}")
    shields: dict[str, dict[str, Any]] = {}
    for name, table in raw.items():
        where = f"shield.{name}"
        if not isinstance(table, dict):
            raise InputError(f"{file}: {where}: expected a table, got {_got(table)}")
        kind = _require_str(table, "type", file, where)
        if kind not in _SHIELD_SCHEMA:
            raise InputError(f"{file}: {where}.type: expected one of "
                             f"{', '.join(_SHIELD_SCHEMA)}, got {_got(kind)}")
        schema = _SHIELD_SCHEMA[kind]
        _check_keys(table, (*_SHIELD_META, *schema), file, where)
        shield: dict[str, Any] = {"type": kind,
                                  "description": _optional_str(table, "description", file, where)}
        for key, spec in schema.items():
            if key not in table:
                if key in _SHIELD_OPTIONAL:
                    continue
                needed = ", ".join(k for k in schema if k not in _SHIELD_OPTIONAL)
                raise InputError(f"{file}: {where}: missing key {key!r} (a {kind} shield needs "
                                 f"{needed})")
            shield[spec[1]] = _parse_param(table[key], spec, file, f"{where}.{key}")
        shields[name] = shield
    return shields


def _parse_surfaces(raw: Any, file: str, shields: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _, where, table in _table_rows(raw, "surface", file, at_least_one=True):
        name = _require_str(table, "name", file, where)
        where = f"surface.{name}"
        if name in seen:
            raise InputError(f"{file}: {where}: duplicate surface name")
        seen.add(name)
        kind = _require_str(table, "type", file, where)
        if kind not in _SURFACE_SCHEMA:
            raise InputError(f"{file}: {where}.type: expected one of "
                             f"{', '.join(_SURFACE_SCHEMA)}, got {_got(kind)}")
        schema = _SURFACE_SCHEMA[kind]
        _check_keys(table, (*_SURFACE_META, *schema, *_SURFACE_PLAIN[kind]), file, where)
        shield = _require_str(table, "shield", file, where)
        if shield not in shields:
            known = ", ".join(shields) or "none defined"
            raise InputError(f"{file}: {where}.shield: expected the name of a [shield.NAME] "
                             f"table ({known}), got {_got(shield)}")
        role = None
        if kind.startswith("radiator-"):
            if "role" in table:
                raise InputError(f"{file}: {where}.role: a {kind} has fixed roles "
                                 "(channels vulnerable, panel reported); remove the key")
            if shields[shield]["type"] != "radiator":
                raise InputError(f"{file}: {where}.shield: a {kind} needs a shield of type "
                                 f"radiator, got {shields[shield]['type']!r}")
        else:
            role = table.get("role", "reported")
            if role not in _ROLES:
                raise InputError(f"{file}: {where}.role: expected one of {', '.join(_ROLES)}, "
                                 f"got {_got(role)}")
        surface: dict[str, Any] = {
            "name": name, "type": kind, "shield": shield, "role": role,
            "description": _optional_str(table, "description", file, where), "params": {},
        }
        for key, spec in schema.items():
            if key in table:
                surface["params"][key] = _parse_param(table[key], spec, file, f"{where}.{key}")
            elif key not in _SURFACE_OPTIONAL[kind]:
                needed = ", ".join(k for k in schema if k not in _SURFACE_OPTIONAL[kind])
                raise InputError(f"{file}: {where}: missing key {key!r} (a {kind} needs {needed})")
        for key in _SURFACE_PLAIN[kind]:
            if key == "arc_deg":
                surface["arc_deg"] = _parse_arc(table.get("arc_deg", [0.0, 360.0]),
                                                f"{file}: {where}.arc_deg")
            else:
                surface[key] = _optional_bool(table, key, file, where)
        if kind.endswith("band"):
            given = [k for k in ("length", "area") if k in surface["params"]]
            if len(given) != 1:
                raise InputError(f"{file}: {where}: expected exactly one of 'length' and "
                                 f"'area', got {len(given)}")
        out.append(surface)
    return out


def _parse_clocking(raw: Any, file: str) -> Param:
    if raw is None:
        return Param(0.0, "deg", assumption=f"not given in {file}; 0 deg assumed")
    return _parse_param(raw, ("angle", "clocking_deg", "finite"), file, "clocking")


def _finish_surface(surface: dict[str, Any], shields: dict[str, Any],
                    file: str) -> Mapping[str, Any]:
    """Derive the canonical geometry of a surface from its (possibly overridden) params."""
    where = f"surface.{surface['name']}"
    params = dict(surface["params"])
    out = {k: v for k, v in surface.items() if k != "params"}
    kind = surface["type"]
    if kind in ("flat", "radiator-flat"):
        out["normal"] = params["normal"].value
        out["area_m2"] = params["area"].value
    elif kind == "disk":
        out["normal"] = params["normal"].value
        radius = params["diameter"].value / 2.0
        out["radius_m"] = radius
        out["area_m2"] = math.pi * radius**2
    elif kind.endswith("band"):
        out["axis"] = params["axis"].value
        diameter = params["diameter"].value
        arc0, arc1 = out["arc_deg"]
        circumference = math.pi * diameter * (arc1 - arc0) / 360.0
        out["radius_m"] = diameter / 2.0
        if "area" in params:
            out["area_m2"] = params["area"].value
            out["length_m"] = params["area"].value / circumference
            params["length"] = Param(out["length_m"], "m",
                                     source="derived: area / (arc fraction x pi x diameter)")
        else:
            out["length_m"] = params["length"].value
            out["area_m2"] = params["length"].value * circumference
            params["area"] = Param(out["area_m2"], "m2",
                                   source="derived: arc fraction x pi x diameter x length")
    elif kind == "tube":
        out["axis"] = params["axis"].value
        out["length_m"] = params["length"].value
        out["outer_diameter_m"] = params["outer_diameter"].value
        out["facing"] = params["facing"].value if "facing" in params else None
        if out.get("half") and out["facing"] is None:
            raise InputError(f"{file}: {where}: half = true needs 'facing'")
    if kind.startswith("radiator-"):
        axis_param = shields[surface["shield"]]["channel_axis"]
        axis = axis_param.value
        at = _location(axis_param, file, f"shield.{surface['shield']}.channel_axis")
        if kind == "radiator-band" and axis not in _CHANNEL_AXES:
            raise InputError(f"{at}: expected "
                             f"{' or '.join(_CHANNEL_AXES)} for the band {surface['name']!r}, "
                             f"got {_display(axis, None)}")
        if kind == "radiator-flat":
            if not isinstance(axis, tuple):
                raise InputError(f"{at}: expected a "
                                 f"vector in the plane of the flat panel {surface['name']!r}, "
                                 f"got {_display(axis, None)}")
            if abs(sum(a * n for a, n in zip(axis, out["normal"]))) > 1e-6:
                raise InputError(f"{at}: expected a "
                                 f"vector perpendicular to the normal of {surface['name']!r} "
                                 f"{_display(out['normal'], None)}, got {_display(axis, None)}")
    out["params"] = MappingProxyType(params)
    return MappingProxyType(out)


# --- parameters -------------------------------------------------------------------------


def _parse_param(raw: Any, spec: tuple[str, str, str | None], file: str, where: str) -> Param:
    """Parse one parameter (a table with value/unit/source/assumption, or a bare value)."""
    kind, _, constraint = spec
    if isinstance(raw, dict):
        _check_keys(raw, _PARAM_KEYS, file, where)
        if "value" not in raw:
            raise InputError(f"{file}: {where}: missing key 'value'")
        value, unit = raw["value"], raw.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise InputError(f"{file}: {where}.unit: expected a string, got {_got(unit)}")
        source = _clean_text(raw.get("source"), file, f"{where}.source")
        assumption = _clean_text(raw.get("assumption"), file, f"{where}.assumption")
    else:
        value, unit, source, assumption = raw, None, None, None
    if source is None and assumption is None:
        assumption = _UNMARKED.format(file=file)
    converted, canonical_unit = _convert(value, unit, kind, constraint, f"{file}: {where}")
    return Param(converted, canonical_unit, assumption, source)


def _convert(value: Any, unit: str | None, kind: str, constraint: str | None,
             at: str) -> tuple[Any, str | None]:
    """Check and convert a raw value to the canonical unit of its kind.

    ``at`` prefixes every message (``"file.toml: shield.radiator.wall"``).
    """
    if kind in _UNITS:
        canonical, table, words = _UNITS[kind]
        expected = f"{words} with unit ({_UNIT_LISTS[kind]})"
        if isinstance(value, str) and unit is None:
            match = _NUMBER_WITH_UNIT.match(value)
            if match is None:
                raise InputError(f"{at}: expected {expected}, got {_got(value)}")
            number, unit = float(match.group(1)), match.group(2)
        elif _is_number(value):
            number = float(value)
        else:
            raise InputError(f"{at}: expected {expected}, got {_got(value)}")
        if unit is None:
            if number != 0:  # zero is the only value that needs no unit
                raise InputError(f"{at}: expected {expected}, got {_got(value)} without a unit")
            _check_constraint(0.0, constraint, at, expected, "0")
            return 0.0, canonical
        factor = table.get(unit.strip())
        if factor is None:
            raise InputError(f"{at}: expected {expected}, got unit {_got(unit)}")
        result = number * factor
        _check_constraint(result, constraint, at, expected, f"{number:g} {unit}")
        return _tidy(result), canonical
    if kind == "fraction":
        if not _is_number(value) or (unit not in (None, "", "1", "%")):
            raise InputError(f"{at}: expected a dimensionless number (0 < x <= 1), "
                             f"got {_got(value) if unit is None else _got(f'{value} {unit}')}")
        number = float(value) / (100.0 if unit == "%" else 1.0)
        _check_constraint(number, constraint, at, "a fraction (0 < x <= 1)", f"{value:g}")
        return number, None
    if unit not in (None, ""):
        raise InputError(f"{at}: expected no unit, got unit {_got(unit)}")
    if kind == "vector":
        return _unit_vector(value, at), None
    if kind == "material":
        if not isinstance(value, str):
            raise InputError(f"{at}: expected a material name, got {_got(value)}")
        from impactrisk.ble.materials import get_material

        try:
            return get_material(value).name, None
        except InputError as exc:
            raise InputError(f"{at}: {exc}") from None
    if kind == "channel-axis":
        if isinstance(value, str):
            if value not in _CHANNEL_AXES:
                raise InputError(f"{at}: expected {' or '.join(_CHANNEL_AXES)} or a "
                                 f"3-vector, got {_got(value)}")
            return value, None
        return _unit_vector(value, at), None
    if kind == "criterion":
        if value not in _CRITERIA:
            raise InputError(f"{at}: expected one of {', '.join(_CRITERIA)}, "
                             f"got {_got(value)}")
        return value, None
    raise AssertionError(f"unknown parameter kind {kind}")  # schema error, not user input


def _check_constraint(value: float, constraint: str | None, at: str,
                      expected: str, shown: str) -> None:
    if not math.isfinite(value):
        raise InputError(f"{at}: expected a finite value, got {shown}")
    bad = {
        "positive": value <= 0,
        "non-negative": value < 0,
        "fraction": not 0 < value <= 1,
    }.get(constraint or "", False)
    if bad:
        words = {"positive": "a positive", "non-negative": "a non-negative",
                 "fraction": "a"}[constraint]
        what = expected if constraint == "fraction" else f"{words} value ({expected})"
        raise InputError(f"{at}: expected {what}, got {shown}")


def _unit_vector(value: Any, at: str) -> tuple[float, float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) != 3
            or not all(_is_number(v) for v in value)):
        raise InputError(f"{at}: expected a vector of 3 numbers, got {_got(value)}")
    norm = math.sqrt(sum(float(v) ** 2 for v in value))
    if not math.isfinite(norm) or norm == 0:
        raise InputError(f"{at}: expected a non-zero finite vector, got {_got(value)}")
    return tuple(_tidy(float(v) / norm) for v in value)  # type: ignore[return-value]


def _parse_arc(value: Any, at: str) -> tuple[float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(_is_number(v) for v in value)):
        raise InputError(f"{at}: expected [start, end] in degrees, got {_got(value)}")
    start, end = float(value[0]), float(value[1])
    if not (math.isfinite(start) and math.isfinite(end)) or not 0 < end - start <= 360:
        raise InputError(f"{at}: expected [start, end] with 0 < end - start <= 360 deg, "
                         f"got {_got(value)}")
    return start, end


# --- overrides --------------------------------------------------------------------------


def _apply_override(text: str, file: str, shields: dict[str, dict[str, Any]],
                    surfaces: list[dict[str, Any]], clocking: Param,
                    applied: list[str]) -> Param:
    """Apply one override in place (shields/surfaces) and return the clocking."""
    if not isinstance(text, str) or "=" not in text:
        raise InputError(f"override {text!r}: expected PATH=VALUE, e.g. radiator.wall=1.5mm "
                         f"(allowed paths: {_allowed_paths(shields, surfaces)})")
    path, _, value_text = text.partition("=")
    path, value_text = path.strip(), value_text.strip()
    where = f"override {path}"
    if path.lower() == "clocking":
        new = _override_param(clocking, value_text, ("angle", "clocking_deg", "finite"),
                              None, where)
        applied.append(f"clocking={new.display()}")
        return new
    parts = path.split(".")
    by_shield = {n: s for n, s in shields.items()}
    by_surface = {s["name"]: s for s in surfaces}
    if len(parts) == 3 and parts[0] in ("shield", "surface"):
        scope, name, key = parts
        candidates = [(scope, name)]
    elif len(parts) == 2:
        name, key = parts
        candidates = [("shield", name), ("surface", name)]
    else:
        raise InputError(f"{where}: expected clocking, NAME.KEY, shield.NAME.KEY or "
                         f"surface.NAME.KEY (allowed: {_allowed_paths(shields, surfaces)})")

    matches = []
    for scope, item in candidates:
        if scope == "shield" and item in by_shield:
            schema = _SHIELD_SCHEMA[by_shield[item]["type"]]
        elif scope == "surface" and item in by_surface:
            schema = _SURFACE_SCHEMA[by_surface[item]["type"]]
        else:
            continue
        toml_key, implied_unit = _resolve_key(key, schema)
        if toml_key is not None:
            matches.append((scope, item, toml_key, implied_unit, schema[toml_key]))
    if not matches:
        raise InputError(f"{where}: unknown parameter (allowed: "
                         f"{_allowed_paths(shields, surfaces)})")
    if len(matches) > 1:
        raise InputError(f"{where}: {parts[0]!r} is both a shield and a surface with key "
                         f"{key!r}; write shield.{path} or surface.{path}")
    scope, item, toml_key, implied_unit, spec = matches[0]
    if scope == "shield":
        target = by_shield[item]
        old = target.get(spec[1])
        target[spec[1]] = _override_param(old, value_text, spec, implied_unit, where)
        applied.append(f"shield.{item}.{toml_key}={target[spec[1]].display()}")
    else:
        params = by_surface[item]["params"]
        old = params.get(toml_key)
        params[toml_key] = _override_param(old, value_text, spec, implied_unit, where)
        # A band is defined by exactly one of length and area: the overridden one wins.
        if toml_key in ("length", "area") and by_surface[item]["type"].endswith("band"):
            params.pop("area" if toml_key == "length" else "length", None)
        applied.append(f"surface.{item}.{toml_key}={params[toml_key].display()}")
    return clocking


def _resolve_key(key: str, schema: dict[str, tuple[str, str, str | None]]
                 ) -> tuple[str | None, str | None]:
    """TOML key for ``key`` (TOML or canonical name) and the unit a canonical name implies."""
    if key in schema:
        return key, None
    for toml_key, (kind, canonical, _) in schema.items():
        if key == canonical:
            implied = _UNITS[kind][0] if kind in _UNITS else None
            return toml_key, implied
    return None, None


def _override_param(old: Param | None, value_text: str, spec: tuple[str, str, str | None],
                    implied_unit: str | None, where: str) -> Param:
    """The parameter an override string gives, marked as a user override."""
    kind, _, constraint = spec
    value: Any = value_text
    unit = None
    match = _NUMBER_WITH_UNIT.match(value_text)
    if kind in ("vector", "channel-axis") and value_text.startswith("["):
        try:
            value = json.loads(value_text)
        except json.JSONDecodeError:
            raise InputError(f"{where}: expected a vector like [1, 0, 0], "
                             f"got {_got(value_text)}") from None
    elif kind == "fraction":
        if match is None:
            raise InputError(f"{where}: expected a dimensionless number (0 < x <= 1), "
                             f"got {_got(value_text)}")
        value, unit = float(match.group(1)), match.group(2)
    elif implied_unit is not None and match is not None and match.group(2) is None:
        value = f"{value_text} {implied_unit}"
    converted, canonical_unit = _convert(value, unit, kind, constraint, where)
    return Param(converted, canonical_unit, _was(old), None)


_OVERRIDDEN = "overridden by the user"


def _location(param: Param, file: str, path: str) -> str:
    """Message prefix for a parameter: the override when the user set it, else the file."""
    if param.assumption is not None and param.assumption.startswith(_OVERRIDDEN):
        return f"override {path}"
    return f"{file}: {path}"


def _was(old: Param | None) -> str:
    if old is None:
        return f"{_OVERRIDDEN} (was not set)"
    return f"{_OVERRIDDEN} (was {old.display()})"


def _allowed_paths(shields: dict[str, Any], surfaces: list[dict[str, Any]]) -> str:
    paths = ["clocking"]
    for name, shield in shields.items():
        paths += [f"{name}.{k}" for k in _SHIELD_SCHEMA[shield["type"]]]
    for surface in surfaces:
        paths += [f"{surface['name']}.{k}" for k in _SURFACE_SCHEMA[surface["type"]]]
    return ", ".join(dict.fromkeys(paths))


# --- fleet manifest and orbit history ------------------------------------------------------


def _parse_fleet(raw: dict[str, Any], file: str) -> tuple[tuple[Stay, ...], tuple[Vehicle, ...]]:
    """Stays and vehicles of a fleet manifest, validated against each other."""
    _check_keys(raw, _FLEET_KEYS, file, "")
    stays = _parse_stays(raw.get("stay", []), file, "stay")
    vehicles = _parse_vehicles(raw.get("vehicle", []), file)
    launches = {_normalise_name(v.name): (i, v) for i, v in enumerate(vehicles)}
    for j, stay in enumerate(stays):
        key = _normalise_name(stay.vehicle)
        if key in launches:
            i, vehicle = launches[key]
            if stay.start <= vehicle.launch:
                raise InputError(f"{file}: stay[{j}] ({stay.vehicle}).start: expected a time "
                                 f"after the launch {_iso(vehicle.launch)} (vehicle[{i}]), "
                                 f"got {_iso(stay.start)}")
    return stays, vehicles


def _parse_vehicles(raw: Any, file: str) -> tuple[Vehicle, ...]:
    vehicles: list[Vehicle] = []
    seen: dict[str, int] = {}
    for i, at, table in _table_rows(raw, "vehicle", file, _VEHICLE_KEYS):
        name = _require_str(table, "name", file, at)
        key = _normalise_name(name)
        if key in seen:
            raise InputError(f"{file}: {at}.name: {name!r} is already listed as "
                             f"vehicle[{seen[key]}]")
        seen[key] = i
        at = f"vehicle[{i}] ({name})"
        vehicles.append(Vehicle(
            name=name,
            launch=_parse_time(_require(table, "launch", file, at), file, f"{at}.launch"),
            source=_require_str(table, "source", file, at),
            uncertain=_optional_bool(table, "uncertain", file, at),
            note=_optional_str(table, "note", file, at),
        ))
    return tuple(vehicles)


def _parse_orbit_history(raw: dict[str, Any], file: str) -> tuple[OrbitPeriod, ...]:
    _check_keys(raw, _ORBIT_KEYS, file, "")
    rows = raw.get("period")
    if rows is None:
        raise InputError(f"{file}: missing [[period]] tables")
    periods: list[OrbitPeriod] = []
    for i, at, table in _table_rows(rows, "period", file, _PERIOD_KEYS, at_least_one=True):
        start = _parse_time(_require(table, "start", file, at), file, f"{at}.start")
        end = _parse_time(_require(table, "end", file, at), file, f"{at}.end")
        if end <= start:
            raise InputError(f"{file}: {at}.end: expected a time after start {_iso(start)}, "
                             f"got {_iso(end)}")
        altitude = _bounded_number(table, "mean_altitude_km", _ALTITUDE_RANGE_KM, "km",
                                   file, at)
        inclination = _bounded_number(table, "inclination_deg", _INCLINATION_RANGE_DEG,
                                      "deg", file, at)
        period = OrbitPeriod(
            start=start, end=end, mean_altitude_km=altitude, inclination_deg=inclination,
            source=_require_str(table, "source", file, at),
            uncertain=_optional_bool(table, "uncertain", file, at),
            note=_optional_str(table, "note", file, at),
        )
        if periods:
            prev = periods[-1]
            if period.start < prev.end:
                what = "in time order" if period.start < prev.start else "not overlapping"
                raise InputError(f"{file}: {at}.start: periods must be {what}; "
                                 f"starts {_iso(period.start)}, before period[{i - 1}] "
                                 f"ends ({_iso(prev.end)})")
            if period.start > prev.end:
                raise InputError(f"{file}: {at}.start: periods must be contiguous; gap "
                                 f"from {_iso(prev.end)} (end of period[{i - 1}]) to "
                                 f"{_iso(period.start)}")
        periods.append(period)
    return tuple(periods)


def _bounded_number(table: dict[str, Any], key: str, bounds: tuple[float, float], unit: str,
                    file: str, where: str) -> float:
    value = _require(table, key, file, where)
    low, high = bounds
    if not _is_number(value) or not math.isfinite(value) or not low <= value <= high:
        raise InputError(f"{file}: {where}.{key}: expected a number of {unit} in "
                         f"{low:g}..{high:g}, got {_got(value)}")
    return float(value)


# --- stays --------------------------------------------------------------------------------


def _parse_stays(raw: Any, file: str, where: str) -> tuple[Stay, ...]:
    stays: list[Stay] = []
    for i, at, table in _table_rows(raw, "stay", file, _STAY_KEYS, where=where):
        vehicle = _require_str(table, "vehicle", file, at)
        at = f"{where}[{i}] ({vehicle})"
        port = _require_str(table, "port", file, at)
        port = PORT_ALIASES.get(port, port)
        if port not in KNOWN_PORTS:
            close = difflib.get_close_matches(port, KNOWN_PORTS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"{file}: {at}.port: expected one of {', '.join(KNOWN_PORTS)}, "
                             f"got {_got(port)}{hint}")
        start = _parse_time(_require(table, "start", file, at), file, f"{at}.start")
        end_raw = table.get("end", "")
        end = None if end_raw == "" else _parse_time(end_raw, file, f"{at}.end")
        if end is not None and end <= start:
            raise InputError(f"{file}: {at}.end: expected a time after start {_iso(start)}, "
                             f"got {_iso(end)}")
        configuration = table.get("configuration")
        if configuration is not None and configuration not in _STAY_CONFIGURATIONS:
            raise InputError(f"{file}: {at}.configuration: expected one of "
                             f"{', '.join(_STAY_CONFIGURATIONS)}, got {_got(configuration)}")
        stays.append(Stay(
            vehicle=vehicle, port=port, start=start, end=end,
            source=_require_str(table, "source", file, at),
            uncertain=_optional_bool(table, "uncertain", file, at),
            optional=_optional_bool(table, "optional", file, at),
            note=_optional_str(table, "note", file, at),
            configuration=configuration,
        ))
    _check_order(stays, file, where)
    return tuple(stays)


def _check_order(stays: list[Stay], file: str, where: str) -> None:
    """Rows of a vehicle in time order without overlap; one occupant per port at a time."""
    last: dict[str, tuple[int, Stay]] = {}
    for i, stay in enumerate(stays):
        key = _normalise_name(stay.vehicle)
        if key in last:
            j, prev = last[key]
            if stay.start < prev.start:
                raise InputError(f"{file}: {where}[{i}] ({stay.vehicle}): rows of a vehicle must "
                                 f"be in time order; starts {_iso(stay.start)}, before row {j} "
                                 f"({_iso(prev.start)})")
            if prev.end is None or prev.end > stay.start:
                prev_end = _iso(prev.end) if prev.end is not None else "open"
                raise InputError(f"{file}: {where}[{i}] ({stay.vehicle}): overlaps row {j} "
                                 f"({_iso(prev.start)} .. {prev_end})")
        last[key] = (i, stay)
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    by_port: dict[str, list[tuple[int, Stay]]] = {}
    for i, stay in enumerate(stays):
        by_port.setdefault(stay.port, []).append((i, stay))
    for port, rows in by_port.items():
        rows.sort(key=lambda r: r[1].start)
        occupant = rows[0]
        for j, b in rows[1:]:
            i, a = occupant
            same_vehicle = _normalise_name(a.vehicle) == _normalise_name(b.vehicle)
            if (a.end or far) > b.start and not same_vehicle:
                raise InputError(f"{file}: {where}[{j}] ({b.vehicle}): port {port} is occupied by "
                                 f"{a.vehicle} (row {i}) until "
                                 f"{_iso(a.end) if a.end else 'open'}")
            if (b.end or far) > (a.end or far):
                occupant = (j, b)


# --- small helpers ------------------------------------------------------------------------


def _table_rows(raw: Any, name: str, file: str, keys: Iterable[str] | None = None, *,
                where: str | None = None, at_least_one: bool = False):
    """Each table of an array of tables ``[[name]]`` as ``(i, "where[i]", table)``,
    after checking that ``raw`` is such an array (non-empty with ``at_least_one``), that
    each entry is a table and, given ``keys``, that it holds no other keys."""
    where = where or name
    if not isinstance(raw, list) or (at_least_one and not raw):
        amount = "one or more " if at_least_one else ""
        raise InputError(f"{file}: {where}: expected {amount}[[{name}]] tables, got {_got(raw)}")
    for i, table in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(table, dict):
            raise InputError(f"{file}: {at}: expected a table, got {_got(table)}")
        if keys is not None:
            _check_keys(table, keys, file, at)
        yield i, at, table


def _check_keys(table: dict[str, Any], allowed: Iterable[str], file: str, where: str) -> None:
    allowed = tuple(allowed)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            path = f"{where}.{key}" if where else key
            raise InputError(f"{file}: {path}: unknown key{hint}; allowed keys: "
                             f"{', '.join(allowed)}")


def _require(table: dict[str, Any], key: str, file: str, where: str) -> Any:
    if key not in table:
        raise InputError(f"{file}: {where}: missing key {key!r}")
    return table[key]


def _require_table(table: dict[str, Any], key: str, file: str, where: str) -> dict[str, Any]:
    value = _require(table, key, file, where or "top level")
    if not isinstance(value, dict):
        raise InputError(f"{file}: {key}: expected a table, got {_got(value)}")
    return value


def _require_str(table: dict[str, Any], key: str, file: str, where: str) -> str:
    value = _require(table, key, file, where)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{file}: {where}.{key}: expected a non-empty string, got {_got(value)}")
    return " ".join(value.split())


def _optional_str(table: dict[str, Any], key: str, file: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{file}: {where}.{key}: expected a string, got {_got(value)}")
    return " ".join(value.split())


def _optional_str_list(table: dict[str, Any], key: str, file: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{file}: {where}.{key}: expected a list of strings, got {_got(value)}")
    return tuple(" ".join(v.split()) for v in value)


def _optional_bool(table: dict[str, Any], key: str, file: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{file}: {where}.{key}: expected true or false, got {_got(value)}")
    return value


def _clean_text(value: Any, file: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{file}: {where}: expected a non-empty string, got {_got(value)}")
    return " ".join(value.split())


def _parse_time(value: Any, file: str, where: str) -> dt.datetime:
    """A TOML datetime or an ISO 8601 string; naive times are UTC; returns aware UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"{file}: {where}: expected a date-time like 2022-12-15T00:45:00Z, "
                             f"got {_got(value)}") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    raise InputError(f"{file}: {where}: expected a date-time like 2022-12-15T00:45:00Z, "
                     f"got {_got(value)}")


def _normalise_name(name: str) -> str:
    text = name.strip().lower()
    if text.endswith(".toml"):
        text = text[: -len(".toml")]
    return re.sub(r"[\s_]+", "-", text)


def _toml_key(shield_type: str, canonical: str) -> str:
    for key, (_, name, _) in _SHIELD_SCHEMA[shield_type].items():
        if name == canonical:
            return key
    return canonical


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _tidy(value: float) -> float:
    """Round away binary noise from unit conversion (1.2 cm -> 12.000000000000002 mm)."""
    return float(f"{value:.15g}")


def _display(value: Any, unit: str | None) -> str:
    if isinstance(value, tuple):
        text = "[" + ", ".join(f"{v:g}" for v in value) + "]"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def _got(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "a list of tables"
    return repr(value)


def _iso(time: dt.datetime) -> str:
    return time.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")




# --- attitude timelines ---------------------------------------------------------------

_SEGMENT_KEYS = ("start", "end", "yaw_deg", "pitch_deg", "roll_deg", "source")
_DEFAULT_KEYS = ("yaw_deg", "pitch_deg", "roll_deg", "source")


def load_attitude_timeline(path: str | Path):
    """Read a station attitude timeline from a TOML file.

    ``[[segment]]`` rows (``start``, ``end`` UTC; ``yaw_deg``, ``pitch_deg``, ``roll_deg``
    from LVLH; ``source``) and an optional ``[default]`` table (the attitude elsewhere,
    +XVV TEA if left out). Returns an :class:`impactrisk.geometry.AttitudeTimeline`;
    errors name the file, the row and the key.
    """
    from impactrisk.geometry import TEA_SEGMENT, AttitudeSegment, AttitudeTimeline
    from impactrisk.timegrid import julian_date

    file = Path(path)
    raw = _read_toml(file, "attitude file")
    _check_keys(raw, ("segment", "default"), file.name, "")
    segments = []
    for _, where, row in _table_rows(raw.get("segment", []), "segment", file.name, _SEGMENT_KEYS):
        start = _parse_time(_require(row, "start", file.name, where), file.name, f"{where}.start")
        end = _parse_time(_require(row, "end", file.name, where), file.name, f"{where}.end")
        angles = [_angle(row, key, file.name, where) for key in ("yaw_deg", "pitch_deg", "roll_deg")]
        try:
            segments.append(AttitudeSegment(julian_date(start), julian_date(end),
                                            *angles,
                                            source=_optional_str(row, "source", file.name, where)
                                            or f"{file.name} {where}"))
        except InputError as exc:
            raise InputError(f"{file.name}: {where}: {exc}") from None
    default = TEA_SEGMENT
    if "default" in raw:
        table = _require_table(raw, "default", file.name, "")
        _check_keys(table, _DEFAULT_KEYS, file.name, "default")
        default = AttitudeSegment(-math.inf, math.inf,
                                  *[_angle(table, key, file.name, "default") for key in ("yaw_deg", "pitch_deg", "roll_deg")],
                                  source=_optional_str(table, "source", file.name, "default")
                                  or f"{file.name} default")
    try:
        return AttitudeTimeline(tuple(segments), default)
    except InputError as exc:
        raise InputError(f"{file.name}: {exc}") from None


def _angle(table: dict, key: str, file: str, where: str) -> float:
    value = _require(table, key, file, where)
    if not _is_number(value) or not math.isfinite(value):
        raise InputError(f"{file}: {where}.{key}: expected a number of degrees, got {_got(value)}")
    return float(value)
