"""Peer PDUs of the link-layer protocols: simple-link, and the EGP with its distributed queue."""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.service import PeerMessage

__all__ = [
    "DqpAck",
    "DqpAdd",
    "DqpExpire",
    "DqpItemSpec",
    "DqpPing",
    "DqpPong",
    "DqpSubmit",
    "EgpServe",
    "EgpServeAck",
    "ItemKey",
    "SimpleLinkStart",
    "SimpleLinkSubmit",
]


@dataclass(frozen=True, slots=True)
class SimpleLinkSubmit(PeerMessage):
    """A non-master end asks the link master to queue its request."""

    origin: str
    request_id: int
    number: int


@dataclass(frozen=True, slots=True)
class SimpleLinkStart(PeerMessage):
    """The link master starts serving a request; pair ``i`` uses tag ``first_tag + i``."""

    origin: str
    request_id: int
    number: int
    first_tag: int


# --- EGP / DQP (Dahlberg et al. 2019) -------------------------------------------------------------

ItemKey = tuple[str, int]
"""``(origin, request_id)``: names a CREATE at both ends of a link."""


@dataclass(frozen=True, slots=True)
class DqpItemSpec:
    """Everything both ends must agree on about one queued CREATE.

    Attributes:
        origin: Node that issued the CREATE.
        request_id: The origin's request id.
        number: Pairs wanted.
        request_type: ``"KEEP"`` or ``"MEASURE"`` (a :class:`~.primitives.RequestType` value).
        measure_basis: ``"Z"``, ``"X"``, ``"Y"`` or ``"random"`` (MEASURE only).
        alpha: Bright-state population chosen by the origin's FEU (``None``: platform value).
        goodness: The FEU's fidelity estimate for every pair of the request.
        deadline_ps: Absolute time at which the request times out (0: never).
        priority: Scheduling priority (larger is more urgent).
        purpose_id: Echoed in every OK.
        atomic: All pairs must fit in memory at once.
    """

    origin: str
    request_id: int
    number: int
    request_type: str
    measure_basis: str
    alpha: float | None
    goodness: float
    deadline_ps: int
    priority: int
    purpose_id: int
    atomic: bool

    @property
    def key(self) -> ItemKey:
        """``(origin, request_id)``."""
        return (self.origin, self.request_id)


@dataclass(frozen=True, slots=True)
class DqpSubmit(PeerMessage):
    """The slave end asks the master to queue its CREATE (retransmitted until a DqpAdd)."""

    spec: DqpItemSpec


@dataclass(frozen=True, slots=True)
class DqpAdd(PeerMessage):
    """The master binds ``seq`` to an item: pair ``i`` of it uses tag ``pair_tag(seq, i)``.

    Retransmitted until the slave answers :class:`DqpAck`; it also acknowledges a DqpSubmit.
    """

    seq: int
    spec: DqpItemSpec


@dataclass(frozen=True, slots=True)
class DqpAck(PeerMessage):
    """The slave holds item ``seq`` (bound to ``(origin, request_id)``): both ends have it."""

    origin: str
    request_id: int
    seq: int


@dataclass(frozen=True, slots=True)
class EgpServe(PeerMessage):
    """The master serves pair ``pair_index`` of item ``seq`` next; the slave follows.

    ``serve_id`` grows with every decision, so a stale (retransmitted) serve is recognised.
    """

    serve_id: int
    seq: int
    pair_index: int


@dataclass(frozen=True, slots=True)
class EgpServeAck(PeerMessage):
    """The slave follows serve decision ``serve_id``."""

    serve_id: int


@dataclass(frozen=True, slots=True)
class DqpExpire(PeerMessage):
    """The sender ended the item with an error; the receiver ends it too (same code)."""

    origin: str
    request_id: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DqpPing(PeerMessage):
    """Keep-alive: the items the sender still considers open with the receiver."""

    items: tuple[ItemKey, ...]


@dataclass(frozen=True, slots=True)
class DqpPong(PeerMessage):
    """Answer to a ping: which of the pinged items the receiver has ended, and how.

    Each entry is ``(origin, request_id, code, message)``; ``code`` is an
    :class:`~.primitives.ErrorCode` value, or ``"DONE"`` when the item completed there.
    """

    ended: tuple[tuple[str, int, str, str], ...]
