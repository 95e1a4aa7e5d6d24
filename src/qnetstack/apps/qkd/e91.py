"""E91 (Ekert, PRL 67, 661 (1991)): key from matched settings, CHSH from the others.

Theory of operation
-------------------
Each end measures its half of every pair along one of three directions in the X–Z plane of the
Bloch sphere, chosen uniformly at random. We use Ekert's analyser angles (Bloch angles θ from +Z
towards +X, see :mod:`.source`):

==========  =======================  ======================
setting     Alice θ                  Bob θ
==========  =======================  ======================
0           0 (Z)                    π/4
1           π/4                      π/2 (X)
2           π/2 (X)                  3π/4
==========  =======================  ======================

* **Key** rounds: (Alice 1, Bob 0) — both at π/4, key-basis label 0 — and (Alice 2, Bob 1) — both
  X, key-basis label 1. For Φ⁺ these outcomes are equal (Ekert used the singlet, whose
  outcomes are opposite; with Φ⁺ no bit flip is needed).
* **CHSH** rounds: Alice A₀ = X (setting 2), A₁ = Z (setting 0); Bob B₀ = π/4 (setting 0),
  B₁ = 3π/4 (setting 2). With E(a, b) = ⟨(−1)^{x⊕y}⟩ the mean product of ±1 outcomes,

      S = E(A₀,B₀) + E(A₀,B₁) + E(A₁,B₀) − E(A₁,B₁)        (:func:`chsh_from_correlators`)

  which is the CHSH form of Clauser et al., PRL 23, 880 (1969), the same form as validation
  target A16. For Φ⁺, E(θ_A, θ_B) = cos(θ_A − θ_B) and S = 4 cos(π/4) = 2√2; for a Werner state
  S = 2√2 (4F − 1)/3. A local-hidden-variable model has |S| ≤ 2.
* The remaining 3 of 9 setting pairs are discarded. With uniform choices 2/9 of the rounds give
  key and 4/9 give CHSH data.

The two key bases (π/4 and X) are *not* mutually unbiased: their overlap is
c = cos²(π/8) ≈ 0.854, so the uncertainty-relation key length of :mod:`.finite_key` needs a
preparation quality q = −log₂ c ≈ 0.228 for E91 keys instead of 1. E91's own security argument
rests on S instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.apps.qkd.sifting import SiftedKey

__all__ = [
    "E91_ALICE_ANGLES_RAD",
    "E91_BOB_ANGLES_RAD",
    "E91_KEY_BASIS_OVERLAP",
    "E91_PREPARATION_QUALITY",
    "NOT_KEY",
    "E91Result",
    "chsh_from_correlators",
    "chsh_from_counts",
    "correlator",
    "e91_frame_correction",
    "e91_round_kinds",
    "e91_setting_of_angle",
    "e91_settings",
    "e91_sift",
]

E91_ALICE_ANGLES_RAD: tuple[float, float, float] = (0.0, math.pi / 4, math.pi / 2)
"""Alice's three analyser directions (Bloch angles), indexed by her setting code."""
E91_BOB_ANGLES_RAD: tuple[float, float, float] = (math.pi / 4, math.pi / 2, 3 * math.pi / 4)
"""Bob's three analyser directions (Bloch angles), indexed by his setting code."""
E91_KEY_BASIS_OVERLAP = math.cos(math.pi / 8) ** 2
"""Maximal overlap |⟨ψ|φ⟩|² between states of the two E91 key bases (π/4 and X)."""
E91_PREPARATION_QUALITY = -math.log2(E91_KEY_BASIS_OVERLAP)
"""q = −log₂ c ≈ 0.228 of the E91 key bases, for
:attr:`~qnetstack.apps.qkd.pipeline.PostprocessingParameters.preparation_quality`."""
_ANGLE_ATOL = 1e-9

