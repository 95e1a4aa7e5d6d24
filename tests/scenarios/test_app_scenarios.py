"""The application layer in scenarios: bad input, measured requests over the network layer,
apps beside the transport layer, the QKD summary."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from typer.testing import CliRunner

from qnetstack.apps import AppHost
from qnetstack.cli import app
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import Simulation, parse_scenario
from qnetstack.service import LayerName

REGISTRY = PluginRegistry.from_entry_points()

BASE: dict[str, Any] = {
    "name": "app",
    "seed": 5,
    "stop_time_s": 60.0,
    "formalism": "bell_diagonal",
    "platform": {"plugin": "depolarising", "success_probability": 0.4, "fidelity": 0.995,
                 "memory_slots": 3},
    "link_layer": {"plugin": "egp"},
    "network": {"plugin": "qnp"},
    "app": {"plugin": "bbm92", "block_pairs": 2000},
    "topology": {"kind": "chain", "nodes": 3, "spacing_km": 5.0},
    "requests": [{"src": "n0", "dst": "n2", "type": "measure", "pairs": 2000,
                  "qkd": {"sample_fraction": 0.5, "epsilon_sec": 1e-3, "epsilon_cor": 1e-6}}],
}  # fmt: skip


def scenario(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def run(data: dict[str, Any]) -> dict[str, Any]:
    return Simulation(parse_scenario(data, REGISTRY), REGISTRY).run()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ({"app": {"plugin": "bbm92", "block_pairs": 1}},
         "app.block_pairs: Input should be greater than or equal to 16"),
        ({"app": {"plugin": "bbm92", "blocks": 2}}, "app.blocks: unknown field"),
        ({"app": {"plugin": "bb84"}}, "app.plugin: unknown app plugin 'bb84'; available: 'bbm92'"),
        ({"app": {"plugin": "bbm92", "retransmit_timeout_s": 0}},
         "app.retransmit_timeout_s: Input should be greater than or equal to 0.000000001"),
        ({"network": {"plugin": "direct"}},
         "requests[0].dst: no link between 'n0' and 'n2'; requests between nodes that are not "
         "neighbours need a network layer with repeaters"),
        ({"network": None},
         "requests[0].dst: no link between 'n0' and 'n2'"),
        ({"requests": [{"src": "n0", "dst": "n2", "type": "measure", "measure_basis": "random",
                        "qkd": {"protocol": "e91"}}]},
         "requests[0].measure_basis: qkd protocol e91 needs each end's E91 directions"),
        ({"requests": [{"src": "n0", "dst": "n2", "type": "measure", "atomic": True}]},
         "requests[0].atomic: measured pairs are never held together"),
        ({"app": None, "requests": [{"src": "n0", "dst": "n2", "app_session": True}]},
         "requests[0].app_session: an app session needs an application plugin"),
        ({"requests": [{"src": "n0", "dst": "n2", "app_session": True, "type": "measure",
                        "qkd": {}}]},
         "requests[0].app_session: a request is either an app session or a qkd"),
    ],
)  # fmt: skip
def test_bad_app_input_is_named_with_exit_code_2(
    edit: dict[str, Any], expected: str, write_scenario: Any
) -> None:
    result = CliRunner().invoke(app, ["validate", str(write_scenario(scenario(**edit)))])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected in result.stderr, result.stderr


def test_measured_requests_cross_the_network_layer_with_the_swaps_frame() -> None:
    """Without qkd the runner counts errors per basis of routed MEASURE pairs: Werner pairs
    of the F6 fidelity give 2(1 − F)/3 in every basis, 3σ."""
    data = scenario(app=None, requests=[
        {"src": "n0", "dst": "n2", "type": "measure", "measure_basis": basis, "pairs": 1500}
        for basis in ("Z", "X")
    ])  # fmt: skip
    data["platform"]["fidelity"] = 0.9
    results = run(data)
    w = (4 * 0.9 - 1) / 3
    expected = 2 * (1 - (3 * w * w + 1) / 4) / 3
    for request, basis in zip(results["requests"], ("Z", "X"), strict=True):
        assert request["delivered"] == 1500
        counts = request["qber"][basis]
        assert counts["pairs"] == 1500
        sigma = math.sqrt(expected * (1 - expected) / counts["pairs"])
        assert abs(counts["rate"] - expected) < 3 * sigma


def test_routed_chsh_from_measured_pairs() -> None:
    data = scenario(app=None, requests=[
        {"src": "n0", "dst": "n2", "type": "measure", "pairs": 3000, "chsh": True}
    ])  # fmt: skip
    data["platform"]["fidelity"] = 0.97
    chsh = run(data)["requests"][0]["chsh"]
    w = (4 * 0.97 - 1) / 3
    expected = 2 * math.sqrt(2) * w * w  # S of a Werner pair with parameter w²
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]
    # the chsh app ran it: both ends hold the same figures, every pair was a round
    assert chsh["engine"] == "app"
    assert chsh["both_ends_agree"] is True
    assert chsh["rounds"] == 3000


def test_routed_e91_chsh_from_measured_pairs() -> None:
    """E91's rotated directions measured at the ends of a chain (network-layer MEASURE)."""
    data = scenario(app=None, requests=[
        {"src": "n0", "dst": "n2", "type": "measure", "measure_basis": "e91", "pairs": 3000,
         "chsh": True}
    ])  # fmt: skip
    data["platform"]["fidelity"] = 0.97
    chsh = run(data)["requests"][0]["chsh"]
    w = (4 * 0.97 - 1) / 3
    expected = 2 * math.sqrt(2) * w * w
    assert "A0B0" in chsh["correlators"]
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]


