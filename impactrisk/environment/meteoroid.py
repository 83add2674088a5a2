"""Meteoroid size spectrum (Grün et al. 1985) and the non-directional near-Earth factors.

Everything here is a pure, vectorised function of plain floats or numpy arrays with the
unit in the argument name. Nothing here knows about directions: the directional flux
model integrates over arrival directions itself and uses only the size spectrum, the
density classes, the escape speed and the speed-dependent focusing factor from this
module. The scalar random-plate factors (:func:`earth_shielding_factor_random`,
:func:`focusing_simple`, ECSS Table J-6) are reference quantities for checks; a
directional model must not multiply by them (physics brief, convention 2).

Validity ranges follow one policy: each function with a range takes
``on_range="raise"`` (default; raises :class:`~impactrisk.errors.ModelRangeError`
carrying the boolean mask and the valid range) or ``on_range="nan"`` (out-of-range
points become NaN and one :class:`ModelRangeWarning` is issued per call). NaN inputs
give NaN outputs and are never counted as out of range.

References
----------
.. [1] E. Grün, H. A. Zook, H. Fechtig and R. H. Giese, "Collisional balance of the
   meteoritic complex", Icarus 62 (1985) 244-272 (``grun1985``).
.. [2] ECSS-E-ST-10-04C, "Space environment", ECSS Secretariat, 15 Nov 2008, §10.2.4
   and Annex C (``ecss2008``); Rev.1, 15 June 2020 (``ecss2020``).
.. [3] B. J. Anderson (ed.) and R. E. Smith (comp.), "Natural Orbital Environment
   Definition Guidelines for Use in Aerospace Vehicle Development", NASA TM-4527, 1994
   (``anderson1994``).
.. [4] NASA Meteoroid Environment Office, "Meteoroid Engineering Model (MEM) Web
   Application User Guide", §1.1 (``mem3_user_guide``).
.. [5] E. L. Christiansen et al., "Handbook for Designing MMOD Protection",
   NASA/TM-2009-214785, 2009, §2.6.1 (``christiansen2009``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from impactrisk.constants import SECONDS_PER_YEAR
from impactrisk.environment.parameters import (
    ECSS_NEAR_EARTH,
    GRUN_1985,
    SSP30425_SPEED_DISTRIBUTION,
    TM4527_DENSITY_CLASSES,
    DensityClass,
)
from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = [
    "grun_1985_flux",
    "grun_1985_differential_flux",
    "mass_from_diameter_g",
    "diameter_from_mass_cm",
    "TM4527_DENSITY_CLASSES",
    "tm4527_density_g_cm3",
    "grun_flux_above_diameter",
    "grun_flux_above_diameter_by_class",
    "earth_shielding_half_angle_rad",
    "earth_shielding_factor_random",
    "escape_speed_km_s",
    "near_earth_speed_km_s",
    "focusing_factor",
    "focusing_simple",
    "mean_focusing_factor",
    "ssp30425_speed_distribution",
    "ssp30425_speed_bins",
]

def _positive(values, name: str, *, allow_zero: bool = False) -> np.ndarray:
    """Return ``values`` as a float array; raise InputError if any is negative (or zero)."""
    x = np.asarray(values, dtype=float)
    bad = x < 0 if allow_zero else x <= 0
    if np.any(bad):
        relation = ">= 0" if allow_zero else "> 0"
        raise InputError(f"expected {name} {relation}, got {x[bad].flat[0]!r}")
    return x


# ------------------------------------------------------------------------- Grün (1985)


def _grun_per_second(m: np.ndarray) -> np.ndarray:
    """Grün F1+F2+F3 [m^-2 s^-1] for masses in g (no range check, NaN-safe)."""
    f1 = (2.2e3 * m**0.306 + 15.0) ** -4.38
    f2 = 1.3e-9 * (m + 1.0e11 * m**2 + 1.0e27 * m**4) ** -0.36
    f3 = 1.3e-16 * (m + 1.0e6 * m**2) ** -0.85
    return f1 + f2 + f3


def _grun_flux_raw(mass_g) -> np.ndarray:
    """Grün cumulative flux [m^-2 yr^-1] without range checks (NaN in, NaN out)."""
    return _grun_per_second(np.asarray(mass_g, dtype=float)) * SECONDS_PER_YEAR


def grun_1985_flux(mass_g, *, on_range: str = "raise"):
    """Cumulative interplanetary meteoroid flux of Grün et al. (1985) at 1 AU.

    Parameters
    ----------
    mass_g : array_like
        Lower mass limit m [g].
    on_range : {"raise", "nan"}, default "raise"
        What to do with masses outside 1e-18 g ... 1e2 g: raise
        :class:`~impactrisk.errors.ModelRangeError`, or return NaN there with one
        :class:`ModelRangeWarning`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Number of particles of mass >= m per m^2 per year on a one-sided, randomly
        oriented flat plate, far from any planet [m^-2 yr^-1]. Same shape as ``mass_g``.

    Notes
    -----
    ``F1 = (2.2e3 m^0.306 + 15)^-4.38``, ``F2 = 1.3e-9 (m + 1e11 m^2 + 1e27 m^4)^-0.36``,
    ``F3 = 1.3e-16 (m + 1e6 m^2)^-0.85`` [m^-2 s^-1], multiplied by the Julian year
    3.15576e7 s (ECSS-E-ST-10-04C §10.2.4.1; Rev.1 eq. (10-1)). The flux is the total
    average (sporadic + annual-average streams) and is a random-plate quantity: the flux
    per unit cross-section of a convex body is 4 times larger. No Earth shielding or
    gravitational focusing is included. Range of the fit: 1e-18 g ... 1e2 g [R/C1].

    References
    ----------
    Grün et al. (1985) (``grun1985``); ECSS-E-ST-10-04C §10.2.4.1 (``ecss2008``).

    Examples
    --------
    >>> round(float(grun_1985_flux(1e-6)), 4)
    1.488
    """
    m = np.asarray(mass_g, dtype=float)
    bad = apply_range_policy(m, GRUN_1985.mass_min_g, GRUN_1985.mass_max_g, on_range,
                             model="grun_1985_flux", quantity="mass_g", units="g")
    return _grun_flux_raw(np.where(bad, np.nan, m))[()]


def grun_1985_differential_flux(mass_g, *, on_range: str = "raise"):
    """Differential Grün flux, the number of meteoroids per unit mass interval.

    Parameters
    ----------
    mass_g : array_like
        Mass m [g].
    on_range : {"raise", "nan"}, default "raise"
        Policy outside 1e-18 g ... 1e2 g (see :func:`grun_1985_flux`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``-dF/dm`` [m^-2 yr^-1 g^-1], positive; on a one-sided randomly oriented plate.

    Notes
    -----
    Analytic derivative of the three terms of :func:`grun_1985_flux`:
    ``dF1/dm = -4.38 (2.2e3 m^0.306 + 15)^-5.38 · 2.2e3 · 0.306 m^-0.694``,
    ``dF2/dm = -0.36 · 1.3e-9 (m + 1e11 m^2 + 1e27 m^4)^-1.36 (1 + 2e11 m + 4e27 m^3)``,
    ``dF3/dm = -0.85 · 1.3e-16 (m + 1e6 m^2)^-1.85 (1 + 2e6 m)``.
    Integrating it over a mass bin gives the difference of cumulative fluxes at the bin
    edges.

    References
    ----------
    Grün et al. (1985) (``grun1985``).
    """
    m = np.asarray(mass_g, dtype=float)
    bad = apply_range_policy(m, GRUN_1985.mass_min_g, GRUN_1985.mass_max_g, on_range,
                             model="grun_1985_differential_flux", quantity="mass_g",
                             units="g")
    m = np.where(bad, np.nan, m)
    d1 = 4.38 * (2.2e3 * m**0.306 + 15.0) ** -5.38 * 2.2e3 * 0.306 * m**-0.694
    d2 = 0.36 * 1.3e-9 * (m + 1.0e11 * m**2 + 1.0e27 * m**4) ** -1.36 * (
        1.0 + 2.0e11 * m + 4.0e27 * m**3)
    d3 = 0.85 * 1.3e-16 * (m + 1.0e6 * m**2) ** -1.85 * (1.0 + 2.0e6 * m)
    return ((d1 + d2 + d3) * SECONDS_PER_YEAR)[()]


# ------------------------------------------------------------------ mass and diameter


def mass_from_diameter_g(d_cm, rho_g_cm3):
    """Mass of a sphere of diameter ``d_cm`` [cm] and density ``rho_g_cm3`` [g/cm^3].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``m = (pi/6) rho d^3`` [g] (physics brief §1.3).

    Raises
    ------
    InputError
        For a negative diameter or a non-positive density.
    """
    d = _positive(d_cm, "d_cm", allow_zero=True)
    rho = _positive(rho_g_cm3, "rho_g_cm3")
    return (np.pi / 6.0 * rho * d**3)[()]


def diameter_from_mass_cm(mass_g, rho_g_cm3):
    """Diameter of a sphere of mass ``mass_g`` [g] and density ``rho_g_cm3`` [g/cm^3].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d = (6 m / (pi rho))^(1/3)`` [cm].

    Raises
    ------
    InputError
        For a negative mass or a non-positive density.
    """
    m = _positive(mass_g, "mass_g", allow_zero=True)
    rho = _positive(rho_g_cm3, "rho_g_cm3")
    return np.cbrt(6.0 * m / (np.pi * rho))[()]


def tm4527_density_g_cm3(mass_g, classes: Sequence[DensityClass] = TM4527_DENSITY_CLASSES):
    """Density of the mass class a meteoroid of mass ``mass_g`` [g] belongs to.

    Parameters
    ----------
    mass_g : array_like
        Meteoroid mass [g].
    classes : sequence of DensityClass
        Mass classes, default the NASA TM-4527 steps (2 g/cm^3 below 1e-6 g, 1 g/cm^3
        from 1e-6 g to 0.01 g, 0.5 g/cm^3 above).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Density [g/cm^3]; NaN for NaN masses or masses outside every class.

    Notes
    -----
    Do not use this to convert a critical *diameter* to a mass: with steps there is no
    single diameter-mass inverse. Use :func:`grun_flux_above_diameter_by_class`.
    """
    m = np.asarray(mass_g, dtype=float)
    conditions = [(m >= c.mass_lo_g) & (m < c.mass_hi_g) for c in classes]
    return np.select(conditions, [c.rho_g_cm3 for c in classes], default=np.nan)[()]


def grun_flux_above_diameter(d_crit_cm, rho_g_cm3, *, on_range: str = "raise"):
    """Grün cumulative flux of meteoroids larger than ``d_crit_cm`` at one density.

    Parameters
    ----------
    d_crit_cm : array_like
        Diameter threshold [cm].
    rho_g_cm3 : array_like
        Meteoroid bulk density [g/cm^3], broadcast against ``d_crit_cm``.
    on_range : {"raise", "nan"}, default "raise"
        Policy for masses outside the Grün range (see :func:`grun_1985_flux`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``F(m)`` with ``m = (pi/6) rho d^3`` [m^-2 yr^-1], random plate, 1 AU.

    References
    ----------
    Grün et al. (1985) (``grun1985``).
    """
    m = np.asarray(mass_from_diameter_g(d_crit_cm, rho_g_cm3), dtype=float)
    bad = apply_range_policy(m, GRUN_1985.mass_min_g, GRUN_1985.mass_max_g, on_range,
                             model="grun_flux_above_diameter", quantity="particle mass",
                             units="g")
    return _grun_flux_raw(np.where(bad, np.nan, m))[()]


def grun_flux_above_diameter_by_class(
    d_crit_cm_per_class: np.ndarray | Sequence | Callable[[float], np.ndarray],
    classes: Sequence[DensityClass] = TM4527_DENSITY_CLASSES,
    *,
    on_range: str = "raise",
):
    """Grün flux above a critical diameter with a density that steps with mass.

    Parameters
    ----------
    d_crit_cm_per_class : array_like of shape (K, ...) or callable
        Critical diameter [cm] evaluated at each class's density: row ``k`` belongs to
        ``classes[k]``. Alternatively a callable ``f(rho_g_cm3) -> d_crit_cm`` that is
        called once per class with the class density; its results are broadcast
        together.
    classes : sequence of K DensityClass, default :data:`TM4527_DENSITY_CLASSES`
        Mass classes with their densities.
    on_range : {"raise", "nan"}, default "raise"
        Policy when a mass that must be evaluated lies outside the Grün range (a class
        whose mass range lies entirely below the critical mass contributes nothing and
        is never evaluated).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Cumulative flux [m^-2 yr^-1] (random plate, 1 AU), shape ``(...)``.

    Raises
    ------
    InputError
        If the first axis of the array does not have one row per class.
    ModelRangeError
        With ``on_range="raise"`` when a contributing mass is outside the Grün range.

    Notes
    -----
    Physics brief, convention 5::

        N = sum_k [ F(max(m_c,k, m_lo,k)) - F(max(m_c,k, m_hi,k)) ],
        m_c,k = (pi/6) rho_k d_c,k^3,

    with ``F(inf) = 0`` for an open upper class. A class contributes only when
    ``m_c,k < m_hi,k``, so an infinite critical diameter (no particle of that class can
    do the damage) gives zero, not a range error. When every class has the same density
    and the same critical diameter the sum telescopes to the single-density flux.

    References
    ----------
    Grün et al. (1985) (``grun1985``); TM-4527 density steps (``anderson1994``,
    ``mem3_user_guide``).
    """
    if callable(d_crit_cm_per_class):
        rows = [np.asarray(d_crit_cm_per_class(c.rho_g_cm3), dtype=float) for c in classes]
        d = np.stack(np.broadcast_arrays(*rows))
    else:
        d = np.asarray(d_crit_cm_per_class, dtype=float)
    if d.ndim == 0 or d.shape[0] != len(classes):
        raise InputError(
            f"d_crit_cm_per_class must have one row per density class (first axis "
            f"{len(classes)}), got shape {d.shape}")
    rho = np.array([c.rho_g_cm3 for c in classes]).reshape((-1,) + (1,) * (d.ndim - 1))
    m_lo = np.array([c.mass_lo_g for c in classes]).reshape(rho.shape)
    m_hi = np.array([c.mass_hi_g for c in classes]).reshape(rho.shape)
    m_c = np.asarray(mass_from_diameter_g(d, rho), dtype=float)

    silent = m_c >= m_hi                      # class entirely below the critical mass
    lo = np.where(silent, np.nan, np.maximum(m_c, m_lo))
    hi = np.where(silent, np.nan, np.maximum(m_c, m_hi))
    open_top = np.isinf(hi)
    hi = np.where(open_top, np.nan, hi)

    bad = apply_range_policy(np.concatenate([lo, hi]), GRUN_1985.mass_min_g,
                             GRUN_1985.mass_max_g, on_range,
                             model="grun_flux_above_diameter_by_class",
                             quantity="particle mass", units="g", reduce_axis=0)
    f_lo = _grun_flux_raw(lo)
    f_hi = np.where(open_top, 0.0, _grun_flux_raw(hi))
    per_class = np.where(silent, 0.0, f_lo - f_hi)
    total = per_class.sum(axis=0)
    return np.where(bad, np.nan, total)[()]


# -------------------------------------------------------------------- near-Earth factors


def earth_shielding_half_angle_rad(alt_km, *, on_range: str = "raise"):
    """Half-angle of the Earth-plus-atmosphere disk seen from altitude ``alt_km``.

    Parameters
    ----------
    alt_km : array_like
        Altitude above a spherical Earth of radius 6378 km [km] (convention 3).
    on_range : {"raise", "nan"}, default "raise"
        Policy below 100 km (inside the shell the formula counts as atmosphere).

    Returns
    -------
    numpy.ndarray or numpy.float64
        eta [rad], with ``sin eta = (R_E + 100 km) / (R_E + h)``.

    References
    ----------
    ECSS-E-ST-10-04C Annex C.1.3.1, eq. (C-14) (``ecss2008``); R_E = 6378 km there.
    """
    h = np.asarray(alt_km, dtype=float)
    bad = apply_range_policy(h, ECSS_NEAR_EARTH.atmosphere_km, np.inf, on_range,
                             model="earth_shielding_half_angle_rad", quantity="alt_km",
                             units="km")
    r_e = ECSS_NEAR_EARTH.r_earth_km
    sin_eta = (r_e + ECSS_NEAR_EARTH.atmosphere_km) / (r_e + np.where(bad, np.nan, h))
    return np.arcsin(sin_eta)[()]


def earth_shielding_factor_random(alt_km, *, on_range: str = "raise"):
    """Earth shielding factor of a randomly oriented plate, ``sf = (1 + cos eta) / 2``.

    Parameters
    ----------
    alt_km : array_like
        Altitude above a spherical Earth of radius 6378 km [km].
    on_range : {"raise", "nan"}, default "raise"
        Policy below 100 km.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Fraction of an isotropic flux that is not blocked by the Earth [-], e.g.
        0.6471 at 400 km.

    Notes
    -----
    For an isotropic flux this is the unblocked fraction of the sky. It is a reference
    value: an oriented surface needs the geometric treatment of the directional model,
    and ECSS Table J-6 lists values 0.01-0.02 lower (physics brief §2.4, unexplained).

    References
    ----------
    ECSS-E-ST-10-04C Annex C.1.3.1, eq. (C-13) (``ecss2008``).
    """
    eta = np.asarray(earth_shielding_half_angle_rad(alt_km, on_range=on_range))
    return (0.5 * (1.0 + np.cos(eta)))[()]


def escape_speed_km_s(r_km):
    """Escape speed at geocentric distance ``r_km`` [km].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``v_esc = sqrt(2 mu / r)`` [km/s] with mu = 3.986e5 km^3/s^2 (ECSS Annex C.1.2,
        eq. (C-4), ``ecss2008``).

    Raises
    ------
    InputError
        For a non-positive distance.
    """
    r = _positive(r_km, "r_km")
    return np.sqrt(2.0 * ECSS_NEAR_EARTH.mu_km3_s2 / r)[()]


def near_earth_speed_km_s(v_inf_km_s, r_km):
    """Speed at distance ``r_km`` [km] of a particle with free-space speed ``v_inf_km_s``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``v = sqrt(v_inf^2 + v_esc(r)^2)`` [km/s] (energy conservation; ECSS Annex
        C.1.2).

    Notes
    -----
    Apply this only to free-space (v_inf) distributions such as ECSS Table C-1. The
    TM-4527/SSP 30425 distribution is already a near-Earth one (convention 4).
    """
    v_inf = _positive(v_inf_km_s, "v_inf_km_s", allow_zero=True)
    return np.sqrt(v_inf**2 + np.asarray(escape_speed_km_s(r_km)) ** 2)[()]


def focusing_factor(v_inf_km_s, r_km):
    """Gravitational focusing factor of a stream of free-space speed ``v_inf_km_s``.

    Parameters
    ----------
    v_inf_km_s : array_like
        Speed far from the Earth [km/s], > 0.
    r_km : array_like
        Geocentric distance [km], broadcast against ``v_inf_km_s``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``G = 1 + v_esc(r)^2 / v_inf^2`` [-], the enhancement of the flux at ``r`` over
        the free-space flux.

    References
    ----------
    ECSS-E-ST-10-04C Annex C.1.2, eqs. (C-1)-(C-4) (``ecss2008``; text seen, the
    equation images were not, physics brief §2.2).
    """
    v_inf = _positive(v_inf_km_s, "v_inf_km_s")
    return (1.0 + np.asarray(escape_speed_km_s(r_km)) ** 2 / v_inf**2)[()]


def focusing_simple(alt_km, *, on_range: str = "raise"):
    """Speed-independent focusing factor ``1 + (R_E + 100 km) / (R_E + h)`` (approximate).

    Parameters
    ----------
    alt_km : array_like
        Altitude above a spherical Earth of radius 6378 km [km].
    on_range : {"raise", "nan"}, default "raise"
        Policy below 100 km.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Focusing factor [-]: 2 at 100 km, tending to 1 far from the Earth (1.9557 at
        400 km).

    Notes
    -----
    APPROXIMATE: the form used by SPENVIS and many codes [C2]; it is not the ECSS mean
    focusing (eq. (C-6)), which weights :func:`focusing_factor` by the speed
    distribution (see :func:`mean_focusing_factor`).
    """
    h = np.asarray(alt_km, dtype=float)
    bad = apply_range_policy(h, ECSS_NEAR_EARTH.atmosphere_km, np.inf, on_range,
                             model="focusing_simple", quantity="alt_km", units="km")
    r_e = ECSS_NEAR_EARTH.r_earth_km
    return (1.0 + (r_e + ECSS_NEAR_EARTH.atmosphere_km)
            / (r_e + np.where(bad, np.nan, h)))[()]


def mean_focusing_factor(v_inf_bins_km_s, weights, r_km):
    """Mean focusing factor over a free-space speed distribution.

    Parameters
    ----------
    v_inf_bins_km_s : array_like, shape (N,)
        Free-space speed of each bin (e.g. bin centres) [km/s], > 0.
    weights : array_like, shape (N,)
        Relative weight of each bin (normalised here) [-], >= 0, not all zero.
    r_km : array_like
        Geocentric distance [km], any shape.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``G_bar = sum_k n_k G(v_inf,k, r) / sum_k n_k`` [-], shape of ``r_km``.

    Raises
    ------
    InputError
        If the bins and weights are not 1-D arrays of equal length, or a weight is
        negative, or all weights are zero.

    Notes
    -----
    ECSS-E-ST-10-04C Annex C.1.2 eqs. (C-5)-(C-7) (``ecss2008``, text seen). Meant for
    free-space distributions (ECSS Table C-1); do not apply it to the near-Earth
    TM-4527/SSP 30425 distribution (convention 4).
    """
    v = np.asarray(v_inf_bins_km_s, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v.ndim != 1 or w.shape != v.shape:
        raise InputError(f"expected 1-D v_inf_bins_km_s and weights of equal length, got "
                         f"shapes {v.shape} and {w.shape}")
    if np.any(w < 0) or not np.sum(w) > 0:
        raise InputError("expected weights >= 0 with a positive sum, got "
                         f"min {w.min()!r}, sum {w.sum()!r}")
    r = np.asarray(r_km, dtype=float)
    g = np.asarray(focusing_factor(v, r[..., np.newaxis]))
    return (np.sum(g * w, axis=-1) / np.sum(w))[()]


# ------------------------------------------------- TM-4527 / SSP 30425 speed distribution


def ssp30425_speed_distribution(v_km_s, *, normalize: bool = False):
    """NASA TM-4527 / SSP 30425 near-Earth meteoroid speed density (coefficients RECALLED).

    Parameters
    ----------
    v_km_s : array_like
        Meteoroid speed relative to the Earth, at the spacecraft's distance [km/s].
    normalize : bool, default False
        False returns the coefficients as written (their integral is 1.0037); True
        divides by that integral so that the density integrates to exactly 1.

    Returns
    -------
    numpy.ndarray or numpy.float64
        n(v) [(km/s)^-1]; zero outside 11.1 ... 72.2 km/s::

            0.112                11.1 <= v < 16.3
            3.328e5 v^-5.34      16.3 <= v < 55
            1.695e-4             55   <= v <= 72.2

    Notes
    -----
    Verification status (physics brief §3.1, tag [R]):

    * VERIFIED (text of the NASA MEO MEM user guide §1.1 seen): TM 4527 "introduced a
      crude, piecewise meteoroid speed distribution with an average velocity of 19 km/s
      for an orbiting spacecraft". The Handbook (TM-2009-214785 §2.6.1) gives the range
      11-72 km/s and the same 19 km/s average [P].
    * NOT VERIFIED: the coefficients and breakpoints. Searches of the public documents,
      web pages and code reachable here found no copy of TM-4527, SSP 30425 Rev B or
      Anderson & Smith (1994) giving them.
    * NOT VERIFIED: whether n(v) is number-density-weighted or flux-weighted at its
      source.
    * Consistency only [Calc]: the segments join continuously (3.328e5 16.3^-5.34 =
      0.1120, 3.328e5 55^-5.34 = 1.693e-4); the mean of n(v) is 16.86 km/s; if n(v) is
      read as the distribution of impact speeds on a random plate and the orbital
      speed 7.67 km/s is added isotropically (impact rate proportional to relative
      speed), the mean impact speed is 19.1 km/s, consistent with the quoted 19 km/s.

    The 11.1 km/s floor is about the escape speed at low altitude: the distribution
    already contains the speed gained in the Earth's field; do not add it again
    (convention 4).

    References
    ----------
    NASA TM-4527 (``anderson1994``); SSP 30425 Rev B (``ssp30425b``); MEM user guide
    §1.1 (``mem3_user_guide``).
    """
    p = SSP30425_SPEED_DISTRIBUTION
    v = np.asarray(v_km_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        power = p.coefficient * np.abs(v) ** p.exponent
    n = np.select(
        [(v >= p.v0_km_s) & (v < p.v1_km_s),
         (v >= p.v1_km_s) & (v < p.v2_km_s),
         (v >= p.v2_km_s) & (v <= p.v3_km_s),
         np.isnan(v)],
        [p.level_low, power, p.level_high, np.nan],
        default=0.0,
    )
    if normalize:
        n = n / _ssp30425_cdf(p.v3_km_s)
    return n[()]


def _ssp30425_cdf(v_km_s) -> np.ndarray:
    """Integral of the (unnormalised) SSP 30425 density from 11.1 km/s to ``v_km_s``."""
    p = SSP30425_SPEED_DISTRIBUTION
    v = np.asarray(v_km_s, dtype=float)
    e1 = p.exponent + 1.0
    seg1 = p.level_low * (np.clip(v, p.v0_km_s, p.v1_km_s) - p.v0_km_s)
    seg2 = p.coefficient / e1 * (np.clip(v, p.v1_km_s, p.v2_km_s) ** e1 - p.v1_km_s**e1)
    seg3 = p.level_high * (np.clip(v, p.v2_km_s, p.v3_km_s) - p.v2_km_s)
    return seg1 + seg2 + seg3


def ssp30425_speed_bins(edges_km_s):
    """Weights of the TM-4527 / SSP 30425 speed distribution in speed bins.

    Parameters
    ----------
    edges_km_s : array_like, shape (N + 1,)
        Strictly increasing bin edges [km/s].

    Returns
    -------
    numpy.ndarray, shape (N,)
        Probability of each bin [-], the exact integral of
        :func:`ssp30425_speed_distribution` over the bin divided by its integral over
        11.1 ... 72.2 km/s. Bins covering the whole range sum to 1; bins covering part
        of it sum to the covered fraction.

    Raises
    ------
    InputError
        If the edges are not a 1-D strictly increasing array of at least two values.

    Notes
    -----
    The coefficients are recalled, not verified; see
    :func:`ssp30425_speed_distribution`.
    """
    edges = np.asarray(edges_km_s, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise InputError("expected strictly increasing 1-D bin edges (at least two), got "
                         f"{np.array2string(edges, threshold=6)}")
    cdf = _ssp30425_cdf(edges)
    return np.diff(cdf) / _ssp30425_cdf(SSP30425_SPEED_DISTRIBUTION.v3_km_s)
