"""Single-wall (monolithic plate) ballistic limit equations.

Every function returns the critical projectile diameter ``d_crit_cm`` [cm]: the
smallest spherical projectile that meets the failure criterion (perforation unless
stated) at impact speed ``v_km_s`` [km/s], impact angle ``angle_deg`` [deg, from the
surface normal] and projectile density ``rho_p_g_cm3`` [g/cm³]. Inputs broadcast
against each other; the result has the broadcast shape (a NumPy scalar for scalar
inputs).

Conventions shared by all equations here:

* NaN in any input gives NaN in the matching output element.
* Zero normal speed (``v_km_s = 0`` or ``angle_deg = 90``) gives ``inf``: no
  projectile perforates.
* ``angle_cutoff_deg`` holds ``d_crit`` at its value at the cut-off angle for more
  oblique impacts (BUMPER practice). The Handbook applies no cut-off to these
  equations (the aluminium equation was checked to beyond 85°), so the default is
  90°, i.e. none; BUMPER's single-wall validation runs used 60°.
* Malformed input (negative speed, angle outside [0°, 90°], non-positive thickness,
  density, hardness or sound speed) raises :class:`~impactrisk.errors.InputError`
  naming the parameter and the offending value.

References
----------
.. [1] E. L. Christiansen et al., "Handbook for Designing MMOD Protection",
   NASA/TM-2009-214785, NASA JSC, 2009, §4.1 (``christiansen2009handbook``).
.. [2] S. Ryan and E. L. Christiansen, "Micrometeoroid and Orbital Debris (MMOD)
   Shield Ballistic Limit Analysis Program", NASA/TM-2009-214789, 2010
   (``ryan2010blap``).
.. [3] B. G. Cour-Palais, "Hypervelocity impact in metals, glass and composites",
   Int. J. Impact Eng. 5 (1987) 221-237 (``courpalais1987``).
"""

from __future__ import annotations

import numpy as np

from impactrisk.ble.materials import get_material
from impactrisk.errors import InputError

__all__ = [
    "CRITERIA",
    "FISH_SUMMERS_K",
    "cour_palais_christiansen",
    "cres_single_wall",
    "fiberglass_single_wall",
    "fish_summers",
    "fish_summers_k",
    "penetration_depth_cm",
    "titanium_single_wall",
]

#: Thickness-to-crater-depth ratios t/P∞ of the failure criteria for aluminium,
#: Handbook eqs (4-3)-(4-5) [1]; traced by Cour-Palais [3] to Gehring's 2024-T3 data.
CRITERIA: dict[str, float] = {
    "perforation": 1.8,
    "detached_spall": 2.2,
    "incipient_spall": 3.0,
}

#: Same ratios for titanium: Handbook §4.1 (Ratliff 2008, quoted by [1]).
_CRITERIA_TITANIUM: dict[str, float] = {
    "perforation": 1.8,
    "detached_spall": 2.4,
    "incipient_spall": 3.0,
}

#: Fish–Summers constant K [cm / (g/cm³)^0.148 / g^0.352 / (km/s)^0.875], Cour-Palais
#: 1987 eq (3) [3], after Naumann & Jex (1969) and Frost (1970, NASA SP-8042).
FISH_SUMMERS_K: dict[str, float] = {
    "Al 2024-T3": 0.54,
    "Al 1100-O": 0.52,
}

#: Cour-Palais / Christiansen coefficient, Handbook eqs (4-1)/(4-2) [1].
_CP_COEFF = 5.24
#: Projectile-to-target density ratio at which the exponent switches 1/2 -> 2/3 [1].
_CP_DENSITY_SWITCH = 1.5
#: CRES 15-5PH critical-diameter equation constants as printed, Handbook §4.1 [1].
_CRES_COEFF, _CRES_T_EXP, _CRES_RHO_EXP, _CRES_V_EXP = 1.57, 18.0 / 19.0, 0.474, 0.632
#: Fiberglass critical-diameter coefficient as printed, Handbook §4.1 [1]
#: (= 1 / (1.8 * 0.434) of its penetration equation).
_FIBERGLASS_COEFF = 1.28
#: MLI-on-wall correction coefficient and exponents, Handbook eq (4-20) [1].
_MLI_COEFF, _MLI_RHO_EXP, _MLI_V_EXP = 2.2, 0.47, 0.63


