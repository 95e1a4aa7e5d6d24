"""What a worker returns for a point: ok, invalid or failing scenarios, simulation failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import qnetstack.sweep.worker as worker
from qnetstack.sweep import PointTask, run_point

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sweep_quickstart.yaml"


def _task(full: bool = False, **edits: Any) -> PointTask:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["requests"][0]["pairs"] = 3
    data.update(edits)
    return PointTask("k1", data, 123, "s.yaml", str(EXAMPLE.parent), full)


def test_ok_point_reports_metrics_and_time() -> None:
    outcome = run_point(_task())
    assert outcome["key"] == "k1"
    assert outcome["status"] == "ok"
    assert outcome["error"] is None
    assert outcome["metrics"]["delivered_pairs"] == 3
    assert outcome["run_s"] > 0
    assert "results" not in outcome


def test_full_adds_the_results_document_run_with_the_point_seed() -> None:
    outcome = run_point(_task(full=True))
    assert outcome["results"]["seed"] == 123


def test_same_task_same_outcome_apart_from_wall_times() -> None:
    a, b = run_point(_task(full=True)), run_point(_task(full=True))
    for outcome in (a, b):
        outcome.pop("run_s")
        outcome["metrics"].pop("wall_s")
        outcome["results"].pop("wall_s")
    assert a == b


def test_invalid_scenario_is_a_failed_point_not_an_exception() -> None:
    outcome = run_point(_task(stop_time_s=-1))
    assert outcome["status"] == "failed"
    assert "stop_time_s" in outcome["error"]
    assert outcome["metrics"] is None


def test_exception_while_running_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> dict[str, Any]:
        raise RuntimeError("plugin bug")

    monkeypatch.setattr(worker, "run_scenario", broken)
    outcome = run_point(_task())
    assert outcome["status"] == "failed"
    assert outcome["error"] == "RuntimeError: plugin bug"


def test_simulation_failure_keeps_partial_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    real = worker.run_scenario

    def failing(*args: Any, **kwargs: Any) -> dict[str, Any]:
        results = real(*args, **kwargs)
        results["failure"] = {"type": "KeyError", "message": "'x'", "sim_time_s": 0.5}
        return results

    monkeypatch.setattr(worker, "run_scenario", failing)
    outcome = run_point(_task())
    assert outcome["status"] == "failed"
    assert outcome["error"] == "the simulation stopped at t = 0.5 s: KeyError: 'x'"
    assert outcome["metrics"]["delivered_pairs"] == 3
