"""The entanglement generation protocol (EGP): the link layer of Dahlberg et al. 2019.

Theory of operation
-------------------
This is the link layer of Dahlberg et al., "A Link Layer Protocol for Quantum Networks"
(SIGCOMM 2019): a CREATE asks for ``number`` pairs with a neighbour above ``min_fidelity``;
every pair is announced at both ends by an OK with the same entanglement id; a request that
cannot be served ends in one ERROR. Its parts, one module each:

* :mod:`~qnetstack.linklayer.feu` turns ``min_fidelity`` into the bright-state population α
  and predicts the goodness of every pair (or refuses with UNSUPPORTED);
* :mod:`~qnetstack.linklayer.dqp`, the distributed queue, makes both ends agree on every
  request and on the tag of each of its pairs;
* :mod:`~qnetstack.linklayer.scheduling` picks, at the link master, the request served next;
* :mod:`~qnetstack.linklayer.memory` tracks pair halves, moves them out of the communication
  qubit, and refuses atomic requests that cannot fit.

The paper's midpoint heralding protocol (MHP) is the physical layer's business here: the EGP
asks for one pair at a time (``GenerateRequest`` with the pair's tag) and gets its herald.

**Sessions** (:mod:`~qnetstack.linklayer.session`). The node keeps one session per neighbour.
Its ``transitions`` machine (table :data:`TRANSITIONS`) is ``IDLE`` with no open request and
no timer, and ``ACTIVE`` while any request with that neighbour is open; only then a keep-alive
timer runs (``open`` / ``close``).

**Serving (per pair, plain code).** Only the master decides: before each pair it asks its
scheduler which request to serve and issues the ``GenerateRequest``. The slave follows: after
each herald it continues with the next pair of the same request; whenever the master decides
anything else it sends :class:`~.messages.EgpServe` (retransmitted until
:class:`~.messages.EgpServeAck` or the herald it led to), and the slave switches, aborting the
attempt it had started on its own (which the master never started, so no pair is lost).
A pair under way is never pre-empted. Generation phases per session: ``READY``,
``GENERATING`` (one tag at the hardware), ``WAITING_MEMORY`` (the hardware answered
OUT_OF_MEMORY; woken by a release or a move), ``MOVING`` (a heralded KEEP half moves to memory;
its OK is announced with the final slot when the move is done). When the platform's link model
says kept halves must leave the communication qubit (NV) and ``move_to_memory`` is on, *every*
KEEP half is moved, at both ends alike, and the FEU's prediction includes the move.

**Endings.** A request ends DONE with its last pair (both ends see every herald), or with an
ERROR at both ends: TIMEOUT at the absolute deadline both ends know, EXPIRED when retransmissions
or keep-alives go unanswered ``max_retries`` times. The ending end aborts its attempt, cancels the
request's timers, and sends :class:`~.messages.DqpExpire`; the keep-alive
(:class:`~.messages.DqpPing` / :class:`~.messages.DqpPong`) recovers a lost notice. An end that
already got pairs of a request the other end ended (the herald was discarded there after its
abort) reports the same error afterwards: OKs ≤ ``number``, then exactly one terminal event
(the last OK or one ERROR).

Local operations of the layers above on held halves (``SwapRequest`` for entanglement swapping,
``PurifyRequest`` for purification, ``MeasureRequest``, ``TeleportRequest`` for the transport
layer's teleportation) pass through to the hardware, and their
confirms pass back up; the halves they consume are taken off the memory books.

Inputs per state: heralds only in ``GENERATING`` for the current tag (else
:class:`PeerProtocolError`); move answers only in ``MOVING``; serves only at the slave; queue
messages about ended requests are answered from the tombstone; the keep-alive runs only in
``ACTIVE``. Assumptions about the layer below: both ends must ask for the same tag before the
station attempts; heralds are never lost; a herald for an aborted tag is discarded at that node.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.dqp import MAX_PAIRS
from qnetstack.linklayer.memory import MemoryManager
from qnetstack.linklayer.messages import (
    DqpAck,
    DqpAdd,
    DqpExpire,
    DqpItemSpec,
    DqpPing,
    DqpPong,
    DqpSubmit,
    EgpServe,
    EgpServeAck,
)
from qnetstack.linklayer.primitives import (
    CreateRequest,
    ErrorCode,
    ErrorIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.linklayer.session import TRANSITIONS, EgpSession, GenerationPhase, SessionState
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    MeasureConfirm,
    MeasureRequest,
    MoveConfirm,
    MoveFailure,
    PairReadyIndication,
    PurifyConfirm,
    PurifyRequest,
    SwapConfirm,
    SwapRequest,
    TeleportConfirm,
    TeleportRequest,
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

__all__ = ["PLUGIN", "TRANSITIONS", "Egp", "GenerationPhase", "SessionState", "create_egp"]


class Egp:
    """The EGP entity of one node: one session per neighbour, one memory manager.

    Args:
        name: This node.
        config: The plugin's configuration.
        links: Link model per neighbour (from the physical platform).
        rng: This node's link-layer random stream (random measurement bases).
    """

    layer: ClassVar[LayerName] = LayerName.LINK

    def __init__(
        self,
        name: str,
        config: EgpConfig,
        links: dict[str, LinkInfo],
        rng: np.random.Generator,
    ) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.now_ps = 0
        self.memory = MemoryManager(config.memory_slots, move_to_memory=config.move_to_memory)
        self.sessions = {remote: EgpSession(self, remote, info) for remote, info in links.items()}

    def is_master(self, remote: str) -> bool:
        """Whether this node owns the distributed queue of the link to ``remote``."""
        return self.name < remote

    def more_work(self) -> bool:
        """Whether any session still has pairs to generate."""
        return any(
            item.delivered < item.spec.number
            for session in self.sessions.values()
            for item in session.queue.items.values()
        )

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        self.now_ps = now_ps
        match primitive:
            case CreateRequest():
                return self._create(primitive, now_ps)
            case ReleaseRequest(slot):
                self.memory.release(slot)
                return [SendDown(FreeRequest(slot)), *self._wake()]
            case SwapRequest(slot_1, slot_2):
                # Local operations of the layers above (entanglement swapping, readout) go to
                # the hardware unchanged; the halves they consume leave this layer's books.
                self.memory.release(slot_1)
                self.memory.release(slot_2)
                return [SendDown(primitive)]
            case MeasureRequest(slot) | TeleportRequest(slot):
                self.memory.release(slot)
                return [SendDown(primitive)]
            case PurifyRequest(sacrifice_slot=slot):
                self.memory.release(slot)  # measured; the kept half stays on our books
                return [SendDown(primitive)]
        raise LocalProtocolError(f"{self.name}: the EGP cannot handle {primitive!r}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        self.now_ps = now_ps
        match primitive:
            case PairReadyIndication(remote=remote, slot=slot):
                session = self._session(remote)
                session.on_pair(primitive)
                effects = session.drain()
                return effects + self._wake() if slot is None else effects
            case GenerateFailure(remote, tag, GenerateFailureReason.OUT_OF_MEMORY):
                session = self._session(remote)
                session.on_out_of_memory(tag)
                return session.drain()
            case GenerateFailure(remote, tag, reason):
                session = self._session(remote)
                current = session.current
                if current is None or current.tag != tag:
                    return []
                message = f"the hardware cannot generate with {remote} ({reason.value})"
                return session.end(current.item, ErrorCode.UNSUPPORTED, message, True)
            case MoveConfirm(slot_from, slot_to):
                return self._moved(slot_from, slot_to, "")
            case MoveFailure(slot_from, reason):
                return self._moved(slot_from, None, reason)
            case SwapConfirm() | MeasureConfirm() | PurifyConfirm() | TeleportConfirm():
                return [Indicate(primitive), *self._wake()]
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r} from the physical layer")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        self.now_ps = now_ps
        session = self._session(src)
        queue = session.queue
        match pdu:
            case EgpServe():
                session.on_serve(pdu)
            case EgpServeAck(serve_id):
                session.on_serve_ack(serve_id)
            case DqpSubmit(spec) if session.master:
                session.add(queue.on_submit(spec))
            case DqpAdd(seq, spec) if not session.master:
                session.add(queue.on_add(seq, spec))
            case DqpAck(origin, request_id, seq) if session.master:
                session.add(queue.on_ack(origin, request_id, seq))
            case DqpExpire(origin, request_id, code, message):
                session.add(queue.on_expire((origin, request_id), ErrorCode(code), message))
            case DqpPing(items):
                session.on_ping(items)
            case DqpPong(ended):
                session.on_pong(ended)
            case _:
                raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        return session.drain()

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        self.now_ps = now_ps
        match key:
            case ("egp-keepalive", str(remote)):
                session = self._session(remote)
                session.on_keepalive()
            case ("egp-serve", str(remote)):
                session = self._session(remote)
                session.on_serve_retry()
            case ("egp-deadline", str(remote), str(origin), int(request_id)):
                session = self._session(remote)
                item = session.queue.items.get((origin, request_id))
                if item is not None:
                    message = f"max_time_ps={item.spec.deadline_ps} (absolute) passed"
                    session.add(session.end(item, ErrorCode.TIMEOUT, message, True))
            case ("dqp-retry", str(remote), str(origin), int(request_id)):
                session = self._session(remote)
                session.add(session.queue.on_retry((origin, request_id)))
            case _:
                raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")
        return session.drain()

    # --- helpers --------------------------------------------------------------------------

    def _create(self, request: CreateRequest, now_ps: int) -> list[Effect]:
        def error(code: ErrorCode, message: str) -> list[Effect]:
            return [Indicate(ErrorIndication(self.name, request.request_id, code, message))]

        if not 1 <= request.number < MAX_PAIRS:
            return error(ErrorCode.REJECTED, f"number must be in [1, 2**32), got {request.number}")
        if request.max_time_ps < 0:
            return error(ErrorCode.REJECTED, f"max_time_ps must be >= 0, got {request.max_time_ps}")
        session = self.sessions.get(request.remote)
        if session is None:
            return error(ErrorCode.UNSUPPORTED, f"{request.remote!r} is not a neighbour")
        key = (self.name, request.request_id)
        if key in session.queue.items or key in session.queue.tombstones:
            return error(ErrorCode.REJECTED, f"request_id {request.request_id} already used")
        keep = request.request_type is RequestType.KEEP
        decision = session.feu.decide(request.min_fidelity, keep=keep, moved=keep and session.moves)
        if not decision.supported:
            return error(
                ErrorCode.UNSUPPORTED,
                f"min_fidelity {request.min_fidelity} exceeds what the link to {request.remote} "
                f"delivers for {request.request_type.value} pairs "
                f"(best {decision.best_fidelity:.4f})",
            )
        spec = DqpItemSpec(
            origin=self.name, request_id=request.request_id, number=request.number,
            request_type=request.request_type.value, measure_basis=request.measure_basis,
            alpha=decision.alpha, goodness=decision.goodness,
            deadline_ps=now_ps + request.max_time_ps if request.max_time_ps else 0,
            priority=request.priority, purpose_id=request.purpose_id, atomic=request.atomic,
        )  # fmt: skip
        refusal = session.admit(spec)
        if refusal is not None:
            return error(*refusal)
        data = {"origin": self.name, "request_id": request.request_id, "number": request.number}
        session.effects.append(Trace(TraceRecord("egp-create", data)))
        session.add(session.queue.submit(spec))
        return session.drain()

    def _moved(self, slot_from: int, slot_to: int | None, reason: str) -> list[Effect]:
        for session in self.sessions.values():
            move = session.pending_move
            if move is not None and move.slot_from == slot_from:
                session.on_moved(slot_to, reason)
                return session.drain() + self._wake()
        raise LocalProtocolError(f"{self.name}: move answer for slot {slot_from} not asked for")

    def _wake(self) -> list[Effect]:
        effects: list[Effect] = []
        for remote in self.memory.wake():
            session = self.sessions[remote]
            session.wake()
            effects += session.drain()
        return effects

    def _session(self, remote: str) -> EgpSession:
        try:
            return self.sessions[remote]
        except KeyError:
            raise PeerProtocolError(f"{self.name}: {remote!r} is not a neighbour") from None


def create_egp(
    name: str, config: EgpConfig, links: dict[str, LinkInfo], rng: np.random.Generator
) -> Egp:
    """Plugin factory: the EGP entity of node ``name``."""
    return Egp(name, config, links, rng)


PLUGIN = PluginSpec(
    name="egp",
    layer=LayerName.LINK,
    description="EGP of Dahlberg et al. 2019: fidelity estimation, distributed queue with "
    "loss recovery, pluggable scheduling, memory management; KEEP and MEASURE requests.",
    config_model=EgpConfig,
    factory=create_egp,
)
