"""Trace events and the trace log."""

from __future__ import annotations

import json

from qnetstack.runtime import TraceEvent, TraceLog


def event(kind: str, t: int = 0) -> TraceEvent:
    return TraceEvent(t, "alice", "link", kind, {"tag": t})


def test_to_json_is_serialisable():
    data = event("ok", 5).to_json()
    assert data == {
        "time_ps": 5,
        "node": "alice",
        "layer": "link",
        "kind": "ok",
        "data": {"tag": 5},
    }
    json.dumps(data)


def test_log_records_and_filters():
    log = TraceLog(recording=True)
    assert log.active
    for i, kind in enumerate(["a", "b", "a"]):
        log.emit(event(kind, i))
    assert [e.time_ps for e in log.of_kind("a")] == [0, 2]
    assert len(log.events) == 3


def test_log_off_keeps_nothing_but_feeds_subscribers():
    log = TraceLog()
    assert not log.active
    log.emit(event("a"))
    seen = []
    log.subscribe(seen.append)
    assert log.active
    log.emit(event("b"))
    assert log.events == []
    assert [e.kind for e in seen] == ["b"]
