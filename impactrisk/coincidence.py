"""Coincidence statistics of penetrations across a fleet: scan statistic of an
inhomogeneous Poisson process, total-count tails and per-vehicle probabilities.

Each vehicle ``i`` contributes penetrations as a Poisson process of intensity
``lambda_i(t)`` [1/day], piecewise constant on a time grid; vehicles are independent,
so the fleet's penetrations form a Poisson process of intensity
``lambda(t) = sum_i lambda_i(t)`` on the history ``[T0, T1]``. This module answers,
without drawing a window around the observed events after the fact:

* :func:`scan_probability` -- the probability that *some* window of length ``w``
  anywhere in ``[T0, T1]`` holds ``k`` or more penetrations (the scan statistic
  ``S_w >= k``), by an exact discrete-time dynamic programme that brackets the
  continuous-time answer rigorously and extrapolates to zero cell size; the
  up-crossing upper bound (:func:`upcrossing_bound`) and a disjoint-window lower
  bound (:func:`disjoint_windows_lower_bound`) come with it;
* :func:`scan_probability_mc` -- a vectorised Monte-Carlo estimate of the same
  probability with its binomial standard error (a cross-check);
* :func:`count_probability` -- ``P(N_total >= n)`` and ``P(N_total = n)`` for the
  whole history (Poisson, regularised incomplete gamma function);
* :func:`vehicle_probabilities` -- per vehicle, ``P(N_i >= n)`` (default ``n = 1``).

All functions are pure (numpy only, no I/O). Times are in days with any origin.

References
----------
.. [1] J. Glaz, J. Naus and S. Wallenstein, *Scan Statistics*, Springer, New York,
   2001 (the continuous scan statistic of a Poisson process and its approximations).
.. [2] J. I. Naus, "Approximations for distributions of scan statistics", *Journal
   of the American Statistical Association* 77 (1982) 177-183.
.. [3] S. Wallenstein and N. Neff, "An approximation for the distribution of the scan
   statistic", *Statistics in Medicine* 6 (1987) 197-207.
.. [4] D. J. Daley and D. Vere-Jones, *An Introduction to the Theory of Point
   Processes*, vol. I, 2nd ed., Springer, 2003 (Palm distributions; for a Poisson
   process the Palm distribution is the process plus a point at the origin, the
   Slivnyak-Mecke theorem).
.. [5] W. H. Press, S. A. Teukolsky, W. T. Vetterling and B. P. Flannery, *Numerical
   Recipes*, 3rd ed., Cambridge University Press, 2007, section 6.2 (incomplete gamma
   function by series and continued fraction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Iterable, Sequence

import numpy as np

from impactrisk.errors import InputError

__all__ = [
    "CountResult",
    "IntensityGrid",
    "MonteCarloScanResult",
    "ScanResult",
    "count_probability",
    "disjoint_windows_lower_bound",
    "naus_approximation",
    "poisson_sf",
    "scan_probability",
    "scan_probability_mc",
    "upcrossing_bound",
    "vehicle_probabilities",
]

#: Default number of dynamic-programme cells per scanning window at the coarse level
#: (the fine level has twice as many when extrapolating).
DEFAULT_CELLS_PER_WINDOW = 128
#: Fewest cells per window the automatic choice goes down to (``method="auto"`` falls
#: back to the bounds if even this does not fit in memory).
MIN_CELLS_PER_WINDOW = 16
#: Most floating-point state entries the dynamic programme may hold (memory cap).
MAX_DP_STATES = 20_000_000
#: Run-time budget [s] (rough model: 20 us per cell step plus 20 ns per state entry
#: touched) within which the automatic choice of cells per window stays.
DP_TIME_BUDGET_S = 2.0

_EPS = np.finfo(float).eps
_TINY = 1e-300
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(8)


# ----------------------------------------------------------------------------------
# Poisson tails
# ----------------------------------------------------------------------------------

def _gammainc_pq(a: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Regularised incomplete gamma functions ``P(a, x)`` and ``Q(a, x) = 1 - P``.

    Series for ``x < a + 1`` (``P`` to full relative accuracy), Lentz continued
    fraction otherwise (``Q`` to full relative accuracy); the other one is the
    complement, which is then not small. ``a > 0`` scalar, ``x >= 0`` array.
    """
    x = np.asarray(x, dtype=float)
    p = np.zeros_like(x)
    q = np.ones_like(x)
    pos = x > 0
    if not np.any(pos):
        return p, q
    lga = math.lgamma(a)
    with np.errstate(divide="ignore"):
        logx = np.log(np.where(pos, x, 1.0))
    pref = np.exp(-x + a * logx - lga)
    ser = pos & (x < a + 1.0)
    cf = pos & ~ser
    if np.any(ser):
        xs = x[ser]
        ap = a
        term = np.full_like(xs, 1.0 / a)
        total = term.copy()
        active = np.ones(xs.shape, dtype=bool)
        for _ in range(100_000):
            ap += 1.0
            term = term * xs / ap
            total += term
            active = np.abs(term) > np.abs(total) * _EPS
            if not active.any():
                break
        ps = np.minimum(total * pref[ser], 1.0)
        p[ser] = ps
        q[ser] = 1.0 - ps
    if np.any(cf):
        xc = x[cf]
        b = xc + 1.0 - a
        c = np.full_like(xc, 1.0 / _TINY)
        d = 1.0 / b
        h = d.copy()
        for i in range(1, 100_000):
            an = -i * (i - a)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < _TINY, _TINY, d)
            c = b + an / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            d = 1.0 / d
            delta = d * c
            h = h * delta
            if np.all(np.abs(delta - 1.0) <= _EPS):
                break
        qc = np.minimum(pref[cf] * h, 1.0)
        q[cf] = qc
        p[cf] = 1.0 - qc
    return p, q


def poisson_sf(n: int, mean) -> np.ndarray:
    """``P(N >= n)`` for ``N ~ Poisson(mean)``, accurate to relative precision when small.

    Parameters
    ----------
    n : int
        Threshold count (``n <= 0`` gives 1).
    mean : float or array_like
        Poisson mean(s), non-negative.

    Returns
    -------
    numpy.ndarray
        ``P(N >= n)``, the shape of ``mean``.

    Notes
    -----
    ``P(N >= n) = P(n, mean)``, the regularised lower incomplete gamma function,
    evaluated by its series or continued fraction ([5] of the module references);
    ``1 - exp(-mean) * sum_{i<n} mean**i / i!`` would lose all precision for tiny tails.
    """
    m = np.asarray(mean, dtype=float)
    if n <= 0:
        return np.ones_like(m)
    return _gammainc_pq(float(n), m)[0]


