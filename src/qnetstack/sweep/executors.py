"""Where points run: a local process pool (all cores by default) or a Dask distributed cluster.

Both executors take :class:`~qnetstack.sweep.worker.PointTask` objects and hand back the
outcome dicts of :func:`~qnetstack.sweep.worker.run_point` as points finish, in any order.
The engine (:mod:`qnetstack.sweep.engine`) polls them with a short timeout so that it can react
to SIGINT/SIGTERM between results; only the engine, in the parent process, writes results.

Local pool. A ``ProcessPoolExecutor`` on the ``forkserver`` start method (``spawn`` where there
is none) with the parent's qnetstack modules preloaded, so a worker starts in milliseconds,
after the server's one-off import (a few seconds at most), without inheriting the parent's threads
(the progress bar's). As with any ``spawn``/``forkserver`` pool, a script that calls the sweep
API must guard its entry point with ``if __name__ == "__main__":``. Workers ignore SIGINT: a
Ctrl-C in the terminal reaches the whole process group, and it is the parent that decides to
stop. When a worker process dies (killed, out of memory), Python marks the whole pool broken;
the executor then starts a new pool and resubmits every point that had not finished, up to
``max_restarts`` times, like Dask's rescheduling of the tasks of a lost worker.

Dask. ``--dask ADDRESS`` connects a ``distributed.Client`` to a running scheduler;
``--dask local`` starts a ``LocalCluster`` of single-threaded worker processes on this
machine. Each point is one task, keyed by its point key. Dask reschedules the tasks of a worker
that dies (a task that kills ``distributed.scheduler.allowed-failures`` workers in a row fails
as ``KilledWorker``, and the sweep stops with a message; finished points are kept).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Protocol

from qnetstack.sweep.worker import PointTask, run_point

__all__ = [
    "INSTALL_CLUSTER",
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "LocalExecutor",
    "MissingExtraError",
    "default_workers",
]

INSTALL_CLUSTER = "pip install 'qnetstack[cluster]'"
"""How to install the optional Dask dependency."""


class ExecutorError(Exception):
    """The workers, not the points, failed: the sweep stops; finished points are kept."""


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says how to install it."""


