"""The 2022-2023 coolant leaks: each event reconstructed, the Soyuz MS-22 radiator and
the Geminids facet by facet, and whether three leaks in under a year could be chance.

* :func:`reconstruct` assesses each leaking radiator from the start of its exposure to
  its leak: expected leak-causing penetrations by source, and the penetrators' speeds
  (how likely a ~7 km/s penetrator is a meteoroid or debris).
* :func:`geminid_facets` gives the Geminid impacts on each facet of the MS-22 radiator
  band around the leak, by the facet's azimuth in the station frame, so that any
  clocking of the vehicle about its docking axis can be read off, with the time the
  radiant was hidden by the Earth and the age of the element sets.
* :func:`fleet_history` computes the daily expected leak-causing penetrations of every
  Soyuz MS and Progress MS radiator (and the Nauka RTOd) over their stays, with circular
  stand-in orbits before the bundled element sets begin; :func:`coincidence` turns them
  into a scan statistic (three or more penetrations inside some 12-month window) and
  the probability of the observed count, over a sweep of the assumptions that matter.

This is the application layer (like :mod:`impactrisk.api`): it reads the catalogue and
the fleet manifest; the physics and the statistics are in the I/O-free core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Sequence

import numpy as np

from impactrisk.api import DEBRIS_UNCERTAINTY_FACTOR
from impactrisk.errors import InputError
from impactrisk.timegrid import format_utc, parse_utc

__all__ = [
    "EVENT_MODULES",
    "analyse",
    "classify",
    "FleetMember",
    "coincidence",
    "fleet_history",
    "fleet_members",
    "geminid_facets",
    "reconstruct",
]

#: The three leaks, by module: Soyuz MS-22 (15 Dec 2022), Progress MS-21 (11 Feb 2023),
#: Nauka backup radiator RTOd (9 Oct 2023) (events.md §1).
EVENT_MODULES = ("soyuz-ms-22", "progress-ms-21", "nauka-rtod")
#: Catalogue modules used as templates for the other vehicles of each family (the same
#: PAO radiator is assumed on every Soyuz MS and every Progress MS; events.md §3.4).
TEMPLATES = {"soyuz ms": "soyuz-ms-22", "progress ms": "progress-ms-21"}
#: The window of a scan: 12 months [days].
SCAN_WINDOW_DAYS = 365.25
#: Speeds counted as "about 7 km/s" in the reconstruction [km/s]: Roscosmos said ~7
#: km/s (Borisov), Solovyov 7.5 km/s (events.md §1.1); the bins 6-10 km/s.
SPEED_BAND_KM_S = (6.0, 10.0)


# ------------------------------------------------------------------- the analysis

#: A quick sweep (`impactrisk events --quick`): the extremes of the wall, no facesheet.
QUICK_SWEEP = {"walls_mm": (1.0, 3.0), "facesheets_mm": (0.0,)}


def analyse(*, step: str | float = "60s", fleet_step: str | float = "600s", quick: bool = False,
            include_stowed: bool = False, workers: int = 1, progress=None, command: str = "") -> dict:
    """Everything :mod:`impactrisk.events` computes, for the ``impactrisk events`` command.

    Returns
    -------
    dict
        ``reconstruction`` (:func:`reconstruct`), ``geminids`` (:func:`geminid_facets`),
        ``coincidence`` (:func:`coincidence`), and ``command``, ``version``, ``created``.
    """
    from impactrisk import __version__

    def say(stage):
        if progress:
            progress(stage)

    say("reconstructing the three leaks")
    events = reconstruct(step=step, include_optional=include_stowed)
    say("Geminid fluence on the Soyuz MS-22 radiator facets")
    geminids = geminid_facets(step=step)
    sweep = dict(QUICK_SWEEP) if quick else {}
    say("fleet history and the coincidence sweep")
    stats = coincidence(step=fleet_step, include_stowed=include_stowed, workers=workers,
                        progress=(lambda done, total: say(f"fleet assessment {done}/{total}")), **sweep)
    return {"command": command, "version": __version__, "created": format_utc(datetime.now(timezone.utc)),
            "reconstruction": events, "geminids": geminids, "coincidence": stats}


# ------------------------------------------------------------------ reconstruction


def reconstruct(*, step: str | float = "60s", overrides: tuple[str, ...] = (), include_optional: bool = False,
                cache=None) -> list[dict]:
    """Each leaking radiator from the start of its exposure to its leak.

    ``include_optional`` counts the RTOd's stowed years on Rassvet (off by default: its
    loops were filled without a leak on 12 May 2023, which a penetration while stowed
    would have shown; the option shows the other reading).

    Returns
    -------
    list of dict
        Per event: module, vehicle, exposure (start, end, days), the event, N and
        PNP, N by group and by source, the penetrators' mean speed by group, the
        share of penetrators at 6-10 km/s by group, P(debris | a penetrator at 6-10
        km/s), orbit segments used (stand-ins flagged), and the module's assumptions.
    """
    from impactrisk.api import assess

    out = []
    for name in EVENT_MODULES:
        optional = include_optional if name == "nauka-rtod" else True
        result = assess(name, step=step, overrides=overrides, include_optional=optional, cache=cache)
        edges = np.asarray(result.penetrators["speed_edges_km_s"])
        centres = 0.5 * (edges[:-1] + edges[1:])
        band = (centres >= SPEED_BAND_KM_S[0]) & (centres < SPEED_BAND_KM_S[1])
        in_band = {g: float(np.asarray(v)[band].sum()) for g, v in result.penetrators["by_group"].items()}
        total_band = sum(in_band.values())
        out.append({
            "module": result.module, "vehicle": result.vehicle, "event": result.event,
            "start": result.start, "end": result.end,
            "exposure_days": float(sum(e["days"] for e in result.exposure)),
            "exposure": result.exposure,
            "n": result.n_expected, "pnp": result.pnp, "n_by_group": dict(result.n_by_group),
            "n_by_source": {k: v["n"] for k, v in result.n_by_source.items()},
            "mean_speed_km_s": {g: _finite(v) for g, v in result.penetrators["mean_speed_km_s"].items()},
            "speed_band_km_s": list(SPEED_BAND_KM_S),
            "n_in_speed_band": in_band,
            "share_in_speed_band": {g: (in_band[g] / result.n_by_group[g] if result.n_by_group[g] > 0 else None)
                                    for g in in_band},
            "p_debris_given_speed_band": in_band.get("debris", 0.0) / total_band if total_band > 0 else None,
            "speed_edges_km_s": edges.tolist(),
            "speed_by_group": {g: np.asarray(v).tolist() for g, v in result.penetrators["by_group"].items()},
            "orbit": result.orbit, "assumptions": result.assumptions, "notes": result.notes,
            "include_optional": optional,
        })
    return out


def _finite(value) -> float | None:
    v = float(value)
    return v if math.isfinite(v) else None


# ----------------------------------------------------------- the Geminids and MS-22


def geminid_facets(*, hours: float = 24.0, step: str | float = "60s", shower: str = "GEM", around=None,
                   cache=None) -> dict:
    """Impacts of a shower on each facet of the Soyuz MS-22 radiator around the leak.

    The radiator band is split into its facets (one surface per 10-degree facet, with
    its channels); each is labelled by the azimuth of its outward normal in the station
    body frame at clocking 0 (0 = forward/ram, 90 = starboard, 180 = aft/wake, 270 =
    port, for the nadir-pointing vehicle axis at Rassvet nadir). A clocking of the
    vehicle by c degrees turns facet azimuth a into a + c, so the curve read at a - c
    is the answer for any clocking: the question "could the hole facet have been hit"
    is answered for every clocking at once.

    Returns
    -------
    dict
        ``azimuth_deg`` (facets), ``before`` and ``after`` (per facet: expected shower
        particles above the leak criterion (penetrations of the channel walls) and
        impacts of particles of >= 0.1 mm on the channels, in the ``hours`` before and
        after the leak), the radiant's Earth-blocked share of the time, the element-set
        ages, and the totals of all sources over the same hours for comparison.
        ``around`` replaces the leak time (e.g. to look at a date outside the shower).
    """
    from impactrisk import __version__
    from impactrisk.api import assessment_config, prepare_module, response_cache, station_orbit
    from impactrisk.assessment import assess_modules
    from impactrisk.io.flux_tables import load_environment_inputs
    from impactrisk.timegrid import parse_duration_s

    spec, model, criterion, _ = prepare_module("soyuz-ms-22")
    leak = spec.event.time if around is None else parse_utc(around, what="time")
    facets = _per_facet(model)
    orbit = station_orbit()
    inputs = load_environment_inputs()
    windows = {"before": (leak - timedelta(hours=hours), leak), "after": (leak, leak + timedelta(hours=hours))}
    out = {"module": model.name, "shower": shower, "leak": format_utc(leak), "hours": hours,
           "azimuth_deg": facets["azimuth_deg"], "criterion": criterion, "version": __version__,
           "facet_area_m2": facets["area_m2"]}
    for label, (t0, t1) in windows.items():
        result = assess_modules([facets["model"]], orbit, inputs, t0, t1, criterion=criterion,
                                config=assessment_config(), step_s=parse_duration_s(step),
                                sizes_mm=(0.1,), cache=response_cache() if cache is None else cache)[0]
        by_source = result.n_by_source.get(shower)
        per_facet = ([by_source["n_by_surface"].get(f, 0.0) for f in facets["channel_surfaces"]]
                     if by_source else [0.0] * len(facets["channel_surfaces"]))
        out[label] = {
            "start": format_utc(t0), "end": format_utc(t1),
            "n_by_facet": per_facet,
            "n_shower": float(sum(per_facet)),
            "n_all_sources": result.n_expected,
            "n_by_group": dict(result.n_by_group),
            "stalest_element_set_days": ((result.orbit or {}).get("staleness") or {}).get("max_age_days"),
            "element_sets_used": (result.orbit or {}).get("element_sets_used"),
        }
    out["visibility"] = _radiant_visibility(shower, leak, hours, parse_duration_s(step))
    return out


def _per_facet(model) -> dict:
    """The module with one surface per facet of its radiator band (channels and panel
    of facet k become surfaces ``channels@AZ`` and ``panel@AZ``)."""
    from impactrisk.geometry import SurfaceSet

    surfaces = model.surfaces
    names = list(surfaces.surfaces)
    ch = names.index("radiator/channels")
    panel = names.index("radiator/panel")
    # Facets of a band: the panel elements, in order; each carries the channel elements
    # that lie on it (the channel walls' normal is the panel facet's normal).
    panel_idx = np.flatnonzero(surfaces.element_surface == panel)
    channel_idx = np.flatnonzero(surfaces.element_surface == ch)
    panel_normals = surfaces.normals_body[panel_idx]
    walls = surfaces.wall_normals_body[channel_idx]
    facet_of_channel = np.argmax(walls @ panel_normals.T, axis=1)
    # Azimuth in the station body frame at clocking 0: the vehicle frame -> body.
    rotation = np.asarray(model.stays[0].vehicle_to_body)
    body = panel_normals @ rotation.T
    azimuth = np.mod(np.degrees(np.arctan2(body[:, 1], body[:, 0])), 360.0)
    order = np.argsort(azimuth)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels = [f"{azimuth[i]:05.1f}" for i in order]
    element_surface = np.empty(len(surfaces), dtype=np.intp)
    element_surface[channel_idx] = rank[facet_of_channel]
    element_surface[panel_idx] = len(order) + rank
    new_names = tuple(f"channels@{a}" for a in labels) + tuple(f"panel@{a}" for a in labels)
    roles = tuple("vulnerable" for _ in labels) + tuple("reported" for _ in labels)
    split = SurfaceSet(element_surface, new_names, surfaces.normals_body, surfaces.area_m2,
                       surfaces.element_shield, surfaces.shields, roles, surfaces.wall_normals_body)
    area = np.bincount(element_surface, weights=surfaces.area_m2, minlength=len(new_names))
    return {"model": replace(model, surfaces=split), "azimuth_deg": [float(azimuth[i]) for i in order],
            "channel_surfaces": list(new_names[:len(labels)]), "area_m2": area[:len(labels)].tolist()}


def _radiant_visibility(code: str, leak: datetime, hours: float, step_s: float) -> dict:
    """Share of the time around the leak when the radiant was above the Earth + 100 km
    limb as seen from the station, and its elevation from the orbit plane."""
    from impactrisk.api import TimeGrid, load_orbit, propagate
    from impactrisk.environment.model import radiant_map_coordinates, shower_radiant_lvlh
    from impactrisk.environment.showers import activity_zhr
    from impactrisk.io.flux_tables import load_environment_inputs

    showers = {s.code: s for s in load_environment_inputs().showers}
    if code not in showers:
        raise InputError(f"unknown shower {code!r}; expected one of {', '.join(sorted(showers))}")
    shower = showers[code]
    history = load_orbit()  # the bundled element sets, which cover every leak
    grid = TimeGrid.from_range(leak - timedelta(hours=hours), leak + timedelta(hours=hours), step_s)
    eph = propagate(history, grid)
    d, visible = shower_radiant_lvlh(eph, shower)
    elevation, _ = radiant_map_coordinates(d)
    zhr = np.asarray(activity_zhr(shower, eph.solar_longitude_deg))
    return {"share_visible": float(np.mean(visible)), "share_blocked_by_earth": float(1.0 - np.mean(visible)),
            "radiant_elevation_from_orbit_plane_deg": [float(elevation.min()), float(elevation.max())],
            "zhr_range": [float(zhr.min()), float(zhr.max())],
            "stalest_element_set_days": float(np.nanmax(np.abs(eph.epoch_age_days)))}


# ------------------------------------------------------------------ fleet history


@dataclass
class FleetMember:
    """One radiator of the fleet: its vehicle, module and (if it leaked) the event."""

    vehicle: str
    module: str
    template: str
    model: object
    event_time: datetime | None


def fleet_members(*, overrides: tuple[str, ...] = (), criterion: str = "leak",
                  include_stowed: bool = False) -> list[FleetMember]:
    """Every Soyuz MS and Progress MS radiator that was docked, and the Nauka RTOd.

    Vehicles with a catalogue module (the three that leaked and Progress MS-22) use it;
    the others use the module of their family as a template (an assumption listed in
    their results). Exposure ends at the leak for the vehicles that leaked.
    """
    from impactrisk.io.modules import list_modules, load_module, load_vehicles
    from impactrisk.modules import module_model

    by_vehicle = {}
    for name in list_modules():
        spec = load_module(name, overrides=overrides)
        by_vehicle[spec.vehicle.lower()] = name
    members = []
    for vehicle in load_vehicles():
        key = vehicle.name.lower()
        family = next((f for f in TEMPLATES if key.startswith(f)), None)
        if family is None:
            continue
        own = by_vehicle.get(key)
        try:
            spec = load_module(own or TEMPLATES[family], overrides=overrides,
                               vehicle=None if own else vehicle.name)
        except InputError as exc:
            if "no stays" in str(exc):  # a launch failure: never docked
                continue
            raise
        members.append(_member(spec, criterion, own or TEMPLATES[family], module_model))
    rtod = load_module("nauka-rtod", overrides=overrides, include_optional=include_stowed)
    members.append(_member(rtod, criterion, "nauka-rtod", module_model))
    return members


def _member(spec, criterion, template, module_model) -> FleetMember:
    cut = replace(spec, exposure=spec.default_exposure())
    model = module_model(cut, criterion=criterion)
    return FleetMember(spec.vehicle, spec.name, "" if template == spec.name else template, model,
                       spec.event.time if spec.event else None)


@dataclass
class FleetHistory:
    """Daily expected leak-causing penetrations of every fleet member.

    ``rate_per_day[v, d]`` is member v's expected penetrations on day d
    (``day0 + d``), all sources; ``by_group`` the same per source group.
    """

    members: list[FleetMember]
    day0: datetime
    rate_per_day: np.ndarray
    by_group: dict
    results: list = field(default_factory=list)


def fleet_history(members: Sequence[FleetMember], start, end, *, step: str | float = "300s",
                  debris_model: str = "kessler-1991", groups=("meteoroid", "shower", "debris"),
                  cache=None) -> FleetHistory:
    """Assess every member over ``[start, end)`` (clipped to its stays) with the
    station's orbit timeline (element sets, circular stand-ins before them)."""
    from impactrisk import __version__
    from impactrisk.api import assessment_config, response_cache, station_orbit
    from impactrisk.assessment import assess_modules
    from impactrisk.io.flux_tables import load_environment_inputs
    from impactrisk.timegrid import parse_duration_s

    results = assess_modules([m.model for m in members], station_orbit(), load_environment_inputs(), start, end,
                             config=assessment_config(debris_model), step_s=parse_duration_s(step),
                             groups=tuple(groups), version=__version__,
                             cache=response_cache() if cache is None else cache)
    by_group = {g: np.array([np.asarray(r.daily["n_by_group"][g], dtype=float) for r in results])
                for g in ("meteoroid", "shower", "debris")}
    day0 = parse_utc(results[0].daily["date"][0])
    rate = sum(by_group.values())
    return FleetHistory(list(members), day0, rate, by_group, results)


