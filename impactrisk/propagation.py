"""SGP4 over a time grid: element-set selection, chunked vectorised propagation, and
streaming summaries of the result.

For every sample the element set with the nearest epoch serves (``"nearest"``, the
default) or the latest set whose epoch is not after the sample (``"latest-before"``;
samples before the first epoch then use the first set). Because samples are ordered
in time, each set serves one contiguous run of samples, which is propagated with one
call of sgp4's vectorised ``Satrec.sgp4_array``; the loop is over element sets (a few
per day of history), never over samples. Long grids are processed in chunks of at most
:data:`DEFAULT_CHUNK_SAMPLES` samples, so memory stays bounded whatever the span.

SGP4 failures never raise: the samples become NaN with their error code
(:data:`SGP4_ERRORS`), a :class:`~impactrisk.errors.PropagationWarning` is issued
once, and :func:`summarize_orbit` lists the intervals affected.

A window entirely outside the element-set coverage is refused
(:class:`~impactrisk.errors.CoverageError`, saying by how much) unless extrapolation is
allowed explicitly; a window partly outside is propagated from the nearest set and
flagged through the epoch ages (physics brief, convention 7).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterator, Sequence

import numpy as np
from sgp4.api import SGP4_ERRORS as _SGP4_ERRORS

from impactrisk.elements import Orbit
from impactrisk.ephemeris import Ephemeris, Staleness
from impactrisk.errors import (
    CoverageError,
    ExtrapolationWarning,
    InputError,
    PropagationWarning,
    StaleElementsWarning,
)
from impactrisk.timegrid import TimeGrid, datetime_to_jd, format_utc, jd_to_datetime

#: SGP4 error codes and their meaning (from the sgp4 package).
SGP4_ERRORS: dict[int, str] = dict(_SGP4_ERRORS)
#: Element-set selection policies.
SELECT_POLICIES = ("nearest", "latest-before")
#: Samples per chunk: about 30 MB of arrays with every derived quantity.
DEFAULT_CHUNK_SAMPLES = 1 << 17
#: Epoch age above which a sample counts as "old" in the staleness report [d].
DEFAULT_STALE_THRESHOLD_DAYS = 3.0
#: Epoch age above which a StaleElementsWarning is issued [d]. The bundled history has
#: gaps of up to 10.8 days in late 2022, adequate for flux work, so the default run
#: stays quiet.
DEFAULT_STALE_WARN_DAYS = 14.0


def _check_policy(policy: str) -> None:
    if policy not in SELECT_POLICIES:
        raise InputError(f"unknown element-set selection {policy!r}; expected one of {', '.join(SELECT_POLICIES)}")


def _runs(values: np.ndarray) -> tuple[list[int], list[int]]:
    """Start and stop indices of the runs of equal consecutive values."""
    cuts = np.flatnonzero(np.diff(values)) + 1
    return np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [len(values)])).tolist()


def select_element_sets(
    epochs_jd: np.ndarray, jd: np.ndarray, fr: np.ndarray, policy: str = "nearest"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Choose the element set that serves each sample.

    Parameters
    ----------
    epochs_jd : numpy.ndarray
        (S,) epochs of the element sets, ascending [UTC Julian date].
    jd, fr : numpy.ndarray
        (T,) sample times, whole part and fraction [UTC Julian date].
    policy : {"nearest", "latest-before"}
        ``"nearest"``: smallest ``|t - epoch|`` (a sample exactly midway takes the
        later set). ``"latest-before"``: the latest epoch ``<= t``; samples before the
        first epoch take the first set.

    Returns
    -------
    index : numpy.ndarray of int
        (T,) index into ``epochs_jd``.
    age_days : numpy.ndarray
        (T,) ``t - epoch`` of the chosen set [d] (negative before the epoch).
    outside : numpy.ndarray of bool
        (T,) True where the sample lies before the first or after the last epoch.
    """
    _check_policy(policy)
    epochs = np.asarray(epochs_jd, dtype=np.float64)
    t = np.asarray(jd, dtype=np.float64) + np.asarray(fr, dtype=np.float64)
    last = len(epochs) - 1
    if policy == "latest-before":
        index = np.searchsorted(epochs, t, side="right") - 1
        index = np.clip(index, 0, last)
    else:
        upper = np.clip(np.searchsorted(epochs, t, side="left"), 0, last)
        lower = np.clip(upper - 1, 0, last)
        take_lower = np.abs(t - epochs[lower]) < np.abs(epochs[upper] - t)
        index = np.where(take_lower, lower, upper)
    # Age in two parts to keep the precision of the split Julian date.
    age_days = (np.asarray(jd, dtype=np.float64) - epochs[index]) + np.asarray(fr, dtype=np.float64)
    outside = (t < epochs[0]) | (t > epochs[last])
    return index, age_days, outside


