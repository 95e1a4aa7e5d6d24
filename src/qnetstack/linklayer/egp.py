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

**Sessions.** The node keeps one session per neighbour. Its ``transitions`` machine (table
:data:`TRANSITIONS`) is ``IDLE`` with no open request and no timer, and ``ACTIVE`` while any
request with that neighbour is open; only then a keep-alive timer runs (``open`` / ``close``).

**Serving (per pair, plain code).** Only the master decides: before each pair it asks its
scheduler which request to serve and issues the ``GenerateRequest``. The slave follows: after
each herald it continues with the next pair of the same request; whenever the master decides
anything else it sends :class:`~.messages.EgpServe` (retransmitted until
:class:`~.messages.EgpServeAck` or the herald it led to), and the slave switches, aborting the
attempt it had started on its own (which the master never started, so no pair is lost).
A pair under way is never pre-empted. Generation phases per session: ``READY``,
``GENERATING`` (one tag at the hardware), ``WAITING_MEMORY`` (the hardware answered
OUT_OF_MEMORY; woken by a release or a move), ``MOVING`` (a heralded KEEP half moves to memory;
its OK is announced with the final slot when the move is done).

**Endings.** A request ends DONE with its last pair (both ends see every herald), or with an
ERROR at both ends: TIMEOUT at the absolute deadline both ends know, EXPIRED when retransmissions
or keep-alives go unanswered ``max_retries`` times. The ending end aborts its attempt, cancels the
request's timers, and sends :class:`~.messages.DqpExpire`; the keep-alive
(:class:`~.messages.DqpPing` / :class:`~.messages.DqpPong`) recovers a lost notice. An end that
already got pairs of a request the other end ended (the herald was discarded there after its
abort) reports the same error afterwards: OKs ≤ ``number``, then exactly one terminal event
(the last OK or one ERROR).

Inputs per state: heralds only in ``GENERATING`` for the current tag (else
:class:`PeerProtocolError`); move answers only in ``MOVING``; serves only at the slave; queue
messages about ended requests are answered from the tombstone; the keep-alive runs only in
``ACTIVE``. Assumptions about the layer below: both ends must ask for the same tag before the
station attempts; heralds are never lost; a herald for an aborted tag is discarded at that node.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

import numpy as np
from transitions import Machine

from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.dqp import MAX_PAIRS, DistributedQueue, DqpItem, pair_tag
from qnetstack.linklayer.feu import FidelityEstimator
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
    ItemKey,
)
from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.linklayer.scheduling import QueueEntry, Scheduler, make_scheduler
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    MoveConfirm,
    MoveFailure,
    MoveRequest,
    PairReadyIndication,
)
from qnetstack.quantum import Basis
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    PluginSpec,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)

__all__ = ["PLUGIN", "TRANSITIONS", "Egp", "GenerationPhase", "SessionState", "create_egp"]


class SessionState(Enum):
    """Protocol state of one link session."""

    IDLE = "idle"
    ACTIVE = "active"


TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "open", "source": SessionState.IDLE, "dest": SessionState.ACTIVE,
     "after": "_start_keepalive"},
    {"trigger": "open", "source": SessionState.ACTIVE, "dest": SessionState.ACTIVE},
    {"trigger": "close", "source": SessionState.ACTIVE, "dest": SessionState.IDLE,
     "conditions": "_nothing_open", "after": "_stop_keepalive"},
    {"trigger": "close", "source": SessionState.ACTIVE, "dest": SessionState.ACTIVE},
]  # fmt: skip
"""The session's transition table; the docs' state diagram is generated from it."""


class GenerationPhase(Enum):
    """What a session's hardware is doing (per pair, so plain code, not a machine)."""

    READY = "ready"
    GENERATING = "generating"
    WAITING_MEMORY = "waiting_memory"
    MOVING = "moving"


_P = GenerationPhase


@dataclass(slots=True)
class _Attempt:
    item: DqpItem
    pair_index: int
    tag: int


@dataclass(slots=True)
class _PendingMove:
    slot_from: int
    ok: OkIndication
    error: ErrorIndication | None = None


