"""The CHSH value of measured pairs: the figures the ``chsh`` app (and E91) report.

Theory of operation
-------------------
Both functions take the two ends' records of the same rounds in the Φ⁺ frame (Bob's records
frame-corrected, :func:`._records.pair_record`) and return the JSON-ready summary of the
request's ``chsh`` entry.

**Z/X settings** (:func:`zx_chsh_summary`; pairs measured with ``measure_basis: random``).
With Alice's settings A₀ = Z, A₁ = X and Bob's B₀,₁ = (Z ± X)/√2, linearity of ⟨A ⊗ B⟩ in B
gives S = E(A₀,B₀) + E(A₀,B₁) + E(A₁,B₀) − E(A₁,B₁) = √2 (E_ZZ + E_XX), where E_bb =
⟨(−1)^{a⊕b}⟩ over the rounds both ends measured in b. S is *inferred* with quantum mechanics
for Bob's rotated observables, not measured with them: a CHSH estimate, not a loophole-free
Bell test. For a Bell-diagonal state the best X–Z-plane settings give 2√(E_ZZ² + E_XX²)
(Horodecki, Horodecki & Horodecki, Phys. Lett. A 200, 340 (1995)), equal to S when |E_ZZ| =
|E_XX| (Werner pairs: S = 2√2(4F − 1)/3). The cross correlators E_ZX, E_XZ (zero for a
Bell-diagonal state) are reported too. Standard errors treat each round as an independent ±1
sample: Var(E) = (1 − E²)/n.

**E91 settings** (:func:`e91_chsh_summary`; ``measure_basis: e91``). S = E(X, π/4) +
E(X, 3π/4) + E(Z, π/4) − E(Z, 3π/4) from four of the mismatched setting combinations of
Ekert's table (:func:`~.qkd.e91_sift`), each correlator measured directly with the rotated
analysers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import BASIS_X, BASIS_Z, inferred_chsh
from qnetstack.apps.qkd.e91 import E91_ALICE_ANGLES_RAD, E91_BOB_ANGLES_RAD, E91Result, e91_sift

__all__ = ["E91_TERMS", "E91_TERM_ANGLES_RAD", "e91_chsh_summary", "zx_chsh_summary"]

Codes = npt.NDArray[np.uint8]

E91_TERMS = ("A0B0", "A0B1", "A1B0", "A1B1")
"""Names of Ekert's four CHSH terms (S = E00 + E01 + E10 − E11)."""
E91_TERM_ANGLES_RAD = (
    (E91_ALICE_ANGLES_RAD[2], E91_BOB_ANGLES_RAD[0]),
    (E91_ALICE_ANGLES_RAD[2], E91_BOB_ANGLES_RAD[2]),
    (E91_ALICE_ANGLES_RAD[0], E91_BOB_ANGLES_RAD[0]),
    (E91_ALICE_ANGLES_RAD[0], E91_BOB_ANGLES_RAD[2]),
)
"""Ekert's CHSH terms as (Alice angle, Bob angle): A0 = X, A1 = Z, B0 = π/4, B1 = 3π/4."""


def _correlator(
    alice: tuple[Codes, Codes], bob: tuple[Codes, Codes], basis_a: int, basis_b: int
) -> tuple[float | None, int]:
    mask = (alice[0] == basis_a) & (bob[0] == basis_b)
    n = int(np.count_nonzero(mask))
    if not n:
        return None, 0
    disagree = int(np.count_nonzero(alice[1][mask] != bob[1][mask]))
    return (n - 2 * disagree) / n, n


def zx_chsh_summary(
    alice_bases: Codes, alice_bits: Codes, bob_bases: Codes, bob_bits: Codes
) -> dict[str, Any]:
    """The ``chsh`` entry of Z/X records: S = √2 (E_ZZ + E_XX) with its standard error."""
    alice, bob = (alice_bases, alice_bits), (bob_bases, bob_bits)
    e_zz, n_zz = _correlator(alice, bob, BASIS_Z, BASIS_Z)
    e_xx, n_xx = _correlator(alice, bob, BASIS_X, BASIS_X)
    e_zx, n_zx = _correlator(alice, bob, BASIS_Z, BASIS_X)
    e_xz, n_xz = _correlator(alice, bob, BASIS_X, BASIS_Z)
    s = s_err = s_opt = s_opt_err = None
    if e_zz is not None and e_xx is not None:
        var_zz = (1.0 - e_zz**2) / n_zz
        var_xx = (1.0 - e_xx**2) / n_xx
        inferred = inferred_chsh(e_zz, n_zz, e_xx, n_xx)
        assert inferred is not None
        s, s_err = inferred
        norm = math.hypot(e_zz, e_xx)
        s_opt = 2.0 * norm
        s_opt_err = (
            2.0 * math.sqrt(e_zz**2 * var_zz + e_xx**2 * var_xx) / norm if norm > 0 else None
        )
    return {
        "s": s,
        "s_std_error": s_err,
        "s_horodecki_xz": s_opt,
        "s_horodecki_xz_std_error": s_opt_err,
        "violation": s is not None and s > 2.0,
        "rounds": len(alice_bits),
        "correlators": {
            "ZZ": {"value": e_zz, "pairs": n_zz},
            "XX": {"value": e_xx, "pairs": n_xx},
            "ZX": {"value": e_zx, "pairs": n_zx},
            "XZ": {"value": e_xz, "pairs": n_xz},
        },
        "method": "inferred from Z/X correlators: settings A=(Z, X), B=(Z±X)/sqrt(2)",
    }


def e91_chsh_summary(
    alice_settings: Codes, alice_bits: Codes, bob_settings: Codes, bob_bits: Codes
) -> dict[str, Any]:
    """The ``chsh`` entry of E91 records: S measured with Ekert's rotated settings."""
    result: E91Result = e91_sift(alice_settings, alice_bits, bob_settings, bob_bits)
    s = _finite(result.chsh)
    correlators = {
        name: {
            "value": _finite(value),
            "pairs": pairs,
            "alice_angle_rad": angles[0],
            "bob_angle_rad": angles[1],
        }
        for name, value, pairs, angles in zip(
            E91_TERMS, result.correlators, result.chsh_rounds, E91_TERM_ANGLES_RAD, strict=True
        )
    }
    return {
        "s": s,
        "s_std_error": _finite(result.chsh_std_error),
        "violation": s is not None and s > 2.0,
        "rounds": len(alice_bits),
        "correlators": correlators,
        "method": "measured with E91 settings: A0=X, A1=Z, B0=pi/4, B1=3pi/4 "
        "(S = E00 + E01 + E10 - E11)",
    }


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
