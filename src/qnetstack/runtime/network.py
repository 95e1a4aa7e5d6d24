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
from functools import partial
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
        self._routes: dict[tuple[str, int, str], tuple[ClassicalChannel, Node, int]] = {}
        self._timer_fires: dict[tuple[str, int, Hashable], Callable[[], None]] = {}
        self.multi_hop_delay_ps: Callable[[str, str], int | None] | None = None
        """How long a classical message takes between two nodes that have no direct channel
        (e.g. the shortest fibre path over the topology, store-and-forward without queueing);
        ``None`` (the default) makes such messages a wiring error. Such channels are lossless
        and created on first use."""

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

    def _multi_hop_channel(self, src: str, dst: str) -> ClassicalChannel | None:
        """A channel between nodes that are not neighbours, over the classical network."""
        self.node(dst)
        assert self.multi_hop_delay_ps is not None
        delay = self.multi_hop_delay_ps(src, dst)
        if delay is None:
            return None
        channel = ClassicalChannel(src, dst, delay)
        self.channels[(src, dst)] = channel
        return channel

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
        # A chain of type-identity tests, most frequent effects first: this runs for every
        # effect of every event, and is several times faster than ``match`` class patterns.
        # Effects are final frozen dataclasses, so identity of the type is the right test.
        timers = self._timers
        fires = self._timer_fires
        schedule = self.sim.schedule
        cancel = self.sim.cancel
        for effect in effects:
            kind = type(effect)
            if kind is StartTimer:
                # Inlined: timers restart once per attempt in attempts mode.
                timer_id = (node.name, index, effect.key)  # type: ignore[union-attr]
                old = timers.get(timer_id)
                if old is not None:
                    cancel(old)
                fire = fires.get(timer_id)
                if fire is None:
                    fire = fires[timer_id] = partial(self._fire, timer_id, node, index)
                timers[timer_id] = schedule(effect.delay_ps, fire)  # type: ignore[union-attr]
            elif kind is SendPeer:
                self._send_peer(node, index, effect.node, effect.pdu)  # type: ignore[union-attr]
            elif kind is Indicate:
                self._indicate(node, index, effect.primitive)  # type: ignore[union-attr]
            elif kind is SendDown:
                self._send_down(node, index, effect.primitive)  # type: ignore[union-attr]
            elif kind is CancelTimer:
                timer_id = (node.name, index, effect.key)  # type: ignore[union-attr]
                handle = timers.pop(timer_id, None)
                if handle is not None:
                    cancel(handle)
                    fires.pop(timer_id, None)
            elif kind is Trace:
                if self.trace.active:
                    record = effect.record  # type: ignore[union-attr]
                    layer = node.entities[index].layer.value
                    event = TraceEvent(self.sim.now_ps, node.name, layer, record.kind, record.data)
                    self.trace.emit(event)
            else:
                raise WiringError(f"unknown effect {effect!r}")

    def _send_down(self, node: Node, index: int, primitive: Primitive) -> None:
        if index == 0:
            raise WiringError(
                f"node {node.name!r}: {type(primitive).__name__} sent below the bottom layer"
            )
        lower = node.entities[index - 1]
        self._run(node, index - 1, lower.from_above(primitive, self.sim.now_ps))

    def _indicate(self, node: Node, index: int, primitive: Primitive) -> None:
        if index == len(node.entities) - 1:
            if node.top_handler is not None:
                node.top_handler(node.name, primitive, self.sim.now_ps)
            return
        upper = node.entities[index + 1]
        self._run(node, index + 1, upper.from_below(primitive, self.sim.now_ps))

    def _route(self, node: Node, index: int, dst: str) -> tuple[ClassicalChannel, Node, int]:
        """Channel and receiving entity for a PDU from ``node``'s layer ``index`` to ``dst``."""
        key = (node.name, index, dst)
        route = self._routes.get(key)
        if route is None:
            channel = self.channels.get((node.name, dst))
            if channel is None and self.multi_hop_delay_ps is not None:
                channel = self._multi_hop_channel(node.name, dst)
            if channel is None:
                raise WiringError(f"no classical channel from {node.name!r} to {dst!r}")
            target = self.node(dst)
            route = (channel, target, target.index_of(node.entities[index].layer))
            self._routes[key] = route
        return route

    def _send_peer(self, node: Node, index: int, dst: str, pdu: PeerMessage) -> None:
        channel, target, target_index = self._route(node, index, dst)
        if not channel.transmit():
            if self.trace.active:
                data = {"dst": dst, "pdu": type(pdu).__name__}
                self.trace.emit(TraceEvent(self.sim.now_ps, node.name, "runtime", "lost", data))
            return
        deliver = partial(self._deliver, target, target_index, node.name, pdu)
        self.sim.call_later(channel.delay_ps, deliver)

    def _deliver(self, target: Node, index: int, src: str, pdu: PeerMessage) -> None:
        entity = target.entities[index]
        self._run(target, index, entity.from_peer(src, pdu, self.sim.now_ps))

    def _fire(self, timer_id: tuple[str, int, Hashable], node: Node, index: int) -> None:
        del self._timers[timer_id]
        self._run(node, index, node.entities[index].on_timer(timer_id[2], self.sim.now_ps))
        if timer_id not in self._timers:  # not restarted: forget its cached callback
            del self._timer_fires[timer_id]

    def pending_timers(self, node: str | None = None) -> list[tuple[str, str, Hashable]]:
        """Running timers as (node, layer, key), for tests that check timers are cleaned up."""
        out = []
        for (name, index, key), _ in self._timers.items():
            if node is None or name == node:
                out.append((name, self.nodes[name].entities[index].layer.value, key))
        return out
