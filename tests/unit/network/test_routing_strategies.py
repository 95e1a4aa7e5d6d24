"""The single-path strategies on small graphs whose right answer is known by hand."""

from __future__ import annotations

import pytest

from qnetstack.network.routing import (
    ExpectedRate,
    ExpectedRateConfig,
    FidelityAware,
    FidelityAwareConfig,
    NoRouteError,
    NoRouteKind,
    ShortestHops,
    WidestPath,
    max_bottleneck_rate_hz,
    path_fidelity,
)

# A diamond with a short, slow arm (s-a-t) and a long, fast arm (s-b-c-t).
DIAMOND = [
    ("s", "a", 1.0, 0.9),
    ("a", "t", 1.0, 0.9),
    ("s", "b", 100.0, 0.9),
    ("b", "c", 100.0, 0.9),
    ("c", "t", 100.0, 0.9),
]


def test_shortest_hops_and_widest_path_disagree_on_the_diamond(make_graph):
    g = make_graph(DIAMOND)
    [short] = ShortestHops().routes(g, "s", "t")
    [wide] = WidestPath().routes(g, "s", "t")
    assert short.path == ("s", "a", "t")
    assert wide.path == ("s", "b", "c", "t")
    assert (short.hops, short.bottleneck_rate_hz) == (2, 1.0)
    assert (wide.hops, wide.bottleneck_rate_hz) == (3, 100.0)
    assert wide.rate_hz == pytest.approx(100 / (11 / 6))


def test_shortest_hops_breaks_ties_by_faster_links(make_graph):
    g = make_graph(
        [("s", "a", 1.0, 0.9), ("a", "t", 1.0, 0.9), ("s", "b", 9.0, 0.9), ("b", "t", 9.0, 0.9)]
    )
    assert ShortestHops().routes(g, "s", "t")[0].path == ("s", "b", "t")
    g2 = make_graph(
        [("s", "a", 9.0, 0.9), ("a", "t", 9.0, 0.9), ("s", "b", 1.0, 0.9), ("b", "t", 1.0, 0.9)]
    )
    assert ShortestHops().routes(g2, "s", "t")[0].path == ("s", "a", "t")


def test_shortest_hops_k_routes_in_hop_order(make_graph):
    g = make_graph(DIAMOND)
    routes = ShortestHops().routes(g, "s", "t", k=5)
    assert [r.path for r in routes] == [("s", "a", "t"), ("s", "b", "c", "t")]


def test_widest_path_prefers_fewest_hops_among_equally_wide(make_graph):
    # Two paths of bottleneck 5: a 2-hop one and a 4-hop one through wider links.
    g = make_graph(
        [
            ("s", "a", 5.0, 0.9),
            ("a", "t", 50.0, 0.9),
            ("s", "x", 5.0, 0.9),
            ("x", "y", 80.0, 0.9),
            ("y", "z", 80.0, 0.9),
            ("z", "t", 80.0, 0.9),
        ]
    )
    assert max_bottleneck_rate_hz(g, "s", "t") == 5.0
    assert WidestPath().routes(g, "s", "t")[0].path == ("s", "a", "t")


def test_widest_path_is_not_fooled_by_a_wide_long_prefix(make_graph):
    # The non-isotone case of lexicographic (width, hops) Dijkstra: the wide prefix to v is
    # long, the narrow one short; the last link caps both at 3, so the short one must win.
    g = make_graph(
        [
            ("s", "p", 10.0, 0.9),
            ("p", "q", 10.0, 0.9),
            ("q", "r", 10.0, 0.9),
            ("r", "v", 10.0, 0.9),
            ("s", "v", 5.0, 0.9),
            ("v", "t", 3.0, 0.9),
        ]
    )
    [route] = WidestPath().routes(g, "s", "t")
    assert route.path == ("s", "v", "t")
    assert route.bottleneck_rate_hz == 3.0


