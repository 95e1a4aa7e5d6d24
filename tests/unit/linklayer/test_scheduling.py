"""Scheduling strategies: FCFS, strict priority, weighted fair queueing, and the registry."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from qnetstack.linklayer.config import EgpConfig
from qnetstack.linklayer.scheduling import (
    SCHEDULERS,
    FcfsScheduler,
    PriorityScheduler,
    QueueEntry,
    WeightedFairScheduler,
    available_schedulers,
    make_scheduler,
)


def entry(seq, priority=0, origin="a"):
    return QueueEntry((origin, seq), seq, priority, 1, 0)


def test_fcfs_serves_in_sequence_order_and_skips_removed():
    s = FcfsScheduler()
    for seq in (2, 0, 1):
        s.add(entry(seq))
    assert s.select() == ("a", 0)
    s.remove(("a", 0))
    assert s.select() == ("a", 1)
    s.remove(("a", 1))
    s.remove(("a", 2))
    assert s.select() is None


def test_strict_priority_then_fcfs():
    s = PriorityScheduler()
    s.add(entry(0, priority=0))
    s.add(entry(1, priority=5))
    s.add(entry(2, priority=5))
    assert s.select() == ("a", 1)
    s.remove(("a", 1))
    assert s.select() == ("a", 2)
    s.remove(("a", 2))
    assert s.select() == ("a", 0)


def test_weighted_fair_shares_pairs_by_weight():
    s = WeightedFairScheduler({1: 3.0, 0: 1.0})
    s.add(entry(0, priority=0))
    s.add(entry(1, priority=1))
    served = Counter()
    for _ in range(400):
        key = s.select()
        served[key] += 1
        s.served(key)
    assert served[("a", 1)] == pytest.approx(300, abs=2)
    assert served[("a", 0)] == pytest.approx(100, abs=2)


def test_weighted_fair_gives_no_credit_for_idle_time():
    s = WeightedFairScheduler()
    s.add(entry(0, priority=0))
    for _ in range(50):
        s.served(s.select())
    s.add(entry(1, priority=1))  # arrives late: must not get 50 pairs in a row
    picks = []
    for _ in range(4):
        key = s.select()
        picks.append(key)
        s.served(key)
    assert 1 <= Counter(picks)[("a", 0)] <= 2


def test_registry_and_config_validation():
    assert set(SCHEDULERS) <= set(available_schedulers())
    assert isinstance(make_scheduler("priority", {}), PriorityScheduler)
    with pytest.raises(ValueError, match="unknown scheduler"):
        make_scheduler("lottery", {})
    with pytest.raises(ValidationError, match="available: fcfs"):
        EgpConfig(scheduler="lottery")
    with pytest.raises(ValidationError, match="must be > 0"):
        EgpConfig(scheduler="weighted-fair", weights={1: 0.0})
    with pytest.raises(ValidationError):
        EgpConfig(unknown=1)
