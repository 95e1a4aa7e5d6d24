"""The how-to "Write a routing strategy" runs as written: its example, test and output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HOWTO = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "write-a-routing-strategy.md"
FENCE = re.compile(r'^```python title="(?P<title>[^"]+)"\n(?P<code>.*?)^```$', re.M | re.S)


@pytest.fixture(scope="module")
def blocks() -> dict[str, str]:
    found = {m["title"]: m["code"] for m in FENCE.finditer(HOWTO.read_text(encoding="utf-8"))}
    assert {"annotate.py", "avoid_node.py", "test_avoid_node.py"} <= set(found)
    return found


def test_the_annotate_example_prints_what_the_page_says(blocks, tmp_path):
    code = blocks["annotate.py"]
    promised = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    script = tmp_path / "annotate.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == promised


def test_the_worked_example_and_its_tests_pass(blocks, tmp_path):
    (tmp_path / "avoid_node.py").write_text(blocks["avoid_node.py"], encoding="utf-8")
    (tmp_path / "test_avoid_node.py").write_text(blocks["test_avoid_node.py"], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_avoid_node.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_example_registers_like_a_builtin(blocks, tmp_path, monkeypatch):
    (tmp_path / "avoid_node.py").write_text(blocks["avoid_node.py"], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    from avoid_node import AvoidNode  # type: ignore[import-not-found]

    from qnetstack.network.routing import BUILTIN_STRATEGIES, RoutingRegistry

    registry = RoutingRegistry([*BUILTIN_STRATEGIES, AvoidNode])
    strategy = registry.create("avoid-node", {"avoid": ["n1"]})
    assert strategy.config.avoid == ("n1",)
    sys.modules.pop("avoid_node", None)


def test_the_page_links_only_to_existing_pages():
    text = HOWTO.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", text):
        assert (HOWTO.parent / target).resolve().is_file(), target
    assert text.count("```") % 2 == 0
