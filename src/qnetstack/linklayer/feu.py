"""The fidelity estimation unit (FEU): from a requested minimum fidelity to an operating point.

Theory of operation
-------------------
In the EGP of Dahlberg et al., "A Link Layer Protocol for Quantum Networks" (SIGCOMM 2019,
§5.2.1), the FEU turns a CREATE's ``min_fidelity`` into the hardware's knob and reports the
*goodness* of each delivered pair. On single-click hardware the knob is the bright-state
population α: a larger α heralds more often (p ≈ 2αη) but delivers a worse state (fidelity
≈ 1 − α), so the FEU picks the **largest** α whose delivered fidelity still reaches
``min_fidelity`` — the fastest admissible rate.

Input: the link's :class:`~qnetstack.physical.platform.LinkModel` (from the physical platform),
whose ``fidelity(α, keep=...)`` predicts the fidelity of a *delivered* pair: for KEEP pairs
including the memory decoherence while the herald travels back to the later node, for
MEASURE pairs (measured at emission) without it. The FEU trusts these predictions; the goodness
it reports is exactly ``fidelity(α, keep)``, so it is as calibrated as the platform's model.

* Tunable α: the fidelity is maximal at some small α* (dark counts dominate below it) and
  decreases above it. The FEU locates α* on a log grid, then bisects on [α*, 0.5] down to
  ``1e-4`` and keeps the lower (safe) end of the bracket. If even α* misses ``min_fidelity``
  the request is UNSUPPORTED, and the message gives the best achievable fidelity.
* Fixed operating point (depolarising, Barrett–Kok): accepted iff ``fidelity(None, keep)``
  reaches ``min_fidelity``; ``α = None`` (the platform's configured value).

Decisions are cached per ``(min_fidelity, keep)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnetstack.physical.platform import LinkModel

__all__ = ["ALPHA_MAX", "ALPHA_MIN", "ALPHA_TOLERANCE", "FeuDecision", "FidelityEstimator"]

ALPHA_MAX = 0.5
"""Largest bright-state population the FEU uses (Dahlberg et al. 2019 sweep α ≤ 0.5)."""
ALPHA_MIN = 1e-4
"""Smallest α considered: below it rates are negligible."""
ALPHA_TOLERANCE = 1e-4
"""Width of the final bisection bracket."""
_GRID = tuple(float(a) for a in np.geomspace(ALPHA_MIN, ALPHA_MAX, 25))


@dataclass(frozen=True, slots=True)
class FeuDecision:
    """The FEU's answer for one request.

    Attributes:
        supported: Whether ``min_fidelity`` can be reached.
        alpha: The bright-state population to request (``None``: the platform's value).
        goodness: Predicted fidelity of each delivered pair at ``alpha``.
        best_fidelity: Best fidelity the link can deliver for this request type.
    """

    supported: bool
    alpha: float | None
    goodness: float
    best_fidelity: float


class FidelityEstimator:
    """The FEU of one link.

    Args:
        model: The platform's prediction of delivered fidelity and success probability.
    """

    def __init__(self, model: LinkModel) -> None:
        self.model = model
        self._cache: dict[tuple[float, bool, bool], FeuDecision] = {}

    def decide(self, min_fidelity: float, *, keep: bool, moved: bool = False) -> FeuDecision:
        """The operating point for a request with ``min_fidelity`` of the given type.

        ``moved``: KEEP halves are moved out of the communication qubit on arrival, so the
        prediction includes the move's noise and duration.
        """
        key = (min_fidelity, keep, moved)
        decision = self._cache.get(key)
        if decision is None:
            if self.model.tunable_alpha:
                decision = self._tunable(min_fidelity, keep, moved)
            else:
                fidelity = self.model.fidelity(None, keep=keep, moved=moved)
                decision = FeuDecision(fidelity >= min_fidelity, None, fidelity, fidelity)
            self._cache[key] = decision
        return decision

    def _tunable(self, min_fidelity: float, keep: bool, moved: bool) -> FeuDecision:
        def fidelity(alpha: float | None, *, keep: bool) -> float:
            return self.model.fidelity(alpha, keep=keep, moved=moved)

        values = [fidelity(a, keep=keep) for a in _GRID]
        peak = int(np.argmax(values))
        best_alpha, best = _GRID[peak], values[peak]
        if best < min_fidelity:
            return FeuDecision(False, best_alpha, best, best)
        if fidelity(ALPHA_MAX, keep=keep) >= min_fidelity:
            return FeuDecision(True, ALPHA_MAX, fidelity(ALPHA_MAX, keep=keep), best)
        lo, hi = best_alpha, ALPHA_MAX  # f(lo) >= min_fidelity > f(hi)
        while hi - lo > ALPHA_TOLERANCE:
            mid = 0.5 * (lo + hi)
            if fidelity(mid, keep=keep) >= min_fidelity:
                lo = mid
            else:
                hi = mid
        return FeuDecision(True, lo, fidelity(lo, keep=keep), best)
