"""Hypothesis state machine for the QNP network layer on a small chain with ground truth.

The rules play the users (network CREATEs between any two nodes of the chain, so circuits share
links and memories), the link layer (a pair of any open link request is made with a random label;
its two OKs reach the ends in any order; a link request may fail), the hardware (random swap
outcomes), the classical network (any PDU on the wire may be delivered next) and the clock (any
running timer may fire: cutoffs, deadlines). The ground truth (:class:`helpers_qnp.TruePair`)
says which pair every slot really holds and in which Bell state.
"""

from __future__ import annotations

from collections import defaultdict

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from helpers_qnp import QnpNet
from qnetstack.linklayer.primitives import ErrorCode
from qnetstack.network.config import PurificationConfig, QnpConfig
from qnetstack.network.primitives import NetworkErrorIndication, NetworkOkIndication

INTERESTING = {"qnp-deliver", "qnp-cutoff", "qnp-discard-forward", "qnp-e2e-cutoff", "qnp-swap",
               "qnp-purify-result", "qnp-purify-give-up"}  # fmt: skip
PURIFICATION = [
    None,
    None,
    PurificationConfig(scope="link", rounds=1),
    PurificationConfig(scope="link", rounds=2, protocol="bbpssw"),
    PurificationConfig(scope="link", policy="target", max_rounds=2),
    PurificationConfig(scope="end_to_end", rounds=1),
]
"""Trace kinds counted as Hypothesis events (see ``--hypothesis-show-statistics``)."""


