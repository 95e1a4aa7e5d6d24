"""Structured trace: what happened, when, where, in which layer.

Protocol entities emit :class:`~qnetstack.service.Trace` effects with a kind and a data mapping;
the runtime stamps them into :class:`TraceEvent` values. Tests and teaching tools read these
records, never log text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["TraceEvent", "TraceLog"]


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One stamped trace record.

    Attributes:
        time_ps: Simulation time at which the record was emitted.
        node: Node (or heralding station) whose entity emitted it.
        layer: Layer name of the emitting entity, or ``"runtime"``.
        kind: Machine-readable event kind.
        data: JSON-serialisable details.
    """

    time_ps: int
    node: str
    layer: str
    kind: str
    data: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary."""
        return {
            "time_ps": self.time_ps,
            "node": self.node,
            "layer": self.layer,
            "kind": self.kind,
            "data": dict(self.data),
        }


class TraceLog:
    """Collects trace events when enabled and forwards them to subscribers.

    Recording is off by default for speed; subscribers (metrics, teaching tools) always see
    every event.
    """

    __slots__ = ("_subscribers", "events", "recording")

    def __init__(self, recording: bool = False) -> None:
        self.recording = recording
        self.events: list[TraceEvent] = []
        self._subscribers: list[Callable[[TraceEvent], None]] = []

    def subscribe(self, callback: Callable[[TraceEvent], None]) -> None:
        """Call ``callback`` with every future trace event."""
        self._subscribers.append(callback)

    @property
    def active(self) -> bool:
        """Whether emitting a record has any observer (lets callers skip building records)."""
        return self.recording or bool(self._subscribers)

    def emit(self, event: TraceEvent) -> None:
        """Record and forward one event."""
        if self.recording:
            self.events.append(event)
        for callback in self._subscribers:
            callback(event)

    def of_kind(self, kind: str) -> list[TraceEvent]:
        """Recorded events of one kind, in time order."""
        return [e for e in self.events if e.kind == kind]
