"""The project's text format for tabulated fluxes (source x diameter class x speed class).

One format for every :class:`~impactrisk.environment.tabulated.FluxTable`, whatever
model produced it (a MASTER import, a hand-made table, a future ORDEM import); it is
a special case of the ``flux_tables/`` format read by
:func:`impactrisk.io.flux_tables.parse_flux_table` (``#`` ``key: value`` header lines
with the required keys ``source``, ``reference``, ``units``, ``basis``, ``builder``,
then one CSV header row and the data rows). The full description is in
``docs/flux_table_format.md``; in short:

* ``format: impactrisk-flux-table 1`` identifies the format;
* ``basis:`` starts with ``cross_sectional`` or ``random_plate``;
* columns ``d_min_cm, d_max_cm, v_min_km_s, v_max_km_s`` give the cell, then one column
  per source with the flux in that cell [m-2 yr-1];
* one ``column.<name>:`` header line per source column gives ``label``, ``group``,
  ``density_g_cm3``, ``direction``, ``density_status``, ``density_ref``,
  ``density_note`` as ``field=value`` pairs separated by ``;``;
* every other header key is provenance, kept in ``FluxTable.metadata``.

:func:`format_flux_table` and :func:`write_flux_table` write a table,
:func:`parse_tabulated_flux` and :func:`read_tabulated_flux` read it back; floats are
written with Python's shortest round-trip representation, so a write-read round trip
is exact. Malformed files raise :class:`FluxTableFormatError` naming the file, the line
and, for a bad cell, the column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from impactrisk.environment.tabulated import BASES, GROUPS, FluxTable, SourceInfo
from impactrisk.errors import InputError
from impactrisk.io.flux_tables import REQUIRED_KEYS, parse_flux_table

__all__ = [
    "FluxTableFormatError",
    "FORMAT_ID",
    "CELL_COLUMNS",
    "FLUX_UNIT",
    "format_flux_table",
    "write_flux_table",
    "parse_tabulated_flux",
    "read_tabulated_flux",
]

#: Value of the ``format:`` header key written (and required) by this module.
FORMAT_ID = "impactrisk-flux-table 1"
#: Cell columns and their units, in file order.
CELL_COLUMNS = (("d_min_cm", "cm"), ("d_max_cm", "cm"), ("v_min_km_s", "km/s"),
                ("v_max_km_s", "km/s"))
#: Unit of every source column.
FLUX_UNIT = "m-2 yr-1"
#: Header keys this module writes itself (never copied from ``metadata``).
_STRUCTURAL_KEYS = ("format", "units", "basis")
#: ``column.<name>`` fields, in the order written.
_COLUMN_FIELDS = ("label", "group", "density_g_cm3", "direction", "density_status",
                  "density_ref", "density_note")
_KEY_RE = re.compile(r"^[a-z_][a-z0-9_.-]*$")


class FluxTableFormatError(InputError):
    """A flux table file (MASTER output or the project format) is malformed.

    Parameters
    ----------
    message : str
        What is wrong, in one line: what was expected and what was found.
    source : str, optional
        File name (or ``"<string>"``).
    line : int, optional
        1-based line number in ``source``.
    column : str, optional
        The column, e.g. ``"7 (SRM-Slag)"`` or ``"'expl_fragm'"``.
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None,
                 column: str | None = None):
        self.reason = message
        self.source = source
        self.line = line
        self.column = column
        parts = [p for p in (source,
                             None if line is None else f"line {line}",
                             None if column is None else f"column {column}") if p]
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)


# --------------------------------------------------------------------------- writing


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _column_value(s: SourceInfo) -> str:
    values = (s.label, s.group, repr(float(s.density_g_cm3)), s.direction_model,
              s.density_status, s.density_reference, s.density_note)
    return "; ".join(f"{name}={_clean(v).replace(';', ',')}"
                     for name, v in zip(_COLUMN_FIELDS, values))


