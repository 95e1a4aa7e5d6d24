"""The QNP through the real stack: depolarising hardware, stations, the EGP, the runtime.

A swap-ASAP chain a — b — c of Werner links with F = 0.9 and no memory noise must deliver
end-to-end pairs whose fidelity, read from the pair store with the delivered Bell index, is
F6's F₁F₂ + (1 − F₁)(1 − F₂)/3 = 0.813333 (validation.md A1, through every layer).
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import pytest

from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.egp import PLUGIN as EGP
from qnetstack.network.config import QnpConfig
from qnetstack.network.context import NetworkContext, NoRouteError
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.network.qnp import PLUGIN as QNP
from qnetstack.physical import (
    DepolarisingConfig,
    DepolarisingPlatform,
    LinkGeometry,
    MemoryDevice,
    PairStore,
)
from qnetstack.runtime import Runtime, fibre_delay_ps
from qnetstack.service import LayerName, Primitive


def build(names: list[str], seed: int, formalism: str = "dm", **platform: Any) -> dict[str, Any]:
    """A chain over ``names`` with 1 km links, every layer up to the QNP, wired by hand."""
    config = DepolarisingConfig(success_probability=0.3, fidelity=0.9, memory_slots=3, **platform)
    store = PairStore(formalism)  # type: ignore[arg-type]
    hardware = DepolarisingPlatform(config, store)
    runtime = Runtime(seed=seed, trace=True)
    graph: nx.Graph[str] = nx.Graph()
    for name in names:
        runtime.add_node(name)
        graph.add_node(name)
    links: dict[str, dict[str, Any]] = {name: {} for name in names}
    arm_ps = fibre_delay_ps(0.5)
    for left, right in itertools.pairwise(names):
        station = f"s_{left}{right}"
        runtime.add_node(station)
        geometry = LinkGeometry(left, right, station, 0.5, 0.5, arm_ps, arm_ps)
        info = hardware.link_info(geometry)
        links[left][right] = links[right][left] = info
        runtime.connect(left, station, arm_ps)
        runtime.connect(right, station, arm_ps)
        runtime.connect(left, right, 2 * arm_ps)
        runtime.node(station).add(hardware.create_station(info, runtime.rng(station)))
        graph.add_edge(left, right, length_km=1.0, link=info)

    def route(src: str, dst: str) -> list[str]:
        try:
            return list(nx.shortest_path(graph, src, dst))
        except (nx.NetworkXNoPath, nx.NodeNotFound) as exc:
            raise NoRouteError(src, dst, str(exc)) from None

    def multi_hop(src: str, dst: str) -> int | None:
        length = nx.shortest_path_length(graph, src, dst, weight="length_km")
        return fibre_delay_ps(float(length))

    runtime.multi_hop_delay_ps = multi_hop
    context = NetworkContext(graph, route)
    for name in names:
        node = runtime.node(name)
        node.add(hardware.create_node(name, links[name], runtime.rng(f"{name}/phys")))
        node.add(EGP.factory(name, EgpConfig(), links[name], runtime.rng(f"{name}/link")))
        node.add(QNP.factory(name, QnpConfig(), context, runtime.rng(f"{name}/net")))
    run: dict[str, Any] = {"runtime": runtime, "store": store, "events": []}

    def top(node: str, primitive: Primitive, now_ps: int) -> None:
        fidelity = None
        if isinstance(primitive, NetworkOkIndication):
            device = runtime.node(node).entity(LayerName.PHYSICAL)
            assert isinstance(device, MemoryDevice)
            pair_id, _ = device.held(primitive.slot)
            assert set(store.holders(pair_id)) == {primitive.path[0], primitive.path[-1]}
            fidelity = store.fidelity(pair_id, primitive.bell_index, now_ps)
            release = NetworkReleaseRequest(primitive.slot)
            runtime.request_at(now_ps, node, release)  # the user is done with it
        run["events"].append((node, primitive, fidelity))

    for name in names:
        runtime.node(name).top_handler = top
    return run


@pytest.mark.parametrize("formalism", ["dm", "bell_diagonal"])
def test_three_node_chain_delivers_f6_fidelity_at_both_ends(formalism):
    run = build(["a", "b", "c"], seed=7, formalism=formalism)
    runtime = run["runtime"]
    number = 12
    runtime.request("a", NetworkCreateRequest(1, "c", number=number, min_fidelity=0.8))
    runtime.run()
    events = run["events"]
    oks = {node: [(p, f) for n, p, f in events if n == node] for node in ("a", "c")}
    for node in ("a", "c"):
        assert len(oks[node]) == number
        assert all(isinstance(p, NetworkOkIndication) for p, _ in oks[node])
        for _, fidelity in oks[node]:
            assert fidelity == pytest.approx(0.813333333, abs=1e-6)
    ids = [(p.entanglement_id, p.bell_index) for p, _ in oks["a"]]
    assert sorted(ids, key=str) == sorted(
        ((p.entanglement_id, p.bell_index) for p, _ in oks["c"]), key=str
    )
    assert len({p.bell_index for p, _ in oks["a"]}) > 1  # the frames vary and are tracked
    assert [t for t in runtime.pending_timers() if t[1] == "network"] == []
    kinds = {e.kind for e in runtime.trace.events if e.layer == "network"}
    assert {"qnp-setup", "qnp-install", "qnp-link-create", "qnp-swap", "qnp-record",
            "qnp-deliver", "qnp-end"} <= kinds  # fmt: skip


def test_five_node_chain_and_contention_between_two_circuits():
    run = build(["a", "b", "c", "d", "e"], seed=3)
    runtime = run["runtime"]
    runtime.request("a", NetworkCreateRequest(1, "e", number=3))
    runtime.request("e", NetworkCreateRequest(2, "b", number=3))
    runtime.run()
    w = (4 * 0.9 - 1) / 3
    expected = {("a", 1): (3 * w**4 + 1) / 4, ("e", 2): (3 * w**3 + 1) / 4}
    for _node, primitive, fidelity in run["events"]:
        assert isinstance(primitive, NetworkOkIndication), primitive
        key = (primitive.entanglement_id.origin, primitive.entanglement_id.request_id)
        assert fidelity == pytest.approx(expected[key], abs=1e-6)
    counts = {(n, p.entanglement_id.request_id) for n, p, _ in run["events"]}
    assert counts == {("a", 1), ("e", 1), ("e", 2), ("b", 2)}
    assert len(run["events"]) == 12
    for node in "abcde":
        device = runtime.node(node).entity(LayerName.PHYSICAL)
        assert isinstance(device, MemoryDevice)
        assert device.free_slots == device.memory_slots  # nothing leaked


def test_no_route_through_the_stack_is_an_error_not_a_hang():
    run = build(["a", "b", "c"], seed=1)
    runtime = run["runtime"]
    runtime.add_node("z")
    runtime.request("a", NetworkCreateRequest(5, "z"))
    runtime.run()
    [(node, error, _)] = run["events"]
    assert node == "a"
    assert isinstance(error, NetworkErrorIndication)
