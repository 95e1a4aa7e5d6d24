from collections.abc import Hashable
from typing import ClassVar

from qnetstack.linklayer.primitives import CreateRequest, EntanglementId, OkIndication
from qnetstack.physical.primitives import AbortRequest, GenerateRequest, PairReadyIndication
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    LayerName,
    PeerMessage,
    Primitive,
    SendDown,
    StartTimer,
    Trace,
    TraceRecord,
)

DEADLINE_PS = 1_000_000_000  # 1 ms


class OnePair:
    """Ask the hardware for one pair; give up if it has not arrived within 1 ms."""

    layer: ClassVar[LayerName] = LayerName.LINK

    def __init__(self, name: str) -> None:
        self.name = name
        self.waiting: CreateRequest | None = None

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        assert isinstance(primitive, CreateRequest)
        self.waiting = primitive
        tag = primitive.request_id
        return [
            SendDown(GenerateRequest(primitive.remote, tag)),
            StartTimer("deadline", DEADLINE_PS),
        ]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        assert isinstance(primitive, PairReadyIndication)
        assert self.waiting is not None
        request, self.waiting = self.waiting, None
        ok = OkIndication(
            entanglement_id=EntanglementId(self.name, request.request_id, 0),
            remote=primitive.remote,
            slot=primitive.slot,
            bell_index=primitive.bell_index,
            goodness=primitive.expected_fidelity,
            create_time_ps=primitive.herald_time_ps,
        )
        return [CancelTimer("deadline"), Indicate(ok)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        return []

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        request, self.waiting = self.waiting, None
        assert request is not None
        return [
            SendDown(AbortRequest(request.remote, request.request_id)),
            Trace(TraceRecord("gave-up", {"request_id": request.request_id})),
        ]
