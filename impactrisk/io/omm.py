"""Reading OMM element sets (CCSDS Orbit Mean-Elements Message keywords).

The general-perturbations (GP) data of CelesTrak and Space-Track (classes ``gp`` and
``gp_history``) come as CSV or JSON records whose keys are OMM keywords
(``OBJECT_NAME``, ``EPOCH``, ``MEAN_MOTION``, ``ECCENTRICITY``, ...). CelesTrak JSON
gives numbers as numbers; Space-Track JSON gives every value as text and adds keys of
its own (``GP_ID``, ``TLE_LINE1``, ...). Both are accepted.

Each record is checked by :func:`impactrisk.elements.convert_omm_record` (required
fields present, numbers numeric, values in range) and returned as a typed ``dict``;
a bad record raises :class:`~impactrisk.errors.OMMFormatError` naming the file, the
record (the line for CSV, the 1-based index for JSON), the field and the type
expected. :meth:`impactrisk.elements.Orbit.from_omm` builds the SGP4 satellites.

References
----------
.. [1] CCSDS 502.0-B-3, "Orbit Data Messages", Recommended Standard (``ccsds_omm``).
.. [2] T. S. Kelso, "A New Way to Obtain GP Data (aka TLEs)", CelesTrak, 2020
   (``kelso2020_gp``): the CSV/JSON GP formats.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from impactrisk.elements import OMM_REQUIRED_FIELDS, convert_omm_record
from impactrisk.errors import OMMFormatError
from impactrisk.io.tle import _read_text, _split_lines

__all__ = ["parse_omm_csv", "parse_omm_json", "read_omm", "sniff_omm_format"]


def parse_omm_csv(lines: Iterable[str], source: str = "<string>") -> list[dict[str, Any]]:
    """Parse OMM records from CSV text (CelesTrak / Space-Track GP CSV).

    Parameters
    ----------
    lines : iterable of str
        The lines of the CSV (a file object, a list; a single ``str`` is split). The
        first non-blank line is the header of OMM keywords.
    source : str, optional
        Name of the input for error messages.

    Returns
    -------
    list of dict
        One typed record per data row, in file order (see
        :func:`impactrisk.elements.convert_omm_record`).

    Raises
    ------
    OMMFormatError
        The header lacks a required keyword, a row has more or fewer cells than the
        header, or a field is missing or of the wrong type; the message gives the
        line, the field and what was expected.
    """
    if isinstance(lines, str):
        lines = _split_lines(lines)
    numbered = [(n, line) for n, line in enumerate(lines, start=1)]
    header_at = next((n for n, line in numbered if line.strip()), None)
    if header_at is None:
        return []
    rows = csv.reader([line for n, line in numbered if n >= header_at])
    header = [h.strip().lstrip("\ufeff") for h in next(rows)]
    missing = [key for key in OMM_REQUIRED_FIELDS if key not in header]
    if missing:
        raise OMMFormatError(
            "CSV header: expected the OMM keywords " + ", ".join(OMM_REQUIRED_FIELDS)
            + "; missing " + ", ".join(missing), source=source, line=header_at,
            detail=f"received: {','.join(header)}")
    records = []
    for cells in rows:
        lineno = header_at + rows.line_num - 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise OMMFormatError(f"expected {len(header)} comma-separated values as in "
                                 f"the header, found {len(cells)}", source=source,
                                 line=lineno)
        raw = dict(zip(header, cells))
        try:
            records.append(convert_omm_record(raw))
        except OMMFormatError as exc:
            raise OMMFormatError(exc.reason, source=source, line=lineno) from None
    return records


def parse_omm_json(text_or_obj: str | bytes | list | dict,
                   source: str = "<string>") -> list[dict[str, Any]]:
    """Parse OMM records from JSON (CelesTrak numbers or Space-Track text values).

    Parameters
    ----------
    text_or_obj : str, bytes, list or dict
        JSON text, or the already-decoded list of records (or one record).
    source : str, optional
        Name of the input for error messages.

    Returns
    -------
    list of dict
        One typed record per JSON object, in order.

    Raises
    ------
    OMMFormatError
        Invalid JSON (with its line and column), a top level that is not a list of
        objects, a provider error object (``{"error": ...}``), or a record with a
        missing or mistyped field (named with its 1-based record index).
    """
    obj = text_or_obj
    if isinstance(obj, bytes):
        obj = obj.decode("utf-8", errors="replace")
    if isinstance(obj, str):
        try:
            obj = json.loads(obj.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise OMMFormatError(f"invalid JSON: {exc.msg} (column {exc.colno}); "
                                 "expected a list of OMM records", source=source,
                                 line=exc.lineno) from None
    if isinstance(obj, dict):
        if "error" in obj and "EPOCH" not in obj:
            raise OMMFormatError(f"the provider returned an error instead of OMM "
                                 f"records: {obj['error']!r}", source=source)
        obj = [obj]
    if not isinstance(obj, list):
        raise OMMFormatError(f"expected a JSON list of OMM records, found "
                             f"{type(obj).__name__}", source=source)
    records = []
    for index, item in enumerate(obj, start=1):
        if not isinstance(item, dict):
            raise OMMFormatError(f"record {index} of {len(obj)}: expected a JSON object "
                                 f"of OMM keywords, found {type(item).__name__}",
                                 source=source)
        try:
            records.append(convert_omm_record(item))
        except OMMFormatError as exc:
            raise OMMFormatError(f"record {index} of {len(obj)}: {exc.reason}",
                                 source=source) from None
    return records


def sniff_omm_format(text: str) -> str | None:
    """``"json"``, ``"csv"`` or None (not OMM) from the start of a text."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("[", "{")):
        return "json"
    first = head.split("\n", 1)[0]
    if "," in first and ("EPOCH" in first or "MEAN_MOTION" in first):
        return "csv"
    return None


def read_omm(path: str | Path) -> list[dict[str, Any]]:
    """Read OMM records from a CSV or JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file. Its format is taken from its content (JSON starts with ``[`` or
        ``{``; CSV starts with a header of OMM keywords), then from its extension
        (``.json`` / ``.csv``).

    Returns
    -------
    list of dict
        Typed OMM records in file order.

    Raises
    ------
    InputError
        The file is missing or unreadable.
    OMMFormatError
        The format cannot be recognised (e.g. OMM XML or KVN, which are not read),
        a malformed record, or no record at all.
    """
    source = os.fspath(path)
    text = _read_text(path, "OMM")
    kind = sniff_omm_format(text)
    if kind is None:
        suffix = Path(source).suffix.lower()
        kind = {".json": "json", ".csv": "csv"}.get(suffix)
    if kind is None:
        start = text.lstrip()[:40]
        raise OMMFormatError(f"cannot recognise the OMM format; expected CSV with a "
                             f"header of OMM keywords or JSON, found {start!r}",
                             source=source)
    if kind == "json":
        records = parse_omm_json(text, source=source)
    else:
        records = parse_omm_csv(_split_lines(text), source=source)
    if not records:
        raise OMMFormatError("no OMM records found; expected at least one",
                             source=source)
    return records
