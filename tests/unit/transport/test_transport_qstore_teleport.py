"""PairStore.teleport: frames and the Werner fidelity (2F + 1)/3, exactly, in DM."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.physical.qstore import Formalism, MemoryModel, PairStore
from qnetstack.quantum import DensityMatrix
from qnetstack.transport.states import NAMED_STATES, bloch_ket, payload_density_matrix

_KETS = [np.array(k) for k in NAMED_STATES.values()] + [np.array(bloch_ket(0.7, 2.1))]


@pytest.mark.parametrize("formalism", list(Formalism))
@pytest.mark.parametrize("bell", range(4))
@pytest.mark.parametrize("local", [0, 1])
def test_teleport_frame_is_outcome_xor_bell(formalism: Formalism, bell: int, local: int) -> None:
    """With a perfect pair, correcting with outcome ⊕ bell index recovers the payload exactly,
    for every outcome drawn."""
    rng = np.random.default_rng(3)
    for ket in _KETS:
        for _ in range(4):
            store = PairStore(formalism)
            pid = store.add(store.werner(1.0, bell), ("A", "B"), (MemoryModel(), MemoryModel()),
                            (0, 0))  # fmt: skip
            payload = DensityMatrix.from_ket(ket)
            true, reported, _ = store.teleport((pid, local), payload, 0, rng)
            assert true == reported
            state = store.qubit_state(pid, 1 - local, 0)
            assert store.corrected(state, true ^ bell).fidelity_pure(ket) == pytest.approx(1.0)


@pytest.mark.parametrize("fidelity", [0.5, 0.8, 0.95])
def test_werner_teleport_fidelity_is_exact_per_outcome(fidelity: float) -> None:
    """For a Werner pair every outcome leaves the payload depolarised with the same weight, so
    each single run gives exactly (2F + 1)/3 (physics.md F7), not only on average."""
    rng = np.random.default_rng(5)
    expected = (2 * fidelity + 1) / 3
    for ket in _KETS:
        store = PairStore(Formalism.DM)
        pid = store.add(store.werner(fidelity, 2), ("A", "B"), (MemoryModel(), MemoryModel()),
                        (0, 0))  # fmt: skip
        payload = DensityMatrix.from_ket(ket)
        true, _, _ = store.teleport((pid, 0), payload, 0, rng)
        state = store.corrected(store.qubit_state(pid, 1, 0), true ^ 2)
        assert state.fidelity_pure(ket) == pytest.approx(expected, abs=1e-12)


def test_teleported_half_is_freed_with_the_remote_discard() -> None:
    store = PairStore()
    pid = store.add(store.werner(1.0, 0), ("A", "B"), (MemoryModel(), MemoryModel()), (0, 0))
    store.teleport((pid, 0), payload_density_matrix("0"), 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="already discarded"):
        store.teleport((pid, 0), payload_density_matrix("0"), 0, np.random.default_rng(0))
    store.discard(pid, 1)
    assert pid not in store
