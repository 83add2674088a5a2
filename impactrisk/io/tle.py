"""Reading and validating two-line element sets (TLE / 3LE text).

:func:`parse_tle` turns lines of text into :class:`TLERecord` tuples after checking
every element set column by column; :func:`read_tle` does the same for a file.
Building SGP4 satellites from the records is the job of
:meth:`impactrisk.elements.Orbit.from_tle`.

Accepted layouts, freely mixed in one file:

* two-line sets (line 1 + line 2);
* three-line sets with a name line before line 1 (CelesTrak style);
* Space-Track "3LE" sets whose name line starts with ``0 `` (the ``0 `` is stripped).

Blank lines, trailing whitespace, CRLF line ends and a UTF-8 byte-order mark are
tolerated. Anything else that does not follow the published layout raises
:class:`~impactrisk.errors.TLEFormatError` naming the file and line, with the expected
column layout printed above the line received and a caret under the first offending
column.

References
----------
.. [1] 18th Space Defense Squadron, "Two-Line Element Set Format", Space-Track.org
   documentation (``spacetrack_tle_format``).
.. [2] F. R. Hoots and R. L. Roehrich, "Spacetrack Report No. 3: Models for
   Propagation of NORAD Element Sets", 1980 (``hoots1980``).
.. [3] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack
   Report #3", AIAA 2006-6753 (``vallado2006``), for the alpha-5 catalogue numbers and
   the two-digit-year rule.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from impactrisk.errors import InputError, TLEFormatError

__all__ = [
    "TLERecord",
    "parse_tle",
    "read_tle",
    "tle_checksum",
    "LINE1_TEMPLATE",
    "LINE2_TEMPLATE",
    "TLE_LINE_LENGTH",
]

#: Length of a TLE line [characters] (Space-Track TLE format documentation).
TLE_LINE_LENGTH = 69

#: Column layout of line 1 as shown in error messages (N digit, C class or checksum,
#: A launch piece, YY year, DDD.DDDDDDDD day of year, + sign, -N exponent).
LINE1_TEMPLATE = "1 NNNNNC NNNNNAAA YYDDD.DDDDDDDD +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNC"
#: Column layout of line 2 as shown in error messages (last column: checksum).
LINE2_TEMPLATE = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNC"

_DIGITS = frozenset("0123456789")
#: The checksum's view of a line (as ASCII bytes): digits stay, '-' becomes '1',
#: every other character is dropped.
_CHECKSUM_TABLE = bytes.maketrans(b"-", b"1")
_CHECKSUM_DROP = bytes(c for c in range(256) if c not in b"0123456789-")
#: Alpha-5 leading letters: A..Z without I and O (Space-Track alpha-5 scheme).
_ALPHA5_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CLASSES = frozenset("UCS")
#: Launch of Sputnik 1, 1957-10-04: day 277 of 1957. No element set can be older.
_FIRST_EPOCH_YEAR = 1957
_FIRST_EPOCH_DAY = 277.0
#: Two-digit epoch years 57..99 are 1957..1999, 00..56 are 2000..2056.
_PIVOT_YEAR = 57
_PREFIX = "received: "
_LINE_END = re.compile(r"\r\n|\r|\n")

# Character classes used in the field specifications below.
#   N  digit                       B  digit, or a blank before the first digit
#   _  blank (field separator)     .  decimal point
#   S  sign: blank, '+' or '-'     E  exponent sign: '+' or '-'
#   T  ephemeris type: digit or blank
_CLASS_TEXT = {
    "N": "a digit",
    "B": "a digit (or a leading blank)",
    "_": "a blank",
    ".": "a decimal point '.'",
    "S": "a sign (blank, '+' or '-')",
    "E": "an exponent sign ('+' or '-')",
    "T": "a digit or a blank",
}


class _Field(NamedTuple):
    name: str
    first_col: int  # 1-based, inclusive
    spec: str       # one class character per column


# Column layout of the two lines (Space-Track "Two-Line Element Set Format";
# Hoots & Roehrich 1980, Appendix). Columns are 1-based.
_LINE1_FIELDS = (
    _Field("line number", 1, "N"),
    _Field("separator", 2, "_"),
    # 3-7 catalogue number and 8 classification are checked separately (alpha-5).
    _Field("separator", 9, "_"),
    # 10-17 international designator is checked separately (may be blank).
    _Field("separator", 18, "_"),
    _Field("epoch (YYDDD.DDDDDDDD)", 19, "NNNNN.NNNNNNNN"),
    _Field("separator", 33, "_"),
    _Field("first derivative of mean motion", 34, "S.NNNNNNNN"),
    _Field("separator", 44, "_"),
    _Field("second derivative of mean motion", 45, "SNNNNNEN"),
    _Field("separator", 53, "_"),
    _Field("BSTAR drag term", 54, "SNNNNNEN"),
    _Field("separator", 62, "_"),
    _Field("ephemeris type", 63, "T"),
    _Field("separator", 64, "_"),
    _Field("element set number", 65, "BBBB"),
    _Field("checksum", 69, "N"),
)

_LINE2_FIELDS = (
    _Field("line number", 1, "N"),
    _Field("separator", 2, "_"),
    # 3-7 catalogue number checked separately.
    _Field("separator", 8, "_"),
    _Field("inclination [deg]", 9, "BBB.NNNN"),
    _Field("separator", 17, "_"),
    _Field("right ascension of the ascending node [deg]", 18, "BBB.NNNN"),
    _Field("separator", 26, "_"),
    _Field("eccentricity (decimal point assumed)", 27, "NNNNNNN"),
    _Field("separator", 34, "_"),
    _Field("argument of perigee [deg]", 35, "BBB.NNNN"),
    _Field("separator", 43, "_"),
    _Field("mean anomaly [deg]", 44, "BBB.NNNN"),
    _Field("separator", 52, "_"),
    _Field("mean motion [rev/day]", 53, "BB.NNNNNNNN"),
    _Field("revolution number at epoch", 64, "BBBBB"),
    _Field("checksum", 69, "N"),
)


_CLASS_PATTERN = {"N": "[0-9]", "_": " ", ".": r"\.", "S": "[ +-]", "E": "[+-]", "T": "[0-9 ]"}


def _spec_pattern(spec: str) -> str:
    """A regular expression for one field specification; a run of ``B`` columns is a
    right-aligned number (blanks, then digits) as :meth:`_Checker.check_fields` reads it."""
    parts, i = [], 0
    while i < len(spec):
        if spec[i] != "B":
            parts.append(_CLASS_PATTERN[spec[i]])
            i += 1
            continue
        n = len(spec[i:]) - len(spec[i:].lstrip("B"))
        parts.append("(?:" + "|".join(" " * k + "[0-9]" * (n - k) for k in range(n + 1)) + ")")
        i += n
    return "".join(parts)


def _layout_regex(fields, special) -> re.Pattern:
    """The whole line as a regular expression: ``fields`` and ``special`` (first
    column, width, pattern) must cover the columns 1-69 once each."""
    pieces = sorted([(f.first_col, len(f.spec), _spec_pattern(f.spec)) for f in fields] + list(special))
    col = 1
    for first, width, _ in pieces:
        assert first == col, f"layout gap or overlap at column {col}"
        col += width
    assert col == TLE_LINE_LENGTH + 1
    return re.compile("".join(pattern for _, _, pattern in pieces))


#: Catalogue number, columns 3-7: a digit or an alpha-5 letter then four digits, or a
#: right-aligned number.
_CATALOG = (3, 5, "(?:[0-9A-HJ-NP-Z][0-9]{4}|" + "|".join(" " * k + "[0-9]" * (5 - k) for k in range(1, 5)) + ")")
#: Fast path of the validation: a line matching these (and its checksum) passes every
#: character check of :class:`_Checker`; any other line goes through the checker,
#: which names the first fault (the patterns may be stricter than the checks, never
#: looser: tests/test_io_tle.py compares the two on every one-character change).
_LINE1_LAYOUT = _layout_regex(_LINE1_FIELDS, [
    _CATALOG, (8, 1, "[UCS]"), (10, 8, "(?: {8}|[0-9]{5}(?:[A-Z]{3}|[A-Z]{2} |[A-Z] {2}| {3}))")])
_LINE2_LAYOUT = _layout_regex(_LINE2_FIELDS, [_CATALOG])


class TLERecord(NamedTuple):
    """One element set as read from text, not yet interpreted.

    Attributes
    ----------
    name : str or None
        Object name from a preceding name line (``0 `` prefix removed), else None.
    line1, line2 : str
        The two lines, trailing whitespace removed (69 characters each).
    source : str
        File name or ``"<string>"``.
    lineno : int
        1-based line number of ``line1`` in ``source``.
    """

    name: str | None
    line1: str
    line2: str
    source: str
    lineno: int


def tle_checksum(line: str) -> int:
    """Mod-10 checksum of a TLE line.

    Parameters
    ----------
    line : str
        A TLE line; only its first 68 columns are used (column 69 holds the checksum).

    Returns
    -------
    int
        Sum of the digits in columns 1-68, with each '-' counting 1 and every other
        character 0, modulo 10.

    References
    ----------
    .. [1] Space-Track.org, "Two-Line Element Set Format" (``spacetrack_tle_format``).
    """
    counted = line[:68].encode("ascii", "replace").translate(_CHECKSUM_TABLE, _CHECKSUM_DROP)
    return (sum(counted) - 48 * len(counted)) % 10


def _printable(line: str) -> str:
    """The line with characters that would break the caret alignment made visible."""
    return "".join(c if c.isprintable() and c != "\t" else "?" for c in line)


def _layout(template: str, line: str, col: int | None) -> str:
    """Expected layout above the received line, with a caret under ``col`` (1-based)."""
    text = f"expected: {template}\n{_PREFIX}{_printable(line)}"
    if col is not None:
        text += "\n" + " " * (len(_PREFIX) + col - 1) + "^"
    return text


class _Checker:
    """Raises TLEFormatError with file, line number and column layout."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, message: str, lineno: int, line: str, template: str,
             col: int | None = None) -> None:
        raise TLEFormatError(message, source=self.source, line=lineno,
                             detail=_layout(template, line, col))

    # ------------------------------------------------------------------ helpers
    def check_length(self, line: str, lineno: int, which: int, template: str) -> None:
        n = len(line)
        if n != TLE_LINE_LENGTH:
            col = min(n, TLE_LINE_LENGTH) + 1
            self.fail(f"line {which} of an element set must be {TLE_LINE_LENGTH} "
                      f"characters long (after trailing blanks are removed), found {n}",
                      lineno, line, template, col)

    def check_fields(self, line: str, lineno: int, which: int, fields, template: str) -> None:
        for field in fields:
            first = field.first_col
            last = first + len(field.spec) - 1
            seen_digit = False
            for offset, cls in enumerate(field.spec):
                col = first + offset
                char = line[col - 1]
                if cls == "B":
                    if char in _DIGITS:
                        seen_digit = True
                        ok = True
                    else:
                        ok = char == " " and not seen_digit
                else:
                    seen_digit = False
                    ok = _char_ok(cls, char)
                if not ok:
                    where = f"column {col}" if first == last else f"columns {first}-{last}"
                    if field.name == "line number":
                        expected = f"'{which}'"
                    else:
                        expected = _CLASS_TEXT[cls]
                    self.fail(f"{field.name} ({where}): expected {expected} in column "
                              f"{col}, found {char!r}", lineno, line, template, col)

    def check_catalog(self, line: str, lineno: int, template: str) -> None:
        field = line[2:7]
        first = field[0]
        if first not in _DIGITS and first not in _ALPHA5_LETTERS and first != " ":
            self.fail(f"catalogue number (columns 3-7): expected a digit or an alpha-5 "
                      f"letter (A-Z without I and O) in column 3, found {first!r}",
                      lineno, line, template, 3)
        seen_digit = first in _DIGITS or first in _ALPHA5_LETTERS
        for offset, char in enumerate(field[1:], start=4):
            if char in _DIGITS:
                seen_digit = True
            elif not (char == " " and not seen_digit):
                self.fail(f"catalogue number (columns 3-7): expected a digit in column "
                          f"{offset}, found {char!r}", lineno, line, template, offset)
        if not seen_digit:
            self.fail("catalogue number (columns 3-7): expected a number, found blanks",
                      lineno, line, template, 3)

    def check_designator(self, line: str, lineno: int, template: str) -> None:
        field = line[9:17]
        if field.strip() == "":
            return  # blank international designators occur (e.g. analyst objects)
        for col in range(10, 15):
            char = line[col - 1]
            if char not in _DIGITS:
                self.fail(f"international designator (columns 10-17): expected a digit "
                          f"in column {col} (launch year and number), found {char!r}",
                          lineno, line, template, col)
        blank_seen = False
        for col in (15, 16, 17):
            char = line[col - 1]
            if char == " ":
                blank_seen = True
            elif char not in _UPPER or blank_seen:
                self.fail(f"international designator (columns 10-17): expected the "
                          f"launch piece as capital letters from column 15 (or blanks), "
                          f"found {char!r} in column {col}", lineno, line, template, col)

    def check_checksum(self, line: str, lineno: int, template: str) -> None:
        expected = tle_checksum(line)
        found = line[68]
        if found != str(expected):
            self.fail(f"checksum: expected {expected} (computed from columns 1-68), "
                      f"found {found}", lineno, line, template, 69)


