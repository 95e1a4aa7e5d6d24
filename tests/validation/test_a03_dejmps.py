"""Validation target A3: one DEJMPS round, exact density-matrix circuit."""

from __future__ import annotations

import pytest

from qnetstack.quantum import BellDiagonal, BellIndex, dejmps_dm

TOLERANCE = 1e-6
# (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) = (A, B, C, D), the order of the validation table and physics.md F8.
TABLE_ORDER = (BellIndex.PHI_PLUS, BellIndex.PSI_MINUS, BellIndex.PSI_PLUS, BellIndex.PHI_MINUS)
INPUT = (0.8, 0.1, 0.05, 0.05)
EXPECTED_P_SUCCESS = 0.82
EXPECTED_OUTPUT = (0.792683, 0.006098, 0.006098, 0.195122)


def test_a03_dejmps_round(record_validation):
    """A3 (validation.md; Deutsch et al., PRL 77, 2818 (1996); physics.md F8 [D]).

    Two identical pairs with (A, B, C, D) = (0.8, 0.1, 0.05, 0.05) go through the DEJMPS circuit
    (Rx(±π/2), bilateral CNOT, Z readout, keep on coincidence) as a 4-qubit density matrix:
    p_succ = 0.82 and output (0.792683, 0.006098, 0.006098, 0.195122), each ± 1e-6.
    """
    coefficients = [0.0] * 4
    for label, value in zip(TABLE_ORDER, INPUT, strict=True):
        coefficients[label] = value
    pair = BellDiagonal(coefficients).to_density_matrix()
    p_success, kept = dejmps_dm(pair, pair)
    record_validation(
        "A3", EXPECTED_P_SUCCESS, p_success, TOLERANCE, quantity="p_succ", case="4-qubit DM"
    )
    assert p_success == pytest.approx(EXPECTED_P_SUCCESS, abs=TOLERANCE)
    for label, expected in zip(TABLE_ORDER, EXPECTED_OUTPUT, strict=True):
        record_validation(
            "A3",
            expected,
            kept.fidelity_bell(label),
            TOLERANCE,
            quantity=f"{label.name} out",
            case="4-qubit DM",
        )
        assert kept.fidelity_bell(label) == pytest.approx(expected, abs=TOLERANCE), label.name
