"""Parameter estimation: disclose a random sample of the sifted key, bound the error rates.

Theory of operation
-------------------
A random subset of ``k = round(f·N)`` of the N sifted positions (f = ``sample_fraction``) is
chosen with a seeded :class:`numpy.random.Generator` and both ends disclose their bits there. The
sample gives, per basis b ∈ {Z, X}, k_b disclosed bits with e_b errors and the observed rate
λ_b = e_b / k_b. The sample is then removed: the remaining n = N − k bits are the raw key.

One-sided bound. Sampling k of N bits without replacement, Serfling's inequality
(Ann. Stat. 2, 39 (1974)) bounds how far the error rate of the *unsampled* bits can exceed the
sampled one. In the form of Tomamichel, Lim, Gisin & Renner, Nat. Commun. 3, 634 (2012), Eq. (2)
and Supplementary Note 2, with n unsampled and k sampled bits:

    Pr[λ_key ≥ λ + μ] ≤ ε,        μ(n, k, ε) = √( (n + k)/(n k) · (k + 1)/k · ln(2/ε) )

:func:`sampling_deviation` returns μ; :meth:`ParameterEstimate.upper_bound` returns min(½, λ + μ)
(½ is the largest error rate that carries information). With ε = ε_sec this is exactly the μ of
Tomamichel et al.'s key length (Eq. (2) of the published article).

In the entropic-uncertainty argument the bound is applied across bases: the X-basis sample
bounds the *phase* errors of the Z-basis key bits (and vice versa), because the basis of each
round was chosen independently of the state. :mod:`.finite_key` does that bookkeeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.sifting import BASIS_X, BASIS_Z, SiftedKey

__all__ = [
    "ParameterEstimate",
    "disclosed_estimate",
    "estimate_parameters",
    "sample_positions",
    "sampling_deviation",
]


def sampling_deviation(n: int, k: int, eps: float) -> float:
    """μ(n, k, ε) = √((n + k)/(n k) · (k + 1)/k · ln(2/ε)) (Tomamichel et al. 2012, Eq. (2)).

    Args:
        n: Number of bits whose error rate is bounded (not disclosed).
        k: Number of disclosed sample bits.
        eps: Failure probability of the bound, in (0, 1).

    Returns:
        μ, or ``inf`` if ``n`` or ``k`` is 0 (no sample, no bound).
    """
    n_key = _checks.count("n", n)
    k_test = _checks.count("k", k)
    epsilon = _checks.open_unit("eps", eps)
    if n_key == 0 or k_test == 0:
        return math.inf
    return math.sqrt(
        (n_key + k_test) / (n_key * k_test) * (k_test + 1) / k_test * math.log(2.0 / epsilon)
    )


@dataclass(frozen=True, slots=True)
class ParameterEstimate:
    """What the disclosed sample showed, per basis (index 0 = Z, 1 = X)."""

    sifted_length: int
    """N, the sifted-key length before the sample was removed."""
    sample_size: int
    """k, the number of disclosed bits (both bases)."""
    sample_per_basis: tuple[int, int]
    """k_Z, k_X: disclosed bits per basis."""
    errors_per_basis: tuple[int, int]
    """e_Z, e_X: disagreeing disclosed bits per basis."""
    key_per_basis: tuple[int, int]
    """n_Z, n_X: remaining (undisclosed) key bits per basis."""

    @property
    def qber(self) -> float:
        """Pooled observed error rate of the sample (nan if the sample is empty)."""
        total = sum(self.sample_per_basis)
        return sum(self.errors_per_basis) / total if total else float("nan")

    def observed(self, basis: int) -> float:
        """λ_b, the observed error rate of basis ``basis`` in the sample (nan if no bits)."""
        k = self.sample_per_basis[basis]
        return self.errors_per_basis[basis] / k if k else float("nan")

    def upper_bound(self, basis: int, n_bounded: int, eps: float) -> float:
        """min(½, λ_b + μ(n_bounded, k_b, ε)): error-rate bound for ``n_bounded`` unsampled bits.

        Returns ½ (no information) when the sample holds no bit of ``basis``.
        """
        k = self.sample_per_basis[basis]
        if k == 0:
            return 0.5
        deviation = sampling_deviation(n_bounded, k, eps)
        return min(0.5, self.observed(basis) + deviation)


def estimate_parameters(
    sifted: SiftedKey, sample_fraction: float, rng: np.random.Generator
) -> tuple[ParameterEstimate, SiftedKey]:
    """Disclose a random sample of ``sifted``, count its errors per basis, remove it.

    Args:
        sifted: The sifted key at both ends.
        sample_fraction: Fraction of the sifted bits to disclose, in (0, 1); the sample size is
            ``round(sample_fraction · N)`` clipped to [1, N − 1] when N ≥ 2.
        rng: The generator that picks the sample (the party announcing the positions).

    Returns:
        The estimate and the remaining key (sample removed, order kept).

    Raises:
        QkdParameterError: If ``sample_fraction`` is outside (0, 1).
    """
    total = len(sifted)
    positions = sample_positions(total, sample_fraction, rng)
    in_sample = np.zeros(total, dtype=np.bool_)
    in_sample[positions] = True
    errors = sifted.alice != sifted.bob
    estimate = _estimate(sifted.basis, in_sample, errors)
    keep = ~in_sample
    remaining = SiftedKey(sifted.alice[keep], sifted.bob[keep], sifted.basis[keep])
    return estimate, remaining


def sample_positions(
    total: int, sample_fraction: float, rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """The sorted sample positions among ``total`` sifted bits: ``round(f·N)`` of them, clipped
    to [1, N − 1] when N ≥ 2 (none otherwise), drawn without replacement from ``rng``.

    The party that announces the sample calls this alone (it needs no key bits), so a
    two-party protocol picks exactly the sample :func:`estimate_parameters` would.

    Raises:
        QkdParameterError: If ``sample_fraction`` is outside (0, 1).
    """
    fraction = _checks.open_unit("sample_fraction", sample_fraction)
    size = min(max(round(fraction * total), 1), total - 1) if total >= 2 else 0
    if not size:
        return np.empty(0, dtype=np.intp)
    return np.sort(rng.choice(total, size=size, replace=False)).astype(np.intp)


def disclosed_estimate(
    basis: npt.ArrayLike,
    positions: npt.ArrayLike,
    alice_sample: npt.ArrayLike,
    bob_sample: npt.ArrayLike,
) -> ParameterEstimate:
    """The estimate from a disclosed sample: what each end computes once both have disclosed
    their bits at ``positions`` of the sifted key whose bases are ``basis``.

    Raises:
        QkdParameterError: On non-binary bits or samples of different lengths.
    """
    bases = _checks.settings("basis", basis, 2)
    where = np.asarray(positions, dtype=np.intp)
    a = _checks.bits("alice_sample", alice_sample)
    b = _checks.bits("bob_sample", bob_sample)
    _checks.same_length(positions=where, alice_sample=a, bob_sample=b)
    in_sample = np.zeros(len(bases), dtype=np.bool_)
    in_sample[where] = True
    errors = np.zeros(len(bases), dtype=np.bool_)
    errors[where] = a != b
    return _estimate(bases, in_sample, errors)


def _estimate(
    basis: npt.NDArray[np.uint8], in_sample: npt.NDArray[np.bool_], errors: npt.NDArray[np.bool_]
) -> ParameterEstimate:
    total = len(basis)
    per_basis = [
        (
            int(np.count_nonzero(in_sample & (basis == b))),
            int(np.count_nonzero(in_sample & errors & (basis == b))),
            int(np.count_nonzero(~in_sample & (basis == b))),
        )
        for b in (BASIS_Z, BASIS_X)
    ]
    return ParameterEstimate(
        sifted_length=total,
        sample_size=int(np.count_nonzero(in_sample)),
        sample_per_basis=(per_basis[0][0], per_basis[1][0]),
        errors_per_basis=(per_basis[0][1], per_basis[1][1]),
        key_per_basis=(per_basis[0][2], per_basis[1][2]),
    )
