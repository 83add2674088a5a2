"""Expected impacts and penetrations: the integral of a population's flux bundles
against oriented surfaces and a ballistic limit, and the Poisson probability of no
penetration.

For bundles b (travel direction u_b in LVLH, speed v_b, flux f_b above the spectrum's
reference size, exposure t_b) and a surface s (outward normal n_s in LVLH, area A_s):

    N_s = sum_b  f_b t_b A_s max(0, -u_b . n_s)  fraction_above(d_c(v_b, theta_bs, rho_k))

with cos(theta_bs) = -u_b . n_s and the critical diameter d_c evaluated per density
class k of the spectrum (physics brief conventions 1, 2 and 5; §7.1-7.2). PNP =
exp(-N) (NASA/TM-2009-214785 eqs 2-1 to 2-3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from impactrisk.environment.directional import FluxBundles, SizeSpectrum
from impactrisk.geometry import impact_cosine

__all__ = [
    "DEFAULT_SPEED_EDGES_KM_S",
    "FractionTable",
    "ImpactTally",
    "integrate_impacts",
    "probability_no_penetration",
]

#: Speed bins of the penetrator speed distribution [km/s].
DEFAULT_SPEED_EDGES_KM_S = np.arange(0.0, 82.0, 2.0)
_CHUNK_BUNDLES = 65536

#: A ballistic limit: critical diameter [cm] from speed [km/s], impact angle from the
#: normal [deg] and projectile density [g/cm^3], broadcasting.
BallisticLimit = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


@dataclass
class ImpactTally:
    """Expected counts of one source on a set of surfaces.

    Attributes
    ----------
    source : str
        The bundles' source.
    spectrum : str
        Name of the size spectrum.
    n_above_limit : numpy.ndarray
        (S,) expected particles exceeding the ballistic limit (penetrations for a
        perforation criterion) per surface.
    speed_edges_km_s : numpy.ndarray
        (V+1,) edges of the speed bins.
    speed_distribution : numpy.ndarray
        (S, V) expected penetrations per surface and speed bin; sums to ``n_above_limit``.
    arrival_lvlh : numpy.ndarray
        (S, 3) penetration-weighted mean arrival direction (unit vector pointing to where
        the penetrators come from, -u) in LVLH; NaN where nothing penetrates.
    """

    source: str
    spectrum: str
    n_above_limit: np.ndarray
    speed_edges_km_s: np.ndarray
    speed_distribution: np.ndarray
    arrival_lvlh: np.ndarray

    def scaled(self, factor: float) -> "ImpactTally":
        """The tally for ``factor`` times the exposure (counts scale, directions do not)."""
        return ImpactTally(self.source, self.spectrum, self.n_above_limit * factor,
                           self.speed_edges_km_s, self.speed_distribution * factor, self.arrival_lvlh)

    def mean_speed_km_s(self) -> np.ndarray:
        """(S,) penetration-weighted mean speed [km/s] from the binned distribution."""
        centres = 0.5 * (self.speed_edges_km_s[:-1] + self.speed_edges_km_s[1:])
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.speed_distribution @ centres / self.speed_distribution.sum(axis=1)


def integrate_impacts(
    bundles: FluxBundles,
    spectrum: SizeSpectrum,
    normals_lvlh: np.ndarray,
    area_m2: np.ndarray,
    d_crit_cm: BallisticLimit,
    exposure_yr: float | np.ndarray = 1.0,
    *,
    wall_normals_lvlh: np.ndarray | None = None,
    fraction_table: "FractionTable | None" = None,
    speed_edges_km_s: np.ndarray = DEFAULT_SPEED_EDGES_KM_S,
) -> ImpactTally:
    """Integrate one source's bundles against surfaces and a ballistic limit.

    Parameters
    ----------
    bundles : FluxBundles
        The source's direction/speed bundles (flux above ``spectrum``'s reference size).
    spectrum : SizeSpectrum
        The source's size distribution and density classes.
    normals_lvlh : numpy.ndarray
        (S, 3) outward unit normals of the surfaces in LVLH.
    area_m2 : numpy.ndarray
        (S,) surface areas [m^2].
    d_crit_cm : callable
        ``d_crit_cm(v_km_s, angle_deg, rho_g_cm3)`` -> critical diameter [cm]; it sets
        the criterion (perforation, spall, leak). ``lambda v, a, rho: np.full_like(v, d)``
        counts impacts of particles larger than ``d``.
    exposure_yr : float or numpy.ndarray
        Exposure of each bundle [yr] (scalar, or (B,) for time-resolved bundles).
    wall_normals_lvlh : numpy.ndarray, optional
        (S, 3) outward normals of the walls the surfaces sit on (zero rows: none); a
        particle must arrive from in front of both (:func:`impactrisk.geometry.impact_cosine`).
    fraction_table : FractionTable, optional
        The same ``spectrum`` and ``d_crit_cm`` tabulated over speed and impact-angle
        cosine (:func:`tabulate_fraction`); used instead of evaluating them per bundle
        and surface, which is what makes many-element modules affordable.
    speed_edges_km_s : numpy.ndarray
        Bins of the penetrator speed distribution.

    Returns
    -------
    ImpactTally
    """
    normals = np.atleast_2d(np.asarray(normals_lvlh, dtype=np.float64))
    area = np.broadcast_to(np.asarray(area_m2, dtype=np.float64), (len(normals),))
    exposure = np.broadcast_to(np.asarray(exposure_yr, dtype=np.float64), (len(bundles),))
    n_surfaces = len(normals)
    n_bins = len(speed_edges_km_s) - 1
    counts = np.zeros((n_surfaces, n_bins))
    arrival = np.zeros((n_surfaces, 3))
    for b0 in range(0, len(bundles), _CHUNK_BUNDLES):
        sl = slice(b0, b0 + _CHUNK_BUNDLES)
        u = bundles.u_lvlh[sl]
        v = bundles.v_km_s[sl]
        cosine = impact_cosine(u, normals, wall_normals_lvlh)  # (B, S)
        hit = cosine > 0.0
        if fraction_table is not None:
            fraction = fraction_table(v[:, None], cosine)
        else:
            angle_deg = np.degrees(np.arccos(np.clip(cosine, 0.0, 1.0)))
            d_crit = [np.asarray(d_crit_cm(v[:, None], angle_deg, rho), dtype=np.float64)
                      for rho in spectrum.densities_g_cm3]
            fraction = spectrum.fraction_above(d_crit)
        weight = np.where(hit, (bundles.flux_m2_yr[sl] * exposure[sl])[:, None] * cosine * fraction, 0.0)
        weight = weight * area[None, :]
        which = np.clip(np.searchsorted(speed_edges_km_s, v, side="right") - 1, 0, n_bins - 1)
        cell = which[:, None] + n_bins * np.arange(n_surfaces)[None, :]
        counts += np.bincount(cell.ravel(), weights=weight.ravel(),
                              minlength=n_surfaces * n_bins).reshape(n_surfaces, n_bins)
        arrival -= weight.T @ u
    total = counts.sum(axis=1)
    norm = np.linalg.norm(arrival, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        arrival = np.where(norm > 0, arrival / norm, np.nan)
    return ImpactTally(bundles.source, spectrum.name, total, np.asarray(speed_edges_km_s), counts, arrival)


class FractionTable:
    """``spectrum.fraction_above(d_crit(v, theta, rho_k))`` tabulated on a grid of speed
    and impact-angle cosine, interpolated bilinearly.

    The fraction is smooth in both (power laws of V and cos theta within one density
    class, with kinks where a class boundary is crossed), so a grid of 0.25 km/s by
    0.005 in cosine reproduces it to well under 1 % where it matters
    (tests/test_risk_table.py).
    """

    def __init__(self, spectrum: SizeSpectrum, d_crit_cm: BallisticLimit, *,
                 v_max_km_s: float = 100.0, dv_km_s: float = 0.25, n_cos: int = 201):
        self.v_step = dv_km_s
        self.v_grid = np.arange(0.0, v_max_km_s + dv_km_s, dv_km_s)
        self.cos_grid = np.linspace(0.0, 1.0, n_cos)
        v = self.v_grid[:, None]
        c = self.cos_grid[None, :]
        angle_deg = np.degrees(np.arccos(c))
        with np.errstate(divide="ignore", invalid="ignore"):
            d_crit = [np.asarray(d_crit_cm(v, angle_deg, rho), dtype=np.float64)
                      for rho in spectrum.densities_g_cm3]
            table = np.asarray(spectrum.fraction_above(d_crit), dtype=np.float64)
        self.table = np.nan_to_num(np.broadcast_to(table, (len(self.v_grid), n_cos)), nan=0.0)

    def __call__(self, v_km_s: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        x = np.clip(np.asarray(v_km_s) / self.v_step, 0.0, len(self.v_grid) - 1.000001)
        y = np.clip(np.asarray(cosine) * (len(self.cos_grid) - 1), 0.0, len(self.cos_grid) - 1.000001)
        i = x.astype(np.int64)
        j = y.astype(np.int64)
        fx = x - i
        fy = y - j
        t = self.table
        return ((t[i, j] * (1.0 - fy) + t[i, j + 1] * fy) * (1.0 - fx)
                + (t[i + 1, j] * (1.0 - fy) + t[i + 1, j + 1] * fy) * fx)


def probability_no_penetration(n_expected) -> np.ndarray:
    """Poisson probability of no penetration, ``exp(-N)`` (NASA/TM-2009-214785 eq 2-2)."""
    n = np.asarray(n_expected, dtype=np.float64)
    if np.any(n < 0):
        raise ValueError("expected numbers of penetrations cannot be negative")
    return np.exp(-n)
