"""Quantum-state formalisms and operations.

Two formalisms share one vocabulary:

* :class:`DensityMatrix` — exact n-qubit states, for small registers, teaching and validation;
* :class:`BellDiagonal` — four populations per pair, for large networks (swap is an
  XOR-convolution of Bell labels, purification a recurrence, noise a Pauli channel).

Bell states are labelled by :class:`BellIndex` = (z << 1) | x, so Pauli-frame bookkeeping is XOR
(see :mod:`qnetstack.quantum.bell`). Noise parameters follow NetSquid's conventions
(:mod:`qnetstack.quantum.channels`).
"""

from __future__ import annotations

from qnetstack.quantum.bell import (
    BELL_CORRELATION,
    BellIndex,
    PauliLabel,
    bell_dm,
    bell_ket,
    pauli_correction,
    pauli_index,
    pauli_label,
)
from qnetstack.quantum.bell_diagonal import BellDiagonal
from qnetstack.quantum.channels import (
    amplitude_damping_kraus,
    dephasing_kraus,
    dephasing_p_from_t2,
    depolarising_kraus,
    depolarising_memory_p,
    depolarising_p_from_fidelity,
    depolarising_p_from_init_fidelity,
    t1t2_noise,
    twirled_amplitude_damping,
)
from qnetstack.quantum.density import (
    Basis,
    DensityMatrix,
    MeasureBasis,
    bell_probabilities,
    bell_state_measurement,
    project_bell,
    werner_twirl,
    xz_basis_kets,
)
from qnetstack.quantum.purification import bbpssw, bbpssw_dm, dejmps, dejmps_dm
from qnetstack.quantum.swap import swap, swap_frame

__all__ = [
    "BELL_CORRELATION",
    "Basis",
    "BellDiagonal",
    "BellIndex",
    "DensityMatrix",
    "MeasureBasis",
    "PauliLabel",
    "amplitude_damping_kraus",
    "bbpssw",
    "bbpssw_dm",
    "bell_dm",
    "bell_ket",
    "bell_probabilities",
    "bell_state_measurement",
    "dejmps",
    "dejmps_dm",
    "dephasing_kraus",
    "dephasing_p_from_t2",
    "depolarising_kraus",
    "depolarising_memory_p",
    "depolarising_p_from_fidelity",
    "depolarising_p_from_init_fidelity",
    "pauli_correction",
    "pauli_index",
    "pauli_label",
    "project_bell",
    "swap",
    "swap_frame",
    "t1t2_noise",
    "twirled_amplitude_damping",
    "werner_twirl",
    "xz_basis_kets",
]
