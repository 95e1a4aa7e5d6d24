"""A zero-delay harness: run two or more protocol entities with the runtime's own dispatch.

Why not a hand-written loop: the runtime's dispatch (effects carried out in order and depth
first, PDUs delivered FIFO after the channel delay, timers by key) is the behaviour a plugin
meets in a real run, so a test that drives it through :class:`Harness` cannot pass on an
ordering the simulator would never produce. The harness adds what a test needs on top: every
node's top-of-stack indications recorded, every trace kept, classical channels between every
pair of nodes (zero delay by default, so nothing but the protocol decides the order), and a
run that fails loudly when it never settles.

Example:
    >>> from qnetstack.testing import FakeNetworkLayer, Harness
    >>> harness = Harness({"a": [FakeNetworkLayer("a")], "b": [FakeNetworkLayer("b")]})
    >>> harness.run()
    0
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from qnetstack.network.fake import Inject
from qnetstack.runtime import Runtime, TraceEvent
from qnetstack.service import Layer, LayerName, Primitive

__all__ = ["Harness", "HarnessError"]

P = TypeVar("P", bound=Primitive)


class HarnessError(AssertionError):
    """The entities under test never settled, or the harness was misused."""


class Harness:
    """Entities on nodes, joined by classical channels, driven by a real :class:`Runtime`.

    Args:
        stacks: Node name → its entities, bottom to top (e.g. ``[FakeLinkLayer(n), Qnp(...)]``).
        seed: Seed of the runtime's random streams (channel loss).
        delay_ps: Delay of every classical channel (0: PDUs arrive in the same instant, after
            the sender's effects).
        loss_probability: Loss probability of every classical channel.
    """

    def __init__(
        self,
        stacks: Mapping[str, Sequence[Layer]],
        *,
        seed: int = 0,
        delay_ps: int = 0,
        loss_probability: float = 0.0,
    ) -> None:
        if not stacks:
            raise HarnessError("a harness needs at least one node")
        self.runtime = Runtime(seed, trace=True)
        self._indications: dict[str, list[Primitive]] = {}
        for name, entities in stacks.items():
            node = self.runtime.add_node(name)
            for entity in entities:
                node.add(entity)
            self._indications[name] = []
            node.top_handler = self._record
        for a, b in itertools.combinations(stacks, 2):
            self.runtime.connect(a, b, delay_ps, loss_probability)

    def _record(self, node: str, primitive: Primitive, now_ps: int) -> None:
        self._indications[node].append(primitive)

    @property
    def now_ps(self) -> int:
        """The runtime's current time."""
        return self.runtime.now_ps

    def entity(self, node: str, layer: LayerName) -> Any:
        """The entity of ``layer`` at ``node``."""
        return self.runtime.node(node).entity(layer)

    def request(self, node: str, primitive: Primitive, layer: LayerName | None = None) -> None:
        """Hand ``primitive`` from above to ``layer`` of ``node`` (default: its top), now."""
        self.runtime.request(node, primitive, layer)

    def inject(self, node: str, primitive: Primitive, layer: LayerName) -> None:
        """Make the scripted (fake) ``layer`` of ``node`` indicate ``primitive`` upwards, now."""
        self.runtime.request(node, Inject(primitive), layer)

    def at(
        self, time_ps: int, node: str, primitive: Primitive, layer: LayerName | None = None
    ) -> None:
        """Schedule :meth:`request` at an absolute time."""
        self.runtime.request_at(time_ps, node, primitive, layer)

    def run(self, until_ps: int | None = None, max_events: int = 1_000_000) -> int:
        """Run until nothing is scheduled (or ``until_ps``); return the events processed.

        Raises:
            HarnessError: ``max_events`` ran out with events still scheduled (a livelock, or
                a timer that keeps restarting).
        """
        count = self.runtime.run(until_ps=until_ps, max_events=max_events)
        if count >= max_events and until_ps is None and self.runtime.sim.peek_ps() is not None:
            raise HarnessError(
                f"still busy after {max_events} events at t = {self.now_ps} ps: a livelock?"
            )
        return count

    def indications(self, node: str, kind: type[P] | None = None) -> list[Any]:
        """What the top of ``node``'s stack indicated, in order (only ``kind``, if given)."""
        found = self._indications[node]
        return list(found) if kind is None else [p for p in found if isinstance(p, kind)]

    def traces(self, kind: str | None = None, node: str | None = None) -> list[TraceEvent]:
        """Trace events in time order, optionally of one kind and one node."""
        return [
            e
            for e in self.runtime.trace.events
            if (kind is None or e.kind == kind) and (node is None or e.node == node)
        ]

    def pending_timers(self, node: str | None = None) -> list[tuple[str, str, Any]]:
        """Timers still running, as (node, layer, key)."""
        return self.runtime.pending_timers(node)
