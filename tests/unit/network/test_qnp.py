"""Unit tests of the QNP entity: inputs in, effects out, on a scripted link layer (no kernel)."""

from __future__ import annotations

import pytest

from helpers_qnp import QnpNet, chain_context
from qnetstack.linklayer.primitives import CreateRequest, ErrorCode
from qnetstack.network import qnp as qnp_module
from qnetstack.network.config import QnpConfig
from qnetstack.network.messages import QnpConsumed, QnpDiscard, QnpSetup, QnpSwapRecord
from qnetstack.network.primitives import NetworkErrorCode, NetworkOkIndication
from qnetstack.network.qnp import PLUGIN, CircuitState, Qnp
from qnetstack.service import Layer, LayerName, LocalProtocolError

CHAIN3 = ("a", "b", "c")
CHAIN5 = ("a", "b", "c", "d", "e")


def link_request(net: QnpNet, origin: str) -> int:
    """The one open link request of ``origin``."""
    [rid] = [rid for (o, rid) in net.open_requests() if o == origin]
    return rid


def build_chain(net: QnpNet, names: tuple[str, ...], labels: list[int]) -> None:
    """Make one link pair per hop, left to right, with the given labels."""
    for origin, label in zip(names[:-1], labels, strict=True):
        net.generate(origin, link_request(net, origin), label)
        net.pump()


def assert_clean(net: QnpNet) -> None:
    """No timers, no circuit state, only user-held delivered halves."""
    assert net.running_timers() == []
    for node in net.nodes.values():
        assert node.qnp.circuits == {}
        delivered = {ok.slot for ok in node.oks}
        assert set(node.slots) <= delivered, f"{node.name} still holds {node.slots}"


def test_plugin_spec_and_layer_contract():
    assert PLUGIN.name == "qnp"
    assert PLUGIN.layer is LayerName.NETWORK
    assert PLUGIN.config_model is QnpConfig
    net = QnpNet()
    entity = net.nodes["a"].qnp
    assert isinstance(entity, Layer)
    assert isinstance(PLUGIN.factory("a", QnpConfig(), chain_context(CHAIN3), None), Qnp)
    assert qnp_module.TRANSITIONS  # the table the docs' diagram is generated from


def test_setup_along_a_three_node_chain_installs_rules_and_link_creates():
    net = QnpNet(CHAIN3)
    net.create("a", "c", 7, number=2, min_fidelity=0.8133333333)
    [(src, dst, setup)] = net.wire
    assert (src, dst) == ("a", "b")
    assert isinstance(setup, QnpSetup)
    assert setup.path == CHAIN3
    net.pump()
    creates = [(node, r) for node, r in net.requests]
    assert [(n, r.remote) for n, r in creates] == [("a", "b"), ("b", "c")]
    for node, request in creates:
        assert isinstance(request, CreateRequest)
        assert request.min_fidelity == pytest.approx(0.9)  # F6: 0.9 ⊗ 0.9 = 0.813333
        assert request.purpose_id == net.nodes[node].qnp.circuits[setup.circuit].label
        assert request.number == 1  # window 1
    tail = net.nodes["c"].qnp.circuits[setup.circuit]
    assert tail.is_tail
    assert tail.upstream == "b"
    assert tail.downstream is None
    middle = net.nodes["b"].qnp.circuits[setup.circuit]
    assert (middle.upstream, middle.downstream) == ("a", "c")
    assert "qnp-setup" in net.nodes["a"].kinds()
    assert "qnp-install" in net.nodes["c"].kinds()


def test_setup_along_a_five_node_chain():
    net = QnpNet(CHAIN5)
    net.create("a", "e", min_fidelity=0.7)
    net.pump()
    assert [(n, r.remote) for n, r in net.requests] == [
        ("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"),
    ]  # fmt: skip
    w_hop = ((4 * 0.7 - 1) / 3) ** (1 / 4)
    for _, request in net.requests:
        assert request.min_fidelity == pytest.approx((3 * w_hop + 1) / 4)


