"""Expected failures of modules over a window: the orbit, the environment, each module's
surfaces and ballistic limits, its stays at the station and the attitude, integrated
into a :class:`~impactrisk.results.RiskResult` per module.

The orbit is propagated once over the window (in chunks, only where some module is
exposed); the environment of each chunk (:func:`~impactrisk.environment.model.environment_exposure`)
is computed once and shared by every module; each module weights the responses of its
oriented surfaces to the environment's patterns (:mod:`impactrisk.risk`, cached in a
:class:`~impactrisk.risk.ResponseCache`) by the samples during which it was exposed.

No file or network I/O: modules arrive as :class:`ModuleModel` (surfaces in their own
frame and their stays), the orbit as an :class:`~impactrisk.elements.Orbit`, the
environment tables as :class:`~impactrisk.environment.model.EnvironmentInputs`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from impactrisk.constants import SECONDS_PER_DAY
from impactrisk.elements import Orbit, OrbitTimeline
from impactrisk.environment.model import GROUPS, EnvironmentConfig, EnvironmentInputs, environment_exposure
from impactrisk.ephemeris import Staleness
from impactrisk.errors import CoverageError, InputError
from impactrisk.geometry import TEA_SEGMENT, AttitudeSegment, AttitudeTimeline
from impactrisk.propagation import (
    DEFAULT_STALE_THRESHOLD_DAYS,
    DEFAULT_STALE_WARN_DAYS,
    iter_ephemeris,
    warn_if_stale,
)
from impactrisk.risk import (
    DEFAULT_SPEED_EDGES_KM_S,
    OrientedElements,
    Responder,
    ResponseCache,
    integrate_exposure,
)
from impactrisk.timegrid import TimeGrid, datetime_to_jd, format_utc, jd_to_datetime, julian_date, parse_utc

__all__ = ["DEFAULT_ATTITUDE_YPR_DEG", "ModuleModel", "NOT_MODELLED", "Stay", "assess_module", "assess_modules"]

#: +XVV torque-equilibrium attitude, yaw/pitch/roll from LVLH [deg]: "a typical TEA as
#: the station coasts is YPR -4, -3, 0" (NASA, The International Space Station:
#: Operating an Outpost in the New Frontier, ch. 7; events.md §3.2).
DEFAULT_ATTITUDE_YPR_DEG = TEA_SEGMENT.ypr_deg
#: Threads on which the environment's sources of a chunk are worked out side by side
#: (numpy releases the interpreter lock in its array operations); 1 disables them.
#: Worker processes set it to 1 so that they do not oversubscribe the cores; the results
#: do not depend on it.
SOURCE_THREADS = min(2, os.cpu_count() or 1)
#: Plain statements every result carries.
NOT_MODELLED = (
    "Shadowing by the station's other modules, arrays and radiators is not modelled: every "
    "surface sees the whole sky except the Earth, which overstates exposure.",
    "Debris is modelled as circular orbits crossing the station's shell (no eccentric "
    "sources); the debris size models predate the Fengyun-1C, Iridium-Cosmos and "
    "Cosmos 1408 fragmentations.",
)


@dataclass(frozen=True)
class Stay:
    """One interval of a module's exposure at one place.

    ``vehicle_to_body`` turns the module's own frame into the station body frame (port
    and clocking); times are UTC Julian dates, ``end_jd`` None = open-ended.
    """

    port: str
    start_jd: float
    end_jd: float | None
    vehicle_to_body: np.ndarray
    source: str = ""
    uncertain: bool = False
    optional: bool = False
    note: str = ""


@dataclass(frozen=True)
class ModuleModel:
    """A module ready for the chain: surfaces in its own frame and where it was when.

    ``surfaces`` is an :class:`impactrisk.geometry.SurfaceSet`; surfaces with role
    ``vulnerable`` count towards the module's failures, ``reported`` ones (e.g. the
    radiator panel's perforation) are shown beside them.
    """

    name: str
    vehicle: str
    surfaces: object
    stays: tuple[Stay, ...]
    assumptions: tuple[dict, ...] = ()
    content_hash: str = ""
    event: dict | None = None
    description: str = ""


def _attitude_timeline(attitude) -> AttitudeTimeline:
    if isinstance(attitude, AttitudeTimeline):
        return attitude
    ypr = tuple(float(a) for a in attitude)
    if len(ypr) != 3:
        raise InputError(f"attitude must be (yaw, pitch, roll) in degrees or an AttitudeTimeline, got {attitude!r}")
    if ypr == TEA_SEGMENT.ypr_deg:
        return AttitudeTimeline()
    return AttitudeTimeline(default=AttitudeSegment(-np.inf, np.inf, *ypr, source="given by the user"))


@dataclass
class _Segment:
    """A piece of a module's exposure with one orientation (stay x attitude segment)."""

    start_jd: float
    end_jd: float
    limit: Responder
    hole: Responder | None


