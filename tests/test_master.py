"""Tests of the MASTER-2009 importer (impactrisk.io.master), the FluxTable
(impactrisk.environment.tabulated) and the project's tabulated-flux format
(impactrisk.io.tabulated_io).

Three kinds of checks:

* the hand-made fixture ``tests/data/master/synthetic_master2009_flux.txt`` (invented
  round numbers in the MASTER layout): every expected value is summed by hand from the
  numbers printed in that file;
* the real MASTER-2009 ISS output in ``../shared/data/flux_samples/`` (skipped when that
  folder is absent): the rows, sums and cumulative fluxes the physics brief §5.4/§5.5
  transcribed from it, and cross-checks against an independent minimal reading of the
  file with ``numpy.loadtxt``;
* malformed variants of the fixture, made here by editing lines, each giving a
  one-line error with file, line and column; and hypothesis invariants.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impactrisk.environment.tabulated import (CROSS_SECTIONAL, RANDOM_PLATE, FluxTable,
                                              SourceInfo, crossing_speed_limit_km_s)
from impactrisk.errors import InputError, ModelRangeError, ModelRangeWarning
from impactrisk.io.master import (MASTER2009_COLUMNS, MASTER2009_SOURCES, parse_master_flux,
                                  read_master_flux)
from impactrisk.io.tabulated_io import (FluxTableFormatError, format_flux_table,
                                        parse_tabulated_flux, read_tabulated_flux,
                                        write_flux_table)

#: Floating-point round-off of sums of a few dozen terms.
FLOAT_ROUNDOFF = 1e-12
#: MASTER prints fluxes as 0.dddd E+xx: 4 significant digits, a relative rounding of at
#: most 0.5e-4 / 0.1 = 5e-4 of each printed value.
FOUR_DIGIT_ROUNDING = 5e-4
#: Physics brief §5.5 prints the sum of the Total column as 11.49 (2 decimals).
HALF_UNIT_2_DECIMALS = 0.005
#: Physics brief §5.3 prints "1.2 %" (one decimal of a percentage).
HALF_UNIT_PERCENT_1_DECIMAL = 0.0005
#: Physics brief §5.3 prints 2 v0 = 15.320 km/s (3 decimals).
HALF_UNIT_3_DECIMALS = 0.0005

FIXTURE = "synthetic_master2009_flux.txt"
REAL = "master2009_iss-2019-10_Dexter89it-AracneTeam_total_flux.txt"


def half_last_digit(printed: str) -> float:
    """Half a unit in the last printed digit of a decimal string like '1.23e-3'."""
    mantissa, _, exponent = printed.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


@pytest.fixture
def fixture_path(data_dir):
    return data_dir / "master" / FIXTURE


@pytest.fixture
def fixture_lines(fixture_path):
    return fixture_path.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def fixture_table(fixture_path):
    return read_master_flux(fixture_path).to_flux_table()


@pytest.fixture
def real_path(shared_data_dir):
    path = shared_data_dir / "flux_samples" / REAL
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path


# ------------------------------------------------------------------ fixture: parsing

#: The fixture's cell values by hand (m^-2 yr^-1), from the file: debris, meteoroid and
#: stream flux per (diameter block, speed class).
DEBRIS_BY_CELL = np.array([[0.01 + 0.02 + 0.3, 0.02 + 0.01 + 0.1, 0.01 + 0.01, 0.01],
                           [1e-4, 2e-4 + 1e-4, 1e-4, 1e-5],
                           [0.0, 1e-6 + 1e-6, 1e-6, 0.0]])
METEOROID_BY_CELL = np.array([[0.0, 0.05, 0.2, 0.3],
                              [0.0, 1e-4, 2e-4, 1e-4],
                              [0.0, 0.0, 1e-7, 0.0]])
STREAMS_BY_CELL = np.array([[0.0, 0.0, 0.01, 0.02], [0.0] * 4, [0.0] * 4])


def test_fixture_header(fixture_path):
    m = read_master_flux(fixture_path)
    assert m.version == "MASTER v7.02"
    assert m.model == "MASTER-2009"
    assert m.population == "SYNTHETIC 0.00"
    assert m.run_title == "SYNTHETIC-FIXTURE"
    assert m.d_threshold_m == (1e-4, 0.1)
    assert len(m.sources_selected) == 9
    assert m.sources_selected[-1] == "Population Cloud 1: 99999"
    assert m.period == ("2020/01/01.00", "2020/12/31.00")
    assert m.target_shape == "sphere" and m.basis == CROSS_SECTIONAL
    assert (m.target_sma_km, m.target_ecc, m.target_inc_deg, m.target_raan_deg,
            m.target_aop_deg) == (6778.137, 0.001, 51.6, 0.0, 0.0)
    assert m.options == ("synthetic option line",)
    assert m.title == "3D flux distribution vs. Object Diameter and Impact Velocity"
    assert m.global_flux_m2_yr == 1.071          # header
    assert m.footer_total_flux_m2_yr == 1.08     # footer: differs, and that is accepted
    assert m.events == 1234
    assert len(m.sha256) == 64


def test_fixture_grid(fixture_path):
    m = read_master_flux(fixture_path)
    np.testing.assert_allclose(m.d_edges_m, [1e-4, 1e-3, 1e-2, 1e-1], rtol=FLOAT_ROUNDOFF)
    np.testing.assert_allclose(m.v_edges_km_s, [0, 5, 10, 15, 20], rtol=FLOAT_ROUNDOFF)
    t = m.to_flux_table()
    # printed class centres 0.000316, 0.003162, 0.031623 m (6 decimals)
    np.testing.assert_allclose(t.d_centres_cm / 100, [0.000316, 0.003162, 0.031623],
                               atol=5e-7)
    np.testing.assert_allclose(t.v_centres_km_s, [2.5, 7.5, 12.5, 17.5], rtol=FLOAT_ROUNDOFF)
    assert t.flux_m2_yr.shape == (16, 3, 4)
    assert [s.label for s in t.sources] == list(MASTER2009_COLUMNS[2:-1])


def test_fixture_cells_and_sums(fixture_path):
    m = read_master_flux(fixture_path)
    t = m.to_flux_table()
    assert m.columns_m2_yr["SRM-Slag"][0, 0] == 0.02
    assert m.columns_m2_yr["Cloud 1"][2, 1] == 1e-6
    assert np.all(m.columns_m2_yr["Cloud 2"] == 0.0)      # integer 0 columns
    groups = t.sum_over_groups()
    np.testing.assert_allclose(groups["debris"], DEBRIS_BY_CELL, rtol=FLOAT_ROUNDOFF)
    np.testing.assert_allclose(groups["meteoroid"], METEOROID_BY_CELL, rtol=FLOAT_ROUNDOFF)
    np.testing.assert_allclose(groups["streams"], STREAMS_BY_CELL, rtol=FLOAT_ROUNDOFF)
    # hand sums (tests/data/master/README.md)
    assert t.total_m2_yr() == pytest.approx(1.0709131, rel=FLOAT_ROUNDOFF)
    assert t.total_m2_yr("debris") == pytest.approx(0.490513, rel=FLOAT_ROUNDOFF)
    assert t.total_m2_yr("meteoroid") == pytest.approx(0.5504001, rel=FLOAT_ROUNDOFF)
    assert t.total_m2_yr("streams") == pytest.approx(0.03, rel=FLOAT_ROUNDOFF)
    # the printed Total column equals the sum of the sources
    np.testing.assert_allclose(m.total_m2_yr, t.flux_cells_m2_yr("all"), rtol=FLOAT_ROUNDOFF)
    # selection by label, key, list
    assert t.total_m2_yr("Paint Flks") == t.total_m2_yr("paint_flakes") == pytest.approx(0.4)
    assert t.total_m2_yr(["meteoroid", "streams"]) == pytest.approx(0.5804001,
                                                                     rel=FLOAT_ROUNDOFF)
    with pytest.raises(InputError, match="unknown source 'granite'"):
        t.total_m2_yr("granite")


# ------------------------------------------------------------------ fixture: integrals


def test_fixture_cumulative_at_edges_and_inside_classes(fixture_table):
    t = fixture_table
    d1, d2, d3 = DEBRIS_BY_CELL.sum(axis=1)      # per diameter class
    cases = [(0.01, d1 + d2 + d3), (0.1, d2 + d3), (1.0, d3), (10.0, 0.0),
             # log-uniform within the class: half-way in log d leaves half the class,
             # a quarter of the way in log d leaves three quarters
             (10 ** -1.5, 0.5 * d1 + d2 + d3), (10 ** -1.75, 0.75 * d1 + d2 + d3)]
    for d_cm, expected in cases:
        assert t.cumulative_above_diameter(d_cm, "debris") == pytest.approx(
            expected, rel=FLOAT_ROUNDOFF, abs=1e-300), d_cm
    values = t.cumulative_above_diameter(np.array([[0.01, 0.1], [1.0, 10.0]]), "debris")
    assert values.shape == (2, 2)
    assert t.cumulative_above_diameter(0.01) == pytest.approx(1.0709131, rel=FLOAT_ROUNDOFF)
    assert np.isnan(t.cumulative_above_diameter(np.nan))


def test_fixture_cumulative_outside_table_is_refused(fixture_table):
    with pytest.raises(ModelRangeError, match="d_min_cm") as info:
        fixture_table.cumulative_above_diameter([0.05, 0.005, 20.0])
    np.testing.assert_array_equal(info.value.mask, [False, True, True])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = fixture_table.cumulative_above_diameter([0.05, 0.005], on_range="nan")
    assert [w.category for w in caught] == [ModelRangeWarning]
    assert np.isfinite(values[0]) and np.isnan(values[1])


def test_fixture_speed_distribution_and_means(fixture_table):
    t = fixture_table
    v = np.array([2.5, 7.5, 12.5, 17.5])
    debris_by_speed = DEBRIS_BY_CELL.sum(axis=0)
    np.testing.assert_allclose(t.speed_distribution("debris"),
                               debris_by_speed / debris_by_speed.sum(), rtol=FLOAT_ROUNDOFF)
    assert t.mean_speed("debris") == pytest.approx(
        (0.3301 * 2.5 + 0.130302 * 7.5 + 0.020101 * 12.5 + 0.01001 * 17.5) / 0.490513,
        rel=FLOAT_ROUNDOFF)
    met = METEOROID_BY_CELL.sum(axis=0)
    assert t.mean_speed("meteoroid") == pytest.approx((met @ v) / met.sum(), rel=FLOAT_ROUNDOFF)
    # only sizes >= 1 mm: blocks 2 and 3
    big = DEBRIS_BY_CELL[1:].sum(axis=0)
    assert t.mean_speed("debris", 0.1) == pytest.approx((big @ v) / big.sum(),
                                                        rel=FLOAT_ROUNDOFF)
    # a source with no flux has no speed distribution
    assert np.all(np.isnan(t.speed_distribution("mli")))
    assert np.isnan(t.mean_speed("mli"))


def test_fixture_speeds_above_two_v0_are_kept_and_reported(fixture_table):
    t = fixture_table
    limit = 2 * math.sqrt(398600.8 / 6778.137)     # 2 v0 at the target's a (WGS-72 mu)
    assert crossing_speed_limit_km_s(6778.137) == pytest.approx(limit, rel=FLOAT_ROUNDOFF)
    # only the 15-20 km/s class lies above; uniform in speed within it
    expected = 0.01001 * (20.0 - limit) / 5.0 / 0.490513
    assert t.speed_share_above(limit, "debris") == pytest.approx(expected, rel=FLOAT_ROUNDOFF)
    assert t.metadata["debris.share_above_speed_limit"].startswith(repr(float(expected))[:8])
    assert t.metadata["debris.speed_limit_km_s"].startswith(repr(limit)[:8])
    # the cells are kept: the 17.5 km/s debris flux is still there
    assert t.flux_cells_m2_yr("debris")[0, 3] == pytest.approx(0.01)


def test_crossing_speed_limit_matches_physics_brief():
    # physics brief §5.3: 2 v0 = 15.320 km/s at 415 km (r = 6378.137 + 415 km)
    assert crossing_speed_limit_km_s(6378.137 + 415) == pytest.approx(
        15.320, abs=HALF_UNIT_3_DECIMALS)
    with pytest.raises(InputError):
        crossing_speed_limit_km_s(-1.0)


def test_fixture_random_plate_is_a_quarter(fixture_table):
    t = fixture_table
    r = t.to_random_plate()
    assert r.basis == RANDOM_PLATE and t.basis == CROSS_SECTIONAL
    np.testing.assert_allclose(r.flux_m2_yr * 4, t.flux_m2_yr, rtol=FLOAT_ROUNDOFF)
    assert r.cumulative_above_diameter(0.1, "debris") == pytest.approx(
        0.25 * t.cumulative_above_diameter(0.1, "debris"), rel=FLOAT_ROUNDOFF)
    assert r.to_random_plate() is r
    assert "basis_note" not in r.metadata and "basis_conversion" in r.metadata
    np.testing.assert_allclose(r.speed_distribution("debris"), t.speed_distribution("debris"),
                               rtol=FLOAT_ROUNDOFF)


def test_fixture_densities_and_direction_models(fixture_path):
    m = read_master_flux(fixture_path)
    t = m.to_flux_table()
    rho = t.densities_g_cm3
    assert rho["nak_drops"] == 0.866 and rho["srm_slag"] == 3.5 and rho["streams"] == 1.0
    for s in t.sources:
        expected = "meteoroid_field" if s.group in ("meteoroid", "streams") else \
            "crossing_geometry"
        assert s.direction_model == expected, s.name
        assert s.density_status and s.density_note and ";" not in s.density_note
    u = m.to_flux_table(densities={"SRM-Slag": 3.9, "meteoroid": 2.0})
    assert u.source_info("srm_slag").density_g_cm3 == 3.9
    assert u.source_info("srm_slag").density_status == "user"
    assert u.source_info("meteoroids").density_g_cm3 == 2.0
    assert u.source_info("srm_dust").density_g_cm3 == 3.5
    with pytest.raises(InputError, match="must be > 0"):
        t.with_densities({"mli": 0.0})
    with pytest.raises(InputError, match="unknown source"):
        t.with_densities({"granite": 2.7})


# ------------------------------------------------------------------ project format


def test_fixture_round_trip_through_project_format(fixture_table, tmp_path):
    t = fixture_table
    path = write_flux_table(t, tmp_path / "synthetic.csv")
    u = read_tabulated_flux(path)
    np.testing.assert_array_equal(u.flux_m2_yr, t.flux_m2_yr)
    np.testing.assert_array_equal(u.d_edges_cm, t.d_edges_cm)
    np.testing.assert_array_equal(u.v_edges_km_s, t.v_edges_km_s)
    assert u.sources == t.sources
    assert u.basis == t.basis
    assert dict(u.metadata) == dict(t.metadata)
    assert format_flux_table(u) == format_flux_table(t)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# format: impactrisk-flux-table 1\n")
    for key in ("source", "reference", "units", "basis", "builder"):
        assert f"\n# {key}: " in text
    with pytest.raises(InputError, match="exists"):
        write_flux_table(t, path)
    write_flux_table(t.to_random_plate(), path, overwrite=True)
    assert read_tabulated_flux(path).basis == RANDOM_PLATE


def test_project_format_needs_provenance(fixture_table):
    bare = FluxTable(fixture_table.d_edges_cm, fixture_table.v_edges_km_s,
                     fixture_table.flux_m2_yr, fixture_table.sources, CROSS_SECTIONAL)
    with pytest.raises(InputError, match="lacks"):
        format_flux_table(bare)


@pytest.fixture
def written_lines(fixture_table):
    return format_flux_table(fixture_table)


def _data_line(lines: list[str], row: int) -> int:
    """0-based index of data row ``row`` (0 = first row after the CSV header)."""
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return header + 1 + row


def _edit_row(row: int, old: str, new: str):
    """Edit: replace ``old`` by ``new`` (once) in data row ``row``."""
    def edit(lines):
        i = _data_line(lines, row)
        lines[i] = lines[i].replace(old, new, 1)
    return edit


def _copy_row(src: int, dst: int):
    def edit(lines):
        lines[_data_line(lines, dst)] = lines[_data_line(lines, src)]
    return edit


def _drop_row(row: int):
    return lambda lines: lines.__delitem__(_data_line(lines, row))


def _set_key_line(prefix: str, new: str | None):
    """Edit: replace (or with ``None`` delete) the first line starting with ``prefix``."""
    def edit(lines):
        i = next(k for k, line in enumerate(lines) if line.strip().startswith(prefix))
        if new is None:
            del lines[i]
        else:
            lines[i] = new
    return edit


FORMAT_ERRORS = [
    (_edit_row(0, ",0.02,", ",x.5,"),
     r"<t>, line {row0}, column 'srm_slag': expected a number \[m-2 yr-1\], got 'x.5'"),
    (_edit_row(0, ",0.02,", ",-0.02,"),
     r"<t>, line {row0}, column 'srm_slag': expected a finite number >= 0, found -0.02"),
    (_edit_row(0, ",0.02,", ",,"),
     r"<t>, line {row0}, column 'srm_slag': expected a finite number >= 0, found an empty "
     r"cell"),
    (_drop_row(3), r"<t>: 1 of 12 cells missing"),
    (_copy_row(0, 1), r"<t>, line {row1}: cell d .* repeats line {row0}"),
    (_set_key_line("# format:", "# format: something else"),
     r"<t>, line 1: expected a '# format: impactrisk-flux-table 1' header line"),
    (_set_key_line("# basis:", "# basis: sphere"), r"basis must start with one of"),
    (_set_key_line("# column.mli:", None), r"source column 'mli' has no '# column.mli: "),
    (_edit_row(0, "0.01,0.1,", "0.01,0.2,"), r"diameter classes must be contiguous"),
]


@pytest.mark.parametrize("edit, pattern", FORMAT_ERRORS)
def test_project_format_errors(written_lines, edit, pattern):
    lines = list(written_lines)
    row0, row1 = _data_line(lines, 0) + 1, _data_line(lines, 1) + 1
    edit(lines)
    with pytest.raises(FluxTableFormatError,
                       match=pattern.replace("<t>", "t.csv").format(row0=row0, row1=row1)):
        parse_tabulated_flux(lines, source="t.csv")


# ------------------------------------------------------------------ malformed MASTER files


def _first_row(lines: list[str]) -> int:
    """0-based index of the fixture's first data row."""
    return next(i for i, line in enumerate(lines) if line.strip().startswith("0.000316"))


