"""The shared vocabulary of every layer: primitives, peer PDUs, effects and the layer contract.

Theory of operation
-------------------
qnetstack protocols are *sans-I/O*: a protocol entity never imports the kernel, never reads a
clock and never schedules anything itself. The runtime drives it through four entry points,
each called with the current time ``now_ps`` (int picoseconds) and each answering with a list
of :data:`Effect` values:

=================  ==========================================================================
entry point        what arrives
=================  ==========================================================================
``from_above``     a request primitive from the layer above (or the application)
``from_below``     a confirm or indication primitive from the layer below
``from_peer``      a PDU from the same layer's entity at another node
``on_timer``       a timer this entity started with :class:`StartTimer` has expired
=================  ==========================================================================

Effects are plain frozen values: :class:`SendDown`, :class:`Indicate`, :class:`SendPeer`,
:class:`StartTimer`, :class:`CancelTimer`, :class:`Trace`. Because inputs and outputs are values,
every protocol is unit-testable with lists in and lists out (see ``tests/unit``), and the same
protocol object runs unchanged under the discrete-event runtime.

Randomness is injected (one :class:`numpy.random.Generator` per node and layer), never global.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeAlias, runtime_checkable

from pydantic import BaseModel

__all__ = [
    "CancelTimer",
    "Effect",
    "Indicate",
    "Layer",
    "LayerName",
    "LocalProtocolError",
    "PeerMessage",
    "PeerProtocolError",
    "PluginSpec",
    "Primitive",
    "ProtocolError",
    "SendDown",
    "SendPeer",
    "StartTimer",
    "Trace",
    "TraceRecord",
]


class LayerName(StrEnum):
    """The layers of the stack, bottom to top."""

    PHYSICAL = "physical"
    LINK = "link"
    NETWORK = "network"
    TRANSPORT = "transport"
    APP = "app"


class Primitive:
    """Base class of service primitives (``…Request``, ``…Confirm``, ``…Indication``).

    Concrete primitives are ``@dataclass(frozen=True, slots=True)`` subclasses defined in each
    layer's ``primitives.py``, which is that layer's service definition.
    """

    __slots__ = ()


class PeerMessage:
    """Base class of peer PDUs, exchanged between entities of the same layer at two nodes.

    Concrete PDUs live in each layer's ``messages.py``.
    """

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """A structured trace record. Scenario tests assert on these, never on log text.

    Attributes:
        kind: Short machine-readable event kind, e.g. ``"create"``, ``"herald"``, ``"ok"``.
        data: Event details; values must be JSON-serialisable (str, int, float, bool, None,
            lists and dicts of those).
    """

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


# --- effects -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendDown:
    """Pass a request primitive to the layer below at the same node."""

    primitive: Primitive


@dataclass(frozen=True, slots=True)
class Indicate:
    """Pass a confirm or indication primitive to the layer above at the same node."""

    primitive: Primitive


@dataclass(frozen=True, slots=True)
class SendPeer:
    """Send a PDU to the same layer's entity at ``node``; the channel decides delay and loss."""

    node: str
    pdu: PeerMessage


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Start (or restart) the timer named ``key``; ``on_timer(key, now)`` follows after the delay.

    Starting a timer whose key is already running replaces it.
    """

    key: Hashable
    delay_ps: int


@dataclass(frozen=True, slots=True)
class CancelTimer:
    """Cancel the timer named ``key``; cancelling a timer that is not running is a no-op."""

    key: Hashable


@dataclass(frozen=True, slots=True)
class Trace:
    """Emit a structured trace record (the runtime stamps it with time, node and layer)."""

    record: TraceRecord


Effect: TypeAlias = SendDown | Indicate | SendPeer | StartTimer | CancelTimer | Trace
"""Everything a protocol entity can ask the runtime to do."""


# --- errors ------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """Base class of protocol errors."""


class LocalProtocolError(ProtocolError):
    """Our own side misused the protocol (e.g. an upper layer sent a primitive in a bad state)."""


class PeerProtocolError(ProtocolError):
    """The peer sent a PDU that is invalid in the current state."""


# --- the layer contract ------------------------------------------------------------------------


@runtime_checkable
class Layer(Protocol):
    """The contract every protocol entity implements.

    Each method takes the current time in integer picoseconds and returns the effects the
    entity wants carried out, in order. Entities must not keep references to the runtime.
    """

    layer: ClassVar[LayerName]

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        """A request from the layer above."""
        ...

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        """A confirm or indication from the layer below."""
        ...

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        """A PDU from the same layer's entity at node ``src``."""
        ...

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        """The timer ``key`` expired."""
        ...


# --- plugins -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PluginSpec:
    """What a plugin declares about itself; exported under the ``qnetstack.plugins`` entry point.

    A plugin package adds, in its ``pyproject.toml``::

        [project.entry-points."qnetstack.plugins"]
        my-link = "my_package.link:PLUGIN"

    where ``PLUGIN = PluginSpec(...)``. Built-in protocols register exactly the same way.

    Attributes:
        name: Name a scenario uses to select the plugin (lowercase, ``-`` separated).
        layer: The layer the plugin implements.
        description: One line shown by ``qnetstack plugins``.
        config_model: Pydantic model of the plugin's scenario configuration; it should be frozen
            and forbid extra fields so that typos are reported.
        factory: The layer-specific builder (for example a
            :class:`~qnetstack.physical.platform.PhysicalPlatform` subclass, or a callable that
            builds a link-layer entity); each layer documents the signature it expects.
        needs: Layers this plugin needs below it at every node (for example an app that sends
            qubits needs the transport layer); the scenario runner adds such a layer, with its
            default plugin, when the scenario does not select one.
    """

    name: str
    layer: LayerName
    description: str
    config_model: type[BaseModel]
    factory: Any
    needs: frozenset[LayerName] = frozenset()
