"""The EGP: one entity (inputs → effects) and two entities in an EgpPair (fake hardware)."""

from __future__ import annotations

import pytest

from helpers import link_info, of_type
from helpers_egp import EgpPair, egp_config
from qnetstack.linklayer import (
    CreateRequest,
    EgpConfig,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    RequestType,
    SessionState,
)
from qnetstack.linklayer.egp import PLUGIN, TRANSITIONS, Egp, GenerationPhase
from qnetstack.linklayer.messages import (
    DqpAck,
    DqpAdd,
    DqpExpire,
    DqpPing,
    DqpPong,
    EgpServe,
    EgpServeAck,
)
from qnetstack.physical import GenerateRequest, PairReadyIndication
from qnetstack.physical.primitives import AbortRequest, MoveRequest
from qnetstack.service import (
    CancelTimer,
    Indicate,
    LayerName,
    PeerProtocolError,
    SendDown,
    SendPeer,
    StartTimer,
)


def entity(name="alice", remote="bob", **config):
    config.setdefault("move_to_memory", False)
    return Egp(name, egp_config(**config), {remote: link_info(*sorted((name, remote)))}, None)


def ready(tag, slot=0, remote="bob", bell_index=1):
    return PairReadyIndication(remote, tag, 0, slot, bell_index, 1, 123, 0.9)


def errors(effects):
    return [
        e.primitive for e in of_type(effects, Indicate) if isinstance(e.primitive, ErrorIndication)
    ]


# --- one entity ---------------------------------------------------------------------------------


def test_master_queues_its_request_and_waits_for_the_ack():
    alice = entity()
    effects = alice.from_above(CreateRequest(7, "bob", number=2), 0)
    [add] = of_type(effects, SendPeer)
    assert isinstance(add.pdu, DqpAdd)
    assert add.pdu.seq == 0
    assert add.pdu.spec.key == ("alice", 7)
    assert add.pdu.spec.goodness == 0.9
    assert of_type(effects, SendDown) == []  # nothing is generated before both ends agree
    keys = {e.key for e in of_type(effects, StartTimer)}
    assert keys == {("egp-keepalive", "bob"), ("dqp-retry", "bob", "alice", 7)}
    assert alice.sessions["bob"].state is SessionState.ACTIVE


def test_ack_makes_it_servable_the_master_serves_and_generates():
    alice = entity()
    alice.from_above(CreateRequest(7, "bob", number=2), 0)
    effects = alice.from_peer("bob", DqpAck("alice", 7, 0), 1)
    assert CancelTimer(("dqp-retry", "bob", "alice", 7)) in effects
    assert SendPeer("bob", EgpServe(1, 0, 0)) in effects
    assert of_type(effects, SendDown) == [SendDown(GenerateRequest("bob", 0))]
    first = alice.from_below(ready(0, slot=0, bell_index=3), 2)
    ok = OkIndication(EntanglementId("alice", 7, 0), "bob", 0, 3, 0.9, 123)
    assert Indicate(ok) in first
    assert CancelTimer(("egp-serve", "bob")) in first  # the herald proves the slave followed
    assert SendDown(GenerateRequest("bob", 1)) in first
    assert of_type(first, SendPeer) == []  # continuing the same request needs no message
    last = alice.from_below(ready(1, slot=1), 3)
    assert of_type(last, Indicate)[-1].primitive.entanglement_id.sequence == 1
    assert CancelTimer(("egp-keepalive", "bob")) in last
    assert alice.sessions["bob"].state is SessionState.IDLE


def test_slave_submits_binds_and_follows_serves():
    bob = entity("bob", "alice")
    [submit] = of_type(bob.from_above(CreateRequest(4, "alice", number=2), 0), SendPeer)
    effects = bob.from_peer("alice", DqpAdd(0, submit.pdu.spec), 1)
    assert SendPeer("alice", DqpAck("bob", 4, 0)) in effects
    assert CancelTimer(("dqp-retry", "alice", "bob", 4)) in effects
    served = bob.from_peer("alice", EgpServe(1, 0, 0), 2)
    assert served == [SendPeer("alice", EgpServeAck(1)), SendDown(GenerateRequest("alice", 0))]
    # After a herald it continues on its own with the next pair.
    after = bob.from_below(ready(0, remote="alice"), 3)
    assert SendDown(GenerateRequest("alice", 1)) in after
    # A stale serve (retransmission) is only acknowledged.
    assert bob.from_peer("alice", EgpServe(1, 0, 0), 4) == [SendPeer("alice", EgpServeAck(1))]


def test_slave_switches_when_the_master_serves_another_request():
    bob = entity("bob", "alice")
    for rid in (0, 1):
        spec = bob.from_above(CreateRequest(rid, "alice", number=3), 0)[-2].pdu.spec
        bob.from_peer("alice", DqpAdd(rid, spec), 0)
    bob.from_peer("alice", EgpServe(1, 0, 0), 1)
    bob.from_below(ready(0, remote="alice"), 2)  # now attempting (0, 1) on its own
    switch = bob.from_peer("alice", EgpServe(2, 1, 0), 3)
    tag_next = (0 << 32) | 1
    tag_other = 1 << 32
    assert SendDown(AbortRequest("alice", tag_next)) in switch
    assert SendDown(GenerateRequest("alice", tag_other)) in switch


