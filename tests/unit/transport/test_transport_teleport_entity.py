"""The sans-I/O teleport entity: lists of inputs in, effects out (no simulator)."""

from __future__ import annotations

import pytest

from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.physical.primitives import TeleportConfirm, TeleportRequest
from qnetstack.service import (
    Effect,
    Indicate,
    LocalProtocolError,
    PeerProtocolError,
    SendDown,
    SendPeer,
)
from qnetstack.transport import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    ReleaseQubitRequest,
    SendQubitRequest,
    Teleport,
    TeleportConfig,
    TeleportCorrection,
    TeleportSkip,
    TransportErrorCode,
    TransportErrorIndication,
    pair_fidelity,
)
from qnetstack.transport.teleport import QubitPhase

OFFSET = TeleportConfig().request_id_offset


def _downs(effects: list[Effect]) -> list[object]:
    return [e.primitive for e in effects if isinstance(e, SendDown)]


def _ups(effects: list[Effect]) -> list[object]:
    return [e.primitive for e in effects if isinstance(e, Indicate)]


def _peers(effects: list[Effect]) -> list[tuple[str, object]]:
    return [(e.node, e.pdu) for e in effects if isinstance(e, SendPeer)]


def _ok(origin: str, rid: int, slot: int, bell: int, remote: str) -> NetworkOkIndication:
    ent = NetworkEntanglementId(origin, rid, 0)
    return NetworkOkIndication(ent, remote, slot, bell, 0.9, 0, (origin, remote))


def test_sender_asks_one_pair_per_qubit_and_teleports_when_it_arrives() -> None:
    alice = Teleport("A", TeleportConfig(window=1))
    effects = alice.from_above(SendQubitRequest(7, "B", "+", min_fidelity=0.8), 0)
    (create,) = _downs(effects)
    assert isinstance(create, NetworkCreateRequest)
    assert create.request_id == OFFSET
    assert create.number == 1
    assert create.min_fidelity == pytest.approx((3 * 0.8 - 1) / 2)  # F7 inverted
    # the window is 1: the second qubit waits
    assert _downs(alice.from_above(SendQubitRequest(8, "B", "0"), 0)) == []
    effects = alice.from_below(_ok("A", OFFSET, slot=3, bell=1, remote="B"), 10)
    (teleport,) = _downs(effects)
    assert isinstance(teleport, TeleportRequest)
    assert teleport.slot == 3
    assert alice.outgoing[7].state is QubitPhase.MEASURING
    effects = alice.from_below(TeleportConfirm(3, 1, 0), 20)
    ((dst, correction),) = _peers(effects)
    assert dst == "B"
    assert correction == TeleportCorrection(0, 7, NetworkEntanglementId("A", OFFSET, 0), 1, 0)
    sent = [p for p in _ups(effects) if isinstance(p, QubitSentConfirm)]
    assert sent == [QubitSentConfirm(7, "B", 0, NetworkEntanglementId("A", OFFSET, 0), 2)]
    # the window opened: the second qubit's pair is requested now
    (create2,) = _downs(effects)
    assert isinstance(create2, NetworkCreateRequest)
    assert create2.request_id == OFFSET + 1


def test_receiver_delivers_in_order_when_corrections_arrive_out_of_order() -> None:
    bob = Teleport("B", TeleportConfig())
    # three qubits from A: halves arrive 0, 1, 2; corrections arrive 2, 0, 1
    for seq in range(3):
        assert bob.from_below(_ok("A", OFFSET + seq, slot=seq, bell=seq, remote="A"), 0) == []
    ent = [NetworkEntanglementId("A", OFFSET + seq, 0) for seq in range(3)]
    out = bob.from_peer("A", TeleportCorrection(2, 102, ent[2], 1, 1), 5)
    assert _ups(out) == []  # buffered: 0 and 1 are missing
    out = bob.from_peer("A", TeleportCorrection(0, 100, ent[0], 0, 1), 6)
    delivered = _ups(out)
    assert [d.sequence for d in delivered] == [0]  # type: ignore[attr-defined]
    out = bob.from_peer("A", TeleportCorrection(1, 101, ent[1], 1, 0), 7)
    delivered = _ups(out)
    assert [d.sequence for d in delivered] == [1, 2]  # type: ignore[attr-defined]
    first = delivered[1]
    assert isinstance(first, QubitDeliveredIndication)
    assert first.payload_id == 102
    assert first.slot == 2
    assert first.correction == 3 ^ 2  # outcome (1,1) = 3 XOR the pair's Bell index 2


