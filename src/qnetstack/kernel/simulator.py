"""The discrete-event kernel: an integer-picosecond clock and an event heap.

Theory of operation
-------------------
The kernel knows nothing about quantum networks. It keeps a binary heap of pending events,
each a small list ``[time_ps, priority, seq, callback]``. Lists (not objects) keep the hot
loop close to a bare ``heapq`` loop: scheduling costs one list literal and one ``heappush``.

* Time is an ``int`` number of picoseconds. Integer time makes ordering exact and makes runs
  reproducible across machines (no floating-point drift in ``now``).
* Ties are broken first by priority (:data:`URGENT` before :data:`NORMAL`), then FIFO by a
  monotonically increasing sequence number, so two events at the same instant run in the order
  they were scheduled.
* Cancelling an event does not search the heap: it blanks the callback slot of the entry
  (lazy deletion), and the run loop skips blank entries when they surface.

The model is SimPy's ``Environment`` (one small class with ``schedule``, ``step``, ``run`` and
``now``), without generators: protocol code is sans-I/O and is driven by the runtime, so the
kernel only needs plain callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from itertools import count
from typing import Any, Final, TypeAlias

__all__ = ["NORMAL", "URGENT", "EventHandle", "SimulationError", "Simulator"]

URGENT: Final = 0
"""Priority of events that must run before ordinary events at the same instant."""
NORMAL: Final = 1
"""Default priority."""

_TIME: Final = 0
_CALLBACK: Final = 3


class SimulationError(RuntimeError):
    """Raised for misuse of the kernel (scheduling in the past, a non-integer time)."""


class _StopSimulationSignal(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by the stop event to leave :meth:`Simulator.run` (SimPy's approach: no per-event
    flag check in the hot loop)."""


def _raise_stop() -> None:
    raise _StopSimulationSignal


EventHandle: TypeAlias = list[Any]
"""An opaque, cancellable reference to a scheduled event (pass it to :meth:`Simulator.cancel`).

It is the heap entry itself: wrapping it in an object would cost an allocation per event on the
hottest path of every simulation. Treat it as opaque.
"""


