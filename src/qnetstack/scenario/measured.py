"""QKD and CHSH on the pairs of a 'measure' request: the application role of the runner.

Theory of operation
-------------------
A 'measure' request with ``measure_basis: random`` makes each end measure its half of every
pair in Z or X, drawn independently at each end; both ends' OKs carry the outcome, the basis and
the Bell state the link layer announced. :class:`MeasuredRecords` keeps, per delivered pair and
in delivery order, the source end's (Alice's) and the destination end's (Bob's) basis and
outcome.

**Pauli-frame correction.** The link may herald any of the four Bell states (the depolarising
platform heralds Ψ⁺ or Ψ⁻, the NV platform Ψ±, …) and announces which. The post-processing
library assumes Φ⁺, whose Z and X outcomes are equal. In basis b the announced state β has
correlation ⟨σ_b ⊗ σ_b⟩ = ±1 (:data:`qnetstack.quantum.BELL_CORRELATION`); where it is −1
Bob flips his bit. This is the classical form of applying the Pauli correction that maps β to
Φ⁺ on Bob's qubit before measuring, so every statement below is about the frame-corrected pair.

**QKD (BBM92).** At the end of the run the records are sifted (:func:`qnetstack.apps.qkd.sift`)
and handed to :func:`qnetstack.apps.qkd.run_postprocessing` with three generators (Alice's,
Bob's, public) spawned from the run's seed sequence for ``app/qkd/<request index>``: the same
seed gives the same keys, in any process. The keys stay out of the results; a SHA-256 digest of
each shows whether they agree.

**CHSH.** With Alice's settings A₀ = Z, A₁ = X and Bob's B₀,₁ = (Z ± X)/√2 the CHSH value is,
by linearity of ⟨A ⊗ B⟩ in B,

    S = E(A₀,B₀) + E(A₀,B₁) + E(A₁,B₀) − E(A₁,B₁) = √2 (E_ZZ + E_XX),

where E_bb = ⟨(−1)^{a⊕b}⟩ over the pairs both ends measured in basis b (frame-corrected). The
cross terms E_ZX, E_XZ cancel, so S for these settings follows from the Z/X records alone; it is
*inferred* with quantum mechanics for Bob's rotated observables, not measured with them, so it is
a CHSH estimate, not a loophole-free Bell test. For a Bell-diagonal state the best X–Z-plane
settings give 2√(E_ZZ² + E_XX²) (Horodecki, Horodecki & Horodecki, Phys. Lett. A 200, 340
(1995)), equal to S when |E_ZZ| = |E_XX| (Werner pairs: S = 2√2(4F − 1)/3). The cross
correlators are reported too: for a Bell-diagonal state they vanish. Standard errors treat
each pair as an independent ±1 sample: Var(E) = (1 − E²)/n.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qnetstack.apps.qkd import (
    BASIS_X,
    BASIS_Z,
    PostprocessingParameters,
    PostprocessingResult,
    QkdRngs,
    asymptotic_key_fraction,
    inferred_chsh,
    run_postprocessing,
    sift,
)
from qnetstack.scenario.schema import QkdSpec

__all__ = [
    "MeasuredRecords",
    "chsh_json",
    "key_digest",
    "qkd_json",
    "qkd_parameters",
    "result_json",
]

_BASIS_CODE = {"Z": BASIS_Z, "X": BASIS_X}
_DIGEST_HEX = 16


@dataclass(slots=True)
class MeasuredRecords:
    """Both ends' basis and (frame-corrected) outcome of every delivered pair, in order."""

    alice_bases: list[str] = field(default_factory=list)
    alice_bits: list[int] = field(default_factory=list)
    bob_bases: list[str] = field(default_factory=list)
    bob_bits: list[int] = field(default_factory=list)

    def add(self, alice: tuple[str, int], bob: tuple[str, int], correlation: int) -> None:
        """Record one pair; ``correlation`` is the announced state's ⟨σ_b⊗σ_b⟩ when both ends
        used basis b (Bob's bit is flipped where it is −1), ignored otherwise."""
        self.alice_bases.append(alice[0])
        self.alice_bits.append(alice[1])
        self.bob_bases.append(bob[0])
        flip = 1 if alice[0] == bob[0] and correlation == -1 else 0
        self.bob_bits.append(bob[1] ^ flip)

    def __len__(self) -> int:
        return len(self.alice_bits)

    def correlator(self, basis_a: str, basis_b: str) -> tuple[float | None, int]:
        """E = ⟨(−1)^{a⊕b}⟩ over the pairs measured in (basis_a, basis_b), and their number."""
        agree = disagree = 0
        for ba, a, bb, b in zip(
            self.alice_bases, self.alice_bits, self.bob_bases, self.bob_bits, strict=True
        ):
            if ba == basis_a and bb == basis_b:
                if a == b:
                    agree += 1
                else:
                    disagree += 1
        n = agree + disagree
        return ((agree - disagree) / n if n else None), n


