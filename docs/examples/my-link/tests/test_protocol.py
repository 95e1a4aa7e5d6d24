from my_link.protocol import MyLink, MyLinkConfig, MyLinkGo

from qnetstack.linklayer.primitives import CreateRequest, ErrorCode, ErrorIndication, OkIndication
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.physical.platform import LinkGeometry, LinkInfo
from qnetstack.physical.primitives import GenerateRequest
from qnetstack.service import Indicate, SendDown, SendPeer

GEOMETRY = LinkGeometry("alice", "bob", "station:alice-bob", 1.0, 1.0, 4_803_000, 4_803_000)
INFO = LinkInfo(GEOMETRY, success_probability=0.1, attempt_cycle_ps=10_000_000, fresh_fidelity=0.95)


def make(name: str, remote: str) -> tuple[MyLink, FakePhysicalLayer]:
    return MyLink(name, MyLinkConfig(), {remote: INFO}), FakePhysicalLayer(name)


def test_two_pairs_end_to_end() -> None:
    alice, alice_hw = make("alice", "bob")
    bob, bob_hw = make("bob", "alice")

    out = alice.from_above(CreateRequest(request_id=0, remote="bob", number=2), now_ps=0)
    assert out == [SendPeer("bob", MyLinkGo("alice", 0, 2, 0)), SendDown(GenerateRequest("bob", 0))]
    # Deliver the PDU by hand: no channel, no kernel.
    assert bob.from_peer("alice", out[0].pdu, now_ps=10) == [SendDown(GenerateRequest("alice", 0))]

    for tag, sequence in ((0, 0), (2, 1)):
        for entity, hw, remote in ((alice, alice_hw, "bob"), (bob, bob_hw, "alice")):
            hw.from_above(GenerateRequest(remote, tag), now_ps=0)
            out = entity.from_below(hw.herald(remote, tag=tag, pair_id=tag), now_ps=20)
            ok = out[0].primitive
            assert isinstance(ok, OkIndication)
            assert (ok.entanglement_id.origin, ok.entanglement_id.sequence) == ("alice", sequence)
    assert alice.jobs == bob.jobs == {}  # both ends are idle again


def test_busy_link_rejects() -> None:
    alice, _ = make("alice", "bob")
    alice.from_above(CreateRequest(request_id=0, remote="bob"), now_ps=0)
    out = alice.from_above(CreateRequest(request_id=1, remote="bob"), now_ps=0)
    assert out == [Indicate(ErrorIndication("alice", 1, ErrorCode.REJECTED, "link busy"))]
