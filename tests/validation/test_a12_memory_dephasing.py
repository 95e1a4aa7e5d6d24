"""Validation target A12: memory dephasing of Φ⁺ (pure T2), exact density matrix."""

from __future__ import annotations

import math

import pytest

from qnetstack.quantum import BellIndex, DensityMatrix

ELECTRON_T2_PS = 1.46e12  # 1.46 s (Abobeih et al. 2018, as used by NetSquid)
IDLE_PS = 100 * 10**9  # 100 ms
TOLERANCE = 1e-5


@pytest.mark.parametrize(("qubits", "expected"), [((0,), 0.96690), ((0, 1), 0.93599)])
def test_a12_memory_dephasing(qubits, expected, record_validation):
    """A12 (validation.md; physics.md F4, NetSquid T1T2 convention [D from S]).

    Φ⁺ idles 100 ms with T2 = 1.46 s and no T1 (math.inf) through apply_memory_noise on one or
    both qubits: F = 0.96690 (one) / 0.93599 (both) ± 1e-5.
    """
    pair = DensityMatrix.bell(BellIndex.PHI_PLUS)
    for qubit in qubits:
        pair = pair.apply_memory_noise(qubit, IDLE_PS, math.inf, ELECTRON_T2_PS)
    record_validation(
        "A12",
        expected,
        pair.fidelity_bell(BellIndex.PHI_PLUS),
        TOLERANCE,
        quantity="F",
        case=f"{len(qubits)} qubit(s) dephase, DM",
    )
    assert pair.fidelity_bell(BellIndex.PHI_PLUS) == pytest.approx(expected, abs=TOLERANCE)
