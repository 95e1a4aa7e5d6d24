"""A heralding station that samples the number of attempts (the ``sampled`` execution mode).

Theory of operation
-------------------
The station sits between two nodes. When both have announced :class:`~.messages.AttemptStart`
for the same tag, attempts run back to back with period ``attempt_cycle_ps`` (emission delay
plus the herald round trip on the longer arm: a node may only re-initialise its communication
qubit once it knows the previous attempt failed). Instead of one event per attempt, the number
of attempts until the first success is drawn from the geometric distribution with the
platform's per-attempt success probability, and a single timer fires at the successful
attempt. The station then asks its :class:`HeraldModel` for the heralded state, stores it in the
shared pair store (each half decoheres from its photon's emission time) and sends a
:class:`~.messages.Herald` to each node.

Per attempt the station does O(1) work regardless of the success probability, which is what
makes long links cheap to simulate.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar, Protocol

import numpy as np

from qnetstack.physical.messages import AttemptAbort, AttemptStart, Herald
from qnetstack.physical.platform import LinkInfo
from qnetstack.physical.qstore import MemoryModel, PairState, PairStore
from qnetstack.service import (
    CancelTimer,
    Effect,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    Primitive,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)

__all__ = ["HeraldModel", "SampledStation"]


class HeraldModel(Protocol):
    """The platform physics a station needs: the success probability and the heralded state."""

    @property
    def success_probability(self) -> float:
        """Per-attempt probability that the station heralds success."""
        ...

    @property
    def fresh_fidelity(self) -> float:
        """Fidelity of the heralded state to the announced Bell state."""
        ...

    def sample_herald(self, rng: np.random.Generator, store: PairStore) -> tuple[int, PairState]:
        """Draw the announced Bell index and the pair's state given a successful attempt."""
        ...


class SampledStation:
    """Heralding station of one link in ``sampled`` mode.

    Args:
        info: The link it serves.
        model: Platform physics.
        emission_delay_ps: Time from a node's ready signal to its photon emission.
        memories: Memory noise of the node_a and node_b halves.
        store: Shared pair store.
        rng: The station's random stream.
    """

    layer: ClassVar[LayerName] = LayerName.PHYSICAL

    def __init__(
        self,
        info: LinkInfo,
        model: HeraldModel,
        emission_delay_ps: int,
        memories: tuple[MemoryModel, MemoryModel],
        store: PairStore,
        rng: np.random.Generator,
    ) -> None:
        if not 0.0 < model.success_probability <= 1.0:
            raise ValueError(
                f"success probability must be in (0, 1], got {model.success_probability}"
            )
        self.info = info
        self.model = model
        self.emission_delay_ps = emission_delay_ps
        self.memories = memories
        self.store = store
        self.rng = rng
        self._ready: dict[int, set[str]] = {}
        self._running: dict[int, int] = {}  # tag -> attempts drawn
        self.attempts = 0
        """Attempts made so far (successful ones included), for link statistics."""
        self.successes = 0
        """Pairs heralded so far."""

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        raise LocalProtocolError("a heralding station has no layer above it")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        raise LocalProtocolError("a heralding station has no layer below it")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        geometry = self.info.geometry
        if src not in (geometry.node_a, geometry.node_b):
            raise PeerProtocolError(f"station {geometry.station}: message from stranger {src!r}")
        match pdu:
            case AttemptStart(tag):
                ready = self._ready.setdefault(tag, set())
                ready.add(src)
                if len(ready) < 2:
                    return []
                del self._ready[tag]
                return self._start(tag)
            case AttemptAbort(tag):
                self._ready.pop(tag, None)
                attempts = self._running.pop(tag, None)
                if attempts is None:
                    return []
                # The attempts made before the abort are not known exactly in sampled mode;
                # count none of the unfinished run (documented in the link statistics).
                return [CancelTimer(("herald", tag))]
        raise PeerProtocolError(f"station {geometry.station}: unexpected {pdu!r}")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        match key:
            case ("herald", int(tag)):
                return self._herald(tag, now_ps)
        raise LocalProtocolError(f"station {self.info.geometry.station}: unknown timer {key!r}")

    def _start(self, tag: int) -> list[Effect]:
        attempts = int(self.rng.geometric(self.model.success_probability))
        self._running[tag] = attempts
        delay = self.emission_delay_ps + (attempts - 1) * self.info.attempt_cycle_ps
        return [StartTimer(("herald", tag), delay)]

    def _herald(self, tag: int, now_ps: int) -> list[Effect]:
        attempts = self._running.pop(tag)
        self.attempts += attempts
        self.successes += 1
        geometry = self.info.geometry
        bell_index, state = self.model.sample_herald(self.rng, self.store)
        born = (now_ps - geometry.arm_a_delay_ps, now_ps - geometry.arm_b_delay_ps)
        pair_id = self.store.add(state, (geometry.node_a, geometry.node_b), self.memories, born)
        fidelity = self.model.fresh_fidelity
        return [
            Trace(
                TraceRecord(
                    "herald",
                    {
                        "tag": tag,
                        "pair_id": pair_id,
                        "bell_index": bell_index,
                        "attempts": attempts,
                    },
                )
            ),
            SendPeer(geometry.node_a, Herald(tag, pair_id, 0, bell_index, attempts, fidelity)),
            SendPeer(geometry.node_b, Herald(tag, pair_id, 1, bell_index, attempts, fidelity)),
        ]
