"""An NV node's hardware: one electron (communication qubit) and carbon-13 memory qubits.

Theory of operation
-------------------
Slot 0 is the electron spin, the only qubit with an optical interface: every heralded pair
lands there. Slots 1…n are carbon-13 nuclear spins, long-lived memories. The entity extends the
platform-neutral :class:`~qnetstack.physical.device.MemoryDevice` with what is specific to NV:

* generation needs the electron: a ``GenerateRequest`` while the electron holds a qubit is
  answered with ``GenerateFailure(OUT_OF_MEMORY)``;
* ``MoveRequest`` moves the electron's half into a free carbon (noise and duration in
  :mod:`.gates`); ``MeasureRequest`` reads a half out with the readout fidelities f0/f1
  (a carbon through the electron);
* every entanglement attempt re-initialises and re-excites the electron, which dephases the
  carbons through the hyperfine coupling: each carbon half held at the node is dephased with
  p = α(1 − e^{−1/N_1/e}) per attempt (physics.md F3, Coopmans et al. 2021 Suppl. Note 4c).
  A dephasing channel repeated k times is a dephasing channel with 1 − 2p_k = (1 − 2p)^k, so
  the node applies all the attempts of a run in one step when the herald tells it their count
  (exact, and identical in ``attempts`` and ``sampled`` modes).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from qnetstack.physical.device import MemoryDevice
from qnetstack.physical.messages import Herald
from qnetstack.physical.nv.gates import move_channel, move_duration_ps, noisy_readout
from qnetstack.physical.nv.params import NVConfig
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    AbortRequest,
    FreeRequest,
    GenerateRequest,
    MeasureConfirm,
    MeasureRequest,
    MoveConfirm,
    MoveFailure,
    MoveRequest,
    PurifyConfirm,
    PurifyRequest,
    SwapConfirm,
    SwapRequest,
    TeleportConfirm,
    TeleportRequest,
)
from qnetstack.physical.qstore import MemoryModel, PairStore
from qnetstack.quantum import DensityMatrix, MeasureBasis
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
    StartTimer,
)

__all__ = ["ELECTRON_SLOT", "NVDevice", "repeated_dephasing"]

ELECTRON_SLOT = 0
"""The communication qubit's slot."""

_PS_PER_S = 1e12


def repeated_dephasing(p: float, times: int) -> float:
    """The dephasing probability equivalent to ``times`` dephasing channels of probability p.

    Each channel multiplies the equatorial Bloch vector by (1 − 2p), so k of them give
    (1 − 2p)^k = 1 − 2p_k.
    """
    return 0.5 * (1.0 - (1.0 - 2.0 * p) ** times)


