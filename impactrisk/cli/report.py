"""``impactrisk report``: many modules over many windows, resumable, into a folder."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import (
    CriterionOption,
    ExtrapolateOption,
    NoradOption,
    OptionalExposureOption,
    OrbitOption,
    SelectOption,
    ShowersOption,
    StepOption,
    TleOption,
    check_workers,
    command_line,
    debris_model_option,
    fail,
    handle_errors,
    set_option,
    workers_option,
)

_SetOption = set_option("Applies to every module that has the parameter.")
_DebrisModelOption = debris_model_option()
_WorkersOption = workers_option("Worker processes")

#: Exit code when the report was written but some tasks failed.
EXIT_SOME_FAILED = 3
#: Seconds between progress lines when the output is not a terminal.
PLAIN_PROGRESS_EVERY_S = 10.0


class _Progress:
    """A live bar with ETA and throughput on a terminal, plain lines otherwise."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self._bar = self._task = None
        self._last = 0.0
        self._start_done = None

    def __enter__(self):
        if not self.quiet and self.tty:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("tasks"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task("tasks", total=None, rate="")
        return self

    def __call__(self, done: int, total: int, reused: int, elapsed_s: float) -> None:
        if self.quiet:
            return
        if self._start_done is None:
            self._start_done = done
        computed = done - self._start_done
        rate = f"{computed / elapsed_s:.2f} tasks/s" if elapsed_s > 0 and computed else ""
        if self._bar is not None:
            self._bar.update(self._task, total=total, completed=done, rate=rate)
            return
        now = time.monotonic()
        if done == total or now - self._last >= PLAIN_PROGRESS_EVERY_S or self._last == 0.0:
            self._last = now
            left = total - done
            eta = f", ETA {left / (computed / elapsed_s):.0f} s" if computed and elapsed_s > 0 and left else ""
            print(f"progress: {done}/{total} tasks ({reused} reused){', ' + rate if rate else ''}{eta}",
                  file=sys.stderr, flush=True)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)


@handle_errors
def report(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created; a rerun resumes there).")],
    modules: Annotated[Optional[str], typer.Option(
        "--modules", help="Comma-separated module names or files (see `impactrisk modules list`).")] = None,
    all_modules: Annotated[bool, typer.Option("--all", help="Every module of the catalogue.")] = False,
    start: Annotated[Optional[str], typer.Option("--start", help="Range start, UTC (YYYY-MM[-DD]).")] = None,
    end: Annotated[Optional[str], typer.Option(
        "--end", help="Range end, UTC; YYYY-MM includes that month.")] = None,
    every: Annotated[str, typer.Option("--every", help="Window length: day, week, month or a duration (e.g. 10d, 12h).")] = "month",
    criterion: CriterionOption = "leak",
    overrides: _SetOption = None,
    optional: OptionalExposureOption = True,
    debris_model: _DebrisModelOption = "kessler-1991",
    showers: ShowersOption = True,
    step: StepOption = "60s",
    tle: TleOption = None,
    orbit_spec: OrbitOption = None,
    norad: NoradOption = None,
    select: SelectOption = "nearest",
    extrapolate: ExtrapolateOption = False,
    workers: _WorkersOption = None,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Dask scheduler tcp://HOST:PORT, or 'local' for a LocalCluster "
                            "(pip install 'impactrisk[distributed]').")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress output.")] = False,
) -> None:
    """Assess modules over consecutive windows; write results.csv, results.parquet,
    summary.json and a self-contained report.html into the output folder.

    Each (module, window) is one task, stored as soon as it finishes; rerunning the same
    command skips finished tasks, and changing an input recomputes exactly the tasks it
    affects. Exit code 3 when the report was written but some tasks failed.
    """
    from impactrisk.batch import BatchSettings, plan_windows, run_batch
    from impactrisk.timegrid import parse_duration_s

    if bool(modules) == all_modules:
        fail("give either --modules NAME,NAME,... or --all")
    if start is None or end is None:
        fail("give the range with --start and --end (e.g. --start 2022-09 --end 2023-12)")
    check_workers(workers)
    if all_modules:
        from impactrisk.io.modules import list_modules

        names = list(list_modules())
    else:
        names = [m.strip() for m in modules.split(",") if m.strip()]
        if not names:
            fail("--modules: expected at least one module name")
    settings = BatchSettings(criterion=criterion, step_s=parse_duration_s(step), debris_model=debris_model,
                             showers=showers, include_optional=optional, overrides=tuple(overrides or ()),
                             tle=None if tle is None else str(tle), orbit=orbit_spec, catalog_id=norad,
                             select=select, allow_extrapolation=extrapolate)
    windows = plan_windows(start, end, every)
    command = command_line("report")
    with _Progress(quiet) as progress:
        outcome = run_batch(names, windows, settings, out, workers=workers, scheduler=scheduler,
                            progress=progress, command=command, every=every)
    if not quiet:
        typer.echo(format_summary(outcome))
    if outcome.failed:
        print(f"error: {len(outcome.failed)} of {len(outcome.rows)} tasks failed; see {out / 'results.csv'}",
              file=sys.stderr)
        raise typer.Exit(code=EXIT_SOME_FAILED)


def format_summary(outcome) -> str:
    """Terminal table: per module, windows by status, total N and PNP over the range."""
    s = outcome.summary
    lines = [f"{'module':<18} {'ok':>4} {'absent':>6} {'failed':>6} {'N':>11} {'PNP':>9}  meteoroid / shower / debris"]
    for name, t in s["totals"].items():
        g = t["n_by_group"]
        lines.append(f"{name:<18} {t['windows_ok']:>4} {t['windows_not_present']:>6} {t['windows_failed']:>6} "
                     f"{t['n']:>11.4g} {t['pnp']:>9.5f}  {g['meteoroid']:.3g} / {g['shower']:.3g} / {g['debris']:.3g}")
    tasks = s["tasks"]
    lines.append(f"tasks: {tasks['total']} ({tasks['ok']} ok, {tasks['not_present']} not present, "
                 f"{tasks['failed']} failed, {tasks['reused']} reused from an earlier run)")
    for f in s["failures"][:10]:
        lines.append(f"failed: {f['module']} {f['window_start']} .. {f['window_end']}: {f['reason']}")
    if len(s["failures"]) > 10:
        lines.append(f"... and {len(s['failures']) - 10} more failures (results.csv)")
    for name, path in outcome.paths.items():
        lines.append(f"{name:<8} {path}")
    return "\n".join(lines)
