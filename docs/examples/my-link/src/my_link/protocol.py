"""``my-link``: the requesting end tells its peer which tags to use, then both generate.

One request per link at a time. Requests from the two ends must not overlap: resolving such
a race needs an ordering rule, which is what the built-in ``simple-link`` adds.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    FreeRequest,
    GenerateFailure,
    GenerateRequest,
    PairReadyIndication,
)
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
    SendPeer,
)


class MyLinkConfig(BaseModel):
    """Configuration of ``my-link`` (the ``link_layer:`` section of a scenario)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pairs: int = Field(
        1000, ge=1, description="Largest request served; larger ones are REJECTED."
    )


@dataclass(frozen=True, slots=True)
class MyLinkGo(PeerMessage):
    """Peer PDU: serve request ``request_id`` of ``origin``; pair i uses tag ``first_tag + i``."""

    origin: str
    request_id: int
    number: int
    first_tag: int


@dataclass(slots=True)
class _Job:
    origin: str
    request_id: int
    number: int
    first_tag: int
    delivered: int = 0


class MyLink:
    """The ``my-link`` entity of one node."""

    layer: ClassVar[LayerName] = LayerName.LINK

    def __init__(self, name: str, config: MyLinkConfig, links: dict[str, LinkInfo]) -> None:
        self.name = name
        self.config = config
        self.links = links
        self.jobs: dict[str, _Job] = {}  # remote -> the request being served
        self._next_tag = dict.fromkeys(links, 0)

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case CreateRequest(request_id, remote, number, min_fidelity):
                if not 1 <= number <= self.config.max_pairs:
                    return self._error(request_id, ErrorCode.REJECTED, f"number={number}")
                info = self.links.get(remote)
                if info is None or info.fresh_fidelity < min_fidelity:
                    return self._error(request_id, ErrorCode.UNSUPPORTED, f"cannot serve {remote}")
                if remote in self.jobs:
                    return self._error(request_id, ErrorCode.REJECTED, "link busy")
                # Each end allocates tags of its own parity, so the two ends never collide.
                parity = 0 if self.name < remote else 1
                first_tag = 2 * self._next_tag[remote] + parity
                self._next_tag[remote] += number
                job = _Job(self.name, request_id, number, first_tag)
                go = MyLinkGo(self.name, request_id, number, first_tag)
                return [SendPeer(remote, go), *self._start(remote, job)]
            case ReleaseRequest(slot):
                return [SendDown(FreeRequest(slot))]
        raise LocalProtocolError(f"{self.name}: my-link cannot handle {primitive!r}")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        match pdu:
            case MyLinkGo(origin, request_id, number, first_tag):
                if src in self.jobs:
                    raise PeerProtocolError(f"{self.name}: overlapping requests with {src}")
                return self._start(src, _Job(origin, request_id, number, first_tag))
        raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        if isinstance(primitive, GenerateFailure):
            # A real protocol would wait for a free slot (simple-link does); this toy gives up.
            raise LocalProtocolError(
                f"{self.name}: {primitive.reason} with {primitive.remote}; my-link needs "
                "2 memory slots per link at every node"
            )
        if not isinstance(primitive, PairReadyIndication):
            raise LocalProtocolError(f"{self.name}: unexpected {primitive!r}")
        remote = primitive.remote
        job = self.jobs[remote]
        ent = EntanglementId(job.origin, job.request_id, job.delivered)
        ok = OkIndication(
            ent,
            remote,
            primitive.slot,
            primitive.bell_index,
            primitive.expected_fidelity,
            primitive.herald_time_ps,
        )
        job.delivered += 1
        if job.delivered == job.number:
            del self.jobs[remote]
            return [Indicate(ok)]
        return [Indicate(ok), self._generate(remote, job)]

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return []

    def _start(self, remote: str, job: _Job) -> list[Effect]:
        self.jobs[remote] = job
        return [self._generate(remote, job)]

    def _generate(self, remote: str, job: _Job) -> Effect:
        # Pair i of the request uses tag first_tag + 2 i (steps of 2 keep the parity).
        return SendDown(GenerateRequest(remote, job.first_tag + 2 * job.delivered))

    def _error(self, request_id: int, code: ErrorCode, message: str) -> list[Effect]:
        return [Indicate(ErrorIndication(self.name, request_id, code, message))]


def create(
    name: str, config: MyLinkConfig, links: dict[str, LinkInfo], rng: np.random.Generator
) -> MyLink:
    """Plugin factory, called once per node by the scenario builder."""
    return MyLink(name, config, links)


PLUGIN = PluginSpec(
    name="my-link",
    layer=LayerName.LINK,
    description="Toy link protocol: the requesting end picks the tags, one request per link.",
    config_model=MyLinkConfig,
    factory=create,
)
