"""MemoryDevice: a node's memory slots and heralded links, inputs → effects, no kernel."""

from __future__ import annotations

import pytest

from helpers import link_info
from qnetstack.physical import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    MemoryDevice,
    PairReadyIndication,
    PairStore,
)
from qnetstack.physical.messages import AttemptAbort, AttemptStart, Herald
from qnetstack.physical.qstore import MemoryModel
from qnetstack.service import Indicate, LocalProtocolError, PeerProtocolError, SendPeer, Trace

STATION = "station:alice-bob"


@pytest.fixture
def store():
    return PairStore()


def device(store, name="alice", slots=2):
    info = link_info("alice", "bob", arm_a_delay_ps=300, arm_b_delay_ps=700)
    remote = "bob" if name == "alice" else "alice"
    return MemoryDevice(name, {remote: info}, store, slots)


def add_pair(store):
    noiseless = (MemoryModel(), MemoryModel())
    return store.add(store.werner(0.9, 1), ("alice", "bob"), noiseless, (0, 0))


def herald(tag, pair_id, qubit_index=0, bell_index=1, attempts=3):
    return Herald(tag, pair_id, qubit_index, bell_index, attempts, 0.9)


def test_generate_reserves_a_slot_and_tells_the_station(store):
    dev = device(store)
    assert dev.from_above(GenerateRequest("bob", 4), 0) == [SendPeer(STATION, AttemptStart(4))]
    assert dev.free_slots == 1


def test_herald_binds_the_half_and_indicates_pair_ready(store):
    dev = device(store)
    dev.from_above(GenerateRequest("bob", 4), 0)
    pair_id = add_pair(store)
    effects = dev.from_peer(STATION, herald(4, pair_id), 10_000)
    assert effects == [
        Indicate(
            PairReadyIndication(
                remote="bob",
                tag=4,
                pair_id=pair_id,
                slot=0,
                bell_index=1,
                attempts=3,
                herald_time_ps=10_000 - 300,  # alice's arm delay
                expected_fidelity=0.9,
            )
        )
    ]
    assert dev.held(0) == (pair_id, 0)
    assert dev.free_slots == 1


def test_herald_time_uses_this_nodes_arm(store):
    dev = device(store, name="bob")
    dev.from_above(GenerateRequest("alice", 0), 0)
    [indicate] = dev.from_peer(STATION, herald(0, add_pair(store), qubit_index=1), 5_000)
    assert indicate.primitive.herald_time_ps == 5_000 - 700


def test_herald_after_abort_is_discarded(store):
    dev = device(store)
    dev.from_above(GenerateRequest("bob", 2), 0)
    assert dev.from_above(AbortRequest("bob", 2), 1) == [SendPeer(STATION, AttemptAbort(2))]
    assert dev.free_slots == 2
    pair_id = add_pair(store)
    effects = dev.from_peer(STATION, herald(2, pair_id, qubit_index=0), 2)
    assert len(effects) == 1
    assert isinstance(effects[0], Trace)
    assert effects[0].record.kind == "herald-discarded"
    assert pair_id in store  # bob still holds his half
    store.discard(pair_id, 1)
    assert pair_id not in store  # alice's half was already dropped


def test_abort_of_an_unknown_tag_does_nothing(store):
    assert device(store).from_above(AbortRequest("bob", 9), 0) == []


def test_out_of_memory(store):
    dev = device(store, slots=1)
    dev.from_above(GenerateRequest("bob", 0), 0)
    failure = GenerateFailure("bob", 1, GenerateFailureReason.OUT_OF_MEMORY)
    assert dev.from_above(GenerateRequest("bob", 1), 0) == [Indicate(failure)]


def test_no_link(store):
    failure = GenerateFailure("carol", 0, GenerateFailureReason.NO_LINK)
    assert device(store).from_above(GenerateRequest("carol", 0), 0) == [Indicate(failure)]


def test_same_tag_twice_is_local_misuse(store):
    dev = device(store)
    dev.from_above(GenerateRequest("bob", 0), 0)
    with pytest.raises(LocalProtocolError, match="already active"):
        dev.from_above(GenerateRequest("bob", 0), 0)


def test_free_releases_the_slot_and_the_half(store):
    dev = device(store, slots=1)
    dev.from_above(GenerateRequest("bob", 0), 0)
    pair_id = add_pair(store)
    dev.from_peer(STATION, herald(0, pair_id), 1)
    assert dev.free_slots == 0
    assert dev.from_above(FreeRequest(0), 2) == []
    assert dev.free_slots == 1
    store.discard(pair_id, 1)
    assert pair_id not in store
    with pytest.raises(LocalProtocolError, match="empty slot"):
        dev.from_above(FreeRequest(0), 3)
    with pytest.raises(LocalProtocolError, match="holds no qubit"):
        dev.held(0)


def test_slots_are_reused_lowest_first(store):
    dev = device(store, slots=3)
    for tag in range(3):
        dev.from_above(GenerateRequest("bob", tag), 0)
    slots = [
        dev.from_peer(STATION, herald(tag, add_pair(store)), 1)[0].primitive.slot
        for tag in range(3)
    ]
    assert slots == [0, 1, 2]


def test_bad_inputs(store):
    dev = device(store)
    with pytest.raises(PeerProtocolError, match="unexpected"):
        dev.from_peer(STATION, AttemptStart(0), 0)
    with pytest.raises(PeerProtocolError, match="unknown station"):
        dev.from_peer("station:x-y", herald(0, 0), 0)
    with pytest.raises(LocalProtocolError):
        dev.from_above(object(), 0)
    with pytest.raises(LocalProtocolError, match="bottom"):
        dev.from_below(GenerateRequest("bob", 0), 0)
    assert dev.on_timer("anything", 0) == []
    with pytest.raises(ValueError, match="memory_slots"):
        device(store, slots=0)


def test_random_operations_need_the_nodes_stream(store):
    """No hidden default generator: it would correlate every device built without one."""
    dev = device(store)
    with pytest.raises(LocalProtocolError, match="built without an rng"):
        _ = dev.rng