def test_swap_happens_when_both_halves_are_present():
    net = QnpNet(CHAIN3, outcomes=[2])
    net.create("a", "c")
    net.pump()
    net.generate("a", link_request(net, "a"), 1)
    assert "qnp-swap" not in net.nodes["b"].kinds()  # only the upstream half
    net.generate("b", link_request(net, "b"), 3)
    assert "qnp-swap" in net.nodes["b"].kinds()
    [(src, dst, consumed), (src, dst, record)] = net.wire
    assert isinstance(consumed, QnpConsumed)  # flow control: b's half of hop a–b is gone
    assert (src, dst) == ("b", "c")
    assert isinstance(record, QnpSwapRecord)
    assert (record.left.bell_index, record.right.bell_index, record.outcome) == (1, 3, 2)
    assert net.nodes["c"].oks == []  # nothing before the record arrives
    net.pump()
    [ok_a] = net.nodes["a"].oks
    [ok_c] = net.nodes["c"].oks
    assert ok_a.bell_index == ok_c.bell_index == 1 ^ 3 ^ 2
    assert ok_a.entanglement_id == ok_c.entanglement_id
    assert ok_a.path == ok_c.path == CHAIN3
    assert (ok_a.remote, ok_c.remote) == ("c", "a")
    assert ok_a.goodness == pytest.approx(0.9 * 0.9 + 0.1 * 0.1 / 3)
    truth = net.truth("a", ok_a.slot)
    assert truth is net.truth("c", ok_c.slot)
    assert truth.alive
    assert truth.bell == ok_a.bell_index
    assert_clean(net)


@pytest.mark.parametrize("order", ["left-to-right", "right-to-left", "middle-first"])
def test_five_node_frame_is_the_xor_of_labels_and_outcomes(order):
    labels = [1, 2, 3, 0]
    outcomes = [3, 1, 2]
    net = QnpNet(CHAIN5, outcomes=list(outcomes))
    net.create("a", "e", 4)
    net.pump()
    origins = {"left-to-right": "abcd", "right-to-left": "dcba", "middle-first": "bcad"}[order]
    for origin in origins:
        net.generate(origin, link_request(net, origin), labels["abcd".index(origin)])
    records = [pdu for (_, _, pdu) in net.wire if isinstance(pdu, QnpSwapRecord)]
    assert len(records) == 3
    # Deliver the records one by one: nothing is delivered before the last one.
    while len([p for (_, _, p) in net.wire if isinstance(p, QnpSwapRecord)]) > 1:
        net.deliver(next(i for i, (_, _, p) in enumerate(net.wire) if isinstance(p, QnpSwapRecord)))
        assert net.nodes["e"].oks == []
        assert net.nodes["a"].oks == []
    net.pump()
    expected = 0
    for value in labels + [records_outcome.outcome for records_outcome in records]:
        expected ^= value
    [ok_a], [ok_e] = net.nodes["a"].oks, net.nodes["e"].oks
    assert ok_a.bell_index == ok_e.bell_index == expected
    assert ok_a.entanglement_id == ok_e.entanglement_id
    assert net.truth("a", ok_a.slot).bell == expected
    assert_clean(net)


def test_several_pairs_get_equal_sequences_at_both_ends():
    net = QnpNet(CHAIN3)
    net.create("a", "c", number=3)
    net.pump()
    for i in range(3):
        build_chain(net, CHAIN3, [i % 4, (i + 1) % 4])
    oks_a, oks_c = net.nodes["a"].oks, net.nodes["c"].oks
    assert [ok.entanglement_id.sequence for ok in oks_a] == [0, 1, 2]
    assert [(o.entanglement_id, o.bell_index) for o in oks_a] == [
        (o.entanglement_id, o.bell_index) for o in oks_c
    ]
    for ok_a, ok_c in zip(oks_a, oks_c, strict=True):
        assert net.truth("a", ok_a.slot) is net.truth("c", ok_c.slot)
    assert net.nodes["a"].errors == net.nodes["c"].errors == []
    # b asked for its next pair after its last swap (window 1); it is released on arrival.
    for origin, rid in net.open_requests():
        net.generate(origin, rid)
    net.pump()
    assert_clean(net)


