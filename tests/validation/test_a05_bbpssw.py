"""Validation target A5: one BBPSSW round with twirling, exact density-matrix circuit."""

from __future__ import annotations

import pytest

from qnetstack.quantum import BellIndex, DensityMatrix, bbpssw_dm

TOLERANCE = 1e-6


@pytest.mark.parametrize(
    ("fidelity", "expected_f", "expected_p"),
    [(0.6, 0.620438, 0.608889), (0.75, 0.788462, 0.722222), (0.9, 0.926396, 0.875556)],
)
def test_a05_bbpssw_with_twirl(fidelity, expected_f, expected_p, record_validation):
    """A5 (validation.md; Bennett et al., PRL 76, 722 (1996); physics.md F9 [D]).

    Two Werner pairs of fidelity F are twirled, purified by the bilateral-CNOT circuit on a 4-qubit
    density matrix and the kept pair is re-twirled: F' and p_succ must match the table ± 1e-6.
    """
    pair = DensityMatrix.werner(fidelity)
    p_success, kept = bbpssw_dm(pair, pair)
    record_validation(
        "A5",
        expected_p,
        p_success,
        TOLERANCE,
        quantity="p_succ",
        case=f"F = {fidelity}, 4-qubit DM",
    )
    assert p_success == pytest.approx(expected_p, abs=TOLERANCE)
    record_validation(
        "A5",
        expected_f,
        kept.fidelity_bell(BellIndex.PHI_PLUS),
        TOLERANCE,
        quantity="F'",
        case=f"F = {fidelity}, 4-qubit DM",
    )
    assert kept.fidelity_bell(BellIndex.PHI_PLUS) == pytest.approx(expected_f, abs=TOLERANCE)
