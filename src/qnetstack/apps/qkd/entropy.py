"""The binary entropy function and its inverse, the currency of every key-rate formula.

h(p) = −p log₂ p − (1 − p) log₂(1 − p), with h(0) = h(1) = 0. It counts the bits per key bit that
error correction must disclose at error rate p (Shannon limit) and the bits Eve may know at
phase-error rate p (Shor–Preskill / Tomamichel et al.).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd._checks import closed_unit

__all__ = ["binary_entropy", "inverse_binary_entropy"]

FloatArray = npt.NDArray[np.float64]


@overload
def binary_entropy(p: float) -> float: ...


@overload
def binary_entropy(p: FloatArray) -> FloatArray: ...


def binary_entropy(p: float | FloatArray) -> float | FloatArray:
    """h(p) in bits, element-wise; exact 0 at p = 0 and p = 1.

    Args:
        p: Probabilities in [0, 1]. Values outside are clipped for arrays (so model curves may
            pass rounding noise such as 1 + 1e-17) and refused for scalars.

    Raises:
        QkdParameterError: If a scalar ``p`` is outside [0, 1].
    """
    if isinstance(p, np.ndarray):
        q = np.clip(p.astype(np.float64, copy=False), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -q * np.log2(q) - (1.0 - q) * np.log2(1.0 - q)
        return np.where((q <= 0.0) | (q >= 1.0), 0.0, h)
    value = closed_unit("p", p)
    if value in (0.0, 1.0):
        return 0.0
    return float(-value * np.log2(value) - (1.0 - value) * np.log2(1.0 - value))


def inverse_binary_entropy(h: float) -> float:
    """The p in [0, ½] with h(p) = ``h`` (bisection to 1e-15).

    Raises:
        QkdParameterError: If ``h`` is outside [0, 1].
    """
    target = closed_unit("h", h)
    low, high = 0.0, 0.5
    while high - low > 1e-15:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if binary_entropy(mid) < target else (low, mid)
    return 0.5 * (low + high)