def _poisson_cdf_below(n: int, mean) -> np.ndarray:
    """``P(N < n)`` for ``N ~ Poisson(mean)``, accurate when small."""
    m = np.asarray(mean, dtype=float)
    if n <= 0:
        return np.zeros_like(m)
    return _gammainc_pq(float(n), m)[1]


def _poisson_pmf(n: int, mean) -> np.ndarray:
    m = np.asarray(mean, dtype=float)
    if n < 0:
        return np.zeros_like(m)
    with np.errstate(divide="ignore"):
        logm = np.log(np.where(m > 0, m, 1.0))
    out = np.exp(-m + n * logm - math.lgamma(n + 1.0))
    return np.where(m > 0, out, 1.0 if n == 0 else 0.0)


# ----------------------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------------------

def _fail(message: str):
    raise InputError(message)


@dataclass(frozen=True, eq=False)
class IntensityGrid:
    """Per-vehicle penetration intensities, piecewise constant in time.

    Parameters
    ----------
    edges_day : array_like
        (M+1,) strictly increasing cell edges [day], any origin. The history scanned is
        ``[edges_day[0], edges_day[-1]]``.
    rate_per_day : array_like
        (V, M) non-negative, finite penetration rate [1/day] of each vehicle in each
        cell (a 1-D array of length M is taken as one vehicle).
    vehicles : sequence of str, optional
        V vehicle names; default ``"vehicle 0"``, ``"vehicle 1"``, ...

    Raises
    ------
    InputError
        Non-increasing or non-finite edges, negative or non-finite rates, shapes that
        do not match, duplicate names.
    """

    edges_day: np.ndarray
    rate_per_day: np.ndarray
    vehicles: tuple = field(default=())

    def __post_init__(self):
        edges = np.array(self.edges_day, dtype=float)
        if edges.ndim != 1 or edges.size < 2:
            _fail(f"edges_day must be a 1-D array of at least 2 times, got shape {edges.shape}")
        if not np.all(np.isfinite(edges)):
            _fail("edges_day must be finite")
        if not np.all(np.diff(edges) > 0):
            i = int(np.argmin(np.diff(edges)))
            _fail(f"edges_day must be strictly increasing, but edges_day[{i}] = {edges[i]!r} "
                  f">= edges_day[{i + 1}] = {edges[i + 1]!r}")
        rate = np.array(self.rate_per_day, dtype=float)
        if rate.ndim == 1:
            rate = rate[None, :]
        if rate.ndim != 2 or rate.shape[1] != edges.size - 1:
            _fail(f"rate_per_day must have shape (V, {edges.size - 1}) for {edges.size} "
                  f"edges, got {np.shape(self.rate_per_day)}")
        if rate.shape[0] < 1:
            _fail("rate_per_day must hold at least one vehicle")
        if not np.all(np.isfinite(rate)):
            _fail("rate_per_day must be finite")
        if np.any(rate < 0):
            v, c = np.argwhere(rate < 0)[0]
            _fail(f"rate_per_day must be non-negative, got {rate[v, c]!r} for vehicle {v}, cell {c}")
        names = tuple(str(v) for v in self.vehicles) if len(self.vehicles) else tuple(
            f"vehicle {i}" for i in range(rate.shape[0]))
        if len(names) != rate.shape[0]:
            _fail(f"vehicles has {len(names)} names but rate_per_day has {rate.shape[0]} rows")
        if len(set(names)) != len(names):
            _fail(f"vehicle names must be unique, got {names}")
        edges.setflags(write=False)
        rate.setflags(write=False)
        object.__setattr__(self, "edges_day", edges)
        object.__setattr__(self, "rate_per_day", rate)
        object.__setattr__(self, "vehicles", names)

    # -- constructors ---------------------------------------------------------------

    @classmethod
    def from_intervals(cls, intervals: Iterable[Sequence], cell_days: float = 1.0, *,
                       start_day: float | None = None,
                       end_day: float | None = None) -> "IntensityGrid":
        """Grid from exposure intervals, each with its expected count spread uniformly.

        Parameters
        ----------
        intervals : iterable of (name, start_day, end_day, n_expected)
            Vehicle name, exposure interval [day] and expected number of penetrations
            over it (rate ``n_expected / (end_day - start_day)`` inside, zero outside).
            A name may appear several times (several exposures of one vehicle); the
            rates add.
        cell_days : float, optional
            Cell width [day] of the regular part of the grid (default 1 day). Interval
            ends are added as edges, so every rate is exactly piecewise constant.
        start_day, end_day : float, optional
            History bounds ``[T0, T1]`` [day]; default the earliest start and the
            latest end. They may extend beyond the intervals (zero rate there) but not
            cut them.

        Returns
        -------
        IntensityGrid
        """
        rows = list(intervals)
        if not rows:
            _fail("from_intervals needs at least one (name, start_day, end_day, n_expected)")
        if not (np.isfinite(cell_days) and cell_days > 0):
            _fail(f"cell_days must be a positive number, got {cell_days!r}")
        names: list[str] = []
        parsed = []
        for i, row in enumerate(rows):
            if len(row) != 4:
                _fail(f"interval {i} must be (name, start_day, end_day, n_expected), got {row!r}")
            name, s, e, n = row
            s, e, n = float(s), float(e), float(n)
            if not (np.isfinite(s) and np.isfinite(e) and e > s):
                _fail(f"interval {i} ({name!r}): need finite start_day < end_day, got {s!r}, {e!r}")
            if not (np.isfinite(n) and n >= 0):
                _fail(f"interval {i} ({name!r}): n_expected must be finite and >= 0, got {n!r}")
            name = str(name)
            if name not in names:
                names.append(name)
            parsed.append((names.index(name), s, e, n))
        ends = np.array([[p[1], p[2]] for p in parsed])
        t0 = float(ends.min()) if start_day is None else float(start_day)
        t1 = float(ends.max()) if end_day is None else float(end_day)
        if not (np.isfinite(t0) and np.isfinite(t1) and t1 > t0):
            _fail(f"need finite start_day < end_day for the history, got {t0!r}, {t1!r}")
        if ends.min() < t0 or ends.max() > t1:
            _fail(f"history [{t0}, {t1}] does not contain every interval "
                  f"([{ends.min()}, {ends.max()}])")
        n_cells = int(math.ceil((t1 - t0) / cell_days - 1e-9))
        regular = t0 + cell_days * np.arange(n_cells + 1)
        special = np.unique(np.concatenate([ends.ravel(), [t0, t1]]))
        # drop regular edges that nearly coincide with an interval end (no slivers)
        tol = 1e-6 * cell_days
        idx = np.clip(np.searchsorted(special, regular), 1, special.size - 1)
        near = np.minimum(np.abs(regular - special[idx - 1]), np.abs(regular - special[idx]))
        edges = np.unique(np.concatenate([regular[near > tol], special]))
        edges = edges[(edges >= t0) & (edges <= t1)]
        rate = np.zeros((len(names), edges.size - 1))
        lo, hi = edges[:-1], edges[1:]
        for v, s, e, n in parsed:
            overlap = np.clip(np.minimum(hi, e) - np.maximum(lo, s), 0.0, None)
            rate[v] += (n / (e - s)) * overlap / (hi - lo)
        return cls(edges, rate, tuple(names))

    # -- derived quantities -----------------------------------------------------------

    @property
    def t0_day(self) -> float:
        """Start of the history [day]."""
        return float(self.edges_day[0])

    @property
    def t1_day(self) -> float:
        """End of the history [day]."""
        return float(self.edges_day[-1])

    @property
    def span_days(self) -> float:
        """Length of the history ``T1 - T0`` [day]."""
        return self.t1_day - self.t0_day

    @property
    def cell_days(self) -> np.ndarray:
        """(M,) cell widths [day]."""
        return np.diff(self.edges_day)

    def total_rate(self) -> np.ndarray:
        """(M,) combined fleet intensity ``sum_i lambda_i`` [1/day] per cell."""
        return self.rate_per_day.sum(axis=0)

    def expected_per_vehicle(self) -> np.ndarray:
        """(V,) expected penetrations of each vehicle over the history."""
        return self.rate_per_day @ self.cell_days

    def expected_total(self) -> float:
        """Expected fleet penetrations over the history, ``sum_i int lambda_i dt``."""
        return float(self.total_rate() @ self.cell_days)

    def cumulative(self, t_day) -> np.ndarray:
        """Expected fleet penetrations ``Lambda(t) = int_T0^t lambda`` at times ``t_day``.

        Exact for the piecewise-constant intensity (piecewise linear in ``t``); constant
        outside the history.
        """
        cum = np.concatenate([[0.0], np.cumsum(self.total_rate() * self.cell_days)])
        return np.interp(np.asarray(t_day, dtype=float), self.edges_day, cum)

    def rate_at(self, t_day) -> np.ndarray:
        """Fleet intensity [1/day] at times ``t_day`` (zero outside the history)."""
        t = np.asarray(t_day, dtype=float)
        i = np.searchsorted(self.edges_day, t, side="right") - 1
        inside = (i >= 0) & (i < self.edges_day.size - 1)
        lam = self.total_rate()
        return np.where(inside, lam[np.clip(i, 0, lam.size - 1)], 0.0)

    def scaled(self, factor: float) -> "IntensityGrid":
        """The same grid with every rate multiplied by ``factor >= 0``."""
        if not (np.isfinite(factor) and factor >= 0):
            _fail(f"scale factor must be finite and >= 0, got {factor!r}")
        return IntensityGrid(self.edges_day, self.rate_per_day * factor, self.vehicles)


