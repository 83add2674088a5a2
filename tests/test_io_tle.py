"""Tests of impactrisk.io.tle: reading and validating TLE / 3LE text."""

from __future__ import annotations

import pytest

from impactrisk.elements import Orbit
from impactrisk.errors import InputError, TLEFormatError
from impactrisk.io.datafiles import default_tle_path
from impactrisk.io.tle import (
    LINE1_TEMPLATE,
    LINE2_TEMPLATE,
    TLERecord,
    parse_tle,
    read_tle,
    tle_checksum,
)

# Facts about the bundled history, from its provenance record
# (shared/data/tle/PROVENANCE.md: "2046 element sets (4092 lines)", sorted by epoch,
# coverage 2022-09-03 16:10 .. 2023-12-30 17:29 UTC; first and last epoch fields).
BUNDLED_SETS = 2046
BUNDLED_FIRST_EPOCH = "22246.67365757"
BUNDLED_LAST_EPOCH = "23364.72876247"

# The first set of tests/data/iss_2line.tle (line 83-84 of the bundled history).
L1 = "1 25544U 98067A   23001.26991367  .00015968  00000-0  28903-3 0  9993"
L2 = "2 25544  51.6448  75.3411 0005204 209.5406 257.0907 15.49811030375904"
SRC = "fixture.tle"
PREFIX = "received: "


def checksum_oracle(line: str) -> int:
    """Mod-10 checksum written out from the Space-Track format description."""
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def with_checksum(line: str) -> str:
    """The line with column 69 recomputed (so only the intended damage remains)."""
    return line[:68] + str(checksum_oracle(line))


def put(line: str, col: int, text: str) -> str:
    """Replace the characters starting at 1-based column ``col``."""
    return line[:col - 1] + text + line[col - 1 + len(text):]


def epoch_key(record: TLERecord) -> tuple[int, float]:
    yy = int(record.line1[18:20])
    return (yy + (1900 if yy >= 57 else 2000), float(record.line1[20:32]))


@pytest.fixture
def two_line_text(data_dir):
    return (data_dir / "iss_2line.tle").read_text()


@pytest.fixture
def three_line_text(data_dir):
    return (data_dir / "iss_3line.tle").read_text()


@pytest.fixture
def threele_text(data_dir):
    return (data_dir / "iss_spacetrack.3le").read_text()


# ------------------------------------------------------------------ valid input
def test_bundled_history_matches_its_provenance():
    records = read_tle(default_tle_path())
    assert len(records) == BUNDLED_SETS
    keys = [epoch_key(r) for r in records]
    assert keys == sorted(keys)
    assert records[0].line1[18:32] == BUNDLED_FIRST_EPOCH
    assert records[-1].line1[18:32] == BUNDLED_LAST_EPOCH
    assert all(r.name is None for r in records)
    assert [r.lineno for r in records[:3]] == [1, 3, 5]


def test_checksum_matches_every_published_line():
    # The published column-69 digits are an independent oracle for tle_checksum.
    lines = default_tle_path().read_text().splitlines()
    assert len(lines) == 2 * BUNDLED_SETS
    assert all(tle_checksum(line) == int(line[68]) for line in lines)


def test_checksum_rule_on_a_known_line():
    assert tle_checksum(L1) == 3
    assert tle_checksum(L2) == 4
    # '-' counts 1, letters and '+' count 0
    assert tle_checksum("-" * 68) == 68 % 10
    assert tle_checksum("A+ " * 22 + "AA") == 0


def test_two_line_file(data_dir):
    records = read_tle(data_dir / "iss_2line.tle")
    assert len(records) == 4
    assert records[0] == TLERecord(None, L1, L2, str(data_dir / "iss_2line.tle"), 1)
    assert [r.lineno for r in records] == [1, 3, 5, 7]


def test_three_line_file_has_names(data_dir):
    records = read_tle(data_dir / "iss_3line.tle")
    assert [r.name for r in records] == ["ISS (ZARYA)"] * 3
    assert [r.lineno for r in records] == [2, 5, 8]
    assert all(len(r.line1) == len(r.line2) == 69 for r in records)


def test_spacetrack_3le_names_lose_their_zero(data_dir):
    records = read_tle(data_dir / "iss_spacetrack.3le")
    assert [r.name for r in records] == ["ISS (ZARYA)"] * 3
    assert records[1].line1[18:32] == "22348.98970079"


def test_mixed_layouts_in_one_input(two_line_text, three_line_text, threele_text):
    text = two_line_text + "\n\n" + three_line_text + "\n" + threele_text
    records = parse_tle(text.splitlines(), source=SRC)
    assert len(records) == 10
    assert [r.name for r in records] == [None] * 4 + ["ISS (ZARYA)"] * 6
    assert all(r.source == SRC for r in records)


