"""One entry point that turns the user's orbit choice into an :class:`Orbit`.

The choice is one of: a design-orbit spec (``circular:415:51.64``), an element-set
file (TLE/3LE text, OMM CSV or OMM JSON; the format is recognised from the content),
or nothing, which means the ISS history bundled with impactrisk.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from impactrisk.elements import Orbit, catalog_number
from impactrisk.errors import InputError, OMMFormatError, TLEFormatError
from impactrisk.io.omm import parse_omm_csv, parse_omm_json, sniff_omm_format
from impactrisk.io.tle import _read_text, _split_lines, parse_tle

__all__ = ["load_orbit", "load_orbits", "orbit_from_file"]


def _read_records(path: str | Path) -> tuple[str, str, list]:
    """``(kind, source, records)`` of an element-set file; kind is "tle" or "omm"."""
    source = os.fspath(path)
    text = _read_text(path, "element-set")
    kind = sniff_omm_format(text)
    if kind == "json":
        records = parse_omm_json(text, source=source)
    elif kind == "csv":
        records = parse_omm_csv(_split_lines(text), source=source)
    else:
        records = parse_tle(_split_lines(text), source=source)
        if not records:
            raise TLEFormatError("no element sets found; expected TLE lines (line 1 and "
                                 "line 2), OMM CSV or OMM JSON", source=source)
        return "tle", source, records
    if not records:
        raise OMMFormatError("no OMM records found; expected at least one",
                             source=source)
    return "omm", source, records


def load_orbits(path: str | Path | None = None) -> tuple[str, list[Orbit]]:
    """Every object of an element-set file, one :class:`Orbit` each.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        TLE/3LE, OMM CSV or OMM JSON file; default: the bundled ISS history.

    Returns
    -------
    source : str
        The path as given (or the bundled file's path).
    orbits : list of Orbit
        One per catalogue number, in the order the objects first appear.

    Raises
    ------
    InputError
        Missing or unreadable file.
    TLEFormatError, OMMFormatError
        Malformed content, or no element set in the file.
    """
    if path is None:
        from impactrisk.io.datafiles import default_tle_path

        path = default_tle_path()
    kind, source, records = _read_records(path)
    groups: dict[int, list] = {}
    if kind == "tle":
        for record in records:
            groups.setdefault(catalog_number(record.line1[2:7]), []).append(record)
        return source, [Orbit.from_tle(group, source=source) for group in groups.values()]
    for record in records:
        groups.setdefault(int(record["NORAD_CAT_ID"]), []).append(record)
    return source, [Orbit.from_omm(group, source=source) for group in groups.values()]


def orbit_from_file(path: str | Path, catalog_id: str | None = None) -> Orbit:
    """Orbit from a TLE, 3LE, OMM CSV or OMM JSON file (format taken from the content).

    Parameters
    ----------
    path : str or pathlib.Path
        The element-set file.
    catalog_id : str, optional
        The object to keep when the file holds several.

    Returns
    -------
    Orbit
        ``kind="tle"`` or ``"omm"``, ``source`` the path as given.

    Raises
    ------
    InputError
        Missing or unreadable file; several objects and no ``catalog_id``.
    TLEFormatError, OMMFormatError
        Malformed content, or no element set in the file.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return _orbit_from_file(os.fspath(path), catalog_id, None)  # reading raises the clear error
    return _orbit_from_file(os.fspath(path), catalog_id, (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=16)
def _orbit_from_file(path: str, catalog_id: str | None, version) -> Orbit:
    """Parse once per file version (``version`` = modification time and size): a
    process that assesses many windows reads and validates the history only once."""
    kind, source, records = _read_records(path)
    if kind == "omm":
        return Orbit.from_omm(records, catalog_id=catalog_id, source=source)
    return Orbit.from_tle(records, catalog_id=catalog_id, source=source)


def load_orbit(tle: str | Path | None = None, orbit: str | None = None,
               catalog_id: str | None = None) -> Orbit:
    """The orbit a command should use.

    Parameters
    ----------
    tle : str or pathlib.Path, optional
        Element-set file: TLE/3LE text, OMM CSV or OMM JSON.
    orbit : str, optional
        Design-orbit spec ``circular:ALT_KM:INC_DEG[:RAAN_DEG[:EPOCH]]``.
    catalog_id : str, optional
        Object to keep when the file holds several (digits or alpha-5).

    Returns
    -------
    Orbit
        From ``orbit`` if given, else from ``tle``, else the bundled ISS history
        (:func:`impactrisk.io.datafiles.default_tle_path`).

    Raises
    ------
    InputError
        Both ``tle`` and ``orbit`` given, ``catalog_id`` given with ``orbit``, a bad
        spec, or a missing file.
    TLEFormatError, OMMFormatError
        Malformed file content.
    """
    if tle is not None and orbit is not None:
        raise InputError(f"give either an element-set file or an orbit spec, not both "
                         f"(received file {os.fspath(tle)!r} and orbit {orbit!r})")
    if orbit is not None:
        if catalog_id is not None:
            raise InputError(f"a catalogue id selects an object in an element-set file; "
                             f"it cannot be used with the orbit spec {orbit!r}")
        return Orbit.from_spec(orbit)
    if tle is None:
        from impactrisk.io.datafiles import default_tle_path

        tle = default_tle_path()
    return orbit_from_file(tle, catalog_id=catalog_id)
