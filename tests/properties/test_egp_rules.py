"""Hypothesis state machine for the EGP: two entities on fake hardware, a lossy link, timers.

The rules play the users (CREATE of both types from both ends, releases), the heralding station
(a tag is heralded only when both ends attempt it; a herald may reach one end first), the
clock (the earliest timer fires) and the classical channel (any PDU on the wire may be lost).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from helpers_egp import EgpPair, egp_config
from qnetstack.linklayer import ErrorCode, ErrorIndication, OkIndication, RequestType

NODES = ("alice", "bob")
LATE_CODES = {ErrorCode.TIMEOUT, ErrorCode.EXPIRED}


class EgpMachine(RuleBasedStateMachine):
    pair: EgpPair

    @initialize(
        slots=st.integers(1, 3),
        nv=st.booleans(),
        scheduler=st.sampled_from(["fcfs", "priority", "weighted-fair"]),
        max_retries=st.integers(0, 3),
    )
    def setup(self, slots, nv, scheduler, max_retries):
        config = egp_config(scheduler=scheduler, max_retries=max_retries, memory_slots=None)
        self.pair = EgpPair(config=config, slots_a=slots, slots_b=slots, nv=nv, auto_deliver=False)
        self.number: dict[tuple[str, int], int] = {}
        self.next_id = dict.fromkeys(NODES, 0)

    # --- rules ----------------------------------------------------------------------------

    @rule(
        node=st.sampled_from(NODES),
        keep=st.booleans(),
        number=st.integers(1, 3),
        priority=st.integers(0, 2),
        max_time_ps=st.sampled_from([0, 0, 3_000_000, 40_000_000]),
        atomic=st.booleans(),
        basis=st.sampled_from(["Z", "X", "random"]),
    )
    def create(self, node, keep, number, priority, max_time_ps, atomic, basis):
        request_id = self.next_id[node]
        self.next_id[node] += 1
        self.number[(node, request_id)] = number
        request_type = RequestType.KEEP if keep else RequestType.MEASURE
        self.pair.create(
            node, request_id, number, request_type=request_type, priority=priority,
            max_time_ps=max_time_ps, atomic=atomic, measure_basis=basis,
        )  # fmt: skip

    @precondition(lambda self: bool(self.pair.wire))
    @rule()
    def deliver_one(self):
        self.pair.deliver(1)

    @precondition(lambda self: bool(self.pair.wire))
    @rule(data=st.data())
    def lose_one(self, data):
        self.pair.drop(data.draw(st.integers(0, len(self.pair.wire) - 1)))

    @precondition(lambda self: bool(self.pair.pending_tags()))
    @rule(data=st.data(), bell_index=st.integers(0, 3), split=st.booleans())
    def herald(self, data, bell_index, split):
        tag = data.draw(st.sampled_from(self.pair.pending_tags()))
        first = data.draw(st.sampled_from(NODES))
        self.pair.herald(tag, bell_index, split=split, first=first)

    @precondition(lambda self: bool(self.pair.held_heralds))
    @rule()
    def herald_arrives(self):
        self.pair.deliver_heralds()

    @precondition(lambda self: any(side.phys.held for side in self.pair.sides.values()))
    @rule(data=st.data())
    def release(self, data):
        side = data.draw(st.sampled_from([s for s in self.pair.sides.values() if s.phys.held]))
        self.pair.release(side.name, data.draw(st.sampled_from(sorted(side.phys.held))))

    @precondition(lambda self: self.pair.next_timer() is not None)
    @rule()
    def tick(self):
        self.pair.fire_next_timer()

    @precondition(lambda self: bool(self.deadlines()))
    @rule()
    def until_deadline(self):
        """Jump to the earliest request deadline (firing everything due before it)."""
        self.pair.advance(min(self.deadlines()) - self.pair.now_ps)

    @precondition(lambda self: bool(self.pair.pending_tags()) and bool(self.deadlines()))
    @rule(data=st.data())
    def deadline_while_herald_in_flight(self, data):
        """A herald reaches one end; the other end's deadline passes before its half does."""
        tag = data.draw(st.sampled_from(self.pair.pending_tags()))
        self.pair.herald(tag, split=True, first=data.draw(st.sampled_from(NODES)))
        self.until_deadline()

    def deadlines(self):
        return [
            due
            for side in self.pair.sides.values()
            for key, due in side.timers.items()
            if key[0] == "egp-deadline"
        ]

    @rule()
    def finish(self):
        """No more loss: serve everything, then every request has ended properly."""
        self.pair.run()
        for side in self.pair.sides.values():
            assert not side.timers, f"{side.name} left timers {side.timers}"
            assert not side.phys.active
            assert not side.phys.held
            for session in side.link.sessions.values():
                assert not session.queue.items, f"{side.name} left {session.queue.items}"
        for (origin, request_id), number in self.number.items():
            oks, errors = self.outcome(origin, (origin, request_id))
            assert (oks == number and not errors) or len(errors) == 1, (oks, errors)
        for side in self.pair.sides.values():
            other = self.pair.other(side.name)
            errors = {(e.origin, e.request_id): e.code for e in other.errors}
            mine = self.pair.delivered(side.name)
            theirs = self.pair.delivered(other.name)
            for eid in mine.keys() - theirs.keys():
                assert errors.get((eid.origin, eid.request_id)) in LATE_CODES, eid

    # --- invariants -----------------------------------------------------------------------

    def outcome(self, node, key):
        side = self.pair.sides[node]
        oks = sum(
            1
            for ok in side.oks
            if (ok.entanglement_id.origin, ok.entanglement_id.request_id) == key
        )
        errors = [e for e in side.errors if (e.origin, e.request_id) == key]
        return oks, errors

    @invariant()
    def one_terminal_event_and_never_too_many_pairs(self):
        for side in self.pair.sides.values():
            count: Counter = Counter()
            ended: set = set()
            seen: set = set()
            for primitive in side.indications:
                if isinstance(primitive, OkIndication):
                    eid = primitive.entanglement_id
                    key = (eid.origin, eid.request_id)
                    assert key not in ended, f"{side.name}: OK after the end of {key}"
                    assert eid not in seen, f"{side.name}: {eid} twice"
                    seen.add(eid)
                    count[key] += 1
                    assert 0 <= eid.sequence < self.number[key]
                    if count[key] == self.number[key]:
                        ended.add(key)
                elif isinstance(primitive, ErrorIndication):
                    key = (primitive.origin, primitive.request_id)
                    assert key not in ended, f"{side.name}: second terminal event for {key}"
                    ended.add(key)

    @invariant()
    def pairs_at_both_ends_match(self):
        a, b = self.pair.delivered("alice"), self.pair.delivered("bob")
        for eid in a.keys() & b.keys():
            assert a[eid] == b[eid], f"{eid}: Bell state {a[eid]} vs {b[eid]}"

    @invariant()
    def kept_halves_are_the_unreleased_oks(self):
        for side in self.pair.sides.values():
            slots = defaultdict(int)
            for ok in side.oks:
                if ok.slot is not None:
                    slots[ok.slot] += 1
            assert side.phys.held <= set(slots)

    @invariant()
    def idle_sessions_run_no_timers(self):
        for side in self.pair.sides.values():
            for session in side.link.sessions.values():
                if not session.queue.items:
                    open_timers = list(side.timers)
                    assert not open_timers, f"{side.name}: {open_timers} with nothing open"


TestEgpRules = EgpMachine.TestCase
TestEgpRules.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
