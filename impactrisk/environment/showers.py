"""The major annual meteor showers: activity profile, flux above a mass, radiant, speed.

Each shower is a :class:`Shower` record built from the packaged table
``flux_tables/meteor_showers.csv`` (read by
:func:`impactrisk.io.flux_tables.load_meteor_showers`; this module does no file access)
or by hand. Following the physics brief, convention 6:

* peak solar longitude, radiant at the peak, speed V_inf, ZHR and population index r
  come from the IMO working list (IMO 2025 calendar, Table 5); the profile widths
  B_p/B_m from the NASA MEO forecast list (B_m = 0: symmetric profile); the radiant
  drift from the IMO Table 6 positions (see the table header);
* the activity window is where the profile exceeds 1% of its peak; the activity is
  zero outside it;
* IMO's V_inf is the pre-atmospheric speed, which already includes the Earth's pull: it
  is used as the speed at the station, with no further gravitational speed-up;
* the ZHR-derived flux is measured at the top of the atmosphere, through a surface
  perpendicular to the radiant, and is used as is at the station altitude: no
  focusing factor is applied to it (:func:`stream_focusing_factor` is provided to
  quantify what that omits, and is used to take the flux back to free space when the
  showers' annual mean is removed from the Grün flux);
* the sporadic background is Grün scaled down by one factor per mass threshold
  (:func:`sporadic_scale_factor`), never per direction.

Flux basis (convention 2): a collimated stream of flux F through a surface
perpendicular to its direction gives F per unit cross-section of any convex body (the
"cross-sectional" basis of the directional flux) and F/4 on a randomly oriented
one-sided plate (Cauchy), the basis of the Grün flux.

Nothing here handles directions beyond the radiant's right ascension and declination;
the directional integration (radiant in the LVLH frame, Earth shadowing) is done
elsewhere.

Validity ranges follow the project policy (``on_range="raise"`` or ``"nan"``, see
:mod:`impactrisk.environment.validity`). NaN inputs give NaN outputs.

References
----------
.. [1] J. Rendtel (ed.), "2025 Meteor Shower Calendar", International Meteor
   Organization, IMO INFO(3.1-24), Tables 5 and 6 (``rendtel2024imo``).
.. [2] NASA Meteoroid Environment Office meteor shower forecast list, as mirrored in the
   Global Meteor Network RMS code, ``share/flux_showers.csv`` (``meo_shower_list``).
.. [3] P. Jenniskens, "Meteor stream activity I. The annual streams", Astron.
   Astrophys. 287 (1994) 990-1013 (``jenniskens1994``).
.. [4] R. Koschack and J. Rendtel, "Determination of spatial number density and mass
   index from visual meteor observations (II)", WGN 18 (1990) 119-140
   (``koschack1990``), as implemented in the GMN RMS code ``Utils/Flux.py``
   (``gmn_rms``).
.. [5] A. Peterson, "Dynamics of meteor outbursts and satellite mitigation strategies",
   The Aerospace Press, 1999 (``peterson1999``), mass-magnitude relation as quoted in
   the GMN RMS code ``Utils/Flux.py``.
.. [6] P. B. Babadzhanov and G. I. Kokhirova, "Densities and porosities of meteoroids",
   Astron. Astrophys. 495 (2009) 353-358 (``babadzhanov2009``).
.. [7] J. Meeus, "Astronomical Algorithms", 2nd ed., Willmann-Bell, 1998, ch. 25
   (``meeus1998``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from impactrisk.constants import SECONDS_PER_YEAR
from impactrisk.environment.meteoroid import (
    escape_speed_km_s,
    focusing_factor,
    near_earth_speed_km_s,
)
from impactrisk.environment.parameters import ECSS_NEAR_EARTH
from impactrisk.environment.validity import apply_range_policy
from impactrisk.errors import InputError

__all__ = [
    "Shower",
    "SHOWER_COLUMNS",
    "showers_from_columns",
    "KoschackRendtelParameters",
    "KOSCHACK_RENDTEL_1990",
    "MassMagnitudeParameters",
    "PETERSON_1999",
    "EarthOrbitParameters",
    "MEEUS_EARTH_ORBIT",
    "ACTIVITY_CUTOFF_FRACTION",
    "RANDOM_PLATE_PER_PERPENDICULAR",
    "TOP_OF_ATMOSPHERE_R_KM",
    "double_exponential_zhr",
    "activity_zhr",
    "activity_window_deg",
    "zhr_to_flux_km2_h",
    "zhr_to_flux_m2_yr",
    "limiting_mass_g",
    "mass_index",
    "shower_flux_above_mass",
    "radiant_radec_deg",
    "solar_longitude_time_weight",
    "annual_mean_zhr",
    "annual_mean_flux_above_mass",
    "sporadic_scale_factor",
    "geocentric_speed_km_s",
    "entry_speed_km_s",
    "collimated_focusing_factor",
    "stream_focusing_factor",
]


# ------------------------------------------------------------------------ parameters


class KoschackRendtelParameters(NamedTuple):
    """Coefficients of the ZHR-to-flux relation ``F = ZHR (a r - b)(r - c)^p / d``."""

    a: float
    b: float
    c: float
    p: float
    d: float
    reference: str
    status: str
    note: str


#: Koschack & Rendtel (1990, paper II) ZHR <-> flux relation as implemented by the GMN
#: RMS code (``Utils/Flux.py``, ``calculateZHR``: "Rentdel & Koschak, 1990 paper 2
#: method"): ``ZHR = F_6.5 * 37.2 / ((13.1 r - 16.5)(r - 1.3)^0.748)`` with F_6.5 in
#: meteoroids per 1000 km^2 per hour (physics brief §4.1, tag [C1]). A second public
#: implementation (meteorflux ``flux2zhr``, "Eqn 41 from Koschak 1990b") writes 16.45
#: instead of 16.5 (0.3% at r = 2.6); the primary paper was not seen.
KOSCHACK_RENDTEL_1990 = KoschackRendtelParameters(
    a=13.1, b=16.5, c=1.3, p=0.748, d=37.2,
    reference="koschack1990",
    status="third-party",
    note="GMN RMS form; one other implementation uses b = 16.45; paper not seen",
)


class MassMagnitudeParameters(NamedTuple):
    """``log10 m[kg] = -3 + (-slope_v log10 v - M + zero_point) / divisor``."""

    slope_v: float
    zero_point: float
    divisor: float
    reference: str
    status: str
    note: str


#: Mass-magnitude relation "using the Verniani (1964) luminous efficiency and the
#: Jacchia et al. (1967) fit to Super-Schmidt meteors ... found in Peterson (1999)", as
#: written in the GMN RMS code ``Utils/Flux.py`` (``massVerniani``):
#: ``m[kg] = 1e-3 * 10^((-8.75 log10 v - M + 11.59) / 2.25)``, v in km/s (physics
#: brief §4.2, tag [C1]).
PETERSON_1999 = MassMagnitudeParameters(
    slope_v=8.75, zero_point=11.59, divisor=2.25,
    reference="peterson1999",
    status="third-party",
    note="as quoted in GMN RMS Utils/Flux.py; Peterson (1999) not seen",
)


class EarthOrbitParameters(NamedTuple):
    """Eccentricity of the Earth's orbit and the solar longitude at perihelion."""

    eccentricity: float
    lambda_perihelion_deg: float
    reference: str
    status: str
    note: str


