"""Batch reports: many modules over many date windows, resumable, on local worker
processes or a Dask cluster.

A *task* is one (module, window). Its result is written, atomically, into the output
directory under a content key of everything it depends on (the module file with its
overrides, the window, the criterion and models, the element-set file, the package
version), so a rerun of the same command finds it and skips it, and changing an input
recomputes exactly the tasks it affects. Tasks of one window are run together: the
orbit, the ephemeris and the environment of the window are computed once for all of
its modules (:func:`impactrisk.assessment.assess_modules`).

Execution units are handed to an executor: local worker processes (default, as many
as cores; numeric libraries pinned to one thread each) or a Dask cluster
(``dask.distributed``, the ``distributed`` extra) given by scheduler address, or a
``LocalCluster`` started for the run. Workers return rows; only this process writes
files. Pattern responses are shared between workers through ``DIR/.cache/responses``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Sequence

from impactrisk.errors import ImpactriskError, InputError
from impactrisk.constants import SECONDS_PER_DAY
from impactrisk.timegrid import format_utc, parse_duration_s, parse_utc
from impactrisk.workers import DaskExecutor, InlineExecutor, LocalExecutor

__all__ = [
    "BatchOutcome",
    "BatchSettings",
    "Task",
    "Window",
    "plan_tasks",
    "plan_windows",
    "run_batch",
    "run_unit",
]

# ------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """A date window ``[start, end)`` (UTC)."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{format_utc(self.start)} .. {format_utc(self.end)}"


def _month_start(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + (moment.month - 1) + months
    return moment.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0,
                          microsecond=0)


def plan_windows(start: str | datetime, end: str | datetime, every: str) -> list[Window]:
    """Consecutive windows covering a range.

    Parameters
    ----------
    start, end : str or datetime
        The range (UTC). An end written as a month, ``YYYY-MM``, includes that month
        (``--start 2022-09 --end 2023-12`` is 16 months).
    every : str
        ``day``, ``week``, ``month`` (calendar months) or a duration (e.g. ``10d``,
        ``12h``; :func:`impactrisk.timegrid.parse_duration_s`).
        The last window is cut at the end of the range.
    """
    t0 = parse_utc(start, what="start")
    t1 = parse_utc(end, what="end")
    if isinstance(end, str) and re.fullmatch(r"\s*\d{4}-\d{2}\s*", end):
        t1 = _month_start(t1, 1)
    if not t1 > t0:
        raise InputError(f"end {format_utc(t1)} is not after start {format_utc(t0)}; expected start < end")
    text = str(every).strip().lower()
    edges = [t0]
    if text == "month":
        k = 1
        while edges[-1] < t1:
            edges.append(min(_month_start(t0, k), t1))
            k += 1
    else:
        try:
            step_s = {"day": SECONDS_PER_DAY, "week": 7 * SECONDS_PER_DAY}.get(text) or parse_duration_s(text)
        except InputError:
            raise InputError(f"--every {every!r}: expected day, week, month or a duration such as 10d "
                             "or 12h") from None
        step = timedelta(seconds=step_s)
        while edges[-1] < t1:
            edges.append(min(edges[-1] + step, t1))
    windows = [Window(a, b) for a, b in zip(edges, edges[1:]) if b > a]
    if len(windows) > 100_000:
        raise InputError(f"{len(windows)} windows: expected at most 100000; choose a longer --every")
    return windows


