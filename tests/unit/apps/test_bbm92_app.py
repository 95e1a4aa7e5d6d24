"""The BBM92 app over real classical channels (delay, loss) with a scripted network below."""

from __future__ import annotations

import numpy as np
import pytest
from qkd_harness import run_session

from qnetstack.apps import Bbm92App, Bbm92Config, QkdSessionEndIndication, QkdSessionRequest
from qnetstack.apps.qkd import (
    binary_entropy,
    key_blocks,
    secret_key_length,
)
from qnetstack.apps.qkd.estimation import ParameterEstimate
from qnetstack.service import Indicate, SendDown


def test_keys_are_identical_at_both_ends_block_by_block() -> None:
    outcome = run_session(pairs=9000, block_pairs=3000, fidelity=0.99, seed=2)
    alice, bob = outcome.by_id("a"), outcome.by_id("b")
    assert alice.keys() == bob.keys()
    assert len(alice) >= 2  # a stream of keys, not one at the end
    for kid in alice:
        assert np.array_equal(alice[kid], bob[kid])
        assert len(alice[kid]) > 0
    delivered = {k.report.block for k in outcome.keys["a"]}
    failed = {f.block for f in outcome.failed.get("a", [])}
    assert delivered | failed == {0, 1, 2}
    assert outcome.ends["a"].blocks == outcome.ends["b"].blocks == 3
    assert outcome.ends["a"].keys == outcome.ends["b"].keys == len(alice)


def test_each_block_length_is_the_finite_key_formula_of_its_own_figures() -> None:
    outcome = run_session(pairs=6000, block_pairs=3000, fidelity=0.98, seed=5)
    for key in outcome.keys["b"]:
        r = key.report
        estimate = ParameterEstimate(
            r.sifted_bits, r.sample_bits, r.sample_per_basis, r.errors_per_basis, r.key_per_basis
        )
        terms = secret_key_length(key_blocks(estimate, None), r.leak_ec_bits, 1e-3, 1e-6)
        assert r.secret_length == terms.length == len(key.bits)
        # the sample error rate is what 1 − 2h(Q) is computed from
        q = sum(r.errors_per_basis) / r.sample_bits
        assert 0 < 1 - 2 * binary_entropy(q) < 1


@pytest.mark.parametrize("delay_ps", [10**6, 10**9])
def test_a_key_block_costs_its_round_trips(delay_ps: int) -> None:
    """Latency of a block ≥ (messages of the conversation) × one-way delay: every message
    waits for the one before it."""
    outcome = run_session(pairs=3000, block_pairs=3000, fidelity=0.98, delay_ps=delay_ps, seed=4)
    (alice_key,) = outcome.keys["a"]
    (bob_key,) = outcome.keys["b"]
    messages = alice_key.report.messages + bob_key.report.messages
    assert alice_key.report.retransmissions == bob_key.report.retransmissions == 0
    latency_ps = bob_key.report.ended_ps - alice_key.report.started_ps
    assert latency_ps >= messages * delay_ps
    # announce, sift, sample, Cascade round trips, EcDone, verify, confirm, ack
    assert messages == 7 + 2 * alice_key.report.cascade_rounds
    assert alice_key.report.cascade_rounds == bob_key.report.cascade_rounds
    assert alice_key.report.cascade_rounds >= 1


@pytest.mark.parametrize("loss", [1e-3, 1e-2, 5e-2])
@pytest.mark.parametrize("seed", range(4))
def test_classical_loss_never_gives_mismatched_keys(loss: float, seed: int) -> None:
    outcome = run_session(pairs=9000, block_pairs=3000, fidelity=0.99, loss=loss, seed=seed)
    alice, bob = outcome.by_id("a"), outcome.by_id("b")
    for kid in alice.keys() & bob.keys():
        assert np.array_equal(alice[kid], bob[kid])
    # every block ends at both ends, with a key or a reason
    for node in ("a", "b"):
        ends = outcome.ends[node]
        assert ends.blocks == 3
        assert len(outcome.keys.get(node, [])) + len(outcome.failed.get(node, [])) == 3
    # a key one end holds alone can only be Alice's (she commits first), and it is rare
    assert bob.keys() <= alice.keys()
    assert alice  # loss costs time, not the keys
    reports = [k.report for node in ("a", "b") for k in outcome.keys.get(node, [])]
    reports += [f.report for node in ("a", "b") for f in outcome.failed.get(node, []) if f.report]
    if loss >= 5e-2:
        assert sum(r.retransmissions for r in reports) > 0


