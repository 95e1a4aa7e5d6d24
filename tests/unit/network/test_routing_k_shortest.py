"""k-shortest: Yen ordering and the disjoint modes."""

from __future__ import annotations

import pytest

from qnetstack.network.routing import KShortest, KShortestConfig

# Path lengths (km): s-a-t 2.0, s-b-a-t 3.7, s-a-b-t 4.2, s-b-t 4.5.
LENGTHS = {
    ("s", "a"): 1.0,
    ("a", "t"): 1.0,
    ("s", "b"): 2.0,
    ("b", "t"): 2.5,
    ("a", "b"): 0.7,
}


@pytest.fixture
def kite(make_graph):
    g = make_graph([(a, b, 10.0, 0.9) for a, b in LENGTHS])
    for (a, b), km in LENGTHS.items():
        g.edges[a, b]["length_km"] = km
    return g


def test_yen_order_by_length(kite):
    strategy = KShortest(KShortestConfig(weight="length"))
    routes = strategy.routes(kite, "s", "t", k=4)
    assert [r.path for r in routes] == [
        ("s", "a", "t"),
        ("s", "b", "a", "t"),
        ("s", "a", "b", "t"),
        ("s", "b", "t"),
    ]
    assert len(strategy.routes(kite, "s", "t", k=10)) == 4  # there are only four
    assert [r.path for r in strategy.routes(kite, "s", "t", k=2)] == [
        ("s", "a", "t"),
        ("s", "b", "a", "t"),
    ]


def test_yen_order_by_hops_then_by_inverse_rate(kite):
    routes = KShortest().routes(kite, "s", "t", k=4)
    assert [r.hops for r in routes] == [2, 2, 3, 3]
    kite.edges["s", "b"]["rate_hz"] = 1.0  # makes s-b the slow link
    by_rate = KShortest(KShortestConfig(weight="inverse-rate")).routes(kite, "s", "t", k=4)
    assert by_rate[0].path == ("s", "a", "t")
    assert by_rate[-1].path in {("s", "b", "t"), ("s", "b", "a", "t")}
    costs = [sum(1 / kite.edges[a, b]["rate_hz"] for a, b in r.links) for r in by_rate]
    assert costs == sorted(costs)


def test_edge_disjoint_paths(kite):
    strategy = KShortest(KShortestConfig(weight="length", disjoint="edge"))
    routes = strategy.routes(kite, "s", "t", k=4)
    assert [r.path for r in routes] == [("s", "a", "t"), ("s", "b", "t")]


def test_edge_versus_node_disjoint_on_a_bowtie(make_graph):
    # Two arms that meet at the repeater m: edge-disjoint but not node-disjoint.
    g = make_graph(
        [
            ("s", "x1", 5.0, 0.9),
            ("x1", "m", 5.0, 0.9),
            ("m", "x2", 5.0, 0.9),
            ("x2", "t", 5.0, 0.9),
            ("s", "y1", 5.0, 0.9),
            ("y1", "m", 5.0, 0.9),
            ("m", "y2", 5.0, 0.9),
            ("y2", "t", 5.0, 0.9),
        ]
    )
    edge = KShortest(KShortestConfig(disjoint="edge")).routes(g, "s", "t", k=3)
    node = KShortest(KShortestConfig(disjoint="node")).routes(g, "s", "t", k=3)
    assert len(edge) == 2
    assert not set(edge[0].links) & set(edge[1].links)
    assert all("m" in r.path for r in edge)
    assert len(node) == 1


def test_node_disjoint_uses_a_direct_link_once(make_graph):
    g = make_graph([("s", "t", 5.0, 0.9), ("s", "a", 5.0, 0.9), ("a", "t", 5.0, 0.9)])
    routes = KShortest(KShortestConfig(disjoint="node")).routes(g, "s", "t", k=3)
    assert [r.path for r in routes] == [("s", "t"), ("s", "a", "t")]


def test_config_rejects_unknown_values():
    with pytest.raises(ValueError, match="'hops', 'inverse-rate' or 'length'"):
        KShortestConfig.model_validate({"weight": "km"})
