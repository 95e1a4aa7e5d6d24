"""Secret-key length: finite-key (Tomamichel et al. 2012) and asymptotic (Shor–Preskill).

Finite key
----------
Tomamichel, Lim, Gisin & Renner, "Tight finite-key analysis for quantum cryptography",
Nat. Commun. 3, 634 (2012), Eq. (2): a BB84-type protocol with n key bits measured in one basis
and k test bits in the other, test error rate λ (the protocol aborts above a tolerance Q_tol,
and λ is replaced by Q_tol in the bound), error-correction leakage leak_EC and a verification
hash of ⌈log₂(1/ε_cor)⌉ bits is ε_cor-correct and ε_sec-secret if

    ℓ ≤ n [q − h(λ + μ)] − leak_EC − log₂(2 / (ε_sec² ε_cor)),
    μ = √( (n + k)/(n k) · (k + 1)/k · ln(2/ε_sec) ),

with q = −log₂ c the preparation quality (c the maximal overlap of the two bases; q = 1 for
BB84/BBM92's Z and X) and h the binary entropy. h's argument is capped at ½. (This is the form
of the published article; an arXiv version of the paper states the theorem with ln(4/ε_sec)
and log₂(2/(ε_sec ε_cor)) instead, from a different split of the security budget.)

Keys from both bases (our extension, stated so it can be checked). In symmetric BB84/BBM92 the
key has bits of both bases: the n_Z key bits measured in Z have their phase errors bounded by
the X-basis sample and the n_X key bits by the Z-basis sample. The uncertainty relation holds
bit by bit, so the smooth min-entropy of the whole key is at least the sum of the blocks'
bounds, and each block's sampling bound may fail. We give each of the m blocks the failure
budget ε_sec/m (union bound) by using ln(2m/ε_sec) in its μ:

    ℓ = ⌊ Σ_b n_b [q − h(min(½, λ_b̄ + μ(n_b, k_b̄, ε_sec/m)))] − leak_EC − log₂(2/(ε_sec² ε_cor)) ⌋

which is Eq. (2) exactly when there is one block (m = 1).

Asymptotic
----------
For n → ∞ with one-way error correction at efficiency f, the key fraction per sifted bit is
r = q − h(Q_phase) − f·h(Q_bit) (Shor & Preskill, PRL 85, 441 (2000) for q = 1). For BBM92 on
Werner pairs Q_X = Q_Z = 2(1 − F)/3, so r = 1 − 2h(Q), which is zero at Q = 11.00 % (F = 0.8350);
validation target A14.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.entropy import binary_entropy
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.apps.qkd.estimation import sampling_deviation

__all__ = [
    "KeyBlock",
    "SecretKeyLength",
    "asymptotic_key_fraction",
    "secret_key_length",
    "werner_qber",
    "zero_key_qber",
]


@dataclass(frozen=True, slots=True)
class KeyBlock:
    """Key bits of one basis and the conjugate-basis test that bounds their phase errors."""

    key_bits: int
    """n_b: key bits measured in this basis (kept secret)."""
    test_bits: int
    """k: disclosed test bits of the *other* basis."""
    test_qber: float
    """λ: their observed error rate (or the abort tolerance Q_tol, as in the paper)."""

    def __post_init__(self) -> None:
        _checks.count("key_bits", self.key_bits)
        _checks.count("test_bits", self.test_bits)
        _checks.closed_unit("test_qber", self.test_qber)


@dataclass(frozen=True, slots=True)
class SecretKeyLength:
    """The key length and every term that went into it."""

    length: int
    """ℓ: the secret key length in bits, ⌊bound⌋ clipped at 0."""
    bound_bits: float
    """The real-valued right-hand side (negative when no key can be extracted)."""
    deviations: tuple[float, ...]
    """μ per block (inf for a block without test bits)."""
    phase_error_bounds: tuple[float, ...]
    """min(½, λ + μ) per block."""
    leak_ec_bits: int
    """leak_EC, the error-correction disclosure that was subtracted."""
    security_bits: float
    """log₂(2/(ε_sec² ε_cor)), the cost of the security parameters."""


def secret_key_length(
    blocks: Sequence[KeyBlock],
    leak_ec_bits: int,
    eps_sec: float,
    eps_cor: float,
    preparation_quality: float = 1.0,
) -> SecretKeyLength:
    """ℓ from Tomamichel et al. (2012) Eq. (2), summed over key blocks (see module docstring).

    Args:
        blocks: One :class:`KeyBlock` per key basis (one block reproduces Eq. (2) exactly).
        leak_ec_bits: Bits disclosed by error correction.
        eps_sec: Secrecy parameter ε_sec in (0, 1).
        eps_cor: Correctness parameter ε_cor in (0, 1).
        preparation_quality: q in (0, 1]; 1 for mutually unbiased bases.

    Raises:
        QkdParameterError: If an ε is outside (0, 1), q outside (0, 1], ``leak_ec_bits`` < 0
            or ``blocks`` is empty.
    """
    epsilon_sec = _checks.open_unit("eps_sec", eps_sec)
    epsilon_cor = _checks.open_unit("eps_cor", eps_cor)
    leak = _checks.count("leak_ec_bits", leak_ec_bits)
    q = _checks.positive("preparation_quality", preparation_quality)
    if q > 1.0:
        raise QkdParameterError(
            f"preparation_quality must be in the interval (0, 1], got {preparation_quality!r}"
        )
    if not blocks:
        raise QkdParameterError("blocks must hold at least one KeyBlock, got none")
    budget = epsilon_sec / len(blocks)
    deviations: list[float] = []
    bounds: list[float] = []
    entropy = 0.0
    for block in blocks:
        mu = sampling_deviation(block.key_bits, block.test_bits, budget)
        bound = min(0.5, block.test_qber + mu)
        deviations.append(mu)
        bounds.append(bound)
        entropy += block.key_bits * (q - binary_entropy(bound))
    security = math.log2(2.0 / (epsilon_sec**2 * epsilon_cor))
    total = entropy - leak - security
    return SecretKeyLength(
        length=max(0, math.floor(total)),
        bound_bits=total,
        deviations=tuple(deviations),
        phase_error_bounds=tuple(bounds),
        leak_ec_bits=leak,
        security_bits=security,
    )


def asymptotic_key_fraction(
    qber_bit: float,
    qber_phase: float | None = None,
    ec_efficiency: float = 1.0,
    preparation_quality: float = 1.0,
) -> float:
    """r = q − h(Q_phase) − f·h(Q_bit) per sifted bit; negative means no key.

    With the defaults (Q_phase = Q_bit = Q, f = 1, q = 1) this is 1 − 2h(Q), the BBM92/BB84
    key fraction of physics.md F11 (zero at Q = 11.00 %).

    Raises:
        QkdParameterError: On error rates outside [0, 1], f ≤ 0 or q outside (0, 1].
    """
    q_bit = _checks.closed_unit("qber_bit", qber_bit)
    q_phase = q_bit if qber_phase is None else _checks.closed_unit("qber_phase", qber_phase)
    f = _checks.positive("ec_efficiency", ec_efficiency)
    q = _checks.positive("preparation_quality", preparation_quality)
    if q > 1.0:
        raise QkdParameterError(
            f"preparation_quality must be in the interval (0, 1], got {preparation_quality!r}"
        )
    return q - binary_entropy(q_phase) - f * binary_entropy(q_bit)


def werner_qber(fidelity: float) -> float:
    """Q = 2(1 − F)/3: the Z- and X-basis error rate of a Werner pair of fidelity F (F11)."""
    f = _checks.closed_unit("fidelity", fidelity)
    return 2.0 * (1.0 - f) / 3.0


def zero_key_qber(ec_efficiency: float = 1.0) -> float:
    """The Q in [0, ½] where 1 − h(Q) − f·h(Q) = 0 (bisection to 1e-15); 0.1100 for f = 1."""
    f = _checks.positive("ec_efficiency", ec_efficiency)
    low, high = 0.0, 0.5
    while high - low > 1e-15:
        mid = 0.5 * (low + high)
        if asymptotic_key_fraction(mid, ec_efficiency=f) > 0.0:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)
