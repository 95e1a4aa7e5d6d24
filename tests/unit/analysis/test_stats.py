"""Summary statistics used in results (qnetstack.analysis.stats)."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

from qnetstack.analysis.stats import mean_ci95, percentiles


def test_mean_ci95_matches_the_normal_interval():
    samples = [1.0, 2.0, 3.0, 4.0]
    mean, (lo, hi) = mean_ci95(samples)
    half = 1.959963984540054 * np.std(samples, ddof=1) / math.sqrt(4)
    assert mean == 2.5
    assert lo == pytest.approx(2.5 - half, abs=1e-15)
    assert hi == pytest.approx(2.5 + half, abs=1e-15)


def test_mean_ci95_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(2_000):
        _, (lo, hi) = mean_ci95(rng.normal(1.0, 2.0, size=100).tolist())
        covered += lo <= 1.0 <= hi
    assert 0.93 < covered / 2_000 < 0.97


def test_mean_ci95_small_samples():
    assert mean_ci95([]) == (None, (None, None))
    assert mean_ci95([0.7]) == (0.7, (None, None))
    assert mean_ci95([0.5, 0.5]) == (0.5, (0.5, 0.5))


def test_percentiles():
    assert percentiles([], (50, 95)) == [None, None]
    values = list(range(101))
    assert percentiles(values, (0, 50, 95, 100)) == [0.0, 50.0, 95.0, 100.0]
    assert percentiles([1.0, 2.0], (50,)) == [1.5]
    assert all(isinstance(v, float) for v in percentiles([3, 1, 2], (10, 90)))


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50),
    st.lists(st.floats(0.0, 100.0), min_size=1, max_size=5),
)
def test_percentiles_equal_numpys_linear_method(samples, qs):
    ours = percentiles(samples, qs)
    theirs = [float(np.percentile(samples, q)) for q in qs]
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-9)