class Simulator:
    """A discrete-event simulator with an integer-picosecond clock.

    Example:
        >>> sim = Simulator()
        >>> fired = []
        >>> _ = sim.schedule(5, lambda: fired.append(sim.now_ps))
        >>> sim.run()
        1
        >>> fired
        [5]
    """

    __slots__ = ("_events_processed", "_heap", "_now_ps", "_seq")

    def __init__(self, start_ps: int = 0) -> None:
        if type(start_ps) is not int or start_ps < 0:
            raise SimulationError(f"start_ps must be a non-negative int, got {start_ps!r}")
        self._now_ps: int = start_ps
        self._heap: list[list[Any]] = []
        self._seq = count()
        self._events_processed = 0

    @property
    def now_ps(self) -> int:
        """The current simulation time in picoseconds."""
        return self._now_ps

    @property
    def events_processed(self) -> int:
        """How many events have fired since the simulator was created (cancelled ones excluded)."""
        return self._events_processed

    @property
    def pending_events(self) -> int:
        """Entries still on the heap, including cancelled ones not yet skipped."""
        return len(self._heap)

    def peek_ps(self) -> int | None:
        """Time of the next live event, or ``None`` if nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][_CALLBACK] is None:
            heappop(heap)
        return heap[0][_TIME] if heap else None

    def schedule(
        self, delay_ps: int, callback: Callable[[], object], priority: int = NORMAL
    ) -> EventHandle:
        """Schedule ``callback()`` to run ``delay_ps`` picoseconds from now.

        Args:
            delay_ps: Non-negative integer delay.
            callback: Called with no arguments when the event fires.
            priority: :data:`URGENT` or :data:`NORMAL`; breaks ties at equal times.

        Raises:
            SimulationError: If the delay is negative or not an ``int``.
        """
        if type(delay_ps) is not int or delay_ps < 0:
            raise SimulationError(f"delay_ps must be a non-negative int, got {delay_ps!r}")
        entry = [self._now_ps + delay_ps, priority, next(self._seq), callback]
        heappush(self._heap, entry)
        return entry

    def schedule_at(
        self, time_ps: int, callback: Callable[[], object], priority: int = NORMAL
    ) -> EventHandle:
        """Schedule ``callback()`` at the absolute time ``time_ps`` (not in the past)."""
        if type(time_ps) is not int or time_ps < self._now_ps:
            raise SimulationError(
                f"time_ps must be an int not before now ({self._now_ps} ps), got {time_ps!r}"
            )
        entry = [time_ps, priority, next(self._seq), callback]
        heappush(self._heap, entry)
        return entry

    def call_soon(self, callback: Callable[[], object]) -> None:
        """Run ``callback()`` at the current instant, after events already due now.

        This is the fast path used by the runtime: no handle is created.
        """
        heappush(self._heap, [self._now_ps, NORMAL, next(self._seq), callback])

    def call_later(self, delay_ps: int, callback: Callable[[], object]) -> None:
        """Like :meth:`schedule` but returns no handle; for events that are never cancelled."""
        if type(delay_ps) is not int or delay_ps < 0:
            raise SimulationError(f"delay_ps must be a non-negative int, got {delay_ps!r}")
        heappush(self._heap, [self._now_ps + delay_ps, NORMAL, next(self._seq), callback])

    def stop(self) -> None:
        """Make the current :meth:`run` return before any later event.

        The stop takes effect after the event that called it (and any urgent events already
        due now); the clock stays at the current time. Pending events stay scheduled, so a
        later :meth:`run` continues where this one stopped.
        """
        heappush(self._heap, [self._now_ps, URGENT, next(self._seq), _raise_stop])

    @staticmethod
    def cancel(handle: EventHandle) -> bool:
        """Cancel a scheduled event. Returns ``True`` if it was still pending.

        Cancelling is O(1): the entry stays on the heap with a blank callback and is skipped
        when it surfaces.
        """
        was_pending = handle[_CALLBACK] is not None
        handle[_CALLBACK] = None
        return was_pending

    @staticmethod
    def is_pending(handle: EventHandle) -> bool:
        """``True`` while the event has neither fired nor been cancelled."""
        return handle[_CALLBACK] is not None

    @staticmethod
    def fire_time_ps(handle: EventHandle) -> int:
        """The instant at which the event fires (or would have fired)."""
        t: int = handle[_TIME]
        return t

    def step(self) -> bool:
        """Fire the next live event. Returns ``False`` when no event is left."""
        heap = self._heap
        while heap:
            entry = heappop(heap)
            callback = entry[_CALLBACK]
            if callback is None or callback is _raise_stop:
                continue
            entry[_CALLBACK] = None
            self._now_ps = entry[_TIME]
            self._events_processed += 1
            callback()
            return True
        return False

    def run(self, until_ps: int | None = None, max_events: int | None = None) -> int:
        """Fire events in time order.

        Args:
            until_ps: Stop before the first event later than this time; the clock is then
                advanced to ``until_ps``. ``None`` runs until the heap is empty.
            max_events: Stop after this many events have fired in this call.

        Returns:
            The number of events fired by this call.
        """
        if until_ps is not None and (type(until_ps) is not int or until_ps < self._now_ps):
            raise SimulationError(
                f"until_ps must be an int not before now ({self._now_ps} ps), got {until_ps!r}"
            )
        if max_events is not None and max_events < 0:
            raise SimulationError(f"max_events must be >= 0, got {max_events!r}")
        heap = self._heap
        pop = heappop
        fired = 0
        limit = -1 if max_events is None else max_events
        horizon = until_ps
        stopped = False
        try:
            if horizon is None and limit < 0:
                # The common case gets the tightest loop: no horizon or count checks.
                while heap:
                    entry = pop(heap)
                    callback = entry[3]
                    if callback is None:
                        continue
                    entry[3] = None
                    self._now_ps = entry[0]
                    fired += 1
                    callback()
            else:
                while heap and fired != limit:
                    entry = pop(heap)
                    if horizon is not None and entry[0] > horizon:
                        heappush(heap, entry)  # not due yet: put it back (once per run call)
                        break
                    callback = entry[3]
                    if callback is None:
                        continue
                    entry[3] = None
                    self._now_ps = entry[0]
                    fired += 1
                    callback()
        except _StopSimulationSignal:
            fired -= 1  # the stop event itself is not a model event
            stopped = True
        finally:
            self._events_processed += fired
        if stopped:
            return fired
        if horizon is not None and fired != limit and self._now_ps < horizon:
            nxt = self.peek_ps()
            if nxt is None or nxt > horizon:
                self._now_ps = horizon
        return fired
