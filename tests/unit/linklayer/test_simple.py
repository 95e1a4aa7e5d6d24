"""The simple link protocol: inputs → effects on one entity, and two entities in a PeerPair."""

from __future__ import annotations

import pytest

from helpers import PeerPair, link_info, of_type, run_to_completion
from qnetstack.linklayer import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    SimpleLink,
    SimpleLinkConfig,
    SimpleLinkState,
)
from qnetstack.linklayer.messages import SimpleLinkStart, SimpleLinkSubmit
from qnetstack.linklayer.simple import PLUGIN, TRANSITIONS
from qnetstack.physical import (
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    PairReadyIndication,
)
from qnetstack.service import (
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerProtocolError,
    SendDown,
    SendPeer,
    Trace,
)


def entity(name="alice", remote="bob", fresh_fidelity=0.9):
    a, b = sorted((name, remote))
    return SimpleLink(name, {remote: link_info(a, b, fresh_fidelity=fresh_fidelity)})


def ready(tag, slot=0, remote="bob", bell_index=1, pair_id=0):
    return PairReadyIndication(remote, tag, pair_id, slot, bell_index, 1, 123, 0.9)


# --- one entity ---------------------------------------------------------------------------------


def test_master_is_the_name_that_sorts_first():
    assert entity("alice", "bob").is_master("bob")
    assert not entity("bob", "alice").is_master("alice")


def test_create_at_the_master_starts_at_once():
    alice = entity()
    effects = alice.from_above(CreateRequest(7, "bob", number=2), 0)
    assert effects[0] == SendPeer("bob", SimpleLinkStart("alice", 7, 2, first_tag=0))
    assert of_type(effects, SendDown) == [SendDown(GenerateRequest("bob", 0))]
    [trace] = of_type(effects, Trace)
    assert trace.record.kind == "link-start"
    assert trace.record.data == {"origin": "alice", "request_id": 7, "number": 2}
    assert alice.sessions["bob"].state is SimpleLinkState.GENERATING


def test_create_at_the_non_master_is_submitted_to_the_master():
    bob = entity("bob", "alice")
    effects = bob.from_above(CreateRequest(3, "alice", number=4), 0)
    assert effects == [SendPeer("alice", SimpleLinkSubmit("bob", 3, 4))]
    assert bob.sessions["alice"].state is SimpleLinkState.IDLE


def test_master_serves_a_submit_and_tells_the_peer():
    alice = entity()
    effects = alice.from_peer("bob", SimpleLinkSubmit("bob", 3, 4), 0)
    assert effects[0] == SendPeer("bob", SimpleLinkStart("bob", 3, 4, first_tag=0))
    assert of_type(effects, SendDown) == [SendDown(GenerateRequest("bob", 0))]


def test_next_request_starts_with_the_next_tag():
    alice = entity()
    alice.from_above(CreateRequest(0, "bob", number=2), 0)
    alice.from_above(CreateRequest(1, "bob", number=3), 0)
    alice.from_below(ready(0, slot=0), 1)
    effects = alice.from_below(ready(1, slot=1), 2)
    assert SendPeer("bob", SimpleLinkStart("alice", 1, 3, first_tag=2)) in effects
    assert of_type(effects, SendDown) == [SendDown(GenerateRequest("bob", 2))]


def test_non_master_starts_when_the_start_arrives():
    bob = entity("bob", "alice")
    effects = bob.from_peer("alice", SimpleLinkStart("alice", 0, 1, first_tag=5), 0)
    assert of_type(effects, SendDown) == [SendDown(GenerateRequest("alice", 5))]
    assert bob.sessions["alice"].state is SimpleLinkState.GENERATING


def test_non_master_queues_a_start_while_busy():
    bob = entity("bob", "alice")
    bob.from_peer("alice", SimpleLinkStart("alice", 0, 1, first_tag=0), 0)
    assert bob.from_peer("alice", SimpleLinkStart("alice", 1, 1, first_tag=1), 0) == []
    effects = bob.from_below(ready(0, remote="alice"), 1)
    assert isinstance(effects[0], Indicate)
    assert effects[-1] == SendDown(GenerateRequest("alice", 1))


