"""A scripted link layer, so network-layer and application protocols are tested without physics.

``FakeLinkLayer`` accepts CREATE and RELEASE requests, records them, and produces OK or ERROR
indications only when the test calls :meth:`FakeLinkLayer.ok` or :meth:`FakeLinkLayer.error`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.service import Effect, LayerName, LocalProtocolError, PeerMessage, Primitive

__all__ = ["FakeLinkLayer"]


class FakeLinkLayer:
    """Scripted stand-in for a node's link layer."""

    layer: ClassVar[LayerName] = LayerName.LINK

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[Primitive] = []
        """Every primitive received from above, in order."""
        self.open: dict[int, CreateRequest] = {}
        """CREATE requests not yet completed, by request id."""
        self._sequence: dict[int, int] = {}
        self.released: list[int] = []
        """Slots the user released."""

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        self.requests.append(primitive)
        match primitive:
            case CreateRequest(request_id=request_id):
                self.open[request_id] = primitive
                self._sequence[request_id] = 0
                return []
            case ReleaseRequest(slot):
                self.released.append(slot)
                return []
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r}")

    def ok(
        self, request_id: int, *, slot: int = 0, bell_index: int = 0, goodness: float = 0.9,
        time_ps: int = 0, origin: str | None = None,
    ) -> OkIndication:  # fmt: skip
        """The next OK of an open request, as the real link layer would indicate it."""
        request = self.open.get(request_id)
        if request is None:
            raise LocalProtocolError(f"{self.name}: no open request {request_id}")
        sequence = self._sequence[request_id]
        self._sequence[request_id] = sequence + 1
        if sequence + 1 == request.number:
            del self.open[request_id]
        ent = EntanglementId(origin or self.name, request_id, sequence)
        return OkIndication(ent, request.remote, slot, bell_index, goodness, time_ps)

    def error(self, request_id: int, code: ErrorCode, message: str = "") -> ErrorIndication:
        """End an open request with an error."""
        if self.open.pop(request_id, None) is None:
            raise LocalProtocolError(f"{self.name}: no open request {request_id}")
        return ErrorIndication(self.name, request_id, code, message)

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return []

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        return []

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return []