#: Meeus (1998) eqs. (25.2)-(25.4) at J2000.0: e = 0.016708634; the Sun's geometric
#: mean longitude L0 = 280.46646 deg and mean anomaly M = 357.52911 deg give the solar
#: longitude at the Earth's perihelion L0 - M = 282.93735 deg. Recalled values [R];
#: checked in the tests against the rate of the DE421 solar longitude
#: (:mod:`impactrisk.astro`) to 0.1%.
MEEUS_EARTH_ORBIT = EarthOrbitParameters(
    eccentricity=0.016708634,
    lambda_perihelion_deg=282.93735,
    reference="meeus1998",
    status="recalled",
    note="J2000 values; checked against the DE421 solar longitude rate",
)

#: Fraction of the peak below which a shower counts as inactive (convention 6: the
#: activity window is where the profile is above 1% of its peak).
ACTIVITY_CUTOFF_FRACTION = 0.01
#: Impacts per unit area on a randomly oriented one-sided plate per impact per unit
#: cross-section, for any flux (Cauchy's mean projected area of a convex body is a
#: quarter of its surface): a collimated stream of flux F through a perpendicular
#: surface gives F/4 on a random plate (convention 2).
RANDOM_PLATE_PER_PERPENDICULAR = 0.25
#: Geocentric distance of the top of the atmosphere [km]: the ECSS Earth radius 6378 km
#: plus the 100 km atmosphere of ECSS Annex C.1.3.1 (``ecss2008``). IMO's V_inf is
#: taken to hold here when converting it to a geocentric speed. (The physics brief,
#: A.3.3, used 6371 + 100 km; the escape speed differs by 0.006 km/s.)
TOP_OF_ATMOSPHERE_R_KM = ECSS_NEAR_EARTH.r_earth_km + ECSS_NEAR_EARTH.atmosphere_km