def chsh_json(records: MeasuredRecords) -> dict[str, Any]:
    """The request's ``chsh`` entry: S = √2 (E_ZZ + E_XX) with its standard error."""
    e_zz, n_zz = records.correlator("Z", "Z")
    e_xx, n_xx = records.correlator("X", "X")
    e_zx, n_zx = records.correlator("Z", "X")
    e_xz, n_xz = records.correlator("X", "Z")
    s = s_err = s_opt = s_opt_err = None
    if e_zz is not None and e_xx is not None:
        var_zz = (1.0 - e_zz**2) / n_zz
        var_xx = (1.0 - e_xx**2) / n_xx
        inferred = inferred_chsh(e_zz, n_zz, e_xx, n_xx)
        assert inferred is not None
        s, s_err = inferred
        norm = math.hypot(e_zz, e_xx)
        s_opt = 2.0 * norm
        s_opt_err = (
            2.0 * math.sqrt(e_zz**2 * var_zz + e_xx**2 * var_xx) / norm if norm > 0 else None
        )
    return {
        "s": s,
        "s_std_error": s_err,
        "s_horodecki_xz": s_opt,
        "s_horodecki_xz_std_error": s_opt_err,
        "violation": s is not None and s > 2.0,
        "correlators": {
            "ZZ": {"value": e_zz, "pairs": n_zz},
            "XX": {"value": e_xx, "pairs": n_xx},
            "ZX": {"value": e_zx, "pairs": n_zx},
            "XZ": {"value": e_xz, "pairs": n_xz},
        },
        "method": "inferred from Z/X correlators: settings A=(Z, X), B=(Z±X)/sqrt(2)",
    }


def qkd_parameters(spec: QkdSpec, preparation_quality: float = 1.0) -> PostprocessingParameters:
    """The library's parameters for a scenario ``qkd`` section (``preparation_quality``: 1 for
    the mutually unbiased Z/X bases of BBM92, less for E91's key bases)."""
    return PostprocessingParameters(
        preparation_quality=preparation_quality,
        eps_sec=spec.epsilon_sec,
        eps_cor=spec.epsilon_cor,
        sample_fraction=spec.sample_fraction,
        qber_tolerance=spec.qber_tolerance,
        cascade_passes=spec.cascade_passes,
    )


def qkd_json(
    records: MeasuredRecords, spec: QkdSpec, seed: np.random.SeedSequence, duration_s: float
) -> dict[str, Any]:
    """Sift, post-process and summarise one request's pairs (keys reduced to digests).

    Args:
        records: The request's measured pairs.
        spec: The request's ``qkd`` section.
        seed: Seed sequence of this request's QKD generators (from the run's seed).
        duration_s: Simulated time from the request's start to its last pair (key rate).
    """
    sifted = sift(
        np.array([_BASIS_CODE[b] for b in records.alice_bases], dtype=np.uint8),
        np.array(records.alice_bits, dtype=np.uint8),
        np.array([_BASIS_CODE[b] for b in records.bob_bases], dtype=np.uint8),
        np.array(records.bob_bits, dtype=np.uint8),
    )
    result = run_postprocessing(sifted, QkdRngs.from_seed(seed), qkd_parameters(spec))
    return result_json(spec, len(records), result, duration_s)


def result_json(
    spec: QkdSpec,
    raw_pairs: int,
    result: PostprocessingResult,
    duration_s: float,
    basis_names: dict[str, int] | None = None,
    preparation_quality: float = 1.0,
) -> dict[str, Any]:
    """The request's ``qkd`` entry from a post-processing result.

    ``basis_names`` maps the names used in ``qber_per_basis`` to the two key-basis labels
    (default Z → 0, X → 1; E91 uses its own key bases); ``preparation_quality`` q enters the
    asymptotic key fraction q − 2h(Q) (1 for BBM92's mutually unbiased bases).
    """
    estimate = result.estimate
    qber: dict[str, Any] = {}
    for name, basis in (basis_names or _BASIS_CODE).items():
        other = BASIS_X if basis == BASIS_Z else BASIS_Z
        bound = result.phase_error_bounds[other]
        qber[name] = {
            "sample_bits": estimate.sample_per_basis[basis] if estimate else 0,
            "errors": estimate.errors_per_basis[basis] if estimate else 0,
            "estimate": _finite(result.qber_per_basis[basis]),
            "bound": _finite(bound),
        }
    pooled = _finite(result.qber)
    fraction = (
        asymptotic_key_fraction(min(pooled, 0.5), preparation_quality=preparation_quality)
        if pooled is not None
        else None
    )
    rate = result.final_key_length / duration_s if duration_s > 0 else 0.0
    return {
        "protocol": spec.protocol,
        "success": result.success,
        "failure": result.failure.value if result.failure else None,
        "message": result.message,
        "raw_pairs": raw_pairs,
        "sifted_bits": result.sifted_length,
        "sample_bits": result.sample_size,
        "qber": pooled,
        "qber_per_basis": qber,
        "asymptotic_key_fraction": fraction,
        "leak_ec_bits": result.leak_ec_bits,
        "verification_tag_bits": result.verification_tag_bits,
        "secret_length": result.secret_length,
        "final_key_length": result.final_key_length,
        "key_rate_bps": rate,
        "keys_match": bool(result.success and np.array_equal(result.key_alice, result.key_bob)),
        "key_digest_alice": key_digest(result.key_alice) if result.success else None,
        "key_digest_bob": key_digest(result.key_bob) if result.success else None,
    }


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def key_digest(key: np.ndarray[Any, np.dtype[np.uint8]]) -> str:
    """First 16 hex digits of the SHA-256 of the packed key bits (and its length)."""
    payload = len(key).to_bytes(8, "big") + np.packbits(key).tobytes()
    return hashlib.sha256(payload).hexdigest()[:_DIGEST_HEX]
