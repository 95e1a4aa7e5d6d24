"""Several requests, from both ends and on two links, all served through the real runtime."""

from __future__ import annotations

import pytest

from helpers import quickstart_data
from qnetstack.scenario import Simulation, parse_scenario


def build(registry, requests, nodes=("alice", "bob"), links=(("alice", "bob"),), slots=2):
    data = quickstart_data()
    data["platform"] = {
        "plugin": "depolarising",
        "success_probability": 0.1,
        "fidelity": 0.9,
        "memory_slots": slots,
    }
    data["nodes"] = [{"name": n} for n in nodes]
    data["links"] = [{"nodes": list(pair), "length_km": 1.0} for pair in links]
    data["requests"] = requests
    return Simulation(parse_scenario(data, registry), registry, trace=True)


def test_requests_from_both_ends_are_all_served(registry):
    requests = [
        {"src": "alice", "dst": "bob", "pairs": 5},
        {"src": "bob", "dst": "alice", "pairs": 7},
        {"src": "bob", "dst": "alice", "pairs": 2, "start_s": 0.0001},
        {"src": "alice", "dst": "bob", "pairs": 3, "start_s": 0.0001},
    ]
    sim = build(registry, requests)
    results = sim.run()
    for spec, got in zip(requests, results["requests"], strict=True):
        assert (got["src"], got["dst"]) == (spec["src"], spec["dst"])
        assert got["delivered"] == got["requested"] == spec["pairs"]
        assert got["errors"] == {}
        assert got["fidelity"]["mean"] == pytest.approx(0.9, abs=1e-9)
    assert results["links"][0]["successes"] == 17
    # The master (alice) ran them one at a time; both ends started them in the same order.
    starts = sim.runtime.trace.of_kind("link-start")
    order = {node: [(e.data["origin"], e.data["request_id"]) for e in starts if e.node == node]
             for node in ("alice", "bob")}  # fmt: skip
    assert order["alice"] == order["bob"]
    assert sorted(order["alice"]) == [("alice", 0), ("alice", 3), ("bob", 1), ("bob", 2)]
    assert sim.runtime.pending_timers() == []


def test_two_links_share_the_middle_nodes_memory(registry):
    # One memory slot per node: bob's two sessions compete for it, so one waits for memory
    # (OUT_OF_MEMORY → WAITING_MEMORY) until the other's pair is released.
    requests = [
        {"src": "alice", "dst": "bob", "pairs": 4},
        {"src": "carol", "dst": "bob", "pairs": 4},
    ]
    sim = build(
        registry, requests, ("alice", "bob", "carol"), (("alice", "bob"), ("bob", "carol")), 1
    )
    results = sim.run()
    assert [r["delivered"] for r in results["requests"]] == [4, 4]
    assert all(r["errors"] == {} for r in results["requests"])
    assert [link["successes"] for link in results["links"]] == [4, 4]
    assert sim.runtime.trace.of_kind("out-of-memory")
    for name in ("alice", "bob", "carol"):
        assert sim._device(name).free_slots == 1
    assert len(sim.store) == 0
