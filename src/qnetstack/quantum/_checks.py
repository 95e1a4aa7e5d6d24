"""Argument validation shared by the quantum modules (private)."""

from __future__ import annotations

import operator
from collections.abc import Sequence

__all__ = ["check_probability", "check_qubits"]


def check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float if it lies in [0, 1], else raise a ValueError naming it."""
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return value


def check_qubits(qubits: Sequence[int], n_qubits: int) -> tuple[int, ...]:
    """Validate qubit indices: integers in ``range(n_qubits)``, no repeats.

    Raises:
        ValueError: If an index is out of range or repeated, or none is given.
    """
    try:
        result = tuple(operator.index(q) for q in qubits)
    except TypeError:
        raise ValueError(f"qubit indices must be integers, got {qubits!r}") from None
    if not result:
        raise ValueError("at least one qubit index is required")
    for q in result:
        if not 0 <= q < n_qubits:
            raise ValueError(f"qubit index {q} out of range for a {n_qubits}-qubit register")
    if len(set(result)) != len(result):
        raise ValueError(f"qubit indices must be distinct, got {result}")
    return result
