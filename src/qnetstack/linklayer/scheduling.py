"""Scheduling strategies of the EGP: which queued request the link master serves next.

Theory of operation
-------------------
In the EGP of Dahlberg et al., "A Link Layer Protocol for Quantum Networks" (SIGCOMM 2019,
§4.2 and §5), the distributed queue holds the requests both ends agreed on and a *scheduler*
decides, before every pair, which of them the next attempts are for. Here only the link master
runs the scheduler (its decisions reach the slave in ``EgpServe`` messages), so a strategy
needs no coordination and may keep any state it likes.

A strategy implements :class:`Scheduler`:

* :meth:`Scheduler.add` when a request becomes servable (both ends hold it),
* :meth:`Scheduler.remove` when it ends (all pairs delivered, or an error),
* :meth:`Scheduler.select` before each pair: the key of the request to serve, or ``None``,
* :meth:`Scheduler.served` after each pair of a request was delivered (for accounting).

Decisions are taken between pairs only: a pair under way is never pre-empted (aborting it
could herald the pair at one end only).

Built-in strategies (names for ``EgpConfig.scheduler``):

``fcfs``
    Requests in the order the master queued them (sequence number).
``priority``
    Strict priority: the largest ``priority`` first; FCFS among equals. Lower priorities
    starve while higher ones wait (use ``max_time_ps`` to bound their wait).
``weighted-fair``
    Weighted fair queueing across priority classes (start-time fair queueing, one virtual
    finish time per class, cost 1/weight per pair): while several classes wait, class *c*
    gets a share ``weight[c] / Σ weights`` of the pairs; FCFS within a class.

Third-party strategies
----------------------
A package registers a factory ``factory(weights: Mapping[int, float]) -> Scheduler`` under the
entry-point group ``qnetstack.link_schedulers``::

    [project.entry-points."qnetstack.link_schedulers"]
    earliest-deadline = "my_package.sched:EarliestDeadline"

and scenarios select it with ``link_layer: {plugin: egp, scheduler: earliest-deadline}``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

from qnetstack.linklayer.messages import ItemKey

__all__ = [
    "SCHEDULERS",
    "SCHEDULER_ENTRY_POINT_GROUP",
    "FcfsScheduler",
    "PriorityScheduler",
    "QueueEntry",
    "Scheduler",
    "SchedulerFactory",
    "WeightedFairScheduler",
    "available_schedulers",
    "make_scheduler",
]

SCHEDULER_ENTRY_POINT_GROUP = "qnetstack.link_schedulers"


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """What a scheduler knows about a servable request.

    Attributes:
        key: ``(origin, request_id)``.
        seq: The master's sequence number (queueing order).
        priority: The CREATE's priority (larger is more urgent).
        number: Pairs requested.
        deadline_ps: Absolute deadline (0: none).
    """

    key: ItemKey
    seq: int
    priority: int
    number: int
    deadline_ps: int


class Scheduler(Protocol):
    """A scheduling strategy (one instance per link, at the link master)."""

    def add(self, entry: QueueEntry) -> None:
        """``entry`` can be served from now on."""
        ...

    def remove(self, key: ItemKey) -> None:
        """The request ``key`` ended; never select it again."""
        ...

    def select(self) -> ItemKey | None:
        """The request whose next pair should be generated, or ``None`` when none waits."""
        ...

    def served(self, key: ItemKey) -> None:
        """One pair of ``key`` was delivered."""
        ...


SchedulerFactory = Callable[[Mapping[int, float]], Scheduler]
"""Builds a strategy from the per-priority weights of the config."""


class _HeapScheduler:
    """A lazy-deletion heap ordered by :meth:`_rank`."""

    def __init__(self, weights: Mapping[int, float] | None = None) -> None:
        self._heap: list[tuple[tuple[int, ...], ItemKey]] = []
        self._live: set[ItemKey] = set()

    def _rank(self, entry: QueueEntry) -> tuple[int, ...]:
        return (entry.seq,)

    def add(self, entry: QueueEntry) -> None:
        self._live.add(entry.key)
        heapq.heappush(self._heap, (self._rank(entry), entry.key))

    def remove(self, key: ItemKey) -> None:
        self._live.discard(key)

    def select(self) -> ItemKey | None:
        heap = self._heap
        while heap and heap[0][1] not in self._live:
            heapq.heappop(heap)
        return heap[0][1] if heap else None

    def served(self, key: ItemKey) -> None:
        return None


class FcfsScheduler(_HeapScheduler):
    """First come, first served (by the master's sequence number)."""


class PriorityScheduler(_HeapScheduler):
    """Strict priority (larger first), FCFS among equal priorities."""

    def _rank(self, entry: QueueEntry) -> tuple[int, ...]:
        return (-entry.priority, entry.seq)


class WeightedFairScheduler:
    """Weighted fair queueing across priority classes (start-time fair queueing).

    Args:
        weights: Weight per priority; missing priorities weigh 1.0.
    """

    def __init__(self, weights: Mapping[int, float] | None = None) -> None:
        self._weights = dict(weights or {})
        self._classes: dict[int, _HeapScheduler] = {}
        self._priority: dict[ItemKey, int] = {}
        self._finish: dict[int, float] = {}  # class -> virtual finish time of its last pair
        self._virtual = 0.0  # start tag of the last pair served

    def _cost(self, priority: int) -> float:
        return 1.0 / self._weights.get(priority, 1.0)

    def add(self, entry: QueueEntry) -> None:
        klass = self._classes.get(entry.priority)
        if klass is None:
            klass = self._classes[entry.priority] = FcfsScheduler()
        if klass.select() is None:  # the class becomes backlogged: no credit for idle time
            self._finish[entry.priority] = max(self._finish.get(entry.priority, 0.0), self._virtual)
        klass.add(entry)
        self._priority[entry.key] = entry.priority

    def remove(self, key: ItemKey) -> None:
        priority = self._priority.pop(key, None)
        if priority is not None:
            self._classes[priority].remove(key)

    def select(self) -> ItemKey | None:
        best: tuple[float, int] | None = None
        choice: ItemKey | None = None
        for priority, klass in self._classes.items():
            head = klass.select()
            if head is None:
                continue
            rank = (self._finish[priority], -priority)  # ties: higher priority first
            if best is None or rank < best:
                best, choice = rank, head
        return choice

    def served(self, key: ItemKey) -> None:
        priority = self._priority.get(key)
        if priority is None:
            return
        start = self._finish[priority]
        self._virtual = max(self._virtual, start)
        self._finish[priority] = start + self._cost(priority)


SCHEDULERS: dict[str, SchedulerFactory] = {
    "fcfs": FcfsScheduler,
    "priority": PriorityScheduler,
    "weighted-fair": WeightedFairScheduler,
}
"""Built-in strategies by name (third-party ones come from the entry-point group)."""


def _plugin_schedulers() -> dict[str, SchedulerFactory]:
    found: dict[str, SchedulerFactory] = {}
    for ep in entry_points(group=SCHEDULER_ENTRY_POINT_GROUP):
        found[ep.name] = ep.load()
    return found


def available_schedulers() -> list[str]:
    """Names of every strategy: the built-ins and the installed entry points."""
    names = set(SCHEDULERS)
    names.update(ep.name for ep in entry_points(group=SCHEDULER_ENTRY_POINT_GROUP))
    return sorted(names)


def make_scheduler(name: str, weights: Mapping[int, float]) -> Scheduler:
    """A fresh strategy instance by name.

    Raises:
        ValueError: When no strategy has that name.
    """
    factory = SCHEDULERS.get(name)
    if factory is None:
        factory = _plugin_schedulers().get(name)
    if factory is None:
        raise ValueError(f"unknown scheduler {name!r}; available: {available_schedulers()}")
    return factory(weights)
