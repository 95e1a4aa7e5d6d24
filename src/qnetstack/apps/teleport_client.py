"""The teleportation client: sessions of qubits sent by teleportation, as an app protocol.

Theory of operation
-------------------
The transport layer moves single qubits (:mod:`qnetstack.transport.teleport`); this app gives
a user *sessions*: "send these ``qubits`` qubits in this state to the app at ``remote``", with
every qubit accounted for at both ends. The **sender** is the end whose user opened the session
with :class:`~.primitives.TeleportSessionRequest`, the **receiver** the other. Each session is
two short conversations over the classical channels (:mod:`._conversation`: stop and wait,
retransmitted, so it survives loss):

1. **Offer** (block 0): the sender announces the number of qubits and the payload ids they will
   carry (:class:`~.messages.QubitsOffer`); the receiver answers :class:`~.messages.QubitsAccept`.
   Only then are the qubits handed to the transport layer, so the receiver recognises each
   delivered qubit as its session's — a qubit can never reach an app that does not expect it.
   One round trip of set-up latency is the price.
2. The sender hands every qubit to its transport layer at once (``SendQubitRequest``; the
   transport obtains a pair for each, teleports and sends the correction). The receiver's app
   indicates each delivered qubit to its user (:class:`~.primitives.TeleportedQubitIndication`,
   with the slot and the Pauli correction); the sender's app indicates each qubit as sent or
   failed (the transport's error code), exactly once.
3. **Done** (block 1): when every qubit is sent or failed, the sender tells the receiver which
   failed (:class:`~.messages.QubitsDone`); the receiver answers with the number it has
   delivered (:class:`~.messages.QubitsDoneAck`). Both ends then indicate the generic
   :class:`~.primitives.AppResultIndication`: qubits, pairs (used: one per qubit sent), sent,
   failed, delivered, error.

A qubit whose correction is still on its way when the receiver answers Done is delivered (and
indicated) after it; the result's ``delivered`` is the count at that moment. If the offer gets
no answer after the retransmissions, no qubit is sent: each is indicated as failed
(``TIMEOUT``) and the session ends with error ``NO_ANSWER``. If Done gets no answer, the
sender's result has ``delivered: null`` and error ``CLOSE_FAILED``.

Payload ids are this app's, counted from :data:`FIRST_PAYLOAD_ID` so they do not collide with a
:class:`~qnetstack.transport.socket.QubitSocket` on the same node. Everything this app does not
own passes through, so it can share a node with other apps (:mod:`.host`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

import numpy as np

from qnetstack.apps._conversation import (
    Conversation,
    Failure,
    Last,
    Role,
    retransmission_timer,
)
from qnetstack.apps.config import TeleportClientConfig
from qnetstack.apps.messages import (
    AppMessage,
    QubitsAccept,
    QubitsDone,
    QubitsDoneAck,
    QubitsOffer,
)
from qnetstack.apps.primitives import (
    AppResultIndication,
    AppSessionRequest,
    SessionId,
    TeleportedQubitIndication,
    TeleportQubitFailedIndication,
    TeleportQubitSentIndication,
    TeleportSessionRequest,
)
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    PluginSpec,
    Primitive,
    SendDown,
    Trace,
    TraceRecord,
)
from qnetstack.transport.primitives import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    SendQubitRequest,
    TransportErrorIndication,
)

__all__ = ["FIRST_PAYLOAD_ID", "PLUGIN", "TeleportClientApp", "create_teleport_client"]

FIRST_PAYLOAD_ID = 1 << 40
"""The app's payload ids start here (a socket's start at 0)."""
MAX_QUBITS = 10_000_000
"""Largest session."""
OFFER_BLOCK, DONE_BLOCK = 0, 1
_PS_PER_S = 1e12
R = TypeVar("R")


@dataclass(slots=True)
class _Session:
    """One session at one end."""

    sid: SessionId
    role: str  # "sender" | "receiver"
    peer: str
    qubits: int
    first_payload: int
    request: TeleportSessionRequest | None = None  # the sender's
    offer: Conversation[bool | Failure] | None = None
    done: Conversation[int | Failure] | None = None
    sent: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    delivered: int = 0
    dispatched: bool = False  # the sender handed its qubits to the transport layer
    ended: bool = False

    def index_of(self, payload_id: int) -> int | None:
        index = payload_id - self.first_payload
        return index if 0 <= index < self.qubits else None


class TeleportClientApp:
    """The teleportation client of one node (sender and receiver roles).

    Args:
        name: This node.
        config: The plugin's configuration.
        rng: This node's application-layer random stream (unused: the protocol makes no
            random choice; kept for the factory signature).
    """

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(
        self, name: str, config: TeleportClientConfig, rng: np.random.Generator | None = None
    ) -> None:
        self.name = name
        self.config = config
        self.timeout_ps = round(config.retransmit_timeout_s * _PS_PER_S)
        self.sessions: dict[SessionId, _Session] = {}
        self._next_payload = FIRST_PAYLOAD_ID
        self._by_peer: dict[tuple[str, str], list[_Session]] = {}  # (role, peer) -> sessions

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case TeleportSessionRequest():
                return self._open(primitive, now_ps)
            case AppSessionRequest(session, remote, pairs, min_fidelity, max_time_ps):
                qubit_fidelity = (2 * min_fidelity + 1) / 3 if min_fidelity > 0 else 0.0
                request = TeleportSessionRequest(
                    session, remote, pairs, min_fidelity=qubit_fidelity, max_time_ps=max_time_ps
                )
                return self._open(request, now_ps)
        return [SendDown(primitive)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case QubitSentConfirm(payload_id=pid) | TransportErrorIndication(payload_id=pid):
                found = self._session_of("sender", primitive.remote, pid)
                if found is not None:
                    return self._on_outcome(*found, primitive, now_ps)
            case QubitDeliveredIndication(payload_id=pid, sender=sender):
                found = self._session_of("receiver", sender, pid)
                if found is not None:
                    session, index = found
                    session.delivered += 1
                    qubit = TeleportedQubitIndication(
                        session.sid, index, primitive.slot, primitive.correction,
                        primitive.goodness,
                    )  # fmt: skip
                    return [Indicate(qubit)]
        return [Indicate(primitive)]

    def _session_of(self, role: str, peer: str, payload_id: int) -> tuple[_Session, int] | None:
        """The session of ``role`` with ``peer`` whose payload ids hold ``payload_id``, and the
        qubit's index in it."""
        for session in self._by_peer.get((role, peer), ()):
            index = session.index_of(payload_id)
            if index is not None:
                return session, index
        return None

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if not isinstance(pdu, AppMessage):
            raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        session = self.sessions.get(pdu.session)
        if session is None:
            if pdu.block != OFFER_BLOCK or not isinstance(pdu.body, QubitsOffer):
                return []  # a stale message of a session already forgotten
            return self._accept(src, pdu, now_ps)
        if session.peer != src:
            return []
        if pdu.block == OFFER_BLOCK and session.offer is not None:
            return session.offer.receive(pdu, now_ps) + self._progress(session, now_ps)
        if pdu.block == DONE_BLOCK:
            if session.done is None and session.role == "receiver":
                if not isinstance(pdu.body, QubitsDone):
                    return []
                role = _receiver_done(session.delivered)
                session.done = self._conversation(session, DONE_BLOCK, role)
                return session.done.respond(pdu, now_ps) + self._finish_receiver(session, pdu.body)
            if session.done is not None:
                return session.done.receive(pdu, now_ps) + self._progress(session, now_ps)
        return []

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        timer = retransmission_timer(key)
        if timer is None:
            raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")
        sid, block = timer
        session = self.sessions.get(sid)
        if session is None:
            return []
        conversation = session.offer if block == OFFER_BLOCK else session.done
        if conversation is None:
            return []
        return conversation.on_timeout(now_ps) + self._progress(session, now_ps)

    # --- the sender -----------------------------------------------------------------------

    def _open(self, request: TeleportSessionRequest, now_ps: int) -> list[Effect]:
        sid = SessionId(self.name, request.session)
        problem = _malformed(request, self.name)
        if sid in self.sessions:
            problem = f"session {request.session} already used"
        if problem:
            return [
                Indicate(AppResultIndication(sid, "sender", _result(0, 0, 0, None, "REJECTED"))),
                Trace(TraceRecord("teleport-session-rejected", {"reason": problem})),
            ]
        first = self._next_payload
        self._next_payload += request.qubits
        session = _Session(sid, "sender", request.remote, request.qubits, first, request)
        self.sessions[sid] = session
        session.offer = self._conversation(
            session, OFFER_BLOCK, _sender_offer(request.qubits, first)
        )
        data = {"session": request.session, "remote": request.remote, "qubits": request.qubits}
        return [Trace(TraceRecord("teleport-open", data)), *session.offer.start(now_ps)]

    def _on_outcome(
        self, session: _Session, index: int, outcome: QubitSentConfirm | TransportErrorIndication,
        now_ps: int,
    ) -> list[Effect]:  # fmt: skip
        if index in session.sent or index in session.failed:
            return []
        effect: Effect
        if isinstance(outcome, QubitSentConfirm):
            session.sent.add(index)
            effect = Indicate(TeleportQubitSentIndication(session.sid, index))
        else:
            session.failed.add(index)
            failed = TeleportQubitFailedIndication(
                session.sid, index, outcome.code.value, outcome.message
            )
            effect = Indicate(failed)
        return [effect, *self._progress(session, now_ps)]

    def _progress(self, session: _Session, now_ps: int) -> list[Effect]:
        """The sender's next step once a conversation or a qubit moved on."""
        if session.role != "sender" or session.ended:
            return []
        request = session.request
        assert request is not None
        assert session.offer is not None
        effects: list[Effect] = []
        offer = session.offer.result
        if isinstance(offer, Failure):
            for index in range(session.qubits):
                session.failed.add(index)
                message = f"the app at {session.peer} did not answer the session offer"
                failed = TeleportQubitFailedIndication(session.sid, index, "TIMEOUT", message)
                effects.append(Indicate(failed))
            session.ended = True
            result = _result(session.qubits, 0, session.qubits, 0, "NO_ANSWER")
            return [*effects, Indicate(AppResultIndication(session.sid, "sender", result))]
        if offer is True and not session.dispatched:
            session.dispatched = True
            self._by_peer.setdefault(("sender", session.peer), []).append(session)
            for index in range(session.qubits):
                pid = session.first_payload + index
                send = SendQubitRequest(
                    pid, session.peer, request.state, min_fidelity=request.min_fidelity,
                    max_time_ps=request.max_time_ps,
                )  # fmt: skip
                effects.append(SendDown(send))
            return effects
        resolved = len(session.sent) + len(session.failed)
        if resolved == session.qubits and session.done is None:
            role = _sender_done(len(session.sent), tuple(sorted(session.failed)))
            session.done = self._conversation(session, DONE_BLOCK, role)
            return effects + session.done.start(now_ps)
        if session.done is not None and session.done.done:
            session.ended = True
            done = session.done.result
            delivered = done if isinstance(done, int) else None
            error = "" if delivered is not None else "CLOSE_FAILED"
            result = _result(session.qubits, len(session.sent), len(session.failed), delivered,
                             error)  # fmt: skip
            effects.append(Indicate(AppResultIndication(session.sid, "sender", result)))
        return effects

    # --- the receiver ---------------------------------------------------------------------

    def _accept(self, src: str, pdu: AppMessage, now_ps: int) -> list[Effect]:
        offer = pdu.body
        assert isinstance(offer, QubitsOffer)
        if pdu.session.origin != src or not 1 <= offer.qubits <= MAX_QUBITS:
            return []
        session = _Session(pdu.session, "receiver", src, offer.qubits, offer.first_payload)
        self.sessions[pdu.session] = session
        self._by_peer.setdefault(("receiver", src), []).append(session)
        session.offer = self._conversation(session, OFFER_BLOCK, _receiver_offer())
        return session.offer.respond(pdu, now_ps)

    def _finish_receiver(self, session: _Session, done: QubitsDone) -> list[Effect]:
        if session.ended:
            return []
        session.ended = True
        result = _result(session.qubits, done.sent, len(done.failed), session.delivered, "")
        return [Indicate(AppResultIndication(session.sid, "receiver", result))]

    # --- helpers --------------------------------------------------------------------------

    def _conversation(self, session: _Session, block: int, role: Role[R]) -> Conversation[R]:
        return Conversation(
            session.peer, session.sid, block, role, self.timeout_ps,
            self.config.max_retransmissions,
        )  # fmt: skip


