"""Unit tests of PairStore.purify (one DEJMPS/BBPSSW round on the store's pairs)."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.physical import Formalism, MemoryModel, PairStore
from qnetstack.physical.purification import builtin_protocol
from qnetstack.physical.purify import (
    PurifyOutcome,
    correct_frame,
    declared_success_probability,
    failure_state,
    frame_to_phi_plus,
)
from qnetstack.quantum import BellDiagonal, BellIndex, DensityMatrix, bbpssw_dm, dejmps_dm

_NOISELESS = (MemoryModel(), MemoryModel())
_FORMALISMS = ["dm", "bell_diagonal"]


def _add(store: PairStore, state: object, holders: tuple[str, str] = ("a", "b")) -> int:
    return store.add(state, holders, _NOISELESS, (0, 0))  # type: ignore[arg-type]


def _dm_state(seed: int) -> DensityMatrix:
    """A generic (not Bell-diagonal) two-qubit state, close to Φ⁺."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    noise = g @ g.conj().T
    noise /= np.trace(noise)
    return DensityMatrix(0.8 * DensityMatrix.bell().matrix + 0.2 * noise)


@pytest.mark.parametrize("protocol", ["dejmps", "bbpssw"])
def test_reversed_qubit_order_of_the_sacrificed_pair_is_oriented(protocol: str) -> None:
    rho1, rho2 = _dm_state(1), _dm_state(2)
    p_ref, kept_ref = (dejmps_dm if protocol == "dejmps" else bbpssw_dm)(rho1, rho2)
    store = PairStore(Formalism.DM)
    keep = _add(store, rho1)
    # The second pair is stored with node b on qubit 0: a holds its qubit 1.
    sacrifice = _add(store, rho2.permute((1, 0)), ("b", "a"))
    outcome = store.purify((keep, 0), (sacrifice, 1), protocol, 0, np.random.default_rng(0))  # type: ignore[arg-type]
    assert outcome.p_success == pytest.approx(p_ref, abs=1e-12)
    assert outcome.success
    assert outcome.kept_pair == keep
    assert store.state(keep, 0).allclose(kept_ref, atol=1e-12)  # type: ignore[arg-type]


def test_kept_pair_given_from_its_qubit_1_keeps_its_storage_order() -> None:
    rho1, rho2 = _dm_state(3), _dm_state(4)
    _, kept_ref = dejmps_dm(rho1, rho2)
    store = PairStore(Formalism.DM)
    keep = _add(store, rho1.permute((1, 0)), ("b", "a"))  # a holds qubit 1
    sacrifice = _add(store, rho2)
    outcome = store.purify((keep, 1), (sacrifice, 0), "dejmps", 0, np.random.default_rng(0))
    assert outcome.kept_pair == keep
    assert store.holders(keep) == ("b", "a")
    assert store.state(keep, 0).allclose(kept_ref.permute((1, 0)), atol=1e-12)  # type: ignore[arg-type]


@pytest.mark.parametrize("formalism", _FORMALISMS)
def test_pairs_between_different_nodes_are_refused(formalism: str) -> None:
    store = PairStore(Formalism(formalism))
    keep = _add(store, store.werner(0.9, 0))
    other = _add(store, store.werner(0.9, 0), ("a", "c"))
    with pytest.raises(ValueError, match="same two nodes"):
        store.purify((keep, 0), (other, 0), "bbpssw", 0, np.random.default_rng(0))
    # Same nodes, but the sacrificed half named is b's, not a's.
    same = _add(store, store.werner(0.9, 0))
    with pytest.raises(ValueError, match="same two nodes"):
        store.purify((keep, 0), (same, 1), "bbpssw", 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="itself"):
        store.purify((keep, 0), (keep, 0), "bbpssw", 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="protocol"):
        store.purify((keep, 0), (same, 0), "recurrence", 0, np.random.default_rng(0))  # type: ignore[arg-type]
    assert len(store) == 3  # nothing was consumed by a refused round