def test_one_hop_circuit_delivers_the_link_pair():
    net = QnpNet(("a", "b"))
    net.create("a", "b", number=1)
    net.pump()
    net.generate("a", link_request(net, "a"), 2)
    net.pump()
    [ok_a], [ok_b] = net.nodes["a"].oks, net.nodes["b"].oks
    assert ok_a.bell_index == ok_b.bell_index == 2
    assert_clean(net)


def test_head_waits_for_its_own_link_ok():
    net = QnpNet(CHAIN3)
    net.create("a", "c")
    net.pump()
    ent = net.generate("a", link_request(net, "a"), 1, deliver=False)
    # b gets its half now, a later
    net.deliver_ok(next(i for i, (n, _) in enumerate(net.link_inbox) if n == "b"))
    net.generate("b", link_request(net, "b"), 0)
    net.deliver()
    assert len(net.nodes["c"].oks) == 1
    assert net.nodes["a"].oks == []
    net.deliver_oks(ent)
    [ok_a] = net.nodes["a"].oks
    assert ok_a.bell_index == net.nodes["c"].oks[0].bell_index
    assert_clean(net)


def test_link_ok_before_the_setup_waits_for_it():
    net = QnpNet(CHAIN3)
    net.create("a", "c")
    assert len(net.wire) == 1  # the setup to b, not delivered yet
    ent = net.generate("a", link_request(net, "a"), 1, deliver=False)
    net.deliver_oks(ent)  # b's OK arrives before the setup
    net.pump()
    net.generate("b", link_request(net, "b"), 2)
    net.pump()
    assert len(net.nodes["a"].oks) == len(net.nodes["c"].oks) == 1
    assert_clean(net)


def test_no_route_is_an_error_at_once():
    net = QnpNet(CHAIN3, context=chain_context(CHAIN3, extra_nodes=["z"]))
    net.create("a", "z", 1)
    [error] = net.nodes["a"].errors
    assert error.code is NetworkErrorCode.NO_ROUTE
    assert "not connected" in error.message
    assert net.wire == []
    assert net.requests == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"number": 0}, NetworkErrorCode.REJECTED),
        ({"min_fidelity": 1.5}, NetworkErrorCode.REJECTED),
        ({"max_time_ps": -1}, NetworkErrorCode.REJECTED),
        ({"min_fidelity": 1.0}, None),  # reachable only with perfect links
    ],
)
def test_malformed_requests_are_rejected(fields, code):
    net = QnpNet(CHAIN3, config=QnpConfig(swap_werner_factor=0.9))
    net.create("a", "c", **fields)
    if code is None:
        [error] = net.nodes["a"].errors
        assert error.code is NetworkErrorCode.UNSUPPORTED
    else:
        [error] = net.nodes["a"].errors
        assert error.code is code


def test_request_to_self_and_reused_id_are_rejected():
    net = QnpNet(CHAIN3)
    net.create("a", "a", 1)
    net.create("a", "c", 2)
    net.create("a", "c", 2)
    codes = [e.code for e in net.nodes["a"].errors]
    assert codes == [NetworkErrorCode.REJECTED, NetworkErrorCode.REJECTED]


def test_unsupported_hop_fails_the_request_at_both_ends_with_the_link_message():
    net = QnpNet(CHAIN5, unsupported=[("c", "d")])
    net.create("a", "e", 3, number=2, min_fidelity=0.9)
    net.pump()
    [error_a], [error_e] = net.nodes["a"].errors, net.nodes["e"].errors
    assert error_a.code is error_e.code is NetworkErrorCode.UNSUPPORTED
    assert "link c-d" in error_a.message
    assert "link c-d no" in error_a.message
    assert error_a == error_e
    # Pairs of the still open link requests arrive late and are released.
    for origin, rid in net.open_requests():
        net.generate(origin, rid)
    net.pump()
    assert net.held_slots() == {}
    assert_clean(net)