# ------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class BatchSettings:
    """Everything besides module and window that a task's result depends on."""

    criterion: str = "leak"
    step_s: float = 60.0
    debris_model: str = "kessler-1991"
    showers: bool = True
    include_optional: bool = True
    overrides: tuple[str, ...] = ()
    tle: str | None = None
    orbit: str | None = None
    catalog_id: str | None = None
    select: str = "nearest"
    allow_extrapolation: bool = False
    attitude_ypr_deg: tuple[float, float, float] = (-4.0, -3.0, 0.0)

    def orbit_identity(self) -> str:
        """What the orbit is, for the content key: a design spec as written, the SHA-256
        of the element-set file given, or by default (the station's history,
        :func:`impactrisk.api.resolve_orbit`) those of the bundled element sets and of
        the mean-altitude history its stand-ins come from."""
        if self.orbit is not None:
            return f"design:{self.orbit}"
        if self.tle is not None:
            path = Path(self.tle)
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                raise InputError(f"cannot read element-set file {path}: {exc.strerror or exc}") from None
            return f"file:{digest}:{self.catalog_id or ''}"
        from importlib.resources import files

        from impactrisk.io.datafiles import default_tle_path
        from impactrisk.io.modules import CATALOGUE_PACKAGE, ORBIT_HISTORY_FILE

        history = files(CATALOGUE_PACKAGE).joinpath(ORBIT_HISTORY_FILE).read_bytes()
        return (f"station:{hashlib.sha256(default_tle_path().read_bytes()).hexdigest()}:"
                f"{hashlib.sha256(history).hexdigest()}")


@dataclass(frozen=True)
class Task:
    """One module over one window; ``present`` is False when the module was not
    exposed at any time in the window. ``module`` is the module's name, ``source``
    what the user gave for it (a catalogue name or a file)."""

    module: str
    vehicle: str
    window: Window
    key: str
    present: bool
    source: str = ""


def plan_tasks(modules: Sequence[str], windows: Sequence[Window], settings: BatchSettings) -> tuple[list[Task], dict]:
    """The tasks of a report, with their content keys, and the modules' descriptions.

    Raises InputError for an unknown module, a bad override or an unknown model, before
    anything runs.
    """
    from impactrisk import __version__
    from impactrisk.api import assessment_config, prepare_module

    assessment_config(settings.debris_model, settings.showers)  # checks the models
    orbit_id = settings.orbit_identity()
    material = asdict(settings)
    material.pop("tle", None)
    material["orbit_identity"] = orbit_id
    material["version"] = __version__
    tasks, described = [], {}
    for name in modules:
        spec, model, _, _ = prepare_module(name, settings.criterion, overrides=settings.overrides,
                                           include_optional=settings.include_optional)
        described[spec.name] = {
            "name": spec.name, "vehicle": spec.vehicle, "description": spec.description,
            "module_hash": model.content_hash,
            "assumptions": [dict(a) for a in model.assumptions],
            "surfaces": [{"name": s, "role": r, "area_m2": float(a)} for s, r, a in
                         zip(model.surfaces.surfaces, model.surfaces.role, model.surfaces.surface_area_m2())],
        }
        for window in windows:
            present = any(s.start < window.end and (s.end is None or s.end > window.start) for s in spec.exposure)
            key_source = json.dumps({"module": model.content_hash, "start": format_utc(window.start),
                                     "end": format_utc(window.end), "settings": material}, sort_keys=True)
            key = hashlib.sha256(key_source.encode("utf-8")).hexdigest()[:32]
            tasks.append(Task(spec.name, spec.vehicle, window, key, present, str(name)))
    return tasks, described


# ------------------------------------------------------------------------- workers


def run_unit(settings: BatchSettings, start: str, end: str, modules: Sequence[tuple[str, str]],
             out_dir: str | None = None) -> list[dict]:
    """Assess ``modules`` (``(name or file, task key)`` pairs) over one window; one row each.

    This is what workers run. The window's orbit, ephemeris and environment are
    computed once for all the modules; if that fails, each module is tried alone so
    that a failure is attributed to the module it belongs to. Failures become rows with
    ``status = "failed"`` and the reason; nothing is raised.
    """
    try:
        return _assess_rows(settings, start, end, modules, out_dir)
    except Exception as exc:  # noqa: BLE001 - a task boundary: every failure becomes a row
        if len(modules) == 1:
            name, key = modules[0]
            return [_failed_row(name, key, start, end, settings, exc)]
    rows = []
    for item in modules:
        try:
            rows.extend(_assess_rows(settings, start, end, [item], out_dir))
        except Exception as exc:  # noqa: BLE001 - as above
            rows.append(_failed_row(item[0], item[1], start, end, settings, exc))
    return rows


