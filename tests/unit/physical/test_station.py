"""SampledStation: waits for both ends, samples the attempts, heralds one pair to both."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import link_info
from qnetstack.physical import AttemptStation, PairStore, SampledStation
from qnetstack.physical.messages import AttemptAbort, AttemptStart, Herald
from qnetstack.physical.qstore import MemoryModel
from qnetstack.quantum import BellIndex
from qnetstack.service import (
    CancelTimer,
    LocalProtocolError,
    PeerProtocolError,
    SendPeer,
    StartTimer,
    Trace,
)

EMISSION_PS = 5_000
CYCLE_PS = 10_000
ARM_A_PS, ARM_B_PS = 300, 700


class FixedHerald:
    """A herald model that always announces Ψ− with a Werner state."""

    def __init__(self, p: float = 0.25, fidelity: float = 0.8) -> None:
        self.success_probability = p
        self.fresh_fidelity = fidelity

    def sample_herald(self, rng, store):
        return int(BellIndex.PSI_MINUS), store.werner(self.fresh_fidelity, BellIndex.PSI_MINUS)

    def with_alphas(self, alpha_a, alpha_b):
        self.alphas = (alpha_a, alpha_b)
        return self


def station(p=0.25, seed=11, store=None, kind=SampledStation):
    info = link_info(
        "alice", "bob", arm_a_delay_ps=ARM_A_PS, arm_b_delay_ps=ARM_B_PS, attempt_cycle_ps=CYCLE_PS
    )
    memories = (MemoryModel(t2_ps=1e12), MemoryModel())
    store = store if store is not None else PairStore()
    return kind(info, FixedHerald(p), EMISSION_PS, memories, store, np.random.default_rng(seed))


def test_attempts_start_only_when_both_ends_are_ready():
    st = station()
    assert st.from_peer("alice", AttemptStart(3), 0) == []
    assert st.from_peer("alice", AttemptStart(3), 0) == []  # a repeat is not the other end
    expected_attempts = int(np.random.default_rng(11).geometric(0.25))
    delay = EMISSION_PS + (expected_attempts - 1) * CYCLE_PS
    assert st.from_peer("bob", AttemptStart(3), 0) == [StartTimer(3, delay)]


def test_certain_success_heralds_after_the_emission_delay():
    st = station(p=1.0)
    st.from_peer("bob", AttemptStart(0), 0)
    assert st.from_peer("alice", AttemptStart(0), 0) == [StartTimer(0, EMISSION_PS)]


def test_herald_timer_sends_two_heralds_and_stores_the_pair():
    store = PairStore()
    st = station(store=store)
    st.from_peer("alice", AttemptStart(3), 0)
    [start] = st.from_peer("bob", AttemptStart(3), 0)
    attempts = (start.delay_ps - EMISSION_PS) // CYCLE_PS + 1
    now = start.delay_ps
    effects = st.on_timer(3, now)
    trace, to_a, to_b = effects
    assert isinstance(trace, Trace)
    assert trace.record.kind == "herald"
    pair_id = trace.record.data["pair_id"]
    psi_minus = int(BellIndex.PSI_MINUS)
    assert to_a == SendPeer("alice", Herald(3, pair_id, 0, psi_minus, attempts, 0.8))
    assert to_b == SendPeer("bob", Herald(3, pair_id, 1, psi_minus, attempts, 0.8))
    assert pair_id in store
    assert store.holders(pair_id) == ("alice", "bob")
    assert store.fidelity(pair_id, psi_minus, now - ARM_B_PS) == pytest.approx(0.8, abs=1e-6)
    assert (st.attempts, st.successes) == (attempts, 1)


def test_each_half_decoheres_from_its_photons_emission():
    # Only alice's memory dephases (T2 = 1 s). Her photon left ARM_A_PS before the herald, so
    # at the herald instant her half has dephased for exactly ARM_A_PS.
    store = PairStore()
    st = station(p=1.0, store=store)
    st.from_peer("alice", AttemptStart(0), 0)
    st.from_peer("bob", AttemptStart(0), 0)
    pair_id = st.on_timer(0, EMISSION_PS)[0].record.data["pair_id"]
    reference = PairStore()
    ref_id = reference.add(
        reference.werner(0.8, BellIndex.PSI_MINUS),
        ("alice", "bob"),
        (MemoryModel(t2_ps=1e12), MemoryModel()),
        (0, 0),
    )
    later = EMISSION_PS + 10**9
    expected = reference.fidelity(ref_id, BellIndex.PSI_MINUS, ARM_A_PS + 10**9)
    assert store.fidelity(pair_id, BellIndex.PSI_MINUS, later) == pytest.approx(expected, abs=1e-12)
    assert expected < 0.8 - 1e-5


def test_measured_success_rate_matches_the_probability():
    st = station(p=0.1, seed=5)
    for tag in range(2_000):
        st.from_peer("alice", AttemptStart(tag), 0)
        st.from_peer("bob", AttemptStart(tag), 0)
        st.on_timer(tag, 0)
    n, p = st.attempts, 0.1
    assert st.successes == 2_000
    assert abs(st.successes - n * p) < 4 * (n * p * (1 - p)) ** 0.5


def test_abort_cancels_the_herald_timer():
    st = station()
    st.from_peer("alice", AttemptStart(1), 0)
    st.from_peer("bob", AttemptStart(1), 0)
    assert st.from_peer("alice", AttemptAbort(1), 5) == [CancelTimer(1)]
    assert st.from_peer("bob", AttemptAbort(1), 5) == []
    assert (st.attempts, st.successes) == (0, 0)


def test_abort_before_the_other_end_is_ready_forgets_the_tag():
    st = station()
    st.from_peer("alice", AttemptStart(1), 0)
    assert st.from_peer("alice", AttemptAbort(1), 0) == []
    assert st.from_peer("bob", AttemptStart(1), 0) == []  # alice is no longer ready


def test_bad_inputs():
    st = station()
    with pytest.raises(PeerProtocolError, match="stranger"):
        st.from_peer("carol", AttemptStart(0), 0)
    with pytest.raises(PeerProtocolError, match="unexpected"):
        st.from_peer("alice", Herald(0, 0, 0, 0, 1, 0.9), 0)
    with pytest.raises(LocalProtocolError, match="unknown timer"):
        st.on_timer("tick", 0)
    with pytest.raises(LocalProtocolError, match="unknown timer"):
        st.on_timer(("herald", 0), 0)
    with pytest.raises(LocalProtocolError):
        st.from_above(AttemptStart(0), 0)
    with pytest.raises(LocalProtocolError):
        st.from_below(AttemptStart(0), 0)


@pytest.mark.parametrize("kind", [SampledStation, AttemptStation])
@pytest.mark.parametrize("p", [0.0, 1.5])
def test_success_probability_must_be_a_probability(p, kind):
    with pytest.raises(ValueError, match="success probability"):
        station(p=p, kind=kind)


# --- attempts mode ------------------------------------------------------------------------------


def run_attempts(st, tag, start_ps=0):
    """Drive an AttemptStation's timer like the runtime would; return (effects, fire times)."""
    st.from_peer("alice", AttemptStart(tag), start_ps)
    [timer] = st.from_peer("bob", AttemptStart(tag), start_ps)
    now, fired = start_ps, []
    while True:
        assert timer.key == tag
        now += timer.delay_ps
        fired.append(now)
        effects = st.on_timer(tag, now)
        timers = [e for e in effects if isinstance(e, StartTimer)]
        if not timers:
            return effects, fired
        [timer] = timers


