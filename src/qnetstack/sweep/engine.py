"""The sweep loop: skip what is done, run the rest, append each result as it arrives.

:func:`execute` is the only place that writes results, and it runs in the parent process: it
submits every point that the results file does not hold yet, then polls the executor with a
short timeout, appending one line per outcome (:meth:`ResultsStore.append`). Between polls it
checks ``should_stop`` — set by SIGINT/SIGTERM through :func:`stop_on_signals` — so an
interrupted sweep stops between two writes, never in the middle of one, and cancels what is
still running; a rerun of the same command resumes from the file.

Points that the plan found invalid are recorded at once, without a worker. An outcome whose key
is already in the file (a task that Dask ran twice after losing a worker) is not written again.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from qnetstack import __version__
from qnetstack.sweep.executors import Executor, ExecutorError
from qnetstack.sweep.metrics import METRICS
from qnetstack.sweep.plan import Plan, Point
from qnetstack.sweep.store import ResultsStore
from qnetstack.sweep.worker import PointTask

__all__ = ["StopFlag", "SweepSummary", "execute", "record_of", "stop_on_signals"]

RecordCallback = Callable[[dict[str, Any]], None]


@dataclass(slots=True)
class SweepSummary:
    """What one invocation did.

    Attributes:
        total: Distinct points of the sweep.
        skipped: Points already in the results file.
        to_run: Points this invocation set out to finish.
        ok: Points finished with ``status: "ok"`` now.
        failed: Points finished now with ``status: "failed"`` or ``"invalid"``.
        interrupted: Stopped by a signal before every point finished.
        wall_s: Wall time of :func:`execute`.
        run_s: Sum of the in-worker times of the points finished now.
    """

    total: int
    skipped: int
    to_run: int
    ok: int = 0
    failed: int = 0
    interrupted: bool = False
    wall_s: float = 0.0
    run_s: float = 0.0

    @property
    def finished(self) -> int:
        """Points finished by this invocation."""
        return self.ok + self.failed


def record_of(plan: Plan, point: Point, outcome: dict[str, Any]) -> dict[str, Any]:
    """The results line of one point (see ``docs/how-to/run-a-sweep-on-all-cores.md``)."""
    metrics = outcome.get("metrics") or {}
    record: dict[str, Any] = {
        "key": point.key,
        "base": plan.base[:16],
        "scenario": plan.scenario,
        "set": point.assignment,
        "seed_index": point.seed_index,
        "seed": point.seed,
        "status": outcome["status"],
        "error": outcome.get("error"),
    }
    record.update({name: metrics.get(name) for name in METRICS})
    record["run_s"] = outcome.get("run_s")
    record["qnetstack_version"] = __version__
    if "results" in outcome:
        record["results"] = outcome["results"]
    return record


@dataclass(slots=True)
class StopFlag:
    """Set by a signal handler; the engine stops at its next check."""

    signum: int | None = None
    _event: threading.Event = field(default_factory=threading.Event)

    def set(self, signum: int) -> None:
        """Ask the sweep to stop (called from a signal handler)."""
        self.signum = signum
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()


@contextmanager
def stop_on_signals() -> Iterator[StopFlag]:
    """While inside, SIGINT and SIGTERM set the returned flag instead of killing the process.

    A second signal raises ``KeyboardInterrupt`` at once (a way out if a point hangs). Outside
    the main thread, where handlers cannot be installed, the flag is only set by hand.
    """
    flag = StopFlag()

    def handler(signum: int, frame: FrameType | None) -> None:
        if flag():
            raise KeyboardInterrupt
        flag.set(signum)

    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


def execute(
    plan: Plan,
    store: ResultsStore,
    executor: Executor,
    *,
    full: bool = False,
    on_record: RecordCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    poll_s: float = 0.1,
) -> SweepSummary:
    """Run every point of ``plan`` that ``store`` does not hold yet; append each as it finishes.

    Args:
        plan: The validated points.
        store: The open results file.
        executor: Where points run; closed before returning.
        full: Store each point's whole results document under ``results``.
        on_record: Called with each record right after it is written.
        should_stop: Polled between results; when true, the sweep stops and cancels the rest.
        poll_s: Longest wait for a result between two checks of ``should_stop``.

    Raises:
        ExecutorError: The workers failed (points written until then are kept).
    """
    start = time.perf_counter()
    stop = should_stop or (lambda: False)
    points = {p.key: p for p in plan.points}  # a point appears once even if values repeat
    todo = [p for p in points.values() if p.key not in store.keys]
    summary = SweepSummary(len(points), len(points) - len(todo), len(todo))
    try:
        for point in todo:
            if point.invalid is not None:
                recorded: dict[str, Any] = {"status": "invalid", "error": point.invalid}
                _write(store, record_of(plan, point, recorded), summary, on_record)
            else:
                task = PointTask(
                    point.key, point.data, point.seed, plan.source, str(plan.base_dir), full
                )
                executor.submit(task)
        while executor.outstanding() and not stop():
            try:
                outcomes = executor.poll(poll_s)
            except ExecutorError:
                if stop():  # workers killed by the same signal: an interrupt, not a failure
                    break
                raise
            for outcome in outcomes:
                point = points[outcome["key"]]
                if point.key not in store.keys:
                    _write(store, record_of(plan, point, outcome), summary, on_record)
        summary.interrupted = stop() and summary.finished < summary.to_run
    finally:
        executor.close(cancel=executor.outstanding() > 0)
        summary.wall_s = time.perf_counter() - start
    return summary


def _write(
    store: ResultsStore,
    record: dict[str, Any],
    summary: SweepSummary,
    on_record: RecordCallback | None,
) -> None:
    store.append(record)
    if record["status"] == "ok":
        summary.ok += 1
    else:
        summary.failed += 1
    summary.run_s += float(record["run_s"] or 0.0)
    if on_record is not None:
        on_record(record)
