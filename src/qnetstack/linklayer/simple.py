"""The simple link protocol: pairs on demand, one request at a time per link, master-ordered.

Theory of operation
-------------------
This is the minimal correct link protocol, for teaching and as the baseline the EGP improves
on. For each neighbour the node keeps a *session* (a ``transitions`` state machine, table
:data:`TRANSITIONS`). Both ends must serve the same request at the same time, so one end, the
*link master* (the node whose name sorts first), orders all requests on the link:

1. A CREATE at the master is queued there; a CREATE at the other end is forwarded to the master
   (:class:`~.messages.SimpleLinkSubmit`) and queued there.
2. When its session is idle, the master takes the next request, tells the peer
   (:class:`~.messages.SimpleLinkStart`, carrying the first pair tag) and starts generating.
   The peer starts when the message arrives (queued if it is still finishing the previous one).
3. While ``GENERATING``, each end asks its physical layer for one pair at a time with tag
   ``first_tag + i``; the heralding station waits for both ends, so the two ends stay in step.
   Each heralded pair becomes an OK at both ends with the same entanglement id.
4. After the last pair the session is idle again. If the physical layer reports
   ``OUT_OF_MEMORY``, the session waits (``WAITING_MEMORY``) until the user releases a pair.

Inputs per state: ``start`` only when ``IDLE`` (otherwise the start is queued);
``pair_ready`` only when ``GENERATING`` (otherwise :class:`PeerProtocolError`, as a herald with
an unknown tag means the ends disagree); ``out_of_memory`` when ``GENERATING``;
``memory_freed`` is ignored unless ``WAITING_MEMORY``.

Requests are served first come, first served (``priority`` is ignored); MEASURE requests,
deadlines and atomic requests are refused with ``UNSUPPORTED`` — they need the EGP.

Assumptions about the layer below: heralds carry the tag of the request; both ends receive the
herald of every pair (reliable classical channels). Lossy channels and deadlines need the
distributed queue of the EGP (Dahlberg et al. 2019), which this protocol deliberately omits.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict
from transitions import Machine

from qnetstack.linklayer.messages import SimpleLinkStart, SimpleLinkSubmit
from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
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
    Trace,
    TraceRecord,
)

__all__ = ["PLUGIN", "TRANSITIONS", "SimpleLink", "SimpleLinkConfig", "SimpleLinkState"]


class SimpleLinkState(Enum):
    """States of one link session."""

    IDLE = "idle"
    GENERATING = "generating"
    WAITING_MEMORY = "waiting_memory"


_S = SimpleLinkState
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "start", "source": _S.IDLE, "dest": _S.GENERATING, "before": "_begin"},
    {
        "trigger": "pair_ready",
        "source": _S.GENERATING,
        "dest": _S.IDLE,
        "conditions": "_is_last_pair",
        "before": "_deliver",
    },
    {
        "trigger": "pair_ready",
        "source": _S.GENERATING,
        "dest": _S.GENERATING,
        "before": "_deliver",
        "after": "_request_pair",
    },
    {"trigger": "out_of_memory", "source": _S.GENERATING, "dest": _S.WAITING_MEMORY},
    {
        "trigger": "memory_freed",
        "source": _S.WAITING_MEMORY,
        "dest": _S.GENERATING,
        "after": "_request_pair",
    },
]
"""The session's transition table; the docs' state diagram is generated from it."""


class SimpleLinkConfig(BaseModel):
    """Configuration of the ``simple-link`` protocol (it has no parameters yet)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class _Job:
    origin: str
    request_id: int
    number: int
    first_tag: int


class _Session:
    """One neighbour's session; the ``transitions`` model."""

    state: SimpleLinkState
    start: Callable[[_Job], bool]
    pair_ready: Callable[[PairReadyIndication], bool]
    out_of_memory: Callable[[], bool]
    memory_freed: Callable[[], bool]

    def __init__(self, remote: str, info: LinkInfo) -> None:
        self.remote = remote
        self.info = info
        self.job: _Job | None = None
        self.delivered = 0
        self.pending_starts: deque[_Job] = deque()
        self.effects: list[Effect] = []
        Machine(
            model=self,
            states=SimpleLinkState,
            transitions=TRANSITIONS,
            initial=SimpleLinkState.IDLE,
            queued=True,
            auto_transitions=False,
        )

    # callbacks (names referenced from TRANSITIONS)
    def _begin(self, job: _Job) -> None:
        self.job = job
        self.delivered = 0
        self.effects.append(Trace(TraceRecord("link-start", _job_data(job))))
        self._request_pair(job)

    def _request_pair(self, *_: object) -> None:
        assert self.job is not None
        tag = self.job.first_tag + self.delivered
        self.effects.append(SendDown(GenerateRequest(self.remote, tag)))

    def _is_last_pair(self, ready: PairReadyIndication) -> bool:
        assert self.job is not None
        return self.delivered + 1 == self.job.number

    def _deliver(self, ready: PairReadyIndication) -> None:
        job = self.job
        assert job is not None
        expected_tag = job.first_tag + self.delivered
        if ready.tag != expected_tag:
            raise PeerProtocolError(
                f"herald for tag {ready.tag} while waiting for {expected_tag} with {self.remote}"
            )
        if ready.slot is None:
            raise LocalProtocolError("simple-link keeps pairs; it never asks to measure them")
        ent = EntanglementId(job.origin, job.request_id, self.delivered)
        self.delivered += 1
        ok = OkIndication(
            entanglement_id=ent,
            remote=self.remote,
            slot=ready.slot,
            bell_index=ready.bell_index,
            goodness=ready.expected_fidelity,
            create_time_ps=ready.herald_time_ps,
        )
        self.effects.append(Indicate(ok))


