"""``qnetstack compare-routing``: registered as cli.py does, a tiny real comparison, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from qnetstack.commands.compare import CompareSpec, compare_routing, generate_requests

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

BASE: dict[str, Any] = {
    "name": "tiny",
    "seed": 7,
    "stop_time_s": 0.5,
    "platform": {
        "plugin": "depolarising",
        "success_probability": 0.5,
        "fidelity": 0.95,
        "memory_slots": 4,
    },
    "link_layer": {"plugin": "egp"},
    "network": {"plugin": "qnp"},
}
COMPARE: dict[str, Any] = {
    "strategies": ["shortest-hops", {"strategy": "widest-path", "label": "widest"}],
    "topologies": [{"kind": "grid", "rows": 2, "cols": 2, "spacing_km": 5}],
    "load": [2],
    "seeds": 2,
    "requests": {"pairs": 2, "min_fidelity": 0.5},
}


def _app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Stand-in for the qnetstack root command."""

    app.command("compare-routing")(compare_routing)
    return app


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def _spec(tmp_path: Path, compare: dict[str, Any] | None = None, **base: Any) -> Path:
    data = {**BASE, **base, "compare": COMPARE if compare is None else compare}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _without_wall_times(document: dict[str, Any]) -> dict[str, Any]:
    for run in document["runs"]:
        run.pop("wall_s")
    return document


def test_tiny_comparison_writes_table_json_and_plot(tmp_path):
    spec = _spec(tmp_path)
    out, plot = tmp_path / "a.json", tmp_path / "a.png"
    args = ["compare-routing", str(spec), "--out", str(out), "--plot", str(plot)]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "routing comparison" in text
    assert "shortest-hops" in text
    assert "widest" in text
    assert "[4/4] grid-2x2 · load 2 · widest · seed 8" in flat(result.stderr)
    assert plot.read_bytes().startswith(PNG_MAGIC)

    document = json.loads(out.read_text())
    assert document["seeds"] == [7, 8]
    assert document["compare"]["load"] == [2]
    assert [(r["strategy"], r["seed"]) for r in document["runs"]] == [
        ("shortest-hops", 7), ("shortest-hops", 8), ("widest", 7), ("widest", 8),
    ]  # fmt: skip
    for run in document["runs"]:
        assert run["topology"] == "grid-2x2"
        assert run["failure"] is None
        assert len(run["requests"]) == 2
        assert set(run["metrics"]) == set(document["metrics"])
        assert run["metrics"]["failure_rate"] == 0.0
    # The same requests for every strategy at a given seed (common random numbers).
    endpoints = {(r["seed"], tuple((q["src"], q["dst"]) for q in r["requests"]))
                 for r in document["runs"]}  # fmt: skip
    assert len(endpoints) == 2
    assert [(c["strategy"], c["load"], c["runs"]) for c in document["aggregates"]] == [
        ("shortest-hops", 2, 2), ("widest", 2, 2),
    ]  # fmt: skip
    throughput = document["aggregates"][0]["metrics"]["throughput_hz"]
    assert throughput["n"] == 2
    assert throughput["ci95"][0] <= throughput["mean"] <= throughput["ci95"][1]

    # Determinism: the same SPEC gives the same document apart from wall times.
    again = tmp_path / "b.json"
    result = runner.invoke(_app(), ["compare-routing", str(spec), "-o", str(again)])
    assert result.exit_code == 0, result.output
    first = _without_wall_times(json.loads(out.read_text()))
    assert _without_wall_times(json.loads(again.read_text())) == first


def test_seeds_option_overrides_the_spec_and_base_topology_is_the_default(tmp_path):
    compare = {**COMPARE, "strategies": ["shortest-hops"], "topologies": []}
    spec = _spec(tmp_path, compare, topology={"kind": "chain", "nodes": 3, "spacing_km": 5})
    out = tmp_path / "r.json"
    result = runner.invoke(_app(), ["compare-routing", str(spec), "--seeds", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["seeds"] == [7]
    assert {run["topology"] for run in document["runs"]} == {"chain-3"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"strategies": ["shortest-hops", "no-such"]},
         "compare.strategies[1].strategy: unknown routing strategy 'no-such'"),
        ({"strategies": [{"strategy": "k-shortest", "options": {"weight": "speed"}}]},
         "compare.strategies[0].options.weight"),
        ({"strategies": ["qcast", "qcast"]}, "'qcast' appear more than once"),
        ({"strategies": []}, "compare.strategies"),
        ({"topologies": [{"kind": "grid", "rows": 1, "cols": 1, "spacing_km": 5}]},
         "compare.topologies[0]"),
        ({"topologies": [{"kind": "hexagon", "nodes": 6}]}, "compare.topologies[0]"),
        ({"load": [0]}, "compare.load"),
        ({"seeds": 0}, "compare.seeds"),
        ({"requests": {"pairs": 1, "min_fidelity": 1.5}}, "compare.requests.min_fidelity"),
        ({"requests": {"endpoints": ["n0", "x9"]}}, "compare.requests.endpoints: 'x9'"),
        ({"speed": 3}, "compare.speed: unknown field"),
    ],
)  # fmt: skip
def test_bad_compare_fields_are_named_with_exit_2(tmp_path, change, message):
    spec = _spec(tmp_path, {**COMPARE, **change})
    result = runner.invoke(_app(), ["compare-routing", str(spec)])
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ({"requests": [{"src": "n0", "dst": "n1"}]}, "requests: compare-routing generates"),
        ({"routing": {"strategy": "qcast"}}, "routing: compare-routing generates"),
        ({"platform": {"plugin": "nope"}}, "platform.plugin"),
        ({"network": None}, "routing needs a network layer"),
    ],
)
def test_bad_base_scenario_is_reported_with_exit_2(tmp_path, base, message):
    spec = _spec(tmp_path, **base)
    result = runner.invoke(_app(), ["compare-routing", str(spec)])
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)


def test_bad_files_and_options(tmp_path):
    spec = _spec(tmp_path)
    cases = [
        (["compare-routing", str(tmp_path / "missing.yaml")], "file not found"),
        (["compare-routing", str(spec), "--plot", str(tmp_path / "p.pdf")], "--plot: unsupported"),
        (["compare-routing", str(spec), "--out", str(tmp_path / "no" / "r.json")],
         "--out: directory"),
    ]  # fmt: skip
    no_section = tmp_path / "plain.yaml"
    no_section.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    cases.append((["compare-routing", str(no_section)], "compare: section is missing"))
    for args, message in cases:
        result = runner.invoke(_app(), args)
        assert result.exit_code == 2, result.output
        assert message in flat(result.stderr)


def test_generated_requests_are_distinct_pairs_and_seeded():
    spec = CompareSpec.model_validate({"strategies": ["shortest-hops"]})
    nodes = ["a", "b", "c", "d"]
    first = generate_requests(nodes, 20, spec.requests, (1, 0, 20))
    assert first == generate_requests(nodes, 20, spec.requests, (1, 0, 20))
    assert first != generate_requests(nodes, 20, spec.requests, (2, 0, 20))
    assert all(r["src"] != r["dst"] and {r["src"], r["dst"]} <= set(nodes) for r in first)