_HOURS_PER_YEAR = SECONDS_PER_YEAR / 3600.0
_M2_PER_KM2 = 1.0e6
_LN10 = np.log(10.0)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Shower:
    """One annual meteor shower (model parameters; see ``flux_tables/meteor_showers.csv``).

    Attributes
    ----------
    code : str
        IAU three-letter code, e.g. ``"GEM"``.
    iau_number : int
        IAU shower number.
    name : str
        Shower name.
    lambda_max_deg : float
        Solar longitude of the maximum, J2000.0 [deg].
    ra_deg, dec_deg : float
        Radiant right ascension and declination at the maximum, J2000.0 [deg].
    dra_deg_per_deg, ddec_deg_per_deg : float
        Radiant drift per degree of solar longitude [deg/deg].
    v_entry_km_s : float
        IMO V_inf: pre-atmospheric (top-of-atmosphere) speed, including the Earth's
        pull [km/s].
    population_index : float
        Population index r [-].
    zhr_max : float
        Zenithal hourly rate at the maximum [h^-1].
    b_plus_per_deg : float
        Rise slope B_p of the activity profile [deg^-1] (> 0).
    b_minus_per_deg : float
        Fall slope B_m [deg^-1] (>= 0; 0 means symmetric: B_p is used after the peak).
    rho_g_cm3 : float
        Meteoroid bulk density [g/cm^3].
    extras : mapping
        Any further table columns (sources, reference values); not used by the model.

    Raises
    ------
    InputError
        If a value is not finite or out of its physical domain (B_p <= 0, B_m < 0,
        ZHR < 0, V_inf not above the escape speed at the top of the atmosphere,
        density <= 0, declination outside [-90, 90]).
    """

    code: str
    iau_number: int
    name: str
    lambda_max_deg: float
    ra_deg: float
    dec_deg: float
    dra_deg_per_deg: float
    ddec_deg_per_deg: float
    v_entry_km_s: float
    population_index: float
    zhr_max: float
    b_plus_per_deg: float
    b_minus_per_deg: float
    rho_g_cm3: float = 1.0
    extras: Mapping = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        numeric = ("lambda_max_deg", "ra_deg", "dec_deg", "dra_deg_per_deg",
                   "ddec_deg_per_deg", "v_entry_km_s", "population_index", "zhr_max",
                   "b_plus_per_deg", "b_minus_per_deg", "rho_g_cm3")
        for name in numeric:
            value = getattr(self, name)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InputError(f"shower {self.code!r}: expected a number for {name}, "
                                 f"got {value!r}") from None
            if not np.isfinite(value):
                raise InputError(f"shower {self.code!r}: expected a finite {name}, "
                                 f"got {value!r}")
            object.__setattr__(self, name, value)
        try:
            object.__setattr__(self, "iau_number", int(self.iau_number))
        except (TypeError, ValueError, OverflowError):
            raise InputError(f"shower {self.code!r}: expected an integer iau_number, got "
                             f"{self.iau_number!r}") from None
        object.__setattr__(self, "lambda_max_deg", self.lambda_max_deg % 360.0)
        object.__setattr__(self, "ra_deg", self.ra_deg % 360.0)
        checks = (
            (self.b_plus_per_deg > 0, "b_plus_per_deg > 0", self.b_plus_per_deg),
            (self.b_minus_per_deg >= 0, "b_minus_per_deg >= 0", self.b_minus_per_deg),
            (self.zhr_max >= 0, "zhr_max >= 0", self.zhr_max),
            (self.population_index > 0, "population_index > 0", self.population_index),
            (self.rho_g_cm3 > 0, "rho_g_cm3 > 0", self.rho_g_cm3),
            (-90.0 <= self.dec_deg <= 90.0, "dec_deg in [-90, 90]", self.dec_deg),
            (self.v_entry_km_s > float(escape_speed_km_s(TOP_OF_ATMOSPHERE_R_KM)),
             f"v_entry_km_s above the escape speed at the top of the atmosphere "
             f"({float(escape_speed_km_s(TOP_OF_ATMOSPHERE_R_KM)):.3f} km/s)",
             self.v_entry_km_s),
        )
        for ok, expected, got in checks:
            if not ok:
                raise InputError(f"shower {self.code!r}: expected {expected}, got {got!r}")


#: Columns :func:`showers_from_columns` needs, with the :class:`Shower` field each fills.
SHOWER_COLUMNS = (
    "code", "iau_number", "name", "lambda_max_deg", "ra_deg", "dec_deg",
    "dra_deg_per_deg", "ddec_deg_per_deg", "v_entry_km_s", "population_index", "zhr_max",
    "b_plus_per_deg", "b_minus_per_deg", "rho_g_cm3",
)


def showers_from_columns(columns: Mapping[str, np.ndarray],
                         metadata: Mapping | None = None) -> tuple[Shower, ...]:
    """Build :class:`Shower` records from parsed table columns.

    Parameters
    ----------
    columns : mapping of str to array
        As returned by :func:`impactrisk.io.flux_tables.read_flux_table`; must contain
        every name in :data:`SHOWER_COLUMNS` (text columns ``code`` and ``name``).
        Other columns go to each record's ``extras``.
    metadata : mapping, optional
        Table header; its ``reference`` is stored in every record's ``extras`` under
        ``"table_reference"``.

    Returns
    -------
    tuple of Shower
        One record per row, in table order.

    Raises
    ------
    InputError
        If a column is missing, the columns differ in length, a code repeats, or a row
        holds an invalid value (the message names the shower).
    """
    missing = [name for name in SHOWER_COLUMNS if name not in columns]
    if missing:
        raise InputError(f"meteor shower table: expected columns {list(SHOWER_COLUMNS)}; "
                         f"missing {missing}")
    lengths = {name: len(np.atleast_1d(columns[name])) for name in columns}
    if len(set(lengths.values())) != 1:
        raise InputError(f"meteor shower table: columns of unequal length {lengths}")
    codes = [str(code).strip() for code in np.atleast_1d(columns["code"])]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InputError(f"meteor shower table: expected unique codes, got repeats "
                         f"{repeated}")
    table_reference = dict(metadata or {}).get("reference")
    extra_names = [name for name in columns if name not in SHOWER_COLUMNS]
    showers = []
    for row, code in enumerate(codes):
        extras = {name: np.atleast_1d(columns[name])[row] for name in extra_names}
        if table_reference is not None:
            extras["table_reference"] = table_reference
        values = {name: np.atleast_1d(columns[name])[row] for name in SHOWER_COLUMNS}
        values["code"] = code
        values["name"] = str(values["name"]).strip()
        number = float(values["iau_number"])
        if not np.isfinite(number) or number != round(number):
            raise InputError(f"shower {code!r}: expected an integer iau_number, got "
                             f"{values['iau_number']!r}")
        showers.append(Shower(**values, extras=extras))
    return tuple(showers)


# --------------------------------------------------------------------- activity profile


def _wrap180(angle_deg):
    """Wrap angles to [-180, 180) [deg] (NaN stays NaN)."""
    return (np.asarray(angle_deg, dtype=float) + 180.0) % 360.0 - 180.0


def _window_half_widths(b_plus_per_deg: float, b_minus_per_deg: float,
                        cutoff_fraction: float) -> tuple[float, float]:
    """Extent of the activity window before and after the peak [deg], at most 180."""
    b_minus = b_minus_per_deg if b_minus_per_deg > 0 else b_plus_per_deg
    if cutoff_fraction == 0.0:
        return 180.0, 180.0
    decades = -np.log10(cutoff_fraction)
    return min(decades / b_plus_per_deg, 180.0), min(decades / b_minus, 180.0)


