"""Print speed figures for the directional flux of every source along the orbit.

One year (2023) of the bundled ISS history at a 60 s step, all sources (sporadic
meteoroids, the showers, debris), ten particle sizes:

1. wall time of :func:`impactrisk.chain.flux_summary` (what ``impactrisk flux`` runs);
2. its split, measured outside the library on the same chunks: propagation (SGP4 with
   element-set selection), the ephemeris quantities the environment reads (LVLH basis,
   altitude, argument of latitude, inclination, solar longitude, staleness), the
   environment exposures (:func:`impactrisk.environment.model.environment_exposure`),
   and the reduction onto faces and sizes (the remainder of the total);
3. per source: the pattern blocks met and the bundles they hold, the sample rows, and
   evaluations per second, counted as (sample rows x patterns per row) x faces x sizes /
   wall time of ``flux_summary``: what a per-sample evaluation would have had to do.

Run: ``python benchmarks/bench_environment.py``.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict

import numpy as np

SIZES_CM = np.logspace(-3, 0, 10)  # 10 um to 1 cm


def main() -> None:
    from impactrisk.api import TimeGrid, load_orbit
    from impactrisk.chain import FACES, flux_summary
    from impactrisk.environment.model import EnvironmentConfig, environment_exposure
    from impactrisk.io.flux_tables import load_environment_inputs
    from impactrisk.propagation import iter_ephemeris

    orbit = load_orbit()
    inputs = load_environment_inputs()
    config = EnvironmentConfig()
    grid = TimeGrid.from_range("2023-01-01", "2024-01-01", "60s")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a benchmark reports times, not data quality
        # Warm-up: the planetary ephemeris and the tables load once, as in a long process.
        flux_summary(orbit, TimeGrid.from_range("2023-01-01", "2023-01-02", "60s"), inputs,
                     sizes_cm=SIZES_CM, config=config)

        t0 = time.perf_counter()
        summary = flux_summary(orbit, grid, inputs, sizes_cm=SIZES_CM, config=config)
        cold = time.perf_counter() - t0
        from impactrisk.risk import ResponseCache

        cache = ResponseCache()
        flux_summary(orbit, grid, inputs, sizes_cm=SIZES_CM, config=config, cache=cache)
        t0 = time.perf_counter()
        flux_summary(orbit, grid, inputs, sizes_cm=SIZES_CM, config=config, cache=cache)
        warm = time.perf_counter() - t0

        t_prop = t_eph = t_env = 0.0
        rows: dict[str, int] = defaultdict(int)
        blocks: dict[str, set] = defaultdict(set)
        bundles: dict[str, int] = defaultdict(int)
        chunks = 0
        iterator = iter_ephemeris(orbit, grid)
        while True:
            t = time.perf_counter()
            eph = next(iterator, None)
            t_prop += time.perf_counter() - t
            if eph is None:
                break
            chunks += 1
            t = time.perf_counter()
            eph.lvlh_teme, eph.altitude_km, eph.arg_latitude_deg
            eph.inclination_deg, eph.solar_longitude_deg
            eph.staleness()
            t_eph += time.perf_counter() - t
            t = time.perf_counter()
            exposures = environment_exposure(eph, inputs, config)
            t_env += time.perf_counter() - t
            for ex in exposures:
                rows[ex.name] += ex.pattern.size
                for block in ex.blocks:
                    if (ex.family.key, block) not in blocks[ex.name]:
                        blocks[ex.name].add((ex.family.key, block))
                        bundles[ex.name] += len(ex.family.build(block)[0])

    n_rows = sum(rows.values())
    evaluations = n_rows * len(FACES) * len(SIZES_CM)
    print(f"one year of ISS history (2023) at 60 s: {grid.n:,} samples in {chunks} chunks, "
          f"{len(SIZES_CM)} sizes, {len(FACES)} faces, all sources")
    print(f"  flux_summary wall time: {cold:6.2f} s with fresh pattern responses, "
          f"{warm:6.2f} s with responses kept from an earlier run")
    print("  split (measured separately on the same chunks):")
    print(f"    propagation (selection + SGP4) {t_prop:8.2f} s")
    print(f"    ephemeris quantities used       {t_eph:8.2f} s")
    print(f"    environment exposures           {t_env:8.2f} s")
    print(f"    responses and reduction         {cold - t_prop - t_eph - t_env:8.2f} s (remainder)")
    print("  per source: pattern blocks met, bundles in them, sample-pattern weights")
    for name in sorted(rows, key=lambda k: -rows[k]):
        print(f"    {name:<22s} {len(blocks[name]):>6,} blocks {bundles[name]:>10,} bundles "
              f"{rows[name]:>12,} weights")
    print(f"  evaluations (sample-pattern weights x faces x sizes) {evaluations:,}: "
          f"{evaluations / cold:,.0f} per s")
    xs = summary.total("random_plate_m2_yr")
    print(f"  check: random-plate flux of all sources >= 0.1 mm  "
          f"{np.interp(-2.0, np.log10(SIZES_CM), xs):.3f} m^-2 yr^-1 (log-size interpolation)")


if __name__ == "__main__":
    main()
