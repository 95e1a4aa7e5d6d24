"""Transport layer: qubit delivery by teleportation over end-to-end pairs, and sockets."""

from qnetstack.transport.config import TeleportConfig
from qnetstack.transport.messages import TeleportCorrection, TeleportSkip
from qnetstack.transport.primitives import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    ReleaseQubitRequest,
    SendQubitRequest,
    TransportErrorCode,
    TransportErrorIndication,
)
from qnetstack.transport.socket import EntanglementSocket, QubitSocket, dispatch
from qnetstack.transport.states import NAMED_STATES, PayloadState, payload_density_matrix
from qnetstack.transport.teleport import PLUGIN, Teleport, create_teleport, pair_fidelity

__all__ = [
    "NAMED_STATES",
    "PLUGIN",
    "EntanglementSocket",
    "PayloadState",
    "QubitDeliveredIndication",
    "QubitSentConfirm",
    "QubitSocket",
    "ReleaseQubitRequest",
    "SendQubitRequest",
    "Teleport",
    "TeleportConfig",
    "TeleportCorrection",
    "TeleportSkip",
    "TransportErrorCode",
    "TransportErrorIndication",
    "create_teleport",
    "dispatch",
    "pair_fidelity",
    "payload_density_matrix",
]