# --------------------------------------------------------------------------- helpers
# (shared with impactrisk.ble.whipple)

def _array(value, name: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a number or an array of numbers, got {value!r}"
        ) from None


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> float:
    return float(np.atleast_1d(arr)[np.atleast_1d(bad)][0])


def _positive(value, name: str) -> np.ndarray:
    arr = _array(value, name)
    bad = arr <= 0  # NaN compares False: NaN is allowed and propagates
    if np.any(bad):
        raise InputError(f"{name} must be > 0, got {_first_bad(arr, bad):g}")
    return arr


def _non_negative(value, name: str) -> np.ndarray:
    arr = _array(value, name)
    bad = arr < 0
    if np.any(bad):
        raise InputError(f"{name} must be >= 0, got {_first_bad(arr, bad):g}")
    return arr


def _impact(v_km_s, angle_deg, rho_p_g_cm3):
    """Validate the impact inputs; return float arrays (v, angle, rho_p)."""
    v = _non_negative(v_km_s, "v_km_s")
    angle = _array(angle_deg, "angle_deg")
    bad = (angle < 0) | (angle > 90)
    if np.any(bad):
        raise InputError(
            "angle_deg must lie in [0, 90] degrees from the surface normal, "
            f"got {_first_bad(angle, bad):g}"
        )
    rho_p = _positive(rho_p_g_cm3, "rho_p_g_cm3")
    return v, angle, rho_p


def _cutoff(angle_cutoff_deg) -> float:
    try:
        cut = float(angle_cutoff_deg)
    except (TypeError, ValueError):
        raise InputError(
            f"angle_cutoff_deg must be a number of degrees, got {angle_cutoff_deg!r}"
        ) from None
    if not 0.0 <= cut <= 90.0:
        raise InputError(f"angle_cutoff_deg must lie in [0, 90], got {cut:g}")
    return cut


def _cos_capped(angle: np.ndarray, cutoff: float) -> np.ndarray:
    """cos of min(angle, cutoff); exactly 0 at 90° (NaN propagates)."""
    theta = np.minimum(angle, cutoff)
    return np.where(theta >= 90.0, 0.0, np.cos(np.deg2rad(theta)))


def _criterion_ratio(criterion: str, table: dict[str, float], model: str) -> float:
    key = str(criterion).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in table:
        allowed = ", ".join(table)
        raise InputError(f"{model}: criterion must be one of {allowed}; got {criterion!r}")
    return table[key]


def _out(arr: np.ndarray):
    """Return a NumPy scalar for 0-d results, the array otherwise."""
    return arr[()]


# ------------------------------------------------------------- Cour-Palais aluminium

def _cp_density_term(rho_p: np.ndarray, rho_t: np.ndarray) -> np.ndarray:
    """(rho_p/rho_t)^beta with beta = 1/2 below a ratio of 1.5 and 2/3 at or above it."""
    ratio = rho_p / rho_t
    beta = np.where(ratio < _CP_DENSITY_SWITCH, 0.5, 2.0 / 3.0)
    return ratio**beta