_WORKER_CACHE: dict = {}


def _cache(out_dir: str | None):
    from impactrisk.api import response_cache
    from impactrisk.risk import ResponseCache

    if out_dir is None:
        return response_cache()
    cache = _WORKER_CACHE.get(out_dir)
    if cache is None:
        from impactrisk.io.batch_store import DiskResponseStore

        cache = _WORKER_CACHE[out_dir] = ResponseCache(store=DiskResponseStore(out_dir))
    return cache


def _assess_rows(settings: BatchSettings, start: str, end: str, modules, out_dir) -> list[dict]:
    import warnings

    from impactrisk import __version__
    from impactrisk.api import assessment_config, prepare_module, resolve_orbit
    from impactrisk.assessment import assess_modules
    from impactrisk.io.flux_tables import load_environment_inputs

    models, hole_mm, criterion = [], None, settings.criterion
    for name, _ in modules:
        _, model, criterion, hole_mm = prepare_module(name, settings.criterion, overrides=settings.overrides,
                                                      include_optional=settings.include_optional)
        models.append(model)
    orbit = resolve_orbit(settings.tle, settings.orbit, settings.catalog_id)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = assess_modules(models, orbit, load_environment_inputs(), start, end, criterion=criterion,
                                 config=assessment_config(settings.debris_model, settings.showers),
                                 step_s=settings.step_s, attitude=settings.attitude_ypr_deg,
                                 hole_mm=hole_mm, select=settings.select,
                                 allow_extrapolation=settings.allow_extrapolation,
                                 version=__version__, cache=_cache(out_dir))
    notes = sorted({str(w.message) for w in caught})
    return [_ok_row(result, key, start, end, notes) for result, (_, key) in zip(results, modules)]


def _ok_row(result, key: str, start: str, end: str, warnings_seen: list[str]) -> dict:
    surfaces = {s["name"]: s["n"] for s in result.surfaces}
    return {
        "task_key": key, "module": result.module, "vehicle": result.vehicle,
        "window_start": start, "window_end": end, "status": "ok", "reason": "",
        "exposed_days": float(sum(row["days"] for row in result.exposure)),
        "n": result.n_expected, "pnp": result.pnp, "n_by_group": dict(result.n_by_group),
        "n_by_source": {name: info["n"] for name, info in result.n_by_source.items()},
        "n_by_surface": surfaces, "criterion": result.criterion, "module_hash": result.module_hash,
        "models": {name: {"group": info["group"], "model": info["model"]}
                   for name, info in sorted(result.n_by_source.items())},
        "orbit": result.orbit, "warnings": warnings_seen,
        "exposure": result.exposure, "version": result.version,
    }


def _failed_row(name: str, key: str, start: str, end: str, settings: BatchSettings, exc: BaseException) -> dict:
    reason = str(exc) if isinstance(exc, ImpactriskError) else f"internal error {type(exc).__name__}: {exc}"
    return {
        "task_key": key, "module": name, "vehicle": "", "window_start": start, "window_end": end,
        "status": "failed", "reason": reason.splitlines()[0] if reason else type(exc).__name__,
        "exposed_days": None, "n": None, "pnp": None, "n_by_group": {}, "n_by_source": {}, "n_by_surface": {},
        "criterion": settings.criterion,
    }


def _not_present_row(task: Task, settings: BatchSettings, module_hash: str) -> dict:
    return {
        "task_key": task.key, "module": task.module, "vehicle": task.vehicle,
        "window_start": format_utc(task.window.start), "window_end": format_utc(task.window.end),
        "status": "not-present", "reason": "not exposed at any time in the window", "exposed_days": 0.0,
        "n": 0.0, "pnp": 1.0, "n_by_group": {}, "n_by_source": {}, "n_by_surface": {},
        "criterion": settings.criterion, "module_hash": module_hash,
    }


