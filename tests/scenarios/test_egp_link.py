"""The EGP through the real runtime: depolarising and NV lab_2018 links with classical loss.

The plugin is registered by hand (the entry point may not be installed yet). The test plays the
application: it issues CREATEs of both types from both ends, reads each kept pair's simulated
state when both ends have announced it, and releases both halves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from helpers import quickstart_data
from qnetstack.linklayer import (
    CreateRequest,
    EntanglementId,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
    egp,
)
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.service import LayerName

PS_PER_S = 10**12


@pytest.fixture(scope="module")
def egp_registry():
    base = PluginRegistry.from_entry_points()
    return PluginRegistry([s for s in base.all() if s.name != "egp"] + [egp.PLUGIN])


@dataclass
class App:
    sim: Simulation
    oks: dict[str, dict[EntanglementId, OkIndication]] = field(
        default_factory=lambda: {"alice": {}, "bob": {}}
    )
    errors: dict[str, list[ErrorIndication]] = field(
        default_factory=lambda: {"alice": [], "bob": []}
    )
    fidelities: list[tuple[float, float]] = field(default_factory=list)  # (measured, goodness)

    def on_top(self, node, primitive, now_ps):
        if isinstance(primitive, ErrorIndication):
            self.errors[node].append(primitive)
            return
        assert isinstance(primitive, OkIndication)
        eid = primitive.entanglement_id
        assert eid not in self.oks[node]
        self.oks[node][eid] = primitive
        other = "bob" if node == "alice" else "alice"
        peer = self.oks[other].get(eid)
        if primitive.slot is None or peer is None:
            return
        if peer.slot is not None and peer.bell_index == primitive.bell_index:
            pair_id, _ = self.sim._device(node).held(primitive.slot)
            measured = self.sim.store.fidelity(pair_id, primitive.bell_index, now_ps)
            self.fidelities.append((measured, primitive.goodness))
        self.sim.runtime.request(node, ReleaseRequest(primitive.slot), LayerName.LINK)
        self.sim.runtime.request(other, ReleaseRequest(peer.slot), LayerName.LINK)


def build(registry, platform, link_layer, length_km, loss, stop_s=60.0, seed=7):
    data = quickstart_data()
    data.update(seed=seed, stop_time_s=stop_s, requests=[])
    data["platform"] = platform
    data["link_layer"] = {"plugin": "egp", **link_layer}
    data["links"] = [
        {"nodes": ["alice", "bob"], "length_km": length_km, "classical_loss_probability": loss}
    ]
    sim = Simulation(parse_scenario(data, registry), registry)
    app = App(sim)
    for node in sim.runtime.nodes.values():
        node.top_handler = app.on_top
    return sim, app


def mixed_requests(min_keep, min_measure):
    return [
        ("alice", CreateRequest(0, "bob", 6, min_keep, priority=0)),
        ("bob", CreateRequest(1, "alice", 8, min_measure, request_type=RequestType.MEASURE,
                              measure_basis="random", priority=2)),
        ("alice", CreateRequest(2, "bob", 4, min_measure, request_type=RequestType.MEASURE,
                                measure_basis="Z", priority=1)),
        ("bob", CreateRequest(3, "alice", 3, min_keep, priority=1, atomic=True)),
    ]  # fmt: skip


def check_agreement(app, requests):
    alice, bob = app.oks["alice"], app.oks["bob"]
    for eid in alice.keys() & bob.keys():
        a, b = alice[eid], bob[eid]
        assert a.bell_index == b.bell_index, eid
        assert a.request_type is b.request_type
        assert a.goodness == b.goodness
    for node, request in requests:
        mine = [e for e in app.oks[node] if (e.origin, e.request_id) == (node, request.request_id)]
        errors = [e for e in app.errors[node] if e.request_id == request.request_id]
        assert (len(mine) == request.number and not errors) or len(errors) == 1
    for node, other in (("alice", "bob"), ("bob", "alice")):
        for eid in app.oks[node].keys() - app.oks[other].keys():
            assert any(e.request_id == eid.request_id for e in app.errors[other])


def issue(sim, requests):
    for node, request in requests:
        sim.runtime.request_at(0, node, request, LayerName.LINK)


@pytest.mark.parametrize("scheduler", ["fcfs", "priority", "weighted-fair"])
def test_depolarising_mixed_requests_over_a_lossy_link(egp_registry, scheduler):
    platform = {"plugin": "depolarising", "success_probability": 0.05, "fidelity": 0.92,
                "memory_slots": 3, "memory_t2_s": 1.0}  # fmt: skip
    sim, app = build(egp_registry, platform, {"scheduler": scheduler}, 5.0, 1e-2)
    requests = mixed_requests(0.85, 0.9)
    issue(sim, requests)
    sim.runtime.run(until_ps=60 * PS_PER_S)
    check_agreement(app, requests)
    assert sum(len(v) for v in app.oks.values()) >= 2 * 20  # most pairs arrive despite loss
    assert sim.runtime.pending_timers() == []


@pytest.mark.slow
def test_nv_lab_2018_mixed_requests_and_calibrated_goodness(egp_registry):
    platform = {"plugin": "nv", "preset": "lab_2018"}
    link_layer = {"scheduler": "priority", "move_to_memory": False}
    sim, app = build(egp_registry, platform, link_layer, 0.002, 1e-2, stop_s=120.0)
    requests = [*mixed_requests(0.8, 0.85), ("alice", CreateRequest(4, "bob", 30, 0.8))]
    issue(sim, requests)
    sim.runtime.run(until_ps=120 * PS_PER_S)
    check_agreement(app, requests)
    assert sim.runtime.pending_timers() == []
    measured = np.array([m for m, _ in app.fidelities])
    goodness = np.array([g for _, g in app.fidelities])
    assert len(measured) >= 30
    assert measured.mean() >= 0.8 - 0.01
    assert abs(measured.mean() - goodness.mean()) <= 0.02
    # MEASURE pairs in Z at both ends: outcomes agree (Φ±) or differ (Ψ±, odd index) as announced.
    z_pairs = [
        (a, app.oks["bob"][eid])
        for eid, a in app.oks["alice"].items()
        if eid in app.oks["bob"] and a.basis == "Z" and app.oks["bob"][eid].basis == "Z"
    ]
    assert z_pairs
    agree = [(a.outcome ^ b.outcome) == (a.bell_index & 1) for a, b in z_pairs]
    assert np.mean(agree) > 0.75
