"""``dejmps``: Deutsch et al., PRL 77, 2818 (1996).

Before the bilateral CNOT, node A applies Rx(π/2) and node B Rx(−π/2) to both of their qubits.
On Bell-diagonal labels this swaps Φ⁻ and Ψ⁻ and fixes Φ⁺ and Ψ⁺, so phase errors of one round
become bit errors the next round detects; no inverse rotation afterwards (as in the paper).
For identical inputs this is physics.md F8.
"""

from __future__ import annotations

import numpy as np

from qnetstack.physical.purification.base import PurificationProtocol
from qnetstack.quantum import BellDiagonal, DensityMatrix
from qnetstack.quantum.purification import dejmps_rotation

__all__ = ["Dejmps"]

_ROTATION = np.array([0, 1, 3, 2], dtype=np.intp)  # Φ⁻ ↔ Ψ⁻ on labels


class Dejmps(PurificationProtocol):
    """Rotate both pairs (Rx(±π/2)), then the bilateral CNOT round."""

    name = "dejmps"
    description = "Deutsch et al. 1996: local Rx(±π/2) rotations, then the bilateral CNOT."

    def prepare_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        return BellDiagonal(state.coefficients[_ROTATION])

    def prepare_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        return dejmps_rotation(state)
