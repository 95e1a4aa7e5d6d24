"""A node's quantum hardware as a physical-layer entity: memory slots and heralded links.

Theory of operation
-------------------
The entity serves the primitives of :mod:`qnetstack.physical.primitives`:

* ``GenerateRequest(remote, tag)``: reserve a free memory slot and tell the link's heralding
  station that this node is attempting for ``tag`` (:class:`~.messages.AttemptStart`). With no free
  slot it answers ``GenerateFailure(OUT_OF_MEMORY)`` at once.
* A :class:`~.messages.Herald` from the station binds the heralded half to the reserved slot and
  indicates ``PairReadyIndication`` upwards. A herald for a tag that was aborted (or never
  requested) is discarded: the half is dropped from the pair store.
* ``AbortRequest`` frees the reservation and tells the station; ``FreeRequest`` releases a slot.
* ``TeleportRequest`` measures a payload qubit with a held half in the Bell basis (the sending
  side of teleportation; noise as for a swap: ``swap_noise``) and frees the slot.

The entity is platform-neutral; a platform passes its own node parameters (slot count).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from qnetstack.physical.messages import AttemptAbort, AttemptStart, Herald
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    MeasureConfirm,
    MeasureRequest,
    MoveFailure,
    MoveRequest,
    PairReadyIndication,
    PurifyConfirm,
    PurifyRequest,
    SwapConfirm,
    SwapRequest,
    TeleportConfirm,
    TeleportRequest,
)
from qnetstack.physical.qstore import PairStore
from qnetstack.quantum import DensityMatrix, MeasureBasis
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    Primitive,
    SendPeer,
    Trace,
    TraceRecord,
)

__all__ = ["MemoryDevice"]


class MemoryDevice:
    """Memory slots plus heralded links of one node.

    Args:
        name: Node name.
        links: Link information per remote node.
        store: Shared pair store.
        memory_slots: Number of qubits that can hold a pair half.
        rng: Stream for measurement outcomes.
        swap_noise: Gate depolarising and per-bit readout error of a Bell-state measurement.
    """

    layer: ClassVar[LayerName] = LayerName.PHYSICAL

    def __init__(
        self,
        name: str,
        links: dict[str, LinkInfo],
        store: PairStore,
        memory_slots: int,
        rng: np.random.Generator | None = None,
        *,
        swap_noise: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        if memory_slots < 1:
            raise ValueError(f"memory_slots must be >= 1, got {memory_slots}")
        self.name = name
        self._rng = rng
        self.swap_noise = swap_noise
        """(gate depolarising probability, per-bit readout error) of a Bell-state measurement."""
        self.links = links
        self.store = store
        self.memory_slots = memory_slots
        self._free: list[int] = list(range(memory_slots - 1, -1, -1))  # pop() gives slot 0 first
        self._reserved: dict[tuple[str, int], int] = {}  # (remote, tag) -> slot
        self._held: dict[int, tuple[int, int]] = {}  # slot -> (pair_id, qubit_index)
        self._measure_bases: dict[tuple[str, int], MeasureBasis] = {}  # measure-directly requests

    @property
    def free_slots(self) -> int:
        """Slots neither reserved nor holding a qubit."""
        return len(self._free)

    @property
    def rng(self) -> np.random.Generator:
        """The node's random stream (measurement outcomes, swap outcomes).

        Raises:
            LocalProtocolError: The device was built without one: a default stream would be
                shared by every such device and silently correlate their outcomes.
        """
        if self._rng is None:
            raise LocalProtocolError(
                f"{self.name}: built without an rng; measurements and swaps need the node's stream"
            )
        return self._rng

    @property
    def occupied(self) -> dict[int, tuple[int, int]]:
        """``slot -> (pair_id, qubit_index)`` for every slot holding a half (current ids)."""
        return {slot: self.held(slot) for slot in self._held}

    def held(self, slot: int) -> tuple[int, int]:
        """``(pair_id, qubit_index)`` of the half in ``slot``, as it is now (after swaps)."""
        try:
            half = self._held[slot]
        except KeyError:
            raise LocalProtocolError(f"{self.name}: slot {slot} holds no qubit") from None
        current = self.store.resolve(*half)
        if current != half:
            self._held[slot] = current
        return current

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case GenerateRequest(remote, tag, alpha, measure_basis):
                return self._generate(remote, tag, alpha, measure_basis)
            case AbortRequest(remote, tag):
                self._measure_bases.pop((remote, tag), None)
                slot = self._reserved.pop((remote, tag), None)
                if slot is None:
                    return []
                self._release_slot(slot)
                return [SendPeer(self.links[remote].geometry.station, AttemptAbort(tag))]
            case FreeRequest(slot):
                pair = self._held.pop(slot, None)
                if pair is None:
                    raise LocalProtocolError(f"{self.name}: FreeRequest for empty slot {slot}")
                self.store.discard(*pair)
                self._release_slot(slot)
                return []
            case MeasureRequest(slot, basis):
                outcome = self._measure(slot, basis, now_ps)
                return [Indicate(MeasureConfirm(slot, basis, outcome))]
            case MoveRequest(slot_from):
                return [Indicate(MoveFailure(slot_from, "UNSUPPORTED: all slots are alike"))]
            case SwapRequest(slot_1, slot_2):
                gate, readout = self.swap_noise
                outcome = self._swap(
                    slot_1, slot_2, now_ps, gate_depolar_prob=gate, readout_flip_prob=readout
                )
                return [Indicate(SwapConfirm(slot_1, slot_2, outcome))]
            case TeleportRequest(slot, payload):
                gate, readout = self.swap_noise
                outcome = self._teleport(slot, payload, now_ps, gate, readout)
                return [Indicate(TeleportConfirm(slot, outcome >> 1, outcome & 1))]
            case PurifyRequest(keep_slot, sacrifice_slot):
                gate, readout = self.swap_noise
                outcome = self._purify(primitive, now_ps, gate, readout)
                return [Indicate(PurifyConfirm(keep_slot, sacrifice_slot, outcome))]
        raise LocalProtocolError(f"{self.name}: physical layer cannot handle {primitive!r}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        raise LocalProtocolError("the physical layer is the bottom of the stack")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if not isinstance(pdu, Herald):
            raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        remote = self._remote_of_station(src)
        slot = self._reserved.pop((remote, pdu.tag), None)
        if slot is None:  # aborted meanwhile: the half is lost
            self.store.discard(pdu.pair_id, pdu.qubit_index)
            return [Trace(TraceRecord("herald-discarded", {"remote": remote, "tag": pdu.tag}))]
        herald_time_ps = now_ps - self._arm_delay_ps(remote)
        basis = self._measure_bases.pop((remote, pdu.tag), None)
        outcome: int | None = None
        kept_slot: int | None = slot
        if basis is None:
            self._held[slot] = (pdu.pair_id, pdu.qubit_index)
        else:
            # Measured right after emission: the state as it was when the photon left.
            emitted_ps = herald_time_ps - self._arm_delay_ps(remote)
            outcome = self._measure_at_emission(pdu.pair_id, pdu.qubit_index, basis, emitted_ps)
            self._release_slot(slot)
            kept_slot = None
        indication = PairReadyIndication(
            remote=remote,
            tag=pdu.tag,
            pair_id=pdu.pair_id,
            slot=kept_slot,
            bell_index=pdu.bell_index,
            attempts=pdu.attempts,
            herald_time_ps=herald_time_ps,
            expected_fidelity=pdu.expected_fidelity,
            outcome=outcome,
            basis=basis,
        )
        return [Indicate(indication)]

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return []

    # --- helpers --------------------------------------------------------------------------

    def _swap(
        self,
        slot_1: int,
        slot_2: int,
        now_ps: int,
        *,
        gate_depolar_prob: float = 0.0,
        readout_flip_prob: float = 0.0,
    ) -> int:
        """Bell-state measurement on two held halves; frees both slots; the reported outcome."""
        if slot_1 == slot_2:
            raise LocalProtocolError(f"{self.name}: cannot swap slot {slot_1} with itself")
        half_1, half_2 = self.held(slot_1), self.held(slot_2)
        _, _, reported = self.store.swap(
            half_1,
            half_2,
            now_ps,
            self.rng,
            gate_depolar_prob=gate_depolar_prob,
            readout_flip_prob=readout_flip_prob,
        )
        for slot in (slot_1, slot_2):
            del self._held[slot]
            self._release_slot(slot)
        return reported

    def _teleport(
        self,
        slot: int,
        payload: DensityMatrix,
        now_ps: int,
        gate_depolar_prob: float,
        readout_flip_prob: float,
    ) -> int:
        """Bell-state measurement of ``payload`` with the half in ``slot``; frees the slot;
        the reported outcome (Bell index)."""
        half = self.held(slot)
        try:
            _, reported, _ = self.store.teleport(
                half,
                payload,
                now_ps,
                self.rng,
                gate_depolar_prob=gate_depolar_prob,
                readout_flip_prob=readout_flip_prob,
            )
        except ValueError as exc:
            raise LocalProtocolError(f"{self.name}: teleport from slot {slot}: {exc}") from None
        del self._held[slot]
        self._release_slot(slot)
        return reported

    def _purify(
        self, request: PurifyRequest, now_ps: int, gate_depolar_prob: float, readout: float
    ) -> int:
        """This node's part of a purification round; frees the sacrificed slot; its bit."""
        keep_slot, sacrifice_slot = request.keep_slot, request.sacrifice_slot
        if keep_slot == sacrifice_slot:
            raise LocalProtocolError(f"{self.name}: cannot purify slot {keep_slot} with itself")
        try:
            bit = self.store.purify_local(
                self.name,
                self.held(keep_slot),
                self.held(sacrifice_slot),
                request.protocol,
                (request.keep_frame, request.sacrifice_frame),
                now_ps,
                self.rng,
                gate_depolar_prob=gate_depolar_prob,
                readout_flip_prob=readout,
            )
        except ValueError as exc:
            raise LocalProtocolError(f"{self.name}: {request!r}: {exc}") from None
        del self._held[sacrifice_slot]  # measured: the store ends the pair with the round
        self._release_slot(sacrifice_slot)
        return bit

    def _measure_at_emission(
        self, pair_id: int, qubit_index: int, basis: MeasureBasis, emitted_ps: int
    ) -> int:
        """Measure-directly readout of a heralded half (ideal here; platforms add their
        readout errors). ``basis`` may be an X–Z-plane angle (see :data:`MeasureBasis`)."""
        return self.store.measure(pair_id, qubit_index, basis, self.rng, emitted_ps)

    def _measure(self, slot: int, basis: MeasureBasis, now_ps: int) -> int:
        """Ideal measurement of the half in ``slot``; the slot is freed. ``basis`` may be an
        X–Z-plane angle (see :data:`MeasureBasis`)."""
        angle = isinstance(basis, float) and math.isfinite(basis)
        if basis not in ("Z", "X", "Y") and not angle:
            raise LocalProtocolError(
                f"{self.name}: basis must be 'Z', 'X', 'Y' or a finite angle, got {basis!r}"
            )
        pair_id, qubit_index = self.held(slot)
        del self._held[slot]
        self._release_slot(slot)
        return self.store.measure(pair_id, qubit_index, basis, self.rng, now_ps)

    def _allocate_slot(self) -> int | None:
        """The slot a new heralded half will occupy, or ``None`` when memory is full."""
        return self._free.pop() if self._free else None

    def _release_slot(self, slot: int) -> None:
        """Make ``slot`` available to the allocator again."""
        self._free.append(slot)

    def _generate(
        self,
        remote: str,
        tag: int,
        alpha: float | None = None,
        measure_basis: MeasureBasis | None = None,
    ) -> list[Effect]:
        info = self.links.get(remote)
        if info is None:
            failure = GenerateFailure(remote, tag, GenerateFailureReason.NO_LINK)
            return [Indicate(failure)]
        if (remote, tag) in self._reserved:
            raise LocalProtocolError(f"{self.name}: tag {tag} with {remote} is already active")
        slot = self._allocate_slot()
        if slot is None:
            return [Indicate(GenerateFailure(remote, tag, GenerateFailureReason.OUT_OF_MEMORY))]
        self._reserved[(remote, tag)] = slot
        if measure_basis is not None:
            if not _valid_measure_basis(measure_basis):
                raise LocalProtocolError(
                    f"{self.name}: measure_basis must be 'Z', 'X', 'Y' or a finite angle in "
                    f"radians, got {measure_basis!r}"
                )
            self._measure_bases[(remote, tag)] = measure_basis
        start = AttemptStart(tag, alpha, measured=measure_basis is not None)
        return [SendPeer(info.geometry.station, start)]

    def _remote_of_station(self, station: str) -> str:
        for remote, info in self.links.items():
            if info.geometry.station == station:
                return remote
        raise PeerProtocolError(f"{self.name}: herald from unknown station {station!r}")

    def _arm_delay_ps(self, remote: str) -> int:
        geometry = self.links[remote].geometry
        if geometry.node_a == self.name:
            return geometry.arm_a_delay_ps
        return geometry.arm_b_delay_ps


def _valid_measure_basis(basis: object) -> bool:
    """A named basis, or a finite X–Z-plane angle in radians (a bool is neither)."""
    if isinstance(basis, str):
        return basis in ("Z", "X", "Y")
    return isinstance(basis, int | float) and not isinstance(basis, bool) and math.isfinite(basis)