def _check_cutoff(cutoff_fraction: float) -> float:
    c = float(cutoff_fraction)
    if not 0.0 <= c < 1.0:
        raise InputError(f"expected 0 <= cutoff_fraction < 1, got {cutoff_fraction!r}")
    return c


def double_exponential_zhr(solar_longitude_deg, zhr_max, lambda_max_deg, b_plus_per_deg,
                           b_minus_per_deg, *,
                           cutoff_fraction: float = ACTIVITY_CUTOFF_FRACTION):
    """Jenniskens (1994) double-exponential activity profile ZHR(lambda).

    Parameters
    ----------
    solar_longitude_deg : array_like
        Solar longitude, J2000.0 [deg]; any real value (wrapped internally).
    zhr_max : float
        ZHR at the peak [h^-1], >= 0.
    lambda_max_deg : float
        Solar longitude of the peak [deg].
    b_plus_per_deg : float
        Rise slope B_p [deg^-1], > 0.
    b_minus_per_deg : float
        Fall slope B_m [deg^-1], >= 0; 0 means a symmetric profile (B_p on both sides).
    cutoff_fraction : float, default 0.01
        The profile is set to zero where it is below this fraction of its peak (the
        activity window of convention 6); 0 keeps the full profile.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ZHR [h^-1], same shape as ``solar_longitude_deg``; NaN where the input is NaN.

    Raises
    ------
    InputError
        For B_p <= 0, B_m < 0, a negative ZHR or a cutoff outside [0, 1).

    Notes
    -----
    ``dl = ((lambda - lambda_max + 180) mod 360) - 180`` [deg];
    ``ZHR = ZHR_max 10^(-B |dl|)`` with ``B = B_p`` for ``dl <= 0`` and ``B = B_m``
    (or B_p when B_m = 0) for ``dl > 0``; zero where ``10^(-B |dl|) < cutoff``, i.e.
    outside ``[lambda_max - 2/B_p, lambda_max + 2/B_m]`` for the 1% cutoff. Form of
    the GMN RMS code (``FluxFitActivityCurve.showerActivity``, ``Showers.computeZHRFloat``;
    physics brief §4.3 and A2) without the background term.

    References
    ----------
    Jenniskens (1994) (``jenniskens1994``); GMN RMS code (``gmn_rms``).

    Examples
    --------
    The NASA MEO Geminid profile 0.70 deg after its peak (physics brief §4.5):

    >>> round(float(double_exponential_zhr(262.70, 118.0, 262.0, 0.15, 0.462)), 1)
    56.0
    """
    c = _check_cutoff(cutoff_fraction)
    b_plus = float(b_plus_per_deg)
    b_minus = float(b_minus_per_deg)
    zmax = float(zhr_max)
    if not b_plus > 0:
        raise InputError(f"expected b_plus_per_deg > 0, got {b_plus_per_deg!r}")
    if not b_minus >= 0:
        raise InputError(f"expected b_minus_per_deg >= 0, got {b_minus_per_deg!r}")
    if not zmax >= 0:
        raise InputError(f"expected zhr_max >= 0, got {zhr_max!r}")
    if b_minus == 0.0:
        b_minus = b_plus
    dl = _wrap180(np.asarray(solar_longitude_deg, dtype=float) - float(lambda_max_deg))
    slope = np.where(dl <= 0.0, b_plus, b_minus)
    relative = 10.0 ** (-slope * np.abs(dl))
    zhr = np.where(relative >= c, zmax * relative, 0.0)
    return np.where(np.isnan(dl), np.nan, zhr)[()]


def activity_zhr(shower: Shower, solar_longitude_deg, *,
                 cutoff_fraction: float = ACTIVITY_CUTOFF_FRACTION):
    """ZHR of ``shower`` at the given solar longitudes.

    Parameters
    ----------
    shower : Shower
        The shower (peak ZHR, lambda_max, B_p, B_m).
    solar_longitude_deg : array_like
        Solar longitude, J2000.0 [deg].
    cutoff_fraction : float, default 0.01
        Activity window threshold (see :func:`double_exponential_zhr`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ZHR [h^-1]; exactly 0 outside the activity window (where the profile is below
        1% of its peak), NaN for NaN input.

    Examples
    --------
    >>> gem = Shower("GEM", 4, "Geminids", 262.2, 112.0, 33.0, 0.98, -0.06, 35.0, 2.6,
    ...              150.0, 0.15, 0.462, 2.9)
    >>> round(float(activity_zhr(gem, 262.70)), 1)
    88.1
    """
    return double_exponential_zhr(solar_longitude_deg, shower.zhr_max,
                                  shower.lambda_max_deg, shower.b_plus_per_deg,
                                  shower.b_minus_per_deg, cutoff_fraction=cutoff_fraction)


def activity_window_deg(shower: Shower, *,
                        cutoff_fraction: float = ACTIVITY_CUTOFF_FRACTION
                        ) -> tuple[float, float]:
    """Solar longitudes where the activity of ``shower`` begins and ends.

    Returns
    -------
    (begin, end) : tuple of float
        ``lambda_max - log10(1/c)/B_p`` and ``lambda_max + log10(1/c)/B_m`` wrapped to
        [0, 360) [deg] (B_p after the peak when B_m = 0). ``begin > end`` when the
        window crosses 0/360 deg. Each side is limited to 180 deg.
    """
    c = _check_cutoff(cutoff_fraction)
    before, after = _window_half_widths(shower.b_plus_per_deg, shower.b_minus_per_deg, c)
    return (float((shower.lambda_max_deg - before) % 360.0),
            float((shower.lambda_max_deg + after) % 360.0))