def test_unsupported_first_hop_reaches_the_tail_before_the_setup():
    net = QnpNet(CHAIN3, unsupported=[("a", "b")])
    net.create("a", "c", 1)
    abort = [(s, d, p) for (s, d, p) in net.wire if d == "c"]
    assert abort, "the abort goes straight to the tail"
    net.deliver(net.wire.index(abort[0]))  # overtakes the setup
    teardown_to_b = next(i for i, (s, d, _) in enumerate(net.wire) if (s, d) == ("c", "b"))
    net.deliver(teardown_to_b)  # and so does the teardown
    net.pump()
    assert [e.code for e in net.nodes["a"].errors] == [NetworkErrorCode.UNSUPPORTED]
    assert [e.code for e in net.nodes["c"].errors] == [NetworkErrorCode.UNSUPPORTED]
    assert net.requests[1:] == []  # b installed nothing: the setup came after the teardown
    assert_clean(net)


def test_link_error_after_some_pairs_keeps_them_and_ends_once():
    net = QnpNet(CHAIN3)
    net.create("a", "c", number=3)
    net.pump()
    build_chain(net, CHAIN3, [0, 1])
    net.link_error("b", link_request(net, "b"), ErrorCode.EXPIRED, "peer gone")
    net.pump()
    for node in ("a", "c"):
        assert len(net.nodes[node].oks) == 1
        [error] = net.nodes[node].errors
        assert error.code is NetworkErrorCode.EXPIRED
        assert net.nodes[node].indications[-1] is error  # terminal event last
    for origin, rid in net.open_requests():
        net.generate(origin, rid)
    net.pump()
    assert_clean(net)


def test_timeout_ends_at_both_ends_and_releases_everything():
    net = QnpNet(CHAIN3)
    net.create("a", "c", 5, number=2, max_time_ps=1_000_000)
    net.pump()
    build_chain(net, CHAIN3, [1, 1])  # one pair delivered
    net.generate("a", link_request(net, "a"), 0)  # a half waits at a and b
    net.pump()
    [(due, node, key)] = net.running_timers()
    assert (due, node) == (1_000_000, "c")
    net.fire(node, key)
    net.pump()
    for name in ("a", "c"):
        side = net.nodes[name]
        assert len(side.oks) == 1
        assert [e.code for e in side.errors] == [NetworkErrorCode.TIMEOUT]
    for request in (r for _, r in net.requests):
        assert 0 < request.max_time_ps <= 1_000_000
    assert_clean(net)


def test_cutoff_discards_at_both_ends_of_the_link():
    net = QnpNet(CHAIN3, config=QnpConfig(cutoff_s=1e-6))
    net.create("a", "c", number=1)
    net.pump()
    ent = net.generate("a", link_request(net, "a"), 1)
    [(due, node, key)] = net.running_timers()
    assert (due, node) == (1_000_000, "b")
    net.fire(node, key)
    assert "qnp-cutoff" in net.nodes["b"].kinds()
    [(_, _, consumed), (src, dst, discard)] = net.wire
    assert consumed == QnpConsumed(discard.circuit, ent)
    assert (src, dst, discard) == ("b", "a", QnpDiscard(discard.circuit, ent))
    net.pump()
    assert "qnp-discard" in net.nodes["a"].kinds()
    assert ent in net.released_links
    assert net.held_slots() == {}
    # A new link pair replaces it, and the request completes on fresh pairs.
    build_chain(net, CHAIN3, [2, 3])
    [ok_a], [ok_c] = net.nodes["a"].oks, net.nodes["c"].oks
    assert net.truth("a", ok_a.slot).links.isdisjoint(net.released_links)
    assert ok_a.bell_index == ok_c.bell_index == net.truth("c", ok_c.slot).bell
    assert_clean(net)


