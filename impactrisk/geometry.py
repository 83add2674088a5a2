"""Spacecraft geometry: faceted surfaces, the shields behind them, and the frames that
place a docked vehicle on the station and the station in LVLH.

Surfaces
--------
A module is a :class:`SurfaceSet`: flat elements (outward unit normal, area) in the
*vehicle frame*, each belonging to a named surface and protected by a :class:`Shield`
(a ballistic limit for one failure criterion). Curved parts are faceted: a cylinder
band or a tube becomes facets whose areas are their share of the *curved surface*
area, so that the sum over facets of ``area * max(0, -u.n)`` is the projected area of
the curved surface seen by particles travelling along ``u`` (a midpoint rule in the
azimuth; 36 facets per circumference put it within 0.3 % of the exact value, 72
within 0.07 %).

An element may also carry the outward normal of a *wall it sits on*: a half tube on a
panel (a radiator coolant channel) cannot be reached by particles arriving from behind
that panel, although some of its facets face sideways. :func:`impact_cosine` applies
that mask; ``SurfaceSet.projected_area_m2`` uses it.

Builders return small sets that :func:`combine` merges: :func:`flat_panel`,
:func:`disk`, :func:`cylinder_band`, :func:`tube` and :func:`radiator` (coolant channels
as half tubes on a panel, plus the panel itself).

Shields
-------
:func:`single_wall_shield`, :func:`whipple_shield` and :func:`radiator_shields` build
:class:`Shield` objects whose ``d_crit_cm(v_km_s, angle_deg, rho_g_cm3)`` calls the
ballistic limit registry :func:`impactrisk.ble.critical_diameter_cm` with the wall
properties of :func:`impactrisk.ble.materials.get_material`.

Frames
------
* LVLH (physics brief, convention 1): +X ram, +Y = -orbit normal, +Z nadir.
* ISS body frame (:data:`ISS_BODY_AXES`, Space Station Analysis Coordinate System):
  +X forward, +Y starboard, +Z nadir; in +XVV at zero attitude it coincides with LVLH.
* Vehicle frame of a docked vehicle: +x_v along the docking axis pointing away from
  the station (the port's outward direction), +y_v the port's clocking reference
  rotated by the clocking angle about +x_v, +z_v = x_v × y_v.

``normals_lvlh = body_to_lvlh(yaw, pitch, roll) @ vehicle_to_body(port, clocking) @
normals_vehicle`` (:func:`vehicle_to_lvlh`).

Everything here is pure numpy: no file access, no printing, no global state.

References
----------
.. [1] E. L. Christiansen et al., NASA/TM-2009-214785, 2009 (``christiansen2009handbook``).
.. [2] S. Ryan and E. L. Christiansen, NASA/TM-2009-214789, 2010 (``ryan2010blap``).
.. [3] ISS GNC training manual, appendix C "Station reference frames"
   (``nasa_iss_gnc_appendix_c``).
.. [4] R. Dempsey (ed.), *The International Space Station: Operating an Outpost in the
   New Frontier*, NASA SP-2017-634, 2018, ch. 7 (``dempsey2018outpost``).
.. [5] J. R. Wertz (ed.), *Spacecraft Attitude Determination and Control*, Reidel, 1978,
   ch. 2 (``wertz1978``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from impactrisk.ble import angle_cutoff_used, critical_diameter_cm
from impactrisk.ble.materials import Material, get_material
from impactrisk.ble.single_wall import CRITERIA as _AL_CRITERIA_K
from impactrisk.errors import InputError

__all__ = [
    "AttitudeSegment",
    "AttitudeTimeline",
    "CRITERIA",
    "Facets",
    "ISS_BODY_AXES",
    "PORTS",
    "Port",
    "ROLES",
    "Shield",
    "SurfacePart",
    "SurfaceSet",
    "TEA_SEGMENT",
    "TEA_YPR_DEG",
    "band_facets",
    "body_to_lvlh",
    "combine",
    "cylinder_band",
    "disk",
    "flat_facets",
    "flat_panel",
    "get_port",
    "impact_cosine",
    "lvlh_to_body",
    "radiator",
    "radiator_shields",
    "single_wall_shield",
    "tube",
    "vehicle_to_body",
    "vehicle_to_lvlh",
    "whipple_shield",
]

#: Failure criteria a :class:`Shield` may stand for.
CRITERIA = ("leak", "perforation", "detached-spall", "incipient-spall")
#: Roles of a surface: "vulnerable" counts for the module's failure number (e.g. the
#: coolant leak); "reported" is shown beside it, clearly labelled (e.g. panel perforation).
ROLES = ("vulnerable", "reported")

#: Millimetres per centimetre (the ballistic limit equations take cm).
_MM_PER_CM = 10.0
#: Tolerance on |n| = 1 and on orthonormality of rotations: float64 round-off of
#: normals built from sines and cosines, with margin.
_UNIT_TOL = 1e-9
#: Below this a projected vector counts as zero (a direction parallel to an axis).
_TINY = 1e-12


def _canonical(text: str) -> str:
    return str(text).strip().lower().replace("_", "-").replace(" ", "-")


# =============================================================================== shields


@dataclass(frozen=True)
class _LimitCall:
    """Picklable ``d_crit_cm(v, angle, rho)`` calling one registry model with fixed walls."""

    model: str
    params: tuple[tuple[str, Any], ...]

    def __call__(self, v_km_s, angle_deg, rho_g_cm3):
        return critical_diameter_cm(self.model, v_km_s, angle_deg, rho_g_cm3,
                                    **dict(self.params))


@dataclass(frozen=True)
class _AtLeast:
    """``max(limit(v, angle, rho), d_min_cm)``: a ballistic limit with a size floor."""

    limit: Callable[..., Any]
    d_min_cm: float

    def __call__(self, v_km_s, angle_deg, rho_g_cm3):
        return np.maximum(self.limit(v_km_s, angle_deg, rho_g_cm3), self.d_min_cm)


@dataclass(frozen=True)
class Shield:
    """What stands between a particle and the failure: a ballistic limit for one criterion.

    Attributes
    ----------
    name : str
        E.g. ``"radiator channel (leak)"`` or ``"radiator panel (perforation)"``.
    criterion : str
        One of :data:`CRITERIA`: ``"leak"``, ``"perforation"``, ``"detached-spall"``,
        ``"incipient-spall"``.
    description : str
        Walls (thickness, material), configuration, equation, criterion, cut-off angle
        and the assumptions taken, in one line.
    d_crit_cm : callable
        ``d_crit_cm(v_km_s, angle_deg, rho_g_cm3) -> d_crit_cm`` [cm], broadcasting
        (speed [km/s], impact angle from the normal [deg], projectile density [g/cm³]).
    angle_cutoff_deg : float
        Impact angle [deg] beyond which ``d_crit`` is held at its cut-off value
        (90 = none).
    reference : str
        BibTeX keys of the equation and the material data, comma-separated.
    """

    name: str
    criterion: str
    description: str
    d_crit_cm: Callable[..., Any]
    angle_cutoff_deg: float
    reference: str

    def __post_init__(self):
        crit = _canonical(self.criterion)
        if crit not in CRITERIA:
            raise InputError(f"shield {self.name!r}: criterion must be one of "
                             f"{', '.join(CRITERIA)}; got {self.criterion!r}")
        object.__setattr__(self, "criterion", crit)
        if not callable(self.d_crit_cm):
            raise InputError(f"shield {self.name!r}: d_crit_cm must be callable "
                             f"(v_km_s, angle_deg, rho_g_cm3) -> cm, got "
                             f"{type(self.d_crit_cm).__name__}")
        try:
            cut = float(self.angle_cutoff_deg)
        except (TypeError, ValueError):
            raise InputError(f"shield {self.name!r}: angle_cutoff_deg must be a number of "
                             f"degrees, got {self.angle_cutoff_deg!r}") from None
        if not 0.0 <= cut <= 90.0:
            raise InputError(f"shield {self.name!r}: angle_cutoff_deg must lie in "
                             f"[0, 90], got {cut:g}")
        object.__setattr__(self, "angle_cutoff_deg", cut)

    def with_min_diameter(self, d_min_cm: float, *, label: str | None = None) -> "Shield":
        """The same shield counting only particles of at least ``d_min_cm`` [cm].

        ``d_crit = max(d_crit, d_min_cm)``: e.g. the "hole as wide as the projectile"
        end of the hole-size bracket (physics brief A.1.5, :mod:`impactrisk.ble.holes`).
        """
        d_min = float(d_min_cm)
        if not d_min >= 0.0:
            raise InputError(f"d_min_cm must be >= 0 cm, got {d_min_cm!r}")
        text = label or f"particles of at least {d_min * _MM_PER_CM:g} mm"
        return Shield(f"{self.name} [{text}]", self.criterion,
                      f"{self.description}; counting only {text}",
                      _AtLeast(self.d_crit_cm, d_min), self.angle_cutoff_deg,
                      self.reference)


_SINGLE_WALL_CRITERIA = ("perforation", "detached-spall", "incipient-spall")


def _material(material: str | Material, what: str) -> Material:
    if isinstance(material, Material):
        return material
    try:
        return get_material(material)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None


def _thickness_cm(value_mm, name: str, *, allow_zero: bool = False) -> float:
    try:
        t = float(value_mm)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a thickness in mm, got {value_mm!r}") from None
    ok = t >= 0.0 if allow_zero else t > 0.0
    if not (ok and math.isfinite(t)):
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"{name} must be {bound} mm, got {value_mm!r}")
    return t / _MM_PER_CM


def _cutoff_text(cut: float) -> str:
    return "no angle cut-off" if cut >= 90.0 else f"angle cut-off {cut:g} deg"


def _single_wall_limit(t_cm: float, mat: Material, criterion: str,
                       angle_cutoff_deg: float | None) -> tuple[_LimitCall, str, float]:
    """Registry call, equation label and cut-off of a monolithic wall of ``mat``."""
    crit = _canonical(criterion)
    if crit not in _SINGLE_WALL_CRITERIA:
        raise InputError(f"single-wall criterion must be one of "
                         f"{', '.join(_SINGLE_WALL_CRITERIA)}; got {criterion!r}")
    ble_crit = crit.replace("-", "_")
    if mat.family == "aluminium":
        model = "cour_palais_christiansen"
        params = dict(t_cm=t_cm, rho_t_g_cm3=mat.density_g_cm3, bhn=mat.bhn,
                      c_km_s=mat.sound_speed_km_s, criterion=ble_crit)
        label = (f"Cour-Palais/Christiansen, {crit} (t = {_AL_CRITERIA_K[ble_crit]:g} P_inf, "
                 "Handbook eqs 4-1 to 4-6)")
    elif mat.family == "titanium":
        model = "titanium_single_wall"
        params = dict(t_cm=t_cm, rho_t_g_cm3=mat.density_g_cm3, bhn=mat.bhn,
                      c_km_s=mat.sound_speed_km_s, criterion=ble_crit)
        label = f"titanium single wall (Handbook 4.1), {crit}"
    elif mat.family == "steel":
        if crit != "perforation":
            raise InputError(f"the CRES single-wall equation has a perforation criterion "
                             f"only; got {criterion!r} for {mat.name}")
        model = "cres_single_wall"
        params = dict(t_cm=t_cm, rho_t_g_cm3=mat.density_g_cm3)
        label = "CRES 15-5PH single wall (Handbook 4.1), perforation"
    else:  # pragma: no cover - every tabulated material has one of the families above
        raise InputError(f"no single-wall equation for material family {mat.family!r}")
    missing = [k for k, v in params.items() if v is None]
    if missing:
        raise InputError(f"material {mat.name} lacks {', '.join(missing)} needed by {model}")
    if angle_cutoff_deg is not None:
        params["angle_cutoff_deg"] = float(angle_cutoff_deg)
    cut = angle_cutoff_used(model, **params)
    return _LimitCall(model, tuple(params.items())), label, cut


def _references(*keys: str) -> str:
    return ", ".join(dict.fromkeys(k for k in keys if k))


def single_wall_shield(name: str, wall_mm: float, material: str | Material, *,
                       criterion: str = "perforation",
                       angle_cutoff_deg: float | None = None) -> Shield:
    """A monolithic wall: Cour-Palais/Christiansen (aluminium), titanium or CRES.

    Parameters
    ----------
    name : str
        Shield name.
    wall_mm : float
        Wall thickness [mm], > 0.
    material : str or Material
        Wall material by name (``"amg6"``, ``"al6061-t6"``...), see
        :func:`impactrisk.ble.materials.get_material`; its family picks the equation.
    criterion : {"perforation", "detached-spall", "incipient-spall"}
        Failure criterion (aluminium: t = 1.8 / 2.2 / 3.0 P∞).
    angle_cutoff_deg : float, optional
        Impact-angle cut-off [deg]; default that of the equation (none).

    Returns
    -------
    Shield

    References
    ----------
    NASA/TM-2009-214785 §4.1 (``christiansen2009handbook``); material data BLAP TM
    Table 1 (``ryan2010blap``).
    """
    mat = _material(material, f"shield {name!r}")
    t_cm = _thickness_cm(wall_mm, f"shield {name!r}: wall_mm")
    call, label, cut = _single_wall_limit(t_cm, mat, criterion, angle_cutoff_deg)
    desc = f"single wall {t_cm * _MM_PER_CM:g} mm {mat.name}; {label}; {_cutoff_text(cut)}"
    return Shield(name, _canonical(criterion), desc, call, cut,
                  _references("christiansen2009handbook", mat.reference))


def _whipple_limit(t_b_cm: float, bumper: Material, t_w_cm: float, wall: Material,
                   s_cm: float, angle_cutoff_deg: float | None,
                   bumper_correction: bool) -> tuple[_LimitCall, float]:
    for role, mat in (("bumper", bumper), ("rear wall", wall)):
        if mat.family != "aluminium":
            raise InputError(f"the JSC Whipple equation is for aluminium walls; "
                             f"{role} material is {mat.name} ({mat.family})")
    if wall.yield_ksi is None:
        raise InputError(f"rear-wall material {wall.name} has no yield strength "
                         "(needed by the Whipple equation)")
    params: dict[str, Any] = dict(t_b_cm=t_b_cm, rho_b_g_cm3=bumper.density_g_cm3,
                                  t_w_cm=t_w_cm, sigma_ksi=wall.yield_ksi, s_cm=s_cm,
                                  bumper_correction=bool(bumper_correction))
    if angle_cutoff_deg is not None:
        params["angle_cutoff_deg"] = float(angle_cutoff_deg)
    cut = angle_cutoff_used("christiansen_whipple", **params)
    return _LimitCall("christiansen_whipple", tuple(params.items())), cut


def whipple_shield(name: str, bumper_mm: float, wall_mm: float, standoff_mm: float,
                   material: str | Material, *, bumper_material: str | Material | None = None,
                   angle_cutoff_deg: float | None = None,
                   bumper_correction: bool = True) -> Shield:
    """An aluminium Whipple shield (JSC / Christiansen equation).

    Parameters
    ----------
    name : str
        Shield name.
    bumper_mm, wall_mm, standoff_mm : float
        Bumper and rear-wall thickness and standoff [mm], > 0.
    material : str or Material
        Rear-wall material (density and yield strength are used).
    bumper_material : str or Material, optional
        Bumper material; default ``material``.
    angle_cutoff_deg : float, optional
        Cut-off [deg]; default 65 (Handbook).
    bumper_correction : bool, default True
        Apply the thin-bumper correction, Handbook eqs (4-27)-(4-32).

    Returns
    -------
    Shield
        Criterion ``"perforation"``: the equation's failure is rear-wall perforation
        or detached spall (Handbook §4.2).

    References
    ----------
    NASA/TM-2009-214785 §4.2 (``christiansen2009handbook``), ``christiansen1993``.
    """
    wall = _material(material, f"shield {name!r}")
    bumper = wall if bumper_material is None else _material(bumper_material,
                                                            f"shield {name!r}")
    t_b = _thickness_cm(bumper_mm, f"shield {name!r}: bumper_mm")
    t_w = _thickness_cm(wall_mm, f"shield {name!r}: wall_mm")
    s = _thickness_cm(standoff_mm, f"shield {name!r}: standoff_mm")
    call, cut = _whipple_limit(t_b, bumper, t_w, wall, s, angle_cutoff_deg,
                               bumper_correction)
    desc = (f"Whipple: bumper {t_b * _MM_PER_CM:g} mm {bumper.name}, standoff "
            f"{s * _MM_PER_CM:g} mm, rear wall {t_w * _MM_PER_CM:g} mm {wall.name} "
            f"(yield {wall.yield_ksi:g} ksi); JSC/Christiansen, rear-wall perforation or "
            f"detached spall (Handbook 4.2); {_cutoff_text(cut)}")
    return Shield(name, "perforation", desc, call, cut,
                  _references("christiansen2009handbook", "christiansen1993",
                              bumper.reference, wall.reference))


def radiator_shields(name: str, *, facesheet_mm: float, wall_mm: float, gap_mm: float,
                     material: str | Material, criterion: str = "perforation",
                     facesheet_material: str | Material | None = None,
                     angle_cutoff_deg: float | None = None) -> tuple[Shield, Shield]:
    """Ballistic limits of a radiator's coolant channels (leak) and of its panel.

    Parameters
    ----------
    name : str
        Radiator name; the shields are ``"<name> channel (leak)"`` and
        ``"<name> panel (perforation)"``.
    facesheet_mm : float
        Skin over the channels [mm], >= 0 (0: the channels are exposed).
    wall_mm : float
        Channel wall thickness [mm], > 0.
    gap_mm : float
        Gap between facesheet and channel wall [mm], >= 0 (0: bonded).
    material : str or Material
        Channel wall material (and the facesheet's unless ``facesheet_material``).
    criterion : {"perforation", "detached-spall", "incipient-spall"}
        What of the channel wall counts as a leak: perforation (default, k = 1.8)
        or, more conservatively, detached spall (k = 2.2).
    facesheet_material : str or Material, optional
        Facesheet material; default ``material``.
    angle_cutoff_deg : float, optional
        Cut-off [deg] for both shields; default that of each equation.

    Returns
    -------
    (Shield, Shield)
        The channel shield (criterion ``"leak"``) and the panel shield (criterion
        ``"perforation"``).

    Notes
    -----
    No published radiator flow-tube ballistic limit was found (physics brief §6.5);
    the substitutes are:

    * ``facesheet_mm == 0``: the channel wall is a single wall (Cour-Palais /
      Christiansen for aluminium) of ``wall_mm``;
    * facesheet bonded (``gap_mm == 0``): a single wall of the summed thickness
      ``facesheet_mm + wall_mm`` (*assumption*, §6.5: the skin over a tube treated as
      wall), with the channel wall's material;
    * ``gap_mm > 0``: a Whipple shield, bumper = facesheet, rear wall = channel wall,
      standoff = gap (§6.4). *Validity:* the JSC equation was fitted to standoffs of
      centimetres, where the debris cloud spreads; a gap of millimetres is far outside
      that range, and its hypervelocity term goes to zero with the standoff. Its failure
      criterion is rear-wall perforation or detached spall, whatever ``criterion`` says
      (``"incipient-spall"`` is refused).

    The panel (reported) is a single wall of the facesheet, or of the channel wall
    thickness where there is no facesheet (the channel-free skin is assumed as thick as
    the channel wall), perforation criterion.
    """
    wall = _material(material, f"radiator {name!r}")
    face = wall if facesheet_material is None else _material(facesheet_material,
                                                             f"radiator {name!r}")
    t_f = _thickness_cm(facesheet_mm, f"radiator {name!r}: facesheet_mm", allow_zero=True)
    t_w = _thickness_cm(wall_mm, f"radiator {name!r}: wall_mm")
    gap = _thickness_cm(gap_mm, f"radiator {name!r}: gap_mm", allow_zero=True)
    crit = _canonical(criterion)
    if crit not in _SINGLE_WALL_CRITERIA:
        raise InputError(f"radiator {name!r}: leak criterion must be one of "
                         f"{', '.join(_SINGLE_WALL_CRITERIA)} (of the channel wall); "
                         f"got {criterion!r}")
    leak_is = f"leak = {crit} of the channel wall"
    refs = _references("christiansen2009handbook", wall.reference, face.reference)
    if t_f == 0.0:
        if gap > 0.0:
            raise InputError(f"radiator {name!r}: gap_mm = {gap * _MM_PER_CM:g} needs a "
                             "facesheet (facesheet_mm > 0); a gap without a facesheet "
                             "means nothing")
        call, label, cut = _single_wall_limit(t_w, wall, crit, angle_cutoff_deg)
        desc = (f"channel wall {t_w * _MM_PER_CM:g} mm {wall.name}, no facesheet: single "
                f"wall; {leak_is}; {label}; {_cutoff_text(cut)}")
    elif gap == 0.0:
        call, label, cut = _single_wall_limit(t_f + t_w, wall, crit, angle_cutoff_deg)
        mixed = "" if face == wall else f" (facesheet {face.name} counted as {wall.name})"
        desc = (f"facesheet {t_f * _MM_PER_CM:g} mm + channel wall {t_w * _MM_PER_CM:g} mm "
                f"{wall.name}, bonded: single wall of the summed {(t_f + t_w) * _MM_PER_CM:g}"
                f" mm (assumption, physics brief 6.5){mixed}; {leak_is}; {label}; "
                f"{_cutoff_text(cut)}")
    else:
        if crit == "incipient-spall":
            raise InputError(f"radiator {name!r}: with a gap the channel is a Whipple rear "
                             "wall, whose equation has no incipient-spall criterion")
        call, cut = _whipple_limit(t_f, face, t_w, wall, gap, angle_cutoff_deg, True)
        desc = (f"facesheet {t_f * _MM_PER_CM:g} mm {face.name}, gap {gap * _MM_PER_CM:g} mm, "
                f"channel wall {t_w * _MM_PER_CM:g} mm {wall.name}: Whipple (bumper = "
                f"facesheet, rear wall = channel wall; physics brief 6.4); leak = rear-wall "
                f"perforation or detached spall (JSC/Christiansen, Handbook 4.2); a standoff "
                f"of millimetres is far below the equation's tested range; {_cutoff_text(cut)}")
        refs = _references(refs, "christiansen1993")
    channel = Shield(f"{name} channel (leak)", "leak", desc, call, cut, refs)

    if t_f > 0.0:
        p_call, p_label, p_cut = _single_wall_limit(t_f, face, "perforation",
                                                    angle_cutoff_deg)
        p_desc = (f"facesheet {t_f * _MM_PER_CM:g} mm {face.name}: single wall; {p_label}; "
                  f"{_cutoff_text(p_cut)}")
    else:
        p_call, p_label, p_cut = _single_wall_limit(t_w, wall, "perforation",
                                                    angle_cutoff_deg)
        p_desc = (f"channel-free skin {t_w * _MM_PER_CM:g} mm {wall.name} (assumed as thick "
                  f"as the channel wall): single wall; {p_label}; {_cutoff_text(p_cut)}")
    panel = Shield(f"{name} panel (perforation)", "perforation", p_desc, p_call, p_cut,
                   _references("christiansen2009handbook", face.reference, wall.reference))
    return channel, panel


# ============================================================================== surfaces


def _vector(value, name: str) -> np.ndarray:
    try:
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a 3-vector of numbers, got {value!r}") from None
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise InputError(f"{name} must be a finite 3-vector, got {value!r}")
    return v


def _unit(value, name: str) -> np.ndarray:
    v = _vector(value, name)
    norm = float(np.linalg.norm(v))
    if norm < _TINY:
        raise InputError(f"{name} must be a non-zero 3-vector, got {value!r}")
    return v / norm


def _positive(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a positive number, got {value!r}") from None
    if not (x > 0.0 and math.isfinite(x)):
        raise InputError(f"{name} must be > 0, got {value!r}")
    return x


def _perpendicular(axis: np.ndarray) -> np.ndarray:
    """A unit vector perpendicular to ``axis``: the coordinate axis least aligned with it,
    made orthogonal (the first such axis on ties: axis x gives +y, axis y gives +x)."""
    basis = np.eye(3)[int(np.argmin(np.abs(axis)))]
    v = basis - (basis @ axis) * axis
    return v / np.linalg.norm(v)


def _ring_normals(axis: np.ndarray, reference: np.ndarray, start_deg: float,
                  stop_deg: float, n: int) -> np.ndarray:
    """(n, 3) normals at the azimuth midpoints of n equal facets of [start, stop].

    Azimuth 0 is ``reference`` and grows towards ``axis × reference``.
    """
    phi = np.deg2rad(start_deg + (np.arange(n) + 0.5) * (stop_deg - start_deg) / n)
    side = np.cross(axis, reference)
    return np.cos(phi)[:, None] * reference + np.sin(phi)[:, None] * side


def _reference_for(axis: np.ndarray, reference, name: str) -> np.ndarray:
    if reference is None:
        return _perpendicular(axis)
    ref = _vector(reference, name)
    ref = ref - (ref @ axis) * axis
    norm = float(np.linalg.norm(ref))
    if norm < 1e-9:
        raise InputError(f"{name} must not be parallel to the axis, got {reference!r}")
    return ref / norm


class Facets(NamedTuple):
    """Flat facets of a surface without a shield (the input of :func:`radiator`).

    Attributes
    ----------
    normals_body : numpy.ndarray
        (E, 3) outward unit normals, vehicle frame.
    area_m2 : numpy.ndarray
        (E,) facet areas [m²].
    axis : numpy.ndarray or None
        Axis of the cylinder band the facets come from (None for flat panels).
    """

    normals_body: np.ndarray
    area_m2: np.ndarray
    axis: np.ndarray | None = None


def band_facets(axis, radius_m: float, length_m: float, *, facets: int = 72,
                arc_deg: tuple[float, float] = (0.0, 360.0), reference=None) -> Facets:
    """Facets of a cylinder band (curved surface only), outward normals ⟂ ``axis``.

    Parameters
    ----------
    axis : array_like
        (3,) cylinder axis, vehicle frame.
    radius_m, length_m : float
        Radius and length of the band [m].
    facets : int, default 72
        Facets a full circumference would have; an arc gets
        ``ceil(facets * span / 360)`` equal facets.
    arc_deg : (float, float), default (0, 360)
        Azimuth range [deg], measured from ``reference`` towards ``axis × reference``;
        ``0 < stop - start <= 360``.
    reference : array_like, optional
        Azimuth origin (made perpendicular to ``axis``); default the coordinate axis
        least aligned with ``axis`` (for axis +x: +y).

    Returns
    -------
    Facets
        Normals at the facets' azimuth midpoints; areas = the arc's share of the curved
        surface ``(span/360) 2 pi r L``, split equally.
    """
    ax = _unit(axis, "axis")
    r = _positive(radius_m, "radius_m")
    length = _positive(length_m, "length_m")
    try:
        start, stop = (float(a) for a in arc_deg)
    except (TypeError, ValueError):
        raise InputError(f"arc_deg must be two angles (start, stop) in degrees, "
                         f"got {arc_deg!r}") from None
    span = stop - start
    if not (0.0 < span <= 360.0):
        raise InputError(f"arc_deg must satisfy 0 < stop - start <= 360 deg, got {arc_deg!r}")
    if isinstance(facets, bool) or not isinstance(facets, (int, np.integer)) or facets < 3:
        raise InputError(f"facets must be an integer >= 3, got {facets!r}")
    ref = _reference_for(ax, reference, "reference")
    # (the 1e-9 keeps round-off in span from adding a facet: 90/360 * 72 is 18, not 19)
    n = max(1, math.ceil(facets * span / 360.0 - 1e-9))
    normals = _ring_normals(ax, ref, start, stop, n)
    area = np.full(n, np.deg2rad(span) * r * length / n)
    return Facets(normals, area, ax)


def flat_facets(normal, area_m2: float) -> Facets:
    """One flat facet (outward ``normal``, ``area_m2`` [m²]) for :func:`radiator`."""
    return Facets(_unit(normal, "normal")[None, :],
                  np.array([_positive(area_m2, "area_m2")]), None)


class SurfacePart(NamedTuple):
    """The elements of one surface behind one shield (one call of the integrator).

    Attributes
    ----------
    surface : str
        Surface name.
    role : str
        ``"vulnerable"`` or ``"reported"``.
    shield : Shield
        The ballistic limit of these elements.
    normals : numpy.ndarray
        (K, 3) outward unit normals (in the frame of the set).
    area_m2 : numpy.ndarray
        (K,) element areas [m²].
    wall_normals : numpy.ndarray
        (K, 3) normals of the walls the elements sit on (zero rows: none).
    """

    surface: str
    role: str
    shield: Shield
    normals: np.ndarray
    area_m2: np.ndarray
    wall_normals: np.ndarray


def impact_cosine(u_travel, normals, wall_normals=None) -> np.ndarray:
    """Cosine of the impact angle, zero where an element cannot be hit.

    Parameters
    ----------
    u_travel : array_like
        (B, 3) or (3,) unit travel directions of the particles (they arrive from -u).
    normals : array_like
        (E, 3) outward unit normals of the elements.
    wall_normals : array_like, optional
        (E, 3) outward normals of the walls the elements sit on; a zero row means
        no wall. A particle reaches an element only if it arrives from in front of
        the element (``-u.n > 0``) and from in front of its wall (``-u.w > 0``).

    Returns
    -------
    numpy.ndarray
        (B, E) (or (E,)) ``max(0, -u.n)`` with the wall mask applied; the impact angle
        from the normal is ``arccos`` of it where positive.

    Notes
    -----
    With the physics brief's convention 1, a one-sided element of area A receives
    ``sum_b f_b A cos_b``; the wall mask removes particles that would have to pass
    through the wall (a half tube on a panel seen from behind the panel).
    """
    u = np.asarray(u_travel, dtype=float)
    n = np.asarray(normals, dtype=float)
    cosine = -(u @ n.T)
    visible = cosine > 0.0
    if wall_normals is not None:
        w = np.asarray(wall_normals, dtype=float)
        has_wall = np.any(w != 0.0, axis=-1)
        if np.any(has_wall):
            visible &= (-(u @ w.T) > 0.0) | ~has_wall
    return np.where(visible, cosine, 0.0)


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)
    return arr


def _check_rotation(rotation) -> np.ndarray:
    r = np.asarray(rotation, dtype=float)
    if r.shape != (3, 3) or not np.all(np.isfinite(r)):
        raise InputError(f"rotation must be a finite 3x3 matrix, got shape {r.shape}")
    if (np.max(np.abs(r @ r.T - np.eye(3))) > _UNIT_TOL
            or np.linalg.det(r) <= 0.0):
        raise InputError("rotation must be a proper rotation matrix "
                         "(orthonormal, determinant +1)")
    return r


@dataclass(frozen=True, eq=False)
class SurfaceSet:
    """Flat elements of one module, in the VEHICLE frame.

    Attributes
    ----------
    element_surface : numpy.ndarray
        (E,) int, index into ``surfaces``.
    surfaces : tuple of str
        Surface names, e.g. ``("radiator/channels", "radiator/panel", "aft-bulkhead")``.
    normals_body : numpy.ndarray
        (E, 3) outward unit normals, vehicle frame (or whichever frame the set was
        rotated into).
    area_m2 : numpy.ndarray
        (E,) element areas [m²]; for curved parts the element's share of the curved
        surface area, so that ``sum(area * max(0, -u.n))`` over a part's elements is its
        projected area.
    element_shield : numpy.ndarray
        (E,) int, index into ``shields``.
    shields : tuple of Shield
        The ballistic limits used by the elements.
    role : tuple of str
        Per surface: ``"vulnerable"`` (counts for the module's failure number) or
        ``"reported"`` (shown beside it, clearly labelled).
    wall_normals_body : numpy.ndarray, optional
        (E, 3) outward normals of the walls elements sit on (zero rows: none); see
        :func:`impact_cosine`. Default: no walls.

    Notes
    -----
    Arrays are copied and made read-only. Normals must be unit vectors to 1e-9.
    """

    element_surface: np.ndarray
    surfaces: tuple[str, ...]
    normals_body: np.ndarray
    area_m2: np.ndarray
    element_shield: np.ndarray
    shields: tuple[Shield, ...]
    role: tuple[str, ...]
    wall_normals_body: np.ndarray | None = None

    def __post_init__(self):
        surfaces = tuple(str(s) for s in self.surfaces)
        role = tuple(_canonical(r) for r in self.role)
        shields = tuple(self.shields)
        if len(set(surfaces)) != len(surfaces):
            raise InputError(f"surface names must be unique, got {surfaces}")
        if len(role) != len(surfaces):
            raise InputError(f"one role per surface expected: {len(surfaces)} surfaces, "
                             f"{len(role)} roles")
        bad_roles = [r for r in role if r not in ROLES]
        if bad_roles:
            raise InputError(f"surface role must be one of {', '.join(ROLES)}; "
                             f"got {bad_roles[0]!r}")
        bad_shields = [s for s in shields if not isinstance(s, Shield)]
        if bad_shields:
            raise InputError(f"shields must be Shield objects, got "
                             f"{type(bad_shields[0]).__name__}")
        normals = np.asarray(self.normals_body, dtype=float)
        if normals.ndim != 2 or normals.shape[1] != 3:
            raise InputError(f"normals_body must have shape (E, 3), got {normals.shape}")
        n_el = len(normals)
        area = np.asarray(self.area_m2, dtype=float)
        e_surf = np.asarray(self.element_surface)
        e_shield = np.asarray(self.element_shield)
        for arr, label in ((area, "area_m2"), (e_surf, "element_surface"),
                           (e_shield, "element_shield")):
            if arr.shape != (n_el,):
                raise InputError(f"{label} must have shape ({n_el},) like normals_body, "
                                 f"got {arr.shape}")
        if not np.all(np.isfinite(normals)) or np.any(
                np.abs(np.linalg.norm(normals, axis=1) - 1.0) > _UNIT_TOL):
            raise InputError("normals_body must be finite unit vectors")
        if not np.all(np.isfinite(area)) or np.any(area < 0.0):
            raise InputError("area_m2 must be finite and >= 0 m^2")
        for arr, count, label in ((e_surf, len(surfaces), "element_surface"),
                                  (e_shield, len(shields), "element_shield")):
            if n_el and (not np.issubdtype(arr.dtype, np.integer)
                         or arr.min() < 0 or arr.max() >= count):
                raise InputError(f"{label} must hold integer indices in [0, {count}), "
                                 f"got {arr.dtype} values")
        if self.wall_normals_body is None:
            walls = np.zeros((n_el, 3))
        else:
            walls = np.asarray(self.wall_normals_body, dtype=float)
            if walls.shape != (n_el, 3):
                raise InputError(f"wall_normals_body must have shape ({n_el}, 3), got "
                                 f"{walls.shape}")
            norms = np.linalg.norm(walls, axis=1)
            if (not np.all(np.isfinite(walls))
                    or np.any((norms != 0.0) & (np.abs(norms - 1.0) > _UNIT_TOL))):
                raise InputError("wall_normals_body rows must be unit vectors or zero")
        object.__setattr__(self, "surfaces", surfaces)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "shields", shields)
        object.__setattr__(self, "normals_body", _frozen(normals))
        object.__setattr__(self, "area_m2", _frozen(area))
        object.__setattr__(self, "element_surface", _frozen(e_surf.astype(np.intp)))
        object.__setattr__(self, "element_shield", _frozen(e_shield.astype(np.intp)))
        object.__setattr__(self, "wall_normals_body", _frozen(walls))

    def __len__(self) -> int:
        return len(self.area_m2)

    def rotated(self, rotation) -> "SurfaceSet":
        """The set with normals (and wall normals) turned: ``n -> rotation @ n``.

        ``rotation`` is a proper 3x3 rotation, e.g. :func:`vehicle_to_body` or
        :func:`vehicle_to_lvlh`; areas, surfaces and shields are unchanged.
        """
        r = _check_rotation(rotation)
        normals = self.normals_body @ r.T
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)  # round-off only
        walls = self.wall_normals_body @ r.T
        norms = np.linalg.norm(walls, axis=1, keepdims=True)
        walls = np.divide(walls, norms, out=np.zeros_like(walls), where=norms > 0.0)
        return SurfaceSet(self.element_surface, self.surfaces, normals, self.area_m2,
                          self.element_shield, self.shields, self.role, walls)

    def surface_area_m2(self) -> np.ndarray:
        """(S,) total element area of each surface [m²]."""
        return np.bincount(self.element_surface, weights=self.area_m2,
                           minlength=len(self.surfaces))

    def projected_area_m2(self, u_travel) -> np.ndarray:
        """Area of each surface seen by particles travelling along ``u_travel`` [m²].

        Parameters
        ----------
        u_travel : array_like
            (3,) or (B, 3) unit travel directions, in the frame of the normals.

        Returns
        -------
        numpy.ndarray
            (S,) or (B, S): ``sum_e A_e max(0, -u.n_e)`` per surface, wall mask applied
            (:func:`impact_cosine`).
        """
        u = np.asarray(u_travel, dtype=float)
        if u.shape[-1:] != (3,) or u.ndim > 2:
            raise InputError(f"u_travel must have shape (3,) or (B, 3), got {u.shape}")
        weights = impact_cosine(u, self.normals_body, self.wall_normals_body) * self.area_m2
        onehot = np.zeros((len(self), len(self.surfaces)))
        onehot[np.arange(len(self)), self.element_surface] = 1.0
        return weights @ onehot

    def parts(self) -> tuple[SurfacePart, ...]:
        """One :class:`SurfacePart` per (surface, shield) pair present, in surface order."""
        out = []
        for s, (surface, role) in enumerate(zip(self.surfaces, self.role)):
            for k in np.unique(self.element_shield[self.element_surface == s]):
                sel = (self.element_surface == s) & (self.element_shield == k)
                out.append(SurfacePart(surface, role, self.shields[k],
                                       self.normals_body[sel], self.area_m2[sel],
                                       self.wall_normals_body[sel]))
        return tuple(out)


def _single_surface(name: str, normals: np.ndarray, area: np.ndarray, shield: Shield,
                    role: str, walls: np.ndarray | None = None) -> SurfaceSet:
    n = len(area)
    return SurfaceSet(np.zeros(n, dtype=np.intp), (str(name),), normals, area,
                      np.zeros(n, dtype=np.intp), (shield,), (role,), walls)


def flat_panel(name: str, normal, area_m2: float, shield: Shield, *,
               role: str = "vulnerable") -> SurfaceSet:
    """A one-sided flat panel: one element with outward ``normal`` and ``area_m2`` [m²]."""
    f = flat_facets(normal, area_m2)
    return _single_surface(name, f.normals_body, f.area_m2, shield, role)


def disk(name: str, normal, radius_m: float, shield: Shield, *,
         role: str = "vulnerable") -> SurfaceSet:
    """A flat disk (e.g. a bulkhead): one element of area pi r² [m²]."""
    r = _positive(radius_m, "radius_m")
    return flat_panel(name, normal, math.pi * r * r, shield, role=role)


def cylinder_band(name: str, axis, radius_m: float, length_m: float, shield: Shield, *,
                  facets: int = 72, arc_deg: tuple[float, float] = (0.0, 360.0),
                  reference=None, role: str = "vulnerable") -> SurfaceSet:
    """A faceted cylinder band (curved surface, outward normals ⟂ ``axis``).

    Parameters are those of :func:`band_facets`, plus the surface ``name``, its
    ``shield`` and ``role``. The area is the arc's share of 2 pi r L.
    """
    f = band_facets(axis, radius_m, length_m, facets=facets, arc_deg=arc_deg,
                    reference=reference)
    return _single_surface(name, f.normals_body, f.area_m2, shield, role)


def tube(name: str, axis, length_m: float, outer_diameter_m: float, shield: Shield, *,
         facets: int = 36, facing=None, half: bool = False,
         role: str = "vulnerable") -> SurfaceSet:
    """A faceted tube (pipe, coolant line): its full circumference or its facing half.

    Parameters
    ----------
    name : str
        Surface name.
    axis : array_like
        (3,) tube axis.
    length_m, outer_diameter_m : float
        Tube length and outer diameter [m].
    shield : Shield
        The tube wall's ballistic limit.
    facets : int, default 36
        Facets around the full circumference (even when ``half``); a half tube keeps
        the ``facets // 2`` of its facing half.
    facing : array_like, optional
        Azimuth origin; for ``half=True`` (required) the outward normal of the wall the
        tube lies on (its component ⟂ ``axis`` is used).
    half : bool, default False
        Keep only the half whose normals have non-negative dot with ``facing``; those
        elements get ``facing`` as wall normal, so nothing arriving from behind the
        wall reaches them.
    role : str, default "vulnerable"

    Returns
    -------
    SurfaceSet
        Element areas: their share of the tube surface pi D L (of pi D L / 2 for a half).

    Notes
    -----
    Projected area of a full tube seen at angle alpha from its axis: L D sin(alpha);
    of a half tube on a wall, from in front at angle beta (in the plane ⟂ axis) from
    the wall normal: L (D/2)(1 + cos beta) sin(alpha); zero from behind the wall.
    End caps are not modelled (physics brief §6.5: a tube's projected area is L × D).
    """
    ax = _unit(axis, "axis")
    d = _positive(outer_diameter_m, "outer_diameter_m")
    if isinstance(facets, bool) or not isinstance(facets, (int, np.integer)) or facets < 4:
        raise InputError(f"facets must be an integer >= 4, got {facets!r}")
    if half and facing is None:
        raise InputError("a half tube needs `facing`: the outward normal of the wall it "
                         "lies on")
    if half and facets % 2:
        raise InputError(f"a half tube needs an even number of facets, got {facets}")
    ref = _reference_for(ax, facing, "facing")
    arc = (-90.0, 90.0) if half else (0.0, 360.0)
    f = band_facets(ax, d / 2.0, length_m, facets=facets, arc_deg=arc, reference=ref)
    walls = np.broadcast_to(ref, f.normals_body.shape) if half else None
    return _single_surface(name, f.normals_body, f.area_m2, shield, role, walls)


def _band_axis_of(panel) -> np.ndarray:
    """The axis of a cylinder band, from the panel's ``axis`` or its normals."""
    axis = getattr(panel, "axis", None)
    if axis is not None:
        return _unit(axis, "panel axis")
    normals = np.asarray(panel.normals_body, dtype=float)
    _, sing, vt = np.linalg.svd(normals)
    # A band's normals span a plane (smallest singular value ~ round-off); 1e-6 separates
    # that from flat panels (rank 1) and from sets that are not bands (rank 3).
    if len(normals) < 2 or sing[1] < 1e-6 or np.max(np.abs(normals @ vt[-1])) > 1e-6:
        raise InputError("channel_axis 'axial'/'circumferential' needs the facets of a "
                         "cylinder band (normals perpendicular to one axis); give a "
                         "vector for a flat panel")
    return vt[-1]


def _channel_axes(panel, normals: np.ndarray, channel_axis) -> np.ndarray:
    """(P, 3) unit channel direction on each panel facet (⟂ the facet normal)."""
    if isinstance(channel_axis, str):
        kind = _canonical(channel_axis)
        if kind not in ("axial", "circumferential"):
            raise InputError(f"channel_axis must be 'axial', 'circumferential' or a "
                             f"3-vector, got {channel_axis!r}")
        band = _band_axis_of(panel)
        axes = (np.broadcast_to(band, normals.shape) if kind == "axial"
                else np.cross(band, normals))
    else:
        vec = _unit(channel_axis, "channel_axis")
        axes = vec - (normals @ vec)[:, None] * normals
    norms = np.linalg.norm(axes, axis=1, keepdims=True)
    if np.any(norms < 1e-9):
        raise InputError(f"channel_axis {channel_axis!r} is parallel to a panel normal: "
                         "channels must run along the panel")
    return axes / norms


def radiator(name: str, panel, *, facesheet_mm: float, wall_mm: float, gap_mm: float,
             channel_fraction: float, channel_diameter_mm: float, channel_axis,
             material: str | Material, facets_per_channel: int = 12,
             criterion: str = "perforation",
             facesheet_material: str | Material | None = None,
             angle_cutoff_deg: float | None = None) -> SurfaceSet:
    """A radiator: coolant channels (half tubes) on a panel, and the panel itself.

    Parameters
    ----------
    name : str
        Radiator name; the surfaces are ``"<name>/channels"`` (role ``"vulnerable"``,
        criterion leak) and ``"<name>/panel"`` (role ``"reported"``, perforation).
    panel : Facets or SurfaceSet
        Facets of the radiator surface (``normals_body``, ``area_m2``; a cylinder band's
        ``axis`` if it has one), e.g. :func:`band_facets` or :func:`flat_facets`.
    facesheet_mm, wall_mm, gap_mm : float
        Skin over the channels (0: none), channel wall, and skin-to-channel gap [mm].
    channel_fraction : float
        Channels' plan (projected) area over the panel area, in (0, 1].
    channel_diameter_mm : float
        Outer channel diameter D [mm]; > 2 ``wall_mm``.
    channel_axis : "axial", "circumferential" or array_like
        Channel direction: along or around the band axis, or a vector (projected onto
        each facet's plane) for flat panels.
    material : str or Material
        Channel wall (and facesheet) material, e.g. ``"amg6"``.
    facets_per_channel : int, default 12
        Facets across the exposed half of a channel (15 deg each; projected areas then
        within 0.5 % of the exact half tube).
    criterion : str, default "perforation"
        What of the channel wall makes a leak (see :func:`radiator_shields`).
    facesheet_material : str or Material, optional
        Facesheet material if it differs.
    angle_cutoff_deg : float, optional
        Cut-off angle for both shields [deg].

    Returns
    -------
    SurfaceSet

    Notes
    -----
    Each panel facet of area A carries channels of total length ``L = f A / D``
    (plan area f A) lying on it: half tubes whose facets have normals
    ``cos(psi) n + sin(psi) (a × n)``, psi across (-90, 90) deg, with ``n`` the panel
    facet normal and ``a`` the channel direction, so the impact angle varies around the
    channel. Their areas total ``(pi/2) f A``; seen along the panel normal they project
    to f A. The panel facet normal is their wall normal: nothing from behind the panel
    reaches them. Neighbouring channels are assumed not to shadow each other, and
    channel ends are not modelled (*assumptions*).

    The panel surface: the whole facet area when there is a facesheet (which covers
    the channels too), else the channel-free skin ``(1 - f) A``.
    """
    normals = np.asarray(getattr(panel, "normals_body", None), dtype=float)
    area = np.asarray(getattr(panel, "area_m2", None), dtype=float)
    if normals.ndim != 2 or normals.shape[1] != 3 or area.shape != (len(normals),):
        raise InputError("radiator panel must provide normals_body (P, 3) and area_m2 (P,)")
    try:
        frac = float(channel_fraction)
    except (TypeError, ValueError):
        raise InputError(f"channel_fraction must be a number in (0, 1], got "
                         f"{channel_fraction!r}") from None
    if not 0.0 < frac <= 1.0:
        raise InputError(f"channel_fraction must lie in (0, 1], got {channel_fraction!r}")
    d_mm = _positive(channel_diameter_mm, "channel_diameter_mm")
    m = facets_per_channel
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
        raise InputError(f"facets_per_channel must be an integer >= 2, got {m!r}")
    channel_shield, panel_shield = radiator_shields(
        name, facesheet_mm=facesheet_mm, wall_mm=wall_mm, gap_mm=gap_mm,
        material=material, criterion=criterion, facesheet_material=facesheet_material,
        angle_cutoff_deg=angle_cutoff_deg)
    if not float(wall_mm) < d_mm / 2.0:
        raise InputError(f"channel wall ({wall_mm} mm) must be thinner than the channel "
                         f"radius ({d_mm / 2.0:g} mm)")

    axes = _channel_axes(panel, normals, channel_axis)              # (P, 3)
    side = np.cross(axes, normals)                                  # (P, 3), ⟂ both
    psi = np.deg2rad(-90.0 + (np.arange(m) + 0.5) * 180.0 / m)      # (m,)
    ch_normals = (np.cos(psi)[None, :, None] * normals[:, None, :]
                  + np.sin(psi)[None, :, None] * side[:, None, :]).reshape(-1, 3)
    ch_area = np.repeat(0.5 * math.pi * frac * area / m, m)
    ch_walls = np.repeat(normals, m, axis=0)

    has_facesheet = float(facesheet_mm) > 0.0
    panel_area = area if has_facesheet else (1.0 - frac) * area
    n_ch, n_p = len(ch_area), len(area)
    return SurfaceSet(
        element_surface=np.concatenate([np.zeros(n_ch, np.intp), np.ones(n_p, np.intp)]),
        surfaces=(f"{name}/channels", f"{name}/panel"),
        normals_body=np.concatenate([ch_normals, normals]),
        area_m2=np.concatenate([ch_area, panel_area]),
        element_shield=np.concatenate([np.zeros(n_ch, np.intp), np.ones(n_p, np.intp)]),
        shields=(channel_shield, panel_shield),
        role=("vulnerable", "reported"),
        wall_normals_body=np.concatenate([ch_walls, np.zeros((n_p, 3))]),
    )


def combine(*sets: SurfaceSet) -> SurfaceSet:
    """Merge surface sets into one.

    Surfaces of the same name are merged (their roles must agree); equal shields are
    stored once.
    """
    if not sets:
        raise InputError("combine needs at least one SurfaceSet")
    bad = [s for s in sets if not isinstance(s, SurfaceSet)]
    if bad:
        raise InputError(f"combine takes SurfaceSet objects, got {type(bad[0]).__name__}")
    surfaces: list[str] = []
    roles: list[str] = []
    shields: list[Shield] = []
    e_surf, e_shield = [], []
    for s in sets:  # a handful of sets
        surf_map = np.empty(len(s.surfaces), dtype=np.intp)
        for i, (name, role) in enumerate(zip(s.surfaces, s.role)):
            if name in surfaces:
                j = surfaces.index(name)
                if roles[j] != role:
                    raise InputError(f"surface {name!r} appears with roles {roles[j]!r} "
                                     f"and {role!r}")
                surf_map[i] = j
            else:
                surfaces.append(name)
                roles.append(role)
                surf_map[i] = len(surfaces) - 1
        shield_map = np.empty(len(s.shields), dtype=np.intp)
        for i, sh in enumerate(s.shields):
            if sh not in shields:
                shields.append(sh)
            shield_map[i] = shields.index(sh)
        e_surf.append(surf_map[s.element_surface])
        e_shield.append(shield_map[s.element_shield])
    return SurfaceSet(np.concatenate(e_surf), tuple(surfaces),
                      np.concatenate([s.normals_body for s in sets]),
                      np.concatenate([s.area_m2 for s in sets]),
                      np.concatenate(e_shield), tuple(shields), tuple(roles),
                      np.concatenate([s.wall_normals_body for s in sets]))


# ================================================================================ frames

#: ISS body frame (Space Station Analysis Coordinate System), ISS GNC manual appendix C
#: and TERMIUM (events.md §3.2). In +XVV at zero attitude it coincides with LVLH.
ISS_BODY_AXES: dict[str, str] = {
    "+X": "forward: along the US Lab away from Zarya/Zvezda (ram in +XVV)",
    "+Y": "starboard: along the truss",
    "+Z": "nadir: completes the right-handed set",
}

#: Typical +XVV torque-equilibrium attitude (yaw, pitch, roll) [deg]: "a typical torque
#: equilibrium attitude ... as the space station coasts is YPR -4,-3,0", NASA SP-2017-634
#: ch. 7 (``dempsey2018outpost``; events.md §3.2). The actual TEA changes with the
#: station's configuration.
TEA_YPR_DEG: tuple[float, float, float] = (-4.0, -3.0, 0.0)


def _angles(value, name: str) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an angle in degrees, got {value!r}") from None
    if not np.all(np.isfinite(a)):
        raise InputError(f"{name} must be finite, got {value!r}")
    return np.deg2rad(a)


def _frame_rotation(angle: np.ndarray, axis: int) -> np.ndarray:
    """(..., 3, 3) frame rotation by ``angle`` [rad] about coordinate ``axis``.

    Components in the rotated frame = matrix @ components in the original frame
    (right-handed rotation of the axes).
    """
    c, s = np.cos(angle), np.sin(angle)
    m = np.zeros(angle.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m[..., axis, axis] = 1.0
    m[..., i, i] = c
    m[..., j, j] = c
    m[..., i, j] = s
    m[..., j, i] = -s
    return m


def lvlh_to_body(yaw_deg, pitch_deg, roll_deg) -> np.ndarray:
    r"""Rotation taking LVLH components to ISS body components.

    Parameters
    ----------
    yaw_deg, pitch_deg, roll_deg : array_like
        Station attitude relative to LVLH [deg], broadcasting.

    Returns
    -------
    numpy.ndarray
        (..., 3, 3) matrix ``R`` with ``v_body = R @ v_lvlh``; rows of ``R`` are the
        body axes in LVLH.

    Notes
    -----
    Sequence: "the standard Euler angle sequence for Station of yaw, then pitch, then
    roll from a 0,0,0 Local Vertical/Local Horizontal (LVLH) coordinate system" (ISS GNC
    manual appendix C [3]_): starting from the LVLH axes, yaw about Z, then pitch about
    the new Y, then roll about the new X,

    .. math:: R = R_x(\text{roll})\, R_y(\text{pitch})\, R_z(\text{yaw}).

    *Sign convention (documented, not found in an ISS source):* each angle is a
    right-handed rotation of the axes about the axis named, the general attitude
    convention ("positive roll, pitch and yaw are right-handed rotations about their
    respective axes", Wertz ch. 2 [5]_). With +Z nadir and +Y starboard this means:

    * positive yaw turns the nose (body +X) towards LVLH +Y (starboard, -orbit
      normal); the TEA yaw of -4 deg turns it 4 deg towards LVLH -Y, the positive orbit
      normal;
    * positive pitch raises the nose towards zenith (LVLH -Z): consistent with the
      "pitch up of 90 degrees" used for some Russian undockings (NASA SP-2017-634
      ch. 7 [4]_); the TEA pitch of -3 deg lowers the nose 3 deg towards nadir;
    * positive roll turns body +Y (starboard) towards nadir.

    References
    ----------
    .. [3] ``nasa_iss_gnc_appendix_c``.
    .. [4] ``dempsey2018outpost``.
    .. [5] ``wertz1978``.
    """
    yaw = _angles(yaw_deg, "yaw_deg")
    pitch = _angles(pitch_deg, "pitch_deg")
    roll = _angles(roll_deg, "roll_deg")
    yaw, pitch, roll = np.broadcast_arrays(yaw, pitch, roll)
    return (_frame_rotation(roll, 0) @ _frame_rotation(pitch, 1)
            @ _frame_rotation(yaw, 2))


def body_to_lvlh(yaw_deg, pitch_deg, roll_deg) -> np.ndarray:
    """Rotation taking ISS body components to LVLH: the transpose of :func:`lvlh_to_body`."""
    return np.swapaxes(lvlh_to_body(yaw_deg, pitch_deg, roll_deg), -1, -2)


class Port(NamedTuple):
    """A docking port (or mounting place) on the station.

    Attributes
    ----------
    outward_body : tuple of float
        Unit vector, ISS body frame, pointing away from the station along the docking
        axis: the +x_v axis of a vehicle docked there.
    reference_body : tuple of float
        Unit vector ⟂ ``outward_body``: +y_v at clocking 0. A convention of this
        package, not a vehicle's real roll angle, which is not known (events.md §3.3).
    source : str
        Where the direction comes from; starts with ``"ASSUMPTION"`` when it is one.
    """

    outward_body: tuple[float, float, float]
    reference_body: tuple[float, float, float]
    source: str

    @property
    def assumption(self) -> bool:
        """True when the port's orientation is an assumption, not a sourced fact."""
        return self.source.startswith("ASSUMPTION")


_RASSVET_NADIR = Port(
    (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
    "Rassvet (MRM-1) is berthed on Zarya nadir; its free port faces nadir "
    "(events.md §3.3: Wikipedia; NASA TV 'on the Earth-facing side')")
_POISK_ZENITH = Port(
    (0.0, 0.0, -1.0), (1.0, 0.0, 0.0),
    "Poisk (MRM-2) sits on Zvezda zenith; its port faces space "
    "(events.md §3.3: collectSPACE 'space-facing Poisk')")
_ZVEZDA_AFT = Port(
    (-1.0, 0.0, 0.0), (0.0, 0.0, 1.0),
    "Zvezda's aft port faces wake (-X) in +XVV (events.md §3.3: russianspaceweb)")
_PRICHAL_NADIR = Port(
    (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
    "Prichal is on Nauka nadir, Nauka on Zvezda nadir; Prichal's nadir port faces "
    "nadir (events.md §3.3)")
_PIRS_NADIR = Port(
    (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
    "Pirs (DC-1) was berthed on Zvezda nadir from 2001 to 26 Jul 2021; its free port "
    "faced nadir (Roscosmos via parabolicarc.com 2021-07-26: Progress MS-16 and Pirs "
    "'departed from the nadir port of the Zvezda module'; NASA ISS on-orbit status "
    "2020-07-23 via spaceref.com: 'Docking Compartment 1 (DC-1) Nadir Port'; NASA via "
    "spacefellowship.com 2017-07: 'Pirs Docking Compartment on the Earth-facing side')")
_NAUKA_NADIR = Port(
    (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
    "Nauka (MLM) docked to Zvezda nadir on 29 Jul 2021 (events.md §3.3); its free "
    "(axial) port faces nadir: Roscosmos via forum.raumfahrer.net 2021-10-21 (Progress "
    "MS-17 to dock 'an den Nadir-Port' of Nauka); Prichal later berthed there")
_ZVEZDA_NADIR = Port(
    (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
    "Zvezda's nadir port faces nadir (Roscosmos via parabolicarc.com 2021-07-26: "
    "'the nadir port of the Zvezda module'); occupied by Pirs until 26 Jul 2021 and by "
    "Nauka from 29 Jul 2021, so no Soyuz MS or Progress MS docked here directly")

#: Docking ports and mounting places by name (aliases share an entry). Clocking
#: reference: forward (+X) for nadir/zenith ports, nadir (+Z) for horizontal ones.
PORTS: dict[str, Port] = {
    "rassvet-nadir": _RASSVET_NADIR,
    "mrm1-nadir": _RASSVET_NADIR,
    "poisk-zenith": _POISK_ZENITH,
    "mrm2-zenith": _POISK_ZENITH,
    "zvezda-aft": _ZVEZDA_AFT,
    "sm-aft": _ZVEZDA_AFT,
    "prichal-nadir": _PRICHAL_NADIR,
    "pirs-nadir": _PIRS_NADIR,
    "dc1-nadir": _PIRS_NADIR,
    "nauka-nadir": _NAUKA_NADIR,
    "mlm-nadir": _NAUKA_NADIR,
    "zvezda-nadir": _ZVEZDA_NADIR,
    "sm-nadir": _ZVEZDA_NADIR,
    "rassvet-exterior": Port(
        (1.0, 0.0, 0.0), (0.0, 0.0, 1.0),
        "ASSUMPTION: where and how the RTOd radiator was mounted on Rassvet's exterior "
        "is not known (events.md §3.5); taken as facing forward (+X), clocking "
        "reference nadir (+Z, along Rassvet's axis)"),
    "nauka-exterior": Port(
        (1.0, 0.0, 0.0), (0.0, 0.0, 1.0),
        "ASSUMPTION: the RTOd's position and orientation on Nauka are not known "
        "(events.md §3.3/3.5); the leak was seen from the Cupola looking aft, so the "
        "radiator is taken as facing forward (+X), clocking reference nadir (+Z, along "
        "Nauka's axis)"),
}


def get_port(port: str | Port) -> Port:
    """Look up a port by name (case, spaces and underscores ignored), or pass one through."""
    if isinstance(port, Port):
        return port
    key = _canonical(port)
    if key not in PORTS:
        raise InputError(f"unknown port {port!r} (known: {', '.join(sorted(PORTS))})")
    return PORTS[key]


def vehicle_to_body(port: str | Port, clocking_deg=0.0) -> np.ndarray:
    """Rotation taking vehicle-frame components to ISS body components.

    Parameters
    ----------
    port : str or Port
        A :data:`PORTS` name (``"rassvet-nadir"``...) or a :class:`Port`.
    clocking_deg : array_like, default 0
        Roll of the vehicle about its docking axis [deg]: +y_v is the port's reference
        rotated by this angle, right-handed about +x_v.

    Returns
    -------
    numpy.ndarray
        (..., 3, 3) matrix whose columns are x_v, y_v, z_v in the body frame:
        ``v_body = M @ v_vehicle``.

    Notes
    -----
    x_v = the port's outward direction (pointing away from the station: for a Soyuz at
    a nadir port, from the orbital module towards the propulsion compartment);
    y_v = cos(c) r + sin(c) (x_v × r) with r the clocking reference; z_v = x_v × y_v.
    Clocking by 180 deg flips y_v and z_v.
    """
    p = get_port(port)
    x = _unit(p.outward_body, "port outward direction")
    ref = _reference_for(x, p.reference_body, "port clocking reference")
    c = _angles(clocking_deg, "clocking_deg")
    y = np.cos(c)[..., None] * ref + np.sin(c)[..., None] * np.cross(x, ref)
    z = np.cross(x, y)
    x = np.broadcast_to(x, y.shape)
    return np.stack([x, y, z], axis=-1)


def vehicle_to_lvlh(port: str | Port, clocking_deg=0.0, yaw_deg=TEA_YPR_DEG[0],
                    pitch_deg=TEA_YPR_DEG[1], roll_deg=TEA_YPR_DEG[2]) -> np.ndarray:
    """``body_to_lvlh(yaw, pitch, roll) @ vehicle_to_body(port, clocking)`` (..., 3, 3)."""
    return body_to_lvlh(yaw_deg, pitch_deg, roll_deg) @ vehicle_to_body(port, clocking_deg)


# ============================================================================== attitude


@dataclass(frozen=True)
class AttitudeSegment:
    """A constant station attitude over ``[start_jd, end_jd)``.

    Attributes
    ----------
    start_jd, end_jd : float
        UTC Julian dates (``-inf``/``inf`` allowed), ``start_jd < end_jd``.
    yaw_deg, pitch_deg, roll_deg : float
        Attitude relative to LVLH [deg] (:func:`lvlh_to_body`).
    source : str
        Where the attitude comes from (or the assumption).
    """

    start_jd: float
    end_jd: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    source: str = ""

    def __post_init__(self):
        try:
            vals = [float(v) for v in (self.start_jd, self.end_jd, self.yaw_deg,
                                       self.pitch_deg, self.roll_deg)]
        except (TypeError, ValueError):
            raise InputError("attitude segment needs numbers (start_jd, end_jd, yaw, "
                             f"pitch, roll), got {self!r}") from None
        start, end, *angles = vals
        if math.isnan(start) or math.isnan(end) or not start < end:
            raise InputError(f"attitude segment must have start_jd < end_jd, got "
                             f"{start!r} .. {end!r}")
        if not all(math.isfinite(a) for a in angles):
            raise InputError(f"attitude angles must be finite degrees, got {angles}")
        for name, v in zip(("start_jd", "end_jd", "yaw_deg", "pitch_deg", "roll_deg"),
                           vals):
            object.__setattr__(self, name, v)
        object.__setattr__(self, "source", str(self.source))

    @property
    def ypr_deg(self) -> tuple[float, float, float]:
        """(yaw, pitch, roll) [deg]."""
        return (self.yaw_deg, self.pitch_deg, self.roll_deg)

    def lvlh_to_body(self) -> np.ndarray:
        """(3, 3) :func:`lvlh_to_body` of this attitude."""
        return lvlh_to_body(*self.ypr_deg)

    def body_to_lvlh(self) -> np.ndarray:
        """(3, 3) :func:`body_to_lvlh` of this attitude."""
        return body_to_lvlh(*self.ypr_deg)

    def clipped(self, start_jd: float, end_jd: float) -> "AttitudeSegment":
        """The segment restricted to ``[start_jd, end_jd)``."""
        return AttitudeSegment(max(self.start_jd, start_jd), min(self.end_jd, end_jd),
                               self.yaw_deg, self.pitch_deg, self.roll_deg, self.source)


#: The default attitude: +XVV TEA at all times (events.md §3.2).
TEA_SEGMENT = AttitudeSegment(
    -math.inf, math.inf, *TEA_YPR_DEG,
    source="typical +XVV torque-equilibrium attitude YPR (-4, -3, 0) deg, NASA SP-2017-634 "
           "ch. 7; the attitude actually flown is not known (assumption)")


@dataclass(frozen=True)
class AttitudeTimeline:
    """Piecewise-constant station attitude: explicit segments over a default.

    Parameters
    ----------
    segments : sequence of AttitudeSegment or tuples
        ``(start_jd, end_jd, yaw_deg, pitch_deg, roll_deg[, source])``; they must not
        overlap. Stored sorted by start.
    default : AttitudeSegment
        Attitude wherever no segment applies (its times are ignored); the +XVV TEA by
        default.
    """

    segments: tuple[AttitudeSegment, ...] = ()
    default: AttitudeSegment = TEA_SEGMENT

    def __post_init__(self):
        segs = []
        for s in self.segments:
            if isinstance(s, AttitudeSegment):
                segs.append(s)
            elif isinstance(s, (tuple, list)) and len(s) in (5, 6):
                segs.append(AttitudeSegment(*s))
            else:
                raise InputError("attitude segments must be AttitudeSegment or "
                                 f"(start_jd, end_jd, yaw, pitch, roll[, source]), got {s!r}")
        segs.sort(key=lambda s: s.start_jd)
        for a, b in zip(segs, segs[1:]):
            if b.start_jd < a.end_jd:
                raise InputError(f"attitude segments overlap: [{a.start_jd}, {a.end_jd}) "
                                 f"and [{b.start_jd}, {b.end_jd})")
        if not isinstance(self.default, AttitudeSegment):
            raise InputError(f"default attitude must be an AttitudeSegment, got "
                             f"{type(self.default).__name__}")
        object.__setattr__(self, "segments", tuple(segs))

    def segments_between(self, start_jd: float, end_jd: float) -> tuple[AttitudeSegment, ...]:
        """Contiguous segments covering ``[start_jd, end_jd)``, gaps filled by the default.

        Returns
        -------
        tuple of AttitudeSegment
            Clipped to the window, in time order; their durations add up to the window.
        """
        start, end = float(start_jd), float(end_jd)
        if not start < end:
            raise InputError(f"attitude window must have start < end, got {start_jd!r} .. "
                             f"{end_jd!r}")
        out: list[AttitudeSegment] = []
        t = start
        for seg in self.segments:  # a handful of segments
            if seg.end_jd <= t or seg.start_jd >= end:
                continue
            if seg.start_jd > t:
                out.append(self.default.clipped(t, seg.start_jd))
            out.append(seg.clipped(t, end))
            t = min(seg.end_jd, end)
        if t < end:
            out.append(self.default.clipped(t, end))
        return tuple(out)

    def ypr_at(self, jd) -> np.ndarray:
        """(..., 3) attitude (yaw, pitch, roll) [deg] at UTC Julian dates ``jd``."""
        t = np.asarray(jd, dtype=float)
        ypr = np.broadcast_to(np.array(self.default.ypr_deg), t.shape + (3,)).copy()
        if self.segments:
            starts = np.array([s.start_jd for s in self.segments])
            ends = np.array([s.end_jd for s in self.segments])
            table = np.array([s.ypr_deg for s in self.segments])
            idx = np.searchsorted(starts, t, side="right") - 1
            safe = np.clip(idx, 0, len(starts) - 1)
            inside = (idx >= 0) & (t < ends[safe])
            ypr[inside] = table[safe[inside]]
        return ypr
