"""Test harnesses shared by the unit, property and scenario tests.

:class:`PeerPair` wires two link-layer entities, each on a :class:`FakePhysicalLayer`, with a
zero-delay classical link (h11's ``ConnectionPair``). It plays the runtime's role without a
kernel: effects are carried out in order and depth first, and PDUs between the two entities are
delivered FIFO after the sender's effects, as a zero-delay channel in the real runtime does. The
heralding station is the test: :meth:`PeerPair.herald` makes a pair ready at both ends.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.linklayer.simple import SimpleLink
from qnetstack.physical.fake import FakePhysicalLayer
from qnetstack.physical.platform import LinkGeometry, LinkInfo
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

REPO = Path(__file__).resolve().parents[1]
QUICKSTART = REPO / "examples" / "quickstart.yaml"


def quickstart_data() -> dict[str, Any]:
    """A fresh copy of the quickstart scenario as a mapping (edit it freely)."""
    return copy.deepcopy(yaml.safe_load(QUICKSTART.read_text(encoding="utf-8")))


def link_info(
    a: str = "alice",
    b: str = "bob",
    *,
    fresh_fidelity: float = 0.9,
    success_probability: float = 0.5,
    arm_a_delay_ps: int = 1_000,
    arm_b_delay_ps: int = 1_000,
    attempt_cycle_ps: int = 10_000,
) -> LinkInfo:
    """A :class:`LinkInfo` for a link ``a``–``b`` with station ``station:a-b``."""
    geometry = LinkGeometry(a, b, f"station:{a}-{b}", 0.2, 0.2, arm_a_delay_ps, arm_b_delay_ps)
    return LinkInfo(geometry, success_probability, attempt_cycle_ps, fresh_fidelity)


def of_type(effects: Iterable[object], kind: type) -> list[Any]:
    """The items of ``effects`` that are instances of ``kind``, in order."""
    return [e for e in effects if isinstance(e, kind)]


@dataclass
class Side:
    """One node of a :class:`PeerPair`: link entity, fake hardware, what reached the top."""

    name: str
    link: SimpleLink
    phys: FakePhysicalLayer
    indications: list[Primitive] = field(default_factory=list)
    traces: list[TraceRecord] = field(default_factory=list)
    timers: dict[Hashable, int] = field(default_factory=dict)

    @property
    def oks(self) -> list[OkIndication]:
        """OK indications delivered to the user, in order."""
        return [p for p in self.indications if isinstance(p, OkIndication)]

    @property
    def errors(self) -> list[ErrorIndication]:
        """ERROR indications delivered to the user, in order."""
        return [p for p in self.indications if isinstance(p, ErrorIndication)]


class PeerPair:
    """Two simple-link entities on fake hardware, joined by a zero-delay fake link.

    Args:
        a: Name of the first node (the link master when it sorts first).
        b: Name of the second node.
        slots_a: Memory slots at ``a``.
        slots_b: Memory slots at ``b``.
        fresh_fidelity: The link's model fidelity (what ``min_fidelity`` is checked against).
        auto_deliver: Deliver PDUs on the wire at the end of every call; with ``False`` the
            test calls :meth:`deliver` itself to interleave messages with other inputs.
    """

    def __init__(
        self,
        a: str = "alice",
        b: str = "bob",
        *,
        slots_a: int = 2,
        slots_b: int = 2,
        fresh_fidelity: float = 0.9,
        auto_deliver: bool = True,
    ) -> None:
        info = link_info(a, b, fresh_fidelity=fresh_fidelity)
        self.sides = {
            a: Side(a, SimpleLink(a, {b: info}), FakePhysicalLayer(a, slots_a, fresh_fidelity)),
            b: Side(b, SimpleLink(b, {a: info}), FakePhysicalLayer(b, slots_b, fresh_fidelity)),
        }
        self.a, self.b = self.sides[a], self.sides[b]
        self.auto_deliver = auto_deliver
        self.wire: deque[tuple[str, str, PeerMessage]] = deque()
        self.now_ps = 0
        self._next_pair = 0

    def other(self, name: str) -> Side:
        """The side that is not ``name``."""
        return self.b if name == self.a.name else self.a

    # --- inputs ---------------------------------------------------------------------------

    def create(
        self, node: str, request_id: int, number: int = 1, min_fidelity: float = 0.0
    ) -> None:
        """A CREATE from the user at ``node`` towards the other node."""
        remote = self.other(node).name
        self.user(node, CreateRequest(request_id, remote, number, min_fidelity))

    def release(self, node: str, slot: int) -> None:
        """The user at ``node`` releases the half in ``slot``."""
        self.user(node, ReleaseRequest(slot))

    def user(self, node: str, primitive: Primitive) -> None:
        """Hand any primitive to the link layer at ``node`` from above."""
        side = self.sides[node]
        self._link_effects(side, side.link.from_above(primitive, self.now_ps))
        self._maybe_deliver()

    def pending_tags(self) -> list[int]:
        """Tags both ends are attempting for: the ones a real station could herald now."""
        a_tags = {tag for (_, tag) in self.a.phys.active}
        b_tags = {tag for (_, tag) in self.b.phys.active}
        return sorted(a_tags & b_tags)

    def herald(self, tag: int, bell_index: int = 1) -> None:
        """The station heralds ``tag``: both ends get the pair (``a`` first, then ``b``)."""
        pair_id = self._next_pair
        self._next_pair += 1
        for side in (self.a, self.b):
            remote = self.other(side.name).name
            ready = side.phys.herald(remote, tag, bell_index, pair_id=pair_id, time_ps=self.now_ps)
            self._link_effects(side, side.link.from_below(ready, self.now_ps))
        self._maybe_deliver()

    def deliver(self) -> int:
        """Deliver every PDU on the wire (and those they cause), FIFO; return how many."""
        count = 0
        while self.wire:
            src, dst, pdu = self.wire.popleft()
            side = self.sides[dst]
            self._link_effects(side, side.link.from_peer(src, pdu, self.now_ps))
            count += 1
        return count

    # --- the runtime's role ---------------------------------------------------------------

    def _maybe_deliver(self) -> None:
        if self.auto_deliver:
            self.deliver()

    def _link_effects(self, side: Side, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case SendDown(primitive):
                    below = side.phys.from_above(primitive, self.now_ps)
                    self._phys_effects(side, below)
                case Indicate(primitive):
                    side.indications.append(primitive)
                case SendPeer(dst, pdu):
                    assert dst == self.other(side.name).name, f"PDU to stranger {dst!r}"
                    self.wire.append((side.name, dst, pdu))
                case StartTimer(key, delay_ps):
                    side.timers[key] = delay_ps
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
                    raise AssertionError(f"fake physical layer produced {effect!r}")

    # --- observations ---------------------------------------------------------------------

    def delivered(self, node: str) -> list[tuple[EntanglementId, int]]:
        """``(entanglement id, bell index)`` of every OK at ``node``, in order."""
        return [(ok.entanglement_id, ok.bell_index) for ok in self.sides[node].oks]


def run_to_completion(pair: PeerPair, release: bool = True, max_rounds: int = 10_000) -> None:
    """Deliver PDUs, herald pending tags and release held halves until nothing moves."""
    for _ in range(max_rounds):
        progressed = pair.deliver() > 0
        for tag in pair.pending_tags():
            pair.herald(tag)
            progressed = True
        if release:
            for side in pair.sides.values():
                for slot in sorted(side.phys.held):
                    pair.release(side.name, slot)
                    progressed = True
        if not progressed:
            return
    raise AssertionError("the pair kept making progress: livelock?")