def format_flux_table(table: FluxTable) -> list[str]:
    """The lines (without newlines) of ``table`` in the project's format.

    Parameters
    ----------
    table : FluxTable
        Its ``metadata`` must hold ``source`` and ``reference``; ``builder`` defaults
        to this function. Metadata keys must match ``[a-z_][a-z0-9_.-]*``.

    Returns
    -------
    list of str

    Raises
    ------
    InputError
        If required provenance is missing or a metadata key cannot be written.
    """
    meta = {str(k).lower(): _clean(v) for k, v in table.metadata.items()}
    meta.setdefault("builder", "impactrisk.io.tabulated_io.write_flux_table")
    missing = [k for k in REQUIRED_KEYS if k not in _STRUCTURAL_KEYS and not meta.get(k)]
    if missing:
        raise InputError(f"flux table metadata lacks {missing}: a table in flux_tables/ "
                         f"format needs {list(REQUIRED_KEYS)}")
    for key in meta:
        if not _KEY_RE.match(key):
            raise InputError(f"flux table metadata key {key!r} is not a valid header key "
                             "([a-z_][a-z0-9_.-]*)")
    basis_note = meta.pop("basis_note", "")
    lines = [f"# format: {FORMAT_ID}"]
    for key in ("title", "source", "reference"):
        if key in meta:
            lines.append(f"# {key}: {meta[key]}")
    lines.append(f"# basis: {table.basis}" + (f" {basis_note}" if basis_note else ""))
    lines.append(f"# builder: {meta['builder']}")
    names = [name for name, _ in CELL_COLUMNS] + list(table.source_names)
    units = [unit for _, unit in CELL_COLUMNS] + [FLUX_UNIT] * len(table.sources)
    lines.append("# units: " + "; ".join(f"{n}={u}" for n, u in zip(names, units)))
    for s in table.sources:
        lines.append(f"# column.{s.name}: {_column_value(s)}")
    for key, value in meta.items():
        if key in ("title", "source", "reference", "builder") + _STRUCTURAL_KEYS:
            continue
        if key.startswith("column."):
            continue
        lines.append(f"# {key}: {value}")
    lines.append(",".join(names))
    d, v = table.d_edges_cm, table.v_edges_km_s
    flux = table.flux_m2_yr
    for i in range(d.size - 1):
        for j in range(v.size - 1):
            cells = [d[i], d[i + 1], v[j], v[j + 1], *flux[:, i, j]]
            lines.append(",".join(repr(float(x)) for x in cells))
    return lines


def write_flux_table(table: FluxTable, path: str | os.PathLike, *,
                     overwrite: bool = False) -> Path:
    """Write ``table`` to ``path`` in the project's format (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    table : FluxTable
        The table; see :func:`format_flux_table` for the metadata it needs.
    path : str or path-like
        Output file.
    overwrite : bool
        Replace an existing file (default: refuse).

    Returns
    -------
    pathlib.Path
        The file written (atomically: a temporary file renamed into place).

    Raises
    ------
    InputError
        If the file exists and ``overwrite`` is false, or the metadata is incomplete.
    """
    from impactrisk.io.atomic import write_atomic

    path = Path(path)
    try:
        return write_atomic(path, "\n".join(format_flux_table(table)) + "\n", overwrite=overwrite)
    except FileExistsError:
        raise InputError(f"{str(path)!r} exists; pass overwrite=True to replace it") from None


# --------------------------------------------------------------------------- reading


def _parse_column_spec(name: str, value: str, source: str, line: int) -> SourceInfo:
    fields: dict[str, str] = {}
    for entry in value.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        key, sep, text = entry.partition("=")
        if not sep:
            raise FluxTableFormatError(f"column.{name}: entry {entry!r} is not 'field=value'",
                                       source, line)
        fields[key.strip()] = text.strip()
    missing = [f for f in ("label", "group", "density_g_cm3", "direction") if f not in fields]
    if missing:
        raise FluxTableFormatError(f"column.{name}: missing {missing} (expected fields "
                                   f"{', '.join(_COLUMN_FIELDS)})", source, line)
    if fields["group"] not in GROUPS:
        raise FluxTableFormatError(f"column.{name}: group must be one of {GROUPS}, found "
                                   f"{fields['group']!r}", source, line)
    try:
        rho = float(fields["density_g_cm3"])
    except ValueError:
        rho = float("nan")
    if not rho > 0 or rho == float("inf"):
        raise FluxTableFormatError(f"column.{name}: density_g_cm3 must be a number > 0, "
                                   f"found {fields['density_g_cm3']!r}", source, line)
    return SourceInfo(name=name, label=fields["label"], group=fields["group"],
                      density_g_cm3=rho, direction_model=fields["direction"],
                      density_status=fields.get("density_status", "assumption"),
                      density_reference=fields.get("density_ref", ""),
                      density_note=fields.get("density_note", ""))


def _class_edges(lo: np.ndarray, hi: np.ndarray, what: str, columns: tuple[str, str],
                 rows: list[int], source: str) -> tuple[np.ndarray, np.ndarray]:
    """Edges of the classes named by (lo, hi) pairs, and each row's class index."""
    pairs = sorted(set(zip(lo.tolist(), hi.tolist())))
    for (a, b), row in zip(zip(lo, hi), rows):
        if not b > a:
            raise FluxTableFormatError(f"{what} class must have {columns[1]} > {columns[0]}, "
                                       f"found {a!r} .. {b!r}", source, row, repr(columns[1]))
    for (a0, b0), (a1, b1) in zip(pairs[:-1], pairs[1:]):
        if b0 != a1:
            raise FluxTableFormatError(f"{what} classes must be contiguous and not "
                                       f"overlap: class {a0!r} .. {b0!r} is followed by "
                                       f"{a1!r} .. {b1!r}", source)
    edges = np.array([pairs[0][0]] + [b for _, b in pairs])
    return edges, np.searchsorted(edges, lo)


