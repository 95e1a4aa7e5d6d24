"""Toeplitz hashing over GF(2): privacy amplification and key verification.

Theory of operation
-------------------
A random m × n binary Toeplitz matrix T (constant along diagonals) is fixed by m + n − 1 seed
bits s: T[i, j] = s[i − j + n − 1]. The family {x ↦ T x mod 2} is universal₂: for x ≠ x′,
Pr_s[T x = T x′] = 2^{−m} (Krawczyk, CRYPTO '94, LNCS 839; Mansour, Nisan & Tiwari, STOC '90),
which is what the quantum leftover hash lemma needs for privacy amplification (Renner 2005,
Tomamichel et al. 2012) and what the verification step needs for an ε_cor-correct key with
m = ⌈log₂(1/ε_cor)⌉ tag bits.

Computing y = T x fast: y_i = Σ_j s[i − j + n − 1] x_j is entry i + n − 1 of the linear convolution
s ∗ x, so one real FFT convolution of length ≥ m + n − 1 (no wrap-around reaches the entries we
read) gives every y_i as an integer ≤ n; rounding to the nearest integer and taking it mod 2
gives the hash. float64 FFTs are accurate to far better than ½ at these sizes (the rounding
error grows like ε_mach·log L·‖s‖‖x‖ ≈ 1e-9 at n = 10⁷); the code still checks the distance to
the nearest integer and raises if it ever exceeds 0.25, so a wrong hash cannot pass silently.
For short outputs (m ≤ 64, the verification tag) a row-by-row product is faster and is used.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.errors import QkdParameterError

__all__ = ["toeplitz_hash", "toeplitz_seed"]

Bits = npt.NDArray[np.uint8]

_ROW_BY_ROW_MAX_ROWS = 64
_ROUNDING_GUARD = 0.25


def toeplitz_seed(n_in: int, n_out: int, rng: np.random.Generator) -> Bits:
    """The n_in + n_out − 1 uniformly random seed bits of an ``n_out`` × ``n_in`` matrix."""
    n = _checks.count("n_in", n_in, minimum=1)
    m = _checks.count("n_out", n_out, minimum=1)
    return rng.integers(0, 2, size=n + m - 1, dtype=np.uint8)


def toeplitz_hash(bits: npt.ArrayLike, seed: npt.ArrayLike, n_out: int) -> Bits:
    """y = T x mod 2 for the ``n_out`` × len(bits) Toeplitz matrix T[i, j] = seed[i − j + n − 1].

    Args:
        bits: The input x (length n ≥ 1).
        seed: The seed s, exactly n + n_out − 1 bits.
        n_out: Output length m ≥ 1.

    Returns:
        The m hash bits.

    Raises:
        QkdParameterError: On a seed of the wrong length or non-binary input.
        ArithmeticError: If the FFT result is not within 0.25 of integers (never observed; a
            guard so that precision loss fails loudly instead of giving a wrong hash).
    """
    x = _checks.bits("bits", bits)
    s = _checks.bits("seed", seed)
    m = _checks.count("n_out", n_out, minimum=1)
    n = len(x)
    if n == 0:
        raise QkdParameterError("bits must hold at least one bit, got an empty array")
    if len(s) != n + m - 1:
        raise QkdParameterError(
            f"seed must hold len(bits) + n_out - 1 = {n + m - 1} bits, got {len(s)}"
        )
    if m <= _ROW_BY_ROW_MAX_ROWS:
        return _row_by_row(x, s, m)
    return _fft(x, s, m)


def _row_by_row(x: Bits, s: Bits, m: int) -> Bits:
    # Row i pairs x_j with s[i + n − 1 − j], i.e. the window s[i : i + n] against x reversed.
    n = len(x)
    x_reversed = x[::-1].astype(np.bool_)
    s_bool = s.astype(np.bool_)
    out = np.empty(m, dtype=np.uint8)
    for i in range(m):
        out[i] = np.count_nonzero(s_bool[i : i + n] & x_reversed) & 1
    return out


def _fft(x: Bits, s: Bits, m: int) -> Bits:
    n = len(x)
    size = _fast_length(n + m - 1)
    spectrum = np.fft.rfft(s.astype(np.float64), size) * np.fft.rfft(x.astype(np.float64), size)
    values = np.fft.irfft(spectrum, size)[n - 1 : n - 1 + m]
    nearest = np.rint(values)
    if values.size and float(np.max(np.abs(values - nearest))) > _ROUNDING_GUARD:
        raise ArithmeticError("Toeplitz FFT product lost integer precision; input too long")
    return (nearest.astype(np.int64) & 1).astype(np.uint8)


def _fast_length(target: int) -> int:
    """The smallest 2^a·3^b·5^c ≥ ``target`` (sizes pocketfft transforms fastest)."""
    best = 1 << max(0, (target - 1).bit_length())
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            candidate = power35
            while candidate < target:
                candidate *= 2
            best = min(best, candidate)
            power35 *= 3
        power5 *= 5
    return best