def _char_ok(cls: str, char: str) -> bool:
    if cls == "N":
        return char in _DIGITS
    if cls == "_":
        return char == " "
    if cls == ".":
        return char == "."
    if cls == "S":
        return char in " +-"
    if cls == "E":
        return char in "+-"
    if cls == "T":
        return char in _DIGITS or char == " "
    raise AssertionError(cls)  # pragma: no cover


def _epoch_year(two_digit: int) -> int:
    """Four-digit year of a TLE epoch (57-99 -> 19xx, 00-56 -> 20xx)."""
    return two_digit + (1900 if two_digit >= _PIVOT_YEAR else 2000)


def _validate_line1(check: _Checker, line: str, lineno: int) -> None:
    template = LINE1_TEMPLATE
    if not (_LINE1_LAYOUT.fullmatch(line) and line[68] == str(tle_checksum(line))):
        check.check_length(line, lineno, 1, template)
        check.check_fields(line, lineno, 1, _LINE1_FIELDS, template)
        check.check_catalog(line, lineno, template)
        if line[7] not in _CLASSES:
            check.fail(f"classification (column 8): expected 'U', 'C' or 'S', found "
                       f"{line[7]!r}", lineno, line, template, 8)
        check.check_designator(line, lineno, template)
        check.check_checksum(line, lineno, template)
    year = _epoch_year(int(line[18:20]))
    day = float(line[20:32])
    days_in_year = 366 if calendar.isleap(year) else 365
    if not 1.0 <= day < days_in_year + 1.0:
        check.fail(f"epoch day of year {line[20:32]}: expected 1 <= day < "
                   f"{days_in_year + 1} for {year} ({days_in_year} days)",
                   lineno, line, template, 21)
    if year == _FIRST_EPOCH_YEAR and day < _FIRST_EPOCH_DAY:
        check.fail(f"epoch {line[18:32]} ({year}, day {day:g}) lies before the first "
                   "artificial satellite (1957-10-04, day 277); expected a later epoch",
                   lineno, line, template, 19)


