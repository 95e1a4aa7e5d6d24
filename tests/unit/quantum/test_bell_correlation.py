"""BELL_CORRELATION is ⟨σ_b ⊗ σ_b⟩ of each Bell state, computed from the density matrices."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.quantum import BELL_CORRELATION, BellIndex, bell_dm

PAULI = {
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]]),
}


@pytest.mark.parametrize("basis", ["Z", "X", "Y"])
def test_the_table_is_the_expectation_value(basis: str) -> None:
    sigma = PAULI[basis]
    for index in BellIndex:
        value = np.trace(bell_dm(index) @ np.kron(sigma, sigma)).real
        assert value == pytest.approx(BELL_CORRELATION[basis][index], abs=1e-12)
