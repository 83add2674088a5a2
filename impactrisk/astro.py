"""Slowly varying astronomical quantities along an orbit: Sun direction, Earth's
heliocentric velocity (the meteoroid apex) and the solar longitude.

They come from Skyfield with the JPL DE421 ephemeris shipped by ``skyfield-data``
(loaded by path, with Skyfield's built-in time scale, so nothing is downloaded).
Because they change by about a degree a day, they are computed on a coarse grid of
nodes fixed in absolute time (every :data:`NODE_STEP_DAYS`, counted from J2000) and
interpolated linearly to the samples; nodes depend only on absolute time, so chunked
and unchunked evaluations give identical values.

Frames: vectors are returned in TEME, the frame of SGP4 states, using Skyfield's
``TEME.rotation_at`` (AIAA 2006-6753 Appendix C), so they combine directly with the
propagated positions. The solar longitude is the geocentric ecliptic longitude of the
Sun referred to the mean equinox and ecliptic of J2000, the convention of the meteor
shower lists (IMO, NASA MEO, GMN; physics brief §7A).

References
----------
folkner2008 (DE421), rhodes_skyfield, vallado2006.
"""

from __future__ import annotations

import atexit
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

import numpy as np

from impactrisk.constants import JD_J2000, SECONDS_PER_DAY
from impactrisk.timegrid import JD_UNIX_EPOCH

#: Spacing of the nodes at which the slow quantities are computed [d]. The Sun moves
#: about 0.25 deg in this time; the error of linear interpolation of a unit vector
#: over it is below (0.25 deg)^2/8, i.e. under 3e-6 rad.
NODE_STEP_DAYS = 0.25
#: Spacing of the nodes at which the TEME rotation (precession-nutation, the costly
#: part) is evaluated and then interpolated to the nodes above [d]. Over 8 days the
#: rotation changes by about 1" of precession; the short-period nutation terms it
#: smooths over are below 0.1" (5e-7 rad).
ROTATION_STEP_DAYS = 8.0
#: Astronomical unit [km] (IAU 2012 Resolution B2).
AU_KM = 149597870.700


class SlowQuantities(NamedTuple):
    """Sun and apex quantities at some sample times (all arrays have length T)."""

    sun_teme_unit: np.ndarray  #: (T, 3) unit vector from Earth towards the Sun, TEME
    earth_helio_velocity_teme_km_s: np.ndarray  #: (T, 3) Earth velocity relative to the Sun [km/s], TEME
    solar_longitude_deg: np.ndarray  #: (T,) J2000 solar longitude [deg], in [0, 360)


def _de421_path() -> Path:
    # The data folder of skyfield-data, located without calling its
    # get_skyfield_data_path(), which warns about files near their expiry date even
    # though DE421 itself is valid from 1900 to 2050.
    return Path(str(files("skyfield_data").joinpath("data", "de421.bsp")))


@lru_cache(maxsize=1)
def _skyfield():
    from skyfield.api import load, load_file

    timescale = load.timescale(builtin=True)
    planets = load_file(str(_de421_path()))
    atexit.register(planets.close)
    return timescale, planets


def _utc_times(timescale, jd_utc: np.ndarray):
    days = jd_utc - JD_UNIX_EPOCH
    whole = np.floor(days)
    return timescale.utc(1970, 1, 1 + whole.astype(np.int64), 0, 0, (days - whole) * SECONDS_PER_DAY)


def node_quantities(node_jd_utc: np.ndarray) -> SlowQuantities:
    """Compute the slow quantities exactly at the given UTC Julian dates.

    Parameters
    ----------
    node_jd_utc : numpy.ndarray
        UTC Julian dates [d], one dimension.

    Returns
    -------
    SlowQuantities
    """
    from skyfield.framelib import ecliptic_J2000_frame
    from skyfield.sgp4lib import TEME

    timescale, planets = _skyfield()
    node_jd_utc = np.asarray(node_jd_utc, dtype=np.float64)
    t = _utc_times(timescale, node_jd_utc)

    earth = planets["earth"]
    sun = planets["sun"]
    astrometric = earth.at(t).observe(sun)
    sun_icrs_km = astrometric.position.km
    # (3, 3, N): ICRS -> TEME, evaluated at absolute 8-day nodes and interpolated.
    x = (node_jd_utc - JD_J2000) / ROTATION_STEP_DAYS
    sub = np.arange(np.floor(x.min()), np.floor(x.max()) + 2.0)
    sub_rotation = TEME.rotation_at(_utc_times(timescale, JD_J2000 + sub * ROTATION_STEP_DAYS))
    rotation = np.empty((3, 3, len(x)))
    for i in range(3):
        for j in range(3):
            rotation[i, j] = np.interp(x, sub, sub_rotation[i, j])
    sun_teme = np.einsum("ijn,jn->ni", rotation, sun_icrs_km)
    sun_teme /= np.linalg.norm(sun_teme, axis=1, keepdims=True)

    earth_velocity = earth.at(t).velocity.km_per_s - sun.at(t).velocity.km_per_s
    earth_velocity_teme = np.einsum("ijn,jn->ni", rotation, earth_velocity)

    _, longitude, _ = astrometric.frame_latlon(ecliptic_J2000_frame)
    return SlowQuantities(sun_teme, earth_velocity_teme, np.mod(longitude.degrees, 360.0))


#: Nodes per cached block of :func:`node_quantities` (32 days at 0.25 d).
NODE_BLOCK = 128


