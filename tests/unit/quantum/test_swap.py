"""Unit tests for qnetstack.quantum.swap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from qnetstack.quantum import BellDiagonal, BellIndex, pauli_correction, swap, swap_frame
from qnetstack.quantum.bell import pauli_index


@pytest.mark.parametrize(("i", "j"), list(itertools.product(BellIndex, repeat=2)))
def test_pure_swap_labels_xor(i, j):
    out = swap(BellDiagonal.bell(i), BellDiagonal.bell(j))
    assert out.fidelity(i ^ j) == pytest.approx(1.0)


def test_examples_from_the_convention():
    assert swap(BellDiagonal.bell(0), BellDiagonal.bell(0)).most_likely() is BellIndex.PHI_PLUS
    psi_plus, phi_minus = BellDiagonal.bell(1), BellDiagonal.bell(2)
    assert swap(psi_plus, phi_minus).most_likely() is BellIndex.PSI_MINUS


def test_werner_swap_multiplies_werner_parameters():
    f1, f2 = 0.9, 0.8
    out = swap(BellDiagonal.werner(f1), BellDiagonal.werner(f2))
    assert out.fidelity() == pytest.approx(f1 * f2 + (1 - f1) * (1 - f2) / 3)
    assert out.allclose(BellDiagonal.werner(out.fidelity()), atol=1e-15)


def test_swap_is_xor_convolution():
    a = np.array([0.5, 0.2, 0.2, 0.1])
    b = np.array([0.6, 0.1, 0.25, 0.05])
    expected = [sum(a[i] * b[i ^ k] for i in range(4)) for k in range(4)]
    np.testing.assert_allclose(swap(BellDiagonal(a), BellDiagonal(b)).coefficients, expected)


@pytest.mark.parametrize(("a", "b", "m"), list(itertools.product(BellIndex, repeat=3)))
def test_swap_frame_and_correction(a, b, m):
    frame = swap_frame(a, b, m)
    assert frame == a ^ b ^ m
    assert isinstance(frame, BellIndex)
    # The end node's correction for outcome m leaves label a ⊕ b.
    assert frame ^ pauli_index(pauli_correction(m)) == a ^ b
