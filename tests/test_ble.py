"""Unit tests of impactrisk.ble: registry, materials, edge cases, holes, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from impactrisk.ble import (
    BLE_MODELS,
    angle_cutoff_used,
    critical_diameter_cm,
    resolve_model,
)
from impactrisk.ble.holes import hole_size_bracket_cm
from impactrisk.ble.materials import MATERIALS, get_material
from impactrisk.ble.single_wall import (
    cour_palais_christiansen,
    cres_single_wall,
    fiberglass_single_wall,
    fish_summers,
    fish_summers_k,
    titanium_single_wall,
)
from impactrisk.ble.whipple import christiansen_whipple
from impactrisk.cli.ble import ble
from impactrisk.errors import InputError

#: Round-off only (same closed form evaluated twice).
ROUND_OFF = 1e-12

AL = dict(t_cm=0.1, rho_t_g_cm3=2.70, bhn=95.0, c_km_s=5.05)  # Al 6061-T6, BLAP Table 1
WHIPPLE = dict(t_b_cm=0.127, rho_b_g_cm3=2.7, t_w_cm=0.3175, sigma_ksi=40.0, s_cm=10.0)


# ------------------------------------------------------------------ materials

@pytest.mark.parametrize("name", ["al6061-t6", "Al 6061-T6", "6061", "AA6061-T6",
                                  "aluminium 6061-t6", "AL6061T6"])
def test_material_lookup_is_format_insensitive(name):
    assert get_material(name).name == "Al 6061-T6"


def test_material_values_blap_table_1():
    # NASA/TM-2009-214789 Table 1.
    m = get_material("amg6")
    assert (m.density_g_cm3, m.yield_ksi, m.sound_speed_km_s, m.bhn) == (2.63, 35, 5.07, 73)
    ti = get_material("Ti-15-3-3-3")
    assert (ti.density_g_cm3, ti.sound_speed_km_s, ti.bhn) == (4.73, 4.26, 257)
    assert ti.yield_ksi is None


def test_every_material_has_a_reference():
    for mat in MATERIALS.values():
        assert mat.reference
        assert mat.density_g_cm3 > 0


def test_unknown_material_lists_close_names():
    with pytest.raises(InputError, match="did you mean Al 6061-T6"):
        get_material("al6601-t6")
    with pytest.raises(InputError, match="unknown material 'unobtainium'"):
        get_material("unobtainium")


# ------------------------------------------------------------------- registry

def test_registry_entries_are_complete():
    for name, model in BLE_MODELS.items():
        assert callable(model.func), name
        assert model.required_params
        assert 0 < model.default_angle_cutoff_deg <= 90
        assert model.reference and model.description
    assert BLE_MODELS["christiansen_whipple"].default_angle_cutoff_deg == 65.0
    assert BLE_MODELS["cour_palais_christiansen"].default_angle_cutoff_deg == 90.0


@pytest.mark.parametrize("alias, key", [("cour-palais", "cour_palais_christiansen"),
                                        ("Whipple", "christiansen_whipple"),
                                        ("fish-summers", "fish_summers"),
                                        ("cres", "cres_single_wall")])
def test_resolve_model_aliases(alias, key):
    assert resolve_model(alias) == key


def test_unknown_model():
    with pytest.raises(InputError, match="unknown ballistic limit equation 'frost'"):
        critical_diameter_cm("frost", 7.0, 0.0, 1.0)


def test_missing_parameters_named_exactly():
    with pytest.raises(InputError) as info:
        critical_diameter_cm("whipple", 7.0, 0.0, 2.8, t_b_cm=0.1, s_cm=10.0)
    message = str(info.value)
    assert "rho_b_g_cm3, t_w_cm, sigma_ksi (missing)" in message
    assert "t_b_cm" not in message.split("needs")[1]


def test_none_counts_as_missing():
    with pytest.raises(InputError, match=r"needs bhn \(missing\)"):
        critical_diameter_cm("cour-palais", 7.0, 0.0, 1.0, t_cm=0.1, rho_t_g_cm3=2.7,
                             bhn=None, c_km_s=5.05)


def test_unexpected_parameter():
    with pytest.raises(InputError, match="unexpected: s_cm"):
        critical_diameter_cm("cour-palais", 7.0, 0.0, 1.0, **AL, s_cm=3.0)


def test_registry_call_equals_direct_call():
    v = np.array([3.0, 7.0, 15.0])
    direct = christiansen_whipple(v, 30.0, 2.8, **WHIPPLE)
    via = critical_diameter_cm("christiansen_whipple", v, 30.0, 2.8, **WHIPPLE)
    np.testing.assert_array_equal(direct, via)


def test_angle_cutoff_reported():
    assert angle_cutoff_used("whipple") == 65.0
    assert angle_cutoff_used("cour-palais") == 90.0
    assert angle_cutoff_used("cour-palais", angle_cutoff_deg=60.0) == 60.0


@pytest.mark.parametrize("param, value", [("t_cm", -0.1), ("t_cm", 0.0),
                                          ("rho_t_g_cm3", -2.7), ("bhn", 0.0),
                                          ("c_km_s", -5.0)])
def test_non_positive_wall_parameter_named(param, value):
    params = {**AL, param: value}
    with pytest.raises(InputError, match=rf"{param} must be > 0, got {value:g}"):
        critical_diameter_cm("cour-palais", 7.0, 0.0, 1.0, **params)


@pytest.mark.parametrize("param", list(WHIPPLE))
def test_non_positive_whipple_parameter_named(param):
    with pytest.raises(InputError, match=rf"{param} must be > 0, got -1"):
        christiansen_whipple(7.0, 0.0, 2.8, **{**WHIPPLE, param: -1.0})


def test_bad_impact_inputs():
    with pytest.raises(InputError, match="v_km_s must be >= 0, got -1"):
        cour_palais_christiansen([7.0, -1.0], 0.0, 1.0, **AL)
    with pytest.raises(InputError, match="angle_deg must lie in"):
        cour_palais_christiansen(7.0, 95.0, 1.0, **AL)
    with pytest.raises(InputError, match="rho_p_g_cm3 must be > 0, got 0"):
        cour_palais_christiansen(7.0, 0.0, 0.0, **AL)
    with pytest.raises(InputError, match="criterion must be one of"):
        cour_palais_christiansen(7.0, 0.0, 1.0, **AL, criterion="crater")
    with pytest.raises(InputError, match="angle_cutoff_deg must lie in"):
        cour_palais_christiansen(7.0, 0.0, 1.0, **AL, angle_cutoff_deg=120.0)
    with pytest.raises(InputError, match="must be a number"):
        cour_palais_christiansen("fast", 0.0, 1.0, **AL)


# -------------------------------------------------------- shared conventions

ALL_CALLS = {
    "cour_palais": lambda v, a, r: cour_palais_christiansen(v, a, r, **AL),
    "titanium": lambda v, a, r: titanium_single_wall(v, a, r, 0.1, 4.73, 257.0, 4.26),
    "cres": lambda v, a, r: cres_single_wall(v, a, r, 0.1, 7.8),
    "fiberglass": lambda v, a, r: fiberglass_single_wall(v, a, r, 0.1, 1.9),
    "fish_summers": lambda v, a, r: fish_summers(v, a, r, 0.1, 0.54),
}


@pytest.mark.parametrize("name", list(ALL_CALLS))
def test_zero_normal_speed_gives_infinity(name):
    f = ALL_CALLS[name]
    assert np.isinf(f(7.0, 90.0, 1.0))
    assert np.isinf(f(0.0, 0.0, 1.0))


def test_whipple_zero_speed_infinite():
    assert np.isinf(christiansen_whipple(0.0, 0.0, 2.8, **WHIPPLE))
    assert np.isinf(christiansen_whipple(5.0, 90.0, 2.8, **WHIPPLE, angle_cutoff_deg=90.0))


@pytest.mark.parametrize("name", list(ALL_CALLS))
def test_nan_propagates(name):
    f = ALL_CALLS[name]
    out = f(np.array([7.0, np.nan, 7.0, 7.0]), np.array([0.0, 0.0, np.nan, 0.0]),
            np.array([1.0, 1.0, 1.0, np.nan]))
    assert np.isfinite(out[0])
    assert np.all(np.isnan(out[1:]))


def test_whipple_nan_propagates():
    out = christiansen_whipple(np.array([np.nan, 10.0, 10.0]), 0.0,
                               np.array([2.8, np.nan, 2.8]),
                               **{**WHIPPLE, "t_b_cm": np.array([0.1, 0.1, np.nan])})
    assert np.all(np.isnan(out))


def test_broadcast_shape():
    v = np.linspace(1, 20, 5)[:, None]
    a = np.array([0.0, 30.0, 60.0])[None, :]
    assert cour_palais_christiansen(v, a, 1.0, **AL).shape == (5, 3)
    assert christiansen_whipple(v, a, 2.8, **WHIPPLE).shape == (5, 3)


def test_scalar_call_returns_scalar():
    assert np.ndim(cour_palais_christiansen(7.0, 0.0, 1.0, **AL)) == 0
    assert np.ndim(christiansen_whipple(7.0, 0.0, 1.0, **WHIPPLE)) == 0


def test_single_wall_cutoff_holds_value():
    at_60 = cour_palais_christiansen(10.0, 60.0, 1.0, **AL)
    at_80 = cour_palais_christiansen(10.0, 80.0, 1.0, **AL, angle_cutoff_deg=60.0)
    assert at_80 == at_60
    assert cour_palais_christiansen(10.0, 80.0, 1.0, **AL) > at_60


def test_criteria_order():
    # t = k P with k 1.8 < 2.2 < 3.0: spall starts at smaller projectiles.
    perf, det, inc = (cour_palais_christiansen(7.0, 0.0, 2.8, **AL, criterion=c)
                      for c in ("perforation", "detached-spall", "incipient_spall"))
    assert inc < det < perf


def test_density_branch_discontinuity_at_one_and_a_half():
    below = cour_palais_christiansen(7.0, 0.0, 1.5 * 2.7 * (1 - 1e-9), **AL)
    above = cour_palais_christiansen(7.0, 0.0, 1.5 * 2.7, **AL)
    # rho_t/rho_p = 1/1.5: (1/1.5)^(1/2) vs (1/1.5)^(2/3), to the power 18/19.
    expected_ratio = ((1 / 1.5) ** (2 / 3) / (1 / 1.5) ** 0.5) ** (18 / 19)
    assert above / below == pytest.approx(expected_ratio, rel=1e-8)


def test_fish_summers_k_lookup():
    assert fish_summers_k("al2024-t3") == 0.54
    assert fish_summers_k("1100-O") == 0.52
    with pytest.raises(InputError, match="published only for"):
        fish_summers_k("al6061-t6")


# --------------------------------------------------------------------- holes

def test_hole_bracket():
    b = hole_size_bracket_cm(np.array([0.02, 0.1, np.inf, np.nan]), 0.08)
    np.testing.assert_array_equal(b.every_perforation_cm, [0.02, 0.1, np.inf, np.nan])
    np.testing.assert_array_equal(b.hole_equals_projectile_cm, [0.08, 0.1, np.inf, np.nan])
    assert np.isnan(hole_size_bracket_cm(0.02, np.nan).hole_equals_projectile_cm)
    with pytest.raises(InputError, match="hole_diameter_cm must be >= 0"):
        hole_size_bracket_cm(0.02, -0.1)


def test_hole_bracket_ordering():
    b = hole_size_bracket_cm(np.array([0.01, 0.05]), np.array([0.03, 0.03]))
    assert np.all(b.hole_equals_projectile_cm >= b.every_perforation_cm)


# ----------------------------------------------------------------------- CLI

@pytest.fixture
def cli():
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(ble)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, list(args))

    return run


def test_cli_table(cli):
    result = cli("--wall", "1mm", "--material", "AMg6", "--speeds", "10..20:10",
                 "--angles", "0,90")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "cour_palais_christiansen" in out
    assert "AMg6" in out and "BHN 73" in out
    assert "criterion  perforation" in out
    assert "cut-off    90 deg" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("20")]
    expected_mm = 10 * cour_palais_christiansen(20.0, 0.0, 1.0, 0.1, 2.63, 73.0, 5.07)
    assert float(rows[0][1]) == pytest.approx(expected_mm, rel=1e-3)
    assert rows[0][2] == "inf"


def test_cli_json_matches_library(cli):
    result = cli("--wall", "0.1cm", "--material", "al6061-t6", "--speeds", "3,7",
                 "--angles", "0,45,90", "--density", "1,2.8", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["equation"] == "cour_palais_christiansen"
    assert data["angle_cutoff_deg"] == 90.0
    assert data["speeds_km_s"] == [3.0, 7.0]
    d = data["d_crit_mm"]
    assert d[1][1][1] == pytest.approx(
        10 * cour_palais_christiansen(7.0, 45.0, 2.8, **AL), rel=ROUND_OFF)
    assert d[0][0][2] is None  # 90 deg: no penetration


def test_cli_whipple(cli):
    result = cli("--equation", "whipple", "--wall", "3.175mm", "--bumper", "1.27mm",
                 "--standoff", "10cm", "--speeds", "7", "--angles", "80",
                 "--density", "2.8", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["angle_cutoff_deg"] == 65.0
    expected = 10 * christiansen_whipple(7.0, 80.0, 2.8, **WHIPPLE)
    assert data["d_crit_mm"][0][0][0] == pytest.approx(expected, rel=ROUND_OFF)


def test_cli_fish_summers_uses_published_k(cli):
    result = cli("--equation", "fish-summers", "--material", "2024-T3", "--wall", "1mm",
                 "--speeds", "7", "--angles", "0", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["wall"]["fish_summers_k"] == 0.54
    assert data["d_crit_mm"][0][0][0] == pytest.approx(
        10 * fish_summers(7.0, 0.0, 1.0, 0.1, 0.54), rel=ROUND_OFF)


def test_cli_range_with_step(cli):
    result = cli("--wall", "1mm", "--speeds", "1..2:0.25", "--angles", "0", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["speeds_km_s"] == [1.0, 1.25, 1.5, 1.75, 2.0]


@pytest.mark.parametrize("args, fragment", [
    (("--wall", "-1mm"), "--wall must be a positive length"),
    (("--wall", "1"), "expected a length with unit"),
    (("--wall", "1mm", "--material", "al6601"), "unknown material"),
    (("--wall", "1mm", "--equation", "frost"), "unknown ballistic limit equation"),
    (("--wall", "1mm", "--speeds", "20..1"), "start <= stop"),
    (("--wall", "1mm", "--speeds", "1..x"), "expected a number"),
    (("--wall", "1mm", "--angles", "0,100"), "angle_deg must lie in"),
    (("--wall", "1mm", "--equation", "whipple"), "needs --bumper and --standoff"),
    (("--wall", "1mm", "--material", "15-5ph"), "fitted to aluminium walls"),
    (("--wall", "1mm", "--equation", "cres", "--criterion", "detached-spall", "--material",
      "15-5ph"), "perforation only"),
    (("--speeds", "7"), "--wall is required"),
])
def test_cli_errors_one_line(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_cli_plot(cli, tmp_path):
    target = tmp_path / "blc.png"
    result = cli("--wall", "1mm", "--speeds", "1..20", "--angles", "0,45,90",
                 "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_size > 1000
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_plot_bad_path(cli, tmp_path):
    result = cli("--wall", "1mm", "--plot", str(tmp_path / "missing" / "x.png"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write plot" in lines[0]