def test_attempt_station_makes_one_event_per_attempt_one_cycle_apart():
    store = PairStore()
    st = station(p=0.2, store=store, kind=AttemptStation)
    effects, fired = run_attempts(st, 7, start_ps=1_000)
    assert fired == [1_000 + EMISSION_PS + i * CYCLE_PS for i in range(len(fired))]
    trace, to_a, to_b = effects
    assert trace.record.data["attempts"] == len(fired)
    assert to_a.pdu.attempts == to_b.pdu.attempts == len(fired)
    assert to_a.pdu.pair_id in store
    assert (st.attempts, st.successes) == (len(fired), 1)


def test_attempt_station_traces_each_attempt_when_asked():
    st = station(p=0.3, kind=AttemptStation)
    st.tracing = True
    st.from_peer("alice", AttemptStart(0), 0)
    st.from_peer("bob", AttemptStart(0), 0)
    records = []
    while True:
        effects = st.on_timer(0, 0)
        records += [e.record for e in effects if isinstance(e, Trace)]
        if not any(isinstance(e, StartTimer) for e in effects):
            break
    attempts = [r for r in records if r.kind == "attempt"]
    assert [r.data["attempt"] for r in attempts] == list(range(1, len(attempts) + 1))
    assert [r.data["success"] for r in attempts] == [False] * (len(attempts) - 1) + [True]
    assert records[-1].kind == "herald"


def test_attempt_station_success_rate_matches_the_probability():
    st = station(p=0.1, seed=8, kind=AttemptStation)
    for tag in range(1_000):
        run_attempts(st, tag)
    n, p = st.attempts, 0.1
    assert st.successes == 1_000
    assert abs(st.successes - n * p) < 4 * (n * p * (1 - p)) ** 0.5


def test_attempt_station_abort_counts_the_attempts_made():
    st = station(p=1e-9, kind=AttemptStation)
    st.from_peer("alice", AttemptStart(2), 0)
    st.from_peer("bob", AttemptStart(2), 0)
    for _ in range(3):
        [restart] = st.on_timer(2, 0)
        assert restart == StartTimer(2, CYCLE_PS)
    assert st.from_peer("bob", AttemptAbort(2), 0) == [CancelTimer(2)]
    assert (st.attempts, st.successes) == (3, 0)


def test_sampled_station_abort_counts_nothing():
    st = station(kind=SampledStation)
    st.from_peer("alice", AttemptStart(2), 0)
    st.from_peer("bob", AttemptStart(2), 0)
    st.from_peer("bob", AttemptAbort(2), 0)
    assert (st.attempts, st.successes) == (0, 0)


def test_the_run_uses_the_alphas_both_nodes_announced():
    st = station()
    st.from_peer("alice", AttemptStart(1, 0.05), 0)
    st.from_peer("bob", AttemptStart(1, 0.2), 0)
    assert st.model.alphas == (0.05, 0.2)


@pytest.mark.parametrize(("alice_measures", "cycle"), [(True, EMISSION_PS), (False, CYCLE_PS)])
def test_measure_directly_runs_need_not_wait_for_the_herald(alice_measures, cycle):
    """Both ends measuring right after emission: attempts every emission delay; otherwise the
    full cycle (one end keeping its half must learn of each failure first)."""
    st = station()
    st.from_peer("alice", AttemptStart(3, None, alice_measures), 0)
    expected_attempts = int(np.random.default_rng(11).geometric(0.25))
    delay = EMISSION_PS + (expected_attempts - 1) * cycle
    assert st.from_peer("bob", AttemptStart(3, None, True), 0) == [StartTimer(3, delay)]
