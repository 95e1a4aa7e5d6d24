"""Service primitives of the transport layer (its service definition): qubits by teleportation.

The service moves *qubits*, not pairs: a user hands the sender's transport entity the qubit to
send (``SendQubitRequest``); the entity obtains an end-to-end pair from the network layer,
teleports the qubit over it and tells the receiver the correction. The receiver's entity
delivers the qubits of each sender **in the order they were sent** (``QubitDeliveredIndication``
with a per-sender sequence number). The sender learns about every qubit exactly once: a
``QubitSentConfirm`` when the Bell measurement is done and the correction is on its way, or a
``TransportErrorIndication`` when it could not be sent (no route, unreachable fidelity, timeout,
a link or pair that expired) — a qubit is never silently dropped. A failed qubit's sequence
number is skipped at the receiver (the sender says so), so the qubits after it are delivered.

Pairs for other uses pass through: ``NetworkCreateRequest`` / ``NetworkReleaseRequest`` from
above go to the network layer unchanged, and their OKs and ERRORs come back up (the
:class:`~qnetstack.transport.socket.EntanglementSocket` uses this).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qnetstack.network.primitives import NetworkEntanglementId
from qnetstack.service import Primitive
from qnetstack.transport.states import PayloadState

__all__ = [
    "QubitDeliveredIndication",
    "QubitSentConfirm",
    "ReleaseQubitRequest",
    "SendQubitRequest",
    "TransportErrorCode",
    "TransportErrorIndication",
]


@dataclass(frozen=True, slots=True)
class SendQubitRequest(Primitive):
    """Send one qubit to ``remote`` by teleportation.

    Attributes:
        payload_id: Chosen by the caller, unique at this node; echoed in the confirm or error.
        remote: The receiving node (any node the network layer can reach).
        state: The qubit: a named state ('0', '1', '+', '-', '+i', '-i'), Bloch angles
            ``(theta, phi)`` in radians, or a 2×2 density matrix as nested tuples.
        min_fidelity: Lowest acceptable fidelity of the delivered qubit as the protocol expects
            it; the pair asked of the network layer must have F = (3·min_fidelity − 1)/2
            (Werner resource, physics.md F7); 0 means no requirement.
        max_time_ps: Deadline for this qubit from the request; 0 means none.
    """

    payload_id: int
    remote: str
    state: PayloadState
    min_fidelity: float = 0.0
    max_time_ps: int = 0


@dataclass(frozen=True, slots=True)
class ReleaseQubitRequest(Primitive):
    """The receiver is done with the delivered qubit in ``slot``; the memory is freed."""

    slot: int


@dataclass(frozen=True, slots=True)
class QubitSentConfirm(Primitive):
    """At the sender: the qubit was teleported and its correction sent.

    Attributes:
        payload_id: The request's payload id.
        remote: The receiving node.
        sequence: Its sequence number towards ``remote`` (0-based, in request order).
        entanglement_id: The end-to-end pair it used.
        outcome: The Bell-measurement outcome as read (``BellIndex`` value).
    """

    payload_id: int
    remote: str
    sequence: int
    entanglement_id: NetworkEntanglementId
    outcome: int


@dataclass(frozen=True, slots=True)
class QubitDeliveredIndication(Primitive):
    """At the receiver: the next qubit from ``sender`` is in memory.

    The qubit sits in ``slot`` up to the Pauli ``correction`` (XOR mask: 0 = I, 1 = X, 2 = Z,
    3 = Y), which is tracked in software, like the network layer's Pauli frame: applying it
    gives the sent state (up to the noise of the pair, the gates and the memory).

    Attributes:
        payload_id: The sender's payload id.
        sender: The sending node.
        sequence: Sequence number from ``sender``; indications come in increasing order
            (numbers of qubits that failed at the sender are skipped).
        slot: Memory slot holding the qubit (free it with :class:`ReleaseQubitRequest`).
        correction: Pauli frame of the qubit: Bell outcome ⊕ the pair's Bell index.
        entanglement_id: The end-to-end pair that carried it.
        goodness: The network layer's fidelity estimate of that pair.
    """

    payload_id: int
    sender: str
    sequence: int
    slot: int
    correction: int
    entanglement_id: NetworkEntanglementId
    goodness: float


class TransportErrorCode(StrEnum):
    """Why a qubit could not be sent (the network layer's codes, plus the transport's own)."""

    NO_ROUTE = "NO_ROUTE"
    """No path to the receiver."""
    UNSUPPORTED = "UNSUPPORTED"
    """The pair fidelity that ``min_fidelity`` needs cannot be reached on the path."""
    TIMEOUT = "TIMEOUT"
    """``max_time_ps`` passed before a pair was ready."""
    EXPIRED = "EXPIRED"
    """A link of the path lost agreement between its ends; the pair never came."""
    REJECTED = "REJECTED"
    """The request was malformed (unknown state, reused payload id, remote = this node) or
    the network layer refused it."""


@dataclass(frozen=True, slots=True)
class TransportErrorIndication(Primitive):
    """At the sender: the qubit ``payload_id`` was not sent; no confirm will follow.

    Attributes:
        payload_id: The request's payload id.
        remote: The intended receiver.
        sequence: The sequence number it had (skipped at the receiver); ``-1`` when the
            request was refused before getting one.
        code: Why.
        message: Human-readable detail.
    """

    payload_id: int
    remote: str
    sequence: int
    code: TransportErrorCode
    message: str
