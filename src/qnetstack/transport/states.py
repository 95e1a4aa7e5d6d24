"""Payload states of teleportation: named states, Bloch angles, explicit density matrices.

A user hands the transport layer a *description* of the qubit to send; in the simulation the
description is turned into the one-qubit density matrix the sender's hardware measures. The six
named states are the eigenstates of the Pauli operators (the usual test set of teleportation:
averaging over them gives the average fidelity over the Bloch sphere, because they form a
spherical 2-design).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Sequence

import numpy as np

from qnetstack.quantum import DensityMatrix

__all__ = ["NAMED_STATES", "PayloadState", "bloch_ket", "payload_density_matrix", "payload_ket"]

PayloadState = str | tuple[float, float] | tuple[tuple[complex, complex], tuple[complex, complex]]
"""A named state (:data:`NAMED_STATES`), Bloch angles ``(theta, phi)`` in radians, or a 2×2
density matrix as nested tuples."""

_R = 1.0 / math.sqrt(2.0)

NAMED_STATES: dict[str, tuple[complex, complex]] = {
    "0": (1.0, 0.0),
    "1": (0.0, 1.0),
    "+": (_R, _R),
    "-": (_R, -_R),
    "+i": (_R, 1j * _R),
    "-i": (_R, -1j * _R),
}
"""Kets of the Pauli eigenstates by name: Z (``0``, ``1``), X (``+``, ``-``), Y (``+i``, ``-i``)."""


def bloch_ket(theta: float, phi: float) -> tuple[complex, complex]:
    """cos(θ/2)|0⟩ + e^{iφ} sin(θ/2)|1⟩."""
    return (math.cos(theta / 2), cmath.exp(1j * phi) * math.sin(theta / 2))


def payload_ket(state: PayloadState) -> tuple[complex, complex] | None:
    """The ket of a named or Bloch-angle state; ``None`` for an explicit density matrix."""
    if isinstance(state, str):
        try:
            return NAMED_STATES[state]
        except KeyError:
            allowed = ", ".join(repr(n) for n in NAMED_STATES)
            raise ValueError(f"unknown payload state {state!r}; allowed: {allowed}") from None
    if len(state) == 2 and all(isinstance(x, int | float) for x in state):
        theta, phi = state
        return bloch_ket(float(theta), float(phi))  # type: ignore[arg-type]
    return None


def payload_density_matrix(state: PayloadState) -> DensityMatrix:
    """The one-qubit density matrix a payload description stands for.

    Raises:
        ValueError: An unknown name, or a matrix that is not a valid 2×2 density matrix.
    """
    ket = payload_ket(state)
    if ket is not None:
        return DensityMatrix.from_ket(np.array(ket, dtype=complex))
    rows: Sequence[Sequence[complex]] = state  # type: ignore[assignment]
    matrix = np.array(rows, dtype=complex)
    if matrix.shape != (2, 2):
        raise ValueError(f"a payload density matrix must be 2×2, got shape {matrix.shape}")
    try:
        dm = DensityMatrix(matrix)
    except ValueError as exc:
        raise ValueError(f"invalid payload density matrix: {exc}") from None
    if not dm.is_valid():
        raise ValueError("the payload density matrix must be Hermitian, PSD and of trace 1")
    return dm
