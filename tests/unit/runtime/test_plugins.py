"""The plugin registry: entry points, lookup errors, broken plugins."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest
from pydantic import BaseModel

import qnetstack.runtime.plugins as plugins_module
from qnetstack.linklayer.simple import SimpleLinkConfig
from qnetstack.physical.depolarising import DepolarisingConfig, DepolarisingPlatform
from qnetstack.runtime import ENTRY_POINT_GROUP, PluginError, PluginRegistry
from qnetstack.service import LayerName, PluginSpec


class EmptyConfig(BaseModel):
    pass


def spec(name: str, layer: LayerName = LayerName.LINK) -> PluginSpec:
    return PluginSpec(name, layer, f"the {name} plugin", EmptyConfig, object)


def test_builtins_are_found_through_entry_points():
    registry = PluginRegistry.from_entry_points()
    depolarising = registry.get(LayerName.PHYSICAL, "depolarising")
    assert depolarising.config_model is DepolarisingConfig
    assert depolarising.factory is DepolarisingPlatform
    simple = registry.get(LayerName.LINK, "simple-link")
    assert simple.config_model is SimpleLinkConfig
    assert registry.load_errors == []
    assert ENTRY_POINT_GROUP == "qnetstack.plugins"


def test_register_and_get():
    registry = PluginRegistry([spec("b"), spec("a"), spec("z", LayerName.PHYSICAL)])
    assert registry.get(LayerName.LINK, "a").name == "a"
    assert registry.names(LayerName.LINK) == ["a", "b"]
    assert registry.names(LayerName.NETWORK) == []
    assert [s.name for s in registry.all()] == ["z", "a", "b"]  # by layer bottom-up, then name


def test_same_name_on_another_layer_is_fine_but_twice_on_one_layer_is_not():
    registry = PluginRegistry([spec("x"), spec("x", LayerName.PHYSICAL)])
    with pytest.raises(PluginError, match="two link plugins are named 'x'"):
        registry.register(spec("x"))


def test_unknown_name_lists_the_available_plugins():
    registry = PluginRegistry([spec("egp"), spec("simple-link")])
    with pytest.raises(PluginError, match="unknown link plugin 'nope'; available: 'egp', 'simple"):
        registry.get(LayerName.LINK, "nope")
    with pytest.raises(PluginError, match="none installed"):
        registry.get(LayerName.NETWORK, "nope")


def test_broken_entry_points_are_reported_not_raised(monkeypatch):
    group = ENTRY_POINT_GROUP
    fake = [
        EntryPoint("zz-missing", "qnetstack_no_such_module:PLUGIN", group),
        EntryPoint("not-a-spec", "qnetstack.physical.depolarising:DepolarisingConfig", group),
        EntryPoint("depolarising", "qnetstack.physical.depolarising:PLUGIN", group),
    ]
    monkeypatch.setattr(plugins_module, "entry_points", lambda group: fake)
    registry = PluginRegistry.from_entry_points()
    assert registry.names(LayerName.PHYSICAL) == ["depolarising"]
    assert len(registry.load_errors) == 2
    not_spec, missing = registry.load_errors  # sorted by entry-point name
    assert "not-a-spec" in not_spec
    assert "not a PluginSpec" in not_spec
    assert missing.startswith("zz-missing (qnetstack_no_such_module:PLUGIN): ModuleNotFound")