def _check_grid(grid) -> IntensityGrid:
    if not isinstance(grid, IntensityGrid):
        _fail(f"expected an IntensityGrid, got {type(grid).__name__}")
    return grid


def _check_k(k) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        _fail(f"k must be an integer >= 1, got {k!r}")
    if k < 1:
        _fail(f"k must be an integer >= 1, got {k!r}")
    return int(k)


def _check_window(grid: IntensityGrid, window_days) -> float:
    try:
        w = float(window_days)
    except (TypeError, ValueError):
        _fail(f"window_days must be a number, got {window_days!r}")
    if not (np.isfinite(w) and w > 0):
        _fail(f"window_days must be a positive finite number, got {window_days!r}")
    if w > grid.span_days * (1 + 1e-12):
        _fail(f"window_days = {w} is longer than the history "
              f"({grid.span_days} days from {grid.t0_day} to {grid.t1_day})")
    return min(w, grid.span_days)


# ----------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScanResult:
    """Probability that some window of length ``window_days`` holds ``>= k`` points.

    Attributes
    ----------
    probability : float
        Best estimate of ``P(S_w >= k)``.
    complement : float
        Best estimate of ``P(S_w < k)`` computed directly (accurate when the
        probability is close to 1, where ``1 - probability`` is not). Its relative
        error grows with the number of windows when it is astronomically small
        (e.g. a factor 2 at 1e-184), but it stays inside the rigorous bracket.
    lower, upper : float
        Rigorous bounds: ``lower <= P(S_w >= k) <= upper`` (up to rounding).
    error_estimate : float
        Estimated absolute error of ``probability``: for ``method="dp"`` the
        difference of the two levels' midpoints (three times the Richardson
        correction; conservative), or half the bracket without extrapolation; for
        ``method="bound"``, ``upper - lower``.
    method : str
        ``"dp"`` (discrete-time dynamic programme, extrapolated) or ``"bound"``
        (probability is the up-crossing upper bound).
    window_days : float
        Window length [day].
    k : int
        Threshold count.
    expected_total : float
        Expected fleet penetrations over the history.
    upcrossing_bound : float
        ``P(N[T0, T0+w] >= k) + int lambda(s) P(N(s-w, s) = k-1) ds`` (not clipped).
    cells_per_window : int
        Dynamic-programme cells per window at the finest level (0 for bounds only).
    levels : tuple
        ``(cells_per_window, lower, upper)`` of each dynamic-programme level.
    """

    probability: float
    complement: float
    lower: float
    upper: float
    error_estimate: float
    method: str
    window_days: float
    k: int
    expected_total: float
    upcrossing_bound: float
    cells_per_window: int = 0
    levels: tuple = ()