def penetration_depth_cm(d_cm, v_km_s, angle_deg, rho_p_g_cm3, rho_t_g_cm3, bhn,
                         c_km_s, angle_cutoff_deg=90.0):
    r"""Semi-infinite crater depth P∞ of the Cour-Palais / Christiansen equation.

    Parameters
    ----------
    d_cm : array_like
        Projectile diameter [cm].
    v_km_s : array_like
        Impact speed [km/s].
    angle_deg : array_like
        Impact angle from the surface normal [deg], in [0, 90].
    rho_p_g_cm3 : array_like
        Projectile density [g/cm³].
    rho_t_g_cm3 : array_like
        Target density [g/cm³].
    bhn : array_like
        Target Brinell hardness [-].
    c_km_s : array_like
        Speed of sound in the target [km/s].
    angle_cutoff_deg : float, default 90
        Angles above this are evaluated at the cut-off [deg].

    Returns
    -------
    numpy.ndarray or numpy.float64
        P∞ [cm]; 0 at zero normal speed, NaN where an input is NaN.

    Notes
    -----
    Handbook eqs (4-1)/(4-2) [1]_, BLAP TM eqs (1)/(2) [2]_:

    .. math::

        P_\infty = 5.24\, d^{19/18}\, \mathrm{BHN}^{-1/4}
                   (\rho_p/\rho_t)^{\beta} (V\cos\theta / C)^{2/3},
        \quad \beta = 1/2 \ (\rho_p/\rho_t < 1.5),\ 2/3 \ (\ge 1.5)

    References
    ----------
    .. [1] NASA/TM-2009-214785 (``christiansen2009handbook``), §4.1.1.
    .. [2] NASA/TM-2009-214789 (``ryan2010blap``).
    """
    d = _positive(d_cm, "d_cm")
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    rho_t = _positive(rho_t_g_cm3, "rho_t_g_cm3")
    hb = _positive(bhn, "bhn")
    c = _positive(c_km_s, "c_km_s")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    p = (_CP_COEFF * d ** (19.0 / 18.0) * hb**-0.25 * _cp_density_term(rho_p, rho_t)
         * (vn / c) ** (2.0 / 3.0))
    return _out(np.asarray(p))


