"""The meteoroid field near Earth, resolved by direction and speed, seen from an
orbiting spacecraft.

Model (physics brief §2-§3 and conventions 1-5):

1. In the Earth-centred non-rotating frame the meteoroid flux is isotropic with the
   near-Earth speed distribution of NASA TM-4527 / SSP 30425 (§3.1, coefficients
   recalled, see :func:`~impactrisk.environment.meteoroid.ssp30425_speed_distribution`),
   read as the distribution of flux over speed at the spacecraft. Its speeds already
   contain the gain from gravity and are not increased again (convention 4).
2. The flux magnitude is Grun's interplanetary flux (random plate, 1 AU) times the mean
   gravitational focusing factor G = sum(n) / sum(n / G(v_inf)), G(v_inf) =
   1 + v_esc^2 / v_inf^2 = v^2 / (v^2 - v_esc^2): the near-Earth flux in a speed bin is
   G times the free-space flux that feeds it (ECSS-E-ST-10-04C Annex C.1.2). At 400 km
   this gives 2.02, against 2.00 in ECSS Table J-6 (§2.4).
3. Directions whose arrival direction lies inside the Earth + 100 km disk (half-angle
   eta, sin eta = (R_E + 100) / (R_E + h), R_E = 6378 km, ECSS Annex C.1.3.1) are
   blocked, geometrically per direction, not with the scalar average shielding factor.
4. The spacecraft's velocity is added vectorially: a particle of geocentric velocity
   v u_geo has relative velocity v u_geo - v_sc, and the flux it brings scales by
   |v_rel| / v (the density is unchanged; ECSS Annex C.1.3.2 "K").

The random-plate average of the resulting field is Grun x G x sf x K without applying
any of the scalar factors sf or K: they come out of the geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impactrisk.environment.directional import FluxBundles, SizeSpectrum, fibonacci_directions
from impactrisk.environment.meteoroid import (
    earth_shielding_half_angle_rad,
    escape_speed_km_s,
    grun_1985_flux,
    ssp30425_speed_bins,
    ssp30425_speed_distribution,
)
from impactrisk.environment.parameters import (
    ECSS_NEAR_EARTH,
    GRUN_1985,
    SSP30425_SPEED_DISTRIBUTION,
    TM4527_DENSITY_CLASSES,
    DensityClass,
)

__all__ = [
    "DEFAULT_DIRECTIONS",
    "FreeSpaceSpeeds",
    "near_earth_from_free_space",
    "grun_size_spectrum",
    "mean_focusing_near_earth",
    "sporadic_meteoroid_bundles",
    "ssp30425_speed_grid",
    "ssp30425_speed_nodes",
]

#: Number of geocentric directions of the quadrature: face fluxes converge to 0.3 %
#: (tests/test_sporadic.py checks 1 % against four times as many).
DEFAULT_DIRECTIONS = 6000
_SPEED_STEP_KM_S = 0.5


def ssp30425_speed_grid(step_km_s: float = _SPEED_STEP_KM_S) -> tuple[np.ndarray, np.ndarray]:
    """Speed-bin centres [km/s] and flux weights (summing to 1) of the SSP 30425
    distribution, from its 11.1 km/s floor to its 72.2 km/s ceiling."""
    lo, hi = SSP30425_SPEED_DISTRIBUTION.v0_km_s, SSP30425_SPEED_DISTRIBUTION.v3_km_s
    edges = np.append(np.arange(lo, hi, step_km_s), hi)
    return 0.5 * (edges[:-1] + edges[1:]), np.asarray(ssp30425_speed_bins(edges))


def ssp30425_speed_nodes(nodes_per_piece: tuple[int, int, int] = (3, 6, 2)) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre speed nodes [km/s] and weights (summing to 1) of the SSP 30425
    distribution, per piece of its piecewise definition.

    The two flat pieces (11.1-16.3 and 55-72.2 km/s) use nodes in v, the power-law piece
    (16.3-55 km/s) nodes in ln v, where ``n(v) v`` varies only exponentially. Integrands
    that are smooth in speed within each piece (relative speed, focusing, fractions above
    a ballistic limit) then converge much faster than with uniform bins: 11 nodes give
    a radiator's meteoroid count within 0.03 % of 0.25 km/s bins, 2 km/s bins are 0.5 %
    off (measured for the Soyuz MS-22 radiator at 415 km).
    """
    p = SSP30425_SPEED_DISTRIBUTION
    pieces = ((p.v0_km_s, p.v1_km_s, False), (p.v1_km_s, p.v2_km_s, True), (p.v2_km_s, p.v3_km_s, False))
    speeds, weights = [], []
    for (a, b, in_log), n in zip(pieces, nodes_per_piece):
        if int(n) < 1:
            raise ValueError(f"need at least one speed node per piece, got {nodes_per_piece!r}")
        x, wx = np.polynomial.legendre.leggauss(int(n))
        if in_log:
            la, lb = np.log(a), np.log(b)
            v = np.exp(0.5 * (lb - la) * x + 0.5 * (lb + la))
            w = 0.5 * (lb - la) * wx * v
        else:
            v = 0.5 * (b - a) * x + 0.5 * (b + a)
            w = 0.5 * (b - a) * wx
        speeds.append(v)
        weights.append(w * np.asarray(ssp30425_speed_distribution(v)))
    weights = np.concatenate(weights)
    return np.concatenate(speeds), weights / weights.sum()


