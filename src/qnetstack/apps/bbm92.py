"""BBM92 (and E91) quantum key distribution as an application protocol on the network layer.

Theory of operation
-------------------
BBM92 (Bennett, Brassard & Mermin, PRL 68, 557 (1992)): both ends measure their halves of
entangled pairs in independently random Z or X bases; rounds with equal bases give correlated
bits, from which error estimation, error correction and privacy amplification distil a secret
key. This entity runs it at every node that hosts the app: **Alice** is the end whose user
opened the session with :class:`~.primitives.QkdSessionRequest`, **Bob** the other.

**Pairs.** Alice asks her network layer for ``pairs`` MEASURE pairs with ``measure_basis:
random`` (network request id = session number, ``purpose_id`` = the app's, by which Bob's app
recognises the pairs of its sessions). Each end's network layer measures its half as
soon as the end-to-end pair exists there and indicates the outcome, basis and Bell state.
The Bell state is the Pauli frame of the swaps; Bob applies it classically: where the state's
correlation ⟨σ_b ⊗ σ_b⟩ in his basis b is −1, he flips his bit (the classical form of the
correction that maps the state to Φ⁺). Alice's bits are her raw outcomes.

**Blocks.** Alice cuts her pairs, in arrival order, into blocks of ``block_pairs``; each
block is post-processed by its own conversation with Bob (:mod:`._conversation`: every
message a round trip over the classical channels, with their delay and loss), in the order
of :mod:`.messages`:

1. Alice announces the block's pair sequence numbers, her bases, the post-processing
   parameters and the seed of the block's *public* generator.
2. Bob answers with his bases for those pairs (or "missing": both drop such pairs), and, as
   both can now sift, the sample positions (:func:`~.qkd.sample_positions` on Bob's generator)
   and his sample bits.
3. Alice discloses her sample bits. Both compute the same estimate
   (:func:`~.qkd.disclosed_estimate`). Alice aborts the block if an observed rate exceeds the
   tolerance, if fewer than two bits were sifted, or if the finite-key length would be 0
   even with error correction at the Shannon limit — the checks of
   :func:`~.qkd.run_postprocessing`, in its order.
4. Cascade, Bob driving (:func:`~.qkd.cascade_interactive.cascade_bob`): one round trip per
   pass for the block parities and one per BINARY halving step; the permutations come from
   the public generator both hold. The result equals the one-call Cascade for the same seeds.
5. Alice computes ℓ (Tomamichel et al. 2012, summed over the Z and X key bits, leak = the
   parities she disclosed) and sends a Toeplitz verification hash (seed and tag,
   ⌈log₂ 1/ε_cor⌉ bits) with the privacy-amplification seed and ℓ; or aborts if ℓ = 0.
6. Bob compares the tag (abort on a mismatch), computes the key and confirms; Alice then
   holds the key and acknowledges; Bob holds it on the acknowledgement.

Both ends indicate :class:`~.primitives.KeyDeliveredIndication` with the same key id and
identical bits; a key whose acknowledgement never arrives stays at Alice only and is reported
by the user's key store as not delivered (see :mod:`._conversation` on the two-generals limit).

**Closing.** When the network request has ended (all pairs, or an error), Alice post-processes
the last, shorter block (if it has at least ``min_block_pairs`` pairs), waits until every
block's conversation is over and closes the session with one more exchange
(:class:`~.messages.Close`), after which both ends indicate
:class:`~.primitives.QkdSessionEndIndication` and the generic
:class:`~.primitives.AppResultIndication` (pairs, blocks, keys, error). A generic
:class:`~.primitives.AppSessionRequest` opens a session with the default post-processing
parameters.

Randomness: Alice's and Bob's choices come from this entity's generator (the runtime's
``<node>/app`` stream); the public generator is seeded by a number Alice draws and announces.
Same run seed → same keys, in any process.

**E91** sessions (``protocol="e91"``) differ only in the records and the sifting: the network
layer measures along each end's three E91 directions; Alice's record is her setting code and
bit, Bob's is mapped to the Φ⁺ frame by :func:`~.qkd.e91_frame_correction`; the announcement
carries setting codes; key rounds and CHSH rounds follow Ekert's table
(:func:`~.qkd.e91.e91_round_kinds`); both ends disclose their CHSH-round bits (Bob with his
reply, Alice with her sample) and compute S; the key length uses q ≈ 0.228.

Primitives this entity does not own (other requests, other OKs) pass through unchanged, so it
can sit above the transport layer.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from qnetstack.apps._conversation import (
    Conversation,
    Failure,
    Last,
    Role,
    retransmission_timer,
)
from qnetstack.apps._records import pair_record
from qnetstack.apps.config import Bbm92Config
from qnetstack.apps.messages import (
    MISSING,
    Abort,
    Announce,
    AppMessage,
    Close,
    CloseAck,
    EcDone,
    KeyAck,
    KeyConfirm,
    ParityReply,
    ParityRequest,
    SampleReply,
    SiftReply,
    Verify,
)
from qnetstack.apps.primitives import (
    AppResultIndication,
    AppSessionRequest,
    BlockReport,
    KeyBlockFailedIndication,
    KeyDeliveredIndication,
    QkdSessionEndIndication,
    QkdSessionRequest,
    SessionId,
)
from qnetstack.apps.qkd import (
    FailureReason,
    ParameterEstimate,
    PostprocessingParameters,
    binary_entropy,
    cascade_qber,
    disclosed_estimate,
    inferred_chsh,
    key_blocks,
    sample_positions,
    secret_key_length,
    toeplitz_hash,
    toeplitz_seed,
    verification_tag_length,
)
from qnetstack.apps.qkd.cascade_interactive import CascadeAlice, cascade_bob
from qnetstack.apps.qkd.e91 import (
    E91_PREPARATION_QUALITY,
    NOT_KEY,
    chsh_from_counts,
    e91_round_kinds,
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

__all__ = ["PLUGIN", "Bbm92App", "create_bbm92", "key_id"]

Bits = npt.NDArray[np.uint8]
_PS_PER_S = 1e12
CLOSE_BLOCK = -1
"""Block index of the session's closing exchange."""


