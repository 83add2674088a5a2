"""How every particle population is handed to the rest of the chain.

A population (a *source*: sporadic meteoroids, one shower, one debris model or one
imported MASTER column) is delivered as two objects:

:class:`FluxBundles`
    B discrete *bundles* of particles, each with a travel direction ``u_lvlh`` (unit
    vector of the particle velocity relative to the spacecraft, in the LVLH frame:
    +X ram, +Z nadir, +Y = -orbit normal; the particle arrives from ``-u``), a relative
    speed ``v_km_s`` and a flux ``flux_m2_yr`` through unit area normal to ``u`` of the
    particles at or above the spectrum's reference size (physics brief, conventions 1
    and 2). Continuous distributions become bundles by quadrature (a direction grid
    times speed bins); collimated streams are one bundle per time sample; crossing
    debris is a few bundles per orbit position.
:class:`SizeSpectrum`
    The cumulative size distribution of the source, with its density bands, used only
    as a ratio to the reference size: the flux of a bundle above a critical diameter is
    ``flux_m2_yr * spectrum.fraction_above(...)``. Density classes (TM-4527 steps) are
    summed per class with each class's own critical diameter (convention 5).

Along an orbit a source is delivered as a :class:`SourceExposure` of a
:class:`PatternFamily`: a family holds unit-magnitude *patterns* (flux bundles that
depend only on a few slowly varying variables: a node of geocentric distance, a cell of
argument of latitude, a node of the radiant's direction in LVLH), built on demand in
*blocks*; the exposure says, sample by sample, which patterns stand for the sample and
with what weight (time x magnitude, spread over neighbouring patterns by linear
interpolation or arc overlap). Integrals against a module are then computed once per
pattern (and cached by :mod:`impactrisk.risk`) and the samples only weight them. This
module does no I/O and knows nothing of surfaces or ballistic limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

import numpy as np

from impactrisk.environment.parameters import DensityClass

__all__ = [
    "FluxBundles",
    "PatternFamily",
    "SizeSpectrum",
    "SourceExposure",
    "fibonacci_directions",
]


def fibonacci_directions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Quasi-uniform unit vectors on the sphere and their equal solid angles.

    Parameters
    ----------
    n : int
        Number of directions.

    Returns
    -------
    directions : numpy.ndarray
        (n, 3) unit vectors (a spherical Fibonacci lattice: equal-area bands in z,
        golden-angle steps in azimuth).
    solid_angle_sr : numpy.ndarray
        (n,) solid angle of each direction, ``4 pi / n`` [sr].
    """
    if n < 1:
        raise ValueError("need at least one direction")
    i = np.arange(n, dtype=np.float64)
    z = 1.0 - (2.0 * i + 1.0) / n
    phi = i * np.pi * (3.0 - np.sqrt(5.0))
    rho = np.sqrt(np.clip(1.0 - z * z, 0.0, None))
    directions = np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])
    return directions, np.full(n, 4.0 * np.pi / n)