@pytest.mark.parametrize("formalism", _FORMALISMS)
def test_the_sacrificed_pair_is_always_consumed(formalism: str) -> None:
    seen = set()
    for seed in range(30):
        store = PairStore(Formalism(formalism))
        keep, sacrifice = _add(store, store.werner(0.6, 0)), _add(store, store.werner(0.6, 0))
        outcome = store.purify((keep, 0), (sacrifice, 0), "dejmps", 5, np.random.default_rng(seed))
        assert sacrifice not in store
        assert (keep in store) == outcome.success
        assert outcome.kept_pair == (keep if outcome.success else None)
        seen.add(outcome.success)
    assert seen == {True, False}


def test_aliases_are_resolved_and_the_kept_clock_is_now() -> None:
    store = PairStore(Formalism.BELL_DIAGONAL)
    t2 = MemoryModel(t2_ps=1e9)
    left = store.add(BellDiagonal.bell(), ("a", "r"), (t2, t2), (0, 0))
    right = store.add(BellDiagonal.bell(), ("r", "b"), (t2, t2), (0, 0))
    new_id, true_outcome, _ = store.swap((left, 1), (right, 0), 0, np.random.default_rng(0))
    correct_frame(store, (left, 0), true_outcome, 0)
    other = store.add(BellDiagonal.bell(), ("a", "b"), (t2, t2), (0, 0))
    outcome = store.purify((left, 0), (other, 0), "bbpssw", 100, np.random.default_rng(0))
    assert outcome.kept_pair == new_id
    expected = store.fidelity(new_id, 0, 100)
    # No aging happened between the round and the read: the clock is at 100.
    assert store.fidelity(new_id, 0, 100) == expected
    assert store.fidelity(new_id, 0, 200) < expected


@pytest.mark.parametrize("formalism", _FORMALISMS)
@pytest.mark.parametrize("protocol", ["dejmps", "bbpssw"])
def test_success_frequency_matches_p_success(formalism: str, protocol: str) -> None:
    runs, successes, p = 2000, 0, 0.0
    for seed in range(runs):
        store = PairStore(Formalism(formalism))
        keep, sacrifice = _add(store, store.werner(0.6, 0)), _add(store, store.werner(0.6, 0))
        outcome = store.purify(
            (keep, 0),
            (sacrifice, 0),
            builtin_protocol(protocol),
            0,
            np.random.default_rng(seed),
        )
        successes += outcome.success
        p = outcome.p_success
    sigma = np.sqrt(p * (1 - p) / runs)
    assert abs(successes / runs - p) < 3 * sigma


def test_readout_errors_flip_the_decision_as_often_as_expected() -> None:
    q, runs = 0.2, 2000
    p_true = 0.608888889  # F9 at F = 0.6
    expected = declared_success_probability(p_true, q)
    assert expected == pytest.approx(p_true * 0.68 + (1 - p_true) * 0.32)
    successes = 0
    for seed in range(runs):
        store = PairStore(Formalism.BELL_DIAGONAL)
        keep, sacrifice = _add(store, store.werner(0.6, 0)), _add(store, store.werner(0.6, 0))
        outcome = store.purify(
            (keep, 0),
            (sacrifice, 0),
            "bbpssw",
            0,
            np.random.default_rng(seed),
            readout_flip_prob=q,
        )
        assert outcome.p_success == pytest.approx(expected, abs=1e-9)
        successes += outcome.success
    assert abs(successes / runs - expected) < 3 * np.sqrt(expected * (1 - expected) / runs)


@pytest.mark.parametrize("protocol", ["dejmps", "bbpssw"])
def test_failure_state_agrees_between_formalisms(protocol: str) -> None:
    a = BellDiagonal([0.7, 0.1, 0.15, 0.05])
    b = BellDiagonal([0.6, 0.2, 0.1, 0.1])
    bd = failure_state(a, b, builtin_protocol(protocol), 0.05)
    dm = failure_state(
        a.to_density_matrix(), b.to_density_matrix(), builtin_protocol(protocol), 0.05
    )
    assert isinstance(bd, BellDiagonal)
    assert isinstance(dm, DensityMatrix)
    assert BellDiagonal.from_density_matrix(dm).allclose(bd, atol=1e-12)
    assert dm.allclose(bd.to_density_matrix(), atol=1e-12)


