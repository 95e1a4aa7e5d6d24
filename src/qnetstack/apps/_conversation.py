"""A reliable two-party conversation over a lossy classical channel (stop and wait).

Theory of operation
-------------------
The QKD post-processing of one key block is a strict alternation of messages: each message
answers the previous one and asks for the next. Each role is written as a generator — it
*yields* the body it sends and *is sent* the body that answers it — so the protocol reads top
to bottom like the textbook description (:mod:`..bbm92`). :class:`Conversation` drives one
such generator against one peer and makes it survive loss, duplication and reordering:

* every message carries a step number (the initiator sends 0, 2, 4, …; the responder 1, 3, …);
* the last message sent is retransmitted after ``timeout_ps`` until the answer (the next step)
  arrives, at most ``max_retransmissions`` times; then the conversation ends with the failure
  ``timeout`` and an :class:`~.messages.Abort` is sent (best effort);
* a repeated message (a step already answered) is answered by re-sending the cached reply,
  so a lost reply costs one retransmission, never a second computation;
* a stale or early message (any other step) is ignored;
* a body wrapped in :class:`Last` is the conversation's final message: no answer is expected,
  and it is kept to answer repeats of the message it answered (the peer did not get it);
* an :class:`~.messages.Abort` from the peer ends the conversation at once.

The two-generals limit is real: the sender of the final message cannot know it arrived. The
protocols put the commit of the *responder* of the final message last (Bob holds a key only
after Alice's acknowledgement), so a conversation that gives up leaves at most one end — the
one that committed first — with a block the other lacks; the app reports such blocks as not
delivered.

The timeout adapts: it is the larger of the configured floor and twice the longest round trip
measured on answers to messages sent once (Karn's rule: retransmitted messages give no sample).
"""

from __future__ import annotations

from collections.abc import Generator, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from qnetstack.apps.messages import Abort, AppMessage, Body
from qnetstack.apps.primitives import SessionId
from qnetstack.service import CancelTimer, Effect, SendPeer, StartTimer

__all__ = ["Conversation", "Failure", "Last", "Role", "retransmission_timer"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Last:
    """Wraps the final body of a conversation (no answer is expected)."""

    body: Body


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a conversation ended without its generator's result."""

    reason: str
    message: str


def retransmission_timer(key: Hashable) -> tuple[SessionId, int] | None:
    """The ``(session, block)`` whose conversation's retransmission timer is ``key`` (None
    when ``key`` is not such a timer): apps route their timers back with it."""
    match key:
        case ("app-rtx", str(origin), int(number), int(block)):
            return SessionId(origin, number), block
    return None


Role = Generator[Body | Last, Body, R]
"""One side of a conversation: yields what it sends, is sent what it receives, returns its
result."""


class Conversation(Generic[R]):
    """One side of one block's conversation with ``peer``.

    Args:
        peer: The other end's node.
        session: The session (put in every message).
        block: The block (put in every message).
        role: The generator of this side. The initiator's is started by :meth:`start`; the
            responder's must already be positioned at its first yield (see :meth:`respond`).
        timeout_ps: Retransmission timeout floor.
        max_retransmissions: Retransmissions of one message before giving up.
    """

    def __init__(
        self, peer: str, session: SessionId, block: int, role: Role[R],
        timeout_ps: int, max_retransmissions: int,
    ) -> None:  # fmt: skip
        self.peer = peer
        self.session = session
        self.block = block
        self._role = role
        self.floor_ps = timeout_ps
        self.max_retransmissions = max_retransmissions
        self.rtt_ps = 0
        self.last: AppMessage | None = None
        self._sent_ps = 0
        self._retried = 0
        self.final_sent = False
        self.done = False
        self.result: R | Failure | None = None
        self.messages = 0
        """Messages this side sent (retransmissions included)."""
        self.retransmissions = 0
        self.timer_key = ("app-rtx", session.origin, session.number, block)

    @property
    def timeout_ps(self) -> int:
        return max(self.floor_ps, 2 * self.rtt_ps)

    # --- driving --------------------------------------------------------------------------

    def start(self, now_ps: int) -> list[Effect]:
        """The initiator sends its first message (step 0)."""
        return self._emit(next(self._role), 0, now_ps)

    def respond(self, first: AppMessage, now_ps: int) -> list[Effect]:
        """The responder answers the initiator's first message (its role was just created
        from it and yields its first reply on ``next``)."""
        return self._emit(next(self._role), first.step + 1, now_ps)

    def receive(self, message: AppMessage, now_ps: int) -> list[Effect]:
        """A message of this conversation arrived."""
        last = self.last
        expected = 0 if last is None else last.step + 1
        if isinstance(message.body, Abort):
            if self.done:
                return []
            return self._fail(message.body.reason, message.body.message, notify=False)
        if self.done or message.step != expected:
            if last is not None and message.step == last.step - 1:  # our reply was lost
                return self._resend(last)
            return []
        if self._retried == 0:
            self.rtt_ps = max(self.rtt_ps, now_ps - self._sent_ps)
        effects: list[Effect] = [CancelTimer(self.timer_key)]
        try:
            out = self._role.send(message.body)
        except StopIteration as stop:
            self._finish(stop.value)
            return effects
        return effects + self._emit(out, message.step + 1, now_ps)

    def on_timeout(self, now_ps: int) -> list[Effect]:
        """The retransmission timer fired."""
        if self.done or self.last is None:
            return []
        if self._retried >= self.max_retransmissions:
            message = (
                f"no answer from {self.peer} to step {self.last.step} after "
                f"{self._retried} retransmissions"
            )
            return self._fail("timeout", message, notify=True)
        self._retried += 1
        return [*self._resend(self.last), StartTimer(self.timer_key, self.timeout_ps)]

    def abandon(self, reason: str, message: str) -> list[Effect]:
        """End the conversation from this side (the session is closing)."""
        if self.done:
            return []
        return self._fail(reason, message, notify=True)

    # --- internals ------------------------------------------------------------------------

    def _emit(self, out: Body | Last, step: int, now_ps: int) -> list[Effect]:
        final = isinstance(out, Last)
        body = out.body if isinstance(out, Last) else out
        message = AppMessage(self.session, self.block, step, body)
        self.last = message
        self._sent_ps = now_ps
        self._retried = 0
        self.messages += 1
        effects: list[Effect] = [SendPeer(self.peer, message)]
        if final:
            self.final_sent = True
            try:
                next(self._role)  # let the role return its result
            except StopIteration as stop:
                self._finish(stop.value)
            else:
                raise RuntimeError("a role must return right after yielding Last(...)")
            return effects
        effects.append(StartTimer(self.timer_key, self.timeout_ps))
        return effects

    def _resend(self, message: AppMessage) -> list[Effect]:
        self.messages += 1
        self.retransmissions += 1
        return [SendPeer(self.peer, message)]

    def _finish(self, result: R | Failure) -> None:
        self.done = True
        self.result = result

    def _fail(self, reason: str, message: str, *, notify: bool) -> list[Effect]:
        self._role.close()
        self._finish(Failure(reason, message))
        effects: list[Effect] = [CancelTimer(self.timer_key)]
        if notify:
            step = 0 if self.last is None else self.last.step + 1
            self.messages += 1
            abort = AppMessage(self.session, self.block, step, Abort(reason, message))
            effects.append(SendPeer(self.peer, abort))
        return effects
