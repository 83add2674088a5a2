"""Functions for worker processes to run in tests (importable by them: this folder is
on the test path, which the workers inherit)."""

from __future__ import annotations

import os


def state() -> tuple[int, dict, int, str]:
    """The worker's process id, thread-pinning variables, source threads and folder."""
    from impactrisk import assessment
    from impactrisk.workers import THREAD_VARIABLES

    return os.getpid(), {k: os.environ.get(k) for k in THREAD_VARIABLES}, assessment.SOURCE_THREADS, os.getcwd()
