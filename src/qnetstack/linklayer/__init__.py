"""Link layer: heralded entanglement between neighbours (simple-link, and the EGP)."""

from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.dqp import RequestState
from qnetstack.linklayer.egp import Egp, GenerationPhase, SessionState
from qnetstack.linklayer.feu import FeuDecision, FidelityEstimator
from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    LinkRequest,
    MeasureBasisChoice,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.linklayer.scheduling import QueueEntry, Scheduler
from qnetstack.linklayer.simple import SimpleLink, SimpleLinkConfig, SimpleLinkState

__all__ = [
    "CreateRequest",
    "Egp",
    "EgpConfig",
    "EntanglementId",
    "ErrorCode",
    "ErrorIndication",
    "FeuDecision",
    "FidelityEstimator",
    "GenerationPhase",
    "LinkRequest",
    "MeasureBasisChoice",
    "OkIndication",
    "QueueEntry",
    "ReleaseRequest",
    "RequestState",
    "RequestType",
    "Scheduler",
    "SessionState",
    "SimpleLink",
    "SimpleLinkConfig",
    "SimpleLinkState",
]
