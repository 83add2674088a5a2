"""The public library interface of impactrisk.

Everything a researcher needs is importable from here; this module also resolves the
bundled defaults (the ISS element-set history) that the core modules never look up
themselves.

Examples
--------
>>> from impactrisk.api import load_orbit, TimeGrid, propagate
>>> orbit = load_orbit()                        # bundled ISS history
>>> grid = TimeGrid.from_range("2023-03-01", "2023-03-02", "60s")
>>> eph = propagate(orbit, grid)
>>> len(eph), bool(400 < eph.altitude_km.mean() < 430)
(1440, True)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from impactrisk.elements import Orbit
from impactrisk.ephemeris import Ephemeris, Staleness
from impactrisk.io.orbit_source import load_orbit
from impactrisk.propagation import (
    SGP4_ERRORS,
    OrbitSummary,
    iter_ephemeris,
    propagate,
    select_element_sets,
    summarize_orbit,
)
from impactrisk.timegrid import TimeGrid, jd_to_datetime, parse_utc

__all__ = [
    "Ephemeris",
    "Orbit",
    "OrbitSummary",
    "SGP4_ERRORS",
    "Staleness",
    "TimeGrid",
    "default_window",
    "iter_ephemeris",
    "load_orbit",
    "load_orbits",
    "propagate",
    "select_element_sets",
    "summarize_orbit",
]

#: Window length used for a design orbit when no end is given.
DESIGN_WINDOW = timedelta(days=1)


def default_window(orbit: Orbit, start: str | datetime | None = None,
                   end: str | datetime | None = None) -> tuple[datetime, datetime]:
    """Fill in a missing window start or end from the orbit.

    An element-set history defaults to its epoch coverage; a design orbit to one day
    from its epoch. A given end with no start starts at the coverage start (or one day
    before the end for a design orbit).
    """
    first = jd_to_datetime(float(orbit.epochs_jd[0]))
    last = jd_to_datetime(float(orbit.epochs_jd[-1]))
    t0 = parse_utc(start, what="start") if start is not None else None
    t1 = parse_utc(end, what="end") if end is not None else None
    if orbit.is_design:
        if t0 is None:
            t0 = first if t1 is None else t1 - DESIGN_WINDOW
        if t1 is None:
            t1 = t0 + DESIGN_WINDOW
        return t0, t1
    if t0 is None:
        t0 = first
    if t1 is None:
        t1 = last if last > t0 else t0 + DESIGN_WINDOW
    return t0, t1


def load_orbits(path: str | Path | None = None) -> tuple[str, list[Orbit]]:
    """Read an element-set file and return ``(source, one Orbit per object)``."""
    from impactrisk.io.orbit_source import load_orbits as _load_orbits

    return _load_orbits(path)
