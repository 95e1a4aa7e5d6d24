"""The ground-truth quantum state of every entangled pair in a simulation.

Why a shared store: an entangled pair is *one* quantum state whose halves sit at two nodes. Each
node's hardware entity refers to its half by ``(pair_id, qubit_index)``; the heralding station
creates the state, the nodes age and discard their halves. Protocols never read this state
(they only see announced labels and model estimates); metrics read it to report fidelities that
come from the simulated state, never from a label.

Memory decoherence is applied lazily: each half remembers when it was last brought up to date,
and reading the state applies the T1/T2 channel for the elapsed time. No timer ticks per qubit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from qnetstack.physical.purification import PurificationProtocol, builtin_protocol
from qnetstack.physical.purify import (
    PurifyOutcome,
    correct_frame,
    declared_success_probability,
    failure_state,
    success_round,
)
from qnetstack.quantum import BellDiagonal, DensityMatrix, MeasureBasis, bell_state_measurement
from qnetstack.quantum import swap as bell_swap
from qnetstack.quantum.gates import pauli

__all__ = ["Formalism", "MemoryModel", "PairState", "PairStore"]

PairState = DensityMatrix | BellDiagonal


class Formalism(StrEnum):
    """How pair states are represented."""

    DM = "dm"
    """Exact two-qubit density matrices."""
    BELL_DIAGONAL = "bell_diagonal"
    """Four Bell-basis coefficients per pair (exact for Pauli noise; amplitude damping twirled)."""


@dataclass(frozen=True, slots=True)
class MemoryModel:
    """Idle-memory noise of one qubit: amplitude damping (T1) then dephasing (T2).

    ``math.inf`` means no decay. Convention of Coopmans et al. 2021 (see physics.md F4).
    """

    t1_ps: float = math.inf
    t2_ps: float = math.inf

    @property
    def noiseless(self) -> bool:
        """True when the memory never decoheres."""
        return math.isinf(self.t1_ps) and math.isinf(self.t2_ps)


@dataclass(slots=True)
class _Entry:
    state: PairState
    memories: tuple[MemoryModel, MemoryModel]
    updated_ps: list[int]
    holders: tuple[str, str]
    alive: list[bool] = field(default_factory=lambda: [True, True])


class PairStore:
    """Holds pair states, ages them lazily and hands out pair identifiers."""

    __slots__ = ("_aliases", "_entries", "_next_id", "_pending", "formalism", "measure_observer")

    def __init__(self, formalism: Formalism = Formalism.DM) -> None:
        self.formalism = Formalism(formalism)
        self._entries: dict[int, _Entry] = {}
        self._next_id = 0
        self._aliases: dict[tuple[int, int], tuple[int, int]] = {}
        self._pending: dict[tuple[int, int], _PendingRound] = {}  # (keep, sacrifice) -> 1st side
        self.measure_observer: Callable[[tuple[str, str], PairState, int], None] | None = None
        """Ground-truth observer (never a protocol): called as ``observer(holders, state,
        now_ps)`` when the first half of a pair is measured, with the pair's state just before
        (both halves aged to ``now_ps``), so a scenario can report the fidelity of pairs that
        no one keeps."""

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, pair_id: object) -> bool:
        return pair_id in self._entries

    def werner(self, fidelity: float, bell_index: int) -> PairState:
        """A Werner state around ``bell_index`` in the store's formalism."""
        if self.formalism is Formalism.DM:
            return DensityMatrix.werner(fidelity, bell_index)
        return BellDiagonal.werner(fidelity, bell_index)

    def add(
        self,
        state: PairState,
        holders: tuple[str, str],
        memories: tuple[MemoryModel, MemoryModel],
        born_ps: tuple[int, int],
    ) -> int:
        """Store a new pair and return its id.

        Args:
            state: Two-qubit state; qubit 0 is held by ``holders[0]``.
            holders: Nodes holding qubit 0 and qubit 1.
            memories: Memory noise of each half.
            born_ps: From when each half decoheres (typically its photon's emission time).
        """
        pair_id = self._next_id
        self._next_id += 1
        self._entries[pair_id] = _Entry(state, memories, list(born_ps), holders)
        return pair_id

    def state(self, pair_id: int, now_ps: int, qubits: tuple[int, ...] = (0, 1)) -> PairState:
        """The pair's state with memory noise applied up to ``now_ps`` on ``qubits``.

        Each half keeps its own clock: noise on one half commutes with anything done to the
        other, so a half may be brought up to date alone (a measure-directly node measures its
        half at its own emission time, which may precede the other half's clock).
        """
        entry = self._get(pair_id)
        state = entry.state
        for qubit in qubits:
            dt = now_ps - entry.updated_ps[qubit]
            if dt <= 0:
                continue
            # The clock advances even for a noiseless or discarded half: a later change of
            # memory (a move into a carbon) must only age the half from that moment on.
            entry.updated_ps[qubit] = now_ps
            memory = entry.memories[qubit]
            if memory.noiseless or not entry.alive[qubit]:
                continue
            if isinstance(state, DensityMatrix):
                state = state.apply_memory_noise(qubit, dt, memory.t1_ps, memory.t2_ps)
            else:
                state = state.apply_memory_noise(dt, memory.t1_ps, memory.t2_ps)
        entry.state = state
        return state

    def fidelity(self, pair_id: int, bell_index: int, now_ps: int) -> float:
        """Fidelity of the pair, aged to ``now_ps``, to the Bell state ``bell_index``."""
        state = self.state(pair_id, now_ps)
        if isinstance(state, DensityMatrix):
            return float(state.fidelity_bell(bell_index))
        return float(state.fidelity(bell_index))

    def apply_noise(
        self,
        pair_id: int,
        qubit_index: int,
        now_ps: int,
        *,
        dephase: float = 0.0,
        depolarise: float = 0.0,
    ) -> None:
        """Age the pair to ``now_ps``, then dephase and/or depolarise one half.

        Both channels are single-qubit Pauli channels, so they keep a Bell-diagonal pair
        Bell-diagonal and are exact in both formalisms.
        """
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        state = self.state(pair_id, now_ps)
        if isinstance(state, DensityMatrix):
            if dephase:
                state = state.dephase(qubit_index, dephase)
            if depolarise:
                state = state.depolarise(qubit_index, depolarise)
        else:
            if dephase:
                state = state.dephase(dephase)
            if depolarise:
                state = state.depolarise(depolarise)
        self._entries[pair_id].state = state

    def apply_pauli_channel(
        self, pair_id: int, qubit_index: int, now_ps: int, p_x: float, p_y: float, p_z: float
    ) -> None:
        """Age the pair to ``now_ps``, then apply a Pauli channel to one half (exact in both
        formalisms)."""
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        state = self.state(pair_id, now_ps)
        if isinstance(state, DensityMatrix):
            state = state.pauli_channel(qubit_index, p_x, p_y, p_z)
        else:
            state = state.pauli_channel(p_x, p_y, p_z)
        self._entries[pair_id].state = state

    def set_memory(self, pair_id: int, qubit_index: int, memory: MemoryModel, now_ps: int) -> None:
        """The half moved to a qubit with other coherence times (e.g. electron → carbon)."""
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        self.state(pair_id, now_ps)
        entry = self._entries[pair_id]
        memories = list(entry.memories)
        memories[qubit_index] = memory
        entry.memories = (memories[0], memories[1])

    def measure(
        self,
        pair_id: int,
        qubit_index: int,
        basis: MeasureBasis,
        rng: np.random.Generator,
        now_ps: int,
    ) -> int:
        """Measure one half (ideal projective measurement) and return the outcome.

        ``basis`` is 'Z', 'X', 'Y' or an angle θ in radians of the X–Z-plane direction
        cos θ Z + sin θ X (E91's rotated analysers).

        The pair's state collapses accordingly, so a later measurement of the other half
        sees the right correlations; the measured half is discarded. A Bell-diagonal pair
        is converted to its density matrix first (four coefficients cannot hold a
        post-measurement product state). Readout errors are the hardware's business.
        """
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        entry = self._get(pair_id)
        if self.measure_observer is not None and all(entry.alive):
            self.measure_observer(entry.holders, self.state(pair_id, now_ps), now_ps)
        state = self.state(pair_id, now_ps, (qubit_index,))
        if isinstance(state, BellDiagonal):
            state = state.to_density_matrix()
        outcome, post = state.measure(qubit_index, rng, basis)
        self._entries[pair_id].state = post
        self.discard(pair_id, qubit_index)
        return outcome

    def resolve(self, pair_id: int, qubit_index: int) -> tuple[int, int]:
        """Where a half lives now: entanglement swapping turns the outer halves of two pairs
        into the halves of a new pair, and nodes keep the ids they were given at the herald."""
        key = (pair_id, qubit_index)
        seen = []
        while key in self._aliases:
            seen.append(key)
            key = self._aliases[key]
        for old in seen[:-1]:  # path compression: the next lookup is one step
            self._aliases[old] = key
        return key

    def swap(
        self,
        half_1: tuple[int, int],
        half_2: tuple[int, int],
        now_ps: int,
        rng: np.random.Generator,
        *,
        gate_depolar_prob: float = 0.0,
        readout_flip_prob: float = 0.0,
    ) -> tuple[int, int, int]:
        """Entanglement swapping: a Bell-state measurement on two halves held at one node.

        The halves ``half_1`` = (pair, qubit) and ``half_2`` are measured in the Bell basis
        after a two-qubit gate whose noise is depolarising ``gate_depolar_prob`` on both (the
        NetSquid convention for NV's E–C gate); each of the two outcome bits is then misread
        with ``readout_flip_prob``. The outer halves become a new pair, with their memories and
        clocks; the nodes holding them keep their old ids, which :meth:`resolve` maps.

        Returns:
            ``(new pair id, true outcome, reported outcome)``: outcomes are Bell indices; the
            pair's actual Bell state is (label 1) ⊕ (label 2) ⊕ true outcome, and a node that
            tracks the Pauli frame with the reported outcome errs when the two differ.
        """
        (p1, q1), (p2, q2) = self.resolve(*half_1), self.resolve(*half_2)
        if p1 == p2:
            raise ValueError(f"cannot swap the two halves of the same pair {p1}")
        e1, e2 = self._get(p1), self._get(p2)
        s1, s2 = self.state(p1, now_ps), self.state(p2, now_ps)
        o1, o2 = 1 - q1, 1 - q2  # the outer halves
        if isinstance(s1, BellDiagonal) and isinstance(s2, BellDiagonal):
            # Bell-diagonal pairs are symmetric under exchanging their qubits, the BSM outcome
            # is uniform, and the gate's depolarising acts like depolarising each input pair.
            a, b = s1.depolarise(gate_depolar_prob), s2.depolarise(gate_depolar_prob)
            true_outcome = int(rng.integers(4))
            new_state: PairState = bell_swap(a, b).apply_pauli(true_outcome)
        else:
            dm1 = _as_dm(s1).permute((o1, q1))  # (outer 1, inner 1)
            dm2 = _as_dm(s2).permute((q2, o2))  # (inner 2, outer 2)
            joint = dm1.tensor(dm2)
            if gate_depolar_prob:
                joint = joint.depolarise(1, gate_depolar_prob).depolarise(2, gate_depolar_prob)
            outcome, new_state = bell_state_measurement(joint, 1, 2, rng)
            true_outcome = int(outcome)
        flips = 0
        if readout_flip_prob:
            flips = sum(bit for bit in (1, 2) if rng.random() < readout_flip_prob)
        reported = true_outcome ^ flips
        new_id = self.add(
            new_state,
            (e1.holders[o1], e2.holders[o2]),
            (e1.memories[o1], e2.memories[o2]),
            (now_ps, now_ps),
        )
        # An outer half its node already discarded (a cutoff whose notice has not arrived
        # yet) stays discarded in the new pair, so the pair is forgotten once the other goes.
        self._entries[new_id].alive = [e1.alive[o1], e2.alive[o2]]
        self._aliases[(p1, o1)] = (new_id, 0)
        self._aliases[(p2, o2)] = (new_id, 1)
        del self._entries[p1], self._entries[p2]
        if not any(self._entries[new_id].alive):
            del self._entries[new_id]
        return new_id, true_outcome, reported

    def teleport(
        self,
        half: tuple[int, int],
        payload: DensityMatrix,
        now_ps: int,
        rng: np.random.Generator,
        *,
        gate_depolar_prob: float = 0.0,
        readout_flip_prob: float = 0.0,
    ) -> tuple[int, int, DensityMatrix]:
        """Teleportation's sending side: a Bell-state measurement on a payload qubit and a half.

        The payload (a one-qubit state prepared at the node holding ``half``) and that half are
        measured in the Bell basis after a two-qubit gate whose noise is depolarising
        ``gate_depolar_prob`` on both (as in :meth:`swap`); each outcome bit is then misread with
        ``readout_flip_prob``. The pair's other half is left holding the teleported state
        *before* its Pauli correction: the pair's entry keeps the remote half (same id and
        qubit index, same memory and clock) in a product state with the measured half, which is
        discarded. A Bell-diagonal pair is converted to its density matrix first.

        Frame: with the pair in Bell state b and outcome m, the remote qubit holds σ ψ σ†
        where σ is the Pauli with XOR mask ``m ⊕ b`` (:mod:`qnetstack.quantum.bell`), so the
        receiver's correction is that Pauli (exact for every m and b up to a global phase;
        checked by the tests).

        Returns:
            ``(true outcome, reported outcome, remote state)``: Bell indices (0..3) and the
            remote half's uncorrected one-qubit state at ``now_ps``.
        """
        if payload.n_qubits != 1:
            raise ValueError(f"the payload must be one qubit, got {payload.n_qubits}")
        pair_id, local = self.resolve(*half)
        entry = self._get(pair_id)
        if not entry.alive[local]:
            raise ValueError(f"half {local} of pair {pair_id} was already discarded")
        remote = 1 - local
        pair = _as_dm(self.state(pair_id, now_ps)).permute((local, remote))
        joint = payload.tensor(pair)  # (payload, local half, remote half)
        if gate_depolar_prob:
            joint = joint.depolarise(0, gate_depolar_prob).depolarise(1, gate_depolar_prob)
        outcome, remote_state = bell_state_measurement(joint, 0, 1, rng)
        true_outcome = int(outcome)
        flips = 0
        if readout_flip_prob:
            flips = sum(bit for bit in (1, 2) if rng.random() < readout_flip_prob)
        ground = DensityMatrix.zero(1)  # the measured half, reset and discarded
        product = ground.tensor(remote_state).permute((1, 0) if local == 1 else (0, 1))
        entry.state = product
        if self._pending:
            self._abandon_rounds(pair_id)
        entry.alive[local] = False
        return true_outcome, true_outcome ^ flips, remote_state

    def qubit_state(self, pair_id: int, qubit_index: int, now_ps: int) -> DensityMatrix:
        """One half's reduced state, aged to ``now_ps`` (e.g. a teleported qubit)."""
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        state = self.state(pair_id, now_ps, (qubit_index,))
        return _as_dm(state).partial_trace([qubit_index])

    @staticmethod
    def corrected(state: DensityMatrix, mask: int) -> DensityMatrix:
        """``state`` after the Pauli with XOR mask ``mask`` (0 = I, 1 = X, 2 = Z, 3 = Y)."""
        return state.apply_unitary(pauli(mask), [0]) if mask else state

    def purify(
        self,
        keep: tuple[int, int],
        sacrifice: tuple[int, int],
        protocol: str | PurificationProtocol,
        now_ps: int,
        rng: np.random.Generator,
        *,
        gate_depolar_prob: float = 0.0,
        readout_flip_prob: float = 0.0,
        keep_on_failure: bool = False,
    ) -> PurifyOutcome:
        """One round of DEJMPS or BBPSSW on two pairs joining the same two nodes.

        See :mod:`qnetstack.physical.purify` for the theory, the noise model and the frame
        convention (inputs around Φ⁺; after success the nodes should assume Φ⁺).

        Args:
            keep: ``(pair_id, qubit_index)`` of the kept pair's half at node A (old ids are
                resolved like in :meth:`swap`).
            sacrifice: The sacrificed pair's half at the same node A.
            protocol: The protocol, or the name of a built-in (``'dejmps'``, ``'bbpssw'``).
            now_ps: Time of the round; both pairs are aged to it first.
            rng: Samples the outcome (and readout errors).
            gate_depolar_prob: Depolarising of the bilateral CNOTs, applied to all four qubits
                before the round.
            readout_flip_prob: Probability that each of the two measured bits is misread.
            keep_on_failure: On declared failure, leave the kept pair in the store in its true
                post-round state (the nodes still hold its halves and free them when they
                learn the result) instead of deleting it.

        Returns:
            The outcome. On declared success the kept pair keeps its id and holds the round's
            output state (clock ``now_ps``); otherwise it is deleted (or kept, see
            ``keep_on_failure``). The sacrificed pair is always deleted.

        Raises:
            ValueError: For an unknown protocol, twice the same pair, a half already discarded,
                or pairs that do not join the same two nodes.
        """
        protocol = builtin_protocol(protocol)
        (pk, qk), (ps, qs) = self.resolve(*keep), self.resolve(*sacrifice)
        if pk == ps:
            raise ValueError(f"cannot purify pair {pk} with itself")
        ek, es = self._get(pk), self._get(ps)
        if not (all(ek.alive) and all(es.alive)):
            raise ValueError(f"pairs {pk} and {ps} must both be intact (a half was discarded)")
        node_a, node_b = ek.holders[qk], ek.holders[1 - qk]
        if (es.holders[qs], es.holders[1 - qs]) != (node_a, node_b):
            raise ValueError(
                f"pair {pk} joins {node_a}–{node_b} as given but pair {ps} joins "
                f"{es.holders[qs]}–{es.holders[1 - qs]}: purification needs the same two nodes"
            )
        # Orient both pairs so that qubit 0 is node A's half (Bell-diagonal states are
        # symmetric under exchanging the qubits).
        s_keep, s_sac = self.state(pk, now_ps), self.state(ps, now_ps)
        if isinstance(s_keep, DensityMatrix) and qk == 1:
            s_keep = s_keep.permute((1, 0))
        if isinstance(s_sac, DensityMatrix) and qs == 1:
            s_sac = s_sac.permute((1, 0))
        p_true, kept = success_round(s_keep, s_sac, protocol, gate_depolar_prob)
        true_success = kept is not None and bool(rng.random() < p_true)
        declared = true_success
        if readout_flip_prob:
            flips = sum(rng.random() < readout_flip_prob for _ in range(2))
            declared = true_success ^ (flips == 1)
        if declared and not true_success:  # a failed round kept by mistake
            kept = failure_state(s_keep, s_sac, protocol, gate_depolar_prob)
            declared = kept is not None
        del self._entries[ps]
        p_declared = declared_success_probability(p_true, readout_flip_prob)
        if not declared or kept is None:
            if not keep_on_failure:
                del self._entries[pk]
                return PurifyOutcome(False, p_declared, None)
            after = (
                kept if true_success else failure_state(s_keep, s_sac, protocol, gate_depolar_prob)
            )
            if after is None:  # the failure was impossible: declared only by misreading
                after = self.werner(0.25, 0)
            if isinstance(after, DensityMatrix) and qk == 1:
                after = after.permute((1, 0))
            ek.state = after
            ek.updated_ps = [now_ps, now_ps]
            return PurifyOutcome(False, p_declared, None)
        if isinstance(kept, DensityMatrix) and qk == 1:
            kept = kept.permute((1, 0))
        ek.state = kept
        ek.updated_ps = [now_ps, now_ps]
        return PurifyOutcome(True, p_declared, pk)

    def purify_local(
        self,
        node: str,
        keep: tuple[int, int],
        sacrifice: tuple[int, int],
        protocol: str | PurificationProtocol,
        frames: tuple[int, int],
        now_ps: int,
        rng: np.random.Generator,
        *,
        gate_depolar_prob: float = 0.0,
        readout_flip_prob: float = 0.0,
    ) -> int:
        """One node's part of a purification round; returns the bit this node reads.

        Each node calls this when its hardware runs its half of the round (the two calls may be
        a classical message apart). The first call only draws the first node's bit, uniformly:
        a Bell-diagonal pair's halves are maximally mixed, so either node's bit alone is a fair
        coin whatever the state. The second call runs the whole round on the ground truth with
        :meth:`purify` — both pairs aged to this second time, the frames corrected to Φ⁺
        first (:func:`~qnetstack.physical.purify.correct_frame`), gate noise the mean of the
        two nodes' — and returns the bit that makes the two bits equal exactly when the round
        is declared a success. On failure the kept pair stays (in its post-round state) until
        both nodes free their halves.

        Args:
            node: The calling node (must hold both halves).
            keep: ``(pair_id, qubit_index)`` of this node's half of the kept pair.
            sacrifice: This node's half of the sacrificed pair.
            protocol: The protocol, or the name of a built-in (``'dejmps'``, ``'bbpssw'``).
            frames: Announced Bell indices of the kept and the sacrificed pair (equal at both
                ends).
            now_ps: Time of this node's operations.
            rng: This node's stream.
            gate_depolar_prob: This node's CNOT depolarising.
            readout_flip_prob: This node's per-bit readout error.

        Raises:
            ValueError: For halves this node does not hold, pairs that do not join the same two
                nodes, or a second call that disagrees with the first (same node, protocol or
                frames).
        """
        protocol = builtin_protocol(protocol)
        (pk, qk), (ps, qs) = self.resolve(*keep), self.resolve(*sacrifice)
        if pk == ps:
            raise ValueError(f"cannot purify pair {pk} with itself")
        ek, es = self._get(pk), self._get(ps)
        if ek.holders[qk] != node or es.holders[qs] != node:
            raise ValueError(f"{node} does not hold the given halves of pairs {pk} and {ps}")
        first = self._pending.pop((pk, ps), None)
        if first is None:
            bit = int(rng.integers(2))
            self._pending[(pk, ps)] = _PendingRound(
                node, bit, protocol, frames, gate_depolar_prob, readout_flip_prob
            )
            return bit
        if first.node == node:
            self._pending[(pk, ps)] = first
            raise ValueError(f"{node} already ran its part of the round on pairs {pk}, {ps}")
        if (first.protocol, first.frames) != (protocol, frames):
            raise ValueError(
                f"the two nodes disagree on the round: {first.node} ran {first.protocol} with "
                f"frames {first.frames}, {node} runs {protocol} with frames {frames}"
            )
        for (pair, qubit), label in zip(((pk, qk), (ps, qs)), frames, strict=True):
            if label:
                correct_frame(self, (pair, qubit), label, now_ps)
        flip = _combined_flip(first.readout_flip_prob, readout_flip_prob)
        outcome = self.purify(
            (pk, qk),
            (ps, qs),
            protocol,
            now_ps,
            rng,
            gate_depolar_prob=(first.gate_depolar_prob + gate_depolar_prob) / 2,
            readout_flip_prob=flip,
            keep_on_failure=True,
        )
        return first.bit if outcome.success else 1 - first.bit

    def holders(self, pair_id: int) -> tuple[str, str]:
        """The nodes holding qubit 0 and qubit 1."""
        return self._get(pair_id).holders

    def discard(self, pair_id: int, qubit_index: int) -> None:
        """A node discarded its half; the pair is forgotten once both halves are gone."""
        pair_id, qubit_index = self.resolve(pair_id, qubit_index)
        entry = self._entries.get(pair_id)
        if entry is None:
            return
        if self._pending:
            self._abandon_rounds(pair_id)
        entry.alive[qubit_index] = False
        if not any(entry.alive):
            del self._entries[pair_id]

    def _abandon_rounds(self, pair_id: int) -> None:
        """A half of ``pair_id`` is freed before the second node ran its part of a round: the
        round never completes; the first node already measured its sacrificed half."""
        for key in [key for key in self._pending if pair_id in key]:
            first = self._pending.pop(key)
            sacrificed = self._entries.get(key[1])
            if sacrificed is not None and first.node in sacrificed.holders:
                index = sacrificed.holders.index(first.node)
                sacrificed.alive[index] = False
                if not any(sacrificed.alive):
                    del self._entries[key[1]]

    def _get(self, pair_id: int) -> _Entry:
        try:
            return self._entries[pair_id]
        except KeyError:
            raise KeyError(f"pair {pair_id} is not in the store (discarded?)") from None


@dataclass(frozen=True, slots=True)
class _PendingRound:
    """The first node's part of a purification round, waiting for the second node's."""

    node: str
    bit: int
    protocol: PurificationProtocol
    frames: tuple[int, int]
    gate_depolar_prob: float
    readout_flip_prob: float


def _combined_flip(q1: float, q2: float) -> float:
    """Per-bit flip probability that gives the same decision errors as bits misread with
    probabilities ``q1`` and ``q2``: :meth:`PairStore.purify` misreads each of its two bits
    with one probability q, and only an odd number of flips matters, so q solves
    2q(1 − q) = q1(1 − q2) + q2(1 − q1)."""
    odd = q1 * (1.0 - q2) + q2 * (1.0 - q1)
    return (1.0 - math.sqrt(max(0.0, 1.0 - 2.0 * odd))) / 2.0


def _as_dm(state: PairState) -> DensityMatrix:
    return state if isinstance(state, DensityMatrix) else state.to_density_matrix()
