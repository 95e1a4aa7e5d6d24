"""Several applications on one node: the app host, a small stack of apps inside the app layer.

Theory of operation
-------------------
The runtime gives each node one entity per layer, but a node may run QKD sessions, send
qubits and join GHZ states at once — three apps. :class:`AppHost` is that one entity of the
app layer: it holds app entities, top first, and runs them as a sub-stack:

* a request from above goes to the first app; what an app sends down goes to the next app's
  ``from_above``; what the last app sends down leaves the host downwards;
* an indication from below goes to the last app; what an app indicates goes to the app above
  it; what the first app indicates leaves the host upwards.

Every app passes through what it does not own (the app-layer contract), so each primitive
reaches its app wherever that app sits, and an app written for a node of its own runs in a host
unchanged. Peer PDUs travel wrapped in :class:`HostMessage`, naming the app that sent them, and
are delivered to the app of the same name at the peer's host; a PDU for an app the peer does not
host is dropped with a trace record (both ends must host an app to use it). Timer keys are
wrapped as ``(app name, key)``, so apps cannot collide on them.

The host adds no delay and no state beyond the apps'; its effects are the apps' effects in the
order they produced them (depth first, as the runtime would run separate layers).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from qnetstack.service import (
    CancelTimer,
    Effect,
    Indicate,
    Layer,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    Primitive,
    SendDown,
    SendPeer,
    StartTimer,
    Trace,
    TraceRecord,
)

__all__ = ["AppHost", "HostMessage"]


@dataclass(frozen=True, slots=True)
class HostMessage(PeerMessage):
    """A hosted app's PDU on its way to the app of the same name at the peer's host."""

    app: str
    pdu: PeerMessage


class AppHost:
    """The app layer of one node as an ordered stack of named app entities (top first).

    Args:
        apps: ``(name, entity)`` pairs, top first; names are unique and equal at every node
            (they address peer PDUs). Every entity is an app-layer entity.

    Raises:
        ValueError: No apps, a duplicate name, or an entity of another layer.
    """

    layer: ClassVar[LayerName] = LayerName.APP

    def __init__(self, apps: Sequence[tuple[str, Layer]]) -> None:
        if not apps:
            raise ValueError("an app host needs at least one app")
        names = [name for name, _ in apps]
        if len(set(names)) != len(names):
            raise ValueError(f"app names must be unique, got {names}")
        for name, entity in apps:
            if entity.layer is not LayerName.APP:
                raise ValueError(f"app {name!r} is a {entity.layer.value}-layer entity")
        self.names: tuple[str, ...] = tuple(names)
        self.apps: tuple[Layer, ...] = tuple(entity for _, entity in apps)
        self._index = {name: i for i, name in enumerate(names)}

    def app(self, name: str) -> Layer:
        """The hosted app called ``name``."""
        return self.apps[self._index[name]]

    # --- the layer contract -------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        return self._run(0, self.apps[0].from_above(primitive, now_ps), now_ps)

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        last = len(self.apps) - 1
        return self._run(last, self.apps[last].from_below(primitive, now_ps), now_ps)

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        if not isinstance(pdu, HostMessage) or pdu.app not in self._index:
            app = pdu.app if isinstance(pdu, HostMessage) else type(pdu).__name__
            data = {"src": src, "app": app, "hosted": list(self.names)}
            return [Trace(TraceRecord("app-host-drop", data))]
        i = self._index[pdu.app]
        return self._run(i, self.apps[i].from_peer(src, pdu.pdu, now_ps), now_ps)

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] in self._index):
            raise LocalProtocolError(f"app host: timer {key!r} names no hosted app")
        i = self._index[key[0]]
        return self._run(i, self.apps[i].on_timer(key[1], now_ps), now_ps)

    # --- the sub-stack --------------------------------------------------------------------------

    def _run(self, i: int, effects: list[Effect], now_ps: int) -> list[Effect]:
        """Carry out app ``i``'s effects inside the host; return those that leave it."""
        out: list[Effect] = []
        name = self.names[i]
        for effect in effects:
            if isinstance(effect, SendDown):
                if i + 1 < len(self.apps):
                    below = self.apps[i + 1].from_above(effect.primitive, now_ps)
                    out += self._run(i + 1, below, now_ps)
                else:
                    out.append(effect)
            elif isinstance(effect, Indicate):
                if i > 0:
                    out += self._run(
                        i - 1, self.apps[i - 1].from_below(effect.primitive, now_ps), now_ps
                    )
                else:
                    out.append(effect)
            elif isinstance(effect, SendPeer):
                out.append(SendPeer(effect.node, HostMessage(name, effect.pdu)))
            elif isinstance(effect, StartTimer):
                out.append(StartTimer((name, effect.key), effect.delay_ps))
            elif isinstance(effect, CancelTimer):
                out.append(CancelTimer((name, effect.key)))
            else:
                out.append(effect)
        return out