@dataclass(frozen=True, eq=False)
class MonteCarloScanResult:
    """Monte-Carlo estimate of ``P(S_w >= k)``.

    Attributes
    ----------
    probability : float
        Fraction of simulated histories with ``>= k`` points in some window.
    standard_error : float
        Binomial standard error ``sqrt(p (1 - p) / n_sim)``.
    n_sim, n_hits : int
        Simulated histories and those with a window of ``>= k`` points.
    window_days : float
        Window length [day].
    k : int
        Threshold count.
    max_count_histogram : numpy.ndarray
        ``h[c]`` = number of simulations whose busiest window held ``c`` points, so
        ``P(S_w >= c')`` for any ``c'`` is ``h[c':].sum() / n_sim``.
    """

    probability: float
    standard_error: float
    n_sim: int
    n_hits: int
    window_days: float
    k: int
    max_count_histogram: np.ndarray

    def wilson_interval(self, z: float = 1.96) -> tuple[float, float]:
        """Wilson score interval of the probability (useful when ``n_hits`` is 0)."""
        n, p = self.n_sim, self.probability
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class CountResult:
    """Poisson probabilities of the total count over the history.

    Attributes
    ----------
    n : int
        Observed (threshold) count.
    mean : float
        Expected total count.
    p_at_least : float
        ``P(N >= n)``.
    p_exactly : float
        ``P(N = n)``.
    p_fewer : float
        ``P(N < n)`` (computed directly, accurate when ``p_at_least`` is near 1).
    """

    n: int
    mean: float
    p_at_least: float
    p_exactly: float
    p_fewer: float


# ----------------------------------------------------------------------------------
# Counts
# ----------------------------------------------------------------------------------

def count_probability(grid, n: int) -> CountResult:
    """``P(N_total >= n)`` and ``P(N_total = n)`` over the whole history.

    Parameters
    ----------
    grid : IntensityGrid or float
        The fleet intensities, or the expected total count itself.
    n : int
        Count, ``>= 0``.

    Returns
    -------
    CountResult

    Notes
    -----
    ``N_total ~ Poisson(mu)`` with ``mu = sum_i int lambda_i dt``. The tail is the
    regularised incomplete gamma function ``P(N >= n) = P(n, mu)`` (series or
    continued fraction, [5] of the module references), accurate to relative
    precision for tiny tails; ``P(N = n) = exp(-mu + n ln mu - ln n!)``.

    Raises
    ------
    InputError
        ``n`` not a non-negative integer, negative or non-finite mean.
    """
    if isinstance(grid, IntensityGrid):
        mu = grid.expected_total()
    else:
        try:
            mu = float(grid)
        except (TypeError, ValueError):
            _fail(f"expected an IntensityGrid or a mean count, got {type(grid).__name__}")
        if not (np.isfinite(mu) and mu >= 0):
            _fail(f"mean count must be finite and >= 0, got {grid!r}")
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        _fail(f"n must be an integer >= 0, got {n!r}")
    n = int(n)
    if n == 0:
        at_least, fewer = 1.0, 0.0
    else:
        p, q = _gammainc_pq(float(n), np.array([mu]))
        at_least, fewer = float(p[0]), float(q[0])
    return CountResult(n, mu, at_least, float(_poisson_pmf(n, mu)), fewer)


def vehicle_probabilities(grid: IntensityGrid, n: int = 1) -> np.ndarray:
    """(V,) probability that each vehicle has ``n`` or more penetrations.

    Parameters
    ----------
    grid : IntensityGrid
    n : int, optional
        Threshold (default 1: at least one penetration, ``1 - exp(-N_i)``).

    Returns
    -------
    numpy.ndarray
        ``P(N_i >= n)`` in the order of ``grid.vehicles``.
    """
    grid = _check_grid(grid)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        _fail(f"n must be an integer >= 0, got {n!r}")
    expected = grid.expected_per_vehicle()
    if n == 1:
        return -np.expm1(-expected)
    return poisson_sf(int(n), expected)


# ----------------------------------------------------------------------------------
# Bounds
# ----------------------------------------------------------------------------------

def upcrossing_bound(grid: IntensityGrid, window_days: float, k: int) -> float:
    """Expected-up-crossings upper bound on ``P(S_w >= k)``.

    Parameters
    ----------
    grid : IntensityGrid
    window_days : float
        Window length ``w`` [day], at most the history length.
    k : int
        Threshold count, ``>= 1``.

    Returns
    -------
    float
        ``B = P(N[T0, T0+w] >= k) + int_{T0+w}^{T1} lambda(s) P(N(s-w, s) = k-1) ds``
        (not clipped to 1).

    Notes
    -----
    The trailing count ``N(s-w, s]`` changes by single steps; if it ever reaches ``k``
    for ``s > T0 + w`` while the first window held fewer, a point arrived at some ``s``
    with exactly ``k-1`` points in ``(s-w, s)``. By the Slivnyak-Mecke theorem (the
    Palm distribution of a Poisson process is the process plus the point, [4] of the
    module references) the expected number of such up-crossings is the integral, and
    ``P(>= 1) <= E[number]``. The excess is the expected number of up-crossings after
    the first; its relative size is of the order of the mean count in a window (a
    window that filled once tends to refill), so the bound is tight when both the
    probability and ``int_w lambda`` are small (0.6 % and 2.7 % above the exact value
    for the 30-vehicle test fleets with p = 3.7e-5 and 2.1e-3).

    The mean ``m(s) = Lambda(s) - Lambda(s-w)`` is linear between the grid edges and
    the edges shifted by ``w``, and ``lambda`` is constant there; on each such piece
    ``int lambda pois(k-1; m) ds = lambda / m' [P(N >= k; m)]`` between the piece's
    ends (``d/dm P(N >= k; m) = pois(k-1; m)``), used when ``m`` changes by more than
    0.05 over the piece, an 8-point Gauss-Legendre rule otherwise.
    """
    grid = _check_grid(grid)
    k = _check_k(k)
    w = _check_window(grid, window_days)
    return _upcrossing_bound(grid, w, k)


