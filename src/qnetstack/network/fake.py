"""A scripted network layer, so application protocols are tested without the layers below.

``FakeNetworkLayer`` records every primitive it gets from above and indicates upwards exactly
what the test tells it to: call :meth:`FakeNetworkLayer.indicate` in a lists-in, lists-out
test, or hand it an :class:`Inject` primitive through the runtime (``runtime.request_at(t,
node, Inject(ok), LayerName.NETWORK)``) to script what an application sees at a given time
over real classical channels.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
)

__all__ = ["FakeNetworkLayer", "Inject", "ScriptedLayer"]


@dataclass(frozen=True, slots=True)
class Inject(Primitive):
    """Tells a :class:`FakeNetworkLayer` to indicate ``primitive`` to the layer above now."""

    primitive: Primitive


class ScriptedLayer:
    """A scripted stand-in for one layer of a node (subclasses set :attr:`layer`): it records
    what comes from above and indicates upwards what a test injects."""

    layer: ClassVar[LayerName]

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
        raise LocalProtocolError(
            f"{self.name}: the fake {self.layer.value} layer has nothing below"
        )

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(
            f"{self.name}: the fake {self.layer.value} layer exchanges no PDUs"
        )

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: the fake {self.layer.value} layer starts no timers")


class FakeNetworkLayer(ScriptedLayer):
    """Scripted stand-in for a node's network layer."""

    layer: ClassVar[LayerName] = LayerName.NETWORK
