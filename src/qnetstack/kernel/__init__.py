"""Discrete-event kernel: integer-picosecond clock, event heap, cancellable handles, RNG streams.

The kernel imports no protocol layer; only :mod:`qnetstack.runtime` uses it.
"""

from qnetstack.kernel.rng import RngFactory, name_key
from qnetstack.kernel.simulator import NORMAL, URGENT, EventHandle, SimulationError, Simulator

__all__ = [
    "NORMAL",
    "URGENT",
    "EventHandle",
    "RngFactory",
    "SimulationError",
    "Simulator",
    "name_key",
]
