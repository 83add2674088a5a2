"""Reading the environment tables shipped in ``flux_tables/`` (or given by the user).

Format, in one line: UTF-8 text whose leading ``#`` lines hold ``key: value`` pairs
(required keys ``source``, ``reference``, ``units``, ``basis``, ``builder``; a repeated
key continues its value), followed by one CSV header row and the data rows; ``units:``
lists ``column=unit`` for every column separated by ``;``, with the unit ``text`` for
string columns (every other column is numeric and an empty cell is NaN).

:func:`parse_flux_table` works on any iterable of lines, :func:`read_flux_table` on a
packaged table name or a path; both return ``(columns, metadata)``. The cached loaders
:func:`load_f107_annual_means` and :func:`load_ordem2000_handbook` turn the packaged
tables into the objects the environment models take. Malformed tables raise
:class:`~impactrisk.errors.InputError` naming the file, the line and, for a bad value,
the column.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from impactrisk.errors import InputError
from impactrisk.io.datafiles import data_path

if TYPE_CHECKING:
    from impactrisk.environment.sporadic import FreeSpaceSpeeds

__all__ = [
    "REQUIRED_KEYS",
    "TEXT_UNIT",
    "F107_TABLE",
    "ORDEM2000_HANDBOOK_TABLE",
    "parse_flux_table",
    "read_flux_table",
    "load_f107_annual_means",
    "load_ordem2000_handbook",
]

#: Header keys every table must have.
REQUIRED_KEYS = ("source", "reference", "units", "basis", "builder")
#: Unit marking a column of strings.
TEXT_UNIT = "text"
#: Packaged table of observed annual F10.7 means.
F107_TABLE = "f107_annual_means.csv"
#: Packaged table of the ORDEM2000 numbers of the NASA MMOD Handbook.
ORDEM2000_HANDBOOK_TABLE = "ordem2000_handbook.csv"

_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s?(.*)$")


def _parse_units(text: str, source: str, line: int) -> dict[str, str]:
    units: dict[str, str] = {}
    for entry in text.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, unit = entry.partition("=")
        if not sep or not name.strip() or not unit.strip():
            raise InputError(f"{source}, line {line}: units entry {entry!r} is not "
                             f"'column=unit'")
        units[name.strip()] = unit.strip()
    return units


def parse_flux_table(lines: Iterable[str], source: str = "<string>"
                     ) -> tuple[dict[str, np.ndarray], dict]:
    """Parse a flux table given as lines of text.

    Parameters
    ----------
    lines : iterable of str
        The table, header comments included.
    source : str
        Name used in error messages (file name or ``"<string>"``).

    Returns
    -------
    columns : dict of str to numpy.ndarray
        One array per column, in header order: float (NaN for empty cells) for numeric
        columns, str for ``text`` columns.
    metadata : dict
        The ``#`` header keys with their values (``source`` stays the header's
        provenance), plus ``column_units`` (dict column -> unit), ``columns`` (list of
        names), ``comments`` (``#`` lines without a key), ``key_lines`` (header key ->
        line of its first occurrence), ``row_lines`` (line of each data row) and
        ``file`` (the ``source`` argument).

    Raises
    ------
    InputError
        If a required header key is missing, the units do not match the columns, a row
        has the wrong number of fields or a numeric cell is not a number.
    """
    meta: dict = {"comments": []}
    key_lines: dict[str, int] = {}
    header: list[str] | None = None
    header_line = 0
    raw_rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if number == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            continue
        if text.lstrip().startswith("#"):
            if header is not None:
                continue                      # annotation between data rows
            body = text.lstrip()[1:].strip()
            match = _KEY_LINE.match(body)
            if match is None:
                if body:
                    meta["comments"].append(body)
                continue
            key, value = match.group(1).lower(), match.group(2).strip()
            if key in key_lines:
                meta[key] = f"{meta[key]} {value}".strip()
            else:
                meta[key] = value
                key_lines[key] = number
            continue
        fields = next(csv.reader([text]))
        if header is None:
            header = [name.strip() for name in fields]
            header_line = number
            if any(not name for name in header):
                raise InputError(f"{source}, line {number}: empty column name in header "
                                 f"{text!r}")
            duplicates = sorted({n for n in header if header.count(n) > 1})
            if duplicates:
                raise InputError(f"{source}, line {number}: duplicate column names "
                                 f"{duplicates}")
            continue
        if len(fields) != len(header):
            raise InputError(f"{source}, line {number}: expected {len(header)} fields "
                             f"({','.join(header)}), got {len(fields)}: {text!r}")
        raw_rows.append((number, fields))

    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise InputError(f"{source}: missing header line(s) "
                         + ", ".join(f"'# {key}: ...'" for key in missing)
                         + f" (required: {', '.join(REQUIRED_KEYS)})")
    if header is None:
        raise InputError(f"{source}: no CSV header row after the '#' header lines")
    if not raw_rows:
        raise InputError(f"{source}, line {header_line}: header row but no data rows")
    units = _parse_units(meta["units"], source, key_lines["units"])
    unknown = [name for name in units if name not in header]
    undeclared = [name for name in header if name not in units]
    if unknown or undeclared:
        raise InputError(f"{source}, line {key_lines['units']}: units must list every "
                         f"column exactly; not columns: {unknown}, columns without a "
                         f"unit: {undeclared}")

    columns: dict[str, np.ndarray] = {}
    for index, name in enumerate(header):
        cells = [(number, fields[index].strip()) for number, fields in raw_rows]
        if units[name] == TEXT_UNIT:
            columns[name] = np.array([cell for _, cell in cells], dtype=str)
            continue
        values = np.empty(len(cells))
        for row, (number, cell) in enumerate(cells):
            if not cell:
                values[row] = np.nan
                continue
            try:
                values[row] = float(cell)
            except ValueError:
                raise InputError(f"{source}, line {number}, column {name!r}: expected a "
                                 f"number [{units[name]}], got {cell!r}") from None
        columns[name] = values
    meta["column_units"] = units
    meta["columns"] = list(header)
    meta["key_lines"] = key_lines
    meta["row_lines"] = [number for number, _ in raw_rows]
    meta["file"] = source
    return columns, meta


def read_flux_table(name_or_path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a flux table from ``flux_tables/`` or from a path.

    Parameters
    ----------
    name_or_path : str or path-like
        A bare file name (no directory part, e.g. ``"f107_annual_means.csv"``) names a
        packaged table; anything else (a :class:`~pathlib.Path`, or a string with a
        directory separator) is a path.

    Returns
    -------
    columns, metadata
        As :func:`parse_flux_table`; ``metadata["path"]`` is the file read.

    Raises
    ------
    InputError
        If the file does not exist or is malformed.
    """
    if isinstance(name_or_path, str) and os.path.basename(name_or_path) == name_or_path:
        path = data_path("flux_tables", name_or_path)
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise InputError(f"flux table {str(path)!r} not found")
    with open(path, encoding="utf-8-sig", newline="") as stream:
        columns, meta = parse_flux_table(stream, source=str(path))
    meta["path"] = str(path)
    return columns, meta


