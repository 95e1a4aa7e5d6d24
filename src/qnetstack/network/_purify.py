"""Recurrence purification between the two ends of a hop or of a circuit (plain code, per pair).

A *channel* is one end of a purification relation: the two ends of a hop (``scope: link``) or
the head and the tail of a circuit (``scope: end_to_end``). One end *coordinates* (the hop's
upstream node; the tail for end-to-end pairs, which learns of them first), the other *follows*.

Pairs enter a channel at level 0 with an estimated state: a Werner state with the pair's
goodness, around Φ⁺ once its announced frame is corrected. Each round combines two pairs of the
same level (symmetric recurrence, Dür & Briegel's "entanglement purification" schedule: level k
needs 2^k pairs):

1. the coordinator picks the two oldest idle pairs of a level (the newer one is kept), runs its
   half of the round (:class:`~qnetstack.physical.PurifyRequest`, frames corrected in software)
   and sends ``QnpPurify`` (both pairs, the level, its bit) to the follower;
2. the follower, once it holds both halves, runs its half, compares the bits (equal: success),
   and answers ``QnpPurifyReply`` with its bit;
3. both ends then either free the kept half (failure) or raise it one level, with the estimate
   of :func:`~qnetstack.quantum.dejmps` / :func:`~qnetstack.quantum.bbpssw` on the two inputs'
   estimates. Both ends compute the same estimates from the same inputs, so they always agree on
   which pairs are ready.

A pair is *ready* (handed to swapping or delivery) at level ``rounds`` (policy ``rounds``), or
once its estimated fidelity reaches the target (policy ``target``); under ``target`` a pair
still short after ``max_rounds`` rounds is freed at both ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qnetstack.linklayer.primitives import EntanglementId, ReleaseRequest
from qnetstack.network.config import PurificationConfig
from qnetstack.network.messages import (
    CircuitId,
    LinkPairRef,
    QnpPurify,
    QnpPurifyReply,
    pair_json,
)
from qnetstack.physical.primitives import PurifyRequest
from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import BellDiagonal
from qnetstack.service import Effect, PeerProtocolError, SendDown, SendPeer, Trace, TraceRecord

__all__ = ["Candidate", "Channel", "input_fidelity", "purified_estimate", "rounds_needed"]

_BISECTION_STEPS = 60


def purified_estimate(
    a: BellDiagonal, b: BellDiagonal, protocol: PurificationProtocol
) -> tuple[float, BellDiagonal]:
    """Success probability and kept state of one round on the estimates ``a`` and ``b``."""
    try:
        return protocol.estimate(a, b)
    except ValueError:  # the outcomes can never coincide
        return 0.0, BellDiagonal.werner(0.25)


def _after_rounds(fidelity: float, rounds: int, protocol: PurificationProtocol) -> float:
    state = BellDiagonal.werner(fidelity)
    for _ in range(rounds):
        _, state = purified_estimate(state, state, protocol)
    return state.fidelity(0)


def input_fidelity(target: float, rounds: int, protocol: PurificationProtocol) -> float | None:
    """The lowest Werner fidelity from which ``rounds`` symmetric rounds reach ``target``.

    Found by bisection on (0.5, 1], which assumes what holds for DEJMPS and BBPSSW: on Werner
    inputs above 1/2 a round raises the fidelity, and the output increases with the input.
    Targets at or below 1/2 need no purification (returned unchanged); ``None`` if even
    perfect inputs fall short.
    """
    if target <= 0.5:
        return target
    if _after_rounds(1.0, rounds, protocol) < target - 1e-12:
        return None
    low, high = 0.5, 1.0
    for _ in range(_BISECTION_STEPS):
        mid = (low + high) / 2
        if _after_rounds(mid, rounds, protocol) >= target:
            high = mid
        else:
            low = mid
    return high


def rounds_needed(
    fidelity: float, target: float, protocol: PurificationProtocol, max_rounds: int
) -> int | None:
    """Symmetric rounds on Werner pairs of ``fidelity`` until ``target``; ``None`` if more
    than ``max_rounds`` are needed."""
    state = BellDiagonal.werner(fidelity)
    for rounds in range(max_rounds + 1):
        if state.fidelity(0) >= target - 1e-12:
            return rounds
        _, state = purified_estimate(state, state, protocol)
    return None


@dataclass(slots=True)
class Candidate:
    """A pair in a channel, as one end holds it.

    Attributes:
        ref: The pair (its key is ``ref.entanglement_id``); after a round the kept pair's ref
            has Bell index 0 (Φ⁺), the estimate's fidelity as goodness, and the older input's
            creation time.
        slot: This end's memory slot.
        level: Rounds the pair went through.
        estimate: Estimated Bell-diagonal state (around Φ⁺ after frame correction).
    """

    ref: LinkPairRef
    slot: int
    level: int
    estimate: BellDiagonal

    @classmethod
    def raw(cls, ref: LinkPairRef, slot: int) -> Candidate:
        """A pair entering the channel: Werner with its goodness, frame to be corrected."""
        return cls(ref, slot, 0, BellDiagonal.werner(max(0.25, min(1.0, ref.goodness))))

    @property
    def key(self) -> EntanglementId:
        return self.ref.entanglement_id


@dataclass(slots=True)
class _Round:
    keep: Candidate
    sacrifice: Candidate
    bit: int | None = None  # this end's bit
    peer_bit: int | None = None


@dataclass(slots=True)
class Channel:
    """One end of a purification channel.

    Args:
        config: The purification settings.
        protocol: The protocol named by ``config.protocol``.
        coordinator: Whether this end picks the pairs.
        peer: The other end.
        target: Fidelity a ready pair must reach (policy ``target``).
        label: ``"link"``, or ``"e2e"``, for traces and PDUs.
        side: Which of the circuit's channels this is (``"left"``, ``"right"``, ``"e2e"``).
        circuit: The circuit (named in the PDUs).
        trace_data: Circuit identification for traces.
        effects: Where the channel puts its effects (the circuit's list).
        index: The protocol's map from the slots of a running round (kept, sacrificed) to
            the circuit and side, to route the hardware's confirm.
        consumed: Called with a pair whose half leaves this end's memory (sacrificed, failed,
            given up), for the hop's flow control; ``None`` where nobody counts.
    """

    config: PurificationConfig
    protocol: PurificationProtocol
    coordinator: bool
    peer: str
    target: float
    label: str
    side: str
    circuit: CircuitId
    trace_data: dict[str, object]
    effects: list[Effect]
    index: dict[tuple[int, int], tuple[CircuitId, str]]
    consumed: Callable[[EntanglementId], None] | None = None
    idle: dict[EntanglementId, Candidate] = field(default_factory=dict)
    rounds: dict[EntanglementId, _Round] = field(default_factory=dict)
    waiting: dict[EntanglementId, QnpPurify] = field(default_factory=dict)

    # --- inputs ---------------------------------------------------------------------------

    def add(self, candidate: Candidate) -> list[Candidate]:
        """A pair enters (or re-enters after a round); the pairs that became ready."""
        ready = self._settle(candidate)
        if ready is not None:
            return [ready]
        if candidate.level < 0:  # given up
            return []
        self.idle[candidate.key] = candidate
        if self.coordinator:
            self._start_rounds()
        else:
            instruction = self.waiting.pop(candidate.key, None) or self._waiting_for(candidate.key)
            if instruction is not None:
                self._follow(instruction)
        return []

    def on_instruction(self, pdu: QnpPurify) -> None:
        """Follower: the coordinator ran its half of a round."""
        if self.coordinator:
            raise PeerProtocolError(f"{self.label} purification instruction at the coordinator")
        self._follow(pdu)

    def on_confirm(self, keep_slot: int, bit: int) -> list[Candidate]:
        """This end's hardware finished its half of the round kept in ``keep_slot``."""
        keep = next(
            (key for key, r in self.rounds.items() if r.keep.slot == keep_slot and r.bit is None),
            None,
        )
        if keep is None:  # the circuit ended meanwhile; its slots were released
            return []
        round_ = self.rounds[keep]
        round_.bit = bit
        if self.coordinator:
            pdu = QnpPurify(
                self.circuit, self.label, keep, round_.sacrifice.key, round_.keep.level, bit
            )
            self.effects.append(SendPeer(self.peer, pdu))
            return []
        reply = QnpPurifyReply(self.circuit, self.label, keep, bit)
        self.effects.append(SendPeer(self.peer, reply))
        return self._decide(keep)

    def on_reply(self, keep: EntanglementId, peer_bit: int) -> list[Candidate]:
        """Coordinator: the follower's bit."""
        round_ = self.rounds.get(keep)
        if round_ is None or round_.bit is None or not self.coordinator:
            raise PeerProtocolError(f"{self.label} purification reply for unknown round {keep}")
        round_.peer_bit = peer_bit
        return self._decide(keep)

    def release_all(self) -> list[int]:
        """The circuit ends: slots of every idle pair and kept half of a round (in-flight
        sacrificed halves are freed by the hardware)."""
        slots = [candidate.slot for candidate in self.idle.values()]
        slots += [round_.keep.slot for round_ in self.rounds.values()]
        self.idle.clear()
        self.rounds.clear()
        self.waiting.clear()
        return slots

    def keys(self) -> set[EntanglementId]:
        """The pairs this end holds in the channel (idle or in a round)."""
        keys = set(self.idle)
        for round_ in self.rounds.values():
            keys |= {round_.keep.key, round_.sacrifice.key}
        return keys

    def _consume(self, key: EntanglementId) -> None:
        if self.consumed is not None:
            self.consumed(key)

    # --- internals ------------------------------------------------------------------------

    def _settle(self, candidate: Candidate) -> Candidate | None:
        """Ready → the candidate; given up → level set to −1 and its slot released."""
        config = self.config
        fidelity = candidate.estimate.fidelity(0)
        if config.policy == "rounds":
            return candidate if candidate.level >= config.rounds else None
        if fidelity >= self.target - 1e-12:
            return candidate
        if candidate.level >= config.max_rounds:
            data = {**self.trace_data, "scope": self.label, "pair": pair_json(candidate.key),
                    "estimate": fidelity, "target": self.target}  # fmt: skip
            self.effects += [
                Trace(TraceRecord("qnp-purify-give-up", data)),
                SendDown(ReleaseRequest(candidate.slot)),
            ]
            self._consume(candidate.key)
            candidate.level = -1
        return None

    def _waiting_for(self, key: EntanglementId) -> QnpPurify | None:
        for keep, pdu in self.waiting.items():
            if pdu.sacrifice == key:
                return self.waiting.pop(keep)
        return None

    def _start_rounds(self) -> None:
        by_level: dict[int, list[Candidate]] = {}
        for candidate in self.idle.values():  # insertion order: oldest first
            by_level.setdefault(candidate.level, []).append(candidate)
        for group in by_level.values():
            for first, second in zip(group[0::2], group[1::2], strict=False):
                self._start(keep=second, sacrifice=first)

    def _start(self, keep: Candidate, sacrifice: Candidate) -> None:
        del self.idle[keep.key], self.idle[sacrifice.key]
        self._consume(sacrifice.key)
        self.rounds[keep.key] = _Round(keep, sacrifice)
        self.index[(keep.slot, sacrifice.slot)] = (self.circuit, self.side)
        data = {**self.trace_data, "scope": self.label, "keep": pair_json(keep.key),
                "sacrifice": pair_json(sacrifice.key), "level": keep.level}  # fmt: skip
        request = PurifyRequest(
            keep.slot, sacrifice.slot, self.protocol, keep.ref.bell_index,
            sacrifice.ref.bell_index,
        )  # fmt: skip
        self.effects += [Trace(TraceRecord("qnp-purify", data)), SendDown(request)]

    def _follow(self, pdu: QnpPurify) -> None:
        keep, sacrifice = self.idle.get(pdu.keep), self.idle.get(pdu.sacrifice)
        if keep is None or sacrifice is None:  # a link OK is still on its way
            self.waiting[pdu.keep] = pdu
            return
        if keep.level != pdu.level or sacrifice.level != pdu.level:
            raise PeerProtocolError(
                f"{self.label} purification of {pdu.keep} at level {pdu.level}, but this end "
                f"has levels {keep.level} and {sacrifice.level}"
            )
        self._start(keep, sacrifice)
        self.rounds[pdu.keep].peer_bit = pdu.bit

    def _decide(self, keep: EntanglementId) -> list[Candidate]:
        round_ = self.rounds.pop(keep)
        success = round_.bit == round_.peer_bit
        data = {**self.trace_data, "scope": self.label, "keep": pair_json(keep),
                "level": round_.keep.level, "success": success}  # fmt: skip
        self.effects.append(Trace(TraceRecord("qnp-purify-result", data)))
        if not success:
            self.effects.append(SendDown(ReleaseRequest(round_.keep.slot)))
            self._consume(keep)
            return []
        _, estimate = purified_estimate(
            round_.keep.estimate, round_.sacrifice.estimate, self.protocol
        )
        ref = LinkPairRef(
            keep, 0, estimate.fidelity(0),
            min(round_.keep.ref.create_time_ps, round_.sacrifice.ref.create_time_ps),
        )  # fmt: skip
        return self.add(Candidate(ref, round_.keep.slot, round_.keep.level + 1, estimate))
