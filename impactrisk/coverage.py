"""Coverage of an element-set history: epoch span, gaps, and the altitude range
implied by the mean elements (what ``impactrisk tle info`` reports)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impactrisk.constants import R_EARTH_KM
from impactrisk.elements import Orbit
from impactrisk.timegrid import format_utc, jd_to_datetime


@dataclass
class CoverageSummary:
    """Epoch coverage of one object's element sets.

    Perigee and apogee altitudes come from each set's mean elements (SGP4's
    ``altp``/``alta``), above the spherical Earth of radius ``R_EARTH_KM``; they are an
    indication of the orbit, not osculating extremes.
    """

    catalog_id: str | None
    name: str | None
    element_sets: int
    duplicates_dropped: int
    first_epoch: str
    last_epoch: str
    span_days: float
    median_spacing_hours: float | None
    gaps: list[dict]
    perigee_altitude_km: dict[str, float]
    apogee_altitude_km: dict[str, float]

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def summarize_coverage(orbit: Orbit, gap_days: float = 1.0) -> CoverageSummary:
    """Summarise ``orbit``'s element sets; list gaps between epochs longer than ``gap_days``."""
    epochs = np.asarray(orbit.epochs_jd)
    spacing = np.diff(epochs)
    gaps = [
        {
            "from": format_utc(jd_to_datetime(float(epochs[i]))),
            "to": format_utc(jd_to_datetime(float(epochs[i + 1]))),
            "days": round(float(spacing[i]), 2),
        }
        for i in np.flatnonzero(spacing > gap_days).tolist()
    ]
    radius_km = np.array([sat.radiusearthkm for sat in orbit.satrecs])
    perigee = np.array([sat.altp for sat in orbit.satrecs]) * radius_km + radius_km - R_EARTH_KM
    apogee = np.array([sat.alta for sat in orbit.satrecs]) * radius_km + radius_km - R_EARTH_KM

    def stats(values: np.ndarray) -> dict[str, float]:
        return {"min": float(values.min()), "median": float(np.median(values)), "max": float(values.max())}

    return CoverageSummary(
        catalog_id=orbit.catalog_id,
        name=orbit.name,
        element_sets=len(epochs),
        duplicates_dropped=orbit.duplicates_dropped,
        first_epoch=format_utc(jd_to_datetime(float(epochs[0]))),
        last_epoch=format_utc(jd_to_datetime(float(epochs[-1]))),
        span_days=float(epochs[-1] - epochs[0]),
        median_spacing_hours=float(np.median(spacing) * 24.0) if len(spacing) else None,
        gaps=gaps,
        perigee_altitude_km=stats(perigee),
        apogee_altitude_km=stats(apogee),
    )