# (Alice setting, Bob setting) -> key-basis label
_KEY_PAIRS = ((1, 0, 0), (2, 1, 1))
# CHSH terms in order E(A0,B0), E(A0,B1), E(A1,B0), E(A1,B1): (Alice setting, Bob setting)
_CHSH_PAIRS = ((2, 0), (2, 2), (0, 0), (0, 2))

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class E91Result:
    """The sifted key and the CHSH estimate of one E91 run."""

    sifted: SiftedKey
    """Key bits from matched settings; basis label 0 = π/4 direction, 1 = X."""
    correlators: tuple[float, float, float, float]
    """E(A₀,B₀), E(A₀,B₁), E(A₁,B₀), E(A₁,B₁) estimated from the CHSH rounds (nan if none)."""
    chsh: float
    """S from :func:`chsh_from_correlators` (2√2 for perfect Φ⁺, ≤ 2 for local models)."""
    chsh_std_error: float
    """Standard error of S: √Σ (1 − E²)/N per term, the terms being independent samples."""
    chsh_rounds: tuple[int, int, int, int]
    """Number of rounds behind each correlator."""


def chsh_from_correlators(e00: float, e01: float, e10: float, e11: float) -> float:
    """S = E(A₀,B₀) + E(A₀,B₁) + E(A₁,B₀) − E(A₁,B₁) (Clauser et al. 1969).

    The minus sign sits on the (A₁, B₁) term; with Alice's A₀ = Z, A₁ = X and Bob's
    B₀ = (Z + X)/√2, B₁ = (Z − X)/√2 this is validation target A16's convention, and with the E91
    settings of this module (see the module docstring) it gives +2√2 for Φ⁺.
    """
    return float(e00 + e01 + e10 - e11)


def correlator(alice_bits: npt.ArrayLike, bob_bits: npt.ArrayLike) -> float:
    """E = ⟨(−1)^{a⊕b}⟩ = 1 − 2·P(a ≠ b) over the given rounds (nan if there are none)."""
    a = _checks.bits("alice_bits", alice_bits)
    b = _checks.bits("bob_bits", bob_bits)
    _checks.same_length(alice_bits=a, bob_bits=b)
    if len(a) == 0:
        return float("nan")
    return 1.0 - 2.0 * float(np.count_nonzero(a != b)) / len(a)


def e91_settings(n: int, rng: np.random.Generator) -> tuple[Bits, Bits]:
    """Uniform random setting codes (0, 1, 2) for Alice and Bob, ``n`` rounds each."""
    count = _checks.count("n", n)
    choices = rng.integers(0, 3, size=(2, count), dtype=np.uint8)
    return choices[0], choices[1]


def e91_sift(
    alice_settings: npt.ArrayLike,
    alice_bits: npt.ArrayLike,
    bob_settings: npt.ArrayLike,
    bob_bits: npt.ArrayLike,
) -> E91Result:
    """Split E91 records into the sifted key and the CHSH estimate.

    Args:
        alice_settings: Alice's setting code per round (0, 1, 2; see the module table).
        alice_bits: Alice's outcome per round.
        bob_settings: Bob's setting code per round.
        bob_bits: Bob's outcome per round.

    Raises:
        QkdParameterError: On unequal lengths, setting codes outside 0..2 or non-binary bits.
    """
    sa = _checks.settings("alice_settings", alice_settings, 3)
    sb = _checks.settings("bob_settings", bob_settings, 3)
    xa = _checks.bits("alice_bits", alice_bits)
    xb = _checks.bits("bob_bits", bob_bits)
    _checks.same_length(alice_settings=sa, alice_bits=xa, bob_settings=sb, bob_bits=xb)
    label, term = e91_round_kinds(sa, sb)
    key = label != NOT_KEY
    sifted = SiftedKey(xa[key], xb[key], label[key])
    counts = []
    for index in range(4):
        mask = term == index
        counts.append((int(np.count_nonzero(mask)), int(np.count_nonzero(xa[mask] != xb[mask]))))
    s, error, values = chsh_from_counts(counts)
    return E91Result(
        sifted=sifted,
        correlators=(values[0], values[1], values[2], values[3]),
        chsh=s,
        chsh_std_error=error,
        chsh_rounds=(counts[0][0], counts[1][0], counts[2][0], counts[3][0]),
    )


NOT_KEY = 255
"""Label of a round that is not a key round (or not a CHSH round) in :func:`e91_round_kinds`."""


