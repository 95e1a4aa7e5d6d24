"""Properties of every strategy on random connected Waxman graphs (Hypothesis).

Besides "a simple path from src to dst over existing links", the exact strategies are checked
against brute force over all simple paths of small graphs.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qnetstack.network.routing import (
    BUILTIN_STRATEGIES,
    ExpectedRate,
    ExpectedRateConfig,
    FidelityAware,
    FidelityAwareConfig,
    KShortest,
    KShortestConfig,
    LinkMetrics,
    NoRouteError,
    NoRouteKind,
    QCast,
    QCastConfig,
    RoutingStrategy,
    ShortestHops,
    WidestPath,
    annotate_links,
    evaluate_path,
    harmonic_number,
)
from qnetstack.network.topology import waxman

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])

STRATEGIES: list[RoutingStrategy] = [cls() for cls in BUILTIN_STRATEGIES] + [
    ExpectedRate(ExpectedRateConfig(objective="estimate")),
    FidelityAware(FidelityAwareConfig(min_rate_hz=2.0)),
    KShortest(KShortestConfig(weight="inverse-rate", disjoint="edge")),
    KShortest(KShortestConfig(weight="length", disjoint="node")),
    QCast(QCastConfig(swap_success=0.9, recovery_max_hops=4)),
]


@st.composite
def networks(draw, max_nodes: int = 14):
    """A connected, annotated Waxman graph and two distinct nodes of it."""
    n = draw(st.integers(3, max_nodes))
    graph = waxman(
        n,
        alpha=draw(st.floats(0.05, 1.0)),
        beta=draw(st.floats(0.1, 1.0)),
        size_km=draw(st.floats(10.0, 500.0)),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # few distinct values make ties likely, which is where path algorithms go wrong
    rates = [0.5, 1.0, 2.0, 5.0, 10.0, 50.0]
    fidelities = [0.2, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0]
    metrics = {
        (a, b): LinkMetrics(float(rng.choice(rates)), float(rng.choice(fidelities)))
        for a, b in graph.edges
    }
    src, dst = draw(st.lists(st.sampled_from(sorted(graph)), min_size=2, max_size=2, unique=True))
    return annotate_links(graph, metrics), src, dst


def _is_valid(graph: nx.Graph, path: tuple[str, ...], src: str, dst: str) -> bool:
    return (
        path[0] == src
        and path[-1] == dst
        and len(set(path)) == len(path)
        and all(graph.has_edge(a, b) for a, b in itertools.pairwise(path))
    )


@SETTINGS
@given(net=networks(), k=st.integers(1, 4))
def test_every_strategy_returns_simple_paths_over_existing_links(net, k):
    graph, src, dst = net
    for strategy in STRATEGIES:
        try:
            routes = strategy.routes(graph, src, dst, k=k)
        except NoRouteError as err:  # only the constrained strategy may refuse
            refusal = err
        else:
            refusal = None
        if refusal is not None:
            assert strategy.name == "fidelity-aware"
            assert refusal.kind in (NoRouteKind.RATE_FLOOR, NoRouteKind.FIDELITY)
            continue
        assert 1 <= len(routes) <= k
        assert len({r.path for r in routes}) == len(routes), strategy.name
        for route in routes:
            assert _is_valid(graph, route.path, src, dst), (strategy.name, route.path)
            expected = evaluate_path(graph, route.path, score=route.score, recovery=route.recovery)
            assert route == expected
            for detour in route.recovery:
                assert frozenset((detour[0], detour[-1])) in set(map(frozenset, route.links))
                assert _is_valid(graph, detour, detour[0], detour[-1])


def _all_routes(graph: nx.Graph, src: str, dst: str):
    return [evaluate_path(graph, p) for p in nx.all_simple_paths(graph, src, dst)]


@SETTINGS
@given(net=networks(max_nodes=8), floor=st.sampled_from([0.0, 0.3, 1.0, 2.0, 4.0]))
def test_exact_strategies_match_brute_force(net, floor):
    graph, src, dst = net
    every = _all_routes(graph, src, dst)

    assert ShortestHops().routes(graph, src, dst)[0].hops == min(r.hops for r in every)

    widest = WidestPath().routes(graph, src, dst)[0]
    assert widest.bottleneck_rate_hz == max(r.bottleneck_rate_hz for r in every)
    assert widest.hops == min(
        r.hops for r in every if r.bottleneck_rate_hz == widest.bottleneck_rate_hz
    )

    estimate = ExpectedRate(ExpectedRateConfig(objective="estimate")).routes(graph, src, dst)[0]
    assert estimate.rate_hz == pytest.approx(max(r.rate_hz for r in every), rel=1e-12)

    inverse = ExpectedRate().routes(graph, src, dst)[0]
    cost = lambda r: sum(1 / graph.edges[a, b]["rate_hz"] for a, b in r.links)  # noqa: E731
    assert cost(inverse) == pytest.approx(min(cost(r) for r in every), rel=1e-12)

    feasible = [
        r
        for r in every
        if r.bottleneck_rate_hz >= floor * harmonic_number(r.hops)
        and r.fidelity > 0.25
        and all(graph.edges[a, b]["fidelity"] > 0.25 for a, b in r.links)
    ]
    strategy = FidelityAware(FidelityAwareConfig(min_rate_hz=floor))
    if not feasible:
        with pytest.raises(NoRouteError):
            strategy.routes(graph, src, dst)
        return
    best = strategy.routes(graph, src, dst)[0]
    assert best.fidelity == pytest.approx(max(r.fidelity for r in feasible), rel=1e-9)
    assert best.bottleneck_rate_hz >= floor * harmonic_number(best.hops)


@SETTINGS
@given(net=networks(max_nodes=8), k=st.integers(2, 6))
def test_k_shortest_is_yen_order(net, k):
    graph, src, dst = net
    routes = KShortest().routes(graph, src, dst, k=k)
    every = sorted(r.hops for r in _all_routes(graph, src, dst))
    assert [r.hops for r in routes] == every[: len(routes)]
    assert len(routes) == min(k, len(every))