def _set_field(offset: int, k: int, new: str):
    """Edit: set field ``k`` (0-based) of the data row ``offset`` rows after the first."""
    def edit(lines):
        i = _first_row(lines) + offset
        fields = lines[i].split()
        fields[k] = new
        lines[i] = "  ".join(fields)
    return edit


def _drop_field(offset: int, k: int):
    def edit(lines):
        i = _first_row(lines) + offset
        fields = lines[i].split()
        del fields[k]
        lines[i] = "  ".join(fields)
    return edit


def _replace_all(old: str, new: str):
    def edit(lines):
        lines[:] = [line.replace(old, new) for line in lines]
    return edit


def _replace_in(prefix: str, old: str, new: str):
    def edit(lines):
        i = next(k for k, line in enumerate(lines) if line.strip().startswith(prefix))
        lines[i] = lines[i].replace(old, new)
    return edit


def _swap_rows(a: int, b: int):
    def edit(lines):
        i, j = _first_row(lines) + a, _first_row(lines) + b
        lines[i], lines[j] = lines[j], lines[i]
    return edit


def _copy_data_row(src: int, dst: int):
    def edit(lines):
        lines[_first_row(lines) + dst] = lines[_first_row(lines) + src]
    return edit


def _delete_rows(offset: int, count: int):
    def edit(lines):
        i = _first_row(lines) + offset
        del lines[i:i + count]
    return edit