def _validate_line2(check: _Checker, line: str, lineno: int,
                    line1: str, lineno1: int) -> None:
    template = LINE2_TEMPLATE
    if not (_LINE2_LAYOUT.fullmatch(line) and line[68] == str(tle_checksum(line))):
        check.check_length(line, lineno, 2, template)
        check.check_fields(line, lineno, 2, _LINE2_FIELDS, template)
        check.check_catalog(line, lineno, template)
        check.check_checksum(line, lineno, template)
    if line[2:7] != line1[2:7]:
        col = 3 + next(i for i in range(5) if line[2 + i] != line1[2 + i])
        check.fail(f"catalogue number on line 2 ({line[2:7]!r}) differs from line 1 "
                   f"({line1[2:7]!r}, line {lineno1}); expected the same object",
                   lineno, line, template, col)
    ranges = (
        ("inclination", 9, 16, 0.0, 180.0),
        ("right ascension of the ascending node", 18, 25, 0.0, 360.0),
        ("argument of perigee", 35, 42, 0.0, 360.0),
        ("mean anomaly", 44, 51, 0.0, 360.0),
    )
    for name, first, last, low, high in ranges:
        value = float(line[first - 1:last])
        if not low <= value <= high:
            check.fail(f"{name} {value:g} deg: expected {low:g} to {high:g} deg",
                       lineno, line, template, first)
    if float(line[52:63]) <= 0.0:
        check.fail(f"mean motion {line[52:63].strip()} rev/day: expected a positive "
                   "value", lineno, line, template, 53)


