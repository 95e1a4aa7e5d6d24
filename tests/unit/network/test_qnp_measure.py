"""MEASURE circuits of the QNP: the ends read out delivered pairs; the ERROR comes last."""

from __future__ import annotations

import pytest

from helpers_qnp import QnpNet
from qnetstack.linklayer.primitives import (
    E91_ORIGIN_ANGLES_RAD,
    E91_REMOTE_ANGLES_RAD,
    RequestType,
)
from qnetstack.network.primitives import NetworkErrorIndication, NetworkOkIndication

CHAIN3 = ("a", "b", "c")


def _link_request(net: QnpNet, origin: str) -> int:
    [rid] = [rid for (o, rid) in net.open_requests() if o == origin]
    return rid


def _one_pair(net: QnpNet, labels: tuple[int, int] = (1, 2)) -> None:
    for origin, label in zip(CHAIN3[:-1], labels, strict=True):
        net.generate(origin, _link_request(net, origin), label)
        net.pump()


@pytest.mark.parametrize("basis", ["Z", "X", "Y"])
def test_both_ends_measure_in_the_fixed_basis_and_report_outcome_not_slot(basis: str) -> None:
    net = QnpNet(CHAIN3, outcomes=[3])
    net.create("a", "c", 1, number=1, request_type=RequestType.MEASURE, measure_basis=basis)
    net.pump()
    _one_pair(net)
    assert sorted((n, b) for n, _, b in net.measurements) == [("a", basis), ("c", basis)]
    assert net.nodes["a"].oks == net.nodes["c"].oks == []  # only after the readout
    net.confirm_measurement(0, outcome=1)
    net.confirm_measurement(0, outcome=0)
    (head,), (tail,) = net.nodes["a"].oks, net.nodes["c"].oks
    assert head.entanglement_id == tail.entanglement_id
    assert head.bell_index == tail.bell_index == 1 ^ 2 ^ 3  # the frame of the swap
    assert (head.slot, tail.slot) == (None, None)
    assert {head.outcome, tail.outcome} == {0, 1}
    assert head.basis == tail.basis == basis


def test_random_bases_are_drawn_at_each_end() -> None:
    net = QnpNet(CHAIN3)
    net.create("a", "c", 1, number=40, request_type=RequestType.MEASURE, measure_basis="random")
    net.pump()
    for _ in range(40):
        _one_pair(net)
        while net.measurements:
            net.confirm_measurement()
    head = [ok.basis for ok in net.nodes["a"].oks]
    tail = [ok.basis for ok in net.nodes["c"].oks]
    assert len(head) == len(tail) == 40
    assert set(head) == set(tail) == {"Z", "X"}
    assert head != tail  # independent draws


def test_the_error_waits_for_the_readouts_in_progress() -> None:
    net = QnpNet(CHAIN3)
    net.create("a", "c", 1, number=5, request_type=RequestType.MEASURE, measure_basis="Z",
               max_time_ps=10**9)  # fmt: skip
    net.pump()
    _one_pair(net)
    tail = net.nodes["c"]
    assert sorted(n for n, _, _ in net.measurements) == ["a", "c"]
    net.fire("c", ("qnp-deadline", "a", 1))  # the deadline passes during the readouts
    net.pump()
    for node in ("a", "c"):
        assert net.nodes[node].indications == []  # neither the OK nor the ERROR yet
    while net.measurements:
        net.confirm_measurement()
    for node in ("a", "c"):
        kinds = [type(p) for p in net.nodes[node].indications]
        assert kinds == [NetworkOkIndication, NetworkErrorIndication]
    assert tail.errors[0].code.value == "TIMEOUT"


def test_a_bad_basis_is_rejected() -> None:
    net = QnpNet(CHAIN3)
    net.create("a", "c", 1, request_type=RequestType.MEASURE, measure_basis="W")
    (error,) = net.nodes["a"].errors
    assert error.code.value == "REJECTED"
    assert "measure_basis must be one of 'Z', 'X', 'Y', 'random', 'e91', got 'W'" in error.message


def test_e91_ends_measure_along_their_own_three_directions() -> None:
    net = QnpNet(CHAIN3)
    net.create("a", "c", 1, number=60, request_type=RequestType.MEASURE, measure_basis="e91")
    net.pump()
    for _ in range(60):
        _one_pair(net)
        while net.measurements:
            net.confirm_measurement()
    head = {ok.basis for ok in net.nodes["a"].oks}
    tail = {ok.basis for ok in net.nodes["c"].oks}
    assert head == set(E91_ORIGIN_ANGLES_RAD)
    assert tail == set(E91_REMOTE_ANGLES_RAD)
