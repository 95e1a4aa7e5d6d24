"""Test harness for the QNP network layer: entities on a scripted link layer with ground truth.

:class:`QnpNet` plays the runtime, the link layer and the hardware for a set of :class:`Qnp`
entities, without a kernel (like :class:`helpers.PeerPair`):

* link CREATEs are recorded; the test makes a link pair with :meth:`QnpNet.generate` (the two
  OKs wait in :attr:`QnpNet.link_inbox` until :meth:`QnpNet.deliver_ok`, in any order, or are
  delivered at once), or ends a request with :meth:`QnpNet.link_error`; hops listed in
  ``unsupported`` refuse every CREATE at once, as the EGP's fidelity estimation does;
* swaps and releases act on a ground-truth model of the pairs (:class:`TruePair`): a swap
  makes a new pair with label ℓ₁ ⊕ ℓ₂ ⊕ outcome (outcomes from ``outcomes`` or a seeded rng),
  a release breaks the pair, and every delivered OK is checked against it by the tests;
* purification rounds are two-sided like the hardware's: the first node's part draws its bit,
  the second decides success (probability ``purify_success``): the kept pair is then Φ⁺
  (frames corrected), otherwise broken; the frames each node passes must be the truth's;
* PDUs wait on :attr:`QnpNet.wire` (delivered FIFO, or any one by index); timers have due times.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorCode,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
)
from qnetstack.network.config import QnpConfig
from qnetstack.network.context import NetworkContext, NoRouteError
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.network.qnp import Qnp
from qnetstack.physical.primitives import (
    MeasureConfirm,
    MeasureRequest,
    PurifyConfirm,
    PurifyRequest,
    SwapConfirm,
    SwapRequest,
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

__all__ = ["QnpNet", "TruePair", "chain_context"]


def chain_context(names: Iterable[str], *, extra_nodes: Iterable[str] = ()) -> NetworkContext:
    """A chain graph over ``names`` (plus unconnected ``extra_nodes``), shortest-path routing."""
    names = list(names)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(names)
    graph.add_nodes_from(extra_nodes)
    for a, b in itertools.pairwise(names):
        graph.add_edge(a, b, length_km=10.0, link=None)

    def route(src: str, dst: str) -> list[str]:
        try:
            return list(nx.shortest_path(graph, src, dst))
        except nx.NetworkXNoPath:
            raise NoRouteError(src, dst, "the nodes are not connected") from None
        except nx.NodeNotFound as exc:
            raise NoRouteError(src, dst, str(exc)) from None

    return NetworkContext(graph, route)


@dataclass
class TruePair:
    """Ground truth: an entangled pair as the hardware holds it."""

    pid: int
    bell: int
    holders: dict[str, int]  # node -> slot
    links: frozenset[EntanglementId]
    alive: bool = True


@dataclass
class Node:
    """One node of the harness."""

    name: str
    qnp: Qnp
    slots: dict[int, TruePair] = field(default_factory=dict)
    indications: list[Primitive] = field(default_factory=list)
    traces: list[TraceRecord] = field(default_factory=list)
    timers: dict[Hashable, int] = field(default_factory=dict)
    next_slot: int = 0

    @property
    def oks(self) -> list[NetworkOkIndication]:
        return [p for p in self.indications if isinstance(p, NetworkOkIndication)]

    @property
    def errors(self) -> list[NetworkErrorIndication]:
        return [p for p in self.indications if isinstance(p, NetworkErrorIndication)]

    def kinds(self) -> list[str]:
        return [t.kind for t in self.traces]


class QnpNet:
    """QNP entities on a chain (by default), a scripted link layer and ground-truth pairs.

    Args:
        names: Chain of node names.
        config: QNP configuration of every node.
        context: Network context (default: the chain).
        unsupported: Hops ``(upstream, downstream)`` whose link refuses every CREATE with
            UNSUPPORTED.
        outcomes: Swap outcomes to use in order (then the seeded rng).
        seed: Seed of the swap outcomes.
        purify_success: Probability that a purification round succeeds.
    """

    def __init__(
        self,
        names: Iterable[str] = ("a", "b", "c"),
        *,
        config: QnpConfig | None = None,
        context: NetworkContext | None = None,
        unsupported: Iterable[tuple[str, str]] = (),
        outcomes: Iterable[int] = (),
        seed: int = 0,
        purify_success: float = 0.7,
    ) -> None:
        names = list(names)
        self.purify_success = purify_success
        self.purify_pending: dict[tuple[int, int], int] = {}
        config = config or QnpConfig()
        context = context or chain_context(names)
        self.nodes = {
            n: Node(n, Qnp(n, config, context, np.random.default_rng(i)))
            for i, n in enumerate(context.graph.nodes)
        }
        self.unsupported = set(unsupported)
        self.outcomes = list(outcomes)
        self.rng = np.random.default_rng(seed)
        self.now_ps = 0
        self.wire: list[tuple[str, str, PeerMessage]] = []
        self.link_inbox: list[tuple[str, OkIndication]] = []
        self.open: dict[tuple[str, int], list[Any]] = {}  # (origin, rid) -> [request, made]
        self.requests: list[tuple[str, CreateRequest]] = []
        self.released_links: set[EntanglementId] = set()
        self.pairs: dict[int, TruePair] = {}
        self._pid = itertools.count()
        self.measurements: list[tuple[str, int, str]] = []  # readouts not yet confirmed

    # --- inputs ---------------------------------------------------------------------------

    def create(self, node: str, remote: str, request_id: int = 0, **fields: Any) -> None:
        """A network CREATE from the user at ``node``."""
        self.user(node, NetworkCreateRequest(request_id, remote, **fields))

    def user(self, node: str, primitive: Primitive) -> None:
        side = self.nodes[node]
        self._effects(side, side.qnp.from_above(primitive, self.now_ps))

    def release_delivered(self) -> None:
        """The users release every delivered half they still hold."""
        for side in self.nodes.values():
            for ok in side.oks:
                if ok.slot in side.slots:
                    self.user(side.name, NetworkReleaseRequest(ok.slot))

    def open_requests(self) -> list[tuple[str, int]]:
        """Link requests that may still produce pairs, as (origin, request id)."""
        return sorted(self.open)

    def generate(
        self, origin: str, request_id: int, bell_index: int = 0, *, deliver: bool = True,
        goodness: float = 0.9,
    ) -> EntanglementId:  # fmt: skip
        """Make the next pair of link request ``(origin, request_id)``: a pair exists at once;
        its two OKs go to :attr:`link_inbox` (delivered now if ``deliver``)."""
        entry = self.open[(origin, request_id)]
        request: CreateRequest = entry[0]
        seq = entry[1]
        entry[1] += 1
        if entry[1] == request.number:
            del self.open[(origin, request_id)]
        ent = EntanglementId(origin, request_id, seq)
        pair = TruePair(next(self._pid), bell_index, {}, frozenset({ent}))
        self.pairs[pair.pid] = pair
        for node, remote in ((origin, request.remote), (request.remote, origin)):
            side = self.nodes[node]
            slot = side.next_slot
            side.next_slot += 1
            side.slots[slot] = pair
            pair.holders[node] = slot
            ok = OkIndication(
                ent, remote, slot, bell_index, goodness, self.now_ps,
                purpose_id=request.purpose_id,
            )  # fmt: skip
            self.link_inbox.append((node, ok))
        if deliver:
            self.deliver_oks(ent)
        return ent

    def confirm_measurement(self, index: int = 0, outcome: int = 0) -> None:
        """The hardware finishes the readout at ``index`` of :attr:`measurements`."""
        node, slot, basis = self.measurements.pop(index)
        side = self.nodes[node]
        confirm = MeasureConfirm(slot, basis, outcome)  # type: ignore[arg-type]
        self._effects(side, side.qnp.from_below(confirm, self.now_ps))

    def deliver_ok(self, index: int = 0) -> None:
        node, ok = self.link_inbox.pop(index)
        side = self.nodes[node]
        self._effects(side, side.qnp.from_below(ok, self.now_ps))

    def deliver_oks(self, ent: EntanglementId | None = None) -> None:
        """Deliver the waiting link OKs (of ``ent`` only, if given), in order."""
        while True:
            due = [i for i, (_, ok) in enumerate(self.link_inbox)
                   if ent is None or ok.entanglement_id == ent]  # fmt: skip
            if not due:
                return
            self.deliver_ok(due[0])

    def link_error(self, origin: str, request_id: int, code: ErrorCode, message: str = "") -> None:
        """End a link request with an error at both ends (origin first)."""
        request = self.open.pop((origin, request_id))[0]
        error = ErrorIndication(origin, request_id, code, message)
        for node in (origin, request.remote):
            side = self.nodes[node]
            self._effects(side, side.qnp.from_below(error, self.now_ps))

    def deliver(self, index: int | None = None) -> int:
        """Deliver the PDU at ``index`` (or all, FIFO, including those they cause)."""
        if index is not None:
            self._deliver_one(index)
            return 1
        count = 0
        while self.wire:
            self._deliver_one(0)
            count += 1
        return count

    def _deliver_one(self, index: int) -> None:
        src, dst, pdu = self.wire.pop(index)
        side = self.nodes[dst]
        self._effects(side, side.qnp.from_peer(src, pdu, self.now_ps))

    def running_timers(self) -> list[tuple[int, str, Hashable]]:
        return sorted(
            ((due, n.name, key) for n in self.nodes.values() for key, due in n.timers.items()),
            key=lambda t: (t[0], t[1], repr(t[2])),
        )

    def fire(self, node: str, key: Hashable) -> None:
        side = self.nodes[node]
        due = side.timers.pop(key)
        self.now_ps = max(self.now_ps, due)
        self._effects(side, side.qnp.on_timer(key, self.now_ps))

    def fire_next_timer(self) -> bool:
        timers = self.running_timers()
        if not timers:
            return False
        _, node, key = timers[0]
        self.fire(node, key)
        return True

    def pump(self) -> None:
        """Deliver all PDUs and link OKs until quiet."""
        while self.wire or self.link_inbox:
            self.deliver()
            self.deliver_oks()

    # --- the runtime's, link layer's and hardware's role ----------------------------------

    def _effects(self, side: Node, effects: list[Effect]) -> None:
        for effect in effects:
            match effect:
                case SendDown(primitive):
                    self._down(side, primitive)
                case Indicate(primitive):
                    side.indications.append(primitive)
                case SendPeer(dst, pdu):
                    assert dst in self.nodes, f"PDU to unknown node {dst!r}"
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

    def _down(self, side: Node, primitive: Primitive) -> None:
        match primitive:
            case CreateRequest(request_id=rid, remote=remote):
                self.requests.append((side.name, primitive))
                if (side.name, remote) in self.unsupported:
                    error = ErrorIndication(
                        side.name, rid, ErrorCode.UNSUPPORTED, f"link {side.name}-{remote} no"
                    )
                    self._effects(side, side.qnp.from_below(error, self.now_ps))
                else:
                    self.open[(side.name, rid)] = [primitive, 0]
            case MeasureRequest(slot, basis):
                side.slots.pop(slot)
                self.measurements.append((side.name, slot, basis))
            case ReleaseRequest(slot):
                pair = side.slots.pop(slot)
                pair.alive = False
                del pair.holders[side.name]
                self.released_links |= pair.links
            case SwapRequest(slot_1, slot_2):
                p1, p2 = side.slots.pop(slot_1), side.slots.pop(slot_2)
                assert p1 is not p2
                outcome = self.outcomes.pop(0) if self.outcomes else int(self.rng.integers(4))
                del p1.holders[side.name], p2.holders[side.name]
                holders = {**p1.holders, **p2.holders}
                new = TruePair(
                    next(self._pid), p1.bell ^ p2.bell ^ outcome, holders, p1.links | p2.links,
                    p1.alive and p2.alive,
                )  # fmt: skip
                p1.alive = p2.alive = False
                self.pairs[new.pid] = new
                for node, slot in holders.items():
                    self.nodes[node].slots[slot] = new
                confirm = SwapConfirm(slot_1, slot_2, outcome)
                self._effects(side, side.qnp.from_below(confirm, self.now_ps))
            case PurifyRequest(keep_slot, sacrifice_slot, _, keep_frame, sacrifice_frame):
                keep, sacrifice = side.slots[keep_slot], side.slots.pop(sacrifice_slot)
                assert keep is not sacrifice
                assert (keep_frame, sacrifice_frame) == (keep.bell, sacrifice.bell), (
                    "purification with frames that are not the pairs' Bell states"
                )
                del sacrifice.holders[side.name]
                first = self.purify_pending.pop((keep.pid, sacrifice.pid), None)
                if first is None:
                    bit = int(self.rng.integers(2))
                    self.purify_pending[(keep.pid, sacrifice.pid)] = bit
                else:
                    success = bool(self.rng.random() < self.purify_success)
                    bit = first if success else 1 - first
                    sacrifice.alive = False
                    keep.bell = 0
                    keep.alive = keep.alive and success
                confirm = PurifyConfirm(keep_slot, sacrifice_slot, bit)
                self._effects(side, side.qnp.from_below(confirm, self.now_ps))
            case _:
                raise AssertionError(f"unexpected {primitive!r} at the link layer")

    # --- observations ---------------------------------------------------------------------

    def truth(self, node: str, slot: int) -> TruePair:
        """The ground-truth pair held in ``slot`` at ``node``."""
        return self.nodes[node].slots[slot]

    def held_slots(self) -> dict[str, list[int]]:
        return {n.name: sorted(n.slots) for n in self.nodes.values() if n.slots}
