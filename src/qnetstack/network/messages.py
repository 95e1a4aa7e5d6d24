"""Peer PDUs of the QNP-like network protocol (:mod:`qnetstack.network.qnp`).

Every PDU names its virtual circuit by :class:`CircuitId` (the head end and its request id).
Link pairs are named by their link-layer :class:`~qnetstack.linklayer.EntanglementId`, which is
the same at both ends of a link and unique in the network (its origin is the hop's upstream
node).
"""

from __future__ import annotations

from dataclasses import dataclass

from qnetstack.linklayer.primitives import EntanglementId
from qnetstack.service import PeerMessage

__all__ = [
    "CircuitId",
    "LinkPairRef",
    "QnpAbort",
    "QnpConsumed",
    "QnpDelivered",
    "QnpDiscard",
    "QnpPurify",
    "QnpPurifyReply",
    "QnpRawPair",
    "QnpSetup",
    "QnpSwapRecord",
    "QnpSwapped",
    "QnpTeardown",
    "pair_json",
]


def pair_json(ent: EntanglementId) -> list[object]:
    """A link pair's id as trace data: ``[origin, request id, sequence]``."""
    return [ent.origin, ent.request_id, ent.sequence]


@dataclass(frozen=True, slots=True)
class CircuitId:
    """A virtual circuit: the head end node and the request id of its network CREATE."""

    head: str
    request_id: int


@dataclass(frozen=True, slots=True)
class LinkPairRef:
    """What a node knows about one link pair it joined in a swap.

    Attributes:
        entanglement_id: The link layer's id (same at both ends of the link).
        bell_index: The link layer's Bell-state label of the pair.
        goodness: The link layer's fidelity estimate.
        create_time_ps: When the link pair was heralded.
    """

    entanglement_id: EntanglementId
    bell_index: int
    goodness: float
    create_time_ps: int


@dataclass(frozen=True, slots=True)
class QnpSetup(PeerMessage):
    """Installs the circuit's rules at the next node of the path (sent hop by hop).

    Attributes:
        circuit: The circuit.
        path: All nodes, head first.
        number: End-to-end pairs wanted.
        hop_fidelity: ``min_fidelity`` of every link-layer CREATE on the path.
        deadline_ps: Absolute deadline (0: none).
        purpose_id: The user's purpose id (echoed in end-to-end OKs).
        link_label: The ``purpose_id`` the sender puts in its link-layer CREATEs towards the
            receiver, so the receiver maps the link OKs of this hop to the circuit.
        purify_target: Fidelity a purified pair must reach under the ``target`` policy (the
            hop's share for link purification, min_fidelity end to end); 0 without it.
        measure_basis: For a MEASURE request the basis choice of the end measurements
            ('Z', 'X', 'Y' or 'random'); empty for KEEP. Only the tail uses it.
    """

    circuit: CircuitId
    path: tuple[str, ...]
    number: int
    hop_fidelity: float
    deadline_ps: int
    purpose_id: int
    link_label: int
    purify_target: float = 0.0
    measure_basis: str = ""


@dataclass(frozen=True, slots=True)
class QnpSwapRecord(PeerMessage):
    """A repeater swapped two link pairs of the circuit (sent to the tail end).

    Attributes:
        circuit: The circuit.
        index: The repeater's position on the path (1 … hops − 1).
        left: The pair with the upstream neighbour (hop ``index − 1``).
        right: The pair with the downstream neighbour (hop ``index``).
        outcome: Bell-state measurement outcome as read (``BellIndex`` value).
        time_ps: When the swap was done.
    """

    circuit: CircuitId
    index: int
    left: LinkPairRef
    right: LinkPairRef
    outcome: int
    time_ps: int