# ------------------------------------------------------------------------ ZHR to flux


def zhr_to_flux_km2_h(zhr, population_index, *, on_range: str = "raise"):
    """Flux of meteoroids brighter than +6.5 mag from the ZHR (Koschack & Rendtel 1990).

    Parameters
    ----------
    zhr : array_like
        Zenithal hourly rate [h^-1], >= 0.
    population_index : array_like
        Population index r [-], broadcast against ``zhr``; valid for r > 1.3.
    on_range : {"raise", "nan"}, default "raise"
        Policy for r <= 1.3.

    Returns
    -------
    numpy.ndarray or numpy.float64
        F_6.5 [km^-2 h^-1]: meteoroids producing meteors of absolute magnitude +6.5 or
        brighter, per km^2 of a surface PERPENDICULAR TO THE RADIANT at the top of the
        atmosphere, per hour.

    Raises
    ------
    InputError
        For a negative ZHR.
    ModelRangeError
        With ``on_range="raise"`` for r <= 1.3.

    Notes
    -----
    ``F_6.5 = ZHR (13.1 r - 16.5)(r - 1.3)^0.748 / 37.2`` meteoroids per 1000 km^2 per
    hour (physics brief §4.1), divided here by 1000. At r = 2.6,
    ``F_6.5 = 5.744e-4 ZHR`` km^-2 h^-1. No upper limit of r is stated by the
    implementations seen; none is imposed.

    References
    ----------
    Koschack & Rendtel (1990) (``koschack1990``) via the GMN RMS code (``gmn_rms``).

    Examples
    --------
    >>> round(float(zhr_to_flux_km2_h(1.0, 2.6)), 7)
    0.0005744
    """
    p = KOSCHACK_RENDTEL_1990
    z = np.asarray(zhr, dtype=float)
    if np.any(z < 0):
        raise InputError(f"expected zhr >= 0, got {z[z < 0].flat[0]!r}")
    r = np.asarray(population_index, dtype=float)
    bad = apply_range_policy(r, float(np.nextafter(p.c, np.inf)), np.inf, on_range,
                             model="zhr_to_flux_km2_h", quantity="population_index r",
                             units="-")
    r = np.where(bad, np.nan, r)
    with np.errstate(invalid="ignore"):
        per_1000_km2 = z * (p.a * r - p.b) * (r - p.c) ** p.p / p.d
    return (per_1000_km2 / 1000.0)[()]


def zhr_to_flux_m2_yr(zhr, population_index, *, on_range: str = "raise"):
    """:func:`zhr_to_flux_km2_h` in [m^-2 yr^-1] (Julian year of 8766 h).

    Returns
    -------
    numpy.ndarray or numpy.float64
        F_6.5 through a surface perpendicular to the radiant [m^-2 yr^-1].

    Examples
    --------
    >>> f"{float(zhr_to_flux_m2_yr(100.0, 2.6)):.4e}"
    '5.0352e-04'
    """
    per_km2_h = np.asarray(zhr_to_flux_km2_h(zhr, population_index, on_range=on_range))
    return (per_km2_h * _HOURS_PER_YEAR / _M2_PER_KM2)[()]


def limiting_mass_g(v_km_s, magnitude=6.5):
    """Mass of a meteoroid producing a meteor of absolute magnitude ``magnitude``.

    Parameters
    ----------
    v_km_s : array_like
        Meteor (atmospheric entry) speed [km/s], > 0.
    magnitude : array_like, default 6.5
        Absolute visual magnitude [mag], broadcast against ``v_km_s``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Mass [g].

    Raises
    ------
    InputError
        For a non-positive speed.

    Notes
    -----
    ``m [kg] = 1e-3 10^((-8.75 log10 v - M + 11.59) / 2.25)`` (physics brief §4.2;
    Verniani luminous efficiency with the Jacchia et al. fit to Super-Schmidt meteors,
    as given in Peterson 1999 and the GMN RMS code), returned in grams. The validity
    range of the fit (speeds, magnitudes) was not seen; it is applied as is.

    References
    ----------
    Peterson (1999) (``peterson1999``) via the GMN RMS code (``gmn_rms``).

    Examples
    --------
    >>> f"{float(limiting_mass_g(35.0)):.3e}"
    '1.809e-04'
    """
    p = PETERSON_1999
    v = np.asarray(v_km_s, dtype=float)
    if np.any(v <= 0):
        raise InputError(f"expected v_km_s > 0, got {v[v <= 0].flat[0]!r}")
    mag = np.asarray(magnitude, dtype=float)
    log10_kg = -3.0 + (-p.slope_v * np.log10(v) - mag + p.zero_point) / p.divisor
    return (10.0 ** (log10_kg + 3.0))[()]


def mass_index(population_index):
    """Mass index s of a population with population index r.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``s = 1 + 2.5 log10 r`` [-] (physics brief §4.2; the cumulative number above
        mass m goes as m^(1 - s)).

    Raises
    ------
    InputError
        For a non-positive r.

    References
    ----------
    GMN RMS code ``Utils/Flux.py`` (``gmn_rms``); Koschack & Rendtel (1990).

    Examples
    --------
    >>> round(float(mass_index(2.6)), 4)
    2.0374
    """
    r = np.asarray(population_index, dtype=float)
    if np.any(r <= 0):
        raise InputError(f"expected population_index > 0, got {r[r <= 0].flat[0]!r}")
    return (1.0 + 2.5 * np.log10(r))[()]


