"""The app host: several apps as one app-layer entity, each reached by what it owns."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

import pytest

from qnetstack.apps.host import AppHost, HostMessage
from qnetstack.network.fake import FakeNetworkLayer
from qnetstack.runtime import Runtime
from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
)


@dataclass(frozen=True, slots=True)
class Ask(Primitive):
    app: str
    text: str


@dataclass(frozen=True, slots=True)
class Said(Primitive):
    app: str
    text: str


@dataclass(frozen=True, slots=True)
class Hello(PeerMessage):
    text: str


class Echo:
    """An app that owns the Asks addressed to it: it greets the peer, which answers by
    indicating; everything else passes through. A timer of key 'tick' indicates 'tick'."""

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, name: str, peer: str) -> None:
        self.name, self.peer = name, peer

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        if isinstance(primitive, Ask) and primitive.app == self.name:
            return [SendPeer(self.peer, Hello(primitive.text)), StartTimer("tick", 5)]
        return [SendDown(primitive)]

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return [Indicate(primitive)]

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        assert isinstance(pdu, Hello)
        return [Indicate(Said(self.name, f"{pdu.text} from {src}")), CancelTimer("tick")]

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        assert key == "tick"
        return [Indicate(Said(self.name, "tick"))]


def _host(node: str, peer: str) -> AppHost:
    return AppHost([("first", Echo("first", peer)), ("second", Echo("second", peer))])


def test_requests_reach_the_app_that_owns_them_and_the_rest_leaves_downwards() -> None:
    host = _host("a", "b")
    assert host.from_above(Ask("second", "hi"), 0) == [
        SendPeer("b", HostMessage("second", Hello("hi"))),
        StartTimer(("second", "tick"), 5),
    ]
    assert host.from_above(Ask("third", "x"), 0) == [SendDown(Ask("third", "x"))]
    assert host.from_below(Said("net", "ok"), 0) == [Indicate(Said("net", "ok"))]


def test_peer_messages_and_timers_go_to_the_app_of_the_same_name() -> None:
    host = _host("b", "a")
    effects = host.from_peer("a", HostMessage("first", Hello("hi")), 0)
    assert effects == [Indicate(Said("first", "hi from a")), CancelTimer(("first", "tick"))]
    assert host.on_timer(("second", "tick"), 0) == [Indicate(Said("second", "tick"))]
    (drop,) = host.from_peer("a", HostMessage("third", Hello("?")), 0)
    assert drop.record.kind == "app-host-drop"  # type: ignore[union-attr]
    assert drop.record.data["hosted"] == ["first", "second"]  # type: ignore[union-attr]


def test_two_hosts_talk_over_a_channel() -> None:
    runtime = Runtime(1)
    seen: list[tuple[str, Primitive]] = []
    for name, peer in (("a", "b"), ("b", "a")):
        node = runtime.add_node(name)
        node.add(FakeNetworkLayer(name))
        node.add(_host(name, peer))
        node.top_handler = lambda n, p, t: seen.append((n, p))
    runtime.connect("a", "b", 1000)
    runtime.request("a", Ask("second", "hi"), LayerName.APP)
    runtime.run()
    assert seen == [("a", Said("second", "tick")), ("b", Said("second", "hi from a"))]


def test_a_timer_that_names_no_hosted_app_is_a_local_error() -> None:
    with pytest.raises(LocalProtocolError, match="names no hosted app"):
        _host("a", "b").on_timer(("third", "tick"), 0)


@pytest.mark.parametrize(
    ("apps", "message"),
    [
        ([], "at least one app"),
        ([("x", Echo("x", "b")), ("x", Echo("x", "b"))], "unique"),
        ([("net", FakeNetworkLayer("a"))], "network-layer entity"),
    ],
)
def test_a_host_refuses_bad_app_lists(apps: list[tuple[str, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AppHost(apps)  # type: ignore[arg-type]
