"""The tabulated fraction above the ballistic limit agrees with the direct evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from impactrisk.environment.sporadic import grun_size_spectrum, sporadic_meteoroid_bundles
from impactrisk.geometry import band_facets, radiator
from impactrisk.environment.directional import FluxBundles
from impactrisk import risk
from impactrisk.risk import FractionTable, OrientedElements, integrate_impacts, pattern_response

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


def _kernel_cases():
    """(name, elements, tables) of element sets the pattern kernel must handle: a
    radiator whose channel facets share normals and walls (the usual case), one with
    channel facets that share none, and random elements, each normal on its own wall."""
    spectrum = grun_size_spectrum()
    aligned = radiator("r", band_facets((0, 0, 1), 1.36, 0.94, facets=12), facesheet_mm=0.0,
                       wall_mm=1.0, gap_mm=0.0, channel_fraction=0.15, channel_diameter_mm=6.0,
                       channel_axis="axial", material="amg6", facets_per_channel=6)
    skew = radiator("r", band_facets((0, 0, 1), 1.36, 0.94, facets=7), facesheet_mm=0.0,
                    wall_mm=1.0, gap_mm=0.0, channel_fraction=0.15, channel_diameter_mm=6.0,
                    channel_axis="axial", material="amg6", facets_per_channel=5)
    cases = []
    for name, surfaces in (("aligned radiator", aligned), ("skew radiator", skew)):
        elements = OrientedElements.from_surface_set(surfaces)
        cases.append((name, elements, [FractionTable(spectrum, s.d_crit_cm) for s in elements.shields]))
    rng = np.random.default_rng(11)
    normals = rng.normal(size=(60, 3))
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    shields = aligned.shields
    random = OrientedElements.from_arrays(normals, rng.uniform(0.1, 2.0, 60), rng.integers(0, 3, 60),
                                          ("a", "b", "c"), shield=rng.integers(0, 2, 60), shields=shields)
    cases.append(("random elements", random, [FractionTable(spectrum, s.d_crit_cm) for s in shields]))
    return cases


#: The kernel sums float32 products in blocks; against float64 sums per element.
KERNEL_FLOAT32 = 1e-5


@pytest.mark.parametrize("sums", ["as chosen", "gathered", "dense"])
@pytest.mark.parametrize("case", range(3))
def test_pattern_kernel_matches_per_element_integration(case, sums, monkeypatch):
    # The pattern kernel (all elements, patterns, shields and sums at once, cosines and
    # fractions per distinct normal) against integrate_impacts run element by element
    # and pattern by pattern with the same fraction tables: an independent, plain
    # evaluation of the same integral. Both forms of the element sums are checked.
    if sums != "as chosen":
        monkeypatch.setattr(risk, "_DENSE_ENTRIES_PER_ELEMENT", 0 if sums == "gathered" else 10**9)
    name, elements, tables = _kernel_cases()[case]
    field = sporadic_meteoroid_bundles(6378.0 + 415.0, n_directions=300)
    spectrum = grun_size_spectrum()
    pattern = np.arange(len(field)) % 3
    got = pattern_response(field, pattern, 3, elements, tables)
    n_expected = np.zeros((3, elements.n_surfaces))
    projected = np.zeros((3, elements.n_surfaces))
    for p in range(3):
        sel = pattern == p
        sub = FluxBundles(field.source, field.u_lvlh[sel], field.v_km_s[sel], field.flux_m2_yr[sel])
        for e in range(len(elements.area_m2)):
            k, s = elements.shield[e], elements.surface[e]
            common = (sub, spectrum, elements.normals_lvlh[e:e + 1], elements.area_m2[e:e + 1])
            hits = integrate_impacts(*common, elements.shields[k].d_crit_cm,
                                     wall_normals_lvlh=elements.walls_lvlh[e:e + 1], fraction_table=tables[k])
            n_expected[p, s] += hits.n_above_limit[0]
            every = integrate_impacts(*common, lambda v, a, rho: np.zeros_like(v * a),
                                      wall_normals_lvlh=elements.walls_lvlh[e:e + 1])
            projected[p, s] += every.n_above_limit[0]
    assert n_expected.min() > 0.0, name
    np.testing.assert_allclose(got.n, n_expected, rtol=KERNEL_FLOAT32, err_msg=name)
    np.testing.assert_allclose(got.projected, projected, rtol=KERNEL_FLOAT32, err_msg=name)
    # The speed distribution sums to the counts; the flux is the bundles' own.
    np.testing.assert_allclose(got.speed.sum(axis=2), got.n, rtol=1e-9)
    np.testing.assert_allclose(got.flux, np.bincount(pattern, weights=field.flux_m2_yr), rtol=1e-12)


def test_pattern_kernel_projects_elements_without_a_shield():
    # Elements with no ballistic limit (the faces of the flux summary's cube) still
    # collect the projected counts: sum of f_b max(0, -u_b . n_e) A_e, here by hand.
    field = sporadic_meteoroid_bundles(6378.0 + 415.0, n_directions=200)
    normals = np.vstack([np.eye(3), -np.eye(3)])
    area = np.array([1.0, 2.0, 0.5, 1.5, 3.0, 0.25])
    cube = OrientedElements.from_arrays(normals, area, np.arange(6), tuple("abcdef"))
    pattern = np.arange(len(field)) % 2
    got = pattern_response(field, pattern, 2, cube, [])
    by_hand = np.array([np.bincount(pattern, weights=field.flux_m2_yr * np.maximum(0.0, -field.u_lvlh @ n) * a,
                                    minlength=2) for n, a in zip(normals, area)]).T
    np.testing.assert_allclose(got.projected, by_hand, rtol=KERNEL_FLOAT32)
    assert not got.n.any()


def test_a_block_response_does_not_depend_on_the_blocks_computed_with_it():
    # Batch reports and single assessments must give the same numbers bit for bit: a
    # block of patterns computed alone or after another block (with its start marked)
    # gets the same float32 products and sums.
    name, elements, tables = _kernel_cases()[0]
    field = sporadic_meteoroid_bundles(6378.0 + 415.0, n_directions=300)
    first = slice(0, 777)                  # a block whose end falls inside a kernel chunk
    second = slice(777, len(field))
    alone = pattern_response(FluxBundles(field.source, field.u_lvlh[second], field.v_km_s[second],
                                         field.flux_m2_yr[second]),
                             np.arange(second.stop - second.start) % 2, 2, elements, tables)
    pattern = np.concatenate([np.arange(first.stop) % 2, 2 + np.arange(second.stop - second.start) % 2])
    together = pattern_response(field, pattern, 4, elements, tables, starts=[first.stop])
    np.testing.assert_array_equal(together.packed[2:], alone.packed)


_BLAS_PROBE = """
import numpy as np
from impactrisk.environment.sporadic import grun_size_spectrum, sporadic_meteoroid_bundles
from impactrisk.geometry import band_facets, radiator
from impactrisk.risk import FractionTable, OrientedElements, pattern_response
# A Soyuz-sized radiator: 36 facets of 12 channel facets each, products of about a
# million multiply-adds per block of bundles.
surfaces = radiator("r", band_facets((0, 0, 1), 1.36, 0.94, facets=36), facesheet_mm=0.0, wall_mm=1.0,
                    gap_mm=0.0, channel_fraction=0.15, channel_diameter_mm=6.0, channel_axis="axial",
                    material="amg6", facets_per_channel=12)
elements = OrientedElements.from_surface_set(surfaces)
tables = [FractionTable(grun_size_spectrum(), s.d_crit_cm) for s in elements.shields]
field = sporadic_meteoroid_bundles(6378.0 + 415.0, n_directions=2000)
print(pattern_response(field, np.arange(len(field)) % 3, 3, elements, tables).packed.tobytes().hex())
"""


def test_pattern_kernel_does_not_depend_on_blas_threads():
    # Batch workers allow BLAS one thread, an assessment in the caller's process as many
    # as it has: the kernel's products are small enough for BLAS to run each on one
    # thread either way, so the responses agree bit for bit.
    import os
    import subprocess
    import sys

    code = _BLAS_PROBE
    outputs = []
    for threads in ("1", "4"):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        outputs.append(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                      text=True, timeout=300).stdout)
    assert outputs[0] and outputs[0] == outputs[1]
