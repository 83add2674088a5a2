"""Invariants of the size spectra (hypothesis).

* cumulative flux never increases with size or mass, for every model;
* the density-class sum equals the single-density flux when every class has the same
  density (the sum telescopes, physics brief convention 5);
* scalar calls equal the matching element of array calls; NaN in gives NaN out;
* speed-bin weights are additive over adjacent bins.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from impactrisk.environment import debris_spectra as ds
from impactrisk.environment import meteoroid
from impactrisk.environment.parameters import DensityClass
from impactrisk.io import flux_tables

#: Round-off allowed when comparing two evaluations of the same smooth expression.
FLOAT_ROUNDOFF = 1e-12
#: Telescoping sums of three terms of very different size lose a few ulps of the largest.
TELESCOPING = 1e-9

log_mass = st.floats(min_value=-18.0, max_value=2.0)
log_d_cm = st.floats(min_value=-3.0, max_value=2.0)
alt_km = st.floats(min_value=150.0, max_value=2000.0)
inc_deg = st.floats(min_value=28.5, max_value=90.0)
year = st.floats(min_value=1988.0, max_value=2100.0)
f107 = st.floats(min_value=60.0, max_value=300.0)
rho = st.floats(min_value=0.3, max_value=8.0)

ORDEM = flux_tables.load_ordem2000_handbook()


def _non_increasing(values) -> bool:
    values = np.asarray(values)
    return bool(np.all(values[1:] <= values[:-1] * (1.0 + FLOAT_ROUNDOFF)))


@given(st.lists(log_mass, min_size=2, max_size=20))
def test_grun_never_increases_with_mass(logs):
    masses = 10.0 ** np.sort(np.array(logs))
    assert _non_increasing(meteoroid.grun_1985_flux(masses))
    assert np.all(meteoroid.grun_1985_differential_flux(masses) > 0)


@given(st.lists(st.floats(min_value=-4.5, max_value=0.8), min_size=2, max_size=20))
def test_density_class_sum_never_increases_with_diameter(logs):
    d = 10.0 ** np.sort(np.array(logs))
    flux = meteoroid.grun_flux_above_diameter_by_class(np.broadcast_to(d, (3, d.size)))
    assert _non_increasing(flux)


@given(st.lists(log_d_cm, min_size=2, max_size=20), alt_km, inc_deg, year, f107)
def test_kessler_never_increases_with_diameter(logs, h, i, t, s):
    d = 10.0 ** np.sort(np.array(logs))
    assert _non_increasing(ds.kessler_1991_flux(d, h, i, t, s))


@given(st.lists(log_d_cm, min_size=2, max_size=20),
       st.floats(min_value=300.0, max_value=1500.0), st.floats(min_value=0.0, max_value=98.0),
       st.floats(min_value=2002.0, max_value=2024.0))
def test_ordem_never_increases_with_diameter(logs, h, i, t):
    d = 10.0 ** np.sort(np.array(logs))
    assert _non_increasing(ds.ordem2000_handbook_flux(d, h, i, t, ORDEM))


@given(st.lists(st.floats(min_value=-3.0, max_value=1.0), min_size=2, max_size=20))
def test_ordem_meteoroid_curve_never_increases(logs):
    d = 10.0 ** np.sort(np.array(logs))
    assert _non_increasing(ds.ordem2000_handbook_meteoroid_flux(d, ORDEM))


@given(log_d_cm, rho, st.floats(min_value=-15.0, max_value=1.0),
       st.floats(min_value=0.1, max_value=6.0))
def test_class_sum_equals_single_density_for_equal_densities(log_d, density, log_edge,
                                                             decades):
    d = 10.0**log_d
    mass = np.pi / 6.0 * density * d**3
    assume(1e-18 <= mass <= 1e2)
    edge1 = 10.0**log_edge
    classes = (DensityClass(0.0, edge1, density),
               DensityClass(edge1, edge1 * 10.0**decades, density),
               DensityClass(edge1 * 10.0**decades, np.inf, density))
    assume(classes[1].mass_hi_g <= 1e2)
    by_class = meteoroid.grun_flux_above_diameter_by_class(np.full(3, d), classes)
    single = meteoroid.grun_flux_above_diameter(d, density)
    assert abs(by_class - single) <= TELESCOPING * max(single,
                                                       meteoroid.grun_1985_flux(edge1))


@given(st.lists(log_mass, min_size=1, max_size=10), st.data())
def test_scalar_equals_array_element(logs, data):
    masses = 10.0 ** np.array(logs)
    k = data.draw(st.integers(min_value=0, max_value=masses.size - 1))
    assert meteoroid.grun_1985_flux(masses[k]) == meteoroid.grun_1985_flux(masses)[k]
    d = masses ** (1.0 / 3.0) * 0.01
    assert (ds.kessler_1991_flux(d[k], 400.0, 51.6, 2022.0, 120.0)
            == ds.kessler_1991_flux(d, 400.0, 51.6, 2022.0, 120.0)[k])


@settings(max_examples=25)
@given(alt_km, inc_deg, year, f107)
def test_nan_in_nan_out(h, i, t, s):
    assert np.isnan(ds.kessler_1991_flux(np.nan, h, i, t, s))
    assert np.isnan(ds.ordem2000_handbook_flux(np.nan, 400.0, 51.6, 2010.0, ORDEM))
    assert np.isnan(meteoroid.grun_flux_above_diameter(np.nan, 1.0))


@given(st.lists(st.floats(min_value=5.0, max_value=80.0), min_size=3, max_size=3,
                unique=True))
def test_speed_bins_are_additive(edges):
    a, b, c = sorted(edges)
    assume(b - a > 1e-6 and c - b > 1e-6)
    split = meteoroid.ssp30425_speed_bins([a, b, c])
    whole = meteoroid.ssp30425_speed_bins([a, c])
    assert abs(split.sum() - whole[0]) <= FLOAT_ROUNDOFF * max(whole[0], 1e-300) + 1e-15
