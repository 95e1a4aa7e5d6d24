"""Gate-level NV operations as channels on a pair half: moving electron → carbon, and readout.

The move circuit
----------------
The electron state is swapped into a freshly initialised carbon with two electron–carbon gates
(each equivalent to a CNOT up to single-qubit rotations, the NV-native gate being a conditional
carbon rotation; Taminiau et al. 2014, Kalb et al. 2017):

1. initialise the carbon in |0⟩ — depolarising with ``carbon.init_depolar_prob`` (p = 2(1−F));
2. E–C gate with the electron as control — then depolarising ``ec_gate.depolar_prob_per_qubit``
   on both qubits (the NetSquid convention, physics.md §1.2);
3. E–C gate with the carbon as control — the same noise on both;
4. the electron is now |0⟩ (or garbage, if something failed) and is reset for the next attempt.

Run on a density matrix with the data qubit half of a reference Bell pair, the circuit gives
the Choi state of the move's channel on the data, which is a Pauli channel (all noise here is
Pauli and the circuit is Clifford). :func:`move_channel` returns its Pauli probabilities, so
the same move is exact in both formalisms (a Pauli channel keeps Bell-diagonal states
Bell-diagonal).

Readout
-------
f0 (f1) is the probability that outcome 0 (1) is reported correctly (physics.md conventions);
a measurement in the X or Y basis first rotates the qubit with one single-qubit gate (its
depolarising noise applied), and a carbon is read out through the electron with one E–C gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from qnetstack.physical.nv.params import NVConfig
from qnetstack.quantum import BellDiagonal, DensityMatrix
from qnetstack.quantum.gates import CNOT

__all__ = ["PauliChannel", "move_channel", "move_duration_ps", "noisy_readout"]


@dataclass(frozen=True, slots=True)
class PauliChannel:
    """Single-qubit Pauli channel: identity with 1 − p_x − p_y − p_z, else X, Y or Z."""

    p_x: float
    p_y: float
    p_z: float

    @property
    def p_identity(self) -> float:
        """Probability that the qubit is untouched."""
        return 1.0 - self.p_x - self.p_y - self.p_z


@cache
def _move_channel(p_carbon_init: float, p_ec: float) -> PauliChannel:
    # Qubits: 0 = reference, 1 = electron (data), 2 = carbon.
    state = DensityMatrix.bell(0).tensor(DensityMatrix.zero(1))
    state = state.depolarise(2, p_carbon_init)
    state = state.apply_unitary(CNOT, (1, 2)).depolarise(1, p_ec).depolarise(2, p_ec)
    state = state.apply_unitary(CNOT, (2, 1)).depolarise(1, p_ec).depolarise(2, p_ec)
    choi = BellDiagonal.from_density_matrix(state.partial_trace((0, 2)))
    c = choi.coefficients  # BellIndex order: I (Φ+), X (Ψ+), Z (Φ−), Y (Ψ−)
    return PauliChannel(p_x=float(c[1]), p_y=float(c[3]), p_z=float(c[2]))


def move_channel(config: NVConfig) -> PauliChannel:
    """The Pauli channel a half suffers when moved from the electron into a carbon."""
    return _move_channel(config.carbon.init_depolar_prob, config.ec_gate.depolar_prob_per_qubit)


def move_duration_ps(config: NVConfig) -> int:
    """Carbon initialisation plus two E–C gates."""
    return round((config.carbon.init_duration_us + 2 * config.ec_gate.duration_us) * 1e6)


def noisy_readout(true_outcome: int, f0: float, f1: float, rng: np.random.Generator) -> int:
    """The outcome the detector reports: correct with probability f0 (for 0) or f1 (for 1)."""
    correct = f0 if true_outcome == 0 else f1
    return true_outcome if rng.random() < correct else 1 - true_outcome