@dataclass
class _Tally:
    """What one module accumulates over the chunks of a window."""

    module: ModuleModel
    segments: list[_Segment]
    exposure_rows: list[dict]
    n_surf: int
    n_days: int
    n_sizes: int
    n_bins: int
    n_source: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    staleness: list = field(default_factory=list)
    epochs: set = field(default_factory=set)
    segment_s: dict = field(default_factory=dict)
    segments_used: dict = field(default_factory=dict)

    def __post_init__(self):
        g = len(GROUPS)
        self.daily = np.zeros((g, self.n_days))
        self.daily_surface = np.zeros((self.n_days, self.n_surf))
        self.speed = np.zeros((g, self.n_bins))
        self.arrival = np.zeros((g, 3))
        self.above = np.zeros(self.n_sizes)
        self.hole_n = 0.0


def _merge_intervals(intervals: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def assess_modules(
    modules: Sequence[ModuleModel],
    orbit: Orbit,
    inputs: EnvironmentInputs,
    start,
    end,
    *,
    criterion: str = "leak",
    config: EnvironmentConfig = EnvironmentConfig(),
    step_s: float = 60.0,
    attitude=DEFAULT_ATTITUDE_YPR_DEG,
    sizes_mm=(0.1, 0.8, 1.0),
    hole_mm: float | None = None,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    version: str = "",
    groups: tuple[str, ...] = GROUPS,
    cache: ResponseCache | None = None,
) -> list:
    """Expected failures of each of ``modules`` between ``start`` and ``end``.

    Parameters
    ----------
    modules : sequence of ModuleModel
        The modules; each is counted only while one of its stays is in the window.
    orbit, inputs, config
        The station's orbit (an :class:`~impactrisk.elements.Orbit`, or an
        :class:`~impactrisk.elements.OrbitTimeline` of orbits by period, e.g. circular
        stand-ins before an element-set history begins), the environment tables and
        model choices.
    start, end : str or datetime
        Window (UTC).
    criterion : str
        Label of the failure criterion the modules' shields were built for.
    step_s : float
        Time step [s].
    attitude : (yaw, pitch, roll) or AttitudeTimeline
        Station attitude from LVLH [deg], constant or piecewise.
    sizes_mm : sequence of float
        Particle sizes for "impacts above" on the vulnerable surfaces [mm].
    hole_mm : float, optional
        With a hole criterion: the hole diameter whose bracket is reported [mm].
    groups : tuple of str
        Source groups to evaluate (e.g. ``("debris",)`` for a second debris model).
    cache : ResponseCache, optional
        Responses kept across calls (a new one per call if None).

    Returns
    -------
    list of RiskResult
        One per module, in order.
    """
    from impactrisk.geometry import lvlh_to_body

    cache = ResponseCache() if cache is None else cache
    attitude_timeline = _attitude_timeline(attitude)
    timeline = orbit if isinstance(orbit, OrbitTimeline) else OrbitTimeline.single(orbit)
    t0, t1 = parse_utc(start, what="start"), parse_utc(end, what="end")
    jd0, jd1 = julian_date(t0), julian_date(t1)
    if not jd1 > jd0:
        raise InputError(f"end {format_utc(t1)} is not after start {format_utc(t0)}; expected start < end")
    day0 = np.floor(jd0 - 0.5) + 0.5
    n_days = int(np.ceil(jd1 - day0 - 1e-12))
    edges = DEFAULT_SPEED_EDGES_KM_S
    sizes_cm = np.asarray(sizes_mm, dtype=float) / 10.0

    tallies: list[_Tally] = []
    for module in modules:
        surfaces = module.surfaces
        vulnerable = np.array([role == "vulnerable" for role in surfaces.role])[surfaces.element_surface]
        segments, rows = [], []
        elements_by_rotation: dict[bytes, OrientedElements] = {}
        for stay in module.stays:
            a = max(jd0, stay.start_jd)
            b = min(jd1, stay.end_jd if stay.end_jd is not None else jd1)
            if b <= a:
                continue
            rows.append({
                "port": stay.port, "start": format_utc(jd_to_datetime(a)), "end": format_utc(jd_to_datetime(b)),
                "days": round(b - a, 4), "source": stay.source, "uncertain": stay.uncertain,
                "optional": stay.optional, "note": stay.note,
            })
            for seg in attitude_timeline.segments_between(a, b):
                rotation = lvlh_to_body(*seg.ypr_deg).T @ np.asarray(stay.vehicle_to_body)
                key = rotation.round(12).tobytes()
                elements = elements_by_rotation.get(key)
                if elements is None:
                    elements = elements_by_rotation[key] = OrientedElements.from_surface_set(surfaces, rotation)
                limit = Responder(elements, cache=cache, speed_edges_km_s=edges)
                hole = None
                if hole_mm is not None:
                    # The "hole as wide as the particle" end of the bracket: only the
                    # vulnerable elements, each shield floored at the hole size.
                    shields_vulnerable = set(surfaces.element_shield[vulnerable].tolist())
                    limits = tuple(s.with_min_diameter(hole_mm / 10.0) if k in shields_vulnerable else None
                                   for k, s in enumerate(surfaces.shields))
                    hole = Responder(elements, limits, cache=cache, speed_edges_km_s=edges)
                segments.append(_Segment(seg.start_jd, seg.end_jd, limit, hole))
        tallies.append(_Tally(module, segments, rows, len(surfaces.surfaces), n_days, len(sizes_cm), len(edges) - 1))

    # One grid anchored at the window start: every module of every call sees the same
    # sample times for the same window, whatever else is assessed with it; only the
    # parts of the grid where some module is exposed are propagated.
    start_jd, start_fr = datetime_to_jd(t0)
    duration_s = (jd1 - jd0) * SECONDS_PER_DAY
    grid = TimeGrid(start_jd, start_fr, duration_s, min(step_s, duration_s))
    ranges = []
    for a, b in _merge_intervals([(s.start_jd, s.end_jd) for t in tallies for s in t.segments]):
        i0 = int(np.floor((a - jd0) * SECONDS_PER_DAY / grid.step_s))
        i1 = int(np.ceil((b - jd0) * SECONDS_PER_DAY / grid.step_s))
        if ranges and i0 <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], i1))
        else:
            ranges.append((i0, i1))
    step_days = grid.step_s / SECONDS_PER_DAY
    _check_orbit_cover(timeline, ranges, jd0, step_days)
    for number, oseg in enumerate(timeline.between(jd0, jd1)):
        # Samples belong to the segment that holds their midpoint.
        lo = max(0, int(np.ceil((oseg.start_jd - jd0) / step_days - 0.5 - 1e-9)))
        hi = min(grid.n, int(np.ceil((oseg.end_jd - jd0) / step_days - 0.5 - 1e-9)))
        pieces_of_grid = [(max(a, lo), min(b, hi)) for a, b in ranges if min(b, hi) > max(a, lo)]
        if not pieces_of_grid:
            continue
        for eph in iter_ephemeris(oseg.orbit, grid, select=select, allow_extrapolation=allow_extrapolation,
                                  sample_ranges=pieces_of_grid):
            jd = eph.jd_utc
            day = np.clip(np.floor(jd - day0).astype(np.int64), 0, n_days - 1)
            exposures = None
            for tally in tallies:
                in_module = np.zeros(len(jd), dtype=bool)
                pieces = []
                for seg in tally.segments:
                    mask = (jd >= seg.start_jd) & (jd < seg.end_jd)
                    if mask.any():
                        in_module |= mask
                        pieces.append((seg, mask))
                if not pieces:
                    continue
                if exposures is None:
                    exposures = environment_exposure(eph, inputs, config, groups, threads=SOURCE_THREADS)
                if not oseg.orbit.is_design:
                    tally.staleness.append(eph.staleness(stale_threshold_days, in_module))
                    tally.epochs.update((id(oseg.orbit), int(i)) for i in np.unique(eph.set_index[in_module]))
                tally.segment_s[number] = tally.segment_s.get(number, 0.0) + float(eph.weight_s[in_module].sum())
                tally.segments_used[number] = oseg
                for seg, mask in pieces:
                    for exposure in exposures:
                        _accumulate(tally, seg, exposure.restricted(mask), day, sizes_cm)

    results = []
    for tally in tallies:
        if tally.staleness:
            staleness = Staleness.merge(tally.staleness)
            warn_if_stale(staleness, stale_warn_days, _orbit_summary(tally, None)["source"])
        else:
            staleness = None
        results.append(_result(tally, criterion, hole_mm, t0, t1, day0, sizes_mm, config, attitude_timeline,
                               step_s, version, staleness))
    return results


