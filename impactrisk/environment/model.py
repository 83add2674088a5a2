"""The MMOD environment along a propagated orbit, as source terms ready to integrate.

:func:`environment_terms` turns one :class:`~impactrisk.ephemeris.Ephemeris` (a window
or a chunk of one) into a list of :class:`SourceTerm`: flux bundles, their size
spectrum and the exposure of each bundle (docs/design.md, "The flux representation").

* **Meteoroids** (fixed relative to the orbit): the isotropic near-Earth field of
  :mod:`~impactrisk.environment.sporadic`, evaluated once per altitude band at the
  band's mean LVLH velocity, exposed for the time spent in the band. With showers on,
  its spectrum is Grun times the per-mass sporadic factor (convention 6).
* **Showers** (fixed in inertial space): one bundle per time sample while a shower is
  active: the radiant (with drift) rotated into TEME, the stream velocity
  ``-V_inf * radiant`` added to the spacecraft's, the flux through a surface normal to
  the radiant scaled by ``|v_rel| / V_inf``, blocked while the radiant is inside the
  Earth + 100 km disk.
* **Debris** (fixed relative to the orbit): the crossing geometry of circular
  populations with the packaged inclination mix, per argument-of-latitude cell,
  scaled so that its orbit average equals the size model's cross-sectional flux
  (Kessler NASA-91 x 4, tumbling-surface basis; or the ORDEM2000 Handbook table),
  evaluated per altitude band and month.

Nothing here reads files: the packaged tables arrive in :class:`EnvironmentInputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

import numpy as np

from impactrisk.constants import R_EARTH_KM, SECONDS_PER_YEAR
from impactrisk.environment.crossing import DebrisInclinationMix, crossing_flux_distribution
from impactrisk.environment.debris_spectra import (
    Ordem2000HandbookTable,
    kessler_1991_flux,
    ordem2000_handbook_flux,
)
from impactrisk.environment.directional import FluxBundles, SizeSpectrum
from impactrisk.environment.meteoroid import grun_1985_flux, mass_from_diameter_g
from impactrisk.environment.parameters import ECSS_NEAR_EARTH, DensityClass
from impactrisk.environment.showers import (
    Shower,
    activity_zhr,
    mass_index,
    radiant_radec_deg,
    shower_flux_above_mass,
    sporadic_scale_factor,
)
from impactrisk.environment.solar_flux import AnnualF107Table, smoothed_f107_previous_year
from impactrisk.environment.sporadic import grun_size_spectrum, sporadic_meteoroid_bundles
from impactrisk.errors import InputError

__all__ = [
    "DEBRIS_DENSITY_G_CM3",
    "DEBRIS_MODELS",
    "EnvironmentConfig",
    "EnvironmentInputs",
    "SourceTerm",
    "environment_terms",
]

#: Debris particle density [g/cm^3]: aluminium, NASA/TM-2009-214785 §2.6.2 ("assumed
#: to be 2.8 g/cm3"), physics brief §5.2.
DEBRIS_DENSITY_G_CM3 = 2.8
#: Debris size models and the basis of their fluxes.
DEBRIS_MODELS = {
    "kessler-1991": "Kessler NASA-90/91 (SSP 30425 family), tumbling-surface flux x 4",
    "ordem2000-handbook": "ORDEM2000 as published in NASA/TM-2009-214785 (cross-sectional)",
}
#: Smallest debris size the spectra are used from [cm] (10 um, the smallest size of the
#: ORDEM2000 Handbook figure); the bundles count particles at least this large.
DEBRIS_REFERENCE_D_CM = 1.0e-3
DEBRIS_MAX_D_CM = 100.0
#: Shower power laws are applied between these masses [g]: an ASSUMPTION (the mass
#: index is measured near 1e-4 g; physics brief §4.2).
#: Below 1e-9 g the extrapolated power laws of the showers would exceed 1 % of Grun's
#: flux (0.9913 of Grun is sporadic at 1e-9 g, 0.14 at 1e-12 g), which no observation
#: supports.
SHOWER_MASS_RANGE_G = (1.0e-9, 1.0e2)
_SHOWER_GRID_G = np.logspace(-9, 2, 111)


@dataclass(frozen=True)
class EnvironmentInputs:
    """The packaged tables the environment needs (loaded by :mod:`impactrisk.io`)."""

    showers: tuple[Shower, ...]
    inclination_mix: DebrisInclinationMix
    f107: AnnualF107Table
    ordem: Ordem2000HandbookTable


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
    meteoroid_speed_step_km_s : float
        Speed bins of the meteoroid quadrature [km/s].
    meteoroid_band_km, debris_band_km : float
        Altitude bands [km] for the meteoroid field and the debris flux magnitude.
    u_cell_deg : float
        Argument-of-latitude cells of the debris crossing geometry [deg].
    """

    meteoroid_densities: str | float = "tm4527"
    showers: bool = True
    debris_model: str = "kessler-1991"
    f107_sfu: float | None = None
    n_directions: int = 3000
    meteoroid_speed_step_km_s: float = 1.0
    meteoroid_band_km: float = 10.0
    debris_band_km: float = 2.0
    u_cell_deg: float = 2.0

    def __post_init__(self) -> None:
        if self.debris_model not in DEBRIS_MODELS:
            raise InputError(f"unknown debris model {self.debris_model!r}; expected one of "
                             + ", ".join(DEBRIS_MODELS))
        for name in ("meteoroid_band_km", "debris_band_km", "u_cell_deg", "meteoroid_speed_step_km_s"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.f107_sfu is not None and not self.f107_sfu >= 0:
            raise InputError(f"F10.7 must be >= 0 sfu, got {self.f107_sfu!r}")

    def with_changes(self, **changes) -> "EnvironmentConfig":
        return replace(self, **changes)


@dataclass
class SourceTerm:
    """One source along the orbit: bundles, their spectrum and exposure.

    Attributes
    ----------
    name : str
        ``"sporadic meteoroids"``, a shower code, ``"debris"``.
    group : str
        ``"meteoroid"``, ``"shower"`` or ``"debris"``.
    model : str
        Model names, versions and epochs.
    bundles : FluxBundles
    spectrum : SizeSpectrum
    exposure_yr : numpy.ndarray
        (B,) exposure of each bundle [yr].
    key : tuple, optional
        Set when the bundles divided by ``key_scale`` and the spectrum depend only on
        this key and the exposure is the same for every bundle: integrals over them
        can then be cached per key and scaled by ``key_scale`` times the exposure.
    key_scale : float
        See ``key``.
    """

    name: str
    group: str
    model: str
    bundles: FluxBundles
    spectrum: SizeSpectrum
    exposure_yr: np.ndarray
    key: tuple | None = None
    key_scale: float = 1.0


def julian_year(jd_utc: np.ndarray) -> np.ndarray:
    """Decimal year as a Julian epoch, ``2000 + (JD - 2451545) / 365.25`` [yr]."""
    return 2000.0 + (np.asarray(jd_utc, dtype=float) - 2451545.0) / 365.25


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


def _band_index(values: np.ndarray, width: float) -> np.ndarray:
    return np.floor(values / width).astype(np.int64)


@lru_cache(maxsize=64)
def _meteoroid_band(band: int, config: EnvironmentConfig, shower_key: tuple) -> tuple[FluxBundles, SizeSpectrum]:
    showers = _SHOWER_REGISTRY[shower_key]
    spectrum = _sporadic_spectrum(config, showers)
    # The bundles carry Grun's total at the reference mass; the spectrum in use may be
    # the sporadic part only, whose reference flux is slightly lower.
    m_ref = spectrum.reference_mass_g
    scale = float(spectrum.cumulative(np.array(m_ref)) / grun_1985_flux(m_ref))
    bundles = sporadic_meteoroid_bundles(
        (band + 0.5) * config.meteoroid_band_km, n_directions=config.n_directions,
        speed_step_km_s=config.meteoroid_speed_step_km_s,
        source="sporadic meteoroids" if config.showers else "meteoroids")
    return bundles.scaled(scale), spectrum


_SHOWER_REGISTRY: dict[tuple, tuple] = {}


def _shower_key(showers: Sequence[Shower]) -> tuple:
    key = tuple((sh.code, sh.zhr_max, sh.lambda_max_deg, sh.population_index, sh.v_entry_km_s,
                 sh.b_plus_per_deg, sh.b_minus_per_deg) for sh in showers)
    _SHOWER_REGISTRY.setdefault(key, tuple(showers))
    return key


def _meteoroid_terms(eph, config: EnvironmentConfig, showers) -> list[SourceTerm]:
    """One term per band of geocentric distance: the field at the band's centre, seen
    at the circular speed there (the ISS's flight-path angle and speed differ from
    circular by < 0.1 %); the bundles of a band are identical for every window, so
    they are computed once per process and their term carries a ``key``."""
    ok = eph.error == 0
    band = _band_index(eph.radius_km[ok], config.meteoroid_band_km)
    weight = eph.weight_s[ok]
    shower_key = _shower_key(showers)
    terms = []
    for k in np.unique(band).tolist():
        bundles, spectrum = _meteoroid_band(k, config, shower_key)
        exposure = float(np.sum(weight[band == k])) / SECONDS_PER_YEAR
        terms.append(SourceTerm(bundles.source, "meteoroid",
                                f"{spectrum.name}; SSP 30425 near-Earth speeds; isotropic, Earth-blocked",
                                bundles, spectrum, np.full(len(bundles), exposure),
                                key=("meteoroid", k, config, shower_key)))
    return terms


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


def _shower_terms(eph, showers: Sequence[Shower]) -> list[SourceTerm]:
    from impactrisk.astro import icrs_to_teme_rotation

    terms = []
    ok = eph.error == 0
    if not ok.any():
        return terms
    longitude = eph.solar_longitude_deg
    mid = 0.5 * (float(eph.jd_utc[0]) + float(eph.jd_utc[-1]))
    rotation = icrs_to_teme_rotation(mid)
    r_hat = eph.r_teme_km / eph.radius_km[:, None]
    sin_eta = (ECSS_NEAR_EARTH.r_earth_km + ECSS_NEAR_EARTH.atmosphere_km) / eph.radius_km
    cos_eta = np.sqrt(np.clip(1.0 - sin_eta**2, 0.0, None))
    for shower in showers:
        active = ok & (np.asarray(activity_zhr(shower, longitude)) > 0.0)
        if not active.any():
            continue
        idx = np.flatnonzero(active)
        ra, dec = radiant_radec_deg(shower, longitude[idx])
        radiant = _radec_unit(np.atleast_1d(ra), np.atleast_1d(dec)) @ rotation.T
        # Arrival from the radiant: blocked inside the Earth + 100 km disk around nadir.
        visible = -np.einsum("ti,ti->t", radiant, r_hat[idx]) < cos_eta[idx]
        idx, radiant = idx[visible], radiant[visible]
        if idx.size == 0:
            continue
        v_rel_teme = -shower.v_entry_km_s * radiant - eph.v_teme_km_s[idx]
        speed = np.linalg.norm(v_rel_teme, axis=1)
        u_lvlh = np.einsum("tij,tj->ti", eph.lvlh_teme[idx], v_rel_teme / speed[:, None])
        spectrum = shower_spectrum(shower)
        perpendicular = np.asarray(shower_flux_above_mass(shower, longitude[idx], spectrum.reference_mass_g))
        flux = perpendicular * speed / shower.v_entry_km_s
        bundles = FluxBundles(shower.code, u_lvlh, speed, flux, reference="rendtel2024imo meo_shower_list")
        terms.append(SourceTerm(shower.code, "shower",
                                f"{shower.name}: IMO-25 ZHR {shower.zhr_max:g}, r {shower.population_index:g}, "
                                f"V {shower.v_entry_km_s:g} km/s",
                                bundles, spectrum, eph.weight_s[idx] / SECONDS_PER_YEAR))
    return terms


# --------------------------------------------------------------------------- debris


def debris_spectrum(config: EnvironmentConfig, inputs: EnvironmentInputs, alt_km: float,
                    inc_deg: float, year: float) -> SizeSpectrum:
    """Cumulative debris size distribution (density 2.8 g/cm^3) at one orbit state."""
    rho = DEBRIS_DENSITY_G_CM3

    def diameter(mass_g):
        # The spectrum only asks inside its mass range; the clip removes the rounding
        # of the mass -> diameter round trip at the range ends.
        d = np.cbrt(6.0 * np.asarray(mass_g, dtype=float) / (np.pi * rho))
        return np.clip(d, DEBRIS_REFERENCE_D_CM, DEBRIS_MAX_D_CM)

    if config.debris_model == "kessler-1991":
        f107 = _f107(config, inputs, year)

        def cumulative(mass_g):
            return kessler_1991_flux(diameter(mass_g), alt_km, inc_deg, year, f107)
    else:
        def cumulative(mass_g):
            return ordem2000_handbook_flux(diameter(mass_g), alt_km, inc_deg, year, inputs.ordem)
    lo = float(mass_from_diameter_g(DEBRIS_REFERENCE_D_CM, rho))
    hi = float(mass_from_diameter_g(DEBRIS_MAX_D_CM, rho))
    return SizeSpectrum(DEBRIS_MODELS[config.debris_model] + f", epoch {year:.2f}", cumulative,
                        (DensityClass(0.0, float("inf"), rho),), lo, (lo, hi),
                        reference="kessler1989 christiansen2009handbook")


def _f107(config: EnvironmentConfig, inputs: EnvironmentInputs, year) -> np.ndarray:
    if config.f107_sfu is not None:
        return np.full(np.shape(year), config.f107_sfu)[()]
    return smoothed_f107_previous_year(year, inputs.f107)


def _debris_cross_sectional_flux(config, inputs, alt_km, inc_deg, year) -> np.ndarray:
    d = DEBRIS_REFERENCE_D_CM
    if config.debris_model == "kessler-1991":
        return 4.0 * np.asarray(kessler_1991_flux(d, alt_km, inc_deg, year, _f107(config, inputs, year)))
    return np.asarray(ordem2000_handbook_flux(d, alt_km, inc_deg, year, inputs.ordem))


def _arc_exposure(u_deg: np.ndarray, arc_deg: np.ndarray, weight: np.ndarray,
                  cell_width_deg: float, n_cells: int) -> np.ndarray:
    """Spread each sample's weight uniformly over the arc of argument of latitude it
    stands for (``u +- arc/2``) and return the weight falling in each cell.

    A sample at a 60 s step covers about 3.9 deg of the ISS orbit, more than a cell;
    assigning it to the cell of its midpoint would alias the cell pattern onto the
    sampling. The overlap is computed exactly with prefix sums (no loop over samples).
    """
    density = weight / (arc_deg / cell_width_deg)  # per unit of cell index
    lo = (u_deg - 0.5 * arc_deg) / cell_width_deg
    lo = np.mod(lo, n_cells)
    hi = lo + arc_deg / cell_width_deg
    edges = np.arange(0, 2 * n_cells + int(np.ceil(hi.max() - n_cells)) + 2, dtype=float)

    def covered(points: np.ndarray) -> np.ndarray:
        # sum_i density_i * (x - points_i) over points_i < x, for every edge x
        order = np.argsort(points)
        p, d = points[order], density[order]
        cum_d = np.concatenate(([0.0], np.cumsum(d)))
        cum_dp = np.concatenate(([0.0], np.cumsum(d * p)))
        k = np.searchsorted(p, edges, side="left")
        return cum_d[k] * edges - cum_dp[k]

    cumulative = covered(lo) - covered(hi)
    per_cell = np.diff(cumulative)
    folded = np.zeros(n_cells)
    np.add.at(folded, np.arange(per_cell.size) % n_cells, per_cell)
    return folded


@lru_cache(maxsize=256)
def _crossing_table(band: int, band_km: float, inc_q: float, n_cells: int, mix_key: tuple):
    """Unit-magnitude crossing bundles per cell for one altitude band and target
    inclination (to 0.01 deg): travel directions, speeds and relative fluxes whose
    orbit average sums to 1."""
    inc, frac = mix_key
    cell_width = 360.0 / n_cells
    u_centres = (np.arange(n_cells) + 0.5) * cell_width
    r_band = (band + 0.5) * band_km + R_EARTH_KM
    table = crossing_flux_distribution(inc_q, u_centres, np.array(inc), np.array(frac), r_band,
                                       cell_width_deg=cell_width)
    norm = float(np.mean(np.sum(table.flux, axis=(1, 2))))
    cells = []
    for c in range(n_cells):
        flux = table.flux[c].ravel()
        keep = flux > 0
        cells.append(FluxBundles("debris", table.travel_lvlh[c].reshape(-1, 3)[keep],
                                 table.speed_km_s[c].ravel()[keep], flux[keep] / norm,
                                 reference="kessler1981 zigcloud_engine_3le"))
    return tuple(cells)


def _debris_terms(eph, config: EnvironmentConfig, inputs: EnvironmentInputs) -> list[SourceTerm]:
    """One term per (altitude band, month, argument-of-latitude cell) occupied, keyed
    by band and cell (its bundles at unit magnitude are the same for every window)."""
    ok = eph.error == 0
    if not ok.any():
        return []
    w = eph.weight_s[ok]
    inc_t = round(float(np.sum(eph.inclination_deg[ok] * w) / np.sum(w)), 2)
    alt = eph.altitude_km[ok]
    year = julian_year(eph.jd_utc[ok])
    u = eph.arg_latitude_deg[ok]
    arc = np.degrees(eph.speed_km_s[ok] / eph.radius_km[ok] * w)
    n_cells = int(round(360.0 / config.u_cell_deg))
    cell_width = 360.0 / n_cells
    band = _band_index(alt, config.debris_band_km)
    month = np.floor(year * 12.0).astype(np.int64)
    keys, inverse = np.unique(np.column_stack([band, month]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    alt_mean = np.bincount(inverse, weights=w * alt) / np.bincount(inverse, weights=w)
    inc, frac = inputs.inclination_mix.populations("all")
    mix_key = (tuple(np.round(inc, 6)), tuple(np.round(frac, 12)))
    magnitude = _debris_cross_sectional_flux(config, inputs, alt_mean, inc_t, (keys[:, 1] + 0.5) / 12.0)
    # The spectrum is a shape (a ratio to the reference size): altitude and inclination
    # factors cancel; its epoch is the middle of the chunk's main month, so that it is
    # the same for every day of a month.
    w_alt = float(np.sum(alt * w) / np.sum(w))
    main_month = int(np.bincount(month - month.min(), weights=w).argmax() + month.min())
    spectrum = debris_spectrum(config, inputs, w_alt, inc_t, (main_month + 0.5) / 12.0)
    model = (f"{spectrum.name}; crossing geometry of circular orbits with the catalogue inclination "
             "mix of 2023-09 (assumption for small debris); the model predates the Fengyun-1C, "
             "Iridium-Cosmos and Cosmos 1408 fragmentations")
    terms = []
    for row, (b, _month) in enumerate(keys.tolist()):
        cells = _crossing_table(b, config.debris_band_km, inc_t, n_cells, mix_key)
        sel = inverse == row
        exposure = _arc_exposure(u[sel], arc[sel], w[sel], cell_width, n_cells) / SECONDS_PER_YEAR
        for c in np.flatnonzero(exposure > 0).tolist():
            unit = cells[c]
            if len(unit) == 0:
                continue
            scale = float(magnitude[row])
            terms.append(SourceTerm("debris", "debris", model, unit.scaled(scale), spectrum,
                                    np.full(len(unit), exposure[c]),
                                    key=("debris", b, config.debris_band_km, inc_t, n_cells, c, mix_key),
                                    key_scale=scale))
    return terms


def environment_terms(eph, inputs: EnvironmentInputs,
                      config: EnvironmentConfig = EnvironmentConfig()) -> list[SourceTerm]:
    """All source terms of the environment along ``eph`` (see the module docstring)."""
    showers = inputs.showers if config.showers else ()
    return (_meteoroid_terms(eph, config, showers)
            + _shower_terms(eph, showers)
            + _debris_terms(eph, config, inputs))