def _upcrossing_bound(grid: IntensityGrid, w: float, k: int) -> float:
    t0, t1 = grid.t0_day, grid.t1_day
    first = float(poisson_sf(k, grid.cumulative(t0 + w) - grid.cumulative(t0)))
    lo = t0 + w
    if t1 - lo <= 0:
        return first
    e = grid.edges_day
    br = np.unique(np.concatenate([e, e + w, [lo, t1]]))
    br = br[(br >= lo) & (br <= t1)]
    a, b = br[:-1], br[1:]
    keep = b - a > 0
    a, b = a[keep], b[keep]
    lam = grid.rate_at(0.5 * (a + b))
    ma = grid.cumulative(a) - grid.cumulative(a - w)
    mb = grid.cumulative(b) - grid.cumulative(b - w)
    ma = np.maximum(ma, 0.0)
    mb = np.maximum(mb, 0.0)
    dm = mb - ma
    big = np.abs(dm) > 0.05
    out = np.zeros_like(a)
    # exact antiderivative where m changes enough for the difference to be accurate
    if np.any(big):
        sa, sb = poisson_sf(k, ma[big]), poisson_sf(k, mb[big])
        ca, cb = _poisson_cdf_below(k, ma[big]), _poisson_cdf_below(k, mb[big])
        use_sf = np.maximum(sa, sb) < 0.5
        diff = np.where(use_sf, sb - sa, ca - cb)
        slope = dm[big] / (b[big] - a[big])
        out[big] = lam[big] * diff / slope
    small = ~big
    if np.any(small):
        half = 0.5 * (b[small] - a[small])
        mid_m = 0.5 * (ma[small] + mb[small])
        half_dm = 0.5 * dm[small]
        m_nodes = np.maximum(mid_m[:, None] + half_dm[:, None] * _GL_NODES[None, :], 0.0)
        vals = _poisson_pmf(k - 1, m_nodes) @ _GL_WEIGHTS
        out[small] = lam[small] * half * vals
    return first + float(out.sum())


def disjoint_windows_lower_bound(grid: IntensityGrid, window_days: float, k: int,
                                 n_offsets: int = 8) -> float:
    """Lower bound on ``P(S_w >= k)`` from disjoint windows.

    Parameters
    ----------
    grid : IntensityGrid
    window_days : float
        Window length ``w`` [day].
    k : int
        Threshold count, ``>= 1``.
    n_offsets : int, optional
        Number of tilings tried (shifted by ``w / n_offsets``); the best is returned.

    Returns
    -------
    float
        ``max over tilings of 1 - prod_j (1 - P(N(window_j) >= k))``.

    Notes
    -----
    Counts in disjoint windows are independent, and any of them reaching ``k`` implies
    ``S_w >= k``.
    """
    grid = _check_grid(grid)
    k = _check_k(k)
    w = _check_window(grid, window_days)
    return _disjoint_lower(grid, w, k, n_offsets)


def _disjoint_lower(grid: IntensityGrid, w: float, k: int, n_offsets: int = 8) -> float:
    best = 0.0
    t0, t1 = grid.t0_day, grid.t1_day
    for j in range(max(1, int(n_offsets))):
        start = t0 + w * j / max(1, int(n_offsets))
        n_win = int(math.floor((t1 - start) / w * (1 + 1e-12)))
        if n_win < 1:
            continue
        starts = start + w * np.arange(n_win)
        m = grid.cumulative(np.minimum(starts + w, t1)) - grid.cumulative(starts)
        p = poisson_sf(k, np.maximum(m, 0.0))
        best = max(best, float(-np.expm1(np.sum(np.log1p(-np.minimum(p, 1.0))))))
    return best


# ----------------------------------------------------------------------------------
# Exact discrete-time dynamic programme
# ----------------------------------------------------------------------------------

def _dp_scan(mu: np.ndarray, d_cells: int, k: int) -> tuple[float, float]:
    """Exact ``P(hit)`` and ``P(no hit)`` of the discrete scan with threshold ``d_cells``.

    Points fall in cells ``j`` as independent ``Poisson(mu[j])`` counts; a *hit* is
    ``k`` points in cells ``a <= ... <= c`` with ``c - a <= d_cells``. Returns
    ``(p_hit, p_survive)``, each accumulated directly (no ``1 - x`` cancellation).
    """
    R = d_cells + 1                      # slots for cells j - d_cells .. j
    n_mu = mu.size
    # state arrays: S[m] = mass with m relevant points, indexed by their cell slots
    # (most recent first); relevant = could still be the oldest of k hit points
    S = [np.zeros((R,) * m) for m in range(k)]
    S[0][...] = 1.0
    sums = [0.0] * k
    sums[0] = 1.0
    tails = [None] + [poisson_sf(r, mu).tolist() for r in range(1, k + 1)]
    coef = [None] + [(mu ** n / math.factorial(n)).tolist() for n in range(1, k)]
    decay = np.exp(-mu).tolist()
    scale = 1.0                          # real probability = stored * scale
    p_hit = 0.0
    resum_every = max(R, 64)
    for j in range(n_mu):
        s = j % R
        # the cell j - R leaves the relevant range (it shares slot s with cell j)
        for m in range(k - 1, 0, -1):
            sl = S[m][..., s]
            moved = float(sl.sum())
            if moved != 0.0:
                S[m - 1] += sl
                sums[m - 1] += moved
                sums[m] = max(sums[m] - moved, 0.0)
                S[m][..., s] = 0.0
        # hits in cell j: m relevant points and >= k - m new ones
        h = 0.0
        for m in range(k):
            if sums[m] > 0.0:
                h += sums[m] * tails[k - m][j]
        p_hit += scale * h
        # surviving transitions (the common factor exp(-mu) goes into `scale`)
        for m in range(k - 2, -1, -1):
            if sums[m] <= 0.0:
                continue
            src = S[m]
            for n in range(1, k - m):
                c = coef[n][j]
                if c == 0.0:
                    break
                S[m + n][(s,) * n] += c * src
                sums[m + n] += c * sums[m]
        scale *= decay[j]
        total = sum(sums)
        if total <= 0.0 or scale * total == 0.0:
            return min(p_hit, 1.0), 0.0
        if total > 1e100 or scale < 1e-200:
            for m in range(k):
                S[m] *= scale
            scale = 1.0
            sums = [float(a.sum()) for a in S]
        elif (j + 1) % resum_every == 0:
            sums = [float(a.sum()) for a in S]
    p_survive = scale * float(sum(a.sum() for a in S))
    return min(p_hit, 1.0), min(p_survive, 1.0)