def _accumulate(tally: _Tally, seg: _Segment, exposure, day: np.ndarray, sizes_cm: np.ndarray) -> None:
    if len(exposure.sample) == 0:
        return
    module = tally.module
    surfaces = module.surfaces
    vulnerable = np.array([role == "vulnerable" for role in surfaces.role])
    g = GROUPS.index(exposure.group)
    name = exposure.name
    tally.meta.setdefault(name, (exposure.group, set()))[1].add(exposure.family.model)
    result = integrate_exposure(seg.limit, exposure, day, tally.n_days)
    per_surface = result.n_by_bin.sum(axis=0)
    tally.n_source[name] = tally.n_source.get(name, 0.0) + per_surface
    tally.daily[g] += result.n_by_bin[:, vulnerable].sum(axis=1)
    tally.daily_surface += result.n_by_bin
    tally.speed[g] += result.speed[vulnerable].sum(axis=0)
    tally.arrival[g] += result.arrival[vulnerable].sum(axis=0)
    spectrum = exposure.family.spectrum
    tally.above += float(result.projected[vulnerable].sum()) * spectrum.fraction_above(
        [sizes_cm] * len(spectrum.bands))
    if seg.hole is not None:
        tally.hole_n += float(integrate_exposure(seg.hole, exposure, day, tally.n_days).n_by_bin.sum())


