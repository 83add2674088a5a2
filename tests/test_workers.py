"""The local executor: worker processes that run a task with the numeric libraries
and the pattern kernel on one thread."""

from __future__ import annotations

import os

from impactrisk.workers import THREAD_VARIABLES, LocalExecutor


def _worker_state() -> tuple[int, dict, int]:
    from impactrisk import risk

    return os.getpid(), {k: os.environ.get(k) for k in THREAD_VARIABLES}, risk.KERNEL_THREADS


def test_workers_are_other_processes_pinned_to_one_thread():
    saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    with LocalExecutor(2) as executor:
        futures = [executor.submit(_worker_state) for _ in range(4)]
        states = [f.result() for f in executor.as_completed(futures)]
        executor.release()
    assert all(pid != os.getpid() for pid, _, _ in states)
    assert all(env == {k: "1" for k in THREAD_VARIABLES} for _, env, _ in states)
    assert all(threads == 1 for _, _, threads in states)
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