def check_coverage(orbit: Orbit, grid: TimeGrid, allow_extrapolation: bool = False) -> None:
    """Refuse a window entirely outside the element-set coverage, saying by how much.

    With ``allow_extrapolation`` an :class:`ExtrapolationWarning` is issued instead.
    Design orbits have no coverage limits.
    """
    _check_span(orbit, grid.start, grid.end, allow_extrapolation)


def _check_span(orbit: Orbit, start_utc: datetime, end_utc: datetime, allow_extrapolation: bool) -> None:
    """:func:`check_coverage` for the span ``start_utc .. end_utc``."""
    if orbit.is_design:
        return
    first, last = orbit.coverage_jd
    start, end = sum(datetime_to_jd(start_utc)), sum(datetime_to_jd(end_utc))
    if end < first:
        gap, side, ref = first - end, "ends", f"before the first epoch {format_utc(jd_to_datetime(first))}"
    elif start > last:
        gap, side, ref = start - last, "starts", f"after the last epoch {format_utc(jd_to_datetime(last))}"
    else:
        return
    where = (
        f"window {format_utc(start_utc)} .. {format_utc(end_utc)} lies entirely outside the "
        f"element-set coverage of {orbit.source}: it {side} {gap:.2f} days {ref}"
    )
    if not allow_extrapolation:
        raise CoverageError(
            f"{where}; allow extrapolation explicitly (--extrapolate) or use element sets that cover it"
        )
    warnings.warn(f"{where}; extrapolating as requested", ExtrapolationWarning, stacklevel=4)


def _propagate_samples(orbit: Orbit, jd: np.ndarray, fr: np.ndarray, policy: str):
    n = len(jd)
    if orbit.is_design:
        index = np.zeros(n, dtype=np.intp)
        age = np.full(n, np.nan)
        outside = np.zeros(n, dtype=bool)
    else:
        index, age, outside = select_element_sets(orbit.epochs_jd, jd, fr, policy)
    r = np.empty((n, 3))
    v = np.empty((n, 3))
    error = np.zeros(n, dtype=np.int16)
    if n:
        for s, e in zip(*_runs(index)):
            code, r[s:e], v[s:e] = orbit.satrecs[index[s]].sgp4_array(jd[s:e], fr[s:e])
            error[s:e] = code
    failed = error != 0
    if failed.any():
        r[failed] = np.nan
        v[failed] = np.nan
    return r, v, error, index, age, outside


