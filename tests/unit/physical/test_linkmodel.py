"""Link models: the delivered-fidelity prediction the link layer's FEU relies on."""

from __future__ import annotations

import math

import pytest

from helpers import link_info
from qnetstack.physical.depolarising import DepolarisingConfig, DepolarisingPlatform
from qnetstack.physical.linkmodel import CachedLinkModel, aged_fidelity, herald_ages_ps
from qnetstack.physical.qstore import MemoryModel, PairStore
from qnetstack.quantum import BellIndex, DensityMatrix


def test_herald_ages_count_the_flight_out_and_the_longer_flight_back():
    geometry = link_info(arm_a_delay_ps=300, arm_b_delay_ps=700).geometry
    assert herald_ages_ps(geometry) == (300 + 700, 700 + 700)


def test_aged_fidelity_matches_pure_dephasing_formula():
    t2_ps = 1e9
    memories = (MemoryModel(t2_ps=t2_ps), MemoryModel(t2_ps=t2_ps))
    outcomes = [(int(BellIndex.PSI_PLUS), 1.0, DensityMatrix.bell(BellIndex.PSI_PLUS))]
    ages = (2_000_000, 3_000_000)
    expected = (1 + math.exp(-(ages[0] + ages[1]) / t2_ps)) / 2  # physics.md F4, both halves
    assert aged_fidelity(outcomes, memories, ages) == pytest.approx(expected, abs=1e-12)
    assert aged_fidelity(outcomes, memories, None) == pytest.approx(1.0, abs=1e-12)


def test_outcomes_are_weighted_by_their_probability():
    noiseless = (MemoryModel(), MemoryModel())
    outcomes = [
        (int(BellIndex.PSI_PLUS), 0.25, DensityMatrix.werner(0.9, BellIndex.PSI_PLUS)),
        (int(BellIndex.PSI_MINUS), 0.75, DensityMatrix.werner(0.7, BellIndex.PSI_MINUS)),
    ]
    assert aged_fidelity(outcomes, noiseless, (5, 5)) == pytest.approx(0.25 * 0.9 + 0.75 * 0.7)


def test_cached_model_calls_the_physics_once_per_alpha():
    calls = []

    def physics(alpha):
        calls.append(alpha)
        state = DensityMatrix.werner(1 - (alpha or 0.1), BellIndex.PSI_PLUS)
        return 2 * (alpha or 0.1) * 1e-3, [(int(BellIndex.PSI_PLUS), 1.0, state)]

    geometry = link_info().geometry
    model = CachedLinkModel(physics, geometry, (MemoryModel(), MemoryModel()), tunable_alpha=True)
    assert model.tunable_alpha
    assert model.fidelity(0.2, keep=False) == pytest.approx(0.8)
    assert model.success_probability(0.2) == pytest.approx(4e-4)
    model.fidelity(0.2, keep=False)
    assert calls.count(0.2) == 1


def test_depolarising_platform_model_includes_herald_flight_decoherence():
    config = DepolarisingConfig(fidelity=0.95, memory_t2_s=1e-4)
    platform = DepolarisingPlatform(config, PairStore())
    geometry = link_info(arm_a_delay_ps=5_000_000, arm_b_delay_ps=5_000_000).geometry
    model = platform.link_info(geometry).link_model
    assert not model.tunable_alpha
    assert model.fidelity(None, keep=False) == pytest.approx(0.95)
    q = (1 - math.exp(-(20_000_000) / 1e8)) / 2  # both halves age 10 µs each, T2 = 100 µs
    expected = 0.95 - q * (4 * 0.95 - 1) / 3
    assert model.fidelity(None, keep=True) == pytest.approx(expected, abs=1e-12)
