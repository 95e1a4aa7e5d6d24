"""Unit tests for qnetstack.quantum.bell: labels, kets and Pauli-frame corrections."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.quantum.bell import (
    BELL_KETS,
    BellIndex,
    bell_dm,
    bell_ket,
    pauli_correction,
    pauli_index,
    pauli_label,
)
from qnetstack.quantum.gates import CNOT, H, X, Z, pauli

R = 1 / np.sqrt(2)


def test_enum_values_follow_z_x_bits():
    assert [b.value for b in BellIndex] == [0, 1, 2, 3]
    assert [b.name for b in BellIndex] == ["PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS"]


@pytest.mark.parametrize(
    ("b", "expected"),
    [
        (BellIndex.PHI_PLUS, [R, 0, 0, R]),
        (BellIndex.PSI_PLUS, [0, R, R, 0]),
        (BellIndex.PHI_MINUS, [R, 0, 0, -R]),
        (BellIndex.PSI_MINUS, [0, R, -R, 0]),
    ],
)
def test_bell_kets_in_kron_order(b, expected):
    np.testing.assert_allclose(bell_ket(b), expected, atol=1e-15)


@pytest.mark.parametrize("b", list(BellIndex))
def test_label_is_pauli_frame_of_phi_plus(b):
    x, z = b & 1, b >> 1
    frame = np.linalg.matrix_power(X, x) @ np.linalg.matrix_power(Z, z)
    np.testing.assert_allclose(np.kron(np.eye(2), frame) @ BELL_KETS[0], bell_ket(b), atol=1e-15)


@pytest.mark.parametrize("b", list(BellIndex))
def test_bell_dm_is_projector(b):
    dm = bell_dm(b)
    np.testing.assert_allclose(dm @ dm, dm, atol=1e-15)
    assert np.trace(dm).real == pytest.approx(1.0)


def test_returned_arrays_are_fresh_copies_and_constants_read_only():
    ket = bell_ket(0)
    ket[0] = 5.0
    assert bell_ket(0)[0] == pytest.approx(R)
    with pytest.raises(ValueError, match="read-only"):
        BELL_KETS[0][0] = 1.0


@pytest.mark.parametrize("b", list(BellIndex))
@pytest.mark.parametrize("qubit", [0, 1])
def test_correction_maps_to_phi_plus_up_to_phase(b, qubit):
    correction = pauli(pauli_correction(b))
    op = np.kron(correction, np.eye(2)) if qubit == 0 else np.kron(np.eye(2), correction)
    overlap = abs(np.vdot(BELL_KETS[0], op @ bell_ket(b)))
    assert overlap == pytest.approx(1.0)


@pytest.mark.parametrize(("label", "mask"), [("I", 0), ("X", 1), ("Z", 2), ("Y", 3)])
def test_pauli_masks_round_trip(label, mask):
    assert pauli_index(label) == mask
    assert pauli_label(mask) == label
    assert pauli_correction(mask) == label


@pytest.mark.parametrize("b", list(BellIndex))
def test_label_equals_bsm_circuit_outcome(b):
    # CNOT(q1→q2), H(q1), then Z readout gives the basis state |z x⟩ = |b⟩.
    out = np.kron(H, np.eye(2)) @ CNOT @ bell_ket(b)
    assert abs(out[int(b)]) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", ["W", 4, -1])
def test_bad_pauli_rejected(bad):
    with pytest.raises(ValueError, match="Pauli"):
        pauli_index(bad)


def test_bad_bell_index_rejected():
    with pytest.raises(ValueError, match="Bell index"):
        bell_ket(7)