def test_widest_path_k_routes_ranked_by_bottleneck(make_graph):
    g = make_graph(DIAMOND)
    routes = WidestPath().routes(g, "s", "t", k=2)
    assert [r.bottleneck_rate_hz for r in routes] == [100.0, 1.0]


def test_expected_rate_takes_the_long_fast_path(make_graph):
    g = make_graph(DIAMOND)
    for objective in ("inverse-rate", "estimate"):
        strategy = ExpectedRate(ExpectedRateConfig(objective=objective))
        assert strategy.routes(g, "s", "t")[0].path == ("s", "b", "c", "t")


def test_expected_rate_objectives_differ_as_documented(make_graph):
    # Path A: 2 links of 10 Hz and 1000 Hz → Σ 1/r = 0.101 s, estimate 10/1.5 = 6.67 Hz.
    # Path B: 4 links of 12 Hz → Σ 1/r = 0.333 s, estimate 12/H_4 = 5.76 Hz.
    g = make_graph(
        [
            ("s", "a", 10.0, 0.9),
            ("a", "t", 1000.0, 0.9),
            ("s", "b1", 12.0, 0.9),
            ("b1", "b2", 12.0, 0.9),
            ("b2", "b3", 12.0, 0.9),
            ("b3", "t", 12.0, 0.9),
        ]
    )
    inverse = ExpectedRate().routes(g, "s", "t", k=2)
    estimate = ExpectedRate(ExpectedRateConfig(objective="estimate")).routes(g, "s", "t", k=2)
    assert inverse[0].path == ("s", "a", "t") == estimate[0].path
    # make the long path's estimate win while its summed time stays worse
    g.edges["a", "t"]["rate_hz"] = 5.5
    assert ExpectedRate().routes(g, "s", "t")[0].path == ("s", "a", "t")  # 0.28 s < 0.33 s
    best = ExpectedRate(ExpectedRateConfig(objective="estimate")).routes(g, "s", "t")[0]
    assert best.path == ("s", "b1", "b2", "b3", "t")  # 5.76 Hz > 5.5 / 1.5 = 3.67 Hz


def test_expected_rate_alternatives_follow_the_objective(make_graph):
    g = make_graph([*DIAMOND, ("s", "t", 0.5, 0.9)])
    routes = ExpectedRate().routes(g, "s", "t", k=3)
    assert [r.path for r in routes] == [("s", "b", "c", "t"), ("s", "t"), ("s", "a", "t")]


# --- fidelity-aware --------------------------------------------------------------------------

# Short arm: two 0.8-fidelity links; long arm: three 0.97-fidelity links, slower.
FIDELITY = [
    ("s", "a", 10.0, 0.8),
    ("a", "t", 10.0, 0.8),
    ("s", "b", 1.0, 0.97),
    ("b", "c", 1.0, 0.97),
    ("c", "t", 1.0, 0.97),
]


def test_fidelity_aware_takes_the_longer_better_path(make_graph):
    g = make_graph(FIDELITY)
    [route] = FidelityAware().routes(g, "s", "t")
    assert route.path == ("s", "b", "c", "t")
    assert route.fidelity == pytest.approx(path_fidelity([0.97] * 3))
    assert route.fidelity > path_fidelity([0.8, 0.8])
    assert ShortestHops().routes(g, "s", "t")[0].path == ("s", "a", "t")


def test_rate_floor_excludes_the_slow_path(make_graph):
    g = make_graph(FIDELITY)
    # long arm: 1 / H_3 = 0.545 Hz; short arm: 10 / H_2 = 6.67 Hz
    just_below = FidelityAware(FidelityAwareConfig(min_rate_hz=0.54))
    assert just_below.routes(g, "s", "t")[0].path == ("s", "b", "c", "t")
    floor = FidelityAware(FidelityAwareConfig(min_rate_hz=0.6))
    [route] = floor.routes(g, "s", "t")
    assert route.path == ("s", "a", "t")
    assert route.rate_hz >= 0.6


