"""One EGP link session: the distributed queue's owner and the per-pair engine.

Theory of operation
-------------------
Part of the EGP of Dahlberg et al., "A Link Layer Protocol for Quantum Networks" (SIGCOMM
2019); :mod:`qnetstack.linklayer.egp` holds the node entity, this module one neighbour's
session. The session's state machine (table :data:`TRANSITIONS`, run by a
:class:`~qnetstack.fsm.TableMachine`: sessions open and close per request) is ``IDLE`` with no
open request and no timer, ``ACTIVE`` while any request with the neighbour is open; only then a
keep-alive timer runs (triggers ``open`` / ``close``, one per request).

Per pair (plain code, :class:`GenerationPhase`): ``READY`` → ``GENERATING`` (one tag at the
hardware) → ``READY`` on the herald, or ``MOVING`` while a KEEP half moves to memory (its OK is
announced with the final slot once the move answers), or ``WAITING_MEMORY`` after an
OUT_OF_MEMORY answer until a release or a move frees memory.

Only the master decides what is served (its scheduler, before each pair); the slave continues
with the next pair of the same request after every herald and switches when an ``EgpServe``
says otherwise, aborting the attempt it started on its own (the master never started that tag,
so no pair is lost). A pair under way is never pre-empted.

Inputs per state: heralds only in ``GENERATING`` for the current tag (else
:class:`~qnetstack.service.PeerProtocolError`); move answers only in ``MOVING``; ``EgpServe``
only at the slave (stale ones are acknowledged and ignored); keep-alives only in ``ACTIVE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from qnetstack.fsm import TableMachine
from qnetstack.linklayer.dqp import DistributedQueue, DqpItem, pair_tag
from qnetstack.linklayer.feu import FidelityEstimator
from qnetstack.linklayer.messages import (
    DqpExpire,
    DqpItemSpec,
    DqpPing,
    DqpPong,
    EgpServe,
    EgpServeAck,
    ItemKey,
)
from qnetstack.linklayer.primitives import (
    E91_ORIGIN_ANGLES_RAD,
    E91_REMOTE_ANGLES_RAD,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    RequestType,
)
from qnetstack.linklayer.scheduling import QueueEntry, Scheduler, make_scheduler
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    AbortRequest,
    GenerateRequest,
    MoveRequest,
    PairReadyIndication,
)
from qnetstack.quantum import MeasureBasis
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    LocalProtocolError,
    PeerProtocolError,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)

if TYPE_CHECKING:
    from qnetstack.linklayer.egp import Egp

__all__ = ["TRANSITIONS", "EgpSession", "GenerationPhase", "SessionState"]


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


class EgpSession:
    """One neighbour's session: the model of :data:`TRANSITIONS` and the per-pair engine."""

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
        self.moves = config.move_to_memory and info.link_model.supports_move
        """Move every KEEP half out of the communication qubit (both ends decide alike, so
        the goodness, computed for moved pairs, matches what is delivered)."""
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
        _MACHINE.attach(self, SessionState.IDLE)

    def add(self, effects: list[Effect]) -> None:
        """Append effects (evaluate the producer first: it may drain :attr:`effects`)."""
        self.effects.extend(effects)

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
        self.add(self.queue.ended(item, code, message))
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
        basis: MeasureBasis | None = None
        if not item.keep:
            basis = self._measure_basis(spec.measure_basis, spec.origin)
        self.effects.append(SendDown(GenerateRequest(self.remote, tag, spec.alpha, basis)))

    def _measure_basis(self, choice: str, origin: str) -> MeasureBasis:
        """This end's basis for the next measured pair, from this node's own generator.

        ``random`` draws Z or X; ``e91`` draws one of three analyser angles, the origin's set
        if this node issued the request and the other set otherwise, so the two ends choose
        independently (neither learns the other's choice before both have measured).
        """
        match choice:
            case "random":
                return "Z" if self.egp.rng.random() < 0.5 else "X"
            case "e91":
                angles = E91_ORIGIN_ANGLES_RAD if origin == self.egp.name else E91_REMOTE_ANGLES_RAD
                return angles[int(self.egp.rng.integers(3))]
            case "Z" | "X" | "Y":
                return choice
        raise LocalProtocolError(f"{self.egp.name}: unknown measure_basis {choice!r}")

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
                self.add(self.end(item, ErrorCode.EXPIRED, message, True))
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
            self.add(self.queue.answer_ended(key))
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
            if self.moves and memory.should_move():
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
        self.add(self.queue.finish(item))
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
                    self.add(self.end(item, ErrorCode.EXPIRED, message, True))
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
                self.add(self.end(item, ErrorCode.EXPIRED, why, False))
            else:
                self.add(self.end(item, ErrorCode(code), message, False))


_MACHINE = TableMachine(SessionState, TRANSITIONS)
_MACHINE.install(EgpSession)