@pytest.mark.parametrize(
    ("create", "code", "text"),
    [
        (CreateRequest(1, "carol"), ErrorCode.UNSUPPORTED, "not a neighbour"),
        (CreateRequest(1, "bob", number=0), ErrorCode.REJECTED, "number"),
        (CreateRequest(1, "bob", max_time_ps=-1), ErrorCode.REJECTED, "max_time_ps"),
        (CreateRequest(1, "bob", min_fidelity=0.95), ErrorCode.UNSUPPORTED, "best 0.9000"),
        (CreateRequest(1, "bob", number=3, atomic=True), ErrorCode.OUT_OF_MEMORY, "at most 2"),
    ],
)
def test_immediate_refusals(create, code, text):
    alice = entity(memory_slots=2)
    [effect] = alice.from_above(create, 0)
    assert effect.primitive.code is code
    assert text in effect.primitive.message
    assert effect.primitive.origin == "alice"


def test_reused_request_id_is_rejected():
    alice = entity()
    alice.from_above(CreateRequest(1, "bob"), 0)
    [effect] = alice.from_above(CreateRequest(1, "bob"), 0)
    assert effect.primitive.code is ErrorCode.REJECTED


def test_deadline_times_out_aborts_and_tells_the_peer():
    alice = entity()
    alice.from_above(CreateRequest(7, "bob", number=2, max_time_ps=500), 100)
    started = alice.from_peer("bob", DqpAck("alice", 7, 0), 1)
    assert StartTimer(("egp-deadline", "bob", "alice", 7), 500) not in started
    effects = alice.on_timer(("egp-deadline", "bob", "alice", 7), 600)
    assert SendDown(AbortRequest("bob", 0)) in effects
    [error] = errors(effects)
    assert error.code is ErrorCode.TIMEOUT
    [notice] = [e.pdu for e in of_type(effects, SendPeer) if isinstance(e.pdu, DqpExpire)]
    assert notice.code == "TIMEOUT"
    assert CancelTimer(("egp-keepalive", "bob")) in effects


def test_keepalive_recovers_a_lost_notice_and_unreachable_peers_expire():
    alice = entity(max_retries=1)
    alice.from_above(CreateRequest(7, "bob"), 0)
    ping = alice.on_timer(("egp-keepalive", "bob"), 1)
    assert SendPeer("bob", DqpPing((("alice", 7),))) in ping
    ended = alice.from_peer("bob", DqpPong((("alice", 7, "TIMEOUT", "late"),)), 2)
    assert [(e.code, e.message) for e in errors(ended)] == [(ErrorCode.TIMEOUT, "late")]
    alice.from_above(CreateRequest(8, "bob"), 3)
    for t in (4, 5):
        assert errors(alice.on_timer(("egp-keepalive", "bob"), t)) == []
    [error] = errors(alice.on_timer(("egp-keepalive", "bob"), 6))
    assert error.code is ErrorCode.EXPIRED
    assert "unreachable" in error.message


def test_ping_is_answered_from_the_tombstones():
    bob = entity("bob", "alice")
    bob.from_peer("alice", DqpExpire("alice", 3, "EXPIRED", "gone"), 0)
    answer = bob.from_peer("alice", DqpPing((("alice", 3), ("alice", 4))), 1)
    assert answer == [SendPeer("alice", DqpPong((("alice", 3, "EXPIRED", "gone"),)))]


def test_herald_for_an_unknown_tag_is_a_peer_error():
    with pytest.raises(PeerProtocolError, match="unexpected herald"):
        entity().from_below(ready(5), 0)


def test_measure_requests_draw_bases_per_pair_and_need_no_release():
    pair = EgpPair()
    pair.create("alice", 0, number=20, request_type=RequestType.MEASURE, measure_basis="random")
    pair.run(release=False)
    for side in pair.sides.values():
        bases = [p.measure_basis for p in side.phys.requests if isinstance(p, GenerateRequest)]
        assert set(bases) == {"Z", "X"}
        assert [ok.basis for ok in side.oks] == bases
        assert all(ok.slot is None and ok.outcome in (0, 1) for ok in side.oks)
        assert side.phys.held == set()
    # Each end draws on its own: the bases differ between the ends for some pairs.
    assert [ok.basis for ok in pair.a.oks] != [ok.basis for ok in pair.b.oks]


# --- memory ---------------------------------------------------------------------------------


def test_nv_moves_the_pair_out_of_the_electron_before_announcing_it():
    pair = EgpPair(nv=True, slots_a=3, slots_b=3)
    pair.create("alice", 0, number=2)
    [tag] = pair.pending_tags()
    pair.herald(tag)
    for side in pair.sides.values():
        assert MoveRequest(0) in side.phys.requests
        assert [ok.slot for ok in side.oks] == [1]  # announced after the move, on a carbon
    pair.run(release=False)
    # Every kept half is moved, the last one too: both ends treat all pairs alike, so the
    # goodness (computed for moved pairs) holds for each of them.
    assert [ok.slot for ok in pair.a.oks] == [1, 2]