@lru_cache(maxsize=128)
def _node_block(block: int) -> SlowQuantities:
    """Node quantities of nodes ``block * NODE_BLOCK ... (block + 1) * NODE_BLOCK - 1``
    (counted from J2000), computed once per process: the nodes are fixed in absolute
    time, so every window that touches a block reuses it."""
    index = block * NODE_BLOCK + np.arange(NODE_BLOCK, dtype=np.float64)
    return node_quantities(JD_J2000 + index * NODE_STEP_DAYS)


class NodeSpan(NamedTuple):
    """Samples placed on the axis of nodes, and the node quantities around them."""

    x: np.ndarray  #: (T,) position of each sample on the node axis [node steps from J2000]
    first: int  #: index of the first node (counted from J2000)
    nodes: SlowQuantities  #: quantities at nodes ``first, first + 1, ...`` (K of them)

    @property
    def node_jd_utc(self) -> np.ndarray:
        """(K,) UTC Julian dates of the nodes [d]."""
        return JD_J2000 + (self.first + np.arange(len(self.nodes.solar_longitude_deg))) * NODE_STEP_DAYS

    def interpolate(self, node_values: np.ndarray, which=slice(None)) -> np.ndarray:
        """Node values ``(K, ...)`` interpolated linearly to the samples ``which`` (a
        slice or index array into the samples)."""
        x = self.x[which]
        values = np.asarray(node_values, dtype=np.float64)
        axis = self.first + np.arange(len(values), dtype=np.float64)
        if values.ndim == 1:
            return np.interp(x, axis, values)
        columns = values.reshape(len(values), -1)
        out = np.empty((len(x), columns.shape[1]))
        for k in range(columns.shape[1]):
            out[:, k] = np.interp(x, axis, columns[:, k])
        return out.reshape((len(x),) + values.shape[1:])


def node_span(jd: np.ndarray, fr: np.ndarray) -> NodeSpan:
    """The nodes around sample times ``jd + fr`` (UTC Julian dates split in whole part
    and fraction [d]), from the per-process cache of node blocks."""
    jd = np.asarray(jd, dtype=np.float64)
    fr = np.asarray(fr, dtype=np.float64)
    x = ((jd - JD_J2000) + fr) / NODE_STEP_DAYS
    if x.size == 0:
        empty3 = np.empty((0, 3))
        return NodeSpan(x, 0, SlowQuantities(empty3, empty3.copy(), np.empty(0)))
    k0 = int(np.floor(np.nanmin(x)))
    k1 = int(np.floor(np.nanmax(x))) + 1
    parts = [_node_block(b) for b in range(k0 // NODE_BLOCK, k1 // NODE_BLOCK + 1)]
    first = (k0 // NODE_BLOCK) * NODE_BLOCK
    take = slice(k0 - first, k1 - first + 1)
    nodes = SlowQuantities(*(np.concatenate([getattr(p, f) for p in parts])[take] for f in SlowQuantities._fields))
    return NodeSpan(x, k0, nodes)


def sun_teme_unit(span: NodeSpan) -> np.ndarray:
    """(T, 3) unit vector towards the Sun at the samples, TEME (renormalised after
    interpolation)."""
    sun = span.interpolate(span.nodes.sun_teme_unit)
    sun /= np.linalg.norm(sun, axis=1, keepdims=True)
    return sun


def earth_helio_velocity_teme_km_s(span: NodeSpan) -> np.ndarray:
    """(T, 3) Earth's heliocentric velocity at the samples, TEME [km/s]."""
    return span.interpolate(span.nodes.earth_helio_velocity_teme_km_s)


def solar_longitude_unwrapped_deg(span: NodeSpan) -> np.ndarray:
    """(T,) J2000 solar longitude at the samples [deg], continuous over the span (360
    added at each wrap through 0): interpolated on the unwrapped node values."""
    return span.interpolate(np.rad2deg(np.unwrap(np.deg2rad(span.nodes.solar_longitude_deg))))


def solar_longitude_deg(span: NodeSpan) -> np.ndarray:
    """(T,) J2000 solar longitude at the samples [deg], in [0, 360)."""
    return np.mod(solar_longitude_unwrapped_deg(span), 360.0)


def slow_quantities(jd: np.ndarray, fr: np.ndarray) -> SlowQuantities:
    """Slow quantities at sample times, interpolated from nodes fixed in absolute time.

    Parameters
    ----------
    jd, fr : numpy.ndarray
        UTC Julian dates of the samples split in whole part and fraction [d].

    Returns
    -------
    SlowQuantities
        Unit vectors are renormalised after interpolation; the solar longitude is
        interpolated on its unwrapped values.
    """
    span = node_span(jd, fr)
    return SlowQuantities(sun_teme_unit(span), earth_helio_velocity_teme_km_s(span), solar_longitude_deg(span))


def icrs_to_teme_rotation(jd_utc: float) -> np.ndarray:
    """(3, 3) rotation from ICRS/J2000 axes to TEME at one instant.

    Used for directions fixed in inertial space (meteor radiants); over a few days the
    rotation changes by less than 1 arcsecond, so one matrix per chunk is enough.
    """
    from skyfield.sgp4lib import TEME

    timescale, _ = _skyfield()
    return np.asarray(TEME.rotation_at(_utc_times(timescale, np.array([float(jd_utc)]))))[:, :, 0]
