"""``impactrisk report``: planning, the outputs and their agreement with ``impactrisk
risk``, the rendered report, resuming after SIGKILL, failures, invalidation, and a real
Dask cluster."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import dump_dom, find_chromium, serve_directory

from impactrisk.batch import BatchSettings, plan_tasks, plan_windows, run_batch
from impactrisk.errors import InputError
from impactrisk.io.batch_store import read_results_csv


MODULES = ("soyuz-ms-22", "progress-ms-21", "nauka-rtod")
#: Three monthly windows in which Progress MS-21 docks (28 Oct) and every module is present.
RANGE = ("2022-10", "2022-12")
#: A coarse step keeps the runs short; every comparison uses the same step.
STEP_S = 600.0
#: Results computed twice the same way must be equal to the last bit.
IDENTICAL = 0.0
#: The command-line text prints N with the precision of repr(float).
CSV_ROUND_TRIP = 0.0
BIN = Path(sys.executable).parent


def settings(**changes) -> BatchSettings:
    return BatchSettings(step_s=STEP_S, **changes)


# -------------------------------------------------------------------------- planning


def test_month_windows_include_the_end_month():
    windows = plan_windows("2022-09", "2023-12", "month")
    assert len(windows) == 16
    assert windows[0].start.isoformat().startswith("2022-09-01")
    assert windows[-1].end.isoformat().startswith("2024-01-01")
    assert all(a.end == b.start for a, b in zip(windows, windows[1:]))


def test_day_and_n_day_windows_cut_at_the_end():
    windows = plan_windows("2023-01-01", "2023-01-25", "10d")
    assert [(w.end - w.start).days for w in windows] == [10, 10, 4]
    assert len(plan_windows("2023-01-01", "2023-01-08", "day")) == 7
    assert len(plan_windows("2023-01-01", "2023-02-01", "week")) == 5


def test_any_duration_makes_windows():
    windows = plan_windows("2023-01-01", "2023-01-02T06:00", "12h")
    assert [(w.end - w.start).total_seconds() / 3600 for w in windows] == [12, 12, 6]


@pytest.mark.parametrize("every", ["fortnight", "0d", "-3d", ""])
def test_bad_window_length_is_refused(every):
    with pytest.raises(InputError, match="every"):
        plan_windows("2023-01", "2023-03", every)


def test_end_before_start_is_refused():
    with pytest.raises(InputError, match="not after start"):
        plan_windows("2023-03-01", "2023-01-01", "month")


def test_tasks_not_present_and_keys():
    windows = plan_windows("2022-08", "2022-10", "month")
    tasks, described = plan_tasks(["soyuz-ms-22"], windows, settings())
    # Soyuz MS-22 docked on 21 Sep 2022: absent in August, present in September and October.
    assert [t.present for t in tasks] == [False, True, True]
    assert len({t.key for t in tasks}) == 3
    again, _ = plan_tasks(["soyuz-ms-22"], windows, settings())
    assert [t.key for t in again] == [t.key for t in tasks]
    changed, _ = plan_tasks(["soyuz-ms-22"], windows, settings(debris_model="ordem2000-handbook"))
    assert not {t.key for t in changed} & {t.key for t in tasks}
    assert described["soyuz-ms-22"]["assumptions"]


def test_unknown_module_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(InputError, match="soyuz-ms-22"):
        run_batch(["soyuz-ms22"], plan_windows(*RANGE, "month"), settings(), tmp_path / "out", inline=True)
    assert not (tmp_path / "out" / "results.csv").exists()


def test_unknown_debris_model_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(InputError, match="unknown debris model 'bogus'"):
        run_batch(["soyuz-ms-22"], plan_windows(*RANGE, "month"), settings(debris_model="bogus"), tmp_path / "out",
                  inline=True)
    assert not (tmp_path / "out" / "results.csv").exists()


def test_windows_before_the_element_sets_use_the_stations_stand_ins(tmp_path):
    # The bundled element sets begin in September 2022; before that the station's
    # orbit is the circular stand-in of its documented mean altitude, in a report as
    # in 'impactrisk risk' (the RTOd was stowed on Rassvet then, an optional stay).
    from impactrisk.api import assess

    windows = plan_windows("2022-03-01", "2022-03-03", "day")
    outcome = run_batch(["nauka-rtod"], windows, settings(), tmp_path, inline=True)
    assert [r["status"] for r in outcome.rows] == ["ok", "ok"], outcome.failed
    row = outcome.rows[0]
    result = assess("nauka-rtod", row["window_start"], row["window_end"], step=STEP_S)
    assert row["n"] == pytest.approx(result.n_expected, rel=IDENTICAL, abs=0.0)
    assert row["orbit"]["stand_in_days"] > 0.0


# ----------------------------------------------------------------- a complete report


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    outcome = run_batch(MODULES, plan_windows(*RANGE, "month"), settings(), out, workers=2,
                        command="impactrisk report --modules ... (test)", every="month")
    return out, outcome


def test_every_task_once_and_ok(report_dir):
    out, outcome = report_dir
    assert len(outcome.rows) == 9
    assert {r["status"] for r in outcome.rows} == {"ok"}
    assert len({r["task_key"] for r in outcome.rows}) == 9
    assert len(list((out / "tasks").glob("*.json"))) == 9


def test_csv_parquet_json_agree(report_dir):
    import pyarrow.parquet as pq

    out, outcome = report_dir
    csv_rows = read_results_csv(out / "results.csv")
    table = pq.read_table(out / "results.parquet").to_pylist()
    summary = json.loads((out / "summary.json").read_text())
    assert [r["task_key"] for r in csv_rows] == [r["task_key"] for r in table] == \
        [r["task_key"] for r in outcome.rows]
    for c, p, row in zip(csv_rows, table, outcome.rows):
        for key in ("n", "pnp", "n_meteoroid", "n_shower", "n_debris", "exposed_days"):
            assert c[key] == p[key]
        assert c["n"] == pytest.approx(row["n"], rel=CSV_ROUND_TRIP, abs=0.0)
        assert json.loads(c["n_by_source"]) == json.loads(p["n_by_source"])
        assert c["n_meteoroid"] + c["n_shower"] + c["n_debris"] == pytest.approx(c["n"], rel=1e-12)
    for name, total in summary["totals"].items():
        mine = [r for r in csv_rows if r["module"] == name]
        assert total["n"] == pytest.approx(sum(r["n"] for r in mine), rel=1e-12)
        assert total["pnp"] == pytest.approx(math.exp(-total["n"]), rel=1e-12)
    assert summary["tasks"] == {"total": 9, "ok": 9, "not_present": 0, "failed": 0, "reused": 0}


def test_rows_equal_impactrisk_risk_for_the_same_window(report_dir):
    from impactrisk.api import assess

    _, outcome = report_dir
    row = next(r for r in outcome.rows if r["module"] == "progress-ms-21" and r["window_start"].startswith("2022-10"))
    result = assess("progress-ms-21", row["window_start"], row["window_end"], step=STEP_S)
    assert result.n_expected == pytest.approx(row["n"], rel=IDENTICAL, abs=0.0)
    assert result.n_by_group == pytest.approx(row["n_by_group"], rel=IDENTICAL, abs=0.0)
    # Progress MS-21 docked on 28 Oct: only part of the window counts.
    assert row["exposed_days"] == pytest.approx(sum(e["days"] for e in result.exposure))
    assert 3.0 < row["exposed_days"] < 4.0


def test_rendered_report_shows_every_plot(report_dir):
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium found (install Debian's chromium or set IMPACTRISK_CHROMIUM)")
    out, _ = report_dir
    with serve_directory(out) as url:
        dom = dump_dom(binary, url + "report.html")
    assert 'data-images-ok="4"' in dom and 'data-images-total="4"' in dom
    for section in ("summary", "timeline", "cumulative", "split", "surfaces", "assumptions", "reproduce"):
        assert f'id="{section}"' in dom
    for name in MODULES:
        assert name in dom
    assert "impactrisk report --modules ... (test)" in dom


def test_rerun_reuses_every_task(report_dir):
    out, first = report_dir
    again = run_batch(MODULES, plan_windows(*RANGE, "month"), settings(), out, workers=2)
    assert again.summary["tasks"]["reused"] == 9
    assert [r["n"] for r in again.rows] == [r["n"] for r in first.rows]


# -------------------------------------------------------- failures and invalidation


def test_a_failing_task_is_reported_and_the_others_complete(tmp_path):
    # The bundled element sets end on 2023-12-30: a window in February 2024 lies
    # entirely outside their coverage (the RTOd is still attached then).
    windows = plan_windows("2023-12-01", "2024-03-01", "month")
    outcome = run_batch(["nauka-rtod"], windows, settings(), tmp_path, inline=True)
    status = [r["status"] for r in outcome.rows]
    assert status[0] == "ok" and status[-1] == "failed"
    failed = outcome.failed[-1]
    assert "coverage" in failed["reason"] and failed["window_start"].startswith("2024-02")
    assert outcome.summary["tasks"]["failed"] == len(outcome.failed)
    assert outcome.summary["failures"][-1]["reason"] == failed["reason"]
    csv_rows = read_results_csv(tmp_path / "results.csv")
    assert csv_rows[-1]["status"] == "failed" and csv_rows[-1]["reason"] == failed["reason"]


def test_cli_exit_code_when_tasks_fail(tmp_path):
    result = subprocess.run([str(BIN / "impactrisk"), "report", "--modules", "nauka-rtod", "--start", "2024-02",
                             "--end", "2024-02", "--step", "1h", "--out", str(tmp_path), "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("error: 1 of 1 tasks failed")
    assert "Traceback" not in result.stderr


def test_changing_one_module_file_recomputes_only_its_tasks(tmp_path):
    from importlib.resources import files

    module_file = tmp_path / "soyuz-ms-22.toml"
    shutil.copy(str(files("impactrisk.catalogue") / "soyuz-ms-22.toml"), module_file)
    windows = plan_windows("2022-11-01", "2022-11-03", "day")
    out = tmp_path / "out"
    first = run_batch([str(module_file), "progress-ms-21"], windows, settings(), out, inline=True)
    text = module_file.read_text().replace("[shield.radiator.wall]\nvalue = 1.0\n",
                                           "[shield.radiator.wall]\nvalue = 1.5\n", 1)
    assert text != module_file.read_text()
    module_file.write_text(text)
    second = run_batch([str(module_file), "progress-ms-21"], windows, settings(), out, inline=True)
    assert second.summary["tasks"]["reused"] == 2  # the two Progress MS-21 days
    soyuz = [(a["n"], b["n"]) for a, b in zip(first.rows, second.rows) if a["module"] == "soyuz-ms-22"]
    assert all(after < before for before, after in soyuz)  # a thicker wall


# ---------------------------------------------------------- SIGKILL and resume


def _cli_report(out: Path, *extra: str) -> list[str]:
    return [str(BIN / "impactrisk"), "report", "--modules", "soyuz-ms-22,progress-ms-21", "--start",
            "2022-11-01", "--end", "2022-11-07", "--every", "day", "--step", "10min", "--out", str(out),
            "--quiet", *extra]


def test_resume_after_sigkill_gives_the_uninterrupted_results(tmp_path):
    whole = tmp_path / "whole"
    subprocess.run(_cli_report(whole, "--workers", "1"), check=True, timeout=900, capture_output=True)
    expected = {r["task_key"]: r for r in read_results_csv(whole / "results.csv")}
    assert len(expected) == 12

    killed = tmp_path / "killed"
    process = subprocess.Popen(_cli_report(killed, "--workers", "1"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while len(list((killed / "tasks").glob("*.json"))) < 3:
        assert process.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    stored = list((killed / "tasks").glob("*.json"))
    assert 3 <= len(stored) < 12
    for path in stored:  # nothing half-written
        assert json.loads(path.read_text())["task_key"] == path.stem

    subprocess.run(_cli_report(killed, "--workers", "1"), check=True, timeout=900, capture_output=True)
    rows = read_results_csv(killed / "results.csv")
    assert sorted(r["task_key"] for r in rows) == sorted(expected)
    for row in rows:
        assert row["n"] == expected[row["task_key"]]["n"]
        assert row["n_by_source"] == expected[row["task_key"]]["n_by_source"]
    summary = json.loads((killed / "summary.json").read_text())
    assert summary["tasks"]["reused"] == len(stored)


# --------------------------------------------------------------- a real Dask cluster


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        for i in range(2):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--local-directory", str(tmp_path / f"w{i}")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        from dask.distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_report_on_a_dask_cluster_equals_the_local_run(tmp_path, dask_cluster):
    windows = plan_windows("2022-11-01", "2022-11-04", "day")
    local = run_batch(["soyuz-ms-22", "progress-ms-21"], windows, settings(), tmp_path / "local", inline=True)
    remote = run_batch(["soyuz-ms-22", "progress-ms-21"], windows, settings(), tmp_path / "dask",
                       scheduler=dask_cluster)
    assert [r["task_key"] for r in remote.rows] == [r["task_key"] for r in local.rows]
    assert [r["status"] for r in remote.rows] == ["ok"] * 6
    assert [r["n"] for r in remote.rows] == [r["n"] for r in local.rows]
    assert [r["n_by_source"] for r in remote.rows] == [r["n_by_source"] for r in local.rows]
