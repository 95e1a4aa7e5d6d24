"""Sweep speed: the same 40-point sweep on 1 and on 2 worker processes, in one run.

Run: ``python benchmarks/sweep.py [--pairs 400] [--dask]``. Prints one JSON line per executor
and a summary line.

The sweep is ``examples/sweep_quickstart.yaml`` with ``platform.fidelity=0.85:0.95:5``,
``links[0].length_km=1,2,5,10`` and 2 seeds (40 points), each point delivering ``--pairs``
pairs, run through the real engine (plan → executor → results file with fsync per line),
exactly as ``qnetstack sweep`` runs it.

Figures:

* ``wall_s``: the sweep's wall time, pool start-up included (a fresh pool per run; the
  forkserver that pools fork their workers from is started once per process, before timing,
  and its start-up is reported on its own as ``forkserver_start_s``);
* ``run_s_sum``: the sum over points of the time spent inside the worker (scenario loading and
  simulation);
* ``overhead_ms_per_point`` = (``wall_s`` × workers − ``run_s_sum``) / points: worker time
  that did not go into points (start-up, queueing, transfers, the parent's writes), per point.
  With one worker it is exactly wall minus the sum of run times, per point;
* ``speedup`` = wall on 1 worker / wall on 2 workers, from ``--repeats`` interleaved rounds
  (the best round is reported, with all of them); on a shared machine the second core may be
  busy with other work, which ``contention`` and ``available_speedup`` measure (see
  :func:`summary`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform as host
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.sweep import (
    DaskExecutor,
    LocalExecutor,
    ResultsStore,
    build_plan,
    execute,
    parse_set,
)
from qnetstack.sweep.executors import Executor
from qnetstack.sweep.plan import Plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sweep_quickstart.yaml"
SETS = ("platform.fidelity=0.85:0.95:5", "links[0].length_km=1,2,5,10")


def make_plan(pairs: int, seeds: int = 2) -> Plan:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    base["requests"][0]["pairs"] = pairs
    registry = PluginRegistry.from_entry_points()
    return build_plan(base, [parse_set(s) for s in SETS], seeds=seeds, registry=registry,
                      source=str(EXAMPLE), base_dir=EXAMPLE.parent)  # fmt: skip


def measure(plan: Plan, executor: Executor, workers: int, label: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.jsonl"
        with ResultsStore.open(path) as store:
            start = time.perf_counter()
            summary = execute(plan, store, executor)
            wall_s = time.perf_counter() - start
    assert summary.ok == len(plan.points), summary
    overhead = (wall_s * workers - summary.run_s) / len(plan.points)
    return {
        "executor": label,
        "workers": workers,
        "points": len(plan.points),
        "wall_s": round(wall_s, 3),
        "run_s_sum": round(summary.run_s, 3),
        "overhead_ms_per_point": round(overhead * 1e3, 1),
    }


def machine() -> dict[str, Any]:
    return {
        "python": host.python_version(),
        "machine": host.machine(),
        "processor": host.processor() or host.machine(),
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=400, help="Pairs per point (default 400).")
    parser.add_argument("--repeats", type=int, default=3, help="Interleaved 1/2-worker rounds.")
    parser.add_argument("--dask", action="store_true", help="Also a Dask LocalCluster, 2 workers.")
    args = parser.parse_args()
    plan = make_plan(args.pairs)
    print(json.dumps({"machine": machine()}))
    start = time.perf_counter()
    warm_up = dataclasses.replace(plan, points=plan.points[:2])
    measure(warm_up, LocalExecutor(1), 1, "warm-up")  # starts the forkserver
    print(json.dumps({"forkserver_start_s": round(time.perf_counter() - start, 3)}))
    rounds = []
    for _ in range(args.repeats):  # interleaved: both see the same (shared, noisy) machine
        one = measure(plan, LocalExecutor(1), 1, "local pool")
        two = measure(plan, LocalExecutor(2), 2, "local pool")
        print(json.dumps(one))
        print(json.dumps(two))
        rounds.append((one, two))
    if args.dask:
        # The cluster starts in the constructor: its start-up is not in wall_s.
        print(json.dumps(measure(plan, DaskExecutor("local", workers=2), 2, "Dask LocalCluster")))
    print(json.dumps(summary(rounds)))


def summary(rounds: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Best round by speed-up, and what the machine allowed in it.

    ``contention`` = in-worker time of a point on 2 workers / on 1 worker: 1.0 when the second
    core was free, 2.0 when other work took it entirely. ``available_speedup`` = 2 /
    contention is what a perfect pool could reach then, and ``efficiency`` = speed-up /
    available speed-up is the part of it the sweep engine delivered.
    """
    table = []
    for one, two in rounds:
        speedup = one["wall_s"] / two["wall_s"]
        contention = two["run_s_sum"] / one["run_s_sum"]
        table.append((speedup, contention, one, two))
    speedup, contention, one, two = max(table, key=lambda row: row[0])
    return {
        "speedup_2_vs_1": round(speedup, 2),
        "speedups_all_rounds": [round(row[0], 2) for row in table],
        "contention": round(contention, 2),
        "available_speedup": round(2 / contention, 2),
        "efficiency": round(speedup / (2 / contention), 2),
        "overhead_ms_per_point": [one["overhead_ms_per_point"], two["overhead_ms_per_point"]],
        "goals": {"speedup": 1.8, "overhead_ms_per_point": 50},
    }


if __name__ == "__main__":
    main()
