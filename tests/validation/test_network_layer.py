"""Validation of the network layer through the real stack (issue 5): swap-ASAP chains against
F6, the two-link waiting time A6, and requests no route can satisfy.

Every run is a scenario (topology → depolarising hardware and stations → EGP → QNP) driven by
the kernel; numbers come from the results document and the trace.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from nv_runs import REGISTRY

from qnetstack.scenario import Simulation, parse_scenario


def chain(nodes: int, *, p: float = 0.2, fidelity: float = 0.9, pairs: int = 10,
          formalism: str = "dm", **network: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "name": f"chain-{nodes}",
        "seed": 1,
        "formalism": formalism,
        "stop_time_s": 1000.0,
        "platform": {
            "plugin": "depolarising",
            "success_probability": p,
            "fidelity": fidelity,
            "memory_slots": 3,
        },
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp", **network},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": 2.0},
        "requests": [{"src": "n0", "dst": f"n{nodes - 1}", "pairs": pairs, "min_fidelity": 0.3}],
    }


def f6(fidelity: float, links: int) -> float:
    """physics.md F6: Werner parameters multiply along a swap-ASAP chain."""
    w = (4 * fidelity - 1) / 3
    return (3 * w**links + 1) / 4


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
@pytest.mark.parametrize("nodes", [3, 4, 6])
def test_swap_asap_chain_fidelity_matches_f6(nodes: int, formalism: str) -> None:
    """A chain of Werner F = 0.9 links, perfect swaps, no memory noise: every delivered pair
    has F6's fidelity to its tracked Pauli frame (3 nodes: A1's 0.813333); tolerance 1e-6."""
    data = chain(nodes, formalism=formalism)
    results = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()
    [request] = results["requests"]
    assert request["delivered"] == 10, request["error_messages"]
    assert request["fidelity"]["mean"] == pytest.approx(f6(0.9, nodes - 1), abs=1e-6)
    low, high = request["fidelity"]["ci95"]
    assert high - low < 1e-9  # every pair, not only the mean
    assert request["goodness_mean"] == pytest.approx(f6(0.9, nodes - 1), abs=1e-6)


@pytest.mark.parametrize(("p", "runs"), [(0.5, 1500), (0.1, 1500)])
def test_a6_two_link_waiting_time(p: float, runs: int, record_validation) -> None:
    """A6: two links attempting in parallel, swap-ASAP, deterministic swap, a cutoff longer
    than the run: the attempts until both links hold a pair, T = max(N₁, N₂), has mean
    (3 − 2p)/(p(2 − p)) — 2.6667 at p = 0.5, 14.7368 at p = 0.1.

    Each run is a fresh scenario (first end-to-end pair: both links start together, up to the
    set-up message's flight); the attempt counts come from the real stations' heralds, and the
    repeater's swap is checked to happen exactly when the later herald reaches it. The table
    asks ±1 % at 10⁵ runs; through the full stack we run 1500 and check within 3 standard
    errors (about ±3–4 %).
    """
    data = chain(3, p=p, pairs=1, cutoff_s=1e6)
    loaded = parse_scenario(data, REGISTRY)
    waits = []
    for seed in range(runs):
        sim = Simulation(loaded, REGISTRY, seed=seed)
        events: list[Any] = []
        sim.runtime.trace.subscribe(
            lambda e, events=events: events.append(e) if e.kind in ("herald", "qnp-swap") else None
        )
        sim.run()
        heralds = [e for e in events if e.kind == "herald"]
        [swap] = [e for e in events if e.kind == "qnp-swap"]
        first = {e.node: e for e in reversed(heralds)}  # the first herald of each station
        assert len(first) == 2
        waits.append(max(int(e.data["attempts"]) for e in first.values()))
        # Swap-ASAP: the repeater swaps as soon as the later herald has reached it.
        arm_ps = sim.link_infos[0].geometry.arm_a_delay_ps
        assert swap.time_ps == max(e.time_ps for e in first.values()) + arm_ps
    expected = (3 - 2 * p) / (p * (2 - p))
    mean = float(np.mean(waits))
    sem = float(np.std(waits, ddof=1)) / math.sqrt(runs)
    record_validation(
        "A6",
        expected,
        mean,
        3 * sem,
        units="attempts",
        quantity="E[T] (3σ)",
        case=f"p = {p}, {runs} runs",
    )
    assert abs(mean - expected) < 3 * sem, (mean, expected, sem)


def test_disconnected_request_ends_in_no_route() -> None:
    data = chain(3)
    del data["topology"]
    data["nodes"] = [{"name": n} for n in ("a", "b", "c", "d")]
    data["links"] = [
        {"nodes": ["a", "b"], "length_km": 2.0},
        {"nodes": ["c", "d"], "length_km": 2.0},
    ]
    data["requests"] = [{"src": "a", "dst": "d", "pairs": 3}]
    [request] = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()["requests"]
    assert request["errors"] == {"NO_ROUTE": 1}
    assert "different components" in request["error_messages"][0]


def test_unreachable_rate_floor_ends_in_no_route() -> None:
    data = chain(4)
    data["routing"] = {"strategy": "fidelity-aware", "min_rate_hz": 1e12}
    [request] = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()["requests"]
    assert request["errors"] == {"NO_ROUTE": 1}
    assert "fidelity-aware" in request["error_messages"][0]


def test_unreachable_end_to_end_fidelity_is_unsupported() -> None:
    data = chain(6, fidelity=0.8)
    data["requests"][0]["min_fidelity"] = 0.9
    [request] = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()["requests"]
    assert request["errors"] == {"UNSUPPORTED": 1}