@dataclass(frozen=True)
class FluxBundles:
    """Discrete direction/speed bundles of one source (see the module docstring).

    Attributes
    ----------
    source : str
        Name of the source, e.g. ``"sporadic"``, ``"GEM"``, ``"debris:kessler-1991"``.
    u_lvlh : numpy.ndarray
        (B, 3) unit travel directions in LVLH.
    v_km_s : numpy.ndarray
        (B,) relative speed [km/s].
    flux_m2_yr : numpy.ndarray
        (B,) flux through unit area normal to ``u`` of particles at or above the
        spectrum's reference size [m^-2 yr^-1].
    reference : str
        Reference keys of the models used.
    """

    source: str
    u_lvlh: np.ndarray
    v_km_s: np.ndarray
    flux_m2_yr: np.ndarray
    reference: str = ""

    def __post_init__(self) -> None:
        b = len(self.v_km_s)
        if self.u_lvlh.shape != (b, 3) or self.flux_m2_yr.shape != (b,):
            raise ValueError("bundle arrays must have shapes (B, 3), (B,), (B,)")

    def __len__(self) -> int:
        return int(self.v_km_s.shape[0])

    def cross_sectional_flux_m2_yr(self) -> float:
        """Flux onto a sphere per unit cross-section: the sum over bundles [m^-2 yr^-1]."""
        return float(np.sum(self.flux_m2_yr))

    def plate_flux_m2_yr(self, normal_lvlh: np.ndarray) -> np.ndarray:
        """Flux onto one-sided flat plates with outward normals ``(..., 3)`` [m^-2 yr^-1].

        ``F = sum_b flux_b * max(0, -u_b . n)`` (convention 2).
        """
        normal = np.asarray(normal_lvlh, dtype=np.float64)
        cosines = -np.tensordot(normal, self.u_lvlh, axes=([-1], [1]))
        return np.sum(self.flux_m2_yr * np.clip(cosines, 0.0, None), axis=-1)

    def random_plate_flux_m2_yr(self) -> float:
        """Flux onto a randomly tumbling one-sided plate: a quarter of the
        cross-sectional flux for any field (Cauchy)."""
        return 0.25 * self.cross_sectional_flux_m2_yr()

    def mean_speed_km_s(self) -> float:
        """Flux-weighted mean relative speed [km/s]."""
        return float(np.sum(self.flux_m2_yr * self.v_km_s) / np.sum(self.flux_m2_yr))

    def scaled(self, factor: float | np.ndarray) -> "FluxBundles":
        """The same bundles with flux multiplied by ``factor`` (scalar or (B,))."""
        return FluxBundles(self.source, self.u_lvlh, self.v_km_s, self.flux_m2_yr * factor, self.reference)

    @classmethod
    def concatenate(cls, parts: Sequence["FluxBundles"], source: str | None = None) -> "FluxBundles":
        """Join bundles of one source (e.g. several time samples)."""
        return cls(
            source if source is not None else parts[0].source,
            np.concatenate([p.u_lvlh for p in parts]),
            np.concatenate([p.v_km_s for p in parts]),
            np.concatenate([p.flux_m2_yr for p in parts]),
            parts[0].reference,
        )


@dataclass(frozen=True)
class SizeSpectrum:
    """Cumulative size distribution of a source, used as a ratio to its reference size.

    Attributes
    ----------
    name : str
        Model name and version, e.g. ``"Grun 1985, TM-4527 densities"``.
    cumulative : callable
        ``cumulative(mass_g) -> F(>= m)`` [any flux unit: only ratios are used],
        vectorised; evaluated only inside ``[valid_mass_g[0], valid_mass_g[1]]``.
    bands : tuple of DensityClass
        Density classes covering the mass range (one class for a single density).
    reference_mass_g : float
        The bundles' flux counts particles with mass >= this.
    valid_mass_g : tuple of float
        Validity range of ``cumulative``. Critical masses below it count every
        particle from the lower limit up; above it the flux is taken as 0 (the model
        gives no number there; Grun's flux above its 100 g limit is below 2e-10
        m^-2 yr^-1).
    reference : str
        Reference keys.
    """

    name: str
    cumulative: Callable[[np.ndarray], np.ndarray]
    bands: tuple[DensityClass, ...]
    reference_mass_g: float
    valid_mass_g: tuple[float, float]
    reference: str = ""

    @cached_property
    def _reference_flux(self) -> float:
        return float(self._cum(np.array(self.reference_mass_g)))

    @property
    def densities_g_cm3(self) -> np.ndarray:
        return np.array([b.rho_g_cm3 for b in self.bands])

    def _cum(self, mass_g: np.ndarray) -> np.ndarray:
        lo, hi = self.valid_mass_g
        m = np.asarray(mass_g, dtype=np.float64)
        inside = np.clip(m, lo, hi)
        value = self.cumulative(inside)
        return np.where(m > hi, 0.0, value)

    def fraction_above(self, d_crit_cm_by_band: Sequence[np.ndarray]) -> np.ndarray:
        """Fraction of the reference flux above the critical diameters.

        Parameters
        ----------
        d_crit_cm_by_band : sequence of numpy.ndarray
            One array per density band: the critical diameter evaluated at that band's
            density [cm] (broadcastable to a common shape; ``inf`` = no penetration).

        Returns
        -------
        numpy.ndarray
            ``sum_k [F(max(m_c,k, m_lo,k)) - F(max(m_c,k, m_hi,k))] / F(m_ref)`` with
            ``m_c,k = pi/6 rho_k d_c,k^3`` (convention 5).
        """
        if len(d_crit_cm_by_band) != len(self.bands):
            raise ValueError(f"{self.name}: expected {len(self.bands)} critical-diameter arrays")
        total = 0.0
        for band, d_crit in zip(self.bands, d_crit_cm_by_band):
            m_c = np.pi / 6.0 * band.rho_g_cm3 * np.asarray(d_crit, dtype=np.float64) ** 3
            m_c = np.maximum(m_c, self.reference_mass_g)
            upper = self._cum(np.maximum(m_c, band.mass_hi_g)) if np.isfinite(band.mass_hi_g) else 0.0
            total = total + self._cum(np.maximum(m_c, band.mass_lo_g)) - upper
        return np.asarray(total) / self._reference_flux