def _sender_offer(qubits: int, first_payload: int) -> Role[bool | Failure]:
    reply = yield QubitsOffer(qubits, first_payload)
    if not isinstance(reply, QubitsAccept):
        raise PeerProtocolError(f"expected QubitsAccept, got {reply!r}")
    return True


def _receiver_offer() -> Role[bool | Failure]:
    yield Last(QubitsAccept())
    return True


def _sender_done(sent: int, failed: tuple[int, ...]) -> Role[int | Failure]:
    reply = yield QubitsDone(sent, failed)
    if not isinstance(reply, QubitsDoneAck):
        raise PeerProtocolError(f"expected QubitsDoneAck, got {reply!r}")
    return reply.delivered


def _receiver_done(delivered: int) -> Role[int | Failure]:
    yield Last(QubitsDoneAck(delivered))
    return delivered


def _result(
    qubits: int, sent: int, failed: int, delivered: int | None, error: str
) -> dict[str, int | str | None]:
    # "pairs": the end-to-end pairs the session used (one per qubit sent), the generic figure
    return {"qubits": qubits, "pairs": sent, "sent": sent, "failed": failed,
            "delivered": delivered, "error": error}  # fmt: skip


def _malformed(request: TeleportSessionRequest, node: str) -> str:
    if request.remote == node:
        return f"remote is this node ({node!r})"
    if not 1 <= request.qubits <= MAX_QUBITS:
        return f"qubits must be 1–{MAX_QUBITS}, got {request.qubits}"
    if not 0.0 <= request.min_fidelity <= 1.0:
        return f"min_fidelity must be in [0, 1], got {request.min_fidelity}"
    return ""


def create_teleport_client(
    name: str, config: TeleportClientConfig, rng: np.random.Generator
) -> TeleportClientApp:
    """Plugin factory: the teleportation client of node ``name``."""
    return TeleportClientApp(name, config, rng)


PLUGIN = PluginSpec(
    name="teleport-client",
    layer=LayerName.APP,
    description="Sessions of qubits sent by teleportation over the transport layer: an offer "
    "the receiver accepts, every qubit indicated as delivered (receiver) and as sent or failed "
    "(sender), a closing count at both ends; retransmitted over lossy channels.",
    config_model=TeleportClientConfig,
    factory=create_teleport_client,
    needs=frozenset({LayerName.TRANSPORT}),
)
