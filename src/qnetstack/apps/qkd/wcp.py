"""Monte-Carlo of decoy-state BB84 with weak coherent pulses, to check the analytic model.

Theory of operation
-------------------
The same physical process as :mod:`.decoy`, sampled pulse by pulse instead of averaged:

1. Alice picks the intensity class of each pulse (signal μ, decoy ν, vacuum 0) with the given
   probabilities, a basis and a bit uniformly at random;
2. the pulse holds k ~ Poisson(intensity) photons (phase-randomised coherent state);
3. each photon reaches Bob and is detected independently with probability η
   (:func:`~.decoy.system_transmittance`): a *signal click* if at least one is;
4. independently, a dark count fires with probability Y₀;
5. Bob picks a basis uniformly at random. A signal click reports Alice's bit, flipped with
   probability e_d (misalignment); a click from a dark count alone reports a random bit.

Gains (clicks / pulses sent) and QBERs (errors among sifted clicks) per class are what an
experiment would report, and :func:`decoy_key_rate` turns them into the vacuum + weak decoy
key rate exactly as the analytic model does.

Two samplers of that process:

* :func:`simulate_wcp_records` draws every pulse (arrays of length n_pulses; use it to feed
  the post-processing pipeline with a real sifted key);
* :func:`simulate_wcp_counts` draws only the counts, from the exact joint distribution of the
  same process (a multinomial over (signal click, dark click) per class, binomial sifting and
  errors), so 10¹¹ pulses cost microseconds. Thinning a Poisson photon number by η gives a
  signal click with probability 1 − e^{−ημ}, which is what it uses.

Where the model of Ma et al. (2005) approximates: it writes Q_μ = Y₀ + 1 − e^{−ημ} where the
process gives 1 − (1 − Y₀)e^{−ημ}, and it counts a simultaneous signal and dark click in both
terms of E_μQ_μ. Both differences are of relative size ≲ Y₀ (10⁻⁶ here), far below the
statistical errors of any test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.decoy import (
    FibreQkdSystem,
    gllp_key_rate,
    system_transmittance,
    vacuum_weak_decoy_bounds,
)
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.apps.qkd.sifting import SiftedKey

__all__ = [
    "DecoyIntensities",
    "WcpCounts",
    "WcpRecords",
    "decoy_key_rate",
    "simulate_wcp_counts",
    "simulate_wcp_records",
]

Bits = npt.NDArray[np.uint8]
SIGNAL, DECOY, VACUUM = 0, 1, 2


@dataclass(frozen=True, slots=True)
class DecoyIntensities:
    """Signal/decoy/vacuum intensities and how often Alice sends each."""

    signal: float
    """μ, mean photon number of signal pulses (> ν)."""
    decoy: float
    """ν, mean photon number of weak decoy pulses (> 0)."""
    p_signal: float = 0.8
    """Probability of sending a signal pulse, in [0, 1]."""
    p_decoy: float = 0.1
    """Probability of sending a decoy pulse, in [0, 1]; vacuum gets the rest."""

    def __post_init__(self) -> None:
        _checks.positive("signal", self.signal)
        decoy = _checks.positive("decoy", self.decoy)
        if not decoy < self.signal:
            raise QkdParameterError(f"decoy must be smaller than signal = {self.signal}")
        p_signal = _checks.closed_unit("p_signal", self.p_signal)
        p_decoy = _checks.closed_unit("p_decoy", self.p_decoy)
        if p_signal + p_decoy > 1.0 + 1e-12:
            raise QkdParameterError(
                f"p_signal + p_decoy must be at most 1, got {p_signal + p_decoy!r}"
            )

    @property
    def means(self) -> tuple[float, float, float]:
        """Mean photon numbers of the signal, decoy and vacuum classes."""
        return (self.signal, self.decoy, 0.0)

    @property
    def probabilities(self) -> tuple[float, float, float]:
        """Probabilities of the signal, decoy and vacuum classes."""
        return (self.p_signal, self.p_decoy, max(0.0, 1.0 - self.p_signal - self.p_decoy))


@dataclass(frozen=True, slots=True)
class WcpCounts:
    """Per-class counts (index 0 signal, 1 decoy, 2 vacuum)."""

    sent: tuple[int, int, int]
    """Pulses sent."""
    detected: tuple[int, int, int]
    """Pulses with a click at Bob (any basis)."""
    sifted: tuple[int, int, int]
    """Clicks with matching bases."""
    errors: tuple[int, int, int]
    """Sifted clicks whose bit differs from Alice's."""

    def gain(self, cls: int) -> float:
        """Q = detected / sent for class ``cls`` (nan if none sent)."""
        return self.detected[cls] / self.sent[cls] if self.sent[cls] else math.nan

    def qber(self, cls: int) -> float:
        """E = errors / sifted for class ``cls`` (nan if nothing sifted)."""
        return self.errors[cls] / self.sifted[cls] if self.sifted[cls] else math.nan


