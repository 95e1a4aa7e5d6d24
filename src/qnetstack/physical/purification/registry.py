"""Purification protocols by name: the built-ins plus those installed under
``qnetstack.purification_protocols``.

A third-party package makes a protocol available by exporting its
:class:`~qnetstack.physical.purification.base.PurificationProtocol` subclass under the
entry-point group ``qnetstack.purification_protocols``, named like the protocol::

    [project.entry-points."qnetstack.purification_protocols"]
    bit-flip = "bitflip_purify.protocol:BitFlip"
"""

from __future__ import annotations

from qnetstack.physical.purification.base import PurificationError, PurificationProtocol
from qnetstack.physical.purification.bbpssw import Bbpssw
from qnetstack.physical.purification.dejmps import Dejmps
from qnetstack.registry import NamedRegistry

__all__ = [
    "BUILTIN_PURIFICATION_PROTOCOLS",
    "ENTRY_POINT_GROUP",
    "PurificationRegistry",
    "builtin_protocol",
]

ENTRY_POINT_GROUP = "qnetstack.purification_protocols"

BUILTIN_PURIFICATION_PROTOCOLS: tuple[type[PurificationProtocol], ...] = (Dejmps, Bbpssw)
"""The purification protocols that ship with qnetstack."""


class PurificationRegistry(NamedRegistry[PurificationProtocol]):
    """Purification-protocol classes by name (:class:`~qnetstack.registry.NamedRegistry`)."""

    kind = "purification protocol"
    kinds = "purification protocols"
    group = ENTRY_POINT_GROUP
    base = PurificationProtocol
    required = ("name", "description", "config_model")
    builtins = BUILTIN_PURIFICATION_PROTOCOLS
    error = PurificationError


_BUILTINS = {cls.name: cls() for cls in BUILTIN_PURIFICATION_PROTOCOLS}


def builtin_protocol(protocol: str | PurificationProtocol) -> PurificationProtocol:
    """``protocol`` itself, or the built-in protocol of that name (a convenience for callers
    that name ``'dejmps'`` or ``'bbpssw'``; third-party protocols are passed as instances).

    Raises:
        ValueError: For a name that is not a built-in.
    """
    if isinstance(protocol, PurificationProtocol):
        return protocol
    found = _BUILTINS.get(protocol)
    if found is None:
        raise ValueError(f"protocol must be one of {tuple(sorted(_BUILTINS))}, got {protocol!r}")
    return found
