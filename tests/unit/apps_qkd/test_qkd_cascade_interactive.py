"""Cascade split into Bob's queries and Alice's answers equals the one-call Cascade."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.apps.qkd import (
    CascadeAlice,
    ParityQuery,
    cascade,
    cascade_bob,
    disclosed_estimate,
    estimate_parameters,
    sample_positions,
    sift,
)


def _converse(alice: np.ndarray, bob: np.ndarray, qber: float, seed: int, passes: int = 4):
    conversation = cascade_bob(bob, qber, np.random.default_rng(seed), passes=passes)
    answerer = CascadeAlice(alice, np.random.default_rng(seed))
    rounds = 0
    try:
        query = next(conversation)
        while True:
            rounds += 1
            query = conversation.send(answerer.answer(query))
    except StopIteration as stop:
        return stop.value, answerer, rounds


@pytest.mark.parametrize(("n", "qber", "passes"), [(1, 0.1, 4), (500, 0.01, 4), (5000, 0.03, 4),
                                                   (20000, 0.05, 6), (3000, 0.2, 2)])  # fmt: skip
@pytest.mark.parametrize("seed", range(3))
def test_same_corrected_key_and_leak_as_the_one_call_cascade(
    n: int, qber: float, passes: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    bob = alice ^ (rng.random(n) < qber).astype(np.uint8)
    reference = cascade(alice, bob, qber, np.random.default_rng(seed + 7), passes=passes)
    result, answerer, rounds = _converse(alice, bob, qber, seed + 7, passes)
    assert np.array_equal(result.corrected, reference.corrected)
    assert result.leak_bits == reference.leak_bits == answerer.disclosed
    assert result.flips == reference.flips
    assert result.block_sizes == reference.block_sizes
    assert rounds >= min(passes, 1)


def test_an_empty_key_needs_no_round_trip() -> None:
    result, answerer, rounds = _converse(np.zeros(0, np.uint8), np.zeros(0, np.uint8), 0.1, 0)
    assert (result.leak_bits, rounds, answerer.disclosed) == (0, 0, 0)


def test_alice_refuses_queries_out_of_protocol() -> None:
    answerer = CascadeAlice(np.zeros(10, np.uint8), np.random.default_rng(0))
    with pytest.raises(ValueError, match="before its predecessor"):
        answerer.answer(ParityQuery(1, np.array([0]), np.array([5])))
    with pytest.raises(ValueError, match="outside the key"):
        answerer.answer(ParityQuery(0, np.array([0]), np.array([11])))


@pytest.mark.parametrize("seed", range(5))
def test_the_disclosed_sample_gives_the_one_call_estimate(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 4000
    a_bases, b_bases = rng.integers(0, 2, n), rng.integers(0, 2, n)
    a_bits = rng.integers(0, 2, n, dtype=np.uint8)
    b_bits = a_bits ^ (rng.random(n) < 0.04).astype(np.uint8)
    sifted = sift(a_bases, a_bits, b_bases, b_bits)
    reference, _ = estimate_parameters(sifted, 0.2, np.random.default_rng(seed + 1))
    positions = sample_positions(len(sifted), 0.2, np.random.default_rng(seed + 1))
    split = disclosed_estimate(sifted.basis, positions, sifted.alice[positions],
                               sifted.bob[positions])  # fmt: skip
    assert split == reference
