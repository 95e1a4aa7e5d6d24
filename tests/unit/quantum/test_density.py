"""Unit tests for the DensityMatrix class."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import sqrtm

from qnetstack.quantum import BellIndex, DensityMatrix, bell_ket
from qnetstack.quantum.gates import CNOT, H, X, Y, Z, rx

SECOND_PS = 10**12


def ket(*amplitudes: complex) -> np.ndarray:
    return np.array(amplitudes, dtype=np.complex128)


# ----------------------------------------------------------------------- construction
def test_constructor_copies_and_freezes():
    source = np.eye(2) / 2
    dm = DensityMatrix(source)
    source[0, 0] = 7.0
    assert dm.matrix[0, 0] == 0.5
    assert dm.matrix.dtype == np.complex128
    with pytest.raises(ValueError, match="read-only"):
        dm.matrix[0, 0] = 1.0


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        (np.eye(3) / 3, "power of 2"),
        (np.ones((2, 4)), "square"),
        (np.ones(4), "square"),
        (np.full((2, 2), np.nan), "NaN"),
    ],
)
def test_constructor_rejects_bad_shapes(matrix, match):
    with pytest.raises(ValueError, match=match):
        DensityMatrix(matrix)


def test_named_constructors():
    assert DensityMatrix.zero(2).matrix[0, 0] == 1.0
    assert DensityMatrix.zero(3).n_qubits == 3
    np.testing.assert_allclose(DensityMatrix.maximally_mixed(2).matrix, np.eye(4) / 4)
    assert DensityMatrix.bell(BellIndex.PSI_MINUS).fidelity_bell(
        BellIndex.PSI_MINUS
    ) == pytest.approx(1)
    werner = DensityMatrix.werner(0.7, BellIndex.PSI_PLUS)
    assert werner.fidelity_bell(BellIndex.PSI_PLUS) == pytest.approx(0.7)
    assert werner.fidelity_bell(BellIndex.PHI_PLUS) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="fidelity"):
        DensityMatrix.werner(1.2)
    with pytest.raises(ValueError, match="normalised"):
        DensityMatrix.from_ket([1, 1])
    with pytest.raises(ValueError, match="n_qubits"):
        DensityMatrix.zero(0)


def test_value_semantics():
    assert DensityMatrix.bell(0) == DensityMatrix.bell(0)
    assert hash(DensityMatrix.bell(0)) == hash(DensityMatrix.bell(0))
    assert DensityMatrix.bell(0) != DensityMatrix.bell(1)
    assert "n_qubits=2" in repr(DensityMatrix.bell(0))


# ----------------------------------------------------------------------- gates
def test_cnot_on_10_gives_11():
    dm = DensityMatrix.from_ket(ket(0, 0, 1, 0)).apply_unitary(CNOT, [0, 1])
    assert dm.matrix[3, 3] == pytest.approx(1.0)


def test_cnot_target_order_is_respected():
    # |01⟩ with qubit 1 as control flips qubit 0 → |11⟩.
    dm = DensityMatrix.from_ket(ket(0, 1, 0, 0)).apply_unitary(CNOT, [1, 0])
    assert dm.matrix[3, 3] == pytest.approx(1.0)


def test_h_then_cnot_makes_phi_plus_on_non_adjacent_qubits():
    dm = DensityMatrix.zero(3).apply_unitary(H, [0]).apply_unitary(CNOT, [0, 2])
    assert dm.fidelity_bell(BellIndex.PHI_PLUS, qubits=(0, 2)) == pytest.approx(1.0)
    assert dm.partial_trace([1]).matrix[0, 0] == pytest.approx(1.0)


def test_apply_unitary_validation():
    dm = DensityMatrix.zero(2)
    with pytest.raises(ValueError, match="not unitary"):
        dm.apply_unitary(np.ones((2, 2)), [0])
    with pytest.raises(ValueError, match="must be 4x4"):
        dm.apply_unitary(X, [0, 1])
    with pytest.raises(ValueError, match="out of range"):
        dm.apply_unitary(X, [2])
    with pytest.raises(ValueError, match="distinct"):
        dm.apply_unitary(CNOT, [1, 1])


def test_apply_kraus_rejects_non_trace_preserving():
    with pytest.raises(ValueError, match="trace preserving"):
        DensityMatrix.zero(1).apply_kraus([np.diag([1.0, 0.0])], [0])


# ----------------------------------------------------------------------- noise
def test_amplitude_damping_of_one():
    dm = DensityMatrix.from_ket(ket(0, 1)).amplitude_damp(0, 0.3)
    np.testing.assert_allclose(dm.matrix, np.diag([0.3, 0.7]), atol=1e-15)


def test_depolarise_full_gives_maximally_mixed_qubit():
    dm = DensityMatrix.bell(0).depolarise(1, 1.0)
    np.testing.assert_allclose(dm.matrix, np.eye(4) / 4, atol=1e-15)


def test_dephase_bell_pair_fidelity():
    assert DensityMatrix.bell(0).dephase(0, 0.1).fidelity_bell() == pytest.approx(0.9)


def test_memory_noise_with_t1_matches_channel_sequence():
    plus = DensityMatrix.from_ket(ket(1, 1) / math.sqrt(2))
    dm = plus.apply_memory_noise(0, SECOND_PS, 2 * SECOND_PS, 1.5 * SECOND_PS)
    assert abs(dm.matrix[0, 1]) == pytest.approx(0.5 * math.exp(-1 / 1.5))
    assert dm.matrix[1, 1].real == pytest.approx(0.5 * math.exp(-0.5))


# ----------------------------------------------------------------------- measurement
def test_measure_statistics_with_seeded_rng():
    rng = np.random.default_rng(12345)
    dm = DensityMatrix.from_ket(ket(math.sqrt(0.2), math.sqrt(0.8)))
    outcomes = [dm.measure(0, rng)[0] for _ in range(20000)]
    assert np.mean(outcomes) == pytest.approx(0.8, abs=3 * math.sqrt(0.16 / 20000))


def test_measure_is_reproducible_and_collapses_the_partner():
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    out_a, state_a = DensityMatrix.bell(0).measure(0, rng_a)
    out_b, state_b = DensityMatrix.bell(0).measure(0, rng_b)
    assert (out_a, state_a) == (out_b, state_b)
    assert state_a.matrix[3 * out_a, 3 * out_a] == pytest.approx(1.0)


@pytest.mark.parametrize(("basis", "eigen"), [("X", X), ("Y", Y), ("Z", Z)])
def test_measurement_bases_and_post_state(basis, eigen):
    w, v = np.linalg.eigh(eigen)
    plus_eigenstate = v[:, np.argmax(w)]
    dm = DensityMatrix.from_ket(plus_eigenstate)
    assert dm.outcome_probabilities(0, basis) == pytest.approx((1.0, 0.0))
    probability, post = DensityMatrix.maximally_mixed(1).project(0, 1, basis)
    assert probability == pytest.approx(0.5)
    assert np.real(np.trace(eigen @ post.matrix)) == pytest.approx(-1.0)


def test_project_zero_probability_raises():
    with pytest.raises(ValueError, match="probability"):
        DensityMatrix.zero(1).project(0, 1)
    with pytest.raises(ValueError, match="basis"):
        DensityMatrix.zero(1).project(0, 0, "W")  # type: ignore[arg-type]


# ----------------------------------------------------------------------- structure
def test_partial_trace_of_bell_state_is_maximally_mixed():
    for b in BellIndex:
        np.testing.assert_allclose(DensityMatrix.bell(b).partial_trace([1]).matrix, np.eye(2) / 2)


def test_partial_trace_orders_as_keep():
    dm = DensityMatrix.from_ket(np.kron(ket(1, 0), ket(0, 1)))  # |01⟩
    assert dm.partial_trace([1, 0]).matrix[2, 2] == pytest.approx(1.0)  # |10⟩ in new order


def test_tensor_and_permute():
    one, zero = DensityMatrix.from_ket(ket(0, 1)), DensityMatrix.zero(1)
    joint = one.tensor(zero)  # |10⟩
    assert joint.matrix[2, 2] == 1.0
    assert joint.permute([1, 0]).matrix[1, 1] == 1.0  # |01⟩
    with pytest.raises(ValueError, match="all 2 qubits"):
        joint.permute([0])


# ----------------------------------------------------------------------- figures of merit
def test_expectation_values_of_phi_plus():
    dm = DensityMatrix.bell(0)
    assert dm.expectation(np.kron(Z, Z), [0, 1]) == pytest.approx(1.0)
    assert dm.expectation(np.kron(Y, Y), [0, 1]) == pytest.approx(-1.0)
    assert dm.expectation(Z, [1]) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="Hermitian"):
        dm.expectation(np.array([[0, 1], [0, 0]]), [0])


def test_fidelity_pure_and_bell():
    dm = DensityMatrix.werner(0.8)
    assert dm.fidelity_pure(bell_ket(0)) == pytest.approx(0.8)
    assert dm.fidelity(DensityMatrix.bell(0)) == pytest.approx(0.8)


def test_uhlmann_fidelity_matches_scipy_reference():
    rng = np.random.default_rng(3)
    states = []
    for _ in range(2):
        g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
        rho = g @ g.conj().T
        states.append(rho / np.trace(rho))
    root = sqrtm(states[0])
    expected = np.real(np.trace(sqrtm(root @ states[1] @ root))) ** 2
    assert DensityMatrix(states[0]).fidelity(DensityMatrix(states[1])) == pytest.approx(expected)


def test_validity_checks():
    assert DensityMatrix.werner(0.5).is_valid()
    assert not DensityMatrix(np.diag([1.5, -0.5])).is_valid()
    assert DensityMatrix(np.diag([1.5, -0.5])).min_eigenvalue() == pytest.approx(-0.5)
    assert not DensityMatrix(np.diag([0.5, 0.4])).is_valid()
    assert not DensityMatrix(np.array([[0.5, 0.1], [0.2, 0.5]])).is_valid()
    assert DensityMatrix.zero(1).apply_unitary(rx(0.3), [0]).trace == pytest.approx(1.0)
