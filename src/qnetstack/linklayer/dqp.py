"""The distributed queue protocol (DQP): both ends of a link agree on every request and tag.

Theory of operation
-------------------
Dahlberg et al., "A Link Layer Protocol for Quantum Networks" (SIGCOMM 2019, §5.2.2) keep a
*distributed queue* at the two ends of a link so that, before any attempt is made, both agree
which request the attempt is for. One end, the **master** (here: the node whose name sorts
first), owns the queue: it assigns every request a sequence number ``seq``; pair ``i`` of that
request is generated under the physical-layer tag :func:`pair_tag` ``(seq, i)``. A binding
``seq → (origin, request_id)`` is made once, by the master, and never changes, and the slave
learns it only from the master's :class:`~.messages.DqpAdd`. Hence a tag means the same pair of
the same request at both ends, whatever messages are lost: **a pair heralded at both ends is
announced with the same entanglement id** (and, from the same herald, the same Bell state).

Per request, each end runs a state machine (table :data:`TRANSITIONS`, interpreted by
:class:`~qnetstack.fsm.TableMachine`):

=============  ===========================================================================
state          meaning, inputs accepted
=============  ===========================================================================
SUBMITTING     slave's own request, :class:`~.messages.DqpSubmit` sent, retransmitted until
               the master's ``DqpAdd`` (``bind``) or ``max_retries`` (``fail`` EXPIRED)
ADDING         at the master: ``DqpAdd`` sent, retransmitted until the slave's ``DqpAck``
               (``agree``) or ``max_retries`` (``fail`` EXPIRED)
QUEUED         both ends hold it: servable; pairs are counted in plain code; the last one
               ``complete`` s it
DONE           all pairs delivered (terminal)
FAILED         ended with an ERROR (terminal); a tombstone keeps the code to answer the peer
=============  ===========================================================================

``fail`` is accepted in every non-terminal state (deadline, expiry, the peer's
:class:`~.messages.DqpExpire` or :class:`~.messages.DqpPong`); inputs about terminal requests
are answered from the tombstone and otherwise ignored.

Loss: only node↔node messages may be lost (heralds never are). Every message that needs an
answer is retransmitted every ``retransmit_timeout_ps`` at most ``max_retries`` times; then the
request ends with EXPIRED and the peer is told (:class:`~.messages.DqpExpire`, best effort).
Lost notices are recovered by the session keep-alive (:class:`~.messages.DqpPing` /
:class:`~.messages.DqpPong`) in :mod:`qnetstack.linklayer.egp`.

Assumptions about the layer below: a ``GenerateRequest`` with a tag starts attempts only once
the other end asks for the same tag; a herald for an aborted tag is discarded at that end only.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

from qnetstack.fsm import TableMachine
from qnetstack.linklayer.messages import (
    DqpAck,
    DqpAdd,
    DqpExpire,
    DqpItemSpec,
    DqpSubmit,
    ItemKey,
)
from qnetstack.linklayer.primitives import ErrorCode, RequestType
from qnetstack.service import CancelTimer, Effect, PeerProtocolError, SendPeer, StartTimer

__all__ = [
    "MAX_PAIRS",
    "TRANSITIONS",
    "DistributedQueue",
    "DqpItem",
    "QueueOwner",
    "RequestState",
    "pair_tag",
    "split_tag",
]

_PAIR_BITS = 32
MAX_PAIRS = 1 << _PAIR_BITS
"""Largest ``number`` + 1 a request may have (pair indices use 32 bits of the tag)."""


def pair_tag(seq: int, pair_index: int) -> int:
    """The physical-layer tag of pair ``pair_index`` of queue item ``seq``."""
    return (seq << _PAIR_BITS) | pair_index


def split_tag(tag: int) -> tuple[int, int]:
    """``(seq, pair_index)`` of a tag made by :func:`pair_tag`."""
    return tag >> _PAIR_BITS, tag & (MAX_PAIRS - 1)


class RequestState(Enum):
    """States of one request at one end of the link."""

    SUBMITTING = "submitting"
    ADDING = "adding"
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


_R = RequestState
_OPEN = [_R.SUBMITTING, _R.ADDING, _R.QUEUED]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "bind", "source": _R.SUBMITTING, "dest": _R.QUEUED, "before": "_set_seq"},
    {"trigger": "agree", "source": _R.ADDING, "dest": _R.QUEUED},
    {"trigger": "complete", "source": _R.QUEUED, "dest": _R.DONE},
    {"trigger": "fail", "source": _OPEN, "dest": _R.FAILED, "before": "_set_error"},
]
"""The per-request transition table; the docs' state diagram is generated from it."""


