"""Solar 10.7 cm radio flux (F10.7) as the debris models use it.

The Kessler NASA-90/91 debris model takes S, the F10.7 index of the year before the
date. Following the physics brief (convention 8), observed annual means are placed at
mid-year and interpolated linearly at (date - 1 year), so that the debris flux has no
step at New Year. A user who wants another value passes it to the debris model
directly; nothing here is a default the user cannot override.

The annual means are packaged in ``flux_tables/f107_annual_means.csv`` and read by
:func:`impactrisk.io.flux_tables.load_f107_annual_means`; this module does no file
access.

References
----------
.. [1] CelesTrak space-weather data file ``SW-All.csv`` (daily observed and adjusted
   Penticton/DRAO 10.7 cm flux), annual means computed in the physics brief, appendix
   A3 (``celestrak_sw``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = ["AnnualF107Table", "smoothed_f107_previous_year", "annual_f107_interpolated"]


@dataclass(frozen=True)
class AnnualF107Table:
    """Annual means of the F10.7 index, one per calendar year.

    Attributes
    ----------
    year : numpy.ndarray of float, shape (N,)
        Calendar years, strictly increasing and consecutive.
    f107_sfu : numpy.ndarray of float, shape (N,)
        Annual mean F10.7 [sfu] (1 sfu = 1e-22 W m^-2 Hz^-1).
    reference : str
        BibTeX key of the source.
    column : str
        Name of the table column the values came from (e.g. observed or adjusted flux).
    """

    year: np.ndarray
    f107_sfu: np.ndarray
    reference: str = "celestrak_sw"
    column: str = "f107_obs_sfu"
    metadata: Mapping = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        year = np.array(self.year, dtype=float)
        f107 = np.array(self.f107_sfu, dtype=float)
        if year.ndim != 1 or year.shape != f107.shape or year.size < 2:
            raise InputError(f"expected 1-D year and f107_sfu arrays of equal length >= 2, "
                             f"got shapes {year.shape} and {f107.shape}")
        if not np.all(np.diff(year) == 1.0):
            raise InputError("expected consecutive calendar years, got "
                             f"{np.array2string(year, threshold=8)}")
        if not np.all(np.isfinite(f107)) or np.any(f107 <= 0):
            raise InputError("expected finite positive F10.7 values [sfu]")
        year.setflags(write=False)
        f107.setflags(write=False)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "f107_sfu", f107)

    @classmethod
    def from_columns(cls, columns: Mapping[str, np.ndarray], metadata: Mapping | None = None,
                     column: str = "f107_obs_sfu") -> AnnualF107Table:
        """Build the table from parsed columns (:func:`impactrisk.io.flux_tables.read_flux_table`).

        Parameters
        ----------
        columns : mapping of str to array
            Must contain ``"year"`` and ``column``.
        metadata : mapping, optional
            Header of the table; its ``reference`` key is kept.
        column : str
            Which F10.7 column to use (``"f107_obs_sfu"``: observed, the default;
            ``"f107_adj_sfu"``: adjusted to 1 AU).
        """
        for name in ("year", column):
            if name not in columns:
                raise InputError(f"F10.7 table: expected a column {name!r}, got columns "
                                 f"{sorted(columns)}")
        meta = dict(metadata or {})
        return cls(year=columns["year"], f107_sfu=columns[column],
                   reference=meta.get("reference", "celestrak_sw"), column=column,
                   metadata=meta)


def annual_f107_interpolated(decimal_year, table: AnnualF107Table, *,
                             on_range: str = "raise"):
    """F10.7 annual means placed at mid-year and interpolated linearly to ``decimal_year``.

    Parameters
    ----------
    decimal_year : array_like
        Date as a decimal year (e.g. 2022.5 is mid-2022) [yr].
    table : AnnualF107Table
        Annual means.
    on_range : {"raise", "nan"}, default "raise"
        Policy for dates outside the covered years: the table covers
        ``[first year, last year + 1]``; inside the first and last half-year the end
        value is held (the annual mean stands for its whole calendar year).

    Returns
    -------
    numpy.ndarray or numpy.float64
        F10.7 [sfu].
    """
    t = np.asarray(decimal_year, dtype=float)
    low, high = float(table.year[0]), float(table.year[-1]) + 1.0
    bad = apply_range_policy(t, low, high, on_range, model="annual_f107_interpolated",
                             quantity="decimal year", units="yr")
    value = np.interp(np.where(bad, np.nan, t), table.year + 0.5, table.f107_sfu)
    return value[()]


def smoothed_f107_previous_year(decimal_year, table: AnnualF107Table, *,
                                on_range: str = "raise"):
    """Smoothed F10.7 about one year before ``decimal_year``, the S of the Kessler model.

    Parameters
    ----------
    decimal_year : array_like
        Date of the flux evaluation as a decimal year [yr].
    table : AnnualF107Table
        Observed annual means (``impactrisk.io.flux_tables.load_f107_annual_means()``).
    on_range : {"raise", "nan"}, default "raise"
        Dates whose previous year is not covered by the table (with the bundled
        1985-2025 table: dates before 1986.0 or after 2027.0) raise
        :class:`~impactrisk.errors.ModelRangeError`, or give NaN with a warning. The
        table is never extrapolated; pass an explicit F10.7 to the debris model instead.

    Returns
    -------
    numpy.ndarray or numpy.float64
        S [sfu]: the annual means placed at mid-year, interpolated linearly at
        ``decimal_year - 1``. Continuous in time (no step at New Year); in the middle
        of year Y + 1 it equals the annual mean of year Y (mid-2023 gives the 2022
        mean).

    Notes
    -----
    Physics brief, convention 8. SPENVIS describes the NASA90 input as "the solar
    radio flux F10.7 for the year preceding the epoch".

    References
    ----------
    CelesTrak ``SW-All.csv`` annual means (``celestrak_sw``); SPENVIS NASA90 help page
    (``spenvis_nasa90``).
    """
    t = np.asarray(decimal_year, dtype=float)
    low, high = float(table.year[0]) + 1.0, float(table.year[-1]) + 2.0
    bad = apply_range_policy(t, low, high, on_range, model="smoothed_f107_previous_year",
                             quantity="decimal year", units="yr")
    return annual_f107_interpolated(np.where(bad, np.nan, t) - 1.0, table,
                                    on_range="nan")