def parse_tabulated_flux(lines: Iterable[str], source: str = "<string>") -> FluxTable:
    """Parse a flux table in the project's format.

    Parameters
    ----------
    lines : iterable of str
        The file's lines.
    source : str
        Name used in error messages.

    Returns
    -------
    FluxTable
        ``metadata`` holds the provenance header keys (``source``, ``reference``,
        ``builder``, ``title``, ...), so that writing it again reproduces the file.

    Raises
    ------
    FluxTableFormatError
        If the file is not in this format or a value is missing, negative or not a
        number; grids with a missing, repeated or overlapping cell are refused.
    """
    lines = list(lines)
    try:
        columns, meta = parse_flux_table(lines, source=source)
    except InputError as exc:
        raise FluxTableFormatError(str(exc)) from None
    # Header keys with the line of their first occurrence, as parse_flux_table read them.
    keys = {key: (meta[key], line) for key, line in meta["key_lines"].items()}
    fmt = keys.get("format", ("", 0))[0]
    if fmt != FORMAT_ID:
        raise FluxTableFormatError(f"expected a '# format: {FORMAT_ID}' header line, found "
                                   f"{fmt!r}" if fmt else
                                   f"no '# format: {FORMAT_ID}' header line", source,
                                   keys.get("format", ("", None))[1])
    basis_text, basis_line = keys["basis"]
    basis = basis_text.split()[0] if basis_text.split() else ""
    if basis not in BASES:
        raise FluxTableFormatError(f"basis must start with one of {BASES}, found "
                                   f"{basis_text!r}", source, basis_line)
    names = meta["columns"]
    units = meta["column_units"]
    rows = meta["row_lines"]
    units_line = keys["units"][1]
    for name, unit in CELL_COLUMNS:
        if name not in names:
            raise FluxTableFormatError(f"missing column {name!r} (expected "
                                       f"{', '.join(n for n, _ in CELL_COLUMNS)}, then one "
                                       "column per source)", source)
        if units[name] != unit:
            raise FluxTableFormatError(f"column {name!r} must be in {unit}, found "
                                       f"{units[name]!r}", source, units_line)
    cell_names = {n for n, _ in CELL_COLUMNS}
    source_names = [n for n in names if n not in cell_names]
    if not source_names:
        raise FluxTableFormatError("no source column after the cell columns", source)
    infos = []
    for name in source_names:
        if units[name] != FLUX_UNIT:
            raise FluxTableFormatError(f"column {name!r} must be in {FLUX_UNIT}, found "
                                       f"{units[name]!r}", source, units_line)
        spec = keys.get(f"column.{name}")
        if spec is None:
            raise FluxTableFormatError(f"source column {name!r} has no '# column.{name}: "
                                       "label=...; group=...; density_g_cm3=...; "
                                       "direction=...' header line", source)
        infos.append(_parse_column_spec(name, spec[0], source, spec[1]))
    for name in names:
        values = columns[name]
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
        if bad.size:
            k = int(bad[0])
            found = "an empty cell" if np.isnan(values[k]) else repr(float(values[k]))
            raise FluxTableFormatError(f"expected a finite number >= 0, found {found}",
                                       source, rows[k], repr(name))
    d_edges, di = _class_edges(columns["d_min_cm"], columns["d_max_cm"], "diameter",
                               ("d_min_cm", "d_max_cm"), rows, source)
    v_edges, vi = _class_edges(columns["v_min_km_s"], columns["v_max_km_s"], "speed",
                               ("v_min_km_s", "v_max_km_s"), rows, source)
    n_d, n_v = d_edges.size - 1, v_edges.size - 1
    seen = np.full((n_d, n_v), -1)
    for k, (i, j) in enumerate(zip(di, vi)):
        if seen[i, j] >= 0:
            raise FluxTableFormatError(f"cell d {d_edges[i]!r} .. {d_edges[i + 1]!r} cm, "
                                       f"v {v_edges[j]!r} .. {v_edges[j + 1]!r} km/s "
                                       f"repeats line {rows[seen[i, j]]}", source, rows[k])
        seen[i, j] = k
    if np.any(seen < 0):
        i, j = np.argwhere(seen < 0)[0]
        raise FluxTableFormatError(f"{int((seen < 0).sum())} of {n_d * n_v} cells missing, "
                                   f"e.g. d {d_edges[i]!r} .. {d_edges[i + 1]!r} cm, "
                                   f"v {v_edges[j]!r} .. {v_edges[j + 1]!r} km/s", source)
    flux = np.empty((len(infos), n_d, n_v))
    for s, name in enumerate(source_names):
        flux[s][di, vi] = columns[name]
    metadata = {k: v for k, (v, _) in keys.items()
                if k not in _STRUCTURAL_KEYS and not k.startswith("column.")}
    basis_note = basis_text[len(basis):].strip()
    if basis_note:
        metadata["basis_note"] = basis_note
    try:
        return FluxTable(d_edges_cm=d_edges, v_edges_km_s=v_edges, flux_m2_yr=flux,
                         sources=tuple(infos), basis=basis, metadata=metadata)
    except FluxTableFormatError:
        raise
    except InputError as exc:
        raise FluxTableFormatError(str(exc), source) from None


def read_tabulated_flux(path: str | os.PathLike) -> FluxTable:
    """Read a flux table in the project's format from ``path``.

    Raises
    ------
    FluxTableFormatError
        If the file is missing or malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise FluxTableFormatError(f"flux table {str(path)!r} not found")
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return parse_tabulated_flux(stream.read().splitlines(), source=str(path))
