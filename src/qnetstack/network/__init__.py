"""Network layer: end-to-end entanglement over repeater paths (QNP: swap-ASAP or nested
swapping, purification per link or end to end, cutoffs), routing strategies and topology
generators."""

from qnetstack.network.config import PurificationConfig, QnpConfig
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
    "PurificationConfig",
    "Qnp",
    "QnpConfig",
]
