"""qnetstack.testing: the harness drives entities with the runtime's dispatch, the fake
distribution registers entry points, and the package exports a Fake for every lower layer."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar

import pytest

from qnetstack.network.primitives import NetworkCreateRequest
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    PeerMessage,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)
from qnetstack.testing import FakeNetworkLayer, Harness, HarnessError, fake_distribution


@dataclass(frozen=True, slots=True)
class Ping(PeerMessage):
    hops_left: int


@dataclass(frozen=True, slots=True)
class Start(Primitive):
    hops: int


@dataclass(frozen=True, slots=True)
class Done(Primitive):
    node: str


class PingPong:
    """Bounces a ping ``hops`` times, then indicates Done; asks its network layer once."""

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, name: str, peer: str, *, forever: bool = False) -> None:
        self.name, self.peer, self.forever = name, peer, forever

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        assert isinstance(primitive, Start)
        if self.forever:
            return [StartTimer("tick", 1)]
        create = NetworkCreateRequest(0, self.peer, 1)
        return [SendDown(create), SendPeer(self.peer, Ping(primitive.hops))]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        assert isinstance(pdu, Ping)
        trace = Trace(TraceRecord("ping", {"left": pdu.hops_left}))
        if pdu.hops_left == 0:
            return [trace, Indicate(Done(self.name))]
        return [trace, SendPeer(src, Ping(pdu.hops_left - 1))]

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return [StartTimer(key, 1)] if self.forever else []


def pair(**kwargs: object) -> Harness:
    return Harness(
        {
            "a": [FakeNetworkLayer("a"), PingPong("a", "b")],
            "b": [FakeNetworkLayer("b"), PingPong("b", "a")],
        },
        **kwargs,  # type: ignore[arg-type]
    )


def test_pdus_go_fifo_over_zero_delay_channels_and_indications_are_recorded() -> None:
    harness = pair()
    harness.request("a", Start(3))
    harness.run()
    assert [e.data["left"] for e in harness.traces("ping")] == [3, 2, 1, 0]
    assert [e.node for e in harness.traces("ping")] == ["b", "a", "b", "a"]
    assert harness.indications("a", Done) == [Done("a")]
    assert harness.now_ps == 0
    network = harness.entity("a", LayerName.NETWORK)
    assert network.requests == [NetworkCreateRequest(0, "b", 1)]


def test_channel_delay_and_injected_indications() -> None:
    harness = pair(delay_ps=10)
    harness.request("a", Start(1))
    harness.inject("b", Done("from-below"), LayerName.NETWORK)
    harness.run()
    assert harness.now_ps == 20
    assert harness.indications("b") == [Done("from-below")]


def test_a_run_that_never_settles_is_an_error() -> None:
    harness = Harness({"a": [PingPong("a", "b", forever=True)]})
    harness.request("a", Start(0))
    with pytest.raises(HarnessError, match="still busy after 50 events"):
        harness.run(max_events=50)
    assert harness.pending_timers() == [("a", "app", "tick")]


def test_a_fake_distribution_registers_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = "qnetstack.test-group"
    monkeypatch.syspath_prepend(
        str(fake_distribution(tmp_path, "demo-pkg", {group: {"x": "json:dumps"}}))
    )
    (point,) = entry_points(group=group)
    assert (point.name, point.value) == ("x", "json:dumps")
    import json

    assert point.load() is json.dumps
