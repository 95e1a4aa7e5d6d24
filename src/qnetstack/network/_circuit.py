"""One node's view of one virtual circuit: its rules, the halves it holds, its state machine.

Circuit-level state is a ``transitions`` machine (table :data:`TRANSITIONS`):

* ``RUNNING``: the circuit is installed; link pairs are requested, swapped, delivered.
* ``DRAINING``: only at the head end: the tail ended the circuit and said how many pairs it
  delivered; the head is still waiting for some of those deliveries (``QnpDelivered`` or the
  link OK of its half may still be on their way).
* ``CLOSED``: every held half is released, every timer cancelled; the terminal event (an error,
  if any) was indicated at the end nodes. Late link pairs of the circuit are released on arrival.

Triggers: ``end(code, message, delivered)`` (RUNNING → DRAINING), then ``settle()``
(DRAINING → CLOSED once the head has delivered ``delivered`` pairs; at once elsewhere).
Per-pair bookkeeping (halves, swaps, discards) is plain code on the same object.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from transitions import Machine

from qnetstack.linklayer.primitives import EntanglementId, ReleaseRequest
from qnetstack.network._frames import ChainAssembler, Segment
from qnetstack.network._purify import Candidate, Channel
from qnetstack.network.messages import (
    CircuitId,
    LinkPairRef,
    QnpConsumed,
    QnpDelivered,
    QnpRawPair,
    pair_json,
)
from qnetstack.network.primitives import NetworkErrorCode, NetworkErrorIndication
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    SendDown,
    SendPeer,
    Trace,
    TraceRecord,
)

__all__ = ["TRANSITIONS", "Circuit", "CircuitState", "Half"]


class CircuitState(Enum):
    """Protocol state of one circuit at one node."""

    RUNNING = "running"
    DRAINING = "draining"
    CLOSED = "closed"


TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "end", "source": CircuitState.RUNNING, "dest": CircuitState.DRAINING,
     "before": "_record_end"},
    {"trigger": "settle", "source": CircuitState.DRAINING, "dest": CircuitState.CLOSED,
     "conditions": "_is_settled", "after": "_close"},
    {"trigger": "settle", "source": CircuitState.DRAINING, "dest": CircuitState.DRAINING},
]  # fmt: skip
"""The circuit's transition table; the docs' state diagram is generated from it."""


@dataclass(slots=True)
class Half:
    """A link-pair half this node holds for the circuit (not yet swapped or delivered).

    Attributes:
        ref: What the link OK said about the pair (after purification: the purified pair).
        slot: The memory slot.
        right: The pair is with the downstream neighbour (else the upstream one).
        reach: Path index of the node holding the other end of the pair this half belongs to
            (the neighbour, until nested swaps elsewhere extend it).
        far: The link pair at that other end.
    """

    ref: LinkPairRef
    slot: int
    right: bool
    reach: int = -1
    far: EntanglementId | None = None


def cutoff_key(circuit: CircuitId, pair: EntanglementId) -> tuple[Any, ...]:
    """Timer key of the cutoff of one held half."""
    return ("qnp-cutoff", circuit.head, circuit.request_id, pair.origin, pair.request_id,
            pair.sequence)  # fmt: skip


def deadline_key(circuit: CircuitId) -> tuple[Any, ...]:
    """Timer key of the circuit's deadline (at the tail end)."""
    return ("qnp-deadline", circuit.head, circuit.request_id)


