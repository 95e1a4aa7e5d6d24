"""The runtime: effect dispatch between layers, peers over channels, timers, wiring errors."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

import pytest

from qnetstack.runtime import Node, Runtime, WiringError
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
    TraceRecord,
)


@dataclass(frozen=True, slots=True)
class Note(Primitive):
    text: str


@dataclass(frozen=True, slots=True)
class Ping(PeerMessage):
    n: int


class Scripted:
    """An entity that logs every input and answers from a script keyed by the input."""

    layer: ClassVar[LayerName]

    def __init__(self, name: str, log: list, script: dict | None = None) -> None:
        self.name = name
        self.log = log
        self.script = script or {}

    def _answer(self, entry: str, what: object, now_ps: int) -> list[Effect]:
        self.log.append((self.name, entry, what, now_ps))
        return list(self.script.get((entry, what), []))

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return self._answer("above", primitive, now_ps)

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return self._answer("below", primitive, now_ps)

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        return self._answer(f"peer:{src}", pdu, now_ps)

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        return self._answer("timer", key, now_ps)


class Phys(Scripted):
    layer = LayerName.PHYSICAL


class Link(Scripted):
    layer = LayerName.LINK


class Net(Scripted):
    layer = LayerName.NETWORK


def trace(kind: str) -> Trace:
    return Trace(TraceRecord(kind, {"k": kind}))


@pytest.fixture
def log():
    return []


def test_entities_satisfy_the_layer_protocol(log):
    assert isinstance(Phys("n", log), Layer)


def test_effects_run_in_order_depth_first(log):
    rt = Runtime(trace=True)
    node = rt.add_node("a")
    node.add(Phys("phys", log, {("above", Note("x")): [trace("phys-x"), Indicate(Note("up"))]}))
    node.add(
        Link(
            "link",
            log,
            {
                ("above", Note("go")): [trace("before"), SendDown(Note("x")), trace("after")],
                ("below", Note("up")): [trace("link-up")],
            },
        )
    )
    rt.request("a", Note("go"))
    assert [e.kind for e in rt.trace.events] == ["before", "phys-x", "link-up", "after"]
    assert [(e.node, e.layer, e.time_ps) for e in rt.trace.events][:2] == [
        ("a", "link", 0),
        ("a", "physical", 0),
    ]
    assert rt.trace.events[0].data == {"k": "before"}
    assert [entry[:3] for entry in log] == [
        ("link", "above", Note("go")),
        ("phys", "above", Note("x")),
        ("link", "below", Note("up")),
    ]


def test_indicate_from_the_top_reaches_the_top_handler(log):
    rt = Runtime()
    node = rt.add_node("a")
    node.add(Phys("phys", log, {("above", Note("x")): [Indicate(Note("up"))]}))
    node.add(Link("link", log, {("below", Note("up")): [Indicate(Note("to-app"))]}))
    got = []
    node.top_handler = lambda n, p, t: got.append((n, p, t))
    rt.request("a", Note("x"), LayerName.PHYSICAL)
    assert got == [("a", Note("to-app"), 0)]


def test_indicate_from_the_top_without_handler_is_dropped(log):
    rt = Runtime()
    rt.add_node("a").add(Phys("phys", log, {("above", Note("x")): [Indicate(Note("up"))]}))
    rt.request("a", Note("x"))
    assert len(log) == 1


def test_send_down_below_the_bottom_is_a_wiring_error(log):
    rt = Runtime()
    rt.add_node("a").add(Phys("phys", log, {("above", Note("x")): [SendDown(Note("y"))]}))
    with pytest.raises(WiringError, match="below the bottom"):
        rt.request("a", Note("x"))


def test_unknown_effect_is_a_wiring_error(log):
    rt = Runtime()
    rt.add_node("a").add(Phys("phys", log, {("above", Note("x")): ["not an effect"]}))
    with pytest.raises(WiringError, match="unknown effect"):
        rt.request("a", Note("x"))


def two_nodes(log, script_a=None, script_b=None, delay_ps=1_234, loss=0.0, seed=0):
    rt = Runtime(seed, trace=True)
    rt.add_node("a").add(Link("a", log, script_a))
    rt.add_node("b").add(Link("b", log, script_b))
    rt.connect("a", "b", delay_ps, loss)
    return rt


def test_send_peer_arrives_after_the_channel_delay(log):
    rt = two_nodes(log, {("above", Note("go")): [SendPeer("b", Ping(1))]})
    rt.sim.run(until_ps=100)
    rt.request("a", Note("go"))
    assert rt.run() == 1
    assert log[-1] == ("b", "peer:a", Ping(1), 100 + 1_234)
    channel = rt.channels[("a", "b")]
    assert (channel.sent, channel.lost) == (1, 0)


def test_send_peer_reaches_the_same_layer(log):
    rt = Runtime()
    for name in ("a", "b"):
        node = rt.add_node(name)
        node.add(Phys(f"{name}-phys", log))
        node.add(Link(f"{name}-link", log, {("above", Note("go")): [SendPeer("b", Ping(2))]}))
    rt.connect("a", "b", 5)
    rt.request("a", Note("go"))
    rt.run()
    assert log[-1] == ("b-link", "peer:a", Ping(2), 5)


def test_send_peer_without_channel_is_a_wiring_error(log):
    rt = Runtime()
    rt.add_node("a").add(Link("a", log, {("above", Note("go")): [SendPeer("c", Ping(1))]}))
    rt.add_node("c").add(Link("c", log))
    with pytest.raises(WiringError, match="no classical channel"):
        rt.request("a", Note("go"))


def lossy_pattern(seed: int, n: int = 400) -> list[int]:
    log: list = []
    script = {("above", Note(str(i))): [SendPeer("b", Ping(i))] for i in range(n)}
    rt = two_nodes(log, script, loss=0.3, seed=seed)
    for i in range(n):
        rt.request("a", Note(str(i)))
    rt.run()
    received = [pdu.n for (who, entry, pdu, _) in log if who == "b"]
    channel = rt.channels[("a", "b")]
    assert channel.sent == n
    assert channel.lost == n - len(received)
    assert len(rt.trace.of_kind("lost")) == channel.lost
    return received


def test_lossy_channel_drops_reproducibly_with_the_seed():
    first = lossy_pattern(seed=5)
    assert first == lossy_pattern(seed=5)
    assert first != lossy_pattern(seed=6)
    n, p = 400, 0.3
    lost = n - len(first)
    sigma = (n * p * (1 - p)) ** 0.5
    assert abs(lost - n * p) < 4 * sigma


def test_start_timer_fires_after_its_delay(log):
    rt = two_nodes(log, {("above", Note("t")): [StartTimer("k", 500)]})
    rt.request("a", Note("t"))
    assert rt.pending_timers() == [("a", "link", "k")]
    rt.run()
    assert log[-1] == ("a", "timer", "k", 500)
    assert rt.pending_timers() == []


def test_start_timer_replaces_a_running_timer(log):
    rt = two_nodes(log, {("above", Note("t")): [StartTimer("k", 500)]})
    rt.request("a", Note("t"))
    rt.sim.run(until_ps=300)
    rt.request("a", Note("t"))  # restart: due at 800 now, once
    rt.run()
    fired = [entry for entry in log if entry[1] == "timer"]
    assert fired == [("a", "timer", "k", 800)]


def test_timers_are_per_node_layer_and_key(log):
    script = {("above", Note("t")): [StartTimer("k", 10), StartTimer(("x", 1), 20)]}
    rt = two_nodes(log, script, script)
    rt.request("a", Note("t"))
    rt.request("b", Note("t"))
    assert sorted(rt.pending_timers(), key=str) == sorted(
        [("a", "link", "k"), ("a", "link", ("x", 1)), ("b", "link", "k"), ("b", "link", ("x", 1))],
        key=str,
    )
    assert rt.pending_timers("b") == [("b", "link", "k"), ("b", "link", ("x", 1))]
    rt.run()
    assert len([e for e in log if e[1] == "timer"]) == 4


def test_cancel_timer(log):
    script = {
        ("above", Note("t")): [StartTimer("k", 500)],
        ("above", Note("c")): [CancelTimer("k"), CancelTimer("never-started")],
    }
    rt = two_nodes(log, script)
    rt.request("a", Note("t"))
    rt.request("a", Note("c"))
    assert rt.pending_timers() == []
    rt.run()
    assert [e for e in log if e[1] == "timer"] == []


def test_timer_can_restart_itself_from_its_handler(log):
    script = {("above", Note("t")): [StartTimer("k", 5)], ("timer", "k"): [StartTimer("k", 5)]}
    rt = two_nodes(log, script)
    rt.request("a", Note("t"))
    rt.run(until_ps=22)
    assert [e[3] for e in log if e[1] == "timer"] == [5, 10, 15, 20]
    assert rt.pending_timers() == [("a", "link", "k")]


def test_request_at(log):
    rt = two_nodes(log)
    rt.request_at(70, "a", Note("late"))
    rt.run()
    assert log == [("a", "above", Note("late"), 70)]
    assert rt.now_ps == 70


def test_trace_records_only_when_asked_but_subscribers_see_all(log):
    rt = Runtime()
    rt.add_node("a").add(Phys("p", log, {("above", Note("x")): [trace("one")]}))
    rt.request("a", Note("x"))
    assert rt.trace.events == []
    seen = []
    rt.trace.subscribe(seen.append)
    rt.request("a", Note("x"))
    assert [e.kind for e in seen] == ["one"]
    assert rt.trace.events == []


def test_node_stacks_bottom_to_top(log):
    node = Node("a")
    with pytest.raises(WiringError, match="has no layers"):
        _ = node.top
    node.add(Link("l", log))
    with pytest.raises(WiringError, match="bottom to top"):
        node.add(Phys("p", log))
    with pytest.raises(WiringError, match="already has a link layer"):
        node.add(Link("l2", log))
    node.add(Net("n", log))
    assert node.top.layer is LayerName.NETWORK
    assert node.index_of(LayerName.NETWORK) == 1
    assert node.entity(LayerName.LINK).layer is LayerName.LINK
    with pytest.raises(WiringError, match="no physical layer"):
        node.entity(LayerName.PHYSICAL)
    with pytest.raises(WiringError, match="no physical layer"):
        node.index_of(LayerName.PHYSICAL)


def test_runtime_wiring_errors():
    rt = Runtime()
    rt.add_node("a")
    with pytest.raises(WiringError, match="already exists"):
        rt.add_node("a")
    with pytest.raises(WiringError, match="unknown node 'zed'"):
        rt.node("zed")
    with pytest.raises(WiringError, match="unknown node"):
        rt.connect("a", "zed", 1)
    with pytest.raises(WiringError, match="unknown node"):
        rt.request("zed", Note("x"))


def test_rng_streams_are_unique_per_name():
    rt = Runtime(seed=4)
    first = rt.rng("a/link").random()
    assert first == Runtime(seed=4).rng("a/link").random()
    with pytest.raises(ValueError, match="already issued"):
        rt.rng("a/link")


def test_messages_to_non_neighbours_use_the_multi_hop_delay():
    from qnetstack.runtime import Runtime, WiringError
    from qnetstack.service import LayerName, PeerMessage, SendPeer

    class Note(PeerMessage):
        pass

    class Talker:
        layer = LayerName.LINK

        def __init__(self):
            self.got = []

        def from_above(self, primitive, now_ps):
            return [SendPeer("c", Note())]

        def from_below(self, primitive, now_ps):
            return []

        def from_peer(self, src, pdu, now_ps):
            self.got.append((src, now_ps))
            return []

        def on_timer(self, key, now_ps):
            return []

    runtime = Runtime()
    talkers = {}
    for name in ("a", "c"):
        talkers[name] = Talker()
        runtime.add_node(name).add(talkers[name])
    with pytest.raises(WiringError, match="no classical channel"):
        runtime.request("a", object())
    runtime.multi_hop_delay_ps = lambda src, dst: 777
    runtime.request("a", object())
    runtime.run()
    assert talkers["c"].got == [("a", 777)]
