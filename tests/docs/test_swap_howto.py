"""The how-to "Write a swap policy": the messages it quotes are what validation prints for the
worked example installed by name, and every file it includes exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import ScenarioError, parse_scenario
from qnetstack.testing import fake_distribution

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "how-to" / "write-a-swap-policy.md"
PACKAGE = ROOT / "docs" / "examples" / "freshest-swap"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    points = {"qnetstack.swap_policies": {"freshest-first": "freshest_swap.policy:FreshestFirst"}}
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path, "freshest-swap", points)))
    monkeypatch.syspath_prepend(str(PACKAGE / "src"))


@pytest.mark.parametrize(
    ("edit", "field"),
    [({"swap_policy": "freshest"}, "network.swap_policy"),
     ({"swap_options": {"min_goodness": 2}}, "network.swap_options.min_goodness")],
)  # fmt: skip
def test_the_quoted_messages_are_what_validation_says(installed, edit, field) -> None:
    data = yaml.safe_load((PACKAGE / "scenario.yaml").read_text(encoding="utf-8"))
    data["network"].update(edit)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, PluginRegistry.from_entry_points())
    (issue,) = caught.value.issues
    assert issue.path == field
    page = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert f"`{issue.path}: {issue.message}`" in page


def test_every_included_file_exists() -> None:
    included = re.findall(r"docs/examples/freshest-swap/[\w./-]+", PAGE.read_text(encoding="utf-8"))
    assert len(set(included)) >= 4
    for path in included:
        assert (ROOT / path).is_file(), path
