"""TeleportRequest on the hardware: MemoryDevice answers at once, frees the slot, applies its
swap noise; the link and network layers pass it down and its confirm up."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import link_info
from qnetstack.physical import GenerateRequest, MemoryDevice, PairStore
from qnetstack.physical.messages import Herald
from qnetstack.physical.primitives import TeleportConfirm, TeleportRequest
from qnetstack.physical.qstore import MemoryModel
from qnetstack.service import Indicate, LocalProtocolError
from qnetstack.transport.states import payload_density_matrix

STATION = "station:alice-bob"


def held_device(swap_noise: tuple[float, float] = (0.0, 0.0)) -> tuple[MemoryDevice, int]:
    store = PairStore()
    info = link_info("alice", "bob", arm_a_delay_ps=300, arm_b_delay_ps=700)
    dev = MemoryDevice(
        "alice", {"bob": info}, store, 2, np.random.default_rng(1), swap_noise=swap_noise
    )
    dev.from_above(GenerateRequest("bob", 0), 0)
    noiseless = (MemoryModel(), MemoryModel())
    pair_id = store.add(store.werner(1.0, 1), ("alice", "bob"), noiseless, (0, 0))
    dev.from_peer(STATION, Herald(0, pair_id, 0, 1, 1, 1.0), 1000)
    return dev, pair_id


def test_teleport_confirms_and_frees_the_slot() -> None:
    dev, pair_id = held_device()
    (slot,) = dev.occupied
    effects = dev.from_above(TeleportRequest(slot, payload_density_matrix("+i")), 2000)
    (effect,) = effects
    assert isinstance(effect, Indicate)
    confirm = effect.primitive
    assert isinstance(confirm, TeleportConfirm)
    assert confirm.slot == slot
    assert confirm.outcome == (confirm.m1 << 1) | confirm.m2
    assert dev.occupied == {}
    assert dev.free_slots == 2
    # bob's half now holds +i up to the Pauli outcome ⊕ Bell index 1
    state = dev.store.corrected(dev.store.qubit_state(pair_id, 1, 2000), confirm.outcome ^ 1)
    ket = np.array([1, 1j]) / np.sqrt(2)
    assert state.fidelity_pure(ket) == pytest.approx(1.0)
    with pytest.raises(LocalProtocolError):
        dev.from_above(TeleportRequest(slot, payload_density_matrix("0")), 3000)


def test_readout_errors_of_the_swap_noise_flip_reported_bits() -> None:
    """With readout error 1 both bits are always misread: reported = true ⊕ 3."""
    dev, pair_id = held_device(swap_noise=(0.0, 1.0))
    (slot,) = dev.occupied
    (effect,) = dev.from_above(TeleportRequest(slot, payload_density_matrix("0")), 2000)
    reported = effect.primitive.outcome  # type: ignore[union-attr]
    state = dev.store.qubit_state(pair_id, 1, 2000)
    true = reported ^ 3
    assert dev.store.corrected(state, true ^ 1).fidelity_pure(np.array([1, 0])) == pytest.approx(
        1.0
    )