def _mass_factor(shower: Shower, mass_g) -> np.ndarray:
    """``(m / m_6.5)^(1 - s)`` for the shower's speed and population index."""
    m = np.asarray(mass_g, dtype=float)
    if np.any(m <= 0):
        raise InputError(f"expected mass_g > 0, got {m[m <= 0].flat[0]!r}")
    m65 = float(limiting_mass_g(shower.v_entry_km_s, 6.5))
    s = float(mass_index(shower.population_index))
    return (m / m65) ** (1.0 - s)


def shower_flux_above_mass(shower: Shower, solar_longitude_deg, mass_g, *,
                           on_range: str = "raise"):
    """Flux of ``shower`` meteoroids of mass >= ``mass_g`` at the given solar longitudes.

    Parameters
    ----------
    shower : Shower
        The shower.
    solar_longitude_deg : array_like
        Solar longitude, J2000.0 [deg].
    mass_g : array_like
        Lower mass limit [g], > 0; broadcast against ``solar_longitude_deg``.
    on_range : {"raise", "nan"}, default "raise"
        Policy for a population index r <= 1.3 (see :func:`zhr_to_flux_km2_h`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Flux through a surface PERPENDICULAR TO THE RADIANT at the top of the
        atmosphere [m^-2 yr^-1] (the stream's cross-sectional flux; a randomly
        oriented plate receives a quarter of it). Zero outside the activity window.

    Notes
    -----
    ``F(>= m) = F_6.5(ZHR(lambda), r) (m / m_6.5)^(1 - s)`` with ``s = 1 + 2.5 log10 r``
    and ``m_6.5`` the +6.5 mag mass at the shower's speed V_inf (physics brief §4.1,
    §4.2). Assumptions, as in convention 6: one power law in mass at all masses (the
    mass index is not known to stay constant far from the visual range, ~1e-4 g); V_inf
    is the speed at the station; the top-of-atmosphere flux is used as is at the
    station's altitude (no focusing factor; see :func:`stream_focusing_factor`).

    References
    ----------
    Koschack & Rendtel (1990); Peterson (1999); Jenniskens (1994); IMO and MEO lists.
    """
    zhr = activity_zhr(shower, solar_longitude_deg)
    flux_65 = np.asarray(zhr_to_flux_m2_yr(zhr, shower.population_index,
                                           on_range=on_range))
    return (flux_65 * _mass_factor(shower, mass_g))[()]


def radiant_radec_deg(shower: Shower, solar_longitude_deg):
    """Radiant of ``shower`` with a linear drift in solar longitude.

    Parameters
    ----------
    shower : Shower
        The shower (radiant at the peak and drift rates per degree of solar longitude).
    solar_longitude_deg : array_like
        Solar longitude, J2000.0 [deg].

    Returns
    -------
    ra_deg : numpy.ndarray or numpy.float64
        ``(ra_max + dra * dl) mod 360`` [deg], J2000.0.
    dec_deg : numpy.ndarray or numpy.float64
        ``dec_max + ddec * dl`` limited to [-90, 90] [deg], J2000.0.

    Notes
    -----
    ``dl = ((lambda - lambda_max + 180) mod 360) - 180``. The drift is fitted near the
    maximum (table header); far outside the activity window the extrapolated radiant
    has no meaning (the activity is zero there anyway).
    """
    dl = _wrap180(np.asarray(solar_longitude_deg, dtype=float) - shower.lambda_max_deg)
    ra = (shower.ra_deg + shower.dra_deg_per_deg * dl) % 360.0
    dec = np.clip(shower.dec_deg + shower.ddec_deg_per_deg * dl, -90.0, 90.0)
    return ra[()], dec[()]


# ------------------------------------------------------------------- annual averages


def solar_longitude_time_weight(solar_longitude_deg,
                                orbit: EarthOrbitParameters = MEEUS_EARTH_ORBIT):
    """Time spent per degree of solar longitude, relative to the yearly mean.

    Parameters
    ----------
    solar_longitude_deg : array_like
        Solar longitude [deg].
    orbit : EarthOrbitParameters
        Eccentricity and solar longitude at perihelion (default Meeus, J2000).

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``w = (1 - e^2)^(3/2) / (1 + e cos(lambda - lambda_p))^2`` [-]: (dt/dlambda)
        divided by its mean over a revolution; its mean over lambda is exactly 1.
        About 0.967 near perihelion (early January) and 1.034 near aphelion.

    Notes
    -----
    Kepler's second law for the Earth's orbit: the true anomaly is
    ``lambda - lambda_p`` and ``dnu/dt = n (1 + e cos nu)^2 / (1 - e^2)^(3/2)``.
    """
    e = orbit.eccentricity
    nu = np.deg2rad(np.asarray(solar_longitude_deg, dtype=float) - orbit.lambda_perihelion_deg)
    return ((1.0 - e * e) ** 1.5 / (1.0 + e * np.cos(nu)) ** 2)[()]


