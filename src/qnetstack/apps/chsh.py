"""A CHSH Bell test as an application protocol on the network layer.

Theory of operation
-------------------
**Alice** (the end whose user opened the session with
:class:`~.primitives.BellTestSessionRequest`) asks her network layer for ``pairs`` MEASURE
pairs with the session's settings (``measure_basis: random`` — Z or X at each end — or
``e91`` — each end's three E91 directions), network request id = session number,
``purpose_id`` = the app's (by which **Bob**'s app recognises the pairs of its sessions). Each
end records, per pair, its setting and outcome; Bob's record is frame-corrected to Φ⁺ with the
pair's announced Bell state (:func:`._records.pair_record`), so both records read as those of
Φ⁺ pairs.

**The test needs both ends' records in one place.** When the network request has ended (all
pairs, or an error after some), Alice runs one conversation with Bob over the classical
channels (:mod:`._conversation`: retransmitted on loss, answered once):

1. Alice sends her pairs' sequence numbers (:class:`~.messages.RecordsRequest`).
2. Bob answers with his setting and bit for each (or "missing": a pair whose OK has not
   reached him; both drop it) (:class:`~.messages.RecordsReply`).
3. Alice computes S (:mod:`.bell_test`: inferred from E_ZZ and E_XX for Z/X settings,
   measured with Ekert's settings for E91) and sends the figures
   (:class:`~.messages.BellOutcome`), so both ends report the same.

Both ends then indicate :class:`~.primitives.BellTestResultIndication` and the generic
:class:`~.primitives.AppResultIndication`. A conversation that gives up (no answer after the
retransmissions) ends the test with error ``timeout`` at the end that gave up; an Abort tells
the other. A session whose network request ended before any pair ends at Alice with the
network's error (Bob never heard of it).

Unlike QKD, a Bell test discloses every outcome: nothing is kept secret, so all pairs count.
A generic :class:`~.primitives.AppSessionRequest` opens a test with Z/X settings.

Primitives this entity does not own pass through unchanged, so it can share a node's
:class:`~.host.AppHost` with other apps.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from qnetstack.apps._conversation import (
    Conversation,
    Failure,
    Last,
    Role,
    retransmission_timer,
)
from qnetstack.apps._records import pair_record
from qnetstack.apps.bell_test import e91_chsh_summary, zx_chsh_summary
from qnetstack.apps.config import ChshConfig
from qnetstack.apps.messages import (
    MISSING,
    AppMessage,
    BellOutcome,
    RecordsReply,
    RecordsRequest,
)
from qnetstack.apps.primitives import (
    AppResultIndication,
    AppSessionRequest,
    BellTestResultIndication,
    BellTestSessionRequest,
    SessionId,
)
from qnetstack.linklayer.primitives import RequestType
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkErrorIndication,
    NetworkOkIndication,
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
    Trace,
    TraceRecord,
)

__all__ = ["PLUGIN", "ChshApp", "create_chsh"]

_PS_PER_S = 1e12
_BLOCK = 0
"""The session's one conversation."""

Summary = dict[str, Any]


@dataclass(slots=True)
class _Session:
    """One test at one end."""

    sid: SessionId
    role: str
    peer: str
    request: BellTestSessionRequest | None = None  # Alice only
    records: dict[int, tuple[int, int]] = field(default_factory=dict)  # seq -> setting, bit
    settings: str = "random"
    network_done: bool = False
    error: str = ""
    message: str = ""
    conversation: Conversation[Summary | Failure] | None = None
    ended: bool = False


