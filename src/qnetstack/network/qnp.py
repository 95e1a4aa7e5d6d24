"""QNP-like virtual circuits: swap-ASAP or nested repeaters, purification, cutoffs, Pauli frames.

Theory of operation
-------------------
This entity (one per node: end nodes and repeaters alike) follows the design of Kozlowski et
al., "Designing a quantum network protocol" (CoNEXT 2020): a request for end-to-end pairs sets
up a *virtual circuit* along a route; each node on it gets rules saying which neighbours are
upstream and downstream and what to ask of its link layer; repeaters swap link pairs as soon as
they can; the end nodes learn enough to know which end-to-end pair they share and in which Bell
state. It is our own implementation, with these choices:

**Set-up.** A ``NetworkCreateRequest`` at the head end (the origin) computes the path with
:attr:`NetworkContext.route` (``NoRouteError`` → ``ERROR(NO_ROUTE)`` at once) and splits the
fidelity target: n Werner links swapped give w_e2e = Π w_i · s^(n−1) (physics.md F6, s the
configured per-swap factor), so every hop gets w_hop = (w_target / s^(n−1))^(1/n), i.e.
F_hop = (3 w_hop + 1)/4. ``QnpSetup`` then travels hop by hop (head → tail); each node installs
the circuit and, unless it is the tail, picks a *link label* (an int unique at that node) that it
puts in the ``purpose_id`` of its link CREATEs towards its downstream neighbour, and forwards the
setup with that label, so the downstream node maps the link OKs of the hop to the circuit. Link
OKs that arrive before the setup (not possible with FIFO channels, handled anyway) wait.

**Link pairs.** The upstream node of every hop issues link CREATEs (KEEP, ``min_fidelity`` =
F_hop, ``max_time_ps`` up to the circuit's deadline) so that at most ``window`` pairs of the hop
are requested or held by it (unswapped at a repeater, undelivered at the head); each request id
comes from a per-node counter and maps to one circuit. A hop's upstream link error (UNSUPPORTED,
TIMEOUT, EXPIRED, REJECTED, OUT_OF_MEMORY→REJECTED) is sent to the tail as ``QnpAbort`` with the
link's message; the downstream end of the link ignores link errors (the upstream end reports).

**Swapping: the swap policy decides (plain code, per pair).** Whenever a repeater's halves of
a circuit change it asks the node's swap policy (:mod:`~qnetstack.network.swap`: ``asap``,
``nested`` or a plugin) which upstream and downstream half to join, until it answers "wait";
each answer becomes a ``SwapRequest`` through the link layer. On ``SwapConfirm`` it sends a
``QnpSwapRecord`` to the tail: the two link pairs (entanglement id, link label, goodness,
herald time) and the outcome.

**Reach (policies with ``tracks_reach``, e.g. ``nested``).** Every half knows how far its pair
reaches (``Half.reach``, initially the neighbour); on ``SwapConfirm`` a repeater sends
``QnpSwapped`` to the new pair's two ends (if they are repeaters), which update the reach of
their half (or remember it until the half arrives).

**Purification (``purification:``).** Link pairs (``scope: link``) or end-to-end pairs
(``scope: end_to_end``) go through recurrence rounds before they are swapped or delivered; the
two-sided round and the readiness rule are in :mod:`~qnetstack.network._purify`. The fidelity
split asks each hop (or the end-to-end pair) for the fidelity from which the configured rounds
reach the target. End to end, the tail announces each raw end-to-end pair to the head with
``QnpRawPair`` and coordinates; only ready pairs get sequence numbers and are delivered.

**Frames and delivery: the tail decides.** The tail end merges records into *segments* (chains
of link pairs joined by swaps; :class:`~qnetstack.network._frames.ChainAssembler`). A segment's
frame is the XOR of its link labels and swap outcomes, which by induction on
``swap_frame(l1, l2, m) = l1 ⊕ l2 ⊕ m`` is the Bell state its two outer halves share. Once a
segment spans hop 0 … n−1 and the tail holds its last link pair, the end-to-end pair exists: the
tail gives it the next sequence number, delivers ``NetworkOkIndication`` with the frame, and sends
``QnpDelivered`` (sequence, the head's link pair, frame, goodness) to the head, which delivers the
same id and frame on the half it holds of that link pair (waiting for its own link OK if needed).
So both ends agree on every (sequence, Bell index) by construction. No correction gate is
applied: the Pauli frame is tracked in software and ``bell_index`` is the pair's true frame (up to
readout errors of the swaps), as QNP allows. Goodness is F6 on the link goodness values, times
the swap factor per swap (memory decoherence while waiting is not modelled in the estimate).

**Cutoffs and why no expired pair is delivered.** With ``cutoff_s`` a *repeater* discards a half
it has held that long (from the herald) without swapping it, and sends ``QnpDiscard`` to the
neighbour on that link. A node receiving a discard for a pair releases its half if it holds it;
if it swapped that half, the pair's segment is dead, so it forwards the discard along the pair it
joined it with; if the link OK has not arrived yet, the pair is remembered as dead and released
on arrival. End nodes do not apply the per-link cutoff to their own halves (they never swap;
their halves wait for the segment, whose repeaters' cutoffs bound its age). Correctness: a pair
is delivered only when *every* repeater on the path has swapped its links, and a repeater either
swaps a half or discards it, never both; a discard starts only at an unswapped half, so every
segment containing a discarded pair lacks that repeater's swap and can never complete. Records
that cross a discard therefore only extend dead segments; they are never delivered. The discard
notice reaches the segment's far ends through the swaps, so every half of a dead segment is
released (no memory leaks). With ``e2e_cutoff_s``, the tail discards (instead of delivering) a
complete pair whose oldest link pair is older than the cutoff, and sends the discard back along
the swaps to the head.

**MEASURE requests.** With ``request_type=MEASURE`` each end measures its half of a delivered
pair on the hardware (``MeasureRequest`` through the link layer) at the moment it would have
delivered it, and indicates the OK with the outcome and basis (``slot=None``) when the readout
confirms. That is the earliest moment the end knows the Pauli frame of the swaps; the frame is
left in ``bell_index`` and applied classically by the user, exactly as for link-level MEASURE
OKs. ``measure_basis: e91`` draws one of the end's three E91 directions (the head's set or the
tail's) per pair and measures along it (one more gate on the hardware). The end halves still
wait in memory while the repeaters swap (measuring them before the swaps, which commutes with
the swaps, is not modelled).

A MEASURE circuit that ends with an error holds the ERROR until its pending readouts are
indicated, so the user sees every OK of the request before the one terminal ERROR.

**Endings: again the tail decides.** The tail ends the circuit after its ``number``-th delivery,
at the deadline (its ``("qnp-deadline", …)`` timer: ``ERROR(TIMEOUT)``), or on a ``QnpAbort``;
it indicates the error (if any), and sends ``QnpTeardown`` (code, delivered count) to the head and
every repeater. Repeaters release what they hold. The head enters ``DRAINING`` until it has
delivered as many pairs as the tail did, then releases the rest and indicates the same error:
OKs ≤ ``number`` and exactly one terminal event at each end (the last OK, or one ERROR).
Teardown before setup leaves a tombstone, so a late setup installs nothing; link pairs of ended
circuits are released on arrival. Errors found at the head before set-up (NO_ROUTE, REJECTED,
UNSUPPORTED target) are indicated at the head only.

Inputs per circuit state (:mod:`~qnetstack.network._circuit`): in ``RUNNING`` everything; in
``DRAINING`` (head only) link OKs and ``QnpDelivered`` (discards are ignored); in ``CLOSED`` the
circuit is forgotten: link OKs are released, PDUs ignored. Unknown inputs raise
:class:`~qnetstack.service.LocalProtocolError` / :class:`~qnetstack.service.PeerProtocolError`.

Assumptions about the layers below: link OKs name the same pair at both ends (the link layer's
guarantee); ``SwapRequest`` is answered by ``SwapConfirm`` with the same slots; the swap re-points
the far halves without changing their slots; classical messages are not lost (they may be
reordered). Timers: one cutoff timer per held repeater half, one deadline timer at the tail; all
cancelled when the half leaves or the circuit closes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import replace
from typing import ClassVar, cast

import numpy as np

from qnetstack.linklayer.primitives import (
    E91_ORIGIN_ANGLES_RAD,
    E91_REMOTE_ANGLES_RAD,
    CreateRequest,
    EntanglementId,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.network._circuit import (
    TRANSITIONS,
    Circuit,
    CircuitState,
    Half,
    cutoff_key,
    deadline_key,
)
from qnetstack.network._frames import Segment, hop_fidelity
from qnetstack.network._purify import Candidate, Channel, input_fidelity
from qnetstack.network.config import QnpConfig
from qnetstack.network.context import NetworkContext, NoRouteError
from qnetstack.network.messages import (
    CircuitId,
    LinkPairRef,
    QnpAbort,
    QnpConsumed,
    QnpDelivered,
    QnpDiscard,
    QnpPurify,
    QnpPurifyReply,
    QnpRawPair,
    QnpSetup,
    QnpSwapped,
    QnpSwapRecord,
    QnpTeardown,
    pair_json,
)
from qnetstack.network.primitives import (
    LINK_ERROR_CODES,
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.network.swap import HeldHalf, SwapPolicyError, SwapView
from qnetstack.physical.primitives import (
    MeasureConfirm,
    MeasureRequest,
    PurifyConfirm,
    SwapConfirm,
    SwapRequest,
    TeleportConfirm,
    TeleportRequest,
)
from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import Basis, MeasureBasis
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
    StartTimer,
    Trace,
    TraceRecord,
)

__all__ = ["PLUGIN", "TRANSITIONS", "CircuitState", "Qnp", "create_qnp"]

_PS_PER_S = 1e12
_N = NetworkErrorCode
_LINK_CODES = LINK_ERROR_CODES


class Qnp:
    """The network-layer entity of one node.

    Args:
        name: This node.
        config: The plugin's configuration.
        context: The network graph and the route function.
        rng: This node's network-layer random stream (unused by swap-ASAP).
    """

    layer: ClassVar[LayerName] = LayerName.NETWORK

    def __init__(
        self, name: str, config: QnpConfig, context: NetworkContext, rng: np.random.Generator
    ) -> None:
        self.name = name
        self.config = config
        self.context = context
        self.rng = rng
        self.cutoff_ps = round(config.cutoff_s * _PS_PER_S)
        self.e2e_cutoff_ps = round(config.e2e_cutoff_s * _PS_PER_S)
        self.swap_policy = context.swap_policies.create(config.swap_policy, config.swap_options)
        """When this node's repeaters swap (one policy instance per node, shared by circuits)."""
        purification = config.purification
        self.purification_protocol: PurificationProtocol | None = (
            None
            if purification is None
            else context.purification_protocols.create(purification.protocol)
        )
        """The recurrence protocol of ``config.purification`` (none without purification)."""
        self.circuits: dict[CircuitId, Circuit] = {}
        """Circuits installed here and not yet closed."""
        self.closed: set[CircuitId] = set()
        """Tombstones: circuits that ended here (late inputs for them are released/ignored)."""
        self._requests: dict[int, CircuitId] = {}  # our link request id -> circuit
        self._labels: dict[tuple[str, int], CircuitId] = {}  # (upstream, link label) -> circuit
        self._orphans: dict[tuple[str, int], list[OkIndication]] = {}
        self._early: dict[CircuitId, list[tuple[str, PeerMessage]]] = {}
        self._swaps: dict[tuple[int, int], deque[tuple[CircuitId, Half, Half]]] = {}
        self._rounds: dict[tuple[int, int], tuple[CircuitId, str]] = {}  # purification slots
        self._next_request = 0
        self._next_label = 0
        self._measuring: dict[int, tuple[CircuitId, NetworkOkIndication]] = {}  # slot -> OK
        self._held_errors: dict[CircuitId, list[Effect]] = {}  # until the readouts are done

    # --- entry points ---------------------------------------------------------------------

    def from_above(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case NetworkCreateRequest():
                return self._create(primitive, now_ps)
            case NetworkReleaseRequest(slot):
                return [SendDown(ReleaseRequest(slot))]
            case TeleportRequest():  # the transport layer's local operation on a delivered half
                return [SendDown(primitive)]
        raise LocalProtocolError(f"{self.name}: the network layer cannot handle {primitive!r}")

    def from_below(self, primitive: Primitive, now_ps: int) -> list[Effect]:
        match primitive:
            case OkIndication():
                return self._on_link_ok(primitive, now_ps)
            case ErrorIndication():
                return self._on_link_error(primitive)
            case SwapConfirm():
                return self._on_swapped(primitive, now_ps)
            case PurifyConfirm():
                return self._on_purified(primitive, now_ps)
            case MeasureConfirm(slot, basis, outcome) if slot in self._measuring:
                cid, ok = self._measuring.pop(slot)
                effects: list[Effect] = [
                    Indicate(replace(ok, slot=None, outcome=outcome, basis=basis))
                ]
                if cid in self._held_errors and not self._measuring_for(cid):
                    effects += self._held_errors.pop(cid)
                return effects
            case TeleportConfirm() | MeasureConfirm():
                return [Indicate(primitive)]
        raise LocalProtocolError(f"{self.name}: unexpected {primitive!r} from the link layer")

    def from_peer(self, src: str, pdu: PeerMessage, now_ps: int) -> list[Effect]:
        match pdu:
            case QnpSetup():
                return self._on_setup(src, pdu, now_ps)
            case QnpAbort():
                return self._on_abort(pdu)
            case QnpTeardown():
                return self._on_teardown(pdu)
            case (
                QnpSwapRecord() | QnpDiscard() | QnpDelivered() | QnpPurify() | QnpPurifyReply()
                | QnpRawPair() | QnpSwapped() | QnpConsumed()
            ):  # fmt: skip
                circuit = self.circuits.get(pdu.circuit)
                if circuit is None:
                    if pdu.circuit not in self.closed:  # before the setup: replayed with it
                        self._early.setdefault(pdu.circuit, []).append((src, pdu))
                    return []
                match pdu:
                    case QnpSwapRecord():
                        return self._on_record(circuit, pdu, now_ps)
                    case QnpDiscard():
                        return self._on_discard(circuit, pdu.pair, now_ps)
                    case QnpDelivered():
                        return self._on_delivered(circuit, pdu, now_ps)
                    case QnpSwapped():
                        return self._on_reach(circuit, pdu, now_ps)
                    case QnpConsumed(pair=pair):
                        if pair in circuit.unconsumed:
                            circuit.unconsumed.remove(pair)
                        else:  # before our own link OK
                            circuit.consumed_early.add(pair)
                        self._replenish(circuit, now_ps)
                        return self._finish(circuit)
                    case _:
                        return self._on_purification_pdu(circuit, src, pdu, now_ps)
        raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")

    def on_timer(self, key: Hashable, now_ps: int) -> list[Effect]:
        match key:
            case ("qnp-cutoff", str(head), int(rid), str(origin), int(link_rid), int(seq)):
                circuit = self.circuits.get(CircuitId(head, rid))
                ent = EntanglementId(origin, link_rid, seq)
                if circuit is None or not circuit.running or ent not in circuit.halves:
                    return []
                return self._cutoff(circuit, ent, now_ps)
            case ("qnp-deadline", str(head), int(rid)):
                circuit = self.circuits.get(CircuitId(head, rid))
                if circuit is None:
                    return []
                message = f"max_time_ps passed (deadline {circuit.deadline_ps} ps)"
                self._end_at_tail(circuit, _N.TIMEOUT, message)
                return self._finish(circuit)
        raise LocalProtocolError(f"{self.name}: unknown timer {key!r}")

    # --- set-up ---------------------------------------------------------------------------

    def _create(self, request: NetworkCreateRequest, now_ps: int) -> list[Effect]:
        rid = request.request_id

        def error(code: NetworkErrorCode, message: str) -> list[Effect]:
            data = {"head": self.name, "request_id": rid, "code": code.value}
            return [
                Trace(TraceRecord("qnp-refused", data)),
                Indicate(NetworkErrorIndication(self.name, rid, code, message)),
            ]

        cid = CircuitId(self.name, rid)
        problem = _malformed(request, self.name)
        if problem:
            return error(_N.REJECTED, problem)
        if cid in self.circuits or cid in self.closed:
            return error(_N.REJECTED, f"request_id {rid} already used")
        try:
            path = tuple(self.context.route(self.name, request.remote))
        except NoRouteError as exc:
            return error(_N.NO_ROUTE, exc.reason)
        if len(path) < 2 or path[0] != self.name or path[-1] != request.remote:
            return error(_N.NO_ROUTE, f"the route function returned {list(path)!r}")
        hops = len(path) - 1
        budget = self._budget(request.min_fidelity, hops)
        if isinstance(budget, str):
            return error(_N.UNSUPPORTED, budget)
        f_hop, purify_target = budget
        deadline = now_ps + request.max_time_ps if request.max_time_ps else 0
        measure = request.measure_basis if request.request_type is RequestType.MEASURE else ""
        circuit = Circuit(
            self.name, cid, path, request.number, f_hop, deadline, request.purpose_id,
            self.config.swap_werner_factor, purify_target, measure,
        )  # fmt: skip
        self._install(circuit)
        data = {**circuit.trace_data(), "path": list(path), "number": request.number,
                "hop_fidelity": f_hop, "deadline_ps": deadline}  # fmt: skip
        if purify_target:
            data["purify_target"] = purify_target
        circuit.effects.append(Trace(TraceRecord("qnp-setup", data)))
        self._forward_setup(circuit, now_ps)
        return circuit.drain()

    def _budget(self, min_fidelity: float, hops: int) -> tuple[float, float] | str:
        """``(link CREATE fidelity, purification target)`` for a request, or why it is out of
        reach.

        Without purification: the F6 split of :func:`hop_fidelity`. Link purification: each
        hop's *purified* pairs must reach the split; its link pairs need the fidelity from
        which the policy's rounds get there (:func:`input_fidelity`, or the configured
        ``input_fidelity``). End-to-end purification: the end-to-end pairs entering it need
        that fidelity, and the split is of it.
        """
        factor = self.config.swap_werner_factor
        unreachable = (
            f"min_fidelity {min_fidelity} is out of reach over {hops} hops with swap factor "
            f"{factor}, even with perfect links"
        )
        purification, protocol = self.config.purification, self.purification_protocol
        if purification is None or protocol is None:
            f_hop = hop_fidelity(min_fidelity, hops, factor)
            return unreachable if f_hop is None else (f_hop, 0.0)
        rounds = purification.rounds if purification.policy == "rounds" else purification.max_rounds
        if purification.scope == "link":
            target = hop_fidelity(min_fidelity, hops, factor)
            if target is None:
                return unreachable
            f_in = purification.input_fidelity or input_fidelity(target, rounds, protocol)
        else:
            target = min_fidelity
            f_in = purification.input_fidelity or input_fidelity(target, rounds, protocol)
            if f_in is not None:
                f_in = hop_fidelity(f_in, hops, factor)
        if f_in is None:
            return (
                f"min_fidelity {min_fidelity} is out of reach over {hops} hops with "
                f"{rounds} rounds of {purification.protocol} ({purification.scope} "
                f"purification), even with perfect links"
            )
        return f_in, target

    def _install(self, circuit: Circuit) -> None:
        """Register the circuit and give it its purification channels."""
        self.circuits[circuit.cid] = circuit
        config = self.config.purification
        if config is None:
            return

        protocol = self.purification_protocol
        assert protocol is not None

        def channel(coordinator: bool, peer: str, label: str, side: str) -> Channel:
            return Channel(
                config, protocol, coordinator, peer, circuit.purify_target, label, side,
                circuit.cid, circuit.trace_data(), circuit.effects, self._rounds,
            )  # fmt: skip

        if config.scope == "link":
            if circuit.upstream is not None:
                circuit.link_left = channel(False, circuit.upstream, "link", "left")
                circuit.link_left.consumed = circuit.consumed
            if circuit.downstream is not None:
                circuit.link_right = channel(True, circuit.downstream, "link", "right")
        elif circuit.is_head:
            circuit.e2e = channel(False, circuit.path[-1], "e2e", "e2e")
        elif circuit.is_tail:
            circuit.e2e = channel(True, circuit.path[0], "e2e", "e2e")

    def _forward_setup(self, circuit: Circuit, now_ps: int) -> None:
        assert circuit.downstream is not None
        circuit.label = self._next_label
        self._next_label += 1
        setup = QnpSetup(
            circuit.cid, circuit.path, circuit.number, circuit.hop_fidelity,
            circuit.deadline_ps, circuit.purpose_id, circuit.label, circuit.purify_target,
            circuit.measure_basis,
        )  # fmt: skip
        circuit.effects.append(SendPeer(circuit.downstream, setup))
        self._replenish(circuit, now_ps)

    def _on_setup(self, src: str, pdu: QnpSetup, now_ps: int) -> list[Effect]:
        cid = pdu.circuit
        self._labels[(src, pdu.link_label)] = cid
        if cid in self.circuits:
            raise PeerProtocolError(f"{self.name}: second setup of {cid}")
        if cid in self.closed:  # torn down before the setup came: install nothing
            return self._release_orphans((src, pdu.link_label))
        if self.name not in pdu.path or pdu.path.index(self.name) == 0:
            raise PeerProtocolError(f"{self.name}: setup of {cid} with path {pdu.path}")
        circuit = Circuit(
            self.name, cid, pdu.path, pdu.number, pdu.hop_fidelity, pdu.deadline_ps,
            pdu.purpose_id, self.config.swap_werner_factor, pdu.purify_target,
            pdu.measure_basis,
        )  # fmt: skip
        self._install(circuit)
        data = {**circuit.trace_data(), "index": circuit.index, "tail": circuit.is_tail}
        circuit.effects.append(Trace(TraceRecord("qnp-install", data)))
        if circuit.is_tail:
            if circuit.deadline_ps:
                delay = max(0, circuit.deadline_ps - now_ps)
                circuit.effects.append(StartTimer(deadline_key(cid), delay))
        else:
            self._forward_setup(circuit, now_ps)
        effects = circuit.drain()
        for ok in self._orphans.pop((src, pdu.link_label), []):
            effects += self._on_link_ok(ok, now_ps)
        for early_src, early in self._early.pop(cid, []):
            effects += self.from_peer(early_src, early, now_ps)
        return effects

    def _release_orphans(self, key: tuple[str, int]) -> list[Effect]:
        return [
            SendDown(ReleaseRequest(ok.slot))
            for ok in self._orphans.pop(key, [])
            if ok.slot is not None
        ]

    def _replenish(self, circuit: Circuit, now_ps: int) -> None:
        """Request link pairs of the downstream hop up to the window."""
        if circuit.is_tail or not circuit.running or circuit.stopped:
            return
        deficit = self.config.effective_window - circuit.outstanding()
        if deficit <= 0:
            return
        remaining_ps = circuit.deadline_ps - now_ps if circuit.deadline_ps else 0
        if circuit.deadline_ps and remaining_ps <= 0:
            return
        assert circuit.downstream is not None
        rid = self._next_request
        self._next_request += 1
        self._requests[rid] = circuit.cid
        circuit.open_requests[rid] = deficit
        create = CreateRequest(
            rid, circuit.downstream, deficit, circuit.hop_fidelity, remaining_ps,
            RequestType.KEEP, purpose_id=circuit.label,
        )  # fmt: skip
        data = {**circuit.trace_data(), "link_request_id": rid, "remote": circuit.downstream,
                "number": deficit, "min_fidelity": circuit.hop_fidelity}  # fmt: skip
        circuit.effects += [Trace(TraceRecord("qnp-link-create", data)), SendDown(create)]

    # --- link pairs -----------------------------------------------------------------------

    def _on_link_ok(self, ok: OkIndication, now_ps: int) -> list[Effect]:
        ent = ok.entanglement_id
        right = ent.origin == self.name
        cid = (
            self._requests.get(ent.request_id)
            if right
            else self._labels.get((ent.origin, ok.purpose_id))
        )
        if ok.slot is None:
            raise LocalProtocolError(f"{self.name}: link OK without a slot: {ok!r}")
        if cid is None:
            if right:
                raise LocalProtocolError(f"{self.name}: link OK for unknown request {ent}")
            self._orphans.setdefault((ent.origin, ok.purpose_id), []).append(ok)
            return []
        circuit = self.circuits.get(cid)
        if circuit is not None and right:
            remaining = circuit.open_requests.get(ent.request_id, 0) - 1
            if remaining > 0:
                circuit.open_requests[ent.request_id] = remaining
            else:
                circuit.open_requests.pop(ent.request_id, None)
        if circuit is None or (not circuit.running and not circuit.is_head):
            return [SendDown(ReleaseRequest(ok.slot))]  # the circuit has ended here
        if right:
            if ent in circuit.consumed_early:
                circuit.consumed_early.remove(ent)
            else:
                circuit.unconsumed.add(ent)
        if ent in circuit.dead:  # discarded by the other end before it got here
            circuit.effects.append(SendDown(ReleaseRequest(ok.slot)))
            if not right:
                circuit.consumed(ent)
            self._replenish(circuit, now_ps)
            return circuit.drain()
        ref = LinkPairRef(ent, ok.bell_index, ok.goodness, ok.create_time_ps)
        channel = circuit.link_right if right else circuit.link_left
        if channel is None:
            self._on_half(circuit, Half(ref, ok.slot, right), now_ps)
        else:
            for ready in channel.add(Candidate.raw(ref, ok.slot)):
                self._on_half(circuit, Half(ready.ref, ready.slot, right), now_ps)
        self._replenish(circuit, now_ps)
        return self._finish(circuit)

    def _on_half(self, circuit: Circuit, half: Half, now_ps: int) -> None:
        """A link pair (purified, with link purification) is ready for swapping or delivery."""
        ent = half.ref.entanglement_id
        if ent in circuit.dead:  # discarded by the other end while it was being purified
            circuit.effects.append(SendDown(ReleaseRequest(half.slot)))
            if not half.right:
                circuit.consumed(ent)
            return
        circuit.hold(half)
        if circuit.is_head:
            if circuit.e2e is not None:
                raw = circuit.raw_pending.pop(ent, None)
                if raw is not None:
                    self._enter_e2e_at_head(circuit, raw, now_ps)
            else:
                delivered = circuit.pending.pop(ent, None)
                if delivered is not None:
                    self._deliver_at_head(circuit, delivered, now_ps)
        elif circuit.is_tail:
            segment = (
                Segment.single(half.ref, 0) if circuit.hops == 1 else circuit.waiting.pop(ent, None)
            )
            if segment is not None:
                self._complete(circuit, segment, now_ps)
        else:
            self._try_swaps(circuit, now_ps)
            if ent in circuit.halves and self.cutoff_ps:
                delay = max(0, half.ref.create_time_ps + self.cutoff_ps - now_ps)
                circuit.effects.append(StartTimer(cutoff_key(circuit.cid, ent), delay))

    def _on_link_error(self, error: ErrorIndication) -> list[Effect]:
        if error.origin != self.name:
            return []  # the hop's upstream end reports it
        cid = self._requests.get(error.request_id)
        if cid is None:
            raise LocalProtocolError(f"{self.name}: link ERROR for unknown request {error!r}")
        circuit = self.circuits.get(cid)
        if circuit is None:
            return []
        circuit.open_requests.pop(error.request_id, None)
        if not circuit.running or circuit.stopped:
            return []
        circuit.stopped = True
        code = _LINK_CODES[error.code]
        message = f"link {self.name}-{circuit.downstream}: {error.code.value}: {error.message}"
        data = {**circuit.trace_data(), "code": code.value, "link_request_id": error.request_id}
        circuit.effects += [
            Trace(TraceRecord("qnp-link-error", data)),
            SendPeer(circuit.path[-1], QnpAbort(cid, circuit.path, code.value, message)),
        ]
        return circuit.drain()

    # --- swapping (repeaters) -------------------------------------------------------------

    def _try_swaps(self, circuit: Circuit, now_ps: int) -> None:
        """Swap while the node's swap policy names two halves (:mod:`~qnetstack.network.swap`)."""
        policy = self.swap_policy
        halves = circuit.halves
        while circuit.left and circuit.right:
            view = SwapView(
                circuit.index, circuit.hops, now_ps,
                tuple(_held(halves[e]) for e in circuit.left),
                tuple(_held(halves[e]) for e in circuit.right),
            )  # fmt: skip
            choice = policy.choose(view)
            if choice is None:
                return
            left, right = choice
            if left not in circuit.left or right not in circuit.right:
                raise SwapPolicyError(
                    f"{self.name}: swap policy {policy.name!r} chose {left} and {right}; it "
                    "must name one held half from view.left and one from view.right"
                )
            self._swap(circuit, left, right)

    def _on_reach(self, circuit: Circuit, pdu: QnpSwapped, now_ps: int) -> list[Effect]:
        """Nested swapping: a swap elsewhere extended the pair one of our halves belongs to."""
        if not circuit.running or pdu.pair in circuit.dead:
            return []
        half = circuit.halves.get(pdu.pair)
        if half is None:  # our link OK (or its purification) is still on its way
            circuit.remember_reach(pdu.pair, pdu.reach, pdu.far)
            return []
        circuit.extend(half, pdu.reach, pdu.far)
        self._try_swaps(circuit, now_ps)
        return self._finish(circuit)

    def _swap(self, circuit: Circuit, left_ent: EntanglementId, right_ent: EntanglementId) -> None:
        left = circuit.take(left_ent)
        right = circuit.take(right_ent)
        l_ent, r_ent = left.ref.entanglement_id, right.ref.entanglement_id
        circuit.swapped[l_ent] = r_ent
        circuit.swapped[r_ent] = l_ent
        self._swaps.setdefault((left.slot, right.slot), deque()).append((circuit.cid, left, right))
        data = {**circuit.trace_data(), "left": pair_json(l_ent), "right": pair_json(r_ent),
                "span": [left.reach, right.reach]}  # fmt: skip
        circuit.effects += [
            Trace(TraceRecord("qnp-swap", data)),
            SendDown(SwapRequest(left.slot, right.slot)),
        ]

    def _on_swapped(self, confirm: SwapConfirm, now_ps: int) -> list[Effect]:
        queue = self._swaps.get((confirm.slot_1, confirm.slot_2))
        if not queue:
            raise LocalProtocolError(f"{self.name}: swap confirm not asked for: {confirm!r}")
        cid, left, right = queue.popleft()
        if not queue:
            del self._swaps[(confirm.slot_1, confirm.slot_2)]
        circuit = self.circuits.get(cid)
        if circuit is None or not circuit.running:
            return []
        record = QnpSwapRecord(cid, circuit.index, left.ref, right.ref, confirm.outcome, now_ps)
        data = {**circuit.trace_data(), "outcome": confirm.outcome, "to": circuit.path[-1]}
        effects: list[Effect] = [
            Trace(TraceRecord("qnp-record", data)),
            SendPeer(circuit.path[-1], record),
        ]
        if self.swap_policy.tracks_reach:
            # Tell the new pair's ends (repeaters only: end nodes do not swap) what they hold.
            assert left.far is not None
            assert right.far is not None
            if left.reach != 0:
                notice = QnpSwapped(cid, left.far, right.reach, right.far)
                effects.append(SendPeer(circuit.path[left.reach], notice))
            if right.reach != circuit.hops:
                notice = QnpSwapped(cid, right.far, left.reach, left.far)
                effects.append(SendPeer(circuit.path[right.reach], notice))
        return effects

    # --- purification ---------------------------------------------------------------------

    def _on_purified(self, confirm: PurifyConfirm, now_ps: int) -> list[Effect]:
        owner = self._rounds.pop((confirm.keep_slot, confirm.sacrifice_slot), None)
        if owner is None:
            raise LocalProtocolError(f"{self.name}: purify confirm not asked for: {confirm!r}")
        cid, side = owner
        circuit = self.circuits.get(cid)
        if circuit is None:
            return []  # ended meanwhile: the kept half was released with the circuit
        channel = self._channel(circuit, side)
        self._on_ready(circuit, channel, channel.on_confirm(confirm.keep_slot, confirm.outcome),
                       now_ps)  # fmt: skip
        self._replenish(circuit, now_ps)
        return self._finish(circuit)

    def _on_purification_pdu(
        self, circuit: Circuit, src: str, pdu: PeerMessage, now_ps: int
    ) -> list[Effect]:
        # A draining head still finishes its rounds: the tail may have delivered pairs that
        # the head's half only becomes ready for when the follower's reply arrives.
        match pdu:
            case QnpPurify(scope=scope):
                self._channel(circuit, "left" if scope == "link" else "e2e").on_instruction(pdu)
            case QnpPurifyReply(scope=scope, keep=keep, bit=bit):
                channel = self._channel(circuit, "right" if scope == "link" else "e2e")
                self._on_ready(circuit, channel, channel.on_reply(keep, bit), now_ps)
            case QnpRawPair(head_pair=pair):
                if not circuit.is_head or circuit.e2e is None:
                    raise PeerProtocolError(f"{self.name}: end-to-end pair for {circuit.cid}")
                if pair in circuit.halves:
                    self._enter_e2e_at_head(circuit, pdu, now_ps)
                elif pair not in circuit.dead:
                    circuit.raw_pending[pair] = pdu
            case _:
                raise PeerProtocolError(f"{self.name}: unexpected {pdu!r} from {src}")
        self._replenish(circuit, now_ps)
        return self._finish(circuit)

    def _channel(self, circuit: Circuit, side: str) -> Channel:
        channel = {"left": circuit.link_left, "right": circuit.link_right, "e2e": circuit.e2e}[side]
        if channel is None:
            raise PeerProtocolError(
                f"{self.name}: {circuit.cid} has no {side} purification channel here"
            )
        return channel

    def _on_ready(
        self, circuit: Circuit, channel: Channel, ready: list[Candidate], now_ps: int
    ) -> None:
        """Pairs that finished purification go on: link pairs to swapping or delivery,
        end-to-end pairs to delivery."""
        for candidate in ready:
            if channel.side in ("left", "right"):
                half = Half(candidate.ref, candidate.slot, channel.side == "right")
                self._on_half(circuit, half, now_ps)
            elif circuit.is_tail:
                self._deliver_at_tail(circuit, candidate.slot, candidate.key, 0,
                                      candidate.ref.goodness, now_ps)  # fmt: skip
            else:
                circuit.e2e_ready[candidate.key] = candidate
                delivered = circuit.pending.pop(candidate.key, None)
                if delivered is not None:
                    self._deliver_at_head(circuit, delivered, now_ps)

    def _enter_e2e_at_head(self, circuit: Circuit, raw: QnpRawPair, now_ps: int) -> None:
        assert circuit.e2e is not None
        half = circuit.take(raw.head_pair)
        ref = LinkPairRef(raw.head_pair, raw.bell_index, raw.goodness, raw.create_time_ps)
        self._on_ready(circuit, circuit.e2e, circuit.e2e.add(Candidate.raw(ref, half.slot)),
                       now_ps)  # fmt: skip

    # --- tail end: assembly, delivery, endings --------------------------------------------

    def _on_record(self, circuit: Circuit, record: QnpSwapRecord, now_ps: int) -> list[Effect]:
        if not circuit.is_tail:
            raise PeerProtocolError(f"{self.name}: swap record for {circuit.cid}, not its tail")
        if not circuit.running or circuit.assembler is None:
            return []
        segment = circuit.assembler.add(record)
        if segment is not None:
            last = segment.right.entanglement_id
            if last in circuit.halves:
                self._complete(circuit, segment, now_ps)
            elif last not in circuit.dead:
                circuit.waiting[last] = segment
        return self._finish(circuit)

    def _complete(self, circuit: Circuit, segment: Segment, now_ps: int) -> None:
        """The tail holds the last link pair of a complete segment: deliver (or discard it)."""
        last = segment.right.entanglement_id
        cid = circuit.cid
        if self.e2e_cutoff_ps and now_ps - segment.oldest_ps > self.e2e_cutoff_ps:
            circuit.dead.add(last)
            circuit.release(last, "qnp-e2e-cutoff")
            assert circuit.upstream is not None
            circuit.effects.append(SendPeer(circuit.upstream, QnpDiscard(cid, last)))
            return
        half = circuit.take(last)
        head_pair = segment.left.entanglement_id
        if circuit.e2e is None:
            self._deliver_at_tail(circuit, half.slot, head_pair, segment.frame, segment.goodness,
                                  segment.newest_ps)  # fmt: skip
            return
        raw = QnpRawPair(cid, head_pair, segment.frame, segment.goodness, segment.oldest_ps)
        circuit.effects.append(SendPeer(cid.head, raw))
        ref = LinkPairRef(head_pair, segment.frame, segment.goodness, segment.oldest_ps)
        self._on_ready(circuit, circuit.e2e, circuit.e2e.add(Candidate.raw(ref, half.slot)),
                       now_ps)  # fmt: skip

    def _deliver_at_tail(
        self, circuit: Circuit, slot: int, head_pair: EntanglementId, frame: int,
        goodness: float, create_time_ps: int,
    ) -> None:  # fmt: skip
        """Deliver an end-to-end pair at the tail and tell the head which one it is."""
        if not circuit.running:  # the circuit ended meanwhile: the half is not needed
            circuit.effects.append(SendDown(ReleaseRequest(slot)))
            return
        cid = circuit.cid
        sequence = circuit.delivered
        circuit.delivered += 1
        ok = NetworkOkIndication(
            NetworkEntanglementId(cid.head, cid.request_id, sequence), cid.head, slot,
            frame, goodness, create_time_ps, circuit.path, circuit.purpose_id,
        )  # fmt: skip
        notice = QnpDelivered(cid, sequence, head_pair, frame, goodness, create_time_ps)
        data = {**circuit.trace_data(), "sequence": sequence, "bell_index": frame,
                "goodness": goodness, "slot": slot}  # fmt: skip
        circuit.effects += [
            Trace(TraceRecord("qnp-deliver", data)),
            self._hand_over(circuit, ok),
            SendPeer(cid.head, notice),
        ]
        if circuit.delivered == circuit.number:
            self._end_at_tail(circuit, None, "")

    def _hand_over(self, circuit: Circuit, ok: NetworkOkIndication) -> Effect:
        """Give a delivered end-to-end pair to the user: the OK itself (KEEP), or the readout
        of this end's half (MEASURE; the OK follows the :class:`MeasureConfirm`).

        A MEASURE end measures as soon as the pair exists at this end, which is when the Pauli
        frame of the swaps is known here; the frame stays in ``bell_index`` and the user
        applies it classically to the outcome. ``random`` draws Z or X from this node's
        network-layer stream, independently of the other end.
        """
        choice = circuit.measure_basis
        if not choice:
            return Indicate(ok)
        assert ok.slot is not None
        basis: MeasureBasis
        if choice == "random":
            basis = "Z" if self.rng.random() < 0.5 else "X"
        elif choice == "e91":
            angles = E91_ORIGIN_ANGLES_RAD if circuit.is_head else E91_REMOTE_ANGLES_RAD
            basis = angles[int(self.rng.integers(3))]
        else:
            basis = cast(Basis, choice)  # checked against _BASES when the request came
        self._measuring[ok.slot] = (circuit.cid, ok)
        return SendDown(MeasureRequest(ok.slot, basis))

    def _measuring_for(self, cid: CircuitId) -> bool:
        return any(owner == cid for owner, _ in self._measuring.values())

    def _end_at_tail(self, circuit: Circuit, code: NetworkErrorCode | None, message: str) -> None:
        if not circuit.running:
            return
        value = code.value if code is not None else ""
        circuit.end(value, message, circuit.delivered)
        teardown = QnpTeardown(circuit.cid, value, message, circuit.delivered)
        circuit.effects += [SendPeer(node, teardown) for node in circuit.path[:-1]]
        circuit.settle()

    def _on_abort(self, pdu: QnpAbort) -> list[Effect]:
        cid = pdu.circuit
        code = NetworkErrorCode(pdu.code)
        circuit = self.circuits.get(cid)
        if circuit is not None:
            self._end_at_tail(circuit, code, pdu.message)
            return self._finish(circuit)
        if cid in self.closed:
            return []
        # The setup has not reached us yet: end the circuit here and tell the others.
        self._tombstone(cid)
        teardown = QnpTeardown(cid, pdu.code, pdu.message, 0)
        data = {"head": cid.head, "request_id": cid.request_id, "code": pdu.code, "delivered": 0}
        return [
            Trace(TraceRecord("qnp-end", data)),
            Indicate(NetworkErrorIndication(cid.head, cid.request_id, code, pdu.message)),
            *(SendPeer(node, teardown) for node in pdu.path[:-1]),
        ]

    # --- head end and repeaters: endings --------------------------------------------------

    def _on_delivered(self, circuit: Circuit, pdu: QnpDelivered, now_ps: int) -> list[Effect]:
        if not circuit.is_head:
            raise PeerProtocolError(f"{self.name}: delivery notice for {circuit.cid}, not head")
        if pdu.head_pair in circuit.dead:
            raise PeerProtocolError(f"{self.name}: delivery of discarded pair {pdu.head_pair}")
        held = circuit.e2e_ready if circuit.e2e is not None else circuit.halves
        if pdu.head_pair in held:
            self._deliver_at_head(circuit, pdu, now_ps)
            self._replenish(circuit, now_ps)
        else:  # our link OK (or the end of our purification round) is still on its way
            circuit.pending[pdu.head_pair] = pdu
        return self._finish(circuit)

    def _deliver_at_head(self, circuit: Circuit, pdu: QnpDelivered, now_ps: int) -> None:
        if circuit.e2e is not None:
            slot = circuit.e2e_ready.pop(pdu.head_pair).slot
        else:
            slot = circuit.take(pdu.head_pair).slot
        circuit.delivered += 1
        cid = circuit.cid
        ok = NetworkOkIndication(
            NetworkEntanglementId(cid.head, cid.request_id, pdu.sequence), circuit.path[-1],
            slot, pdu.bell_index, pdu.goodness, pdu.create_time_ps, circuit.path,
            circuit.purpose_id,
        )  # fmt: skip
        data = {**circuit.trace_data(), "sequence": pdu.sequence, "bell_index": pdu.bell_index,
                "slot": slot}  # fmt: skip
        circuit.effects += [Trace(TraceRecord("qnp-deliver", data)), self._hand_over(circuit, ok)]
        if circuit.running and circuit.delivered == circuit.number:
            circuit.end("", "", circuit.number)
        if circuit.state is CircuitState.DRAINING:
            circuit.settle()

    def _on_teardown(self, pdu: QnpTeardown) -> list[Effect]:
        circuit = self.circuits.get(pdu.circuit)
        if circuit is None:
            if pdu.circuit not in self.closed:
                self._tombstone(pdu.circuit)
            return []
        if not circuit.running:
            return []
        circuit.end(pdu.code, pdu.message, pdu.delivered)
        circuit.settle()
        return self._finish(circuit)

    def _tombstone(self, cid: CircuitId) -> None:
        self.closed.add(cid)
        self._early.pop(cid, None)

    def _finish(self, circuit: Circuit) -> list[Effect]:
        """Drain the circuit's effects; forget it once closed.

        A MEASURE circuit's ERROR waits for the readouts still in progress, so that the user
        sees every OK of the request before its one terminal ERROR.
        """
        if circuit.closed:
            del self.circuits[circuit.cid]
            self._tombstone(circuit.cid)
        effects = circuit.drain()
        if circuit.measure_basis and self._measuring_for(circuit.cid):
            errors = [
                e for e in effects
                if type(e) is Indicate and type(e.primitive) is NetworkErrorIndication
            ]  # fmt: skip
            if errors:
                self._held_errors.setdefault(circuit.cid, []).extend(errors)
                effects = [e for e in effects if e not in errors]
        return effects

    # --- cutoffs and discards -------------------------------------------------------------

    def _cutoff(self, circuit: Circuit, ent: EntanglementId, now_ps: int) -> list[Effect]:
        half = circuit.halves[ent]
        circuit.dead.add(ent)
        circuit.release(ent, "qnp-cutoff")
        neighbour = circuit.downstream if half.right else circuit.upstream
        assert neighbour is not None
        circuit.effects.append(SendPeer(neighbour, QnpDiscard(circuit.cid, ent)))
        self._replenish(circuit, now_ps)
        return circuit.drain()

    def _on_discard(self, circuit: Circuit, ent: EntanglementId, now_ps: int) -> list[Effect]:
        if not circuit.running or ent in circuit.dead:
            return []
        circuit.dead.add(ent)
        if ent in circuit.halves:
            circuit.release(ent, "qnp-discard")
            if circuit.assembler is not None:
                circuit.assembler.forget(ent)
        elif ent in circuit.swapped:  # the segment is dead: pass it on along the swap
            joined = circuit.swapped.pop(ent)
            circuit.swapped.pop(joined, None)
            circuit.dead.add(joined)
            neighbour = circuit.downstream if joined.origin == self.name else circuit.upstream
            assert neighbour is not None
            data = {**circuit.trace_data(), "pair": pair_json(ent), "forward": pair_json(joined)}
            circuit.effects += [
                Trace(TraceRecord("qnp-discard-forward", data)),
                SendPeer(neighbour, QnpDiscard(circuit.cid, joined)),
            ]
        self._replenish(circuit, now_ps)
        return self._finish(circuit)


def _held(half: Half) -> HeldHalf:
    ref = half.ref
    return HeldHalf(ref.entanglement_id, ref.goodness, ref.create_time_ps, half.reach)


def _malformed(request: NetworkCreateRequest, node: str) -> str:
    if request.number < 1:
        return f"number must be >= 1, got {request.number}"
    if request.max_time_ps < 0:
        return f"max_time_ps must be >= 0, got {request.max_time_ps}"
    if not 0.0 <= request.min_fidelity <= 1.0:
        return f"min_fidelity must be in [0, 1], got {request.min_fidelity}"
    if request.remote == node:
        return f"remote is this node ({node!r})"
    if request.request_type is RequestType.MEASURE and request.measure_basis not in _BASES:
        allowed = ", ".join(repr(b) for b in _BASES)
        return f"measure_basis must be one of {allowed}, got {request.measure_basis!r}"
    return ""


_BASES = ("Z", "X", "Y", "random", "e91")


def create_qnp(
    name: str, config: QnpConfig, context: NetworkContext, rng: np.random.Generator
) -> Qnp:
    """Plugin factory: the QNP entity of node ``name``."""
    return Qnp(name, config, context, rng)


PLUGIN = PluginSpec(
    name="qnp",
    layer=LayerName.NETWORK,
    description="QNP-like virtual circuits (Kozlowski et al. 2020): hop-by-hop set-up, "
    "per-hop fidelity split, swap-ASAP or nested repeaters, DEJMPS/BBPSSW purification per "
    "link or end to end, Pauli frames tracked to both ends, per-link and end-to-end cutoffs.",
    config_model=QnpConfig,
    factory=create_qnp,
)
