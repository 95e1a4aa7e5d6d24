"""The runtime: turns protocol effects into kernel events and delivers inputs.

Theory of operation
-------------------
This is the only module that holds both the kernel and protocol entities (h11's lesson: the
protocol is a pure state machine, the transport drives it). A :class:`Node` is a named stack of
entities, one per layer, bottom to top. The :class:`Runtime`

* calls an entity's entry point and carries out the effects it returns, **in order, at once**
  (depth first): ``SendDown`` calls the next lower entity's ``from_above``; ``Indicate`` calls the
  next upper entity's ``from_below`` (or the node's *top handler* when the entity is the top of
  the stack); ``Trace`` stamps and forwards a record;
* turns ``SendPeer`` into a kernel event after the classical channel's delay (or drops it when
  the channel loses it), delivered to the same layer's entity at the destination;
* turns ``StartTimer`` / ``CancelTimer`` into kernel events keyed by (node, layer, key).

Effects are carried out synchronously because an entity has already returned when its effects
run, so no entity is ever re-entered while it is handling an input.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from qnetstack.kernel import EventHandle, RngFactory, Simulator
from qnetstack.runtime.channel import ClassicalChannel
from qnetstack.runtime.trace import TraceEvent, TraceLog
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    Layer,
    LayerName,
    PeerMessage,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
)

__all__ = ["Node", "Runtime", "TopHandler", "WiringError"]

TopHandler = Callable[[str, Primitive, int], None]
"""Called as ``handler(node, primitive, now_ps)`` with what the top entity of a node indicates."""


class WiringError(Exception):
    """Wiring error: a missing node, channel, or layer."""


class Node:
    """A named stack of protocol entities, bottom to top."""

    __slots__ = ("_index", "entities", "name", "top_handler")

    def __init__(self, name: str) -> None:
        self.name = name
        self.entities: list[Layer] = []
        self._index: dict[LayerName, int] = {}
        self.top_handler: TopHandler | None = None

    def add(self, entity: Layer) -> None:
        """Put ``entity`` on top of the stack (layers must be added bottom to top)."""
        layer = entity.layer
        if layer in self._index:
            raise WiringError(f"node {self.name!r} already has a {layer.value} layer")
        order = list(LayerName)
        if self.entities and order.index(layer) <= order.index(self.entities[-1].layer):
            raise WiringError(
                f"node {self.name!r}: layer {layer.value!r} added above "
                f"{self.entities[-1].layer.value!r}; add layers bottom to top"
            )
        self._index[layer] = len(self.entities)
        self.entities.append(entity)

    def entity(self, layer: LayerName) -> Layer:
        """The entity of ``layer`` at this node."""
        try:
            return self.entities[self._index[layer]]
        except KeyError:
            raise WiringError(f"node {self.name!r} has no {layer.value} layer") from None

    def index_of(self, layer: LayerName) -> int:
        """Position of ``layer`` in the stack."""
        try:
            return self._index[layer]
        except KeyError:
            raise WiringError(f"node {self.name!r} has no {layer.value} layer") from None

    @property
    def top(self) -> Layer:
        """The highest entity of the stack."""
        if not self.entities:
            raise WiringError(f"node {self.name!r} has no layers")
        return self.entities[-1]


class Runtime:
    """Drives protocol entities on nodes with a discrete-event kernel.

    Args:
        seed: Run seed; every component's RNG stream is derived from it and a stable name.
        trace: Keep every trace record in :attr:`trace.events` (subscribers always see them).
    """

    def __init__(self, seed: int = 0, *, trace: bool = False) -> None:
        self.sim = Simulator()
        self.rngs = RngFactory(seed)
        self.trace = TraceLog(recording=trace)
        self.nodes: dict[str, Node] = {}
        self.channels: dict[tuple[str, str], ClassicalChannel] = {}
        self._timers: dict[tuple[str, int, Hashable], EventHandle] = {}

    # --- wiring ---------------------------------------------------------------------------

    def add_node(self, name: str) -> Node:
        """Create an empty node."""
        if name in self.nodes:
            raise WiringError(f"node {name!r} already exists")
        node = Node(name)
        self.nodes[name] = node
        return node

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        try:
            return self.nodes[name]
        except KeyError:
            raise WiringError(f"unknown node {name!r}") from None

    def connect(
        self, a: str, b: str, delay_ps: int, loss_probability: float = 0.0
    ) -> tuple[ClassicalChannel, ClassicalChannel]:
        """Create a classical channel in each direction between nodes ``a`` and ``b``."""
        self.node(a)
        self.node(b)
        pair = []
        for src, dst in ((a, b), (b, a)):
            rng = self.rngs.stream(f"channel/{src}->{dst}") if loss_probability > 0 else None
            channel = ClassicalChannel(src, dst, delay_ps, loss_probability, rng)
            self.channels[(src, dst)] = channel
            pair.append(channel)
        return pair[0], pair[1]

    def rng(self, name: str) -> Any:
        """A fresh RNG stream for a component (see :class:`~qnetstack.kernel.RngFactory`)."""
        return self.rngs.stream(name)

    # --- driving entities -----------------------------------------------------------------

    @property
    def now_ps(self) -> int:
        """Current simulation time."""
        return self.sim.now_ps

    def request(self, node: str, primitive: Primitive, layer: LayerName | None = None) -> None:
        """Hand ``primitive`` to a node's ``layer`` (default: its top) as if from above, now."""
        target = self.node(node)
        index = len(target.entities) - 1 if layer is None else target.index_of(layer)
        entity = target.entities[index]
        self._run(target, index, entity.from_above(primitive, self.sim.now_ps))

    def request_at(
        self, time_ps: int, node: str, primitive: Primitive, layer: LayerName | None = None
    ) -> None:
        """Schedule :meth:`request` at an absolute time."""
        self.sim.schedule_at(time_ps, lambda: self.request(node, primitive, layer))

    def run(self, until_ps: int | None = None, max_events: int | None = None) -> int:
        """Run the kernel (see :meth:`Simulator.run`)."""
        return self.sim.run(until_ps=until_ps, max_events=max_events)

    # --- effect dispatch ------------------------------------------------------------------

    def _run(self, node: Node, index: int, effects: Iterable[Effect]) -> None:
        now = self.sim.now_ps
        for effect in effects:
            match effect:
                case SendDown(primitive):
                    if index == 0:
                        raise WiringError(
                            f"node {node.name!r}: {type(primitive).__name__} sent below the "
                            f"bottom layer"
                        )
                    lower = node.entities[index - 1]
                    self._run(node, index - 1, lower.from_above(primitive, now))
                case Indicate(primitive):
                    if index == len(node.entities) - 1:
                        if node.top_handler is not None:
                            node.top_handler(node.name, primitive, now)
                    else:
                        upper = node.entities[index + 1]
                        self._run(node, index + 1, upper.from_below(primitive, now))
                case SendPeer(dst, pdu):
                    self._send_peer(node, index, dst, pdu)
                case StartTimer(key, delay_ps):
                    self._start_timer(node, index, key, delay_ps)
                case CancelTimer(key):
                    handle = self._timers.pop((node.name, index, key), None)
                    if handle is not None:
                        self.sim.cancel(handle)
                case Trace(record):
                    if self.trace.active:
                        layer = node.entities[index].layer.value
                        self.trace.emit(TraceEvent(now, node.name, layer, record.kind, record.data))
                case _:
                    raise WiringError(f"unknown effect {effect!r}")

    def _send_peer(self, node: Node, index: int, dst: str, pdu: PeerMessage) -> None:
        channel = self.channels.get((node.name, dst))
        if channel is None:
            raise WiringError(f"no classical channel from {node.name!r} to {dst!r}")
        if not channel.transmit():
            if self.trace.active:
                data = {"dst": dst, "pdu": type(pdu).__name__}
                self.trace.emit(TraceEvent(self.sim.now_ps, node.name, "runtime", "lost", data))
            return
        layer = node.entities[index].layer
        target = self.node(dst)
        target_index = target.index_of(layer)
        src = node.name

        def deliver() -> None:
            entity = target.entities[target_index]
            self._run(target, target_index, entity.from_peer(src, pdu, self.sim.now_ps))

        self.sim.call_later(channel.delay_ps, deliver)

    def _start_timer(self, node: Node, index: int, key: Hashable, delay_ps: int) -> None:
        timer_id = (node.name, index, key)
        old = self._timers.get(timer_id)
        if old is not None:
            self.sim.cancel(old)

        def fire() -> None:
            del self._timers[timer_id]
            entity = node.entities[index]
            self._run(node, index, entity.on_timer(key, self.sim.now_ps))

        self._timers[timer_id] = self.sim.schedule(delay_ps, fire)

    def pending_timers(self, node: str | None = None) -> list[tuple[str, str, Hashable]]:
        """Running timers as (node, layer, key), for tests that check timers are cleaned up."""
        out = []
        for (name, index, key), _ in self._timers.items():
            if node is None or name == node:
                out.append((name, self.nodes[name].entities[index].layer.value, key))
        return out
