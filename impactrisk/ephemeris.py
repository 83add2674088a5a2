"""The :class:`Ephemeris`: propagated states on a time grid and what derives from them.

Primary arrays (positions, velocities, SGP4 error codes, which element set served
each sample and its epoch age) are filled by :mod:`impactrisk.propagation`. Derived
quantities are computed on first access and cached, so a caller pays only for what it
uses: altitude above the spherical Earth (what the environment models take; physics
brief, convention 3), geodetic latitude and altitude (WGS-84, for display), argument of
latitude, the LVLH basis, and the slow astronomical quantities of :mod:`impactrisk.astro`.

Frames and conventions
----------------------
* Positions and velocities are in TEME (the SGP4 frame), km and km/s.
* LVLH (the ISS convention): +X ram (completes the triad, along the velocity for a
  circular orbit), +Z nadir (towards the Earth's centre), +Y = -orbit normal
  (opposite to r x v). :attr:`Ephemeris.lvlh_teme` holds the three unit vectors as the
  rows of a (T, 3, 3) array, so ``lvlh_teme @ w`` turns a TEME vector ``w`` into LVLH
  components.
* The geodetic latitude and height need only the distance from the rotation axis and
  the height above the equatorial plane, both invariant under the rotation from TEME to
  the Earth-fixed frame (about the same z axis up to polar motion, a few metres), so no
  sidereal-time rotation is needed.

Samples where SGP4 failed hold NaN in every float array and a non-zero code in
:attr:`Ephemeris.error` (see :data:`impactrisk.propagation.SGP4_ERRORS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

import numpy as np

from impactrisk.constants import R_EARTH_KM, WGS84_A_KM, WGS84_F

_E2 = WGS84_F * (2.0 - WGS84_F)  # first eccentricity squared
_B_KM = WGS84_A_KM * (1.0 - WGS84_F)  # semi-minor axis
_EP2 = _E2 / (1.0 - _E2)  # second eccentricity squared


@dataclass(frozen=True)
class Staleness:
    """How old the element sets were at the samples they served.

    Ages are ``|sample time - epoch|``. For design-study orbits (no element-set
    history) ``applicable`` is False and the ages are NaN.

    Attributes
    ----------
    applicable : bool
        False for design orbits.
    max_age_days : float
        Largest epoch age over the samples [d].
    mean_age_days : float
        Time-weighted mean epoch age [d].
    threshold_days : float
        Age above which a sample counts as old [d].
    fraction_older : float
        Time-weighted share of samples older than ``threshold_days`` [-].
    fraction_outside_coverage : float
        Time-weighted share of samples before the first or after the last epoch [-].
    duration_s : float
        Total weight of the samples summarised [s].
    """

    applicable: bool
    max_age_days: float
    mean_age_days: float
    threshold_days: float
    fraction_older: float
    fraction_outside_coverage: float
    duration_s: float

    @classmethod
    def merge(cls, parts: Sequence["Staleness"]) -> "Staleness":
        """Combine summaries of consecutive chunks of one run."""
        if not parts:
            raise ValueError("nothing to merge")
        total = sum(p.duration_s for p in parts)
        if not parts[0].applicable:
            return parts[0].__class__(False, np.nan, np.nan, parts[0].threshold_days, np.nan, np.nan, total)

        def weighted(attr: str) -> float:
            return float(sum(getattr(p, attr) * p.duration_s for p in parts) / total)

        return cls(
            True,
            max(p.max_age_days for p in parts),
            weighted("mean_age_days"),
            parts[0].threshold_days,
            weighted("fraction_older"),
            weighted("fraction_outside_coverage"),
            total,
        )

    def to_dict(self) -> dict:
        return {
            "applicable": self.applicable,
            "max_age_days": _finite_or_none(self.max_age_days),
            "mean_age_days": _finite_or_none(self.mean_age_days),
            "threshold_days": self.threshold_days,
            "fraction_older_than_threshold": _finite_or_none(self.fraction_older),
            "fraction_outside_coverage": _finite_or_none(self.fraction_outside_coverage),
        }


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(eq=False)
class Ephemeris:
    """States of one object on (a slice of) a time grid.

    Parameters
    ----------
    jd, fr : numpy.ndarray
        (T,) UTC Julian dates of the samples, whole part and fraction [d].
    weight_s : numpy.ndarray
        (T,) time each sample stands for [s].
    r_teme_km, v_teme_km_s : numpy.ndarray
        (T, 3) position [km] and velocity [km/s] in TEME; NaN where SGP4 failed.
    error : numpy.ndarray
        (T,) SGP4 error code, 0 where the propagation succeeded.
    set_index : numpy.ndarray
        (T,) index of the element set (in ``Orbit.satrecs``) that served each sample.
    epoch_age_days : numpy.ndarray
        (T,) sample time minus the serving set's epoch [d]; negative before the epoch;
        NaN for design orbits.
    outside_coverage : numpy.ndarray
        (T,) True where the sample is before the first or after the last epoch.
    mean_inclination_deg : numpy.ndarray, optional
        (T,) inclination of the serving element set (SGP4 mean elements) [deg]; the
        osculating :attr:`inclination_deg` stands in when it is not given.
    """

    jd: np.ndarray
    fr: np.ndarray
    weight_s: np.ndarray
    r_teme_km: np.ndarray
    v_teme_km_s: np.ndarray
    error: np.ndarray
    set_index: np.ndarray
    epoch_age_days: np.ndarray
    outside_coverage: np.ndarray
    mean_inclination_deg: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return int(self.jd.shape[0])

    @classmethod
    def concatenate(cls, parts: Sequence["Ephemeris"]) -> "Ephemeris":
        """Join consecutive chunks into one ephemeris (derived caches are not kept)."""
        names = ("jd", "fr", "weight_s", "r_teme_km", "v_teme_km_s", "error",
                 "set_index", "epoch_age_days", "outside_coverage")
        joined = {name: np.concatenate([getattr(p, name) for p in parts]) for name in names}
        if all(p.mean_inclination_deg is not None for p in parts):
            joined["mean_inclination_deg"] = np.concatenate([p.mean_inclination_deg for p in parts])
        return cls(**joined)

    # ----------------------------------------------------------------- time
    @cached_property
    def jd_utc(self) -> np.ndarray:
        """(T,) UTC Julian date as one float [d] (about 20 microseconds resolution)."""
        return self.jd + self.fr

    # ------------------------------------------------------------ geometry
    @cached_property
    def radius_km(self) -> np.ndarray:
        """(T,) geocentric distance [km]."""
        r = self.r_teme_km
        return np.sqrt(r[:, 0] ** 2 + r[:, 1] ** 2 + r[:, 2] ** 2)

    @cached_property
    def altitude_km(self) -> np.ndarray:
        """(T,) altitude above the spherical Earth, ``|r| - R_EARTH_KM`` [km].

        This is the altitude the environment models are defined with (physics brief,
        convention 3); use :attr:`geodetic_altitude_km` for display.
        """
        return self.radius_km - R_EARTH_KM

    @cached_property
    def speed_km_s(self) -> np.ndarray:
        """(T,) inertial speed [km/s]."""
        v = self.v_teme_km_s
        return np.sqrt(v[:, 0] ** 2 + v[:, 1] ** 2 + v[:, 2] ** 2)

    @cached_property
    def _geodetic(self) -> tuple[np.ndarray, np.ndarray]:
        # Bowring's (1976) closed form: one parametric-latitude step, accurate to well
        # under a millimetre from the ground to beyond LEO; height from the projection
        # on the ellipsoid normal, well conditioned at all latitudes.
        r = self.r_teme_km
        p = np.hypot(r[:, 0], r[:, 1])
        z = r[:, 2]
        theta = np.arctan2(z * WGS84_A_KM, p * _B_KM)
        sin_t, cos_t = np.sin(theta), np.cos(theta)
        lat = np.arctan2(z + _EP2 * _B_KM * sin_t**3, p - _E2 * WGS84_A_KM * cos_t**3)
        sin_lat, cos_lat = np.sin(lat), np.cos(lat)
        height = p * cos_lat + z * sin_lat - WGS84_A_KM * np.sqrt(1.0 - _E2 * sin_lat**2)
        return np.rad2deg(lat), height

    @property
    def geodetic_latitude_deg(self) -> np.ndarray:
        """(T,) WGS-84 geodetic latitude [deg] (display)."""
        return self._geodetic[0]

    @property
    def geodetic_altitude_km(self) -> np.ndarray:
        """(T,) height above the WGS-84 ellipsoid [km] (display)."""
        return self._geodetic[1]

    @cached_property
    def _orbit_normal(self) -> np.ndarray:
        r, v = self.r_teme_km, self.v_teme_km_s
        h = np.empty_like(r)
        h[:, 0] = r[:, 1] * v[:, 2] - r[:, 2] * v[:, 1]
        h[:, 1] = r[:, 2] * v[:, 0] - r[:, 0] * v[:, 2]
        h[:, 2] = r[:, 0] * v[:, 1] - r[:, 1] * v[:, 0]
        h /= np.sqrt(h[:, 0] ** 2 + h[:, 1] ** 2 + h[:, 2] ** 2)[:, None]
        return h

    @cached_property
    def lvlh_teme(self) -> np.ndarray:
        """(T, 3, 3) LVLH unit vectors (rows: +X ram, +Y -orbit normal, +Z nadir) in TEME."""
        basis = np.empty((len(self), 3, 3))
        z = basis[:, 2]
        np.divide(self.r_teme_km, -self.radius_km[:, None], out=z)
        y = basis[:, 1]
        np.negative(self._orbit_normal, out=y)
        # x = y cross z
        basis[:, 0, 0] = y[:, 1] * z[:, 2] - y[:, 2] * z[:, 1]
        basis[:, 0, 1] = y[:, 2] * z[:, 0] - y[:, 0] * z[:, 2]
        basis[:, 0, 2] = y[:, 0] * z[:, 1] - y[:, 1] * z[:, 0]
        return basis

    def to_lvlh(self, vectors_teme: np.ndarray) -> np.ndarray:
        """Express (T, 3) TEME vectors in the LVLH frame of each sample."""
        return np.einsum("tij,tj->ti", self.lvlh_teme, vectors_teme)

    @cached_property
    def inclination_deg(self) -> np.ndarray:
        """(T,) osculating inclination of the TEME orbit plane [deg]."""
        return np.rad2deg(np.arccos(np.clip(self._orbit_normal[:, 2], -1.0, 1.0)))

    @cached_property
    def arg_latitude_deg(self) -> np.ndarray:
        """(T,) argument of latitude u, from the ascending node along the motion [deg, 0-360).

        u in [0, 180) on ascending passes (moving north), [180, 360) on descending ones.
        Equatorial orbits have no node; u is then measured from TEME +X.
        """
        h = self._orbit_normal
        r = self.r_teme_km
        s2 = h[:, 0] ** 2 + h[:, 1] ** 2
        # With the node n = (-h_y, h_x, 0)/s and m = h x n in the orbit plane:
        #   s (r . n) = r_y h_x - r_x h_y,   s (r . m) = r_z s^2 - h_z (r_x h_x + r_y h_y).
        along_node = r[:, 1] * h[:, 0] - r[:, 0] * h[:, 1]
        across = r[:, 2] * s2 - h[:, 2] * (r[:, 0] * h[:, 0] + r[:, 1] * h[:, 1])
        equatorial = s2 < 1e-24
        if equatorial.any():
            along_node = np.where(equatorial, r[:, 0], along_node)
            across = np.where(equatorial, r[:, 1] * np.sign(h[:, 2]), across)
        return np.mod(np.rad2deg(np.arctan2(across, along_node)), 360.0)

    # ------------------------------------------------------ slow quantities
    @cached_property
    def node_span(self):
        """The samples on the axis of slow-quantity nodes (:func:`impactrisk.astro.node_span`)."""
        from impactrisk.astro import node_span

        return node_span(self.jd, self.fr)

    @cached_property
    def sun_teme_unit(self) -> np.ndarray:
        """(T, 3) unit vector towards the Sun, TEME (interpolated, see :mod:`impactrisk.astro`)."""
        from impactrisk.astro import sun_teme_unit

        return sun_teme_unit(self.node_span)

    @cached_property
    def earth_helio_velocity_teme_km_s(self) -> np.ndarray:
        """(T, 3) Earth's velocity relative to the Sun, TEME [km/s] (the apex direction)."""
        from impactrisk.astro import earth_helio_velocity_teme_km_s

        return earth_helio_velocity_teme_km_s(self.node_span)

    @cached_property
    def solar_longitude_deg(self) -> np.ndarray:
        """(T,) J2000 solar longitude [deg] (meteor-shower convention), in [0, 360)."""
        return np.mod(self.solar_longitude_unwrapped_deg, 360.0)

    @cached_property
    def solar_longitude_unwrapped_deg(self) -> np.ndarray:
        """(T,) the solar longitude made continuous over the samples (360 deg added at
        each wrap through 0) [deg]."""
        from impactrisk.astro import solar_longitude_unwrapped_deg

        return solar_longitude_unwrapped_deg(self.node_span)

    @cached_property
    def sun_lvlh_unit(self) -> np.ndarray:
        """(T, 3) unit vector towards the Sun in LVLH."""
        return self.to_lvlh(self.sun_teme_unit)

    # ------------------------------------------------------------ staleness
    def staleness(self, threshold_days: float = 3.0, mask: np.ndarray | None = None) -> Staleness:
        """Summarise the epoch ages of this ephemeris (see :class:`Staleness`), or of
        the samples selected by the boolean ``mask``."""
        keep = slice(None) if mask is None else np.asarray(mask, dtype=bool)
        w = self.weight_s[keep]
        age = np.abs(self.epoch_age_days[keep])
        total = float(np.sum(w))
        if len(w) == 0 or np.all(np.isnan(age)):
            return Staleness(False, np.nan, np.nan, threshold_days, np.nan, np.nan, total)
        return Staleness(
            True,
            float(np.nanmax(age)),
            float(np.sum(w * age) / total),
            threshold_days,
            float(np.sum(w * (age > threshold_days)) / total),
            float(np.sum(w * self.outside_coverage[keep]) / total),
            total,
        )
