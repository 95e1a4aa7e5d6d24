"""Lets qnetstack's own test run exercise this example without installing it.

In your plugin package, `pip install -e .` makes `bitflip_purify` importable and registers its
entry point; this file and the `installed` fixture are then not needed.
"""

import sys
from pathlib import Path

import pytest

from qnetstack.testing import fake_distribution

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's entry point, as `pip install` would register it."""
    points = {"qnetstack.purification_protocols": {"bit-flip": "bitflip_purify.protocol:BitFlip"}}
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path, "bitflip-purify", points)))