def test_a_silent_peer_ends_the_block_with_a_timeout_error() -> None:
    outcome = run_session(pairs=3000, block_pairs=3000, loss=0.999999, seed=1,
                          config={"max_retransmissions": 3})  # fmt: skip
    (failure,) = outcome.failed["a"]
    assert failure.reason == "timeout"
    assert "after 3 retransmissions" in failure.message
    assert not outcome.keys
    # the closing exchange times out as well: the session ends at Alice with the reason
    assert outcome.ends["a"].error == "CLOSE_FAILED"
    assert outcome.runtime.pending_timers() == []


def test_same_seed_same_keys_other_seed_other_keys() -> None:
    first = run_session(pairs=3000, block_pairs=3000, seed=4)
    again = run_session(pairs=3000, block_pairs=3000, seed=4)
    other = run_session(pairs=3000, block_pairs=3000, seed=5)
    assert [k.bits.tolist() for k in first.keys["a"]] == [k.bits.tolist() for k in again.keys["a"]]
    assert [k.bits.tolist() for k in first.keys["a"]] != [k.bits.tolist() for k in other.keys["a"]]


def test_opening_a_session_asks_the_network_layer_for_measured_pairs(
    rng: np.random.Generator,
) -> None:
    app = Bbm92App("a", Bbm92Config(block_pairs=500), rng)
    effects = app.from_above(QkdSessionRequest(7, "b", 1000), 0)
    (create,) = [e.primitive for e in effects if isinstance(e, SendDown)]
    assert (create.request_id, create.remote, create.number) == (7, "b", 1000)
    assert (create.request_type.value, create.measure_basis) == ("MEASURE", "random")
    assert create.purpose_id == 9292


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (QkdSessionRequest(1, "a", 10), "remote is this node"),
        (QkdSessionRequest(1, "b", 0), "pairs must be >= 1"),
        (QkdSessionRequest(1, "b", 10, block_pairs=1), "block_pairs must be >= 2"),
    ],
)
def test_a_malformed_session_is_rejected_at_once(
    request_: QkdSessionRequest, message: str, rng: np.random.Generator
) -> None:
    app = Bbm92App("a", Bbm92Config(), rng)
    (effect,) = app.from_above(request_, 0)
    assert isinstance(effect, Indicate)
    end = effect.primitive
    assert isinstance(end, QkdSessionEndIndication)
    assert end.error == "REJECTED"
    assert message in end.message


def test_primitives_it_does_not_own_pass_through(rng: np.random.Generator) -> None:
    from qnetstack.network.primitives import (
        NetworkCreateRequest,
        NetworkEntanglementId,
        NetworkOkIndication,
    )

    app = Bbm92App("a", Bbm92Config(), rng)
    other = NetworkCreateRequest(request_id=3, remote="b")
    assert app.from_above(other, 0) == [SendDown(other)]
    keep = NetworkOkIndication(NetworkEntanglementId("b", 3, 0), "b", 4, 0, 0.9, 0, ("b", "a"))
    assert app.from_below(keep, 0) == [Indicate(keep)]


def test_bob_ends_the_session_even_if_an_announcement_never_reached_him(
    rng: np.random.Generator,
) -> None:
    """Alice's Close counts two blocks; Bob saw none (their announcements were lost and Alice's
    conversations gave up): he acknowledges and ends with what he has."""
    from qnetstack.apps.messages import AppMessage, Close, CloseAck
    from qnetstack.apps.primitives import SessionId
    from qnetstack.service import SendPeer

    bob = Bbm92App("b", Bbm92Config(), rng)
    close = AppMessage(SessionId("a", 0), -1, 0, Close(2))
    effects = bob.from_peer("a", close, 0)
    (ack,) = [e.pdu for e in effects if isinstance(e, SendPeer)]
    assert isinstance(ack.body, CloseAck)
    ends = [e.primitive for e in effects if isinstance(e, Indicate)]
    assert isinstance(ends[0], QkdSessionEndIndication)
    assert (ends[0].role, ends[0].blocks) == ("bob", 0)
