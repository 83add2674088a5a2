"""Print speed figures of the risk assessment.

1. Soyuz MS-22 over its docked period up to the leak (bundled ISS history, 60 s step,
   all sources): wall time in a fresh process (every pattern response computed; the
   imports and the planetary ephemeris are loaded before the clock starts) and again
   in the same process with the responses kept (as in a sweep, a band or a batch; best
   of three), per year of orbit, and the ratio to bare SGP4 (``Satrec.sgp4_array`` on the same
   grid, best of three).
2. One year of a design orbit circular:415:51.64 at 60 s, all sources: the same figures.
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


def bare_sgp4_s(start, end, orbit=None, step="60s") -> float:
    """Bare SGP4 on the grid: one element set, one vectorised call (best of three)."""
    from impactrisk.api import TimeGrid, load_orbit

    the_orbit = load_orbit(orbit=orbit)
    jd, fr = TimeGrid.from_range(start, end, step).jd_fr()
    sat = the_orbit.satrecs[0]
    return min(timed(lambda: sat.sgp4_array(jd, fr))[0] for _ in range(3))


CASES = {
    "ms22": ("Soyuz MS-22 docked period", None, None, None),
    "year": ("Soyuz MS-22 radiator on circular:415:51.64, one year", "2022-09-21T17:06:34",
             "2023-09-21T23:06:34", "circular:415:51.64:0:2022-09-21"),
}


def run_case(name: str) -> None:
    """Time one case in this (fresh) process and print its figures."""
    from impactrisk.api import assess, response_cache
    from impactrisk.io.modules import load_module
    from impactrisk.timegrid import parse_utc

    label, start, end, orbit = CASES[name]
    if start is None:
        t0, t1 = load_module("soyuz-ms-22").default_window()
    else:
        t0, t1 = parse_utc(start), parse_utc(end)
    # Imports, tables and the planetary ephemeris, outside the clock.
    assess("soyuz-ms-22", "2023-01-01", "2023-01-01T00:10", orbit="circular:415:51.64")

    def run():
        return assess("soyuz-ms-22", start, end, orbit=orbit)

    blocks = response_cache().misses
    cold, result = timed(run)
    blocks = response_cache().misses - blocks
    # Best of three, as for bare SGP4 (the machine's noise is the same for both).
    warm = min(timed(run)[0] for _ in range(3))
    days = (t1 - t0).total_seconds() / 86400.0
    bare = bare_sgp4_s(t0, t1, orbit)
    per_year = 365.25 / days
    print(f"{label}, {days:.1f} days at 60 s: N = {result.n_expected:.4g}")
    print(f"  fresh process ({blocks} pattern blocks computed): {cold:6.2f} s = {cold * per_year:6.2f} s per "
          f"year of orbit, ratio to bare SGP4 {cold / bare:5.1f}")
    print(f"  responses kept:                        {warm:6.2f} s = {warm * per_year:6.2f} s per "
          f"year of orbit, ratio to bare SGP4 {warm / bare:5.1f}  (bare SGP4 {bare * per_year:.2f} s per year)")


def main() -> None:
    import subprocess

    warnings.simplefilter("ignore")
    if "--case" in sys.argv:
        run_case(sys.argv[sys.argv.index("--case") + 1])
        return
    for name in (("ms22",) if "--quick" in sys.argv else tuple(CASES)):
        subprocess.run([sys.executable, __file__, "--case", name], check=True)
    if "--quick" in sys.argv:
        return
    from impactrisk.api import assess

    fine_s, fine = timed(lambda: assess("soyuz-ms-22", step="10s"))
    coarse = assess("soyuz-ms-22")
    print(f"step convergence: N(60 s) = {coarse.n_expected:.6g}, N(10 s) = {fine.n_expected:.6g}, "
          f"difference {100 * (coarse.n_expected / fine.n_expected - 1):+.3f} % (target within 0.5 %); "
          f"10 s run {fine_s:.1f} s")


if __name__ == "__main__":
    main()
