"""Property tests of the TLE reader: checksum rule and robustness to damage.

Whatever is done to valid TLE text (one character replaced, inserted or deleted; the
text cut anywhere), reading it either gives valid element sets or raises
TLEFormatError, never another exception; building an orbit from what was read raises
nothing but impactrisk's own errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from impactrisk.elements import Orbit
from impactrisk.errors import ImpactriskError, TLEFormatError
from impactrisk.io.tle import parse_tle, tle_checksum

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# Three named sets and four plain ones (tests/data/README.md).
TEXT = (DATA_DIR / "iss_3line.tle").read_text() + (DATA_DIR / "iss_2line.tle").read_text()
LINES = [line for line in TEXT.splitlines() if line[:2] in ("1 ", "2 ")]
DIGITS = "0123456789"

# Characters to put in: TLE alphabet, line breaks, blanks, and anything else.
characters = st.one_of(
    st.sampled_from(list(DIGITS + " .+-UCSABIO\n\r\t0")),
    st.characters(),
)


def read_and_build(text: str) -> None:
    """Parse; on success every record must build (or fail with an ImpactriskError)."""
    try:
        records = parse_tle(text, source="damaged.tle")
    except TLEFormatError as error:
        assert error.source == "damaged.tle"
        assert error.reason
        return
    if not records:
        return
    objects = {r.line1[2:7] for r in records}
    for catalog in objects:
        try:
            Orbit.from_tle(records, catalog_id=catalog if len(objects) > 1 else None)
        except ImpactriskError:
            pass


@given(line=st.sampled_from(LINES), col=st.integers(0, 67), data=st.data())
def test_changing_one_digit_changes_the_checksum(line, col, data):
    if line[col] not in DIGITS:
        replacement = data.draw(st.sampled_from([c for c in DIGITS if c != "0"]))
        changed = line[:col] + replacement + line[col + 1:]
        # a non-digit (0 or 1 for '-') became a digit: changes unless it adds 0 / 10
        expected = (tle_checksum(line) + int(replacement) - (line[col] == "-")) % 10
        assert tle_checksum(changed) == expected
        return
    replacement = data.draw(st.sampled_from([c for c in DIGITS if c != line[col]]))
    changed = line[:col] + replacement + line[col + 1:]
    assert tle_checksum(changed) != tle_checksum(line)


@given(line=st.sampled_from(LINES), wrong=st.sampled_from(list(DIGITS)))
def test_a_wrong_checksum_digit_is_always_caught(line, wrong):
    if wrong == line[68]:
        return
    lines = TEXT.splitlines()
    index = lines.index(line)
    lines[index] = line[:68] + wrong
    with pytest.raises(TLEFormatError, match="checksum") as info:
        parse_tle(lines, source="damaged.tle")
    assert info.value.line == index + 1


@settings(max_examples=300)
@given(pos=st.integers(0, len(TEXT) - 1), char=characters)
@example(pos=TEXT.index("23109.39970694") + 3, char="x")
@example(pos=TEXT.index("\n1 25544") + 1, char="2")
@example(pos=TEXT.index(" 15.4998487") + 1, char="0")
def test_one_replaced_character_never_escapes(pos, char):
    read_and_build(TEXT[:pos] + char + TEXT[pos + 1:])


@settings(max_examples=200)
@given(pos=st.integers(0, len(TEXT)), char=characters)
def test_one_inserted_character_never_escapes(pos, char):
    read_and_build(TEXT[:pos] + char + TEXT[pos:])


@settings(max_examples=200)
@given(pos=st.integers(0, len(TEXT) - 1))
def test_one_deleted_character_never_escapes(pos):
    read_and_build(TEXT[:pos] + TEXT[pos + 1:])


@given(cut=st.integers(0, len(TEXT)))
def test_truncation_never_escapes(cut):
    text = TEXT[:cut]
    read_and_build(text)
    # the text read is valid only if it stops right after a complete line 2
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if lines and not (lines[-1].startswith("2 ") and len(lines[-1]) == 69):
        with pytest.raises(TLEFormatError):
            parse_tle(text)
    elif lines:
        assert len(parse_tle(text)) == sum(line.startswith("2 ") for line in lines)


@given(st.lists(st.text(max_size=80), max_size=8))
def test_arbitrary_lines_never_escape(lines):
    read_and_build("\n".join(lines))
