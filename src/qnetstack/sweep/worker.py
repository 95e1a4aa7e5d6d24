"""What runs on a worker: one point, from scenario data to its outcome.

This is the only code a process-pool or Dask worker executes. It loads the scenario again from
plain data (cheap, and nothing unpicklable crosses the process boundary), runs it with the
point's seed and returns a small dict: the status, the error if any, the flat metrics, the
time spent here (``run_s``) and, with ``full``, the whole results document.

It never raises for a problem of the point itself: an invalid scenario or an exception while
building or running the simulation becomes ``status: "failed"`` with the error text. An
exception out of :func:`run_point` therefore means the worker itself broke (killed, out of
memory, qnetstack not installed on it), and the point is not recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qnetstack.runtime.plugins import PluginRegistry
from qnetstack.scenario.load import ScenarioError, parse_scenario
from qnetstack.scenario.simulation import run_scenario
from qnetstack.sweep.metrics import metrics_of

__all__ = ["PointTask", "run_point"]

_registry: PluginRegistry | None = None


@dataclass(frozen=True, slots=True)
class PointTask:
    """One point, as sent to a worker.

    Attributes:
        key: The point's key (it travels back with the outcome).
        data: Scenario data with the point's values set.
        seed: The run seed.
        source: Scenario file name, for error messages.
        base_dir: Directory relative topology files are resolved against.
        full: Return the whole results document too.
    """

    key: str
    data: dict[str, Any]
    seed: int
    source: str
    base_dir: str
    full: bool = False


def _plugins() -> PluginRegistry:
    """The plugin registry, loaded once per worker process."""
    global _registry
    if _registry is None:
        _registry = PluginRegistry.from_entry_points()
    return _registry


def run_point(task: PointTask) -> dict[str, Any]:
    """Run one point; return ``{"key", "status", "error", "metrics", "run_s"[, "results"]}``."""
    start = time.perf_counter()
    outcome: dict[str, Any] = {"key": task.key, "status": "ok", "error": None, "metrics": None}
    try:
        registry = _plugins()
        loaded = parse_scenario(task.data, registry, task.source, base_dir=Path(task.base_dir))
        results = run_scenario(loaded, registry, seed=task.seed)
    except ScenarioError as exc:
        outcome.update(status="failed", error=str(exc))
    except Exception as exc:  # a plugin bug while building: record it, keep sweeping
        outcome.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    else:
        failure = results.get("failure")
        if failure is not None:
            outcome.update(
                status="failed",
                error=f"the simulation stopped at t = {failure['sim_time_s']:.6g} s: "
                f"{failure['type']}: {failure['message']}",
            )
        outcome["metrics"] = metrics_of(results)
        if task.full:
            outcome["results"] = results
    outcome["run_s"] = time.perf_counter() - start
    return outcome
