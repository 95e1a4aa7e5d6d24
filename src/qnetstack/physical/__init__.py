"""Physical layer: node hardware, heralding stations, platforms (generic depolarising; NV next)."""

from qnetstack.physical.depolarising import DepolarisingConfig, DepolarisingPlatform
from qnetstack.physical.device import MemoryDevice
from qnetstack.physical.platform import LinkGeometry, LinkInfo, PhysicalPlatform
from qnetstack.physical.primitives import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    PairReadyIndication,
    PhysicalRequest,
    PurifyConfirm,
    PurifyRequest,
    SwapConfirm,
    SwapRequest,
    TeleportConfirm,
    TeleportRequest,
)
from qnetstack.physical.qstore import Formalism, MemoryModel, PairState, PairStore
from qnetstack.physical.station import AttemptStation, HeraldModel, SampledStation, Station

__all__ = [
    "AbortRequest",
    "AttemptStation",
    "DepolarisingConfig",
    "DepolarisingPlatform",
    "Formalism",
    "FreeRequest",
    "GenerateFailure",
    "GenerateFailureReason",
    "GenerateRequest",
    "HeraldModel",
    "LinkGeometry",
    "LinkInfo",
    "MemoryDevice",
    "MemoryModel",
    "PairReadyIndication",
    "PairState",
    "PairStore",
    "PhysicalPlatform",
    "PhysicalRequest",
    "PurifyConfirm",
    "PurifyRequest",
    "SampledStation",
    "Station",
    "SwapConfirm",
    "SwapRequest",
    "TeleportConfirm",
    "TeleportRequest",
]
