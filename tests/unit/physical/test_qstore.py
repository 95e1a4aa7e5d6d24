"""PairStore: ground-truth pair states, lazy memory noise, discarding halves."""

from __future__ import annotations

import math

import pytest

from qnetstack.physical import Formalism, MemoryModel, PairStore
from qnetstack.quantum import BellDiagonal, BellIndex, DensityMatrix

T2_PS = 1e9
PSI_PLUS = int(BellIndex.PSI_PLUS)


def dephased_werner_fidelity(f0: float, dt_a_ps: float, dt_b_ps: float, t2_ps: float) -> float:
    """Analytic: a Z error on either half swaps Ψ+ ↔ Ψ−; the two flips combine."""
    coherence = math.exp(-(dt_a_ps + dt_b_ps) / t2_ps)  # (1 − 2p_a)(1 − 2p_b)
    q = (1 - coherence) / 2  # probability of an odd number of Z errors
    return (1 - q) * f0 + q * (1 - f0) / 3


def test_memory_model():
    assert MemoryModel().noiseless
    assert not MemoryModel(t2_ps=5.0).noiseless
    assert not MemoryModel(t1_ps=5.0, t2_ps=10.0).noiseless


@pytest.mark.parametrize(
    ("formalism", "kind"), [("dm", DensityMatrix), ("bell_diagonal", BellDiagonal)]
)
def test_werner_in_the_store_formalism(formalism, kind):
    store = PairStore(formalism)
    assert store.formalism is Formalism(formalism)
    state = store.werner(0.8, PSI_PLUS)
    assert isinstance(state, kind)


@pytest.mark.parametrize("formalism", list(Formalism))
def test_lazy_dephasing_matches_the_analytic_fidelity(formalism):
    store = PairStore(formalism)
    memories = (MemoryModel(t2_ps=T2_PS), MemoryModel(t2_ps=T2_PS))
    pair = store.add(store.werner(0.9, PSI_PLUS), ("a", "b"), memories, (0, 200_000_000))
    assert store.fidelity(pair, PSI_PLUS, 200_000_000) == pytest.approx(
        dephased_werner_fidelity(0.9, 200_000_000, 0, T2_PS), abs=1e-12
    )
    # Reading twice at increasing times equals one read at the end (noise composes).
    expected = dephased_werner_fidelity(0.9, 700_000_000, 500_000_000, T2_PS)
    assert store.fidelity(pair, PSI_PLUS, 700_000_000) == pytest.approx(expected, abs=1e-12)
    assert store.fidelity(pair, PSI_PLUS, 700_000_000) == pytest.approx(expected, abs=1e-12)


def test_noiseless_memories_keep_the_state():
    store = PairStore()
    pair = store.add(
        store.werner(0.9, PSI_PLUS), ("a", "b"), (MemoryModel(), MemoryModel()), (0, 0)
    )
    assert store.fidelity(pair, PSI_PLUS, 10**15) == pytest.approx(0.9, abs=1e-12)


def test_ids_holders_and_discard():
    store = PairStore()
    quiet = (MemoryModel(), MemoryModel())
    first = store.add(store.werner(1.0, 0), ("a", "b"), quiet, (0, 0))
    second = store.add(store.werner(1.0, 0), ("b", "c"), quiet, (0, 0))
    assert first != second
    assert len(store) == 2
    assert store.holders(second) == ("b", "c")
    store.discard(first, 0)
    assert first in store
    store.discard(first, 1)
    assert first not in store
    assert len(store) == 1
    store.discard(first, 0)  # discarding a forgotten pair is harmless
    with pytest.raises(KeyError, match="not in the store"):
        store.state(first, 0)


def test_a_discarded_half_stops_decohering():
    store = PairStore()
    memories = (MemoryModel(t2_ps=T2_PS), MemoryModel(t2_ps=T2_PS))
    pair = store.add(store.werner(0.9, PSI_PLUS), ("a", "b"), memories, (0, 0))
    store.discard(pair, 1)
    expected = dephased_werner_fidelity(0.9, 300_000_000, 0, T2_PS)
    assert store.fidelity(pair, PSI_PLUS, 300_000_000) == pytest.approx(expected, abs=1e-12)
