"""The network layer of a stack without repeaters: end-to-end pairs between neighbours are the
link layer's pairs.

Theory of operation
-------------------
Applications speak the network layer's service (:mod:`.primitives`) so that the same app runs
over a repeater chain and over one link. Between neighbours no swap, purification or routing is
needed, and any such machinery would only add messages and delay that a link-only experiment
does not have. ``direct`` is the identity network layer for that case:

* a :class:`~.primitives.NetworkCreateRequest` to a neighbour becomes one link-layer
  :class:`~qnetstack.linklayer.primitives.CreateRequest` with the same number, fidelity,
  deadline, type, basis and purpose (so the link layer picks its operating point from the
  application's ``min_fidelity`` exactly as for a direct link request);
* every link OK and ERROR of such a request comes back up as the network layer's OK (with the
  path ``(origin, other end)``) and ERROR, at both ends, with the link layer's Bell state,
  goodness, outcome and basis unchanged; a :class:`~.primitives.NetworkReleaseRequest` frees the
  link slot;
* a request for a node that is not a neighbour is refused with ``NO_ROUTE`` (the scenario
  loader refuses such requests up front).

**Request ids.** The link layer below may also serve requests that do not come through this
layer (the scenario runner's own link requests). Its request ids for this layer's requests are
``LINK_REQUEST_BASE + request id``; the remote end recognises them by that range, which is why
network request ids must be below :data:`LINK_REQUEST_BASE`. Link OKs and ERRORs outside the
range pass up unchanged.

There are no PDUs: the two ends agree through the link layer's own protocol.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from qnetstack.linklayer.primitives import (
    CreateRequest,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.network.config import DirectConfig
from qnetstack.network.context import NetworkContext
from qnetstack.network.primitives import (
    LINK_ERROR_CODES,
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.physical.primitives import TeleportRequest
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    PluginSpec,
    Primitive,
    SendDown,
)

__all__ = ["DIRECT_PLUGIN", "LINK_REQUEST_BASE", "PLUGIN", "Direct", "create_direct"]

DIRECT_PLUGIN = "direct"
"""The plugin's name (the scenario runner adds it under apps when a scenario has no network)."""
LINK_REQUEST_BASE = 1 << 48
"""Link request ids of this layer's requests start here."""

_N = NetworkErrorCode
_LINK_CODES = LINK_ERROR_CODES


class Direct:
    """The ``direct`` network-layer entity of one node.

    Args:
        name: This node.
        config: The plugin's (empty) configuration.
        context: The network graph (who the neighbours are).
        rng: Unused (the layer draws nothing).
    """

    layer: ClassVar[LayerName] = LayerName.NETWORK

    def __init__(
        self, name: str, config: DirectConfig, context: NetworkContext, rng: np.random.Generator
    ) -> None:
        self.name = name
        self.config = config
        self.context = context
        self.used: set[int] = set()
        """Request ids this node's users have used (a reused id is refused)."""

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkCreateRequest():
                return self._create(primitive)
            case NetworkReleaseRequest(slot):
                return [SendDown(ReleaseRequest(slot))]
            case TeleportRequest():  # the transport layer's local operation on a delivered half
                return [SendDown(primitive)]
        raise LocalProtocolError(
            f"{self.name}: the direct network layer cannot handle {type(primitive).__name__} "
            "(allowed: NetworkCreateRequest, NetworkReleaseRequest, TeleportRequest)"
        )

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case OkIndication(entanglement_id=ent) if ent.request_id >= LINK_REQUEST_BASE:
                head, tail = (
                    (self.name, primitive.remote)
                    if ent.origin == self.name
                    else (primitive.remote, self.name)
                )
                ok = NetworkOkIndication(
                    entanglement_id=NetworkEntanglementId(
                        ent.origin, ent.request_id - LINK_REQUEST_BASE, ent.sequence
                    ),
                    remote=primitive.remote,
                    slot=primitive.slot,
                    bell_index=primitive.bell_index,
                    goodness=primitive.goodness,
                    create_time_ps=primitive.create_time_ps,
                    path=(head, tail),
                    purpose_id=primitive.purpose_id,
                    outcome=primitive.outcome,
                    basis=primitive.basis,
                )
                return [Indicate(ok)]
            case ErrorIndication(origin, rid, code, message) if rid >= LINK_REQUEST_BASE:
                error = NetworkErrorIndication(origin, rid - LINK_REQUEST_BASE, _LINK_CODES[code],
                                               f"link: {message}")  # fmt: skip
                return [Indicate(error)]
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        raise PeerProtocolError(f"{self.name}: the direct network layer has no PDUs ({pdu!r})")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: the direct network layer starts no timers")

    def _create(self, request: NetworkCreateRequest) -> list[Effect]:
        rid = request.request_id
        problem = ""
        code = _N.REJECTED
        if not 0 <= rid < LINK_REQUEST_BASE:
            problem = f"request_id must be in [0, 2**48), got {rid}"
        elif rid in self.used:
            problem = f"request_id {rid} already used"
        elif request.remote == self.name:
            problem = f"remote is this node ({self.name!r})"
        elif request.number < 1:
            problem = f"number must be >= 1, got {request.number}"
        elif not self.context.graph.has_edge(self.name, request.remote):
            code = _N.NO_ROUTE
            problem = (
                f"{request.remote!r} is not a neighbour of {self.name!r}: the direct network "
                "layer serves neighbours only (use network: {plugin: qnp} for repeaters)"
            )
        if problem:
            return [Indicate(NetworkErrorIndication(self.name, rid, code, problem))]
        self.used.add(rid)
        create = CreateRequest(
            request_id=LINK_REQUEST_BASE + rid,
            remote=request.remote,
            number=request.number,
            min_fidelity=request.min_fidelity,
            max_time_ps=request.max_time_ps,
            request_type=request.request_type,
            measure_basis=request.measure_basis,
            purpose_id=request.purpose_id,
        )
        return [SendDown(create)]


def create_direct(
    name: str, config: DirectConfig, context: NetworkContext, rng: np.random.Generator
) -> Direct:
    """Plugin factory: the ``direct`` network-layer entity of node ``name``."""
    return Direct(name, config, context, rng)


PLUGIN = PluginSpec(
    name=DIRECT_PLUGIN,
    layer=LayerName.NETWORK,
    description="Neighbours only, no repeaters: each end-to-end pair is one link-layer pair "
    "(the network layer under apps of scenarios without one).",
    config_model=DirectConfig,
    factory=create_direct,
)
