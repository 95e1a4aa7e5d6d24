"""The ``chsh`` app: two ends over real classical channels, a scripted network layer below.

Each node's stack is ``[FakeNetworkLayer, ChshApp]``; the measured pairs are drawn here from the
statistics of Werner pairs of fidelity F in a random Bell frame (equal bases: Bob's
frame-corrected bit differs from Alice's with probability 2(1 − F)/3; unequal bases: independent
bits) and injected at both ends. For such pairs E_ZZ = E_XX = (4F − 1)/3 and the inferred
S = 2√2(4F − 1)/3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from qnetstack.apps import (
    AppResultIndication,
    BellTestResultIndication,
    BellTestSessionRequest,
    ChshApp,
    ChshConfig,
    SessionId,
)
from qnetstack.linklayer.primitives import RequestType
from qnetstack.network.fake import FakeNetworkLayer, Inject
from qnetstack.network.primitives import (
    NetworkCreateRequest,
    NetworkEntanglementId,
    NetworkErrorCode,
    NetworkErrorIndication,
    NetworkOkIndication,
)
from qnetstack.runtime import Runtime
from qnetstack.service import Indicate, LayerName, Primitive, SendDown

CORRELATION = {"Z": (1, -1, 1, -1), "X": (1, 1, -1, -1)}


@dataclass
class Outcome:
    results: dict[str, BellTestResultIndication] = field(default_factory=dict)
    generic: dict[str, AppResultIndication] = field(default_factory=dict)
    runtime: Any = None


def run_test(
    *, pairs: int = 4000, fidelity: float = 0.92, loss: float = 0.0, seed: int = 1,
    drop_at_bob: frozenset[int] = frozenset(), config: dict[str, Any] | None = None,
    error_after: int | None = None,
) -> Outcome:  # fmt: skip
    runtime = Runtime(seed)
    outcome = Outcome(runtime=runtime)
    app_config = ChshConfig(**(config or {}))
    for name in ("a", "b"):
        node = runtime.add_node(name)
        node.add(FakeNetworkLayer(name))
        node.add(ChshApp(name, app_config, runtime.rng(f"{name}/app")))

        def top(node_name: str, primitive: Primitive, now_ps: int) -> None:
            match primitive:
                case BellTestResultIndication():
                    outcome.results[node_name] = primitive
                case AppResultIndication():
                    outcome.generic[node_name] = primitive

        node.top_handler = top
    runtime.connect("a", "b", 10**6, loss)
    runtime.request_at(0, "a", BellTestSessionRequest(0, "b", pairs))
    rng = np.random.default_rng(seed + 1000)
    error = 2 * (1 - fidelity) / 3
    delivered = pairs if error_after is None else error_after
    for seq in range(delivered):
        bell = int(rng.integers(4))
        basis_a, basis_b = ("Z" if rng.random() < 0.5 else "X" for _ in range(2))
        bit_a = int(rng.integers(2))
        if basis_a == basis_b:
            corrected = bit_a ^ int(rng.random() < error)
            bit_b = corrected ^ int(CORRELATION[basis_b][bell] == -1)
        else:
            bit_b = int(rng.integers(2))
        ent = NetworkEntanglementId("a", 0, seq)
        t_ps = 10**6 * (seq + 1)
        for node, remote, basis, bit in (("a", "b", basis_a, bit_a), ("b", "a", basis_b, bit_b)):
            if node == "b" and seq in drop_at_bob:
                continue
            ok = NetworkOkIndication(
                entanglement_id=ent, remote=remote, slot=None, bell_index=bell, goodness=fidelity,
                create_time_ps=t_ps, path=("a", "b"), purpose_id=app_config.purpose_id,
                outcome=bit, basis=basis,
            )  # fmt: skip
            runtime.request_at(t_ps, node, Inject(ok), LayerName.NETWORK)
    if error_after is not None:
        t_ps = 10**6 * (delivered + 1)
        for node in ("a", "b"):
            err = NetworkErrorIndication("a", 0, NetworkErrorCode.TIMEOUT, "deadline")
            runtime.request_at(t_ps, node, Inject(err), LayerName.NETWORK)
    runtime.run()
    return outcome


def test_werner_pairs_give_the_analytic_s_at_both_ends() -> None:
    fidelity, pairs = 0.92, 4000
    outcome = run_test(pairs=pairs, fidelity=fidelity)
    alice, bob = outcome.results["a"], outcome.results["b"]
    assert (alice.role, bob.role) == ("alice", "bob")
    assert alice.error == bob.error == ""
    assert alice.summary == bob.summary
    summary = alice.summary
    assert summary is not None
    expected = 2 * math.sqrt(2) * (4 * fidelity - 1) / 3
    assert abs(summary["s"] - expected) < 3 * summary["s_std_error"]
    assert summary["violation"] is True
    assert summary["pairs"] == summary["rounds"] == pairs
    assert summary["unmatched"] == 0
    assert alice.pairs == bob.pairs == pairs
    assert outcome.generic["a"].result["s"] == summary["s"]
    assert outcome.generic["b"].session == SessionId("a", 0)


def test_the_records_exchange_costs_at_least_one_and_a_half_round_trips() -> None:
    outcome = run_test(pairs=50)
    # The last pair arrives at 50 µs; request, reply and outcome each take the 1 µs delay.
    assert outcome.runtime.now_ps >= 10**6 * 50 + 3 * 10**6


def test_a_pair_bob_never_saw_is_dropped_at_both_ends() -> None:
    outcome = run_test(pairs=200, drop_at_bob=frozenset({3, 7}))
    summary = outcome.results["a"].summary
    assert summary is not None
    assert summary["unmatched"] == 2
    assert summary["rounds"] == 198
    assert outcome.results["b"].summary == summary


def test_a_network_error_after_some_pairs_still_tests_them_and_reports_the_error() -> None:
    outcome = run_test(pairs=500, error_after=300)
    alice = outcome.results["a"]
    assert alice.pairs == 300
    assert alice.error == "TIMEOUT"
    assert alice.summary is not None
    assert alice.summary["rounds"] == 300
    assert outcome.results["b"].summary == alice.summary


def test_a_network_error_before_any_pair_ends_at_alice_only() -> None:
    outcome = run_test(pairs=10, error_after=0)
    assert outcome.results["a"].error == "TIMEOUT"
    assert outcome.results["a"].summary is None
    assert "b" not in outcome.results


@pytest.mark.parametrize("seed", range(6))  # seeds 0–5 give all three endings
def test_under_heavy_loss_both_ends_agree_or_report_an_error(seed: int) -> None:
    outcome = run_test(pairs=100, loss=0.5, seed=seed, config={"max_retransmissions": 3})
    alice = outcome.results["a"]
    bob = outcome.results.get("b")
    if alice.error == "":  # Alice sent the figures: Bob has them, or gave up waiting for them
        assert bob is not None
        assert bob.summary == alice.summary if bob.error == "" else bob.error == "timeout"
    else:  # Alice gave up: Bob never heard of the test, or was told, or gave up himself
        assert alice.error == "timeout"
        assert bob is None or bob.error in ("timeout", "abort") or bob.summary is not None
    for end in outcome.results.values():
        assert (end.summary is None) == (end.error != "")
    assert outcome.runtime.sim.pending_events == 0  # nothing left running: no hang


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (BellTestSessionRequest(0, "a", 10), "remote is this node"),
        (BellTestSessionRequest(0, "b", 0), "pairs must be >= 1"),
    ],
)
def test_malformed_sessions_are_rejected_with_a_reason(
    request_: BellTestSessionRequest, reason: str
) -> None:
    app = ChshApp("a", ChshConfig(), np.random.default_rng(0))
    effects = app.from_above(request_, 0)
    result = effects[0]
    assert isinstance(result, Indicate)
    assert isinstance(result.primitive, BellTestResultIndication)
    assert result.primitive.error == "REJECTED"
    assert reason in result.primitive.message


def test_a_session_asks_the_network_layer_for_measured_pairs() -> None:
    app = ChshApp("a", ChshConfig(purpose_id=77), np.random.default_rng(0))
    effects = app.from_above(BellTestSessionRequest(4, "b", 10, "e91", 0.8, 5), 0)
    (create,) = [e.primitive for e in effects if isinstance(e, SendDown)]
    assert create == NetworkCreateRequest(
        request_id=4, remote="b", number=10, min_fidelity=0.8, max_time_ps=5,
        purpose_id=77, request_type=RequestType.MEASURE, measure_basis="e91",
    )  # fmt: skip
    again = app.from_above(BellTestSessionRequest(4, "b", 10), 0)
    assert isinstance(again[0], Indicate)
    assert "already used" in again[0].primitive.message  # type: ignore[attr-defined]


def test_primitives_of_others_pass_through() -> None:
    app = ChshApp("a", ChshConfig(), np.random.default_rng(0))
    other = NetworkCreateRequest(request_id=1, remote="b")
    assert app.from_above(other, 0) == [SendDown(other)]
    ok = NetworkOkIndication(
        entanglement_id=NetworkEntanglementId("b", 0, 0), remote="b", slot=3, bell_index=0,
        goodness=1.0, create_time_ps=0, path=("b", "a"), purpose_id=5,
    )  # fmt: skip
    assert app.from_below(ok, 0) == [Indicate(ok)]