def cour_palais_christiansen(v_km_s, angle_deg, rho_p_g_cm3, t_cm, rho_t_g_cm3, bhn,
                             c_km_s, criterion="perforation", angle_cutoff_deg=90.0,
                             mli_areal_density_g_cm2=0.0):
    r"""Critical diameter of a monolithic aluminium wall (Cour-Palais / Christiansen).

    Parameters
    ----------
    v_km_s : array_like
        Impact speed [km/s], >= 0.
    angle_deg : array_like
        Impact angle from the surface normal [deg], in [0, 90].
    rho_p_g_cm3 : array_like
        Projectile density [g/cm³], > 0.
    t_cm : array_like
        Wall thickness [cm], > 0.
    rho_t_g_cm3 : array_like
        Wall density [g/cm³], > 0.
    bhn : array_like
        Wall Brinell hardness [-], > 0.
    c_km_s : array_like
        Speed of sound in the wall [km/s], > 0.
    criterion : {"perforation", "detached_spall", "incipient_spall"}
        Failure criterion: t = k P∞ with k = 1.8, 2.2, 3.0 (hyphens accepted).
    angle_cutoff_deg : float, default 90
        Cut-off angle [deg]; ``d_crit`` is held at its cut-off value beyond it.
        The Handbook uses none (validated to > 85°); BUMPER single-wall
        validation runs used 60°.
    mli_areal_density_g_cm2 : array_like, default 0
        Areal density of a multi-layer insulation blanket lying directly on the
        wall [g/cm²]; adds the Handbook eq (4-20) term.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm]; ``inf`` at zero normal speed, NaN where an input is NaN.

    Raises
    ------
    impactrisk.errors.InputError
        Non-positive thickness, density, hardness or sound speed; negative speed or
        MLI areal density; angle outside [0, 90]; unknown criterion.

    Notes
    -----
    Inverse of :func:`penetration_depth_cm` with t = k P∞, Handbook eqs
    (4-3)-(4-6) [1]_, BLAP TM eq (6) [2]_:

    .. math::

        d_c = \left[\frac{t}{k\, 5.24\, \mathrm{BHN}^{-1/4} (\rho_p/\rho_t)^{\beta}
              (V\cos\theta/C)^{2/3}}\right]^{18/19}

    so the density factor is :math:`(\rho_t/\rho_p)^{1/2}` for
    :math:`\rho_p/\rho_t < 1.5` and :math:`(\rho_t/\rho_p)^{2/3}` at or above 1.5.
    BLAP TM eq (7) prints the exponent of the dense branch as 3/2; that contradicts
    its own eq (2), of which eq (7) is the inverse, and is taken to be a misprint:
    2/3 is used. ``d_crit`` is discontinuous at ρp/ρt = 1.5 by construction.

    With MLI directly on the wall, Handbook eq (4-20):
    :math:`d_c = 2.2\, m_{MLI}\, \rho_p^{-0.47} (V\cos\theta)^{-0.63} + d_c(\text{no MLI})`.

    Validity (Handbook Table 4-1): aluminium targets; 0° to beyond 85° (slightly
    over-predicts depth above 45°); validated below 8 km/s (expected conservative
    above); projectile diameters 0.05-1.27 cm of aluminium, glass, steel, copper.
    Meteoroid speeds (11-72 km/s) are an extrapolation, as in BUMPER.

    References
    ----------
    .. [1] NASA/TM-2009-214785 (``christiansen2009handbook``), §4.1.1, eqs (4-1)-(4-6), (4-20).
    .. [2] NASA/TM-2009-214789 (``ryan2010blap``), eqs (1)-(7), Table 2.

    Examples
    --------
    1 mm AMg6 wall, 1 g/cm³ meteoroid at 20 km/s, normal impact:

    >>> from impactrisk.ble.materials import get_material
    >>> m = get_material("AMg6")
    >>> d = cour_palais_christiansen(20.0, 0.0, 1.0, 0.1, m.density_g_cm3, m.bhn,
    ...                              m.sound_speed_km_s)
    >>> print(f"{10 * d:.4f} mm")
    0.2472 mm
    """
    k = _criterion_ratio(criterion, CRITERIA, "cour_palais_christiansen")
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    t = _positive(t_cm, "t_cm")
    rho_t = _positive(rho_t_g_cm3, "rho_t_g_cm3")
    hb = _positive(bhn, "bhn")
    c = _positive(c_km_s, "c_km_s")
    m_mli = _non_negative(mli_areal_density_g_cm2, "mli_areal_density_g_cm2")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = (k * _CP_COEFF * hb**-0.25 * _cp_density_term(rho_p, rho_t)
                 * (vn / c) ** (2.0 / 3.0))
        d_c = (t / denom) ** (18.0 / 19.0)
        mli = _MLI_COEFF * m_mli * rho_p**-_MLI_RHO_EXP * vn**-_MLI_V_EXP
    d_c = d_c + np.where(m_mli > 0, mli, 0.0 * m_mli)
    return _out(np.asarray(d_c))


# ------------------------------------------------------------------ other single walls

