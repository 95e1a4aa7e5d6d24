"""FakeLinkLayer: the scripted link-layer stand-in used by upper-layer tests."""

from __future__ import annotations

import pytest

from qnetstack.linklayer import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    ReleaseRequest,
)
from qnetstack.linklayer.fake import FakeLinkLayer
from qnetstack.service import LocalProtocolError


def test_scripted_oks_follow_the_request():
    fake = FakeLinkLayer("alice")
    assert fake.from_above(CreateRequest(3, "bob", number=2), 0) == []
    first = fake.ok(3, slot=1, bell_index=2, goodness=0.8, time_ps=10)
    assert first.entanglement_id == EntanglementId("alice", 3, 0)
    assert (first.remote, first.slot, first.bell_index, first.goodness) == ("bob", 1, 2, 0.8)
    assert fake.ok(3, origin="bob").entanglement_id == EntanglementId("bob", 3, 1)
    assert 3 not in fake.open
    with pytest.raises(LocalProtocolError, match="no open request"):
        fake.ok(3)


def test_error_release_and_misuse():
    fake = FakeLinkLayer("alice")
    fake.from_above(CreateRequest(1, "bob"), 0)
    error = fake.error(1, ErrorCode.UNSUPPORTED, "too good")
    assert error == ErrorIndication("alice", 1, ErrorCode.UNSUPPORTED, "too good")
    with pytest.raises(LocalProtocolError):
        fake.error(1, ErrorCode.REJECTED)
    fake.from_above(ReleaseRequest(4), 0)
    assert fake.released == [4]
    assert len(fake.requests) == 2
    with pytest.raises(LocalProtocolError):
        fake.from_above(object(), 0)
    assert fake.from_below(object(), 0) == []
    assert fake.from_peer("bob", object(), 0) == []
    assert fake.on_timer("k", 0) == []
