"""The flat per-point metrics, checked on a hand-made results document."""

from __future__ import annotations

from typing import Any

import pytest

from qnetstack.sweep.metrics import METRICS, metrics_of


def _request(delivered: int, requested: int, fid: float | None, n: int, lat: float | None,
             qber: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "requested": requested,
        "delivered": delivered,
        "fidelity": {"mean": fid, "n": n},
        "latency_s": {"mean": lat},
        "qber": qber or {},
    }


def test_totals_and_weighted_means() -> None:
    results = {
        "sim_time_s": 2.0,
        "events": 123,
        "wall_s": 0.5,
        "requests": [
            _request(10, 10, 0.9, 10, 0.1),
            _request(5, 8, 0.6, 5, 0.4),
            _request(0, 3, None, 0, None),
        ],
    }
    m = metrics_of(results)
    assert list(m) == list(METRICS)
    assert m["requests"] == 3
    assert m["completed_requests"] == 1
    assert m["requested_pairs"] == 21
    assert m["delivered_pairs"] == 15
    assert m["throughput_hz"] == pytest.approx(7.5)
    assert m["fidelity_mean"] == pytest.approx((0.9 * 10 + 0.6 * 5) / 15)
    assert m["latency_mean_s"] == pytest.approx((0.1 * 10 + 0.4 * 5) / 15)
    assert m["qber"] is None
    assert (m["sim_time_s"], m["events"], m["wall_s"]) == (2.0, 123, 0.5)


def test_qber_pools_every_basis_and_request() -> None:
    results = {
        "sim_time_s": 0.0,
        "events": 0,
        "wall_s": 0.0,
        "requests": [
            _request(4, 4, None, 0, 0.1, {"Z": {"pairs": 10, "errors": 1},
                                          "X": {"pairs": 30, "errors": 6}}),
            _request(4, 4, None, 0, 0.1, {"Z": {"pairs": 60, "errors": 3}}),
        ],
    }  # fmt: skip
    m = metrics_of(results)
    assert m["qber"] == pytest.approx(10 / 100)
    assert m["fidelity_mean"] is None
    assert m["throughput_hz"] == 0.0  # no simulated time: defined as 0, not a division error