class ChshApp:
    """The CHSH application entity of one node.

    Args:
        name: This node.
        config: The plugin's configuration.
        rng: This node's application-layer random stream (unused: the settings are drawn by
            the layers below, from their own streams).
    """

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, name: str, config: ChshConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.timeout_ps = round(config.retransmit_timeout_s * _PS_PER_S)
        self.sessions: dict[SessionId, _Session] = {}

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case BellTestSessionRequest():
                return self._open(primitive)
            case AppSessionRequest(session, remote, pairs, min_fidelity, max_time_ps):
                request = BellTestSessionRequest(
                    session, remote, pairs, "random", min_fidelity, max_time_ps
                )
                return self._open(request)
        return [SendDown(primitive)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkOkIndication(entanglement_id=ent, purpose_id=purpose) if (
                purpose == self.config.purpose_id and primitive.outcome is not None
            ):
                session = self._session_for(SessionId(ent.origin, ent.request_id), ent.origin)
                return self._on_pair(session, primitive, now_ps)
            case NetworkErrorIndication(origin, rid, code, message):
                known = self.sessions.get(SessionId(origin, rid))
                if known is not None and known.role == "alice":
                    known.network_done = True
                    known.error, known.message = code.value, message
                    return self._progress(known, now_ps)
                if known is not None:
                    return []
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if not isinstance(pdu, AppMessage):
            raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        session = self.sessions.get(pdu.session)
        if session is None and pdu.session.origin == src:
            session = self._session_for(pdu.session, src)
        if session is None or pdu.block != _BLOCK:
            return []
        conversation = session.conversation
        if conversation is None and session.role == "bob":
            if not isinstance(pdu.body, RecordsRequest):
                return []  # an Abort or a stale message before the request: nothing to do
            role = _bob_role(pdu.body, session)
            conversation = Conversation(src, session.sid, _BLOCK, role, self.timeout_ps,
                                        self.config.max_retransmissions)  # fmt: skip
            session.conversation = conversation
            return conversation.respond(pdu, now_ps) + self._progress(session, now_ps)
        if conversation is None:
            return []
        return conversation.receive(pdu, now_ps) + self._progress(session, now_ps)

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        timer = retransmission_timer(key)
        if timer is None:
            raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")
        session = self.sessions.get(timer[0])
        if session is None or session.conversation is None:
            return []
        return session.conversation.on_timeout(now_ps) + self._progress(session, now_ps)

    # --- sessions -------------------------------------------------------------------------

    def _open(self, request: BellTestSessionRequest) -> list[Effect]:
        sid = SessionId(self.name, request.session)
        problem = ""
        if sid in self.sessions:
            problem = f"session {request.session} already used"
        elif request.remote == self.name:
            problem = f"remote is this node ({self.name!r})"
        elif request.pairs < 1:
            problem = f"pairs must be >= 1, got {request.pairs}"
        elif request.settings not in ("random", "e91"):
            problem = f"settings must be 'random' or 'e91', got {request.settings!r}"
        if problem:
            return _results(sid, "alice", 0, None, "REJECTED", problem)
        self.sessions[sid] = _Session(sid, "alice", request.remote, request,
                                      settings=request.settings)  # fmt: skip
        create = NetworkCreateRequest(
            request_id=request.session,
            remote=request.remote,
            number=request.pairs,
            min_fidelity=request.min_fidelity,
            max_time_ps=request.max_time_ps,
            request_type=RequestType.MEASURE,
            measure_basis=request.settings,
            purpose_id=self.config.purpose_id,
        )
        data = {"session": request.session, "remote": request.remote, "pairs": request.pairs}
        return [Trace(TraceRecord("chsh-open", data)), SendDown(create)]

    def _session_for(self, sid: SessionId, peer: str) -> _Session:
        """The session (Bob's is created by the first pair or message that names it)."""
        session = self.sessions.get(sid)
        if session is None:
            session = self.sessions[sid] = _Session(sid, "bob", peer)
        return session

    def _on_pair(self, session: _Session, ok: NetworkOkIndication, now_ps: int) -> list[Effect]:
        if session.conversation is not None or session.ended:
            return []  # after the records were exchanged: too late to count
        if isinstance(ok.basis, float):
            session.settings = "e91"
        session.records[ok.entanglement_id.sequence] = pair_record(session.role, ok)
        request = session.request
        if session.role == "alice" and request is not None:
            if len(session.records) == request.pairs:
                session.network_done = True
            return self._progress(session, now_ps)
        return []

    def _progress(self, session: _Session, now_ps: int) -> list[Effect]:
        """Alice: start the exchange once the pairs are in; both: report a finished test."""
        if session.ended:
            return []
        conversation = session.conversation
        if conversation is None:
            if session.role != "alice" or not session.network_done:
                return []
            if not session.records:
                session.ended = True
                error = session.error or "NO_PAIRS"
                return _results(session.sid, "alice", 0, None, error,
                                session.message or "no pair was measured")  # fmt: skip
            role = _alice_role(session)
            retries = self.config.max_retransmissions
            conversation = Conversation(
                session.peer, session.sid, _BLOCK, role, self.timeout_ps, retries
            )
            session.conversation = conversation
            return conversation.start(now_ps)
        if not conversation.done:
            return []
        session.ended = True
        pairs = len(session.records)
        result = conversation.result
        if isinstance(result, Failure):
            return _results(session.sid, session.role, pairs, None, result.reason,
                            result.message)  # fmt: skip
        assert result is not None
        return _results(session.sid, session.role, pairs, result, session.error, session.message)


def _alice_role(session: _Session) -> Role[Summary | Failure]:
    sequences = np.array(sorted(session.records), dtype=np.intp)
    reply = yield RecordsRequest(sequences)
    if not isinstance(reply, RecordsReply) or len(reply.settings) != len(sequences):
        raise PeerProtocolError(f"expected RecordsReply for {len(sequences)} pairs, got {reply!r}")
    mine = np.array([session.records[int(seq)] for seq in sequences], dtype=np.uint8)
    held = reply.settings != MISSING
    summarise = e91_chsh_summary if session.settings == "e91" else zx_chsh_summary
    summary = summarise(mine[held, 0], mine[held, 1], reply.settings[held], reply.bits[held])
    summary["pairs"] = len(sequences)
    summary["unmatched"] = int(np.count_nonzero(~held))
    yield Last(BellOutcome(summary))
    return summary


def _bob_role(first: RecordsRequest, session: _Session) -> Role[Summary | Failure]:
    settings = np.full(len(first.sequences), MISSING, dtype=np.uint8)
    bits = np.zeros(len(first.sequences), dtype=np.uint8)
    for index, seq in enumerate(first.sequences):
        record = session.records.get(int(seq))
        if record is not None:
            settings[index], bits[index] = record
    outcome = yield RecordsReply(settings, bits)
    if not isinstance(outcome, BellOutcome):
        raise PeerProtocolError(f"expected BellOutcome, got {outcome!r}")
    return dict(outcome.summary)


def _results(
    sid: SessionId, role: str, pairs: int, summary: Summary | None, error: str, message: str
) -> list[Effect]:
    """Both indications of a finished test at one end."""
    figures = summary or {}
    generic = {
        "pairs": pairs,
        "rounds": figures.get("rounds", 0),
        "s": figures.get("s"),
        "s_std_error": figures.get("s_std_error"),
        "violation": bool(figures.get("violation", False)),
        "error": error or None,
    }
    return [
        Indicate(BellTestResultIndication(sid, role, pairs, summary, error, message)),
        Indicate(AppResultIndication(sid, role, generic)),
    ]


def create_chsh(name: str, config: ChshConfig, rng: np.random.Generator) -> ChshApp:
    """Plugin factory: the CHSH application entity of node ``name``."""
    return ChshApp(name, config, rng)


PLUGIN = PluginSpec(
    name="chsh",
    layer=LayerName.APP,
    description="CHSH Bell test over the network layer: measured end-to-end pairs (Z/X or "
    "E91 settings), both ends' records brought together over the classical channels, S with "
    "its standard error and correlators at both ends.",
    config_model=ChshConfig,
    factory=create_chsh,
)