def test_an_app_and_the_transport_layer_serve_one_scenario() -> None:
    data = scenario(requests=[
        *BASE["requests"],
        {"src": "n2", "dst": "n0", "pairs": 5, "teleport": {"state": "+"}},
    ])  # fmt: skip
    results = run(data)
    qkd, teleport = results["requests"]
    assert qkd["qkd"]["engine"] == "app"
    assert qkd["delivered"] == 2000
    assert teleport["teleport"]["delivered"] == 5


def test_a_qkd_request_the_network_refuses_ends_with_its_error() -> None:
    data = scenario()
    data["requests"][0]["min_fidelity"] = 0.9999
    results = run(data)
    assert results["failure"] is None
    request = results["requests"][0]
    assert request["errors"] == {"UNSUPPORTED": 1}
    assert request["qkd"]["blocks"] == []
    assert request["qkd"]["session_end"]["alice"]["error"] == "UNSUPPORTED"
    assert results["sim_time_s"] < 1e-3  # ended at once, not at the stop time


def test_an_app_session_request_reports_both_ends_results() -> None:
    data = scenario(requests=[{"src": "n0", "dst": "n2", "pairs": 1200, "app_session": True}])
    request = run(data)["requests"][0]
    assert request["type"] == "app"
    assert request["delivered"] == 1200
    assert set(request["app"]) == {"n0", "n2"}
    assert request["app"]["n0"]["role"] == "alice"
    assert request["app"]["n2"]["role"] == "bob"
    assert request["app"]["n0"]["pairs"] == request["app"]["n2"]["pairs"] == 1200