def annual_mean_zhr(shower: Shower, *, time_weighted: bool = True,
                    cutoff_fraction: float = ACTIVITY_CUTOFF_FRACTION,
                    samples_per_side: int = 2001) -> float:
    """Mean ZHR of ``shower`` over a whole year [h^-1].

    Parameters
    ----------
    shower : Shower
        The shower.
    time_weighted : bool, default True
        Weight each degree of solar longitude by the time the Earth spends in it
        (:func:`solar_longitude_time_weight`, a +-3.4% effect); False averages over
        solar longitude uniformly (the Earth on a circular orbit).
    cutoff_fraction : float, default 0.01
        Activity window threshold (the activity is zero outside the window).
    samples_per_side : int, default 2001
        Number of trapezoid nodes on each side of the peak, spread over the window.

    Returns
    -------
    float
        ``(1/360) int ZHR(lambda) w(lambda) dlambda`` [h^-1].

    Notes
    -----
    The nodes are placed on [-window_before, 0] and [0, window_after] around the peak
    (node at the kink), so very narrow profiles (B_p = 7 deg^-1 for the Draconids) are
    resolved as well as broad ones. Without time weighting the exact value is
    ``ZHR_max (1 - c)(1/B_p + 1/B_m) / (360 ln 10)`` for a cutoff fraction c; the
    trapezoid rule reproduces it to ~1e-6.
    """
    c = _check_cutoff(cutoff_fraction)
    n = int(samples_per_side)
    if n < 3:
        raise InputError(f"expected samples_per_side >= 3, got {samples_per_side!r}")
    before, after = _window_half_widths(shower.b_plus_per_deg, shower.b_minus_per_deg, c)
    b_minus = shower.b_minus_per_deg if shower.b_minus_per_deg > 0 else shower.b_plus_per_deg
    total = 0.0
    for sign, extent, slope in ((-1.0, before, shower.b_plus_per_deg),
                                (1.0, after, b_minus)):
        x = np.linspace(0.0, extent, n)                     # |dl| [deg]
        profile = shower.zhr_max * 10.0 ** (-slope * x)
        if time_weighted:
            profile = profile * solar_longitude_time_weight(shower.lambda_max_deg + sign * x)
        total += float(np.sum(0.5 * (profile[1:] + profile[:-1]) * np.diff(x)))
    return total / 360.0


def annual_mean_flux_above_mass(shower: Shower, mass_g, *, time_weighted: bool = True,
                                on_range: str = "raise"):
    """Flux of ``shower`` above ``mass_g`` averaged over a whole year.

    Parameters
    ----------
    shower : Shower
        The shower.
    mass_g : array_like
        Lower mass limit [g], > 0.
    time_weighted : bool, default True
        See :func:`annual_mean_zhr`.
    on_range : {"raise", "nan"}, default "raise"
        Policy for a population index r <= 1.3.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Annual mean flux through a surface perpendicular to the radiant at the top of
        the atmosphere [m^-2 yr^-1] (cross-sectional basis; divide by 4 for a random
        plate). Same shape as ``mass_g``.

    Notes
    -----
    The flux is linear in the ZHR at fixed r, so the annual mean flux is the flux of
    the annual mean ZHR (:func:`annual_mean_zhr`) times the mass factor of
    :func:`shower_flux_above_mass`.
    """
    mean_zhr = annual_mean_zhr(shower, time_weighted=time_weighted)
    flux_65 = float(zhr_to_flux_m2_yr(mean_zhr, shower.population_index,
                                      on_range=on_range))
    return (flux_65 * _mass_factor(shower, mass_g))[()]


def sporadic_scale_factor(mass_g, grun_flux_m2_yr, showers: Iterable[Shower], *,
                          free_space: bool = True, time_weighted: bool = True,
                          on_range: str = "raise"):
    """Factor that removes the modelled showers' annual mean from the Grün flux.

    Parameters
    ----------
    mass_g : array_like
        Mass threshold [g], > 0.
    grun_flux_m2_yr : array_like
        Grün (1985) cumulative flux at ``mass_g`` [m^-2 yr^-1]: random plate, 1 AU,
        far from the Earth (:func:`impactrisk.environment.meteoroid.grun_1985_flux`);
        > 0, broadcast against ``mass_g``.
    showers : iterable of Shower
        The showers that are added in full, time-resolved.
    free_space : bool, default True
        Take each shower's top-of-atmosphere flux back to free space by dividing by its
        focusing factor at the top of the atmosphere, ``1 + v_esc^2 / V_g^2 =
        V_inf^2 / V_g^2`` (1.03 for the Leonids ... 1.44 for the Draconids), because the
        Grün flux is a free-space flux. False subtracts the top-of-atmosphere flux.
    time_weighted : bool, default True
        See :func:`annual_mean_zhr`.
    on_range : {"raise", "nan"}, default "raise"
        Policy where the showers' annual mean exceeds the Grün flux (a factor outside
        [0, 1]: this happens only far below the visual mass range, e.g. below ~5e-13 g
        with the packaged showers, where the single power law of the showers is
        extrapolated too far) and for a population index r <= 1.3.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``(G - sum_i S_i) / G`` [-], one value per mass threshold, where
        ``S_i = RANDOM_PLATE_PER_PERPENDICULAR * A_i / f_i``, ``A_i`` the annual mean
        perpendicular flux of shower i (:func:`annual_mean_flux_above_mass`) and
        ``f_i`` its top-of-atmosphere focusing factor (1 when ``free_space`` is False).

    Raises
    ------
    InputError
        For a non-positive Grün flux or mass.
    ModelRangeError
        With ``on_range="raise"`` where the factor falls outside [0, 1].

    Notes
    -----
    Convention 6: the Grün flux already contains the annual average of the streams, so
    the sporadic background is Grün times this factor, per size threshold and never
    per direction; the showers are then added with their own direction, speed and
    density. The factor is per MASS threshold: Grün counts particles by mass, so each
    shower is subtracted at the same mass whatever its density (the density enters
    only when a critical diameter is turned into a mass for each source).

    The basis is converted explicitly: the shower flux is through a surface
    perpendicular to the radiant (cross-sectional), Grün is a randomly oriented
    one-sided plate flux, and a collimated stream gives a quarter of its
    perpendicular flux on a random plate (Cauchy; convention 2). Earth shielding is
    not involved: Grün is a 1 AU flux far from the Earth.
    """
    grun = np.asarray(grun_flux_m2_yr, dtype=float)
    if np.any(grun <= 0):
        raise InputError(f"expected grun_flux_m2_yr > 0, got {grun[grun <= 0].flat[0]!r}")
    m = np.asarray(mass_g, dtype=float)
    subtracted = np.zeros(np.broadcast_shapes(m.shape, grun.shape))
    for shower in showers:
        annual = np.asarray(annual_mean_flux_above_mass(shower, m, time_weighted=time_weighted,
                                                        on_range=on_range))
        if free_space:
            annual = annual / float(stream_focusing_factor(shower, TOP_OF_ATMOSPHERE_R_KM))
        subtracted = subtracted + RANDOM_PLATE_PER_PERPENDICULAR * annual
    factor = (grun - subtracted) / grun
    bad = apply_range_policy(factor, 0.0, 1.0, on_range, model="sporadic_scale_factor",
                             quantity="sporadic fraction of the Grun flux", units="-")
    return np.where(bad, np.nan, factor)[()]


