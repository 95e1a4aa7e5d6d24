"""Two nodes through the real runtime: measured rates and fidelities against the model."""

from __future__ import annotations

import math

import pytest

from helpers import quickstart_data
from qnetstack.physical import MemoryModel, PairStore
from qnetstack.quantum import BellIndex, DensityMatrix
from qnetstack.runtime import fibre_delay_ps
from qnetstack.scenario import Simulation, parse_scenario, run_scenario

SPEED_KM_PER_S = 200_000.0


def scenario(**platform):
    data = quickstart_data()
    data["platform"] = {
        "plugin": "depolarising",
        "success_probability": 0.05,
        "fidelity": 0.9,
        "emission_delay_us": 2.0,
        "memory_slots": 2,
        "speed_of_light_km_per_s": SPEED_KM_PER_S,
        **platform,
    }
    data["requests"] = [{"src": "alice", "dst": "bob", "pairs": 40}]
    return data


def run(data, registry, **kwargs):
    return run_scenario(parse_scenario(data, registry), registry, **kwargs)


MODES = ["sampled", "attempts"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
def test_fidelity_without_memory_noise_is_the_configured_one(registry, formalism, mode):
    data = scenario(fidelity=0.87, mode=mode)
    data["formalism"] = formalism
    results = run(data, registry)
    [request] = results["requests"]
    assert request["delivered"] == 40
    assert results["formalism"] == formalism
    assert request["fidelity"]["mean"] == pytest.approx(0.87, abs=1e-9)
    lo, hi = request["fidelity"]["ci95"]
    assert lo == pytest.approx(0.87, abs=1e-9)
    assert hi == pytest.approx(0.87, abs=1e-9)


def dephased_werner(f0: float, dt_a_ps: int, dt_b_ps: int, t2_ps: float) -> float:
    """Fidelity after the halves dephase for dt_a and dt_b, with the quantum package's DM."""
    p_a = (1 - math.exp(-dt_a_ps / t2_ps)) / 2
    p_b = (1 - math.exp(-dt_b_ps / t2_ps)) / 2
    state = DensityMatrix.werner(f0, BellIndex.PSI_PLUS).dephase(0, p_a).dephase(1, p_b)
    return state.fidelity_bell(BellIndex.PSI_PLUS)


def dephased_werner_analytic(f0: float, dt_a_ps: int, dt_b_ps: int, t2_ps: float) -> float:
    """A Z flip on either half turns Ψ± into Ψ∓; an odd number of flips costs fidelity:
    F = F0 − q·(4F0 − 1)/3 with q = (1 − e^{−(dt_a + dt_b)/T2})/2."""
    q = (1 - math.exp(-(dt_a_ps + dt_b_ps) / t2_ps)) / 2
    return f0 - q * (4 * f0 - 1) / 3


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
@pytest.mark.parametrize("position", [0.5, 0.2])
def test_memory_dephasing_costs_the_herald_travel_time(registry, formalism, position, mode):
    # Each half dephases from its photon's emission until the runner reads the pair, when the
    # second OK arrives: emission → station takes one arm, the herald back takes one arm, and
    # the nearer node's half waits until the farther node hears the herald.
    length_km, t2_s, f0 = 50.0, 0.01, 0.9
    data = scenario(fidelity=f0, memory_t2_s=t2_s, mode=mode)
    data["formalism"] = formalism
    data["links"] = [
        {"nodes": ["alice", "bob"], "length_km": length_km, "station_position": position}
    ]
    results = run(data, registry)
    arm_a = fibre_delay_ps(length_km * position, SPEED_KM_PER_S)
    arm_b = fibre_delay_ps(length_km - length_km * position, SPEED_KM_PER_S)
    read = max(arm_a, arm_b)
    dt_a, dt_b = arm_a + read, arm_b + read
    expected = dephased_werner(f0, dt_a, dt_b, t2_s * 1e12)
    assert expected == pytest.approx(
        dephased_werner_analytic(f0, dt_a, dt_b, t2_s * 1e12), abs=1e-12
    )
    assert f0 - expected > 1e-3  # the effect is far larger than the tolerance below
    fidelity = results["requests"][0]["fidelity"]
    assert fidelity["mean"] == pytest.approx(expected, abs=1e-9)
    assert fidelity["ci95"][1] - fidelity["ci95"][0] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("mode", MODES)
def test_attempts_and_successes_follow_the_success_probability(registry, mode):
    data = scenario(success_probability=0.3, mode=mode)
    data["requests"] = [{"src": "alice", "dst": "bob", "pairs": 1_500}]
    [link] = run(data, registry)["links"]
    n, k, p = link["attempts"], link["successes"], 0.3
    assert k == 1_500
    assert abs(k - n * p) <= 4 * math.sqrt(n * p * (1 - p))
    assert link["success_probability_model"] == p


@pytest.mark.parametrize("mode", MODES)
def test_run_time_is_the_start_message_plus_one_cycle_per_attempt(registry, mode):
    # The master starts at once; the other end starts when SimpleLinkStart arrives (one fibre
    # delay later), so the station starts then. Afterwards each attempt takes one cycle and the
    # next pair is requested the moment the herald arrives, so the ends stay in lock step.
    data = scenario(success_probability=0.5, mode=mode)
    data["requests"] = [{"src": "alice", "dst": "bob", "pairs": 400}]
    sim = Simulation(parse_scenario(data, registry), registry)
    results = sim.run()
    [info] = sim.link_infos
    [link] = results["links"]
    start_ps = fibre_delay_ps(2.0, SPEED_KM_PER_S)
    assert sim.runtime.now_ps == start_ps + link["attempts"] * info.attempt_cycle_ps


def test_attempts_mode_traces_every_attempt(registry):
    data = scenario(mode="attempts", success_probability=0.2)
    data["requests"] = [{"src": "bob", "dst": "alice", "pairs": 30}]
    sim = Simulation(parse_scenario(data, registry), registry, trace=True)
    results = sim.run()
    attempts = sim.runtime.trace.of_kind("attempt")
    assert len(attempts) == results["links"][0]["attempts"]
    assert sum(e.data["success"] for e in attempts) == 30
    assert len(sim.runtime.trace.of_kind("herald")) == 30
    assert sim.runtime.pending_timers() == []


@pytest.mark.parametrize("mode", MODES)
def test_stop_time_too_short_keeps_partial_results(registry, mode):
    data = scenario(mode=mode)
    data["stop_time_s"] = 0.002
    results = run(data, registry)
    [request] = results["requests"]
    assert 0 < request["delivered"] < 40
    assert request["errors"] == {"INCOMPLETE": 40 - request["delivered"]}
    assert request["completed"] is False
    assert request["fidelity"]["n"] == request["delivered"]
    assert results["sim_time_s"] == pytest.approx(0.002, abs=1e-15)
    assert results["links"][0]["successes"] >= request["delivered"]


def test_unsupported_fidelity_ends_the_request_with_an_error(registry):
    data = scenario(fidelity=0.8)
    data["requests"] = [{"src": "bob", "dst": "alice", "pairs": 3, "min_fidelity": 0.9}]
    results = run(data, registry)
    [request] = results["requests"]
    assert request["delivered"] == 0
    assert request["errors"] == {"UNSUPPORTED": 1}
    assert results["sim_time_s"] == 0.0


def test_pair_store_is_empty_after_every_release(registry):
    sim = Simulation(parse_scenario(scenario(memory_t2_s=1.0), registry), registry)
    sim.run()
    assert isinstance(sim.store, PairStore)
    assert len(sim.store) == 0
    assert MemoryModel(t2_ps=1e12) == sim.platform.config.memory