#: (name, edit, expected text); {n} is the 1-based line of the first data row. The
#: fixture's rows: n .. n+3 (block 1), blank, n+5 .. n+8 (block 2), blank, n+10 ...
MALFORMED = [
    ("bad number", _set_field(0, 6, "x.5"),
     "line {n}, column 7 (SRM-Slag): expected a number [1/m^2/yr], found 'x.5'"),
    ("not finite", _set_field(0, 3, "nan"),
     "line {n}, column 4 (Coll-Fragm): expected a finite number [1/m^2/yr], found 'nan'"),
    ("missing field", _drop_field(0, 17),
     "line {n}: expected 19 fields (Diameter, ImpVelocity, 16 sources, Total), found 18"),
    ("negative flux", _set_field(0, 2, "-.1000E-01"),
     "line {n}, column 3 (Expl-Fragm): negative flux '-.1000E-01'"),
    ("total mismatch", _set_field(0, 18, "0.3400E+00"),
     "line {n}, column 19 (Total): Total 0.3400E+00 differs from the sum of the 16 source "
     "columns"),
    ("speed repeated", _copy_data_row(0, 1),
     "line {n+1}, column 2 (ImpVelocity): speed classes must increase within a diameter "
     "block: 2.500000 after 2.500000"),
    ("speeds swapped", _swap_rows(1, 2),
     "line {n+1}, column 2 (ImpVelocity): expected the centre 7.5 km/s of speed class 2"),
    ("diameters out of order", _replace_all("0.003162", "0.000200"),
     "line {n+5}, column 1 (Diameter): diameter classes must increase: 0.000200 after "
     "0.000316"),
    ("speed not a class centre", _replace_in("0.000316     7.5", "7.500000", "7.900000"),
     "line {n+1}, column 2 (ImpVelocity): expected the centre 7.5 km/s of speed class 2 "
     "of 4"),
    ("diameter not a class centre", _replace_all("0.003162", "0.005000"),
     "line {n+5}, column 1 (Diameter): expected the centre 0.00316228 m of diameter class "
     "2 of 3"),
    ("missing row", _delete_rows(3, 1),
     "line {n+4}: the block of diameter 0.000316 m has 3 rows, expected the 4 speed "
     "classes"),
    ("truncated table", _delete_rows(10, 4),
     "line {n+8}: table ends after 2 diameter blocks, the last with 4 rows"),
    ("other column layout", _replace_in("#  Diameter", "Cloud 5", "Cloud 5 Human-made"),
     "unsupported column layout: expected the MASTER-2009 columns"),
    ("other output", _replace_in("#   Title:", "3D flux distribution vs. Object Diameter "
                                 "and Impact Velocity", "2D flux vs. Impact Azimuth"),
     "unsupported MASTER output: expected title"),
    ("no discretisation", _set_key_line("#   Discretisation", None),
     "expected two discretisation lines"),
    ("no target", _set_key_line("# orbiting target", None),
     "no '# orbiting target (sphere) with parameters ...' line"),
    ("bad target", _replace_in("# orbiting target", "6778.137 km", "6778.137 m"),
     "expected a target parameter like '1.0 km', found '6778.137 m'"),
    ("inconsistent classes", _replace_in("#   Discretisation", "3 classes", "4 classes"),
     "inconsistent classes: 4 x 1 in log10 d does not span"),
]