class _Session:
    """One neighbour's session: the ``transitions`` model and the per-pair engine."""

    state: SessionState
    open: Callable[[], bool]
    close: Callable[[], bool]

    def __init__(self, egp: Egp, remote: str, info: LinkInfo) -> None:
        self.egp = egp
        self.remote = remote
        self.info = info
        self.master = egp.name < remote
        config = egp.config
        rtt_ps = 2 * (info.geometry.arm_a_delay_ps + info.geometry.arm_b_delay_ps)
        self.retransmit_ps = config.retransmit_timeout_ps or 3 * rtt_ps + 10_000_000
        self.keepalive_ps = config.keepalive_ps or max(
            round(10 * info.expected_pair_time_ps), 100 * rtt_ps, 1_000_000
        )
        self.feu = FidelityEstimator(info.link_model)
        self.queue = DistributedQueue(
            egp.name, remote, self, self.retransmit_ps, config.max_retries
        )
        self.scheduler: Scheduler | None = (
            make_scheduler(config.scheduler, config.weights) if self.master else None
        )
        self.phase = _P.READY
        self.current: _Attempt | None = None
        self.pending_move: _PendingMove | None = None
        self.cursor: tuple[int, int] | None = None  # (seq, pair) the slave attempts next
        self.serve_id = 0  # master: last decision sent; slave: last decision followed
        self.serve_retries = 0
        self.serve_open = False
        self.misses = 0
        self.effects: list[Effect] = []
        Machine(
            model=self, states=SessionState, transitions=TRANSITIONS,
            initial=SessionState.IDLE, queued=True, auto_transitions=False,
        )  # fmt: skip

    def drain(self) -> list[Effect]:
        effects = self.effects
        self.effects = []
        return effects

    # --- machine callbacks ----------------------------------------------------------------

    def _start_keepalive(self) -> None:
        self.misses = 0
        self.effects.append(StartTimer(("egp-keepalive", self.remote), self.keepalive_ps))

    def _stop_keepalive(self) -> None:
        self.effects.append(CancelTimer(("egp-keepalive", self.remote)))

    def _nothing_open(self) -> bool:
        return not self.queue.items

    # --- queue owner hooks ----------------------------------------------------------------

    def admit(self, spec: DqpItemSpec) -> tuple[ErrorCode, str] | None:
        if len(self.queue.items) >= self.egp.config.max_queue_length:
            return ErrorCode.REJECTED, f"queue with {self.egp.name} is full"
        memory = self.egp.memory
        keep = spec.request_type == RequestType.KEEP.value
        if spec.atomic and keep and not memory.fits(spec.number):
            return ErrorCode.OUT_OF_MEMORY, (
                f"{self.egp.name} holds at most {memory.capacity} halves, "
                f"atomic request needs {spec.number}"
            )
        return None

    def opened(self, item: DqpItem) -> list[Effect]:
        self.open()
        deadline = item.spec.deadline_ps
        if deadline:
            delay = max(0, deadline - self.egp.now_ps)
            self.effects.append(StartTimer(self._deadline_key(item.key), delay))
        return self.drain()

    def agreed(self, item: DqpItem) -> list[Effect]:
        if self.scheduler is not None:
            spec = item.spec
            entry = QueueEntry(
                item.key, item.seq or 0, spec.priority, spec.number, spec.deadline_ps
            )
            self.scheduler.add(entry)
            self.pump()
        return self.drain()

    def end(self, item: DqpItem, code: ErrorCode, message: str, notify: bool) -> list[Effect]:
        current = self.current
        if current is not None and current.item is item:
            self.effects.append(SendDown(AbortRequest(self.remote, current.tag)))
            self.current = None
            self.phase = _P.READY
        if self.cursor is not None and self.queue.by_seq.get(self.cursor[0]) == item.key:
            self.cursor = None
        if self.scheduler is not None:
            self.scheduler.remove(item.key)
            if self.serve_open and self.cursor is None:
                self._stop_serve_retry()
        self.effects.append(CancelTimer(self._deadline_key(item.key)))
        self.effects += self.queue.ended(item, code, message)
        error = ErrorIndication(item.spec.origin, item.spec.request_id, code, message)
        if notify:
            pdu = DqpExpire(item.spec.origin, item.spec.request_id, code.value, message)
            self.effects.append(SendPeer(self.remote, pdu))
        data = {"origin": item.spec.origin, "request_id": item.spec.request_id, "code": code.value}
        self.effects.append(Trace(TraceRecord("egp-error", data)))
        move = self.pending_move
        ent = move.ok.entanglement_id if move is not None else None
        if move is not None and ent is not None and (ent.origin, ent.request_id) == item.key:
            move.error = error  # announced after the pair's OK, once the move is done
        else:
            self.effects.append(Indicate(error))
        self.close()
        self.pump()
        return self.drain()

    def _deadline_key(self, key: ItemKey) -> tuple[str, str, str, int]:
        return ("egp-deadline", self.remote, key[0], key[1])

    # --- serving --------------------------------------------------------------------------

    def pump(self) -> None:
        """Start the next pair if the hardware is free and there is one to make."""
        if self.phase is not _P.READY:
            return
        if self.scheduler is not None:
            key = self.scheduler.select()
            if key is None:
                return
            item = self.queue.items[key]
            target = (item.seq or 0, item.delivered)
            if target != self.cursor:
                self._serve(target)
        else:
            if self.cursor is None:
                return
            key = self.queue.by_seq[self.cursor[0]]
            target = self.cursor
            item = self.queue.items[key]
        tag = pair_tag(*target)
        self.current = _Attempt(item, target[1], tag)
        self.phase = _P.GENERATING
        spec = item.spec
        basis: Basis | None = None
        if not item.keep:
            choice = spec.measure_basis
            basis = self.egp.rng.choice(("Z", "X")) if choice == "random" else choice  # type: ignore[assignment]
        self.effects.append(SendDown(GenerateRequest(self.remote, tag, spec.alpha, basis)))

    def _serve(self, target: tuple[int, int]) -> None:
        self.serve_id += 1
        self.cursor = target
        self.serve_retries = 0
        self.serve_open = True
        self.effects.append(SendPeer(self.remote, EgpServe(self.serve_id, *target)))
        self.effects.append(StartTimer(("egp-serve", self.remote), self.retransmit_ps))

    def _stop_serve_retry(self) -> None:
        self.serve_open = False
        self.effects.append(CancelTimer(("egp-serve", self.remote)))

    def on_serve_retry(self) -> None:
        if not self.serve_open or self.cursor is None:
            return
        if self.serve_retries >= self.egp.config.max_retries:
            self.serve_open = False
            key = self.queue.by_seq[self.cursor[0]]
            item = self.queue.items.get(key)
            if item is not None:
                message = f"{self.remote} did not follow the schedule"
                self.effects += self.end(item, ErrorCode.EXPIRED, message, True)
            return
        self.serve_retries += 1
        self.effects.append(SendPeer(self.remote, EgpServe(self.serve_id, *self.cursor)))
        self.effects.append(StartTimer(("egp-serve", self.remote), self.retransmit_ps))

    def on_serve(self, pdu: EgpServe) -> None:
        """Slave: follow the master's decision (stale decisions are only acknowledged)."""
        if self.master:
            raise PeerProtocolError(f"{self.egp.name}: EgpServe from slave {self.remote}")
        if pdu.serve_id < self.serve_id:
            return
        key = self.queue.by_seq.get(pdu.seq)
        if key is None:
            raise PeerProtocolError(f"{self.egp.name}: serve for unbound seq {pdu.seq}")
        if key not in self.queue.items:
            self.effects += self.queue.answer_ended(key)
            return
        self.effects.append(SendPeer(self.remote, EgpServeAck(pdu.serve_id)))
        if pdu.serve_id == self.serve_id:
            return
        self.serve_id = pdu.serve_id
        self.cursor = (pdu.seq, pdu.pair_index)
        current = self.current
        if current is not None and current.tag != pair_tag(pdu.seq, pdu.pair_index):
            # The master never started this tag (it decides only between pairs), so
            # aborting it cannot lose a pair.
            self.effects.append(SendDown(AbortRequest(self.remote, current.tag)))
            self.current = None
            self.phase = _P.READY
        if self.current is None:
            self.pump()

    def on_serve_ack(self, serve_id: int) -> None:
        if self.serve_open and serve_id == self.serve_id:
            self._stop_serve_retry()

    # --- pairs ----------------------------------------------------------------------------

    def on_pair(self, ready: PairReadyIndication) -> None:
        current = self.current
        if current is None or current.tag != ready.tag:
            raise PeerProtocolError(f"{self.egp.name}: unexpected herald for tag {ready.tag}")
        item, index = current.item, current.pair_index
        self.current = None
        self.phase = _P.READY
        item.delivered += 1
        spec = item.spec
        ok = OkIndication(
            EntanglementId(spec.origin, spec.request_id, index), self.remote, ready.slot,
            ready.bell_index, spec.goodness, ready.herald_time_ps, RequestType(spec.request_type),
            ready.outcome, ready.basis, spec.purpose_id,
        )  # fmt: skip
        seq = item.seq or 0
        more = index + 1 < spec.number
        if self.cursor == (seq, index):
            self.cursor = (seq, index + 1) if more else None
            if self.serve_open:
                self._stop_serve_retry()
        if self.scheduler is not None:
            self.scheduler.served(item.key)
        if item.delivered == spec.number:
            self._finish(item)
        memory = self.egp.memory
        if ready.slot is not None:
            memory.hold(ready.slot)
            if memory.should_move() and self.egp.more_work():
                self.pending_move = _PendingMove(ready.slot, ok)
                self.phase = _P.MOVING
                self.effects.append(SendDown(MoveRequest(ready.slot)))
                return
        self.effects.append(Indicate(ok))
        self.pump()

    def _finish(self, item: DqpItem) -> None:
        if self.scheduler is not None:
            self.scheduler.remove(item.key)
        self.effects.append(CancelTimer(self._deadline_key(item.key)))
        self.effects += self.queue.finish(item)
        self.close()

    def on_moved(self, slot_to: int | None, reason: str) -> None:
        move = self.pending_move
        assert move is not None
        self.pending_move = None
        self.phase = _P.READY
        memory = self.egp.memory
        memory.move_answered(not reason.startswith("UNSUPPORTED"))
        ok = move.ok
        if slot_to is not None:
            memory.release(move.slot_from)
            memory.hold(slot_to)
            ok = OkIndication(
                ok.entanglement_id, ok.remote, slot_to, ok.bell_index, ok.goodness,
                ok.create_time_ps, ok.request_type, ok.outcome, ok.basis, ok.purpose_id,
            )  # fmt: skip
        self.effects.append(Indicate(ok))
        if move.error is not None:
            self.effects.append(Indicate(move.error))
        self.pump()

    def on_out_of_memory(self, tag: int) -> None:
        current = self.current
        if current is None or current.tag != tag:
            return
        self.current = None
        self.phase = _P.WAITING_MEMORY
        self.egp.memory.out_of_memory(self.remote)
        self.effects.append(Trace(TraceRecord("out-of-memory", {"remote": self.remote})))

    def wake(self) -> None:
        if self.phase is _P.WAITING_MEMORY:
            self.phase = _P.READY
            self.pump()

    # --- keep-alive -----------------------------------------------------------------------

    def on_keepalive(self) -> None:
        if self.state is not SessionState.ACTIVE:
            return
        if self.misses > self.egp.config.max_retries:
            message = f"{self.remote} unreachable ({self.misses} keep-alives unanswered)"
            for item in list(self.queue.items.values()):
                if item.key in self.queue.items:
                    self.effects += self.end(item, ErrorCode.EXPIRED, message, True)
            return
        self.misses += 1
        self.effects.append(SendPeer(self.remote, DqpPing(tuple(self.queue.items))))
        self.effects.append(StartTimer(("egp-keepalive", self.remote), self.keepalive_ps))

    def on_ping(self, keys: tuple[ItemKey, ...]) -> None:
        ended = []
        for key in keys:
            tomb = self.queue.tombstones.get(key)
            if tomb is not None:
                ended.append((key[0], key[1], *tomb))
        self.effects.append(SendPeer(self.remote, DqpPong(tuple(ended))))

    def on_pong(self, ended: tuple[tuple[str, int, str, str], ...]) -> None:
        self.misses = 0
        for origin, request_id, code, message in ended:
            item = self.queue.items.get((origin, request_id))
            if item is None:
                continue
            if code == "DONE":
                why = f"{self.remote} completed it but pairs were lost here"
                self.effects += self.end(item, ErrorCode.EXPIRED, why, False)
            else:
                self.effects += self.end(item, ErrorCode(code), message, False)


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
        self.sessions = {remote: _Session(self, remote, info) for remote, info in links.items()}

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
                session.effects += queue.on_submit(spec)
            case DqpAdd(seq, spec) if not session.master:
                session.effects += queue.on_add(seq, spec)
            case DqpAck(origin, request_id, seq) if session.master:
                session.effects += queue.on_ack(origin, request_id, seq)
            case DqpExpire(origin, request_id, code, message):
                session.effects += queue.on_expire((origin, request_id), ErrorCode(code), message)
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
                    session.effects += session.end(item, ErrorCode.TIMEOUT, message, True)
            case ("dqp-retry", str(remote), str(origin), int(request_id)):
                session = self._session(remote)
                session.effects += session.queue.on_retry((origin, request_id))
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
        decision = session.feu.decide(request.min_fidelity, keep=keep)
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
        session.effects += session.queue.submit(spec)
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

    def _session(self, remote: str) -> _Session:
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
