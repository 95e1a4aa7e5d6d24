"""``qnetstack trace`` and ``qnetstack run --explain``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from helpers import QUICKSTART
from qnetstack.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_trace_of_quickstart_writes_json_and_a_mermaid_diagram(tmp_path: Path) -> None:
    out, md = tmp_path / "trace.json", tmp_path / "trace.md"
    result = runner.invoke(app, ["trace", str(QUICKSTART), "--out", str(out), "--mermaid",
                                 str(md), "--max-events", "50"])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["truncated"] is True
    assert 0 < len(document["events"]) <= 50
    assert {"time_ps", "time_s", "node", "layer", "kind", "data"} == set(document["events"][0])
    text = md.read_text(encoding="utf-8")
    fence = text.split("```mermaid\n", 1)[1]
    assert fence.startswith("sequenceDiagram\n")
    assert "participant station_alice_bob as station:alice-bob" in fence
    assert "station_alice_bob-)alice:" in fence  # a herald arrow
    assert "truncated after 50 steps" in fence


def test_trace_is_deterministic(tmp_path: Path) -> None:
    texts = []
    for i in range(2):
        out = tmp_path / f"t{i}.json"
        args = ["trace", str(QUICKSTART), "--out", str(out), "--max-events", "5"]
        assert runner.invoke(app, args).exit_code == 0
        texts.append(out.read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


def test_trace_filters_by_kind(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    args = ["trace", str(QUICKSTART), "--out", str(out), "--kinds", "herald", "--max-events", "3"]
    assert runner.invoke(app, args).exit_code == 0
    events = json.loads(out.read_text(encoding="utf-8"))["events"]
    assert [e["kind"] for e in events] == ["herald"] * 3


def test_trace_of_a_missing_file_is_one_message_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trace", str(tmp_path / "nope.yaml"), "--out",
                                 str(tmp_path / "t.json")])  # fmt: skip
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert flat(result.stderr).startswith("error: invalid scenario")
    assert not (tmp_path / "t.json").exists()


def test_trace_max_events_zero_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trace", str(QUICKSTART), "--max-events", "0"])
    assert result.exit_code == 2
    assert "--max-events must be at least 1, got 0" in flat(result.stderr)


def test_trace_unknown_node_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trace", str(QUICKSTART), "--nodes", "carol"])
    assert result.exit_code == 2
    assert "--nodes: no node named carol; nodes are alice, bob" in flat(result.stderr)


def test_run_explain_prints_events_in_words_then_the_summary() -> None:
    result = runner.invoke(app, ["run", str(QUICKSTART), "--explain", "--max-events", "4"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("t =        0.000 µs  alice")
    assert "heralded a pair after" in lines[2]
    assert "(Bell state Ψ" in lines[2]
    assert "raise --max-events above 4" in lines[4]
    assert "quickstart  seed 42" in result.stdout


def test_run_explain_max_events_zero_is_a_clear_error() -> None:
    result = runner.invoke(app, ["run", str(QUICKSTART), "--explain", "--max-events", "0"])
    assert result.exit_code == 2
    assert "--max-events must be at least 1, got 0" in flat(result.stderr)
