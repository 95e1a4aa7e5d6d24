"""Q-CAST: the EXT metric, major-path selection and recovery paths."""

from __future__ import annotations

import itertools
import math

import pytest
from network_helpers import rate_for_slot_probability

from qnetstack.network.routing import (
    QCast,
    QCastConfig,
    RoutingError,
    ShortestHops,
    expected_throughput,
    slot_success_probability,
)
from qnetstack.network.topology import grid


def _brute_force_ext(probabilities, width, q):
    """E[min over hops of Binomial(width, p_k)] × q^(h−1), by enumeration."""
    total = 0.0
    for counts in itertools.product(range(width + 1), repeat=len(probabilities)):
        prob = math.prod(
            math.comb(width, c) * p**c * (1 - p) ** (width - c)
            for c, p in zip(counts, probabilities, strict=True)
        )
        total += prob * min(counts)
    return total * q ** (len(probabilities) - 1)


def test_ext_width_one_is_the_product_of_probabilities():
    assert expected_throughput([0.5, 0.8, 0.9]) == pytest.approx(0.36)
    assert expected_throughput([0.5, 0.8, 0.9], swap_success=0.5) == pytest.approx(0.09)


def test_ext_one_hop_is_the_binomial_mean():
    assert expected_throughput([0.3], width=4) == pytest.approx(1.2)


@pytest.mark.parametrize(
    ("probabilities", "width", "q"),
    [([0.6, 0.7], 2, 1.0), ([0.2, 0.9, 0.5], 3, 0.9), ([0.95, 0.95, 0.4, 0.8], 2, 0.8)],
)
def test_ext_recursion_matches_brute_force(probabilities, width, q):
    assert expected_throughput(probabilities, width, q) == pytest.approx(
        _brute_force_ext(probabilities, width, q), rel=1e-12
    )


def test_ext_rejects_empty_paths_and_bad_widths():
    with pytest.raises(RoutingError, match="at least one hop"):
        expected_throughput([])
    with pytest.raises(RoutingError, match="width must be ≥ 1"):
        expected_throughput([0.5], width=0)


def test_slot_probability():
    assert slot_success_probability(rate_for_slot_probability(0.3, 0.1), 0.1) == pytest.approx(0.3)
    assert slot_success_probability(1e-9, 1.0) == pytest.approx(1e-9)


def _grid_with_a_poor_direct_row():
    """3×3 grid; the direct row n0-n1-n2 is poor (p = 0.2), everything else good (p = 0.9).

    n6 n7 n8
    n3 n4 n5
    n0 n1 n2
    """
    g = grid(3, 3, 10.0)
    for a, b in g.edges:
        p = 0.2 if {a, b} <= {"n0", "n1", "n2"} else 0.9
        g.edges[a, b].update(rate_hz=rate_for_slot_probability(p), fidelity=0.95)
    return g


def test_qcast_beats_the_shortest_path_baseline_in_expected_throughput():
    g = _grid_with_a_poor_direct_row()
    config = QCastConfig(slot_s=1.0)
    [baseline] = ShortestHops().routes(g, "n0", "n2")
    assert baseline.path == ("n0", "n1", "n2")
    baseline_ext = expected_throughput([0.2, 0.2])
    routes = QCast(config).routes(g, "n0", "n2", k=1)
    best = routes[0]
    assert best.path == ("n0", "n3", "n4", "n5", "n2")
    assert best.score == pytest.approx(0.9**4)
    assert best.score > 10 * baseline_ext


def test_qcast_multipath_total_beats_the_baseline():
    g = _grid_with_a_poor_direct_row()
    routes = QCast(QCastConfig(slot_s=1.0, recovery_max_hops=0)).routes(g, "n0", "n2", k=3)
    assert len(routes) >= 2
    scores = [r.score for r in routes]
    assert scores == sorted(scores, reverse=True)  # greedy: best first
    links = [set(map(frozenset, r.links)) for r in routes]
    assert all(not (x & y) for x, y in itertools.combinations(links, 2))  # width 1: disjoint
    assert sum(scores) > expected_throughput([0.2, 0.2])
    assert all(r.recovery == () for r in routes)


def test_qcast_finds_recovery_paths_around_major_links():
    g = _grid_with_a_poor_direct_row()
    [route] = QCast(QCastConfig(slot_s=1.0, recovery_max_hops=3)).routes(g, "n0", "n2")
    assert route.recovery  # e.g. n3-n6-n7-n4 around n3-n4
    major_links = set(map(frozenset, route.links))
    for detour in route.recovery:
        assert frozenset((detour[0], detour[-1])) in major_links
        assert 2 <= len(detour) - 1 <= 3
        assert not set(map(frozenset, itertools.pairwise(detour))) & major_links
        assert not set(detour[1:-1]) & set(route.path)
        for a, b in itertools.pairwise(detour):
            assert g.has_edge(a, b)
    assert ("n3", "n6", "n7", "n4") in route.recovery


def test_qcast_width_raises_throughput_and_is_reserved(make_graph):
    g = make_graph(
        [
            ("s", "a", rate_for_slot_probability(0.5), 0.9),
            ("a", "t", rate_for_slot_probability(0.5), 0.9),
        ]
    )
    g.edges["s", "a"]["width"] = 2
    g.edges["a", "t"]["width"] = 2
    routes = QCast(QCastConfig(slot_s=1.0)).routes(g, "s", "t", k=3)
    assert len(routes) == 1  # the one path uses both channels of every link
    assert routes[0].score == pytest.approx(_brute_force_ext([0.5, 0.5], 2, 1.0))
    assert routes[0].score > expected_throughput([0.5, 0.5])


def test_qcast_custom_width_attribute_and_validation(make_graph):
    g = make_graph([("s", "t", 1.0, 0.9)])
    g.edges["s", "t"]["channels"] = 3
    route = QCast(QCastConfig(width_attribute="channels", slot_s=1.0)).routes(g, "s", "t")[0]
    assert route.score == pytest.approx(3 * slot_success_probability(1.0, 1.0))
    g.edges["s", "t"]["width"] = 0
    with pytest.raises(RoutingError, match="link s-t has width=0; it must be an integer ≥ 1"):
        QCast().routes(g, "s", "t")


def test_qcast_swap_success_penalises_long_paths(make_graph):
    # Long path: 4 links at p = 0.9 (0.656); short: 2 links at p = 0.6 (0.36).
    good, fair = rate_for_slot_probability(0.9), rate_for_slot_probability(0.6)
    g = make_graph(
        [
            ("s", "a", fair, 0.9),
            ("a", "t", fair, 0.9),
            ("s", "x", good, 0.9),
            ("x", "y", good, 0.9),
            ("y", "z", good, 0.9),
            ("z", "t", good, 0.9),
        ]
    )
    assert QCast(QCastConfig(slot_s=1.0)).routes(g, "s", "t")[0].hops == 4
    lossy = QCast(QCastConfig(slot_s=1.0, swap_success=0.5)).routes(g, "s", "t")[0]
    assert lossy.hops == 2  # 0.36 × 0.5 = 0.18 > 0.656 × 0.125 = 0.082