class DqpItem:
    """One request at one end: a model of :data:`TRANSITIONS`, run by a
    :class:`~qnetstack.fsm.TableMachine` (one request per pair per hop in a repeater chain:
    a hot path, see :mod:`qnetstack.fsm`)."""

    state: RequestState
    bind: Callable[[int], bool]
    agree: Callable[[], bool]
    complete: Callable[[], bool]
    fail: Callable[[ErrorCode, str], bool]

    def __init__(self, spec: DqpItemSpec, seq: int | None, local: bool) -> None:
        self.spec = spec
        self.key: ItemKey = spec.key
        self.seq = seq
        self.local = local
        """Whether this end issued the CREATE."""
        self.keep = spec.request_type == RequestType.KEEP.value
        self.delivered = 0
        self.retries = 0
        self.error: tuple[ErrorCode, str] | None = None

    @property
    def is_open(self) -> bool:
        """Not yet DONE or FAILED."""
        return self.state in _OPEN

    def _set_seq(self, seq: int) -> None:
        self.seq = seq

    def _set_error(self, code: ErrorCode, message: str) -> None:
        self.error = (code, message)


_MACHINE = TableMachine(RequestState, TRANSITIONS)
_MACHINE.install(DqpItem)


class QueueOwner(Protocol):
    """What the queue needs from the EGP session that owns it."""

    def admit(self, spec: DqpItemSpec) -> tuple[ErrorCode, str] | None:
        """Why this end cannot take a peer's request (``None``: it can)."""
        ...

    def opened(self, item: DqpItem) -> list[Effect]:
        """``item`` was created at this end (any state)."""
        ...

    def agreed(self, item: DqpItem) -> list[Effect]:
        """``item`` became QUEUED at this end (servable)."""
        ...

    def end(self, item: DqpItem, code: ErrorCode, message: str, notify: bool) -> list[Effect]:
        """End ``item`` with an error (and tell the peer when ``notify``)."""
        ...