def test_pairs_become_oks_and_the_last_one_ends_the_request():
    alice = entity()
    alice.from_above(CreateRequest(7, "bob", number=2), 0)
    first = alice.from_below(ready(0, slot=0, bell_index=3), 1)
    ok = OkIndication(EntanglementId("alice", 7, 0), "bob", 0, 3, 0.9, 123)
    assert first == [Indicate(ok), SendDown(GenerateRequest("bob", 1))]
    last = alice.from_below(ready(1, slot=1), 2)
    assert [type(e) for e in last] == [Indicate]
    assert last[0].primitive.entanglement_id == EntanglementId("alice", 7, 1)
    assert alice.sessions["bob"].state is SimpleLinkState.IDLE


def test_unsupported_when_min_fidelity_is_too_high():
    alice = entity(fresh_fidelity=0.9)
    [effect] = alice.from_above(CreateRequest(1, "bob", min_fidelity=0.95), 0)
    assert isinstance(effect, Indicate)
    error = effect.primitive
    assert isinstance(error, ErrorIndication)
    assert (error.origin, error.request_id, error.code) == ("alice", 1, ErrorCode.UNSUPPORTED)
    assert "0.95" in error.message
    # Exactly what the link delivers is acceptable.
    accepted = alice.from_above(CreateRequest(2, "bob", min_fidelity=0.9), 0)
    assert of_type(accepted, SendDown) == [SendDown(GenerateRequest("bob", 0))]


def test_unsupported_for_a_non_neighbour():
    [effect] = entity().from_above(CreateRequest(1, "carol"), 0)
    assert effect.primitive.code is ErrorCode.UNSUPPORTED
    assert "not a neighbour" in effect.primitive.message


@pytest.mark.parametrize("number", [0, -3])
def test_rejected_for_number_below_one(number):
    [effect] = entity("bob", "alice").from_above(CreateRequest(1, "alice", number=number), 0)
    assert effect.primitive.code is ErrorCode.REJECTED
    assert effect.primitive.origin == "bob"


def test_out_of_memory_waits_and_resumes_after_a_release():
    alice = entity()
    alice.from_above(CreateRequest(0, "bob", number=2), 0)
    alice.from_below(ready(0, slot=0), 1)
    failure = GenerateFailure("bob", 1, GenerateFailureReason.OUT_OF_MEMORY)
    [trace] = alice.from_below(failure, 2)
    assert trace.record.kind == "out-of-memory"
    assert alice.sessions["bob"].state is SimpleLinkState.WAITING_MEMORY
    effects = alice.from_above(ReleaseRequest(0), 3)
    assert effects == [SendDown(FreeRequest(0)), SendDown(GenerateRequest("bob", 1))]
    assert alice.sessions["bob"].state is SimpleLinkState.GENERATING


def test_release_while_not_waiting_only_frees():
    alice = entity()
    assert alice.from_above(ReleaseRequest(1), 0) == [SendDown(FreeRequest(1))]


def test_protocol_errors():
    alice = entity()
    with pytest.raises(PeerProtocolError, match="while IDLE"):
        alice.from_below(ready(0), 0)
    alice.from_above(CreateRequest(0, "bob"), 0)
    with pytest.raises(PeerProtocolError, match="tag 5 while waiting for 0"):
        alice.from_below(ready(5), 0)
    with pytest.raises(PeerProtocolError, match="start from non-master"):
        alice.from_peer("bob", SimpleLinkStart("bob", 0, 1, 0), 0)
    with pytest.raises(PeerProtocolError, match="submit from master"):
        entity("bob", "alice").from_peer("alice", SimpleLinkSubmit("alice", 0, 1), 0)
    with pytest.raises(PeerProtocolError, match="not a neighbour"):
        alice.from_peer("carol", SimpleLinkSubmit("carol", 0, 1), 0)
    with pytest.raises(LocalProtocolError, match="cannot handle"):
        alice.from_above(FreeRequest(0), 0)
    with pytest.raises(LocalProtocolError, match="unexpected"):
        alice.from_below(GenerateFailure("bob", 0, GenerateFailureReason.NO_LINK), 0)
    with pytest.raises(LocalProtocolError, match="no timers"):
        alice.on_timer("t", 0)


