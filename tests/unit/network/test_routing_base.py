"""The RoutingStrategy contract (checks every strategy gets for free) and the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx
import pydantic
import pytest

import qnetstack.registry as registry_module
from qnetstack.network.routing import (
    BUILTIN_STRATEGIES,
    ENTRY_POINT_GROUP,
    FidelityAwareConfig,
    NoRouteError,
    NoRouteKind,
    Route,
    RoutingConfig,
    RoutingError,
    RoutingRegistry,
    RoutingStrategy,
    ShortestHops,
    evaluate_path,
)

LINE = [("a", "b", 5.0, 0.9), ("b", "c", 5.0, 0.9)]


class _Scripted(RoutingStrategy[RoutingConfig]):
    """Returns whatever path it is told to, to exercise the checks in ``routes``."""

    name = "scripted"
    description = "Test double."
    paths: ClassVar[list[tuple[str, ...]]] = []

    def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
        return [
            Route(p, 1.0, 1.0, len(p) - 1, 1.0) if len(p) > 1 else Route(p, 1.0, 1.0, 0, 1.0)
            for p in self.paths
        ]


@pytest.mark.parametrize("strategy", [cls() for cls in BUILTIN_STRATEGIES], ids=lambda s: s.name)
def test_every_builtin_reports_unroutable_requests_clearly(make_graph, strategy):
    g = make_graph([*LINE, ("x", "y", 5.0, 0.9)])
    cases = [
        ("a", "zz", NoRouteKind.UNKNOWN_NODE, "unknown node 'zz'"),
        ("a", "a", NoRouteKind.SAME_NODE, "same node"),
        ("a", "y", NoRouteKind.DISCONNECTED, "different components"),
    ]
    for src, dst, kind, text in cases:
        with pytest.raises(NoRouteError, match=text) as caught:
            strategy.routes(g, src, dst)
        assert caught.value.kind is kind


@pytest.mark.parametrize("strategy", [cls() for cls in BUILTIN_STRATEGIES], ids=lambda s: s.name)
def test_every_builtin_rejects_unannotated_graphs_and_bad_k(strategy):
    g = nx.path_graph(["a", "b", "c"])
    with pytest.raises(RoutingError, match="annotate the graph"):
        strategy.routes(g, "a", "c")
    with pytest.raises(RoutingError, match="k must be an integer ≥ 1"):
        strategy.routes(g, "a", "c", k=0)


@pytest.mark.parametrize("strategy", [cls() for cls in BUILTIN_STRATEGIES], ids=lambda s: s.name)
def test_every_builtin_routes_a_line_and_leaves_the_graph_alone(make_graph, strategy):
    g = make_graph(LINE)
    before = nx.to_dict_of_dicts(g)
    [route] = strategy.routes(g, "a", "c", k=1)
    assert route == evaluate_path(g, ["a", "b", "c"], score=route.score, recovery=route.recovery)
    assert nx.to_dict_of_dicts(g) == before


def test_routes_rejects_what_a_buggy_strategy_returns(make_graph):
    g = make_graph([*LINE, ("a", "c", 1.0, 0.9)])
    strategy = _Scripted()
    strategy.paths = []
    with pytest.raises(RoutingError, match="returned no route and raised no error"):
        strategy.routes(g, "a", "c")
    for path, message in [
        (("a", "b"), "not a simple a→c path"),
        (("a", "b", "a", "c"), "not a simple"),
        (("c", "b", "a"), "not a simple"),
    ]:
        strategy.paths = [path]
        with pytest.raises(RoutingError, match=message):
            strategy.routes(g, "a", "c")
    g.add_edge("x", "c", rate_hz=1.0, fidelity=0.9)  # x exists, but a-x does not
    strategy.paths = [("a", "x", "c")]
    with pytest.raises(RoutingError, match="missing link a-x"):
        strategy.routes(g, "a", "c")


def test_routes_truncates_to_k(make_graph):
    g = make_graph([*LINE, ("a", "c", 1.0, 0.9)])
    strategy = _Scripted()
    strategy.paths = [("a", "c"), ("a", "b", "c")]
    assert [r.path for r in strategy.routes(g, "a", "c", k=1)] == [("a", "c")]
    assert len(strategy.routes(g, "a", "c", k=5)) == 2


def test_strategies_see_a_read_only_graph(make_graph):
    class Vandal(_Scripted):
        def find(self, graph: nx.Graph[Any], src: str, dst: str, k: int) -> list[Route]:
            graph.remove_edge("a", "b")
            return []

    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        Vandal().routes(make_graph(LINE), "a", "c")


def test_default_config_is_the_models_default():
    assert ShortestHops().config == RoutingConfig()
    with pytest.raises(pydantic.ValidationError):
        RoutingConfig.model_validate({"anything": 1})


# --- registry ---------------------------------------------------------------------------------


def test_registry_lists_and_creates_the_builtins():
    registry = RoutingRegistry.from_entry_points()
    assert {
        "shortest-hops",
        "expected-rate",
        "fidelity-aware",
        "widest-path",
        "k-shortest",
        "qcast",
    } <= set(registry.names())
    assert registry.load_errors == []
    strategy = registry.create("fidelity-aware", {"min_rate_hz": 2.5})
    assert strategy.config == FidelityAwareConfig(min_rate_hz=2.5)
    assert registry.get("qcast").description
    assert registry.all()[0].name == registry.names()[0]


def test_registry_errors_name_the_alternatives():
    registry = RoutingRegistry(BUILTIN_STRATEGIES)
    with pytest.raises(RoutingError, match="unknown routing strategy 'dijkstra'; available: "):
        registry.get("dijkstra")
    with pytest.raises(pydantic.ValidationError, match="min_rate"):
        registry.create("fidelity-aware", {"min_rate": 1})
    with pytest.raises(RoutingError, match="two routing strategies are named 'qcast'"):
        registry.register(BUILTIN_STRATEGIES[-1])
    with pytest.raises(RoutingError, match="is not a RoutingStrategy subclass"):
        registry.register(object)


@dataclass
class _Fake:
    """Stands in for an importlib EntryPoint: load() returns a fixed object or raises."""

    name: str
    obj: object

    @property
    def value(self) -> str:
        return f"fake.module:{self.name}"

    def load(self) -> Any:
        if isinstance(self.obj, Exception):
            raise self.obj
        return self.obj


class AvoidNothing(_Scripted):
    name = "avoid-nothing"
    description = "A third-party strategy."


class Misnamed(_Scripted):
    name = "misnamed-inside"
    description = "Its entry point has another name."


def test_registry_loads_third_party_entry_points(monkeypatch):
    fakes = [
        _Fake("avoid-nothing", AvoidNothing),
        _Fake("broken", ImportError("no module named fake")),
        _Fake("not-a-class", 42),
        _Fake("shortest-hops", ShortestHops),  # qnetstack's own entry point: not a duplicate
        _Fake("clash", type("Clash", (_Scripted,), {"name": "qcast", "description": "x"})),
        _Fake("misnamed", Misnamed),
    ]

    def entry_points(*, group: str) -> list[_Fake]:
        assert group == ENTRY_POINT_GROUP == "qnetstack.routing"
        return fakes

    monkeypatch.setattr(registry_module, "entry_points", entry_points)
    registry = RoutingRegistry.from_entry_points()
    assert registry.get("avoid-nothing") is AvoidNothing
    assert registry.get("misnamed-inside") is Misnamed
    errors = "\n".join(registry.load_errors)
    assert "broken (fake.module:broken): ImportError: no module named fake" in errors
    assert "not-a-class" in errors
    assert "is not a RoutingStrategy subclass" in errors
    assert "two routing strategies are named 'qcast'" in errors
    assert "registered as 'misnamed-inside'" in errors
    assert "shortest-hops" not in errors