class DistributedQueue:
    """The queue of one link at one end: bindings, tombstones and retransmissions.

    Args:
        local: This node.
        remote: The other end.
        owner: The EGP session (admission, agreement and error hooks).
        retransmit_ps: Retransmission timeout.
        max_retries: Retransmissions before a request expires.
    """

    def __init__(
        self,
        local: str,
        remote: str,
        owner: QueueOwner,
        retransmit_ps: int,
        max_retries: int,
    ) -> None:
        self.local = local
        self.remote = remote
        self.master = local < remote
        self.owner = owner
        self.retransmit_ps = retransmit_ps
        self.max_retries = max_retries
        self.items: dict[ItemKey, DqpItem] = {}
        """Open requests."""
        self.by_seq: dict[int, ItemKey] = {}
        """Every binding ever made (kept after the request ends)."""
        self.tombstones: dict[ItemKey, tuple[str, str]] = {}
        """Ended requests: ``(code or "DONE", message)``."""
        self.next_seq = 0

    # --- requests -------------------------------------------------------------------------

    def _new(
        self, spec: DqpItemSpec, seq: int | None, state: RequestState
    ) -> tuple[DqpItem, list[Effect]]:
        item = DqpItem(spec, seq, spec.origin == self.local)
        _MACHINE.attach(item, state)
        self.items[item.key] = item
        if seq is not None:
            self.by_seq[seq] = item.key
        return item, self.owner.opened(item)

    def _assign(self, spec: DqpItemSpec) -> list[Effect]:
        seq = self.next_seq
        self.next_seq += 1
        item, effects = self._new(spec, seq, RequestState.ADDING)
        return effects + self._send_with_retry(item, DqpAdd(seq, spec))

    def submit(self, spec: DqpItemSpec) -> list[Effect]:
        """A local CREATE (already admitted) enters the queue."""
        if self.master:
            return self._assign(spec)
        item, effects = self._new(spec, None, RequestState.SUBMITTING)
        return effects + self._send_with_retry(item, DqpSubmit(spec))

    def finish(self, item: DqpItem) -> list[Effect]:
        """``item`` delivered its last pair."""
        item.complete()
        return self._bury(item, "DONE", "")

    def ended(self, item: DqpItem, code: ErrorCode, message: str) -> list[Effect]:
        """Move ``item`` to FAILED (called by the owner's :meth:`QueueOwner.end`)."""
        item.fail(code, message)
        return self._bury(item, code.value, message)

    def _bury(self, item: DqpItem, code: str, message: str) -> list[Effect]:
        del self.items[item.key]
        self.tombstones[item.key] = (code, message)
        return [CancelTimer(self.retry_key(item.key))]

    # --- messages -------------------------------------------------------------------------

    def on_submit(self, spec: DqpItemSpec) -> list[Effect]:
        """Master: the slave asks to queue its request (maybe again)."""
        item = self.items.get(spec.key)
        if item is not None:
            return [SendPeer(self.remote, DqpAdd(item.seq or 0, item.spec))]
        if spec.key in self.tombstones:
            return self.answer_ended(spec.key)
        refusal = self.owner.admit(spec)
        if refusal is not None:
            code, message = refusal
            self.tombstones[spec.key] = (code.value, message)
            return [
                SendPeer(
                    self.remote, DqpExpire(spec.origin, spec.request_id, *self.tombstones[spec.key])
                )
            ]
        return self._assign(spec)

    def on_add(self, seq: int, spec: DqpItemSpec) -> list[Effect]:
        """Slave: the master bound ``seq`` to a request (maybe again)."""
        known = self.by_seq.get(seq)
        if known is not None and known != spec.key:
            raise PeerProtocolError(f"{self.local}: seq {seq} rebound from {known} to {spec.key}")
        ack = SendPeer(self.remote, DqpAck(spec.origin, spec.request_id, seq))
        item = self.items.get(spec.key)
        if item is not None:
            if item.state is RequestState.SUBMITTING:
                self.by_seq[seq] = item.key
                item.bind(seq)
                return [CancelTimer(self.retry_key(item.key)), ack, *self.owner.agreed(item)]
            return [ack]
        if spec.key in self.tombstones:
            return self.answer_ended(spec.key)
        refusal = self.owner.admit(spec)
        if refusal is not None:
            self.by_seq[seq] = spec.key
            self.tombstones[spec.key] = (refusal[0].value, refusal[1])
            return [
                SendPeer(
                    self.remote, DqpExpire(spec.origin, spec.request_id, *self.tombstones[spec.key])
                )
            ]
        item, effects = self._new(spec, seq, RequestState.QUEUED)
        return [*effects, ack, *self.owner.agreed(item)]

    def on_ack(self, origin: str, request_id: int, seq: int) -> list[Effect]:
        """Master: the slave holds ``seq``; the request becomes servable."""
        item = self.items.get((origin, request_id))
        if item is None or item.state is not RequestState.ADDING or item.seq != seq:
            return []
        item.agree()
        return [CancelTimer(self.retry_key(item.key)), *self.owner.agreed(item)]

    def on_expire(self, key: ItemKey, code: ErrorCode, message: str) -> list[Effect]:
        """The peer ended ``key`` with an error: end it here too."""
        item = self.items.get(key)
        if item is None:
            self.tombstones.setdefault(key, (code.value, message))
            return []
        return self.owner.end(item, code, message, False)

    def answer_ended(self, key: ItemKey) -> list[Effect]:
        """Tell the peer how the ended request ``key`` ended (nothing if it completed)."""
        code, message = self.tombstones[key]
        if code == "DONE":
            return []
        return [SendPeer(self.remote, DqpExpire(key[0], key[1], code, message))]

    # --- retransmission -------------------------------------------------------------------

    def retry_key(self, key: ItemKey) -> tuple[str, str, str, int]:
        """Timer key of ``key``'s retransmission."""
        return ("dqp-retry", self.remote, key[0], key[1])

    def _send_with_retry(self, item: DqpItem, pdu: DqpSubmit | DqpAdd) -> list[Effect]:
        return [
            SendPeer(self.remote, pdu),
            StartTimer(self.retry_key(item.key), self.retransmit_ps),
        ]

    def on_retry(self, key: ItemKey) -> list[Effect]:
        """The retransmission timer of ``key`` expired."""
        item = self.items.get(key)
        if item is None or item.state not in (RequestState.SUBMITTING, RequestState.ADDING):
            return []
        if item.retries >= self.max_retries:
            message = f"no answer from {self.remote} after {item.retries + 1} transmissions"
            return self.owner.end(item, ErrorCode.EXPIRED, message, True)
        item.retries += 1
        if item.state is RequestState.SUBMITTING:
            return self._send_with_retry(item, DqpSubmit(item.spec))
        return self._send_with_retry(item, DqpAdd(item.seq or 0, item.spec))
