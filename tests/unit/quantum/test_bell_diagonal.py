"""Unit tests for qnetstack.quantum.bell_diagonal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.quantum import BellDiagonal, BellIndex, DensityMatrix

SECOND_PS = 10**12


def test_constructor_validates_and_freezes():
    state = BellDiagonal([0.7, 0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="read-only"):
        state.coefficients[0] = 1.0
    assert BellDiagonal([1.0, -1e-13, 0.0, 0.0]).coefficients[1] == 0.0


@pytest.mark.parametrize(
    ("coefficients", "match"),
    [
        ([0.5, 0.5, 0.0], "shape"),
        ([1.1, -0.1, 0.0, 0.0], ">= 0"),
        ([0.5, 0.4, 0.0, 0.0], "sum to 1"),
        ([np.nan, 0.0, 0.0, 1.0], "finite"),
    ],
)
def test_constructor_rejects_non_probability_vectors(coefficients, match):
    with pytest.raises(ValueError, match=match):
        BellDiagonal(coefficients)


def test_named_constructors_and_fidelity():
    assert BellDiagonal.bell(BellIndex.PSI_MINUS).fidelity(BellIndex.PSI_MINUS) == 1.0
    werner = BellDiagonal.werner(0.85, BellIndex.PHI_MINUS)
    np.testing.assert_allclose(werner.coefficients, [0.05, 0.05, 0.85, 0.05])
    assert werner.most_likely() is BellIndex.PHI_MINUS


def test_density_matrix_round_trip():
    state = BellDiagonal([0.4, 0.3, 0.2, 0.1])
    dm = state.to_density_matrix()
    assert dm.n_qubits == 2
    assert dm.fidelity_bell(BellIndex.PHI_MINUS) == pytest.approx(0.2)
    assert BellDiagonal.from_density_matrix(dm).allclose(state, atol=1e-15)
    with pytest.raises(ValueError, match="two-qubit"):
        BellDiagonal.from_density_matrix(DensityMatrix.zero(1))


def test_from_density_matrix_drops_coherences():
    # |00⟩ = (Φ⁺ + Φ⁻)/√2: populations ½, ½ and the Φ⁺/Φ⁻ coherence is dropped.
    state = BellDiagonal.from_density_matrix(DensityMatrix.zero(2))
    np.testing.assert_allclose(state.coefficients, [0.5, 0, 0.5, 0], atol=1e-15)


def test_depolarise_formula():
    state = BellDiagonal([0.7, 0.2, 0.1, 0.0]).depolarise(0.4)
    np.testing.assert_allclose(state.coefficients, 0.6 * np.array([0.7, 0.2, 0.1, 0.0]) + 0.1)


def test_dephase_and_bit_flip_swap_partners():
    c = np.array([0.7, 0.2, 0.1, 0.0])
    np.testing.assert_allclose(
        BellDiagonal(c).dephase(0.25).coefficients, 0.75 * c + 0.25 * c[[2, 3, 0, 1]]
    )
    np.testing.assert_allclose(
        BellDiagonal(c).bit_flip(0.25).coefficients, 0.75 * c + 0.25 * c[[1, 0, 3, 2]]
    )


@pytest.mark.parametrize(("pauli", "mask"), [("I", 0), ("X", 1), ("Z", 2), ("Y", 3), (3, 3)])
def test_apply_pauli_permutes_by_xor(pauli, mask):
    c = np.array([0.4, 0.3, 0.2, 0.1])
    out = BellDiagonal(c).apply_pauli(pauli).coefficients
    np.testing.assert_allclose(out, c[[k ^ mask for k in range(4)]])


def test_pauli_channel_validation():
    with pytest.raises(ValueError, match="<= 1"):
        BellDiagonal.bell(0).pauli_channel(0.5, 0.5, 0.5)
    with pytest.raises(ValueError, match="p_y"):
        BellDiagonal.bell(0).pauli_channel(0.1, -0.1, 0.0)


def test_twirl_keeps_fidelity():
    state = BellDiagonal([0.1, 0.6, 0.2, 0.1]).twirl(BellIndex.PSI_PLUS)
    np.testing.assert_allclose(state.coefficients, [0.4 / 3, 0.6, 0.4 / 3, 0.4 / 3])


def test_pure_t2_memory_noise_gives_physics_f4():
    t2_ps = 1.46 * SECOND_PS
    state = BellDiagonal.bell(0).apply_memory_noise(SECOND_PS // 10, math.inf, t2_ps)
    assert state.fidelity() == pytest.approx((1 + math.exp(-0.1 / 1.46)) / 2)


def test_t1_memory_noise_equals_projected_density_matrix():
    state = BellDiagonal([0.8, 0.1, 0.05, 0.05])
    args = (SECOND_PS, 2 * SECOND_PS, 1.5 * SECOND_PS)
    exact = state.to_density_matrix().apply_memory_noise(0, *args)
    assert BellDiagonal.from_density_matrix(exact).allclose(
        state.apply_memory_noise(*args), atol=1e-12
    )


def test_value_semantics_and_repr():
    assert BellDiagonal.werner(0.9) == BellDiagonal.werner(0.9)
    assert hash(BellDiagonal.werner(0.9)) == hash(BellDiagonal.werner(0.9))
    assert repr(BellDiagonal.bell(0)) == "BellDiagonal([1, 0, 0, 0])"