@pytest.mark.parametrize("name, edit, expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_master_files(fixture_lines, name, edit, expected):
    lines = list(fixture_lines)
    n = _first_row(lines) + 1
    edit(lines)
    message = re.sub(r"\{n(?:\+(\d+))?\}", lambda m: str(n + int(m.group(1) or 0)), expected)
    with pytest.raises(FluxTableFormatError) as info:
        parse_master_flux(lines, source=FIXTURE)
    text = str(info.value)
    assert text.startswith(FIXTURE), text
    assert message in text, text
    assert "\n" not in text
    assert isinstance(info.value, ValueError)


def test_data_before_header_is_refused():
    with pytest.raises(FluxTableFormatError, match=r"x.txt, line 1: data row before the "
                                                   r"column header"):
        parse_master_flux(["0.1 0.2 0.3"], source="x.txt")


def test_target_that_is_not_a_sphere_needs_a_basis(fixture_lines):
    lines = [line.replace("(sphere)", "(plate)") for line in fixture_lines]
    with pytest.raises(FluxTableFormatError, match="target 'plate' is not a sphere"):
        parse_master_flux(lines, source=FIXTURE)
    m = parse_master_flux(lines, source=FIXTURE, basis=RANDOM_PLATE)
    assert m.basis == RANDOM_PLATE and m.to_flux_table().basis == RANDOM_PLATE
    with pytest.raises(InputError, match="sphere target gives cross-sectional"):
        parse_master_flux(fixture_lines, source=FIXTURE, basis=RANDOM_PLATE)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(FluxTableFormatError, match="not found"):
        read_master_flux(tmp_path / "nope.txt")
    with pytest.raises(FluxTableFormatError, match="not found"):
        read_tabulated_flux(tmp_path / "nope.csv")


def test_crlf_and_blank_lines_are_tolerated(fixture_path, tmp_path):
    text = fixture_path.read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    a = read_master_flux(fixture_path).to_flux_table()
    b = read_master_flux(crlf).to_flux_table()
    np.testing.assert_array_equal(a.flux_m2_yr, b.flux_m2_yr)


# ------------------------------------------------------------------ FluxTable validation


def _tiny_sources(n: int) -> tuple[SourceInfo, ...]:
    return tuple(SourceInfo(f"s{i}", f"S{i}", "debris", 2.8, "crossing_geometry")
                 for i in range(n))


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(flux_m2_yr=np.ones((1, 2, 2))), "must have shape"),
    (dict(flux_m2_yr=-np.ones((1, 1, 2))), "finite and >= 0"),
    (dict(basis="sphere"), "basis must be one of"),
    (dict(d_edges_cm=[1.0, 1.0]), "strictly increasing"),
    (dict(v_edges_km_s=[-1.0, 1.0, 2.0]), "non-negative"),
    (dict(sources=(SourceInfo("debris", "D", "debris", 2.8, "crossing_geometry"),)),
     "reserved"),
    (dict(sources=(SourceInfo("s0", "D", "rock", 2.8, "crossing_geometry"),)), "group"),
    (dict(sources=(SourceInfo("s0", "D", "debris", 2.8, "radial"),)), "direction model"),
    (dict(sources=(SourceInfo("s0", "D", "debris", -1.0, "crossing_geometry"),)), "density"),
])
def test_flux_table_validation(kwargs, pattern):
    base = dict(d_edges_cm=[0.1, 1.0], v_edges_km_s=[0.0, 1.0, 2.0],
                flux_m2_yr=np.ones((1, 1, 2)), sources=_tiny_sources(1), basis=CROSS_SECTIONAL)
    base.update(kwargs)
    with pytest.raises(InputError, match=pattern):
        FluxTable(**base)


