"""Same scenario and seed → byte-identical results (apart from wall time), across processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import QUICKSTART


def cli_run(out, *extra):
    command = [sys.executable, "-m", "qnetstack.cli", "run", str(QUICKSTART), "--out", str(out)]
    done = subprocess.run(
        [*command, *extra], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def without_wall_time(text: str) -> str:
    data = json.loads(text)
    assert isinstance(data.pop("wall_s"), float)
    return json.dumps(data, indent=2, sort_keys=False)


@pytest.mark.slow
def test_same_seed_gives_identical_results_json(tmp_path):
    first = cli_run(tmp_path / "one.json")
    second = cli_run(tmp_path / "two.json")
    assert without_wall_time(first) == without_wall_time(second)
    # Byte for byte: only the wall_s line may differ.
    diff = [(a, b) for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b]
    assert all(a.strip().startswith('"wall_s"') for a, _ in diff)


@pytest.mark.slow
def test_another_seed_gives_other_attempts(tmp_path):
    base = json.loads(cli_run(tmp_path / "base.json"))
    other = json.loads(cli_run(tmp_path / "other.json", "--seed", "43"))
    assert other["seed"] == 43
    assert other["links"][0]["attempts"] != base["links"][0]["attempts"]
    assert other["requests"][0]["delivered"] == base["requests"][0]["delivered"] == 200


def test_same_seed_in_process_gives_identical_results(registry):
    from qnetstack.scenario import load_scenario, run_scenario

    loaded = load_scenario(QUICKSTART, registry)
    first, second = run_scenario(loaded, registry), run_scenario(loaded, registry)
    first.pop("wall_s")
    second.pop("wall_s")
    assert json.dumps(first) == json.dumps(second)