@lru_cache(maxsize=None)
def load_f107_annual_means(name: str = F107_TABLE, column: str = "f107_obs_sfu"):
    """The packaged observed annual F10.7 means as an
    :class:`~impactrisk.environment.solar_flux.AnnualF107Table` (cached, read-only).

    Parameters
    ----------
    name : str
        Packaged table name or path.
    column : str
        ``"f107_obs_sfu"`` (observed, default) or ``"f107_adj_sfu"`` (adjusted to 1 AU).
    """
    from impactrisk.environment.solar_flux import AnnualF107Table

    columns, meta = read_flux_table(name)
    return AnnualF107Table.from_columns(columns, meta, column=column)


@lru_cache(maxsize=None)
def load_ordem2000_handbook(name: str = ORDEM2000_HANDBOOK_TABLE):
    """The packaged ORDEM2000 Handbook numbers as an
    :class:`~impactrisk.environment.debris_spectra.Ordem2000HandbookTable` (cached,
    read-only)."""
    from impactrisk.environment.debris_spectra import Ordem2000HandbookTable

    columns, meta = read_flux_table(name)
    return Ordem2000HandbookTable.from_columns(columns, meta)


#: Packaged table of the major annual meteor showers.
METEOR_SHOWERS_TABLE = "meteor_showers.csv"

__all__ += ["METEOR_SHOWERS_TABLE", "load_meteor_showers"]


@lru_cache(maxsize=None)
def load_meteor_showers(name: str = METEOR_SHOWERS_TABLE):
    """The packaged major annual meteor showers as a tuple of
    :class:`~impactrisk.environment.showers.Shower` records, in table order (cached,
    read-only).

    Parameters
    ----------
    name : str
        Packaged table name or path (format of ``flux_tables/meteor_showers.csv``).
    """
    from impactrisk.environment.showers import showers_from_columns

    columns, meta = read_flux_table(name)
    return showers_from_columns(columns, meta)


#: Packaged time-weighted inclination mix of catalogued objects at ISS altitude.
DEBRIS_INCLINATION_MIX_TABLE = "debris_inclination_mix_iss.csv"

__all__ += ["DEBRIS_INCLINATION_MIX_TABLE", "load_debris_inclination_mix"]


@lru_cache(maxsize=None)
def load_debris_inclination_mix(name: str = DEBRIS_INCLINATION_MIX_TABLE):
    """The packaged inclination mix of catalogued objects in 400-430 km as an
    :class:`~impactrisk.environment.crossing.DebrisInclinationMix` (cached, read-only).

    Using this mix of objects larger than about 10 cm for smaller debris is an
    assumption (see the table header).

    Parameters
    ----------
    name : str
        Packaged table name or path (format of
        ``flux_tables/debris_inclination_mix_iss.csv``).
    """
    from impactrisk.environment.crossing import DebrisInclinationMix

    columns, meta = read_flux_table(name)
    return DebrisInclinationMix.from_columns(columns, meta)


