"""Qubit delivery by teleportation: the ``teleport`` transport-layer entity of one node.

Theory of operation
-------------------
Teleportation (Bennett et al., PRL 70, 1895 (1993)) sends a qubit ψ over a shared pair: the
sender measures ψ together with its half in the Bell basis, sends the two outcome bits, and the
receiver applies a Pauli to its half. In the Pauli-frame labelling of :mod:`qnetstack.quantum.bell`
a pair in Bell state b and an outcome m leave the receiver's half in σ ψ σ† with σ the Pauli of
XOR mask ``m ⊕ b`` — the correction. With a Werner pair of fidelity F the delivered qubit has
fidelity (2F + 1)/3 to ψ, averaged over ψ (physics.md F7; above the classical 2/3 for F > ½).

**Sender.** ``SendQubitRequest`` is checked (state, payload id, remote) and numbered: the
qubits towards one receiver get sequence numbers 0, 1, 2, … in request order. At most
``window`` qubits per receiver wait for a pair at a time; for each, the entity asks the network
layer for one end-to-end pair (``NetworkCreateRequest``, request id from ``request_id_offset``
on, ``min_fidelity`` = (3·F_qubit − 1)/2 by F7 inverted). When the pair's OK arrives it asks the
hardware for the Bell measurement (``TeleportRequest``, passed down through the network and link
layers); on ``TeleportConfirm`` it sends :class:`~.messages.TeleportCorrection` to the receiver
and confirms ``QubitSentConfirm``. A network ERROR for the pair ends the qubit with
``TransportErrorIndication`` (same code) and a :class:`~.messages.TeleportSkip` to the receiver.

**Receiver.** It recognises the pairs of teleported qubits by their request id (≥
``request_id_offset``) and keeps each half until the correction for it arrives (or keeps the
correction until its half's OK arrives: both orders happen). A qubit whose half and correction
are both here is *ready*; ready qubits and skips are delivered strictly in sequence order per
sender (``QubitDeliveredIndication``), the rest are buffered. The Pauli correction is tracked in
software and handed to the user with the qubit (as the network layer tracks its frames); the
user frees the slot with ``ReleaseQubitRequest``. Network errors of teleport pairs at the
receiver are absorbed: the sender reports them and sends the skip.

Everything else passes through: network requests from above go down, OKs and ERRORs of other
requests go up. Assumptions: the network layer delivers the same pair (id, Bell index) at both
ends and sends a terminal ERROR for a request that gets no pair; classical PDUs are not lost.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.physical.primitives import TeleportConfirm, TeleportRequest
from qnetstack.service import (
    Effect,
    Indicate,
    LayerName,
    LocalProtocolError,
    PeerMessage,
    PeerProtocolError,
    PluginSpec,
    Primitive,
    SendDown,
    SendPeer,
    Trace,
    TraceRecord,
)
from qnetstack.transport._qubit import TRANSITIONS, Outgoing, QubitPhase
from qnetstack.transport.config import TeleportConfig
from qnetstack.transport.messages import TeleportCorrection, TeleportSkip
from qnetstack.transport.primitives import (
    QubitDeliveredIndication,
    QubitSentConfirm,
    ReleaseQubitRequest,
    SendQubitRequest,
    TransportErrorCode,
    TransportErrorIndication,
)
from qnetstack.transport.states import payload_density_matrix

__all__ = ["PLUGIN", "TRANSITIONS", "QubitPhase", "Teleport", "create_teleport", "pair_fidelity"]


def pair_fidelity(qubit_fidelity: float) -> float:
    """The Werner pair fidelity whose teleportation gives ``qubit_fidelity`` (F7 inverted),
    clipped to [0, 1]: F_pair = (3 F_qubit − 1)/2."""
    return min(1.0, max(0.0, (3.0 * qubit_fidelity - 1.0) / 2.0))


class _Incoming:
    """The receiver's view of one sender: halves and corrections waiting, delivery order."""

    __slots__ = ("next_sequence", "ready")

    def __init__(self) -> None:
        self.next_sequence = 0
        self.ready: dict[int, QubitDeliveredIndication | TeleportSkip] = {}


