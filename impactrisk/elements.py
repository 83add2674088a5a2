"""Orbits as histories of SGP4 element sets: the :class:`Orbit` object.

An :class:`Orbit` holds the SGP4 satellites (``sgp4.api.Satrec``) of one object,
sorted by epoch, together with where they came from. It is built by one classmethod
per input format: :meth:`Orbit.from_tle` (records of :func:`impactrisk.io.tle.parse_tle`),
:meth:`Orbit.from_omm` (OMM keyword records), :meth:`Orbit.from_satrec` and, for
design studies, :meth:`Orbit.circular` / :meth:`Orbit.from_spec`.

This module does no file I/O: reading and validating text is :mod:`impactrisk.io`'s
job. Satellites are initialised with the WGS-72 constants (``sgp4.api.WGS72``), the
geopotential the element sets are fitted with [1]_ [2]_.

References
----------
.. [1] F. R. Hoots and R. L. Roehrich, "Spacetrack Report No. 3: Models for
   Propagation of NORAD Element Sets", 1980 (``hoots1980``).
.. [2] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA 2006-6753 (``vallado2006``).
.. [3] CCSDS 502.0-B-3, "Orbit Data Messages" (``ccsds_omm``): OMM keywords.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import numpy as np
from sgp4.api import SGP4_ERRORS, WGS72, Satrec

from impactrisk.constants import MU_EARTH_WGS72_KM3_S2, R_EARTH_KM, SECONDS_PER_DAY
from impactrisk.errors import InputError, OMMFormatError, TLEFormatError

__all__ = [
    "Orbit",
    "OrbitSegment",
    "OrbitTimeline",
    "CIRCULAR_SPEC_FORM",
    "DEFAULT_DESIGN_EPOCH",
    "normalize_catalog_id",
    "catalog_number",
    "omm_epoch_days",
    "convert_omm_record",
    "OMM_REQUIRED_FIELDS",
]

#: The form of a design-orbit specification (see :meth:`Orbit.from_spec`).
CIRCULAR_SPEC_FORM = "circular:ALT_KM:INC_DEG[:RAAN_DEG[:EPOCH]]"
#: Epoch of design orbits when none is given (an arbitrary, documented choice).
DEFAULT_DESIGN_EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)

#: Design-orbit altitude limits [km]: above the sensible atmosphere (the Karman line,
#: 100 km, where SGP4 elements stop being meaningful) and below 40 000 km (beyond GEO).
#: Assumption: these bounds, not a published validity range of SGP4.
MIN_DESIGN_ALT_KM = 100.0
MAX_DESIGN_ALT_KM = 40000.0

#: Alpha-5 leading letters and their values: A=10 ... Z=33, skipping I and O
#: (Space-Track alpha-5 catalogue-number scheme; Vallado et al. 2006 for SGP4).
_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_MAX_SGP4_SATNUM = 339999  # 'Z9999', the largest alpha-5 number

#: Reference day of SGP4's epoch count: days since 1949-12-31 00:00 UTC
#: (sgp4init's ``epoch`` argument; Vallado et al. 2006, SGP4 code).
_EPOCH0 = date(1949, 12, 31)
_JD_EPOCH0 = 2433281.5  # Julian date of 1949-12-31 00:00 UTC
#: TLE/OMM derivative units to sgp4's internal units (rad/min^2, rad/min^3):
#: ndot [rev/day^2] * 2 pi / 1440^2 and nddot [rev/day^3] * 2 pi / 1440^3
#: (Hoots & Roehrich 1980; the conversion in sgp4's twoline2rv).
_NDOT_UNITS = 1440.0 ** 2 / (2.0 * math.pi)
_NDDOT_UNITS = 1440.0 ** 3 / (2.0 * math.pi)
_DEG = math.pi / 180.0
_MINUTES_PER_DAY = 1440.0

#: Fixed-point iterations of the design-orbit mean motion and the stopping tolerance
#: on the orbit-averaged radius [km]; samples per revolution for the average.
_CIRCULAR_MAX_ITER = 12
_CIRCULAR_TOL_KM = 1e-6
_CIRCULAR_SAMPLES = 720


# --------------------------------------------------------------------- catalogue ids
def catalog_number(text: str | int) -> int:
    """Catalogue number of a NORAD id given as text (digits or alpha-5) or int.

    Parameters
    ----------
    text : str or int
        ``"25544"``, ``"00005"``, ``"A0001"`` (alpha-5: a letter A-Z without I and O
        worth 10-33, followed by four digits) or an integer.

    Returns
    -------
    int
        The number (``"A0001"`` -> 100001).

    Raises
    ------
    InputError
        The text is neither digits nor alpha-5.
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        if text < 0:
            raise InputError(f"catalogue number must be >= 0, received {text}")
        return int(text)
    s = str(text).strip().upper()
    if s.isascii() and s.isdigit():
        return int(s)
    if (len(s) == 5 and s[0] in _ALPHA5 and s[1:].isascii() and s[1:].isdigit()):
        return (_ALPHA5.index(s[0]) + 10) * 10000 + int(s[1:])
    raise InputError(f"catalogue number: expected digits (e.g. 25544) or alpha-5 "
                     f"(e.g. A0001), received {text!r}")


