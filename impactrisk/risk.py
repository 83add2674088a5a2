"""Expected impacts and penetrations: the integral of a population's flux bundles
against oriented surfaces and a ballistic limit, and the Poisson probability of no
penetration.

For bundles b (travel direction u_b in LVLH, speed v_b, flux f_b above the spectrum's
reference size, exposure t_b) and a surface s (outward normal n_s in LVLH, area A_s):

    N_s = sum_b  f_b t_b A_s max(0, -u_b . n_s)  fraction_above(d_c(v_b, theta_bs, rho_k))

with cos(theta_bs) = -u_b . n_s and the critical diameter d_c evaluated per density
class k of the spectrum (physics brief conventions 1, 2 and 5; §7.1-7.2). PNP =
exp(-N) (NASA/TM-2009-214785 eqs 2-1 to 2-3).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

import numpy as np

from impactrisk.environment.directional import FluxBundles, PatternFamily, SizeSpectrum, SourceExposure
from impactrisk.geometry import impact_cosine

__all__ = [
    "DEFAULT_SPEED_EDGES_KM_S",
    "ExposureTally",
    "FractionTable",
    "ImpactTally",
    "OrientedElements",
    "PatternResponse",
    "Responder",
    "ResponseCache",
    "integrate_exposure",
    "integrate_impacts",
    "pattern_response",
    "probability_no_penetration",
]

#: Speed bins of the penetrator speed distribution [km/s].
DEFAULT_SPEED_EDGES_KM_S = np.arange(0.0, 82.0, 2.0)
_CHUNK_BUNDLES = 65536

#: A ballistic limit: critical diameter [cm] from speed [km/s], impact angle from the
#: normal [deg] and projectile density [g/cm^3], broadcasting.
BallisticLimit = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


@dataclass
class ImpactTally:
    """Expected counts of one source on a set of surfaces.

    Attributes
    ----------
    source : str
        The bundles' source.
    spectrum : str
        Name of the size spectrum.
    n_above_limit : numpy.ndarray
        (S,) expected particles exceeding the ballistic limit (penetrations for a
        perforation criterion) per surface.
    speed_edges_km_s : numpy.ndarray
        (V+1,) edges of the speed bins.
    speed_distribution : numpy.ndarray
        (S, V) expected penetrations per surface and speed bin; sums to ``n_above_limit``.
    arrival_lvlh : numpy.ndarray
        (S, 3) penetration-weighted mean arrival direction (unit vector pointing to where
        the penetrators come from, -u) in LVLH; NaN where nothing penetrates.
    """

    source: str
    spectrum: str
    n_above_limit: np.ndarray
    speed_edges_km_s: np.ndarray
    speed_distribution: np.ndarray
    arrival_lvlh: np.ndarray

    def scaled(self, factor: float) -> "ImpactTally":
        """The tally for ``factor`` times the exposure (counts scale, directions do not)."""
        return ImpactTally(self.source, self.spectrum, self.n_above_limit * factor,
                           self.speed_edges_km_s, self.speed_distribution * factor, self.arrival_lvlh)

    def mean_speed_km_s(self) -> np.ndarray:
        """(S,) penetration-weighted mean speed [km/s] from the binned distribution."""
        centres = 0.5 * (self.speed_edges_km_s[:-1] + self.speed_edges_km_s[1:])
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.speed_distribution @ centres / self.speed_distribution.sum(axis=1)


def integrate_impacts(
    bundles: FluxBundles,
    spectrum: SizeSpectrum,
    normals_lvlh: np.ndarray,
    area_m2: np.ndarray,
    d_crit_cm: BallisticLimit,
    exposure_yr: float | np.ndarray = 1.0,
    *,
    wall_normals_lvlh: np.ndarray | None = None,
    fraction_table: "FractionTable | None" = None,
    speed_edges_km_s: np.ndarray = DEFAULT_SPEED_EDGES_KM_S,
) -> ImpactTally:
    """Integrate one source's bundles against surfaces and a ballistic limit.

    Parameters
    ----------
    bundles : FluxBundles
        The source's direction/speed bundles (flux above ``spectrum``'s reference size).
    spectrum : SizeSpectrum
        The source's size distribution and density classes.
    normals_lvlh : numpy.ndarray
        (S, 3) outward unit normals of the surfaces in LVLH.
    area_m2 : numpy.ndarray
        (S,) surface areas [m^2].
    d_crit_cm : callable
        ``d_crit_cm(v_km_s, angle_deg, rho_g_cm3)`` -> critical diameter [cm]; it sets
        the criterion (perforation, spall, leak). ``lambda v, a, rho: np.full_like(v, d)``
        counts impacts of particles larger than ``d``.
    exposure_yr : float or numpy.ndarray
        Exposure of each bundle [yr] (scalar, or (B,) for time-resolved bundles).
    wall_normals_lvlh : numpy.ndarray, optional
        (S, 3) outward normals of the walls the surfaces sit on (zero rows: none); a
        particle must arrive from in front of both (:func:`impactrisk.geometry.impact_cosine`).
    fraction_table : FractionTable, optional
        The same ``spectrum`` and ``d_crit_cm`` tabulated over speed and impact-angle
        cosine (:func:`tabulate_fraction`); used instead of evaluating them per bundle
        and surface, which is what makes many-element modules affordable.
    speed_edges_km_s : numpy.ndarray
        Bins of the penetrator speed distribution.

    Returns
    -------
    ImpactTally
    """
    normals = np.atleast_2d(np.asarray(normals_lvlh, dtype=np.float64))
    area = np.broadcast_to(np.asarray(area_m2, dtype=np.float64), (len(normals),))
    exposure = np.broadcast_to(np.asarray(exposure_yr, dtype=np.float64), (len(bundles),))
    n_surfaces = len(normals)
    n_bins = len(speed_edges_km_s) - 1
    counts = np.zeros((n_surfaces, n_bins))
    arrival = np.zeros((n_surfaces, 3))
    for b0 in range(0, len(bundles), _CHUNK_BUNDLES):
        sl = slice(b0, b0 + _CHUNK_BUNDLES)
        u = bundles.u_lvlh[sl]
        v = bundles.v_km_s[sl]
        cosine = impact_cosine(u, normals, wall_normals_lvlh)  # (B, S)
        hit = cosine > 0.0
        if fraction_table is not None:
            fraction = fraction_table(v[:, None], cosine)
        else:
            angle_deg = np.degrees(np.arccos(np.clip(cosine, 0.0, 1.0)))
            d_crit = [np.asarray(d_crit_cm(v[:, None], angle_deg, rho), dtype=np.float64)
                      for rho in spectrum.densities_g_cm3]
            fraction = spectrum.fraction_above(d_crit)
        weight = np.where(hit, (bundles.flux_m2_yr[sl] * exposure[sl])[:, None] * cosine * fraction, 0.0)
        weight = weight * area[None, :]
        which = np.clip(np.searchsorted(speed_edges_km_s, v, side="right") - 1, 0, n_bins - 1)
        cell = which[:, None] + n_bins * np.arange(n_surfaces)[None, :]
        counts += np.bincount(cell.ravel(), weights=weight.ravel(),
                              minlength=n_surfaces * n_bins).reshape(n_surfaces, n_bins)
        arrival -= weight.T @ u
    total = counts.sum(axis=1)
    norm = np.linalg.norm(arrival, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        arrival = np.where(norm > 0, arrival / norm, np.nan)
    return ImpactTally(bundles.source, spectrum.name, total, np.asarray(speed_edges_km_s), counts, arrival)


class FractionTable:
    """``spectrum.fraction_above(d_crit(v, theta, rho_k))`` tabulated on a grid of speed
    and impact-angle cosine, interpolated bilinearly.

    The fraction is smooth in both (power laws of V and cos theta within one density
    class, with kinks where a class boundary is crossed), so a grid of 0.25 km/s by
    0.005 in cosine reproduces it to well under 1 % where it matters
    (tests/test_risk_table.py). Rows are computed on first use, in blocks of
    :data:`ROWS_PER_BLOCK` speeds: a source only pays for the speeds it has (debris up
    to 16 km/s, a shower within a few km/s of its entry speed).
    """

    #: Speed rows computed at a time.
    ROWS_PER_BLOCK = 20

    def __init__(self, spectrum: SizeSpectrum, d_crit_cm: BallisticLimit, *,
                 v_max_km_s: float = 100.0, dv_km_s: float = 0.25, n_cos: int = 201):
        self.spectrum = spectrum
        self.d_crit_cm = d_crit_cm
        self.v_step = dv_km_s
        self.v_grid = np.arange(0.0, v_max_km_s + dv_km_s, dv_km_s)
        self.cos_grid = np.linspace(0.0, 1.0, n_cos)
        self._angle_deg = np.degrees(np.arccos(self.cos_grid))[None, :]
        self._table = np.zeros((len(self.v_grid), n_cos))
        # float32 (value, step to the next value) pairs along the cosine axis, the last
        # step zero (for :meth:`pairs`).
        self._pairs32 = np.zeros((len(self.v_grid), n_cos, 2), dtype=np.float32)
        self._done = np.zeros(-(-len(self.v_grid) // self.ROWS_PER_BLOCK), dtype=bool)

    def _ensure(self, rows: np.ndarray) -> None:
        """Compute the blocks holding the speed rows ``rows`` (and those between them)
        that are not there yet."""
        rows = np.asarray(rows, dtype=np.intp)
        if rows.size == 0:
            return
        # Every block from the lowest to the highest row (the speeds of a chunk of bundles
        # are close together; a row computed without need changes nothing).
        blocks = np.arange(int(rows.min()) // self.ROWS_PER_BLOCK, int(rows.max()) // self.ROWS_PER_BLOCK + 1)
        for b in blocks[~self._done[blocks]].tolist():
            sl = slice(b * self.ROWS_PER_BLOCK, min((b + 1) * self.ROWS_PER_BLOCK, len(self.v_grid)))
            v = self.v_grid[sl, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                d_crit = [np.asarray(self.d_crit_cm(v, self._angle_deg, rho), dtype=np.float64)
                          for rho in self.spectrum.densities_g_cm3]
                part = np.asarray(self.spectrum.fraction_above(d_crit), dtype=np.float64)
            part = np.nan_to_num(np.broadcast_to(part, (sl.stop - sl.start, len(self.cos_grid))), nan=0.0)
            self._table[sl] = part
            self._pairs32[sl, :, 0] = part
            self._pairs32[sl, :-1, 1] = np.diff(part, axis=1)
            self._pairs32[sl, -1, 1] = 0.0
            self._done[b] = True

    @property
    def table(self) -> np.ndarray:
        """The whole table, (speeds, cosines) (computes every row)."""
        self._ensure(np.arange(len(self.v_grid)))
        return self._table

    def rows(self, v_km_s) -> tuple[np.ndarray, np.ndarray]:
        """Speed row ``i`` below each speed and the fraction ``fx`` of the step to the next
        (the speed step of the interpolation, for :meth:`pairs`); computes those rows."""
        x = np.clip(np.asarray(v_km_s, dtype=np.float64) / self.v_step, 0.0, len(self.v_grid) - 1.000001)
        i = x.astype(np.intp)
        if i.size:
            self._ensure(np.array([i.min(), i.max() + 1]))
        return i, x - i

    def pairs(self, v_km_s: np.ndarray, cosine: np.ndarray, rows: tuple | None = None) -> np.ndarray:
        """The fraction for every bundle (speeds ``(B,)``) and element (cosines ``(B, E)``
        in [0, 1]): the same bilinear interpolation as calling the table, with the speed
        step done once per bundle (one row of the table per bundle) so that only the
        cosine step is done per pair. ``rows``: :meth:`rows` of these speeds, if already
        known. Returns float32 (B, E)."""
        v = np.asarray(v_km_s, dtype=np.float64)
        i, fx = self.rows(v) if rows is None else rows
        n_cos = len(self.cos_grid)
        if 2 * np.shape(cosine)[1] < n_cos:
            return self._pairs_direct(i, fx, cosine)
        fx = np.asarray(fx, dtype=np.float32)[:, None, None]
        # Row of each bundle, as (value, step) pairs packed in one complex64 so that one
        # gather fetches both ends of the cosine interval.
        rows = self._pairs32[i] * (np.float32(1.0) - fx) + self._pairs32[i + 1] * fx    # (B, C, 2)
        packed = rows.view(np.complex64)[..., 0]                                         # (B, C)
        y = np.asarray(cosine, dtype=np.float32) * np.float32(n_cos - 1)
        node = np.floor(y)
        index = node.astype(np.intp)
        y -= node
        index += (np.arange(len(v), dtype=np.intp) * n_cos)[:, None]
        ends = packed.ravel().take(index)
        value = ends.imag * y
        value += ends.real
        return value

    def _pairs_direct(self, i: np.ndarray, fx: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """:meth:`pairs` for few elements per bundle: the two speed rows are read at each
        pair's cosine (two gathers per pair) instead of interpolating a whole row per
        bundle. Same bilinear interpolation, float32."""
        n_cos = len(self.cos_grid)
        flat = self._pairs32.view(np.complex64)[..., 0].ravel()       # (value, step) per node
        y = np.asarray(cosine, dtype=np.float32) * np.float32(n_cos - 1)
        node = np.floor(y)
        index = node.astype(np.intp)
        y -= node
        index += (i * n_cos)[:, None]
        low_row = flat.take(index)
        high_row = flat.take(index + n_cos)
        low = low_row.imag * y
        low += low_row.real
        high = high_row.imag * y
        high += high_row.real
        high -= low
        high *= np.asarray(fx, dtype=np.float32)[:, None]
        high += low
        return high

    def __call__(self, v_km_s: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        i, fx = self.rows(v_km_s)
        y = np.clip(np.asarray(cosine) * (len(self.cos_grid) - 1), 0.0, len(self.cos_grid) - 1.000001)
        j = y.astype(np.int64)
        fy = y - j
        t = self._table
        return ((t[i, j] * (1.0 - fy) + t[i, j + 1] * fy) * (1.0 - fx)
                + (t[i + 1, j] * (1.0 - fy) + t[i + 1, j + 1] * fy) * fx)


def probability_no_penetration(n_expected) -> np.ndarray:
    """Poisson probability of no penetration, ``exp(-N)`` (NASA/TM-2009-214785 eq 2-2)."""
    n = np.asarray(n_expected, dtype=np.float64)
    if np.any(n < 0):
        raise ValueError("expected numbers of penetrations cannot be negative")
    return np.exp(-n)


# ---------------------------------------------------------------- pattern responses

#: Bundles x values per bundle (distinct normals and walls, or elements of a gathered
#: sum) per block of the pattern kernel: small enough for the temporaries to stay in the
#: processor cache.
_PAIRS_PER_BLOCK = 1 << 16
#: Multiply-adds of one BLAS call of the kernel (see :func:`_product`).
_MACS_PER_PRODUCT = 1 << 18


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D ``a``, as a stack of row blocks each small enough for OpenBLAS
    (numpy's BLAS) to run on one thread: it threads a product of m x n x k only above
    4 x 65536 multiply-adds (GEMM_MULTITHREAD_THRESHOLD x SMP_THRESHOLD_MIN,
    interface/gemm.c), and a threaded product may round differently. The kernel's
    results then do not depend on how many threads BLAS may use (batch workers allow
    one). numpy runs the stack in one call, one BLAS product per block."""
    rows = max(1, _MACS_PER_PRODUCT // max(1, a.shape[1] * b.shape[1]))
    n = len(a)
    if n <= rows:
        return a @ b
    full = n - n % rows
    out = np.empty((n, b.shape[1]), dtype=np.result_type(a, b))
    np.matmul(a[:full].reshape(-1, rows, a.shape[1]), b, out=out[:full].reshape(-1, rows, b.shape[1]))
    if full < n:
        out[full:] = a[full:] @ b
    return out


@dataclass(frozen=True, eq=False)
class OrientedElements:
    """The flat elements of a module in LVLH, grouped for the pattern kernel.

    Attributes
    ----------
    normals_lvlh : numpy.ndarray
        (E, 3) outward unit normals.
    walls_lvlh : numpy.ndarray
        (E, 3) normals of the walls the elements sit on; an element on no wall carries
        its own normal here (the two visibility tests then coincide).
    area_m2 : numpy.ndarray
        (E,) areas [m^2].
    surface : numpy.ndarray
        (E,) surface index in ``[0, n_surfaces)``.
    shield : numpy.ndarray
        (E,) index into ``shields``.
    shields : tuple
        The shields (ballistic limits) of the elements.
    surfaces : tuple of str
        Surface names.
    key : str
        Digest of the geometry (normals, walls, areas, grouping); with the shields it
        identifies the responses.
    """

    normals_lvlh: np.ndarray
    walls_lvlh: np.ndarray
    area_m2: np.ndarray
    surface: np.ndarray
    shield: np.ndarray
    shields: tuple
    surfaces: tuple
    key: str

    @property
    def n_surfaces(self) -> int:
        return len(self.surfaces)

    @cached_property
    def kernel_plan(self) -> "_KernelPlan":
        """Distinct normals and walls and the element sums of :func:`pattern_response`."""
        return _KernelPlan.of(self)

    @classmethod
    def from_arrays(cls, normals_lvlh, area_m2, surface, surfaces, *, walls_lvlh=None, shield=None,
                    shields=()) -> "OrientedElements":
        """From plain arrays: ``(E, 3)`` normals, ``(E,)`` areas and surface indices,
        surface names; optional ``(E, 3)`` wall normals (zero rows: none), ``(E,)`` shield
        indices into ``shields``."""
        normals = np.atleast_2d(np.asarray(normals_lvlh, dtype=np.float64))
        n_el = len(normals)
        walls = np.zeros((n_el, 3)) if walls_lvlh is None else np.asarray(walls_lvlh, dtype=np.float64)
        has_wall = np.any(walls != 0.0, axis=1)
        walls = np.where(has_wall[:, None], walls, normals)
        area = np.broadcast_to(np.asarray(area_m2, dtype=np.float64), (n_el,)).copy()
        surface = np.broadcast_to(np.asarray(surface, dtype=np.int64), (n_el,)).copy()
        shield = np.zeros(n_el, dtype=np.int64) if shield is None else np.asarray(shield, dtype=np.int64)
        # Elements of one shield side by side: the kernel then takes them as slices.
        order = np.argsort(shield, kind="stable")
        normals, walls, area, surface, shield = (a[order] for a in (normals, walls, area, surface, shield))
        digest = hashlib.sha1()
        for arr in (normals.round(12), walls.round(12), area, surface, shield):
            digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(repr(tuple(surfaces)).encode())
        return cls(normals, walls, area, surface, shield, tuple(shields), tuple(surfaces), digest.hexdigest())

    @classmethod
    def from_surface_set(cls, surfaces, rotation: np.ndarray | None = None) -> "OrientedElements":
        """From a :class:`impactrisk.geometry.SurfaceSet`, turned by ``rotation`` (vehicle
        -> LVLH) if given."""
        oriented = surfaces if rotation is None else surfaces.rotated(rotation)
        return cls.from_arrays(oriented.normals_body, oriented.area_m2, oriented.element_surface,
                               oriented.surfaces, walls_lvlh=oriented.wall_normals_body,
                               shield=oriented.element_shield, shields=oriented.shields)


class PatternResponse:
    """Response of a module to each pattern of a block, per unit weight.

    Fields (P patterns, S surfaces, V speed bins)
    ---------------------------------------------
    n : (P, S)
        Expected particles above the ballistic limit per unit exposure [1/yr-unit].
    speed : (P, S, V)
        The same by relative speed bin.
    arrival : (P, S, 3)
        Sum of ``n`` times the arrival direction (-u, LVLH) (not normalised).
    projected : (P, S)
        Particles above the reference size hitting the surfaces, whatever their effect.
    projected_v : (P, S)
        ``projected`` times the relative speed [km/s] (for mean impact speeds).
    flux, flux_v : (P,)
        Cross-sectional flux of the pattern and the same times speed.

    The fields are views of one (P, W) array, one row per pattern, so that picking,
    joining and adding responses is one array operation each.
    """

    FIELDS = ("n", "speed", "arrival", "projected", "projected_v", "flux", "flux_v")

    def __init__(self, n, speed, arrival, projected, projected_v, flux, flux_v):
        n = np.asarray(n, dtype=np.float64)
        self._surfaces, self._speeds = n.shape[1], np.shape(speed)[2]
        self.packed = np.empty((n.shape[0], self._surfaces * (self._speeds + 6) + 2))
        for name, value in zip(self.FIELDS, (n, speed, arrival, projected, projected_v, flux, flux_v)):
            getattr(self, name)[...] = value

    def _like(self, packed: np.ndarray) -> "PatternResponse":
        out = object.__new__(PatternResponse)
        out.packed, out._surfaces, out._speeds = packed, self._surfaces, self._speeds
        return out

    def _columns(self, first: int, last: int, *shape: int) -> np.ndarray:
        s = self._surfaces
        return self.packed[:, first * s:last * s].reshape((len(self.packed),) + shape)

    @property
    def n(self) -> np.ndarray:
        return self._columns(0, 1, self._surfaces)

    @property
    def speed(self) -> np.ndarray:
        return self._columns(1, self._speeds + 1, self._surfaces, self._speeds)

    @property
    def arrival(self) -> np.ndarray:
        v = self._speeds
        return self._columns(v + 1, v + 4, self._surfaces, 3)

    @property
    def projected(self) -> np.ndarray:
        v = self._speeds
        return self._columns(v + 4, v + 5, self._surfaces)

    @property
    def projected_v(self) -> np.ndarray:
        v = self._speeds
        return self._columns(v + 5, v + 6, self._surfaces)

    @property
    def flux(self) -> np.ndarray:
        return self.packed[:, -2]

    @property
    def flux_v(self) -> np.ndarray:
        return self.packed[:, -1]

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays by field name."""
        return {name: getattr(self, name) for name in self.FIELDS}

    @classmethod
    def from_arrays(cls, arrays) -> "PatternResponse":
        """From a mapping holding every field (copied); KeyError if one is missing."""
        return cls(**{name: np.asarray(arrays[name]) for name in cls.FIELDS})

    def take(self, index) -> "PatternResponse":
        """The responses of the patterns ``index`` (a slice or an index array)."""
        return self._like(self.packed[index])

    @classmethod
    def concatenate(cls, parts: Sequence["PatternResponse"]) -> "PatternResponse":
        """The patterns of ``parts`` one after the other."""
        return parts[0]._like(np.concatenate([p.packed for p in parts]))


def _unique_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``vectors`` (equal to 12 decimals) and each row's index into them."""
    _, first, inverse = np.unique(np.round(vectors, 12), axis=0, return_index=True, return_inverse=True)
    return vectors[first], inverse.reshape(-1)


#: An element sum is done as one product with a dense (normals, walls x surfaces) area
#: matrix when that matrix has at most this many entries per element, else by gathering
#: each element's values (the dense form wins when elements share normals and walls,
#: as the facets of a radiator's channels do).
_DENSE_ENTRIES_PER_ELEMENT = 16


class _ElementSum:
    """``out[b, s] = sum over elements e of surface s of  a_e vis[b, wall(e)] x[b, col(e)]``
    for the elements of one shield: ``x`` holds values per distinct normal,
    ``vis`` the visibility per distinct wall, ``a_e`` the element's area relative to its
    surface's largest (float32)."""

    def __init__(self, cols: np.ndarray, walls: np.ndarray, surfaces: np.ndarray, weight: np.ndarray):
        # cols: (E,) index into the sum's own normals; walls: (E,) wall index;
        # surfaces: (E,) index into the sum's own surfaces; weight: (E,) relative areas.
        self.n_surfaces = int(surfaces.max()) + 1 if surfaces.size else 0
        self.wall_set, wall_local = np.unique(walls, return_inverse=True)
        n_cols = int(cols.max()) + 1 if cols.size else 0
        n_walls = len(self.wall_set)
        self.dense = n_cols * n_walls * self.n_surfaces <= _DENSE_ENTRIES_PER_ELEMENT * max(1, len(cols))
        if self.dense:
            matrix = np.zeros((n_cols, n_walls, self.n_surfaces), dtype=np.float64)
            np.add.at(matrix, (cols, wall_local, surfaces), weight)
            self.matrix = matrix.reshape(n_cols, n_walls * self.n_surfaces).astype(np.float32)
        else:
            self.cols, self.walls = cols, walls
            matrix = np.zeros((len(cols), self.n_surfaces), dtype=np.float32)
            matrix[np.arange(len(cols)), surfaces] = weight
            self.matrix = matrix
        #: Values per bundle of the widest temporary of a call.
        self.width = self.matrix.shape[1] if self.dense else len(cols)

    def __call__(self, x: np.ndarray, vis: np.ndarray) -> np.ndarray:
        if self.dense:
            per_wall = _product(x, self.matrix).reshape(len(x), len(self.wall_set), self.n_surfaces)
            return np.einsum("bw,bws->bs", vis[:, self.wall_set], per_wall)
        return _product(x[:, self.cols] * vis[:, self.walls], self.matrix)


@dataclass(frozen=True)
class _KernelPlan:
    """How :func:`pattern_response` walks a set of elements: their distinct normals and
    walls (float32, negated, as columns) and, per shield, the distinct normals its
    elements use, their surfaces and its element sum."""

    normals: np.ndarray
    walls: np.ndarray
    area_scale: np.ndarray
    shields: tuple   # (shield index, normal columns, surfaces, _ElementSum)
    width: int       # the widest per-bundle temporary of a block

    @classmethod
    def of(cls, elements: "OrientedElements") -> "_KernelPlan":
        normals, normal_of = _unique_rows(elements.normals_lvlh)
        walls, wall_of = _unique_rows(elements.walls_lvlh)
        # Element areas in float32 relative to each surface's largest element, that scale
        # applied in float64 afterwards: results stay exactly proportional to the areas
        # when a surface is scaled, whatever the float32 rounding of the products.
        area_scale = np.zeros(elements.n_surfaces)
        np.maximum.at(area_scale, elements.surface, elements.area_m2)
        area_scale[area_scale <= 0.0] = 1.0
        relative = elements.area_m2 / area_scale[elements.surface]
        shields, width = [], len(normals) + len(walls)
        for k in np.unique(elements.shield).tolist():   # every element counts in the projected sums
            members = np.flatnonzero(elements.shield == k)
            cols, col_of = np.unique(normal_of[members], return_inverse=True)
            surfaces, surface_of = np.unique(elements.surface[members], return_inverse=True)
            element_sum = _ElementSum(col_of, wall_of[members], surface_of, relative[members])
            shields.append((k, cols, surfaces, element_sum))
            width = max(width, element_sum.width)
        return cls((-normals.T).astype(np.float32), (-walls.T).astype(np.float32), area_scale, tuple(shields),
                   width)


def pattern_response(bundles: FluxBundles, pattern: np.ndarray, n_patterns: int, elements: OrientedElements,
                     tables: Sequence["FractionTable | None"], *,
                     speed_edges_km_s: np.ndarray = DEFAULT_SPEED_EDGES_KM_S,
                     starts: Sequence[int] = ()) -> PatternResponse:
    """Integrate bundles, grouped into patterns, against oriented elements.

    For bundle b of pattern p and element e of surface s:
    ``n[p, s] += f_b A_e c_be F_k(v_b, c_be)`` with ``c_be`` the impact cosine
    (:func:`impactrisk.geometry.impact_cosine`, wall mask applied) and ``F_k`` the
    fraction above the ballistic limit of the element's shield ``k`` (``tables[k]``, a
    :class:`FractionTable`; ``None`` leaves the shield's elements out of ``n``).
    The same weights give the speed distribution and the arrival directions; the
    projected counts use ``F = 1``.

    Elements that share a normal share their cosine and fraction, and elements on one
    wall share its visibility test, so both are evaluated once per distinct normal and
    wall (a radiator's channel facets have a few dozen normals among hundreds of
    elements); the element sums then weight them by area. Vectorised in blocks of
    bundles; the loop is over blocks and shields only. ``starts``: bundle indices where
    a block of patterns begins; no block of bundles straddles one, so that the float32
    products, and hence a pattern block's response, are the same bit for bit whatever
    other blocks are computed in the same call.
    """
    plan = elements.kernel_plan
    n_surf = elements.n_surfaces
    edges = np.asarray(speed_edges_km_s, dtype=np.float64)
    n_bins = len(edges) - 1
    shape = (n_patterns, n_surf)
    out_n = np.zeros(shape)
    out_speed = np.zeros((n_patterns * n_bins, n_surf))
    out_arrival = np.zeros((n_patterns, n_surf, 3))
    out_proj = np.zeros(shape)
    out_proj_v = np.zeros(shape)
    u_all, v_all, f_all = bundles.u_lvlh, bundles.v_km_s, bundles.flux_m2_yr
    p_all = np.asarray(pattern, dtype=np.int64)
    flux = np.bincount(p_all, weights=f_all, minlength=n_patterns)
    flux_v = np.bincount(p_all, weights=f_all * v_all, minlength=n_patterns)
    # The speed step of each counted shield's table, once for all bundles.
    rows = {}
    for k, *_ in plan.shields:
        if k < len(tables) and tables[k] is not None:
            i, fx = tables[k].rows(v_all)
            rows[k] = (i, fx.astype(np.float32))
    chunk = max(16, _PAIRS_PER_BLOCK // plan.width)
    speed_bin = np.clip(np.searchsorted(edges, v_all, side="right") - 1, 0, n_bins - 1)

    def add(target, index, values, lo, span, surfaces):
        # Sums over the patterns [lo, lo + span) a chunk of bundles touches (bundles come
        # block by block, pattern by pattern): the other patterns would only get zeros.
        for j, s in enumerate(surfaces):
            target[lo:lo + span, s] += np.bincount(index, weights=values[:, j], minlength=span)

    bounds = sorted({0, len(v_all), *(int(b) for b in starts)})
    pieces = [slice(b0, min(b0 + chunk, end)) for begin, end in zip(bounds[:-1], bounds[1:])
              for b0 in range(begin, end, chunk)]
    for sl in pieces:
        u = u_all[sl].astype(np.float32)
        v, f, p = v_all[sl], f_all[sl], p_all[sl]
        lo = int(p.min())
        span = int(p.max()) - lo + 1
        p = p - lo
        cosine = _product(u, plan.normals)                              # per distinct normal
        np.maximum(cosine, 0.0, out=cosine)
        visible = (_product(u, plan.walls) > 0.0).astype(np.float32)    # per distinct wall
        index_v = p * n_bins + speed_bin[sl]
        for k, cols, surfaces, element_sum in plan.shields:
            c = cosine[:, cols]
            scale = f[:, None] * plan.area_scale[surfaces]
            projected = element_sum(c, visible).astype(np.float64) * scale
            add(out_proj, p, projected, lo, span, surfaces)
            add(out_proj_v, p, projected * v[:, None], lo, span, surfaces)
            if k not in rows:
                continue
            i, fx = rows[k]
            c *= tables[k].pairs(v, c, (i[sl], fx[sl]))
            hits = element_sum(c, visible).astype(np.float64) * scale
            add(out_n, p, hits, lo, span, surfaces)
            for j, s in enumerate(surfaces):
                w = hits[:, j]
                out_speed[lo * n_bins:(lo + span) * n_bins, s] += np.bincount(index_v, weights=w,
                                                                              minlength=span * n_bins)
                for axis in range(3):
                    out_arrival[lo:lo + span, s, axis] -= np.bincount(p, weights=w * u[:, axis], minlength=span)
    return PatternResponse(out_n, out_speed.reshape(n_patterns, n_bins, n_surf).transpose(0, 2, 1),
                           out_arrival, out_proj, out_proj_v, flux, flux_v)


class ResponseCache:
    """Responses of modules to pattern blocks, and fraction tables, kept for reuse.

    Patterns depend only on the orbit's slowly varying variables, so a long run, a
    sweep or a batch of windows meets the same blocks again and again; their responses
    (and the tabulated fractions above each ballistic limit) are computed once.
    ``max_blocks`` bounds the number of block responses kept in memory (least recently
    used go). ``store``, if given, is a second level shared between processes: an
    object with ``load(key) -> PatternResponse | None`` and ``save(key, response)``
    (e.g. :class:`impactrisk.io.batch_store.DiskResponseStore`).
    """

    def __init__(self, max_blocks: int = 4096, store=None):
        self.max_blocks = int(max_blocks)
        self.store = store
        self._blocks: OrderedDict = OrderedDict()
        self._tables: dict = {}
        self.hits = 0
        self.loaded = 0
        self.misses = 0

    def table(self, family: PatternFamily, shield) -> FractionTable:
        # A spectrum is named by its model, parameters and densities: families that
        # share it (e.g. debris patterns of two inclinations) share the table.
        spectrum = family.spectrum
        key = (spectrum.name, spectrum.bands, spectrum.reference_mass_g, spectrum.valid_mass_g, shield)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = FractionTable(family.spectrum, shield.d_crit_cm)
        return table

    def get(self, key):
        value = self._blocks.get(key)
        if value is not None:
            self._blocks.move_to_end(key)
            self.hits += 1
            return value
        if self.store is not None:
            value = self.store.load(_store_key(key))
            if value is not None:
                self.loaded += 1
                self._keep(key, value)
        return value

    def put(self, key, value, *, persist: bool = True) -> None:
        """Keep a computed response; ``persist=False`` keeps it out of the shared store
        (for blocks cheaper to compute again than to write and read)."""
        self.misses += 1
        self._keep(key, value)
        if self.store is not None and persist:
            self.store.save(_store_key(key), value)

    def _keep(self, key, value) -> None:
        self._blocks[key] = value
        while len(self._blocks) > self.max_blocks:
            self._blocks.popitem(last=False)


def _store_key(key) -> tuple:
    """A process-independent identity of a cache key (the family by its key)."""
    family, block, responder = key
    return (family.key, block, responder)


#: Blocks of at least this many bundle-element pairs go to the shared store; smaller
#: ones (a row of a shower map) are quicker to compute than to write and read.
_PERSIST_MIN_PAIRS = 1 << 20


class _Hashed:
    """A key whose (deep) hash is computed once; compares and prints as its value."""

    __slots__ = ("value", "_hash")

    def __init__(self, value):
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, _Hashed) and (self is other or self.value == other.value)

    def __repr__(self) -> str:
        return repr(self.value)


class Responder:
    """One oriented module (or part of one) with the ballistic limits to count against.

    ``limits[k]`` is the shield whose ballistic limit counts for the elements of shield
    index ``k`` (``elements.shields[k]`` itself, a variant such as
    ``shield.with_min_diameter(d)``, or None to leave them out of ``n``).
    """

    def __init__(self, elements: OrientedElements, limits: Sequence | None = None, *,
                 cache: ResponseCache | None = None,
                 speed_edges_km_s: np.ndarray = DEFAULT_SPEED_EDGES_KM_S):
        self.elements = elements
        self.limits = tuple(elements.shields if limits is None else limits)
        self.cache = ResponseCache() if cache is None else cache
        self.speed_edges_km_s = np.asarray(speed_edges_km_s, dtype=np.float64)
        self._key = _Hashed((elements.key, self.limits, self.speed_edges_km_s.tobytes()))

    def responses(self, family: PatternFamily, blocks: Sequence[tuple], picks: Sequence) -> PatternResponse:
        """Responses to the patterns ``picks[q]`` (indices within the block) of each block
        ``blocks[q]``, in order."""
        parts = self._block_responses(family, blocks)
        return PatternResponse.concatenate([part.take(pick) for part, pick in zip(parts, picks)])

    def _block_responses(self, family: PatternFamily, blocks: Sequence[tuple]) -> list[PatternResponse]:
        parts, missing = [None] * len(blocks), []
        for q, block in enumerate(blocks):
            parts[q] = self.cache.get((family, tuple(block), self._key))
            if parts[q] is None:
                missing.append(q)
        if missing:
            tables = [None if limit is None else self.cache.table(family, limit) for limit in self.limits]
            built = [family.build(tuple(blocks[q])) for q in missing]
            bundles = FluxBundles.concatenate([b for b, _ in built], source=family.name)
            pattern = np.concatenate([p + i * family.patterns_per_block for i, (_, p) in enumerate(built)])
            starts = np.cumsum([0] + [len(b) for b, _ in built[:-1]])
            whole = pattern_response(bundles, pattern, len(missing) * family.patterns_per_block, self.elements,
                                     tables, speed_edges_km_s=self.speed_edges_km_s, starts=starts)
            ppb = family.patterns_per_block
            for i, q in enumerate(missing):
                part = whole.take(slice(i * ppb, (i + 1) * ppb))
                pairs = len(built[i][0]) * len(self.elements.area_m2)
                self.cache.put((family, tuple(blocks[q]), self._key), part, persist=pairs >= _PERSIST_MIN_PAIRS)
                parts[q] = part
        return parts


@dataclass
class ExposureTally:
    """One source integrated over a window's samples against a :class:`Responder`.

    Attributes (S surfaces, V speed bins, D time bins)
    ---------------------------------------------------
    n_by_bin : (D, S)
        Expected particles above the ballistic limit per time bin and surface.
    speed : (S, V)
        Their distribution over relative speed.
    arrival : (S, 3)
        Their summed arrival directions (-u, LVLH), not normalised.
    projected : (S,)
        Particles above the spectrum's reference size hitting each surface.
    projected_v : (S,)
        The same times speed [km/s].
    flux, flux_v : float
        Cross-sectional fluence above the reference size, and times speed.
    """

    n_by_bin: np.ndarray
    speed: np.ndarray
    arrival: np.ndarray
    projected: np.ndarray
    projected_v: np.ndarray
    flux: float
    flux_v: float


def integrate_exposure(responder: Responder, exposure: SourceExposure, sample_bin: np.ndarray,
                       n_bins: int) -> ExposureTally:
    """Weight the pattern responses by a source's exposure.

    ``sample_bin[i]`` is the time bin (e.g. the UTC day) of sample ``i`` of the
    ephemeris the exposure was computed from.
    """
    ppb = exposure.family.patterns_per_block
    n_patterns = len(exposure.blocks) * ppb
    bins = np.asarray(sample_bin)[exposure.sample]
    # Weight of every (time bin, pattern): one pass over the rows, then a product with
    # the responses, instead of gathering a response for every row. Only the bins these
    # rows fall in are laid out (a chunk of a long window touches a few of them).
    first_bin = int(bins.min()) if bins.size else 0
    n_local = int(bins.max()) - first_bin + 1 if bins.size else 1
    cells = ((bins - first_bin)[:, None] * n_patterns + exposure.pattern).ravel()
    weights = np.bincount(cells, weights=exposure.weight_yr.ravel(), minlength=n_local * n_patterns)
    weights = weights.reshape(n_local, n_patterns)
    totals = weights.sum(axis=0)
    # Only the patterns these rows touch take part (and only their blocks are computed):
    # the sums then do not depend on which other samples (of other modules) shaped the
    # exposure's blocks.
    used = np.flatnonzero(totals)
    block_of = used // ppb
    used_blocks, first = np.unique(block_of, return_index=True)
    picks = np.split(used % ppb, first[1:])
    picked = responder.responses(exposure.family, [exposure.blocks[q] for q in used_blocks.tolist()], picks)
    weights, totals = weights[:, used], totals[used]
    local = weights @ picked.n
    n_by_bin = np.zeros((n_bins, local.shape[1]))
    n_by_bin[first_bin:first_bin + n_local] = local
    return ExposureTally(
        n_by_bin=n_by_bin,
        speed=np.einsum("p,psv->sv", totals, picked.speed),
        arrival=np.einsum("p,psa->sa", totals, picked.arrival),
        projected=totals @ picked.projected,
        projected_v=totals @ picked.projected_v,
        flux=float(totals @ picked.flux),
        flux_v=float(totals @ picked.flux_v),
    )