def test_transition_table_uses_only_declared_states():
    states = set(SimpleLinkState)
    for row in TRANSITIONS:
        assert row["source"] in states
        assert row["dest"] in states


def test_plugin_spec():
    assert PLUGIN.name == "simple-link"
    assert PLUGIN.layer is LayerName.LINK
    assert PLUGIN.config_model is SimpleLinkConfig
    built = PLUGIN.factory("alice", SimpleLinkConfig(), {"bob": link_info()}, None)
    assert isinstance(built, SimpleLink)
    assert built.layer is LayerName.LINK


# --- two entities -------------------------------------------------------------------------------


def test_ok_at_both_ends_with_equal_entanglement_ids():
    pair = PeerPair()
    pair.create("alice", 0, number=3)
    for bell in (0, 3, 1):
        [tag] = pair.pending_tags()
        pair.herald(tag, bell_index=bell)
        for side in pair.sides.values():
            pair.release(side.name, side.oks[-1].slot)
    ids = [EntanglementId("alice", 0, i) for i in range(3)]
    assert pair.delivered("alice") == list(zip(ids, (0, 3, 1), strict=True))
    assert pair.delivered("bob") == pair.delivered("alice")
    assert [ok.remote for ok in pair.a.oks] == ["bob"] * 3
    assert pair.pending_tags() == []


def test_non_master_request_is_served_with_its_own_id():
    pair = PeerPair()
    pair.create("bob", 4, number=2)
    run_to_completion(pair)
    ids = [EntanglementId("bob", 4, i) for i in range(2)]
    assert [ent for ent, _ in pair.delivered("bob")] == ids
    assert pair.delivered("alice") == pair.delivered("bob")


def test_master_orders_concurrent_requests_from_both_ends():
    pair = PeerPair(auto_deliver=False)
    pair.create("bob", 0, number=1)  # submitted first, but still on the wire ...
    pair.create("alice", 0, number=2)  # ... when alice's own request starts
    pair.deliver()
    run_to_completion(pair)
    order = [ent for ent, _ in pair.delivered("alice")]
    assert order == [
        EntanglementId("alice", 0, 0),
        EntanglementId("alice", 0, 1),
        EntanglementId("bob", 0, 0),
    ]
    assert pair.delivered("bob") == pair.delivered("alice")
    tags = [p.tag for p in pair.b.phys.requests if isinstance(p, GenerateRequest)]
    assert tags == [0, 1, 2]


def test_errors_reach_only_the_requesting_end():
    pair = PeerPair(fresh_fidelity=0.8)
    pair.create("bob", 1, min_fidelity=0.81)
    pair.create("bob", 2, number=0)
    assert [(e.request_id, e.code) for e in pair.b.errors] == [
        (1, ErrorCode.UNSUPPORTED),
        (2, ErrorCode.REJECTED),
    ]
    assert pair.a.indications == []
    assert not pair.wire  # nothing was sent


def test_out_of_memory_then_resume_after_release():
    pair = PeerPair(slots_a=1)
    pair.create("alice", 0, number=2)
    pair.herald(0)
    # alice's only slot holds pair 0, so her request for pair 1 fails: she waits for memory.
    assert pair.a.link.sessions["bob"].state is SimpleLinkState.WAITING_MEMORY
    assert pair.b.link.sessions["alice"].state is SimpleLinkState.GENERATING
    assert pair.pending_tags() == []  # the station cannot herald: alice is not attempting
    pair.release("alice", pair.a.oks[0].slot)
    assert pair.a.link.sessions["bob"].state is SimpleLinkState.GENERATING
    assert pair.pending_tags() == [1]
    pair.herald(1)
    assert len(pair.a.oks) == len(pair.b.oks) == 2
    assert pair.delivered("alice") == pair.delivered("bob")
    for side in pair.sides.values():
        pair.release(side.name, side.oks[1].slot)
        if side is pair.b:
            pair.release("bob", side.oks[0].slot)
        assert side.phys.held == set()
        assert side.phys.active == {}
