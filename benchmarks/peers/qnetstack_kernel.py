"""qnetstack kernel: chained no-op events per wall second (the peer of ``sequence_kernel.py``).

Run: ``python benchmarks/peers/qnetstack_kernel.py --events N``. Each event schedules the next
one 1 ps later through ``Simulator.schedule``, which is how the runtime drives protocols; the
same count as the SeQUeNCe script, timed around ``run()`` only.
"""

from __future__ import annotations

import argparse
import time

from _common import emit

from qnetstack.kernel import Simulator


def chained(events: int) -> tuple[float, int]:
    """Run ``events`` chained no-op events; return (wall seconds, events processed)."""
    sim = Simulator()
    left = [events]

    def tick() -> None:
        left[0] -= 1
        if left[0]:
            sim.schedule(1, tick)

    sim.schedule(1, tick)
    t0 = time.perf_counter()
    sim.run()
    return time.perf_counter() - t0, sim.events_processed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300_000)
    args = parser.parse_args()
    wall_s, processed = chained(args.events)
    assert processed == args.events, processed
    emit("qnetstack", "kernel", "events_per_s", args.events / wall_s, "events/s",
         events=args.events, wall_s=wall_s)  # fmt: skip


if __name__ == "__main__":
    main()
