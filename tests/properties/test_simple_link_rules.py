"""Hypothesis state machine for simple-link: two entities on fake hardware in a PeerPair.

The station is played by the rules: it heralds a tag only when both ends are attempting for it.
"""

from __future__ import annotations

from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from helpers import PeerPair, run_to_completion
from qnetstack.linklayer import ErrorCode, SimpleLinkState
from qnetstack.physical import FreeRequest

NODES = ("alice", "bob")
FRESH_FIDELITY = 0.9


class SimpleLinkMachine(RuleBasedStateMachine):
    pair: PeerPair

    @initialize(slots_a=st.integers(1, 3), slots_b=st.integers(1, 3), auto_deliver=st.booleans())
    def setup(self, slots_a, slots_b, auto_deliver):
        self.pair = PeerPair(slots_a=slots_a, slots_b=slots_b, fresh_fidelity=FRESH_FIDELITY)
        self.pair.auto_deliver = auto_deliver
        self.requested: dict[tuple[str, int], int] = {}
        self.valid: set[tuple[str, int]] = set()
        self.next_id = dict.fromkeys(NODES, 0)

    # --- rules ----------------------------------------------------------------------------

    @rule(
        node=st.sampled_from(NODES),
        number=st.integers(0, 3),
        min_fidelity=st.sampled_from([0.0, 0.5, FRESH_FIDELITY, 0.95]),
    )
    def create(self, node, number, min_fidelity):
        request_id = self.next_id[node]
        self.next_id[node] += 1
        self.requested[(node, request_id)] = number
        if number >= 1 and min_fidelity <= FRESH_FIDELITY:
            self.valid.add((node, request_id))
        self.pair.create(node, request_id, number, min_fidelity)

    @precondition(lambda self: bool(self.pair.wire))
    @rule()
    def deliver(self):
        self.pair.deliver()

    @precondition(lambda self: bool(self.pair.pending_tags()))
    @rule(data=st.data(), bell_index=st.integers(0, 3))
    def herald(self, data, bell_index):
        tag = data.draw(st.sampled_from(self.pair.pending_tags()))
        self.pair.herald(tag, bell_index)

    @precondition(lambda self: any(side.phys.held for side in self.pair.sides.values()))
    @rule(data=st.data())
    def release(self, data):
        holding = [side for side in self.pair.sides.values() if side.phys.held]
        side = data.draw(st.sampled_from(holding))
        slot = data.draw(st.sampled_from(sorted(side.phys.held)))
        self.pair.release(side.name, slot)

    @rule()
    def finish(self):
        """Serve everything, releasing as pairs arrive; then every request is answered."""
        run_to_completion(self.pair)
        for (node, request_id), number in self.requested.items():
            delivered = self.oks_for(node, request_id)
            errors = [e for e in self.pair.sides[node].errors if e.request_id == request_id]
            if (node, request_id) in self.valid:
                assert delivered == number
                assert errors == []
            else:
                assert delivered == 0
                assert len(errors) == 1
                assert errors[0].code in (ErrorCode.REJECTED, ErrorCode.UNSUPPORTED)
        for side in self.pair.sides.values():
            assert side.phys.held == set(), f"{side.name} leaks slots"
            assert side.phys.active == {}, f"{side.name} still attempting"
            for session in side.link.sessions.values():
                assert session.state is SimpleLinkState.IDLE
                assert not session.pending_starts
            assert all(not queue for queue in side.link._queues.values())
        assert not self.pair.wire

    # --- invariants -----------------------------------------------------------------------

    def oks_for(self, node, request_id):
        counts = Counter(
            (ok.entanglement_id.origin, ok.entanglement_id.request_id)
            for ok in self.pair.sides[node].oks
        )
        return counts[(node, request_id)]

    @invariant()
    def never_more_oks_than_requested(self):
        for side in self.pair.sides.values():
            counts = Counter(
                (ok.entanglement_id.origin, ok.entanglement_id.request_id) for ok in side.oks
            )
            for key, count in counts.items():
                assert count <= self.requested[key], f"{side.name}: {count} OKs for {key}"

    @invariant()
    def both_ends_deliver_the_same_sequence(self):
        assert self.pair.delivered("alice") == self.pair.delivered("bob")

    @invariant()
    def sequences_count_up_within_each_request(self):
        for side in self.pair.sides.values():
            seen = Counter()
            for ok in side.oks:
                key = (ok.entanglement_id.origin, ok.entanglement_id.request_id)
                assert ok.entanglement_id.sequence == seen[key]
                seen[key] += 1

    @invariant()
    def only_valid_requests_get_oks_and_only_invalid_get_errors(self):
        for side in self.pair.sides.values():
            for ok in side.oks:
                assert (ok.entanglement_id.origin, ok.entanglement_id.request_id) in self.valid
            for error in side.errors:
                assert error.origin == side.name
                assert (error.origin, error.request_id) not in self.valid

    @invariant()
    def held_slots_are_exactly_the_unreleased_oks(self):
        # A slot is held only by a delivered pair the user has not released yet, and the link
        # asks for at most one pair at a time per session.
        for side in self.pair.sides.values():
            assert len(side.phys.active) <= 1
            freed = [p.slot for p in side.phys.requests if isinstance(p, FreeRequest)]
            assert len(side.phys.held) == len(side.oks) - len(freed)
            assert side.phys.held <= {ok.slot for ok in side.oks}


TestSimpleLinkRules = SimpleLinkMachine.TestCase
TestSimpleLinkRules.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine, like every other test
    suppress_health_check=[HealthCheck.too_slow],
)
