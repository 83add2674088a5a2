"""The local executor: worker processes that run a task with the numeric libraries
and the pattern kernel on one thread, in the caller's working folder."""

from __future__ import annotations

import os

import worker_probe

from impactrisk.workers import THREAD_VARIABLES, LocalExecutor


def test_workers_are_other_processes_pinned_to_one_thread(tmp_path, monkeypatch):
    saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    with LocalExecutor(2) as executor:
        first = [f.result() for f in executor.as_completed([executor.submit(worker_probe.state) for _ in range(2)])]
        # A caller that changes folder between tasks: the workers follow.
        monkeypatch.chdir(tmp_path)
        later = [f.result() for f in executor.as_completed([executor.submit(worker_probe.state) for _ in range(2)])]
        executor.release()
    states = first + later
    assert all(pid != os.getpid() for pid, *_ in states)
    assert all(env == {k: "1" for k in THREAD_VARIABLES} for _, env, _, _ in states)
    assert all(threads == 1 for _, _, threads, _ in states)
    assert all(folder == str(tmp_path) for *_, folder in later)
    # The caller's environment is given back.
    assert {k: os.environ.get(k) for k in THREAD_VARIABLES} == saved


def test_a_task_error_reaches_the_caller():
    with LocalExecutor(1) as executor:
        future = executor.submit(int, "not a number")
        (done,) = list(executor.as_completed([future]))
        try:
            done.result()
        except ValueError as exc:
            assert "not a number" in str(exc)
        else:
            raise AssertionError("the worker's ValueError was lost")