@pytest.mark.parametrize("transform", [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.replace("\n", "   \t\n"), id="trailing-whitespace"),
    pytest.param(lambda t: "\n\n" + t.replace("\n", "\n\n") + "\n \n", id="blank-lines"),
    pytest.param(lambda t: "\ufeff" + t, id="byte-order-mark"),
])
def test_tolerated_variations(two_line_text, transform, tmp_path):
    expected = [(r.line1, r.line2) for r in parse_tle(two_line_text.splitlines())]
    path = tmp_path / "variant.tle"
    path.write_bytes(transform(two_line_text).encode("utf-8"))
    got = read_tle(path)
    assert [(r.line1, r.line2) for r in got] == expected


def test_parse_accepts_file_objects_lists_and_str(data_dir, two_line_text):
    with open(data_dir / "iss_2line.tle") as handle:
        from_file = parse_tle(handle)
    with open(data_dir / "iss_2line.tle", "rb") as handle:
        from_bytes = parse_tle(handle)
    from_list = parse_tle(two_line_text.splitlines())
    from_str = parse_tle(two_line_text)
    pairs = [(r.line1, r.line2, r.lineno) for r in from_list]
    for other in (from_file, from_bytes, from_str):
        assert [(r.line1, r.line2, r.lineno) for r in other] == pairs


def test_alpha5_catalogue_number_is_accepted():
    l1 = with_checksum(put(L1, 3, "A0001"))
    l2 = with_checksum(put(L2, 3, "A0001"))
    (record,) = parse_tle([l1, l2])
    assert record.line1[2:7] == "A0001"


def test_leap_day_366_only_in_leap_years():
    day366 = with_checksum(put(L1, 19, "24366.50000000"))  # 2024 is a leap year
    assert len(parse_tle([day366, L2])) == 1
    with pytest.raises(TLEFormatError, match="day of year"):
        parse_tle([with_checksum(put(L1, 19, "23366.50000000")), L2])


def test_empty_input_gives_no_records_but_empty_file_is_an_error(tmp_path):
    assert parse_tle([]) == []
    path = tmp_path / "empty.tle"
    path.write_text("\n\n")
    with pytest.raises(TLEFormatError, match="no element sets") as info:
        read_tle(path)
    assert info.value.source == str(path)


def test_missing_file_is_an_input_error(tmp_path):
    path = tmp_path / "nowhere.tle"
    with pytest.raises(InputError) as info:
        read_tle(path)
    assert not isinstance(info.value, TLEFormatError)
    message = str(info.value)
    assert str(path) in message and "\n" not in message


# ------------------------------------------------------------------ corruptions
def _bad_length():
    return [L1[:-1], L2], 1, "69 characters", 69


def _bad_checksum():
    wrong = (checksum_oracle(L2) + 4) % 10
    return ([L1, L2[:68] + str(wrong)], 2,
            f"checksum: expected {checksum_oracle(L2)} (computed from columns 1-68), "
            f"found {wrong}", 69)


def _other_catalogue():
    return [L1, with_checksum(put(L2, 3, "25545"))], 2, "differs from line 1", 7


def _day_367():
    return [with_checksum(put(L1, 21, "367.00000000")), L2], 1, "day of year", 21


def _day_000():
    return [with_checksum(put(L1, 21, "000.50000000")), L2], 1, "day of year", 21


def _before_sputnik():
    return [with_checksum(put(L1, 19, "57100.00000000")), L2], 1, "1957-10-04", 19


def _letter_in_epoch():
    return [with_checksum(put(L1, 23, "x")), L2], 1, "epoch", 23


def _letter_in_inclination():
    return [L1, with_checksum(put(L2, 14, "O"))], 2, "inclination", 14


def _letter_in_mean_motion():
    return [L1, with_checksum(put(L2, 60, "l"))], 2, "mean motion", 60


def _bad_exponent():
    return [with_checksum(put(L1, 60, "x")), L2], 1, "BSTAR", 60


def _bad_classification():
    return [with_checksum(put(L1, 8, "X")), L2], 1, "classification", 8


def _bad_alpha5_letter():
    # I and O are not used by alpha-5 (they look like 1 and 0).
    return ([with_checksum(put(L1, 3, "I0001")), with_checksum(put(L2, 3, "I0001"))],
            1, "alpha-5", 3)


def _missing_line2():
    later = with_checksum(put(L1, 19, "23001.50000000"))
    return [L1, L2, later], 3, "not followed by its line 2", None


def _swapped_lines():
    return [L2, L1], 1, "line 2 must follow its line 1", 1


def _orphan_name():
    return [L1, L2, "ISS (ZARYA)"], 3, "not followed by an element set", None


def _two_names():
    return ["ISS (ZARYA)", "ISS", L1, L2], 1, "not followed by an element set", None


def _missing_decimal_point():
    return [L1, with_checksum(put(L2, 12, "4"))], 2, "decimal point", 12


