"""Time grids over analysis windows, as UTC Julian dates split into (whole, fraction).

A :class:`TimeGrid` divides the window ``[start, end)`` into ``n`` intervals of
``step_s`` seconds (the last one may be shorter) and samples each interval at its
midpoint; the weight of a sample is the duration of its interval, so sums of
``weight_s`` equal the window length exactly (midpoint rule). The grid is implicit:
any slice of samples is generated on demand, which is what lets a ten-year ephemeris
at a 10 s step be computed in bounded memory, and every sample's time depends only
on its global index, so chunked and unchunked evaluations agree bit for bit.

Times are UTC, as SGP4 and TLE epochs use them (AIAA 2006-6753); leap seconds are
not counted inside a Julian date, as is customary for SGP4 work.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence

import numpy as np

from impactrisk.constants import SECONDS_PER_DAY
from impactrisk.errors import InputError

#: Julian date of 1970-01-01T00:00:00 UTC.
JD_UNIX_EPOCH = 2440587.5
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_DATE_FORMS = "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z] (UTC)"
_DURATION_RE = re.compile(
    r"^\s*(?P<value>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>s|sec|secs|m|min|mins|h|hr|hrs|d|day|days)?\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    None: 1.0, "s": 1.0, "sec": 1.0, "secs": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}


def parse_utc(text: str | datetime, *, what: str = "date") -> datetime:
    """Parse a UTC date or date-time given on the command line or in a file.

    Parameters
    ----------
    text : str or datetime
        ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM``, ``YYYY-MM-DD HH:MM:SS``, optionally with
        fractional seconds and a ``Z`` or ``+00:00`` suffix; ``YYYY-MM`` means the
        first day of that month. A datetime is passed through (naive means UTC).
    what : str
        Name of the value, used in the error message (e.g. ``"--start"``).

    Returns
    -------
    datetime
        Timezone-aware, in UTC.

    Raises
    ------
    InputError
        For anything that is not a real calendar date (e.g. ``2023-02-30``), naming
        the value received and the forms expected.
    """
    if isinstance(text, datetime):
        return text.replace(tzinfo=timezone.utc) if text.tzinfo is None else text.astimezone(timezone.utc)
    raw = str(text).strip()
    candidate = raw
    if re.fullmatch(r"\d{4}-\d{2}", candidate):
        candidate += "-01"
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            raise InputError(f"impossible {what} {raw!r}: {reason}; expected {_DATE_FORMS}") from None
        raise InputError(f"cannot read {what} {raw!r}; expected {_DATE_FORMS}") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_duration_s(text: str | float, *, what: str = "step") -> float:
    """Parse a duration such as ``60``, ``60s``, ``10min``, ``1h`` or ``0.5d`` into seconds.

    Raises
    ------
    InputError
        If the text is not a positive duration.
    """
    if isinstance(text, (int, float)):
        seconds = float(text)
    else:
        match = _DURATION_RE.match(str(text))
        if not match:
            raise InputError(
                f"cannot read {what} {text!r}; expected a positive number with an optional "
                "unit s, min, h or d (e.g. 60s, 10min, 1h)"
            )
        unit = match.group("unit")
        seconds = float(match.group("value")) * _UNIT_SECONDS[unit.lower() if unit else None]
    if not math.isfinite(seconds) or seconds <= 0.0:
        raise InputError(f"{what} must be a positive duration, got {text!r}")
    return seconds


def datetime_to_jd(moment: datetime) -> tuple[float, float]:
    """Split a UTC datetime into a Julian date (whole part ending in .5) and a day fraction."""
    moment = parse_utc(moment)
    delta = moment - _UNIX_EPOCH
    days = delta.days
    fraction = (delta.seconds + delta.microseconds * 1e-6) / SECONDS_PER_DAY
    return JD_UNIX_EPOCH + days, fraction


def julian_date(moment: datetime) -> float:
    """A UTC datetime as one Julian date (to about 40 microseconds; use
    :func:`datetime_to_jd` where the split form's precision matters)."""
    jd, fraction = datetime_to_jd(moment)
    return jd + fraction


def jd_to_datetime(jd: float, fr: float = 0.0) -> datetime:
    """Convert a UTC Julian date (optionally split in two parts) to an aware datetime.

    Rounded to the microsecond.
    """
    whole_days = math.floor(jd - JD_UNIX_EPOCH)
    rest = (jd - JD_UNIX_EPOCH - whole_days) + fr
    micro = round(rest * SECONDS_PER_DAY * 1e6)
    return _UNIX_EPOCH + timedelta(days=whole_days, microseconds=micro)


def format_utc(moment: datetime) -> str:
    """ISO 8601 text of a UTC datetime to the second, with a ``Z`` suffix."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TimeGrid:
    """Midpoint samples of ``[start, end)`` at a fixed step.

    Parameters
    ----------
    start_jd, start_fr : float
        Start of the window as a UTC Julian date split into whole and fraction.
    duration_s : float
        Length of the window [s].
    step_s : float
        Interval length [s]; the last interval may be shorter.
    """

    start_jd: float
    start_fr: float
    duration_s: float
    step_s: float

    def __post_init__(self) -> None:
        if not (self.step_s > 0.0 and math.isfinite(self.step_s)):
            raise InputError(f"step must be a positive number of seconds, got {self.step_s!r}")
        if not (self.duration_s > 0.0 and math.isfinite(self.duration_s)):
            raise InputError("the end of the window must be after its start")

    @classmethod
    def from_range(cls, start: str | datetime, end: str | datetime, step: str | float) -> "TimeGrid":
        """Build a grid from a start, an end (both UTC) and a step (seconds or ``"60s"``)."""
        t0 = parse_utc(start, what="start")
        t1 = parse_utc(end, what="end")
        step_s = parse_duration_s(step)
        if t1 <= t0:
            raise InputError(
                f"end {format_utc(t1)} is not after start {format_utc(t0)}; expected start < end"
            )
        jd, fr = datetime_to_jd(t0)
        return cls(jd, fr, (t1 - t0).total_seconds(), step_s)

    @property
    def n(self) -> int:
        """Number of samples."""
        return max(1, math.ceil(self.duration_s / self.step_s - 1e-9))

    @property
    def start(self) -> datetime:
        return jd_to_datetime(self.start_jd, self.start_fr)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration_s)

    @property
    def start_jd_utc(self) -> float:
        return self.start_jd + self.start_fr

    @property
    def end_jd_utc(self) -> float:
        return self.start_jd + self.start_fr + self.duration_s / SECONDS_PER_DAY

    def offsets_s(self, i0: int = 0, i1: int | None = None) -> np.ndarray:
        """Seconds from the start to the samples ``i0 .. i1-1`` (interval midpoints)."""
        n = self.n
        i1 = n if i1 is None else min(i1, n)
        index = np.arange(i0, i1, dtype=np.float64)
        offsets = (index + 0.5) * self.step_s
        if i1 == n and i1 > i0:
            offsets[-1] = 0.5 * ((n - 1) * self.step_s + self.duration_s)
        return offsets

    def weights_s(self, i0: int = 0, i1: int | None = None) -> np.ndarray:
        """Duration represented by samples ``i0 .. i1-1`` [s]; they sum to the window length."""
        n = self.n
        i1 = n if i1 is None else min(i1, n)
        weights = np.full(max(i1 - i0, 0), self.step_s)
        if i1 == n and i1 > i0:
            weights[-1] = self.duration_s - (n - 1) * self.step_s
        return weights

    def jd_fr(self, i0: int = 0, i1: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """UTC Julian dates of samples ``i0 .. i1-1``, split as SGP4 expects (whole, fraction)."""
        fr = self.start_fr + self.offsets_s(i0, i1) / SECONDS_PER_DAY
        whole = np.floor(fr)
        return self.start_jd + whole, fr - whole

    def chunks(self, max_samples: int, ranges: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """Index ranges ``(i0, i1)`` of at most ``max_samples`` samples covering the grid,
        or only the index ranges ``ranges`` of it (in order, clipped to the grid)."""
        if max_samples < 1:
            raise InputError(f"chunk size must be at least 1 sample, got {max_samples}")
        n = self.n
        spans = [(0, n)] if ranges is None else [(max(0, int(a)), min(n, int(b))) for a, b in ranges]
        return [(i0, min(i0 + max_samples, b)) for a, b in spans for i0 in range(a, b, max_samples)]