def titanium_single_wall(v_km_s, angle_deg, rho_p_g_cm3, t_cm, rho_t_g_cm3, bhn, c_km_s,
                         criterion="perforation", angle_cutoff_deg=90.0):
    r"""Critical diameter of a monolithic titanium wall.

    Parameters
    ----------
    v_km_s, angle_deg, rho_p_g_cm3 : array_like
        Impact speed [km/s], angle from the normal [deg], projectile density [g/cm³].
    t_cm : array_like
        Wall thickness [cm].
    rho_t_g_cm3 : array_like
        Wall density [g/cm³].
    bhn : array_like
        Wall Brinell hardness [-].
    c_km_s : array_like
        Speed of sound in the wall [km/s].
    criterion : {"perforation", "detached_spall", "incipient_spall"}
        t = k P with k = 1.8, 2.4, 3.0.
    angle_cutoff_deg : float, default 90
        Cut-off angle [deg] (none in the source).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm]; ``inf`` at zero normal speed.

    Notes
    -----
    Handbook §4.1 [1]_ (Ratliff 2008): the aluminium equation with projectile
    diameter to the first power instead of 19/18 and k = 1.8 / 2.4 / 3.0:

    .. math::

        P = 5.24\, d\, \mathrm{BHN}^{-1/4} (\rho_p/\rho_t)^{1/2} (V\cos\theta/C)^{2/3},
        \qquad d_c = \frac{t}{k\, 5.24\, \mathrm{BHN}^{-1/4} (\rho_p/\rho_t)^{1/2}
                     (V\cos\theta/C)^{2/3}}

    The full form (constant 5.24, BHN and C terms, density exponent 1/2 with no
    dense-projectile branch) was checked against the pyBLOSSUM implementation
    (``ryan_pyblossum``); the Handbook page itself was not available for checking.

    References
    ----------
    .. [1] NASA/TM-2009-214785 (``christiansen2009handbook``), §4.1.
    """
    k = _criterion_ratio(criterion, _CRITERIA_TITANIUM, "titanium_single_wall")
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    t = _positive(t_cm, "t_cm")
    rho_t = _positive(rho_t_g_cm3, "rho_t_g_cm3")
    hb = _positive(bhn, "bhn")
    c = _positive(c_km_s, "c_km_s")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    with np.errstate(divide="ignore"):
        d_c = t / (k * _CP_COEFF * hb**-0.25 * (rho_p / rho_t) ** 0.5
                   * (vn / c) ** (2.0 / 3.0))
    return _out(np.asarray(d_c))


def cres_single_wall(v_km_s, angle_deg, rho_p_g_cm3, t_cm, rho_t_g_cm3,
                     angle_cutoff_deg=90.0):
    r"""Perforation limit of a CRES 15-5PH stainless-steel wall.

    Parameters
    ----------
    v_km_s, angle_deg, rho_p_g_cm3 : array_like
        Impact speed [km/s], angle from the normal [deg], projectile density [g/cm³].
    t_cm : array_like
        Wall thickness [cm].
    rho_t_g_cm3 : array_like
        Wall density [g/cm³].
    angle_cutoff_deg : float, default 90
        Cut-off angle [deg] (none in the source).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm] (perforation only); ``inf`` at zero normal speed.

    Notes
    -----
    Handbook §4.1 [1]_, critical-diameter form as printed:

    .. math::

        d_c = 1.57\, t^{18/19} (\rho_t/\rho_p)^{0.474} (V\cos\theta)^{-0.632}

    It is the inverse of t = 1.8 P with P = K d^{19/18} (ρp/ρt)^{1/2} (V cos θ)^{2/3}
    and K ≈ 0.345 (the value in pyBLOSSUM, ``ryan_pyblossum``). The coefficient
    0.434 of the fiberglass equation, sometimes quoted for steel too, would give
    1.26 instead of 1.57, so the printed critical-diameter equation is implemented.
    Only the perforation criterion is given.

    References
    ----------
    .. [1] NASA/TM-2009-214785 (``christiansen2009handbook``), §4.1.
    """
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    t = _positive(t_cm, "t_cm")
    rho_t = _positive(rho_t_g_cm3, "rho_t_g_cm3")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    with np.errstate(divide="ignore"):
        d_c = (_CRES_COEFF * t**_CRES_T_EXP * (rho_t / rho_p) ** _CRES_RHO_EXP
               * vn**-_CRES_V_EXP)
    return _out(np.asarray(d_c))


