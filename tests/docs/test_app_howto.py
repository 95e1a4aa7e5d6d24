"""The write-an-application how-to: its demo prints what the page shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "how-to" / "write-an-application.md"
DEMO = ROOT / "docs" / "examples" / "my-app" / "run_demo.py"


def test_the_demo_prints_the_console_block_of_the_page() -> None:
    (block,) = re.findall(r"```console\n\$ python run_demo.py\n(.*?)```", PAGE.read_text(), re.S)
    done = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True,
                          timeout=300, check=True)  # fmt: skip
    assert done.stdout == block


def test_a_bad_app_option_is_named(tmp_path: Path) -> None:
    sys.path.insert(0, str(DEMO.parent / "src"))
    try:
        from my_app.coin import PLUGIN
    finally:
        sys.path.pop(0)
    import yaml

    from qnetstack.runtime import PluginRegistry
    from qnetstack.scenario import ScenarioError, parse_scenario

    registry = PluginRegistry.from_entry_points()
    registry.register(PLUGIN)
    data = yaml.safe_load((DEMO.parent / "scenario.yaml").read_text())
    data["app"]["sample_bits"] = 0
    with pytest.raises(ScenarioError, match=r"app\.sample_bits: Input should be greater than"):
        parse_scenario(data, registry)
