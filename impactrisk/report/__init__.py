"""Renderers of results: views shared by the text tables, the CSV rows and the plots.

The views here read a :class:`~impactrisk.chain.FluxSummary` and reduce it to what a
reader asks for: one face (or the tumbling plate, or the cube mean) and one population
(sporadic meteoroids, the showers summed, debris, or everything). They do no I/O;
:mod:`impactrisk.report.plots` draws them (matplotlib, imported there lazily).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FACE_CHOICES",
    "GROUP_COLOURS",
    "GROUP_ORDER",
    "POPULATIONS",
    "face_flux_m2_yr",
    "face_label",
    "group_label",
    "source_group_label",
    "mean_speed_km_s",
    "reference_size_index",
]

#: Command-line populations -> the source groups of :func:`impactrisk.chain.flux_summary`.
POPULATIONS: dict[str, tuple[str, ...]] = {
    "meteoroid": ("meteoroid",),
    "showers": ("shower",),
    "debris": ("debris",),
    "all": ("meteoroid", "shower", "debris"),
}
#: Order of the groups in tables and plots.
GROUP_ORDER = ("meteoroid", "shower", "debris")
#: Colour of each group in every plot.
GROUP_COLOURS = {"meteoroid": "C0", "shower": "C2", "debris": "C3"}
#: The six LVLH cube faces, the randomly tumbling plate and the mean of the six faces.
FACE_CHOICES = ("ram", "wake", "port", "starboard", "zenith", "nadir", "random", "cube")
#: Reference size of the per-face table [cm]: the smallest listed size >= 0.1 mm.
REFERENCE_SIZE_CM = 0.01


def face_label(face: str) -> str:
    """Readable name of a face choice."""
    if face == "random":
        return "randomly tumbling plate"
    if face == "cube":
        return "cube (mean of the six faces)"
    return f"{face} face"


def group_label(summary, group: str) -> str:
    """Column label of a source group in ``summary`` (a flux summary with a ``config``)."""
    return source_group_label(group, showers=summary.config.showers, debris_model=summary.config.debris_model)


def source_group_label(group: str, *, showers: bool, debris_model: str) -> str:
    """Label of a source group: the meteoroids are sporadic when showers are modelled
    beside them; debris names its model."""
    if group == "meteoroid":
        return "sporadic meteoroids" if showers else "meteoroids"
    if group == "shower":
        return "showers (sum)"
    if group == "debris":
        return f"debris ({debris_model})"
    return group


def _face_index(summary, face: str) -> int:
    if face not in summary.faces:
        raise ValueError(f"unknown face {face!r}; expected one of {', '.join(FACE_CHOICES)}")
    return summary.faces.index(face)


def _source_face_flux(summary, source: dict, face: str) -> np.ndarray:
    if face == "random":
        return np.asarray(source["random_plate_m2_yr"], dtype=float)
    if face == "cube":
        return np.mean(np.asarray(source["face_m2_yr"], dtype=float), axis=1)
    return np.asarray(source["face_m2_yr"], dtype=float)[:, _face_index(summary, face)]


def _sources(summary, groups):
    return [s for s in summary.sources.values() if groups is None or s["group"] in groups]


def face_flux_m2_yr(summary, face: str, groups: tuple[str, ...] | None = None) -> np.ndarray:
    """Cumulative flux of the sources of ``groups`` (all if None) on one face.

    Parameters
    ----------
    summary : FluxSummary
    face : str
        A cube face, ``"random"`` (per unit area of a randomly tumbling one-sided plate,
        a quarter of the cross-sectional flux) or ``"cube"`` (mean of the six faces).
    groups : tuple of str, optional
        Source groups to sum.

    Returns
    -------
    numpy.ndarray
        (N,) flux of particles at least each of ``summary.sizes_cm`` [m^-2 yr^-1].
    """
    total = np.zeros(len(summary.sizes_cm))
    for source in _sources(summary, groups):
        total = total + _source_face_flux(summary, source, face)
    return total


def _source_face_speed(summary, source: dict, face: str) -> float:
    if face == "random":
        return float(source["mean_speed_km_s"])
    speeds = np.asarray(source["face_mean_speed_km_s"], dtype=float)
    if face != "cube":
        return float(speeds[_face_index(summary, face)])
    # Mean over the six faces weighted by each face's flux; a source's speed weighting
    # does not depend on size (the size spectrum is a common factor of its bundles).
    weights = np.asarray(source["face_m2_yr"], dtype=float)[0]
    ok = weights > 0
    return float(np.sum(weights[ok] * speeds[ok]) / np.sum(weights[ok])) if ok.any() else float("nan")


def mean_speed_km_s(summary, face: str, groups: tuple[str, ...] | None = None,
                    size_index: int = 0) -> float:
    """Flux-weighted mean impact speed of ``groups`` on ``face`` [km/s].

    Each source's mean speed is independent of size; sources are combined with
    weights equal to their flux on the face at ``summary.sizes_cm[size_index]``.
    NaN when nothing arrives there.
    """
    num = den = 0.0
    for source in _sources(summary, groups):
        weight = float(_source_face_flux(summary, source, face)[size_index])
        if weight > 0:
            num += weight * _source_face_speed(summary, source, face)
            den += weight
    return num / den if den > 0 else float("nan")


def reference_size_index(sizes_cm) -> int:
    """Index of the smallest size >= 0.1 mm (to 1e-9 relative), else of the first."""
    sizes = np.asarray(sizes_cm, dtype=float)
    ok = np.flatnonzero(sizes >= REFERENCE_SIZE_CM * (1.0 - 1e-9))
    return int(ok[np.argmin(sizes[ok])]) if ok.size else 0