def iter_ephemeris(
    orbit: Orbit,
    grid: TimeGrid,
    *,
    select: str = "nearest",
    chunk_samples: int = DEFAULT_CHUNK_SAMPLES,
    allow_extrapolation: bool = False,
    sample_ranges: Sequence[tuple[int, int]] | None = None,
) -> Iterator[Ephemeris]:
    """Propagate ``orbit`` over ``grid`` chunk by chunk.

    ``sample_ranges`` limits the propagation to index ranges ``(i0, i1)`` of the grid
    (in order, not overlapping); the samples keep the grid's times exactly, so a part of
    a window is sampled as the whole window would be. The coverage (of the span of the
    ranges) and the arguments are checked at once (before the first chunk); the returned
    iterator yields one :class:`~impactrisk.ephemeris.Ephemeris` per chunk. A
    :class:`PropagationWarning` is issued once if any sample failed.
    """
    _check_policy(select)
    chunks = grid.chunks(chunk_samples, sample_ranges)
    if sample_ranges is None:
        check_coverage(orbit, grid, allow_extrapolation)
    elif chunks:
        # The span of the ranges: from the first sample's start to the last one's end.
        first, last = chunks[0][0], chunks[-1][1]
        end_s = grid.duration_s if last == grid.n else last * grid.step_s
        _check_span(orbit, grid.start + timedelta(seconds=first * grid.step_s),
                    grid.start + timedelta(seconds=end_s), allow_extrapolation)
    return _generate(orbit, grid, chunks, select)


def _generate(orbit: Orbit, grid: TimeGrid, chunks, select: str) -> Iterator[Ephemeris]:
    warned = False
    for i0, i1 in chunks:
        jd, fr = grid.jd_fr(i0, i1)
        r, v, error, index, age, outside = _propagate_samples(orbit, jd, fr, select)
        if not warned and error.any():
            codes = sorted(set(error[error != 0].tolist()))
            warnings.warn(
                f"SGP4 failed for some samples of {orbit.source} ("
                + "; ".join(SGP4_ERRORS.get(c, str(c)) for c in codes)
                + "); they are NaN",
                PropagationWarning,
                stacklevel=2,
            )
            warned = True
        yield Ephemeris(jd, fr, grid.weights_s(i0, i1), r, v, error, index, age, outside,
                        mean_inclination_deg=orbit.inclination_deg[index])


def warn_if_stale(staleness: Staleness, limit_days: float, source: str) -> None:
    """Issue one :class:`StaleElementsWarning` if the stalest sample exceeds ``limit_days``."""
    if staleness.applicable and staleness.max_age_days > limit_days:
        warnings.warn(
            f"element sets of {source} were up to {staleness.max_age_days:.1f} days from their "
            f"epoch (limit {limit_days:g} d; {100 * staleness.fraction_older:.1f}% of the window "
            f"older than {staleness.threshold_days:g} d)",
            StaleElementsWarning,
            stacklevel=3,
        )


def propagate(
    orbit: Orbit,
    grid: TimeGrid,
    *,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    chunk_samples: int = DEFAULT_CHUNK_SAMPLES,
) -> Ephemeris:
    """Propagate ``orbit`` over the whole grid and return one in-memory ephemeris.

    For spans too long to hold in memory iterate with :func:`iter_ephemeris` or use
    :func:`summarize_orbit`. Warns (:class:`StaleElementsWarning`) when the stalest
    sample is older than ``stale_warn_days``.
    """
    parts = list(iter_ephemeris(orbit, grid, select=select, chunk_samples=chunk_samples,
                                allow_extrapolation=allow_extrapolation))
    ephemeris = parts[0] if len(parts) == 1 else Ephemeris.concatenate(parts)
    warn_if_stale(ephemeris.staleness(stale_threshold_days), stale_warn_days, orbit.source)
    return ephemeris


@dataclass
class ErrorInterval:
    """A run of consecutive samples where SGP4 failed with the same code."""

    start: str
    end: str
    code: int
    message: str
    samples: int


@dataclass
class OrbitSummary:
    """What ``impactrisk orbit`` reports: altitude statistics, element sets used,
    staleness and SGP4 failures over a window. Altitudes are above the spherical Earth
    (model input) and above the WGS-84 ellipsoid (display)."""

    source: str
    kind: str
    name: str | None
    catalog_id: str | None
    start: str
    end: str
    step_s: float
    samples: int
    select: str
    altitude_km: dict[str, float]
    geodetic_altitude_km: dict[str, float]
    element_sets_used: int
    first_epoch_used: str | None
    last_epoch_used: str | None
    staleness: Staleness
    error_intervals: list[ErrorInterval] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["staleness"] = self.staleness.to_dict()
        out["error_intervals"] = [e.__dict__ for e in self.error_intervals]
        return out


