"""The getting-started page works as written: every command in its console blocks runs, in
the order and on the files the page describes, and prints what the page shows (wall-clock
times masked). Regenerate the page's outputs after an intended change with
``QNETSTACK_UPDATE_DOCS=1 python -m pytest tests/docs/test_getting_started_page.py``.

The page's edits of ``my.yaml`` (copy the quickstart, raise the success probability, add a
request; then break it on purpose; then select an uninstalled plugin) are replayed here, so the
blocks that run ``my.yaml`` see the file the reader has at that point.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "getting-started.md"
_WALL = re.compile(r"in \d+(\.\d+)?(e[-+]?\d+)? s wall")
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def normalise(text: str) -> str:
    lines = [line.rstrip() for line in _WALL.sub("in <wall> s wall", text).splitlines()]
    return "\n".join(lines).strip("\n")


def blocks(text: str) -> list[list[tuple[str, str]]]:
    """Console blocks as lists of (command, expected output)."""
    out = []
    for body in _BLOCK.findall(text):
        steps: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        out.append([(cmd, "\n".join(lines)) for cmd, lines in steps])
    return out


def edit_my_yaml(workdir: Path, stage: str) -> None:
    """The page's edits of my.yaml, stage by stage."""
    path = workdir / "my.yaml"
    if stage == "edited":
        data = yaml.safe_load((ROOT / "examples" / "quickstart.yaml").read_text())
        data["platform"]["success_probability"] = 0.1
        data["requests"] = [
            {"src": "alice", "dst": "bob", "pairs": 200, "min_fidelity": 0.9},
            {"src": "bob", "dst": "alice", "pairs": 50, "start_s": 0.01},
        ]
    elif stage == "mistakes":
        data = yaml.safe_load(path.read_text())
        data["links"] = [{"nodes": ["alice", "bob"], "length_km": -2.0}]
        data["requests"] = [{"src": "alice", "dst": "bob", "pair": 200}]
    elif stage == "plugin":
        data = yaml.safe_load(path.read_text())
        data["link_layer"] = {"plugin": "my-link"}
    else:
        raise AssertionError(stage)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def run(command: str, cwd: Path) -> tuple[int, str]:
    argv = command.split("#")[0].split()
    assert argv[0] == "qnetstack", command
    env = {**os.environ, "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "qnetstack.cli", *argv[1:]], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_every_command_of_the_getting_started_page_works_as_written(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    text = PAGE.read_text(encoding="utf-8")
    updated = text
    stages = iter(["edited", "mistakes", "plugin"])
    last_code = 0
    for block in blocks(text):
        for command, expected in block:
            if command == "echo $?":
                assert expected.strip() == str(last_code)
                continue
            first_use = "my.yaml" in command and not (tmp_path / "my.yaml").exists()
            broken = command.startswith("qnetstack validate my.yaml")
            plugin = command.startswith("qnetstack run my.yaml") and "my-link" in command
            if first_use or broken or plugin:  # the page's next edit of my.yaml
                edit_my_yaml(tmp_path, next(stages))
            last_code, output = run(command, tmp_path)
            if not expected.strip():  # the page shows the command only: it must succeed
                assert last_code == 0, output
                continue
            shown = normalise(output)
            if os.environ.get("QNETSTACK_UPDATE_DOCS"):
                updated = updated.replace(expected, _mask_like(expected, output), 1)
                continue
            report = f"$ {command}\n--- page:\n{expected}\n--- got:\n{output}"
            assert shown == normalise(expected), report
    if updated != text:
        PAGE.write_text(updated, encoding="utf-8")


def _mask_like(expected: str, output: str) -> str:
    """The real output, keeping the page's wall time (it is masked when compared)."""
    wall = _WALL.search(expected)
    text = "\n".join(line.rstrip() for line in output.splitlines()).strip("\n")
    return _WALL.sub(wall.group(0), text) if wall else text


def test_the_page_still_has_its_console_blocks() -> None:
    commands = [cmd for block in blocks(PAGE.read_text(encoding="utf-8")) for cmd, _ in block]
    assert "qnetstack run examples/quickstart.yaml" in commands
    assert any(cmd.startswith("qnetstack validate my.yaml") for cmd in commands)