@dataclass(frozen=True)
class FreeSpaceSpeeds:
    """A meteoroid speed distribution in free space (far from the Earth, at 1 AU).

    Attributes
    ----------
    name : str
        E.g. ``"ECSS-E-ST-10-04C Rev.1 Table C-1"``.
    v_inf_km_s : numpy.ndarray
        (K,) bin centres of the free-space speed V_inf [km/s], > 0, increasing.
    weight : numpy.ndarray
        (K,) share of each bin (normalised on use).
    weighting : {"flux", "number"}
        What the shares count: the flux through a surface (ECSS Annex C.1.5.1 reads
        Table C-1 so, C-21) or the number density of particles.
    reference : str
        BibTeX keys.
    """

    name: str
    v_inf_km_s: tuple
    weight: tuple
    weighting: str = "flux"
    reference: str = ""

    def __post_init__(self):
        v = np.asarray(self.v_inf_km_s, dtype=float)
        w = np.asarray(self.weight, dtype=float)
        if v.ndim != 1 or v.shape != w.shape or v.size == 0:
            raise ValueError(f"{self.name}: speeds and weights must be 1-D arrays of one length")
        if not (np.all(np.isfinite(v)) and np.all(v > 0) and np.all(np.diff(v) > 0)):
            raise ValueError(f"{self.name}: free-space speeds must be positive and increasing")
        if not (np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() > 0):
            raise ValueError(f"{self.name}: weights must be finite, >= 0 and not all zero")
        if self.weighting not in ("flux", "number"):
            raise ValueError(f"{self.name}: weighting must be 'flux' or 'number', got {self.weighting!r}")
        object.__setattr__(self, "v_inf_km_s", tuple(v.tolist()))
        object.__setattr__(self, "weight", tuple(w.tolist()))