@pytest.mark.parametrize("case", [
    _bad_length, _bad_checksum, _other_catalogue, _day_367, _day_000, _before_sputnik,
    _letter_in_epoch, _letter_in_inclination, _letter_in_mean_motion, _bad_exponent,
    _bad_classification, _bad_alpha5_letter, _missing_line2, _swapped_lines,
    _orphan_name, _two_names, _missing_decimal_point,
], ids=lambda f: f.__name__.strip("_"))
def test_corruption_is_reported_with_file_line_and_layout(case):
    lines, lineno, phrase, col = case()
    with pytest.raises(TLEFormatError) as info:
        parse_tle(lines, source=SRC)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.source == SRC
    assert error.line == lineno
    assert str(error).startswith(f"{SRC}, line {lineno}: ")
    assert phrase in error.reason
    detail = error.detail.splitlines()
    assert detail[0].startswith("expected: ")
    assert detail[0][len("expected: "):] in (LINE1_TEMPLATE, LINE2_TEMPLATE)
    assert detail[1].startswith(PREFIX)
    if col is not None:
        assert detail[2].index("^") == len(PREFIX) + col - 1


def test_error_detail_shows_template_received_line_and_caret():
    bad = put(L1, 23, "x")  # the example of the format documentation: 2224x.67365757
    with pytest.raises(TLEFormatError) as info:
        parse_tle([bad, L2], source=SRC)
    expected, received, caret = info.value.detail.splitlines()
    assert expected == "expected: " + LINE1_TEMPLATE
    assert received == PREFIX + bad
    assert caret == " " * (len(PREFIX) + 22) + "^"
    assert "expected a digit in column 23, found 'x'" in info.value.reason


def test_templates_have_the_tle_length():
    assert len(LINE1_TEMPLATE) == len(LINE2_TEMPLATE) == 69


def test_first_error_in_file_order_is_reported(two_line_text):
    lines = two_line_text.splitlines()
    lines[5] = lines[5][:68] + str((int(lines[5][68]) + 1) % 10)  # line 6: line 2
    lines[6] = lines[6][:60]                                     # line 7: short
    with pytest.raises(TLEFormatError) as info:
        parse_tle(lines, source=SRC)
    assert info.value.line == 6


# ------------------------------------------------------------------ duplicates
def test_duplicate_epochs_keep_the_last_occurrence():
    # Same catalogue number and epoch field, different elements: a re-publication.
    refit = with_checksum(put(L2, 44, "100.0000"))
    later_l1 = with_checksum(put(L1, 19, "23002.00000000"))
    records = parse_tle([L1, L2, later_l1, L2, L1, refit], source=SRC)
    assert len(records) == 3  # the parser keeps everything, in file order
    orbit = Orbit.from_tle(records)
    assert orbit.duplicates_dropped == 1
    assert len(orbit.satrecs) == 2
    kept = orbit.satrecs[0]
    assert kept.mo == pytest.approx(100.0 * 3.141592653589793 / 180.0)


# ------------------------------------------------------------------ shared data
def test_full_catalogue_3le_snapshot_parses(shared_data_dir):
    # shared/data/catalog/PROVENANCE.md: 25,587 objects, all lines pass the checks.
    records = read_tle(shared_data_dir / "catalog" / "3le_2023-09-05_zigcloud-Engine.txt")
    assert len(records) == 25587
    assert records[0].name == "VANGUARD 1"
    assert all(r.name for r in records)


def test_published_damaged_line_is_caught(shared_data_dir):
    # shared/data/tle/other/PROVENANCE.md: GALAXY_18.txt line 498 fails the
    # length/checksum check as published upstream.
    with pytest.raises(TLEFormatError) as info:
        read_tle(shared_data_dir / "tle" / "other" / "GALAXY_18.txt")
    assert info.value.line == 498


def _outcome(lines):
    try:
        return [tuple(r) for r in parse_tle(lines, SRC)]
    except TLEFormatError as exc:
        return ("error", str(exc), exc.detail)


def test_fast_layout_check_agrees_with_the_column_checker(monkeypatch):
    # Every single-character change of a valid pair (each column, to each character a
    # TLE may hold, with the checksum repaired so that the layout is what is tested):
    # parsing with the fast layout patterns gives the same records, or the same error,
    # as parsing with every line sent through the column-by-column checker.
    import re

    import impactrisk.io.tle as tle

    alphabet = "0123456789 +-.ABIOUZ"
    cases = []
    for which in (0, 1):
        for col in range(68):
            for char in alphabet:
                pair = [L1, L2]
                pair[which] = with_checksum(pair[which][:col] + char + pair[which][col + 1:])
                cases.append(pair)
    fast = [_outcome(pair) for pair in cases]
    never = re.compile(r"(?!)")
    monkeypatch.setattr(tle, "_LINE1_LAYOUT", never)
    monkeypatch.setattr(tle, "_LINE2_LAYOUT", never)
    slow = [_outcome(pair) for pair in cases]
    assert fast == slow
    # The changes include valid lines (e.g. another digit) and every kind of fault.
    assert sum(isinstance(o, list) for o in fast) > 500
    assert sum(isinstance(o, tuple) for o in fast) > 500
