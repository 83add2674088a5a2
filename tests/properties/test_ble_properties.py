"""Physical invariants of the ballistic limit equations (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from impactrisk.ble.single_wall import (
    cour_palais_christiansen,
    cres_single_wall,
    fiberglass_single_wall,
    fish_summers,
    titanium_single_wall,
)
from impactrisk.ble.whipple import christiansen_whipple

speed = st.floats(0.5, 75.0)
angle = st.floats(0.0, 89.0)
density = st.floats(0.3, 8.0)
thickness = st.floats(0.005, 2.0)
criterion = st.sampled_from(["perforation", "detached_spall", "incipient_spall"])

whipple_walls = st.fixed_dictionaries({
    "t_b_cm": st.floats(0.005, 0.5),
    "rho_b_g_cm3": st.floats(1.5, 3.0),
    "t_w_cm": st.floats(0.05, 1.0),
    "sigma_ksi": st.floats(5.0, 80.0),
    "s_cm": st.floats(1.0, 50.0),
})


def single_wall(name, v, a, rho_p, t, crit="perforation"):
    if name == "cour_palais":
        return cour_palais_christiansen(v, a, rho_p, t, 2.70, 95.0, 5.05, criterion=crit)
    if name == "titanium":
        return titanium_single_wall(v, a, rho_p, t, 4.73, 257.0, 4.26, criterion=crit)
    if name == "cres":
        return cres_single_wall(v, a, rho_p, t, 7.8)
    if name == "fiberglass":
        return fiberglass_single_wall(v, a, rho_p, t, 1.9)
    return fish_summers(v, a, rho_p, t, 0.54)


single_wall_names = st.sampled_from(["cour_palais", "titanium", "cres", "fiberglass",
                                     "fish_summers"])


@given(single_wall_names, speed, angle, density, thickness, thickness, criterion)
def test_thicker_wall_never_lowers_d_crit(name, v, a, rho_p, t1, t2, crit):
    lo, hi = sorted((t1, t2))
    assert single_wall(name, v, a, rho_p, hi, crit) >= single_wall(name, v, a, rho_p, lo, crit)


@given(single_wall_names, speed, speed, angle, density, thickness)
def test_faster_never_raises_single_wall_d_crit(name, v1, v2, a, rho_p, t):
    slow, fast = sorted((v1, v2))
    assert single_wall(name, fast, a, rho_p, t) <= single_wall(name, slow, a, rho_p, t)


@given(single_wall_names, speed, angle, density, thickness)
def test_single_wall_d_crit_positive_and_finite(name, v, a, rho_p, t):
    d = single_wall(name, v, a, rho_p, t)
    assert np.isfinite(d) and d > 0


@given(single_wall_names, st.lists(st.tuples(speed, angle, density), min_size=1, max_size=6),
       thickness, st.data())
def test_single_wall_scalar_equals_array_element(name, rows, t, data):
    v, a, r = (np.array(x) for x in zip(*rows))
    arr = single_wall(name, v, a, r, t)
    i = data.draw(st.integers(0, len(rows) - 1))
    assert single_wall(name, float(v[i]), float(a[i]), float(r[i]), t) == arr[i]


@given(single_wall_names, st.integers(0, 2), speed, angle, density)
def test_single_wall_nan_in_nan_out(name, which, v, a, rho_p):
    args = [v, a, rho_p]
    args[which] = np.nan
    assert np.isnan(single_wall(name, *args, 0.1))


# ------------------------------------------------------------------- Whipple

@given(whipple_walls, speed, angle, density, st.booleans())
def test_whipple_d_crit_positive(walls, v, a, rho_p, correction):
    d = christiansen_whipple(v, a, rho_p, **walls, bumper_correction=correction)
    assert np.isfinite(d) and d > 0


@given(whipple_walls, st.floats(0.05, 1.0), speed, angle, density, st.booleans())
def test_thicker_rear_wall_never_lowers_whipple_d_crit(walls, t_w2, v, a, rho_p, correction):
    lo, hi = sorted((walls["t_w_cm"], t_w2))
    d_lo = christiansen_whipple(v, a, rho_p, **{**walls, "t_w_cm": lo},
                                bumper_correction=correction)
    d_hi = christiansen_whipple(v, a, rho_p, **{**walls, "t_w_cm": hi},
                                bumper_correction=correction)
    assert d_hi >= d_lo * (1 - 1e-12)


@given(whipple_walls, st.floats(0.05, 2.999), st.floats(0.05, 2.999), angle, density,
       st.booleans())
def test_whipple_low_speed_regime_monotone(walls, vn1, vn2, a, rho_p, correction):
    # Ballistic regime (V_n <= 3 km/s): faster never needs a larger projectile.
    cos = np.cos(np.radians(min(a, 65.0)))
    slow, fast = sorted((vn1 / cos, vn2 / cos))
    d_slow = christiansen_whipple(slow, a, rho_p, **walls, bumper_correction=correction)
    d_fast = christiansen_whipple(fast, a, rho_p, **walls, bumper_correction=correction)
    assert d_fast <= d_slow * (1 + 1e-12)


@settings(max_examples=200)
@given(whipple_walls, st.floats(7.0, 75.0), st.floats(7.0, 75.0), angle, density,
       st.booleans())
def test_whipple_hypervelocity_regime_monotone(walls, vn1, vn2, a, rho_p, correction):
    cos = np.cos(np.radians(min(a, 65.0)))
    slow, fast = sorted((vn1 / cos, vn2 / cos))
    d_slow = christiansen_whipple(slow, a, rho_p, **walls, bumper_correction=correction)
    d_fast = christiansen_whipple(fast, a, rho_p, **walls, bumper_correction=correction)
    assert d_fast <= d_slow * (1 + 1e-9)


@given(whipple_walls, st.lists(st.tuples(speed, angle, density), min_size=1, max_size=6),
       st.data())
def test_whipple_scalar_equals_array_element(walls, rows, data):
    v, a, r = (np.array(x) for x in zip(*rows))
    arr = christiansen_whipple(v, a, r, **walls)
    i = data.draw(st.integers(0, len(rows) - 1))
    assert christiansen_whipple(float(v[i]), float(a[i]), float(r[i]), **walls) == arr[i]


@given(whipple_walls, st.integers(0, 2), speed, angle, density)
def test_whipple_nan_in_nan_out(walls, which, v, a, rho_p):
    args = [v, a, rho_p]
    args[which] = np.nan
    assert np.isnan(christiansen_whipple(*args, **walls))