def test_a_kept_failed_round_holds_the_failure_state() -> None:
    """With readout errors certain on one bit (q → the decision always inverts when exactly
    one flips), a failed round that is kept carries the normalised failure state."""
    a = BellDiagonal.werner(0.6)
    expected = failure_state(a, a, builtin_protocol("bbpssw"), 0.0)
    assert isinstance(expected, BellDiagonal)
    for seed in range(200):
        store = PairStore(Formalism.BELL_DIAGONAL)
        keep, sacrifice = _add(store, a), _add(store, a)
        outcome = store.purify(
            (keep, 0),
            (sacrifice, 0),
            "bbpssw",
            0,
            np.random.default_rng(seed),
            readout_flip_prob=0.5,
        )
        if outcome.success and store.fidelity(keep, 0, 0) < 0.6:
            assert store.state(keep, 0).allclose(expected)  # type: ignore[arg-type]
            return
    pytest.fail("no failed round was kept in 200 seeds")


@pytest.mark.parametrize("formalism", _FORMALISMS)
def test_gate_noise_on_perfect_pairs_gives_werner_inputs(formalism: str) -> None:
    """Depolarising p on both qubits of a Φ⁺ pair leaves a Werner pair with w = (1 − p)²; the
    round then follows F9 at F = (3w + 1)/4."""
    p = 0.1
    w = (1 - p) ** 2
    f = (3 * w + 1) / 4
    p_ref = f**2 + 2 * f * (1 - f) / 3 + 5 * ((1 - f) / 3) ** 2
    f_ref = (f**2 + ((1 - f) / 3) ** 2) / p_ref
    for seed in range(50):
        store = PairStore(Formalism(formalism))
        keep, sacrifice = _add(store, store.werner(1.0, 0)), _add(store, store.werner(1.0, 0))
        outcome = store.purify(
            (keep, 0),
            (sacrifice, 0),
            "bbpssw",
            0,
            np.random.default_rng(seed),
            gate_depolar_prob=p,
        )
        assert outcome.p_success == pytest.approx(p_ref, abs=1e-12)
        if outcome.success:
            assert store.fidelity(keep, 0, 0) == pytest.approx(f_ref, abs=1e-12)
            assert store.fidelity(keep, 0, 0) < 1.0
            return
    pytest.fail("no success in 50 seeds")


def test_frame_helpers() -> None:
    assert [frame_to_phi_plus(b) for b in range(4)] == ["I", "X", "Z", "Y"]
    for formalism in _FORMALISMS:
        for label in BellIndex:
            store = PairStore(Formalism(formalism))
            pair = _add(store, store.werner(0.9, label))
            correct_frame(store, (pair, 0), label, 0)
            assert store.fidelity(pair, 0, 0) == pytest.approx(0.9, abs=1e-12)
    assert PurifyOutcome(True, 0.5, 3).kept_pair == 3


# --- the two-sided round: purify_local ---------------------------------------------------


def _two_sided(store: PairStore, rng: np.random.Generator, frames=(2, 3), protocol="dejmps"):
    keep = _add(store, store.werner(0.8, frames[0]))
    sacrifice = _add(store, store.werner(0.8, frames[1]), ("b", "a"))
    bit_a = store.purify_local("a", (keep, 0), (sacrifice, 1), protocol, frames, 0, rng)
    bit_b = store.purify_local("b", (keep, 1), (sacrifice, 0), protocol, frames, 0, rng)
    return keep, bit_a == bit_b