def near_earth_from_free_space(table: FreeSpaceSpeeds, r_km: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The near-Earth speeds, flux shares and mean focusing factor of a free-space
    distribution (ECSS-E-ST-10-04C Rev.1 Annex C.1.5.1, eqs C-13 to C-24).

    Each bin keeps its particles: its speed becomes ``v = sqrt(V_inf^2 + v_esc^2)``
    (C-23, the gain from gravity) and its flux grows by ``G = 1 + v_esc^2 / V_inf^2 =
    v^2 / (v^2 - v_esc^2)`` (C-13/C-14; the density grows by ``sqrt(G)`` and the speed
    by the same factor). A flux-weighted table's bin k thus carries the near-Earth flux
    share ``n_k G_k / sum(n G)`` and the mean focusing factor is ``G = sum(n G) / sum(n)``
    (C-18, C-20, C-21); a number-weighted table is first turned into flux shares
    (``n_k V_inf,k``). The bins are not re-binned: they become discrete speed nodes.

    Returns
    -------
    speeds_km_s, flux_share, g_mean : numpy.ndarray, numpy.ndarray, float
        Near-Earth speeds [km/s], shares of the near-Earth flux (summing to 1) and the
        flux enhancement of the whole distribution.
    """
    v_inf = np.asarray(table.v_inf_km_s)
    n = np.asarray(table.weight)
    if table.weighting == "number":
        n = n * v_inf
    n = n / n.sum()
    v_esc2 = float(escape_speed_km_s(r_km)) ** 2
    g = 1.0 + v_esc2 / v_inf**2
    near = n * g
    return np.sqrt(v_inf**2 + v_esc2), near / near.sum(), float(near.sum())


def mean_focusing_near_earth(r_km: float, speeds_km_s: np.ndarray, weights: np.ndarray) -> float:
    """Mean gravitational focusing factor of a near-Earth (flux-weighted) speed distribution.

    ``G = sum(w) / sum(w / G(v))`` with ``G(v) = v^2 / (v^2 - v_esc(r)^2)``; bins at or
    below the escape speed (unbound particles cannot be that slow) are left out.
    """
    v_esc2 = float(escape_speed_km_s(r_km)) ** 2
    v2 = np.asarray(speeds_km_s) ** 2
    ok = v2 > v_esc2
    g = v2[ok] / (v2[ok] - v_esc2)
    return float(np.sum(weights[ok]) / np.sum(weights[ok] / g))


def grun_size_spectrum(densities: str | float = "tm4527") -> SizeSpectrum:
    """Grun 1985 cumulative mass distribution with the TM-4527 density steps (default)
    or one density [g/cm^3]; the reference size is Grun's lower mass limit."""
    if densities == "tm4527":
        bands = TM4527_DENSITY_CLASSES
        name = "Grun 1985, TM-4527 densities (2/1/0.5 g/cm3)"
    else:
        rho = float(densities)
        if not rho > 0.0:
            raise ValueError(f"meteoroid density must be positive, got {densities!r}")
        bands = (DensityClass(0.0, float("inf"), rho),)
        name = f"Grun 1985, density {rho:g} g/cm3"
    return SizeSpectrum(
        name=name,
        cumulative=grun_1985_flux,
        bands=tuple(bands),
        reference_mass_g=GRUN_1985.mass_min_g,
        valid_mass_g=(GRUN_1985.mass_min_g, GRUN_1985.mass_max_g),
        reference="grun1985 anderson1994",
    )


def sporadic_meteoroid_bundles(
    r_km: float,
    v_sc_lvlh_km_s: np.ndarray | None = None,
    *,
    n_directions: int = DEFAULT_DIRECTIONS,
    speed_step_km_s: float = _SPEED_STEP_KM_S,
    speed_nodes: tuple[int, int, int] | None = None,
    free_space: FreeSpaceSpeeds | None = None,
    earth_shielding: bool = True,
    source: str = "meteoroids",
) -> FluxBundles:
    """Direction- and speed-resolved meteoroid flux seen by a spacecraft.

    Parameters
    ----------
    r_km : float
        Geocentric distance of the spacecraft [km].
    v_sc_lvlh_km_s : numpy.ndarray, optional
        (3,) spacecraft velocity in its LVLH frame [km/s]; default the circular speed
        along +X, ``sqrt(mu / r)`` with ECSS's mu. Pass zeros for a spacecraft at rest.
    n_directions : int
        Geocentric directions of the quadrature.
    speed_step_km_s : float
        Width of uniform speed bins [km/s] (used when ``speed_nodes`` is None).
    speed_nodes : tuple of int, optional
        Gauss-Legendre nodes per piece of the speed distribution
        (:func:`ssp30425_speed_nodes`), instead of uniform bins.
    free_space : FreeSpaceSpeeds, optional
        A free-space (V_inf) distribution instead of SSP 30425's near-Earth one: its
        speeds and flux are focused by the Earth's gravity bin by bin
        (:func:`near_earth_from_free_space`).
    earth_shielding : bool
        Block directions arriving from inside the Earth + 100 km disk.
    source : str
        Name carried by the bundles.

    Returns
    -------
    FluxBundles
        ``flux_m2_yr`` counts particles of at least Grun's lower mass limit (1e-18 g)
        through unit area normal to each bundle's travel direction; use with
        :func:`grun_size_spectrum`. The meteoroids are Grun's total (sporadic plus the
        annual average of the streams).
    """
    if v_sc_lvlh_km_s is None:
        v_sc_lvlh_km_s = np.array([np.sqrt(ECSS_NEAR_EARTH.mu_km3_s2 / r_km), 0.0, 0.0])
    v_sc = np.asarray(v_sc_lvlh_km_s, dtype=np.float64)
    if free_space is not None:
        speeds, weights, focusing = near_earth_from_free_space(free_space, r_km)
    else:
        if speed_nodes is None:
            speeds, weights = ssp30425_speed_grid(speed_step_km_s)
        else:
            speeds, weights = ssp30425_speed_nodes(speed_nodes)
        focusing = mean_focusing_near_earth(r_km, speeds, weights)
    flux_random_plate = float(grun_1985_flux(GRUN_1985.mass_min_g)) * focusing

    u_geo, solid_angle = fibonacci_directions(n_directions)
    open_fraction = np.ones(n_directions)
    if earth_shielding:
        alt_ecss_km = r_km - ECSS_NEAR_EARTH.r_earth_km
        eta = float(earth_shielding_half_angle_rad(alt_ecss_km))
        # Arrival direction -u; nadir is +Z. Angle of the arrival direction from the
        # edge of the Earth disk, positive outside; each cell is treated as a cap of
        # its own solid angle so that the blocked share varies smoothly across the edge.
        from_nadir = np.arccos(np.clip(-u_geo[:, 2], -1.0, 1.0))
        cell_radius = np.sqrt(solid_angle / np.pi)
        open_fraction = np.clip(0.5 + (from_nadir - eta) / (2.0 * cell_radius), 0.0, 1.0)

    # Isotropic field: per steradian, a quarter of the cross-section integral of the
    # random-plate flux: phi = F_random_plate / pi (Cauchy, convention 2).
    phi_dir = flux_random_plate / np.pi * solid_angle * open_fraction  # (N,)
    keep = phi_dir > 0.0
    u_geo, phi_dir = u_geo[keep], phi_dir[keep]

    v_particle = speeds[None, :, None] * u_geo[:, None, :]  # (N, J, 3)
    v_rel = v_particle - v_sc
    speed_rel = np.sqrt(np.sum(v_rel**2, axis=-1))  # (N, J)
    flux = phi_dir[:, None] * weights[None, :] * speed_rel / speeds[None, :]
    u_rel = v_rel / speed_rel[..., None]
    return FluxBundles(
        source=source,
        u_lvlh=u_rel.reshape(-1, 3),
        v_km_s=speed_rel.reshape(-1),
        flux_m2_yr=flux.reshape(-1),
        reference="grun1985 anderson1994 ecss2008",
    )