def key_id(session: SessionId, block: int) -> str:
    """The key id of a block: a UUID derived from the session and block (equal at both ends)."""
    digest = hashlib.sha256(f"{session.origin}\x00{session.number}\x00{block}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


@dataclass(slots=True)
class _Figures:
    """What a role learns about its block, for the report."""

    pairs: int = 0
    unmatched: int = 0
    sifted: int = 0
    estimate: ParameterEstimate | None = None
    leak_bits: int = 0
    cascade_rounds: int = 0
    tag_bits: int = 0
    secret_length: int = 0
    started_ps: int = 0
    chsh_counts: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class _Session:
    """One session at one end."""

    sid: SessionId
    role: str
    peer: str
    request: QkdSessionRequest | None = None  # Alice only
    buffer: list[tuple[int, int, int]] = field(default_factory=list)  # Alice: seq, basis, bit
    held: dict[int, tuple[int, int]] = field(default_factory=dict)  # Bob: seq -> basis, bit
    blocks: dict[int, Conversation[Bits | Failure]] = field(default_factory=dict)
    figures: dict[int, _Figures] = field(default_factory=dict)
    unreported: set[int] = field(default_factory=set)  # blocks whose end is not indicated yet
    pairs: int = 0
    keys: int = 0
    network_done: bool = False
    error: str = ""
    message: str = ""
    close: Conversation[int | Failure] | None = None
    ended: bool = False


class Bbm92App:
    """The BBM92 application entity of one node.

    Args:
        name: This node.
        config: The plugin's configuration.
        rng: This node's application-layer random stream.
    """

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, name: str, config: Bbm92Config, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.timeout_ps = round(config.retransmit_timeout_s * _PS_PER_S)
        self.sessions: dict[SessionId, _Session] = {}

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case QkdSessionRequest():
                return self._open(primitive, now_ps)
            case AppSessionRequest(session, remote, pairs, min_fidelity, max_time_ps):
                request = QkdSessionRequest(session, remote, pairs, min_fidelity=min_fidelity,
                                            max_time_ps=max_time_ps)  # fmt: skip
                return self._open(request, now_ps)
        return [SendDown(primitive)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkOkIndication(entanglement_id=ent, purpose_id=purpose) if (
                purpose == self.config.purpose_id and primitive.outcome is not None
            ):
                session = self._session_for(SessionId(ent.origin, ent.request_id), ent.origin)
                if session is not None:
                    return self._on_pair(session, primitive, now_ps)
            case NetworkErrorIndication(origin, rid, code, message):
                session = self.sessions.get(SessionId(origin, rid))
                if session is not None and session.role == "alice":
                    session.network_done = True
                    session.error, session.message = code.value, message
                    return self._progress(session, now_ps)
                if session is not None:
                    return []
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if not isinstance(pdu, AppMessage):
            raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        session = self._session_for(pdu.session, src)
        if session is None:
            return []
        conversation: Conversation[Bits | Failure] | Conversation[int | Failure] | None
        if pdu.block == CLOSE_BLOCK:
            conversation = session.close
            if conversation is None and session.role == "bob" and isinstance(pdu.body, Close):
                close = Conversation(src, session.sid, CLOSE_BLOCK, _bob_close(),
                                     self.timeout_ps, self.config.max_retransmissions)  # fmt: skip
                session.close = close
                return close.respond(pdu, now_ps) + self._progress(session, now_ps)
        else:
            conversation = session.blocks.get(pdu.block)
            if conversation is None and session.role == "bob" and isinstance(pdu.body, Announce):
                figures = _Figures(started_ps=now_ps)
                role = _bob_block(pdu.body, session, figures, self.rng)
                conv: Conversation[Bits | Failure] = Conversation(
                    src, session.sid, pdu.block, role, self.timeout_ps,
                    self.config.max_retransmissions,
                )  # fmt: skip
                session.blocks[pdu.block] = conv
                session.figures[pdu.block] = figures
                session.unreported.add(pdu.block)
                return conv.respond(pdu, now_ps) + self._progress(session, now_ps)
        if conversation is None:
            return []  # a stale message of a conversation already forgotten, or out of order
        return conversation.receive(pdu, now_ps) + self._progress(session, now_ps)

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        timer = retransmission_timer(key)
        if timer is None:
            raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")
        sid, block = timer
        session = self.sessions.get(sid)
        if session is None:
            return []
        conversation = session.close if block == CLOSE_BLOCK else session.blocks.get(block)
        if conversation is None:
            return []
        return conversation.on_timeout(now_ps) + self._progress(session, now_ps)

    # --- sessions -------------------------------------------------------------------------

    def _open(self, request: QkdSessionRequest, now_ps: int) -> list[Effect]:
        sid = SessionId(self.name, request.session)
        problem = _malformed(request, self.name)
        if sid in self.sessions:
            problem = f"session {request.session} already used"
        if problem:
            end = QkdSessionEndIndication(sid, "alice", 0, 0, 0, "REJECTED", problem)
            return [Indicate(end)]
        parameters = request.parameters
        if request.protocol == "e91":  # the key bases overlap: q ≈ 0.228, never more
            quality = min(parameters.preparation_quality, E91_PREPARATION_QUALITY)
            parameters = replace(parameters, preparation_quality=quality)
        request = replace(
            request,
            block_pairs=request.block_pairs or self.config.block_pairs,
            min_block_pairs=request.min_block_pairs or self.config.min_block_pairs,
            parameters=parameters,
        )
        self.sessions[sid] = _Session(sid, "alice", request.remote, request)
        create = NetworkCreateRequest(
            request_id=request.session,
            remote=request.remote,
            number=request.pairs,
            min_fidelity=request.min_fidelity,
            max_time_ps=request.max_time_ps,
            request_type=RequestType.MEASURE,
            measure_basis="e91" if request.protocol == "e91" else "random",
            purpose_id=self.config.purpose_id,
        )
        data = {"session": request.session, "remote": request.remote, "pairs": request.pairs}
        return [Trace(TraceRecord("qkd-open", data)), SendDown(create)]

    def _session_for(self, sid: SessionId, peer: str) -> _Session | None:
        """The session (Bob's is created by the first pair or message that names it)."""
        session = self.sessions.get(sid)
        if session is None and sid.origin != self.name:
            session = self.sessions[sid] = _Session(sid, "bob", peer)
        return session

    def _on_pair(self, session: _Session, ok: NetworkOkIndication, now_ps: int) -> list[Effect]:
        assert ok.outcome is not None
        seq = ok.entanglement_id.sequence
        session.pairs += 1
        basis, bit = pair_record(session.role, ok)
        if session.role == "alice":
            session.buffer.append((seq, basis, bit))
            request = session.request
            assert request is not None
            if session.pairs == request.pairs:
                session.network_done = True
            return self._progress(session, now_ps)
        if session.close is not None:
            return []  # after the session closed: never announced
        session.held[seq] = (basis, bit)
        return []

    def _progress(self, session: _Session, now_ps: int) -> list[Effect]:
        """Start what is due (Alice: blocks, the close), report what finished."""
        effects: list[Effect] = []
        if session.role == "alice":
            request = session.request
            assert request is not None
            while len(session.buffer) >= request.block_pairs:
                effects += self._start_block(session, request.block_pairs, now_ps)
            if session.network_done and session.buffer:
                if len(session.buffer) >= request.min_block_pairs:
                    effects += self._start_block(session, len(session.buffer), now_ps)
                else:  # too short for a key: dropped
                    session.buffer.clear()
        for block in sorted(session.unreported):
            conversation = session.blocks[block]
            if conversation.done:
                session.unreported.discard(block)
                effects.append(self._report(session, block, conversation, now_ps))
        everything_done = not session.unreported
        nothing_came = not (session.blocks or session.buffer or session.ended)
        if session.role == "alice" and session.network_done and nothing_came:
            session.ended = True  # no pair came: Bob knows of nothing, no closing exchange
            return effects + self._end(session, session.error, session.message)
        if (
            session.role == "alice" and session.network_done and not session.buffer
            and everything_done and session.close is None
        ):  # fmt: skip
            close = Conversation(session.peer, session.sid, CLOSE_BLOCK,
                                 _alice_close(len(session.blocks)), self.timeout_ps,
                                 self.config.max_retransmissions)  # fmt: skip
            session.close = close
            effects += close.start(now_ps)
        if (
            not session.ended and session.close is not None and session.close.done
            and everything_done
        ):  # fmt: skip
            session.ended = True
            error, message = session.error, session.message
            if isinstance(session.close.result, Failure):
                error = error or "CLOSE_FAILED"
                message = message or session.close.result.message
            effects += self._end(session, error, message)
        return effects

    def _end(self, session: _Session, error: str, message: str) -> list[Effect]:
        """The session's end at this end: its QKD indication and the generic result."""
        end = QkdSessionEndIndication(
            session.sid, session.role, session.pairs, len(session.blocks), session.keys,
            error, message,
        )  # fmt: skip
        summary = {"pairs": session.pairs, "blocks": len(session.blocks),
                   "keys": session.keys, "error": error}  # fmt: skip
        return [Indicate(end), Indicate(AppResultIndication(session.sid, session.role, summary))]

    def _start_block(self, session: _Session, size: int, now_ps: int) -> list[Effect]:
        request = session.request
        assert request is not None
        pairs, session.buffer = session.buffer[:size], session.buffer[size:]
        block = len(session.blocks)
        figures = _Figures(pairs=len(pairs), started_ps=now_ps)
        role = _alice_block(pairs, request.parameters, figures, self.rng, request.protocol)
        conversation: Conversation[Bits | Failure] = Conversation(
            session.peer, session.sid, block, role, self.timeout_ps,
            self.config.max_retransmissions,
        )  # fmt: skip
        session.blocks[block] = conversation
        session.figures[block] = figures
        session.unreported.add(block)
        return conversation.start(now_ps)

    def _report(
        self, session: _Session, block: int, conversation: Conversation[Bits | Failure],
        now_ps: int,
    ) -> Effect:  # fmt: skip
        figures = session.figures[block]
        estimate = figures.estimate
        if figures.chsh_counts:
            s_value, s_error, _ = chsh_from_counts(list(figures.chsh_counts))
            chsh: tuple[float, float] | None = (s_value, s_error)
        else:
            chsh = _chsh(estimate) if estimate is not None else None
        report = BlockReport(
            block=block,
            pairs=figures.pairs,
            unmatched=figures.unmatched,
            sifted_bits=figures.sifted,
            sample_bits=estimate.sample_size if estimate else 0,
            errors_per_basis=estimate.errors_per_basis if estimate else (0, 0),
            sample_per_basis=estimate.sample_per_basis if estimate else (0, 0),
            key_per_basis=estimate.key_per_basis if estimate else (0, 0),
            leak_ec_bits=figures.leak_bits,
            cascade_rounds=figures.cascade_rounds,
            verification_tag_bits=figures.tag_bits,
            secret_length=figures.secret_length,
            messages=conversation.messages,
            retransmissions=conversation.retransmissions,
            started_ps=figures.started_ps,
            ended_ps=now_ps,
            chsh_s=chsh[0] if chsh else None,
            chsh_s_std_error=chsh[1] if chsh else None,
            chsh_counts=figures.chsh_counts,
        )
        result = conversation.result
        if isinstance(result, Failure) or result is None:
            reason = result.reason if result is not None else "aborted"
            message = result.message if result is not None else ""
            return Indicate(
                KeyBlockFailedIndication(session.sid, block, session.role, reason, message, report)
            )
        session.keys += 1
        return Indicate(
            KeyDeliveredIndication(
                session.sid, key_id(session.sid, block), session.role, result, report
            )
        )


def _round_kinds(
    protocol: str, alice: npt.NDArray[np.uint8], bob: npt.NDArray[np.uint8]
) -> tuple[Bits, Bits]:
    """Per announced pair: its key-basis label and its CHSH term (:data:`NOT_KEY` if none).
    BBM92: equal bases are key rounds (label = the basis), no CHSH rounds; E91: Ekert's."""
    if protocol == "e91":
        return e91_round_kinds(alice, bob)
    label = np.where(alice == bob, alice, NOT_KEY).astype(np.uint8)
    return label, np.full(len(alice), NOT_KEY, dtype=np.uint8)


def _chsh_counts(term: Bits, alice: Bits, bob: Bits) -> tuple[tuple[int, int], ...]:
    """(rounds, disagreements) per CHSH term, from both ends' bits at the CHSH rounds."""
    kinds = term[term != NOT_KEY]
    return tuple(
        (int(np.count_nonzero(kinds == t)), int(np.count_nonzero((kinds == t) & (alice != bob))))
        for t in range(4)
    )


# --- the roles of one block -------------------------------------------------------------------


def _chsh(estimate: ParameterEstimate) -> tuple[float, float] | None:
    """CHSH inferred from the disclosed sample (no extra communication: both ends know it)."""
    (k_z, k_x), (e_z, e_x) = estimate.sample_per_basis, estimate.errors_per_basis
    if not (k_z and k_x):
        return None
    return inferred_chsh(1 - 2 * e_z / k_z, k_z, 1 - 2 * e_x / k_x, k_x)


def _precheck(
    estimate: ParameterEstimate, sifted: int, params: PostprocessingParameters
) -> Abort | None:
    """The early aborts of :func:`~.qkd.run_postprocessing`, computed alike at both ends."""
    if sifted < 2:
        reason = FailureReason.SIFTED_KEY_TOO_SHORT
        return Abort(reason.value, f"{reason.value}: only {sifted} sifted bits")
    tolerance = params.qber_tolerance
    if tolerance is not None:
        rates = [estimate.observed(b) for b in (0, 1) if estimate.sample_per_basis[b]]
        if any(rate > tolerance for rate in rates):
            reason = FailureReason.QBER_ABOVE_TOLERANCE
            return Abort(reason.value, f"{reason.value}: observed {rates} > {tolerance}")
    n_key = sum(estimate.key_per_basis)
    ideal_leak = math.ceil(n_key * binary_entropy(min(0.5, estimate.qber)))
    optimistic = secret_key_length(
        key_blocks(estimate, tolerance), ideal_leak, params.eps_sec, params.eps_cor,
        params.preparation_quality,
    )  # fmt: skip
    if optimistic.length == 0:
        reason = FailureReason.NO_SECRET_KEY
        return Abort(
            reason.value,
            f"{reason.value}: key-length bound {optimistic.bound_bits:.1f} bits even with error "
            f"correction at the Shannon limit",
        )
    return None


def _final_length(
    estimate: ParameterEstimate, leak_bits: int, params: PostprocessingParameters
) -> int:
    terms = secret_key_length(
        key_blocks(estimate, params.qber_tolerance), leak_bits, params.eps_sec, params.eps_cor,
        params.preparation_quality,
    )  # fmt: skip
    return terms.length


def _alice_block(
    pairs: list[tuple[int, int, int]], params: PostprocessingParameters, figures: _Figures,
    rng: np.random.Generator, protocol: str = "bbm92",
) -> Role[Bits | Failure]:  # fmt: skip
    sequences = np.fromiter((p[0] for p in pairs), dtype=np.intp, count=len(pairs))
    bases = np.fromiter((p[1] for p in pairs), dtype=np.uint8, count=len(pairs))
    bits = np.fromiter((p[2] for p in pairs), dtype=np.uint8, count=len(pairs))
    public_seed = int(rng.integers(2**63))
    reply = yield Announce(sequences, bases, params, public_seed, protocol)
    if not isinstance(reply, SiftReply) or len(reply.bases) != len(bases):
        raise PeerProtocolError(f"expected a SiftReply for {len(bases)} pairs, got {reply!r}")
    figures.unmatched = int(np.count_nonzero(reply.bases == MISSING))
    label, term = _round_kinds(protocol, bases, reply.bases)
    keep = label != NOT_KEY
    sifted_bits, sifted_bases = bits[keep], label[keep]
    alice_chsh = bits[term != NOT_KEY]
    if len(reply.chsh_bits) != len(alice_chsh):
        raise PeerProtocolError(f"expected {len(alice_chsh)} CHSH bits from Bob")
    if protocol == "e91":
        figures.chsh_counts = _chsh_counts(term, alice_chsh, reply.chsh_bits)
    figures.sifted = len(sifted_bits)
    sample = np.asarray(reply.sample, dtype=np.intp)
    if len(sample) and (sample.min() < 0 or sample.max() >= len(sifted_bits)):
        raise PeerProtocolError("sample positions outside the sifted key")
    alice_sample = sifted_bits[sample]
    estimate = disclosed_estimate(sifted_bases, sample, alice_sample, reply.bob_sample)
    figures.estimate = estimate
    abort = _precheck(estimate, len(sifted_bits), params)
    if abort is not None:
        yield Last(abort)
        return Failure(abort.reason, abort.message)
    in_sample = np.zeros(len(sifted_bits), dtype=np.bool_)
    in_sample[sample] = True
    key = sifted_bits[~in_sample]
    cascade = CascadeAlice(key, np.random.default_rng(public_seed))
    message = yield SampleReply(alice_sample, alice_chsh)
    while isinstance(message, ParityRequest):
        figures.cascade_rounds += 1
        message = yield ParityReply(cascade.answer(message.query))
    if not isinstance(message, EcDone):
        raise PeerProtocolError(f"expected a Cascade query or EcDone, got {message!r}")
    figures.leak_bits = cascade.disclosed
    length = _final_length(estimate, cascade.disclosed, params)
    if length == 0:
        reason = FailureReason.NO_SECRET_KEY
        abort = Abort(reason.value, f"{reason.value}: no secret bit after error correction")
        yield Last(abort)
        return Failure(abort.reason, abort.message)
    tag_bits = verification_tag_length(params.eps_cor)
    figures.tag_bits = tag_bits
    hash_seed = toeplitz_seed(len(key), tag_bits, rng)
    pa_seed = toeplitz_seed(len(key), length, rng)
    tag = toeplitz_hash(key, hash_seed, tag_bits)
    message = yield Verify(hash_seed, tag, pa_seed, length)
    if not isinstance(message, KeyConfirm):
        raise PeerProtocolError(f"expected KeyConfirm, got {message!r}")
    figures.secret_length = length
    final = toeplitz_hash(key, pa_seed, length)
    yield Last(KeyAck())
    return final


def _bob_block(
    announce: Announce, session: _Session, figures: _Figures, rng: np.random.Generator
) -> Role[Bits | Failure]:
    params = announce.parameters
    n = len(announce.sequences)
    figures.pairs = n
    my_bases = np.full(n, MISSING, dtype=np.uint8)
    my_bits = np.zeros(n, dtype=np.uint8)
    for i, seq in enumerate(announce.sequences.tolist()):
        held = session.held.pop(seq, None)
        if held is not None:
            my_bases[i], my_bits[i] = held
    figures.unmatched = int(np.count_nonzero(my_bases == MISSING))
    label, term = _round_kinds(announce.protocol, announce.bases, my_bases)
    keep = label != NOT_KEY
    sifted_bits, sifted_bases = my_bits[keep], label[keep]
    figures.sifted = len(sifted_bits)
    sample = sample_positions(len(sifted_bits), params.sample_fraction, rng)
    bob_sample = sifted_bits[sample]
    bob_chsh = my_bits[term != NOT_KEY]
    message = yield SiftReply(my_bases, sample, bob_sample, bob_chsh)
    if not isinstance(message, SampleReply) or len(message.alice_sample) != len(sample):
        raise PeerProtocolError(f"expected a SampleReply of {len(sample)} bits, got {message!r}")
    if len(message.chsh_bits) != len(bob_chsh):
        raise PeerProtocolError(f"expected {len(bob_chsh)} CHSH bits from Alice")
    if announce.protocol == "e91":
        figures.chsh_counts = _chsh_counts(term, message.chsh_bits, bob_chsh)
    estimate = disclosed_estimate(sifted_bases, sample, message.alice_sample, bob_sample)
    figures.estimate = estimate
    in_sample = np.zeros(len(sifted_bits), dtype=np.bool_)
    in_sample[sample] = True
    key = sifted_bits[~in_sample]
    cascade = cascade_bob(key, cascade_qber(estimate), np.random.default_rng(announce.public_seed),
                          passes=params.cascade_passes)  # fmt: skip
    try:
        query = next(cascade)
        while True:
            figures.cascade_rounds += 1
            reply = yield ParityRequest(query)
            if not isinstance(reply, ParityReply) or len(reply.parities) != len(query):
                raise PeerProtocolError(f"expected {len(query)} parities, got {reply!r}")
            query = cascade.send(reply.parities)
    except StopIteration as stop:
        result = stop.value
    figures.leak_bits = result.leak_bits
    message = yield EcDone(result.leak_bits)
    if not isinstance(message, Verify):
        raise PeerProtocolError(f"expected Verify, got {message!r}")
    tag_bits = verification_tag_length(params.eps_cor)
    figures.tag_bits = tag_bits
    tag = toeplitz_hash(result.corrected, message.hash_seed, tag_bits)
    if not np.array_equal(tag, message.tag):
        reason = FailureReason.VERIFICATION_FAILED
        abort = Abort(reason.value, f"{reason.value}: verification hashes differ")
        yield Last(abort)
        return Failure(abort.reason, abort.message)
    length = _final_length(estimate, result.leak_bits, params)
    if length != message.length:
        raise PeerProtocolError(f"key length {message.length} from Alice, {length} here")
    final = toeplitz_hash(result.corrected, message.pa_seed, length)
    message = yield KeyConfirm()
    if not isinstance(message, KeyAck):
        raise PeerProtocolError(f"expected KeyAck, got {message!r}")
    figures.secret_length = length
    return final


def _alice_close(blocks: int) -> Role[int | Failure]:
    reply = yield Close(blocks)
    if not isinstance(reply, CloseAck):
        raise PeerProtocolError(f"expected CloseAck, got {reply!r}")
    return blocks


def _bob_close() -> Role[int | Failure]:
    yield Last(CloseAck())
    return 0


def _malformed(request: QkdSessionRequest, node: str) -> str:
    if request.remote == node:
        return f"remote is this node ({node!r})"
    if request.pairs < 1:
        return f"pairs must be >= 1, got {request.pairs}"
    if request.block_pairs < 0 or request.block_pairs == 1:
        return f"block_pairs must be >= 2 (or 0 for the app's), got {request.block_pairs}"
    if request.min_block_pairs < 0 or request.min_block_pairs == 1:
        return f"min_block_pairs must be >= 2 (or 0 for the app's), got {request.min_block_pairs}"
    return ""


def create_bbm92(name: str, config: Bbm92Config, rng: np.random.Generator) -> Bbm92App:
    """Plugin factory: the BBM92 application entity of node ``name``."""
    return Bbm92App(name, config, rng)


PLUGIN = PluginSpec(
    name="bbm92",
    layer=LayerName.APP,
    description="QKD over the network layer (BBM92, or E91 with its CHSH value): measured "
    "end-to-end pairs, keys block by block through a two-party conversation on the classical "
    "channels (sifting, sample, Cascade round trips, verification, privacy amplification).",
    config_model=Bbm92Config,
    factory=create_bbm92,
)
