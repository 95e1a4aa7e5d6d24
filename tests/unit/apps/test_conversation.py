"""The stop-and-wait conversation: lists in, lists out."""

from __future__ import annotations

from qnetstack.apps._conversation import Conversation, Failure, Last, Role
from qnetstack.apps.messages import Abort, AppMessage, Close, CloseAck, EcDone, KeyAck
from qnetstack.apps.primitives import SessionId
from qnetstack.service import CancelTimer, SendPeer, StartTimer

SID = SessionId("a", 0)


def _initiator() -> Role[int | Failure]:
    reply = yield Close(2)
    assert isinstance(reply, EcDone)
    yield Last(KeyAck())
    return reply.leak_bits


def _responder() -> Role[int | Failure]:
    yield EcDone(5)
    return 1


def _sent(effects: list) -> list[AppMessage]:  # type: ignore[type-arg]
    return [e.pdu for e in effects if isinstance(e, SendPeer)]


def test_a_full_exchange_and_its_results() -> None:
    alice = Conversation("b", SID, 0, _initiator(), 100, 2)
    (first,) = _sent(effects := alice.start(0))
    assert StartTimer(alice.timer_key, 100) in effects
    bob = Conversation("a", SID, 0, _responder(), 100, 2)
    (reply,) = _sent(bob.respond(first, 10))
    assert (reply.step, reply.body) == (1, EcDone(5))
    effects = alice.receive(reply, 20)
    assert CancelTimer(alice.timer_key) in effects
    (last,) = _sent(effects)
    assert last.body == KeyAck()
    assert (alice.done, alice.result, alice.rtt_ps) == (True, 5, 20)
    assert bob.receive(last, 30) == [CancelTimer(bob.timer_key)]
    assert (bob.done, bob.result) == (True, 1)


def test_a_lost_reply_is_answered_again_not_recomputed() -> None:
    alice = Conversation("b", SID, 0, _initiator(), 100, 2)
    (first,) = _sent(alice.start(0))
    bob = Conversation("a", SID, 0, _responder(), 100, 2)
    (reply,) = _sent(bob.respond(first, 10))
    # Alice's timer: she repeats step 0; Bob re-sends his cached step 1
    (again,) = _sent(alice.on_timeout(100))
    assert again is first
    (cached,) = _sent(bob.receive(again, 110))
    assert cached is reply
    assert (bob.messages, bob.retransmissions) == (2, 1)
    # a stale copy of an old step is ignored
    alice.receive(reply, 120)
    assert alice.receive(AppMessage(SID, 0, 7, EcDone(0)), 130) == []


def test_retransmissions_run_out_into_a_timeout_and_an_abort() -> None:
    alice = Conversation("b", SID, 0, _initiator(), 100, 2)
    alice.start(0)
    alice.on_timeout(100)
    alice.on_timeout(300)
    effects = alice.on_timeout(700)
    (abort,) = _sent(effects)
    assert isinstance(abort.body, Abort)
    assert abort.body.reason == "timeout"
    assert isinstance(alice.result, Failure)
    assert "after 2 retransmissions" in alice.result.message
    assert alice.on_timeout(900) == []


def test_an_abort_from_the_peer_ends_it_at_once() -> None:
    bob = Conversation("a", SID, 0, _responder(), 100, 2)
    bob.respond(AppMessage(SID, 0, 0, Close(1)), 0)
    bob.receive(AppMessage(SID, 0, 2, Abort("no_secret_key", "too short")), 5)
    assert bob.result == Failure("no_secret_key", "too short")


def test_close_ack_is_final() -> None:
    def responder() -> Role[int | Failure]:
        yield Last(CloseAck())
        return 0

    bob = Conversation("a", SID, -1, responder(), 100, 2)
    effects = bob.respond(AppMessage(SID, -1, 0, Close(3)), 0)
    assert [type(e) for e in effects] == [SendPeer]
    assert (bob.done, bob.final_sent, bob.result) == (True, True, 0)
