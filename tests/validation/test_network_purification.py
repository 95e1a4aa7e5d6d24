"""Validation of purification and nested swapping in the network layer, through the real stack.

Scenarios run topology → depolarising hardware (Werner pairs announced in Ψ±, no memory
noise, perfect gates) → EGP → QNP. With no noise after heralding, every delivered pair's
fidelity is a closed form of the link fidelity F, so it is checked exactly (1e-9) against the
formulas of physics.md written out independently here: F6 (swaps multiply Werner parameters),
F8 (DEJMPS on Bell-diagonal vectors), F9 (BBPSSW on Werner pairs). Success probabilities are
checked statistically from the trace (3 standard errors).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from nv_runs import REGISTRY

from qnetstack.scenario import Simulation, parse_scenario


def chain(nodes: int, network: dict[str, Any], *, fidelity: float = 0.8, pairs: int = 40,
          min_fidelity: float = 0.3, formalism: str = "dm", slots: int = 4,
          seed: int = 1) -> dict[str, Any]:  # fmt: skip
    return {
        "name": f"purify-{nodes}",
        "seed": seed,
        "formalism": formalism,
        "stop_time_s": 1e4,
        "platform": {
            "plugin": "depolarising",
            "success_probability": 0.3,
            "fidelity": fidelity,
            "memory_slots": slots,
        },
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp", **network},
        "topology": {"kind": "chain", "nodes": nodes, "spacing_km": 2.0},
        "requests": [
            {"src": "n0", "dst": f"n{nodes - 1}", "pairs": pairs, "min_fidelity": min_fidelity}
        ],
    }


def run(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    events: list[Any] = []
    sim.runtime.trace.subscribe(events.append)
    results = sim.run()
    assert results.get("failure") is None, results["failure"]
    [request] = results["requests"]
    assert request["delivered"] == data["requests"][0]["pairs"], request["error_messages"]
    return request, events


def werner_vector(f: float) -> tuple[float, float, float, float]:
    """(A, B, C, D) on (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) of a Werner pair: physics.md F8's ordering."""
    r = (1 - f) / 3
    return (f, r, r, r)


def f8(v: tuple[float, float, float, float]) -> tuple[tuple[float, float, float, float], float]:
    """physics.md F8 (DEJMPS, identical inputs): output vector and success probability."""
    a, b, c, d = v
    n = (a + b) ** 2 + (c + d) ** 2
    return ((a * a + b * b) / n, 2 * c * d / n, (c * c + d * d) / n, 2 * a * b / n), n


def f9(f: float) -> tuple[float, float]:
    """physics.md F9 (BBPSSW, identical Werner inputs): output fidelity and success
    probability."""
    r = (1 - f) / 3
    p = f * f + 2 * f * r + 5 * r * r
    return (f * f + r * r) / p, p


def f6(f: float, links: int) -> float:
    w = (4 * f - 1) / 3
    return (3 * w**links + 1) / 4


def dejmps_rounds(f: float, rounds: int) -> float:
    v = werner_vector(f)
    for _ in range(rounds):
        v, _ = f8(v)
    return v[0]


def bbpssw_rounds(f: float, rounds: int) -> float:
    for _ in range(rounds):
        f, _ = f9(f)
    return f


def assert_every_pair(request: dict[str, Any], expected: float) -> None:
    assert request["fidelity"]["mean"] == pytest.approx(expected, abs=1e-9)
    low, high = request["fidelity"]["ci95"]
    assert high - low < 1e-9  # every pair, not only the mean


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
@pytest.mark.parametrize(("protocol", "rounds"), [("dejmps", 1), ("dejmps", 2), ("bbpssw", 2)])
def test_link_purification_on_one_hop_matches_f8_f9(protocol: str, rounds: int,
                                                    formalism: str) -> None:  # fmt: skip
    """Two nodes, link purification by rounds: every delivered pair has exactly the fidelity of
    `rounds` rounds of F8 (DEJMPS, non-Werner after round 1) or F9 (BBPSSW) on F = 0.8;
    the goodness is the same estimate. DEJMPS 2 rounds: 0.943639; BBPSSW 2 rounds: 0.870."""
    network = {"purification": {"scope": "link", "protocol": protocol, "rounds": rounds}}
    request, _ = run(chain(2, network, formalism=formalism))
    rounds_of = dejmps_rounds if protocol == "dejmps" else bbpssw_rounds
    assert_every_pair(request, rounds_of(0.8, rounds))
    assert request["goodness_mean"] == pytest.approx(rounds_of(0.8, rounds), abs=1e-9)


