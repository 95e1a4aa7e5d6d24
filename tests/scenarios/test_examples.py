"""Every example scenario shipped in ``examples/`` validates and runs to the end (exit code 0).

The examples are what users copy first; a change that breaks one must fail here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qnetstack.cli import app

EXAMPLES = sorted(
    path
    for path in (Path(__file__).resolve().parents[2] / "examples").glob("*.yaml")
    if path.name != "compare_routing.yaml"  # a compare-routing SPEC, tested with that command
)
runner = CliRunner()


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