# ------------------------------------------------------------------- coincidence


#: The sweep of the issue: channel wall 0.5-3 mm, channel fraction 0.05-0.5, facesheet
#: present or not, the debris-model band (the other model; the published factor 2-4 of
#: the Kessler family, its middle 3, both ways). The facesheet "present" is 0.28 mm, the
#: Shuttle radiator's aluminium facesheet (NTRS 20070038939; events.md §3.6), bonded.
DEFAULT_WALLS_MM = (0.5, 1.0, 2.0, 3.0)
DEFAULT_FACESHEETS_MM = (0.0, 0.28)
DEFAULT_FRACTIONS = (0.05, 0.15, 0.5)
DEFAULT_DEBRIS = ("kessler-1991 /3", "kessler-1991", "kessler-1991 x3", "ordem2000-handbook")
#: Channel fraction of the catalogue modules (their computed N scales with it).
BASE_FRACTION = 0.15
#: Published uncertainty factor of the Kessler family, as in the risk band.
DEBRIS_FACTOR = DEBRIS_UNCERTAINTY_FACTOR


def observed_leaks(members: Sequence[FleetMember], start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    """The recorded leaks inside the history, in time order."""
    return sorted(((m.vehicle, m.event_time) for m in members
                   if m.event_time is not None and start <= m.event_time < end), key=lambda x: x[1])


def _combo_history(wall_mm: float, facesheet_mm: float, start: datetime, end: datetime, step,
                   include_stowed: bool, with_ordem: bool) -> dict:
    """Fleet history for one (wall, facesheet): daily rates by group (Kessler debris)
    and, if asked, the ORDEM2000 debris; what a worker computes in :func:`coincidence`."""
    members = fleet_members(overrides=sweep_overrides(wall_mm, facesheet_mm), include_stowed=include_stowed)
    history = fleet_history(members, start, end, step=step)
    out = {"by_group": history.by_group, "day0": history.day0, "leaks": observed_leaks(members, start, end),
           "members": [{"vehicle": m.vehicle, "module": m.module, "template": m.template,
                        "exposure_days": float(sum(e["days"] for e in r.exposure)),
                        "event": format_utc(m.event_time) if m.event_time else None,
                        "n": float(history.rate_per_day[i].sum())}
                       for i, (m, r) in enumerate(zip(members, history.results))]}
    if with_ordem:
        out["ordem_debris"] = fleet_history(members, start, end, step=step, debris_model="ordem2000-handbook",
                                            groups=("debris",)).by_group["debris"]
    return out


#: Bore of the coolant channels kept when the wall is swept [mm]: the catalogue's 6 mm
#: channel with its 1 mm wall (an assumption of the modules).
CHANNEL_BORE_MM = 4.0


def sweep_overrides(wall_mm: float, facesheet_mm: float) -> tuple[str, ...]:
    """Module overrides of one sweep point: the channel wall (with the bore kept, so the
    channel's outer diameter grows with the wall) and the facesheet over the channels."""
    return (f"radiator.wall={wall_mm:g}mm", f"radiator.channel_diameter={CHANNEL_BORE_MM + 2 * wall_mm:g}mm",
            f"radiator.facesheet={facesheet_mm:g}mm")


def coincidence(start=None, end=None, *, walls_mm=DEFAULT_WALLS_MM, facesheets_mm=DEFAULT_FACESHEETS_MM,
                fractions=DEFAULT_FRACTIONS, debris=DEFAULT_DEBRIS, step: str | float = "600s",
                include_stowed: bool = False, window_days: float = SCAN_WINDOW_DAYS, workers: int = 1,
                progress=None) -> dict:
    """The scan statistic and the count probabilities over the fleet history, for every
    point of the assumption sweep.

    Parameters
    ----------
    start, end : str or datetime, optional
        The history; default from the first Soyuz MS / Progress MS docking (23 Dec
        2015) to the last bundled element set (30 Dec 2023).
    walls_mm, facesheets_mm, fractions, debris
        The sweep (see the module constants). Each (wall, facesheet) is a fleet
        assessment; the channel fraction scales N exactly and the Kessler debris
        factor scales its debris part, so they cost nothing more.
    step : str or float
        Time step of the fleet assessment (600 s and 300 s give the fleet's N to 1e-5).
    include_stowed : bool
        Count the RTOd's stowed years on Rassvet.
    window_days : float
        Length of the scan window [days].
    workers : int
        Processes for the (wall, facesheet) assessments.
    progress : callable, optional
        ``progress(done, total)`` after each (wall, facesheet).

    Returns
    -------
    dict
        ``history`` (start, end, members with exposure, template and N at the first
        sweep point), ``observed`` (the leaks, their span, the count), ``rows`` (per
        sweep point: expected N over the history and before the first leak; P(N >=
        observed), P(N <= observed), P(N = observed), P(no leak before the first
        one), P(>= k in some window) with its bound), and ``paragraph``: the
        plain-words reading of the table.
    """
    from impactrisk.coincidence import IntensityGrid, count_probability, scan_probability
    from impactrisk.io.modules import load_fleet

    from impactrisk.workers import InlineExecutor, LocalExecutor

    t0, t1 = _history_window(start, end, load_fleet())
    combos = [(w, f) for w in walls_mm for f in facesheets_mm]
    with_ordem = any(d.startswith("ordem") for d in debris)
    args = [(w, f, t0, t1, step, include_stowed, with_ordem) for w, f in combos]
    histories = {}
    parallel = workers > 1 and len(combos) > 1
    with (LocalExecutor(min(workers, len(combos))) if parallel else InlineExecutor()) as executor:
        futures = {executor.submit(_combo_history, *a): a[:2] for a in args}
        for future in executor.as_completed(list(futures)):
            histories[futures[future]] = future.result()
            if progress:
                progress(len(histories), len(combos))
    # The leaks are the same at every sweep point (the vehicles' events).
    observed = histories[combos[0]]["leaks"]
    k = max(len(observed), 1)

    rows = []
    first_leak = observed[0][1] if observed else None
    for wall, face in combos:
        h = histories[(wall, face)]
        day0 = h["day0"]
        before = int(np.floor((first_leak - day0).total_seconds() / 86400.0)) if first_leak else 0
        natural = h["by_group"]["meteoroid"] + h["by_group"]["shower"]
        for variant in debris:
            if variant.startswith("ordem"):
                debris_rate = h["ordem_debris"]
            else:
                debris_rate = h["by_group"]["debris"] * {"kessler-1991": 1.0, "kessler-1991 /3": 1.0 / DEBRIS_FACTOR,
                                                         "kessler-1991 x3": DEBRIS_FACTOR}[variant]
            for fraction in fractions:
                scale = fraction / BASE_FRACTION
                rate = scale * (natural + debris_rate)
                grid = IntensityGrid(np.arange(rate.shape[1] + 1, dtype=float), np.maximum(rate, 0.0),
                                     tuple(m["vehicle"] for m in h["members"]))
                counts = count_probability(grid, len(observed))
                scan = scan_probability(grid, window_days, k)
                n_before = float(rate[:, :max(before, 0)].sum())
                rows.append({
                    "wall_mm": wall, "facesheet_mm": face, "channel_fraction": fraction, "debris": variant,
                    "n_expected": counts.mean,
                    "n_meteoroid_and_showers": float(scale * natural.sum()),
                    "n_debris": float(scale * debris_rate.sum()),
                    "n_before_first_leak": n_before,
                    "p_count_at_least_observed": counts.p_at_least,
                    "p_count_at_most_observed": counts.p_fewer + counts.p_exactly,
                    "p_count_exactly_observed": counts.p_exactly,
                    "p_none_before_first_leak": math.exp(-n_before),
                    "p_scan": scan.probability, "p_scan_upper_bound": scan.upcrossing_bound,
                    "scan_method": scan.method,
                })
    first = histories[combos[0]]
    return {
        "history": {"start": format_utc(t0), "end": format_utc(t1), "members": first["members"],
                    "members_at": {"wall_mm": combos[0][0], "facesheet_mm": combos[0][1]},
                    "step": step, "include_stowed": include_stowed},
        "observed": {"leaks": [{"vehicle": v, "time": format_utc(t)} for v, t in observed],
                     "count": len(observed),
                     "span_days": ((observed[-1][1] - observed[0][1]).total_seconds() / 86400.0
                                   if len(observed) > 1 else 0.0),
                     "window_days": window_days, "k": k},
        "rows": rows,
        "paragraph": _paragraph(rows, len(observed), window_days),
    }


def _history_window(start, end, fleet) -> tuple[datetime, datetime]:
    from impactrisk.api import load_orbit
    from impactrisk.timegrid import jd_to_datetime

    first = min(s.start for s in fleet if " ms" in s.vehicle.lower())
    last = jd_to_datetime(float(load_orbit().epochs_jd[-1]))
    t0 = parse_utc(start, what="start") if start is not None else first
    t1 = parse_utc(end, what="end") if end is not None else last
    if not t1 > t0:
        raise InputError(f"end {format_utc(t1)} is not after start {format_utc(t0)}; expected start < end")
    return t0, t1


#: A probability below this makes a record "very unlikely" under an assumption; one of
#: at least PLAUSIBLE makes it unsurprising. Conventional thresholds, stated in the text.
VERY_UNLIKELY = 1e-3
PLAUSIBLE = 0.05
#: The verdicts of :func:`classify`.
FINE, TOO_FEW, TOO_MANY = "fine", "too_few", "too_many"
#: The probabilities of a sweep row that :func:`classify` reads.
_TESTS = ("p_scan", "p_count_at_most_observed", "p_none_before_first_leak")


def classify(row: dict) -> frozenset[str] | None:
    """How one sweep row of :func:`coincidence` reads the record, by PLAUSIBLE and
    VERY_UNLIKELY.

    Under a combination of inputs the record can fail in two ways: too few penetrations
    expected (the cluster within one window is then a rare coincidence) or too many
    (then the quiet years before the first leak, and so few leaks in all, are rare).

    Parameters
    ----------
    row : dict
        A row of ``coincidence(...)["rows"]``; ``p_scan`` (P(>= k within some window)),
        ``p_count_at_most_observed`` and ``p_none_before_first_leak`` are read. Values
        may be None or NaN (a row read back from JSON).

    Returns
    -------
    frozenset of str or None
        ``{FINE}`` when all three probabilities are at least PLAUSIBLE (unsurprising as
        chance); else any of ``TOO_FEW`` (``p_scan`` below VERY_UNLIKELY) and
        ``TOO_MANY`` (either of the other two below VERY_UNLIKELY), the empty set when
        the row is in between. None when one of the three is missing or not a number.

    Examples
    --------
    >>> sorted(classify({"p_scan": 1e-4, "p_count_at_most_observed": 0.9,
    ...                  "p_none_before_first_leak": 0.5}))
    ['too_few']
    >>> classify({"p_scan": 0.2, "p_count_at_most_observed": 0.9, "p_none_before_first_leak": None})
    """
    scan, most, none = (_probability(row.get(key)) for key in _TESTS)
    if any(math.isnan(p) for p in (scan, most, none)):
        return None
    if min(scan, most, none) >= PLAUSIBLE:
        return frozenset({FINE})
    verdicts = set()
    if scan < VERY_UNLIKELY:
        verdicts.add(TOO_FEW)
    if min(most, none) < VERY_UNLIKELY:
        verdicts.add(TOO_MANY)
    return frozenset(verdicts)


def _probability(value) -> float:
    """``value`` as a float; NaN when it is None or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _paragraph(rows: list[dict], observed: int, window_days: float) -> str:
    """The plain-words reading of the sweep: its rows grouped by :func:`classify`."""
    if not rows:
        return "No sweep point was computed."
    months = window_days / 30.4375

    def walls(subset):
        return ", ".join(f"{w:g}" for w in sorted({r["wall_mm"] for r in subset})) + " mm"

    def fractions(subset):
        return ", ".join(f"{100 * f:.0f} %" for f in sorted({r["channel_fraction"] for r in subset}))

    n = np.array([r["n_expected"] for r in rows])
    verdicts = [classify(r) or frozenset() for r in rows]
    fine, too_few, too_many = ([r for r, v in zip(rows, verdicts) if verdict in v]
                               for verdict in (FINE, TOO_FEW, TOO_MANY))
    parts = [
        f"Across the {len(rows)} combinations of unpublished inputs swept here, MMOD would have caused "
        f"between {n.min():.2g} and {n.max():.2g} radiator leaks over the fleet's history; {observed} were "
        f"recorded, all within {months:.0f} months and none before December 2022."
    ]
    if fine:
        listed = "; ".join(
            f"{r['wall_mm']:g} mm walls{' under a ' + format(r['facesheet_mm'], 'g') + ' mm facesheet' if r['facesheet_mm'] else ''}"
            f" with channels on {100 * r['channel_fraction']:.0f} % of the radiator and debris {r['debris']}"
            f" (N = {r['n_expected']:.2g})" for r in sorted(fine, key=lambda r: r["n_expected"])[:8])
        more = f" and {len(fine) - 8} more" if len(fine) > 8 else ""
        parts.append(
            f"The record is unsurprising as chance (each of: {observed} or more within some {months:.0f}-month window, "
            f"no more than {observed} in all, and none before the first, has a probability of "
            f"{100 * PLAUSIBLE:.0f} % or more) in {len(fine)} combinations: {listed}{more}.")
    else:
        parts.append(f"In no combination is the record unsurprising as chance "
                     f"(every test at {100 * PLAUSIBLE:.0f} % or more).")
    if too_few:
        parts.append(
            f"It is very unlikely (below {VERY_UNLIKELY:g}) that {observed} penetrations would fall within "
            f"{months:.0f} months in {len(too_few)} combinations, where the radiators are well protected "
            f"(walls of {walls(too_few)}): if those inputs are right, MMOD alone is a poor explanation and a "
            "common cause would be the simpler one.")
    if too_many:
        parts.append(
            f"In {len(too_many)} combinations (walls of {walls(too_many)}, channels {fractions(too_many)}) MMOD "
            f"should have caused many more leaks, earlier: the quiet years before 2022 are what is then "
            f"very unlikely (below {VERY_UNLIKELY:g}), so the record argues against those inputs rather "
            "than for a coincidence.")
    parts.append("Which of these holds depends on values nobody has published (wall thickness, how much of the "
                 "radiator the channels take, whether a facesheet covers them) and on debris models that "
                 "predate the large fragmentation events; the table shows what each choice implies, not "
                 "which is true.")
    return " ".join(parts)
