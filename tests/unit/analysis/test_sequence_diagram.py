"""The mermaid sequence-diagram builder on small synthetic traces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qnetstack.analysis.sequence import (
    events_to_json,
    limit_steps,
    select_events,
    sequence_diagram,
    station_ends,
)
from qnetstack.runtime.trace import TraceEvent


def ev(time_ps: int, node: str, kind: str, layer: str = "network", **data: Any) -> TraceEvent:
    return TraceEvent(time_ps, node, layer, kind, data)


STATION = "station:a-b"


def attempts(n: int, start_ps: int = 0, tag: int = 7) -> list[TraceEvent]:
    return [
        ev(start_ps + i * 1000, STATION, "attempt", "physical", tag=tag, attempt=i + 1,
           success=i == n - 1)
        for i in range(n)
    ]  # fmt: skip


def herald(time_ps: int, tag: int = 7, attempts: int = 3) -> TraceEvent:
    return ev(time_ps, STATION, "herald", "physical", tag=tag, pair_id=0, bell_index=1,
              attempts=attempts)  # fmt: skip


def test_header_participants_and_station_between_its_nodes() -> None:
    create = ev(0, "a", "egp-create", "link", origin="a", request_id=0, number=2)
    text = sequence_diagram([create, herald(5_000), ev(6_000, "b", "out-of-memory", remote="a")])
    lines = text.splitlines()
    assert lines[0] == "sequenceDiagram"
    assert lines[1:4] == [
        "    participant a as a",
        "    participant station_a_b as station:a-b",
        "    participant b as b",
    ]
    assert "    a-)a: [0.000 µs] CREATE r0: 2 pairs" in lines


def test_a_run_of_attempts_is_one_note_followed_by_herald_arrows_to_both_ends() -> None:
    events = [*attempts(3), herald(2_000)]
    lines = sequence_diagram(events).splitlines()
    body = lines[4:]
    assert body == [
        "    Note over station_a_b: 3 attempts (0.000–0.002 µs), the last one heralded",
        "    station_a_b-)a: [0.002 µs] herald: pair 0 in Ψ⁺ after 3 attempts",
        "    station_a_b-)b: [0.002 µs] herald: pair 0 in Ψ⁺ after 3 attempts",
    ]


def test_unfinished_attempt_run_is_flushed_at_the_end() -> None:
    events = attempts(5)[:4]
    assert sequence_diagram(events).splitlines()[-1].endswith("4 attempts (0.000–0.003 µs)")


def test_swap_record_and_tail_delivery_use_fields_of_the_record() -> None:
    path = ["a", "r", "b"]
    events = [
        ev(0, "a", "qnp-setup", head="a", request_id=0, path=path, number=1, hop_fidelity=0.9,
           deadline_ps=0),
        ev(10, "r", "qnp-install", head="a", request_id=0, index=1, tail=False),
        ev(20, "b", "qnp-install", head="a", request_id=0, index=2, tail=True),
        ev(30, "r", "qnp-swap", head="a", request_id=0, left=["a", 0, 0], right=["r", 0, 0],
           span=[0, 2]),
        ev(40, "r", "qnp-record", head="a", request_id=0, outcome=2, to="b"),
        ev(50, "b", "qnp-deliver", head="a", request_id=0, sequence=0, bell_index=0,
           goodness=0.81, slot=0),
        ev(60, "a", "qnp-deliver", head="a", request_id=0, sequence=0, bell_index=0, slot=1),
        ev(70, "r", "lost", "runtime", dst="b", pdu="QnpSwapRecord"),
    ]  # fmt: skip
    body = sequence_diagram(events).splitlines()[4:]
    assert body == [
        "    Note over a: [0.000 µs] circuit a/r0: 1 pair over a → r → b",
        "    a-)r: [0.000 µs] SETUP a/r0",
        "    r-)b: [0.000 µs] SETUP a/r0 (tail)",
        "    Note over r: [0.000 µs] swap a/r0/0 × r/r0/0",
        "    r-)b: [0.000 µs] swap record (outcome 2)",
        "    b-)a: [0.000 µs] deliver pair 0 of a/r0 as Φ⁺, goodness 0.8100",
        "    Note over a: [0.000 µs] deliver pair 0 of a/r0 as Φ⁺",
        "    r-xb: [0.000 µs] QnpSwapRecord lost",
    ]


def test_install_without_a_known_path_is_a_note_not_an_invented_arrow() -> None:
    body = sequence_diagram([ev(0, "r", "qnp-install", head="a", request_id=0, index=1,
                                tail=False)]).splitlines()[2:]  # fmt: skip
    assert body == ["    Note over r: [0.000 µs] installed circuit a/r0"]


def test_unknown_kind_falls_back_to_kind_and_data_and_labels_are_mermaid_safe() -> None:
    text = sequence_diagram([ev(1_000_000, "a", "new-thing", x="1;2", y="#3")])
    assert "Note over a: [1.000 µs] new-thing: x=1,2, y=no. 3" in text
    body = text.split("\n", 2)[2]
    assert ";" not in body
    assert "#" not in body


def test_truncated_note_spans_the_participants() -> None:
    text = sequence_diagram([herald(0)], truncated=True, truncated_note="… cut")
    assert text.splitlines()[-1] == "    Note over a,b: … cut"


def test_limit_counts_a_run_of_attempts_as_one_step() -> None:
    events = [*attempts(4), herald(3_000), ev(4_000, "a", "x"), ev(5_000, "a", "y")]
    kept, truncated = limit_steps(events, 2)
    assert kept == events[:5]
    assert truncated
    assert limit_steps(events, 4) == (events, False)
    with pytest.raises(ValueError, match="max_steps"):
        limit_steps(events, 0)


def test_select_by_node_keeps_the_stations_of_that_node() -> None:
    events = [herald(0), ev(1, "c", "x"), ev(2, "a", "y")]
    assert select_events(events, nodes=["a"]) == [events[0], events[2]]
    assert select_events(events, kinds=["x", "y"]) == events[1:]


def test_station_ends_with_dashes_in_node_names() -> None:
    assert station_ends("station:n-1-n-2", ["n-1", "n-2"]) == ("n-1", "n-2")
    assert station_ends("station:a-b") == ("a", "b")
    assert station_ends("station:x-y-z") is None
    assert station_ends("alice") is None


def test_json_has_stable_key_order_and_both_time_units() -> None:
    [row] = events_to_json([ev(1_500_000, "a", "k", z=1, b=2)])
    assert list(row) == ["time_ps", "time_s", "node", "layer", "kind", "data"]
    assert row["time_s"] == pytest.approx(1.5e-6)
    assert list(row["data"]) == ["b", "z"]
    assert json.loads(json.dumps(row)) == row