class Circuit:
    """The rules and per-pair state of one circuit at one node.

    Args:
        node: This node.
        cid: The circuit.
        path: All nodes, head first.
        number: End-to-end pairs wanted.
        hop_fidelity: ``min_fidelity`` of every link CREATE.
        deadline_ps: Absolute deadline (0: none).
        purpose_id: The user's purpose id.
        swap_factor: Werner factor per swap (for the tail's goodness).
        purify_target: Fidelity target of the ``target`` purification policy (0: none).
        measure_basis: MEASURE circuits: the end measurements' basis choice ('' for KEEP).
    """

    state: CircuitState
    end: Callable[[str, str, int], bool]
    settle: Callable[[], bool]

    def __init__(
        self, node: str, cid: CircuitId, path: tuple[str, ...], number: int,
        hop_fidelity: float, deadline_ps: int, purpose_id: int, swap_factor: float,
        purify_target: float = 0.0, measure_basis: str = "",
    ) -> None:  # fmt: skip
        self.node = node
        self.measure_basis = measure_basis
        self.cid = cid
        self.path = path
        self.index = path.index(node)
        self.hops = len(path) - 1
        self.number = number
        self.hop_fidelity = hop_fidelity
        self.deadline_ps = deadline_ps
        self.purpose_id = purpose_id
        self.purify_target = purify_target
        self.is_head = self.index == 0
        self.is_tail = self.index == self.hops
        self.upstream = None if self.is_head else path[self.index - 1]
        self.downstream = None if self.is_tail else path[self.index + 1]
        self.label = -1
        """``purpose_id`` of this node's link CREATEs towards :attr:`downstream`."""
        self.halves: dict[EntanglementId, Half] = {}
        self.left: deque[EntanglementId] = deque()  # held halves with upstream, oldest first
        self.right: deque[EntanglementId] = deque()  # held halves with downstream
        self.swapped: dict[EntanglementId, EntanglementId] = {}  # pair -> pair it was joined to
        self.dead: set[EntanglementId] = set()
        self.open_requests: dict[int, int] = {}  # link request id -> pairs still to come
        # flow control of the downstream hop: pairs whose downstream half is still held there
        self.unconsumed: set[EntanglementId] = set()
        self.consumed_early: set[EntanglementId] = set()  # reported before our own link OK
        self.stopped = False  # a link error was reported: request no more pairs
        self.delivered = 0
        # head end
        self.pending: dict[EntanglementId, QnpDelivered] = {}
        self.expected = 0
        # tail end
        self.assembler = ChainAssembler(self.hops, swap_factor) if self.hops > 1 else None
        self.waiting: dict[EntanglementId, Segment] = {}  # complete, tail half not yet here
        # nested swapping: reach updates that came before the half
        self.reach_updates: dict[EntanglementId, tuple[int, EntanglementId]] = {}
        # purification channels (set up by the protocol): the hop to the upstream neighbour
        # (this node follows), the hop downstream (this node coordinates), end to end
        self.link_left: Channel | None = None
        self.link_right: Channel | None = None
        self.e2e: Channel | None = None
        self.e2e_ready: dict[EntanglementId, Candidate] = {}  # head: purified, to deliver
        self.raw_pending: dict[EntanglementId, QnpRawPair] = {}  # head: link OK not yet here
        self.code = ""
        self.message = ""
        self.effects: list[Effect] = []
        Machine(
            model=self, states=CircuitState, transitions=TRANSITIONS,
            initial=CircuitState.RUNNING, queued=True, auto_transitions=False,
        )  # fmt: skip

    @property
    def running(self) -> bool:
        return self.state is CircuitState.RUNNING

    @property
    def closed(self) -> bool:
        return self.state is CircuitState.CLOSED

    def drain(self) -> list[Effect]:
        # The list object is shared with the purification channels: copy, then clear.
        effects = list(self.effects)
        self.effects.clear()
        return effects

    def channels(self) -> list[Channel]:
        return [ch for ch in (self.link_left, self.link_right, self.e2e) if ch is not None]

    def outstanding(self) -> int:
        """Link pairs of the downstream hop requested, or held at either end (the window's
        count)."""
        held = set(self.right) | self.unconsumed
        if self.link_right is not None:
            held |= self.link_right.keys()
        if self.e2e is not None and self.is_head:
            held |= self.e2e.keys() | self.e2e_ready.keys()
        return sum(self.open_requests.values()) + len(held)

    def extend(self, half: Half, reach: int, far: EntanglementId) -> None:
        """Apply a nested-swap notice: the pair of ``half`` now reaches ``reach``. Notices may
        arrive out of order and a pair only ever grows, so a notice that reaches less far
        than what is known is stale and ignored."""
        if abs(reach - self.index) > abs(half.reach - self.index):
            half.reach, half.far = reach, far

    def remember_reach(self, ent: EntanglementId, reach: int, far: EntanglementId) -> None:
        """A nested-swap notice for a half not held yet: keep the farthest."""
        known = self.reach_updates.get(ent)
        if known is None or abs(reach - self.index) > abs(known[0] - self.index):
            self.reach_updates[ent] = (reach, far)

    def consumed(self, ent: EntanglementId) -> None:
        """Our half of the upstream hop's pair ``ent`` left our memory: tell the upstream end
        (flow control, see :class:`~qnetstack.network.messages.QnpConsumed`)."""
        if self.upstream is not None and self.state is CircuitState.RUNNING:
            self.effects.append(SendPeer(self.upstream, QnpConsumed(self.cid, ent)))

    # --- halves ---------------------------------------------------------------------------

    def hold(self, half: Half) -> None:
        ent = half.ref.entanglement_id
        if half.reach < 0:
            half.reach = self.index + 1 if half.right else self.index - 1
            half.far = ent
        update = self.reach_updates.pop(ent, None)
        if update is not None:
            self.extend(half, *update)
        self.halves[ent] = half
        (self.right if half.right else self.left).append(ent)

    def take(self, ent: EntanglementId) -> Half:
        """Stop tracking the held half of ``ent`` (swapped, delivered or released)."""
        half = self.halves.pop(ent)
        (self.right if half.right else self.left).remove(ent)
        self.effects.append(CancelTimer(cutoff_key(self.cid, ent)))
        if not half.right:
            self.consumed(ent)
        return half

    def release(self, ent: EntanglementId, kind: str) -> None:
        """Free the held half of ``ent`` and trace why."""
        half = self.take(ent)
        self.effects.append(SendDown(ReleaseRequest(half.slot)))
        data = {**self.trace_data(), "pair": pair_json(ent), "slot": half.slot}
        self.effects.append(Trace(TraceRecord(kind, data)))

    def trace_data(self) -> dict[str, Any]:
        return {"head": self.cid.head, "request_id": self.cid.request_id}

    # --- machine callbacks ----------------------------------------------------------------

    def _record_end(self, code: str, message: str, delivered: int) -> None:
        self.code = code
        self.message = message
        self.expected = delivered

    def _is_settled(self) -> bool:
        return not self.is_head or self.delivered >= self.expected

    def _close(self) -> None:
        for ent in list(self.halves):
            self.release(ent, "qnp-release")
        for channel in self.channels():
            for slot in channel.release_all():
                self.effects.append(SendDown(ReleaseRequest(slot)))
        for candidate in self.e2e_ready.values():
            self.effects.append(SendDown(ReleaseRequest(candidate.slot)))
        self.e2e_ready.clear()
        self.raw_pending.clear()
        self.reach_updates.clear()
        self.pending.clear()
        self.waiting.clear()
        self.assembler = None
        if self.is_tail:
            self.effects.append(CancelTimer(deadline_key(self.cid)))
        data = {**self.trace_data(), "code": self.code or "DONE", "delivered": self.delivered}
        self.effects.append(Trace(TraceRecord("qnp-end", data)))
        if self.code and (self.is_head or self.is_tail):
            error = NetworkErrorIndication(
                self.cid.head, self.cid.request_id, NetworkErrorCode(self.code), self.message
            )
            self.effects.append(Indicate(error))
