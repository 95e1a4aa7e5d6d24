"""The fidelity estimation unit: min_fidelity → α, and refusals with the best fidelity."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qnetstack.linklayer.feu import ALPHA_MAX, ALPHA_TOLERANCE, FidelityEstimator
from qnetstack.physical.nv.platform import NVPlatform
from qnetstack.physical.nv.presets import load_preset
from qnetstack.physical.platform import LinkGeometry
from qnetstack.physical.qstore import PairStore


@dataclass
class LinearModel:
    """F(α) = 1 − α (kept pairs lose 0.05 more), with a dip below α = 0.01 (dark counts)."""

    tunable_alpha: bool = True
    calls: int = 0

    def success_probability(self, alpha):
        return 0.1 if alpha is None else alpha / 5

    supports_move: bool = False

    def fidelity(self, alpha, *, keep, moved=False):
        self.calls += 1
        alpha = 0.1 if alpha is None else alpha
        dip = max(0.0, 0.01 - alpha) * 20
        return 1.0 - alpha - (0.05 if keep else 0.0) - dip


def test_largest_alpha_meeting_min_fidelity_on_the_safe_side():
    feu = FidelityEstimator(LinearModel())
    decision = feu.decide(0.8, keep=False)
    assert decision.supported
    assert 0.2 - ALPHA_TOLERANCE <= decision.alpha <= 0.2
    assert decision.goodness >= 0.8
    assert decision.goodness == pytest.approx(1 - decision.alpha)


def test_keep_pairs_need_a_smaller_alpha():
    feu = FidelityEstimator(LinearModel())
    assert feu.decide(0.8, keep=True).alpha < feu.decide(0.8, keep=False).alpha


def test_alpha_is_capped_at_one_half():
    decision = FidelityEstimator(LinearModel()).decide(0.1, keep=True)
    assert decision.alpha == ALPHA_MAX


def test_unreachable_fidelity_is_unsupported_with_the_best_achievable():
    decision = FidelityEstimator(LinearModel()).decide(0.999, keep=False)
    assert not decision.supported
    assert decision.best_fidelity == pytest.approx(0.99, abs=2e-3)  # the peak near α = 0.01


def test_decisions_are_cached():
    model = LinearModel()
    feu = FidelityEstimator(model)
    feu.decide(0.8, keep=True)
    calls = model.calls
    assert feu.decide(0.8, keep=True) == feu.decide(0.8, keep=True)
    assert model.calls == calls


@pytest.mark.parametrize(
    ("fidelity", "min_fidelity", "supported"), [(0.9, 0.9, True), (0.9, 0.91, False)]
)
def test_fixed_links_accept_iff_their_fidelity_suffices(fidelity, min_fidelity, supported):
    model = LinearModel(tunable_alpha=False)
    model.fidelity = lambda alpha, *, keep, moved=False: fidelity  # type: ignore[method-assign]
    decision = FidelityEstimator(model).decide(min_fidelity, keep=True)
    assert (decision.supported, decision.alpha, decision.goodness) == (supported, None, fidelity)


def test_nv_lab_2018_kept_pairs_reach_the_requested_fidelity():
    config = load_preset("lab_2018")
    platform = NVPlatform(config, PairStore())
    geometry = LinkGeometry("a", "b", "s", 0.001, 0.001, 4803, 4803)
    model = platform.link_info(geometry).link_model
    feu = FidelityEstimator(model)
    decision = feu.decide(0.8, keep=True)
    assert decision.supported
    assert model.fidelity(decision.alpha, keep=True) >= 0.8
    assert model.fidelity(decision.alpha + 2 * ALPHA_TOLERANCE, keep=True) < 0.8
    assert not feu.decide(0.99, keep=True).supported


def test_moved_pairs_are_judged_by_the_moved_prediction():
    class MoveCost(LinearModel):
        def fidelity(self, alpha, *, keep, moved=False):
            return super().fidelity(alpha, keep=keep) - (0.1 if moved else 0.0)

    feu = FidelityEstimator(MoveCost())
    unmoved = feu.decide(0.8, keep=True)
    moved = feu.decide(0.8, keep=True, moved=True)
    assert moved.alpha < unmoved.alpha
    assert moved.goodness >= 0.8
