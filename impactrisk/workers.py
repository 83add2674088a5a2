"""Where independent pieces of a long run are computed: this process, worker processes
of this machine, or a Dask cluster.

The three executors share one small interface (a context manager with ``submit(fn,
*args) -> future`` and ``as_completed(futures)``), so a caller writes one loop
whatever runs it (:mod:`impactrisk.batch` for reports, :mod:`impactrisk.events` for the
assumption sweep). Workers pin the numeric libraries and the environment's source threads
(:data:`impactrisk.assessment.SOURCE_THREADS`) to one thread each, so that processes do not
oversubscribe the cores; the results do not depend on it (each source is computed the
same way whatever the number of threads).
"""

from __future__ import annotations

import os

from impactrisk.errors import InputError

__all__ = ["DaskExecutor", "InlineExecutor", "LocalExecutor", "THREAD_VARIABLES"]

#: Environment variables that pin numeric libraries to one thread in worker processes.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def _pin_threads() -> None:
    from impactrisk import assessment

    assessment.SOURCE_THREADS = 1


def _pinned(fn, *args):
    """``fn(*args)`` in a worker pinned to one thread (Dask workers are not
    started by us, so they are pinned by the first task they run)."""
    _pin_threads()
    return fn(*args)


#: Imported once by the fork server, so that each worker starts with them loaded.
WORKER_MODULES = ("numpy", "sgp4.api", "impactrisk.api", "impactrisk.assessment", "impactrisk.batch",
                  "impactrisk.events", "impactrisk.io.batch_store", "impactrisk.io.flux_tables")


def _in_folder(folder: str, fn, *args):
    """``fn(*args)`` with ``folder`` as the working folder (relative paths in the
    arguments mean what they meant to the caller)."""
    os.chdir(folder)
    return fn(*args)


def _ready() -> None:
    """A first call that makes a worker process start (and import what it works with)."""
    for name in WORKER_MODULES:
        __import__(name)


def _context():
    """Processes started by a fork server that has imported :data:`WORKER_MODULES` (one
    import for all workers; nothing but imports happens before the fork), or spawned
    where there is no fork server."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_MODULES))
    return context


class LocalExecutor:
    """Worker processes of this machine (numeric libraries on one thread). They start
    when the executor is entered, so that they get ready while the caller plans."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = None
        self._saved: dict = {}

    def __enter__(self):
        from concurrent.futures import ProcessPoolExecutor

        # Children (and the fork server) inherit the environment when they start,
        # before they import numpy.
        self._saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
        os.environ.update({k: "1" for k in THREAD_VARIABLES})
        import threading

        self._pool = ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_pin_threads)
        # Starting a worker waits for the fork server's imports: do it beside the caller.
        self._starter = threading.Thread(target=self._start_workers, name="impactrisk-workers", daemon=True)
        self._starter.start()
        return self

    def _start_workers(self) -> None:
        for _ in range(self.workers):
            self._pool.submit(_ready)

    def submit(self, fn, *args):
        # The fork server keeps the working folder it started in: run in the caller's.
        return self._pool.submit(_in_folder, os.getcwd(), fn, *args)

    def as_completed(self, futures):
        from concurrent.futures import as_completed

        return as_completed(futures)

    def release(self) -> None:
        """Let the workers go now (they wind down while the caller goes on); call when no
        more work will be submitted."""
        self._starter.join()
        self._pool.shutdown(wait=False)

    def __exit__(self, *exc):
        self._starter.join()
        self._pool.shutdown(wait=exc[0] is None, cancel_futures=exc[0] is not None)
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class DaskExecutor:
    """A Dask cluster: an existing scheduler by address, or a LocalCluster (``local``)."""

    def __init__(self, scheduler: str, workers: int):
        self.scheduler = scheduler
        self.workers = workers
        self._client = self._cluster = None

    def __enter__(self):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InputError("--scheduler needs dask.distributed: pip install 'impactrisk[distributed]'") from None
        try:
            if self.scheduler == "local":
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler {self.scheduler!r}: {exc}") from None
        return self

    def submit(self, fn, *args):
        return self._client.submit(_pinned, fn, *args, pure=False)

    def as_completed(self, futures):
        from dask.distributed import as_completed

        return as_completed(futures)

    def __exit__(self, *exc):
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


class InlineExecutor:
    """This process (one worker, no pool, threads as they are): for small runs and
    tests. A submitted call runs when :meth:`as_completed` reaches it, so that a
    caller's progress report follows the work as it does with a pool."""

    def __enter__(self):
        self._calls: dict = {}
        return self

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        self._calls[future] = (fn, args)
        return future

    def as_completed(self, futures):
        for future in futures:
            fn, args = self._calls.pop(future)
            try:
                future.set_result(fn(*args))
            except Exception as exc:  # noqa: BLE001 - handed to the caller like a pool would
                future.set_exception(exc)
            yield future

    def __exit__(self, *exc):
        self._calls.clear()
        return None
