"""Shared fixtures: a simulator, a seeded RNG, the plugin registry, scenario files."""

from __future__ import annotations

import json
import os
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


RecordValidation = Callable[..., None]


@pytest.fixture
def record_validation(request: pytest.FixtureRequest) -> RecordValidation:
    """Record one validation-target check for the docs' validation page.

    Call as ``record_validation("A1", expected, measured, tolerance, units="", quantity="F",
    case="outcome 2")`` right before the assertion it documents; ``tolerance`` is the absolute
    bound the test allows. Appends one JSON line to the file named by the environment
    variable ``QNETSTACK_VALIDATION_OUT`` (``docs/gen_validation.py`` turns them into the page);
    does nothing when it is unset, so ordinary test runs are unaffected.
    """

    def record(target: str, expected: float, measured: float, tolerance: float, *,
               units: str = "", quantity: str = "", case: str = "") -> None:  # fmt: skip
        path = os.environ.get("QNETSTACK_VALIDATION_OUT")
        if not path:
            return
        line = {"target": target, "quantity": quantity, "case": case, "expected": float(expected),
                "measured": float(measured), "tolerance": float(tolerance), "units": units,
                "test": request.node.nodeid}  # fmt: skip
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")

    return record


_SLOW_DIRECTORIES = ("validation", "properties", "course")
"""Every test under these is ``slow``: statistical runs against published values, hypothesis
state machines, whole course lessons. ``pytest -m "not slow"`` skips them for a fast inner
loop; CI runs everything."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        path = item.path.resolve()
        if path.is_relative_to(tests) and path.relative_to(tests).parts[0] in _SLOW_DIRECTORIES:
            item.add_marker(pytest.mark.slow)