# ------------------------------------------------------------------ real MASTER-2009 file

#: Physics brief §5.5: three rows transcribed from the file (D, V, 16 sources, Total).
TRANSCRIBED_ROWS = [
    "0.000112  1.500000  0.1157E-06 0 0 0 0 0 0.1141E-04 0 0 0 0 0  0 0 0 0  0.1153E-04",
    "0.000112  2.500000  0.8048E-06 0 0 0 0 0 0.4025E-03 0.2176E-03 0 0 0 0  0 0 0 0  0.6209E-03",
    "0.002239 28.500000  0 0 0 0 0 0 0 0 0 0.3049E-07 0.3453E-05 0  0 0 0 0  0.3484E-05",
]

#: Physics brief §5.4, column "MASTER-2009 2019, 408 km, cross-sect.": cumulative flux
#: above each size [m^-2 yr^-1]. The sizes are MASTER class edges (0.316 mm is
#: 10^-3.5 m printed to 3 digits). These turn out to be DEBRIS-ONLY values (all sources
#: except Meteoroids and Streams): the all-source cumulative at 0.1 mm is 11.49.
SECTION_5_4 = [(0.01, "4.07"), (10 ** -1.5, "0.147"), (0.1, "1.23e-3"), (1.0, "2.46e-5")]


