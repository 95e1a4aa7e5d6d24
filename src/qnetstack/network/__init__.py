"""Network layer: end-to-end entanglement over repeater paths (QNP with swap-ASAP), routing
strategies and topology generators."""

from qnetstack.network.config import QnpConfig
from qnetstack.network.context import NetworkContext, NoRouteError
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.network.qnp import Qnp

__all__ = [
    "NetworkContext",
    "NetworkCreateRequest",
    "NetworkEntanglementId",
    "NetworkErrorCode",
    "NetworkErrorIndication",
    "NetworkOkIndication",
    "NetworkReleaseRequest",
    "NoRouteError",
    "Qnp",
    "QnpConfig",
]
