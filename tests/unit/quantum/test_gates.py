"""Unit tests for qnetstack.quantum.gates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.quantum import gates
from qnetstack.quantum.gates import CNOT, CZ, H, S, T, X, Y, Z, pauli, rx, ry, rz

ALL_CONSTANTS = [gates.I, X, Y, Z, H, S, T, CNOT, CZ]


@pytest.mark.parametrize("u", ALL_CONSTANTS)
def test_constants_are_unitary_read_only_complex(u):
    assert u.dtype == np.complex128
    np.testing.assert_allclose(u @ u.conj().T, np.eye(u.shape[0]), atol=1e-15)
    with pytest.raises(ValueError, match="read-only"):
        u[0, 0] = 2.0


def test_pauli_algebra():
    np.testing.assert_allclose(X @ Y, 1j * Z, atol=1e-15)
    np.testing.assert_allclose(H @ Z @ H, X, atol=1e-15)
    np.testing.assert_allclose(S @ S, Z, atol=1e-15)
    np.testing.assert_allclose(T @ T, S, atol=1e-15)


def test_cnot_flips_target_when_control_is_one():
    ket_10 = np.array([0, 0, 1, 0])
    np.testing.assert_allclose(CNOT @ ket_10, [0, 0, 0, 1])
    np.testing.assert_allclose(CNOT @ np.array([0, 1, 0, 0]), [0, 1, 0, 0])
    np.testing.assert_allclose(CZ, np.kron(np.eye(2), H) @ CNOT @ np.kron(np.eye(2), H), atol=1e-15)


@pytest.mark.parametrize(("rotation", "generator"), [(rx, X), (ry, Y), (rz, Z)])
def test_rotations_are_exp_of_generator(rotation, generator):
    theta = 0.73
    w, v = np.linalg.eigh(generator)
    expected = (v * np.exp(-0.5j * theta * w)) @ v.conj().T
    np.testing.assert_allclose(rotation(theta), expected, atol=1e-15)
    np.testing.assert_allclose(rotation(2 * math.pi), -np.eye(2), atol=1e-15)


def test_pauli_lookup_by_label_and_mask():
    assert pauli("Y") is Y
    assert pauli(1) is X
    assert pauli(2) is Z
    assert pauli(3) is Y
