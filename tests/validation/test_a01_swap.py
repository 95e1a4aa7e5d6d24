"""Validation target A1: entanglement swap of two Werner pairs, exact density matrix."""

from __future__ import annotations

import pytest

from qnetstack.quantum import BellIndex, DensityMatrix, pauli_correction, project_bell
from qnetstack.quantum.gates import pauli

F_LINK = 0.9
EXPECTED_F = 0.813333  # F₁F₂ + (1 − F₁)(1 − F₂)/3, rounded as in the table
TOLERANCE = 1e-6


@pytest.mark.parametrize("outcome", list(BellIndex))
def test_a01_swap_of_two_werner_pairs(outcome, record_validation):
    """A1 (validation.md; physics.md F6 [D]): F₁ = F₂ = 0.9, perfect BSM, outcome corrected.

    The 4-qubit register (A, B1, B2, C) is projected on (B1, B2) onto β_outcome, the end node
    holding C applies pauli_correction(outcome), and F(Φ⁺) of (A, C) must be 0.813333 ± 1e-6 for
    every outcome; each outcome has probability 1/4.
    """
    register = DensityMatrix.werner(F_LINK).tensor(DensityMatrix.werner(F_LINK))
    probability, pair = project_bell(register, 1, 2, outcome)
    corrected = pair.apply_unitary(pauli(pauli_correction(outcome)), [1])
    assert probability == pytest.approx(0.25, abs=1e-12)
    record_validation(
        "A1",
        EXPECTED_F,
        corrected.fidelity_bell(BellIndex.PHI_PLUS),
        TOLERANCE,
        quantity="F_out",
        case=f"4-qubit DM, outcome {int(outcome)}",
    )
    assert corrected.fidelity_bell(BellIndex.PHI_PLUS) == pytest.approx(EXPECTED_F, abs=TOLERANCE)