def _classify(line: str) -> str:
    """'name', '1', '2' or 'bad' for a non-blank line with trailing blanks removed."""
    if line.startswith("0 "):
        return "name"
    if line[0] in "12" and (line[1:2] == " " or len(line) >= 60):
        return line[0]
    if len(line) >= 60:
        return "bad"  # too long for a name: a damaged element line
    return "name"


def _split_lines(text: str) -> list[str]:
    """Split on line ends only (LF, CRLF or CR), not on other Unicode separators."""
    return _LINE_END.split(text)


def _as_text(item) -> str:
    if isinstance(item, bytes):
        return item.decode("utf-8", errors="replace")
    return item


def parse_tle(lines: Iterable[str], source: str = "<string>") -> list[TLERecord]:
    """Parse and validate element sets from lines of text.

    Parameters
    ----------
    lines : iterable of str
        Lines of a TLE, 3-line or Space-Track 3LE file (a file object, a list, the
        result of ``str.splitlines()``; a single ``str`` is split into lines).
    source : str, optional
        Name of the input, used in error messages and stored in each record.

    Returns
    -------
    list of TLERecord
        The element sets in file order (duplicates are kept here;
        :meth:`impactrisk.elements.Orbit.from_tle` removes duplicate epochs).
        An input without element sets gives an empty list.

    Raises
    ------
    TLEFormatError
        At the first malformed line: wrong length, a character outside the column
        layout, a wrong checksum, different catalogue numbers on lines 1 and 2, an
        impossible epoch, a line 1 without line 2 (or the reverse), or a name line not
        followed by an element set. The message names the file and line; its
        ``detail`` shows the expected layout above the line received.

    Notes
    -----
    Checks follow the Space-Track TLE format documentation: 69 columns; line number in
    column 1; blanks at the separator columns; catalogue number in columns 3-7 (digits
    or alpha-5, a letter A-Z without I and O followed by four digits); classification
    U, C or S; epoch ``YYDDD.DDDDDDDD`` in columns 19-32 (two-digit years 57-99 are
    19xx, 00-56 are 20xx; the day of year is at least 1 and below the year's length
    + 1; no epoch before 1957-10-04); decimal points and exponent signs where the
    layout puts them; the mod-10 checksum in column 69 (digits count their value, '-'
    counts 1).

    Examples
    --------
    >>> lines = [
    ...     "0 ISS (ZARYA)",
    ...     "1 25544U 98067A   23001.26991367  .00015968  00000-0  28903-3 0  9993",
    ...     "2 25544  51.6448  75.3411 0005204 209.5406 257.0907 15.49811030375904",
    ... ]
    >>> [(r.name, r.lineno) for r in parse_tle(lines)]
    [('ISS (ZARYA)', 2)]
    """
    if isinstance(lines, str):
        lines = _split_lines(lines)
    check = _Checker(source)
    records: list[TLERecord] = []
    pending_name: tuple[str, int] | None = None
    pending_l1: tuple[str, int] | None = None

    for lineno, raw in enumerate(lines, start=1):
        line = _as_text(raw)
        if lineno == 1:
            line = line.lstrip("\ufeff")
        line = line.rstrip()
        if not line:
            continue
        kind = _classify(line)
        if kind == "name":
            if pending_l1 is not None:
                _missing_line2(check, pending_l1, f"a name line at line {lineno}")
            if pending_name is not None:
                _orphan_name(check, pending_name, f"another name line at line {lineno}")
            name = line[2:] if line.startswith("0 ") else line
            pending_name = (name.strip(), lineno)
        elif kind == "1":
            if pending_l1 is not None:
                _missing_line2(check, pending_l1, f"another line 1 at line {lineno}")
            _validate_line1(check, line, lineno)
            pending_l1 = (line, lineno)
        elif kind == "2":
            if pending_l1 is None:
                what = ("line 2" if pending_name is None else
                        f"line 2 (line {pending_name[1]} was read as a name)")
                check.fail(f"expected line 1 of an element set (column 1 '1'), found "
                           f"{what}; line 2 must follow its line 1",
                           lineno, line, LINE1_TEMPLATE, 1)
            line1, lineno1 = pending_l1
            _validate_line2(check, line, lineno, line1, lineno1)
            name = pending_name[0] if pending_name is not None else None
            records.append(TLERecord(name or None, line1, line, source, lineno1))
            pending_name = None
            pending_l1 = None
        else:
            template, which = ((LINE2_TEMPLATE, 2) if pending_l1 is not None
                               else (LINE1_TEMPLATE, 1))
            check.fail(f"line number (column 1): expected '{which}', found {line[0]!r}",
                       lineno, line, template, 1)

    if pending_l1 is not None:
        _missing_line2(check, pending_l1, "the end of the input")
    if pending_name is not None:
        _orphan_name(check, pending_name, "the end of the input")
    return records