def _prepare_outputs() -> None:
    """Import pyarrow and matplotlib and draw one throw-away figure (font set-up)."""
    import io as _io

    import pyarrow.parquet  # noqa: F401
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [0, 1], label="x")
    fig.savefig(_io.BytesIO(), format="png")


# ------------------------------------------------------------------------ the run


@dataclass
class BatchOutcome:
    """What a batch run did and produced."""

    rows: list[dict]
    summary: dict
    paths: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.rows if r.get("status") == "failed"]


Progress = Callable[[int, int, int, float], None]


def _units(pending: list[Task]) -> list[tuple[Window, list[Task]]]:
    """Execution units: each module's first pending window alone (so that the workers
    compute different modules' responses first and share them through the response
    store instead of all computing the same ones), then the other tasks grouped by
    window, in time order."""
    by_window: dict[Window, list[Task]] = {}
    for task in pending:
        by_window.setdefault(task.window, []).append(task)
    primers, seen = [], set()
    for window in sorted(by_window, key=lambda w: w.start):
        for task in list(by_window[window]):
            if task.module not in seen:
                seen.add(task.module)
                primers.append((window, [task]))
                by_window[window].remove(task)
    rest = [(w, tasks) for w, tasks in sorted(by_window.items(), key=lambda item: item[0].start) if tasks]
    return primers + rest


def run_batch(modules: Sequence[str], windows: Sequence[Window], settings: BatchSettings, out_dir: str | Path, *,
              workers: int | None = None, scheduler: str | None = None, progress: Progress | None = None,
              command: str = "", inline: bool = False, every: str = "") -> BatchOutcome:
    """Run (or resume) a batch report into ``out_dir`` and write its outputs.

    Parameters
    ----------
    modules : sequence of str
        Module names or files.
    windows : sequence of Window
        From :func:`plan_windows`.
    settings : BatchSettings
    out_dir : path
        Output directory (created); task results under ``tasks/``, responses under
        ``.cache/``; results.csv, results.parquet, summary.json, report.html.
    workers : int, optional
        Local worker processes (default: the number of cores), or Dask workers of a
        ``LocalCluster``.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a Dask scheduler, or ``local`` for a LocalCluster.
    progress : callable, optional
        ``progress(done, total, reused, elapsed_s)`` after every finished task.
    command : str
        The command line, recorded in the summary and the report.
    every : str
        The window length as the user gave it (for the summary).
    inline : bool
        Run in this process (no workers).
    """
    from impactrisk import __version__
    from impactrisk.io.batch_store import TaskStore, write_outputs

    out = Path(out_dir)
    n_workers = max(1, int(workers or os.cpu_count() or 1))
    # Local workers start now and get ready while the tasks are planned.
    local = None if inline or scheduler else LocalExecutor(n_workers)
    with local or nullcontext():
        store = TaskStore(out)
        tasks, described = plan_tasks(modules, windows, settings)
        t_start = time.perf_counter()
        rows_by_key: dict[str, dict] = {}
        reused = 0
        pending: list[Task] = []
        for task in tasks:
            row = store.load(task.key)
            if row is not None and row.get("status") in ("ok", "not-present"):
                rows_by_key[task.key] = row
                reused += 1
            elif not task.present:
                row = _not_present_row(task, settings, described[task.module]["module_hash"])
                store.save(row)
                rows_by_key[task.key] = row
            else:
                pending.append(task)
        total = len(tasks)
        if progress:
            progress(len(rows_by_key), total, reused, time.perf_counter() - t_start)

        warm_up = None
        if pending and not inline:
            # This process only waits while the workers compute: load the report's plotting
            # and table libraries meanwhile (joined before the outputs are written).
            import threading

            warm_up = threading.Thread(target=_prepare_outputs, name="impactrisk-outputs", daemon=True)
            warm_up.start()
        if pending:
            units = _units(pending)
            if inline:
                executor = InlineExecutor()
            elif scheduler:
                executor = DaskExecutor(scheduler, n_workers)
            else:
                executor = nullcontext(local)
            with executor as executor:
                futures = {}
                for window, unit in units:
                    future = executor.submit(run_unit, settings, format_utc(window.start), format_utc(window.end),
                                             [(t.source, t.key) for t in unit], str(out))
                    futures[future] = unit
                for future in executor.as_completed(list(futures)):
                    unit = futures[future]
                    try:
                        rows = future.result()
                    except Exception as exc:  # noqa: BLE001 - a lost worker fails its tasks, not the run
                        rows = [_failed_row(t.module, t.key, format_utc(t.window.start), format_utc(t.window.end),
                                            settings, exc) for t in unit]
                    by_key = {t.key: t for t in unit}
                    for row in rows:
                        task = by_key[row["task_key"]]
                        row["module"], row["vehicle"] = task.module, task.vehicle  # failures know only the source
                        store.save(row)
                        rows_by_key[row["task_key"]] = row
                    if progress:
                        progress(len(rows_by_key), total, reused, time.perf_counter() - t_start)

        if local is not None:
            local.release()
        if warm_up is not None:
            warm_up.join()
        rows = [rows_by_key[t.key] for t in tasks]
        summary = _summary(rows, tasks, described, settings, windows, reused, command, __version__, every)
        paths = write_outputs(out, rows, summary)
        return BatchOutcome(rows, summary, paths)


