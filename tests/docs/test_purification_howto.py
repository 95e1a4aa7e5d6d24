"""The how-to "Write a purification protocol": the message it quotes is what validation says
for the worked example installed by name, and every file it includes exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import ScenarioError, parse_scenario
from qnetstack.testing import fake_distribution

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "how-to" / "write-a-purification-protocol.md"
PACKAGE = ROOT / "docs" / "examples" / "bitflip-purify"


def test_the_quoted_message_is_what_validation_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = {"qnetstack.purification_protocols": {"bit-flip": "bitflip_purify.protocol:BitFlip"}}
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path, "bitflip-purify", points)))
    monkeypatch.syspath_prepend(str(PACKAGE / "src"))
    data = yaml.safe_load((PACKAGE / "scenario.yaml").read_text(encoding="utf-8"))
    data["network"]["purification"]["protocol"] = "bitflip"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, PluginRegistry.from_entry_points())
    (issue,) = caught.value.issues
    page = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert f"`{issue.path}: {issue.message}`" in page


def test_every_included_file_exists() -> None:
    included = re.findall(
        r"docs/examples/bitflip-purify/[\w./-]+", PAGE.read_text(encoding="utf-8")
    )
    assert len(set(included)) >= 4
    for path in included:
        assert (ROOT / path).is_file(), path