def fiberglass_single_wall(v_km_s, angle_deg, rho_p_g_cm3, t_cm, rho_t_g_cm3,
                           angle_cutoff_deg=90.0):
    r"""Perforation limit of a fiberglass wall.

    Parameters
    ----------
    v_km_s, angle_deg, rho_p_g_cm3 : array_like
        Impact speed [km/s], angle from the normal [deg], projectile density [g/cm³].
    t_cm : array_like
        Wall thickness [cm].
    rho_t_g_cm3 : array_like
        Wall density [g/cm³].
    angle_cutoff_deg : float, default 90
        Cut-off angle [deg] (none in the source).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm] (perforation only); ``inf`` at zero normal speed.

    Notes
    -----
    Handbook §4.1 [1]_: P = 0.434 d (ρp/ρt)^{1/2} (V cos θ)^{2/3}, t = 1.8 P, so

    .. math::

        d_c = 1.28\, t\, (\rho_t/\rho_p)^{1/2} (V\cos\theta)^{-2/3}

    (1.28 = 1/(1.8 × 0.434) to the printed precision).

    References
    ----------
    .. [1] NASA/TM-2009-214785 (``christiansen2009handbook``), §4.1.
    """
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    t = _positive(t_cm, "t_cm")
    rho_t = _positive(rho_t_g_cm3, "rho_t_g_cm3")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    with np.errstate(divide="ignore"):
        d_c = _FIBERGLASS_COEFF * t * (rho_t / rho_p) ** 0.5 * vn ** (-2.0 / 3.0)
    return _out(np.asarray(d_c))


# ------------------------------------------------------------------------ Fish-Summers

def fish_summers_k(material: str) -> float:
    """Fish–Summers constant K for a material name (Al 2024-T3 or Al 1100-O only).

    Raises
    ------
    impactrisk.errors.InputError
        For any other material: K is published only for these two alloys.
    """
    mat = get_material(material)
    if mat.name not in FISH_SUMMERS_K:
        known = ", ".join(f"{n} (K={k})" for n, k in FISH_SUMMERS_K.items())
        raise InputError(f"the Fish-Summers K is published only for {known}; "
                         f"got {mat.name}")
    return FISH_SUMMERS_K[mat.name]


def fish_summers(v_km_s, angle_deg, rho_p_g_cm3, t_cm, k_fs, angle_cutoff_deg=90.0):
    r"""Critical diameter from the Fish–Summers thin-plate perforation equation.

    Parameters
    ----------
    v_km_s, angle_deg, rho_p_g_cm3 : array_like
        Impact speed [km/s], angle from the normal [deg], projectile density [g/cm³].
    t_cm : array_like
        Plate thickness [cm].
    k_fs : array_like
        Material constant K (see :data:`FISH_SUMMERS_K`: 0.54 for Al 2024-T3, 0.52
        for Al 1100-O).
    angle_cutoff_deg : float, default 90
        Cut-off angle [deg].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``d_crit_cm`` [cm]; ``inf`` at zero normal speed.

    Notes
    -----
    Cour-Palais 1987 eq (3) [1]_: :math:`t = K \rho_p^{0.148} m^{0.352} V^{0.875}`
    (t cm, ρp g/cm³, m g, V km/s), solved for the mass and converted to the
    diameter of a sphere, :math:`m = (\pi/6) \rho_p d^3`:

    .. math::

        d_c = \left[\frac{6}{\pi\rho_p}
              \left(\frac{t}{K \rho_p^{0.148} V_n^{0.875}}\right)^{1/0.352}\right]^{1/3}

    *Assumption:* the source states the equation for normal impact; V is replaced
    by the normal component V_n = V cos θ, as in the other equations here.
    Naumann & Jex (1969) found that it cannot be extrapolated to very thin
    metallic sheets.

    References
    ----------
    .. [1] B. G. Cour-Palais, Int. J. Impact Eng. 5 (1987) 221-237
       (``courpalais1987``), eq (3).
    """
    v, angle, rho_p = _impact(v_km_s, angle_deg, rho_p_g_cm3)
    t = _positive(t_cm, "t_cm")
    k = _positive(k_fs, "k_fs")
    vn = v * _cos_capped(angle, _cutoff(angle_cutoff_deg))
    with np.errstate(divide="ignore"):
        mass_g = (t / (k * rho_p**0.148 * vn**0.875)) ** (1.0 / 0.352)
    d_c = np.cbrt(6.0 * mass_g / (np.pi * rho_p))
    return _out(np.asarray(d_c))