def _summary(rows, tasks, described, settings: BatchSettings, windows, reused, command, version, every) -> dict:
    from impactrisk.assessment import NOT_MODELLED
    from impactrisk.environment.model import DEBRIS_MODELS

    totals = {}
    for name in described:
        mine = [r for r in rows if r["module"] == name and r["status"] == "ok"]
        n = float(sum(r["n"] for r in mine))
        groups = {g: float(sum((r.get("n_by_group") or {}).get(g, 0.0) for r in mine))
                  for g in ("meteoroid", "shower", "debris")}
        totals[name] = {"n": n, "pnp": math.exp(-n), "n_by_group": groups,
                        "windows_ok": len(mine),
                        "windows_not_present": sum(1 for r in rows if r["module"] == name
                                                   and r["status"] == "not-present"),
                        "windows_failed": sum(1 for r in rows if r["module"] == name and r["status"] == "failed")}
    ok_rows = [r for r in rows if r["status"] == "ok"]
    stalest = [((r.get("orbit") or {}).get("staleness") or {}).get("max_age_days") for r in ok_rows]
    stalest = [s for s in stalest if s is not None]
    models = {}
    for r in ok_rows:
        for name, info in (r.get("models") or {}).items():
            if info["group"] == "shower":
                models.setdefault("showers", set()).add(f"{name}: {info['model']}")
            else:
                models.setdefault(name, set()).add(info["model"])
    return {
        "command": command, "version": version, "created": format_utc(datetime.now(timezone.utc)),
        "range": {"start": format_utc(windows[0].start), "end": format_utc(windows[-1].end),
                  "every": every or f"{len(windows)} windows", "windows": len(windows)},
        "criterion": settings.criterion,
        "settings": {k: v for k, v in asdict(settings).items()},
        "modules": list(described.values()),
        "models": {k: "; ".join(sorted(v)) for k, v in models.items()} or
                  {"debris": DEBRIS_MODELS[settings.debris_model]},
        "orbit": {"source": settings.orbit or settings.tle or "bundled ISS element-set history",
                  "staleness": (f"stalest element set {max(stalest):.2f} d" if stalest else "not applicable")},
        "tasks": {"total": len(tasks), "ok": len(ok_rows),
                  "not_present": sum(1 for r in rows if r["status"] == "not-present"),
                  "failed": sum(1 for r in rows if r["status"] == "failed"), "reused": reused},
        "failures": [{"module": r["module"], "window_start": r["window_start"], "window_end": r["window_end"],
                      "reason": r["reason"]} for r in rows if r["status"] == "failed"],
        "totals": totals,
        "notes": list(NOT_MODELLED),
    }