def test_the_summary_shows_the_blocks_of_app_run_qkd(write_scenario: Any) -> None:
    data = scenario(app={"plugin": "bbm92", "block_pairs": 3000})
    data["requests"][0]["pairs"] = 3000
    result = CliRunner().invoke(app, ["run", str(write_scenario(data))], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "QKD" in result.output
    assert "1/1 blocks, keys match" in result.output


def test_qkd_and_teleportation_share_the_app_layer_of_every_node() -> None:
    """A QKD session and a teleport session in one run: every node's app host holds both apps
    (the scenario's first); each request is served by its own."""
    qkd_request = {**BASE["requests"][0], "pairs": 3000}  # one block with a finite key
    both = scenario(
        app={"plugin": "bbm92", "block_pairs": 3000},
        requests=[
            qkd_request,
            {"src": "n2", "dst": "n0", "pairs": 20, "teleport": {"state": "+"}},
        ],
    )
    sim = Simulation(parse_scenario(both, REGISTRY), REGISTRY)
    host = sim.runtime.node("n1").entity(LayerName.APP)
    assert isinstance(host, AppHost)
    assert host.names == ("bbm92", "teleport-client")
    qkd, teleport = sim.run()["requests"]
    assert qkd["qkd"]["success"]
    assert qkd["qkd"]["keys_match"]
    assert teleport["teleport"]["delivered"] == 20
    assert teleport["teleport"]["in_order"]
    assert 0.9 < teleport["fidelity"]["mean"] <= 1.0


def test_the_teleport_client_as_the_scenarios_app_brings_the_transport_layer_it_needs() -> None:
    """``app: teleport-client`` with an ``app_session`` request and no ``transport:`` section:
    the plugin declares that it needs the transport layer, so the runner adds it; both ends
    report the session, and the receiver's qubits are freed (nobody measures them)."""
    data = scenario(
        app={"plugin": "teleport-client"},
        requests=[{"src": "n0", "dst": "n2", "pairs": 3, "app_session": True}],
    )
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    assert sim.runtime.node("n0").entity(LayerName.TRANSPORT) is not None
    (request,) = sim.run()["requests"]
    assert request["app"]["n0"] == {
        "role": "sender", "qubits": 3, "pairs": 3, "sent": 3, "failed": 0, "delivered": 3,
        "error": "",
    }  # fmt: skip
    assert request["app"]["n2"]["role"] == "receiver"
    assert request["app"]["n2"]["delivered"] == 3
    assert request["delivered"] == 3
    assert len(sim.store) == 0  # every pair's halves were freed


LINK: dict[str, Any] = {
    "nodes": [{"name": "a"}, {"name": "b"}],
    "links": [{"nodes": ["a", "b"], "length_km": 5.0}],
}


def link_scenario(**changes: Any) -> dict[str, Any]:
    """BASE on one link, without a network section (apps get the 'direct' network layer)."""
    data = scenario(network=None, topology=None, app=None, **LINK)
    data.update(changes)
    return data


def test_apps_on_one_link_run_over_the_direct_network_layer() -> None:
    qkd = {"sample_fraction": 0.5, "epsilon_sec": 1e-3, "epsilon_cor": 1e-6}
    data = link_scenario(requests=[
        {"src": "a", "dst": "b", "type": "measure", "pairs": 2000, "qkd": qkd},
        {"src": "b", "dst": "a", "type": "measure", "pairs": 500, "chsh": True},
        {"src": "a", "dst": "b", "pairs": 50},
    ])  # fmt: skip
    sim = Simulation(parse_scenario(data, REGISTRY), REGISTRY)
    assert type(sim.runtime.node("a").entity(LayerName.NETWORK)).__name__ == "Direct"
    key, chsh, keep = sim.run()["requests"]
    assert key["qkd"]["engine"] == "app"
    assert key["qkd"]["keys_match"] is True
    assert key["delivered"] == 2000
    assert chsh["chsh"]["rounds"] == 500
    assert chsh["chsh"]["both_ends_agree"] is True
    # the plain request stays a link request beside them
    assert keep["delivered"] == 50
    assert keep["fidelity"]["n"] == 50


def test_an_explicit_direct_network_gives_the_same_keys_as_none() -> None:
    qkd = {"sample_fraction": 0.5, "epsilon_sec": 1e-3, "epsilon_cor": 1e-6}
    request = {"src": "a", "dst": "b", "type": "measure", "pairs": 2000, "qkd": qkd}
    implicit = run(link_scenario(requests=[request]))["requests"][0]["qkd"]
    explicit = run(link_scenario(network={"plugin": "direct"}, requests=[request]))
    assert explicit["requests"][0]["qkd"] == implicit
    assert implicit["success"] is True


def test_teleportation_over_one_link_needs_no_network_section() -> None:
    """The teleportation client and the transport layer over the direct network layer: the
    qubits arrive with the fidelity of the link's pairs ((2F + 1)/3 for a Werner pair)."""
    data = link_scenario(
        requests=[{"src": "a", "dst": "b", "pairs": 40, "teleport": {"state": "+"}}]
    )
    data["platform"]["fidelity"] = 0.9
    request = run(data)["requests"][0]
    teleport = request["teleport"]
    assert teleport["delivered"] == 40
    assert teleport["in_order"] is True
    mean, n = request["fidelity"]["mean"], request["fidelity"]["n"]
    expected = (2 * 0.9 + 1) / 3  # memory decoherence off (no memory_t2_s)
    assert n == 40
    assert abs(mean - expected) < 1e-9  # a Werner pair teleports |+⟩ with exactly this fidelity
