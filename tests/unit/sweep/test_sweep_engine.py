"""The sweep loop with an in-process executor: what gets written, resumed, skipped, stopped."""

from __future__ import annotations

import os
import signal
from collections import deque
from pathlib import Path
from typing import Any

import pytest
import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.sweep import (
    METRICS,
    ExecutorError,
    PointTask,
    ResultsStore,
    build_plan,
    execute,
    parse_set,
    read_lines,
    run_point,
    stop_on_signals,
)
from qnetstack.sweep.plan import Plan

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sweep_quickstart.yaml"


class InlineExecutor:
    """Runs points here, one per poll; can repeat an outcome or fail after some points."""

    description = "inline"

    def __init__(self, repeat: bool = False, fail_after: int | None = None) -> None:
        self.queue: deque[PointTask] = deque()
        self.repeat = repeat
        self.fail_after = fail_after
        self.ran = 0
        self.closed_with: bool | None = None

    def submit(self, task: PointTask) -> None:
        self.queue.append(task)

    def poll(self, timeout_s: float) -> list[dict[str, Any]]:
        if self.fail_after is not None and self.ran >= self.fail_after:
            raise ExecutorError("workers gone")
        outcome = run_point(self.queue.popleft())
        self.ran += 1
        return [outcome, outcome] if self.repeat else [outcome]

    def outstanding(self) -> int:
        return len(self.queue)

    def close(self, *, cancel: bool) -> None:
        self.closed_with = cancel


def _plan(registry: PluginRegistry, *sets: str, seeds: int = 2, **edits: Any) -> Plan:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    base["requests"][0]["pairs"] = 3
    base.update(edits)
    return build_plan(base, [parse_set(s) for s in sets], seeds=seeds, registry=registry,
                      source=str(EXAMPLE), base_dir=EXAMPLE.parent)  # fmt: skip


def test_every_point_is_written_once_with_its_identity_and_metrics(
    tmp_path: Path, registry: PluginRegistry
) -> None:
    plan = _plan(registry, "platform.fidelity=0.9,0.95")
    seen: list[str] = []
    with ResultsStore.open(tmp_path / "r.jsonl") as store:
        summary = execute(plan, store, InlineExecutor(repeat=True),
                          on_record=lambda r: seen.append(r["key"]))  # fmt: skip
    records, _ = read_lines(tmp_path / "r.jsonl")
    assert [r["key"] for r in records] == seen == [p.key for p in plan.points]
    assert summary.ok == 4
    assert summary.failed == 0
    assert not summary.interrupted
    first = records[0]
    assert first["set"] == {"platform.fidelity": 0.9}
    assert first["seed_index"] == 0
    assert first["seed"] == plan.points[0].seed
    assert first["status"] == "ok"
    assert first["scenario"] == "sweep-quickstart"
    assert first["base"] == plan.base[:16]
    assert all(name in first for name in METRICS)
    assert first["delivered_pairs"] == 3
    assert "results" not in first


def test_rerun_skips_finished_points_and_more_seeds_add_only_new_ones(
    tmp_path: Path, registry: PluginRegistry
) -> None:
    path = tmp_path / "r.jsonl"
    with ResultsStore.open(path) as store:
        execute(_plan(registry, "platform.fidelity=0.9"), store, InlineExecutor())
    with ResultsStore.open(path) as store:
        again = execute(_plan(registry, "platform.fidelity=0.9"), store, InlineExecutor())
    assert again.skipped == 2
    assert again.to_run == 0
    with ResultsStore.open(path) as store:
        more = execute(_plan(registry, "platform.fidelity=0.9", seeds=3), store, InlineExecutor())
    assert more.skipped == 2
    assert more.ok == 1
    records, _ = read_lines(path)
    assert sorted(r["seed_index"] for r in records) == [0, 1, 2]


def test_stop_request_ends_between_points(tmp_path: Path, registry: PluginRegistry) -> None:
    plan = _plan(registry, "platform.fidelity=0.85,0.9,0.95")
    executor = InlineExecutor()
    with ResultsStore.open(tmp_path / "r.jsonl") as store:
        summary = execute(plan, store, executor, should_stop=lambda: executor.ran >= 2)
    assert summary.interrupted
    assert summary.finished == 2
    assert executor.closed_with is True  # what was left is cancelled
    assert len(read_lines(tmp_path / "r.jsonl")[0]) == 2


def test_executor_failure_keeps_what_finished(tmp_path: Path, registry: PluginRegistry) -> None:
    plan = _plan(registry, "platform.fidelity=0.85,0.9,0.95")
    with ResultsStore.open(tmp_path / "r.jsonl") as store, pytest.raises(ExecutorError):
        execute(plan, store, InlineExecutor(fail_after=3))
    assert len(read_lines(tmp_path / "r.jsonl")[0]) == 3


def test_invalid_points_are_recorded_without_running(
    tmp_path: Path, registry: PluginRegistry
) -> None:
    base_requests = [{"src": "alice", "dst": "bob", "pairs": 3, "start_s": 1.5}]
    plan = _plan(registry, "stop_time_s=1,10", seeds=1, requests=base_requests)
    executor = InlineExecutor()
    with ResultsStore.open(tmp_path / "r.jsonl") as store:
        summary = execute(plan, store, executor, full=True)
    records = {r["set"]["stop_time_s"]: r for r in read_lines(tmp_path / "r.jsonl")[0]}
    assert executor.ran == 1
    assert summary.failed == 1
    assert summary.ok == 1
    assert records[1]["status"] == "invalid"
    assert "requests[0].start_s" in records[1]["error"]
    assert records[1]["delivered_pairs"] is None
    assert records[10]["status"] == "ok"
    assert records[10]["results"]["requests"][0]["delivered"] == 3


def test_signals_set_the_stop_flag_and_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as stop:
        assert not stop()
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt: the sweep decides
        assert stop()
        assert stop.signum == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):  # a second signal is the way out of a hang
            os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before
