"""Service primitives of the link layer (its service definition).

The service follows the shape of the link-layer interface of Dahlberg et al., "A Link Layer
Protocol for Quantum Networks", SIGCOMM 2019: a ``CREATE`` asks for a number of entangled pairs
with a remote node above a minimum fidelity; each pair is announced at both ends by an ``OK``
carrying the same entanglement identifier; a request that cannot be served ends in one
``ERROR``. Pairs of type KEEP stay in memory until the user releases them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from qnetstack.quantum import MeasureBasis
from qnetstack.service import Primitive

__all__ = [
    "E91_ORIGIN_ANGLES_RAD",
    "E91_REMOTE_ANGLES_RAD",
    "CreateRequest",
    "EntanglementId",
    "ErrorCode",
    "ErrorIndication",
    "LinkRequest",
    "MeasureBasisChoice",
    "OkIndication",
    "ReleaseRequest",
    "RequestType",
]


class RequestType(StrEnum):
    """What happens to each pair of a CREATE (Dahlberg et al. 2019, "K" and "M" requests)."""

    KEEP = "KEEP"
    """The pair stays in memory at both ends; OK carries the memory slot."""
    MEASURE = "MEASURE"
    """Each end measures its half right after emission (QKD); OK carries the outcome."""


MeasureBasisChoice = Literal["Z", "X", "Y", "random", "e91"]
"""A fixed basis for every pair; ``random``: each end draws Z or X per pair from its own
seeded generator, independently of the other end (as BB84/BBM92 need); ``e91``: each end draws
one of its three E91 analyser directions per pair (:data:`E91_ORIGIN_ANGLES_RAD` at the node
that issued the CREATE, :data:`E91_REMOTE_ANGLES_RAD` at the other) and the OK reports the angle
as the basis."""

E91_ORIGIN_ANGLES_RAD: tuple[float, float, float] = (0.0, math.pi / 4, math.pi / 2)
"""Ekert's (PRL 67, 661 (1991)) analyser directions of the requesting end ("Alice"), as Bloch
angles from +Z towards +X; the same values as
:data:`qnetstack.apps.qkd.e91.E91_ALICE_ANGLES_RAD` (defined here too: the link layer may not
import the application layer; a test keeps them equal)."""
E91_REMOTE_ANGLES_RAD: tuple[float, float, float] = (math.pi / 4, math.pi / 2, 3 * math.pi / 4)
"""The other end's ("Bob's") directions; equal to
:data:`qnetstack.apps.qkd.e91.E91_BOB_ANGLES_RAD`."""


@dataclass(frozen=True, slots=True)
class CreateRequest(Primitive):
    """Ask for ``number`` entangled pairs with ``remote``.

    Attributes:
        request_id: Chosen by the caller, unique at this node; echoed in every OK and ERROR.
        remote: The neighbour to share pairs with.
        number: How many pairs (≥ 1).
        min_fidelity: Lowest acceptable fidelity of a delivered pair, in [0, 1]. The link
            layer picks its operating point (e.g. the bright-state population) to reach it, or
            answers ``ERROR(UNSUPPORTED)`` if the link cannot.
        max_time_ps: Deadline for the whole request, from its submission; 0 means none. When it
            passes, the request ends with ``ERROR(TIMEOUT)``.
        request_type: KEEP or MEASURE.
        measure_basis: Basis for MEASURE requests (ignored for KEEP); see
            :data:`MeasureBasisChoice`.
        priority: Larger is more urgent; how it is used depends on the link layer's scheduler.
        purpose_id: Opaque application tag (e.g. which app or flow), echoed in every OK.
        atomic: All ``number`` pairs must exist at the same time (KEEP): refused with
            ``ERROR(OUT_OF_MEMORY)`` if the nodes cannot hold that many.
    """

    request_id: int
    remote: str
    number: int = 1
    min_fidelity: float = 0.0
    max_time_ps: int = 0
    request_type: RequestType = RequestType.KEEP
    measure_basis: MeasureBasisChoice = "Z"
    priority: int = 0
    purpose_id: int = 0
    atomic: bool = False


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
    """A pair is ready at this node (KEEP), or was measured (MEASURE).

    Attributes:
        entanglement_id: Same at both ends.
        remote: The other end.
        slot: Memory slot of this node's half (release it with :class:`ReleaseRequest`);
            ``None`` for MEASURE pairs.
        bell_index: The Bell state both ends share (``BellIndex`` value).
        goodness: The link layer's estimate of the pair's fidelity to ``bell_index`` when both
            ends have it (memory decoherence during the herald's flight included).
        create_time_ps: When the pair was heralded.
        request_type: KEEP or MEASURE.
        outcome: The measurement outcome of a MEASURE pair (readout errors included).
        basis: The basis of ``outcome``: 'Z', 'X', 'Y', or for ``e91`` requests the X–Z-plane
            angle in radians (an element of :data:`E91_ORIGIN_ANGLES_RAD` at the origin, of
            :data:`E91_REMOTE_ANGLES_RAD` at the other end).
        purpose_id: The CREATE's purpose id.
    """

    entanglement_id: EntanglementId
    remote: str
    slot: int | None
    bell_index: int
    goodness: float
    create_time_ps: int
    request_type: RequestType = RequestType.KEEP
    outcome: int | None = None
    basis: MeasureBasis | None = None
    purpose_id: int = 0


class ErrorCode(StrEnum):
    """Why a CREATE ended without all its pairs (after any OKs it already got)."""

    UNSUPPORTED = "UNSUPPORTED"
    """The link cannot reach ``min_fidelity``, or the remote is not a neighbour."""
    TIMEOUT = "TIMEOUT"
    """``max_time_ps`` passed before all pairs were delivered."""
    OUT_OF_MEMORY = "OUT_OF_MEMORY"
    """The nodes cannot hold the pairs an atomic KEEP request needs at once."""
    REJECTED = "REJECTED"
    """The request was malformed (for example ``number < 1``), or the peer refused it."""
    EXPIRED = "EXPIRED"
    """The two ends lost agreement about the request (classical messages lost): the request
    was stopped at both ends rather than risk delivering mismatched pairs."""


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
