"""Lets qnetstack's own test run exercise this example without installing it.

In your plugin package, `pip install -e .` makes `freshest_swap` importable and registers its
entry point; this file and the `installed` fixture are then not needed.
"""

import sys
from pathlib import Path

import pytest

from qnetstack.testing import fake_distribution

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's entry point, as `pip install` would register it."""
    points = {"qnetstack.swap_policies": {"freshest-first": "freshest_swap.policy:FreshestFirst"}}
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path, "freshest-swap", points)))
