"""Link metrics, annotation and the F6/F10 end-to-end estimates."""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from functools import reduce

import pytest

from qnetstack.network.routing import (
    LinkMetrics,
    NoRouteError,
    NoRouteKind,
    Route,
    RoutingError,
    annotate_links,
    check_annotated,
    evaluate_path,
    harmonic_number,
    link_metrics,
    path_fidelity,
    path_rate_hz,
    werner_parameter,
)
from qnetstack.network.topology import chain
from qnetstack.physical.platform import LinkGeometry, LinkInfo
from qnetstack.quantum import BellDiagonal, swap

GEOMETRY = LinkGeometry("a", "b", "st", 5.0, 5.0, 24_000_000, 24_000_000)


def test_f6_three_link_werner_chain_matches_the_formula():
    # physics.md F6: w = (4F − 1)/3 = 0.8666…, F = (3 w³ + 1)/4
    w = (4 * 0.9 - 1) / 3
    expected = (3 * w**3 + 1) / 4
    assert path_fidelity([0.9, 0.9, 0.9]) == pytest.approx(expected, rel=1e-12)
    assert path_fidelity([0.9, 0.9, 0.9]) == pytest.approx(0.7382222222222222, abs=1e-12)


def test_f6_two_links_and_agreement_with_bell_diagonal_swaps():
    f1, f2, f3 = 0.95, 0.85, 0.7
    assert path_fidelity([f1, f2]) == pytest.approx(f1 * f2 + (1 - f1) * (1 - f2) / 3)
    swapped = reduce(swap, [BellDiagonal.werner(f) for f in (f1, f2, f3)])
    assert path_fidelity([f1, f2, f3]) == pytest.approx(swapped.fidelity(), abs=1e-12)
    assert path_fidelity([0.8]) == pytest.approx(0.8)
    assert path_fidelity([1.0, 1.0]) == 1.0
    assert path_fidelity([0.25, 0.99]) == pytest.approx(0.25)


def test_werner_parameter():
    assert werner_parameter(1.0) == 1.0
    assert werner_parameter(0.25) == 0.0
    assert werner_parameter(0.9) == pytest.approx(2.6 / 3)


def test_harmonic_numbers_and_f10_rate_estimate():
    assert harmonic_number(0) == 0.0
    assert harmonic_number(1) == 1.0
    assert harmonic_number(3) == pytest.approx(11 / 6)
    # n identical links: rate / H_n (F10, small p); unequal: slowest link / H_n
    assert path_rate_hz([10.0]) == 10.0
    assert path_rate_hz([10.0, 10.0]) == pytest.approx(10 / 1.5)
    assert path_rate_hz([10.0, 5.0, 20.0]) == pytest.approx(5 / (11 / 6))
    with pytest.raises(RoutingError, match="at least one link"):
        path_rate_hz([])


def test_f10_estimate_matches_exact_waiting_time_for_small_p():
    # E[T_n] = Σ_k (−1)^{k+1} C(n,k) / (1 − (1−p)^k) attempts (physics.md F10)
    p, n, cycle_s = 1e-4, 4, 1e-5
    attempts = sum((-1) ** (k + 1) * math.comb(n, k) / (1 - (1 - p) ** k) for k in range(1, n + 1))
    exact_rate = 1 / (attempts * cycle_s)
    assert path_rate_hz([p / cycle_s] * n) == pytest.approx(exact_rate, rel=1e-3)


@dataclass(frozen=True)
class _Model:
    """A LinkModel whose kept and measured fidelities differ, and which depends on alpha."""

    tunable_alpha: bool = True
    supports_move: bool = False

    def success_probability(self, alpha: float | None) -> float:
        return 0.02 if alpha is None else 0.1 * alpha

    def fidelity(self, alpha: float | None, *, keep: bool, moved: bool = False) -> float:
        base = 0.9 if alpha is None else 1 - alpha
        return base - (0.05 if keep else 0.0)


def test_link_metrics_from_link_info():
    info = LinkInfo(
        GEOMETRY, success_probability=0.01, attempt_cycle_ps=10_000_000, fresh_fidelity=0.93
    )
    metrics = link_metrics(info)  # fixed model: p / cycle = 0.01 / 10 µs
    assert metrics.rate_hz == pytest.approx(1000.0)
    assert metrics.fidelity == 0.93
    assert metrics.rate_hz == pytest.approx(1 / (info.expected_pair_time_ps * 1e-12))