def _raw_rows(path) -> np.ndarray:
    """Independent minimal reading: every non-comment row as 19 floats."""
    return np.loadtxt(path, comments="#")


def test_real_file_shape_and_header(real_path):
    m = read_master_flux(real_path)
    t = m.to_flux_table()
    assert t.flux_m2_yr.shape == (16, 30, 40)
    assert m.global_flux_m2_yr == 11.50          # header "0.1150E+02"
    assert m.footer_total_flux_m2_yr == 11.60    # footer "0.1160E+02"
    assert m.events == 2003925
    assert (m.target_shape, m.target_sma_km, m.target_ecc, m.target_inc_deg,
            m.target_raan_deg) == ("sphere", 6786.0, 0.0008, 51.644, 13.601)
    assert m.period == ("2019/10/20.99", "2019/10/24.99")
    assert m.run_title == "ISS-2020" and m.version == "MASTER v7.02"
    assert m.sources_selected[-1] == "Population Cloud 1: 25730"
    assert t.basis == CROSS_SECTIONAL
    np.testing.assert_allclose(t.d_edges_cm[[0, -1]], [0.01, 10.0], rtol=FLOAT_ROUNDOFF)
    np.testing.assert_allclose(t.v_edges_km_s[[0, -1]], [0.0, 40.0], rtol=FLOAT_ROUNDOFF)


