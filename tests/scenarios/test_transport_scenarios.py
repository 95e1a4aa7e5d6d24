"""Teleportation in scenarios: bad input, determinism, the NV hardware path, the sockets."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from typer.testing import CliRunner

from qnetstack.cli import app
from qnetstack.network.primitives import NetworkErrorIndication, NetworkOkIndication
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.transport import (
    EntanglementSocket,
    QubitDeliveredIndication,
    QubitSentConfirm,
    QubitSocket,
    TransportErrorIndication,
    dispatch,
)

REGISTRY = PluginRegistry.from_entry_points()

BASE: dict[str, Any] = {
    "name": "tp",
    "seed": 5,
    "stop_time_s": 10.0,
    "platform": {"plugin": "depolarising", "success_probability": 0.3, "fidelity": 0.9,
                 "memory_slots": 2, "memory_t2_s": 0.01},
    "link_layer": {"plugin": "egp"},
    "network": {"plugin": "qnp"},
    "topology": {"kind": "chain", "nodes": 3, "spacing_km": 5.0},
    "requests": [{"src": "n0", "dst": "n2", "pairs": 10, "teleport": {"state": [0.3, 1.2]}}],
}  # fmt: skip


def scenario(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def run(data: dict[str, Any]) -> dict[str, Any]:
    return Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ({"network": None}, "requests[0].dst: no link between 'n0' and 'n2'"),
        ({"requests": [{"src": "n0", "dst": "n2", "teleport": {"state": "up"}}]},
         "requests[0].teleport.state"),
        ({"requests": [{"src": "n0", "dst": "n2", "type": "measure", "teleport": {"state": "0"}}]},
         "requests[0].type: a teleport request keeps its pairs"),
        ({"transport": {"plugin": "teleport", "windw": 2}}, "transport.windw: unknown field"),
        ({"transport": {"plugin": "telport"}}, "transport.plugin: unknown transport plugin"),
        ({"requests": [{"src": "n1", "dst": "n0", "ghz": {"other": "n9"}}]},
         "requests[0].ghz.other: unknown node 'n9'"),
        ({"requests": [{"src": "n1", "dst": "n0", "ghz": {"other": "n0"}}]},
         "requests[0].ghz.other: the third node must differ"),
        ({"network": None, "requests": [{"src": "n1", "dst": "n0", "ghz": {"other": "n2"}}]},
         "requests[0].ghz: GHZ distribution needs a network layer"),
    ],
)  # fmt: skip
def test_bad_teleport_input_is_named_with_exit_code_2(
    edit: dict[str, Any], expected: str, write_scenario: Any
) -> None:
    data = scenario(**edit)
    if data["network"] is None:
        del data["network"]
    result = CliRunner().invoke(app, ["validate", str(write_scenario(data))])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected in result.stderr, result.stderr


def test_same_seed_same_teleport_results_with_memory_noise() -> None:
    """With memory dephasing the fidelities vary per qubit; a seed fixes them all."""
    first, second = run(scenario()), run(scenario())
    a, b = first["requests"][0], second["requests"][0]
    assert a["teleport"] == b["teleport"]
    assert a["teleport"]["delivered"] == 10
    lo, hi = a["teleport"]["fidelity"]["ci95"]
    assert lo < hi  # memory noise: not every qubit the same
    assert 2 / 3 < a["fidelity"]["mean"] < (2 * 0.9**2 + 1) / 3 + 0.01
    other = run(scenario(seed=6))["requests"][0]
    assert other["teleport"]["fidelity"] != a["teleport"]["fidelity"]


def test_nv_hardware_teleports_with_its_gate_and_readout_noise() -> None:
    """The NV device times and noises the Bell measurement like a swap; qubits still arrive in
    order, above the classical 2/3, below the noiseless value of the same pairs."""
    data = {
        "name": "nv-teleport",
        "seed": 2,
        "stop_time_s": 60.0,
        "platform": {"plugin": "nv", "preset": "lab_2018", "bright_state_alpha": 0.05},
        "link_layer": {"plugin": "egp"},
        "network": {"plugin": "qnp"},
        "nodes": [{"name": "alice"}, {"name": "bob"}],
        "links": [{"nodes": ["alice", "bob"], "length_km": 0.002}],
        "requests": [{"src": "alice", "dst": "bob", "pairs": 6, "teleport": {"state": "+"}}],
    }
    results = run(data)
    assert results["failure"] is None
    teleport = results["requests"][0]["teleport"]
    assert teleport["delivered"] == 6
    assert teleport["in_order"]
    assert 2 / 3 < teleport["fidelity"]["mean"] < 1.0


def test_sockets_over_the_runtime() -> None:
    """QubitSocket and EntanglementSocket driving a built stack directly (no scenario
    requests): qubits arrive in send order with their sent confirms; an EntanglementSocket
    gets its pair's OK at both ends; an unreachable target comes back as an error."""
    data = scenario(requests=[], transport={"plugin": "teleport", "window": 2})
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    runtime = sim.runtime
    qubits = {name: QubitSocket(runtime, name) for name in ("n0", "n2")}
    pairs = {name: EntanglementSocket(runtime, name) for name in ("n0", "n2")}
    for name in ("n0", "n2"):
        runtime.node(name).top_handler = dispatch([qubits[name], pairs[name]])
    delivered: list[QubitDeliveredIndication] = []
    sent: list[QubitSentConfirm] = []
    errors: list[TransportErrorIndication] = []
    oks: list[tuple[str, NetworkOkIndication]] = []
    net_errors: list[NetworkErrorIndication] = []

    def on_delivered(qubit: QubitDeliveredIndication, now_ps: int) -> None:
        delivered.append(qubit)
        qubits["n2"].release(qubit.slot)

    qubits["n2"].on_delivered = on_delivered
    qubits["n0"].on_sent = lambda confirm, now_ps: sent.append(confirm)
    qubits["n0"].on_error = lambda error, now_ps: errors.append(error)
    for name in ("n0", "n2"):
        pairs[name].on_ok = lambda ok, now_ps, name=name: (  # type: ignore[misc]
            oks.append((name, ok)),
            pairs[name].release(ok.slot),
        )
        pairs[name].on_error = lambda error, now_ps: net_errors.append(error)
    ids = [qubits["n0"].send("n2", state) for state in ("0", "+", "-i", "1")]
    bad = qubits["n0"].send("n2", "0", min_fidelity=0.999)
    runtime.run(until_ps=2 * 10**12)
    assert [q.payload_id for q in delivered] == ids  # the failed one is skipped
    assert [q.sequence for q in delivered] == [0, 1, 2, 3]
    assert sorted(c.payload_id for c in sent) == ids
    assert [(e.payload_id, e.code.value, e.sequence) for e in errors] == [(bad, "UNSUPPORTED", 4)]
    request_id = pairs["n0"].create("n2", 2)
    runtime.run(until_ps=4 * 10**12)
    assert sorted(name for name, ok in oks) == ["n0", "n0", "n2", "n2"]
    assert {ok.entanglement_id.request_id for _, ok in oks} == {request_id}
    assert net_errors == []
