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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from impactrisk.elements import Orbit
from impactrisk.ephemeris import Ephemeris, Staleness
from impactrisk.errors import InputError
from impactrisk.io.orbit_source import load_orbit
from impactrisk.propagation import (
    DEFAULT_STALE_THRESHOLD_DAYS,
    DEFAULT_STALE_WARN_DAYS,
    SGP4_ERRORS,
    OrbitSummary,
    iter_ephemeris,
    propagate,
    select_element_sets,
    summarize_orbit,
)
from impactrisk.timegrid import TimeGrid, jd_to_datetime, parse_utc

if TYPE_CHECKING:
    from impactrisk.chain import FluxSummary
    from impactrisk.environment.model import EnvironmentConfig, EnvironmentInputs

__all__ = [
    "Ephemeris",
    "Orbit",
    "OrbitSummary",
    "SGP4_ERRORS",
    "Staleness",
    "TimeGrid",
    "assess",
    "assessment_config",
    "default_window",
    "prepare_module",
    "response_cache",
    "resolve_orbit",
    "station_orbit",
    "uncertainty_band",
    "flux",
    "iter_ephemeris",
    "load_orbit",
    "load_orbits",
    "propagate",
    "select_element_sets",
    "sensitivity",
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


#: Length of the default window of :func:`flux` (one day).
FLUX_WINDOW = timedelta(days=1)
#: Default particle sizes of :func:`flux` [cm]: 0.01 mm to 10 mm, four per decade.
FLUX_SIZES_CM = tuple(float(f"{10.0 ** (-3.0 + k / 4.0):.10g}") for k in range(13))


def _flux_window(orbit: Orbit, start: str | datetime | None = None,
                 end: str | datetime | None = None) -> tuple[datetime, datetime]:
    """The window of :func:`flux`: one day unless both ends are given.

    No dates: one day from the start of the element-set coverage (a design orbit: from
    its epoch). A start alone: one day from it; an end alone: the day before it.
    """
    if start is None and end is None:
        t0, _ = default_window(orbit)
        return t0, t0 + FLUX_WINDOW
    if end is None:
        t0 = parse_utc(start, what="start")
        return t0, t0 + FLUX_WINDOW
    if start is None:
        t1 = parse_utc(end, what="end")
        return t1 - FLUX_WINDOW, t1
    return default_window(orbit, start, end)


def flux(
    orbit: Orbit | str | None = None,
    start: str | datetime | None = None,
    end: str | datetime | None = None,
    *,
    step: str | float = "60s",
    sizes_cm=FLUX_SIZES_CM,
    config: "EnvironmentConfig | None" = None,
    groups: tuple[str, ...] = ("meteoroid", "shower", "debris"),
    tle: str | Path | None = None,
    catalog_id: str | None = None,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    inputs: "EnvironmentInputs | None" = None,
) -> "FluxSummary":
    """Window-averaged MMOD fluxes per source on the faces of an LVLH cube and on a
    randomly tumbling plate.

    Parameters
    ----------
    orbit : Orbit or str, optional
        An :class:`Orbit`, a design-orbit spec ``circular:ALT_KM:INC_DEG[...]``, or None
        for ``tle`` / the bundled ISS history.
    start, end : str or datetime, optional
        Window [UTC]; missing ends are filled in to one day: no dates gives
        one day from the coverage start (design orbit: its epoch), a start alone one
        day from it, an end alone the day before it.
    step : str or float
        Time step (``"60s"``, ``"5min"`` or seconds) [s].
    sizes_cm : array_like
        Particle diameter thresholds [cm]; default 0.01 mm to 10 mm, four per decade.
    config : EnvironmentConfig, optional
        Model choices (debris model, showers, F10.7, meteoroid densities); default
        ``EnvironmentConfig()``.
    groups : tuple of str
        Source groups to keep: ``"meteoroid"``, ``"shower"``, ``"debris"``.
    tle, catalog_id : optional
        Element-set file and the object to use in it (when ``orbit`` is not an Orbit).
    select, allow_extrapolation, stale_threshold_days, stale_warn_days
        As in :func:`summarize_orbit` [days].
    inputs : EnvironmentInputs, optional
        Environment tables; default the packaged ones.

    Returns
    -------
    FluxSummary
        Cumulative fluxes of particles at least each size [m^-2 yr^-1] and mean
        impact speeds [km/s] per source (:class:`impactrisk.chain.FluxSummary`).

    Examples
    --------
    >>> from impactrisk.api import flux
    >>> s = flux(start="2023-03-01", step="300s", sizes_cm=[0.01])   # 0.1 mm, one day
    >>> s.faces
    ('ram', 'wake', 'starboard', 'port', 'zenith', 'nadir')
    >>> float(s.sources["debris"]["face_m2_yr"][0, s.faces.index("zenith")])
    0.0
    """
    import math

    import numpy as np

    from impactrisk.chain import flux_summary
    from impactrisk.environment.model import EnvironmentConfig
    from impactrisk.io.flux_tables import load_environment_inputs

    if isinstance(orbit, Orbit):
        if tle is not None or catalog_id is not None:
            raise InputError("give either an Orbit or an element-set file (tle, catalog_id), not both")
        the_orbit = orbit
    else:
        the_orbit = load_orbit(tle=tle, orbit=orbit, catalog_id=catalog_id)
    unknown = sorted(set(groups) - {"meteoroid", "shower", "debris"})
    if unknown:
        raise InputError(f"unknown source group(s) {', '.join(unknown)}; expected meteoroid, shower, debris")
    try:
        sizes = [float(x) for x in np.atleast_1d(np.asarray(sizes_cm, dtype=float))]
    except (TypeError, ValueError):
        raise InputError(f"sizes_cm must be numbers [cm], got {sizes_cm!r}") from None
    if not sizes or not all(math.isfinite(x) and x > 0 for x in sizes):
        raise InputError(f"sizes_cm must be positive finite diameters [cm], got {sizes_cm!r}")
    t0, t1 = _flux_window(the_orbit, start, end)
    grid = TimeGrid.from_range(t0, t1, step)
    return flux_summary(
        the_orbit, grid, load_environment_inputs() if inputs is None else inputs,
        sizes_cm=sizes,
        config=EnvironmentConfig() if config is None else config,
        groups=tuple(groups),
        select=select,
        allow_extrapolation=allow_extrapolation,
        stale_threshold_days=stale_threshold_days,
        stale_warn_days=stale_warn_days,
    )


#: Resolution of the meteoroid quadrature in assessments, coarser in direction than for
#: face fluxes because module surfaces have hundreds of elements. Measured for the Soyuz
#: MS-22 radiator at 415 km: 1500 directions with the 11 Gauss speed nodes give the
#: channels' meteoroid N within 0.03 % of 6000 directions with 0.25 km/s bins.
ASSESS_METEOROID_RESOLUTION = {"n_directions": 1500}
#: Responses of module surfaces to environment patterns, kept for the life of the
#: process so that repeated assessments (sweeps, bands, batches) reuse them.
_RESPONSES = None


def response_cache():
    """The process-wide :class:`impactrisk.risk.ResponseCache` used by :func:`assess`."""
    global _RESPONSES
    if _RESPONSES is None:
        from impactrisk.risk import ResponseCache

        _RESPONSES = ResponseCache()
    return _RESPONSES


def assess(
    module: str | Path,
    start: str | datetime | None = None,
    end: str | datetime | None = None,
    *,
    criterion: str = "leak",
    overrides: tuple[str, ...] = (),
    include_optional: bool = True,
    tle: str | Path | None = None,
    orbit: str | None = None,
    catalog_id: str | None = None,
    step: str | float = "60s",
    debris_model: str = "kessler-1991",
    showers: bool = True,
    meteoroid_speeds: str | Path = "ssp30425",
    flux_table: str | Path | None = None,
    config: "EnvironmentConfig | None" = None,
    attitude=(-4.0, -3.0, 0.0),
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    band: bool = False,
    cache=None,
):
    """Expected failures of a catalogued module over a window (a :class:`RiskResult`).

    Parameters
    ----------
    module : str or path
        A catalogued module (``impactrisk modules list``) or a module TOML file.
    start, end : str or datetime, optional
        Window (UTC); by default the module's exposure up to its recorded event.
    criterion : str
        ``leak`` (default), ``spall``, ``perforation`` or ``hole>=D`` with a unit, e.g.
        ``hole>=0.8mm`` (bracketed result).
    overrides : tuple of str
        Parameter overrides such as ``"radiator.wall=1.5mm"``.
    include_optional : bool
        Include exposure rows marked optional (assumed).
    tle, orbit, catalog_id
        Orbit source as for :func:`load_orbit` (default: the bundled ISS history, with
        circular stand-ins at the documented mean altitude before it, :func:`station_orbit`).
    meteoroid_speeds : str, path or FreeSpaceSpeeds
        ``ssp30425`` (default), ``ecss-c1`` (ECSS Table C-1 focused bin by bin), a
        free-space speed table file, or such a table already read.
    flux_table : str, path or FluxTable, optional
        A tabulated flux (ESA MASTER output or the project's format, as a file or as read
        by :func:`impactrisk.io.flux_tables.read_any_flux_table`) whose debris source
        columns replace the debris model (``debris_model`` becomes ``"table"``).
    attitude : (yaw, pitch, roll) or AttitudeTimeline
        Station attitude from LVLH [deg]: constant (default the +XVV TEA -4, -3, 0) or a
        piecewise :class:`impactrisk.geometry.AttitudeTimeline`.
    band : bool
        Also run the other debris model and fill ``result.band`` (see :func:`uncertainty_band`).
    cache : impactrisk.risk.ResponseCache, optional
        Where pattern responses are kept (default: one per process, :func:`response_cache`).
    """
    from impactrisk import __version__
    from impactrisk.assessment import assess_module
    from impactrisk.io.flux_tables import load_environment_inputs
    from impactrisk.timegrid import parse_duration_s

    spec, model, criterion, hole_mm = prepare_module(module, criterion, overrides=overrides,
                                                     include_optional=include_optional)
    t0, t1 = spec.default_window()
    t0 = parse_utc(start, what="start") if start is not None else t0
    if end is not None:
        t1 = parse_utc(end, what="end")
    if t1 is None:
        raise InputError(f"module {spec.name!r} has an open exposure and no event: give --end")
    if t1 <= t0:
        raise InputError(f"end {t1.isoformat()} is not after start {t0.isoformat()}; expected start < end")
    the_orbit = resolve_orbit(tle, orbit, catalog_id)
    if flux_table is not None:
        debris_model = "table"
    if config is None:
        config = assessment_config(debris_model, showers, meteoroid_speeds)
    kwargs = dict(criterion=criterion, step_s=parse_duration_s(step), attitude=attitude,
                  select=select, allow_extrapolation=allow_extrapolation,
                  stale_threshold_days=stale_threshold_days, stale_warn_days=stale_warn_days,
                  version=__version__, cache=response_cache() if cache is None else cache)
    inputs = load_environment_inputs()
    if flux_table is not None:
        from dataclasses import replace as _replace

        from impactrisk.io.flux_tables import read_any_flux_table

        table = read_any_flux_table(flux_table) if isinstance(flux_table, (str, Path)) else flux_table
        inputs = _replace(inputs, flux_table=table)
    result = assess_module(model, the_orbit, inputs, t0, t1, config=config, hole_mm=hole_mm, **kwargs)
    if band:
        from dataclasses import replace as _replace

        from impactrisk.environment.model import DEBRIS_MODELS

        debris = {config.debris_model: result.n_by_group["debris"]}
        for other_model in DEBRIS_MODELS:
            if other_model in debris or (other_model == "table" and inputs.flux_table is None):
                continue
            other = assess_module(model, the_orbit, inputs, t0, t1, config=_replace(config, debris_model=other_model),
                                  groups=("debris",), **kwargs)
            debris[other_model] = other.n_by_group["debris"]
        result.band = uncertainty_band(result, debris)
    return result


def resolve_orbit(tle: str | Path | None = None, orbit: str | None = None, catalog_id: str | None = None):
    """The orbit an assessment uses: the design orbit or element-set file when one is
    given (:func:`load_orbit`), else the station's history with its stand-ins
    (:func:`station_orbit`)."""
    if tle is None and orbit is None:
        return station_orbit()
    return load_orbit(tle=tle, orbit=orbit, catalog_id=catalog_id)


@lru_cache(maxsize=1)
def station_orbit():
    """The station's orbit over its history: the bundled ISS element sets, preceded by
    circular stand-ins at the documented mean altitude of each earlier period
    (``impactrisk/catalogue/iss_orbit_history.toml``, with its sources).

    Returns
    -------
    impactrisk.elements.OrbitTimeline
        Every result assessed with it lists the segments it used; the stand-ins are
        marked ``kind = "circular"`` with their altitude, source and uncertainty. Built
        once per process (the files it comes from are part of the package).
    """
    import math

    from impactrisk.elements import OrbitSegment, OrbitTimeline
    from impactrisk.io.modules import load_orbit_history
    from impactrisk.timegrid import julian_date

    history = load_orbit()
    first, _ = history.coverage_jd
    segments = []
    for period in load_orbit_history():
        a = julian_date(period.start)
        b = min(julian_date(period.end), first)
        if b > a:
            note = (f"circular stand-in at the documented mean altitude {period.mean_altitude_km:g} km, "
                    f"{period.inclination_deg:g} deg ({period.source})" + (" [uncertain]" if period.uncertain else ""))
            segments.append(OrbitSegment(a, b, Orbit.circular(period.mean_altitude_km, period.inclination_deg,
                                                              0.0, period.start), note))
    segments.append(OrbitSegment(segments[-1].end_jd if segments else -math.inf, math.inf, history,
                                 "bundled ISS element-set history"))
    return OrbitTimeline(tuple(segments))


def prepare_module(module: str | Path, criterion: str = "leak", *, overrides: tuple[str, ...] = (),
                   include_optional: bool = True):
    """Read a module and build its chain model for a criterion.

    Returns
    -------
    (spec, model, criterion, hole_mm)
        The validated :class:`impactrisk.io.modules.ModuleSpec`, the
        :class:`impactrisk.assessment.ModuleModel`, the criterion its shields stand for
        (``hole>=D`` counts channel-wall perforations, bracketed) and the hole diameter
        [mm] (None unless ``hole>=D``).
    """
    import re

    from impactrisk.io.modules import load_module
    from impactrisk.modules import module_model

    hole_mm = None
    match = re.fullmatch(r"\s*hole\s*>=\s*([0-9.]+)\s*(mm|cm)\s*", criterion)
    if match:
        hole_mm = float(match.group(1)) * (10.0 if match.group(2) == "cm" else 1.0)
        criterion = "leak"
    spec = load_module(module, overrides=overrides, include_optional=include_optional)
    return spec, module_model(spec, criterion=criterion), criterion, hole_mm


def assessment_config(debris_model: str = "kessler-1991", showers: bool = True,
                      meteoroid_speeds: str | Path = "ssp30425") -> "EnvironmentConfig":
    """The environment configuration :func:`assess` uses by default; ``meteoroid_speeds``
    is ``ssp30425``, ``ecss-c1``, a free-space speed table file or such a table read."""
    from impactrisk.environment.model import EnvironmentConfig
    from impactrisk.io.flux_tables import meteoroid_speeds as _speeds

    return EnvironmentConfig(debris_model=debris_model, showers=showers, meteoroid_speeds=_speeds(meteoroid_speeds),
                             **ASSESS_METEOROID_RESOLUTION)


#: Published uncertainty of the Kessler NASA-90/91 debris family near 500 km: "a factor
#: 2-4" (Yates & Jonas 1995, physics brief §5.1); the band uses its middle, 3.
DEBRIS_UNCERTAINTY_FACTOR = 3.0


def uncertainty_band(result, debris_by_model: dict[str, float]) -> dict:
    """Low and high N from the debris-model spread and the published debris factor.

    ``low = N_meteoroids + min(debris models) / f``, ``high = N_meteoroids + max(debris
    models) * f`` with ``f`` = :data:`DEBRIS_UNCERTAINTY_FACTOR`. No published
    uncertainty factor was found for the meteoroid model used (Grün with the SSP 30425
    speeds), so none is applied to it; this is said in the band's note.
    """
    natural = result.n_by_group["meteoroid"] + result.n_by_group["shower"]
    f = DEBRIS_UNCERTAINTY_FACTOR
    low = natural + min(debris_by_model.values()) / f
    high = natural + max(debris_by_model.values()) * f
    return {
        "low": low, "high": high, "debris_by_model": dict(debris_by_model), "debris_factor": f,
        "note": (f"debris models {', '.join(debris_by_model)} and a factor {f:g} (middle of the published "
                 "2-4 of the Kessler family near 500 km, Yates & Jonas 1995); no published factor applied "
                 "to meteoroids"),
    }


def sensitivity(module: str | Path, start=None, end=None, *, parameter: str, values,
                target_n: float | None = None, overrides: tuple[str, ...] = (), **kwargs) -> dict:
    """N as one module parameter varies, and the value that would give ``target_n``.

    Parameters
    ----------
    module, start, end
        As :func:`assess`.
    parameter : str
        Override path, e.g. ``"radiator.wall"`` or ``"radiator.channel_fraction"``.
    values : iterable of str or float
        Values with units where needed (``"0.5mm"``, ``0.3``); each is a full assessment.
    target_n : float, optional
        Find the value giving this N by interpolating log N linearly in the numeric
        value between the two bracketing rows (None when no row pair brackets it).
    overrides, kwargs
        Passed to :func:`assess` (other overrides stay in force).

    Returns
    -------
    dict
        ``{"parameter", "rows": [{"value", "n", "pnp"}], "target_n", "value_for_target"}``.
    """
    import math
    import re

    # Files named by the other arguments are read once, not once per value.
    from impactrisk.io.flux_tables import meteoroid_speeds, read_any_flux_table

    if isinstance(kwargs.get("flux_table"), (str, Path)):
        kwargs["flux_table"] = read_any_flux_table(kwargs["flux_table"])
    if "meteoroid_speeds" in kwargs:
        kwargs["meteoroid_speeds"] = meteoroid_speeds(kwargs["meteoroid_speeds"])
    rows = []
    for value in values:
        result = assess(module, start, end, overrides=tuple(overrides) + (f"{parameter}={value}",), **kwargs)
        number = float(re.match(r"\s*([-+0-9.eE]+)", str(value)).group(1))
        rows.append({"value": str(value), "number": number, "n": result.n_expected, "pnp": result.pnp})
    found = None
    if target_n is not None and target_n > 0:
        for a, b in zip(rows, rows[1:]):
            lo, hi = sorted((a["n"], b["n"]))
            if lo > 0 and lo <= target_n <= hi and a["n"] != b["n"]:
                t = (math.log(target_n) - math.log(a["n"])) / (math.log(b["n"]) - math.log(a["n"]))
                found = a["number"] + t * (b["number"] - a["number"])
                break
    return {"parameter": parameter, "rows": rows, "target_n": target_n, "value_for_target": found,
            "note": "each row is a full assessment; the inverse interpolates log N between the two "
                    "rows that bracket the target, in the units the values were given in"}