class NVDevice(MemoryDevice):
    """Electron plus carbons of one NV node.

    Args:
        name: Node name.
        links: Link information per remote node.
        store: Shared pair store.
        config: The NV platform configuration.
    """

    layer: ClassVar[LayerName] = LayerName.PHYSICAL

    def __init__(
        self,
        name: str,
        links: dict[str, LinkInfo],
        store: PairStore,
        config: NVConfig,
        rng: np.random.Generator,
    ) -> None:
        super().__init__(name, links, store, memory_slots=1 + config.carbon.count, rng=rng)
        self.config = config
        self.electron_memory = MemoryModel(
            config.electron.t1_s * _PS_PER_S, config.electron.t2_s * _PS_PER_S
        )
        self.carbon_memory = MemoryModel(
            config.carbon.t1_s * _PS_PER_S, config.carbon.t2_s * _PS_PER_S
        )
        self._p_attempt = config.nuclear_dephasing_prob(config.attempt_alpha)
        self._free.remove(ELECTRON_SLOT)  # carbons only: the electron has its own allocator
        self._moving: dict[int, int] = {}  # slot_from -> carbon slot, while a move runs
        self._started: dict[tuple[str, int], int] = {}  # (remote, tag) -> GenerateRequest time
        self._move_channel = move_channel(config)
        self._move_ps = move_duration_ps(config)

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case GenerateRequest(remote=remote, tag=tag):
                self._started[(remote, tag)] = now_ps
            case AbortRequest(remote, tag) if (remote, tag) in self._reserved:
                self._dephase_aborted_run(remote, tag, now_ps)
            case MeasureRequest(slot, basis):
                return self._start_measure(slot, basis, now_ps)
            case MoveRequest(slot_from):
                return self._start_move(slot_from)
            case SwapRequest(slot_1, slot_2):
                return self._start_swap(slot_1, slot_2, now_ps)
            case PurifyRequest():
                return self._start_purify(primitive, now_ps)
            case TeleportRequest(slot, payload):
                return self._start_teleport(slot, payload, now_ps)
            case FreeRequest(slot) if slot in self._moving or slot in self._moving.values():
                raise LocalProtocolError(f"{self.name}: slot {slot} is being moved")
        return super().from_above(primitive, now_ps)

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        match key:
            case ("measured", int(slot), str() | float() as basis, int(outcome)):
                return [Indicate(MeasureConfirm(slot, basis, outcome))]  # type: ignore[arg-type]
            case ("moved", int(slot_from)):
                return self._finish_move(slot_from, now_ps)
            case ("swapped", int(slot_1), int(slot_2), int(outcome)):
                return [Indicate(SwapConfirm(slot_1, slot_2, outcome))]
            case ("teleported", int(slot), int(outcome)):
                return [Indicate(TeleportConfirm(slot, outcome >> 1, outcome & 1))]
            case ("purified", int(keep_slot), int(sacrifice_slot), int(outcome)):
                return [Indicate(PurifyConfirm(keep_slot, sacrifice_slot, outcome))]
        raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if isinstance(pdu, Herald):
            self._started.pop((self._remote_of_station(src), pdu.tag), None)
            self._dephase_carbons(pdu.attempts, now_ps)
        return super().from_peer(src, pdu, now_ps)

    # --- helpers --------------------------------------------------------------------------

    def _allocate_slot(self) -> int | None:
        """Heralded halves always land on the electron, so it must be idle."""
        if ELECTRON_SLOT in self._held or ELECTRON_SLOT in self._reserved.values():
            return None
        return ELECTRON_SLOT

    def _release_slot(self, slot: int) -> None:
        if slot != ELECTRON_SLOT:  # the electron is tracked by _held/_reserved, not _free
            super()._release_slot(slot)

    def _start_measure(self, slot: int, basis: MeasureBasis, now_ps: int) -> list[Effect]:
        """Readout: rotate (X, Y, or an X–Z-plane angle: one electron gate), map a carbon onto
        the electron, read with f0/f1."""
        if slot in self._moving or slot in self._moving.values():
            raise LocalProtocolError(f"{self.name}: slot {slot} is being moved")
        pair_id, qubit_index = self.held(slot)
        cfg = self.config
        duration_us = cfg.electron.readout_duration_us
        if _needs_rotation(basis):
            self.store.apply_noise(
                pair_id, qubit_index, now_ps, depolarise=cfg.electron.gate_depolar_prob
            )
            duration_us += cfg.electron.gate_duration_ns * 1e-3
        if slot != ELECTRON_SLOT:
            self.store.apply_noise(
                pair_id, qubit_index, now_ps, depolarise=cfg.ec_gate.depolar_prob_per_qubit
            )
            duration_us += cfg.ec_gate.duration_us
        true_outcome = self._measure(slot, basis, now_ps)
        outcome = noisy_readout(
            true_outcome, cfg.electron.readout_f0, cfg.electron.readout_f1, self.rng
        )
        return [StartTimer(("measured", slot, basis, outcome), round(duration_us * 1e6))]

    def _measure_at_emission(
        self, pair_id: int, qubit_index: int, basis: MeasureBasis, emitted_ps: int
    ) -> int:
        """Measure-directly on the electron: basis rotation, then noisy readout.

        Every basis but Z needs a rotation before the Z readout (X, Y, and the X–Z-plane angles
        of E91: Ry(−θ)); it costs one electron gate, modelled as its depolarising. An angle that
        is a multiple of π is Z up to relabelling the outcome and needs none.
        """
        electron = self.config.electron
        if _needs_rotation(basis) and electron.gate_depolar_prob:
            self.store.apply_noise(
                pair_id, qubit_index, emitted_ps, depolarise=electron.gate_depolar_prob
            )
        true_outcome = super()._measure_at_emission(pair_id, qubit_index, basis, emitted_ps)
        return noisy_readout(true_outcome, electron.readout_f0, electron.readout_f1, self.rng)

    def _start_swap(self, slot_1: int, slot_2: int, now_ps: int) -> list[Effect]:
        """Bell-state measurement on the electron and a carbon (or two carbons via the
        electron): one E–C gate (its depolarising on both qubits), then both qubits read out
        through the electron, each bit misread with the mean readout error 1 − (f0 + f1)/2.
        Duration: two E–C gates (the gate, and mapping the carbon onto the electron) and two
        electron readouts."""
        for slot in (slot_1, slot_2):
            if slot in self._moving or slot in self._moving.values():
                raise LocalProtocolError(f"{self.name}: slot {slot} is being moved")
        cfg = self.config
        electron = cfg.electron
        outcome = self._swap(
            slot_1,
            slot_2,
            now_ps,
            gate_depolar_prob=cfg.ec_gate.depolar_prob_per_qubit,
            readout_flip_prob=1.0 - (electron.readout_f0 + electron.readout_f1) / 2,
        )
        duration_us = 2 * cfg.ec_gate.duration_us + 2 * electron.readout_duration_us
        return [StartTimer(("swapped", slot_1, slot_2, outcome), round(duration_us * 1e6))]

    def _start_teleport(self, slot: int, payload: DensityMatrix, now_ps: int) -> list[Effect]:
        """The sending side of teleportation, timed and noisy like a swap (the payload is
        taken to sit in the electron or a carbon next to the half): one E–C gate (its
        depolarising on both qubits), both qubits read out through the electron with the mean
        readout error. Duration: two E–C gates and two electron readouts."""
        if slot in self._moving or slot in self._moving.values():
            raise LocalProtocolError(f"{self.name}: slot {slot} is being moved")
        cfg = self.config
        electron = cfg.electron
        outcome = self._teleport(
            slot,
            payload,
            now_ps,
            cfg.ec_gate.depolar_prob_per_qubit,
            1.0 - (electron.readout_f0 + electron.readout_f1) / 2,
        )
        duration_us = 2 * cfg.ec_gate.duration_us + 2 * electron.readout_duration_us
        return [StartTimer(("teleported", slot, outcome), round(duration_us * 1e6))]

    def _start_purify(self, request: PurifyRequest, now_ps: int) -> list[Effect]:
        """This node's part of a purification round, like a Bell-state measurement: one E–C
        gate (its depolarising on both qubits), the sacrificed qubit read out through the
        electron (misread with the mean readout error). Duration: two E–C gates and one
        electron readout."""
        for slot in (request.keep_slot, request.sacrifice_slot):
            if slot in self._moving or slot in self._moving.values():
                raise LocalProtocolError(f"{self.name}: slot {slot} is being moved")
        cfg = self.config
        electron = cfg.electron
        outcome = self._purify(
            request,
            now_ps,
            cfg.ec_gate.depolar_prob_per_qubit,
            1.0 - (electron.readout_f0 + electron.readout_f1) / 2,
        )
        duration_us = 2 * cfg.ec_gate.duration_us + electron.readout_duration_us
        key = ("purified", request.keep_slot, request.sacrifice_slot, outcome)
        return [StartTimer(key, round(duration_us * 1e6))]

    def _start_move(self, slot_from: int) -> list[Effect]:
        if slot_from not in self._held or slot_from in self._moving:
            return [Indicate(MoveFailure(slot_from, "EMPTY_SLOT: nothing to move"))]
        if slot_from != ELECTRON_SLOT:
            return [Indicate(MoveFailure(slot_from, "UNSUPPORTED: only the electron is moved"))]
        if not self._free:
            return [Indicate(MoveFailure(slot_from, "OUT_OF_MEMORY: no free carbon"))]
        self._moving[slot_from] = self._free.pop()
        return [StartTimer(("moved", slot_from), self._move_ps)]

    def _finish_move(self, slot_from: int, now_ps: int) -> list[Effect]:
        carbon = self._moving.pop(slot_from)
        pair_id, qubit_index = self._held.pop(slot_from)
        channel = self._move_channel
        self.store.apply_pauli_channel(
            pair_id, qubit_index, now_ps, channel.p_x, channel.p_y, channel.p_z
        )
        self.store.set_memory(pair_id, qubit_index, self.carbon_memory, now_ps)
        self._held[carbon] = (pair_id, qubit_index)
        return [Indicate(MoveConfirm(slot_from, carbon))]

    def _dephase_aborted_run(self, remote: str, tag: int, now_ps: int) -> None:
        """An aborted run tells no attempt count: the node counts the attempt cycles it spent.

        Its first photon left one emission delay after the start (the station may have waited
        for the other node, so this is an upper bound on the attempts actually made).
        """
        started = self._started.pop((remote, tag), now_ps)
        info = self.links[remote]
        elapsed = now_ps - started - round(self.config.emission_delay_us * 1e6)
        if elapsed >= 0:
            self._dephase_carbons(1 + elapsed // info.attempt_cycle_ps, now_ps)

    def _dephase_carbons(self, attempts: int, now_ps: int) -> None:
        if not self._p_attempt:
            return
        p = repeated_dephasing(self._p_attempt, attempts)
        for slot, (pair_id, qubit_index) in self._held.items():
            if slot != ELECTRON_SLOT:
                self.store.apply_noise(pair_id, qubit_index, now_ps, dephase=p)


_ANGLE_ATOL = 1e-12
"""An angle whose sine is below this is treated as Z (or −Z) and read without a gate."""


def _needs_rotation(basis: MeasureBasis) -> bool:
    """Whether reading ``basis`` out needs a gate before the electron's Z readout."""
    if isinstance(basis, str):
        return basis != "Z"
    return abs(math.sin(basis)) > _ANGLE_ATOL