def _dp_scan3(mu: np.ndarray, d_cells: int) -> tuple[float, float]:
    """:func:`_dp_scan` for ``k = 3``, unrolled (same algorithm, fewer numpy calls)."""
    R = d_cells + 1
    S2 = np.zeros((R, R))                # S2[last, second-last] (slots)
    S1 = np.zeros(R)                     # S1[last]: one relevant point
    S0 = 1.0                             # no relevant point
    sum1 = sum2 = 0.0
    t1 = (-np.expm1(-mu)).tolist()
    t2 = poisson_sf(2, mu).tolist()
    t3 = poisson_sf(3, mu).tolist()
    c1 = mu.tolist()
    c2 = (0.5 * mu * mu).tolist()
    decay = np.exp(-mu).tolist()
    scale = 1.0
    p_hit = 0.0
    resum_every = max(R, 64)
    for j in range(mu.size):
        s = j % R
        if sum2 > 0.0:
            col = S2[:, s]
            moved = float(col.sum())
            if moved != 0.0:
                S1 += col                # col[s] (both points in the leaving cell) is
                col[...] = 0.0           # moved on to S0 just below
                sum1 += moved
                sum2 = max(sum2 - moved, 0.0)
        v = float(S1[s])
        if v != 0.0:
            S0 += v
            sum1 = max(sum1 - v, 0.0)
            S1[s] = 0.0
        p_hit += scale * (S0 * t3[j] + sum1 * t2[j] + sum2 * t1[j])
        c = c1[j]
        if c != 0.0:
            if sum1 > 0.0:
                np.multiply(S1, c, out=S2[s])   # row s is empty: cell j is new
                sum2 += c * sum1
            S1[s] = c * S0
            S2[s, s] = c2[j] * S0
            sum1 += c * S0
            sum2 += c2[j] * S0
        scale *= decay[j]
        total = S0 + sum1 + sum2
        if scale * total == 0.0:
            return min(p_hit, 1.0), 0.0
        if total > 1e100 or scale < 1e-200:
            S2 *= scale
            S1 *= scale
            S0 *= scale
            scale = 1.0
            sum1, sum2 = float(S1.sum()), float(S2.sum())
        elif (j + 1) % resum_every == 0:
            sum1, sum2 = float(S1.sum()), float(S2.sum())
    p_survive = scale * (S0 + float(S1.sum()) + float(S2.sum()))
    return min(p_hit, 1.0), min(p_survive, 1.0)


def _uniform_means(grid: IntensityGrid, h: float) -> np.ndarray:
    """Expected fleet counts in cells ``[T0 + j h, T0 + (j+1) h)`` covering the history."""
    n = int(math.ceil(grid.span_days / h - 1e-9))
    t = grid.t0_day + h * np.arange(n + 1)
    return np.maximum(np.diff(grid.cumulative(t)), 0.0)


def _dp_level(grid: IntensityGrid, w: float, k: int, cells: int):
    mu = _uniform_means(grid, w / cells)
    run = _dp_scan3 if k == 3 else (lambda m, d: _dp_scan(m, d, k))
    hit_lo, surv_lo = run(mu, cells - 1)             # only sure hits: lower bound
    hit_hi, surv_hi = run(mu, cells)                 # every possible hit: upper bound
    return hit_lo, hit_hi, surv_lo, surv_hi


def _dp_states(k: int, cells: int) -> int:
    r = cells + 2
    return sum(r ** m for m in range(k))


def _dp_seconds(k: int, coarse: int, windows: float, extrapolate: bool) -> float:
    """Rough run time [s] of the dynamic programme (two runs per level)."""
    cells = [coarse, 2 * coarse] if extrapolate else [coarse]
    return sum(2 * windows * c * (20e-6 + 20e-9 * (c + 2) ** max(k - 2, 0)) for c in cells)


