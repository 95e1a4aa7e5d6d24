"""The qnetstack side of the SeQUeNCe peer benchmarks (``benchmarks/peers``) keeps working.

Each qnetstack script runs as ``__main__`` (in this process, to stay fast) at a tiny size and
must print one JSON line of the shape the driver parses; SeQUeNCe is not needed (its scripts
run only under ``benchmarks/peers/run.py``). The driver's ratio and goal logic is checked on
made-up records.
"""

from __future__ import annotations

import importlib.util
import json
import runpy
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PEERS = Path(__file__).resolve().parents[3] / "benchmarks" / "peers"

TINY = [
    ("qnetstack_kernel.py", ["--events", "500"], "kernel", "events_per_s"),
    ("qnetstack_link.py", ["--length-km", "2", "--pairs", "3"], "link_2km", "wall_per_pair_s"),
    (
        "qnetstack_link.py",
        ["--length-km", "20", "--pairs", "3", "--stack", "physical"],
        "link_20km",
        "wall_per_pair_s",
    ),
    (
        "qnetstack_link.py",
        ["--length-km", "2", "--pairs", "2", "--physics", "depolarising", "--stack", "simple-link"],
        "link_2km",
        "wall_per_pair_s",
    ),
    (
        "qnetstack_link.py",
        ["--length-km", "2", "--pairs", "2", "--mode", "attempts"],
        "link_2km",
        "wall_per_pair_s",
    ),
    ("qnetstack_chain.py", ["--nodes", "3", "--pairs", "1"], "chain_3", "wall_per_pair_s"),
    ("qnetstack_qkd.py", ["--pairs", "8"], "qkd", "sifted_bits_per_s"),
]


@pytest.mark.parametrize(("script", "args", "scenario", "metric"), TINY)
def test_qnetstack_peer_script_prints_one_json_line(
    script: str,
    args: list[str],
    scenario: str,
    metric: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.syspath_prepend(str(PEERS))  # the scripts import their _common helpers
    monkeypatch.setattr(sys, "argv", [script, *args])
    runpy.run_path(str(PEERS / script), run_name="__main__")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    record: dict[str, Any] = json.loads(lines[0])
    assert record["sim"] == "qnetstack"
    assert record["scenario"] == scenario
    assert record["metric"] == metric
    assert isinstance(record["value"], float)
    assert record["value"] > 0
    assert record["unit"]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``benchmarks/peers/run.py`` imported as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("peers_run", PEERS / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "peers_run", module)  # dataclasses look it up by name
    spec.loader.exec_module(module)
    return module


def test_driver_ratio_is_how_many_times_better_qnetstack_is(run: ModuleType) -> None:
    cases = {case.scenario: case for case in run.cases(run.Sizes.quick())}
    # rates: qnetstack / peer; wall per pair: peer / qnetstack
    assert run.advantage(cases["kernel"], 3.0e6, 1.0e6) == pytest.approx(3.0)
    assert run.advantage(cases["link_2km"], 1e-3, 0.05) == pytest.approx(50.0)
    assert run.advantage(cases["qkd"], 100.0, 1000.0) == pytest.approx(0.1)
    assert run.advantage(cases["chain_3"], None, 1.0) is None


def test_driver_summary_takes_medians_and_judges_the_goal(run: ModuleType) -> None:
    case = next(c for c in run.cases(run.Sizes.quick()) if c.scenario == "kernel")
    outcome = run.Outcome(case)
    label = case.variants[0].label
    unit = {"metric": "events_per_s", "unit": "events/s"}
    outcome.qnetstack[label] = [{"value": v, **unit} for v in (1.0e6, 3.0e6, 2.9e6)]
    outcome.peer = [{"value": v, **unit} for v in (1.0e6, 1.2e6)] + [{"error": "exit 1"}]
    (row,) = run.summarise([outcome])
    assert row["qnetstack_median"] == pytest.approx(2.9e6)
    assert row["sequence_median"] == pytest.approx(1.1e6)
    assert row["advantage"] == pytest.approx(2.9 / 1.1)
    assert row["goal_met"] is False  # 2.64x < 2.7x
    assert row["errors"] == ["exit 1"]
    assert "missed" in run.table([row])
