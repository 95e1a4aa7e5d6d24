"""Test harness for the EGP: two entities on fake hardware joined by a lossy fake link.

:class:`EgpPair` plays the runtime without a kernel, like :class:`helpers.PeerPair`, and adds
what the EGP needs: a clock with timers (fired in time order by :meth:`EgpPair.fire_next_timer`),
a classical link that loses PDUs (each with ``loss_probability``, drawn from a seeded rng, or
by hand with :meth:`EgpPair.drop`), and heralds that reach the two ends at different moments
(:meth:`EgpPair.herald` with ``split=True``). A held herald half is delivered before any PDU
reaches its node, as in a real network: the herald is on its way before the other end can
react to it. The heralding station is the test: it heralds a tag only when both ends are
attempting for it.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from helpers import link_info
from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.egp import Egp
from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.primitives import (
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    MoveConfirm,
    MoveFailure,
    MoveRequest,
)
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    PeerMessage,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)

__all__ = ["EgpPair", "FakeHardware", "Side", "egp_config"]


def egp_config(**overrides: Any) -> EgpConfig:
    """An EgpConfig with test-friendly timers (1 µs retransmission, 50 µs keep-alive)."""
    values: dict[str, Any] = {"retransmit_timeout_ps": 1_000_000, "keepalive_ps": 50_000_000}
    values.update(overrides)
    return EgpConfig(**values)


class FakeHardware(FakePhysicalLayer):
    """:class:`FakePhysicalLayer` plus moves.

    Args:
        nv: Slot 0 is a communication qubit (every pair lands there, generation needs it
            free) and moves go to the other slots at once; otherwise moves are UNSUPPORTED.
    """

    def __init__(
        self, name: str, memory_slots: int = 2, fidelity: float = 0.9, *, nv: bool = False
    ) -> None:
        super().__init__(name, memory_slots, fidelity)
        self.nv = nv

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case MoveRequest(slot_from):
                self.requests.append(primitive)
                return [Indicate(self._move(slot_from))]
            case GenerateRequest(remote, tag) if self.nv:
                busy = 0 in self.held or 0 in self.active.values()
                if busy:
                    self.requests.append(primitive)
                    reason = GenerateFailureReason.OUT_OF_MEMORY
                    return [Indicate(GenerateFailure(remote, tag, reason))]
                self._free.remove(0)
                self._free.append(0)  # the next pop() gives the electron
        return super().from_above(primitive, now_ps)

    def _move(self, slot_from: int) -> MoveConfirm | MoveFailure:
        if not self.nv:
            return MoveFailure(slot_from, "UNSUPPORTED: all slots are alike")
        carbons = [s for s in self._free if s != 0]
        if slot_from not in self.held or slot_from != 0:
            return MoveFailure(slot_from, "EMPTY_SLOT: nothing to move")
        if not carbons:
            return MoveFailure(slot_from, "OUT_OF_MEMORY: no free carbon")
        slot_to = min(carbons)
        self._free.remove(slot_to)
        self._free.append(slot_from)
        self.held.remove(slot_from)
        self.held.add(slot_to)
        return MoveConfirm(slot_from, slot_to)


@dataclass
class Side:
    """One node of an :class:`EgpPair`."""

    name: str
    link: Egp
    phys: FakeHardware
    indications: list[Primitive] = field(default_factory=list)
    traces: list[TraceRecord] = field(default_factory=list)
    timers: dict[Hashable, int] = field(default_factory=dict)
    """Running timers: key → due time."""

    @property
    def oks(self) -> list[OkIndication]:
        return [p for p in self.indications if isinstance(p, OkIndication)]

    @property
    def errors(self) -> list[ErrorIndication]:
        return [p for p in self.indications if isinstance(p, ErrorIndication)]


@dataclass
class _HeldHerald:
    node: str
    tag: int
    bell_index: int
    pair_id: int
    time_ps: int


@dataclasses.dataclass(frozen=True)
class _MovingModel:
    """A fixed link model for hardware whose kept halves are moved out of the comm qubit."""

    f: float
    p: float = 0.5

    @property
    def tunable_alpha(self) -> bool:
        return False

    @property
    def supports_move(self) -> bool:
        return True

    def success_probability(self, alpha):
        return self.p

    def fidelity(self, alpha, *, keep, moved=False):
        return self.f


class EgpPair:
    """Two EGP entities on fake hardware, joined by a lossy zero-delay link.

    Args:
        a: First node (the link master when its name sorts first).
        b: Second node.
        config: EGP configuration of both nodes.
        slots_a: Memory slots at ``a``.
        slots_b: Memory slots at ``b``.
        info: The link (default: a fixed link of fidelity 0.9).
        nv: NV-like fake hardware (see :class:`FakeHardware`).
        loss_probability: Chance that each PDU is lost.
        seed: Seed of the loss draws and of the entities' rngs.
        auto_deliver: Deliver the wire at the end of every call.
    """

    def __init__(
        self,
        a: str = "alice",
        b: str = "bob",
        *,
        config: EgpConfig | None = None,
        slots_a: int = 2,
        slots_b: int = 2,
        info: LinkInfo | None = None,
        nv: bool = False,
        loss_probability: float = 0.0,
        seed: int = 0,
        auto_deliver: bool = True,
    ) -> None:
        config = config or egp_config()
        info = info or link_info(a, b)
        if nv and info.model is None:
            # NV-like hardware must free its communication qubit: a model that says so.
            info = dataclasses.replace(info, model=_MovingModel(info.fresh_fidelity))
        self.sides: dict[str, Side] = {}
        for index, (name, remote, slots) in enumerate(((a, b, slots_a), (b, a, slots_b))):
            rng = np.random.default_rng([seed, index])
            link = Egp(name, config, {remote: info}, rng)
            self.sides[name] = Side(name, link, FakeHardware(name, slots, nv=nv))
        self.a, self.b = self.sides[a], self.sides[b]
        self.loss_probability = loss_probability
        self.loss_rng = np.random.default_rng([seed, 99])
        self.auto_deliver = auto_deliver
        self.wire: deque[tuple[str, str, PeerMessage]] = deque()
        self.lost: list[tuple[str, str, PeerMessage]] = []
        self.held_heralds: list[_HeldHerald] = []
        self.now_ps = 0
        self._next_pair = 0

    def other(self, name: str) -> Side:
        return self.b if name == self.a.name else self.a

    # --- inputs ---------------------------------------------------------------------------

    def create(
        self,
        node: str,
        request_id: int,
        number: int = 1,
        min_fidelity: float = 0.0,
        **fields: Any,
    ) -> None:
        """A CREATE at ``node`` towards the other node (extra CreateRequest fields by name)."""
        remote = self.other(node).name
        self.user(node, CreateRequest(request_id, remote, number, min_fidelity, **fields))

    def release(self, node: str, slot: int) -> None:
        self.user(node, ReleaseRequest(slot))

    def user(self, node: str, primitive: Primitive) -> None:
        side = self.sides[node]
        self._link_effects(side, side.link.from_above(primitive, self.now_ps))
        self._maybe_deliver()

    def pending_tags(self) -> list[int]:
        """Tags both ends are attempting for (and not already heralded to one of them)."""
        a_tags = {tag for (_, tag) in self.a.phys.active}
        b_tags = {tag for (_, tag) in self.b.phys.active}
        held = {h.tag for h in self.held_heralds}
        return sorted((a_tags & b_tags) - held)

    def herald(
        self, tag: int, bell_index: int = 1, *, split: bool = False, first: str = ""
    ) -> None:
        """The station heralds ``tag`` to both ends; with ``split`` only ``first`` (default
        ``a``) gets it now, the other end when :meth:`deliver_heralds` runs."""
        pair_id = self._next_pair
        self._next_pair += 1
        order = [self.a, self.b] if first in ("", self.a.name) else [self.b, self.a]
        for i, side in enumerate(order):
            if split and i == 1:
                self.held_heralds.append(
                    _HeldHerald(side.name, tag, bell_index, pair_id, self.now_ps)
                )
            else:
                self._herald_at(side, tag, bell_index, pair_id, self.now_ps)
        self._maybe_deliver()

    def deliver_heralds(self, node: str | None = None) -> int:
        """Deliver held herald halves (to ``node`` only, if given); return how many."""
        due = [h for h in self.held_heralds if node is None or h.node == node]
        self.held_heralds = [h for h in self.held_heralds if h not in due]
        for h in due:
            self._herald_at(self.sides[h.node], h.tag, h.bell_index, h.pair_id, h.time_ps)
        return len(due)

    def _herald_at(self, side: Side, tag: int, bell: int, pair_id: int, time_ps: int) -> None:
        remote = self.other(side.name).name
        if (remote, tag) not in side.phys.active:  # aborted meanwhile: discarded there
            side.traces.append(TraceRecord("herald-discarded", {"tag": tag}))
            return
        outcome = int(self.loss_rng.integers(2))
        ready = side.phys.herald(
            remote, tag, bell, pair_id=pair_id, time_ps=time_ps, outcome=outcome
        )
        self._link_effects(side, side.link.from_below(ready, self.now_ps))

    def deliver(self, count: int | None = None) -> int:
        """Deliver PDUs on the wire FIFO (all, or ``count``); return how many."""
        delivered = 0
        while self.wire and (count is None or delivered < count):
            src, dst, pdu = self.wire.popleft()
            self.deliver_heralds(dst)
            side = self.sides[dst]
            self._link_effects(side, side.link.from_peer(src, pdu, self.now_ps))
            delivered += 1
        return delivered

    def drop(self, index: int = 0) -> tuple[str, str, PeerMessage]:
        """Lose the PDU at ``index`` on the wire."""
        lost = self.wire[index]
        del self.wire[index]
        self.lost.append(lost)
        return lost

    def next_timer(self) -> tuple[int, str, Hashable] | None:
        """``(due, node, key)`` of the earliest running timer."""
        best: tuple[int, str, Hashable] | None = None
        for side in self.sides.values():
            for key, due in side.timers.items():
                if best is None or due < best[0]:
                    best = (due, side.name, key)
        return best

    def fire_next_timer(self) -> bool:
        """Advance the clock to the earliest timer and fire it; ``False`` when none runs."""
        nxt = self.next_timer()
        if nxt is None:
            return False
        due, node, key = nxt
        self.now_ps = max(self.now_ps, due)
        side = self.sides[node]
        del side.timers[key]
        self._link_effects(side, side.link.on_timer(key, self.now_ps))
        self._maybe_deliver()
        return True

    def advance(self, delay_ps: int) -> None:
        """Fire every timer due within ``delay_ps`` from now, then set the clock."""
        until = self.now_ps + delay_ps
        while (nxt := self.next_timer()) is not None and nxt[0] <= until:
            self.fire_next_timer()
        self.now_ps = until

    # --- the runtime's role ---------------------------------------------------------------

    def _maybe_deliver(self) -> None:
        if self.auto_deliver:
            self.deliver()

    def _link_effects(self, side: Side, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case SendDown(primitive):
                    self._phys_effects(side, side.phys.from_above(primitive, self.now_ps))
                case Indicate(primitive):
                    side.indications.append(primitive)
                case SendPeer(dst, pdu):
                    assert dst == self.other(side.name).name, f"PDU to stranger {dst!r}"
                    if self.loss_probability and self.loss_rng.random() < self.loss_probability:
                        self.lost.append((side.name, dst, pdu))
                    else:
                        self.wire.append((side.name, dst, pdu))
                case StartTimer(key, delay_ps):
                    assert delay_ps >= 0
                    side.timers[key] = self.now_ps + delay_ps
                case CancelTimer(key):
                    side.timers.pop(key, None)
                case Trace(record):
                    side.traces.append(record)
                case _:
                    raise AssertionError(f"unknown effect {effect!r}")

    def _phys_effects(self, side: Side, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case Indicate(primitive):
                    self._link_effects(side, side.link.from_below(primitive, self.now_ps))
                case _:
                    raise AssertionError(f"fake hardware produced {effect!r}")

    # --- observations ---------------------------------------------------------------------

    def delivered(self, node: str) -> dict[EntanglementId, int]:
        """Bell index of every OK at ``node``, by entanglement id."""
        return {ok.entanglement_id: ok.bell_index for ok in self.sides[node].oks}

    def release_all(self) -> bool:
        """Release every delivered KEEP half still held; ``True`` if any was."""
        released = False
        for side in self.sides.values():
            held_by_user = {ok.slot for ok in side.oks if ok.request_type is RequestType.KEEP}
            for slot in sorted(side.phys.held & held_by_user):
                self.release(side.name, slot)
                released = True
        return released

    def run(self, *, release: bool = True, max_rounds: int = 100_000) -> None:
        """Deliver, herald, release and fire timers until nothing is left to do."""
        for _ in range(max_rounds):
            progressed = self.deliver() > 0 or self.deliver_heralds() > 0
            for tag in self.pending_tags():
                self.herald(tag)
                progressed = True
            if release and self.release_all():
                progressed = True
            if not progressed and not self.fire_next_timer():
                return
        raise AssertionError("the pair kept making progress: livelock?")
