"""The public API: every ``__all__`` is sorted, unique and names things that exist (httpx).

Sorted means the isort style ruff's RUF022 enforces: SCREAMING_CASE constants, then CamelCase
classes, then everything else, each group in natural order. Packages must also export every
public name they import, so ``from qnetstack.<layer> import *`` matches the documented API.
"""

from __future__ import annotations
import __future__

import importlib
import pkgutil
import re
import types

import pytest

import qnetstack

MODULES = sorted(
    [qnetstack.__name__]
    + [
        info.name
        for info in pkgutil.walk_packages(qnetstack.__path__, "qnetstack.", onerror=lambda _: None)
    ]
)
"""Every module of the package; each is imported inside its own test, so one broken module
fails its own case rather than the collection of this file."""


def isort_key(name: str) -> tuple[int, list[object]]:
    if name.isupper() and len(name) > 1:
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    natural = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return group, natural


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_unique_and_exists(name):
    module = importlib.import_module(name)
    if "__all__" not in vars(module):
        return  # a private helper or a placeholder package (checked below)
    names = list(module.__all__)
    assert names == sorted(names, key=isort_key), f"{name}.__all__ is not sorted"
    assert len(names) == len(set(names)), f"{name}.__all__ has duplicates"
    missing = [n for n in names if not hasattr(module, n)]
    assert missing == [], f"{name}.__all__ names missing members {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_subpackages_export_their_public_names(name):
    package = importlib.import_module(name)
    if name == qnetstack.__name__ or not hasattr(package, "__path__"):
        return  # only subpackages: modules may import helpers they do not re-export
    public = {
        member
        for member, value in vars(package).items()
        if not member.startswith("_")
        and not isinstance(value, types.ModuleType | __future__._Feature)
    }
    if "__all__" not in vars(package):
        assert public == set(), f"{name} has public names but no __all__"
        return
    missing = public - set(package.__all__)
    assert missing == set(), f"{name} does not export {missing}"


def test_every_layer_package_is_covered():
    for layer in ("kernel", "runtime", "physical", "linklayer", "scenario", "quantum"):
        package = importlib.import_module(f"qnetstack.{layer}")
        assert hasattr(package, "__path__")
        assert "__all__" in vars(package)
        assert f"qnetstack.{layer}" in MODULES
    assert "qnetstack.service" in MODULES
    assert qnetstack.__all__ == ["__version__"]
