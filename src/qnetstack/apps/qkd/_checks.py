"""Argument checks shared by the QKD modules; each raises :class:`QkdParameterError`."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd.errors import QkdParameterError

Bits = npt.NDArray[np.uint8]


def open_unit(name: str, value: float) -> float:
    """``value`` as a float in the open interval (0, 1)."""
    number = _real(name, value)
    if not 0.0 < number < 1.0:
        raise QkdParameterError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return number


def closed_unit(name: str, value: float) -> float:
    """``value`` as a float in the closed interval [0, 1]."""
    number = _real(name, value)
    if not 0.0 <= number <= 1.0:
        raise QkdParameterError(f"{name} must be in the closed interval [0, 1], got {value!r}")
    return number


def interval(
    name: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float in the interval from ``low`` to ``high`` (ends open as asked)."""
    number = _real(name, value)
    above = number > low if low_open else number >= low
    below = number < high if high_open else number <= high
    if not (above and below):
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise QkdParameterError(
            f"{name} must be in the interval {left}{low:g}, {high:g}{right}, got {value!r}"
        )
    return number


def positive(name: str, value: float) -> float:
    """``value`` as a finite float > 0."""
    number = _real(name, value)
    if not number > 0.0:
        raise QkdParameterError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def non_negative(name: str, value: float) -> float:
    """``value`` as a finite float ≥ 0."""
    number = _real(name, value)
    if not number >= 0.0:
        raise QkdParameterError(f"{name} must be a finite number >= 0, got {value!r}")
    return number


def count(name: str, value: int, minimum: int = 0) -> int:
    """``value`` as an int ≥ ``minimum`` (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise QkdParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise QkdParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def bits(name: str, values: npt.ArrayLike) -> Bits:
    """``values`` as a one-dimensional uint8 array of 0s and 1s (a copy only if needed)."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise QkdParameterError(f"{name} must be a one-dimensional array, got shape {array.shape}")
    if array.size == 0 or array.dtype == np.bool_:
        return array.astype(np.uint8)
    if not np.issubdtype(array.dtype, np.integer):
        raise QkdParameterError(f"{name} must be an integer array of 0s and 1s, got {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > 1):
        raise QkdParameterError(f"{name} must contain only 0 and 1")
    return array.astype(np.uint8, copy=False)


def settings(name: str, values: npt.ArrayLike, n_settings: int) -> Bits:
    """``values`` as a one-dimensional uint8 array of setting indices in [0, n_settings)."""
    array = np.asarray(values)
    if array.ndim == 1 and array.size == 0:
        return array.astype(np.uint8)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise QkdParameterError(f"{name} must be a one-dimensional integer array")
    if array.size and (array.min() < 0 or array.max() >= n_settings):
        raise QkdParameterError(
            f"{name} must contain only setting indices 0..{n_settings - 1}, "
            f"got values in [{array.min()}, {array.max()}]"
        )
    return array.astype(np.uint8, copy=False)


def same_length(**arrays: npt.NDArray[np.generic]) -> int:
    """The common length of ``arrays``; names every length when they differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise QkdParameterError(f"arrays must have equal lengths, got {described}")
    return next(iter(lengths.values()))


def _real(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise QkdParameterError(f"{name} must be a real number, got {value!r}")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise QkdParameterError(f"{name} must be a finite real number, got {value!r}")
    return number
