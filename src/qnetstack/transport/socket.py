"""Socket-like handles on a node's stack: send qubits, or ask for pairs, with callbacks.

Applications (and the scenario runner) talk to a node's stack through two thin classes instead
of building primitives by hand:

* :class:`QubitSocket` — ``send(remote, state)`` teleports a qubit (the transport layer's
  ``SendQubitRequest``); ``on_delivered`` is called at the receiver for every qubit, in the
  order it was sent; ``on_sent`` / ``on_error`` at the sender (exactly one of them per qubit);
  ``release(slot)`` frees a delivered qubit.
* :class:`EntanglementSocket` — ``create(remote, number)`` asks for end-to-end pairs (the network
  layer's ``NetworkCreateRequest``, through the transport layer); ``on_ok`` at both ends per pair,
  ``on_error`` on failure; ``release(slot)``.

The sockets need only a *port*: anything with ``request(node, primitive)`` that hands a primitive
to the node's top layer — :class:`qnetstack.runtime.Runtime` is one. The node's top handler
forwards what its stack indicates to :func:`dispatch`, which offers it to each socket of the
node in turn (a socket takes only what is addressed to it)::

    runtime = Runtime(seed=1)            # … nodes with physical, link, network, transport layers
    alice, bob = QubitSocket(runtime, "alice"), QubitSocket(runtime, "bob")
    bob.on_delivered = lambda qubit, now_ps: print("got", qubit.sequence)
    for name, sockets in (("alice", [alice]), ("bob", [bob])):
        runtime.node(name).top_handler = dispatch(sockets)
    alice.send("bob", "+")
    runtime.run()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.service import Primitive
from qnetstack.transport.primitives import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    ReleaseQubitRequest,
    SendQubitRequest,
    TransportErrorIndication,
)
from qnetstack.transport.states import PayloadState

__all__ = ["EntanglementSocket", "QubitSocket", "Socket", "StackPort", "dispatch"]


class StackPort(Protocol):
    """Hands a primitive to a node's top layer, as if from the application (now)."""

    def request(self, node: str, primitive: Primitive) -> None:
        """Deliver ``primitive`` to the top entity of ``node``."""


class Socket(Protocol):
    """Something that may take an indication of its node's stack."""

    def handle(self, primitive: Primitive, now_ps: int) -> bool:
        """Take ``primitive`` if it is this socket's; return whether it was."""


def dispatch(sockets: Sequence[Socket]) -> Callable[[str, Primitive, int], None]:
    """A node top handler that offers every indication to ``sockets`` in order.

    An indication no socket takes is ignored.
    """

    def handler(node: str, primitive: Primitive, now_ps: int) -> None:
        for socket in sockets:
            if socket.handle(primitive, now_ps):
                return

    return handler


class QubitSocket:
    """Send and receive qubits at one node (over the transport layer's teleportation).

    Args:
        port: Reaches the node's stack (a ``Runtime``).
        node: This node.
        first_payload_id: Payload ids of :meth:`send` count up from here.
    """

    def __init__(self, port: StackPort, node: str, first_payload_id: int = 0) -> None:
        self.port = port
        self.node = node
        self._next_payload = first_payload_id
        self._mine: set[int] = set()
        self.on_delivered: Callable[[QubitDeliveredIndication, int], None] | None = None
        """Called at the receiver with each delivered qubit, in send order per sender."""
        self.on_sent: Callable[[QubitSentConfirm, int], None] | None = None
        """Called at the sender when a qubit's correction is on its way."""
        self.on_error: Callable[[TransportErrorIndication, int], None] | None = None
        """Called at the sender when a qubit could not be sent."""

    def send(
        self,
        remote: str,
        state: PayloadState,
        *,
        min_fidelity: float = 0.0,
        max_time_ps: int = 0,
    ) -> int:
        """Teleport a qubit in ``state`` to ``remote``; returns its payload id."""
        payload_id = self._next_payload
        self._next_payload += 1
        self._mine.add(payload_id)
        request = SendQubitRequest(payload_id, remote, state, min_fidelity, max_time_ps)
        self.port.request(self.node, request)
        return payload_id

    def release(self, slot: int) -> None:
        """Free the memory of a delivered qubit."""
        self.port.request(self.node, ReleaseQubitRequest(slot))

    def handle(self, primitive: Primitive, now_ps: int) -> bool:
        """Take the transport layer's qubit indications (deliveries; this socket's sends)."""
        match primitive:
            case QubitDeliveredIndication():
                if self.on_delivered is not None:
                    self.on_delivered(primitive, now_ps)
                return True
            case QubitSentConfirm(payload_id=pid) if pid in self._mine:
                self._mine.discard(pid)
                if self.on_sent is not None:
                    self.on_sent(primitive, now_ps)
                return True
            case TransportErrorIndication(payload_id=pid) if pid in self._mine:
                self._mine.discard(pid)
                if self.on_error is not None:
                    self.on_error(primitive, now_ps)
                return True
        return False


class EntanglementSocket:
    """Ask for end-to-end pairs at one node and get their OKs (both ends).

    Args:
        port: Reaches the node's stack (a ``Runtime``).
        node: This node.
        first_request_id: Request ids of :meth:`create` count up from here (keep them below
            the transport layer's ``request_id_offset``).
    """

    def __init__(self, port: StackPort, node: str, first_request_id: int = 0) -> None:
        self.port = port
        self.node = node
        self._next_request = first_request_id
        self.on_ok: Callable[[NetworkOkIndication, int], None] | None = None
        """Called with every pair OK at this node (as requester or as the remote end)."""
        self.on_error: Callable[[NetworkErrorIndication, int], None] | None = None
        """Called with every network ERROR at this node."""

    def create(
        self,
        remote: str,
        number: int = 1,
        *,
        min_fidelity: float = 0.0,
        max_time_ps: int = 0,
        purpose_id: int = 0,
    ) -> int:
        """Ask for ``number`` pairs with ``remote``; returns the request id."""
        request_id = self._next_request
        self._next_request += 1
        create = NetworkCreateRequest(
            request_id, remote, number, min_fidelity, max_time_ps, purpose_id
        )
        self.port.request(self.node, create)
        return request_id

    def release(self, slot: int) -> None:
        """Free a pair's half."""
        self.port.request(self.node, NetworkReleaseRequest(slot))

    def handle(self, primitive: Primitive, now_ps: int) -> bool:
        """Take the network layer's OKs and ERRORs."""
        match primitive:
            case NetworkOkIndication():
                if self.on_ok is not None:
                    self.on_ok(primitive, now_ps)
                return True
            case NetworkErrorIndication():
                if self.on_error is not None:
                    self.on_error(primitive, now_ps)
                return True
        return False
