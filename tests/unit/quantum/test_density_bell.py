"""Unit tests for the Bell-basis functions of qnetstack.quantum.density."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.quantum import (
    BellIndex,
    DensityMatrix,
    bell_probabilities,
    bell_state_measurement,
    project_bell,
    werner_twirl,
)
from qnetstack.quantum.gates import CNOT, H


def test_bell_probabilities_of_a_bell_state():
    np.testing.assert_allclose(bell_probabilities(DensityMatrix.bell(2), 0, 1), [0, 0, 1, 0])


def test_project_bell_equals_bsm_circuit():
    """Projecting onto β_m equals CNOT, H, Z readout with bits (z, x) = m."""
    rng = np.random.default_rng(11)
    g = rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8))
    dm = DensityMatrix(g @ g.conj().T / np.trace(g @ g.conj().T))
    circuit = dm.apply_unitary(CNOT, [0, 2]).apply_unitary(H, [0])
    for m in BellIndex:
        p_bell, state = project_bell(dm, 0, 2, m)
        p_z, after = circuit.project(0, m >> 1)
        p_x, after = after.project(2, m & 1)
        assert p_bell == pytest.approx(p_z * p_x)
        assert state.allclose(after.partial_trace([1]))


def test_entanglement_swap_of_two_phi_plus_pairs():
    register = DensityMatrix.bell(0).tensor(DensityMatrix.bell(0))
    for m in BellIndex:
        probability, state = project_bell(register, 1, 2, m)
        assert probability == pytest.approx(0.25)
        assert state.fidelity_bell(m) == pytest.approx(1.0)


def test_bell_state_measurement_samples_and_traces_out():
    register = DensityMatrix.bell(1).tensor(DensityMatrix.bell(2))
    rng = np.random.default_rng(5)
    outcomes = []
    for _ in range(400):
        outcome, state = bell_state_measurement(register, 1, 2, rng)
        assert state.n_qubits == 2
        assert state.fidelity_bell(1 ^ 2 ^ outcome) == pytest.approx(1.0)
        outcomes.append(int(outcome))
    counts = np.bincount(outcomes, minlength=4)
    assert np.all(counts > 60)  # each outcome has probability 1/4


def test_bell_state_measurement_never_returns_impossible_outcome():
    # Qubits 0 and 1 are in Φ⁻: every draw must give Φ⁻.
    register = DensityMatrix.bell(2).tensor(DensityMatrix.zero(1))
    rng = np.random.default_rng(0)
    assert {bell_state_measurement(register, 0, 1, rng)[0] for _ in range(50)} == {2}


def test_project_bell_errors():
    with pytest.raises(ValueError, match=">= 3 qubits"):
        project_bell(DensityMatrix.bell(0), 0, 1, 0)
    register = DensityMatrix.bell(0).tensor(DensityMatrix.zero(1))
    with pytest.raises(ValueError, match="probability"):
        project_bell(register, 0, 1, BellIndex.PSI_MINUS)


@pytest.mark.parametrize("b", list(BellIndex))
def test_werner_twirl_gives_werner_with_same_fidelity(b):
    rng = np.random.default_rng(int(b))
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    dm = DensityMatrix(g @ g.conj().T / np.trace(g @ g.conj().T))
    twirled = werner_twirl(dm, b)
    assert twirled.allclose(DensityMatrix.werner(dm.fidelity_bell(b), b), atol=1e-12)


def test_werner_twirl_needs_a_pair():
    with pytest.raises(ValueError, match="two-qubit"):
        werner_twirl(DensityMatrix.zero(3))
