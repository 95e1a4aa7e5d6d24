"""Service primitives of the link layer (its service definition).

The service follows the shape of the link-layer interface of Dahlberg et al., "A Link Layer
Protocol for Quantum Networks", SIGCOMM 2019: a ``CREATE`` asks for a number of entangled pairs
with a remote node above a minimum fidelity; each pair is announced at both ends by an ``OK``
carrying the same entanglement identifier; a request that cannot be served ends in one
``ERROR``. Pairs of type KEEP stay in memory until the user releases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qnetstack.service import Primitive

__all__ = [
    "CreateRequest",
    "EntanglementId",
    "ErrorCode",
    "ErrorIndication",
    "LinkRequest",
    "OkIndication",
    "ReleaseRequest",
]


@dataclass(frozen=True, slots=True)
class CreateRequest(Primitive):
    """Ask for ``number`` entangled pairs with ``remote``.

    Attributes:
        request_id: Chosen by the caller, unique at this node; echoed in every OK and ERROR.
        remote: The neighbour to share pairs with.
        number: How many pairs (≥ 1).
        min_fidelity: Lowest acceptable fidelity of a fresh pair, in [0, 1]; a link whose model
            fidelity is below it answers ``ERROR(UNSUPPORTED)``.
    """

    request_id: int
    remote: str
    number: int = 1
    min_fidelity: float = 0.0


@dataclass(frozen=True, slots=True)
class ReleaseRequest(Primitive):
    """The user is done with the pair half in ``slot``; the memory is freed."""

    slot: int


LinkRequest = CreateRequest | ReleaseRequest
"""Every primitive the link layer accepts from above."""


@dataclass(frozen=True, slots=True)
class EntanglementId:
    """Identifies one delivered pair, identical at both ends.

    Attributes:
        origin: Node that issued the CREATE.
        request_id: The origin's request id.
        sequence: Index of the pair within the request (0-based).
    """

    origin: str
    request_id: int
    sequence: int


@dataclass(frozen=True, slots=True)
class OkIndication(Primitive):
    """A pair is ready at this node.

    Attributes:
        entanglement_id: Same at both ends.
        remote: The other end.
        slot: Memory slot of this node's half (release it with :class:`ReleaseRequest`).
        bell_index: The Bell state both ends share (``BellIndex`` value).
        goodness: The link layer's estimate of the pair's fidelity at creation.
        create_time_ps: When the pair was heralded.
    """

    entanglement_id: EntanglementId
    remote: str
    slot: int
    bell_index: int
    goodness: float
    create_time_ps: int


class ErrorCode(StrEnum):
    """Why a CREATE ended without all its pairs."""

    UNSUPPORTED = "UNSUPPORTED"
    """The link cannot reach ``min_fidelity`` (or the remote is not a neighbour)."""
    REJECTED = "REJECTED"
    """The request was malformed (for example ``number < 1``)."""


@dataclass(frozen=True, slots=True)
class ErrorIndication(Primitive):
    """A CREATE failed; no further OK will follow for it.

    Attributes:
        origin: Node that issued the CREATE.
        request_id: The origin's request id.
        code: Why.
        message: Human-readable detail.
    """

    origin: str
    request_id: int
    code: ErrorCode
    message: str
