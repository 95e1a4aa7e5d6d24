"""Service primitives of the physical layer: what the link layer may ask of a node's hardware.

The physical layer offers *one heralded pair at a time* per request: the link layer asks for a
pair with a remote node (``GenerateRequest``); the hardware attempts until the heralding station
announces success and then indicates ``PairReadyIndication`` with the memory slot that now holds
this node's half, the Bell state the herald announced and the number of attempts it took.
Pairs stay in memory (decohering) until the link layer frees the slot (``FreeRequest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import DensityMatrix, MeasureBasis
from qnetstack.service import Primitive

__all__ = [
    "AbortRequest",
    "FreeRequest",
    "GenerateFailure",
    "GenerateFailureReason",
    "GenerateRequest",
    "MeasureConfirm",
    "MeasureRequest",
    "MoveConfirm",
    "MoveFailure",
    "MoveRequest",
    "PairReadyIndication",
    "PhysicalRequest",
    "PurifyConfirm",
    "PurifyRequest",
    "SwapConfirm",
    "SwapRequest",
    "TeleportConfirm",
    "TeleportRequest",
]


@dataclass(frozen=True, slots=True)
class GenerateRequest(Primitive):
    """Attempt to generate one heralded pair with ``remote``.

    Both ends must issue a request with the same ``tag``: the heralding station starts attempts
    only when both nodes are ready, as in the midpoint heralding protocol of Dahlberg et al. 2019.

    Attributes:
        remote: The node at the other end of the link.
        tag: Identifier both ends agree on (the link layer derives it from its request and pair
            sequence numbers).
        alpha: Bright-state population for these attempts (single-click platforms), chosen by
            the link layer's fidelity estimation; ``None`` uses the platform's configured value.
            Platforms without the parameter ignore it.
        measure_basis: ``None`` keeps the pair in memory. A basis ('Z', 'X', 'Y', or an X–Z-plane
            angle in radians, see :data:`~qnetstack.quantum.MeasureBasis`) measures this
            node's half *right after emission* (the measure-directly mode of Dahlberg et al.
            2019, used for QKD): the pair never waits in memory, and the indication carries the
            outcome instead of a slot.
    """

    remote: str
    tag: int
    alpha: float | None = None
    measure_basis: MeasureBasis | None = None


@dataclass(frozen=True, slots=True)
class AbortRequest(Primitive):
    """Stop attempting for ``tag``; a pair heralded after the abort is discarded on arrival."""

    remote: str
    tag: int


@dataclass(frozen=True, slots=True)
class FreeRequest(Primitive):
    """Release the memory slot ``slot`` (the qubit is discarded and the slot can be reused)."""

    slot: int


@dataclass(frozen=True, slots=True)
class MeasureRequest(Primitive):
    """Measure the qubit in ``slot`` in ``basis`` ('Z', 'X', 'Y', or an X–Z-plane angle in
    radians, see :data:`~qnetstack.quantum.MeasureBasis`); the slot is freed.

    The answer is a :class:`MeasureConfirm` after the hardware's readout time, with the
    hardware's readout errors applied to the reported outcome.
    """

    slot: int
    basis: MeasureBasis = "Z"


@dataclass(frozen=True, slots=True)
class MoveRequest(Primitive):
    """Move the half in ``slot_from`` to a free memory qubit (on NV: electron → carbon).

    Answered by :class:`MoveConfirm` once the move is done, or :class:`MoveFailure`.
    """

    slot_from: int


@dataclass(frozen=True, slots=True)
class SwapRequest(Primitive):
    """Entanglement swapping: a Bell-state measurement on the halves in ``slot_1`` and ``slot_2``.

    Both slots are freed. The answer, :class:`SwapConfirm`, comes after the hardware's gate and
    readout time and carries the outcome as read (readout errors included); the two remote
    halves now form one pair whose Bell state is the XOR of the two pairs' Bell indices and the
    true outcome (``qnetstack.quantum.swap_frame``).
    """

    slot_1: int
    slot_2: int


@dataclass(frozen=True, slots=True)
class PurifyRequest(Primitive):
    """This node's part of one purification round on the pairs in ``keep_slot`` and
    ``sacrifice_slot`` (both shared with the same remote node).

    The node corrects both pairs' announced Bell states to Φ⁺ in software (``keep_frame``,
    ``sacrifice_frame``; both ends pass the same values), applies ``protocol``'s local
    operations (:mod:`qnetstack.physical.purification`; DEJMPS: a basis rotation) and a CNOT
    from the kept half to the sacrificed half, and measures the sacrificed half in Z; that slot
    is freed, the kept half stays in ``keep_slot``. The answer, :class:`PurifyConfirm`, carries
    this node's bit as read: the two nodes exchange their bits, and the round succeeded when
    they are equal (see :mod:`qnetstack.physical.purify`; after success the kept pair is in
    Φ⁺).
    """

    keep_slot: int
    sacrifice_slot: int
    protocol: PurificationProtocol
    keep_frame: int
    sacrifice_frame: int


@dataclass(frozen=True, slots=True)
class TeleportRequest(Primitive):
    """Teleportation's sending side: a Bell-state measurement on a payload qubit and the half in
    ``slot``.

    The node prepares ``payload`` (one qubit; in the simulation its density matrix stands for
    the qubit the user hands over) and measures it with its half in the Bell basis, with the
    same gate and readout noise as entanglement swapping; the slot is freed. The answer,
    :class:`TeleportConfirm`, carries the two outcome bits as read. The pair's other half now
    holds the payload up to the Pauli with XOR mask ``outcome ⊕ bell_index`` (the pair's Bell
    state), which the receiver applies (see :meth:`~qnetstack.physical.qstore.PairStore.teleport`).
    """

    slot: int
    payload: DensityMatrix


PhysicalRequest = (
    GenerateRequest
    | AbortRequest
    | FreeRequest
    | MeasureRequest
    | MoveRequest
    | SwapRequest
    | PurifyRequest
    | TeleportRequest
)
"""Every primitive the physical layer accepts from above."""


@dataclass(frozen=True, slots=True)
class MeasureConfirm(Primitive):
    """The outcome (0 or 1) of a :class:`MeasureRequest` as the detector reported it."""

    slot: int
    basis: MeasureBasis
    outcome: int


@dataclass(frozen=True, slots=True)
class MoveConfirm(Primitive):
    """The half that was in ``slot_from`` is now in ``slot_to``."""

    slot_from: int
    slot_to: int


@dataclass(frozen=True, slots=True)
class MoveFailure(Primitive):
    """A :class:`MoveRequest` could not be served (no free memory qubit, or empty slot)."""

    slot_from: int
    reason: str


@dataclass(frozen=True, slots=True)
class PairReadyIndication(Primitive):
    """A heralded pair is in memory.

    Attributes:
        remote: Node holding the other half.
        tag: The tag of the :class:`GenerateRequest`.
        pair_id: Identifier of the pair, equal at both ends.
        slot: Memory slot holding this node's half; ``None`` for a measured-directly pair.
        bell_index: The Bell state the herald announced (``BellIndex`` value, 0..3).
        attempts: Attempts the pair took (including the successful one).
        herald_time_ps: When the station heralded success.
        expected_fidelity: The platform's fidelity of a freshly heralded pair to ``bell_index``
            (before memory decoherence); a model value, never used for reported fidelities.
        outcome: For a measured-directly pair, the reported measurement outcome (0 or 1,
            readout errors included); ``None`` for a kept pair.
        basis: The basis of ``outcome``.
    """

    remote: str
    tag: int
    pair_id: int
    slot: int | None
    bell_index: int
    attempts: int
    herald_time_ps: int
    expected_fidelity: float
    outcome: int | None = None
    basis: MeasureBasis | None = None


class GenerateFailureReason(StrEnum):
    """Why a :class:`GenerateRequest` could not be served."""

    OUT_OF_MEMORY = "OUT_OF_MEMORY"
    """No free memory slot at this node."""
    NO_LINK = "NO_LINK"
    """This node has no heralded link to the requested remote node."""


@dataclass(frozen=True, slots=True)
class GenerateFailure(Primitive):
    """A :class:`GenerateRequest` was refused at once (no attempt was made)."""

    remote: str
    tag: int
    reason: GenerateFailureReason


@dataclass(frozen=True, slots=True)
class SwapConfirm(Primitive):
    """A :class:`SwapRequest` is done; ``outcome`` is the Bell index as read (0..3)."""

    slot_1: int
    slot_2: int
    outcome: int


@dataclass(frozen=True, slots=True)
class PurifyConfirm(Primitive):
    """This node's part of a :class:`PurifyRequest` is done; ``outcome`` is its bit as read."""

    keep_slot: int
    sacrifice_slot: int
    outcome: int


@dataclass(frozen=True, slots=True)
class TeleportConfirm(Primitive):
    """A :class:`TeleportRequest` is done; ``m1``, ``m2`` are the Bell-measurement bits as read.

    ``outcome`` = (m1 << 1) | m2 is the Bell index (``BellIndex``) the payload and the half
    were projected onto, the label convention of :mod:`qnetstack.quantum.bell`.
    """

    slot: int
    m1: int
    m2: int

    @property
    def outcome(self) -> int:
        """The Bell index ``(m1 << 1) | m2``."""
        return (self.m1 << 1) | self.m2
