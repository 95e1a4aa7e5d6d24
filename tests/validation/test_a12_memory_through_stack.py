"""A12 through the physical layer: a heralded pair stored in memory dephases.

validation.md A12: a Bell pair with electron T2 = 1.46 s, idle for t = 100 ms, NetSquid's
pure-T2 convention p = (1 − e^{−t/T2})/2: fidelity 0.96690 with one qubit dephasing and
0.93599 with both; tolerance 1e-5.

The pair is produced by a real heralding station (perfect herald, F = 1, announced Bell state
Ψ±) and held by the node hardware entities, in both execution modes; nothing releases it. Its
fidelity is read from the pair store 100 ms after the photons were emitted, which is when each
half starts to age (station time of the herald minus the arm's flight time).
"""

from __future__ import annotations

import pytest
from nv_runs import REGISTRY

from qnetstack.physical import MemoryDevice, MemoryModel
from qnetstack.runtime import TraceEvent
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.service import LayerName

T2_S = 1.46
HOLD_PS = 100_000_000_000  # 100 ms


def _held_pair(mode: str) -> tuple[Simulation, int, int, int]:
    """Run until one pair is heralded and held; return (sim, pair id, Bell index, emission)."""
    data = {
        "name": "a12",
        "seed": 5,
        "stop_time_s": 10.0,
        "platform": {
            "plugin": "depolarising",
            "mode": mode,
            "success_probability": 0.3,
            "fidelity": 1.0,
            "memory_t2_s": T2_S,
        },
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [{"nodes": ["alice", "bob"], "length_km": 2.0}],
        "requests": [{"src": "alice", "dst": "bob", "pairs": 1}],
    }
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    heralds: list[TraceEvent] = []
    sim.runtime.trace.subscribe(lambda e: heralds.append(e) if e.kind == "herald" else None)
    for name in ("alice", "bob"):
        sim.runtime.node(name).top_handler = lambda *_: None  # an application that keeps it
    sim.runtime.run(until_ps=1_000_000_000)  # 1 ms: long enough to herald one pair
    [herald] = heralds
    device = sim.runtime.node("alice").entity(LayerName.PHYSICAL)
    assert isinstance(device, MemoryDevice)
    [(pair_id, _)] = device.occupied.values()
    geometry = sim.link_infos[0].geometry
    assert geometry.arm_a_delay_ps == geometry.arm_b_delay_ps
    emitted_ps = herald.time_ps - geometry.arm_a_delay_ps
    return sim, pair_id, int(herald.data["bell_index"]), emitted_ps


@pytest.mark.parametrize("mode", ["attempts", "sampled"])
def test_a12_both_halves_dephase(mode: str, record_validation) -> None:
    sim, pair_id, bell_index, emitted_ps = _held_pair(mode)
    assert sim.store.fidelity(pair_id, bell_index, emitted_ps) == pytest.approx(1.0, abs=1e-12)
    fidelity = sim.store.fidelity(pair_id, bell_index, emitted_ps + HOLD_PS)
    record_validation(
        "A12", 0.93599, fidelity, 1e-5, quantity="F", case=f"both halves, stack ({mode})"
    )
    assert fidelity == pytest.approx(0.93599, abs=1e-5)


@pytest.mark.parametrize("mode", ["attempts", "sampled"])
def test_a12_one_half_dephases(mode: str, record_validation) -> None:
    sim, pair_id, bell_index, emitted_ps = _held_pair(mode)
    sim.store.set_memory(pair_id, 1, MemoryModel(), emitted_ps)  # bob's half: a perfect memory
    fidelity = sim.store.fidelity(pair_id, bell_index, emitted_ps + HOLD_PS)
    record_validation(
        "A12", 0.96690, fidelity, 1e-5, quantity="F", case=f"one half, stack ({mode})"
    )
    assert fidelity == pytest.approx(0.96690, abs=1e-5)
