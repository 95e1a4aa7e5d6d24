"""The distributed queue: tags, bindings, duplicates, tombstones and retransmissions."""

from __future__ import annotations

import pytest

from helpers import link_info, of_type
from helpers_egp import egp_config
from qnetstack.linklayer.dqp import MAX_PAIRS, TRANSITIONS, RequestState, pair_tag, split_tag
from qnetstack.linklayer.egp import Egp
from qnetstack.linklayer.messages import (
    DqpAck,
    DqpAdd,
    DqpExpire,
    DqpItemSpec,
    DqpSubmit,
)
from qnetstack.linklayer.primitives import CreateRequest, ErrorCode, ErrorIndication
from qnetstack.service import Indicate, PeerProtocolError, SendPeer, StartTimer


def entity(name, remote, **config):
    return Egp(name, egp_config(**config), {remote: link_info(*sorted((name, remote)))}, None)


def spec(origin="bob", request_id=0, number=2, **fields):
    values = {
        "origin": origin, "request_id": request_id, "number": number, "request_type": "KEEP",
        "measure_basis": "Z", "alpha": None, "goodness": 0.9, "deadline_ps": 0, "priority": 0,
        "purpose_id": 0, "atomic": False,
    }  # fmt: skip
    values.update(fields)
    return DqpItemSpec(**values)


@pytest.mark.parametrize(("seq", "pair"), [(0, 0), (0, 5), (7, 0), (123456, MAX_PAIRS - 1)])
def test_tags_are_unique_and_invertible(seq, pair):
    assert split_tag(pair_tag(seq, pair)) == (seq, pair)
    assert pair_tag(seq, pair) != pair_tag(seq + 1, pair)


def test_master_answers_a_submit_with_a_binding_and_retransmits_it():
    alice = entity("alice", "bob")
    effects = alice.from_peer("bob", DqpSubmit(spec()), 0)
    assert SendPeer("bob", DqpAdd(0, spec())) in effects
    assert StartTimer(("dqp-retry", "bob", "bob", 0), 1_000_000) in effects
    # A duplicate submit (its add was lost) gets the same binding again.
    again = alice.from_peer("bob", DqpSubmit(spec()), 1)
    assert of_type(again, SendPeer) == [SendPeer("bob", DqpAdd(0, spec()))]
    # The timer resends it.
    resend = alice.on_timer(("dqp-retry", "bob", "bob", 0), 2)
    assert SendPeer("bob", DqpAdd(0, spec())) in resend


def test_slave_acks_every_copy_and_a_rebinding_is_a_peer_error():
    bob = entity("bob", "alice")
    first = bob.from_peer("alice", DqpAdd(3, spec("alice")), 0)
    assert SendPeer("alice", DqpAck("alice", 0, 3)) in first
    again = bob.from_peer("alice", DqpAdd(3, spec("alice")), 1)
    assert of_type(again, SendPeer) == [SendPeer("alice", DqpAck("alice", 0, 3))]
    with pytest.raises(PeerProtocolError, match="rebound"):
        bob.from_peer("alice", DqpAdd(3, spec("alice", request_id=9)), 2)


def test_retries_exhausted_expire_the_request_and_tell_the_peer():
    bob = entity("bob", "alice", max_retries=2)
    bob.from_above(CreateRequest(5, "alice", 1), 0)
    for n in range(2):
        effects = bob.on_timer(("dqp-retry", "alice", "bob", 5), n + 1)
        assert of_type(effects, SendPeer)[0].pdu == DqpSubmit(
            bob.sessions["alice"].queue.items[("bob", 5)].spec
        )
    effects = bob.on_timer(("dqp-retry", "alice", "bob", 5), 3)
    [error] = [e.primitive for e in of_type(effects, Indicate)]
    assert isinstance(error, ErrorIndication)
    assert (error.origin, error.request_id, error.code) == ("bob", 5, ErrorCode.EXPIRED)
    [notice] = of_type(effects, SendPeer)
    assert isinstance(notice.pdu, DqpExpire)
    assert notice.pdu.code == "EXPIRED"
    # The late binding is answered from the tombstone.
    late = bob.from_peer("alice", DqpAdd(0, spec("bob", 5, 1)), 4)
    assert of_type(late, SendPeer)[0].pdu.code == "EXPIRED"


def test_peer_queue_full_rejects_a_submit():
    alice = entity("alice", "bob", max_queue_length=1)
    alice.from_peer("bob", DqpSubmit(spec(request_id=0)), 0)
    effects = alice.from_peer("bob", DqpSubmit(spec(request_id=1)), 0)
    [notice] = of_type(effects, SendPeer)
    assert notice.pdu == DqpExpire("bob", 1, "REJECTED", "queue with alice is full")


def test_request_table_uses_declared_states():
    for row in TRANSITIONS:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        assert all(s in RequestState for s in sources)
        assert row["dest"] in RequestState
