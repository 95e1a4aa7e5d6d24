"""The event heap: ordering, cancellation, run limits, stop, and misuse errors."""

from __future__ import annotations

import pytest

from qnetstack.kernel import NORMAL, URGENT, SimulationError, Simulator


def test_events_fire_in_time_order_and_set_the_clock(sim):
    seen = []
    for t in (30, 10, 20):
        sim.schedule(t, lambda t=t: seen.append((t, sim.now_ps)))
    assert sim.run() == 3
    assert seen == [(10, 10), (20, 20), (30, 30)]
    assert sim.now_ps == 30


def test_equal_times_fire_fifo(sim):
    seen = []
    for i in range(50):
        sim.schedule(7, lambda i=i: seen.append(i))
    sim.run()
    assert seen == list(range(50))


def test_urgent_fires_before_normal_at_the_same_time(sim):
    seen = []
    sim.schedule(5, lambda: seen.append("normal-1"))
    sim.schedule(5, lambda: seen.append("urgent"), priority=URGENT)
    sim.schedule(5, lambda: seen.append("normal-2"), priority=NORMAL)
    sim.schedule(4, lambda: seen.append("earlier"))
    sim.run()
    assert seen == ["earlier", "urgent", "normal-1", "normal-2"]


def test_event_scheduled_now_runs_after_events_already_due(sim):
    seen = []

    def first():
        seen.append("first")
        sim.call_soon(lambda: seen.append("soon"))

    sim.schedule(1, first)
    sim.schedule(1, lambda: seen.append("second"))
    sim.run()
    assert seen == ["first", "second", "soon"]


def test_cancel(sim):
    seen = []
    keep = sim.schedule(1, lambda: seen.append("keep"))
    drop = sim.schedule(2, lambda: seen.append("drop"))
    assert Simulator.is_pending(drop)
    assert sim.cancel(drop) is True
    assert sim.cancel(drop) is False
    assert not Simulator.is_pending(drop)
    assert Simulator.fire_time_ps(drop) == 2
    assert sim.run() == 1
    assert seen == ["keep"]
    assert sim.cancel(keep) is False  # already fired
    assert sim.events_processed == 1


def test_cancel_from_an_earlier_event(sim):
    seen = []
    later = sim.schedule(10, lambda: seen.append("later"))
    sim.schedule(5, lambda: sim.cancel(later))
    sim.run()
    assert seen == []
    assert sim.now_ps == 5


def test_peek_skips_cancelled_events(sim):
    assert sim.peek_ps() is None
    first = sim.schedule(3, lambda: None)
    sim.schedule(8, lambda: None)
    sim.cancel(first)
    assert sim.peek_ps() == 8


def test_step(sim):
    seen = []
    sim.schedule(4, lambda: seen.append(sim.now_ps))
    sim.cancel(sim.schedule(2, lambda: seen.append("cancelled")))
    assert sim.step() is True
    assert seen == [4]
    assert sim.step() is False


def test_run_until_sets_the_clock_and_keeps_later_events(sim):
    seen = []
    sim.schedule(100, lambda: seen.append(100))
    sim.schedule(250, lambda: seen.append(250))
    assert sim.run(until_ps=200) == 1
    assert sim.now_ps == 200
    assert sim.pending_events == 1
    assert sim.run(until_ps=250) == 1  # an event exactly at the horizon fires
    assert seen == [100, 250]
    assert sim.now_ps == 250


def test_run_until_with_nothing_scheduled_advances_the_clock(sim):
    assert sim.run(until_ps=1_000) == 0
    assert sim.now_ps == 1_000


def test_run_until_in_the_past_is_an_error(sim):
    sim.run(until_ps=10)
    with pytest.raises(SimulationError, match="not before now"):
        sim.run(until_ps=5)
    with pytest.raises(SimulationError):
        sim.run(until_ps=20.0)


def test_max_events(sim):
    seen = []
    for t in range(1, 6):
        sim.schedule(t, lambda t=t: seen.append(t))
    assert sim.run(max_events=2) == 2
    assert seen == [1, 2]
    assert sim.now_ps == 2
    assert sim.run(until_ps=100, max_events=2) == 2
    assert sim.now_ps == 4  # the count ran out first: the clock stays at the last event
    assert sim.run(max_events=0) == 0
    assert sim.run() == 1
    assert sim.events_processed == 5
    with pytest.raises(SimulationError):
        sim.run(max_events=-1)


def test_cancelled_events_do_not_count_towards_max_events(sim):
    seen = []
    sim.cancel(sim.schedule(1, lambda: seen.append("x")))
    sim.schedule(2, lambda: seen.append(2))
    assert sim.run(max_events=1) == 1
    assert seen == [2]


@pytest.mark.parametrize("until", [None, 1_000])
def test_stop_returns_after_the_current_event(sim, until):
    seen = []

    def stopper():
        seen.append("stopper")
        sim.stop()

    sim.schedule(10, stopper)
    sim.schedule(10, lambda: seen.append("same-time"))
    sim.schedule(20, lambda: seen.append("later"))
    assert sim.run(until_ps=until) == 1
    assert seen == ["stopper"]
    assert sim.now_ps == 10  # the clock stays where the stop happened, even with a horizon
    assert sim.run() == 2  # a later run continues where it stopped
    assert seen == ["stopper", "same-time", "later"]
    assert sim.events_processed == 3


@pytest.mark.parametrize("delay", [-1, 1.5, "5", None, True])
def test_schedule_rejects_bad_delays(sim, delay):
    with pytest.raises(SimulationError, match="non-negative int"):
        sim.schedule(delay, lambda: None)
    with pytest.raises(SimulationError, match="non-negative int"):
        sim.call_later(delay, lambda: None)
    assert sim.pending_events == 0


def test_schedule_at(sim):
    seen = []
    sim.run(until_ps=50)
    sim.schedule_at(50, lambda: seen.append(sim.now_ps))
    sim.schedule_at(70, lambda: seen.append(sim.now_ps))
    sim.run()
    assert seen == [50, 70]


@pytest.mark.parametrize("when", [49, 60.0, "60"])
def test_schedule_at_rejects_the_past_and_non_ints(sim, when):
    sim.run(until_ps=50)
    with pytest.raises(SimulationError, match="not before now"):
        sim.schedule_at(when, lambda: None)


@pytest.mark.parametrize("start", [-1, 1.0])
def test_bad_start_time(start):
    with pytest.raises(SimulationError):
        Simulator(start_ps=start)


def test_start_time():
    sim = Simulator(start_ps=1_000)
    sim.schedule(5, lambda: None)
    sim.run()
    assert sim.now_ps == 1_005


def test_chained_events(sim):
    count = 0

    def tick():
        nonlocal count
        count += 1
        if count < 1_000:
            sim.call_later(3, tick)

    sim.call_later(3, tick)
    assert sim.run() == 1_000
    assert sim.now_ps == 3_000
