"""Standard gate matrices.

The constants are read-only complex128 arrays so that no caller can corrupt a shared gate by
accident. Two-qubit gates use the package-wide order |q0 q1⟩ (qubit 0 is the most significant bit):
for :data:`CNOT` qubit 0 is the control. Pass the target list to
:meth:`~qnetstack.quantum.density.DensityMatrix.apply_unitary` in that same order.

Rotations follow the usual convention R_P(θ) = exp(−iθP/2) (Nielsen & Chuang, eq. 4.4–4.6).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qnetstack.quantum.bell import PauliLabel, pauli_label

__all__ = [
    "CNOT",
    "CZ",
    "PAULIS",
    "H",
    "I",
    "S",
    "T",
    "X",
    "Y",
    "Z",
    "pauli",
    "rx",
    "ry",
    "rz",
]

ComplexArray = npt.NDArray[np.complex128]


def _const(rows: list[list[complex]]) -> ComplexArray:
    matrix = np.array(rows, dtype=np.complex128)
    matrix.flags.writeable = False
    return matrix


_R = 1.0 / math.sqrt(2.0)

I = _const([[1, 0], [0, 1]])  # noqa: E741 - the name of the identity is part of the API contract
X = _const([[0, 1], [1, 0]])
Y = _const([[0, -1j], [1j, 0]])
Z = _const([[1, 0], [0, -1]])
H = _const([[_R, _R], [_R, -_R]])
S = _const([[1, 0], [0, 1j]])
T = _const([[1, 0], [0, complex(_R, _R)]])
CNOT = _const([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
CZ = _const([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]])

PAULIS: dict[PauliLabel, ComplexArray] = {"I": I, "X": X, "Y": Y, "Z": Z}
"""The Pauli matrices by label."""


def pauli(label: PauliLabel | int) -> ComplexArray:
    """The (read-only) Pauli matrix for a label or a Bell XOR mask (0→I, 1→X, 2→Z, 3→Y)."""
    return PAULIS[pauli_label(label)]


def _rotation(generator: ComplexArray, theta: float) -> ComplexArray:
    # exp(−iθP/2) = cos(θ/2) I − i sin(θ/2) P holds for any Pauli P because P² = I.
    half = 0.5 * theta
    return np.asarray(math.cos(half) * I - 1j * math.sin(half) * generator, dtype=np.complex128)


def rx(theta: float) -> ComplexArray:
    """Rotation about X by ``theta`` radians: exp(−iθX/2)."""
    return _rotation(X, theta)


def ry(theta: float) -> ComplexArray:
    """Rotation about Y by ``theta`` radians: exp(−iθY/2)."""
    return _rotation(Y, theta)


def rz(theta: float) -> ComplexArray:
    """Rotation about Z by ``theta`` radians: exp(−iθZ/2)."""
    return _rotation(Z, theta)
