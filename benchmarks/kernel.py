"""Kernel throughput: chained and bulk-scheduled no-op events, beside a bare ``heapq`` loop.

Run: ``python benchmarks/kernel.py [--events N] [--repeats R]``. Prints one JSON line per
figure and a final summary line with the ratio to the bare loop (measured in the same run,
because these machines are noisy).
"""

from __future__ import annotations

import argparse
import heapq
import json
import platform
import time
from collections.abc import Callable
from itertools import count

from qnetstack.kernel import Simulator


def chained_kernel(n: int) -> float:
    """Each event schedules the next: the pattern of a protocol driving itself."""
    sim = Simulator()
    left = [n]

    def tick() -> None:
        left[0] -= 1
        if left[0]:
            sim.schedule(1, tick)

    sim.schedule(1, tick)
    t0 = time.perf_counter()
    sim.run()
    return n / (time.perf_counter() - t0)


def bulk_kernel(n: int) -> float:
    """All events scheduled first (spread over time), then run."""
    sim = Simulator()

    def noop() -> None:
        return None

    t0 = time.perf_counter()
    for i in range(n):
        sim.schedule(i % 1000, noop)
    sim.run()
    return n / (time.perf_counter() - t0)


def chained_bare_heapq(n: int) -> float:
    """The reference: the same chained loop on a bare heap of (time, seq, callback) tuples."""
    heap: list[tuple[int, int, Callable[[], None]]] = []
    seq = count()
    now = [0]
    left = [n]

    def tick() -> None:
        left[0] -= 1
        if left[0]:
            heapq.heappush(heap, (now[0] + 1, next(seq), tick))

    heapq.heappush(heap, (1, next(seq), tick))
    t0 = time.perf_counter()
    while heap:
        t, _, cb = heapq.heappop(heap)
        now[0] = t
        cb()
    return n / (time.perf_counter() - t0)


def bulk_bare_heapq(n: int) -> float:
    """The reference for :func:`bulk_kernel`: the same bulk pattern on a bare heap."""
    heap: list[tuple[int, int, Callable[[], None]]] = []
    seq = count()

    def noop() -> None:
        return None

    t0 = time.perf_counter()
    for i in range(n):
        heapq.heappush(heap, (i % 1000, next(seq), noop))
    while heap:
        _, _, cb = heapq.heappop(heap)
        cb()
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    best: dict[str, float] = {"chained": 0.0, "bulk": 0.0, "bare_heapq": 0.0, "bulk_bare": 0.0}
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits all three alike
        best["bare_heapq"] = max(best["bare_heapq"], chained_bare_heapq(args.events))
        best["chained"] = max(best["chained"], chained_kernel(args.events))
        best["bulk"] = max(best["bulk"], bulk_kernel(args.events))
        best["bulk_bare"] = max(best["bulk_bare"], bulk_bare_heapq(args.events))
    for name, rate in best.items():
        print(json.dumps({"benchmark": f"kernel.{name}", "events_per_s": round(rate)}))
    print(
        json.dumps(
            {
                "benchmark": "kernel.summary",
                "events": args.events,
                "repeats": args.repeats,
                "chained_over_bare": round(best["chained"] / best["bare_heapq"], 3),
                "bulk_over_bare": round(best["bulk"] / best["bulk_bare"], 3),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "processor": platform.processor() or "unknown",
            }
        )
    )


if __name__ == "__main__":
    main()
