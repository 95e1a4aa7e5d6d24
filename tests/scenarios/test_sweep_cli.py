"""``qnetstack sweep``, ``results export`` and ``plot sweep`` end to end, including a real
SIGTERM in the middle of a sweep and the rerun that resumes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from qnetstack.cli import app
from qnetstack.runtime import PluginRegistry
from qnetstack.sweep import build_plan, parse_set, read_lines

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sweep_quickstart.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()

SETS = ["platform.fidelity=0.8:0.95:4", "links[0].length_km=1,5,10", "requests[0].pairs=10"]


def _args(out: Path, *extra: str) -> list[str]:
    args = ["sweep", str(EXAMPLE), "--out", str(out), "--seeds", "2"]
    for option in SETS:
        args += ["--set", option]
    return [*args, *extra]


def _expected_keys(registry: PluginRegistry) -> set[str]:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    plan = build_plan(base, [parse_set(s) for s in SETS], seeds=2, registry=registry)
    return {p.key for p in plan.points}


@pytest.mark.slow
def test_sigterm_midway_then_rerun_loses_and_repeats_nothing(
    tmp_path: Path, registry: PluginRegistry
) -> None:
    out = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "qnetstack.cli", *_args(out, "--workers", "2")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and out.read_bytes().count(b"\n") >= 1):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no result line within 120 s"
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "interrupted by SIGTERM" in stderr
    assert "rerun the same command" in stderr
    first, skipped = read_lines(out)
    expected = _expected_keys(registry)
    assert 1 <= len(first) < len(expected)
    assert skipped == 0
    before = out.read_bytes()

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(first)} already in" in rerun.stdout.replace("\n", " ")
    assert out.read_bytes().startswith(before)  # nothing finished was rewritten or lost
    records, skipped = read_lines(out)
    keys = [r["key"] for r in records]
    assert sorted(keys) == sorted(expected)
    assert skipped == 0
    assert all(r["status"] == "ok" for r in records)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("platform.fidelityy=0.9", "platform.fidelityy: no such field; fields are: "),
        ("seed=abc", "seed: Input should be a valid integer"),
        ("links[0].length_km=1:5:x", "N must be a whole number"),
    ],
)
def test_bad_set_is_one_message_and_exit_2(tmp_path: Path, option: str, message: str) -> None:
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["sweep", str(EXAMPLE), "--out", str(out), "--set", option])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_dask_without_distributed_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = runner.invoke(
        app, ["sweep", str(EXAMPLE), "--out", str(tmp_path / "r.jsonl"), "--dask", "local"]
    )
    assert result.exit_code == 2
    assert "pip install 'qnetstack[cluster]'" in result.output
    assert "Traceback" not in result.output


def test_dry_run_lists_points_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, [*_args(out), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "24 points (12 × 2 seeds)" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_dask_local_sweep_export_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "r.jsonl"
    args = ["sweep", str(EXAMPLE), "--out", str(out), "--seeds", "2",
            "--set", "platform.fidelity=0.85,0.95", "--set", "links[0].length_km=1,10"]  # fmt: skip
    result = runner.invoke(app, [*args, "--dask", "local", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Dask LocalCluster, 1 worker" in result.output
    assert "8 ok, 0 failed" in result.output
    again = runner.invoke(app, [*args, "--workers", "1"])
    assert again.exit_code == 0
    assert "8 already in" in again.output.replace("\n", " ")

    csv_file = tmp_path / "r.csv"
    exported = runner.invoke(app, ["results", "export", str(out), "--out", str(csv_file)])
    assert exported.exit_code == 0, exported.output
    header = csv_file.read_text().splitlines()[0].split(",")
    assert header[3:5] == ["platform.fidelity", "links[0].length_km"]
    assert len(csv_file.read_text().splitlines()) == 9
    parquet = tmp_path / "r.parquet"
    exported = runner.invoke(
        app, ["results", "export", str(out), "--format", "parquet", "--out", str(parquet)]
    )
    assert exported.exit_code == 0
    assert parquet.read_bytes()[:4] == b"PAR1"

    png = tmp_path / "fid.png"
    plotted = runner.invoke(app, ["plot", "sweep", str(out), "--x", "links[0].length_km",
                                  "--y", "fidelity_mean", "--hue", "platform.fidelity",
                                  "--out", str(png)])  # fmt: skip
    assert plotted.exit_code == 0, plotted.output
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert "2 line(s), 4 points, 8 runs" in plotted.output
    svg = tmp_path / "tp.svg"
    short = runner.invoke(app, ["plot", str(out), "--x", "platform.fidelity", "--y",
                                "throughput_hz", "--where", "links[0].length_km=10",
                                "--out", str(svg)])  # fmt: skip
    assert short.exit_code == 0, short.output
    assert svg.read_text().lstrip().startswith("<?xml")

    mixed = runner.invoke(app, ["plot", str(out), "--x", "platform.fidelity", "--y",
                                "throughput_hz", "--out", str(svg)])  # fmt: skip
    assert mixed.exit_code == 2
    assert "vary links[0].length_km too" in mixed.output
    unknown = runner.invoke(app, ["plot", str(out), "--x", "platform.fidelity", "--y",
                                  "throughput", "--hue", "links[0].length_km"])  # fmt: skip
    assert unknown.exit_code == 2
    assert "--y: no field 'throughput'" in unknown.output
    assert "throughput_hz" in unknown.output


def test_invalid_points_are_recorded_and_the_sweep_exits_1(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["requests"][0].update(pairs=3, start_s=1.5)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(yaml.safe_dump(data))
    out = tmp_path / "r.jsonl"
    args = [
        "sweep",
        str(scenario),
        "--out",
        str(out),
        "--set",
        "stop_time_s=1,10",
        "--workers",
        "1",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "1 ok, 1 failed" in result.output
    assert "1 point(s) failed" in result.output
    records = {r["set"]["stop_time_s"]: r for r in read_lines(out)[0]}
    assert records[1]["status"] == "invalid"
    assert "start_s" in records[1]["error"]
    assert records[10]["status"] == "ok"
    assert json.loads(out.read_text().splitlines()[0])["key"]


def test_results_file_in_use_or_missing_directory_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sweep", str(EXAMPLE), "--out", str(tmp_path / "no" / "r.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    missing = runner.invoke(app, ["results", "export", str(tmp_path / "x.jsonl"), "--out",
                                  str(tmp_path / "x.csv")])  # fmt: skip
    assert missing.exit_code == 2
    assert "file not found" in missing.output
    assert os.listdir(tmp_path) == []