def scan_probability(grid: IntensityGrid, window_days: float, k: int, *,
                     method: str = "auto", cells_per_window: int | None = None,
                     extrapolate: bool = True) -> ScanResult:
    """Probability that some window of length ``window_days`` in the history holds
    ``k`` or more penetrations (the scan statistic ``S_w >= k``).

    Parameters
    ----------
    grid : IntensityGrid
        Per-vehicle intensities; the history is ``[grid.t0_day, grid.t1_day]``.
    window_days : float
        Window length ``w`` [day], ``0 < w <= T1 - T0``.
    k : int
        Threshold count, ``>= 1``.
    method : {"auto", "dp", "bound"}, optional
        ``"dp"``: exact discrete-time dynamic programme (below), extrapolated to zero
        cell size; ``"bound"``: the up-crossing upper bound as the estimate, with the
        disjoint-window lower bound; ``"auto"`` (default): ``"dp"`` when its memory and
        time fit (always for ``k <= 3`` and ordinary histories), else ``"bound"``.
    cells_per_window : int, optional
        Dynamic-programme cells per window ``L`` at the coarse level (the fine level
        has ``2 L``). Default 128, halved (down to 16) while the memory cap
        :data:`MAX_DP_STATES` or the time budget :data:`DP_TIME_BUDGET_S` is exceeded
        (long histories measured in windows, ``k >= 4``).
    extrapolate : bool, optional
        Use the levels ``L`` and ``2 L`` and Richardson-extrapolate (default); else one
        level ``L``.

    Returns
    -------
    ScanResult
        Estimate, rigorous bracket ``[lower, upper]``, error estimate, the up-crossing
        bound and how it was computed.

    Raises
    ------
    InputError
        ``k < 1``, non-positive window or one longer than the history, unknown method,
        or ``method="dp"`` impossible within the memory cap.

    Notes
    -----
    **Discretisation.** Cut the history into cells of width ``h = w / L`` starting at
    ``T0`` (the last one may run past ``T1`` with zero intensity). The counts in the
    cells are independent ``Poisson(mu_j)``, ``mu_j = int_cell lambda``, exactly. If
    ``k`` points lie in cells ``a <= ... <= c`` their span is in
    ``((c - a - 1) h, (c - a + 1) h)``, so

    * ``c - a <= L - 1`` implies a span ``< w`` (certainly a hit), and
    * a span ``<= w`` implies ``c - a <= L``.

    Hence ``P_{L-1} <= P(S_w >= k) <= P_L``, where ``P_D`` is the probability that
    ``k`` points fall in cells at most ``D`` apart -- a rigorous bracket for any
    intensity, whose width is ``O(1/L)``.

    **Dynamic programme for P_D.** Scan the cells in time order, keeping the cells of
    the last ``m <= k - 1`` points that can still be the oldest of ``k`` hit points
    (cells ``>= j - D``). A new cell with ``n`` points hits iff ``m + n >= k``;
    otherwise the state gains the new points. The state is a ring buffer over slots
    ``j mod (D + 1)`` holding an ``m``-dimensional array per ``m``; the factor
    ``exp(-mu_j)`` common to all surviving transitions is carried as a scalar, so a
    step touches only the slot that leaves and the slot that enters: ``O(D^(k-2))``
    work per cell and ``O(D^(k-1))`` memory. For ``k = 3`` that is ``O(L)`` per cell
    (``O(T L / w)`` vectorised steps per level, ``O(L^2)`` memory), cheaper than the
    ``O(L^2)``-per-cell update of a dense (last point, second-last point) table.
    ``P(hit)`` is accumulated as a sum of positive terms ``P(state) P(n >= k - m)`` and
    ``P(no hit)`` as the surviving mass, so both keep full relative precision.

    **Extrapolation.** When a pair of points sits exactly ``L`` cells apart the hit is
    decided by their positions in their cells, which is a fair coin to first order in
    ``h``, so the midpoint ``(P_{L-1} + P_L) / 2`` has an ``O(h^2)`` error. With levels
    ``L`` and ``2 L`` the estimate is ``mid_2L + (mid_2L - mid_L) / 3`` (Richardson),
    clipped into the finest bracket and the up-crossing bound. ``error_estimate`` is
    ``|mid_2L - mid_L|``, three times the estimated error of the finest midpoint: the
    extrapolated value is usually far better, but where the intensity jumps inside a
    cell the ``h^2`` law is only approximate, so the estimate is kept conservative.

    For a homogeneous process this reproduces the closed form for ``k = 2`` and the
    exact ``Q_2``, ``Q_3`` of Naus [2] for ``k = 3`` on ``T = 2w, 3w``
    (tests/test_coincidence.py); [1] reviews the homogeneous results and their
    approximations (Naus [2], Wallenstein-Neff [3]), which this method does not need.
    """
    grid = _check_grid(grid)
    k = _check_k(k)
    w = _check_window(grid, window_days)
    if method not in ("auto", "dp", "bound"):
        _fail(f"method must be 'auto', 'dp' or 'bound', got {method!r}")
    if not isinstance(extrapolate, (bool, np.bool_)):
        _fail(f"extrapolate must be True or False, got {extrapolate!r}")
    total = grid.expected_total()
    bound = _upcrossing_bound(grid, w, k)

    if cells_per_window is not None:
        if isinstance(cells_per_window, (bool, np.bool_)) or not isinstance(
                cells_per_window, (int, np.integer)) or cells_per_window < 2:
            _fail(f"cells_per_window must be an integer >= 2, got {cells_per_window!r}")
        coarse = int(cells_per_window)
    else:
        coarse = DEFAULT_CELLS_PER_WINDOW
        fine_factor = 2 if extrapolate else 1
        # memory cap on the finest level
        while coarse > MIN_CELLS_PER_WINDOW and _dp_states(k, fine_factor * coarse) > MAX_DP_STATES:
            coarse //= 2
        # time budget
        windows = grid.span_days / w
        while (coarse > MIN_CELLS_PER_WINDOW
               and _dp_seconds(k, coarse, windows, extrapolate) > DP_TIME_BUDGET_S):
            coarse //= 2
    fine = 2 * coarse if extrapolate else coarse
    feasible = _dp_states(k, fine) <= MAX_DP_STATES
    if method == "dp" and not feasible:
        _fail(f"method='dp' needs about {_dp_states(k, fine):.3g} states for k = {k} with "
              f"{fine} cells per window (cap {MAX_DP_STATES}); use fewer cells or 'bound'")
    if method == "auto":
        method = "dp" if feasible and coarse >= MIN_CELLS_PER_WINDOW else "bound"

    if method == "bound" or total == 0.0:
        lower = _disjoint_lower(grid, w, k)
        upper = min(1.0, bound)
        if total == 0.0:
            return ScanResult(0.0, 1.0, 0.0, 0.0, 0.0, method, w, k, total, bound, 0, ())
        return ScanResult(upper, 1.0 - upper, lower, upper, upper - lower, "bound", w, k,
                          total, bound, 0, ())

    cell_list = [coarse, fine] if extrapolate else [coarse]
    levels = []
    raw = []
    for cells in cell_list:
        hit_lo, hit_hi, surv_lo, surv_hi = _dp_level(grid, w, k, cells)
        levels.append((cells, hit_lo, hit_hi))
        raw.append((hit_lo, hit_hi, surv_lo, surv_hi))
    hit_lo, hit_hi, surv_lo, surv_hi = raw[-1]
    lower = hit_lo
    upper = min(hit_hi, bound, 1.0)
    mid_hit = [0.5 * (r[0] + r[1]) for r in raw]
    mid_surv = [0.5 * (r[2] + r[3]) for r in raw]
    if extrapolate:
        corr_hit = (mid_hit[1] - mid_hit[0]) / 3.0
        corr_surv = (mid_surv[1] - mid_surv[0]) / 3.0
        est_hit = mid_hit[1] + corr_hit
        est_surv = mid_surv[1] + corr_surv
        err = 3.0 * abs(corr_hit)        # |mid_2L - mid_L|: conservative
    else:
        est_hit, est_surv = mid_hit[0], mid_surv[0]
        err = 0.5 * (hit_hi - hit_lo)
    est_hit = min(max(est_hit, lower), upper)
    # survival bracket: P(no hit) in [1 - upper, surv_lo]; 1 - upper computed directly
    surv_floor = max(surv_hi, 1.0 - min(bound, 1.0))
    est_surv = min(max(est_surv, surv_floor), surv_lo)
    return ScanResult(float(est_hit), float(est_surv), float(lower), float(upper),
                      float(err), "dp", w, k, total, bound, fine, tuple(levels))


# ----------------------------------------------------------------------------------
# Homogeneous reference: Naus (1982)
# ----------------------------------------------------------------------------------