def test_real_file_transcribed_rows(real_path):
    m = read_master_flux(real_path)
    centres_m = np.sqrt(m.d_edges_m[:-1] * m.d_edges_m[1:])
    for row in TRANSCRIBED_ROWS:
        fields = row.split()
        i = int(np.argmin(abs(centres_m - float(fields[0]))))
        j = int(float(fields[1]))                      # class j spans j .. j+1 km/s
        values = [m.columns_m2_yr[label][i, j] for label in MASTER2009_COLUMNS[2:-1]]
        assert values == [float(f) for f in fields[2:18]], row
        assert m.total_m2_yr[i, j] == float(fields[18])


def test_real_file_sums(real_path):
    m = read_master_flux(real_path)
    t = m.to_flux_table()
    # §5.5: the 1 200 Total values sum to 11.49
    assert m.total_m2_yr.size == 1200
    assert m.total_m2_yr.sum() == pytest.approx(11.49, abs=HALF_UNIT_2_DECIMALS)
    # sources sum to Total in every cell, to the file's 4-digit rounding
    parts = t.flux_cells_m2_yr("all")
    assert np.all(abs(parts - m.total_m2_yr) <= FOUR_DIGIT_ROUNDING * (parts + m.total_m2_yr))
    # independent reading agrees cell by cell
    raw = _raw_rows(real_path)
    np.testing.assert_array_equal(raw[:, 2:18].T.reshape(16, 30, 40), t.flux_m2_yr)


def test_real_file_section_5_4_values_are_debris_only(real_path):
    t = read_master_flux(real_path).to_flux_table()
    for d_cm, printed in SECTION_5_4:
        assert t.cumulative_above_diameter(d_cm, "debris") == pytest.approx(
            float(printed), abs=half_last_digit(printed)), printed
    # the all-source value at 0.1 mm is the whole table, nowhere near 4.07
    assert t.cumulative_above_diameter(0.01, "all") == pytest.approx(
        11.49, abs=HALF_UNIT_2_DECIMALS)


def test_real_file_debris_speeds(real_path):
    t = read_master_flux(real_path).to_flux_table()
    raw = _raw_rows(real_path)
    debris_cols = [2 + k for k, s in enumerate(MASTER2009_SOURCES) if s.group == "debris"]
    debris = raw[:, debris_cols].sum(axis=1)
    v = raw[:, 1]
    # flux-weighted mean over the class centres, all sizes >= 0.1 mm: 7.34 km/s
    # (paint flakes, 3.6 of the 4.07 m^-2 yr^-1, arrive slowly)
    mean_all = (debris * v).sum() / debris.sum()
    assert t.mean_speed("debris") == pytest.approx(mean_all, rel=FLOAT_ROUNDOFF)
    # sizes >= 1 mm (diameter centres above 1 mm: blocks 11-30): 9.45 km/s, inside the
    # published 9 (Handbook §2.6.2, 400 km) to 10.8 km/s (NRC 1995, 51.6 deg) bracket
    big = raw[:, 0] > 1e-3
    mean_big = (debris[big] * v[big]).sum() / debris[big].sum()
    assert t.mean_speed("debris", 0.1) == pytest.approx(mean_big, rel=FLOAT_ROUNDOFF)
    assert 9.0 <= mean_big <= 10.8
    # physics brief §5.3: "1.2 % of >= 1 mm MASTER debris flux above 16 km/s"
    assert t.speed_share_above(16.0, "debris", 0.1) == pytest.approx(
        0.012, abs=HALF_UNIT_PERCENT_1_DECIMAL)
    # above 2 v0 (15.33 km/s at a = 6786 km): reported, kept
    limit = crossing_speed_limit_km_s(6786.0)
    whole = debris[v > 16].sum() + debris[v == 15.5].sum() * (16.0 - limit)
    share = whole / debris.sum()
    assert t.speed_share_above(limit, "debris") == pytest.approx(share, rel=FLOAT_ROUNDOFF)
    assert t.metadata["debris.share_above_speed_limit"].startswith(repr(float(
        t.speed_share_above(limit, "debris"))))


