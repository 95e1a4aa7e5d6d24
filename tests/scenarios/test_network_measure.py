"""Network-layer MEASURE requests: outcome records at both ends, one terminal event last."""

from __future__ import annotations

from typing import Any

from qnetstack.network.primitives import NetworkErrorIndication, NetworkOkIndication
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.service import Primitive

REGISTRY = PluginRegistry.from_entry_points()


def _scenario(**request: Any) -> dict[str, Any]:
    return {
        "name": "measure",
        "seed": 3,
        "formalism": "bell_diagonal",
        "stop_time_s": 5.0,
        "platform": {"plugin": "depolarising", "success_probability": 0.3, "fidelity": 0.95,
                     "memory_slots": 3},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "topology": {"kind": "chain", "nodes": 4, "spacing_km": 5.0},
        "requests": [{"src": "n0", "dst": "n3", "type": "measure", "measure_basis": "random",
                      **request}],
    }  # fmt: skip


def _observe(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Primitive]]]:
    simulation = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    seen: list[tuple[str, Primitive]] = []
    for node in simulation.runtime.nodes.values():
        inner = node.top_handler
        assert inner is not None

        def handler(name: str, primitive: Primitive, now_ps: int, inner: Any = inner) -> None:
            seen.append((name, primitive))
            inner(name, primitive, now_ps)

        node.top_handler = handler
    return simulation.run(), seen


def test_both_ends_get_outcomes_not_slots_with_the_same_ids_and_frames() -> None:
    results, seen = _observe(_scenario(pairs=40))
    oks = [(n, p) for n, p in seen if isinstance(p, NetworkOkIndication)]
    assert len(oks) == 80
    by_id: dict[Any, list[NetworkOkIndication]] = {}
    for _, ok in oks:
        assert ok.slot is None
        assert ok.outcome in (0, 1)
        assert ok.basis in ("Z", "X")
        by_id.setdefault(ok.entanglement_id, []).append(ok)
    assert len(by_id) == 40
    for pair in by_id.values():
        head, tail = pair
        assert head.bell_index == tail.bell_index
        assert head.path == tail.path == ("n0", "n1", "n2", "n3")
    assert results["requests"][0]["delivered"] == 40


def test_a_timed_out_measure_request_ends_with_its_error_after_every_ok() -> None:
    results, seen = _observe(_scenario(pairs=100000, max_time_s=0.05))
    request = results["requests"][0]
    assert request["errors"] == {"TIMEOUT": 1}
    for node in ("n0", "n3"):
        events = [p for n, p in seen if n == node]
        errors = [i for i, p in enumerate(events) if isinstance(p, NetworkErrorIndication)]
        oks = [i for i, p in enumerate(events) if isinstance(p, NetworkOkIndication)]
        assert oks
        assert len(errors) == 1  # one terminal ERROR at each end …
        assert max(oks) < errors[0]  # … after every OK, readouts in progress included
    heads = sum(1 for n, p in seen if n == "n0" and isinstance(p, NetworkOkIndication))
    tails = sum(1 for n, p in seen if n == "n3" and isinstance(p, NetworkOkIndication))
    assert heads == tails == request["delivered"]