def test_link_metrics_use_the_kept_fidelity_and_alpha():
    info = LinkInfo(GEOMETRY, 0.5, 1_000_000, 0.99, model=_Model())
    default = link_metrics(info)
    assert default.rate_hz == pytest.approx(0.02 / 1e-6)
    assert default.fidelity == pytest.approx(0.85)  # keep=True: 0.9 − 0.05
    tuned = link_metrics(info, alpha=0.2)
    assert tuned.rate_hz == pytest.approx(0.02 / 1e-6)
    assert tuned.fidelity == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("rate", "fidelity", "message"),
    [(0.0, 0.9, "rate_hz"), (math.nan, 0.9, "rate_hz"), (1.0, 1.1, "fidelity"), (1.0, -0.1, "fid")],
)
def test_link_metrics_reject_bad_values(rate, fidelity, message):
    with pytest.raises(RoutingError, match=message):
        LinkMetrics(rate, fidelity)


def test_annotate_links_accepts_either_order_and_copies():
    g = chain(3, 10.0)
    annotated = annotate_links(
        g, {("n0", "n1"): LinkMetrics(5.0, 0.9), ("n2", "n1"): LinkMetrics(7.0, 0.8)}
    )
    assert annotated.edges["n1", "n2"] == {"length_km": 10.0, "rate_hz": 7.0, "fidelity": 0.8}
    assert "rate_hz" not in g.edges["n0", "n1"]  # the input is untouched
    check_annotated(annotated)


def test_annotate_links_names_missing_and_unknown_links():
    g = chain(3, 10.0)
    with pytest.raises(RoutingError, match="no link metrics for n1-n2"):
        annotate_links(g, {("n0", "n1"): LinkMetrics(5.0, 0.9)})
    with pytest.raises(RoutingError, match="n0-n2, which is not a link"):
        annotate_links(g, {("n0", "n2"): LinkMetrics(5.0, 0.9)})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "has no 'rate_hz'/'fidelity': annotate the graph"),
        ({"rate_hz": 1.0}, "has no"),
        ({"rate_hz": 0.0, "fidelity": 0.9}, "rate_hz=0.0; it must be > 0"),
        ({"rate_hz": math.inf, "fidelity": 0.9}, "rate_hz=inf"),
        ({"rate_hz": "fast", "fidelity": 0.9}, "rate_hz='fast'"),
        ({"rate_hz": 1.0, "fidelity": 1.5}, r"fidelity=1.5; not in \[0, 1\]"),
    ],
)
def test_check_annotated_names_the_link(make_graph, data, message):
    g = make_graph([("a", "b", 1.0, 0.9)])
    g.add_edge("b", "c", **data)
    pattern = f"link b-c {message}" if "has no" in message else message
    with pytest.raises(RoutingError, match=pattern):
        check_annotated(g)


def test_evaluate_path(make_graph):
    g = make_graph([("a", "b", 10.0, 0.9), ("b", "c", 4.0, 0.95)])
    route = evaluate_path(g, ["a", "b", "c"], score=1.5, recovery=[["b", "x", "c"]])
    assert route == Route(
        path=("a", "b", "c"),
        rate_hz=pytest.approx(4.0 / 1.5),
        fidelity=pytest.approx(path_fidelity([0.9, 0.95])),
        hops=2,
        bottleneck_rate_hz=4.0,
        score=1.5,
        recovery=(("b", "x", "c"),),
    )
    assert (route.src, route.dst, route.links) == ("a", "c", (("a", "b"), ("b", "c")))
    with pytest.raises(RoutingError, match="at least two nodes"):
        evaluate_path(g, ["a"])
    with pytest.raises(RoutingError, match="uses a-c, which is not a link"):
        evaluate_path(g, ["a", "c"])


def test_no_route_error_fields_message_and_pickling():
    err = NoRouteError("a", "b", "no path reaches the rate floor", NoRouteKind.RATE_FLOOR)
    assert str(err) == "no route from 'a' to 'b': no path reaches the rate floor"
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.src, clone.dst, clone.reason, clone.kind) == (
        "a",
        "b",
        "no path reaches the rate floor",
        NoRouteKind.RATE_FLOOR,
    )
    assert NoRouteError("a", "b", "x").kind is NoRouteKind.CONSTRAINT