def test_purification_success_probability_through_the_stack() -> None:
    """The fraction of successful first rounds is F8's N for F = 0.8 (0.768889), within 3
    standard errors; second rounds succeed with the N of the round-1 output vector."""
    network = {"purification": {"scope": "link", "protocol": "dejmps", "rounds": 2}}
    _, events = run(chain(2, network, pairs=400, formalism="bell_diagonal"))
    v1, n1 = f8(werner_vector(0.8))
    _, n2 = f8(v1)
    for level, expected in ((0, n1), (1, n2)):
        results = [
            e.data["success"]
            for e in events
            if e.kind == "qnp-purify-result" and e.node == "n1" and e.data["level"] == level
        ]
        rate = sum(results) / len(results)
        sigma = math.sqrt(expected * (1 - expected) / len(results))
        assert abs(rate - expected) < 3 * sigma, (level, rate, expected, len(results))


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
def test_link_purification_then_swap(formalism: str) -> None:
    """Three nodes, one DEJMPS round on each hop, then the swap: the delivered pair is the
    swap of two F8 output states. Its fidelity follows from the Bell-diagonal swap rule
    (XOR-convolution of the labels): F = A² + B² + C² + D² for the (A, B, C, D) of F8."""
    network = {"purification": {"scope": "link", "rounds": 1}}
    request, _ = run(chain(3, network, formalism=formalism))
    a, b, c, d = f8(werner_vector(0.8))[0]
    assert_every_pair(request, a * a + b * b + c * c + d * d)


@pytest.mark.parametrize("protocol", ["dejmps", "bbpssw"])
def test_end_to_end_purification_matches_f6_then_f8(protocol: str) -> None:
    """Three nodes, swap-ASAP, then one round on the end-to-end pairs: F8/F9 of F6(0.8, 2)
    (end-to-end pairs of Werner links are Werner)."""
    network = {"purification": {"scope": "end_to_end", "protocol": protocol, "rounds": 1}}
    request, _ = run(chain(3, network, formalism="bell_diagonal"))
    raw = f6(0.8, 2)
    expected = dejmps_rounds(raw, 1) if protocol == "dejmps" else bbpssw_rounds(raw, 1)
    assert_every_pair(request, expected)


def test_target_policy_uses_as_few_rounds_as_the_target_needs() -> None:
    """Policy 'target': min_fidelity 0.83 needs one DEJMPS round of F = 0.8 pairs (0.838),
    0.9 needs two (0.944). With max_rounds 1, 0.9 needs link pairs of F = 0.868, more than
    the link gives: the link layer refuses the CREATE and the request ends UNSUPPORTED."""
    for target, rounds in ((0.83, 1), (0.9, 2)):
        network = {"purification": {"scope": "link", "policy": "target", "max_rounds": 3}}
        request, events = run(chain(2, network, min_fidelity=target, pairs=20))
        assert_every_pair(request, dejmps_rounds(0.8, rounds))
        levels = {e.data["level"] for e in events if e.kind == "qnp-purify-result"}
        assert levels == set(range(rounds))
    network = {"purification": {"scope": "link", "policy": "target", "max_rounds": 1}}
    data = chain(2, network, min_fidelity=0.9, pairs=5)
    results = Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()
    [request] = results["requests"]
    assert request["delivered"] == 0
    [message] = request["error_messages"]
    assert message.startswith("UNSUPPORTED: link n0-n1: UNSUPPORTED: min_fidelity 0.868")


@pytest.mark.parametrize("nodes", [3, 5, 9])
def test_nested_swapping_matches_f6_and_swaps_in_levels(nodes: int) -> None:
    """Nested (doubling) swapping on 2, 4 and 8 hops: F6 for every pair (the order of swaps
    does not change a Werner chain's fidelity), and every swap joins exactly the span its node
    has in the recursive bisection (n2 of 4 hops joins 0–4, n1 joins 0–2, …)."""
    hops = nodes - 1
    request, events = run(chain(nodes, {"swap_policy": "nested"}, fidelity=0.95, pairs=20))
    assert_every_pair(request, f6(0.95, hops))
    spans = {e.node: set() for e in events if e.kind == "qnp-swap"}
    for e in events:
        if e.kind == "qnp-swap":
            spans[e.node].add(tuple(e.data["span"]))
    assert set(spans) == {f"n{i}" for i in range(1, hops)}
    expected = {4: {1: (0, 2), 2: (0, 4), 3: (2, 4)},
                8: {1: (0, 2), 2: (0, 4), 3: (2, 4), 4: (0, 8), 5: (4, 6), 6: (4, 8),
                    7: (6, 8)}}.get(hops, {1: (0, 2)})  # fmt: skip
    for i, span in expected.items():
        assert spans[f"n{i}"] == {span}, (i, spans[f"n{i}"])
