"""shared-coin: two nodes get the same random bits from entangled pairs, and check them.

Each end measures its half of every end-to-end pair in Z (a network-layer MEASURE request);
equal outcomes, once the pair's Bell state is accounted for, are shared random bits that no
one chose. At the end the requesting end (Alice) discloses a random sample of her bits; the
other end (Bob) compares it with his and both report the bits that are left and the error
rate of the sample.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from qnetstack.apps.primitives import AppResultIndication, AppSessionRequest, SessionId
from qnetstack.linklayer.primitives import RequestType
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkErrorIndication,
    NetworkOkIndication,
)
from qnetstack.quantum import BELL_CORRELATION
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    PeerMessage,
    PluginSpec,
    Primitive,
    SendDown,
    SendPeer,
)


class CoinConfig(BaseModel):
    """The ``app:`` section of a scenario that selects ``plugin: shared-coin``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sample_bits: int = Field(
        16, ge=1, le=10_000, description="Bits disclosed at the end to estimate the error rate."
    )
    purpose_id: int = Field(
        7, ge=0, description="purpose_id of the app's network requests (Bob recognises them)."
    )


@dataclass(frozen=True, slots=True)
class CoinCheck(PeerMessage):
    """Alice's sample: pair sequence numbers and her bits there."""

    session: SessionId
    sequences: tuple[int, ...]
    bits: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CoinCheckReply(PeerMessage):
    """Bob's answer: how many of the sample bits he holds, and how many differ."""

    session: SessionId
    compared: int
    errors: int


@dataclass
class _Session:
    sid: SessionId
    peer: str
    pairs: int = 0  # wanted (Alice) or 0 (Bob: unknown)
    bits: dict[int, int] = field(default_factory=dict)  # pair sequence -> bit
    sample: tuple[int, ...] = ()


class SharedCoin:
    """The shared-coin entity of one node."""

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, name: str, config: CoinConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.sessions: dict[SessionId, _Session] = {}

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        if not isinstance(primitive, AppSessionRequest):
            return [SendDown(primitive)]  # not ours: pass it on
        sid = SessionId(self.name, primitive.session)
        self.sessions[sid] = _Session(sid, primitive.remote, primitive.pairs)
        create = NetworkCreateRequest(
            request_id=primitive.session, remote=primitive.remote, number=primitive.pairs,
            min_fidelity=primitive.min_fidelity, max_time_ps=primitive.max_time_ps,
            request_type=RequestType.MEASURE, measure_basis="Z",
            purpose_id=self.config.purpose_id,
        )  # fmt: skip
        return [SendDown(create)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkOkIndication(entanglement_id=ent, purpose_id=purpose) if (
                purpose == self.config.purpose_id and primitive.outcome is not None
            ):
                sid = SessionId(ent.origin, ent.request_id)
                session = self.sessions.get(sid)
                if session is None:  # Bob learns of the session from its first pair
                    session = self.sessions[sid] = _Session(sid, primitive.remote)
                flip = 1 if BELL_CORRELATION["Z"][primitive.bell_index] == -1 else 0  # Ψ±
                mine = ent.origin == self.name
                session.bits[ent.sequence] = primitive.outcome ^ (0 if mine else flip)
                if mine and len(session.bits) == session.pairs:
                    return self._check(session)
                return []
            case NetworkErrorIndication(origin, request_id) if origin == self.name:
                session = self.sessions.get(SessionId(origin, request_id))
                if session is not None:  # fewer pairs than asked: check what there is
                    return self._check(session)
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        match pdu:
            case CoinCheck(sid, sequences, bits):  # at Bob
                session = self.sessions.setdefault(sid, _Session(sid, src))
                held = [(s, b) for s, b in zip(sequences, bits, strict=True) if s in session.bits]
                errors = sum(session.bits[s] != b for s, b in held)
                session.sample = sequences
                reply = CoinCheckReply(sid, len(held), errors)
                return [SendPeer(src, reply), self._result(session, "bob", len(held), errors)]
            case CoinCheckReply(sid, compared, errors):  # at Alice
                return [self._result(self.sessions[sid], "alice", compared, errors)]
        return []

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return []

    def _check(self, session: _Session) -> list[Effect]:
        """Alice discloses a random sample of her bits."""
        sequences = sorted(session.bits)
        size = min(self.config.sample_bits, len(sequences))
        chosen = sorted(int(i) for i in self.rng.choice(sequences, size=size, replace=False))
        session.sample = tuple(chosen)
        bits = tuple(session.bits[s] for s in chosen)
        return [SendPeer(session.peer, CoinCheck(session.sid, session.sample, bits))]

    def _result(self, session: _Session, role: str, compared: int, errors: int) -> Effect:
        """The bits that are left after the sample, and what the sample showed."""
        kept = [session.bits[s] for s in sorted(session.bits) if s not in session.sample]
        result = {"pairs": len(session.bits), "bits": kept, "sample_compared": compared,
                  "sample_errors": errors,
                  "error_rate": errors / compared if compared else None}  # fmt: skip
        return Indicate(AppResultIndication(session.sid, role, result))


def create_coin(name: str, config: CoinConfig, rng: np.random.Generator) -> SharedCoin:
    """Plugin factory: called once per node with its name, the config and its app stream."""
    return SharedCoin(name, config, rng)


PLUGIN = PluginSpec(
    name="shared-coin",
    layer=LayerName.APP,
    description="Toy app: shared random bits from Z-measured pairs, checked on a sample.",
    config_model=CoinConfig,
    factory=create_coin,
)