def test_correction_before_the_half_waits_for_the_half() -> None:
    bob = Teleport("B", TeleportConfig())
    ent = NetworkEntanglementId("A", OFFSET, 0)
    assert bob.from_peer("A", TeleportCorrection(0, 1, ent, 0, 0), 0) == []
    (delivered,) = _ups(bob.from_below(_ok("A", OFFSET, slot=4, bell=1, remote="A"), 1))
    assert isinstance(delivered, QubitDeliveredIndication)
    assert (delivered.slot, delivered.correction) == (4, 1)


def test_skip_lets_later_qubits_through() -> None:
    bob = Teleport("B", TeleportConfig())
    ent1 = NetworkEntanglementId("A", OFFSET + 1, 0)
    bob.from_below(_ok("A", OFFSET + 1, slot=0, bell=0, remote="A"), 0)
    assert _ups(bob.from_peer("A", TeleportCorrection(1, 11, ent1, 0, 0), 1)) == []
    (delivered,) = _ups(bob.from_peer("A", TeleportSkip(0, 10, "UNSUPPORTED"), 2))
    assert isinstance(delivered, QubitDeliveredIndication)
    assert delivered.sequence == 1
    with pytest.raises(PeerProtocolError):
        bob.from_peer("A", TeleportSkip(0, 10, "UNSUPPORTED"), 3)


def test_network_error_is_reported_to_the_sender_and_skipped_at_the_receiver() -> None:
    alice = Teleport("A", TeleportConfig())
    alice.from_above(SendQubitRequest(1, "B", "1", min_fidelity=0.99), 0)
    error = NetworkErrorIndication("A", OFFSET, NetworkErrorCode.UNSUPPORTED, "too good")
    effects = alice.from_below(error, 5)
    (indication,) = _ups(effects)
    assert indication == TransportErrorIndication(1, "B", 0, TransportErrorCode.UNSUPPORTED,
                                                  "too good")  # fmt: skip
    assert _peers(effects) == [("B", TeleportSkip(0, 1, "UNSUPPORTED"))]
    assert alice.outgoing == {}
    # the receiver's copy of the error is absorbed (the sender reports it)
    bob = Teleport("B", TeleportConfig())
    assert _ups(bob.from_below(error, 5)) == []


def test_bad_requests_are_refused_at_once() -> None:
    alice = Teleport("A", TeleportConfig())
    for request in (
        SendQubitRequest(1, "B", "up"),
        SendQubitRequest(2, "A", "0"),
        SendQubitRequest(3, "B", "0", min_fidelity=1.5),
        SendQubitRequest(4, "B", ((1, 0), (0, 0.5))),
    ):
        (error,) = _ups(alice.from_above(request, 0))
        assert isinstance(error, TransportErrorIndication)
        assert error.code is TransportErrorCode.REJECTED
        assert error.sequence == -1
    alice.from_above(SendQubitRequest(5, "B", (0.3, 1.0)), 0)
    (error,) = _ups(alice.from_above(SendQubitRequest(5, "B", "0"), 0))
    assert "already used" in error.message  # type: ignore[attr-defined]


def test_other_network_traffic_passes_through() -> None:
    alice = Teleport("A", TeleportConfig())
    create = NetworkCreateRequest(3, "B")
    assert _downs(alice.from_above(create, 0)) == [create]
    assert _downs(alice.from_above(NetworkReleaseRequest(2), 0)) == [NetworkReleaseRequest(2)]
    assert _downs(alice.from_above(ReleaseQubitRequest(2), 0)) == [NetworkReleaseRequest(2)]
    ok = _ok("A", 3, slot=0, bell=0, remote="B")
    assert _ups(alice.from_below(ok, 0)) == [ok]
    with pytest.raises(LocalProtocolError):
        alice.from_above(NetworkCreateRequest(OFFSET, "B"), 0)


def test_pair_fidelity_inverts_f7() -> None:
    for f_pair in (0.5, 0.8, 1.0):
        assert pair_fidelity((2 * f_pair + 1) / 3) == pytest.approx(f_pair)
    assert pair_fidelity(0.0) == 0.0
