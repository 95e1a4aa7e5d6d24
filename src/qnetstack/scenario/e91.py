"""E91 on the pairs of a 'measure' request: key and CHSH value from the same measurements.

Theory of operation
-------------------
With ``measure_basis: e91`` the link layer makes each end measure its half of every pair along
one of three directions in the X–Z plane, right after emission, drawn from the node's own
generator: the request's source (Alice) from Ekert's angles (0, π/4, π/2), the destination
(Bob) from (π/4, π/2, 3π/4) (:data:`~qnetstack.apps.qkd.E91_ALICE_ANGLES_RAD`,
:data:`~qnetstack.apps.qkd.E91_BOB_ANGLES_RAD`). Both OKs carry the angle and the outcome;
:class:`E91Records` turns them into setting codes.

**Pauli frame.** The link announces which Bell state it heralded. Bob's record is rewritten as
the record of a Φ⁺ pair by :func:`~qnetstack.apps.qkd.e91_frame_correction`: a Ψ⁺ or Φ⁻ pair
measured along θ behaves like Φ⁺ measured along π − θ (Bob's setting s becomes 2 − s), and Φ⁻
and Ψ⁻ flip the outcome. Unlike BBM92's bit flip this changes which setting a round belongs to;
the map permutes Bob's settings, so they stay uniform.

**Key and CHSH.** :func:`~qnetstack.apps.qkd.e91_sift` keeps the rounds with equal directions
(π/4 and π/2) as the sifted key and estimates S = E(X, π/4) + E(X, 3π/4) + E(Z, π/4) −
E(Z, 3π/4) from four of the mismatched combinations, each correlator measured directly with
the rotated analysers (no inference from Z/X data). For Werner pairs S = 2√2 (4F − 1)/3.
The key is post-processed by :func:`~qnetstack.apps.qkd.run_postprocessing` with the
preparation quality q = −log₂ cos²(π/8) ≈ 0.228 of the two non-orthogonal key bases
(:data:`~qnetstack.apps.qkd.E91_PREPARATION_QUALITY`), so its finite-key length rests on the
uncertainty relation, like BBM92's; S is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qnetstack.apps.qkd import (
    E91_ALICE_ANGLES_RAD,
    E91_BOB_ANGLES_RAD,
    E91_PREPARATION_QUALITY,
    E91Result,
    QkdRngs,
    e91_frame_correction,
    e91_setting_of_angle,
    e91_sift,
    run_postprocessing,
)
from qnetstack.scenario.measured import qkd_parameters, result_json
from qnetstack.scenario.schema import QkdSpec

__all__ = ["E91Records", "e91_chsh_json", "e91_qkd_json"]

E91_KEY_BASIS_NAMES = {"pi/4": 0, "X": 1}
"""Names of the two key bases in the results (label 0 = both at π/4, 1 = both X)."""
_TERMS = ("A0B0", "A0B1", "A1B0", "A1B1")
# Ekert's CHSH terms as (Alice angle, Bob angle): A0 = X, A1 = Z, B0 = π/4, B1 = 3π/4.
_TERM_ANGLES_RAD = (
    (E91_ALICE_ANGLES_RAD[2], E91_BOB_ANGLES_RAD[0]),
    (E91_ALICE_ANGLES_RAD[2], E91_BOB_ANGLES_RAD[2]),
    (E91_ALICE_ANGLES_RAD[0], E91_BOB_ANGLES_RAD[0]),
    (E91_ALICE_ANGLES_RAD[0], E91_BOB_ANGLES_RAD[2]),
)


@dataclass(slots=True)
class E91Records:
    """Both ends' setting codes and outcomes of every delivered pair, Bob's frame-corrected."""

    alice_settings: list[int] = field(default_factory=list)
    alice_bits: list[int] = field(default_factory=list)
    bob_settings: list[int] = field(default_factory=list)
    bob_bits: list[int] = field(default_factory=list)

    def add(self, alice: tuple[float, int], bob: tuple[float, int], bell_index: int) -> None:
        """Record one pair from the ends' (angle, outcome) and the announced Bell state."""
        self.alice_settings.append(e91_setting_of_angle(alice[0], E91_ALICE_ANGLES_RAD))
        self.alice_bits.append(alice[1])
        raw_setting = e91_setting_of_angle(bob[0], E91_BOB_ANGLES_RAD)
        setting, bit = e91_frame_correction(raw_setting, bob[1], bell_index)
        self.bob_settings.append(setting)
        self.bob_bits.append(bit)

    def __len__(self) -> int:
        return len(self.alice_bits)

    def sift(self) -> E91Result:
        """The sifted key and CHSH estimate of the records (:func:`e91_sift`)."""
        return e91_sift(
            np.array(self.alice_settings, dtype=np.uint8),
            np.array(self.alice_bits, dtype=np.uint8),
            np.array(self.bob_settings, dtype=np.uint8),
            np.array(self.bob_bits, dtype=np.uint8),
        )


def e91_chsh_json(result: E91Result) -> dict[str, Any]:
    """The ``chsh`` entry of an E91 request: S measured with Ekert's rotated settings."""
    s = _finite(result.chsh)
    err = _finite(result.chsh_std_error)
    correlators = {
        name: {
            "value": _finite(value),
            "pairs": pairs,
            "alice_angle_rad": angles[0],
            "bob_angle_rad": angles[1],
        }
        for name, value, pairs, angles in zip(
            _TERMS, result.correlators, result.chsh_rounds, _TERM_ANGLES_RAD, strict=True
        )
    }
    return {
        "s": s,
        "s_std_error": err,
        "violation": s is not None and s > 2.0,
        "correlators": correlators,
        "method": "measured with E91 settings: A0=X, A1=Z, B0=pi/4, B1=3pi/4 "
        "(S = E00 + E01 + E10 - E11)",
    }


def e91_qkd_json(
    records: E91Records, spec: QkdSpec, seed: np.random.SeedSequence, duration_s: float
) -> dict[str, Any]:
    """Sift, post-process and summarise an E91 request (as for BBM92, plus ``chsh``).

    Args:
        records: The request's measured pairs.
        spec: The request's ``qkd`` section (protocol ``e91``).
        seed: Seed sequence of this request's QKD generators (from the run's seed).
        duration_s: Simulated time from the request's start to its last pair (key rate).
    """
    sifted = records.sift()
    params = qkd_parameters(spec, preparation_quality=E91_PREPARATION_QUALITY)
    result = run_postprocessing(sifted.sifted, QkdRngs.from_seed(seed), params)
    entry = result_json(
        spec, len(records), result, duration_s, E91_KEY_BASIS_NAMES, E91_PREPARATION_QUALITY
    )
    entry["preparation_quality"] = E91_PREPARATION_QUALITY
    entry["chsh"] = e91_chsh_json(sifted)
    return entry


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
