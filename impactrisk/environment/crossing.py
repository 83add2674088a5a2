"""Crossing geometry of debris on near-circular orbits: direction and speed of impact.

A target on a near-circular orbit (inclination ``i_t``, radius ``r``) meets debris
populations on circular orbits of the same radius, each with one inclination ``i`` and
uniformly random ascending node (physics brief §5.3, after Kessler 1981):

* a population of N objects in a shell of thickness dr has, at latitude phi, the spatial
  density ``rho(phi) = N / (2 pi^2 r^2 dr sqrt(sin^2 i - sin^2 phi))`` for
  ``|phi| < i`` (``180 deg - i`` for retrograde orbits), zero elsewhere;
* half of it travels northbound, half southbound; the heading A (from north towards
  east) satisfies ``sin A = cos i / cos phi``, i.e. A and 180 deg - A;
* two horizontal velocities of equal magnitude v0 = sqrt(mu / r) with heading
  difference dA differ by ``|dv| = 2 v0 |sin(dA / 2)|``; the debris arrives in the
  local horizontal plane from azimuth ``+-(90 deg - dA / 2)`` from the ram direction,
  so ``|dv| = 2 v0 cos(azimuth)``: zenith and nadir receive nothing, the wake nothing
  either;
* the flux on the target from one branch is ``rho/2 * |dv|``.

Directions follow the project's LVLH frame (+X ram, +Y = -orbit normal, +Z nadir)
and convention 1 of the physics brief: ``travel_lvlh`` is the unit vector of the
particle velocity relative to the spacecraft; the particle arrives from its negative.

Only the shape of the geometry is computed here (relative flux, speed, direction); the
absolute flux comes from a size spectrum (Kessler NASA-90/91, ORDEM2000, MASTER ...).
The geometry is scale free: relative flux and speed scale with v0, the directions
depend only on ``i_t``, the argument of latitude and ``i``.

The inclination mix of the population is an input. The packaged table
``flux_tables/debris_inclination_mix_iss.csv`` holds the time-weighted inclination
histogram of the *catalogued* objects (larger than about 10 cm) crossing 400-430 km on
about 2023-09-05; using it for sub-centimetre debris is an ASSUMPTION
(:class:`DebrisInclinationMix`).

References
----------
.. [1] D. J. Kessler, "Derivation of the collision probability between orbiting
   objects: the lifetimes of Jupiter's outer moons", Icarus 48 (1981) 39-48,
   doi:10.1016/0019-1035(81)90151-2 (``kessler1981``).
.. [2] E. L. Christiansen et al., "Handbook for Designing MMOD Protection",
   NASA/TM-2009-214785, 2009, Table 2-2 (no debris on zenith or nadir faces) and
   §2.6.2 (``christiansen2009``).
.. [3] National Research Council, "Orbital Debris: A Technical Assessment", National
   Academy Press, 1995, p. 90 (``nrc1995``).
.. [4] NIMA, "Department of Defense World Geodetic System 1984", TR8350.2, 3rd ed.,
   2000, Table 3.1 (``nima2000``), for GM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from impactrisk.environment._arrays import read_only_array
from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = [
    "MU_EARTH_KM3_S2",
    "QUAD_NODES",
    "BRANCHES",
    "CrossingDistribution",
    "OrbitAveragedCrossing",
    "DebrisInclinationMix",
    "circular_speed_km_s",
    "crossing_flux_distribution",
    "orbit_averaged_speed_distribution",
]

#: Earth's gravitational parameter GM of WGS-84 (EGM96 value) [km^3/s^2]
#: (NIMA TR8350.2, 3rd ed., Table 3.1: 3986004.418e8 m^3/s^2); the value of the
#: crossing-geometry oracle of the physics brief §5.3.
MU_EARTH_KM3_S2 = 398600.4418
#: Gauss-Legendre nodes per sub-interval of an argument-of-latitude cell (see
#: :func:`crossing_flux_distribution`, Notes); 6 nodes give orbit averages converged
#: to better than 1e-4 with 1 deg cells.
QUAD_NODES = 6
#: Meaning of the last axis of the per-branch outputs.
BRANCHES = ("northbound", "southbound")

_DEG = np.pi / 180.0
_TWO_PI = 2.0 * np.pi
#: Tolerance on sines and cosines for the degenerate case i = 180 deg - i_t.
_DEGENERATE = 1e-13


class CrossingDistribution(NamedTuple):
    """Crossing flux per target position, debris population and debris branch.

    Shapes: ``S + (I, 2)`` where S is the broadcast shape of the target arguments
    (argument of latitude, target inclination, radius), I the number of debris
    populations and the last axis the debris branch (:data:`BRANCHES`: 0 northbound,
    1 southbound); ``travel_lvlh`` has a further axis of 3.

    Attributes
    ----------
    flux : numpy.ndarray
        Relative flux, averaged over the argument-of-latitude cell, times the
        population weight [km/s in units of N / (2 pi^2 r^2 dr)]: multiply by
        ``N / (2 pi^2 r^2 dr)`` (N objects in a shell of thickness dr, r and dr in km)
        to get impacts per km^2 of cross-section per second. Zero where the
        population does not reach the target's latitude.
    speed_km_s : numpy.ndarray
        Flux-weighted mean impact speed |dv| in the cell [km/s]; NaN where flux is 0.
    azimuth_deg : numpy.ndarray
        Arrival azimuth [deg]: angle of the arrival direction (``-travel_lvlh``) from
        +X (ram) towards +Y, in (-90, 90); its magnitude is the angle from ram, negative
        values arrive from the -Y side. NaN where flux is 0.
    travel_lvlh : numpy.ndarray
        Unit travel direction in LVLH [-] (flux-weighted mean over the cell,
        renormalised); its Z component is 0. NaN where flux is 0.
    """

    flux: np.ndarray
    speed_km_s: np.ndarray
    azimuth_deg: np.ndarray
    travel_lvlh: np.ndarray


class OrbitAveragedCrossing(NamedTuple):
    """Orbit-averaged crossing results (uniform weighting in argument of latitude).

    Attributes
    ----------
    flux : numpy.ndarray
        Orbit-mean relative flux per population, times its weight, shape (I,)
        [km/s in units of N / (2 pi^2 r^2 dr)] (as :attr:`CrossingDistribution.flux`).
    mean_speed_km_s : numpy.ndarray
        Flux-weighted mean impact speed per population, shape (I,) [km/s].
    mean_abs_azimuth_deg : numpy.ndarray
        Flux-weighted mean angle between the arrival direction and ram, shape (I,)
        [deg].
    starboard_fraction : numpy.ndarray
        Share of each population's flux arriving from the +Y side, shape (I,) [-].
    total_flux : float
        Sum of ``flux`` over populations.
    total_mean_speed_km_s : float
        Flux-weighted mean impact speed of the mixture [km/s].
    total_mean_abs_azimuth_deg : float
        Flux-weighted mean angle from ram of the mixture [deg].
    speed_edges_km_s : numpy.ndarray
        Speed bin edges, shape (B + 1,) [km/s].
    speed_flux : numpy.ndarray
        Orbit-mean relative flux of the mixture in each speed bin, shape (B,); sums to
        ``total_flux`` when the edges cover 0 ... 2 v0.
    """

    flux: np.ndarray
    mean_speed_km_s: np.ndarray
    mean_abs_azimuth_deg: np.ndarray
    starboard_fraction: np.ndarray
    total_flux: float
    total_mean_speed_km_s: float
    total_mean_abs_azimuth_deg: float
    speed_edges_km_s: np.ndarray
    speed_flux: np.ndarray


def circular_speed_km_s(r_km, mu_km3_s2: float = MU_EARTH_KM3_S2):
    """Circular orbital speed ``v0 = sqrt(mu / r)``.

    Parameters
    ----------
    r_km : array_like
        Orbit radius [km], > 0.
    mu_km3_s2 : float
        Gravitational parameter [km^3/s^2], default :data:`MU_EARTH_KM3_S2`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        v0 [km/s]; 7.6601 km/s at 415 km above R = 6378.137 km (physics brief §5.3).

    Raises
    ------
    InputError
        If a radius is not a positive number.

    Examples
    --------
    >>> round(float(circular_speed_km_s(6378.137 + 415.0)), 4)
    7.6601
    """
    r = np.asarray(r_km, dtype=float)
    if not np.all(r > 0):
        raise InputError(f"expected r_km > 0, got {r[~(r > 0)].flat[0]!r}")
    return np.sqrt(mu_km3_s2 / r)[()]


# ------------------------------------------------------------------------ quadrature


def _check_inputs(target_inc_deg, debris_inc_deg, weights, cell_width_deg, nodes):
    it = np.asarray(target_inc_deg, dtype=float)
    if not np.all((it >= 0.0) & (it <= 180.0)):
        raise InputError(f"expected 0 <= target_inc_deg <= 180, got "
                         f"{it[~((it >= 0) & (it <= 180))].flat[0]!r}")
    inc = np.asarray(debris_inc_deg, dtype=float)
    if inc.ndim != 1 or inc.size == 0:
        raise InputError(f"expected debris_inc_deg as a non-empty 1-D array, got shape "
                         f"{inc.shape}")
    if not np.all((inc > 0.0) & (inc < 180.0)):
        raise InputError("expected 0 < debris_inc_deg < 180 (an equatorial ring has no "
                         "finite spatial density), got "
                         f"{inc[~((inc > 0) & (inc < 180))].flat[0]!r}")
    if weights is None:
        w = np.ones_like(inc)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != inc.shape:
            raise InputError(f"expected weights of the same shape as debris_inc_deg "
                             f"{inc.shape}, got {w.shape}")
        if not np.all(np.isfinite(w) & (w >= 0)):
            raise InputError(f"expected finite weights >= 0, got "
                             f"{w[~(np.isfinite(w) & (w >= 0))].flat[0]!r}")
    width = float(cell_width_deg)
    if not 0.0 <= width <= 360.0:
        raise InputError(f"expected 0 <= cell_width_deg <= 360, got {cell_width_deg!r}")
    if int(nodes) != nodes or nodes < 1:
        raise InputError(f"expected nodes as an integer >= 1, got {nodes!r}")
    return it, inc, w, width, int(nodes)


def _cell_nodes(u_rad, width_rad, s, k, nodes):
    """Quadrature nodes and weights of each argument-of-latitude cell.

    The cell ``[u - width/2, u + width/2]`` is split at the latitudes where the debris
    density is singular (target latitude = debris inclination); each piece is mapped
    by the smoothstep ``x = 3t^2 - 2t^3``, whose vanishing derivative at both ends
    cancels the inverse-square-root end singularities, and integrated with
    Gauss-Legendre nodes.

    Parameters: u_rad (S..., 1), width_rad float, s = sin i (I,), k = sin i_t (S..., 1).
    Returns u nodes and weights, shape (S..., I, 5 * nodes); the weights of a cell sum
    to 1 (cell average). With width 0 every node sits at u (point value).
    """
    ratio = np.divide(s, k, out=np.full(np.broadcast_shapes(s.shape, k.shape), np.inf),
                      where=k > 0)
    u0 = np.arcsin(np.minimum(ratio, 1.0))                         # (S, I)
    turning = np.stack([u0, np.pi - u0, np.pi + u0, _TWO_PI - u0], axis=-1)
    centre = u_rad[..., None]                                      # (S, 1, 1)
    nearest = turning + _TWO_PI * np.round((centre - turning) / _TWO_PI)
    if width_rad > 0:
        tau = np.clip((nearest - (centre - 0.5 * width_rad)) / width_rad, 0.0, 1.0)
    else:
        tau = np.full(nearest.shape, 0.5)
    zeros = np.zeros(tau.shape[:-1] + (1,))
    edges = np.sort(np.concatenate([zeros, tau, zeros + 1.0], axis=-1), axis=-1)
    length = np.diff(edges, axis=-1)                               # (S, I, 5)
    x, wq = np.polynomial.legendre.leggauss(nodes)
    t = 0.5 * (x + 1.0)
    smooth = t * t * (3.0 - 2.0 * t)
    dsmooth = 6.0 * t * (1.0 - t) * 0.5 * wq
    tau_nodes = edges[..., :-1, None] + length[..., None] * smooth  # (S, I, 5, Q)
    weight = length[..., None] * dsmooth
    shape = tau_nodes.shape[:-2] + (-1,)
    u_nodes = centre - 0.5 * width_rad + width_rad * tau_nodes.reshape(shape)
    return u_nodes, weight.reshape(shape)


def _node_values(k, cos_it, s, cos_i, u_nodes):
    """Relative flux (per unit v0 and weight) and relative velocity at the nodes.

    k, cos_it: (S..., 1, 1); s, cos_i: (I, 1); u_nodes: (S..., I, M).
    Returns flux_over_v0 (S..., I, M, 2), dv_over_v0 (S..., I, M, 2, 2) in LVLH (X, Y).
    """
    sin_phi = k * np.sin(u_nodes)
    cos_phi = np.sqrt(np.maximum(1.0 - sin_phi * sin_phi, 0.0))
    # target velocity direction (north, east) = (sin i_t cos u, cos i_t) / cos(phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        tn = k * np.cos(u_nodes) / cos_phi
        te = np.broadcast_to(cos_it, u_nodes.shape) / cos_phi
        d2 = s * s - sin_phi * sin_phi
        inside = d2 > 0.0
        d = np.sqrt(np.where(inside, d2, 0.0))
        # debris velocity direction (north, east) = (+-D, cos i) / cos(phi)
        dn = np.stack([d, -d], axis=-1) / cos_phi[..., None]
        de = (cos_i / cos_phi)[..., None]
        # LVLH: X = heading of the target, Y = heading + 90 deg (= -orbit normal).
        # With both velocities of length v0 and heading difference dA:
        # dv / v0 = (cos dA - 1, sin dA); 1 - cos dA is formed without cancellation.
        cos_da = dn * tn[..., None] + de * te[..., None]
        sin_da = -dn * te[..., None] + de * tn[..., None]
        one_minus_cos = np.where(cos_da > 0.0, sin_da * sin_da / (1.0 + cos_da),
                                 1.0 - cos_da)
        rel_x = -one_minus_cos
        rel_y = sin_da
        speed = np.hypot(rel_x, rel_y)
        flux = np.where(inside[..., None], 0.5 * speed / d[..., None], 0.0)
    return flux, np.stack([rel_x, rel_y], axis=-1)


def _crossing_nodes(target_inc_deg, arg_latitude_deg, debris_inc_deg, weights, r_km,
                    cell_width_deg, nodes):
    """Node-level values: (flux [km/s units], speed [km/s], travel (X, Y), weights)."""
    it, inc, w, width, nodes = _check_inputs(target_inc_deg, debris_inc_deg, weights,
                                             cell_width_deg, nodes)
    v0 = np.asarray(circular_speed_km_s(r_km), dtype=float)
    u = np.asarray(arg_latitude_deg, dtype=float)
    if not np.all(np.isfinite(u)):
        raise InputError("expected finite arg_latitude_deg, got NaN or inf")
    shape = np.broadcast_shapes(u.shape, it.shape, v0.shape)
    u_rad = np.broadcast_to(u, shape)[..., None] * _DEG            # (S, 1)
    it_rad = np.broadcast_to(it, shape)[..., None] * _DEG
    v0 = np.broadcast_to(v0, shape)
    k = np.sin(it_rad)
    s = np.sin(inc * _DEG)
    u_nodes, quad_w = _cell_nodes(u_rad, width * _DEG, s, k, nodes)
    flux, rel = _node_values(k[..., None], np.cos(it_rad)[..., None], s[:, None],
                             np.cos(inc * _DEG)[:, None], u_nodes)
    scale = v0[..., None, None, None]
    flux = np.where(w[:, None, None] > 0, flux * scale * w[:, None, None], 0.0)
    # i = 180 deg - i_t (equal sines, opposite headings): the target flies head-on along
    # the latitude where the debris density is singular, which is not integrable (the
    # orbit average diverges logarithmically); cells touching u = 90 or 270 deg get an
    # infinite flux there.
    degenerate = ((np.abs(s - k) <= _DEGENERATE)
                  & (np.abs(np.cos(inc * _DEG) - np.cos(it_rad)) > _DEGENERATE))
    if degenerate.any():
        offset = np.mod(u_rad - 0.5 * np.pi, np.pi)
        touches = np.minimum(offset, np.pi - offset) <= 0.5 * width * _DEG + _DEGENERATE
        singular = (degenerate & touches)[..., None] & (quad_w > 0)
        flux = np.where(singular[..., None], np.inf, flux)
    valid = flux > 0
    speed = np.where(valid, np.hypot(rel[..., 0], rel[..., 1]) * scale, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        travel = rel / np.hypot(rel[..., 0], rel[..., 1])[..., None]
    travel = np.where(valid[..., None] & np.isfinite(travel), travel, 0.0)
    return flux, speed, travel, quad_w


def crossing_flux_distribution(target_inc_deg, arg_latitude_deg, debris_inc_deg,
                               weights, r_km, *, cell_width_deg: float = 1.0,
                               nodes: int = QUAD_NODES) -> CrossingDistribution:
    """Flux, speed and direction of circular-orbit debris crossing a circular target.

    Parameters
    ----------
    target_inc_deg : array_like
        Target inclination i_t [deg], 0 ... 180; broadcasts with
        ``arg_latitude_deg``.
    arg_latitude_deg : array_like
        Target argument of latitude u [deg] (angle from the ascending node along the
        orbit), the centre of each cell; the target is at latitude phi with
        ``sin phi = sin i_t sin u``, northbound while ``cos u > 0``.
    debris_inc_deg : array_like
        Inclinations of the I debris populations [deg], 1-D, strictly between 0 and
        180 (retrograde allowed).
    weights : array_like or None
        Weight of each population, shape (I,), >= 0 (e.g. number of objects, or the
        fractions of :class:`DebrisInclinationMix`); None for equal weights of 1.
    r_km : array_like
        Common orbit radius [km] (target and debris), > 0; broadcasts with
        ``arg_latitude_deg``. Sets v0 = sqrt(mu / r).
    cell_width_deg : float, default 1.0
        Width of the argument-of-latitude cell each sample stands for [deg],
        0 ... 360; the results are averages over the cell. 0 gives point values, which
        are infinite where the target's latitude equals a population's inclination.
    nodes : int, default :data:`QUAD_NODES`
        Gauss-Legendre nodes per sub-interval of a cell.

    Returns
    -------
    CrossingDistribution
        ``flux``, ``speed_km_s``, ``azimuth_deg`` of shape ``S + (I, 2)`` and
        ``travel_lvlh`` of shape ``S + (I, 2, 3)``; S is the broadcast shape of
        ``arg_latitude_deg``, ``target_inc_deg`` and ``r_km``; the axis of length 2 is
        the debris branch (:data:`BRANCHES`). ``flux`` is in km/s in units of
        ``N / (2 pi^2 r^2 dr)`` per unit weight (see :class:`CrossingDistribution`),
        the same normalisation for every u, i_t and i, so orbit averages and mixtures
        are sums.

    Raises
    ------
    InputError
        For inclinations out of range, weights of the wrong shape or negative,
        non-finite arguments of latitude, a non-positive radius or a bad cell width.

    Notes
    -----
    For one population and branch at target latitude phi (physics brief §5.3):
    ``flux = w/2 * |dv| / sqrt(sin^2 i - sin^2 phi)``, ``|dv| = |v_d - v_t|``, with the
    target velocity ``v0 (sin i_t cos u, cos i_t) / cos phi`` and the debris velocity
    ``v0 (+-sqrt(sin^2 i - sin^2 phi), cos i) / cos phi`` in (north, east)
    components (equivalent to ``sin A = cos i / cos phi``), i.e.
    ``|dv| = 2 v0 |sin(dA / 2)|``. In LVLH the relative velocity is horizontal and
    ``-travel`` lies at ``dA/2 - 90 deg`` from ram towards +Y (dA taken in
    (0, 360) deg), so ``|dv| = 2 v0 cos(azimuth)``.

    The density is singular, as ``1 / sqrt``, where the target's latitude reaches a
    population's inclination. Method: each cell is split at those points, each piece
    is mapped by ``x = 3t^2 - 2t^3`` (which cancels the inverse-square-root end
    singularity) and integrated with ``nodes`` Gauss-Legendre points; the cell averages
    of flux, flux x speed and flux x direction follow, so results converge quickly with
    resolution and the orbit average does not depend on where the cells fall.
    ``speed_km_s`` and ``travel_lvlh`` are flux-weighted means over the cell.

    For ``i = 180 deg - i_t`` (equal sines, opposite headings) the target flies head-on
    along the latitude where that population's density is singular, and the integral
    diverges (logarithmically): cells touching u = 90 or 270 deg get ``flux = inf``
    (speed and direction NaN). Inclinations close to it give large, finite, correct
    values.

    Validity: circular orbits of equal radius (eccentric debris, e.g. from GTO or SRM
    slag, adds out-of-plane and > 2 v0 components this model cannot produce); random
    ascending nodes; no Earth rotation or drag. The mixture of inclinations is an
    input; see the ASSUMPTION noted in :class:`DebrisInclinationMix`.

    Examples
    --------
    >>> out = crossing_flux_distribution(51.6, [0.0, 90.0], [98.0], None, 6793.137)
    >>> out.flux.shape, out.travel_lvlh.shape
    ((2, 1, 2), (2, 1, 2, 3))

    References
    ----------
    Kessler 1981 (``kessler1981``); physics brief §5.3.
    """
    flux, speed, travel, quad_w = _crossing_nodes(
        target_inc_deg, arg_latitude_deg, debris_inc_deg, weights, r_km,
        cell_width_deg, nodes)
    qw = quad_w[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cell_flux = np.sum(qw * flux, axis=-2)
        mean_speed = np.sum(qw * flux * speed, axis=-2) / cell_flux
        vec = np.sum((qw * flux)[..., None] * travel, axis=-3)
        vec = vec / np.hypot(vec[..., 0], vec[..., 1])[..., None]
    empty = ~(cell_flux > 0)
    mean_speed = np.where(empty, np.nan, mean_speed)
    vec = np.where(empty[..., None], np.nan, vec)
    azimuth = np.degrees(np.arctan2(-vec[..., 1], -vec[..., 0]))
    travel_lvlh = np.concatenate([vec, np.where(empty, np.nan, 0.0)[..., None]], axis=-1)
    return CrossingDistribution(cell_flux, mean_speed, azimuth, travel_lvlh)


def orbit_averaged_speed_distribution(target_inc_deg: float, debris_inc_deg, weights,
                                      r_km: float, *, speed_edges_km_s=None,
                                      n_cells: int = 360,
                                      nodes: int = QUAD_NODES) -> OrbitAveragedCrossing:
    """Orbit-averaged crossing flux, speed and azimuth statistics for a circular target.

    Parameters
    ----------
    target_inc_deg : float
        Target inclination [deg].
    debris_inc_deg, weights
        As :func:`crossing_flux_distribution`.
    r_km : float
        Orbit radius [km].
    speed_edges_km_s : array_like, optional
        Increasing speed bin edges [km/s] for ``speed_flux``; default 1 km/s bins from
        0 to 16 km/s (MASTER-2009's speed classes; 2 v0 < 15.9 km/s above the ground).
    n_cells : int, default 360
        Number of equal argument-of-latitude cells over the orbit (the target's time is
        uniform in u on a circular orbit).
    nodes : int
        Gauss-Legendre nodes per sub-interval.

    Returns
    -------
    OrbitAveragedCrossing
        Flux-weighted statistics, computed from the quadrature nodes themselves (not
        from the cell means), so histograms and mean |azimuth| are exact to the
        quadrature.

    Raises
    ------
    InputError
        As :func:`crossing_flux_distribution`, or for bad ``n_cells`` or edges.

    Notes
    -----
    Mean over the orbit: ``<F> = (1 / 2 pi) integral F(u) du``; infinite for a
    population at exactly ``180 deg - i_t`` (see :func:`crossing_flux_distribution`). Mean speed
    ``<|dv|> = <F |dv|> / <F>``, mean |azimuth| likewise. For the physics brief §5.3
    oracle (i_t = 51.6 deg, 415 km, equal N) this gives relative fluxes 8.80 ... 14.20
    and mean speeds 7.12 ... 12.07 km/s for i = 28.5 ... 98 deg.

    Examples
    --------
    >>> out = orbit_averaged_speed_distribution(51.6, [98.0], None, 6793.137)
    >>> round(float(out.mean_speed_km_s[0]), 2)
    12.07
    """
    if int(n_cells) != n_cells or n_cells < 1:
        raise InputError(f"expected n_cells as an integer >= 1, got {n_cells!r}")
    if np.ndim(target_inc_deg) or np.ndim(r_km):
        raise InputError("expected scalar target_inc_deg and r_km for an orbit average")
    if speed_edges_km_s is None:
        edges = np.arange(0.0, 17.0, 1.0)
    else:
        edges = np.asarray(speed_edges_km_s, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
            raise InputError("expected speed_edges_km_s as an increasing 1-D array of at "
                             f"least 2 edges, got {np.array2string(edges, threshold=6)}")
    width = 360.0 / n_cells
    u = (np.arange(n_cells) + 0.5) * width
    flux, speed, travel, quad_w = _crossing_nodes(target_inc_deg, u, debris_inc_deg,
                                                  weights, r_km, width, nodes)
    abs_az = np.degrees(np.arctan2(np.abs(travel[..., 1]), -travel[..., 0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        # mass of each node in the orbit mean: cell weight / n_cells
        mass = quad_w[..., None] * flux / n_cells                  # (U, I, M, 2)
        pop_flux = mass.sum(axis=(0, 2, 3))
        pop_speed = (mass * speed).sum(axis=(0, 2, 3)) / pop_flux
        pop_az = (mass * abs_az).sum(axis=(0, 2, 3)) / pop_flux
        pop_stbd = (mass * (travel[..., 1] < 0)).sum(axis=(0, 2, 3)) / pop_flux
        total = float(pop_flux.sum())
        total_speed = float((mass * speed).sum() / total) if total > 0 else float("nan")
        total_az = float((mass * abs_az).sum() / total) if total > 0 else float("nan")
        hist, _ = np.histogram(speed.ravel(), bins=edges, weights=mass.ravel())
    return OrbitAveragedCrossing(pop_flux, pop_speed, pop_az, pop_stbd, total,
                                 total_speed, total_az, edges, hist)


# ------------------------------------------------------------------ inclination mix


@dataclass(frozen=True)
class DebrisInclinationMix:
    """Inclination histogram of the objects in an altitude shell, time-weighted.

    The packaged table (``flux_tables/debris_inclination_mix_iss.csv``, built by
    ``builders/build_debris_inclination_mix.py``) is the mix of CATALOGUED objects
    (larger than about 10 cm) in 400-430 km on about 2023-09-05, each weighted by the
    fraction of its period spent in the shell. ASSUMPTION: using it for millimetre and
    smaller debris, whose inclinations were not measured, is an assumption.

    Attributes
    ----------
    inc_lo_deg, inc_hi_deg : numpy.ndarray
        Bin edges [deg].
    inc_mean_deg : numpy.ndarray
        Weight-weighted mean inclination of the objects in each bin [deg] (NaN for
        empty bins).
    n_objects : numpy.ndarray
        Objects with a non-zero weight in each bin.
    weight : numpy.ndarray
        Sum of the objects' time fractions per bin, all objects [-].
    weight_by_class : mapping of str to numpy.ndarray
        The same for ``"deb"`` (debris), ``"rb"`` (rocket bodies) and ``"other"``
        (payloads and unidentified objects).
    alt_min_km, alt_max_km : float
        The shell [km] (altitude above the spherical Earth, convention 3).
    reference : str
        BibTeX keys of the sources.
    """

    inc_lo_deg: np.ndarray
    inc_hi_deg: np.ndarray
    inc_mean_deg: np.ndarray
    n_objects: np.ndarray
    weight: np.ndarray
    weight_by_class: Mapping[str, np.ndarray]
    alt_min_km: float
    alt_max_km: float
    reference: str = ""
    metadata: Mapping = field(default_factory=dict, compare=False, repr=False)

    #: Object classes accepted by :meth:`populations`.
    CLASSES = ("all", "deb", "rb", "other")

    def __post_init__(self):
        n = np.shape(self.inc_lo_deg)
        for name in ("inc_lo_deg", "inc_hi_deg", "inc_mean_deg", "n_objects", "weight"):
            values = read_only_array(getattr(self, name))
            if values.ndim != 1 or values.shape != n or values.size == 0:
                raise InputError(f"inclination mix: {name} must be a non-empty 1-D array "
                                 f"of the bins' length {n}, got shape {values.shape}")
            object.__setattr__(self, name, values)
        if not (np.all(self.inc_lo_deg >= 0) and np.all(self.inc_hi_deg <= 180)
                and np.all(self.inc_hi_deg > self.inc_lo_deg)):
            raise InputError("inclination mix: bins must satisfy 0 <= inc_lo_deg < "
                             "inc_hi_deg <= 180")
        classes = {}
        for name in ("deb", "rb", "other"):
            if name not in self.weight_by_class:
                raise InputError(f"inclination mix: weight_by_class lacks {name!r}")
            values = read_only_array(self.weight_by_class[name])
            if values.shape != n:
                raise InputError(f"inclination mix: weight of class {name!r} has shape "
                                 f"{values.shape}, expected {n}")
            classes[name] = values
        for name, values in [("weight", self.weight), *classes.items()]:
            if not np.all(np.isfinite(values) & (values >= 0)):
                raise InputError(f"inclination mix: {name} must be finite and >= 0")
        if not self.weight.sum() > 0:
            raise InputError("inclination mix: total weight is zero")
        if not self.alt_min_km < self.alt_max_km:
            raise InputError(f"inclination mix: expected alt_min_km < alt_max_km, got "
                             f"{self.alt_min_km} and {self.alt_max_km}")
        object.__setattr__(self, "weight_by_class", classes)

    @classmethod
    def from_columns(cls, columns: Mapping[str, np.ndarray],
                     metadata: Mapping | None = None) -> DebrisInclinationMix:
        """Build the mix from the parsed table.

        Parameters
        ----------
        columns : mapping of str to array
            Columns ``inc_lo_deg``, ``inc_hi_deg``, ``inc_mean_deg``, ``n_objects``,
            ``weight``, ``weight_deb``, ``weight_rb``, ``weight_other``.
        metadata : mapping
            Table header; needs ``alt_min_km`` and ``alt_max_km``.
        """
        needed = ("inc_lo_deg", "inc_hi_deg", "inc_mean_deg", "n_objects", "weight",
                  "weight_deb", "weight_rb", "weight_other")
        missing = [name for name in needed if name not in columns]
        if missing:
            raise InputError(f"inclination mix: expected columns {list(needed)}, "
                             f"missing {missing}")
        meta = dict(metadata or {})
        try:
            alt_min, alt_max = float(meta["alt_min_km"]), float(meta["alt_max_km"])
        except (KeyError, ValueError):
            raise InputError("inclination mix: expected numeric header lines "
                             "'# alt_min_km: ...' and '# alt_max_km: ...', got "
                             f"{meta.get('alt_min_km')!r} and "
                             f"{meta.get('alt_max_km')!r}") from None
        return cls(inc_lo_deg=columns["inc_lo_deg"], inc_hi_deg=columns["inc_hi_deg"],
                   inc_mean_deg=columns["inc_mean_deg"], n_objects=columns["n_objects"],
                   weight=columns["weight"],
                   weight_by_class={"deb": columns["weight_deb"],
                                    "rb": columns["weight_rb"],
                                    "other": columns["weight_other"]},
                   alt_min_km=alt_min, alt_max_km=alt_max,
                   reference=str(meta.get("reference", "")), metadata=meta)

    def populations(self, objects: str = "all") -> tuple[np.ndarray, np.ndarray]:
        """Inclinations and weight fractions of the non-empty bins.

        Parameters
        ----------
        objects : {"all", "deb", "rb", "other"}
            Which objects' weights to use.

        Returns
        -------
        inc_deg : numpy.ndarray
            Representative inclination of each non-empty bin [deg]: the weighted mean
            inclination of all objects in the bin (the bin centre if that is not
            strictly between 0 and 180 deg).
        fraction : numpy.ndarray
            Weight fractions [-], summing to 1; pass them as ``weights`` to
            :func:`crossing_flux_distribution`.
        """
        if objects not in self.CLASSES:
            raise InputError(f"expected objects in {self.CLASSES}, got {objects!r}")
        w = self.weight if objects == "all" else self.weight_by_class[objects]
        if not w.sum() > 0:
            raise InputError(f"inclination mix: no weight for objects={objects!r}")
        keep = w > 0
        centre = 0.5 * (self.inc_lo_deg + self.inc_hi_deg)
        mean = self.inc_mean_deg
        inc = np.where((mean > 0) & (mean < 180), mean, centre)
        return inc[keep], w[keep] / w[keep].sum()

    def check_altitude(self, alt_km, *, on_range: str = "raise") -> np.ndarray:
        """Check that altitudes lie in the shell the mix was measured in.

        Parameters
        ----------
        alt_km : array_like
            Target altitude above the spherical Earth [km].
        on_range : {"raise", "nan"}
            Validity-range policy (:func:`~impactrisk.environment.validity.apply_range_policy`).

        Returns
        -------
        numpy.ndarray of bool
            True where the altitude is outside ``[alt_min_km, alt_max_km]``.
        """
        return apply_range_policy(alt_km, self.alt_min_km, self.alt_max_km, on_range,
                                  model="debris_inclination_mix", quantity="alt_km",
                                  units="km")
