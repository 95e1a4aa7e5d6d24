"""Unit tests of purification, nested swapping and flow control in the QNP entity, on the
scripted harness (:mod:`helpers_qnp`): exact message orders that the property test only
reaches by chance."""

from __future__ import annotations

import pytest

from helpers_qnp import QnpNet
from qnetstack.network._purify import input_fidelity, rounds_needed
from qnetstack.network.config import PurificationConfig, QnpConfig
from qnetstack.network.messages import QnpConsumed, QnpSwapped
from qnetstack.network.swap import nested_span
from qnetstack.physical.purification import Bbpssw, Dejmps

LINK_1 = QnpConfig(purification=PurificationConfig(scope="link", rounds=1))


def wire_types(net: QnpNet) -> list[str]:
    return [type(pdu).__name__ for _, _, pdu in net.wire]


def test_one_round_on_a_hop_takes_two_pairs_and_delivers_phi_plus() -> None:
    net = QnpNet(("a", "b"), config=LINK_1, purify_success=1.0)
    net.create("a", "b", number=1)
    net.pump()
    [(origin, rid)] = net.open_requests()
    assert net.requests[-1][1].number == 2  # the window is raised to rounds + 1
    for label in (1, 3):  # announced Ψ⁺ and Ψ⁻: the frames are corrected before the round
        net.generate(origin, rid, label)
    net.pump()
    [ok_a], [ok_b] = net.nodes["a"].oks, net.nodes["b"].oks
    assert ok_a.bell_index == ok_b.bell_index == 0
    assert net.truth("a", ok_a.slot) is net.truth("b", ok_b.slot)
    kinds = net.nodes["a"].kinds()
    assert kinds.index("qnp-purify") < kinds.index("qnp-purify-result") < kinds.index("qnp-deliver")


def test_a_failed_round_frees_the_kept_pair_and_asks_for_more() -> None:
    net = QnpNet(("a", "b"), config=LINK_1, purify_success=0.0)
    net.create("a", "b", number=1)
    net.pump()
    [(origin, rid)] = net.open_requests()
    net.generate(origin, rid, 0)
    net.generate(origin, rid, 0)
    net.pump()
    assert net.nodes["a"].oks == []
    assert net.held_slots() == {}  # kept halves freed at both ends, sacrificed ones measured
    # two new pairs asked for (one link request each, as the halves were freed one by one)
    assert sum(net.open[key][0].number - net.open[key][1] for key in net.open_requests()) == 2


def test_a_draining_head_finishes_its_round_when_the_reply_comes_last() -> None:
    """The tail delivers and tears down before the head hears the follower's bit: the head
    waits in DRAINING, and the late reply makes its half ready, so it still delivers."""
    net = QnpNet(("a", "b"), config=LINK_1, purify_success=1.0)
    net.create("a", "b", number=1)
    net.pump()
    [(origin, rid)] = net.open_requests()
    net.generate(origin, rid, 0)
    net.generate(origin, rid, 0)
    assert wire_types(net) == ["QnpPurify"]
    net.deliver(0)  # b runs its half, decides, delivers and ends the circuit
    types = wire_types(net)
    assert [t for t in types if t != "QnpConsumed"] == [
        "QnpPurifyReply", "QnpDelivered", "QnpTeardown",
    ]  # fmt: skip
    net.deliver(types.index("QnpTeardown"))  # teardown first: a drains
    net.deliver(wire_types(net).index("QnpDelivered"))  # a's half is not ready yet
    assert net.nodes["a"].oks == []
    net.deliver(wire_types(net).index("QnpPurifyReply"))  # ready, delivered, closed
    [ok_a] = net.nodes["a"].oks
    assert ok_a.entanglement_id == net.nodes["b"].oks[0].entanglement_id
    assert net.nodes["a"].qnp.circuits == {}


def test_flow_control_counts_the_downstream_halves() -> None:
    """a keeps one pair of hop a–b in flight: after b swaps, b reports QnpConsumed and only then
    does a ask for the next pair (before flow control, b's memory could fill up with halves)."""
    net = QnpNet(("a", "b", "c"), purify_success=1.0)
    net.create("a", "c", number=2)
    net.pump()
    rid_a = next(rid for o, rid in net.open_requests() if o == "a")
    net.generate("a", rid_a, 0)
    net.pump()
    assert [o for o, _ in net.open_requests()] == ["b"]  # a waits: its pair is held by b
    rid_b = next(rid for o, rid in net.open_requests() if o == "b")
    net.generate("b", rid_b, 0, deliver=True)
    assert "QnpConsumed" in wire_types(net)
    consumed = next(pdu for _, dst, pdu in net.wire if isinstance(pdu, QnpConsumed))
    assert consumed.pair.origin == "a"
    net.pump()
    assert "a" in [o for o, _ in net.open_requests()]


