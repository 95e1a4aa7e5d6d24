"""Service primitives of the network layer (its service definition).

The service mirrors the link layer's (Dahlberg et al. 2019) one level up, as the network
protocol of Kozlowski et al., "Designing a quantum network protocol" (CoNEXT 2020) offers it: a
``CREATE`` asks for a number of end-to-end pairs with any node; each pair is announced at *both*
end nodes by an ``OK`` carrying the same entanglement identifier and the same Bell index; a
request that cannot be served ends in one ``ERROR`` at each end. Pairs stay in memory until the
user releases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from qnetstack.linklayer.primitives import ErrorCode, RequestType
from qnetstack.quantum import MeasureBasis
from qnetstack.service import Primitive

__all__ = [
    "LINK_ERROR_CODES",
    "NetworkCreateRequest",
    "NetworkEntanglementId",
    "NetworkErrorCode",
    "NetworkErrorIndication",
    "NetworkMeasureBasis",
    "NetworkOkIndication",
    "NetworkReleaseRequest",
    "NetworkRequest",
]


NetworkMeasureBasis = Literal["Z", "X", "Y", "random", "e91"]
"""Basis of a MEASURE request's end measurements: one fixed basis; ``random``: each end
draws Z or X per pair from its own network-layer generator, independently of the other end
(BBM92); ``e91``: each end draws one of its three E91 analyser directions (the origin's
:data:`~qnetstack.linklayer.primitives.E91_ORIGIN_ANGLES_RAD`, the remote's
:data:`~qnetstack.linklayer.primitives.E91_REMOTE_ANGLES_RAD`) and the OK reports the angle as
the basis."""


@dataclass(frozen=True, slots=True)
class NetworkCreateRequest(Primitive):
    """Ask for ``number`` end-to-end pairs with ``remote`` (any node, not only a neighbour).

    Attributes:
        request_id: Chosen by the caller, unique at this node; echoed in every OK and ERROR.
        remote: The other end node.
        number: How many end-to-end pairs (≥ 1).
        min_fidelity: Lowest acceptable fidelity of a delivered pair as the protocol estimates
            it (its ``goodness``), in [0, 1]; split across the hops of the path.
        max_time_ps: Deadline for the whole request from its submission; 0 means none. When it
            passes, the request ends with ``ERROR(TIMEOUT)`` at both ends.
        purpose_id: Opaque application tag, echoed in every OK.
        request_type: ``KEEP``: both halves stay in memory and the OKs carry their slots.
            ``MEASURE``: each end measures its half on the hardware as soon as the end-to-end
            pair exists there (the moment the Pauli frame of the swaps is known at that end)
            and the OK carries the outcome and basis instead of a slot, as the link layer's
            MEASURE OKs do; ``bell_index`` says how to read the outcomes (the frame is applied
            classically by the user, no correction gate is applied).
        measure_basis: Basis of the end measurements of a MEASURE request (ignored for KEEP).
    """

    request_id: int
    remote: str
    number: int = 1
    min_fidelity: float = 0.0
    max_time_ps: int = 0
    purpose_id: int = 0
    request_type: RequestType = RequestType.KEEP
    measure_basis: NetworkMeasureBasis = "Z"


@dataclass(frozen=True, slots=True)
class NetworkReleaseRequest(Primitive):
    """The user is done with the end-to-end pair half in ``slot``; the memory is freed."""

    slot: int


NetworkRequest = NetworkCreateRequest | NetworkReleaseRequest
"""Every primitive the network layer accepts from above."""


@dataclass(frozen=True, slots=True)
class NetworkEntanglementId:
    """Identifies one end-to-end pair, identical at both ends.

    Attributes:
        origin: Node that issued the CREATE (the circuit's head end).
        request_id: The origin's request id.
        sequence: Index of the pair within the request (0-based, in delivery order).
    """

    origin: str
    request_id: int
    sequence: int


@dataclass(frozen=True, slots=True)
class NetworkOkIndication(Primitive):
    """An end-to-end pair is ready at this end node.

    Attributes:
        entanglement_id: Same at both ends.
        remote: The other end node.
        slot: Memory slot of this node's half (release it with :class:`NetworkReleaseRequest`);
            ``None`` for a MEASURE request (the half was measured and its slot freed).
        bell_index: The Bell state both ends share (``BellIndex`` value), with every link label
            and swap outcome on the path accounted for: the Pauli frame is tracked in software,
            no correction gate is applied (the same at both ends).
        goodness: The protocol's estimate of the pair's fidelity to ``bell_index``: the link
            layer's goodness values combined as Werner parameters (physics.md F6), times the
            configured swap factor per swap; memory decoherence while waiting is not included.
        create_time_ps: When the end-to-end pair came to exist (the last swap, or the link
            pair's herald on a one-hop path).
        path: The nodes of the circuit, head end first.
        purpose_id: The CREATE's purpose id.
        outcome: The outcome of this end's measurement of a MEASURE pair (the hardware's
            readout errors included), before any frame correction.
        basis: The basis of ``outcome`` ('Z', 'X', 'Y', or for ``e91`` requests the X–Z-plane
            angle in radians); ``None`` for KEEP pairs.
    """

    entanglement_id: NetworkEntanglementId
    remote: str
    slot: int | None
    bell_index: int
    goodness: float
    create_time_ps: int
    path: tuple[str, ...]
    purpose_id: int = 0
    outcome: int | None = None
    basis: MeasureBasis | None = None


class NetworkErrorCode(StrEnum):
    """Why a network CREATE ended without all its pairs (after any OKs it already got)."""

    NO_ROUTE = "NO_ROUTE"
    """The routing strategy found no path to the remote node (the message says why)."""
    UNSUPPORTED = "UNSUPPORTED"
    """A hop's link cannot reach the per-hop fidelity the end-to-end target needs (the message
    carries the link layer's reason), or the target is unreachable even with perfect links."""
    TIMEOUT = "TIMEOUT"
    """``max_time_ps`` passed before all pairs were delivered."""
    EXPIRED = "EXPIRED"
    """A link on the path lost agreement between its two ends (the link layer's EXPIRED)."""
    REJECTED = "REJECTED"
    """The request was malformed (``number < 1``, a reused ``request_id``, the remote is this
    node), or a link layer on the path refused it (queue full, out of memory)."""


LINK_ERROR_CODES: dict[ErrorCode, NetworkErrorCode] = {
    ErrorCode.UNSUPPORTED: NetworkErrorCode.UNSUPPORTED,
    ErrorCode.TIMEOUT: NetworkErrorCode.TIMEOUT,
    ErrorCode.EXPIRED: NetworkErrorCode.EXPIRED,
    ErrorCode.REJECTED: NetworkErrorCode.REJECTED,
    ErrorCode.OUT_OF_MEMORY: NetworkErrorCode.REJECTED,
}
"""The network error a link layer's error becomes (a link that cannot hold the pairs refuses
the request)."""


@dataclass(frozen=True, slots=True)
class NetworkErrorIndication(Primitive):
    """A network CREATE failed; no further OK will follow for it.

    Attributes:
        origin: Node that issued the CREATE.
        request_id: The origin's request id.
        code: Why.
        message: Human-readable detail.
    """

    origin: str
    request_id: int
    code: NetworkErrorCode
    message: str