def _missing_line2(check: _Checker, pending: tuple[str, int], found: str) -> None:
    line, lineno = pending
    check.fail(f"line 1 is not followed by its line 2 (found {found}); expected line 2 "
               "of the same element set next", lineno, line, LINE2_TEMPLATE, None)


def _orphan_name(check: _Checker, pending: tuple[str, int], found: str) -> None:
    name, lineno = pending
    check.fail(f"name line {name!r} is not followed by an element set (found {found}); "
               "expected line 1 next", lineno, name, LINE1_TEMPLATE, None)


def _read_text(path: str | os.PathLike, what: str) -> str:
    """Whole text of a file; a missing or unreadable file raises InputError."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline=None) as handle:
            return handle.read()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(f"cannot read {what} file {os.fspath(path)}: {reason}") from None


def read_tle(path: str | Path) -> list[TLERecord]:
    """Read and validate every element set of a TLE, 3-line or 3LE file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; it is named in records and error messages as given.

    Returns
    -------
    list of TLERecord
        The element sets in file order (see :func:`parse_tle`).

    Raises
    ------
    InputError
        The file is missing or unreadable.
    TLEFormatError
        A malformed line, or a file holding no element set at all.
    """
    source = os.fspath(path)
    text = _read_text(path, "TLE")
    records = parse_tle(_split_lines(text), source=source)
    if not records:
        raise TLEFormatError("no element sets found; expected at least one pair of "
                             "TLE lines (line 1 and line 2)", source=source)
    return records
