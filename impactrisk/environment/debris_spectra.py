"""Orbital-debris size spectra: the Kessler NASA-90/91 formula and the ORDEM2000
numbers published in the NASA MMOD Handbook.

Both give cumulative fluxes of debris larger than a diameter, without directions or
speeds. They are on different bases (physics brief, convention 2):

* :func:`kessler_1991_flux` with ``k = 1`` is a flux per unit area of a randomly
  tumbling one-sided surface;
* :func:`ordem2000_handbook_flux` is a flux per unit cross-sectional area, 4 times the
  tumbling-surface flux of the same population.

The directional model takes the size dependence from here and supplies directions and
speeds itself; it must never apply Kessler's orientation factor ``k``.

Every flux this module returns should be reported with its model name and epoch:
debris models at ISS altitude disagree by one to two orders of magnitude below 1 mm
(physics brief §5.4).

References
----------
.. [1] D. J. Kessler, R. C. Reynolds and P. D. Anz-Meador, "Orbital Debris Environment
   for Spacecraft Designed to Operate in Low Earth Orbit", NASA TM-100471, 1989
   (``kessler1989``).
.. [2] "Space Station Program Natural Environment Definition for Design", SSP 30425
   Rev. B, NASA, 1991 (``ssp30425b``).
.. [3] E. L. Christiansen et al., "Handbook for Designing MMOD Protection",
   NASA/TM-2009-214785, 2009, §2.6.2, Fig. 2-7, Tables 2-3 to 2-5
   (``christiansen2009``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from impactrisk.environment._arrays import read_only_array
from impactrisk.environment.parameters import KESSLER_NASA91, KesslerParameters
from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = [
    "kessler_size_factor_h",
    "kessler_altitude_factor",
    "kessler_f1",
    "kessler_f2",
    "kessler_g1",
    "kessler_g2",
    "kessler_inclination_factor",
    "kessler_1991_flux",
    "Ordem2000HandbookTable",
    "ordem2000_handbook_flux",
    "ordem2000_handbook_meteoroid_flux",
]


def _positive_array(values, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if np.any(x <= 0):
        raise InputError(f"expected {name} > 0, got {x[x <= 0].flat[0]!r}")
    return x


# ------------------------------------------------------------------ Kessler NASA-90/91


def kessler_size_factor_h(d_cm):
    """Size factor H(d) of the Kessler model.

    Parameters
    ----------
    d_cm : array_like
        Debris diameter [cm], > 0.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``H(d) = sqrt(10^exp(-((log10 d - 0.78) / 0.637)^2))`` [-]: 1.000 for
        d <= 0.1 cm, peak 10^0.5 = 3.162 at d = 10^0.78 = 6.03 cm, 1.030 at 1 m.

    Notes
    -----
    Equivalent SPENVIS form ``10^(0.5 exp(-(log10 d - 0.78)^2 / 0.406))``
    (0.637^2 = 0.4058). Base-10 logarithm: one public script uses ln, a known bug
    (physics brief §5.1).
    """
    d = _positive_array(d_cm, "d_cm")
    return np.sqrt(10.0 ** np.exp(-(((np.log10(d) - 0.78) / 0.637) ** 2)))[()]


def kessler_altitude_factor(alt_km, f107_sfu):
    """Altitude and solar-activity factor Phi(h, S) of the Kessler model.

    Parameters
    ----------
    alt_km : array_like
        Altitude above a spherical Earth [km] (convention 3).
    f107_sfu : array_like
        S, the F10.7 index of the year before the date [sfu]
        (:func:`impactrisk.environment.solar_flux.smoothed_f107_previous_year`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``Phi = Phi1 / (Phi1 + 1)``, ``Phi1 = 10^(h/200 - S/140 - 1.5)`` [-].
    """
    h = np.asarray(alt_km, dtype=float)
    s = np.asarray(f107_sfu, dtype=float)
    phi1 = 10.0 ** (h / 200.0 - s / 140.0 - 1.5)
    return (phi1 / (phi1 + 1.0))[()]


def kessler_f1(d_cm):
    """Small-size term ``F1(d) = 1.22e-5 d^-2.5`` [m^-2 yr^-1] of the Kessler model, d in cm."""
    return (1.22e-5 * _positive_array(d_cm, "d_cm") ** -2.5)[()]


def kessler_f2(d_cm):
    """Large-size term ``F2(d) = 8.1e10 (d + 700)^-6`` [m^-2 yr^-1] of the Kessler model, d in cm."""
    return (8.1e10 * (_positive_array(d_cm, "d_cm") + 700.0) ** -6)[()]


def kessler_g1(year, params: KesslerParameters = KESSLER_NASA91):
    """Growth factor of the small-size term, with the 2011 switch of growth rate.

    Parameters
    ----------
    year : array_like
        Date as a decimal year [yr].
    params : KesslerParameters
        Growth parameters (default q = 0.02 before 2011, q' = 0.04 from 2011).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``(1+q)^(t-1988)`` for t < 2011, ``(1+q)^23 (1+q')^(t-2011)`` from 2011 [-]
        (continuous at 2011).
    """
    t = np.asarray(year, dtype=float)
    # One exponential of the piecewise-linear exponent (the same value as the two powers).
    rate_before, rate_after = np.log1p(params.q), np.log1p(params.q_prime)
    at_switch = rate_before * (params.q_switch_year - params.epoch_year)
    exponent = np.where(t < params.q_switch_year, rate_before * (t - params.epoch_year),
                        at_switch + rate_after * (t - params.q_switch_year))
    return np.exp(exponent)[()]


def kessler_g2(year, params: KesslerParameters = KESSLER_NASA91):
    """Growth factor of the large-size term, ``g2 = 1 + p (t - 1988)`` with p = 0.05 [-]."""
    t = np.asarray(year, dtype=float)
    return (1.0 + params.p * (t - params.epoch_year))[()]


def kessler_inclination_factor(inc_deg, params: KesslerParameters = KESSLER_NASA91, *,
                               on_range: str = "raise"):
    """Inclination factor psi(i) of the Kessler model (RECALLED table).

    Parameters
    ----------
    inc_deg : array_like
        Orbit inclination [deg].
    params : KesslerParameters
        Holds the psi table.
    on_range : {"raise", "nan"}, default "raise"
        Policy outside the tabulated 28.5 ... 90 deg.

    Returns
    -------
    numpy.ndarray or numpy.float64
        psi [-], linear interpolation of: 28.5 deg 0.91, 30 0.92, 40 0.96, 50 1.02,
        60 1.09, 70 1.26, 80 1.71, 90 1.37 (psi(51.6 deg) = 1.031).

    Notes
    -----
    RECALLED, NOT VERIFIED (physics brief §5.1a, tag [R]). Only two points are
    confirmed, by two public course scripts [C1]: psi(45 deg) = 0.990 and psi(52 deg)
    = 1.030 ("from table in notes"); linear interpolation of the recalled table gives
    0.990 and 1.034. No copy of the primary table (SSP 30425, NASA TM-100471, Kessler et
    al. 1989) was found. A different third-party table in public notes attributed to
    SPENVIS (0-28.5 deg 0.91, 50 1.0, 60 1.07, 70 1.2, 80 1.4, 90 1.6, 100 1.78)
    disagrees with both confirmed points and was not used. Pass ``psi=`` to
    :func:`kessler_1991_flux` to use a verified value instead.
    """
    i = np.asarray(inc_deg, dtype=float)
    table_i = np.asarray(params.psi_inc_deg)
    bad = apply_range_policy(i, table_i[0], table_i[-1], on_range,
                             model="kessler_inclination_factor", quantity="inc_deg",
                             units="deg")
    return np.interp(np.where(bad, np.nan, i), table_i, np.asarray(params.psi))[()]


def kessler_1991_flux(d_cm, alt_km, inc_deg, year, f107_sfu, k=1.0, *, psi=None,
                      params: KesslerParameters = KESSLER_NASA91,
                      on_range: str = "raise", components: bool = False):
    """Cumulative debris flux of the Kessler NASA-90/91 model (SSP 30425 family).

    Parameters
    ----------
    d_cm : array_like
        Debris diameter threshold [cm], > 0.
    alt_km : array_like
        Altitude above a spherical Earth [km] (convention 3), 0 ... 2000 km.
    inc_deg : array_like
        Orbit inclination [deg], 28.5 ... 90 deg (range of the psi table); ignored when
        ``psi`` is given.
    year : array_like
        Date as a decimal year [yr], >= 1988 (the model epoch).
    f107_sfu : array_like
        S, F10.7 of the year before the date [sfu], >= 0.
    k : array_like, default 1.0
        Orientation factor: 1 for a randomly tumbling surface. Any other value is the
        caller's responsibility; a directional model must keep k = 1 and never apply it
        (convention 2), because its direction integral already does what k does.
    psi : array_like, optional
        Inclination factor to use instead of the recalled table (e.g. a value checked at
        the primary source).
    params : KesslerParameters
        Model parameters, default :data:`~impactrisk.environment.parameters.KESSLER_NASA91`.
    on_range : {"raise", "nan"}, default "raise"
        Policy for altitude, inclination and year outside their ranges.
    components : bool, default False
        Return the two terms of the sum separately, stacked on a new first axis:
        ``k H Phi psi F1 g1`` (fragments growing at ``q``/``q'``) and ``k H Phi psi F2
        g2`` (large objects growing at ``p``). Each has a size dependence fixed in time,
        which lets a caller tabulate the two size spectra once and carry the dates in
        the magnitudes; their sum is the flux.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Number of debris particles of diameter >= d per m^2 per year on a randomly
        tumbling one-sided surface (k = 1) [m^-2 yr^-1]. All inputs broadcast. With
        ``components=True`` an array of shape ``(2,) + broadcast shape``.

    Raises
    ------
    InputError
        For non-positive diameters, negative F10.7 or negative k.
    ModelRangeError
        With ``on_range="raise"`` for altitude, inclination or year out of range.

    Notes
    -----
    ``F = k H(d) Phi(h, S) psi(i) [F1(d) g1(t) + F2(d) g2(t)]`` with the terms of
    :func:`kessler_size_factor_h`, :func:`kessler_altitude_factor`,
    :func:`kessler_inclination_factor`, :func:`kessler_f1`, :func:`kessler_f2`,
    :func:`kessler_g1`, :func:`kessler_g2`. Formula identical in three independent
    public implementations [C2] (physics brief §5.1). The psi table is recalled; the
    2000 km altitude limit is recalled. Published uncertainty of this model family:
    a factor 2-4 near 500 km, an order of magnitude elsewhere (Yates & Jonas 1995).

    Examples
    --------
    >>> round(float(kessler_1991_flux(0.01, 408.0, 51.6, 2019.0, 100.0)), 2)
    1.09

    References
    ----------
    Kessler et al. 1989 (``kessler1989``); SSP 30425 Rev. B (``ssp30425b``).
    """
    d = _positive_array(d_cm, "d_cm")
    s = np.asarray(f107_sfu, dtype=float)
    if np.any(s < 0):
        raise InputError(f"expected f107_sfu >= 0, got {s[s < 0].flat[0]!r}")
    k_arr = np.asarray(k, dtype=float)
    if np.any(k_arr < 0):
        raise InputError(f"expected k >= 0, got {k_arr[k_arr < 0].flat[0]!r}")
    h = np.asarray(alt_km, dtype=float)
    t = np.asarray(year, dtype=float)
    bad_h = apply_range_policy(h, 0.0, params.alt_max_km, on_range,
                               model="kessler_1991_flux", quantity="alt_km", units="km")
    bad_t = apply_range_policy(t, params.epoch_year, np.inf, on_range,
                               model="kessler_1991_flux", quantity="year", units="yr")
    if psi is None:
        psi_arr = np.asarray(kessler_inclination_factor(inc_deg, params, on_range=on_range))
    else:
        psi_arr = np.asarray(psi, dtype=float)
    h = np.where(bad_h, np.nan, h)
    t = np.where(bad_t, np.nan, t)
    common = (k_arr * np.asarray(kessler_size_factor_h(d))
              * np.asarray(kessler_altitude_factor(h, s)) * psi_arr)
    if components:
        return np.stack(np.broadcast_arrays(
            common * np.asarray(kessler_f1(d)) * np.asarray(kessler_g1(t, params)),
            common * np.asarray(kessler_f2(d)) * np.asarray(kessler_g2(t, params))))
    size_terms = (np.asarray(kessler_f1(d)) * np.asarray(kessler_g1(t, params))
                  + np.asarray(kessler_f2(d)) * np.asarray(kessler_g2(t, params)))
    return (common * size_terms)[()]


# ------------------------------------------------------------ ORDEM2000 (MMOD Handbook)


@dataclass(frozen=True)
class Ordem2000HandbookTable:
    """ORDEM2000 numbers published in the NASA MMOD Handbook (NASA/TM-2009-214785).

    Attributes
    ----------
    size_cm, debris_flux_m2_yr : numpy.ndarray
        Fig. 2-7 debris curve: cumulative cross-sectional flux [m^-2 yr^-1] above each
        size [cm], 2006, 400 km, 51.6 deg (digitised, +-15 % to +-30 %).
    meteoroid_size_cm, meteoroid_flux_m2_yr : numpy.ndarray
        Fig. 2-7 meteoroid curve, same conditions and basis.
    year, year_flux_m2_yr : numpy.ndarray
        Table 2-4: >= 3 mm debris flux on a randomly tumbling object, 400 km, 51.6 deg,
        one value per calendar year [yr], [m^-2 yr^-1].
    alt_km, alt_flux_m2_yr : numpy.ndarray
        Table 2-3: >= 3 mm debris flux, tumbling object, 51.6 deg, 2010 [km],
        [m^-2 yr^-1].
    inc_deg, inc_flux_m2_yr : numpy.ndarray
        Table 2-5: >= 3 mm debris flux, tumbling object, 400 km, 2010 [deg],
        [m^-2 yr^-1].
    reference_year, reference_alt_km, reference_inc_deg : float
        Conditions of Fig. 2-7 (2006, 400 km, 51.6 deg).
    reference : str
        BibTeX key of the source.
    """

    size_cm: np.ndarray
    debris_flux_m2_yr: np.ndarray
    meteoroid_size_cm: np.ndarray
    meteoroid_flux_m2_yr: np.ndarray
    year: np.ndarray
    year_flux_m2_yr: np.ndarray
    alt_km: np.ndarray
    alt_flux_m2_yr: np.ndarray
    inc_deg: np.ndarray
    inc_flux_m2_yr: np.ndarray
    reference_year: float = 2006.0
    reference_alt_km: float = 400.0
    reference_inc_deg: float = 51.6
    reference: str = "christiansen2009"
    metadata: Mapping = field(default_factory=dict, compare=False, repr=False)

    #: Item names of the packaged CSV (``flux_tables/ordem2000_handbook.csv``) and the
    #: attribute pair each fills.
    ITEMS = {
        "fig2-7.debris": ("size_cm", "debris_flux_m2_yr"),
        "fig2-7.meteoroid": ("meteoroid_size_cm", "meteoroid_flux_m2_yr"),
        "table2-4.debris": ("year", "year_flux_m2_yr"),
        "table2-3.debris": ("alt_km", "alt_flux_m2_yr"),
        "table2-5.debris": ("inc_deg", "inc_flux_m2_yr"),
    }

    def __post_init__(self):
        for x_name, y_name in self.ITEMS.values():
            x = read_only_array(getattr(self, x_name))
            y = read_only_array(getattr(self, y_name))
            if x.ndim != 1 or x.shape != y.shape or x.size < 2:
                raise InputError(f"ORDEM2000 table: {x_name}/{y_name} must be 1-D arrays "
                                 f"of equal length >= 2, got {x.shape} and {y.shape}")
            if not np.all(np.diff(x) > 0):
                raise InputError(f"ORDEM2000 table: {x_name} must be strictly increasing, "
                                 f"got {np.array2string(x, threshold=8)}")
            if not (np.all(np.isfinite(y)) and np.all(y > 0)):
                raise InputError(f"ORDEM2000 table: {y_name} must be finite and > 0")
            object.__setattr__(self, x_name, x)
            object.__setattr__(self, y_name, y)
        if not np.all(np.diff(self.year) == 1.0):
            raise InputError("ORDEM2000 table: Table 2-4 years must be consecutive")

    @classmethod
    def from_columns(cls, columns: Mapping[str, np.ndarray],
                     metadata: Mapping | None = None) -> Ordem2000HandbookTable:
        """Build the table from the parsed long-format CSV.

        Parameters
        ----------
        columns : mapping of str to array
            Columns ``item`` (text), ``x`` and ``value`` of
            ``flux_tables/ordem2000_handbook.csv``; rows of other items (the published
            ratios) are ignored.
        metadata : mapping, optional
            Table header; its ``reference`` key is kept.
        """
        for name in ("item", "x", "value"):
            if name not in columns:
                raise InputError(f"ORDEM2000 table: expected a column {name!r}, got "
                                 f"{sorted(columns)}")
        item = np.asarray(columns["item"]).astype(str)
        x = np.asarray(columns["x"], dtype=float)
        value = np.asarray(columns["value"], dtype=float)
        kwargs = {}
        for key, (x_name, y_name) in cls.ITEMS.items():
            rows = item == key
            if not rows.any():
                raise InputError(f"ORDEM2000 table: no rows with item {key!r}")
            order = np.argsort(x[rows])
            kwargs[x_name] = x[rows][order]
            kwargs[y_name] = value[rows][order]
        meta = dict(metadata or {})
        return cls(**kwargs, reference=meta.get("reference", "christiansen2009"),
                   metadata=meta)


def _loglog(x, xp, fp):
    return 10.0 ** np.interp(np.log10(x), np.log10(xp), np.log10(fp))


def _year_flux(year, table: Ordem2000HandbookTable):
    """Table 2-4 values at mid-year, linear in between, held over the end half-years."""
    return np.interp(year, table.year + 0.5, table.year_flux_m2_yr)


def _alt_flux(alt_km, table: Ordem2000HandbookTable):
    """Table 2-3, log-linear in altitude."""
    return np.exp(np.interp(alt_km, table.alt_km, np.log(table.alt_flux_m2_yr)))


def _inc_flux(inc_deg, table: Ordem2000HandbookTable):
    """Table 2-5, linear in inclination."""
    return np.interp(inc_deg, table.inc_deg, table.inc_flux_m2_yr)


def ordem2000_handbook_flux(d_cm, alt_km, inc_deg, year, table: Ordem2000HandbookTable, *,
                            on_range: str = "raise"):
    """Cumulative cross-sectional debris flux from the ORDEM2000 numbers in the Handbook.

    An engineering table, not ORDEM2000 itself: the Fig. 2-7 size spectrum
    (2006, 400 km, 51.6 deg) scaled by the published year, altitude and inclination
    ratios.

    Parameters
    ----------
    d_cm : array_like
        Debris diameter threshold [cm], 0.001 ... 100 cm (Fig. 2-7 range).
    alt_km : array_like
        Altitude [km], 300 ... 1500 km (Table 2-3 range).
    inc_deg : array_like
        Inclination [deg], 0 ... 98 deg (Table 2-5 range).
    year : array_like
        Date as a decimal year [yr], covered by Table 2-4 (2002.0 ... 2024.0 for the
        packaged table; each annual value stands for its calendar year).
    table : Ordem2000HandbookTable
        The published numbers (``impactrisk.io.flux_tables.load_ordem2000_handbook()``).
    on_range : {"raise", "nan"}, default "raise"
        Policy outside the tabulated ranges; the tables are never extrapolated.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Number of debris particles of diameter >= d per m^2 of cross-section per year
        [m^-2 yr^-1] (4 times the randomly-tumbling-surface flux). Inputs broadcast.

    Notes
    -----
    ``F = F_2-7(d) · Y(t)/Y(2006) · A(h)/A(400 km) · I(i)/I(51.6 deg)`` where

    * ``F_2-7``: Fig. 2-7 debris curve, log-log interpolation in size (digitised
      values, +-15 %, +-30 % at 10 um);
    * ``Y``: Table 2-4, annual values at mid-year, linear in time;
    * ``A``: Table 2-3, log-linear in altitude;
    * ``I``: Table 2-5, linear in inclination.

    ASSUMPTIONS: Tables 2-3 to 2-5 are for particles >= 3 mm (and 2010, except Table
    2-4); applying their ratios to every size, and treating year, altitude and
    inclination as separable, is an assumption of this table model, not a statement
    of the Handbook. The numbers are ORDEM2000 projections made before 2009: they do
    not contain the 2009 Iridium-Cosmos collision or the 2021 Cosmos 1408 test.

    References
    ----------
    NASA/TM-2009-214785, Fig. 2-7 and Tables 2-3, 2-4, 2-5 (``christiansen2009``).
    """
    d = np.asarray(d_cm, dtype=float)
    h = np.asarray(alt_km, dtype=float)
    i = np.asarray(inc_deg, dtype=float)
    t = np.asarray(year, dtype=float)
    checks = (
        (d, table.size_cm[0], table.size_cm[-1], "d_cm", "cm"),
        (h, table.alt_km[0], table.alt_km[-1], "alt_km", "km"),
        (i, table.inc_deg[0], table.inc_deg[-1], "inc_deg", "deg"),
        (t, table.year[0], table.year[-1] + 1.0, "year", "yr"),
    )
    masked = []
    for values, low, high, quantity, units in checks:
        bad = apply_range_policy(values, float(low), float(high), on_range,
                                 model="ordem2000_handbook_flux", quantity=quantity,
                                 units=units)
        masked.append(np.where(bad, np.nan, values))
    d, h, i, t = masked
    size_term = _loglog(d, table.size_cm, table.debris_flux_m2_yr)
    year_term = _year_flux(t, table) / _year_flux(table.reference_year + 0.5, table)
    alt_term = _alt_flux(h, table) / _alt_flux(table.reference_alt_km, table)
    inc_term = _inc_flux(i, table) / _inc_flux(table.reference_inc_deg, table)
    return (size_term * year_term * alt_term * inc_term)[()]


def ordem2000_handbook_meteoroid_flux(d_cm, table: Ordem2000HandbookTable, *,
                                      on_range: str = "raise"):
    """Meteoroid curve of Handbook Fig. 2-7 (400 km, 51.6 deg), a validation target.

    Parameters
    ----------
    d_cm : array_like
        Meteoroid diameter threshold [cm], within the tabulated 0.001 ... 10 cm.
    table : Ordem2000HandbookTable
        The published numbers.
    on_range : {"raise", "nan"}, default "raise"
        Policy outside the tabulated sizes.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Cumulative cross-sectional meteoroid flux [m^-2 yr^-1] (log-log interpolation
        of digitised points, +-15 % to +-30 %). Compare with 4 times a random-plate
        meteoroid flux (convention 10).

    References
    ----------
    NASA/TM-2009-214785, Fig. 2-7 (``christiansen2009``).
    """
    d = np.asarray(d_cm, dtype=float)
    bad = apply_range_policy(d, float(table.meteoroid_size_cm[0]),
                             float(table.meteoroid_size_cm[-1]), on_range,
                             model="ordem2000_handbook_meteoroid_flux", quantity="d_cm",
                             units="cm")
    return _loglog(np.where(bad, np.nan, d), table.meteoroid_size_cm,
                   table.meteoroid_flux_m2_yr)[()]
