"""The element-wise noise fast path equals the Kraus-operator channels it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.quantum import (
    DensityMatrix,
    amplitude_damping_kraus,
    dephasing_kraus,
    depolarising_kraus,
)


def _random_dm(n_qubits: int, seed: int) -> DensityMatrix:
    rng = np.random.default_rng(seed)
    dim = 2**n_qubits
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    rho = a @ a.conj().T
    return DensityMatrix(rho / np.trace(rho))


@pytest.mark.parametrize("n_qubits", [1, 2, 3])
@pytest.mark.parametrize("p", [0.0, 0.013, 0.5, 1.0])
def test_fast_channels_match_kraus(n_qubits: int, p: float) -> None:
    rho = _random_dm(n_qubits, seed=n_qubits * 7 + int(p * 1000))
    for qubit in range(n_qubits):
        pairs = [
            (rho.depolarise(qubit, p), depolarising_kraus(p)),
            (rho.dephase(qubit, p), dephasing_kraus(p)),
            (rho.amplitude_damp(qubit, p), amplitude_damping_kraus(p)),
        ]
        for fast, kraus in pairs:
            reference = rho.apply_kraus(kraus, [qubit])
            np.testing.assert_allclose(fast.matrix, reference.matrix, atol=1e-13)


def test_memory_noise_matches_kraus_composition() -> None:
    rho = _random_dm(2, seed=3)
    t1_ps, t2_ps, dt_ps = 2.0e12, 1.5e12, 400_000_000_000
    gamma = 1 - np.exp(-dt_ps / t1_ps)
    p = 0.5 * (1 - np.exp(-dt_ps / t2_ps) / np.sqrt(1 - gamma))
    reference = rho.apply_kraus(amplitude_damping_kraus(gamma), [1]).apply_kraus(
        dephasing_kraus(p), [1]
    )
    fast = rho.apply_memory_noise(1, dt_ps, t1_ps, t2_ps)
    np.testing.assert_allclose(fast.matrix, reference.matrix, atol=1e-13)


def test_bad_probability_still_rejected() -> None:
    with pytest.raises(ValueError, match="p"):
        DensityMatrix.bell(0).dephase(0, 1.5)


@pytest.mark.parametrize("probabilities", [(0.0, 0.0, 0.0), (0.1, 0.05, 0.2), (0.3, 0.3, 0.4)])
def test_pauli_channel_matches_kraus(probabilities):
    from qnetstack.quantum import gates

    p_x, p_y, p_z = probabilities
    rho = _random_dm(3, seed=11)
    kraus = [np.sqrt(max(1 - p_x - p_y - p_z, 0.0)) * gates.I]
    paulis = (gates.X, gates.Y, gates.Z)
    kraus += [np.sqrt(p) * op for p, op in zip(probabilities, paulis, strict=True)]
    for qubit in range(3):
        fast = rho.pauli_channel(qubit, p_x, p_y, p_z)
        reference = rho.apply_kraus(kraus, [qubit]).matrix
        np.testing.assert_allclose(fast.matrix, reference, atol=1e-13)
    with pytest.raises(ValueError, match=r"must be <= 1"):
        rho.pauli_channel(0, 0.5, 0.4, 0.3)
