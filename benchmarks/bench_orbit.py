"""Print speed and memory figures for the ephemeris.

1. One year (2023) of the bundled ISS history at a 60 s step: wall time of the full
   ephemeris (SGP4 with element-set selection, LVLH basis, spherical and geodetic
   altitude, argument of latitude, Sun direction, apex, solar longitude) and its ratio
   to bare ``Satrec.sgp4_array`` of one element set over the same grid.
   Targets: ratio <= 2, full ephemeris under 1 s on a 2-core machine.
2. Peak resident memory of a ten-year span at a 10 s step (a ``circular:`` orbit,
   streamed through ``summarize_orbit``), measured in a child process.
   Target: under 500 MB.
3. Wall time of ``impactrisk --help`` (target: well under 0.5 s).

Run: ``python benchmarks/bench_orbit.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import numpy as np


def best_of(n: int, func):
    times = []
    result = None
    for _ in range(n):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def bench_year() -> None:
    from impactrisk.api import TimeGrid, load_orbit, propagate

    orbit = load_orbit()
    grid = TimeGrid.from_range("2023-01-01", "2024-01-01", "60s")
    jd, fr = grid.jd_fr()
    sat = orbit.satrecs[len(orbit.satrecs) // 2]
    bare, _ = best_of(3, lambda: sat.sgp4_array(jd, fr))

    def full():
        eph = propagate(orbit, grid)
        eph.lvlh_teme
        eph.altitude_km
        eph.geodetic_altitude_km
        eph.arg_latitude_deg
        eph.sun_lvlh_unit
        eph.earth_helio_velocity_teme_km_s
        eph.solar_longitude_deg
        return eph

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full()  # load the planetary ephemeris once, as a long-running process would have
        wall, eph = best_of(3, full)
        sgp4_only, _ = best_of(3, lambda: propagate(orbit, grid))
    print(f"one year of ISS history at 60 s: {grid.n:,} samples, {len(orbit.satrecs)} element sets")
    print(f"  bare sgp4_array (one set)       {bare:7.3f} s")
    print(f"  propagate (selection + SGP4)    {sgp4_only:7.3f} s")
    print(f"  full ephemeris                  {wall:7.3f} s   ratio to bare {wall / bare:5.2f}  (target <= 2, < 1 s)")
    print(f"  mean altitude {np.nanmean(eph.altitude_km):.1f} km")


CHILD = """
import resource, time, warnings
from impactrisk.api import Orbit, TimeGrid, summarize_orbit
orbit = Orbit.from_spec("circular:415:51.64")
grid = TimeGrid.from_range("2023-01-01", "2033-01-01", "10s")
t0 = time.perf_counter()
s = summarize_orbit(orbit, grid)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(f"{grid.n} {time.perf_counter() - t0:.2f} {s.altitude_km['mean']:.2f} {peak_mb:.1f}")
"""


def bench_ten_years() -> None:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    # The child reports its own peak: RUSAGE_CHILDREN would also count the pages the
    # child shared with this (large) process between fork and exec.
    n, seconds, mean_alt, peak_mb = out.stdout.split()
    print(f"ten years at 10 s (circular:415:51.64): {int(n):,} samples in {float(seconds):.1f} s,"
          f" mean altitude {float(mean_alt):.2f} km")
    print(f"  peak RSS of that process        {float(peak_mb):7.1f} MB   (target < 500 MB)")


def bench_help() -> None:
    exe = [sys.executable, "-m", "impactrisk", "--help"]
    subprocess.run(exe, capture_output=True, check=True)
    wall, _ = best_of(5, lambda: subprocess.run(exe, capture_output=True, check=True))
    bare, _ = best_of(5, lambda: subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True))
    print(f"impactrisk --help                 {wall:7.3f} s   (interpreter start alone {bare:.3f} s; target < 0.5 s)")


if __name__ == "__main__":
    bench_year()
    bench_ten_years()
    bench_help()