def test_real_file_round_trip(real_path, tmp_path):
    t = read_master_flux(real_path).to_flux_table()
    u = read_tabulated_flux(write_flux_table(t, tmp_path / "iss.csv"))
    np.testing.assert_array_equal(u.flux_m2_yr, t.flux_m2_yr)
    np.testing.assert_array_equal(u.d_edges_cm, t.d_edges_cm)
    assert u.sources == t.sources and dict(u.metadata) == dict(t.metadata)
    assert u.metadata["original.sha256"].startswith("975a650e")   # physics brief §5.5


# ------------------------------------------------------------------ invariants


@st.composite
def flux_tables(draw):
    n_s = draw(st.integers(1, 3))
    n_d = draw(st.integers(1, 4))
    n_v = draw(st.integers(1, 4))
    log_d0 = draw(st.floats(-4.0, 1.0))
    widths = draw(st.lists(st.floats(0.05, 1.0), min_size=n_d, max_size=n_d))
    d_edges = 10 ** (log_d0 + np.concatenate([[0.0], np.cumsum(widths)]))
    v_widths = draw(st.lists(st.floats(0.1, 10.0), min_size=n_v, max_size=n_v))
    v_edges = np.concatenate([[0.0], np.cumsum(v_widths)])
    values = draw(st.lists(st.floats(0.0, 1e3, allow_subnormal=False),
                           min_size=n_s * n_d * n_v, max_size=n_s * n_d * n_v))
    flux = np.array(values).reshape(n_s, n_d, n_v)
    sources = tuple(SourceInfo(f"s{i}", f"Source {i}", ("debris", "meteoroid", "streams")[i],
                               1.0 + i, "crossing_geometry" if i == 0 else "meteoroid_field")
                    for i in range(n_s))
    return FluxTable(d_edges, v_edges, flux, sources, CROSS_SECTIONAL,
                     metadata={"source": "hypothesis", "reference": "none"})


@settings(max_examples=60, deadline=None)
@given(flux_tables(), st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6))
def test_cumulative_never_increases_with_diameter(table, fractions):
    lo, hi = np.log10(table.d_edges_cm[[0, -1]])
    d = 10 ** (lo + np.sort(fractions) * (hi - lo))
    d = np.clip(d, table.d_edges_cm[0], table.d_edges_cm[-1])
    values = table.cumulative_above_diameter(d)
    assert np.all(np.diff(values) <= FLOAT_ROUNDOFF * max(1.0, values[0]))
    assert table.cumulative_above_diameter(table.d_edges_cm[0]) == pytest.approx(
        table.total_m2_yr(), rel=FLOAT_ROUNDOFF, abs=1e-300)
    assert table.cumulative_above_diameter(table.d_edges_cm[-1]) == 0.0
    # scalar call equals the matching element of the array call (to round-off: the
    # matrix product may sum in another order)
    assert table.cumulative_above_diameter(d[1]) == pytest.approx(values[1],
                                                                  rel=FLOAT_ROUNDOFF)


@settings(max_examples=60, deadline=None)
@given(flux_tables())
def test_speed_shares_random_plate_and_round_trip(table):
    shares = table.speed_distribution()
    if table.total_m2_yr() > 0:
        assert shares.sum() == pytest.approx(1.0, rel=FLOAT_ROUNDOFF)
        assert table.speed_share_above(table.v_edges_km_s[0]) == pytest.approx(
            1.0, rel=FLOAT_ROUNDOFF)
    np.testing.assert_allclose(table.to_random_plate().flux_m2_yr * 4, table.flux_m2_yr,
                               rtol=FLOAT_ROUNDOFF)
    groups = table.sum_over_groups()
    np.testing.assert_allclose(sum(groups.values()), table.flux_cells_m2_yr(),
                               rtol=FLOAT_ROUNDOFF, atol=1e-300)
    back = parse_tabulated_flux(format_flux_table(table))
    np.testing.assert_array_equal(back.flux_m2_yr, table.flux_m2_yr)
    np.testing.assert_array_equal(back.d_edges_cm, table.d_edges_cm)
    np.testing.assert_array_equal(back.v_edges_km_s, table.v_edges_km_s)
    assert back.sources == table.sources
