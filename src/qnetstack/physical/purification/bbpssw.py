"""``bbpssw``: Bennett et al., PRL 76, 722 (1996).

Both inputs are twirled to Werner states around Φ⁺, the bilateral CNOT round runs without
rotations, and the kept pair is twirled again, so every pair is a Werner state. For identical
Werner inputs this is physics.md F9. (The paper works around the singlet Ψ⁻; Φ⁺ as the target
is the same protocol after a local Pauli.)
"""

from __future__ import annotations

from qnetstack.physical.purification.base import PurificationProtocol
from qnetstack.quantum import BellDiagonal, DensityMatrix
from qnetstack.quantum.density import werner_twirl

__all__ = ["Bbpssw"]


class Bbpssw(PurificationProtocol):
    """Twirl, the bilateral CNOT round, twirl the kept pair."""

    name = "bbpssw"
    description = "Bennett et al. 1996: twirl to Werner states, bilateral CNOT, twirl again."

    def prepare_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        return state.twirl()

    def prepare_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        return werner_twirl(state)

    def finish_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        return state.twirl()

    def finish_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        return werner_twirl(state)
