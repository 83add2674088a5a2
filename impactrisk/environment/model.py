"""The MMOD environment along a propagated orbit, as exposures of pattern families.

:func:`environment_exposure` turns one :class:`~impactrisk.ephemeris.Ephemeris` (a
window or a chunk of one) into a list of
:class:`~impactrisk.environment.directional.SourceExposure`: for each source, a
:class:`~impactrisk.environment.directional.PatternFamily` of unit-magnitude flux
patterns and, per sample, which patterns stand for it with what weight (docs/design.md,
"The flux representation").

* **Meteoroids** (fixed relative to the orbit): the isotropic near-Earth field of
  :mod:`~impactrisk.environment.sporadic` at altitude nodes every ``node_step_km``, seen at the circular speed there; each sample is interpolated
  linearly between its two nodes. With showers on, its spectrum is Grun times the
  per-mass sporadic factor (convention 6).
* **Showers** (fixed in inertial space): a map of the stream seen from every direction
  of its radiant in LVLH (nodes every ``shower_map_deg`` in the radiant's azimuth
  about the orbit normal and its elevation from the orbit plane), built for the rows a
  window visits: the stream velocity ``-V_inf * radiant`` added to the circular
  velocity, flux ``|v_rel| / V_inf`` per unit flux through a surface normal to the
  radiant. Each active sample is interpolated bilinearly on the map with the
  perpendicular flux of its solar longitude, and gets nothing while the radiant is
  inside the Earth + 100 km disk.
* **Debris** (fixed relative to the orbit): the crossing geometry of circular
  populations with the packaged inclination mix, per argument-of-latitude cell, at unit
  orbit-averaged magnitude; each sample's weight is spread over the cells its arc of
  argument of latitude covers and over its two altitude nodes, times the size model's
  cross-sectional flux at the sample's altitude, inclination and date (Kessler NASA-91
  x 4, tumbling-surface basis, as its two size terms, each with a spectrum fixed in
  time; or the ORDEM2000 Handbook table).

Nothing here reads files: the packaged tables arrive in :class:`EnvironmentInputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

import numpy as np

from impactrisk.constants import JD_J2000, MU_EARTH_WGS72_KM3_S2, R_EARTH_KM, SECONDS_PER_YEAR
from impactrisk.environment.crossing import MU_EARTH_KM3_S2 as CROSSING_MU_KM3_S2
from impactrisk.environment.crossing import (
    DebrisInclinationMix,
    circular_speed_km_s,
    crossing_flux_distribution,
)
from impactrisk.environment.debris_spectra import (
    Ordem2000HandbookTable,
    kessler_1991_flux,
    kessler_f1,
    kessler_f2,
    kessler_size_factor_h,
    ordem2000_handbook_flux,
)
from impactrisk.environment.directional import FluxBundles, PatternFamily, SizeSpectrum, SourceExposure
from impactrisk.environment.meteoroid import grun_1985_flux, mass_from_diameter_g
from impactrisk.environment.parameters import ECSS_NEAR_EARTH, DensityClass
from impactrisk.environment.showers import (
    Shower,
    activity_window_deg,
    mass_index,
    radiant_radec_deg,
    shower_flux_above_mass,
    sporadic_scale_factor,
)
from impactrisk.environment.solar_flux import AnnualF107Table, smoothed_f107_previous_year
from impactrisk.environment.sporadic import FreeSpaceSpeeds, grun_size_spectrum, sporadic_meteoroid_bundles
from impactrisk.errors import InputError

__all__ = [
    "DEBRIS_DENSITY_G_CM3",
    "DEBRIS_MODELS",
    "GROUPS",
    "EnvironmentConfig",
    "EnvironmentInputs",
    "arc_cell_overlaps",
    "environment_exposure",
    "julian_year",
    "shower_spectrum",
]

#: Source groups, in report order.
GROUPS = ("meteoroid", "shower", "debris")
#: Debris particle density [g/cm^3]: aluminium, NASA/TM-2009-214785 §2.6.2 ("assumed
#: to be 2.8 g/cm3"), physics brief §5.2.
DEBRIS_DENSITY_G_CM3 = 2.8
#: Debris size models and the basis of their fluxes.
DEBRIS_MODELS = {
    "kessler-1991": "Kessler NASA-90/91 (SSP 30425 family), tumbling-surface flux x 4",
    "ordem2000-handbook": "ORDEM2000 as published in NASA/TM-2009-214785 (cross-sectional)",
    "table": "a tabulated flux (e.g. ESA MASTER output): each debris source column with its own "
             "density and size spectrum, as printed for its target orbit and epoch",
}
#: Smallest debris size the spectra are used from [cm] (10 um, the smallest size of the
#: ORDEM2000 Handbook figure); the patterns count particles at least this large.
DEBRIS_REFERENCE_D_CM = 1.0e-3
DEBRIS_MAX_D_CM = 100.0
#: Shower power laws are applied between these masses [g]: an ASSUMPTION (the mass
#: index is measured near 1e-4 g; physics brief §4.2).
#: Below 1e-9 g the extrapolated power laws of the showers would exceed 1 % of Grun's
#: flux (0.9913 of Grun is sporadic at 1e-9 g, 0.14 at 1e-12 g), which no observation
#: supports.
SHOWER_MASS_RANGE_G = (1.0e-9, 1.0e2)
_SHOWER_GRID_G = np.logspace(-9, 2, 111)
#: Below this an arc of argument of latitude counts as a point [deg].
_TINY_ARC_DEG = 1e-9


@dataclass(frozen=True)
class EnvironmentInputs:
    """The packaged tables the environment needs (loaded by :mod:`impactrisk.io`)."""

    showers: tuple[Shower, ...]
    inclination_mix: DebrisInclinationMix
    f107: AnnualF107Table
    ordem: Ordem2000HandbookTable
    #: A tabulated flux for ``debris_model="table"`` (:class:`~impactrisk.environment.tabulated.FluxTable`).
    flux_table: object = None


@dataclass(frozen=True)
class EnvironmentConfig:
    """Model choices and numerical resolution.

    Attributes
    ----------
    meteoroid_densities : str or float
        ``"tm4527"`` (2 / 1 / 0.5 g/cm^3 by mass, default) or one density [g/cm^3].
    showers : bool
        Add the annual showers time-resolved and reduce Grun to the sporadic part.
    debris_model : str
        One of :data:`DEBRIS_MODELS`.
    f107_sfu : float, optional
        Override of the Kessler model's solar activity S [sfu].
    n_directions : int
        Geocentric directions of the meteoroid quadrature.
    meteoroid_speed_nodes : tuple of int
        Gauss-Legendre speed nodes per piece of the SSP 30425 distribution
        (:func:`~impactrisk.environment.sporadic.ssp30425_speed_nodes`).
    meteoroid_speed_step_km_s : float, optional
        Uniform speed bins [km/s] instead of the Gauss nodes.
    meteoroid_speeds : "ssp30425" or FreeSpaceSpeeds
        The meteoroid speed distribution: SSP 30425's near-Earth one (default), or a
        free-space (V_inf) table focused bin by bin (e.g. ECSS Table C-1,
        :func:`impactrisk.io.flux_tables.load_free_space_speeds`).
    node_step_km : float
        Spacing of the altitude nodes of the meteoroid and debris patterns [km] (above
        the spherical Earth); samples are interpolated linearly between nodes (the patterns change by
        well under 1 % over 25 km at ISS altitude: Earth blocking, focusing and circular
        speed).
    u_cell_deg : float
        Argument-of-latitude cells of the debris crossing geometry [deg].
    shower_map_deg : float
        Node spacing of the shower maps over the radiant's direction in LVLH [deg].
    """

    meteoroid_densities: str | float = "tm4527"
    showers: bool = True
    debris_model: str = "kessler-1991"
    f107_sfu: float | None = None
    n_directions: int = 3000
    meteoroid_speed_nodes: tuple[int, int, int] = (3, 6, 2)
    meteoroid_speed_step_km_s: float | None = None
    meteoroid_speeds: object = "ssp30425"
    node_step_km: float = 25.0
    u_cell_deg: float = 2.0
    shower_map_deg: float = 3.0

    def __post_init__(self) -> None:
        if self.debris_model not in DEBRIS_MODELS:
            raise InputError(f"unknown debris model {self.debris_model!r}; expected one of "
                             + ", ".join(DEBRIS_MODELS))
        if self.meteoroid_speed_step_km_s is not None and not self.meteoroid_speed_step_km_s > 0:
            raise InputError(f"meteoroid_speed_step_km_s must be positive, got {self.meteoroid_speed_step_km_s!r}")
        if len(self.meteoroid_speed_nodes) != 3 or not all(int(n) >= 1 for n in self.meteoroid_speed_nodes):
            raise InputError(f"meteoroid_speed_nodes must be three node counts >= 1, got "
                             f"{self.meteoroid_speed_nodes!r}")
        object.__setattr__(self, "meteoroid_speed_nodes", tuple(int(n) for n in self.meteoroid_speed_nodes))
        for name in ("node_step_km", "u_cell_deg", "shower_map_deg"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be positive, got {getattr(self, name)!r}")
        for name in ("u_cell_deg", "shower_map_deg"):
            cells = 360.0 / getattr(self, name)
            if abs(cells - round(cells)) > 1e-9 or (name == "shower_map_deg" and round(cells) % 2):
                raise InputError(f"{name} must divide 360 deg{' into an even number of cells' if name == 'shower_map_deg' else ''}, "
                                 f"got {getattr(self, name)!r}")
        if not (self.meteoroid_speeds == "ssp30425" or isinstance(self.meteoroid_speeds, FreeSpaceSpeeds)):
            raise InputError(f"meteoroid_speeds: expected 'ssp30425' or a free-space speed table, got "
                             f"{self.meteoroid_speeds!r}")
        if self.f107_sfu is not None and not self.f107_sfu >= 0:
            raise InputError(f"F10.7 must be >= 0 sfu, got {self.f107_sfu!r}")

    def with_changes(self, **changes) -> "EnvironmentConfig":
        return replace(self, **changes)


def julian_year(jd_utc: np.ndarray) -> np.ndarray:
    """Decimal year as a Julian epoch, ``2000 + (JD - 2451545) / 365.25`` [yr]."""
    return 2000.0 + (np.asarray(jd_utc, dtype=float) - 2451545.0) / 365.25


def _node_weights(x: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """(T, 2) node indices and linear-interpolation weights of ``x`` between nodes
    ``j * step`` and ``(j + 1) * step``."""
    f = np.asarray(x, dtype=float) / step
    j = np.floor(f)
    upper = f - j
    j = j.astype(np.int64)
    return np.column_stack([j, j + 1]), np.column_stack([1.0 - upper, upper])


def _slots(block_ids: np.ndarray) -> tuple[tuple, np.ndarray]:
    """Distinct blocks (as tuples of ints) and, per entry, the slot of its block.

    ``block_ids`` has the block coordinates on its last axis; they are combined into one
    integer per entry (mixed radix over each coordinate's range) so that the distinct
    values come from a count, not a sort. The coordinates are taken one at a time: a
    reduction along the short last axis of a long array is several times slower.
    """
    ids = np.asarray(block_ids, dtype=np.int64)
    lead = ids.shape[:-1]
    if ids.size == 0:
        return (), np.zeros(lead, dtype=np.int64)
    columns = [ids[..., k].ravel() for k in range(ids.shape[-1])]
    lows = [int(c.min()) for c in columns]
    spans = [int(c.max()) - low + 1 for c, low in zip(columns, lows)]
    code = columns[0] - lows[0]
    for column, low, span in zip(columns[1:], lows[1:], spans[1:]):
        code = code * span + (column - low)
    # Block coordinates span a few nodes and rows: a table over the whole range.
    present = np.bincount(code, minlength=int(np.prod(spans))) > 0
    unique = np.flatnonzero(present)
    slot_of = np.cumsum(present) - 1
    coords = np.column_stack(np.unravel_index(unique, tuple(spans))) + np.array(lows)
    return (tuple(tuple(int(x) for x in row) for row in coords), slot_of[code].reshape(lead))


# ----------------------------------------------------------------------- meteoroids


def _sporadic_spectrum(config: EnvironmentConfig, showers: Sequence[Shower]) -> SizeSpectrum:
    """Grun's total, or with showers on, Grun minus the showers' annual mean.

    The showers' annual mean (random-plate, free-space equivalent; see
    :func:`~impactrisk.environment.showers.sporadic_scale_factor`) is a sum of power
    laws, interpolated log-log on a grid over :data:`SHOWER_MASS_RANGE_G`; below that
    range it is held at its value at the lower limit, as the shower spectra themselves
    are (their power laws are not extrapolated further).
    """
    total = grun_size_spectrum(config.meteoroid_densities)
    if not (config.showers and showers):
        return total
    grid = _SHOWER_GRID_G
    grun = np.asarray(grun_1985_flux(grid))
    annual = grun * (1.0 - np.asarray(sporadic_scale_factor(grid, grun, showers)))
    log_grid, log_annual = np.log(grid), np.log(annual)

    def cumulative(mass_g):
        m = np.asarray(mass_g, dtype=float)
        inside = np.clip(m, grid[0], grid[-1])
        return grun_1985_flux(m) - np.exp(np.interp(np.log(inside), log_grid, log_annual))

    return replace(total, name=total.name.replace(
        "Grun 1985", "Grun 1985 minus the modelled showers' annual mean"), cumulative=cumulative)


_SHOWER_REGISTRY: dict[tuple, tuple] = {}


def _shower_key(showers: Sequence[Shower]) -> tuple:
    key = tuple((sh.code, sh.zhr_max, sh.lambda_max_deg, sh.population_index, sh.v_entry_km_s,
                 sh.b_plus_per_deg, sh.b_minus_per_deg, sh.ra_deg, sh.dec_deg, sh.dra_deg_per_deg,
                 sh.ddec_deg_per_deg, sh.rho_g_cm3) for sh in showers)
    _SHOWER_REGISTRY.setdefault(key, tuple(showers))
    return key


@lru_cache(maxsize=16)
def meteoroid_family(config: EnvironmentConfig, shower_key: tuple = ()) -> PatternFamily:
    """The meteoroid field as patterns: one per node of geocentric distance.

    Block ``(j,)`` is the field at altitude ``j * config.node_step_km`` [km] above the
    spherical Earth (convention 3), seen at the circular speed there (the ISS's flight-path angle and speed differ from circular by
    < 0.1 %); its bundles carry the flux of the family's spectrum at the reference mass.
    """
    showers = _SHOWER_REGISTRY.get(shower_key, ()) if config.showers else ()
    spectrum = _sporadic_spectrum(config, showers)
    # The bundles carry Grun's total at the reference mass; the spectrum in use may be
    # the sporadic part only, whose reference flux is slightly lower.
    m_ref = spectrum.reference_mass_g
    scale = float(spectrum.cumulative(np.array(m_ref)) / grun_1985_flux(m_ref))
    source = "sporadic meteoroids" if config.showers else "meteoroids"
    step = config.node_step_km

    def build(block):
        (j,) = block
        if isinstance(config.meteoroid_speeds, FreeSpaceSpeeds):
            quadrature = {"free_space": config.meteoroid_speeds}
        elif config.meteoroid_speed_step_km_s is None:
            quadrature = {"speed_nodes": config.meteoroid_speed_nodes}
        else:
            quadrature = {"speed_step_km_s": config.meteoroid_speed_step_km_s}
        bundles = sporadic_meteoroid_bundles(R_EARTH_KM + j * step, n_directions=config.n_directions, source=source,
                                             **quadrature)
        return bundles.scaled(scale), np.zeros(len(bundles), dtype=np.int64)

    key = ("meteoroid", spectrum.name, config.meteoroid_densities, bool(showers), shower_key if showers else (),
           config.n_directions, config.meteoroid_speed_nodes, config.meteoroid_speed_step_km_s, step,
           config.meteoroid_speeds)
    if isinstance(config.meteoroid_speeds, FreeSpaceSpeeds):
        speeds = (f"{config.meteoroid_speeds.name} free-space speeds focused bin by bin "
                  f"(ECSS C.1.5.1, {config.meteoroid_speeds.weighting}-weighted)")
    else:
        speeds = "SSP 30425 near-Earth speeds"
    return PatternFamily(key, source, "meteoroid", f"{spectrum.name}; {speeds}; isotropic, Earth-blocked",
                         spectrum, 1, build)


def _meteoroid_exposure(eph, ok: np.ndarray, config: EnvironmentConfig, showers) -> SourceExposure:
    family = meteoroid_family(config, _shower_key(showers))
    sample = np.flatnonzero(ok)
    nodes, hat = _node_weights(eph.altitude_km[sample], config.node_step_km)
    blocks, slot = _slots(nodes[..., None])
    weight = (eph.weight_s[sample] / SECONDS_PER_YEAR)[:, None] * hat
    return SourceExposure(family, blocks, sample, slot, weight)


# -------------------------------------------------------------------------- showers


def _radec_unit(ra_deg: np.ndarray, dec_deg: np.ndarray) -> np.ndarray:
    ra, dec = np.radians(ra_deg), np.radians(dec_deg)
    return np.column_stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])


def shower_spectrum(shower: Shower) -> SizeSpectrum:
    """Single power law ``F(>= m) ~ m^(1 - s)`` of a shower, with its density."""
    s = float(mass_index(shower.population_index))
    lo, hi = SHOWER_MASS_RANGE_G
    return SizeSpectrum(
        name=f"{shower.code} power law, s = {s:.2f}, {shower.rho_g_cm3:g} g/cm3",
        cumulative=lambda m: np.asarray(m, dtype=float) ** (1.0 - s),
        bands=(DensityClass(0.0, float("inf"), shower.rho_g_cm3),),
        reference_mass_g=lo,
        valid_mass_g=(lo, hi),
        reference="koschack1990 rendtel2024imo",
    )


def _shower_map_axes(step_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of a shower map [deg]: elevations from -90 to 90 and azimuths from 0 to 360."""
    n_rows = int(round(180.0 / step_deg))
    n_cols = int(round(360.0 / step_deg))
    return -90.0 + step_deg * np.arange(n_rows + 1), step_deg * np.arange(n_cols)


