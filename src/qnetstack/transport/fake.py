"""A scripted transport layer, so applications above it are tested without the layers below.

``FakeTransportLayer`` records every primitive it gets from above and indicates upwards what
the test tells it to: hand it an :class:`~qnetstack.network.fake.Inject` primitive through the
runtime (``runtime.request_at(t, node, Inject(confirm), LayerName.TRANSPORT)``), or call
:meth:`FakeTransportLayer.indicate` in a lists-in, lists-out test. It is the transport-layer
twin of :class:`~qnetstack.network.fake.FakeNetworkLayer`.
"""

from __future__ import annotations

from typing import ClassVar

from qnetstack.network.fake import Inject, ScriptedLayer
from qnetstack.service import LayerName

__all__ = ["FakeTransportLayer", "Inject"]


class FakeTransportLayer(ScriptedLayer):
    """Scripted stand-in for a node's transport layer."""

    layer: ClassVar[LayerName] = LayerName.TRANSPORT