def e91_round_kinds(
    alice_settings: npt.ArrayLike, bob_settings: npt.ArrayLike
) -> tuple[Bits, Bits]:
    """Per round, its key-basis label (0 = π/4, 1 = X) and its CHSH term (0..3 in the order
    E(A₀,B₀), E(A₀,B₁), E(A₁,B₀), E(A₁,B₁)), :data:`NOT_KEY` where it is neither. Settings
    outside 0..2 (e.g. a missing round) are neither."""
    sa = np.asarray(alice_settings)
    sb = np.asarray(bob_settings)
    label = np.full(len(sa), NOT_KEY, dtype=np.uint8)
    term = np.full(len(sa), NOT_KEY, dtype=np.uint8)
    for a_setting, b_setting, key_label in _KEY_PAIRS:
        label[(sa == a_setting) & (sb == b_setting)] = key_label
    for index, (a_setting, b_setting) in enumerate(_CHSH_PAIRS):
        term[(sa == a_setting) & (sb == b_setting)] = index
    return label, term


def chsh_from_counts(
    counts: list[tuple[int, int]],
) -> tuple[float, float, tuple[float, float, float, float]]:
    """S, its standard error and the four correlators from ``(rounds, disagreements)`` per
    CHSH term: E = 1 − 2·disagreements/rounds (nan without rounds), Var(S) = Σ (1 − E²)/N."""
    values = [1.0 - 2.0 * d / n if n else float("nan") for n, d in counts]
    variance = sum((1.0 - e * e) / n for e, (n, _) in zip(values, counts, strict=True) if n > 0)
    e00, e01, e10, e11 = values
    error = math.sqrt(variance) if all(n for n, _ in counts) else float("nan")
    return chsh_from_correlators(e00, e01, e10, e11), error, (e00, e01, e10, e11)


def e91_setting_of_angle(angle_rad: float, angles_rad: tuple[float, float, float]) -> int:
    """The setting code (0, 1, 2) whose analyser angle in ``angles_rad`` is ``angle_rad``.

    Raises:
        QkdParameterError: If ``angle_rad`` is none of the three (within 1e-9 rad).
    """
    for code, angle in enumerate(angles_rad):
        if abs(angle_rad - angle) <= _ANGLE_ATOL:
            return code
    raise QkdParameterError(f"angle {angle_rad!r} rad is not one of the settings {angles_rad}")


def e91_frame_correction(bob_setting: int, bob_bit: int, bell_index: int) -> tuple[int, int]:
    """Bob's (setting, bit) as if the pair had been Φ⁺, for a pair heralded as ``bell_index``.

    Why a setting changes, not only a bit: a pair announced as β_b = (I ⊗ σ)|Φ⁺⟩ (σ = X for Ψ⁺,
    Z for Φ⁻, XZ for Ψ⁻; :class:`~qnetstack.quantum.bell.BellIndex` = (z << 1) | x) measured by
    Bob along n(θ) = cos θ Z + sin θ X gives the statistics of Φ⁺ measured along σ n(θ) σ:

    * X Z X = −Z, X X X = X, so Ψ⁺ turns θ into π − θ;
    * Z Z Z = Z, Z X Z = −X, so Φ⁻ turns θ into −θ = (π − θ) with the outcome flipped
      (n(θ + π) = −n(θ));
    * XZ (∝ Y) flips both, so Ψ⁻ keeps θ and flips the outcome.

    For Z and X alone this is BBM92's bit flip (π − 0 ≡ Z flipped, π − π/2 = X). For Bob's E91
    angles (π/4, π/2, 3π/4) the map θ → π − θ permutes his settings (code s → 2 − s) and keeps
    them uniform, so after this correction (made by Bob alone from the public announcement) the
    record is a Φ⁺ record with Ekert's settings: remap when x ⊕ z = 1, flip when z = 1. (Alice's
    set is not closed under θ → π − θ, which is why the correction sits on Bob's side; for a
    Bell state the Pauli on either qubit gives the same state up to a phase.)

    Raises:
        QkdParameterError: For a setting outside 0..2, a bit not 0/1 or a Bell index outside
            0..3.
    """
    if bob_setting not in (0, 1, 2):
        raise QkdParameterError(f"bob_setting must be 0, 1 or 2, got {bob_setting!r}")
    if bob_bit not in (0, 1):
        raise QkdParameterError(f"bob_bit must be 0 or 1, got {bob_bit!r}")
    if bell_index not in (0, 1, 2, 3):
        raise QkdParameterError(f"bell_index must be 0..3, got {bell_index!r}")
    x, z = bell_index & 1, bell_index >> 1
    setting = 2 - bob_setting if x ^ z else bob_setting
    return setting, bob_bit ^ z
