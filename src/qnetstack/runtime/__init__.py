"""The runtime: drives sans-I/O protocol entities with the discrete-event kernel.

This is the only package that imports both :mod:`qnetstack.kernel` and the protocol layers.
"""

from qnetstack.runtime.channel import (
    SPEED_OF_LIGHT_FIBRE_KM_PER_S,
    ClassicalChannel,
    fibre_delay_ps,
)
from qnetstack.runtime.network import Node, Runtime, TopHandler, WiringError
from qnetstack.runtime.plugins import ENTRY_POINT_GROUP, PluginError, PluginRegistry
from qnetstack.runtime.trace import TraceEvent, TraceLog

__all__ = [
    "ENTRY_POINT_GROUP",
    "SPEED_OF_LIGHT_FIBRE_KM_PER_S",
    "ClassicalChannel",
    "Node",
    "PluginError",
    "PluginRegistry",
    "Runtime",
    "TopHandler",
    "TraceEvent",
    "TraceLog",
    "WiringError",
    "fibre_delay_ps",
]