def _check_orbit_cover(timeline: OrbitTimeline, ranges, jd0: float, step_days: float) -> None:
    """Refuse exposure that no orbit of the timeline covers (rather than leaving it out)."""
    for a, b in ranges:
        t_first, t_last = jd0 + (a + 0.5) * step_days, jd0 + (b - 0.5) * step_days
        covered = sorted((max(s.start_jd, t_first), min(s.end_jd, t_last)) for s in timeline.segments
                         if s.end_jd > t_first and s.start_jd <= t_last)
        t = t_first
        for lo, hi in covered:
            if lo > t + step_days:
                break
            t = max(t, hi)
        if t < t_last - step_days:
            gap = format_utc(jd_to_datetime(t))
            raise CoverageError(f"no orbit stands for the station from {gap}: the orbit timeline "
                                f"({', '.join(s.note or s.orbit.source for s in timeline.segments)}) does not "
                                "cover the window; give an orbit that does (--tle or --orbit)")


def _orbit_summary(tally: _Tally, staleness) -> dict:
    """Which orbits served the module's samples: element-set histories (epochs used,
    staleness) and stand-ins (design orbits), with the time each served."""
    segments = []
    for number in sorted(tally.segments_used):
        seg = tally.segments_used[number]
        segments.append({
            "start": None if not np.isfinite(seg.start_jd) else format_utc(jd_to_datetime(seg.start_jd)),
            "end": None if not np.isfinite(seg.end_jd) else format_utc(jd_to_datetime(seg.end_jd)),
            "kind": seg.orbit.kind, "source": seg.orbit.source, "note": seg.note,
            "days": tally.segment_s[number] / SECONDS_PER_DAY,
        })
    histories = [tally.segments_used[n].orbit for n in sorted(tally.segments_used)
                 if not tally.segments_used[n].orbit.is_design]
    main = histories[0] if histories else (tally.segments_used[min(tally.segments_used)].orbit
                                          if tally.segments_used else None)
    epochs = sorted(float(o.epochs_jd[i]) for o in {id(o): o for o in histories}.values()
                    for oid, i in tally.epochs if oid == id(o))
    stand_in = sum(s["days"] for s in segments if s["kind"] == "circular")
    return {
        "source": None if main is None else main.source,
        "kind": None if main is None else main.kind,
        "element_sets_used": len(epochs),
        "first_epoch_used": format_utc(jd_to_datetime(epochs[0])) if epochs else None,
        "last_epoch_used": format_utc(jd_to_datetime(epochs[-1])) if epochs else None,
        "staleness": staleness.to_dict() if staleness else None,
        "segments": segments,
        "stand_in_days": stand_in,
    }


