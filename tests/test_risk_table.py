"""The tabulated fraction above the ballistic limit agrees with the direct evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.environment.sporadic import grun_size_spectrum, sporadic_meteoroid_bundles
from impactrisk.geometry import band_facets, radiator
from impactrisk.risk import FractionTable, integrate_impacts

#: Bilinear interpolation on 0.25 km/s x 0.005 in cosine of functions that are power
#: laws in V and cos(theta): the integrated counts must agree to this.
HALF_PERCENT = 0.005


@pytest.mark.parametrize("wall_mm", [0.5, 1.0, 2.5])
def test_table_matches_direct_integration(wall_mm):
    field = sporadic_meteoroid_bundles(6378.0 + 415.0, n_directions=500)
    spectrum = grun_size_spectrum()
    surfaces = radiator("r", band_facets((0, 0, 1), 1.36, 0.94, facets=12), facesheet_mm=0.0,
                        wall_mm=wall_mm, gap_mm=0.0, channel_fraction=0.15, channel_diameter_mm=6.0,
                        channel_axis="axial", material="amg6", facets_per_channel=6)
    for k, shield in enumerate(surfaces.shields):
        sel = surfaces.element_shield == k
        args = (field, spectrum, surfaces.normals_body[sel], surfaces.area_m2[sel], shield.d_crit_cm, 1.0)
        walls = surfaces.wall_normals_body[sel] if surfaces.wall_normals_body is not None else None
        direct = integrate_impacts(*args, wall_normals_lvlh=walls)
        tabulated = integrate_impacts(*args, wall_normals_lvlh=walls,
                                      fraction_table=FractionTable(spectrum, shield.d_crit_cm))
        np.testing.assert_allclose(tabulated.n_above_limit.sum(), direct.n_above_limit.sum(), rtol=HALF_PERCENT)
        np.testing.assert_allclose(tabulated.n_above_limit, direct.n_above_limit, rtol=2 * HALF_PERCENT)


#: float32 arithmetic of the kernel's lookups against the float64 bilinear table.
FLOAT32 = 2e-6


@pytest.mark.parametrize("n_elements", [3, 40, 150])
def test_kernel_lookups_match_the_table(n_elements):
    # FractionTable.pairs (the kernel's per-pair lookup: whole interpolated rows for
    # many elements, two direct reads per pair for few) is the same bilinear
    # interpolation as calling the table, to float32 rounding.
    spectrum = grun_size_spectrum()
    surfaces = radiator("r", band_facets((0, 0, 1), 1.36, 0.94, facets=12), facesheet_mm=0.0,
                        wall_mm=1.0, gap_mm=0.0, channel_fraction=0.15, channel_diameter_mm=6.0,
                        channel_axis="axial", material="amg6")
    table = FractionTable(spectrum, surfaces.shields[0].d_crit_cm)
    rng = np.random.default_rng(5)
    v = rng.uniform(2.0, 40.0, 64)
    cosine = rng.uniform(0.0, 1.0, (64, n_elements))
    cosine[:, 0] = 0.0
    expected = table(v[:, None], cosine)
    got = table.pairs(v, cosine)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=FLOAT32, atol=FLOAT32 * expected.max())