def naus_approximation(rate_per_day: float, window_days: float, span_days: float,
                       k: int) -> tuple[float, float, float]:
    """Naus (1982) approximation of ``P(S_w >= k)`` for a homogeneous Poisson process.

    Parameters
    ----------
    rate_per_day : float
        Constant intensity ``lambda`` [1/day].
    window_days : float
        Window ``w`` [day].
    span_days : float
        History length ``T`` [day], ``>= 2 w``.
    k : int
        Threshold, ``>= 2``.

    Returns
    -------
    (float, float, float)
        ``(P, Q2, Q3)`` with ``P = 1 - Q2 (Q3 / Q2)**(T/w - 2)``, where ``Q2`` and
        ``Q3`` are the exact probabilities of no window with ``k`` points on
        ``[0, 2w]`` and ``[0, 3w]``.

    Notes
    -----
    With ``psi = lambda w``, ``p(i) = pois(i; psi)`` and ``F(i) = P(Pois(psi) <= i)``
    (``F(i) = 0`` for ``i < 0``), Naus [2] (reviewed in [1]):

    ``Q2 = F(k-1)^2 - (k-1) p(k) p(k-2) - (k-1-psi) p(k) F(k-3)``,

    ``Q3 = F(k-1)^3 - A1 + A2 + A3 - A4`` with
    ``A1 = 2 p(k) F(k-1) [(k-1) F(k-2) - psi F(k-3)]``,
    ``A2 = p(k)^2 [(k-1)(k-2) F(k-3) - 2 (k-2) psi F(k-4) + psi^2 F(k-5)] / 2``,
    ``A3 = sum_{r=1}^{k-1} p(2k-r) F(r-1)^2``,
    ``A4 = sum_{r=2}^{k-1} p(2k-r) p(r) [(r-1) F(r-2) - psi F(r-3)]``.
    """
    k = _check_k(k)
    if k < 2:
        _fail(f"naus_approximation needs k >= 2, got {k}")
    lam, w, t = float(rate_per_day), float(window_days), float(span_days)
    if not (lam >= 0 and w > 0 and t >= 2 * w and np.isfinite(lam * w * t)):
        _fail(f"naus_approximation needs rate >= 0, window > 0 and span >= 2 windows, "
              f"got {rate_per_day!r}, {window_days!r}, {span_days!r}")
    psi = lam * w

    def p(i):
        return float(_poisson_pmf(i, psi)) if i >= 0 else 0.0

    def F(i):
        return float(1.0 - poisson_sf(i + 1, psi)) if i >= 0 else 0.0

    q2 = F(k - 1) ** 2 - (k - 1) * p(k) * p(k - 2) - (k - 1 - psi) * p(k) * F(k - 3)
    a1 = 2 * p(k) * F(k - 1) * ((k - 1) * F(k - 2) - psi * F(k - 3))
    a2 = 0.5 * p(k) ** 2 * ((k - 1) * (k - 2) * F(k - 3) - 2 * (k - 2) * psi * F(k - 4)
                            + psi ** 2 * F(k - 5))
    a3 = sum(p(2 * k - r) * F(r - 1) ** 2 for r in range(1, k))
    a4 = sum(p(2 * k - r) * p(r) * ((r - 1) * F(r - 2) - psi * F(r - 3)) for r in range(2, k))
    q3 = F(k - 1) ** 3 - a1 + a2 + a3 - a4
    prob = 1.0 - q2 * (q3 / q2) ** (t / w - 2.0) if q2 > 0 else 1.0
    return prob, q2, q3


# ----------------------------------------------------------------------------------
# Monte Carlo
# ----------------------------------------------------------------------------------

def scan_probability_mc(grid: IntensityGrid, window_days: float, k: int, n_sim: int,
                        rng: np.random.Generator, *,
                        batch_points: int = 2_000_000) -> MonteCarloScanResult:
    """Monte-Carlo estimate of ``P(S_w >= k)`` with its binomial standard error.

    Parameters
    ----------
    grid : IntensityGrid
    window_days : float
        Window ``w`` [day], at most the history length.
    k : int
        Threshold count, ``>= 1``.
    n_sim : int
        Number of simulated histories, ``>= 1``.
    rng : numpy.random.Generator
        Source of randomness.
    batch_points : int, optional
        Rough number of simulated points processed at once (memory bound).

    Returns
    -------
    MonteCarloScanResult

    Notes
    -----
    Each history draws ``N ~ Poisson(Lambda)`` points, each in cell ``c`` with
    probability ``mu_c / Lambda`` and uniform within it (exact for a piecewise-constant
    intensity; equivalent to independent Poisson counts per cell). The busiest window
    starts at a point, so with the points of all histories in a batch sorted on the key
    ``history * stride + (t - T0)`` (``stride > T + w``), the count in ``[t_i, t_i + w]``
    is ``searchsorted(key, key_i + w, "right") - i``. Batches keep the key below 2**32
    days, a resolution better than 1e-6 day.
    """
    grid = _check_grid(grid)
    k = _check_k(k)
    w = _check_window(grid, window_days)
    if isinstance(n_sim, (bool, np.bool_)) or not isinstance(n_sim, (int, np.integer)) or n_sim < 1:
        _fail(f"n_sim must be an integer >= 1, got {n_sim!r}")
    if not isinstance(rng, np.random.Generator):
        _fail(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n_sim = int(n_sim)
    cell_mu = grid.total_rate() * grid.cell_days
    lam_total = float(cell_mu.sum())
    t0 = grid.t0_day
    stride = grid.span_days + w + 1.0
    max_by_key = max(1, int(2.0 ** 32 / stride))
    max_by_mem = max(1, int(batch_points / max(lam_total, 1e-12)))
    batch = max(1, min(max_by_key, max_by_mem, n_sim))
    hist = np.zeros(1, dtype=np.int64)
    if lam_total > 0:
        cdf = np.cumsum(cell_mu) / lam_total
        cdf[-1] = 1.0
    done = 0
    while done < n_sim:
        nb = min(batch, n_sim - done)
        done += nb
        counts = rng.poisson(lam_total, nb) if lam_total > 0 else np.zeros(nb, dtype=np.int64)
        n_pts = int(counts.sum())
        maxc = np.zeros(nb, dtype=np.int64)
        if n_pts:
            cell = np.minimum(np.searchsorted(cdf, rng.random(n_pts), side="right"),
                              cell_mu.size - 1)
            t_rel = (grid.edges_day[cell] - t0) + rng.random(n_pts) * grid.cell_days[cell]
            sim = np.repeat(np.arange(nb), counts)
            key = np.sort(sim * stride + t_rel)
            inside = np.searchsorted(key, key + w, side="right") - np.arange(n_pts)
            sim_sorted = np.floor(key / stride).astype(np.int64)
            starts = np.flatnonzero(np.r_[True, sim_sorted[1:] != sim_sorted[:-1]])
            maxc[sim_sorted[starts]] = np.maximum.reduceat(inside, starts)
        h = np.bincount(maxc)
        if h.size > hist.size:
            hist = np.concatenate([hist, np.zeros(h.size - hist.size, dtype=np.int64)])
        hist[:h.size] += h
    n_hits = int(hist[k:].sum()) if k < hist.size else 0
    p = n_hits / n_sim
    se = math.sqrt(p * (1.0 - p) / n_sim)
    return MonteCarloScanResult(p, se, n_sim, n_hits, w, k, hist)
