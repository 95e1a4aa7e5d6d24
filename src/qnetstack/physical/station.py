"""Heralding stations in the two execution modes, ``attempts`` and ``sampled``: same physics.

Theory of operation
-------------------
A station sits between two nodes. When both have announced :class:`~.messages.AttemptStart`
for the same tag, attempts run back to back with period ``attempt_cycle_ps`` (emission delay
plus the herald round trip on the longer arm: a node may only re-initialise its communication
qubit once it knows the previous attempt failed; Coopmans et al. 2021, Methods). The photons of
attempt *i* (1-based) meet at the station ``emission_delay + (i − 1) × cycle`` after the later
node's start signal arrived.

* :class:`AttemptStation` (``attempts`` mode) makes every attempt an event: it draws success
  with the platform's per-attempt probability and, after a failure, schedules the next attempt
  one cycle later; with tracing on, each attempt is a trace record (for teaching and message
  sequence diagrams).
* :class:`SampledStation` (``sampled`` mode) draws the number of attempts until the first
  success from the geometric distribution and fires one timer at the successful attempt. Work
  per pair is O(1) whatever the success probability, which is what makes long links cheap.

The midpoint's "no click" replies are not sent as messages in either mode: a failed attempt
changes nothing at a node except per-attempt noise on its memories (nuclear dephasing), which
is a fixed channel per attempt and composes exactly, so the node applies the cost of all the
attempts of a run when the herald (or its own abort) tells it how many there were. This keeps
attempts mode at one event per attempt.

On success both ask the :class:`HeraldModel` for the announced Bell state and the heralded
state, store it in the shared pair store (each half decoheres from its photon's emission time)
and send a :class:`~.messages.Herald` to each node. Both modes therefore produce the same
distribution of waiting times, states and announced Bell states (tested in
``tests/validation``).
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

__all__ = ["AttemptStation", "HeraldModel", "SampledStation", "Station"]


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

    def with_alphas(self, alpha_a: float | None, alpha_b: float | None) -> HeraldModel:
        """The model for a run whose nodes use these bright-state populations (``None``: the
        configured value). Optional: platforms without the parameter may omit it (or return
        ``self``)."""
        ...


class Station:
    """What both station modes share: readiness bookkeeping and the herald itself.

    Args:
        info: The link it serves.
        model: Platform physics.
        emission_delay_ps: Time from a node's ready signal to its photon emission.
        memories: Memory noise of the node_a and node_b halves.
        store: Shared pair store.
        rng: The station's random stream.
    """

    layer: ClassVar[LayerName] = LayerName.PHYSICAL
    counts_running_attempts: ClassVar[bool] = False
    """Whether ``_running`` holds attempts already made (attempts mode) or drawn (sampled)."""

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
        self._ready: dict[int, dict[str, float | None]] = {}  # tag -> node -> alpha
        self._models: dict[int, HeraldModel] = {}  # tag -> the physics of its run
        self._cycles: dict[int, int] = {}  # tag -> attempt period of its run
        self._measured: dict[int, set[str]] = {}  # tag -> nodes measuring directly
        self._running: dict[int, int] = {}  # tag -> attempts (drawn or made so far)
        self._restarts: dict[int, StartTimer] = {}  # attempts mode: tag -> cached restart
        self.attempts = 0
        """Attempts made so far (successful ones included), for link statistics. In sampled
        mode the attempts of a run aborted before its success are not counted."""
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
            case AttemptStart(tag, alpha, measured):
                ready = self._ready.setdefault(tag, {})
                ready[src] = alpha
                if measured:
                    self._measured.setdefault(tag, set()).add(src)
                if len(ready) < 2:
                    return []
                del self._ready[tag]
                both_measure = len(self._measured.pop(tag, ())) == 2
                self._cycles[tag] = self.cycle_ps(measure_directly=both_measure)
                # Optional for platforms without a bright-state parameter (plugins written
                # before it existed keep working): no method means one model for every run.
                with_alphas = getattr(self.model, "with_alphas", None)
                model = (
                    self.model
                    if with_alphas is None
                    else with_alphas(ready[geometry.node_a], ready[geometry.node_b])
                )
                self._models[tag] = model
                return self._start(tag, model)
            case AttemptAbort(tag):
                self._ready.pop(tag, None)
                self._models.pop(tag, None)
                self._forget(tag)
                made = self._running.pop(tag, None)
                if made is None:
                    return []
                if self.counts_running_attempts:
                    self.attempts += made
                return [CancelTimer(tag)]
        raise PeerProtocolError(f"station {geometry.station}: unexpected {pdu!r}")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        # The station's only timers are attempt timers, keyed by the tag (an int). A plain
        # type test keeps this per-attempt path cheap.
        if type(key) is not int:
            raise LocalProtocolError(f"station {self.info.geometry.station}: unknown timer {key!r}")
        return self._attempt(key, now_ps)

    def cycle_ps(self, *, measure_directly: bool) -> int:
        """Attempt period: the full cycle when the nodes keep the pair (each must learn the
        attempt failed before re-initialising), only the emission delay when both measure
        right after emission and need not wait for the herald (Dahlberg et al. 2019)."""
        if measure_directly:
            return max(self.emission_delay_ps, 1)
        return self.info.attempt_cycle_ps

    def _start(self, tag: int, model: HeraldModel) -> list[Effect]:
        raise NotImplementedError

    def _forget(self, tag: int) -> None:
        """Drop per-run state of an aborted run (subclasses with more of it extend this)."""
        self._restarts.pop(tag, None)
        self._cycles.pop(tag, None)
        self._measured.pop(tag, None)

    def _attempt(self, tag: int, now_ps: int) -> list[Effect]:
        raise NotImplementedError

    def _herald(self, tag: int, attempts: int, now_ps: int) -> list[Effect]:
        self.attempts += attempts
        self.successes += 1
        geometry = self.info.geometry
        model = self._models.pop(tag)
        self._cycles.pop(tag, None)
        bell_index, state = model.sample_herald(self.rng, self.store)
        born = (now_ps - geometry.arm_a_delay_ps, now_ps - geometry.arm_b_delay_ps)
        pair_id = self.store.add(state, (geometry.node_a, geometry.node_b), self.memories, born)
        fidelity = model.fresh_fidelity
        data = {"tag": tag, "pair_id": pair_id, "bell_index": bell_index, "attempts": attempts}
        return [
            Trace(TraceRecord("herald", data)),
            SendPeer(geometry.node_a, Herald(tag, pair_id, 0, bell_index, attempts, fidelity)),
            SendPeer(geometry.node_b, Herald(tag, pair_id, 1, bell_index, attempts, fidelity)),
        ]


class SampledStation(Station):
    """Heralding station in ``sampled`` mode: one event per heralded pair."""

    def _start(self, tag: int, model: HeraldModel) -> list[Effect]:
        attempts = int(self.rng.geometric(model.success_probability))
        self._running[tag] = attempts
        delay = self.emission_delay_ps + (attempts - 1) * self._cycles[tag]
        return [StartTimer(tag, delay)]

    def _attempt(self, tag: int, now_ps: int) -> list[Effect]:
        return self._herald(tag, self._running.pop(tag), now_ps)


_UNIFORM_BLOCK = 4096


class AttemptStation(Station):
    """Heralding station in ``attempts`` mode: one event per attempt (traced when tracing)."""

    counts_running_attempts = True

    def __init__(
        self,
        info: LinkInfo,
        model: HeraldModel,
        emission_delay_ps: int,
        memories: tuple[MemoryModel, MemoryModel],
        store: PairStore,
        rng: np.random.Generator,
    ) -> None:
        super().__init__(info, model, emission_delay_ps, memories, store, rng)
        self._uniforms: list[float] = []
        self._p: dict[int, float] = {}  # tag -> success probability of its run
        self.tracing = False
        """Emit one trace record per attempt (set by the runtime builder when tracing)."""

    def _start(self, tag: int, model: HeraldModel) -> list[Effect]:
        self._running[tag] = 0
        self._p[tag] = model.success_probability
        return [StartTimer(tag, self.emission_delay_ps)]

    def _forget(self, tag: int) -> None:
        super()._forget(tag)
        self._p.pop(tag, None)

    def _attempt(self, tag: int, now_ps: int) -> list[Effect]:
        attempt = self._running[tag] + 1
        uniforms = self._uniforms
        if not uniforms:  # draw in blocks: one numpy call per 4096 attempts
            uniforms = self._uniforms = self.rng.random(_UNIFORM_BLOCK).tolist()
        success = uniforms.pop() < self._p[tag]
        effects: list[Effect] = []
        if self.tracing:
            data = {"tag": tag, "attempt": attempt, "success": success}
            effects.append(Trace(TraceRecord("attempt", data)))
        if success:
            del self._running[tag]
            del self._p[tag]
            self._restarts.pop(tag, None)
            return effects + self._herald(tag, attempt, now_ps)
        self._running[tag] = attempt
        # Effects are immutable values, so the restart effect of a run is built once: frozen
        # dataclass construction would otherwise be a visible share of each attempt's cost.
        restart = self._restarts.get(tag)
        if restart is None:
            restart = self._restarts[tag] = StartTimer(tag, self._cycles[tag])
        effects.append(restart)
        return effects
