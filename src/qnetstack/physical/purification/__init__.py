"""Purification protocols: the local operations of a recurrence round (a plugin seam).

:class:`PurificationProtocol` is the interface (:mod:`~qnetstack.physical.purification.base`),
``dejmps`` and ``bbpssw`` the built-ins, one module each; :class:`PurificationRegistry` finds
them by name, built-in and third-party alike (entry-point group
``qnetstack.purification_protocols``). A scenario selects one with
``network: {purification: {protocol: NAME, ...}}``; the network layer passes the protocol to the
hardware in every :class:`~qnetstack.physical.primitives.PurifyRequest`.
"""

from qnetstack.physical.purification.base import (
    PairState,
    PurificationConfig,
    PurificationError,
    PurificationProtocol,
)
from qnetstack.physical.purification.bbpssw import Bbpssw
from qnetstack.physical.purification.dejmps import Dejmps
from qnetstack.physical.purification.registry import (
    BUILTIN_PURIFICATION_PROTOCOLS,
    ENTRY_POINT_GROUP,
    PurificationRegistry,
    builtin_protocol,
)

__all__ = [
    "BUILTIN_PURIFICATION_PROTOCOLS",
    "ENTRY_POINT_GROUP",
    "Bbpssw",
    "Dejmps",
    "PairState",
    "PurificationConfig",
    "PurificationError",
    "PurificationProtocol",
    "PurificationRegistry",
    "builtin_protocol",
]