class QnpMachine(RuleBasedStateMachine):
    net: QnpNet

    @initialize(
        length=st.sampled_from([3, 4, 2]),
        cutoff_s=st.sampled_from([0.0, 1e-6, 2e-6, 5e-6]),
        e2e_cutoff_s=st.sampled_from([0.0, 0.0, 3e-6]),
        window=st.integers(1, 2),
        seed=st.integers(0, 2**16),
        swap_policy=st.sampled_from(["asap", "nested"]),
        purification=st.sampled_from(PURIFICATION),
    )
    def setup(self, length, cutoff_s, e2e_cutoff_s, window, seed, swap_policy, purification):
        self.names = tuple("abcd"[:length])
        config = QnpConfig(
            cutoff_s=cutoff_s, e2e_cutoff_s=e2e_cutoff_s, window=window,
            swap_policy=swap_policy, purification=purification,
        )  # fmt: skip
        self.net = QnpNet(self.names, config=config, seed=seed)
        self.number: dict[tuple[str, int], int] = {}  # (head, request id) -> number
        self.tails: dict[tuple[str, int], str] = {}
        self.next_id = 0

    # --- rules ----------------------------------------------------------------------------

    @rule(
        data=st.data(),
        number=st.integers(1, 3),
        max_time_ps=st.sampled_from([0, 0, 4_000_000, 20_000_000]),
        min_fidelity=st.sampled_from([0.0, 0.0, 0.92]),
    )
    def create(self, data, number, max_time_ps, min_fidelity):
        src, dst = data.draw(st.permutations(self.names))[:2]
        rid = self.next_id
        self.next_id += 1
        self.number[(src, rid)] = number
        self.tails[(src, rid)] = dst
        self.net.create(
            src, dst, rid, number=number, max_time_ps=max_time_ps, min_fidelity=min_fidelity
        )

    @precondition(lambda self: bool(self.net.open_requests()))
    @rule(data=st.data(), label=st.integers(0, 3), deliver=st.booleans())
    def make_link_pair(self, data, label, deliver):
        origin, rid = data.draw(st.sampled_from(self.net.open_requests()))
        self.net.generate(origin, rid, label, deliver=deliver)

    @rule()
    def network_quiets(self):
        self.net.pump()

    @precondition(lambda self: bool(self.net.link_inbox))
    @rule(data=st.data())
    def link_ok_arrives(self, data):
        self.net.deliver_ok(data.draw(st.integers(0, len(self.net.link_inbox) - 1)))

    @precondition(lambda self: bool(self.net.wire))
    @rule(data=st.data())
    def pdu_arrives(self, data):
        self.net.deliver(data.draw(st.integers(0, len(self.net.wire) - 1)))

    @precondition(lambda self: bool(self.net.running_timers()))
    @rule(data=st.data())
    def timer_fires(self, data):
        _, node, key = data.draw(st.sampled_from(self.net.running_timers()))
        self.net.fire(node, key)

    @rule(delay_ps=st.integers(0, 3_000_000))
    def time_passes(self, delay_ps):
        self.net.now_ps += delay_ps

    @precondition(lambda self: bool(self.net.open_requests()))
    @rule(data=st.data(), code=st.sampled_from(list(ErrorCode)), roll=st.integers(0, 5))
    def link_request_fails(self, data, code, roll):
        if roll != 5:  # rarely: a failed link request ends the whole circuit
            return
        origin, rid = data.draw(st.sampled_from(self.net.open_requests()))
        self.net.link_error(origin, rid, code, "scripted")

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def delivered_pairs_are_real_complete_and_agreed(self):
        seen: dict[object, tuple[str, NetworkOkIndication]] = {}
        for node in self.net.nodes.values():
            for ok in node.oks:
                truth = node.slots.get(ok.slot)
                assert truth is not None, f"{node.name} lost delivered slot {ok.slot}"
                assert truth.alive, f"delivered pair {ok} is broken"
                assert truth.links.isdisjoint(self.net.released_links)
                assert truth.bell == ok.bell_index, "wrong Pauli frame delivered"
                assert set(truth.holders) == {ok.path[0], ok.path[-1]}
                other = seen.get(ok.entanglement_id)
                if other is None:
                    seen[ok.entanglement_id] = (node.name, ok)
                    continue
                other_node, other_ok = other
                assert other_node != node.name, f"{ok.entanglement_id} delivered twice"
                assert other_ok.bell_index == ok.bell_index
                assert self.net.nodes[other_node].slots[other_ok.slot] is truth

    @invariant()
    def at_most_number_oks_then_at_most_one_terminal_error(self):
        for node in self.net.nodes.values():
            events = defaultdict(list)
            for p in node.indications:
                if isinstance(p, NetworkOkIndication):
                    key = (p.entanglement_id.origin, p.entanglement_id.request_id)
                elif isinstance(p, NetworkErrorIndication):
                    key = (p.origin, p.request_id)
                else:
                    continue
                events[key].append(p)
            for key, items in events.items():
                oks = [p for p in items if isinstance(p, NetworkOkIndication)]
                errors = [p for p in items if isinstance(p, NetworkErrorIndication)]
                assert len(oks) <= self.number.get(key, 0)
                assert len(errors) <= 1
                if errors:
                    assert items[-1] is errors[0], "OK after the terminal error"
                    assert len(oks) < self.number[key]

    # --- the end: run to completion -------------------------------------------------------

    def teardown(self):
        if not hasattr(self, "net"):
            return
        net = self.net
        for _ in range(5_000):
            if net.wire or net.link_inbox:
                net.pump()
            elif net.open_requests():
                origin, rid = net.open_requests()[0]
                net.generate(origin, rid)
            elif not net.fire_next_timer():
                break
        else:
            raise AssertionError("the network never settled")
        self.delivered_pairs_are_real_complete_and_agreed()
        self.at_most_number_oks_then_at_most_one_terminal_error()
        assert net.running_timers() == []
        for (head, rid), number in self.number.items():
            for end in (head, self.tails[(head, rid)]):
                side = net.nodes[end]
                oks = [o for o in side.oks if (o.entanglement_id.origin,
                       o.entanglement_id.request_id) == (head, rid)]  # fmt: skip
                errors = [e for e in side.errors if (e.origin, e.request_id) == (head, rid)]
                assert (len(oks) == number) != (len(errors) == 1), (end, head, rid, oks, errors)
        for node in net.nodes.values():
            assert node.qnp.circuits == {}
            assert set(node.slots) <= {ok.slot for ok in node.oks}
        net.release_delivered()
        assert net.held_slots() == {}
        kinds = {t.kind for node in net.nodes.values() for t in node.traces}
        for kind in sorted(kinds & INTERESTING):
            event(kind)


QnpMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQnpRules = QnpMachine.TestCase
