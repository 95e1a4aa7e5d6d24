"""SeQUeNCe 0.8.5 kernel: chained no-op events per wall second.

Run in the SeQUeNCe environment: ``.venv-sequence/bin/python sequence_kernel.py --events N``.
Each event schedules the next one, the way SeQUeNCe's own protocols drive themselves: an
``Entity`` method wrapped in a ``Process`` inside an ``Event``, pushed with
``Timeline.schedule`` (the idiom of its tutorials and of every protocol in the package).
"""

from __future__ import annotations

import argparse
import time

from _common import emit
from sequence.kernel.entity import Entity
from sequence.kernel.event import Event
from sequence.kernel.process import Process
from sequence.kernel.timeline import Timeline


class Ticker(Entity):
    """An entity whose only behaviour is to schedule its own next tick 1 ps later."""

    def __init__(self, name: str, timeline: Timeline, events: int) -> None:
        super().__init__(name, timeline)
        self.left = events

    def init(self) -> None:
        self.tick()

    def tick(self) -> None:
        self.left -= 1
        if self.left > 0:
            self.timeline.schedule(Event(self.timeline.now() + 1, Process(self, "tick", [])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300_000)
    args = parser.parse_args()
    timeline = Timeline()
    Ticker("ticker", timeline, args.events + 1)  # the first tick runs in init, not as an event
    timeline.init()
    t0 = time.perf_counter()
    timeline.run()
    wall_s = time.perf_counter() - t0
    assert timeline.run_counter == args.events, timeline.run_counter
    emit("sequence", "kernel", "events_per_s", args.events / wall_s, "events/s",
         events=args.events, wall_s=wall_s)  # fmt: skip


if __name__ == "__main__":
    main()
