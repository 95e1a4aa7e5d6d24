"""Summary statistics for results: means with 95 % confidence intervals, percentiles.

Plain numpy, deterministic: the same samples give the same floats on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["mean_ci95", "percentiles"]

_Z95 = 1.959963984540054
"""Two-sided 95 % quantile of the standard normal distribution."""


def mean_ci95(samples: Sequence[float]) -> tuple[float | None, tuple[float | None, float | None]]:
    """Mean and normal-approximation 95 % confidence interval of the mean.

    The interval is ``mean ± 1.96 s/√n`` with the sample standard deviation ``s``; it needs at
    least two samples (``(None, None)`` otherwise). For fewer than ~30 samples it is slightly
    too narrow (a Student-t interval would be wider); results report ``n`` beside it.

    Returns:
        ``(mean, (low, high))``; ``mean`` is ``None`` for no samples.
    """
    n = len(samples)
    if n == 0:
        return None, (None, None)
    values = np.asarray(samples, dtype=float)
    mean = float(values.mean())
    if n < 2:
        return mean, (None, None)
    half = _Z95 * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, (mean - half, mean + half)


def percentiles(samples: Sequence[float], qs: Sequence[float]) -> list[float | None]:
    """Percentiles (linear interpolation) of ``samples``; ``None`` each when empty."""
    if not samples:
        return [None for _ in qs]
    # numpy's default ('linear') method in plain Python: the first np.percentile call of a
    # process costs ~10 ms of lazy set-up, which showed up in the per-pair cost of short runs.
    values = sorted(float(v) for v in samples)
    last = len(values) - 1
    out: list[float | None] = []
    for q in qs:
        if not 0.0 <= q <= 100.0:
            raise ValueError(f"percentile must be in [0, 100], got {q!r}")
        position = last * q / 100.0
        low = math.floor(position)
        high = min(low + 1, last)
        fraction = position - low
        out.append(values[low] + (values[high] - values[low]) * fraction)
    return out
