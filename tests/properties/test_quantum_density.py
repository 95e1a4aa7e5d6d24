"""Properties of DensityMatrix: every physical operation keeps a valid state."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import apply_dm_operation, density_matrices, dm_operations, unitaries

from qnetstack.quantum import DensityMatrix

PROPERTY_SETTINGS = settings(deadline=None, max_examples=150)


def assert_valid(dm: DensityMatrix) -> None:
    matrix = dm.matrix
    assert np.allclose(matrix, matrix.conj().T, rtol=0.0, atol=1e-12)
    assert abs(np.trace(matrix) - 1.0) <= 1e-9
    assert dm.min_eigenvalue() >= -1e-12


@st.composite
def registers_with_operations(draw: st.DrawFn) -> tuple[DensityMatrix, list[tuple[object, ...]]]:
    dm = draw(density_matrices())
    ops = draw(st.lists(dm_operations(dm.n_qubits), max_size=12))
    return dm, ops


@PROPERTY_SETTINGS
@given(registers_with_operations())
def test_operation_sequences_keep_a_valid_state(case):
    dm, ops = case
    assert_valid(dm)
    for op in ops:
        dm = apply_dm_operation(dm, op)
        assert_valid(dm)


@PROPERTY_SETTINGS
@given(density_matrices(n_qubits=3), unitaries(2))
def test_apply_unitary_matches_kron_reference(dm, u):
    # Reference for targets (2, 0): move old qubits (2, 0, 1) to positions (0, 1, 2), apply the
    # full operator kron(U, I), and move them back with the inverse permutation (1, 2, 0).
    moved = dm.permute([2, 0, 1])
    full = np.kron(u, np.eye(2))
    reference = DensityMatrix(full @ moved.matrix @ full.conj().T).permute([1, 2, 0])
    assert dm.apply_unitary(u, [2, 0]).allclose(reference, atol=1e-12)


@PROPERTY_SETTINGS
@given(density_matrices(n_qubits=2), density_matrices(n_qubits=1))
def test_tensor_then_partial_trace_recovers_factors(a, b):
    joint = a.tensor(b)
    assert joint.partial_trace([0, 1]).allclose(a, atol=1e-12)
    assert joint.partial_trace([2]).allclose(b, atol=1e-12)


@PROPERTY_SETTINGS
@given(density_matrices(max_qubits=2), density_matrices(max_qubits=2))
def test_fidelity_is_symmetric_and_bounded(a, b):
    if a.n_qubits != b.n_qubits:
        b = DensityMatrix.maximally_mixed(a.n_qubits)
    f_ab = a.fidelity(b)
    assert 0.0 <= f_ab <= 1.0
    assert abs(f_ab - b.fidelity(a)) <= 1e-7
    assert abs(a.fidelity(a) - 1.0) <= 1e-7


@PROPERTY_SETTINGS
@given(density_matrices(), st.data())
def test_measurement_probabilities_sum_to_one(dm, data):
    qubit = data.draw(st.integers(0, dm.n_qubits - 1))
    basis = data.draw(st.sampled_from(["Z", "X", "Y"]))
    p0, p1 = dm.outcome_probabilities(qubit, basis)
    assert 0.0 <= p0 <= 1.0
    assert abs(p0 + p1 - 1.0) <= 1e-12