def _result(tally: _Tally, criterion, hole_mm, t0, t1, day0, sizes_mm, config, timeline,
            step_s, version, staleness):
    from impactrisk.results import RiskResult

    module = tally.module
    surfaces = module.surfaces
    n_surf = tally.n_surf
    vulnerable = np.array([role == "vulnerable" for role in surfaces.role])
    edges = DEFAULT_SPEED_EDGES_KM_S
    n_expected = float(tally.daily.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        centres = 0.5 * (edges[:-1] + edges[1:])
        mean_speed = (tally.speed @ centres) / tally.speed.sum(axis=1)
        norm = np.linalg.norm(tally.arrival, axis=1, keepdims=True)
        mean_arrival = np.where(norm > 0, tally.arrival / norm, np.nan)
    n_all = np.sum(list(tally.n_source.values()), axis=0) if tally.n_source else np.zeros(n_surf)
    area_by_surface = np.bincount(surfaces.element_surface, weights=surfaces.area_m2, minlength=n_surf)
    surface_rows = []
    for s, name in enumerate(surfaces.surfaces):
        shields = sorted({int(k) for k in surfaces.element_shield[surfaces.element_surface == s]})
        surface_rows.append({
            "name": name, "role": surfaces.role[s], "area_m2": float(area_by_surface[s]),
            "criterion": ", ".join(surfaces.shields[k].criterion for k in shields),
            "shield": "; ".join(surfaces.shields[k].description for k in shields),
            "n": float(n_all[s]),
        })
    days = [format_utc(jd_to_datetime(day0 + d))[:10] for d in range(tally.n_days)]
    attitude = [{"start": None if not np.isfinite(s.start_jd) else format_utc(jd_to_datetime(s.start_jd)),
                 "end": None if not np.isfinite(s.end_jd) else format_utc(jd_to_datetime(s.end_jd)),
                 "ypr_deg": list(s.ypr_deg), "source": s.source}
                for s in timeline.segments]
    return RiskResult(
        module=module.name,
        vehicle=module.vehicle,
        criterion=criterion if hole_mm is None else f"hole>={hole_mm:g}mm",
        start=format_utc(t0),
        end=format_utc(t1),
        exposure=tally.exposure_rows,
        n_expected=n_expected,
        n_by_source={name: {"group": tally.meta[name][0], "model": "; ".join(sorted(tally.meta[name][1])),
                            "n": float(np.sum(n[vulnerable])),
                            "n_by_surface": {surfaces.surfaces[s]: float(n[s]) for s in range(n_surf)}}
                     for name, n in tally.n_source.items()},
        n_by_group={g: float(tally.daily[i].sum()) for i, g in enumerate(GROUPS)},
        surfaces=surface_rows,
        daily={"date": days, "n_by_group": {g: tally.daily[i] for i, g in enumerate(GROUPS)},
               "n_by_surface": {surfaces.surfaces[s]: tally.daily_surface[:, s] for s in range(n_surf)}},
        penetrators={"speed_edges_km_s": edges, "by_group": {g: tally.speed[i] for i, g in enumerate(GROUPS)},
                     "mean_speed_km_s": {g: mean_speed[i] for i, g in enumerate(GROUPS)},
                     "mean_arrival_lvlh": {g: mean_arrival[i] for i, g in enumerate(GROUPS)}},
        impacts_above={"sizes_mm": list(sizes_mm), "n": tally.above},
        hole_bracket=None if hole_mm is None else {
            "hole_mm": hole_mm, "every_perforation": n_expected, "hole_equals_particle": tally.hole_n,
            "note": "no validated thin-wall hole-size law exists near the perforation threshold; "
                    "the two ends bracket the answer (physics brief appendix A1)"},
        assumptions=list(module.assumptions),
        models={
            "environment": {name: "; ".join(sorted(tally.meta[name][1])) for name in tally.n_source},
            "config": dict(config.__dict__),
            "ballistic_limits": [s.description for s in surfaces.shields],
            "attitude_ypr_deg": list(timeline.default.ypr_deg),
            "attitude_default_source": timeline.default.source,
            "attitude_segments": attitude,
            "step_s": step_s,
        },
        orbit=_orbit_summary(tally, staleness),
        notes=list(NOT_MODELLED),
        version=version,
        module_hash=module.content_hash,
        event=module.event,
    )


def assess_module(module: ModuleModel, orbit: Orbit, inputs: EnvironmentInputs, start, end, **kwargs):
    """Expected failures of one module (see :func:`assess_modules`); a RiskResult."""
    return assess_modules([module], orbit, inputs, start, end, **kwargs)[0]
