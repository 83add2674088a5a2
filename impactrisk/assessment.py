"""Expected failures of one module over a window: the orbit, the environment, the
module's surfaces and ballistic limits, its stays at the station and the attitude,
integrated day by day into a :class:`~impactrisk.results.RiskResult`.

No file or network I/O: the module arrives as a :class:`ModuleModel` (surfaces in its
own frame and its stays), the orbit as an :class:`~impactrisk.elements.Orbit`, the
environment tables as :class:`~impactrisk.environment.model.EnvironmentInputs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from impactrisk.elements import Orbit
from impactrisk.ephemeris import Staleness
from impactrisk.geometry import impact_cosine
from impactrisk.environment.model import EnvironmentConfig, EnvironmentInputs, SourceTerm, environment_terms
from impactrisk.propagation import (
    DEFAULT_STALE_THRESHOLD_DAYS,
    DEFAULT_STALE_WARN_DAYS,
    iter_ephemeris,
    warn_if_stale,
)
from impactrisk.risk import DEFAULT_SPEED_EDGES_KM_S, FractionTable, ImpactTally, integrate_impacts
from impactrisk.timegrid import TimeGrid, datetime_to_jd, format_utc, jd_to_datetime, parse_utc

__all__ = ["DEFAULT_ATTITUDE_YPR_DEG", "ModuleModel", "Stay", "assess_module", "NOT_MODELLED"]

#: +XVV torque-equilibrium attitude, yaw/pitch/roll from LVLH [deg]: "a typical TEA as
#: the station coasts is YPR -4, -3, 0" (NASA, The International Space Station:
#: Operating an Outpost in the New Frontier, ch. 7; events.md §3.2).
DEFAULT_ATTITUDE_YPR_DEG = (-4.0, -3.0, 0.0)
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


class _Integrals:
    """Integrals of source terms against element groups.

    The fraction above each ballistic limit is tabulated once per spectrum and limit
    (:class:`~impactrisk.risk.FractionTable`); integrals of keyed terms (whose bundles
    depend only on the key, up to the factor ``key_scale``) are computed once per key,
    element group and orientation and scaled by ``key_scale`` times the exposure.
    """

    def __init__(self) -> None:
        self.cache: dict = {}
        self.tables: dict = {}

    def table(self, spectrum, d_crit: Callable, limit_tag) -> FractionTable:
        key = (spectrum.name, spectrum.bands, limit_tag)
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = FractionTable(spectrum, d_crit)
        return table

    def projected(self, term: SourceTerm, surfaces, elements: np.ndarray, tag: tuple) -> float:
        """sum_b f_b t_b sum_e A_e cos_be: particles above the reference size hitting the elements."""
        walls = None if surfaces.wall_normals_body is None else surfaces.wall_normals_body[elements]

        def fluence(bundles, exposure):
            cosine = impact_cosine(bundles.u_lvlh, surfaces.normals_body[elements], walls)
            return float((bundles.flux_m2_yr * exposure) @ (cosine @ surfaces.area_m2[elements]))

        if term.key is None:
            return fluence(term.bundles, term.exposure_yr)
        key = (term.key, tag)
        unit = self.cache.get(key)
        if unit is None:
            unit = self.cache[key] = fluence(term.bundles.scaled(1.0 / term.key_scale), 1.0)
        return unit * term.key_scale * float(term.exposure_yr[0])

    def __call__(self, term: SourceTerm, surfaces, elements: np.ndarray,
                 d_crit: Callable, tag: tuple) -> ImpactTally:
        normals = surfaces.normals_body[elements]
        areas = surfaces.area_m2[elements]
        walls = None if surfaces.wall_normals_body is None else surfaces.wall_normals_body[elements]
        table = self.table(term.spectrum, d_crit, tag[1:])
        if term.key is None:
            return integrate_impacts(term.bundles, term.spectrum, normals, areas, d_crit, term.exposure_yr,
                                     wall_normals_lvlh=walls, fraction_table=table)
        key = (term.key, term.spectrum.name, tag)
        unit = self.cache.get(key)
        if unit is None:
            unit = integrate_impacts(term.bundles.scaled(1.0 / term.key_scale), term.spectrum, normals, areas,
                                     d_crit, 1.0, wall_normals_lvlh=walls, fraction_table=table)
            self.cache[key] = unit
        return unit.scaled(term.key_scale * float(term.exposure_yr[0]))


def assess_module(
    module: ModuleModel,
    orbit: Orbit,
    inputs: EnvironmentInputs,
    start,
    end,
    *,
    criterion: str = "leak",
    config: EnvironmentConfig = EnvironmentConfig(),
    step_s: float = 60.0,
    attitude_ypr_deg: tuple[float, float, float] = DEFAULT_ATTITUDE_YPR_DEG,
    sizes_mm=(0.1, 0.8, 1.0),
    hole_mm: float | None = None,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    version: str = "",
    groups: tuple[str, ...] = ("meteoroid", "shower", "debris"),
):
    """Expected failures of ``module`` between ``start`` and ``end``.

    ``groups`` limits the sources evaluated (e.g. ``("debris",)`` for a second debris
    model in an uncertainty band).

    The window is cut into UTC days and intersected with the module's stays; for each
    piece the orbit is propagated, the environment evaluated and every source integrated
    against the module's surfaces, rotated vehicle -> station body (port, clocking) ->
    LVLH (attitude). Returns a :class:`~impactrisk.results.RiskResult`.
    """
    from impactrisk.geometry import lvlh_to_body
    from impactrisk.results import RiskResult

    t0, t1 = parse_utc(start, what="start"), parse_utc(end, what="end")
    jd0, jd1 = sum(datetime_to_jd(t0)), sum(datetime_to_jd(t1))
    surfaces = module.surfaces
    n_surf = len(surfaces.surfaces)
    vulnerable = np.array([role == "vulnerable" for role in surfaces.role])
    element_vulnerable = vulnerable[surfaces.element_surface]
    body_to_lvlh = lvlh_to_body(*attitude_ypr_deg).T
    edges = DEFAULT_SPEED_EDGES_KM_S
    sizes_cm = np.asarray(sizes_mm, dtype=float) / 10.0
    all_groups = ("meteoroid", "shower", "debris")
    day0 = np.floor(jd0 - 0.5) + 0.5
    n_days = int(np.ceil(jd1 - day0 - 1e-12))

    integrals = _Integrals()
    n_source: dict[str, np.ndarray] = {}
    meta: dict[str, tuple[str, str]] = {}
    daily = np.zeros((len(all_groups), n_days))
    speed = np.zeros((len(all_groups), len(edges) - 1))
    arrival = np.zeros((len(all_groups), 3))
    above = np.zeros(len(sizes_cm))
    hole_n = 0.0
    staleness_parts: list[Staleness] = []
    epochs_used: set[int] = set()
    exposure_rows = []
    shield_elements = [np.flatnonzero(surfaces.element_shield == k) for k in range(len(surfaces.shields))]
    vulnerable_elements = np.flatnonzero(element_vulnerable)

    for stay in module.stays:
        a = max(jd0, stay.start_jd)
        b = min(jd1, stay.end_jd if stay.end_jd is not None else jd1)
        if b <= a:
            continue
        exposure_rows.append({
            "port": stay.port, "start": format_utc(jd_to_datetime(a)), "end": format_utc(jd_to_datetime(b)),
            "days": round(b - a, 4), "source": stay.source, "uncertain": stay.uncertain,
            "optional": stay.optional, "note": stay.note,
        })
        rotation = body_to_lvlh @ np.asarray(stay.vehicle_to_body)
        oriented = surfaces.rotated(rotation)
        orientation = rotation.round(12).tobytes()
        for day in range(n_days):
            p0, p1 = max(a, day0 + day), min(b, day0 + day + 1.0)
            if p1 - p0 <= 1e-9:
                continue
            whole = np.floor(p0 - 0.5) + 0.5
            duration_s = (p1 - p0) * 86400.0
            grid = TimeGrid(whole, p0 - whole, duration_s, min(step_s, duration_s))
            for eph in iter_ephemeris(orbit, grid, select=select, allow_extrapolation=allow_extrapolation):
                staleness_parts.append(eph.staleness(stale_threshold_days))
                epochs_used.update(np.unique(eph.set_index).tolist())
                for term in environment_terms(eph, inputs, config):
                    if term.group not in groups:
                        continue
                    g = all_groups.index(term.group)
                    per_surface = n_source.setdefault(term.name, np.zeros(n_surf))
                    meta.setdefault(term.name, (term.group, term.model))
                    for k, elements in enumerate(shield_elements):
                        if elements.size == 0:
                            continue
                        tally = integrals(term, oriented, elements, surfaces.shields[k].d_crit_cm,
                                          (orientation, "shield", k))
                        per_surface += np.bincount(surfaces.element_surface[elements],
                                                   weights=tally.n_above_limit, minlength=n_surf)
                        vuln = element_vulnerable[elements]
                        if vuln.any():
                            daily[g, day] += float(tally.n_above_limit[vuln].sum())
                            speed[g] += tally.speed_distribution[vuln].sum(axis=0)
                            w = tally.n_above_limit[vuln]
                            good = np.isfinite(tally.arrival_lvlh[vuln]).all(axis=1)
                            arrival[g] += (w[good, None] * tally.arrival_lvlh[vuln][good]).sum(axis=0)
                        if hole_mm is not None and vuln.any():
                            hole = integrals(term, oriented, elements[vuln],
                                             surfaces.shields[k].with_min_diameter(hole_mm / 10.0).d_crit_cm,
                                             (orientation, "hole", k, hole_mm))
                            hole_n += float(hole.n_above_limit.sum())
                    if vulnerable_elements.size:
                        # Impacts above fixed sizes: the fraction does not depend on the
                        # impact, so one projected fluence serves every size.
                        fluence = integrals.projected(term, oriented, vulnerable_elements,
                                                      (orientation, "projected"))
                        above += fluence * term.spectrum.fraction_above(
                            [sizes_cm] * len(term.spectrum.bands))

    if not exposure_rows:
        staleness = None
    else:
        staleness = Staleness.merge(staleness_parts)
        warn_if_stale(staleness, stale_warn_days, orbit.source)
    n_expected = float(daily.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        centres = 0.5 * (edges[:-1] + edges[1:])
        mean_speed = (speed @ centres) / speed.sum(axis=1)
        norm = np.linalg.norm(arrival, axis=1, keepdims=True)
        mean_arrival = np.where(norm > 0, arrival / norm, np.nan)
    surface_rows = []
    n_all = np.sum(list(n_source.values()), axis=0) if n_source else np.zeros(n_surf)
    area_by_surface = np.bincount(surfaces.element_surface, weights=surfaces.area_m2, minlength=n_surf)
    for s, name in enumerate(surfaces.surfaces):
        shields = sorted({int(k) for k in surfaces.element_shield[surfaces.element_surface == s]})
        surface_rows.append({
            "name": name, "role": surfaces.role[s], "area_m2": float(area_by_surface[s]),
            "criterion": ", ".join(surfaces.shields[k].criterion for k in shields),
            "shield": "; ".join(surfaces.shields[k].description for k in shields),
            "n": float(n_all[s]),
        })
    days = [format_utc(jd_to_datetime(day0 + d))[:10] for d in range(n_days)]
    epochs = sorted(epochs_used)
    return RiskResult(
        module=module.name,
        vehicle=module.vehicle,
        criterion=criterion if hole_mm is None else f"hole>={hole_mm:g}mm",
        start=format_utc(t0),
        end=format_utc(t1),
        exposure=exposure_rows,
        n_expected=n_expected,
        n_by_source={name: {"group": meta[name][0], "model": meta[name][1],
                            "n": float(np.sum(n[vulnerable])),
                            "n_by_surface": {surfaces.surfaces[s]: float(n[s]) for s in range(n_surf)}}
                     for name, n in n_source.items()},
        n_by_group={g: float(daily[i].sum()) for i, g in enumerate(all_groups)},
        surfaces=surface_rows,
        daily={"date": days, "n_by_group": {g: daily[i] for i, g in enumerate(all_groups)}},
        penetrators={"speed_edges_km_s": edges, "by_group": {g: speed[i] for i, g in enumerate(all_groups)},
                     "mean_speed_km_s": {g: mean_speed[i] for i, g in enumerate(all_groups)},
                     "mean_arrival_lvlh": {g: mean_arrival[i] for i, g in enumerate(all_groups)}},
        impacts_above={"sizes_mm": list(sizes_mm), "n": above},
        hole_bracket=None if hole_mm is None else {
            "hole_mm": hole_mm, "every_perforation": n_expected, "hole_equals_particle": hole_n,
            "note": "no validated thin-wall hole-size law exists near the perforation threshold; "
                    "the two ends bracket the answer (physics brief appendix A1)"},
        assumptions=list(module.assumptions),
        models={
            "environment": {name: meta[name][1] for name in n_source},
            "config": dict(config.__dict__),
            "ballistic_limits": [s.description for s in surfaces.shields],
            "attitude_ypr_deg": list(attitude_ypr_deg),
            "step_s": step_s,
        },
        orbit={
            "source": orbit.source, "kind": orbit.kind,
            "element_sets_used": len(epochs),
            "first_epoch_used": None if orbit.is_design or not epochs else
            format_utc(jd_to_datetime(float(orbit.epochs_jd[epochs[0]]))),
            "last_epoch_used": None if orbit.is_design or not epochs else
            format_utc(jd_to_datetime(float(orbit.epochs_jd[epochs[-1]]))),
            "staleness": staleness.to_dict() if staleness else None,
        },
        notes=list(NOT_MODELLED),
        version=version,
        module_hash=module.content_hash,
        event=module.event,
    )