class Teleport:
    """The transport-layer entity of one node (sender and receiver at once).

    Args:
        name: This node.
        config: The plugin's configuration.
        rng: This node's transport-layer stream (unused: the protocol is deterministic).
    """

    layer: ClassVar[LayerName] = LayerName.TRANSPORT

    def __init__(
        self, name: str, config: TeleportConfig, rng: np.random.Generator | None = None
    ) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.outgoing: dict[int, Outgoing] = {}
        """Qubits sent from here that are not finished, by payload id."""
        self._used_payloads: set[int] = set()
        self._by_request: dict[int, Outgoing] = {}
        self._by_slot: dict[int, Outgoing] = {}  # slot being measured -> qubit
        self._queues: dict[str, deque[Outgoing]] = {}
        self._in_flight: dict[str, int] = {}
        self._next_sequence: dict[str, int] = {}
        self._next_request = config.request_id_offset
        # receiver side
        self._halves: dict[NetworkEntanglementId, NetworkOkIndication] = {}
        self._corrections: dict[NetworkEntanglementId, tuple[str, TeleportCorrection]] = {}
        self._incoming: dict[str, _Incoming] = {}

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case SendQubitRequest():
                return self._send(primitive, now_ps)
            case ReleaseQubitRequest(slot):
                return [SendDown(NetworkReleaseRequest(slot))]
            case NetworkCreateRequest(request_id=rid) if rid >= self.config.request_id_offset:
                raise LocalProtocolError(
                    f"{self.name}: network request ids from {self.config.request_id_offset} "
                    f"on are the transport layer's (got {rid})"
                )
            case NetworkCreateRequest() | NetworkReleaseRequest():
                return [SendDown(primitive)]
        raise LocalProtocolError(f"{self.name}: the transport layer cannot handle {primitive!r}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkOkIndication(entanglement_id=ent) if self._ours(ent.request_id):
                if ent.origin == self.name:
                    return self._on_pair(primitive, now_ps)
                return self._on_half(primitive)
            case NetworkErrorIndication(origin, rid, code, message) if self._ours(rid):
                if origin != self.name:  # the sender reports it and skips the number
                    return [Trace(TraceRecord("transport-pair-error", {"code": code.value}))]
                qubit = self._by_request.get(rid)
                if qubit is None or qubit.state is not QubitPhase.WAITING_PAIR:
                    return []
                return self._fail(qubit, TransportErrorCode(code.value), message, now_ps)
            case TeleportConfirm():
                return self._on_measured(primitive, now_ps)
            case NetworkOkIndication() | NetworkErrorIndication():
                return [Indicate(primitive)]
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r} from the network layer")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        match pdu:
            case TeleportCorrection(entanglement_id=ent):
                ok = self._halves.pop(ent, None)
                if ok is None:
                    self._corrections[ent] = (src, pdu)
                    return []
                return self._ready(src, pdu, ok)
            case TeleportSkip(sequence):
                return self._queue_delivery(src, sequence, pdu)
        raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")

    # --- sender ---------------------------------------------------------------------------

    def _ours(self, request_id: int) -> bool:
        return request_id >= self.config.request_id_offset

    def _send(self, request: SendQubitRequest, now_ps: int) -> list[Effect]:
        def refuse(message: str) -> list[Effect]:
            error = TransportErrorIndication(
                request.payload_id, request.remote, -1, TransportErrorCode.REJECTED, message
            )
            data = {"payload_id": request.payload_id, "code": "REJECTED", "message": message}
            return [Trace(TraceRecord("transport-error", data)), Indicate(error)]

        if request.payload_id in self._used_payloads:
            return refuse(f"payload_id {request.payload_id} already used")
        if request.remote == self.name:
            return refuse("the receiver must be another node")
        if not 0.0 <= request.min_fidelity <= 1.0:
            return refuse(f"min_fidelity must be in [0, 1], got {request.min_fidelity}")
        if request.max_time_ps < 0:
            return refuse(f"max_time_ps must be >= 0, got {request.max_time_ps}")
        try:
            payload = payload_density_matrix(request.state)
        except (ValueError, TypeError) as exc:
            return refuse(str(exc))
        self._used_payloads.add(request.payload_id)
        remote = request.remote
        sequence = self._next_sequence.get(remote, 0)
        self._next_sequence[remote] = sequence + 1
        deadline = now_ps + request.max_time_ps if request.max_time_ps else 0
        qubit = Outgoing(
            request.payload_id, remote, sequence, payload,
            pair_fidelity(request.min_fidelity), deadline, self._next_request,
        )  # fmt: skip
        self._next_request += 1
        self.outgoing[qubit.payload_id] = qubit
        self._by_request[qubit.request_id] = qubit
        self._queues.setdefault(remote, deque()).append(qubit)
        data = {"payload_id": qubit.payload_id, "remote": remote, "sequence": sequence}
        return [Trace(TraceRecord("transport-send", data)), *self._pump(remote, now_ps)]

    def _pump(self, remote: str, now_ps: int) -> list[Effect]:
        """Ask for pairs for queued qubits while the window towards ``remote`` has room."""
        effects: list[Effect] = []
        queue = self._queues.get(remote)
        while queue and self._in_flight.get(remote, 0) < self.config.window:
            qubit = queue.popleft()
            if qubit.deadline_ps and now_ps >= qubit.deadline_ps:
                effects += self._fail(
                    qubit, TransportErrorCode.TIMEOUT, "max_time_ps passed in the queue", now_ps
                )
                continue
            qubit.request_pair()
            self._in_flight[remote] = self._in_flight.get(remote, 0) + 1
            create = NetworkCreateRequest(
                request_id=qubit.request_id,
                remote=remote,
                number=1,
                min_fidelity=qubit.pair_fidelity,
                max_time_ps=qubit.deadline_ps - now_ps if qubit.deadline_ps else 0,
            )
            effects.append(SendDown(create))
        return effects

    def _on_pair(self, ok: NetworkOkIndication, now_ps: int) -> list[Effect]:
        qubit = self._by_request.get(ok.entanglement_id.request_id)
        if qubit is None or qubit.state is not QubitPhase.WAITING_PAIR:
            raise LocalProtocolError(f"{self.name}: pair {ok.entanglement_id} for no waiting qubit")
        if ok.slot is None:
            raise LocalProtocolError(f"{self.name}: pair {ok.entanglement_id} was measured")
        qubit.pair_ready()
        qubit.slot = ok.slot
        qubit.entanglement_id = ok.entanglement_id
        self._by_slot[ok.slot] = qubit
        return [SendDown(TeleportRequest(ok.slot, qubit.payload))]

    def _on_measured(self, confirm: TeleportConfirm, now_ps: int) -> list[Effect]:
        qubit = self._by_slot.pop(confirm.slot, None)
        if qubit is None or qubit.entanglement_id is None:
            raise LocalProtocolError(f"{self.name}: {confirm!r} for no qubit being measured")
        qubit.measured()
        correction = TeleportCorrection(
            qubit.sequence, qubit.payload_id, qubit.entanglement_id, confirm.m1, confirm.m2
        )
        sent = QubitSentConfirm(
            qubit.payload_id, qubit.remote, qubit.sequence, qubit.entanglement_id,
            confirm.outcome,
        )  # fmt: skip
        data = {"payload_id": qubit.payload_id, "sequence": qubit.sequence,
                "outcome": confirm.outcome}  # fmt: skip
        effects: list[Effect] = [
            SendPeer(qubit.remote, correction),
            Trace(TraceRecord("transport-sent", data)),
            Indicate(sent),
        ]
        return effects + self._done(qubit, now_ps)

    def _fail(
        self, qubit: Outgoing, code: TransportErrorCode, message: str, now_ps: int
    ) -> list[Effect]:
        in_flight = qubit.state is QubitPhase.WAITING_PAIR
        qubit.fail()
        error = TransportErrorIndication(
            qubit.payload_id, qubit.remote, qubit.sequence, code, message
        )
        data = {"payload_id": qubit.payload_id, "sequence": qubit.sequence,
                "code": code.value, "message": message}  # fmt: skip
        effects: list[Effect] = [
            SendPeer(qubit.remote, TeleportSkip(qubit.sequence, qubit.payload_id, code.value)),
            Trace(TraceRecord("transport-error", data)),
            Indicate(error),
        ]
        if not in_flight:  # failed in the queue: the window is unchanged
            self._forget(qubit)
            return effects
        return effects + self._done(qubit, now_ps)

    def _done(self, qubit: Outgoing, now_ps: int) -> list[Effect]:
        """A qubit that held a place in the window finished: let the next one in."""
        self._in_flight[qubit.remote] -= 1
        self._forget(qubit)
        return self._pump(qubit.remote, now_ps)

    def _forget(self, qubit: Outgoing) -> None:
        self.outgoing.pop(qubit.payload_id, None)
        self._by_request.pop(qubit.request_id, None)

    # --- receiver -------------------------------------------------------------------------

    def _on_half(self, ok: NetworkOkIndication) -> list[Effect]:
        ent = ok.entanglement_id
        waiting = self._corrections.pop(ent, None)
        if waiting is None:
            self._halves[ent] = ok
            return []
        src, correction = waiting
        return self._ready(src, correction, ok)

    def _ready(
        self, src: str, correction: TeleportCorrection, ok: NetworkOkIndication
    ) -> list[Effect]:
        outcome = (correction.m1 << 1) | correction.m2
        if ok.slot is None:
            raise LocalProtocolError(f"{self.name}: pair {ok.entanglement_id} was measured")
        delivered = QubitDeliveredIndication(
            payload_id=correction.payload_id,
            sender=src,
            sequence=correction.sequence,
            slot=ok.slot,
            correction=outcome ^ ok.bell_index,
            entanglement_id=ok.entanglement_id,
            goodness=ok.goodness,
        )
        return self._queue_delivery(src, correction.sequence, delivered)

    def _queue_delivery(
        self, src: str, sequence: int, item: QubitDeliveredIndication | TeleportSkip
    ) -> list[Effect]:
        stream = self._incoming.setdefault(src, _Incoming())
        if sequence < stream.next_sequence or sequence in stream.ready:
            raise PeerProtocolError(f"{self.name}: sequence {sequence} from {src} seen twice")
        stream.ready[sequence] = item
        effects: list[Effect] = []
        while stream.next_sequence in stream.ready:
            ready = stream.ready.pop(stream.next_sequence)
            data = {"sender": src, "sequence": stream.next_sequence,
                    "payload_id": ready.payload_id}  # fmt: skip
            if isinstance(ready, TeleportSkip):
                effects.append(Trace(TraceRecord("transport-skip", data)))
            else:
                effects += [Trace(TraceRecord("transport-delivered", data)), Indicate(ready)]
            stream.next_sequence += 1
        if stream.ready:
            buffered = {"sender": src, "waiting_for": stream.next_sequence,
                        "buffered": sorted(stream.ready)}  # fmt: skip
            effects.append(Trace(TraceRecord("transport-buffered", buffered)))
        return effects


def create_teleport(
    name: str, config: TeleportConfig, rng: np.random.Generator | None = None
) -> Teleport:
    """The plugin factory: the entity of node ``name``."""
    return Teleport(name, config, rng)


PLUGIN = PluginSpec(
    name="teleport",
    layer=LayerName.TRANSPORT,
    description="Qubits by teleportation over end-to-end pairs, delivered in order per sender",
    config_model=TeleportConfig,
    factory=create_teleport,
)
