"""Files of a batch report: one result file per finished task, kept responses, and the
outputs (``results.csv``, ``results.parquet``, ``summary.json``, ``report.html``).

Every file is written atomically (:func:`impactrisk.io.atomic.write_atomic`): a run
killed at any moment leaves only whole files, so a rerun trusts what it finds. Task
files are named by the content key of the task's inputs; a file whose content does not
parse, or whose key does not match its name, is ignored and the task is computed again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Iterable

import numpy as np

from impactrisk.errors import InputError
from impactrisk.io.atomic import write_atomic
from impactrisk.results import json_safe

__all__ = [
    "CSV_COLUMNS",
    "DiskResponseStore",
    "TaskStore",
    "flat_row",
    "read_results_csv",
    "write_outputs",
]

#: Columns of results.csv and results.parquet, in order.
CSV_COLUMNS = (
    "module", "vehicle", "window_start", "window_end", "status", "reason", "exposed_days",
    "n", "pnp", "n_meteoroid", "n_shower", "n_debris", "n_by_source", "n_by_surface",
    "criterion", "module_hash", "models", "stalest_element_set_days", "task_key",
)
_FLOAT_COLUMNS = ("exposed_days", "n", "pnp", "n_meteoroid", "n_shower", "n_debris", "stalest_element_set_days")
_TASK_DIR = "tasks"
_RESPONSE_DIR = Path(".cache") / "responses"


class TaskStore:
    """The per-task result files of an output directory (``DIR/tasks/KEY.json``)."""

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.folder = self.out_dir / _TASK_DIR
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the output folder {self.out_dir}: {exc.strerror or exc}") from None

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> dict | None:
        """The stored row of task ``key``, or None if absent or unreadable."""
        path = self.path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("task_key") != key:
            return None
        return data

    def save(self, row: dict) -> Path:
        """Store a finished task's row (it carries its ``task_key``)."""
        return write_atomic(self.path(row["task_key"]), json.dumps(json_safe(row), indent=1, sort_keys=True))


class DiskResponseStore:
    """Pattern responses kept in ``DIR/.cache/responses`` and shared between worker
    processes (:class:`impactrisk.risk.ResponseCache` ``store``).

    Keys are digests of the pattern family, block and responder identity; values are
    the float64 arrays of a :class:`impactrisk.risk.PatternResponse`, stored exactly, so
    a response read back gives bit-identical results to one computed again.
    """

    def __init__(self, out_dir: str | Path):
        self.folder = Path(out_dir) / _RESPONSE_DIR
        self.folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def digest(key) -> str:
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:40]

    def load(self, key):
        from impactrisk.risk import PatternResponse

        path = self.folder / f"{self.digest(key)}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                return PatternResponse.from_arrays(data)
        except (OSError, ValueError, KeyError):
            return None

    def save(self, key, response) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **response.arrays())
        try:
            write_atomic(self.folder / f"{self.digest(key)}.npz", buffer.getvalue(), durable=False)
        except OSError:
            pass  # the cache is an optimisation: a full disk must not fail the task


def flat_row(row: dict) -> dict:
    """The results.csv / results.parquet form of a task row."""
    groups = row.get("n_by_group") or {}
    staleness = (row.get("orbit") or {}).get("staleness") or {}
    out = {
        "module": row.get("module", ""), "vehicle": row.get("vehicle", ""),
        "window_start": row.get("window_start", ""), "window_end": row.get("window_end", ""),
        "status": row.get("status", ""), "reason": row.get("reason", ""),
        "exposed_days": row.get("exposed_days"), "n": row.get("n"), "pnp": row.get("pnp"),
        "n_meteoroid": groups.get("meteoroid"), "n_shower": groups.get("shower"), "n_debris": groups.get("debris"),
        "n_by_source": json.dumps(json_safe(row.get("n_by_source") or {}), sort_keys=True),
        "n_by_surface": json.dumps(json_safe(row.get("n_by_surface") or {}), sort_keys=True),
        "criterion": row.get("criterion", ""), "module_hash": row.get("module_hash", ""),
        "models": "; ".join(f"{name}: {info['model']}" for name, info in sorted((row.get("models") or {}).items())),
        "stalest_element_set_days": staleness.get("max_age_days"),
        "task_key": row.get("task_key", ""),
    }
    return out


def _csv_text(flat_rows: Iterable[dict]) -> str:
    """results.csv from rows in :func:`flat_row` form."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for flat in flat_rows:
        writer.writerow({k: ("" if v is None else (repr(float(v)) if k in _FLOAT_COLUMNS else v))
                         for k, v in flat.items()})
    return buffer.getvalue()


def read_results_csv(path: str | Path) -> list[dict]:
    """Rows of a results.csv with the numeric columns as floats (None where empty)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in _FLOAT_COLUMNS:
            row[key] = float(row[key]) if row[key] != "" else None
    return rows


def _parquet_bytes(flat: list[dict]) -> bytes:
    """results.parquet from rows in :func:`flat_row` form."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for key in CSV_COLUMNS:
        values = [f[key] for f in flat]
        if key in _FLOAT_COLUMNS:
            columns[key] = pa.array([None if v is None else float(v) for v in values], type=pa.float64())
        else:
            columns[key] = pa.array([str(v) for v in values], type=pa.string())
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def write_outputs(out_dir: str | Path, rows: list[dict], summary: dict) -> dict[str, Path]:
    """Write results.csv, results.parquet, summary.json and report.html atomically.

    Returns the paths by name.
    """
    from impactrisk.report.html import render_report_html

    folder = Path(out_dir)
    flat = [flat_row(row) for row in rows]
    paths = {
        "csv": write_atomic(folder / "results.csv", _csv_text(flat)),
        "parquet": write_atomic(folder / "results.parquet", _parquet_bytes(flat)),
        "summary": write_atomic(folder / "summary.json",
                                json.dumps(json_safe(summary), indent=2, sort_keys=False) + "\n"),
    }
    paths["html"] = write_atomic(folder / "report.html", render_report_html(json_safe(summary), json_safe(rows)))
    return paths