class _Stats:
    """Streaming weighted min/mean/max ignoring NaN."""

    def __init__(self) -> None:
        self.lo = np.inf
        self.hi = -np.inf
        self.total = 0.0
        self.weight = 0.0

    def update(self, values: np.ndarray, weights: np.ndarray) -> None:
        ok = np.isfinite(values)
        if ok.any():
            self.lo = min(self.lo, float(values[ok].min()))
            self.hi = max(self.hi, float(values[ok].max()))
            self.total += float(np.sum(values[ok] * weights[ok]))
            self.weight += float(np.sum(weights[ok]))

    def result(self) -> dict[str, float]:
        if self.weight == 0.0:
            return {"min": float("nan"), "mean": float("nan"), "max": float("nan")}
        return {"min": self.lo, "mean": self.total / self.weight, "max": self.hi}


def summarize_orbit(
    orbit: Orbit,
    grid: TimeGrid,
    *,
    select: str = "nearest",
    allow_extrapolation: bool = False,
    stale_threshold_days: float = DEFAULT_STALE_THRESHOLD_DAYS,
    stale_warn_days: float = DEFAULT_STALE_WARN_DAYS,
    chunk_samples: int = DEFAULT_CHUNK_SAMPLES,
) -> OrbitSummary:
    """Propagate chunk by chunk and reduce to an :class:`OrbitSummary` in bounded memory."""
    altitude = _Stats()
    geodetic = _Stats()
    used: set[int] = set()
    parts: list[Staleness] = []
    runs: list[list] = []  # [first index, last index, code]
    offset = 0
    for eph in iter_ephemeris(orbit, grid, select=select, chunk_samples=chunk_samples,
                              allow_extrapolation=allow_extrapolation):
        altitude.update(eph.altitude_km, eph.weight_s)
        geodetic.update(eph.geodetic_altitude_km, eph.weight_s)
        used.update(np.unique(eph.set_index).tolist())
        parts.append(eph.staleness(stale_threshold_days))
        if eph.error.any():
            # Runs of equal codes (a loop over runs, not samples).
            for s, e in zip(*_runs(eph.error)):
                code = int(eph.error[s])
                if code == 0:
                    continue
                if runs and runs[-1][1] == offset + s - 1 and runs[-1][2] == code:
                    runs[-1][1] = offset + e - 1
                else:
                    runs.append([offset + s, offset + e - 1, code])
        offset += len(eph)
    staleness = Staleness.merge(parts)
    warn_if_stale(staleness, stale_warn_days, orbit.source)

    def sample_time(i: int) -> str:
        jd, fr = grid.jd_fr(i, i + 1)
        return format_utc(jd_to_datetime(float(jd[0]), float(fr[0])))

    epochs_used = sorted(used)
    design = orbit.is_design
    return OrbitSummary(
        source=orbit.source,
        kind=orbit.kind,
        name=orbit.name,
        catalog_id=orbit.catalog_id,
        start=format_utc(grid.start),
        end=format_utc(grid.end),
        step_s=grid.step_s,
        samples=grid.n,
        select=select,
        altitude_km=altitude.result(),
        geodetic_altitude_km=geodetic.result(),
        element_sets_used=len(epochs_used),
        first_epoch_used=None if design else format_utc(jd_to_datetime(float(orbit.epochs_jd[epochs_used[0]]))),
        last_epoch_used=None if design else format_utc(jd_to_datetime(float(orbit.epochs_jd[epochs_used[-1]]))),
        staleness=staleness,
        error_intervals=[
            ErrorInterval(sample_time(a), sample_time(b), c, SGP4_ERRORS.get(c, "unknown"), b - a + 1)
            for a, b, c in runs
        ],
    )