@dataclass(frozen=True, eq=False)
class PatternFamily:
    """Unit-magnitude flux patterns of one source, built on demand block by block.

    Attributes
    ----------
    key : tuple
        Hashable identity of everything the patterns depend on except the block (model,
        parameters, resolution); two families with equal keys have identical patterns.
        Equality and hashing use the key only.
    name : str
        Source name, e.g. ``"sporadic meteoroids"``, ``"GEM"``, ``"debris"``.
    group : str
        ``"meteoroid"``, ``"shower"`` or ``"debris"``.
    model : str
        Model names, versions and epochs, for reports.
    spectrum : SizeSpectrum
        Size distribution shared by every pattern (fixed shape: sizes enter only as a
        ratio to the reference size).
    patterns_per_block : int
        Number of patterns in each block.
    builder : callable
        ``builder(block) -> (FluxBundles, pattern)``: the bundles of one block at unit
        magnitude and, per bundle, the index of its pattern in ``[0, patterns_per_block)``.
    """

    key: tuple
    name: str
    group: str
    model: str
    spectrum: SizeSpectrum
    patterns_per_block: int
    builder: Callable[[tuple], tuple[FluxBundles, np.ndarray]]

    def __post_init__(self) -> None:
        # The key is a deep tuple and families are dictionary keys of every cached
        # response: hash it once.
        object.__setattr__(self, "_hash", hash(self.key))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, PatternFamily) and self.key == other.key

    def build(self, block: tuple) -> tuple[FluxBundles, np.ndarray]:
        """The bundles of ``block`` and the pattern index of each bundle."""
        bundles, pattern = self.builder(block)
        pattern = np.asarray(pattern, dtype=np.int64)
        if pattern.shape != (len(bundles),) or (len(pattern) and (
                pattern.min() < 0 or pattern.max() >= self.patterns_per_block)):
            raise ValueError(f"{self.name}: pattern indices must lie in [0, {self.patterns_per_block})")
        return bundles, pattern


@dataclass
class SourceExposure:
    """How long, and how strongly, a window's samples saw each pattern of a family.

    Row ``t`` stands for sample ``sample[t]`` of the ephemeris it was computed from; it
    spreads the sample's exposure over ``K`` patterns: ``pattern[t, k]`` indexes the
    patterns of ``blocks`` (pattern ``j`` of block ``q`` is ``q * patterns_per_block +
    j``) and ``weight_yr[t, k]`` is the exposure [yr] times the magnitude that multiplies
    the pattern's unit flux (zero weights pad rows with fewer patterns).

    The expected count on a surface is then ``sum_t sum_k weight_yr[t, k] *
    R[pattern[t, k]]``, with ``R`` the pattern's response (:mod:`impactrisk.risk`).
    """

    family: PatternFamily
    blocks: tuple
    sample: np.ndarray
    pattern: np.ndarray
    weight_yr: np.ndarray

    def __post_init__(self) -> None:
        t = len(self.sample)
        if self.pattern.shape != self.weight_yr.shape or self.pattern.shape[:1] != (t,) or self.pattern.ndim != 2:
            raise ValueError("exposure arrays must have shapes (T,), (T, K), (T, K)")

    @property
    def name(self) -> str:
        return self.family.name

    @property
    def group(self) -> str:
        return self.family.group

    def restricted(self, keep: np.ndarray) -> "SourceExposure":
        """Only the rows whose sample is in the boolean sample mask ``keep``."""
        rows = keep[self.sample]
        if rows.all():
            return self
        return SourceExposure(self.family, self.blocks, self.sample[rows], self.pattern[rows],
                              self.weight_yr[rows])