@pytest.mark.parametrize("formalism", _FORMALISMS)
@pytest.mark.parametrize("protocol", ["dejmps", "bbpssw"])
def test_two_sided_round_matches_the_joint_round(formalism: str, protocol: str) -> None:
    """Equal bits exactly when the joint round succeeds: frequency = F9's p for F = 0.8
    (0.768889, 3σ), and the kept pair is the F8/F9 output around Φ⁺ (frames corrected)."""
    store, rng = PairStore(Formalism(formalism)), np.random.default_rng(5)
    runs = 4000 if formalism == "bell_diagonal" else 800
    successes = 0
    for _ in range(runs):
        keep, success = _two_sided(store, rng, protocol=protocol)
        if success:
            successes += 1
            assert store.fidelity(keep, 0, 0) == pytest.approx(0.838150289017341, abs=1e-9)
        store.discard(keep, 0)
        store.discard(keep, 1)
    p = 0.8**2 + 2 * 0.8 * 0.2 / 3 + 5 * (0.2 / 3) ** 2
    assert abs(successes / runs - p) < 3 * np.sqrt(p * (1 - p) / runs)
    assert len(store) == 0  # both pairs gone once the halves are freed


def test_first_bits_are_fair_coins_and_failed_kept_pairs_stay_until_freed() -> None:
    store, rng = PairStore(Formalism.BELL_DIAGONAL), np.random.default_rng(1)
    first_bits, kept_after_failure = [], 0
    for _ in range(2000):
        keep = _add(store, store.werner(0.6, 0))
        sacrifice = _add(store, store.werner(0.6, 0))
        first_bits.append(
            store.purify_local("a", (keep, 0), (sacrifice, 0), "dejmps", (0, 0), 0, rng)
        )
        bit_b = store.purify_local("b", (keep, 1), (sacrifice, 1), "dejmps", (0, 0), 0, rng)
        kept_after_failure += bit_b != first_bits[-1] and keep in store
        assert sacrifice not in store
        store.discard(keep, 0)
        store.discard(keep, 1)
    assert abs(np.mean(first_bits) - 0.5) < 3 * 0.5 / np.sqrt(2000)
    assert kept_after_failure > 0


def test_round_is_abandoned_when_the_second_node_frees_a_half_first() -> None:
    store, rng = PairStore(Formalism.BELL_DIAGONAL), np.random.default_rng(1)
    keep, sacrifice = _add(store, store.werner(0.9, 0)), _add(store, store.werner(0.9, 0))
    store.purify_local("a", (keep, 0), (sacrifice, 0), "bbpssw", (0, 0), 0, rng)
    store.discard(sacrifice, 1)  # b frees its sacrificed half (a teardown reached it first)
    assert sacrifice not in store  # a's half was measured: nothing of the pair is left
    store.discard(keep, 1)
    store.discard(keep, 0)
    assert len(store) == 0


def test_two_sided_round_refuses_inconsistent_calls() -> None:
    store, rng = PairStore(Formalism.BELL_DIAGONAL), np.random.default_rng(1)
    keep, sacrifice = _add(store, store.werner(0.9, 0)), _add(store, store.werner(0.9, 0))
    with pytest.raises(ValueError, match="does not hold"):
        store.purify_local("a", (keep, 1), (sacrifice, 0), "dejmps", (0, 0), 0, rng)
    store.purify_local("a", (keep, 0), (sacrifice, 0), "dejmps", (0, 0), 0, rng)
    with pytest.raises(ValueError, match="already ran its part"):
        store.purify_local("a", (keep, 0), (sacrifice, 0), "dejmps", (0, 0), 0, rng)
    with pytest.raises(ValueError, match="disagree on the round"):
        store.purify_local("b", (keep, 1), (sacrifice, 1), "dejmps", (0, 1), 0, rng)


def test_a_swap_keeps_a_discarded_outer_half_discarded() -> None:
    """A node discards its half (a cutoff) while its neighbour swaps the pair before the
    notice arrives: the new pair's half stays discarded and the store forgets the pair once
    the other end discards too (before the fix the half came back to life and leaked)."""
    store, rng = PairStore(Formalism.BELL_DIAGONAL), np.random.default_rng(3)
    left = _add(store, store.werner(0.9, 0), ("a", "r"))
    right = _add(store, store.werner(0.9, 0), ("r", "b"))
    store.discard(left, 0)  # a gives up on its half
    store.swap((left, 1), (right, 0), 0, rng)
    assert len(store) == 1
    store.discard(right, 1)  # b frees its half of the (now joined) pair
    assert len(store) == 0