def _job_data(job: _Job) -> dict[str, Any]:
    return {"origin": job.origin, "request_id": job.request_id, "number": job.number}


class SimpleLink:
    """The simple link protocol entity of one node.

    Args:
        name: This node.
        links: Link model per neighbour (from the physical platform).
    """

    layer: ClassVar[LayerName] = LayerName.LINK

    def __init__(self, name: str, links: dict[str, LinkInfo]) -> None:
        self.name = name
        self.sessions = {remote: _Session(remote, info) for remote, info in links.items()}
        self._queues: dict[str, deque[_Job]] = {remote: deque() for remote in links}
        self._next_tag: dict[str, int] = dict.fromkeys(links, 0)

    def is_master(self, remote: str) -> bool:
        """Whether this node orders the requests on the link to ``remote``."""
        return self.name < remote

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case CreateRequest():
                return self._create(primitive)
            case ReleaseRequest(slot):
                effects: list[Effect] = [SendDown(FreeRequest(slot))]
                for session in self.sessions.values():
                    if session.state is SimpleLinkState.WAITING_MEMORY:
                        session.memory_freed()
                        effects += _drain(session)
                return effects
        raise LocalProtocolError(f"{self.name}: link layer cannot handle {primitive!r}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case PairReadyIndication():
                session = self._session(primitive.remote)
                if session.state is not SimpleLinkState.GENERATING:
                    raise PeerProtocolError(
                        f"{self.name}: pair from {primitive.remote} while {session.state.name}"
                    )
                session.pair_ready(primitive)
                return _drain(session) + self._next(session)
            case GenerateFailure(remote, _, GenerateFailureReason.OUT_OF_MEMORY):
                session = self._session(remote)
                session.out_of_memory()
                return [Trace(TraceRecord("out-of-memory", {"remote": remote}))]
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r} from the physical layer")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        session = self._session(src)
        match pdu:
            case SimpleLinkSubmit(origin, request_id, number):
                if not self.is_master(src):
                    raise PeerProtocolError(f"{self.name}: submit from master {src}")
                self._queues[src].append(self._job(src, origin, request_id, number))
                return self._next(session)
            case SimpleLinkStart(origin, request_id, number, first_tag):
                if self.is_master(src):
                    raise PeerProtocolError(f"{self.name}: start from non-master {src}")
                session.pending_starts.append(_Job(origin, request_id, number, first_tag))
                return self._next(session)
        raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: simple-link starts no timers (got {key!r})")

    # --- helpers --------------------------------------------------------------------------

    def _create(self, request: CreateRequest) -> list[Effect]:
        def error(code: ErrorCode, message: str) -> list[Effect]:
            return [Indicate(ErrorIndication(self.name, request.request_id, code, message))]

        if request.number < 1:
            return error(ErrorCode.REJECTED, f"number must be >= 1, got {request.number}")
        if request.request_type is not RequestType.KEEP:
            return error(ErrorCode.UNSUPPORTED, "simple-link keeps pairs only; use 'egp'")
        if request.max_time_ps or request.atomic:
            return error(
                ErrorCode.UNSUPPORTED, "simple-link has no deadlines or atomic requests; use 'egp'"
            )
        session = self.sessions.get(request.remote)
        if session is None:
            return error(ErrorCode.UNSUPPORTED, f"{request.remote!r} is not a neighbour")
        if session.info.fresh_fidelity < request.min_fidelity:
            return error(
                ErrorCode.UNSUPPORTED,
                f"min_fidelity {request.min_fidelity} exceeds what the link delivers "
                f"({session.info.fresh_fidelity:.4f})",
            )
        if not self.is_master(request.remote):
            submit = SimpleLinkSubmit(self.name, request.request_id, request.number)
            return [SendPeer(request.remote, submit)]
        job = self._job(request.remote, self.name, request.request_id, request.number)
        self._queues[request.remote].append(job)
        return self._next(session)

    def _job(self, remote: str, origin: str, request_id: int, number: int) -> _Job:
        first_tag = self._next_tag[remote]
        self._next_tag[remote] = first_tag + number
        return _Job(origin, request_id, number, first_tag)

    def _next(self, session: _Session) -> list[Effect]:
        """Start the next request on an idle session, if there is one."""
        if session.state is not SimpleLinkState.IDLE:
            return []
        if self.is_master(session.remote):
            queue = self._queues[session.remote]
            if not queue:
                return []
            job = queue.popleft()
            start = SimpleLinkStart(job.origin, job.request_id, job.number, job.first_tag)
            session.start(job)
            return [SendPeer(session.remote, start), *_drain(session)]
        if not session.pending_starts:
            return []
        session.start(session.pending_starts.popleft())
        return _drain(session)

    def _session(self, remote: str) -> _Session:
        try:
            return self.sessions[remote]
        except KeyError:
            raise PeerProtocolError(f"{self.name}: {remote!r} is not a neighbour") from None


def _drain(session: _Session) -> list[Effect]:
    effects = session.effects
    session.effects = []
    return effects


def create_simple_link(
    name: str, config: SimpleLinkConfig, links: dict[str, LinkInfo], rng: np.random.Generator
) -> SimpleLink:
    """Plugin factory: the simple-link entity of node ``name``."""
    return SimpleLink(name, links)


PLUGIN = PluginSpec(
    name="simple-link",
    layer=LayerName.LINK,
    description="Pairs on demand, one request at a time per link, ordered by the link master.",
    config_model=SimpleLinkConfig,
    factory=create_simple_link,
)
