"""The orchestrator of window flux summaries: orbit -> ephemeris (in chunks) ->
environment exposures -> fluxes on the faces of an LVLH cube. (Risk assessments of
modules are orchestrated by :mod:`impactrisk.assessment`.) No file or network I/O
here: tables and orbits come in as objects (:mod:`impactrisk.api` resolves the
packaged defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from impactrisk.constants import SECONDS_PER_YEAR
from impactrisk.elements import Orbit
from impactrisk.ephemeris import Staleness
from impactrisk.environment.model import GROUPS, EnvironmentConfig, EnvironmentInputs, environment_exposure
from impactrisk.propagation import (
    DEFAULT_CHUNK_SAMPLES,
    DEFAULT_STALE_THRESHOLD_DAYS,
    DEFAULT_STALE_WARN_DAYS,
    iter_ephemeris,
    warn_if_stale,
)
from impactrisk.risk import OrientedElements, Responder, ResponseCache, integrate_exposure
from impactrisk.timegrid import TimeGrid, format_utc

__all__ = ["FACES", "FluxSummary", "flux_summary"]

#: Outward normals of the faces of an LVLH-aligned cube (+X ram, +Y starboard for a
#: vehicle flying +X with +Z nadir, i.e. -orbit normal; the ISS convention).
FACES: dict[str, tuple[float, float, float]] = {
    "ram": (1.0, 0.0, 0.0),
    "wake": (-1.0, 0.0, 0.0),
    "starboard": (0.0, 1.0, 0.0),
    "port": (0.0, -1.0, 0.0),
    "zenith": (0.0, 0.0, -1.0),
    "nadir": (0.0, 0.0, 1.0),
}


@dataclass
class FluxSummary:
    """Window-averaged cumulative fluxes per source, on each cube face and on a
    randomly tumbling plate, with mean impact speeds.

    Attributes
    ----------
    sizes_cm : numpy.ndarray
        (N,) particle diameter thresholds [cm].
    sources : dict
        name -> ``{"group", "model", "face_m2_yr": (N, 6), "random_plate_m2_yr": (N,),
        "cross_sectional_m2_yr": (N,), "mean_speed_km_s": float, "face_mean_speed_km_s": (6,)}``;
        fluxes are of particles of diameter >= each size, averaged over the window
        [m^-2 yr^-1]. Meteoroid sizes use each density class's diameter.
    """

    orbit: str
    start: str
    end: str
    step_s: float
    duration_yr: float
    config: EnvironmentConfig
    sizes_cm: np.ndarray
    faces: tuple[str, ...]
    sources: dict = field(default_factory=dict)
    staleness: Staleness | None = None

    def total(self, key: str, groups: tuple[str, ...] | None = None) -> np.ndarray:
        """Sum of ``key`` (e.g. ``"face_m2_yr"``) over the sources of ``groups`` (all if None)."""
        parts = [s[key] for s in self.sources.values() if groups is None or s["group"] in groups]
        return np.sum(parts, axis=0) if parts else np.zeros_like(self.sizes_cm)

    def to_dict(self) -> dict:
        def plain(value):
            if isinstance(value, np.ndarray):
                return value.tolist()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {
            "orbit": self.orbit, "start": self.start, "end": self.end, "step_s": self.step_s,
            "config": dict(self.config.__dict__),
            "sizes_cm": self.sizes_cm.tolist(), "faces": list(self.faces),
            "flux_basis": "particles of diameter >= size per m^2 per year, averaged over the window",
            "sources": plain(self.sources),
            "staleness": self.staleness.to_dict() if self.staleness else None,
        }


def flux_summary(
    orbit: Orbit,
    grid: TimeGrid,
    inputs: EnvironmentInputs,
    *,
    sizes_cm,
    config: EnvironmentConfig = EnvironmentConfig(),
    groups: tuple[str, ...] = GROUPS,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    chunk_samples: int = DEFAULT_CHUNK_SAMPLES,
    cache: ResponseCache | None = None,
) -> FluxSummary:
    """Average fluxes of every source over a window (chunk by chunk, bounded memory).

    The faces of an LVLH cube respond to each environment pattern once (kept in
    ``cache``); the samples then only weight those responses.
    """
    sizes = np.atleast_1d(np.asarray(sizes_cm, dtype=float))
    if np.any(~(sizes > 0)):
        raise ValueError("sizes must be positive")
    normals = np.array(list(FACES.values()))
    cube = Responder(OrientedElements.from_arrays(normals, 1.0, np.arange(len(normals)), tuple(FACES)), (),
                     cache=ResponseCache() if cache is None else cache)
    acc: dict = {}
    parts: list[Staleness] = []
    for eph in iter_ephemeris(orbit, grid, select=select, chunk_samples=chunk_samples,
                              allow_extrapolation=allow_extrapolation):
        parts.append(eph.staleness(stale_threshold_days))
        one_bin = np.zeros(len(eph), dtype=np.int64)
        for exposure in environment_exposure(eph, inputs, config, groups):
            tally = integrate_exposure(cube, exposure, one_bin, 1)
            spectrum = exposure.family.spectrum
            fraction = spectrum.fraction_above([sizes] * len(spectrum.bands))
            entry = acc.setdefault(exposure.name, {
                "group": exposure.group, "model": set(),
                "face": np.zeros((len(sizes), len(normals))), "xs": np.zeros(len(sizes)),
                "w": 0.0, "wv": 0.0, "face_w": np.zeros(len(normals)), "face_wv": np.zeros(len(normals)),
            })
            entry["model"].add(exposure.family.model)
            entry["face"] += fraction[:, None] * tally.projected[None, :]
            entry["xs"] += fraction * tally.flux
            entry["w"] += tally.flux
            entry["wv"] += tally.flux_v
            entry["face_w"] += tally.projected
            entry["face_wv"] += tally.projected_v
    staleness = Staleness.merge(parts)
    warn_if_stale(staleness, stale_warn_days, orbit.source)
    duration_yr = grid.duration_s / SECONDS_PER_YEAR
    summary = FluxSummary(orbit.source, format_utc(grid.start), format_utc(grid.end), grid.step_s,
                          duration_yr, config, sizes, tuple(FACES), staleness=staleness)
    for name, e in acc.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            face_speed = e["face_wv"] / e["face_w"]
        summary.sources[name] = {
            "group": e["group"],
            "model": "; ".join(sorted(e["model"])),
            "face_m2_yr": e["face"] / duration_yr,
            "cross_sectional_m2_yr": e["xs"] / duration_yr,
            "random_plate_m2_yr": 0.25 * e["xs"] / duration_yr,
            "mean_speed_km_s": e["wv"] / e["w"] if e["w"] > 0 else float("nan"),
            "face_mean_speed_km_s": face_speed,
        }
    return summary