# ------------------------------------------------------------- speeds and focusing


def geocentric_speed_km_s(v_entry_km_s, r_km=TOP_OF_ATMOSPHERE_R_KM):
    """Geocentric (free-space) speed V_g of a stream from its speed at distance ``r_km``.

    Parameters
    ----------
    v_entry_km_s : array_like
        Speed at geocentric distance ``r_km`` [km/s], e.g. IMO's V_inf at the top of
        the atmosphere.
    r_km : array_like, default :data:`TOP_OF_ATMOSPHERE_R_KM`
        Geocentric distance where that speed holds [km].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``V_g = sqrt(V^2 - v_esc(r)^2)`` [km/s] (energy conservation; physics brief
        A.3.3 "Speed conversions"), with ``v_esc = sqrt(2 mu / r)``, mu = 3.986e5
        km^3/s^2 (ECSS).

    Raises
    ------
    InputError
        Where the speed does not exceed the escape speed at ``r_km``.

    Examples
    --------
    >>> round(float(geocentric_speed_km_s(35.0)), 3)
    33.195
    """
    v = np.asarray(v_entry_km_s, dtype=float)
    v_esc = np.asarray(escape_speed_km_s(r_km))
    excess = v**2 - v_esc**2
    if np.any(excess <= 0):
        raise InputError(f"expected a speed above the escape speed "
                         f"({float(np.max(v_esc)):.3f} km/s at the given distance), got "
                         f"{np.broadcast_to(v, excess.shape)[excess <= 0].flat[0]!r} km/s")
    return np.sqrt(excess)[()]


def entry_speed_km_s(v_g_km_s, r_km=TOP_OF_ATMOSPHERE_R_KM):
    """Speed at geocentric distance ``r_km`` of a stream of geocentric speed V_g.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``sqrt(V_g^2 + v_esc(r)^2)`` [km/s]; at the top of the atmosphere this is the
        meteor's V_inf (physics brief A.3.3). Same as
        :func:`impactrisk.environment.meteoroid.near_earth_speed_km_s`.
    """
    return near_earth_speed_km_s(v_g_km_s, r_km)


def collimated_focusing_factor(v_g_km_s, r_km):
    """Gravitational focusing of a collimated stream of geocentric speed V_g at ``r_km``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``1 + v_esc(r)^2 / V_g^2`` [-], the far-from-antiradiant enhancement of the
        flux of a single collimated stream (physics brief §4.2, tag [R]); e.g. 1.102 for
        the MEO Geminid V_g = 34.0 km/s at 400 km (A.3.3). Same formula as
        :func:`impactrisk.environment.meteoroid.focusing_factor`.
    """
    return focusing_factor(v_g_km_s, r_km)


def stream_focusing_factor(shower: Shower, r_km):
    """Focusing factor of ``shower`` at geocentric distance ``r_km``.

    Parameters
    ----------
    shower : Shower
        The shower; its V_g is derived from IMO's V_inf at the top of the atmosphere
        (:func:`geocentric_speed_km_s`).
    r_km : array_like
        Geocentric distance [km].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``1 + v_esc(r)^2 / V_g^2`` [-]; at the top of the atmosphere it equals
        ``V_inf^2 / V_g^2``.

    Notes
    -----
    What is and is not applied in this module:

    * :func:`shower_flux_above_mass` applies NO focusing factor: the ZHR-derived flux
      is measured at the top of the atmosphere, so it already contains the focusing
      down to ~100 km, and convention 6 uses it as is at the station. The factor
      between 100 km and 400 km altitude, ``f(r_400) / f(r_100)``, is 0.986-0.999; it is
      neglected (a few per cent, convention 6).
    * The speed at the station is IMO's V_inf, with no further speed-up.
    * :func:`sporadic_scale_factor` divides by the top-of-atmosphere factor to compare
      the shower flux with the free-space Grün flux.
    * The physics brief §4.2 example (factor 1.096, local speed 36.64 km/s for the
      Geminids at 400 km) treats V_inf = 35 km/s as V_g; with V_g = 33.2 km/s derived
      from V_inf the factor is 1.107 and the local speed 34.9 km/s (not applied).
    * Earth shielding and the defocusing near the antiradiant are not handled here
      (direction integration).
    """
    v_g = geocentric_speed_km_s(shower.v_entry_km_s)
    return collimated_focusing_factor(v_g, r_km)
