"""Sweeps on a process pool and on Dask: identical results, and no point lost or repeated when a
worker process is killed midway (the pool is rebuilt; Dask reschedules)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.sweep import (
    DaskExecutor,
    LocalExecutor,
    ResultsStore,
    build_plan,
    execute,
    parse_set,
    read_lines,
)
from qnetstack.sweep.executors import Executor
from qnetstack.sweep.plan import Plan

distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sweep_quickstart.yaml"
VARYING = ("wall_s", "run_s")


def _plan(registry: PluginRegistry, pairs: int, *sets: str, seeds: int = 2) -> Plan:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    base["requests"][0]["pairs"] = pairs
    return build_plan(base, [parse_set(s) for s in sets], seeds=seeds, registry=registry,
                      source=str(EXAMPLE), base_dir=EXAMPLE.parent)  # fmt: skip


def _sweep(plan: Plan, executor: Executor, path: Path, **kw: Any) -> list[dict[str, Any]]:
    with ResultsStore.open(path) as store:
        summary = execute(plan, store, executor, full=True, **kw)
    assert not summary.interrupted
    records, skipped = read_lines(path)
    assert skipped == 0
    return records


def _comparable(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by key, without the wall times (the only fields allowed to differ)."""
    result = {}
    for record in records:
        kept = {k: v for k, v in record.items() if k not in VARYING}
        kept["results"] = {k: v for k, v in record["results"].items() if k != "wall_s"}
        result[record["key"]] = kept
    return result


def _exactly_once(plan: Plan, records: list[dict[str, Any]]) -> None:
    keys = [r["key"] for r in records]
    assert sorted(keys) == sorted(p.key for p in plan.points)  # none missing, none repeated


@pytest.fixture(scope="module")
def dask_processes() -> Iterator[Any]:
    """A LocalCluster of two real worker processes (shared by this module's Dask tests)."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.slow
def test_one_worker_two_workers_and_dask_give_identical_results(
    tmp_path: Path, registry: PluginRegistry, dask_processes: Any
) -> None:
    plan = _plan(registry, 5, "platform.fidelity=0.85,0.95", "links[0].length_km=1,10")
    one = _sweep(plan, LocalExecutor(1), tmp_path / "one.jsonl")
    two = _sweep(plan, LocalExecutor(2), tmp_path / "two.jsonl")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        threads = _sweep(plan, DaskExecutor("test", client=client), tmp_path / "threads.jsonl")
    processes = _sweep(
        plan, DaskExecutor("test", client=dask_processes), tmp_path / "processes.jsonl"
    )
    reference = _comparable(one)
    assert len(reference) == len(plan.points) == 8
    assert _comparable(two) == reference
    assert _comparable(threads) == reference
    assert _comparable(processes) == reference
    assert len({r["results"]["sim_time_s"] for r in one}) == len(one)  # the points really differ


def test_killed_pool_worker_loses_and_repeats_nothing(
    tmp_path: Path, registry: PluginRegistry
) -> None:
    plan = _plan(registry, 60, "platform.fidelity=0.85,0.9,0.95", "links[0].length_km=1,5", seeds=2)
    executor = LocalExecutor(2)
    killed: list[int] = []

    def kill_one(record: dict[str, Any]) -> None:
        if not killed:
            killed.append(executor.worker_pids()[0])
            os.kill(killed[0], signal.SIGKILL)

    records = _sweep(plan, executor, tmp_path / "r.jsonl", on_record=kill_one)
    assert killed
    assert executor.restarts >= 1
    _exactly_once(plan, records)
    assert all(r["status"] == "ok" for r in records)


def test_killed_dask_worker_is_rescheduled_without_loss_or_repeat(
    tmp_path: Path, registry: PluginRegistry, dask_processes: Any
) -> None:
    plan = _plan(registry, 60, "platform.fidelity=0.85,0.9,0.95", "links[0].length_km=1,5", seeds=2)
    pids: dict[str, int] = dask_processes.run(os.getpid)
    killed: list[int] = []

    def kill_one(record: dict[str, Any]) -> None:
        if not killed:
            killed.append(next(iter(pids.values())))
            os.kill(killed[0], signal.SIGKILL)

    executor = DaskExecutor("test", client=dask_processes)
    records = _sweep(plan, executor, tmp_path / "r.jsonl", on_record=kill_one)
    assert killed
    _exactly_once(plan, records)
    assert all(r["status"] == "ok" for r in records)
    assert set(dask_processes.run(os.getpid).values()) != set(pids.values())  # a new worker
