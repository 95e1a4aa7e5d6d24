"""``bit-flip``: the recurrence round with no local operations, for pairs with bit-flip noise.

The bilateral CNOT and the Z readout detect one kind of error only: an X (bit-flip) error on
exactly one of the two pairs. With no rotation before it, phase errors pass through untouched,
so this is the right round when the noise is bit flips (the Φ⁺/Ψ⁺ mixtures of a bit-flip
channel) and a poor one for depolarised pairs, which DEJMPS and BBPSSW handle.

For inputs A|Φ⁺⟩⟨Φ⁺| + B|Ψ⁺⟩⟨Ψ⁺| it succeeds with p = A² + B² and keeps F' = A²/(A² + B²)
(the bit-flip case of recurrence purification, e.g. Dür & Briegel, Rep. Prog. Phys. 70, 1381
(2007), section 4.1); on Werner pairs of fidelity F, with ε = (1 − F)/3,
p = (F + ε)² + (2ε)² and F' = (F² + ε²)/p.
"""

from __future__ import annotations

from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import BellDiagonal, DensityMatrix


class BitFlip(PurificationProtocol):
    """The bilateral CNOT round with no local operations around it."""

    name = "bit-flip"
    description = "Bilateral CNOT only: detects bit flips (for bit-flip noise)."

    def prepare_bell_diagonal(self, state: BellDiagonal) -> BellDiagonal:
        return state

    def prepare_density_matrix(self, state: DensityMatrix) -> DensityMatrix:
        return state
