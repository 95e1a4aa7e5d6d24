"""Routing-comparison metrics against hand-computed values (no simulator)."""

from __future__ import annotations

import math

import pytest

from qnetstack.analysis.compare import (
    METRICS,
    RequestOutcome,
    estimate,
    failure_rate,
    jain_index,
    plot_comparison,
    request_outcomes,
    run_metrics,
    summarize,
    t_quantile_975,
)


def _outcome(throughput: float, completed: bool = True) -> RequestOutcome:
    return RequestOutcome("a", "b", 5, 5 if completed else 1, completed, throughput, {})


def test_jain_index_hand_computed():
    # (1 + 2 + 3)^2 / (3 * (1 + 4 + 9)) = 36 / 42
    assert jain_index([1.0, 2.0, 3.0]) == pytest.approx(36 / 42)
    assert jain_index([5.0, 5.0, 5.0, 5.0]) == pytest.approx(1.0)
    assert jain_index([7.0, 0.0, 0.0, 0.0]) == pytest.approx(1 / 4)  # one gets everything


def test_jain_index_is_undefined_without_throughput():
    assert jain_index([]) is None
    assert jain_index([0.0, 0.0]) is None
    with pytest.raises(ValueError, match=">= 0"):
        jain_index([1.0, -1.0])


def test_failure_rate_counts_incomplete_requests():
    assert failure_rate([True, False, True, False]) == 0.5
    assert failure_rate([True]) == 0.0
    assert failure_rate([]) is None


def test_t_quantile_table_and_normal_tail():
    assert t_quantile_975(1) == 12.7062
    assert t_quantile_975(4) == 2.7764
    assert t_quantile_975(30) == 2.0423
    assert t_quantile_975(31) == 1.96
    with pytest.raises(ValueError, match=">= 1"):
        t_quantile_975(0)


def test_t_quantile_table_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in range(1, 31):
        assert t_quantile_975(df) == pytest.approx(stats.t.ppf(0.975, df), abs=6e-5)


def test_estimate_student_t_interval_hand_computed():
    # values 1, 2, 3: mean 2, s = 1, half-width t_{0.975,2} / sqrt(3) = 4.3027 / 1.7320508
    result = estimate([1.0, 2.0, 3.0])
    half = 4.3027 / math.sqrt(3)
    assert result.mean == pytest.approx(2.0)
    assert result.low == pytest.approx(2.0 - half)
    assert result.high == pytest.approx(2.0 + half)
    assert result.n == 3


def test_estimate_skips_undefined_values_and_needs_two_for_an_interval():
    assert estimate([None, 4.0, None]).to_json() == {"mean": 4.0, "ci95": [None, None], "n": 1}
    assert estimate([None]).to_json() == {"mean": None, "ci95": [None, None], "n": 0}
    same = estimate([0.5, 0.5])
    assert (same.low, same.high) == (0.5, 0.5)


def test_run_metrics_pool_pairs_and_requests():
    outcomes = [_outcome(10.0), _outcome(30.0), _outcome(0.0, completed=False)]
    run = run_metrics(outcomes, [(0.9, 1), (0.6, 2)], [1.0, 2.0, 3.0, 4.0, 5.0])
    assert run.throughput_hz == pytest.approx(40.0)
    assert run.fidelity == pytest.approx((0.9 + 1.2) / 3)  # weighted by pairs
    assert run.latency_p50_s == pytest.approx(3.0)
    assert run.latency_p95_s == pytest.approx(4.8)  # linear interpolation
    assert run.jain_fairness == pytest.approx(40.0**2 / (3 * 1000.0))
    assert run.failure_rate == pytest.approx(1 / 3)


def test_run_metrics_with_nothing_delivered():
    run = run_metrics([_outcome(0.0, completed=False)], [], [])
    assert run.to_json() == {
        "throughput_hz": 0.0,
        "fidelity": None,
        "latency_p50_s": None,
        "latency_p95_s": None,
        "jain_fairness": None,
        "failure_rate": 1.0,
    }


def test_request_outcomes_count_incomplete_requests_until_the_end_of_the_run():
    results = {
        "sim_time_s": 2.0,
        "requests": [
            {"src": "n0", "dst": "n2", "requested": 4, "delivered": 4, "completed": True,
             "rate_hz": 8.0, "errors": {}},
            {"src": "n1", "dst": "n3", "requested": 4, "delivered": 1, "completed": False,
             "rate_hz": 100.0, "errors": {"INCOMPLETE": 3}},
        ],
    }  # fmt: skip
    first, second = request_outcomes(results)
    assert first.throughput_hz == 8.0
    assert second.throughput_hz == 0.5  # 1 pair over the 2 s the request was open
    assert second.errors == {"INCOMPLETE": 3}
    assert request_outcomes(results, start_s=[0.0, 1.0])[1].throughput_hz == 1.0


def test_summarize_and_plot(tmp_path):
    runs = [
        run_metrics([_outcome(1.0), _outcome(3.0)], [(0.8, 2)], [0.1, 0.2]),
        run_metrics([_outcome(2.0), _outcome(2.0)], [(0.9, 2)], [0.3, 0.4]),
    ]
    cell = summarize("shortest-hops", "grid-2x2", 2, runs)
    assert cell.runs == 2
    assert list(cell.to_json()["metrics"]) == list(METRICS)
    assert cell.metrics["throughput_hz"].mean == pytest.approx(4.0)
    assert cell.metrics["fidelity"].mean == pytest.approx(0.85)
    assert cell.metrics["jain_fairness"].mean == pytest.approx((0.8 + 1.0) / 2)
    other = summarize("widest-path", "grid-2x2", 2, runs[:1])  # one seed: no error bar
    first = plot_comparison([cell, other], tmp_path / "a.svg").read_bytes()
    assert b"<svg" in first[:1000]
    assert plot_comparison([cell, other], tmp_path / "b.svg").read_bytes() == first
    with pytest.raises(ValueError, match="unsupported"):
        plot_comparison([cell], tmp_path / "c.pdf")