@dataclass(frozen=True, slots=True)
class WcpRecords:
    """Every pulse of a run (what Alice and Bob each record)."""

    intensity_class: Bits
    """0 signal, 1 decoy, 2 vacuum."""
    alice_basis: Bits
    """Alice's basis (0 Z, 1 X)."""
    alice_bit: Bits
    """Alice's bit."""
    bob_basis: Bits
    """Bob's basis."""
    detected: npt.NDArray[np.bool_]
    """Whether Bob's detector clicked."""
    bob_bit: Bits
    """Bob's bit (0 where nothing was detected)."""

    def counts(self) -> WcpCounts:
        """Aggregate into per-class counts."""
        sifted = self.detected & (self.alice_basis == self.bob_basis)
        error = sifted & (self.alice_bit != self.bob_bit)
        per = [self.intensity_class == c for c in (SIGNAL, DECOY, VACUUM)]
        return WcpCounts(
            sent=_triple([int(np.count_nonzero(m)) for m in per]),
            detected=_triple([int(np.count_nonzero(m & self.detected)) for m in per]),
            sifted=_triple([int(np.count_nonzero(m & sifted)) for m in per]),
            errors=_triple([int(np.count_nonzero(m & error)) for m in per]),
        )

    def signal_sifted_key(self) -> SiftedKey:
        """The sifted key from signal pulses only (decoy and vacuum pulses are disclosed)."""
        keep = (
            self.detected & (self.alice_basis == self.bob_basis) & (self.intensity_class == SIGNAL)
        )
        return SiftedKey(self.alice_bit[keep], self.bob_bit[keep], self.alice_basis[keep])


def _triple(values: list[int]) -> tuple[int, int, int]:
    return (values[0], values[1], values[2])


def simulate_wcp_records(
    n_pulses: int,
    distance_km: float,
    system: FibreQkdSystem,
    intensities: DecoyIntensities,
    rng: np.random.Generator,
) -> WcpRecords:
    """Simulate ``n_pulses`` pulses one by one (Poisson photon numbers; see module docstring)."""
    n = _checks.count("n_pulses", n_pulses)
    eta = float(system_transmittance(_checks.non_negative("distance_km", distance_km), system))
    thresholds = np.cumsum(intensities.probabilities)[:2]
    cls = np.searchsorted(thresholds, rng.random(n), side="right").astype(np.uint8)
    photons = np.zeros(n, dtype=np.int64)
    for c, mean in enumerate(intensities.means):
        members = np.flatnonzero(cls == c)
        photons[members] = rng.poisson(mean, size=members.size)
    signal_click = np.zeros(n, dtype=np.bool_)
    lit = np.flatnonzero(photons)
    signal_click[lit] = rng.binomial(photons[lit], eta) > 0
    dark_click = rng.random(n) < system.dark_count_probability
    alice_basis = rng.integers(0, 2, n, dtype=np.uint8)
    alice_bit = rng.integers(0, 2, n, dtype=np.uint8)
    bob_basis = rng.integers(0, 2, n, dtype=np.uint8)
    flip = (rng.random(n) < system.misalignment_error).astype(np.uint8)
    random_bit = rng.integers(0, 2, n, dtype=np.uint8)
    matched = alice_basis == bob_basis
    bob_bit = np.where(signal_click & matched, alice_bit ^ flip, random_bit).astype(np.uint8)
    detected = signal_click | dark_click
    bob_bit[~detected] = 0
    return WcpRecords(cls, alice_basis, alice_bit, bob_basis, detected, bob_bit)


def simulate_wcp_counts(
    n_pulses: int,
    distance_km: float,
    system: FibreQkdSystem,
    intensities: DecoyIntensities,
    rng: np.random.Generator,
) -> WcpCounts:
    """Sample the per-class counts of ``n_pulses`` pulses from their exact joint distribution."""
    n = _checks.count("n_pulses", n_pulses)
    eta = float(system_transmittance(_checks.non_negative("distance_km", distance_km), system))
    sent = rng.multinomial(n, intensities.probabilities)
    y0 = system.dark_count_probability
    detected, sifted, errors = [], [], []
    for n_class, mean in zip(sent, intensities.means, strict=True):
        p_signal = -math.expm1(-eta * mean)
        both, signal_only, dark_only, _ = rng.multinomial(
            int(n_class),
            [p_signal * y0, p_signal * (1 - y0), (1 - p_signal) * y0, (1 - p_signal) * (1 - y0)],
        )
        signal_sifted = rng.binomial(both + signal_only, 0.5)
        dark_sifted = rng.binomial(dark_only, 0.5)
        detected.append(int(both + signal_only + dark_only))
        sifted.append(int(signal_sifted + dark_sifted))
        errors.append(
            int(
                rng.binomial(signal_sifted, system.misalignment_error)
                + rng.binomial(dark_sifted, 0.5)
            )
        )
    return WcpCounts(
        sent=_triple([int(v) for v in sent]),
        detected=_triple(detected),
        sifted=_triple(sifted),
        errors=_triple(errors),
    )


def decoy_key_rate(
    counts: WcpCounts, intensities: DecoyIntensities, system: FibreQkdSystem
) -> tuple[float, float, float]:
    """Key rate per *signal* pulse from observed counts, vacuum + weak decoy bounds, GLLP.

    Returns:
        ``(rate, y1_lower, e1_upper)``; the rate is clipped at 0.

    Raises:
        QkdParameterError: If a class has no pulses or no sifted clicks to estimate from.
    """
    for cls, name in ((SIGNAL, "signal"), (DECOY, "decoy"), (VACUUM, "vacuum")):
        if counts.sent[cls] == 0:
            raise QkdParameterError(f"counts must include {name} pulses, got none sent")
    for cls, name in ((SIGNAL, "signal"), (DECOY, "decoy")):
        if counts.sifted[cls] == 0:
            raise QkdParameterError(f"counts must include sifted {name} clicks, got none")
    q_mu, e_mu = counts.gain(SIGNAL), counts.qber(SIGNAL)
    bounds = vacuum_weak_decoy_bounds(
        intensities.signal,
        intensities.decoy,
        q_mu,
        counts.gain(DECOY),
        counts.qber(DECOY),
        counts.gain(VACUUM),
    )
    rate = gllp_key_rate(
        q_mu, e_mu, bounds.q1_lower, bounds.e1_upper, system.ec_efficiency, system.sifting_factor
    )
    return max(0.0, rate), bounds.y1_lower, bounds.e1_upper