#: Packaged free-space meteoroid speed distribution (ECSS Table C-1).
ECSS_C1_TABLE = "ecss_table_c1_vinf.csv"
#: Names accepted for the meteoroid speed distribution besides a file path: the SSP
#: 30425 near-Earth distribution (the default) and the packaged ECSS Table C-1.
SSP30425_SPEEDS = "ssp30425"
ECSS_C1_SPEEDS = "ecss-c1"


def free_space_speeds_from_table(columns, meta) -> "FreeSpaceSpeeds":
    """A :class:`~impactrisk.environment.sporadic.FreeSpaceSpeeds` from a parsed table
    with columns ``v_inf_km_s`` and ``n_per_km_s`` (or ``weight``) and a header key
    ``weighting: flux|number``."""
    from impactrisk.environment.sporadic import FreeSpaceSpeeds

    file = meta.get("file", "<table>")
    if "v_inf_km_s" not in columns:
        raise InputError(f"{file}: expected a column 'v_inf_km_s' (free-space speed [km/s]), got {list(columns)}")
    weight_name = next((n for n in ("n_per_km_s", "weight") if n in columns), None)
    if weight_name is None:
        raise InputError(f"{file}: expected a column 'n_per_km_s' or 'weight', got {list(columns)}")
    weighting = str(meta.get("weighting", "")).strip().lower()
    if weighting not in ("flux", "number"):
        line = meta.get("key_lines", {}).get("weighting")
        where = f", line {line}" if line else ""
        raise InputError(f"{file}{where}: header key 'weighting' must be 'flux' or 'number', got {weighting!r}")
    try:
        return FreeSpaceSpeeds(meta.get("name") or meta.get("title") or Path(str(file)).name, columns["v_inf_km_s"],
                               columns[weight_name], weighting, meta.get("reference", ""))
    except ValueError as exc:
        raise InputError(f"{file}: {exc}") from None


def load_free_space_speeds(name_or_path: str | os.PathLike = ECSS_C1_SPEEDS) -> "FreeSpaceSpeeds":
    """The packaged ECSS Table C-1 (``"ecss-c1"``) or a user table in the flux-table
    format (``v_inf_km_s``, ``n_per_km_s`` and a ``weighting`` header key)."""
    if str(name_or_path) == ECSS_C1_SPEEDS:
        return _packaged_free_space()
    columns, meta = read_flux_table(Path(name_or_path))
    return free_space_speeds_from_table(columns, meta)


@lru_cache(maxsize=1)
def _packaged_free_space():
    columns, meta = read_flux_table(data_path("flux_tables", ECSS_C1_TABLE))
    return free_space_speeds_from_table(columns, meta)


def meteoroid_speeds(choice: str | os.PathLike | None):
    """The ``meteoroid_speeds`` of an :class:`~impactrisk.environment.model.EnvironmentConfig`
    for a command-line choice: ``ssp30425`` (default), ``ecss-c1`` or a table file (a
    table already read is returned as it is)."""
    from impactrisk.environment.sporadic import FreeSpaceSpeeds

    if isinstance(choice, FreeSpaceSpeeds):
        return choice
    if choice is None or str(choice) == SSP30425_SPEEDS:
        return SSP30425_SPEEDS
    return load_free_space_speeds(choice)


def read_any_flux_table(path: str | os.PathLike):
    """A tabulated flux from an ESA MASTER "flux vs diameter and impact velocity" output
    or from a file in the project's tabulated-flux format (docs/flux_table_format.md),
    recognised from the content."""
    from impactrisk.io.master import read_master_flux
    from impactrisk.io.tabulated_io import read_tabulated_flux

    p = Path(path)
    try:
        with p.open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(400)
    except OSError as exc:
        raise InputError(f"cannot read flux table {p}: {exc.strerror or exc}") from None
    if "MASTER" in head:
        return read_master_flux(p).to_flux_table()
    return read_tabulated_flux(p)


def load_environment_inputs():
    """All packaged tables the environment model needs, as
    :class:`~impactrisk.environment.model.EnvironmentInputs` (each table cached)."""
    from impactrisk.environment.model import EnvironmentInputs

    return EnvironmentInputs(
        showers=load_meteor_showers(),
        inclination_mix=load_debris_inclination_mix(),
        f107=load_f107_annual_means(),
        ordem=load_ordem2000_handbook(),
    )


__all__ += ["load_environment_inputs", "read_any_flux_table", "load_free_space_speeds", "meteoroid_speeds", "ECSS_C1_TABLE",
            "ECSS_C1_SPEEDS", "SSP30425_SPEEDS"]