def test_hardware_without_moves_is_never_asked_to_move():
    """The link model says whether kept halves must leave the communication qubit."""
    pair = EgpPair(slots_a=4, slots_b=4)
    pair.create("alice", 0, number=3)
    pair.run(release=False)
    moves = [p for p in pair.a.phys.requests if isinstance(p, MoveRequest)]
    assert moves == []
    assert len(pair.a.oks) == 3


def test_out_of_memory_waits_and_resumes_after_a_release():
    pair = EgpPair(slots_a=1)
    pair.create("alice", 0, number=2)
    pair.herald(pair.pending_tags()[0])
    assert pair.a.link.sessions["bob"].phase is GenerationPhase.WAITING_MEMORY
    assert pair.pending_tags() == []
    pair.release("alice", pair.a.oks[0].slot)
    assert pair.pending_tags() != []
    pair.run()
    assert len(pair.a.oks) == len(pair.b.oks) == 2
    assert pair.a.link.memory.learned == 1


# --- two entities ---------------------------------------------------------------------------


def test_both_ends_deliver_the_same_pairs_for_requests_from_both_ends():
    pair = EgpPair()
    pair.create("alice", 0, number=3)
    pair.create("bob", 0, number=2)
    pair.run()
    assert len(pair.a.oks) == 5
    assert pair.delivered("alice") == pair.delivered("bob")
    assert all(not side.timers for side in pair.sides.values())


def test_strict_priority_serves_the_urgent_request_first():
    pair = EgpPair(config=egp_config(scheduler="priority"), auto_deliver=False)
    pair.create("alice", 0, number=2, priority=0)
    pair.create("bob", 0, number=2, priority=9)
    pair.run()
    order = [ok.entanglement_id.origin for ok in pair.a.oks]
    # alice's request was servable first and its first pair was under way: never pre-empted.
    assert order == ["alice", "bob", "bob", "alice"]


def test_a_pair_heralded_at_one_end_only_is_followed_by_an_error_at_both():
    pair = EgpPair()
    pair.create("alice", 0, number=2, max_time_ps=1_000)
    [tag] = pair.pending_tags()
    pair.herald(tag, split=True, first="bob")  # alice's half of the herald is on its way
    pair.advance(1_000)  # alice's deadline comes first: she aborts, her half is discarded
    pair.run()
    assert [r.kind for r in pair.a.traces].count("herald-discarded") == 1
    assert (len(pair.a.oks), len(pair.b.oks)) == (0, 1)
    assert [e.code for e in pair.a.errors] == [e.code for e in pair.b.errors] == [ErrorCode.TIMEOUT]


def test_lossy_link_never_mismatches_and_cleans_up():
    for seed in range(10):
        pair = EgpPair(loss_probability=0.2, seed=seed)
        for rid in range(4):
            pair.create("alice", rid, number=3, max_time_ps=10**8 if rid % 2 else 0)
            pair.create("bob", rid, number=2, request_type=RequestType.MEASURE)
        pair.run()
        da, db = pair.delivered("alice"), pair.delivered("bob")
        assert all(db[k] == v for k, v in da.items() if k in db)
        for side in pair.sides.values():
            assert not side.timers
            ended = {(e.origin, e.request_id) for e in side.errors}
            for ok in side.oks:
                key = (ok.entanglement_id.origin, ok.entanglement_id.request_id)
                if ok.entanglement_id not in pair.delivered(pair.other(side.name).name):
                    assert key in {(e.origin, e.request_id) for e in pair.other(side.name).errors}
            assert len(ended) == len(side.errors)


def test_plugin_spec_and_tables():
    assert PLUGIN.name == "egp"
    assert PLUGIN.layer is LayerName.LINK
    assert PLUGIN.config_model is EgpConfig
    built = PLUGIN.factory("alice", EgpConfig(), {"bob": link_info()}, None)
    assert isinstance(built, Egp)
    for row in TRANSITIONS:
        assert row["source"] in SessionState
        assert row["dest"] in SessionState


def test_local_operations_pass_through_to_the_hardware():
    """The network layer swaps and measures held halves through the link layer."""
    from qnetstack.physical.primitives import SwapConfirm, SwapRequest
    from qnetstack.service import Indicate, SendDown

    pair = EgpPair(slots_a=4, slots_b=4)
    pair.create("alice", 0, number=2)
    pair.run(release=False)
    egp = pair.a.link
    slots = [ok.slot for ok in pair.a.oks]
    effects = egp.from_above(SwapRequest(*slots), 0)
    assert effects == [SendDown(SwapRequest(*slots))]
    assert not egp.memory.held & set(slots)
    confirm = SwapConfirm(*slots, outcome=2)
    assert Indicate(confirm) in egp.from_below(confirm, 0)
