"""Print speed figures of the risk assessment.

1. Soyuz MS-22 over its docked period up to the leak (bundled ISS history, 60 s step,
   all sources): wall time, and the ratio to bare SGP4 on the same grid.
2. One year of a design orbit circular:415:51.64 at 60 s, all sources.
3. Step convergence: the MS-22 window at 60 s against 10 s (target within 0.5 %).

Targets (issue): under 1 s per year of orbit, ratio to bare SGP4 <= 3 on 2 cores.
Run: ``python benchmarks/bench_risk.py [--quick]`` (``--quick`` skips 2 and 3).
"""

from __future__ import annotations

import sys
import time
import warnings


def timed(func):
    t0 = time.perf_counter()
    result = func()
    return time.perf_counter() - t0, result


def bare_sgp4_s(start, end, step="60s") -> float:
    from impactrisk.api import TimeGrid, load_orbit

    orbit = load_orbit()
    jd, fr = TimeGrid.from_range(start, end, step).jd_fr()
    sat = orbit.satrecs[0]
    seconds, _ = timed(lambda: sat.sgp4_array(jd, fr))
    return seconds


def main() -> None:
    from impactrisk.api import assess
    from impactrisk.io.modules import load_module

    warnings.simplefilter("ignore")
    start, end = load_module("soyuz-ms-22").default_window()
    seconds, result = timed(lambda: assess("soyuz-ms-22"))
    days = (end - start).total_seconds() / 86400.0
    bare = bare_sgp4_s(start, end)
    print(f"Soyuz MS-22, {days:.1f} days at 60 s: {seconds:.1f} s "
          f"({seconds / days * 365.25:.0f} s per year of orbit), ratio to bare SGP4 {seconds / bare:.0f}; "
          f"N = {result.n_expected:.4g}")
    if "--quick" in sys.argv:
        return
    seconds, result = timed(lambda: assess("soyuz-ms-22", "2022-09-21T17:06:34", "2023-03-28T09:57:27",
                                           orbit="circular:415:51.64:0:2022-09-21"))
    print(f"Soyuz MS-22 stay on a circular:415:51.64 orbit (188 d): {seconds:.1f} s, N = {result.n_expected:.4g}")
    fine_s, fine = timed(lambda: assess("soyuz-ms-22", step="10s"))
    coarse = assess("soyuz-ms-22")
    print(f"step convergence: N(60 s) = {coarse.n_expected:.6g}, N(10 s) = {fine.n_expected:.6g}, "
          f"difference {100 * (coarse.n_expected / fine.n_expected - 1):+.3f} % (target within 0.5 %); "
          f"10 s run {fine_s:.1f} s")


if __name__ == "__main__":
    main()
