"""Key verification: compare a short universal₂ hash of both corrected keys.

After error correction Bob's key may still differ from Alice's (Cascade can miss an even number
of errors in every block that holds them). Alice picks a random Toeplitz matrix with
t = ⌈log₂(1/ε_cor)⌉ rows (:mod:`.toeplitz`), announces it and her tag T·x_A; Bob compares with
T·x_B. For x_A ≠ x_B the tags collide with probability 2^{−t} ≤ ε_cor (universal₂ family), so a
run that passes is ε_cor-correct — the verification step of Tomamichel et al., Nat. Commun. 3,
634 (2012), Table I. The t tag bits are accounted for in the key length by the log₂(2/ε_cor)
part of its security term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.toeplitz import toeplitz_hash, toeplitz_seed

__all__ = ["VerificationResult", "verification_tag_length", "verify_keys"]


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """Outcome of the hash comparison."""

    passed: bool
    """True if Alice's and Bob's tags agree."""
    tag_bits: int
    """Tag length t = ⌈log₂(1/ε_cor)⌉."""


def verification_tag_length(eps_cor: float) -> int:
    """t = ⌈log₂(1/ε_cor)⌉, at least 1.

    Raises:
        QkdParameterError: If ``eps_cor`` is outside (0, 1).
    """
    epsilon = _checks.open_unit("eps_cor", eps_cor)
    return max(1, math.ceil(-math.log2(epsilon)))


def verify_keys(
    alice_key: npt.ArrayLike, bob_key: npt.ArrayLike, eps_cor: float, rng: np.random.Generator
) -> VerificationResult:
    """Hash both keys with one random Toeplitz matrix drawn from ``rng`` and compare.

    Args:
        alice_key: Alice's key.
        bob_key: Bob's corrected key (same length).
        eps_cor: Correctness parameter in (0, 1); sets the tag length.
        rng: The generator of the party choosing the hash (Alice).

    Raises:
        QkdParameterError: On unequal lengths, non-binary input or ``eps_cor`` outside (0, 1).
    """
    a = _checks.bits("alice_key", alice_key)
    b = _checks.bits("bob_key", bob_key)
    n = _checks.same_length(alice_key=a, bob_key=b)
    tag_bits = verification_tag_length(eps_cor)
    if n == 0:
        return VerificationResult(passed=True, tag_bits=tag_bits)
    seed = toeplitz_seed(n, tag_bits, rng)
    passed = bool(
        np.array_equal(toeplitz_hash(a, seed, tag_bits), toeplitz_hash(b, seed, tag_bits))
    )
    return VerificationResult(passed=passed, tag_bits=tag_bits)