def test_rate_floor_depends_on_the_hop_count(make_graph):
    # Every link is 3 Hz. A 2-hop path estimates 3/1.5 = 2 Hz, a 4-hop path 3/H_4 = 1.44 Hz,
    # so a floor of 1.5 Hz excludes the (better-fidelity) 4-hop path although each of its links
    # is as fast as the 2-hop path's.
    g = make_graph(
        [
            ("s", "a", 3.0, 0.85),
            ("a", "t", 3.0, 0.85),
            ("s", "x", 3.0, 0.99),
            ("x", "y", 3.0, 0.99),
            ("y", "z", 3.0, 0.99),
            ("z", "t", 3.0, 0.99),
        ]
    )
    assert FidelityAware().routes(g, "s", "t")[0].hops == 4
    floor = FidelityAware(FidelityAwareConfig(min_rate_hz=1.5))
    assert floor.routes(g, "s", "t")[0].path == ("s", "a", "t")


def test_rate_floor_can_pick_a_middle_path(make_graph):
    # The best-fidelity path is too long for the floor, the shortest is poor: a 3-hop one wins.
    g = make_graph(
        [
            ("s", "a", 6.0, 0.80),
            ("a", "t", 6.0, 0.80),
            ("s", "m1", 6.0, 0.95),
            ("m1", "m2", 6.0, 0.95),
            ("m2", "t", 6.0, 0.95),
            ("s", "x1", 6.0, 0.999),
            ("x1", "x2", 6.0, 0.999),
            ("x2", "x3", 6.0, 0.999),
            ("x3", "x4", 6.0, 0.999),
            ("x4", "x5", 6.0, 0.999),
            ("x5", "t", 6.0, 0.999),
        ]
    )
    floor = FidelityAware(FidelityAwareConfig(min_rate_hz=3.0))  # needs H_n ≤ 2: n ≤ 3
    assert floor.routes(g, "s", "t")[0].path == ("s", "m1", "m2", "t")
    assert FidelityAware().routes(g, "s", "t")[0].hops == 6


def test_rate_floor_with_no_feasible_path_is_a_clear_error(make_graph):
    g = make_graph(FIDELITY)
    with pytest.raises(NoRouteError) as caught:
        FidelityAware(FidelityAwareConfig(min_rate_hz=100.0)).routes(g, "s", "t")
    err = caught.value
    assert err.kind is NoRouteKind.RATE_FLOOR
    assert (err.src, err.dst) == ("s", "t")
    assert "rate floor min_rate_hz=100" in str(err)
    assert "6.667 Hz" in str(err)  # the best estimate there is


def test_links_without_usable_entanglement_are_avoided(make_graph):
    g = make_graph(
        [("s", "a", 10.0, 0.2), ("a", "t", 10.0, 0.99), ("s", "b", 1.0, 0.9), ("b", "t", 1.0, 0.9)]
    )
    assert FidelityAware().routes(g, "s", "t")[0].path == ("s", "b", "t")
    g.remove_node("b")
    with pytest.raises(NoRouteError, match=r"fidelity ≤ 0\.25") as caught:
        FidelityAware().routes(g, "s", "t")
    assert caught.value.kind is NoRouteKind.FIDELITY


def test_fidelity_aware_k_routes_are_feasible_and_ranked(make_graph):
    g = make_graph([*FIDELITY, ("s", "t", 20.0, 0.6)])
    routes = FidelityAware().routes(g, "s", "t", k=3)
    assert [r.path for r in routes] == [("s", "b", "c", "t"), ("s", "a", "t"), ("s", "t")]
    floor = FidelityAware(FidelityAwareConfig(min_rate_hz=2.0)).routes(g, "s", "t", k=3)
    assert [r.path for r in floor] == [("s", "a", "t"), ("s", "t")]


def test_fidelity_aware_config_is_validated():
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        FidelityAwareConfig(min_rate_hz=-1.0)
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        FidelityAwareConfig.model_validate({"min_rate": 1.0})
