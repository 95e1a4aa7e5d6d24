"""Shared fixtures: a simulator, a seeded RNG, the plugin registry, scenario files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from helpers import QUICKSTART, quickstart_data
from qnetstack.kernel import Simulator
from qnetstack.runtime import PluginRegistry

ScenarioWriter = Callable[..., Path]


@pytest.fixture
def sim() -> Simulator:
    """A fresh simulator at time 0."""
    return Simulator()


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator (tests never touch global random state)."""
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def registry() -> PluginRegistry:
    """The plugins installed in this environment (the built-ins at least)."""
    return PluginRegistry.from_entry_points()


@pytest.fixture
def quickstart_path() -> Path:
    """The quickstart example shipped in ``examples/``."""
    return QUICKSTART


@pytest.fixture
def write_scenario(tmp_path: Path) -> ScenarioWriter:
    """Write a scenario mapping (default: the quickstart) as YAML and return its path.

    Call as ``write_scenario(data)`` or ``write_scenario(edit=fn)`` where ``fn`` mutates a copy
    of the quickstart data in place.
    """
    counter = iter(range(1_000_000))

    def write(data: dict[str, Any] | None = None, *, edit: Any = None, name: str = "") -> Path:
        if data is None:
            data = quickstart_data()
        if edit is not None:
            edit(data)
        path = tmp_path / (name or f"scenario{next(counter)}.yaml")
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
