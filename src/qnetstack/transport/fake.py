"""A scripted transport layer, so applications above it are tested without the layers below.

``FakeTransportLayer`` records every primitive it gets from above and indicates upwards what
the test tells it to: hand it an :class:`~qnetstack.network.fake.Inject` primitive through the
runtime (``runtime.request_at(t, node, Inject(confirm), LayerName.TRANSPORT)``), or call
:meth:`FakeTransportLayer.indicate` in a lists-in, lists-out test. It is the transport-layer
twin of :class:`~qnetstack.network.fake.FakeNetworkLayer`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from qnetstack.network.fake import Inject
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
)

__all__ = ["FakeTransportLayer", "Inject"]


class FakeTransportLayer:
    """Scripted stand-in for a node's transport layer."""

    layer: ClassVar[LayerName] = LayerName.TRANSPORT

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[Primitive] = []
        """Every primitive received from above (other than :class:`Inject`), in order."""

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        if isinstance(primitive, Inject):
            return self.indicate(primitive.primitive)
        self.requests.append(primitive)
        return []

    def indicate(self, primitive: Primitive) -> list[Effect]:
        """The effects of indicating ``primitive`` to the layer above."""
        return [Indicate(primitive)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: the fake transport layer has nothing below")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: the fake transport layer exchanges no PDUs")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: the fake transport layer starts no timers")
