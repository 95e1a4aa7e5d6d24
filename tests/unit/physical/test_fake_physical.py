"""FakePhysicalLayer: the scripted hardware stand-in used by link-layer tests."""

from __future__ import annotations

import pytest

from qnetstack.physical import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
)
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.service import Indicate, LocalProtocolError


def test_records_requests_and_heralds_on_demand():
    fake = FakePhysicalLayer("alice", memory_slots=2, fidelity=0.7)
    assert fake.from_above(GenerateRequest("bob", 5), 0) == []
    assert fake.requests == [GenerateRequest("bob", 5)]
    ready = fake.herald("bob", 5, bell_index=2, attempts=4, time_ps=99)
    assert (ready.slot, ready.tag, ready.bell_index, ready.attempts) == (0, 5, 2, 4)
    assert (ready.herald_time_ps, ready.expected_fidelity) == (99, 0.7)
    assert fake.held == {0}
    with pytest.raises(LocalProtocolError, match="no active request"):
        fake.herald("bob", 5)


def test_out_of_memory_abort_and_free():
    fake = FakePhysicalLayer("alice", memory_slots=1)
    fake.from_above(GenerateRequest("bob", 0), 0)
    failure = GenerateFailure("bob", 1, GenerateFailureReason.OUT_OF_MEMORY)
    assert fake.from_above(GenerateRequest("bob", 1), 0) == [Indicate(failure)]
    fake.from_above(AbortRequest("bob", 0), 0)
    assert fake.active == {}
    fake.from_above(GenerateRequest("bob", 2), 0)
    fake.herald("bob", 2)
    fake.from_above(FreeRequest(0), 0)
    assert fake.held == set()
    with pytest.raises(LocalProtocolError, match="empty slot"):
        fake.from_above(FreeRequest(0), 0)


def test_pair_ids_increase_unless_given():
    fake = FakePhysicalLayer("alice", memory_slots=3)
    for tag in range(3):
        fake.from_above(GenerateRequest("bob", tag), 0)
    assert [fake.herald("bob", 0).pair_id, fake.herald("bob", 1, pair_id=42).pair_id] == [0, 42]
    assert fake.herald("bob", 2).pair_id == 1