def test_a_discard_follows_the_swaps_and_the_segment_is_never_delivered():
    net = QnpNet(("a", "b", "c", "d"), config=QnpConfig(cutoff_s=1e-6))
    net.create("a", "d", number=1)
    net.pump()
    dead_ab = net.generate("a", link_request(net, "a"), 1)
    dead_bc = net.generate("b", link_request(net, "b"), 2)  # b swaps
    net.pump()  # the record reaches d
    [(_, node, key)] = net.running_timers()  # c's half of b-c waits for c-d
    assert node == "c"
    net.fire(node, key)
    net.pump()
    assert "qnp-discard-forward" in net.nodes["b"].kinds()
    assert "qnp-discard" in net.nodes["a"].kinds()
    assert {dead_ab, dead_bc} <= net.released_links
    net.generate("c", link_request(net, "c"), 0)  # c-d arrives after the discard
    net.pump()
    assert net.nodes["d"].oks == []
    build_chain(net, ("a", "b", "c"), [3, 3])
    [ok_a], [ok_d] = net.nodes["a"].oks, net.nodes["d"].oks
    truth = net.truth("d", ok_d.slot)
    assert truth.alive
    assert truth.links.isdisjoint(net.released_links)
    assert ok_a.bell_index == ok_d.bell_index == truth.bell
    assert_clean(net)


def test_a_discard_crossing_a_swap_record_still_prevents_delivery():
    net = QnpNet(CHAIN3, config=QnpConfig(cutoff_s=1e-6))
    net.create("a", "c")
    net.pump()
    net.generate("a", link_request(net, "a"), 1)
    [(_, _, key)] = net.running_timers()
    net.fire("b", key)  # b drops its half of a-b; the notice to a is in flight
    net.generate("b", link_request(net, "b"), 0)
    assert "qnp-swap" not in net.nodes["b"].kinds()  # nothing to swap with
    net.pump()
    build_chain(net, ("a", "b"), [2])
    [ok_a], [ok_c] = net.nodes["a"].oks, net.nodes["c"].oks
    assert net.truth("a", ok_a.slot).links.isdisjoint(net.released_links)
    assert ok_a.bell_index == ok_c.bell_index
    assert_clean(net)


def test_end_to_end_cutoff_discards_old_complete_pairs():
    net = QnpNet(CHAIN3, config=QnpConfig(e2e_cutoff_s=1e-6))
    net.create("a", "c", number=1)
    net.pump()
    net.generate("a", link_request(net, "a"), 1)
    net.now_ps = 2_000_000
    net.generate("b", link_request(net, "b"), 1)
    net.pump()
    assert net.nodes["c"].oks == []
    assert net.nodes["a"].oks == []
    assert "qnp-e2e-cutoff" in net.nodes["c"].kinds()
    assert net.held_slots() == {}
    build_chain(net, CHAIN3, [0, 0])
    assert len(net.nodes["a"].oks) == len(net.nodes["c"].oks) == 1
    assert_clean(net)


def test_circuit_state_machine_walks_running_draining_closed():
    net = QnpNet(CHAIN3)
    net.create("a", "c", 9, number=1, max_time_ps=10)
    net.pump()
    circuit = next(iter(net.nodes["a"].qnp.circuits.values()))
    assert circuit.state is CircuitState.RUNNING
    build_chain(net, CHAIN3, [0, 0])
    net.deliver()  # only the PDUs already on the wire
    assert circuit.state is CircuitState.CLOSED
    assert isinstance(net.nodes["a"].indications[-1], NetworkOkIndication)


def test_unexpected_inputs_fail_loudly():
    entity = QnpNet(CHAIN3).nodes["a"].qnp
    with pytest.raises(LocalProtocolError):
        entity.from_above(CreateRequest(0, "b"), 0)
    with pytest.raises(LocalProtocolError):
        entity.on_timer(("nope",), 0)
