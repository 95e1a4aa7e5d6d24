"""The scenario schema: frozen, strict, documented, units in names."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from qnetstack.physical import DepolarisingConfig
from qnetstack.scenario import LinkSpec, NodeSpec, PluginChoice, RequestSpec, Scenario

MODELS = [Scenario, NodeSpec, LinkSpec, RequestSpec, PluginChoice, DepolarisingConfig]


@pytest.mark.parametrize("model", MODELS)
def test_every_field_has_a_description(model: type[BaseModel]):
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"


@pytest.mark.parametrize("model", [Scenario, NodeSpec, LinkSpec, RequestSpec])
def test_models_are_frozen_and_strict(model: type[BaseModel]):
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


def test_json_schema_is_generated():
    schema = Scenario.model_json_schema()
    assert set(schema["required"]) == {"name"}  # nodes and links, or a topology
    assert "LinkSpec" in schema["$defs"]


def test_plugin_choice_passes_other_keys_to_the_plugin():
    choice = PluginChoice(plugin="depolarising", fidelity=0.9)
    assert choice.options() == {"fidelity": 0.9}
    assert PluginChoice(plugin="x").options() == {}


def test_link_defaults_and_bounds():
    link = LinkSpec(nodes=("a", "b"), length_km=3.0)
    assert (link.station_position, link.classical_loss_probability) == (0.5, 0.0)
    with pytest.raises(ValidationError):
        LinkSpec(nodes=("a", "b"), length_km=3.0, station_position=1.0)
    with pytest.raises(ValidationError):
        LinkSpec(nodes=("a", "b", "c"), length_km=3.0)
    with pytest.raises(ValidationError):
        link.length_km = 4.0  # frozen


def test_request_defaults():
    request = RequestSpec(src="a", dst="b")
    assert (request.pairs, request.min_fidelity, request.start_s) == (1, 0.25, 0.0)