def radiant_map_coordinates(radiant_lvlh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elevation of a direction from the orbit plane and its azimuth about the orbit
    normal [deg] in LVLH (+X ram, +Y = -orbit normal, +Z nadir).

    ``elevation = asin(d_y)``, ``azimuth = atan2(d_z, d_x)`` in [0, 360): 0 is the ram
    direction, 90 nadir, 180 wake, 270 zenith.
    """
    d = np.asarray(radiant_lvlh, dtype=float)
    elevation = np.degrees(np.arcsin(np.clip(d[..., 1], -1.0, 1.0)))
    azimuth = np.mod(np.degrees(np.arctan2(d[..., 2], d[..., 0])), 360.0)
    return elevation, azimuth


@lru_cache(maxsize=64)
def shower_family(shower: Shower, config: EnvironmentConfig) -> PatternFamily:
    """A shower as a map over the direction of its radiant in LVLH.

    Block ``(j, i)`` is elevation row ``i`` (``-90 + i * step`` deg from the orbit plane
    towards -orbit normal) seen from altitude node ``j`` (``j * node_step_km``, the
    nearest node, which sets the circular speed); its patterns are the azimuths ``k *
    step`` (:func:`radiant_map_coordinates`), one bundle each: the particle travels at
    ``v_rel = -V_inf d - v_c x`` (d the unit vector to the radiant), with flux ``|v_rel|
    / V_inf`` per unit flux through a surface perpendicular to the radiant.
    """
    elevations, azimuths = _shower_map_axes(config.shower_map_deg)
    spectrum = shower_spectrum(shower)
    v_inf = shower.v_entry_km_s

    def build(block):
        j, i = block
        el, az = np.radians(elevations[i]), np.radians(azimuths)
        radiant = np.column_stack([np.cos(el) * np.cos(az), np.full(az.shape, np.sin(el)), np.cos(el) * np.sin(az)])
        v_sc = np.array([np.sqrt(MU_EARTH_WGS72_KM3_S2 / (R_EARTH_KM + j * config.node_step_km)), 0.0, 0.0])
        v_rel = -v_inf * radiant - v_sc
        speed = np.linalg.norm(v_rel, axis=1)
        bundles = FluxBundles(shower.code, v_rel / speed[:, None], speed, speed / v_inf,
                              reference="rendtel2024imo meo_shower_list")
        return bundles, np.arange(len(azimuths))

    key = ("shower", _shower_key([shower]), spectrum.name, config.shower_map_deg, config.node_step_km)
    return PatternFamily(key, shower.code, "shower",
                         f"{shower.name}: IMO-25 ZHR {shower.zhr_max:g}, r {shower.population_index:g}, "
                         f"V {shower.v_entry_km_s:g} km/s, {shower.rho_g_cm3:g} g/cm3",
                         spectrum, len(azimuths), build)


def _activity_ranges(unwrapped_deg: np.ndarray, begin_deg: float, end_deg: float) -> list[slice]:
    """Runs of samples whose solar longitude lies in the window ``[begin, end]`` (which
    may wrap through 0); ``unwrapped_deg`` are the samples' longitudes in time order,
    made continuous (``Ephemeris.solar_longitude_unwrapped_deg``)."""
    if unwrapped_deg.size == 0:
        return []
    width = np.mod(end_deg - begin_deg, 360.0)
    first = int(np.floor((unwrapped_deg[0] - begin_deg) / 360.0)) - 1
    last = int(np.floor((unwrapped_deg[-1] - begin_deg) / 360.0)) + 1
    ranges = []
    for k in range(first, last + 1):
        a = np.searchsorted(unwrapped_deg, begin_deg + 360.0 * k, side="left")
        b = np.searchsorted(unwrapped_deg, begin_deg + 360.0 * k + width, side="right")
        if b > a:
            ranges.append(slice(int(a), int(b)))
    return ranges


#: Spacing of the ICRS -> TEME rotations applied to shower radiants [d].
ROTATION_NODE_DAYS = 4.0


@lru_cache(maxsize=256)
def _icrs_to_teme(node: int) -> np.ndarray:
    from impactrisk.astro import icrs_to_teme_rotation

    return icrs_to_teme_rotation(JD_J2000 + node * ROTATION_NODE_DAYS)


def _radiant_nodes_teme(shower: Shower, span) -> np.ndarray:
    """(K, 3) unit vectors towards the radiant of ``shower`` at the slow-quantity nodes
    of ``span`` (:class:`impactrisk.astro.NodeSpan`), TEME.

    The radiant drifts by about a degree a day; between nodes 0.25 d apart it is
    interpolated linearly, to within (0.7 deg)^2 / 8 = 2e-5 in direction and length
    for the fastest drift (DRA), so it is not renormalised. ICRS -> TEME changes by
    under an arcsecond in a few days: one rotation per node of
    :data:`ROTATION_NODE_DAYS`, fixed in absolute time like the nodes themselves, so a
    sample's radiant does not depend on which other samples share its chunk.
    """
    ra, dec = radiant_radec_deg(shower, span.nodes.solar_longitude_deg)
    radiant = _radec_unit(np.atleast_1d(ra), np.atleast_1d(dec))
    rotation_node = np.rint((span.node_jd_utc - JD_J2000) / ROTATION_NODE_DAYS).astype(np.int64)
    for node in np.unique(rotation_node).tolist():
        at = rotation_node == node
        radiant[at] = radiant[at] @ _icrs_to_teme(node).T
    return radiant


def shower_radiant_lvlh(eph, shower: Shower, which=slice(None)) -> tuple[np.ndarray, np.ndarray]:
    """Direction to the radiant of ``shower`` at samples ``which`` of ``eph``.

    Returns
    -------
    radiant_lvlh : numpy.ndarray
        (n, 3) unit vectors in LVLH.
    visible : numpy.ndarray
        (n,) True where the radiant is outside the Earth + 100 km disk around nadir
        (+Z) of half-angle eta, i.e. where the stream can reach the station (ECSS
        Annex C.1.3.1).
    """
    span = eph.node_span
    radiant = span.interpolate(_radiant_nodes_teme(shower, span), which)
    radiant_lvlh = np.einsum("tij,tj->ti", eph.lvlh_teme[which], radiant)
    sin_eta = (ECSS_NEAR_EARTH.r_earth_km + ECSS_NEAR_EARTH.atmosphere_km) / eph.radius_km[which]
    cos_eta = np.sqrt(np.clip(1.0 - sin_eta**2, 0.0, None))
    return radiant_lvlh, radiant_lvlh[:, 2] < cos_eta


def _shower_exposures(eph, ok: np.ndarray, showers: Sequence[Shower], config: EnvironmentConfig) -> list[SourceExposure]:
    out = []
    if not ok.any():
        return out
    longitude = eph.solar_longitude_deg
    unwrapped = eph.solar_longitude_unwrapped_deg
    step = config.shower_map_deg
    elevations, azimuths = _shower_map_axes(step)
    n_rows, n_cols = len(elevations) - 1, len(azimuths)
    for shower in showers:
        family = shower_family(shower, config)
        # The activity window is a run of samples (or two): work on those slices only.
        parts = []
        for run in _activity_ranges(unwrapped, *activity_window_deg(shower)):
            # Cross-sectional flux, zero outside the activity window; the stream is seen
            # while its radiant is above the limb.
            radiant_lvlh, visible = shower_radiant_lvlh(eph, shower, run)
            seen = np.flatnonzero(ok[run] & visible)
            flux = np.atleast_1d(shower_flux_above_mass(shower, longitude[run.start + seen],
                                                        family.spectrum.reference_mass_g))
            keep = flux > 0.0
            if keep.any():
                parts.append((seen[keep] + run.start, radiant_lvlh[seen[keep]], flux[keep]))
        if not parts:
            continue
        idx = np.concatenate([p[0] for p in parts])
        el, az = radiant_map_coordinates(np.concatenate([p[1] for p in parts]))
        perpendicular = np.concatenate([p[2] for p in parts])
        y = (el + 90.0) / step
        row = np.clip(np.floor(y), 0, n_rows - 1).astype(np.int64)
        fy = y - row
        x = az / step
        col = np.floor(x).astype(np.int64) % n_cols
        fx = x - np.floor(x)
        # Blocks (altitude node, elevation row): rows ``row`` and ``row + 1`` of each
        # sample's nearest node, numbered node-major (as :func:`_slots` would).
        node = np.rint(eph.altitude_km[idx] / config.node_step_km).astype(np.int64)
        node_lo = int(node.min())
        code = (node - node_lo) * (n_rows + 1) + row
        present = np.zeros((int(node.max()) - node_lo + 1) * (n_rows + 1), dtype=bool)
        present[code] = True
        present[code + 1] = True
        codes = np.flatnonzero(present)
        slot_of = np.cumsum(present) - 1
        blocks = tuple(zip((node_lo + codes // (n_rows + 1)).tolist(), (codes % (n_rows + 1)).tolist()))
        lower = slot_of[code] * n_cols
        upper = slot_of[code + 1] * n_cols
        col1 = (col + 1) % n_cols
        pattern = np.empty((len(idx), 4), dtype=np.int64)
        np.add(lower, col, out=pattern[:, 0])
        np.add(lower, col1, out=pattern[:, 1])
        np.add(upper, col, out=pattern[:, 2])
        np.add(upper, col1, out=pattern[:, 3])
        w = perpendicular * eph.weight_s[idx] / SECONDS_PER_YEAR
        w_high = w * fy
        w_low = w - w_high
        weight = np.empty((len(idx), 4))
        np.multiply(w_low, fx, out=weight[:, 1])
        np.subtract(w_low, weight[:, 1], out=weight[:, 0])
        np.multiply(w_high, fx, out=weight[:, 3])
        np.subtract(w_high, weight[:, 3], out=weight[:, 2])
        out.append(SourceExposure(family, blocks, idx, pattern, weight))
    return out


# --------------------------------------------------------------------------- debris


def _debris_diameter(mass_g):
    # The spectrum only asks inside its mass range; the clip removes the rounding of the
    # mass -> diameter round trip at the range ends.
    d = np.cbrt(6.0 * np.asarray(mass_g, dtype=float) / (np.pi * DEBRIS_DENSITY_G_CM3))
    return np.clip(d, DEBRIS_REFERENCE_D_CM, DEBRIS_MAX_D_CM)


def _debris_shape(name: str, shape) -> SizeSpectrum:
    rho = DEBRIS_DENSITY_G_CM3
    lo = float(mass_from_diameter_g(DEBRIS_REFERENCE_D_CM, rho))
    hi = float(mass_from_diameter_g(DEBRIS_MAX_D_CM, rho))
    return SizeSpectrum(name, lambda m: shape(_debris_diameter(m)), (DensityClass(0.0, float("inf"), rho),),
                        lo, (lo, hi), reference="kessler1989 christiansen2009handbook")


def debris_spectra(debris_model: str, ordem: Ordem2000HandbookTable | None = None) -> tuple[SizeSpectrum, ...]:
    """The size spectra of a debris model, each fixed in time (density 2.8 g/cm^3).

    Kessler NASA-90/91 is ``H(d) [F1(d) g1(t) + F2(d) g2(t)]`` times factors of altitude,
    solar activity and inclination: two spectra, ``H F1`` and ``H F2``, whose magnitudes
    carry the dates (:func:`debris_magnitudes`). The ORDEM2000 Handbook table scales
    one size curve (Fig. 2-7) by ratios independent of size: one spectrum.
    """
    if debris_model == "kessler-1991":
        return (
            _debris_shape("Kessler NASA-90/91 fragment term H(d) F1(d)",
                          lambda d: kessler_size_factor_h(d) * kessler_f1(d)),
            _debris_shape("Kessler NASA-90/91 large-object term H(d) F2(d)",
                          lambda d: kessler_size_factor_h(d) * kessler_f2(d)),
        )
    if ordem is None:
        raise InputError("the ORDEM2000 Handbook model needs its table")
    ref = (ordem.reference_alt_km, ordem.reference_inc_deg, ordem.reference_year + 0.5)
    return (_debris_shape("ORDEM2000 (Handbook Fig. 2-7) size curve",
                          lambda d: ordem2000_handbook_flux(d, *ref, ordem)),)


def _f107(config: EnvironmentConfig, inputs: EnvironmentInputs, year) -> np.ndarray:
    if config.f107_sfu is not None:
        return np.full(np.shape(year), config.f107_sfu)[()]
    return smoothed_f107_previous_year(year, inputs.f107)


def debris_magnitudes(config: EnvironmentConfig, inputs: EnvironmentInputs, alt_km, inc_deg, year) -> np.ndarray:
    """(C, ...) cross-sectional flux of each spectrum of :func:`debris_spectra` at the
    reference size (10 um) [m^-2 yr^-1]; their sum is the model's cross-sectional flux
    (Kessler: 4 x the tumbling-surface flux, convention 2)."""
    d = DEBRIS_REFERENCE_D_CM
    if config.debris_model == "kessler-1991":
        return 4.0 * np.asarray(kessler_1991_flux(d, alt_km, inc_deg, year, _f107(config, inputs, year),
                                                  components=True))
    return np.asarray(ordem2000_handbook_flux(d, alt_km, inc_deg, year, inputs.ordem))[None]


def arc_cell_overlaps(u_deg: np.ndarray, arc_deg: np.ndarray, cell_deg: float,
                      n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells of argument of latitude covered by each sample's arc, and the shares.

    A sample stands for the arc ``u +- arc/2`` it sweeps during its weight (a 60 s
    sample covers about 3.9 deg of the ISS orbit, more than a 2 deg cell); assigning it
    to the cell of its midpoint would alias the cell pattern onto the sampling.

    Returns
    -------
    cells, share : numpy.ndarray
        (T, K) cell indices in ``[0, n_cells)`` and the fraction of each sample's arc in
        them (rows sum to 1; padding columns have share 0).
    """
    u = np.asarray(u_deg, dtype=float)
    arc = np.maximum(np.asarray(arc_deg, dtype=float), _TINY_ARC_DEG)
    lo = (u - 0.5 * arc) / cell_deg
    first = np.floor(lo)
    width = arc / cell_deg
    k_max = int(np.ceil(width.max())) + 1 if width.size else 1
    left = first[:, None] + np.arange(k_max, dtype=np.float64)[None, :]
    share = np.minimum((lo + width)[:, None], left + 1.0)
    share -= np.maximum(lo[:, None], left)
    np.maximum(share, 0.0, out=share)
    share *= (1.0 / width)[:, None]
    cells = first.astype(np.int64)[:, None] + np.arange(k_max, dtype=np.int64)[None, :]
    cells %= n_cells
    return cells, share


@lru_cache(maxsize=16)
def _crossing_unit(inc_q: float, n_cells: int, mix_key: tuple) -> tuple[FluxBundles, np.ndarray]:
    """Unit-magnitude crossing bundles of all cells for circular speed 1 km/s: travel
    directions, speeds and relative fluxes whose orbit average sums to 1.

    The crossing geometry depends on the radius only through the circular speed v0,
    which scales every relative speed and every flux (the latter cancels in the
    normalisation), so one table serves every distance node.
    """
    inc, frac = mix_key
    cell_width = 360.0 / n_cells
    u_centres = (np.arange(n_cells) + 0.5) * cell_width
    r_unit = CROSSING_MU_KM3_S2  # v0 = sqrt(mu / r) = 1 km/s
    table = crossing_flux_distribution(inc_q, u_centres, np.array(inc), np.array(frac), r_unit,
                                       cell_width_deg=cell_width)
    norm = float(np.mean(np.sum(table.flux, axis=(1, 2))))
    flux = table.flux.reshape(n_cells, -1)
    keep = flux > 0
    cell = np.broadcast_to(np.arange(n_cells)[:, None], flux.shape)[keep]
    bundles = FluxBundles("debris", table.travel_lvlh.reshape(n_cells, -1, 3)[keep],
                          table.speed_km_s.reshape(n_cells, -1)[keep], flux[keep] / norm,
                          reference="kessler1981 zigcloud_engine_3le")
    return bundles, cell


def _crossing_block(j: int, step_km: float, inc_q: float, n_cells: int, mix_key: tuple) -> tuple[FluxBundles, np.ndarray]:
    """The crossing bundles at altitude node ``j`` (``j * step_km`` above the spherical
    Earth): the unit table with speeds times the circular speed there."""
    unit, cell = _crossing_unit(inc_q, n_cells, mix_key)
    v0 = float(circular_speed_km_s(R_EARTH_KM + j * step_km))
    return FluxBundles(unit.source, unit.u_lvlh, unit.v_km_s * v0, unit.flux_m2_yr, unit.reference), cell


def _table_key(*arrays) -> tuple:
    return tuple(np.asarray(a, dtype=float).round(12).tobytes() for a in arrays)


def debris_families(config: EnvironmentConfig, inputs: EnvironmentInputs, inc_q: float) -> tuple[PatternFamily, ...]:
    """One family per spectrum of the debris model, sharing the crossing patterns of a
    target inclination ``inc_q`` [deg, see :data:`INCLINATION_STEP_DEG`]: block ``(j,)`` holds the cells at
    altitude node ``j``, pattern ``c`` the cell ``c``."""
    inc, frac = inputs.inclination_mix.populations("all")
    mix_key = (tuple(np.round(inc, 6)), tuple(np.round(frac, 12)))
    n_cells = int(round(360.0 / config.u_cell_deg))
    step = config.node_step_km
    if config.debris_model == "kessler-1991":
        spectra, table_key = debris_spectra(config.debris_model), ()
    else:
        spectra = debris_spectra(config.debris_model, inputs.ordem)
        table_key = _table_key(inputs.ordem.size_cm, inputs.ordem.debris_flux_m2_yr)
    model = (f"{DEBRIS_MODELS[config.debris_model]} at each sample's altitude, inclination and date; "
             "crossing geometry of circular orbits with the catalogue inclination mix of 2023-09 "
             "(assumption for small debris); the model predates the Fengyun-1C, Iridium-Cosmos and "
             "Cosmos 1408 fragmentations")

    def build(block):
        return _crossing_block(block[0], step, inc_q, n_cells, mix_key)

    return tuple(PatternFamily(("debris", config.debris_model, spectrum.name, table_key, inc_q, n_cells, step,
                                mix_key),
                               "debris", "debris", model, spectrum, n_cells, build)
                 for spectrum in spectra)


def table_debris_families(config: EnvironmentConfig, inputs: EnvironmentInputs, inc_q: float,
                          n_samples: int) -> tuple[list[PatternFamily], list[np.ndarray]]:
    """The debris source columns of a tabulated flux, one family each (physics brief,
    convention 9), with their cross-sectional magnitudes at the table's smallest size.

    Each column keeps its density and its size spectrum (summed over the table's speed
    classes); its directions and speeds come from the crossing geometry of circular
    orbits (the direction model of near-circular debris), so the table's own speed
    distribution is not used, and the share of its flux faster than 2 v0 (eccentric or
    non-orbital sources, which crossing orbits cannot produce) is reported with the
    model. The table applies as printed at every sample: it is for one target orbit and
    epoch (no altitude, inclination or date scaling).
    """
    from impactrisk.environment.tabulated import CROSS_SECTIONAL_PER_RANDOM_PLATE, DEBRIS, crossing_speed_limit_km_s

    table = inputs.flux_table
    if table is None:
        raise InputError("debris model 'table' needs a flux table (--flux-table FILE)")
    n_cells = int(round(360.0 / config.u_cell_deg))
    step = config.node_step_km
    inc, frac = inputs.inclination_mix.populations("all")
    mix_key = (tuple(np.round(inc, 6)), tuple(np.round(frac, 12)))
    digest = _table_key(table.d_edges_cm, table.v_edges_km_s, table.flux_m2_yr)
    d_lo, d_hi = float(table.d_edges_cm[0]), float(table.d_edges_cm[-1])
    basis = CROSS_SECTIONAL_PER_RANDOM_PLATE if table.basis == "random_plate" else 1.0
    try:
        r_target = float(table.metadata["target.sma_km"])
    except (KeyError, ValueError):
        r_target = R_EARTH_KM + 415.0  # an ISS-like shell when the table does not say
    v_limit = float(crossing_speed_limit_km_s(r_target))
    epoch = " to ".join(v for v in (table.metadata.get("epoch.start"), table.metadata.get("epoch.end")) if v) \
        or "epoch not given"

    def build(block):
        return _crossing_block(block[0], step, inc_q, n_cells, mix_key)

    families, magnitudes = [], []
    for info in table.sources:
        if info.group != DEBRIS:
            continue
        total = float(table.cumulative_above_diameter(d_lo, info.name))
        if total <= 0.0:
            continue
        rho = info.density_g_cm3
        m_lo = float(mass_from_diameter_g(d_lo, rho))
        m_hi = float(mass_from_diameter_g(d_hi, rho))

        def cumulative(mass_g, name=info.name, rho=rho):
            d = np.clip(np.cbrt(6.0 * np.asarray(mass_g, dtype=float) / (np.pi * rho)), d_lo, d_hi)
            return np.asarray(table.cumulative_above_diameter(d, name))

        spectrum = SizeSpectrum(f"{table.metadata.get('model', 'tabulated flux')} {info.label} "
                                f"({rho:g} g/cm3)", cumulative, (DensityClass(0.0, float("inf"), rho),),
                                m_lo, (m_lo, m_hi), reference=info.density_reference)
        fast = float(table.speed_share_above(v_limit, info.name))
        model = (f"{table.metadata.get('model', 'tabulated flux')}, {info.label}, density {rho:g} g/cm3 "
                 f"({info.density_status}); as printed for its target orbit and epoch "
                 f"({epoch}); crossing geometry of circular orbits for "
                 f"direction and speed ({100 * fast:.1f} % of its flux is faster than 2 v0 = {v_limit:.1f} km/s "
                 "and is given the crossing speeds)")
        families.append(PatternFamily(("table-debris", digest, info.name, rho, inc_q, n_cells, step, mix_key),
                                      f"debris: {info.label}", "debris", model, spectrum, n_cells, build))
        magnitudes.append(np.full(n_samples, basis * total))
    return families, magnitudes


#: Resolution of the target inclination of the debris crossing patterns [deg]: the
#: debris count changes by about 0.6 % per degree of target inclination at 51.6 deg
#: (tests/test_environment_model.py), so rounding to 0.1 deg moves it by < 0.03 %.
INCLINATION_STEP_DEG = 0.1


def _debris_exposures(eph, ok: np.ndarray, config: EnvironmentConfig, inputs: EnvironmentInputs) -> list[SourceExposure]:
    everything = np.flatnonzero(ok)
    if everything.size == 0:
        return []
    n_cells = int(round(360.0 / config.u_cell_deg))
    # The crossing patterns, an orbit-averaged geometry, are keyed by the inclination of
    # the serving element set (mean elements; the osculating one wanders by a few
    # hundredths of a degree around it, across rounding boundaries) to the nearest
    # INCLINATION_STEP_DEG; the Kessler magnitude uses each sample's own inclination.
    target = eph.inclination_deg if eph.mean_inclination_deg is None else eph.mean_inclination_deg
    inc_key = np.round(np.round(target[everything] / INCLINATION_STEP_DEG) * INCLINATION_STEP_DEG, 6)
    out = []
    single = inc_key.min() == inc_key.max()   # the usual case: no sort needed
    for inc_t in ([float(inc_key[0])] if single else np.unique(inc_key).tolist()):
        sample = everything if single else everything[inc_key == inc_t]
        w = eph.weight_s[sample]
        arc = np.degrees(eph.speed_km_s[sample] / eph.radius_km[sample] * w)
        cells, share = arc_cell_overlaps(eph.arg_latitude_deg[sample], arc, 360.0 / n_cells, n_cells)
        nodes, hat = _node_weights(eph.altitude_km[sample], config.node_step_km)
        blocks, slot = _slots(nodes[..., None])
        pattern = (slot[:, :, None] * n_cells + cells[:, None, :]).reshape(len(sample), -1)
        spread = (hat[:, :, None] * share[:, None, :]).reshape(len(sample), -1)
        if config.debris_model == "table":
            families, magnitudes = table_debris_families(config, inputs, round(float(inc_t), 6), len(sample))
        else:
            magnitudes = debris_magnitudes(config, inputs, eph.altitude_km[sample], eph.inclination_deg[sample],
                                           julian_year(eph.jd_utc[sample]))
            families = debris_families(config, inputs, round(float(inc_t), 6))
        out.extend(SourceExposure(family, blocks, sample, pattern, (mag * w / SECONDS_PER_YEAR)[:, None] * spread)
                   for family, mag in zip(families, magnitudes))
    return out


def environment_exposure(eph, inputs: EnvironmentInputs, config: EnvironmentConfig = EnvironmentConfig(),
                         groups: Sequence[str] = GROUPS, *, threads: int = 1) -> list[SourceExposure]:
    """Exposures of every source of ``groups`` along ``eph`` (see the module docstring).

    Samples whose propagation failed (``eph.error != 0``) are left out. With ``threads``
    > 1 the sources are worked out side by side (numpy releases the interpreter lock in
    the array operations); each source is computed the same way whatever the number of
    threads, so the exposures do not depend on it.
    """
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        raise InputError(f"unknown source group(s) {', '.join(unknown)}; expected {', '.join(GROUPS)}")
    ok = eph.error == 0
    if not ok.any():
        return []
    showers = inputs.showers if config.showers else ()
    parts = []   # one call per source (or source group), in the order of the result
    if "meteoroid" in groups:
        parts.append(lambda: [_meteoroid_exposure(eph, ok, config, showers)])
    if "shower" in groups and showers:
        parts.extend(lambda shower=shower: _shower_exposures(eph, ok, (shower,), config) for shower in showers)
    if "debris" in groups:
        parts.append(lambda: _debris_exposures(eph, ok, config, inputs))
    if threads <= 1 or len(parts) < 2:
        return [exposure for part in parts for exposure in part()]
    from concurrent.futures import ThreadPoolExecutor

    # The orbit quantities the sources share, computed once before the threads start.
    for name in ("lvlh_teme", "altitude_km", "radius_km", "speed_km_s", "inclination_deg", "arg_latitude_deg",
                 "solar_longitude_unwrapped_deg", "jd_utc"):
        getattr(eph, name)
    with ThreadPoolExecutor(min(threads, len(parts))) as pool:
        done = [pool.submit(part) for part in parts]
    return [exposure for future in done for exposure in future.result()]