@dataclass(frozen=True, slots=True)
class QnpDelivered(PeerMessage):
    """The tail delivered end-to-end pair ``sequence``; the head delivers it too.

    Attributes:
        circuit: The circuit.
        sequence: The pair's sequence number (the tail decides it).
        head_pair: The head's link pair (hop 0) in the end-to-end pair.
        bell_index: The tracked Pauli frame of the end-to-end pair.
        goodness: The end-to-end fidelity estimate.
        create_time_ps: When the end-to-end pair came to exist.
    """

    circuit: CircuitId
    sequence: int
    head_pair: EntanglementId
    bell_index: int
    goodness: float
    create_time_ps: int


@dataclass(frozen=True, slots=True)
class QnpDiscard(PeerMessage):
    """The sender discarded its half of link pair ``pair`` (cutoff, or a discard it follows).

    The receiver discards its half if it still holds it, or, if it swapped that half, passes
    the discard on along the pair it was swapped with: the whole segment is dead.
    """

    circuit: CircuitId
    pair: EntanglementId


@dataclass(frozen=True, slots=True)
class QnpAbort(PeerMessage):
    """A node of the path cannot go on (its link layer answered an ERROR); sent to the tail,
    which ends the circuit.

    Attributes:
        circuit: The circuit.
        path: All nodes, head first (the tail may not have the setup yet).
        code: A :class:`~qnetstack.network.primitives.NetworkErrorCode` value.
        message: Detail, naming the hop.
    """

    circuit: CircuitId
    path: tuple[str, ...]
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class QnpTeardown(PeerMessage):
    """The tail ended the circuit; sent to the head and every repeater.

    Attributes:
        circuit: The circuit.
        code: A :class:`~qnetstack.network.primitives.NetworkErrorCode` value, or ``""`` when
            every pair was delivered.
        message: Detail of the error.
        delivered: End-to-end pairs the tail delivered (the head delivers exactly as many).
    """

    circuit: CircuitId
    code: str
    message: str
    delivered: int


@dataclass(frozen=True, slots=True)
class QnpPurify(PeerMessage):
    """Coordinator → follower: I ran my half of a purification round.

    Attributes:
        circuit: The circuit.
        scope: ``"link"`` (the hop between sender and receiver) or ``"e2e"``.
        keep: The kept pair (link pair id; for ``"e2e"`` the head's link pair of the
            end-to-end pair).
        sacrifice: The sacrificed pair.
        level: Rounds both pairs went through already.
        bit: The coordinator's bit as read.
    """

    circuit: CircuitId
    scope: str
    keep: EntanglementId
    sacrifice: EntanglementId
    level: int
    bit: int


@dataclass(frozen=True, slots=True)
class QnpPurifyReply(PeerMessage):
    """Follower → coordinator: my bit of the round kept in ``keep`` (equal bits: success)."""

    circuit: CircuitId
    scope: str
    keep: EntanglementId
    bit: int


@dataclass(frozen=True, slots=True)
class QnpRawPair(PeerMessage):
    """Tail → head, with end-to-end purification: an end-to-end pair exists and enters
    purification (it is not delivered as such).

    Attributes:
        circuit: The circuit.
        head_pair: The head's link pair of the end-to-end pair (its name in the channel).
        bell_index: The pair's Bell state (its frame).
        goodness: Its estimated fidelity.
        create_time_ps: Herald time of its oldest link pair.
    """

    circuit: CircuitId
    head_pair: EntanglementId
    bell_index: int
    goodness: float
    create_time_ps: int


@dataclass(frozen=True, slots=True)
class QnpSwapped(PeerMessage):
    """Nested swapping: the sender swapped; the receiver's half of link pair ``pair`` now
    belongs to a pair whose other end is at path index ``reach``, on link pair ``far``."""

    circuit: CircuitId
    pair: EntanglementId
    reach: int
    far: EntanglementId


@dataclass(frozen=True, slots=True)
class QnpConsumed(PeerMessage):
    """Downstream → upstream end of a hop: my half of link pair ``pair`` left my memory
    (swapped, delivered, purified away or freed). Flow control: the upstream end counts the
    hop's pairs still held at *either* end against the window, so a repeater's memory cannot
    fill up with halves its upstream neighbour keeps requesting."""

    circuit: CircuitId
    pair: EntanglementId
