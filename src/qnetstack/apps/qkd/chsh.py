"""The CHSH value inferred from Z and X correlations (BBM92 data), with its standard error.

With Alice's settings A₀ = Z, A₁ = X and Bob's B₀,₁ = (Z ± X)/√2, linearity of ⟨A ⊗ B⟩ in B
gives S = E(A₀,B₀) + E(A₀,B₁) + E(A₁,B₀) − E(A₁,B₁) = √2 (E_ZZ + E_XX), where E_bb is the
correlation of the (frame-corrected) outcomes of the rounds both ends measured in basis b:
E_bb = 1 − 2λ_b for an error rate λ_b. S is *inferred* with quantum mechanics for Bob's rotated
observables, not measured with them: a CHSH estimate, not a loophole-free Bell test. For Werner
pairs S = 2√2 (4F − 1)/3 (validation.md A16). Each round is an independent ±1 sample, so
Var(E_bb) = (1 − E_bb²)/n_b and Var(S) = 2 (Var(E_ZZ) + Var(E_XX)).
"""

from __future__ import annotations

import math

__all__ = ["inferred_chsh"]


def inferred_chsh(
    e_zz: float, rounds_z: int, e_xx: float, rounds_x: int
) -> tuple[float, float] | None:
    """``(S, standard error)`` from the Z–Z and X–X correlations E_bb = 1 − 2λ_b over
    ``rounds_b`` rounds each; None if a basis has no round."""
    if rounds_z <= 0 or rounds_x <= 0:
        return None
    variance = (1.0 - e_zz**2) / rounds_z + (1.0 - e_xx**2) / rounds_x
    return math.sqrt(2.0) * (e_zz + e_xx), math.sqrt(2.0 * variance)