def normalize_catalog_id(text: str | int) -> str:
    """Canonical text of a catalogue number: no leading zeros, alpha-5 above 99999.

    ``"00005"`` -> ``"5"``, ``"25544"`` -> ``"25544"``, ``100001`` -> ``"A0001"``.
    Numbers beyond alpha-5's range (> 339999) are written in digits.
    """
    n = catalog_number(text)
    if 100000 <= n <= _MAX_SGP4_SATNUM:
        return _ALPHA5[n // 10000 - 10] + f"{n % 10000:04d}"
    return str(n)


# --------------------------------------------------------------------------- OMM
#: OMM keywords an element set cannot do without, with their type.
OMM_REQUIRED_FIELDS: dict[str, type] = {
    "EPOCH": str,
    "MEAN_MOTION": float,
    "ECCENTRICITY": float,
    "INCLINATION": float,
    "RA_OF_ASC_NODE": float,
    "ARG_OF_PERICENTER": float,
    "MEAN_ANOMALY": float,
    "NORAD_CAT_ID": int,
    "BSTAR": float,
    "MEAN_MOTION_DOT": float,
    "MEAN_MOTION_DDOT": float,
}
#: OMM keywords read when present (CelesTrak and Space-Track always give them).
OMM_OPTIONAL_FIELDS: dict[str, type] = {
    "OBJECT_NAME": str,
    "OBJECT_ID": str,
    "EPHEMERIS_TYPE": int,
    "CLASSIFICATION_TYPE": str,
    "ELEMENT_SET_NO": int,
    "REV_AT_EPOCH": int,
}
_TYPE_TEXT = {float: "a number", int: "an integer", str: "text"}
#: Accepted ranges of the OMM mean elements (degrees, rev/day; eccentricity < 1).
_OMM_RANGES = {
    "ECCENTRICITY": (0.0, 1.0, "0 <= e < 1"),
    "INCLINATION": (0.0, 180.0, "0 to 180 deg"),
    "RA_OF_ASC_NODE": (0.0, 360.0, "0 to 360 deg"),
    "ARG_OF_PERICENTER": (0.0, 360.0, "0 to 360 deg"),
    "MEAN_ANOMALY": (0.0, 360.0, "0 to 360 deg"),
}
_EPOCH_RE = re.compile(
    r"^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))[T ](\d{2}):(\d{2}):(\d{2}(?:\.\d*)?)Z?$")


def omm_epoch_days(epoch: str) -> float:
    """Days since 1949-12-31 00:00 UTC of an OMM ``EPOCH`` (SGP4's epoch count).

    Parameters
    ----------
    epoch : str
        ``YYYY-MM-DDThh:mm:ss[.ffffff][Z]`` or ``YYYY-DDDThh:mm:ss[.ffffff][Z]``
        (CCSDS 502.0-B-3 time formats), UTC.

    Returns
    -------
    float
        Days [d] since 1949-12-31 00:00 UTC (days of 86 400 s, as in TLE epochs).

    Raises
    ------
    InputError
        The text is not such a time.
    """
    match = _EPOCH_RE.match(str(epoch).strip())
    if match is None:
        raise InputError(f"EPOCH: expected YYYY-MM-DDThh:mm:ss.ffffff (UTC), "
                         f"received {epoch!r}")
    year, month, day, doy, hour, minute, second = match.groups()
    try:
        if doy is not None:
            day0 = date(int(year), 1, 1).toordinal() + int(doy) - 1
            if not 1 <= int(doy) <= (366 if _is_leap(int(year)) else 365):
                raise ValueError("day of year out of range")
        else:
            day0 = date(int(year), int(month), int(day)).toordinal()
    except ValueError as exc:
        raise InputError(f"EPOCH: expected a valid calendar date, received {epoch!r} "
                         f"({exc})") from None
    h, m, s = int(hour), int(minute), float(second)
    if h > 23 or m > 59 or s >= 61.0:
        raise InputError(f"EPOCH: expected hh:mm:ss within a day, received {epoch!r}")
    if int(year) < 1957:
        raise InputError(f"EPOCH: expected a date after 1957-10-04, received {epoch!r}")
    return (day0 - _EPOCH0.toordinal()) + (h * 3600.0 + m * 60.0 + s) / SECONDS_PER_DAY


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _convert_value(key: str, value: Any, kind: type) -> Any:
    """Value of an OMM field converted to ``kind``; raises OMMFormatError."""
    def bad(why: str = "") -> OMMFormatError:
        return OMMFormatError(f"field {key}: expected {_TYPE_TEXT[kind]}, received "
                              f"{value!r}{why}")

    if kind is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        raise bad()
    if isinstance(value, bool) or not isinstance(value, (str, int, float, np.number)):
        raise bad()
    if kind is int:
        if isinstance(value, (float, np.floating)):
            if not float(value).is_integer():
                raise bad()
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad() from None
    try:
        number = float(value)
    except ValueError:
        raise bad() from None
    if not math.isfinite(number):
        raise bad(" (not finite)")
    return number


def convert_omm_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, typed copy of one OMM keyword record.

    Parameters
    ----------
    record : mapping
        OMM keywords to values, numbers or text (Space-Track JSON gives every value
        as text; CelesTrak JSON gives numbers). Extra keys are kept unchanged.

    Returns
    -------
    dict
        The record with the keywords of :data:`OMM_REQUIRED_FIELDS` and
        :data:`OMM_OPTIONAL_FIELDS` converted (float, int or str); ``EPOCH`` stays
        text. Missing optional fields are absent; empty or null ones are dropped.

    Raises
    ------
    OMMFormatError
        A required field is missing or empty, or a field has the wrong type or an
        impossible value. The error carries no location: callers add it.
    """
    if not isinstance(record, Mapping):
        raise OMMFormatError(f"expected an OMM record (keyword: value mapping), "
                             f"received {type(record).__name__}")
    out: dict[str, Any] = dict(record)
    for key, kind in {**OMM_REQUIRED_FIELDS, **OMM_OPTIONAL_FIELDS}.items():
        value = record.get(key)
        empty = value is None or (isinstance(value, str) and value.strip() == "")
        if empty:
            if key in OMM_REQUIRED_FIELDS:
                state = "missing" if key not in record else "empty"
                raise OMMFormatError(f"field {key}: expected {_TYPE_TEXT[kind]}, "
                                     f"{state}")
            out.pop(key, None)
            continue
        out[key] = _convert_value(key, value, kind)
    for key, (low, high, text) in _OMM_RANGES.items():
        v = out[key]
        if not (low <= v <= high) or (key == "ECCENTRICITY" and v >= 1.0):
            raise OMMFormatError(f"field {key}: expected {text}, received {record[key]!r}")
    if out["MEAN_MOTION"] <= 0.0:
        raise OMMFormatError(f"field MEAN_MOTION: expected a positive number of rev/day, "
                             f"received {record['MEAN_MOTION']!r}")
    if not 0 <= out["NORAD_CAT_ID"] <= _MAX_SGP4_SATNUM:
        raise OMMFormatError(f"field NORAD_CAT_ID: expected 0 to {_MAX_SGP4_SATNUM} "
                             f"(the largest number SGP4 accepts), received "
                             f"{record['NORAD_CAT_ID']!r}")
    try:
        omm_epoch_days(out["EPOCH"])
    except InputError as exc:
        raise OMMFormatError(str(exc)) from None
    return out


def _satrec_from_omm(fields: Mapping[str, Any]) -> Satrec:
    """SGP4 satellite from a typed OMM record (WGS-72)."""
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", int(fields["NORAD_CAT_ID"]), omm_epoch_days(fields["EPOCH"]),
        float(fields["BSTAR"]),
        float(fields["MEAN_MOTION_DOT"]) / _NDOT_UNITS,
        float(fields["MEAN_MOTION_DDOT"]) / _NDDOT_UNITS,
        float(fields["ECCENTRICITY"]),
        float(fields["ARG_OF_PERICENTER"]) * _DEG,
        float(fields["INCLINATION"]) * _DEG,
        float(fields["MEAN_ANOMALY"]) * _DEG,
        float(fields["MEAN_MOTION"]) * 2.0 * math.pi / _MINUTES_PER_DAY,
        float(fields["RA_OF_ASC_NODE"]) * _DEG,
    )
    sat.classification = str(fields.get("CLASSIFICATION_TYPE", "U"))[:1] or "U"
    object_id = str(fields.get("OBJECT_ID", ""))
    sat.intldesg = object_id[2:].replace("-", "")[:8] if len(object_id) > 2 else ""
    sat.ephtype = int(fields.get("EPHEMERIS_TYPE", 0))
    sat.elnum = int(fields.get("ELEMENT_SET_NO", 0))
    sat.revnum = int(fields.get("REV_AT_EPOCH", 0))
    return sat


# ---------------------------------------------------------------------- helpers
def _epoch_jd(sat: Satrec) -> float:
    return float(sat.jdsatepoch) + float(sat.jdsatepochF)


def _check_satrec(sat: Satrec, what: str, exc_type=InputError, **where) -> None:
    code = int(getattr(sat, "error", 0))
    if code != 0:
        raise exc_type(f"SGP4 cannot initialise {what}: error {code}, "
                       f"{SGP4_ERRORS.get(code, 'unknown error')}", **where)


def _list_objects(ids_names: Mapping[int, str | None], limit: int = 10) -> str:
    items = [f"{normalize_catalog_id(n)}" + (f" ({name})" if name else "")
             for n, name in list(ids_names.items())[:limit]]
    more = len(ids_names) - limit
    return ", ".join(items) + (f" and {more} more" if more > 0 else "")


def _select_object(numbers: Sequence[int], names: Sequence[str | None],
                   catalog_id: str | int | None, what: str) -> int:
    """The catalogue number to keep; InputError when ambiguous or absent."""
    seen: dict[int, str | None] = {}
    for n, name in zip(numbers, names):
        if name or n not in seen:
            seen[n] = name or seen.get(n)
    if catalog_id is None:
        if len(seen) > 1:
            raise InputError(f"{what} hold {len(seen)} objects: {_list_objects(seen)}; "
                             "choose one by its catalogue id (--norad "
                             f"{normalize_catalog_id(next(iter(seen)))} on the command line, "
                             "catalog_id= in the library)")
        return next(iter(seen))
    wanted = catalog_number(catalog_id)
    if wanted not in seen:
        raise InputError(f"catalogue id {catalog_id!r} not found in {what}; they hold "
                         f"{_list_objects(seen)}")
    return wanted


def _dedupe_sort(keys: Sequence[Any], sats: Sequence[Satrec]) -> tuple[list[Satrec], int]:
    """Keep the last satellite of each key (file order), then sort by epoch."""
    last: dict[Any, int] = {}
    for i, key in enumerate(keys):
        last[key] = i
    kept = sorted(last.values())  # file order
    dropped = len(keys) - len(kept)
    ordered = sorted(kept, key=lambda i: _epoch_jd(sats[i]))  # stable
    return [sats[i] for i in ordered], dropped


def _to_utc(epoch: datetime | str) -> datetime:
    if isinstance(epoch, str):
        try:
            epoch = datetime.fromisoformat(epoch.strip())
        except ValueError:
            raise InputError(f"epoch: expected an ISO 8601 date-time such as "
                             f"2023-01-01T00:00:00, received {epoch!r}") from None
    if isinstance(epoch, date) and not isinstance(epoch, datetime):
        epoch = datetime(epoch.year, epoch.month, epoch.day)
    if not isinstance(epoch, datetime):
        raise InputError(f"epoch: expected a datetime, received {type(epoch).__name__}")
    if epoch.tzinfo is None:
        return epoch.replace(tzinfo=timezone.utc)  # naive means UTC
    return epoch.astimezone(timezone.utc)


def _days_since_1949(epoch: datetime) -> float:
    delta = epoch - datetime(1949, 12, 31, tzinfo=timezone.utc)
    return delta.days + (delta.seconds + delta.microseconds * 1e-6) / SECONDS_PER_DAY


def _num(x: float) -> str:
    return format(float(x), ".12g")


# ------------------------------------------------------------------------ Orbit
@dataclass(frozen=True, eq=False)
class Orbit:
    """The element-set history of one object, ready for SGP4.

    Attributes
    ----------
    satrecs : tuple of sgp4.api.Satrec
        Satellites sorted by epoch, ascending, one per distinct epoch.
    epochs_jd : numpy.ndarray of float64
        UTC Julian dates [d] of the epochs (``jdsatepoch + jdsatepochF``), ascending.
        Read-only.
    catalog_id : str or None
        Catalogue number as text (``"25544"``; alpha-5 such as ``"A0001"`` kept as
        text), None for a design orbit.
    name : str or None
        Object name, if the input carried one.
    source : str
        Where the elements came from: a file path, ``"circular:415:51.64"``, ...
    kind : str
        ``"tle"``, ``"omm"``, ``"circular"`` or ``"satrec"``.
    duplicates_dropped : int
        Element sets dropped because an earlier-read set had the same epoch (the
        last one read is kept).
    inclination_deg : numpy.ndarray of float64
        Mean inclination of each set [deg] (derived, read-only).

    Notes
    -----
    Build it with a classmethod (:meth:`from_tle`, :meth:`from_omm`,
    :meth:`from_satrec`, :meth:`circular`, :meth:`from_spec`), not with ``Orbit(...)``.
    """

    satrecs: tuple
    epochs_jd: np.ndarray
    catalog_id: str | None
    name: str | None
    source: str
    kind: str
    duplicates_dropped: int = 0

    def __post_init__(self):
        epochs = np.array(self.epochs_jd, dtype=np.float64).reshape(-1)
        if len(self.satrecs) == 0 or len(self.satrecs) != epochs.size:
            raise InputError(f"an orbit needs at least one satellite and one epoch per "
                             f"satellite; received {len(self.satrecs)} satellites and "
                             f"{epochs.size} epochs")
        if np.any(np.diff(epochs) < 0):
            raise InputError("orbit epochs must be sorted in ascending order")
        if self.kind not in ("tle", "omm", "circular", "satrec"):
            raise InputError(f"orbit kind: expected tle, omm, circular or satrec, "
                             f"received {self.kind!r}")
        epochs.flags.writeable = False
        object.__setattr__(self, "satrecs", tuple(self.satrecs))
        object.__setattr__(self, "epochs_jd", epochs)
        inclination = np.degrees([s.inclo for s in self.satrecs])
        inclination.flags.writeable = False
        object.__setattr__(self, "inclination_deg", inclination)

    def __len__(self) -> int:
        return len(self.satrecs)

    def __repr__(self) -> str:
        first, last = self.coverage_jd
        return (f"Orbit(kind={self.kind!r}, catalog_id={self.catalog_id!r}, "
                f"name={self.name!r}, sets={len(self)}, coverage_jd=({first:.5f}, "
                f"{last:.5f}), source={self.source!r}, "
                f"duplicates_dropped={self.duplicates_dropped})")

    @property
    def is_design(self) -> bool:
        """True for a design orbit (circular): no coverage limits, no epoch staleness."""
        return self.kind == "circular"

    @property
    def coverage_jd(self) -> tuple[float, float]:
        """First and last epoch [UTC Julian date]."""
        return float(self.epochs_jd[0]), float(self.epochs_jd[-1])

    # --------------------------------------------------------------- from TLE
    @classmethod
    def from_tle(cls, records: Iterable[Any], *, catalog_id: str | int | None = None,
                 source: str | None = None) -> "Orbit":
        """Build an orbit from TLE records.

        Parameters
        ----------
        records : iterable
            :class:`impactrisk.io.tle.TLERecord` items (anything with ``line1`` and
            ``line2`` attributes and optionally ``name``, ``source``, ``lineno``), or
            ``(line1, line2)`` pairs. Lines are expected to be validated already
            (:func:`impactrisk.io.tle.parse_tle` does it).
        catalog_id : str or int, optional
            The object to keep when the records hold several (digits or alpha-5).
        source : str, optional
            Name of the input; default: the ``source`` of the first record.

        Returns
        -------
        Orbit
            ``kind="tle"``; sets with the same epoch field (line 1 columns 19-32)
            are reduced to the last one read, and ``duplicates_dropped`` counts the
            others.

        Raises
        ------
        InputError
            No records, several objects and no ``catalog_id``, or ``catalog_id``
            absent from the records.
        TLEFormatError
            SGP4 rejects an element set.
        """
        recs = [_tle_fields(r) for r in records]
        if not recs:
            raise InputError("no TLE element sets given; expected at least one")
        if source is None:
            source = recs[0][3] or "<tle>"
        numbers = []
        for name, l1, l2, src, lineno in recs:
            try:
                numbers.append(catalog_number(l1[2:7]))
            except InputError as exc:
                raise TLEFormatError(str(exc), source=src or source, line=lineno) from None
        wanted = _select_object(numbers, [r[0] for r in recs], catalog_id,
                                f"the TLE records of {source}")
        keys, sats, names = [], [], []
        for (name, l1, l2, src, lineno), n in zip(recs, numbers):
            if n != wanted:
                continue
            try:
                sat = Satrec.twoline2rv(l1, l2, WGS72)
            except (ValueError, IndexError) as exc:
                raise TLEFormatError(f"SGP4 cannot read the element set ({exc})",
                                     source=src or source, line=lineno) from None
            _check_satrec(sat, "the element set", TLEFormatError,
                          source=src or source, line=lineno)
            keys.append(l1[18:32])
            sats.append(sat)
            names.append(name)
        kept, dropped = _dedupe_sort(keys, sats)
        name = next((n for n in reversed(names) if n), None)
        return cls(tuple(kept), np.array([_epoch_jd(s) for s in kept]),
                   normalize_catalog_id(wanted), name, source, "tle", dropped)

    # --------------------------------------------------------------- from OMM
    @classmethod
    def from_omm(cls, records: Iterable[Mapping[str, Any]], *,
                 catalog_id: str | int | None = None,
                 source: str | None = None) -> "Orbit":
        """Build an orbit from OMM keyword records (CelesTrak / Space-Track GP).

        Parameters
        ----------
        records : iterable of mapping
            Records as returned by :func:`impactrisk.io.omm.parse_omm_csv` or
            :func:`impactrisk.io.omm.parse_omm_json` (raw string-valued records are
            accepted too and validated with :func:`convert_omm_record`).
        catalog_id : str or int, optional
            The object to keep when the records hold several.
        source : str, optional
            Name of the input (default ``"<omm>"``).

        Returns
        -------
        Orbit
            ``kind="omm"``; records with the same epoch are reduced to the last one.

        Raises
        ------
        OMMFormatError
            A record lacks a field or has a bad value (the message gives its index).
        InputError
            No records, several objects and no ``catalog_id``, or ``catalog_id``
            absent.

        Notes
        -----
        Mean motion [rev/day] becomes ``no_kozai`` [rad/min]; angles [deg] become
        radians; ``MEAN_MOTION_DOT`` and ``MEAN_MOTION_DDOT`` (the TLE's n-dot/2 and
        n-ddot/6) are scaled to sgp4's internal units exactly as sgp4's TLE reader
        does; the epoch becomes days since 1949-12-31 00:00 UTC for ``sgp4init``.
        """
        source = source or "<omm>"
        typed = []
        for index, record in enumerate(records, start=1):
            try:
                typed.append(convert_omm_record(record))
            except OMMFormatError as exc:
                raise OMMFormatError(f"record {index}: {exc.reason}",
                                     source=source) from None
        if not typed:
            raise InputError("no OMM records given; expected at least one")
        numbers = [int(r["NORAD_CAT_ID"]) for r in typed]
        wanted = _select_object(numbers, [r.get("OBJECT_NAME") for r in typed],
                                catalog_id, f"the OMM records of {source}")
        keys, sats, names = [], [], []
        for index, (fields, n) in enumerate(zip(typed, numbers), start=1):
            if n != wanted:
                continue
            sat = _satrec_from_omm(fields)
            _check_satrec(sat, f"OMM record {index}", OMMFormatError, source=source)
            keys.append(omm_epoch_days(fields["EPOCH"]))
            sats.append(sat)
            names.append(fields.get("OBJECT_NAME"))
        kept, dropped = _dedupe_sort(keys, sats)
        name = next((n for n in reversed(names) if n), None)
        return cls(tuple(kept), np.array([_epoch_jd(s) for s in kept]),
                   normalize_catalog_id(wanted), name, source, "omm", dropped)

    # ------------------------------------------------------------ from Satrec
    @classmethod
    def from_satrec(cls, satrecs: Any, *, name: str | None = None,
                    source: str = "satrec") -> "Orbit":
        """Wrap existing SGP4 satellites of one object.

        Parameters
        ----------
        satrecs : Satrec or iterable of Satrec
            ``sgp4.api.Satrec`` objects (a Skyfield ``EarthSatellite``'s ``model``
            is taken when given one).
        name : str, optional
            Object name.
        source : str, optional
            Description of the origin.

        Returns
        -------
        Orbit
            ``kind="satrec"``, sorted by epoch, equal epochs reduced to the last one.

        Raises
        ------
        InputError
            Nothing given, something that is not a Satrec, satellites of several
            objects, or a satellite whose SGP4 initialisation failed.
        """
        if isinstance(satrecs, Satrec) or hasattr(satrecs, "model"):
            satrecs = [satrecs]
        sats = [getattr(s, "model", s) for s in satrecs]
        if not sats:
            raise InputError("no satellites given; expected at least one sgp4 Satrec")
        for i, sat in enumerate(sats, start=1):
            if not isinstance(sat, Satrec):
                raise InputError(f"satellite {i}: expected an sgp4.api.Satrec, "
                                 f"received {type(sat).__name__}")
            _check_satrec(sat, f"satellite {i}")
        numbers = sorted({int(s.satnum) for s in sats})
        if len(numbers) > 1:
            raise InputError("the satellites belong to several objects ("
                             + ", ".join(normalize_catalog_id(n) for n in numbers)
                             + "); expected one")
        keys = [(float(s.jdsatepoch), float(s.jdsatepochF)) for s in sats]
        kept, dropped = _dedupe_sort(keys, sats)
        return cls(tuple(kept), np.array([_epoch_jd(s) for s in kept]),
                   normalize_catalog_id(numbers[0]), name, source, "satrec", dropped)

    # ------------------------------------------------------------ design orbit
    @classmethod
    def circular(cls, alt_km: float, inc_deg: float, raan_deg: float = 0.0,
                 epoch: datetime | str | None = None) -> "Orbit":
        """A circular design orbit at a given mean altitude and inclination.

        Parameters
        ----------
        alt_km : float
            Orbit-averaged altitude above a spherical Earth of radius
            :data:`impactrisk.constants.R_EARTH_KM` [km]; 100 < alt_km <= 40000.
        inc_deg : float
            Inclination [deg], 0 to 180.
        raan_deg : float, optional
            Right ascension of the ascending node at epoch [deg] (TEME); wrapped to
            [0, 360).
        epoch : datetime or str, optional
            Epoch (a naive datetime is taken as UTC; ISO text is accepted). Default
            :data:`DEFAULT_DESIGN_EPOCH`, 2023-01-01T00:00:00 UTC.

        Returns
        -------
        Orbit
            ``kind="circular"``, one satellite, no drag (``bstar = 0``).

        Raises
        ------
        InputError
            Altitude, inclination or RAAN out of range or not finite.

        Notes
        -----
        The satellite is made by SGP4's own initialiser (``sgp4init``, WGS-72) with
        eccentricity exactly 0 (SGP4 accepts it; propagation clamps the perturbed
        eccentricity at 1e-6 internally), argument of perigee and mean anomaly 0.
        The Kozai mean motion starts from Kepler's third law,
        :math:`n_0 = \\sqrt{\\mu / a^3}` with :math:`a = R_E + h` and the WGS-72
        :math:`\\mu`, and is corrected by fixed-point iterations
        :math:`n_{k+1} = n_k (\\bar r_k / a)^{3/2}`, where :math:`\\bar r_k` is the
        mean of :math:`|r|` over one revolution of the SGP4 trajectory (720 equally
        spaced samples), until :math:`|\\bar r - a| < 10^{-6}` km. The short-period
        J2 terms and the J3 long-period term (which gives SGP4's "circular" orbit an
        eccentricity near 8e-4 in LEO, about +-6 km in radius) make the radius vary
        along the orbit; its average over a revolution is what matches ``alt_km``.

        Examples
        --------
        >>> orbit = Orbit.circular(415.0, 51.64)
        >>> orbit.source, orbit.is_design, orbit.coverage_jd
        ('circular:415:51.64', True, (2459945.5, 2459945.5))
        """
        return cls._circular(alt_km, inc_deg, raan_deg, epoch, None)

    @classmethod
    def _circular(cls, alt_km: Any, inc_deg: Any, raan_deg: Any,
                  epoch: datetime | str | None, source: str | None) -> "Orbit":
        alt_km = _finite("alt_km", alt_km)
        inc_deg = _finite("inc_deg", inc_deg)
        raan_deg = _finite("raan_deg", raan_deg)
        if not MIN_DESIGN_ALT_KM < alt_km <= MAX_DESIGN_ALT_KM:
            raise InputError(f"alt_km: expected above the atmosphere and at most "
                             f"{MAX_DESIGN_ALT_KM:g} km ({MIN_DESIGN_ALT_KM:g} < alt_km "
                             f"<= {MAX_DESIGN_ALT_KM:g}), received {alt_km:g}")
        if not 0.0 <= inc_deg <= 180.0:
            raise InputError(f"inc_deg: expected 0 to 180 deg, received {inc_deg:g}")
        raan_deg = raan_deg % 360.0
        default_epoch = epoch is None
        epoch_utc = DEFAULT_DESIGN_EPOCH if epoch is None else _to_utc(epoch)
        epoch_days = _days_since_1949(epoch_utc)

        a_km = R_EARTH_KM + alt_km
        n_rad_min = math.sqrt(MU_EARTH_WGS72_KM3_S2 / a_km ** 3) * 60.0
        for _ in range(_CIRCULAR_MAX_ITER):
            sat = _circular_satrec(epoch_days, inc_deg, raan_deg, n_rad_min)
            r_mean_km = _mean_radius_one_rev(sat)
            if abs(r_mean_km - a_km) < _CIRCULAR_TOL_KM:
                break
            n_rad_min *= (r_mean_km / a_km) ** 1.5
        else:  # pragma: no cover - the iteration contracts fast for every valid input
            raise InputError(f"could not fit a circular orbit at {alt_km:g} km "
                             f"(mean radius {r_mean_km:.6f} km vs {a_km:.6f} km)")

        if source is None:
            source = f"circular:{_num(alt_km)}:{_num(inc_deg)}"
            if raan_deg != 0.0 or not default_epoch:
                source += f":{_num(raan_deg)}"
            if not default_epoch:
                source += ":" + epoch_utc.strftime("%Y-%m-%dT%H:%M:%S") + (
                    f".{epoch_utc.microsecond:06d}" if epoch_utc.microsecond else "")
        name = f"circular {_num(alt_km)} km, {_num(inc_deg)} deg"
        return cls((sat,), np.array([_epoch_jd(sat)]), None, name, source,
                   "circular", 0)

    @classmethod
    def from_spec(cls, spec: str) -> "Orbit":
        """Design orbit from ``"circular:ALT_KM:INC_DEG[:RAAN_DEG[:EPOCH]]"``.

        Parameters
        ----------
        spec : str
            e.g. ``"circular:415:51.64"`` or
            ``"circular:415:51.64:120:2023-06-01T00:00:00"`` (EPOCH in ISO 8601,
            UTC unless it carries an offset).

        Returns
        -------
        Orbit
            See :meth:`circular`; ``source`` is the spec as given.

        Raises
        ------
        InputError
            The text does not have that form, or a value is out of range.

        Examples
        --------
        >>> Orbit.from_spec("circular:415:51.64:90:2023-06-01T00:00:00").source
        'circular:415:51.64:90:2023-06-01T00:00:00'
        """
        if not isinstance(spec, str):
            raise InputError(f"orbit spec: expected text of the form "
                             f"{CIRCULAR_SPEC_FORM}, received {type(spec).__name__}")
        text = spec.strip()
        parts = text.split(":", 4)
        if parts[0].strip().lower() != "circular" or not 3 <= len(parts) <= 5:
            raise InputError(f"orbit spec: expected {CIRCULAR_SPEC_FORM} "
                             f"(e.g. circular:415:51.64), received {spec!r}")
        labels = ("ALT_KM", "INC_DEG", "RAAN_DEG")
        values = []
        for label, part in zip(labels, parts[1:4]):
            try:
                values.append(float(part))
            except ValueError:
                raise InputError(f"orbit spec: expected {CIRCULAR_SPEC_FORM} with "
                                 f"{label} a number, received {part!r} in "
                                 f"{spec!r}") from None
        epoch = None
        if len(parts) == 5:
            try:
                epoch = _to_utc(parts[4])
            except InputError:
                raise InputError(f"orbit spec: expected {CIRCULAR_SPEC_FORM} with "
                                 f"EPOCH an ISO 8601 date-time (e.g. "
                                 f"2023-01-01T00:00:00), received {parts[4]!r} in "
                                 f"{spec!r}") from None
        if len(values) == 2:
            values.append(0.0)
        try:
            return cls._circular(values[0], values[1], values[2], epoch, text)
        except InputError as exc:
            raise InputError(f"orbit spec {spec!r}: {exc}") from None


def _tle_fields(record: Any) -> tuple[str | None, str, str, str | None, int | None]:
    if hasattr(record, "line1") and hasattr(record, "line2"):
        return (getattr(record, "name", None), str(record.line1).rstrip(),
                str(record.line2).rstrip(), getattr(record, "source", None),
                getattr(record, "lineno", None))
    if isinstance(record, (tuple, list)) and len(record) == 2:
        return None, str(record[0]).rstrip(), str(record[1]).rstrip(), None, None
    raise InputError(f"expected TLE records (with line1 and line2) or (line1, line2) "
                     f"pairs, received {type(record).__name__}")


def _finite(label: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{label}: expected a number, received {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{label}: expected a finite number, received {value!r}")
    return number


def _circular_satrec(epoch_days: float, inc_deg: float, raan_deg: float,
                     n_rad_min: float) -> Satrec:
    sat = Satrec()
    sat.sgp4init(WGS72, "i", 0, epoch_days, 0.0, 0.0, 0.0, 0.0, 0.0,
                 inc_deg * _DEG, 0.0, n_rad_min, raan_deg * _DEG)
    _check_satrec(sat, "the circular design orbit")
    return sat


def _mean_radius_one_rev(sat: Satrec) -> float:
    """Mean |r| [km] over one revolution from the epoch (equally spaced samples)."""
    period_days = 2.0 * math.pi / sat.no_kozai / _MINUTES_PER_DAY
    offsets = np.arange(_CIRCULAR_SAMPLES) * (period_days / _CIRCULAR_SAMPLES)
    jd = np.full(offsets.shape, sat.jdsatepoch)
    error, r_km, _ = sat.sgp4_array(jd, sat.jdsatepochF + offsets)
    if np.any(error != 0):
        code = int(error[error != 0][0])
        raise InputError(f"SGP4 failed on the circular design orbit: error {code}, "
                         f"{SGP4_ERRORS.get(code, 'unknown error')}")
    return float(np.mean(np.linalg.norm(r_km, axis=1)))


# ------------------------------------------------------------------ OrbitTimeline
@dataclass(frozen=True, eq=False)
class OrbitSegment:
    """One orbit standing for the station over ``[start_jd, end_jd)`` (UTC Julian dates;
    ``-inf``/``inf`` allowed). ``note`` says what it is (e.g. a circular stand-in at a
    documented mean altitude, with the source)."""

    start_jd: float
    end_jd: float
    orbit: Orbit
    note: str = ""

    def __post_init__(self):
        if not isinstance(self.orbit, Orbit):
            raise InputError(f"orbit segment needs an Orbit, got {type(self.orbit).__name__}")
        if not float(self.start_jd) < float(self.end_jd):
            raise InputError(f"orbit segment must have start < end, got {self.start_jd!r} .. {self.end_jd!r}")


@dataclass(frozen=True, eq=False)
class OrbitTimeline:
    """Which orbit stands for the station when: segments in time order, not overlapping.

    Element-set histories cover only some years; an assessment that reaches further
    back uses other orbits there (circular orbits at the station's documented mean
    altitude), and every result says which segments it used.
    """

    segments: tuple[OrbitSegment, ...]

    def __post_init__(self):
        segs = tuple(sorted(self.segments, key=lambda s: s.start_jd))
        if not segs:
            raise InputError("an orbit timeline needs at least one segment")
        for a, b in zip(segs, segs[1:]):
            if b.start_jd < a.end_jd:
                raise InputError(f"orbit segments overlap: {a.note or a.orbit.source} and {b.note or b.orbit.source}")
        object.__setattr__(self, "segments", segs)

    @classmethod
    def single(cls, orbit: Orbit) -> "OrbitTimeline":
        """One orbit at all times."""
        return cls((OrbitSegment(-np.inf, np.inf, orbit),))

    def between(self, start_jd: float, end_jd: float) -> list[OrbitSegment]:
        """The segments overlapping ``[start_jd, end_jd)``, clipped to it. Times not
        covered by any segment are left out (nothing is assessed there)."""
        out = []
        for seg in self.segments:
            a, b = max(seg.start_jd, start_jd), min(seg.end_jd, end_jd)
            if b > a:
                out.append(OrbitSegment(a, b, seg.orbit, seg.note))
        return out