class Executor(Protocol):
    """What the sweep engine needs from a place to run points."""

    @property
    def description(self) -> str:
        """Where the points run, for the progress line."""
        ...

    def submit(self, task: PointTask) -> None:
        """Queue one point."""

    def poll(self, timeout_s: float) -> list[dict[str, Any]]:
        """Outcomes of points finished since the last call; waits up to ``timeout_s`` for one.

        Raises:
            ExecutorError: The workers failed beyond recovery.
        """
        ...

    def outstanding(self) -> int:
        """Points submitted and not yet returned by :meth:`poll`."""
        ...

    def close(self, *, cancel: bool) -> None:
        """Release the workers; ``cancel``: stop running points at once (interrupt, error)."""


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the OS tells, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    """Worker processes leave SIGINT to the parent (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports these once and every worker is forked from it. Each worker also
    # re-imports the parent's main module (as spawn does); for the CLI that is qnetstack.cli,
    # so preloading the qnetstack modules the parent has loaded makes that re-import free.
    loaded = {name for name in sys.modules if name.split(".")[0] == "qnetstack"}
    context.set_forkserver_preload(sorted(loaded | {"qnetstack.sweep.worker"}))
    return context


class LocalExecutor:
    """A pool of ``workers`` processes on this machine.

    Args:
        workers: Number of processes; default: :func:`default_workers`.
        max_restarts: How often the pool may be rebuilt after a worker process died.
    """

    def __init__(self, workers: int | None = None, *, max_restarts: int = 3) -> None:
        self.workers = workers if workers is not None else default_workers()
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        self.max_restarts = max_restarts
        self.restarts = 0
        self._context = _context()
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[dict[str, Any]], PointTask] = {}

    @property
    def description(self) -> str:
        """``local pool, N workers``."""
        return f"local pool, {self.workers} worker{'' if self.workers == 1 else 's'}"

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=self._context, initializer=_init_worker
            )
        return self._pool

    def submit(self, task: PointTask) -> None:
        """Queue one point on the pool."""
        self._futures[self._get_pool().submit(run_point, task)] = task

    def outstanding(self) -> int:
        """Points queued or running."""
        return len(self._futures)

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (for tests that kill one)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None]

    def poll(self, timeout_s: float) -> list[dict[str, Any]]:
        """Finished outcomes; rebuilds the pool if a worker process died."""
        if not self._futures:
            return []
        done, _ = wait(list(self._futures), timeout=timeout_s, return_when=FIRST_COMPLETED)
        outcomes: list[dict[str, Any]] = []
        lost: list[PointTask] = []
        for future in done:
            self._collect(future, outcomes, lost)
        if lost:
            for future in list(self._futures):  # the rest of a broken pool is lost too
                if future.done():
                    self._collect(future, outcomes, lost)
                else:
                    lost.append(self._futures.pop(future))
            self._restart(lost)
        return outcomes

    def _collect(
        self, future: Future[dict[str, Any]], outcomes: list[dict[str, Any]], lost: list[PointTask]
    ) -> None:
        task = self._futures.pop(future)
        try:
            outcomes.append(future.result())
        except BrokenProcessPool:
            lost.append(task)
        except Exception as exc:
            raise ExecutorError(f"a worker failed on a point: {type(exc).__name__}: {exc}") from exc

    def _restart(self, lost: list[PointTask]) -> None:
        self.restarts += 1
        self._terminate()
        if self.restarts > self.max_restarts:
            raise ExecutorError(
                f"worker processes died {self.restarts} times (killed, or out of memory?); "
                f"{len(lost)} points did not finish"
            )
        for task in lost:
            self.submit(task)

    def _terminate(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def close(self, *, cancel: bool) -> None:
        """Shut the pool down; with ``cancel``, terminate running points."""
        if cancel:
            self._terminate()
        elif self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._futures.clear()


class DaskExecutor:
    """Points as tasks on a Dask distributed cluster.

    Args:
        address: A scheduler address (``tcp://host:8786``), or ``local`` to start a
            ``LocalCluster`` on this machine.
        workers: Worker processes of a ``local`` cluster (default: :func:`default_workers`).
        client: An existing ``distributed.Client`` to use instead (tests); not closed here.

    Raises:
        MissingExtraError: Dask distributed is not installed.
        ExecutorError: The scheduler cannot be reached.
    """

    def __init__(self, address: str, *, workers: int | None = None, client: Any = None) -> None:
        distributed = _import_distributed()
        self._cluster: Any = None
        self._own_client = client is None
        if client is None:
            client = self._connect(distributed, address, workers)
        self._client: Any = client
        self._completed: Any = distributed.as_completed()
        self._futures: dict[str, Any] = {}
        self._address = address

    @staticmethod
    def check_installed() -> None:
        """Raise :class:`MissingExtraError` (saying how to install it) without Dask."""
        _import_distributed()

    @staticmethod
    def _connect(distributed: Any, address: str, workers: int | None) -> Any:
        try:
            if address == "local":
                with _sigint_ignored():  # inherited: Ctrl-C is for the sweep to handle
                    cluster = distributed.LocalCluster(
                        n_workers=workers if workers is not None else default_workers(),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",
                        silence_logs=logging.ERROR,
                        preload=["qnetstack.sweep.worker"],  # imported while starting
                    )
                return distributed.Client(cluster)
            return distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            if address == "local":
                raise ExecutorError(f"cannot start a Dask LocalCluster: {exc}") from None
            message = f"cannot connect to the Dask scheduler at {address}: {exc}"
            raise ExecutorError(message) from None

    @property
    def description(self) -> str:
        """The cluster and its worker count."""
        workers = len(self._client.scheduler_info().get("workers", {}))
        where = "Dask LocalCluster" if self._address == "local" else f"Dask {self._address}"
        return f"{where}, {workers} worker{'' if workers == 1 else 's'}"

    def submit(self, task: PointTask) -> None:
        """Submit one point as a task keyed ``qnetstack-point-KEY``."""
        future = self._client.submit(run_point, task, key=f"qnetstack-point-{task.key}", pure=False)
        self._futures[future.key] = future
        self._completed.add(future)

    def outstanding(self) -> int:
        """Tasks submitted and not yet returned."""
        return len(self._futures)

    def poll(self, timeout_s: float) -> list[dict[str, Any]]:
        """Outcomes of finished tasks (Dask has already retried those of lost workers)."""
        deadline = time.monotonic() + timeout_s
        while not self._completed.has_ready():
            if not self._futures or time.monotonic() >= deadline:
                return []
            time.sleep(0.01)
        outcomes = []
        for future in self._completed.next_batch(block=False):
            if future.status in ("pending", "lost"):
                # Finished, but the worker holding the result died before we fetched it: the
                # scheduler computes it again, and it will be reported again.
                self._completed.add(future)
                continue
            self._futures.pop(future.key, None)
            if future.status != "finished":
                raise ExecutorError(_task_error(future.exception()))
            outcomes.append(future.result())
            future.release()
        return outcomes

    def close(self, *, cancel: bool) -> None:
        """Cancel what is left (with ``cancel``) and disconnect; stop a ``local`` cluster."""
        if cancel and self._futures:
            self._client.cancel(list(self._futures.values()))
        self._completed.clear()
        self._futures.clear()
        if self._own_client:
            cluster = getattr(self._client, "cluster", None)
            self._client.close()
            if self._address == "local" and cluster is not None:
                cluster.close()


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while starting child processes, which keep ignoring it.

    A Ctrl-C in a terminal goes to the whole process group; the sweep process stops the
    cluster itself, so the cluster's processes need not (and would print tracebacks).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _task_error(exc: BaseException | None) -> str:
    name = type(exc).__name__
    if isinstance(exc, ModuleNotFoundError | ImportError):
        return (
            f"a Dask worker cannot import what the sweep needs ({exc}); install qnetstack "
            "(and any plugin the scenario uses) on every worker"
        )
    if name == "KilledWorker":
        return (
            f"a point killed Dask workers repeatedly and was given up ({exc}); the workers may "
            "be running out of memory"
        )
    return f"a Dask task failed: {name}: {exc}"


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtraError(
            f"Dask distributed is not installed; install it with: {INSTALL_CLUSTER}"
        ) from None
    return distributed
