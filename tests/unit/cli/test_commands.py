"""The qnetstack command on good input: run, validate, plugins, --version."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from helpers import QUICKSTART
from qnetstack import __version__
from qnetstack.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_validate_a_good_file():
    result = runner.invoke(app, ["validate", str(QUICKSTART)])
    assert result.exit_code == 0, result.output
    assert "valid scenario 'quickstart' — 2 nodes, 1 link, 1 request" in flat(result.stdout)


def test_plugins_lists_both_builtins():
    result = runner.invoke(app, ["plugins"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("depolarising" in line and "physical" in line for line in lines)
    assert any("simple-link" in line and "link" in line for line in lines)
    assert "warning" not in result.output


def test_plugins_warns_about_broken_plugins(monkeypatch):
    from importlib.metadata import EntryPoint

    import qnetstack.runtime.plugins as plugins_module

    broken = [EntryPoint("broken", "qnetstack_no_such_module:PLUGIN", "qnetstack.plugins")]
    monkeypatch.setattr(plugins_module, "entry_points", lambda group: broken)
    result = runner.invoke(app, ["plugins"])
    assert result.exit_code == 0
    assert "plugin failed to load: broken" in result.stderr


def test_run_writes_results_and_prints_a_summary(tmp_path):
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["run", str(QUICKSTART), "--out", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["seed"] == 7
    assert results["requests"][0]["delivered"] == 200
    assert "quickstart" in result.stdout
    assert "200/200" in result.stdout
    assert f"results written to {out}" in result.stdout.replace("\n", "")


def test_run_without_out_only_prints(tmp_path):
    result = runner.invoke(app, ["run", str(QUICKSTART)])
    assert result.exit_code == 0, result.output
    assert "requests" in result.stdout
    assert "results written" not in result.stdout


def test_run_to_an_unwritable_place_fails_cleanly(tmp_path):
    out = tmp_path / "missing-dir" / "results.json"
    result = runner.invoke(app, ["run", str(QUICKSTART), "--out", str(out)])
    assert result.exit_code == 2
    assert "--out: cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"qnetstack {__version__}"


def test_console_script_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "qnetstack.cli", "validate", str(QUICKSTART)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "valid scenario" in done.stdout


def test_a_plugin_bug_keeps_partial_results_and_exits_1(tmp_path, monkeypatch):
    """An exception inside a protocol ends the run with a message, not a traceback."""
    from qnetstack.linklayer import simple

    calls = {"n": 0}
    original = simple.SimpleLink.from_below

    def flaky(self, primitive, now_ps):
        calls["n"] += 1
        if calls["n"] > 20:
            raise RuntimeError("boom in the link layer")
        return original(self, primitive, now_ps)

    monkeypatch.setattr(simple.SimpleLink, "from_below", flaky)
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["run", str(QUICKSTART), "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "RuntimeError: boom in the link layer" in flat(result.output)
    data = json.loads(out.read_text())
    assert data["failure"]["type"] == "RuntimeError"
    assert 0 < data["requests"][0]["delivered"] < data["requests"][0]["requested"]
