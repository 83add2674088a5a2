"""Print speed figures of a batch report.

4 modules (soyuz-ms-22, progress-ms-21, progress-ms-22, nauka-rtod) x 16 monthly windows
(September 2022 to December 2023) at a 60 s step, all sources, from an empty output
folder, with 2 local worker processes and with 1: wall time (the whole command,
process start-up included), tasks per second, and the speed-up of 2 workers over 1.
A third run repeats the 2-worker command in its folder: every task is reused. Last, two
independent 1-worker runs are started side by side: they share nothing, so the time they
take together, against one alone, is the most that two cores of this machine give for
this work (memory and cache contention, the VM's scheduling), the ceiling any speed-up
of 2 workers over 1 is measured against.

Targets (issue): under 15 s wall with 2 workers, speed-up >= 1.6 on 2 cores.
Run: ``python benchmarks/bench_report.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES = "soyuz-ms-22,progress-ms-21,progress-ms-22,nauka-rtod"
COMMAND = ["report", "--modules", MODULES, "--start", "2022-09", "--end", "2023-12", "--every", "month",
           "--step", "60s", "--quiet"]


def _argv(out: Path, workers: int) -> list[str]:
    return [str(Path(sys.executable).parent / "impactrisk"), *COMMAND, "--workers", str(workers), "--out", str(out)]


def run(out: Path, workers: int) -> tuple[float, dict]:
    t0 = time.perf_counter()
    subprocess.run(_argv(out, workers), check=True)
    seconds = time.perf_counter() - t0
    return seconds, json.loads((out / "summary.json").read_text())


def side_by_side(outs: list[Path]) -> float:
    """Wall time of independent 1-worker runs started together, one per folder."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(_argv(out, 1)) for out in outs]
    if any(p.wait() for p in procs):
        raise SystemExit("a side-by-side run failed")
    return time.perf_counter() - t0


def main() -> None:
    print(f"{os.cpu_count()} cores; impactrisk {' '.join(COMMAND)}")
    with tempfile.TemporaryDirectory() as tmp:
        two_s, summary = run(Path(tmp) / "two", 2)
        tasks = summary["tasks"]
        computed = tasks["ok"] + tasks["failed"]
        print(f"  2 workers: {two_s:6.2f} s for {tasks['total']} tasks ({computed} computed, "
              f"{tasks['not_present']} not present): {tasks['total'] / two_s:.2f} tasks/s")
        one_s, _ = run(Path(tmp) / "one", 1)
        print(f"  1 worker:  {one_s:6.2f} s: {tasks['total'] / one_s:.2f} tasks/s")
        print(f"  speed-up of 2 workers over 1: {one_s / two_s:.2f} (target >= 1.6; wall target < 15 s)")
        again_s, again = run(Path(tmp) / "two", 2)
        print(f"  rerun in the same folder: {again_s:6.2f} s, {again['tasks']['reused']} tasks reused")
        pair_s = side_by_side([Path(tmp) / "a", Path(tmp) / "b"])
        print(f"  two independent 1-worker runs side by side: {pair_s:6.2f} s for both; this machine's "
              f"ceiling for the speed-up, 2 x {one_s:.2f} / {pair_s:.2f} = {2 * one_s / pair_s:.2f}")


if __name__ == "__main__":
    main()
