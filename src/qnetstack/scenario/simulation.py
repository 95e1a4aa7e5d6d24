"""Build a runtime from a scenario, run it, and report results.

The builder places one heralding station per link (named ``station:<a>-<b>``) at
``station_position`` along the fibre, connects nodes and station with classical channels whose
delay is the fibre's (light-speed of the platform config, when it has one), and stacks on every
end node the platform's hardware entity and the link-layer entity.

Requests are the application's role in this scenario runner: at ``start_s`` a CREATE goes into
the source's link layer. When both ends have announced a pair (OK), the runner reads the pair's
*simulated* state (aged to that instant) from the pair store, computes its fidelity to the
announced Bell state, and releases both halves. This observer role is the only code that reads
ground-truth quantum states; no protocol does.

With a transport layer (a ``teleport`` request, or a ``transport:`` section) every node gets
the transport entity above its network layer. A teleport request is a session of the
``teleport-client`` app (:mod:`qnetstack.apps.teleport_client`) at ``start_s``: ``pairs``
qubits offered to the destination's app, then teleported; the runner measures each qubit the
receiver's app indicates against the state sent, from the ground truth (the receiver's half
after the teleportation, aged to the delivery, with the Pauli correction the indication
carries) and frees it; errors are counted where the sender's app reports them.

Apps: every node with a network layer gets one app host (:mod:`qnetstack.apps.host`) holding
the apps the scenario needs — its ``app:`` plugin, ``bbm92`` for routed QKD requests,
``teleport-client`` for teleport requests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import networkx as nx
from pydantic import BaseModel

from qnetstack import __version__
from qnetstack.analysis.stats import mean_ci95, percentiles
from qnetstack.apps import (
    AppResultIndication,
    AppSessionRequest,
    Bbm92Config,
    BellTestResultIndication,
    BellTestSessionRequest,
    ChshConfig,
    KeyBlockFailedIndication,
    KeyDeliveredIndication,
    QkdSessionEndIndication,
    QkdSessionRequest,
    SessionId,
    TeleportClientConfig,
    TeleportedQubitIndication,
    TeleportQubitFailedIndication,
    TeleportQubitSentIndication,
    TeleportSessionRequest,
)
from qnetstack.apps.host import AppHost
from qnetstack.apps.qkd import E91_PREPARATION_QUALITY
from qnetstack.linklayer.primitives import (
    CreateRequest,
    EntanglementId,
    ErrorIndication,
    OkIndication,
    ReleaseRequest,
    RequestType,
)
from qnetstack.network.config import DirectConfig
from qnetstack.network.context import NetworkContext
from qnetstack.network.direct import DIRECT_PLUGIN
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorIndication,
    NetworkOkIndication,
    NetworkReleaseRequest,
)
from qnetstack.network.swap import SwapPolicyRegistry
from qnetstack.physical.device import MemoryDevice
from qnetstack.physical.platform import LinkGeometry, LinkInfo, PhysicalPlatform
from qnetstack.physical.purification import PurificationRegistry
from qnetstack.physical.qstore import PairState, PairStore
from qnetstack.physical.station import AttemptStation, Station
from qnetstack.quantum import BELL_CORRELATION, MeasureBasis
from qnetstack.runtime import PluginRegistry, Runtime, fibre_delay_ps
from qnetstack.scenario.chsh_app import ChshAppRecord
from qnetstack.scenario.ghz import GHZ_REQUEST_BASE, GhzRequest
from qnetstack.scenario.load import LoadedScenario
from qnetstack.scenario.measured import qkd_parameters
from qnetstack.scenario.qkd_app import QkdAppRecord, bell_figures
from qnetstack.scenario.routing import make_router
from qnetstack.scenario.schema import RoutingSpec
from qnetstack.service import Layer, LayerName, PluginSpec, Primitive
from qnetstack.transport import ReleaseQubitRequest, TeleportConfig
from qnetstack.transport.states import payload_ket

__all__ = ["RequestStats", "Simulation", "run_scenario"]

_PS_PER_S = 1_000_000_000_000


@dataclass(slots=True)
class RequestStats:
    """What one request got, collected while the simulation runs."""

    index: int
    src: str
    dst: str
    requested: int
    start_ps: int
    request_type: str = "keep"
    goodness: list[float] = field(default_factory=list)
    sifted: dict[str, list[int]] = field(default_factory=dict)  # basis -> [pairs, errors]
    delivered: int = 0
    fidelities: list[float] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    error_messages: list[str] = field(default_factory=list)
    last_delivery_ps: int | None = None
    finished: bool = False
    qkd: dict[str, Any] | None = None
    chsh: dict[str, Any] | None = None
    teleport: _TeleportStats | None = None
    ghz: GhzRequest | None = None
    app_qkd: QkdAppRecord | None = None  # 'qkd' requests: run by the bbm92 app
    app_chsh: ChshAppRecord | None = None  # 'chsh' requests without qkd: run by the chsh app
    app: dict[str, Any] | None = None  # app_session requests: each end's AppResultIndication

    def to_json(self) -> dict[str, Any]:
        """The results-contract entry for this request."""
        mean, (lo, hi) = mean_ci95(self.fidelities)
        lat_mean, _ = mean_ci95(self.latencies_s)
        p50, p95 = percentiles(self.latencies_s, (50, 95))
        rate = 0.0
        if self.delivered and self.last_delivery_ps is not None:
            elapsed_s = (self.last_delivery_ps - self.start_ps) / _PS_PER_S
            rate = self.delivered / elapsed_s if elapsed_s > 0 else 0.0
        goodness_mean, _ = mean_ci95(self.goodness)
        qber = {
            basis: {"pairs": n, "errors": e, "rate": e / n if n else None}
            for basis, (n, e) in sorted(self.sifted.items())
        }
        return {
            "id": self.index,
            "type": self.request_type,
            "src": self.src,
            "dst": self.dst,
            "requested": self.requested,
            "delivered": self.delivered,
            "completed": self.delivered == self.requested,
            "rate_hz": rate,
            "fidelity": {"mean": mean, "ci95": [lo, hi], "n": len(self.fidelities)},
            "goodness_mean": goodness_mean,
            "qber": qber,
            "latency_s": {"mean": lat_mean, "p50": p50, "p95": p95},
            "errors": dict(sorted(self.errors.items())),
            "error_messages": list(self.error_messages),
            "qkd": self.qkd,
            "chsh": self.chsh,
            **({"teleport": self.teleport.to_json(self)} if self.teleport is not None else {}),
            **({"ghz": self.ghz.to_json()} if self.ghz is not None else {}),
            **({"app": dict(self.app)} if self.app is not None else {}),
        }


@dataclass(slots=True)
class _TeleportStats:
    """What a teleport request's qubits did (fidelities go to the request's ``fidelity``)."""

    state: str | list[float]
    ket: Any
    sent: int = 0
    failed: int = 0
    sequences: list[int] = field(default_factory=list)  # delivery order
    corrections: dict[int, int] = field(default_factory=dict)  # Pauli mask -> count

    def to_json(self, stats: RequestStats) -> dict[str, Any]:
        mean, (lo, hi) = mean_ci95(stats.fidelities)
        in_order = all(a < b for a, b in zip(self.sequences, self.sequences[1:], strict=False))
        goodness, _ = mean_ci95(stats.goodness)
        return {
            "state": self.state,
            "qubits": stats.requested,
            "sent": self.sent,
            "delivered": stats.delivered,
            "failed": self.failed,
            "in_order": in_order,
            "fidelity": {"mean": mean, "ci95": [lo, hi], "n": len(stats.fidelities)},
            "expected_from_goodness": None if goodness is None else (2 * goodness + 1) / 3,
            "corrections": {str(k): v for k, v in sorted(self.corrections.items())},
        }


@dataclass(slots=True)
class _Half:
    node: str
    slot: int | None
    bell_index: int
    time_ps: int
    outcome: int | None = None
    basis: MeasureBasis | None = None


class Simulation:
    """One scenario, built and ready to run.

    Args:
        loaded: A validated scenario.
        registry: Where the scenario's plugins come from.
        trace: Record every trace event (for ``qnetstack trace`` and tests).
        seed: Overrides the scenario's seed when given.
    """

    def __init__(
        self,
        loaded: LoadedScenario,
        registry: PluginRegistry,
        *,
        trace: bool = False,
        seed: int | None = None,
    ) -> None:
        self.loaded = loaded
        scenario = loaded.scenario
        self.seed = scenario.seed if seed is None else seed
        self.runtime = Runtime(self.seed, trace=trace)
        self.store = PairStore(scenario.formalism)
        platform_spec = registry.get(LayerName.PHYSICAL, scenario.platform.plugin)
        link_spec = registry.get(LayerName.LINK, scenario.link_layer.plugin)
        platform_config = loaded.plugin_configs["platform"]
        self.platform: PhysicalPlatform[Any] = platform_spec.factory(platform_config, self.store)
        self.link_infos: list[LinkInfo] = []
        self.stations: list[Station] = []
        self._build(link_spec.factory, loaded.plugin_configs["link_layer"])
        self.graph: nx.Graph[str] | None = None
        """The network layer's topology when the scenario has one (requests are then network
        requests); None for a link-only scenario, even under apps (see below)."""
        if scenario.network is not None:
            network_spec = registry.get(LayerName.NETWORK, scenario.network.plugin)
            self.graph = self._build_network(network_spec.factory, loaded.plugin_configs["network"])
        apps = self._chosen_apps(registry) if self._wants_app() else []
        transport = self._wants_transport(apps)
        if (apps or transport) and scenario.network is None:
            # Apps speak the network layer's service: over one link it is the 'direct' layer
            # (each end-to-end pair one link pair); the scenario's own requests stay link
            # requests, so link-only results do not change.
            direct = registry.get(LayerName.NETWORK, DIRECT_PLUGIN)
            self._build_network(direct.factory, DirectConfig())
        if transport:
            self._build_transport(registry)
        self._app_records: dict[frozenset[str], list[QkdAppRecord | ChshAppRecord]] = {}
        self._has_app = bool(apps)
        if self._has_app:
            self._build_app(apps)
        self.requests: list[RequestStats] = []
        self._halves: dict[EntanglementId | NetworkEntanglementId, _Half] = {}
        self._due_ps: dict[int, int] = {}
        self._ghz_ids: dict[int, tuple[int, str]] = {}  # network request id -> (request, role)
        self._next_ghz_id = GHZ_REQUEST_BASE
        self._open = 0
        for node in self.runtime.nodes.values():
            node.top_handler = self._on_top
        self._schedule_requests()

    # --- building -------------------------------------------------------------------------

    def _build(self, link_factory: Any, link_config: BaseModel) -> None:
        scenario = self.loaded.scenario
        runtime = self.runtime
        speed = self.platform.speed_of_light_km_per_s
        neighbours: dict[str, dict[str, LinkInfo]] = {n.name: {} for n in scenario.nodes}
        for node in scenario.nodes:
            runtime.add_node(node.name)
        for link in scenario.links:
            a, b = link.nodes
            station = f"station:{a}-{b}"
            runtime.add_node(station)
            arm_a_km = link.length_km * link.station_position
            arm_b_km = link.length_km - arm_a_km
            geometry = LinkGeometry(
                a, b, station, arm_a_km, arm_b_km,
                fibre_delay_ps(arm_a_km, speed), fibre_delay_ps(arm_b_km, speed),
            )  # fmt: skip
            info = self.platform.link_info(geometry)
            self.link_infos.append(info)
            neighbours[a][b] = info
            neighbours[b][a] = info
            runtime.connect(a, station, geometry.arm_a_delay_ps)
            runtime.connect(b, station, geometry.arm_b_delay_ps)
            loss = link.classical_loss_probability
            runtime.connect(a, b, fibre_delay_ps(link.length_km, speed), loss)
            station_entity = self.platform.create_station(info, runtime.rng(f"{station}/physical"))
            if isinstance(station_entity, Station):
                self.stations.append(station_entity)
            if isinstance(station_entity, AttemptStation):
                station_entity.tracing = runtime.trace.recording
            runtime.node(station).add(station_entity)
        for name, links in neighbours.items():
            stack = runtime.node(name)
            stack.add(self.platform.create_node(name, links, runtime.rng(f"{name}/physical")))
            stack.add(link_factory(name, link_config, links, runtime.rng(f"{name}/link")))

    def _build_network(self, factory: Any, config: BaseModel) -> nx.Graph[str]:
        """The network layer on top of every node, with the topology as its context.

        Classical messages between nodes that are not neighbours take the shortest fibre path
        (store-and-forward, no queueing), and routes come from the routing strategy.
        """
        scenario = self.loaded.scenario
        speed = self.platform.speed_of_light_km_per_s
        graph: nx.Graph[str] = nx.Graph()
        graph.add_nodes_from(node.name for node in scenario.nodes)
        for link, info in zip(scenario.links, self.link_infos, strict=True):
            graph.add_edge(*link.nodes, length_km=link.length_km, link=info)
        lengths = dict(nx.all_pairs_dijkstra_path_length(graph, weight="length_km"))

        def delay(src: str, dst: str) -> int | None:
            km = lengths.get(src, {}).get(dst)
            return None if km is None else fibre_delay_ps(km, speed)

        self.runtime.multi_hop_delay_ps = delay
        context = NetworkContext(
            graph=graph,
            route=self._route_function(graph),
            swap_policies=SwapPolicyRegistry.from_entry_points(),
            purification_protocols=PurificationRegistry.from_entry_points(),
        )
        for node in scenario.nodes:
            rng = self.runtime.rng(f"{node.name}/network")
            self.runtime.node(node.name).add(factory(node.name, config, context, rng))
        return graph

    def _wants_transport(self, apps: list[tuple[PluginSpec, BaseModel]]) -> bool:
        scenario = self.loaded.scenario
        wanted = scenario.transport is not None or any(r.teleport for r in scenario.requests)
        needed = any(LayerName.TRANSPORT in spec.needs for spec, _ in apps)
        return wanted or needed

    def _build_transport(self, registry: PluginRegistry) -> None:
        """The transport layer above the network layer of every node (teleport requests are
        sessions of the teleportation client above it)."""
        self._add_layer(registry, LayerName.TRANSPORT, "teleport", TeleportConfig())

    def _wants_app(self) -> bool:
        scenario = self.loaded.scenario
        return scenario.app is not None or any(
            r.qkd is not None or r.chsh or r.app_session or r.teleport is not None
            for r in scenario.requests
        )

    def _chosen_apps(self, registry: PluginRegistry) -> list[tuple[PluginSpec, BaseModel]]:
        """The apps of every node's host, top first: the scenario's ``app:`` plugin (so it
        takes ``app_session`` requests), then ``bbm92`` when requests ask for QKD and
        ``teleport-client`` when they teleport, each with its configuration."""
        scenario = self.loaded.scenario
        chosen: list[tuple[PluginSpec, BaseModel]] = []
        if scenario.app is not None:
            spec = registry.get(LayerName.APP, scenario.app.plugin)
            chosen.append((spec, self.loaded.plugin_configs["app"]))
        builtins = (
            ("bbm92", Bbm92Config(), any(r.qkd is not None for r in scenario.requests)),
            ("chsh", ChshConfig(), any(r.chsh and r.qkd is None for r in scenario.requests)),
            ("teleport-client", TeleportClientConfig(), any(r.teleport for r in scenario.requests)),
        )
        for name, defaults, wanted in builtins:
            if wanted and all(name != spec.name for spec, _ in chosen):
                chosen.append((registry.get(LayerName.APP, name), defaults))
        return chosen

    def _build_app(self, chosen: list[tuple[PluginSpec, BaseModel]]) -> None:
        """The application layer on top of every node: an app host (:mod:`qnetstack.apps.host`)
        holding the chosen apps; the pair store reports measured pairs' fidelities to us."""
        for node in self.loaded.scenario.nodes:
            apps: list[tuple[str, Layer]] = []
            for spec, config in chosen:
                # the first app keeps the node's <name>/app stream (scenarios with one app run
                # as before); the others get <name>/app/<plugin>
                stream = f"{node.name}/app" if not apps else f"{node.name}/app/{spec.name}"
                apps.append((spec.name, spec.factory(node.name, config, self.runtime.rng(stream))))
            self.runtime.node(node.name).add(AppHost(apps))
        self.store.measure_observer = self._observe_measured

    def _add_layer(
        self, registry: PluginRegistry, layer: LayerName, default: str, defaults: BaseModel
    ) -> None:
        """Put the scenario's plugin of ``layer`` (its section is named after the layer; the
        ``default`` plugin with ``defaults`` when the section is absent) on every node, with
        the node's ``<name>/<layer>`` random stream."""
        choice = getattr(self.loaded.scenario, layer.value)
        spec = registry.get(layer, choice.plugin if choice is not None else default)
        config = self.loaded.plugin_configs.get(layer.value) or defaults
        for node in self.loaded.scenario.nodes:
            rng = self.runtime.rng(f"{node.name}/{layer.value}")
            self.runtime.node(node.name).add(spec.factory(node.name, config, rng))

    def _observe_measured(self, holders: tuple[str, str], state: PairState, now_ps: int) -> None:
        """Ground truth, observer only: the fidelity of an app's pair at its first readout."""
        records = self._app_records.get(frozenset(holders))
        if records:
            fidelity, error_z, error_x = bell_figures(state)
            for record in records:
                record.fidelities.append(fidelity)
                record.predicted_errors.append((error_z, error_x))

    def _route_function(self, graph: nx.Graph[str]) -> Any:
        """``(src, dst) -> path`` from the scenario's routing strategy."""
        spec = self.loaded.scenario.routing or RoutingSpec()
        return make_router(graph, spec.strategy, spec.options())

    def _schedule_requests(self) -> None:
        for index, spec in enumerate(self.loaded.scenario.requests):
            start_ps = round(spec.start_s * _PS_PER_S)
            stats = RequestStats(index, spec.src, spec.dst, spec.pairs, start_ps, spec.type)
            self.requests.append(stats)
            self._due_ps[index] = start_ps
            self._open += 1
            if spec.qkd is not None:
                self._schedule_app_qkd(stats, start_ps)
                continue
            if spec.chsh:
                self._schedule_app_chsh(stats, start_ps)
                continue
            if spec.app_session:
                stats.request_type = "app"
                stats.app = {}
                session = AppSessionRequest(
                    stats.index, spec.dst, spec.pairs, spec.min_fidelity,
                    round(spec.max_time_s * _PS_PER_S),
                )  # fmt: skip
                self.runtime.request_at(start_ps, spec.src, session, LayerName.APP)
                continue
            if spec.teleport is not None:
                self._schedule_teleport(stats, start_ps)
                continue
            if spec.ghz is not None:
                stats.request_type = "ghz"
                rng = self.runtime.rng(f"app/ghz/{index}")
                stats.ghz = GhzRequest(index, spec.src, spec.dst, spec.ghz.other, rng)
                self.runtime.sim.schedule_at(start_ps, partial(self._ghz_round, stats))
                continue
            create = CreateRequest(
                request_id=index,
                remote=spec.dst,
                number=spec.pairs,
                min_fidelity=spec.min_fidelity,
                max_time_ps=round(spec.max_time_s * _PS_PER_S),
                request_type=RequestType.KEEP if spec.type == "keep" else RequestType.MEASURE,
                measure_basis=spec.measure_basis,
                priority=spec.priority,
                purpose_id=spec.purpose_id,
                atomic=spec.atomic,
            )
            if self.graph is not None:
                e2e = NetworkCreateRequest(
                    request_id=index,
                    remote=spec.dst,
                    number=spec.pairs,
                    min_fidelity=spec.min_fidelity,
                    max_time_ps=round(spec.max_time_s * _PS_PER_S),
                    purpose_id=spec.purpose_id,
                    request_type=create.request_type,
                    measure_basis=spec.measure_basis,
                )
                self.runtime.request_at(start_ps, spec.src, e2e, LayerName.NETWORK)
            else:
                self.runtime.request_at(start_ps, spec.src, create, LayerName.LINK)

    def _schedule_app_qkd(self, stats: RequestStats, start_ps: int) -> None:
        """Open a QKD session on the source's app at the start time (the app asks the network
        layer for the measured pairs and talks to its peer)."""
        spec = self.loaded.scenario.requests[stats.index]
        assert spec.qkd is not None
        record = QkdAppRecord.between(spec.src, spec.dst)
        stats.app_qkd = record
        self._app_records.setdefault(frozenset((spec.src, spec.dst)), []).append(record)
        e91 = spec.qkd.protocol == "e91"
        session = QkdSessionRequest(
            session=stats.index,
            remote=spec.dst,
            pairs=spec.pairs,
            parameters=qkd_parameters(spec.qkd, E91_PREPARATION_QUALITY if e91 else 1.0),
            min_fidelity=spec.min_fidelity,
            max_time_ps=round(spec.max_time_s * _PS_PER_S),
            protocol=spec.qkd.protocol,
        )
        self.runtime.request_at(start_ps, spec.src, session, LayerName.APP)

    def _schedule_app_chsh(self, stats: RequestStats, start_ps: int) -> None:
        """Open a Bell test on the source's ``chsh`` app at the start time."""
        spec = self.loaded.scenario.requests[stats.index]
        record = ChshAppRecord(spec.src, spec.dst)
        stats.app_chsh = record
        self._app_records.setdefault(frozenset((spec.src, spec.dst)), []).append(record)
        session = BellTestSessionRequest(
            session=stats.index,
            remote=spec.dst,
            pairs=spec.pairs,
            settings="e91" if spec.measure_basis == "e91" else "random",
            min_fidelity=spec.min_fidelity,
            max_time_ps=round(spec.max_time_s * _PS_PER_S),
        )
        self.runtime.request_at(start_ps, spec.src, session, LayerName.APP)

    def _stats_of(self, sid: SessionId) -> RequestStats | None:
        """The request a session serves (the runner numbers sessions by request index)."""
        if 0 <= sid.number < len(self.requests) and self.requests[sid.number].src == sid.origin:
            return self.requests[sid.number]
        return None

    def _on_app(self, node: str, primitive: Primitive, now_ps: int) -> bool:
        """What apps indicate (key blocks, failed blocks, session ends, generic results);
        True if it was one."""
        match primitive:
            case AppResultIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is None or stats.app is None:
                    return True  # a QKD session's summary: its record has it all
                stats.app[node] = {"role": primitive.role, **primitive.result}
                if node == stats.src:
                    stats.delivered = int(primitive.result.get("pairs", 0))
                    stats.last_delivery_ps = now_ps
                if len(stats.app) == 2 and not stats.finished:
                    self._finish(stats)
                return True
            case KeyDeliveredIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is not None and stats.app_qkd is not None:  # else: only in a summary
                    stats.app_qkd.on_key(primitive, now_ps)
                return True
            case KeyBlockFailedIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is not None and stats.app_qkd is not None:
                    stats.app_qkd.on_failed(primitive)
                return True
            case BellTestResultIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is None or stats.app_chsh is None:
                    return True
                stats.app_chsh.on_result(primitive)
                self._session_end(stats, primitive, stats.app_chsh.finished, now_ps)
                return True
            case QkdSessionEndIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is None or stats.app_qkd is None:
                    return True
                stats.app_qkd.on_end(primitive)
                self._session_end(stats, primitive, stats.app_qkd.finished, now_ps)
                return True
        return False

    def _session_end(
        self,
        stats: RequestStats,
        end: BellTestResultIndication | QkdSessionEndIndication,
        finished: bool,
        now_ps: int,
    ) -> None:
        """One end of a QKD or CHSH session ended: Alice's end gives the pairs measured and
        the error; the request is done when the record says both ends are."""
        if end.role == "alice":
            stats.delivered = end.pairs
            stats.last_delivery_ps = now_ps
            if end.error:
                stats.errors[end.error] = stats.errors.get(end.error, 0) + 1
                stats.error_messages.append(f"{end.error}: {end.message}")
        if finished and not stats.finished:
            self._finish(stats)

    def _schedule_teleport(self, stats: RequestStats, start_ps: int) -> None:
        """Open a session of ``pairs`` qubits on the source's teleportation client at the start
        time (the app offers them to the destination's app, then hands them to the transport
        layer)."""
        spec = self.loaded.scenario.requests[stats.index]
        assert spec.teleport is not None
        state = spec.teleport.state
        stats.request_type = "teleport"
        stats.teleport = _TeleportStats(
            state if isinstance(state, str) else list(state), payload_ket(state)
        )
        session = TeleportSessionRequest(
            session=stats.index,
            remote=spec.dst,
            qubits=spec.pairs,
            state=state,
            min_fidelity=(2 * spec.min_fidelity + 1) / 3,  # the transport inverts F7 again
            max_time_ps=round(spec.max_time_s * _PS_PER_S),
        )
        self.runtime.request_at(start_ps, spec.src, session, LayerName.APP)

    def _on_teleport(self, node: str, primitive: Primitive, now_ps: int) -> bool:
        """What the teleportation client indicates; True if it was that."""
        match primitive:
            case TeleportedQubitIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is not None and stats.teleport is not None:
                    self._on_qubit(node, stats, primitive, now_ps)
                else:  # a generic app session's qubit: nobody measures it, free the memory
                    release = ReleaseQubitRequest(primitive.slot)
                    self.runtime.request(node, release, LayerName.APP)
                return True
            case TeleportQubitSentIndication(session=sid):
                stats = self._stats_of(sid)
                if stats is not None and stats.teleport is not None:
                    stats.teleport.sent += 1
                return True
            case TeleportQubitFailedIndication(session=sid, code=code, message=message):
                stats = self._stats_of(sid)
                if stats is not None and stats.teleport is not None:
                    stats.teleport.failed += 1
                    stats.errors[code] = stats.errors.get(code, 0) + 1
                    if len(stats.error_messages) < 10:
                        stats.error_messages.append(f"{code}: {message}")
                    self._teleport_progress(stats)
                return True
        return False

    def _on_qubit(
        self, node: str, stats: RequestStats, qubit: TeleportedQubitIndication, now_ps: int
    ) -> None:
        """A qubit arrived (observer): its fidelity to the state sent, from the ground truth;
        then the receiver's memory is freed."""
        teleport = stats.teleport
        assert teleport is not None
        pair_id, qubit_index = self._device(node).held(qubit.slot)
        state = self.store.qubit_state(pair_id, qubit_index, now_ps)
        corrected = self.store.corrected(state, qubit.correction)
        stats.fidelities.append(float(corrected.fidelity_pure(teleport.ket)))
        stats.goodness.append(qubit.goodness)
        teleport.sequences.append(qubit.index)
        teleport.corrections[qubit.correction] = teleport.corrections.get(qubit.correction, 0) + 1
        stats.delivered += 1
        stats.latencies_s.append((now_ps - self._due_ps[stats.index]) / _PS_PER_S)
        self._due_ps[stats.index] = now_ps
        stats.last_delivery_ps = now_ps
        self.runtime.request(node, ReleaseQubitRequest(qubit.slot), LayerName.APP)
        self._teleport_progress(stats)

    def _teleport_progress(self, stats: RequestStats) -> None:
        assert stats.teleport is not None
        if not stats.finished and stats.delivered + stats.teleport.failed == stats.requested:
            self._finish(stats)

    def _ghz_round(self, stats: RequestStats) -> None:
        """Ask for the next GHZ state's two pairs at the centre."""
        assert stats.ghz is not None
        spec = self.loaded.scenario.requests[stats.index]
        for role, create in stats.ghz.round_requests(self._next_ghz_id):
            self._ghz_ids[create.request_id] = (stats.index, role)
            create = NetworkCreateRequest(
                request_id=create.request_id,
                remote=create.remote,
                min_fidelity=spec.min_fidelity,
                max_time_ps=round(spec.max_time_s * _PS_PER_S),
                purpose_id=spec.purpose_id,
            )
            self.runtime.request(stats.src, create, LayerName.NETWORK)
        self._next_ghz_id += 2

    def _on_ghz(self, node: str, primitive: Primitive, now_ps: int) -> bool:
        """OKs and errors of GHZ pairs; True when ``primitive`` was one."""
        match primitive:
            case NetworkOkIndication(entanglement_id=ent) if ent.request_id in self._ghz_ids:
                index, role = self._ghz_ids[ent.request_id]
                stats = self.requests[index]
                assert stats.ghz is not None
                if stats.finished:
                    if primitive.slot is not None:
                        release = NetworkReleaseRequest(primitive.slot)
                        self.runtime.request(node, release, LayerName.NETWORK)
                    return True
                if node == stats.src:
                    stats.goodness.append(primitive.goodness)
                if stats.ghz.add(role, node, primitive):
                    devices = {n: self._device(n) for n in (stats.ghz.a, stats.src, stats.ghz.c)}
                    for holder, slot in stats.ghz.fuse(self.store, devices, now_ps):
                        self.runtime.request(holder, NetworkReleaseRequest(slot), LayerName.NETWORK)
                    stats.fidelities.append(stats.ghz.fidelities[-1])
                    stats.delivered += 1
                    stats.latencies_s.append((now_ps - self._due_ps[index]) / _PS_PER_S)
                    self._due_ps[index] = now_ps
                    stats.last_delivery_ps = now_ps
                    if stats.delivered == stats.requested:
                        self._finish(stats)
                    else:
                        self._ghz_round(stats)
                return True
            case NetworkErrorIndication(origin, rid, code, message) if rid in self._ghz_ids:
                stats = self.requests[self._ghz_ids[rid][0]]
                if node == origin and not stats.finished:
                    stats.errors[code.value] = stats.errors.get(code.value, 0) + 1
                    stats.error_messages.append(f"{code.value}: {message}")
                    assert stats.ghz is not None
                    for holder, slot in stats.ghz.drop_round():
                        self.runtime.request(holder, NetworkReleaseRequest(slot), LayerName.NETWORK)
                    self._finish(stats)
                return True
        return False

    # --- the application role -------------------------------------------------------------

    def _on_top(self, node: str, primitive: Primitive, now_ps: int) -> None:
        if self._has_app and self._on_app(node, primitive, now_ps):
            return
        if self._has_app and self._on_teleport(node, primitive, now_ps):
            return
        if self._ghz_ids and self._on_ghz(node, primitive, now_ps):
            return
        match primitive:
            case OkIndication() | NetworkOkIndication():
                self._on_ok(node, primitive, now_ps)
            case ErrorIndication(origin, request_id, code, message) | NetworkErrorIndication(
                origin, request_id, code, message
            ):
                stats = self.requests[request_id]
                if node == origin and not stats.finished:
                    stats.errors[code.value] = stats.errors.get(code.value, 0) + 1
                    stats.error_messages.append(f"{code.value}: {message}")
                    self._finish(stats)

    def _on_ok(self, node: str, ok: OkIndication | NetworkOkIndication, now_ps: int) -> None:
        ent = ok.entanglement_id
        other = self._halves.pop(ent, None)
        if other is None:
            self._halves[ent] = _Half(node, ok.slot, ok.bell_index, now_ps, ok.outcome, ok.basis)
            return
        stats = self.requests[ent.request_id]
        stats.goodness.append(ok.goodness)
        if other.bell_index != ok.bell_index:
            stats.errors["BELL_MISMATCH"] = stats.errors.get("BELL_MISMATCH", 0) + 1
        elif ok.slot is not None:
            pair_id, _ = self._device(node).held(ok.slot)
            stats.fidelities.append(self.store.fidelity(pair_id, ok.bell_index, now_ps))
        else:
            self._count_measured(stats, other, ok)
        stats.delivered += 1
        stats.latencies_s.append((now_ps - self._due_ps[ent.request_id]) / _PS_PER_S)
        self._due_ps[ent.request_id] = now_ps
        stats.last_delivery_ps = now_ps
        for holder, slot in ((other.node, other.slot), (node, ok.slot)):
            if slot is None:
                continue
            if isinstance(ok, NetworkOkIndication):
                self.runtime.request(holder, NetworkReleaseRequest(slot), LayerName.NETWORK)
            else:
                self.runtime.request(holder, ReleaseRequest(slot), LayerName.LINK)
        if stats.delivered == stats.requested:
            self._finish(stats)

    @staticmethod
    def _count_measured(
        stats: RequestStats, other: _Half, ok: OkIndication | NetworkOkIndication
    ) -> None:
        """A measured pair counts when both ends used the same basis (sifting): an error is
        an outcome parity that contradicts the announced Bell state. For QKD/CHSH requests
        QKD and CHSH are apps: they keep their own records."""
        if ok.basis is None or other.basis is None or ok.outcome is None or other.outcome is None:
            return
        if not (isinstance(ok.basis, str) and isinstance(other.basis, str)):
            return  # E91 angles: the per-basis error count needs named bases
        if ok.basis != other.basis:
            return
        expected_equal = BELL_CORRELATION[ok.basis][ok.bell_index] == 1
        error = (ok.outcome == other.outcome) != expected_equal
        counts = stats.sifted.setdefault(ok.basis, [0, 0])
        counts[0] += 1
        counts[1] += int(error)

    def _finish(self, stats: RequestStats) -> None:
        stats.finished = True
        self._open -= 1
        if self._open == 0:
            self.runtime.sim.stop()

    def _device(self, node: str) -> MemoryDevice:
        entity = self.runtime.node(node).entity(LayerName.PHYSICAL)
        if not isinstance(entity, MemoryDevice):
            raise TypeError(f"node {node!r} hardware does not expose memory slots")
        return entity

    # --- running --------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Run to completion (or the scenario's stop time) and return the results document."""
        scenario = self.loaded.scenario
        wall_start = time.perf_counter()
        failure: dict[str, Any] | None = None
        if self._open:
            try:
                self.runtime.run(until_ps=round(scenario.stop_time_s * _PS_PER_S))
            except Exception as exc:  # a protocol or plugin bug: keep what was measured so far
                failure = {
                    "type": type(exc).__name__,
                    "message": str(exc),
                    "sim_time_s": self.runtime.now_ps / _PS_PER_S,
                }
        wall_s = time.perf_counter() - wall_start
        for stats in self.requests:
            if not stats.finished:
                missing = stats.requested - stats.delivered
                stats.errors["INCOMPLETE"] = missing
            self._measured_apps(stats)
        return {
            "qnetstack_version": __version__,
            "scenario": scenario.name,
            "seed": self.seed,
            "formalism": scenario.formalism.value,
            "sim_time_s": self.runtime.now_ps / _PS_PER_S,
            "wall_s": wall_s,
            "events": self.runtime.sim.events_processed,
            "requests": [stats.to_json() for stats in self.requests],
            "links": [self._link_json(info, i) for i, info in enumerate(self.link_infos)],
            "apps": [],
            "failure": failure,
        }

    def _measured_apps(self, stats: RequestStats) -> None:
        """The ``qkd`` and ``chsh`` entries of a request from what its app indicated (with
        ``qkd`` and ``chsh: true``, the CHSH value is the QKD app's: measured on E91's CHSH
        rounds, or inferred from BBM92's disclosed samples — the key bits stay secret)."""
        spec = self.loaded.scenario.requests[stats.index]
        if stats.app_qkd is not None:
            assert spec.qkd is not None
            end_ps = stats.last_delivery_ps if stats.last_delivery_ps is not None else 0
            duration_s = max(0, end_ps - stats.start_ps) / _PS_PER_S
            stats.qkd = stats.app_qkd.to_json(spec.qkd.protocol, duration_s)
            stats.fidelities = list(stats.app_qkd.fidelities)
            if spec.chsh:
                stats.chsh = stats.qkd["chsh"]
            return
        if stats.app_chsh is not None:
            stats.chsh = stats.app_chsh.chsh_json()
            stats.sifted = stats.app_chsh.sifted()
            stats.fidelities = list(stats.app_chsh.fidelities)

    def _link_json(self, info: LinkInfo, index: int) -> dict[str, Any]:
        geometry = info.geometry
        station = self.stations[index] if index < len(self.stations) else None
        return {
            "nodes": [geometry.node_a, geometry.node_b],
            "length_km": geometry.length_km,
            "attempts": station.attempts if station else None,
            "successes": station.successes if station else None,
            "success_probability_model": info.success_probability,
            "attempt_cycle_s": info.attempt_cycle_ps / _PS_PER_S,
        }


def run_scenario(
    loaded: LoadedScenario,
    registry: PluginRegistry,
    *,
    seed: int | None = None,
    trace: bool = False,
) -> dict[str, Any]:
    """Build and run ``loaded``; return the results document (see the results contract)."""
    return Simulation(loaded, registry, seed=seed, trace=trace).run()
