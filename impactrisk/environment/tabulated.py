"""Tabulated particle fluxes by source, diameter class and impact-speed class.

A :class:`FluxTable` holds what an environment model such as ESA MASTER prints for
one target orbit: the flux of each source (explosion fragments, paint flakes, SRM
slag, meteoroids, ...) in each (diameter class, impact-speed class) cell. It keeps the
sources apart because each has its own material density and its own direction model
(physics brief, convention 9): near-circular debris pairs with the crossing geometry,
meteoroids and streams with the meteoroid field.

Everything here is pure: no file access. Tables are read and written by
:mod:`impactrisk.io.master` (MASTER output) and :mod:`impactrisk.io.tabulated_io`
(the project's own text format, ``docs/flux_table_format.md``).

Conventions
-----------
* Diameters in [cm], speeds in [km/s], fluxes in [m^-2 yr^-1] **per cell** (not
  cumulative, not per unit diameter or speed).
* ``basis`` is ``"cross_sectional"`` (per m² of cross-section, e.g. a MASTER sphere
  target) or ``"random_plate"`` (per m² of a randomly tumbling one-sided plate); the
  first is 4 times the second for the same population (Cauchy; physics brief,
  convention 2). :meth:`FluxTable.to_random_plate` converts.
* Within a diameter class the flux is taken as uniform in log d ("log-uniform"), the
  natural reading of a class on a logarithmic grid; within a speed class it is taken
  as uniform in speed.
* Debris on near-circular orbits crossing a near-circular target cannot arrive faster
  than 2 v0 (v0 the circular speed at the target radius, physics brief §5.3); cells
  above that speed come from eccentric or non-orbital sources. They are kept as
  printed; :meth:`FluxTable.speed_share_above` with
  :func:`crossing_speed_limit_km_s` reports their share so that users see it.

References
----------
.. [1] Physics brief of the project, conventions 2 and 9, §5.3 and §5.5.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from impactrisk.constants import MU_EARTH_WGS72_KM3_S2
from impactrisk.environment._arrays import read_only_array
from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = [
    "CROSS_SECTIONAL",
    "RANDOM_PLATE",
    "BASES",
    "CROSS_SECTIONAL_PER_RANDOM_PLATE",
    "DEBRIS",
    "METEOROID",
    "STREAMS",
    "GROUPS",
    "CROSSING_GEOMETRY",
    "METEOROID_FIELD",
    "DIRECTION_MODELS",
    "SourceInfo",
    "FluxTable",
    "crossing_speed_limit_km_s",
]

#: Flux per unit cross-sectional area (sphere target; ORDEM, MASTER).
CROSS_SECTIONAL = "cross_sectional"
#: Flux per unit area of a randomly tumbling one-sided plate (Grün, ECSS, Handbook tables).
RANDOM_PLATE = "random_plate"
BASES = (CROSS_SECTIONAL, RANDOM_PLATE)
#: Ratio cross-sectional / random-plate flux of one population: the mean projected area
#: of a convex body is a quarter of its surface (Cauchy); physics brief, convention 2.
CROSS_SECTIONAL_PER_RANDOM_PLATE = 4.0

#: Source groups: man-made debris, sporadic meteoroids, meteor streams.
DEBRIS = "debris"
METEOROID = "meteoroid"
STREAMS = "streams"
GROUPS = (DEBRIS, METEOROID, STREAMS)

#: Direction models a source column is meant to be paired with (physics brief,
#: convention 9): near-circular debris crossing a near-circular target (§5.3) ...
CROSSING_GEOMETRY = "crossing_geometry"
#: ... or the meteoroid direction field (§2, §3).
METEOROID_FIELD = "meteoroid_field"
DIRECTION_MODELS = (CROSSING_GEOMETRY, METEOROID_FIELD)

#: Selectors naming every source at once.
_ALL = ("all", "total")
#: Names a source may not take (they select several sources). A source may be called
#: "streams" when it is the only member of that group, as in MASTER output.
_RESERVED = (DEBRIS, METEOROID) + _ALL
_NAME = re.compile(r"^[a-z0-9_]+$")


class SourceInfo(NamedTuple):
    """One source column of a :class:`FluxTable`.

    Attributes
    ----------
    name : str
        Key used in code and files: lower case, ``[a-z0-9_]`` (e.g. ``"srm_slag"``).
    label : str
        Name as printed by the model that produced the table (e.g. ``"SRM-Slag"``).
    group : str
        ``"debris"``, ``"meteoroid"`` or ``"streams"``.
    density_g_cm3 : float
        Material density used to turn diameters into masses [g/cm³].
    direction_model : str
        ``"crossing_geometry"`` or ``"meteoroid_field"``.
    density_status : str
        How the density is known: ``"primary"``, ``"third-party"``, ``"recalled"``,
        ``"convention"`` (a project convention), ``"assumption"`` or ``"user"``.
    density_reference : str
        BibTeX key(s) of the density's source, or ``""``.
    density_note : str
        Reasoning behind the density (one line).
    """

    name: str
    label: str
    group: str
    density_g_cm3: float
    direction_model: str
    density_status: str = "assumption"
    density_reference: str = ""
    density_note: str = ""


def crossing_speed_limit_km_s(r_km, mu_km3_s2: float = MU_EARTH_WGS72_KM3_S2):
    """Largest impact speed of circular-orbit debris on a circular target, 2 v0 [km/s].

    Parameters
    ----------
    r_km : array_like
        Orbit radius of target and debris [km] (e.g. the target's semi-major axis).
    mu_km3_s2 : float
        Earth's gravitational parameter [km³/s²] (WGS-72, as SGP4).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``2 sqrt(mu / r)`` [km/s]: 15.33 km/s at r = 6786 km.

    Notes
    -----
    Two circular orbits of equal radius meet with relative speed ``2 v0 |sin(dA/2)|``
    (dA the heading difference), at most ``2 v0`` for head-on crossings (physics brief
    §5.3).
    """
    r = np.asarray(r_km, dtype=float)
    if np.any(r <= 0):
        raise InputError(f"expected r_km > 0, got {r[r <= 0].flat[0]!r}")
    return (2.0 * np.sqrt(mu_km3_s2 / r))[()]


def _frozen(values, name: str, ndim: int) -> np.ndarray:
    a = read_only_array(values)
    if a.ndim != ndim:
        raise InputError(f"FluxTable: {name} must be a {ndim}-D array, got shape {a.shape}")
    return a


@dataclass(frozen=True, eq=False)
class FluxTable:
    """Flux per source, diameter class and impact-speed class, for one target orbit.

    Attributes
    ----------
    d_edges_cm : numpy.ndarray, shape (n_d + 1,)
        Diameter class edges [cm], strictly increasing, > 0.
    v_edges_km_s : numpy.ndarray, shape (n_v + 1,)
        Impact-speed class edges [km/s], strictly increasing, >= 0.
    flux_m2_yr : numpy.ndarray, shape (n_sources, n_d, n_v)
        Flux of each source in each cell [m^-2 yr^-1 per cell], finite and >= 0.
    sources : tuple of SourceInfo
        One record per first axis of ``flux_m2_yr``.
    basis : str
        ``"cross_sectional"`` or ``"random_plate"``.
    metadata : mapping of str to str
        Provenance (model, version, epoch, target orbit, original file, ...), kept as
        text so that it can be copied into a table header.

    Notes
    -----
    Class centres are the geometric mean of the diameter edges (MASTER prints the
    diameter class centres that way) and the arithmetic mean of the speed edges.
    Tables compare by identity; compare their arrays to test equality.
    """

    d_edges_cm: np.ndarray
    v_edges_km_s: np.ndarray
    flux_m2_yr: np.ndarray
    sources: tuple[SourceInfo, ...]
    basis: str
    metadata: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        d = _frozen(self.d_edges_cm, "d_edges_cm", 1)
        v = _frozen(self.v_edges_km_s, "v_edges_km_s", 1)
        f = _frozen(self.flux_m2_yr, "flux_m2_yr", 3)
        if d.size < 2 or not (np.all(np.isfinite(d)) and d[0] > 0 and np.all(np.diff(d) > 0)):
            raise InputError("FluxTable: d_edges_cm must hold >= 2 finite, positive, "
                             f"strictly increasing values, got {np.array2string(d, threshold=8)}")
        if v.size < 2 or not (np.all(np.isfinite(v)) and v[0] >= 0 and np.all(np.diff(v) > 0)):
            raise InputError("FluxTable: v_edges_km_s must hold >= 2 finite, non-negative, "
                             f"strictly increasing values, got {np.array2string(v, threshold=8)}")
        sources = tuple(SourceInfo(*s) for s in self.sources)
        expected = (len(sources), d.size - 1, v.size - 1)
        if f.shape != expected:
            raise InputError(f"FluxTable: flux_m2_yr must have shape (sources, diameter "
                             f"classes, speed classes) = {expected}, got {f.shape}")
        if not np.all(np.isfinite(f)) or np.any(f < 0):
            raise InputError("FluxTable: flux_m2_yr must be finite and >= 0")
        if self.basis not in BASES:
            raise InputError(f"FluxTable: basis must be one of {BASES}, got {self.basis!r}")
        names = [s.name for s in sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"FluxTable: duplicate source names {duplicates}")
        for s in sources:
            if not _NAME.match(s.name):
                raise InputError(f"FluxTable: source name {s.name!r} must be non-empty "
                                 "lower case [a-z0-9_]")
            if s.name in _RESERVED:
                raise InputError(f"FluxTable: source name {s.name!r} is reserved for a "
                                 "selection of several sources")
            if s.group not in GROUPS:
                raise InputError(f"FluxTable: source {s.name!r} has group {s.group!r}, "
                                 f"expected one of {GROUPS}")
            if s.direction_model not in DIRECTION_MODELS:
                raise InputError(f"FluxTable: source {s.name!r} has direction model "
                                 f"{s.direction_model!r}, expected one of {DIRECTION_MODELS}")
            if not (math.isfinite(s.density_g_cm3) and s.density_g_cm3 > 0):
                raise InputError(f"FluxTable: source {s.name!r} density must be > 0 g/cm3, "
                                 f"got {s.density_g_cm3!r}")
        object.__setattr__(self, "d_edges_cm", d)
        object.__setattr__(self, "v_edges_km_s", v)
        object.__setattr__(self, "flux_m2_yr", f)
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "metadata",
                           {str(k): str(v) for k, v in dict(self.metadata).items()})

    # ------------------------------------------------------------------ geometry

    @property
    def d_centres_cm(self) -> np.ndarray:
        """Geometric class centres [cm], shape (n_d,)."""
        return np.sqrt(self.d_edges_cm[:-1] * self.d_edges_cm[1:])

    @property
    def v_centres_km_s(self) -> np.ndarray:
        """Arithmetic class centres [km/s], shape (n_v,)."""
        return 0.5 * (self.v_edges_km_s[:-1] + self.v_edges_km_s[1:])

    @property
    def source_names(self) -> tuple[str, ...]:
        """Source keys, in table order."""
        return tuple(s.name for s in self.sources)

    @property
    def densities_g_cm3(self) -> dict[str, float]:
        """Density of each source [g/cm³]."""
        return {s.name: s.density_g_cm3 for s in self.sources}

    def source_info(self, name: str) -> SourceInfo:
        """The :class:`SourceInfo` of a source given by key or printed label."""
        return self.sources[self._source_index(name)]

    # ------------------------------------------------------------------ selection

    def _source_index(self, name: str) -> int:
        key = name.strip().lower()
        for i, s in enumerate(self.sources):
            if key in (s.name, s.label.lower()):
                return i
        raise InputError(f"FluxTable: unknown source {name!r}; sources are "
                         f"{list(self.source_names)}, groups {list(GROUPS)} or 'all'")

    def source_indices(self, source="all") -> np.ndarray:
        """Indices of the sources selected by ``source``.

        Parameters
        ----------
        source : str or iterable of str
            ``"all"`` (or ``"total"``), a group (``"debris"``, ``"meteoroid"``,
            ``"streams"``), a source key or printed label, or several of these.

        Returns
        -------
        numpy.ndarray of int
            Sorted, unique indices into :attr:`sources`.
        """
        names = [source] if isinstance(source, str) else list(source)
        if not names:
            raise InputError("FluxTable: empty source selection")
        picked: set[int] = set()
        for name in names:
            key = str(name).strip().lower()
            if key in _ALL:
                picked.update(range(len(self.sources)))
            elif key in GROUPS:
                picked.update(i for i, s in enumerate(self.sources) if s.group == key)
            else:
                picked.add(self._source_index(str(name)))
        return np.array(sorted(picked), dtype=int)

    def flux_cells_m2_yr(self, source="all") -> np.ndarray:
        """Flux of the selected sources summed, per cell [m^-2 yr^-1], shape (n_d, n_v).

        A group with no source in this table gives zeros.
        """
        return self.flux_m2_yr[self.source_indices(source)].sum(axis=0)

    def sum_over_groups(self) -> dict[str, np.ndarray]:
        """Flux per cell summed within each group [m^-2 yr^-1], each shape (n_d, n_v)."""
        groups = np.array([s.group for s in self.sources])
        return {g: self.flux_m2_yr[groups == g].sum(axis=0) for g in GROUPS}

    def total_m2_yr(self, source="all") -> float:
        """Flux of the selected sources over the whole table [m^-2 yr^-1]."""
        return float(self.flux_cells_m2_yr(source).sum())

    # ------------------------------------------------------------------ size integrals

    def diameter_class_weights(self, d_min_cm, *, on_range: str = "raise") -> np.ndarray:
        """Share of each diameter class that lies at or above ``d_min_cm``.

        Parameters
        ----------
        d_min_cm : array_like
            Lower diameter limit [cm], within ``[d_edges_cm[0], d_edges_cm[-1]]``.
        on_range : {"raise", "nan"}
            Validity-range policy (:mod:`impactrisk.environment.validity`).

        Returns
        -------
        numpy.ndarray, shape ``d_min_cm.shape + (n_d,)``
            1 for classes entirely above, 0 entirely below, and
            ``ln(d_hi / d) / ln(d_hi / d_lo)`` for the class containing ``d``
            (log-uniform flux within the class). NaN in gives NaN out.
        """
        d = np.asarray(d_min_cm, dtype=float)
        bad = apply_range_policy(d, self.d_edges_cm[0], self.d_edges_cm[-1], on_range,
                                 model="FluxTable", quantity="d_min_cm", units="cm",
                                 stacklevel=4)
        lo = self.d_edges_cm[:-1]
        hi = self.d_edges_cm[1:]
        with np.errstate(invalid="ignore"):
            x = np.maximum(d[..., None], lo)
            w = np.clip(np.log(hi / x) / np.log(hi / lo), 0.0, 1.0)
        w = np.where(np.isnan(d)[..., None] | bad[..., None], np.nan, w)
        return w

    def flux_above_diameter_by_speed(self, d_min_cm, source="all", *,
                                     on_range: str = "raise") -> np.ndarray:
        """Flux of particles of diameter >= ``d_min_cm`` in each speed class.

        Parameters
        ----------
        d_min_cm : array_like
            Lower diameter limit [cm] (see :meth:`diameter_class_weights`).
        source : str or iterable of str
            Source selection (see :meth:`source_indices`).
        on_range : {"raise", "nan"}
            Validity-range policy.

        Returns
        -------
        numpy.ndarray, shape ``d_min_cm.shape + (n_v,)``
            [m^-2 yr^-1 per speed class].
        """
        w = self.diameter_class_weights(d_min_cm, on_range=on_range)
        return w @ self.flux_cells_m2_yr(source)

    def cumulative_above_diameter(self, d_cm, source="all", *, on_range: str = "raise"):
        """Cumulative flux of particles of diameter >= ``d_cm`` [m^-2 yr^-1].

        Parameters
        ----------
        d_cm : array_like
            Diameter [cm], within the table's range ``[d_edges_cm[0], d_edges_cm[-1]]``.
        source : str or iterable of str
            Source selection: ``"all"``, a group, a source, or several.
        on_range : {"raise", "nan"}
            Validity-range policy: outside the table the flux is unknown, never
            extrapolated.

        Returns
        -------
        numpy.ndarray or numpy.float64
            Same shape as ``d_cm``; NaN in gives NaN out.

        Notes
        -----
        ``F(>= d) = sum_{k > k_d} F_k + F_{k_d} ln(d_hi / d) / ln(d_hi / d_lo)`` with
        ``k_d`` the class containing ``d``: the flux is taken as uniform in log d inside a
        class. At a class edge the result is exact (a sum of whole classes). The table
        only holds particles up to its upper edge: ``F(>= d_edges_cm[-1]) = 0`` means
        "none in the table", not "none in space".
        """
        return self.flux_above_diameter_by_speed(d_cm, source, on_range=on_range).sum(
            axis=-1)[()]

    # ------------------------------------------------------------------ speeds

    def speed_distribution(self, source="all", d_min_cm=None, *,
                           on_range: str = "raise") -> np.ndarray:
        """Share of the flux in each speed class, for diameters >= ``d_min_cm``.

        Parameters
        ----------
        source : str or iterable of str
            Source selection.
        d_min_cm : array_like, optional
            Lower diameter limit [cm]; default the table's lower edge (whole table).
        on_range : {"raise", "nan"}
            Validity-range policy for ``d_min_cm``.

        Returns
        -------
        numpy.ndarray, shape ``d_min_cm.shape + (n_v,)``
            Fractions summing to 1 [-]; NaN where the selected flux is zero.
        """
        d = self.d_edges_cm[0] if d_min_cm is None else d_min_cm
        by_speed = self.flux_above_diameter_by_speed(d, source, on_range=on_range)
        total = by_speed.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, by_speed / np.where(total > 0, total, 1.0), np.nan)

    def mean_speed(self, source="all", d_min_cm=None, *, on_range: str = "raise"):
        """Flux-weighted mean impact speed [km/s] of diameters >= ``d_min_cm``.

        Uses the speed-class centres; NaN where the selected flux is zero.
        """
        shares = self.speed_distribution(source, d_min_cm, on_range=on_range)
        return (shares @ self.v_centres_km_s)[()]

    def speed_share_above(self, v_km_s, source="all", d_min_cm=None, *,
                          on_range: str = "raise"):
        """Share of the flux arriving faster than ``v_km_s``, for diameters >= ``d_min_cm``.

        Parameters
        ----------
        v_km_s : float
            Speed threshold [km/s], e.g. :func:`crossing_speed_limit_km_s` for debris.
        source, d_min_cm, on_range
            As :meth:`speed_distribution`.

        Returns
        -------
        numpy.ndarray or numpy.float64
            Share [-] (0 ... 1); the class containing ``v_km_s`` counts with the part
            of its width above the threshold (flux uniform in speed within a class).
        """
        v = float(v_km_s)
        lo = self.v_edges_km_s[:-1]
        hi = self.v_edges_km_s[1:]
        part = np.clip((hi - v) / (hi - lo), 0.0, 1.0)
        return (self.speed_distribution(source, d_min_cm, on_range=on_range) @ part)[()]

    # ------------------------------------------------------------------ conversions

    def to_random_plate(self) -> FluxTable:
        """The same table per unit area of a randomly tumbling one-sided plate.

        A cross-sectional table is divided by 4 (physics brief, convention 2); a
        random-plate table is returned unchanged.
        """
        if self.basis == RANDOM_PLATE:
            return self
        meta = dict(self.metadata)
        meta.pop("basis_note", None)
        meta["basis_conversion"] = ("divided by 4 from cross_sectional (Cauchy: random "
                                    "plate = cross-section / 4)")
        return replace(self, flux_m2_yr=self.flux_m2_yr / CROSS_SECTIONAL_PER_RANDOM_PLATE,
                       basis=RANDOM_PLATE, metadata=meta)

    def with_densities(self, densities_g_cm3: Mapping[str, float],
                       note: str = "set by the user") -> FluxTable:
        """A copy with some source densities replaced.

        Parameters
        ----------
        densities_g_cm3 : mapping of str to float
            Source key (or printed label, or group name for every source of the group)
            to density [g/cm³].
        note : str
            Recorded as the density note of the changed sources (status ``"user"``).
        """
        new = list(self.sources)
        for name, value in densities_g_cm3.items():
            rho = float(value)
            if not (math.isfinite(rho) and rho > 0):
                raise InputError(f"density of {name!r} must be > 0 g/cm3, got {value!r}")
            for i in self.source_indices(name):
                new[i] = new[i]._replace(density_g_cm3=rho, density_status="user",
                                         density_reference="", density_note=note)
        return replace(self, sources=tuple(new))

    def with_metadata(self, **items: str) -> FluxTable:
        """A copy with metadata entries added or replaced."""
        meta = dict(self.metadata)
        meta.update({k: str(v) for k, v in items.items()})
        return replace(self, metadata=meta)