def test_nested_notice_before_the_link_ok_is_kept_until_the_half_arrives() -> None:
    """Four hops, nested: n2 swaps only pairs reaching 0 and 4; the notice that b's half
    reaches a can come before b's own link OK."""
    names = ("a", "b", "c", "d", "e")
    net = QnpNet(names, config=QnpConfig(swap_policy="nested"), purify_success=1.0)
    net.create("a", "e", number=1)
    net.pump()
    rids = dict(net.open_requests())
    # hop c–d and d–e: d swaps (span 2–4) and tells c its half now reaches e
    net.generate("c", rids["c"], 0)
    net.generate("d", rids["d"], 0)
    swapped = [(dst, pdu) for _, dst, pdu in net.wire if isinstance(pdu, QnpSwapped)]
    assert [(dst, pdu.reach) for dst, pdu in swapped] == [("c", 4)]
    net.pump()
    assert "qnp-swap" not in net.nodes["c"].kinds()  # c still lacks the 0–2 side
    net.generate("a", rids["a"], 0)
    net.generate("b", rids["b"], 0, deliver=False)
    net.deliver_ok(1)  # b's OK of hop b–c only... the other waits
    net.pump()
    [ok_a], [ok_e] = net.nodes["a"].oks, net.nodes["e"].oks
    assert ok_a.bell_index == ok_e.bell_index == net.truth("a", ok_a.slot).bell


@pytest.mark.parametrize(
    ("index", "hops", "span"),
    [(1, 2, (0, 2)), (2, 4, (0, 4)), (1, 4, (0, 2)), (3, 4, (2, 4)), (1, 3, (0, 3)),
     (2, 3, (1, 3)), (4, 8, (0, 8)), (6, 8, (4, 8)), (5, 8, (4, 6))],
)  # fmt: skip
def test_nested_span_bisects_the_path(index: int, hops: int, span: tuple[int, int]) -> None:
    assert nested_span(index, hops) == span


def test_input_fidelity_inverts_the_rounds() -> None:
    f_in = input_fidelity(0.9, 2, Dejmps())
    assert f_in is not None
    assert rounds_needed(f_in, 0.9, Dejmps(), 2) == 2
    assert rounds_needed(f_in - 1e-3, 0.9, Dejmps(), 2) is None
    assert input_fidelity(0.4, 1, Bbpssw()) == 0.4  # no purification needed below 1/2
    assert rounds_needed(0.95, 0.9, Dejmps(), 0) == 0


def test_a_stale_nested_notice_does_not_shrink_a_pair() -> None:
    """Eight hops, nested: n4's left half hears first from n3 (reach 2), later from n2
    (reach 0). Delivered the other way round, the stale notice must not undo the newer one
    (before the fix n4 never matched its span 0–8 and the circuit hung)."""
    names = tuple(f"n{i}" for i in range(9))
    net = QnpNet(names, config=QnpConfig(swap_policy="nested"), purify_success=1.0)
    net.create("n0", "n8", number=1)
    net.pump()
    rids = dict(net.open_requests())
    for origin in names[:-1]:
        net.generate(origin, rids[origin], 0)

    def notice(src: str) -> tuple[str, str, object]:
        index = next(i for i, (s, d, p) in enumerate(net.wire)
                     if isinstance(p, QnpSwapped) and s == src and d == "n4")  # fmt: skip
        return net.wire.pop(index)

    stale = notice("n3")  # reach 2, delayed
    held = []
    while net.wire:
        _, dst, pdu = net.wire[0]
        if isinstance(pdu, QnpSwapped) and dst == "n4":
            held.append(net.wire.pop(0))
            continue
        net.deliver(0)
    newer = [h for h in held if h[0] == "n2"]
    assert [h[2].reach for h in newer] == [0]
    net.wire[:0] = newer
    net.deliver()
    net.wire.append(stale)  # the stale notice arrives last
    net.wire += [h for h in held if h[0] != "n2"]
    net.pump()
    assert len(net.nodes["n0"].oks) == len(net.nodes["n8"].oks) == 1
    assert net.nodes["n4"].qnp.circuits == {}
