"""The generic depolarising platform: config, link model, built entities, plugin spec."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from qnetstack.physical import (
    DepolarisingConfig,
    DepolarisingPlatform,
    LinkGeometry,
    MemoryDevice,
    PairStore,
    SampledStation,
)
from qnetstack.physical.depolarising import PLUGIN
from qnetstack.quantum import BellIndex
from qnetstack.service import LayerName


def geometry(arm_a_ps=4_000_000, arm_b_ps=6_000_000):
    return LinkGeometry("a", "b", "station:a-b", 0.8, 1.2, arm_a_ps, arm_b_ps)


def test_defaults():
    config = DepolarisingConfig()
    assert config.success_probability == 0.01
    assert config.fidelity == 0.95
    assert config.memory.noiseless


def test_memory_model_is_in_picoseconds():
    memory = DepolarisingConfig(memory_t1_s=2.0, memory_t2_s=0.5).memory
    assert (memory.t1_ps, memory.t2_ps) == (2e12, 0.5e12)


@pytest.mark.parametrize(
    "bad",
    [
        {"success_probability": 0.0},
        {"success_probability": 1.1},
        {"fidelity": 0.2},
        {"fidelity": 1.01},
        {"memory_slots": 0},
        {"memory_t2_s": 0.0},
        {"memory_t1_s": 1.0, "memory_t2_s": 2.5},
        {"unknown": 1},
    ],
)
def test_config_rejects(bad):
    with pytest.raises(ValidationError):
        DepolarisingConfig(**bad)


def test_config_is_frozen():
    with pytest.raises(ValidationError):
        DepolarisingConfig().fidelity = 0.5


def test_link_info_cycle_uses_the_longer_arm():
    config = DepolarisingConfig(emission_delay_us=2.0, success_probability=0.2, fidelity=0.8)
    info = DepolarisingPlatform(config, PairStore()).link_info(geometry())
    assert info.attempt_cycle_ps == 2_000_000 + 2 * 6_000_000
    assert info.success_probability == 0.2
    assert info.fresh_fidelity == 0.8
    assert info.expected_pair_time_ps == pytest.approx(info.attempt_cycle_ps / 0.2)
    assert info.geometry.length_km == pytest.approx(2.0)
    assert info.geometry.other("a") == "b"
    with pytest.raises(ValueError, match="not an end"):
        info.geometry.other("c")


def test_builds_devices_and_stations():
    store = PairStore()
    platform = DepolarisingPlatform(DepolarisingConfig(memory_slots=3), store)
    info = platform.link_info(geometry())
    device = platform.create_node("a", {"b": info}, np.random.default_rng(0))
    assert isinstance(device, MemoryDevice)
    assert device.free_slots == 3
    station = platform.create_station(info, np.random.default_rng(0))
    assert isinstance(station, SampledStation)
    assert station.emission_delay_ps == 1_000_000


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
def test_heralded_state_is_werner_around_psi_plus_or_minus(formalism):
    store = PairStore(formalism)
    platform = DepolarisingPlatform(DepolarisingConfig(fidelity=0.85), store)
    model = platform.create_station(platform.link_info(geometry()), np.random.default_rng(0)).model
    rng = np.random.default_rng(9)
    seen = set()
    for _ in range(200):
        bell, state = model.sample_herald(rng, store)
        seen.add(bell)
        pair = store.add(state, ("a", "b"), (platform.config.memory,) * 2, (0, 0))
        assert store.fidelity(pair, bell, 0) == pytest.approx(0.85, abs=1e-12)
    assert seen == {int(BellIndex.PSI_PLUS), int(BellIndex.PSI_MINUS)}


def test_plugin_spec():
    assert PLUGIN.name == "depolarising"
    assert PLUGIN.layer is LayerName.PHYSICAL
    assert PLUGIN.config_model is DepolarisingConfig
    assert PLUGIN.factory is DepolarisingPlatform
    assert math.isinf(DepolarisingConfig().memory_t1_s)


def test_t1_only_means_t2_is_twice_t1() -> None:
    memory = DepolarisingConfig(memory_t1_s=1.0).memory
    assert memory.t2_ps == pytest.approx(2.0e12)
    assert math.isinf(DepolarisingConfig().memory.t2_ps)
