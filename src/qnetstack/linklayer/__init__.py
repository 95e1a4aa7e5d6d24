"""Link layer: heralded entanglement on demand between neighbours (simple-link; EGP next)."""

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    LinkRequest,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.linklayer.simple import SimpleLink, SimpleLinkConfig, SimpleLinkState

__all__ = [
    "CreateRequest",
    "EntanglementId",
    "ErrorCode",
    "ErrorIndication",
    "LinkRequest",
    "OkIndication",
    "ReleaseRequest",
    "SimpleLink",
    "SimpleLinkConfig",
    "SimpleLinkState",
]
