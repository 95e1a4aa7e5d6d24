"""Quantum key distribution: sifting, post-processing and the decoy-state BB84 model.

Post-processing (pure functions on numpy bit arrays, uint8 0/1):

* :func:`sift` (BB84/BBM92) and :func:`e91_sift` (E91 with a CHSH estimate);
* :func:`estimate_parameters` — a random disclosed sample, error rates per basis and
  Serfling/Tomamichel one-sided bounds;
* :func:`cascade` — Brassard–Salvail Cascade, vectorised across blocks, with leak_EC counted;
  :func:`cascade_bob` / :class:`CascadeAlice` — the same Cascade split into its two parties,
  one round trip per parity query (for the application protocols);
* :func:`verify_keys` — a universal₂ (Toeplitz) hash of ⌈log₂(1/ε_cor)⌉ bits;
* :func:`toeplitz_hash` — privacy amplification by FFT Toeplitz hashing;
* :func:`secret_key_length` — the finite-key length of Tomamichel et al., Nat. Commun. 3, 634
  (2012); :func:`asymptotic_key_fraction` — 1 − 2h(Q) and friends;
* :func:`run_postprocessing` — all of the above in order, returning a frozen result.

Models (:mod:`.decoy`, :mod:`.wcp`): decoy-state BB84 over fibre (Ma, Qi, Zhao & Lo, PRA 72,
012326 (2005); GLLP key rate), the PLOB bound, a repeater-vs-direct crossover finder, a
Monte-Carlo simulation of weak coherent pulses, and a key-rate-vs-distance plot.

The package imports only numpy, :mod:`qnetstack.quantum` and (lazily, for plots) matplotlib:
the application layer that wires QKD through the protocol stack builds on it.
"""

from __future__ import annotations

from qnetstack.apps.qkd.cascade import (
    CASCADE_BLOCK_CONSTANT,
    CascadeResult,
    cascade,
    initial_block_size,
    reconciliation_efficiency,
)
from qnetstack.apps.qkd.cascade_interactive import CascadeAlice, ParityQuery, cascade_bob
from qnetstack.apps.qkd.chsh import inferred_chsh
from qnetstack.apps.qkd.crossover import RateCurve, crossover_distance
from qnetstack.apps.qkd.decoy import (
    BACKGROUND_ERROR,
    GYS_2004,
    DecoyBounds,
    FibreQkdSystem,
    channel_transmittance,
    gllp_key_rate,
    key_rate_per_pulse,
    max_distance_km,
    optimal_key_rate,
    plob_bound,
    signal_gain,
    signal_qber,
    single_photon_error,
    single_photon_yield,
    system_transmittance,
    vacuum_weak_decoy_bounds,
)
from qnetstack.apps.qkd.e91 import (
    E91_ALICE_ANGLES_RAD,
    E91_BOB_ANGLES_RAD,
    E91_KEY_BASIS_OVERLAP,
    E91_PREPARATION_QUALITY,
    E91Result,
    chsh_from_correlators,
    correlator,
    e91_frame_correction,
    e91_setting_of_angle,
    e91_settings,
    e91_sift,
)
from qnetstack.apps.qkd.entropy import binary_entropy, inverse_binary_entropy
from qnetstack.apps.qkd.errors import QkdParameterError
from qnetstack.apps.qkd.estimation import (
    ParameterEstimate,
    disclosed_estimate,
    estimate_parameters,
    sample_positions,
    sampling_deviation,
)
from qnetstack.apps.qkd.finite_key import (
    KeyBlock,
    SecretKeyLength,
    asymptotic_key_fraction,
    secret_key_length,
    werner_qber,
    zero_key_qber,
)
from qnetstack.apps.qkd.pipeline import (
    MIN_CASCADE_QBER,
    FailureReason,
    PostprocessingParameters,
    PostprocessingResult,
    QkdRngs,
    cascade_qber,
    key_blocks,
    run_postprocessing,
)
from qnetstack.apps.qkd.plotting import plot_key_rate_vs_distance
from qnetstack.apps.qkd.sifting import BASIS_X, BASIS_Z, SiftedKey, random_bases, sift
from qnetstack.apps.qkd.source import (
    BASIS_ANGLES_RAD,
    joint_outcome_probabilities,
    measure_pairs,
)
from qnetstack.apps.qkd.toeplitz import toeplitz_hash, toeplitz_seed
from qnetstack.apps.qkd.verification import (
    VerificationResult,
    verification_tag_length,
    verify_keys,
)
from qnetstack.apps.qkd.wcp import (
    DecoyIntensities,
    WcpCounts,
    WcpRecords,
    decoy_key_rate,
    simulate_wcp_counts,
    simulate_wcp_records,
)

__all__ = [
    "BACKGROUND_ERROR",
    "BASIS_ANGLES_RAD",
    "BASIS_X",
    "BASIS_Z",
    "CASCADE_BLOCK_CONSTANT",
    "E91_ALICE_ANGLES_RAD",
    "E91_BOB_ANGLES_RAD",
    "E91_KEY_BASIS_OVERLAP",
    "E91_PREPARATION_QUALITY",
    "GYS_2004",
    "MIN_CASCADE_QBER",
    "CascadeAlice",
    "CascadeResult",
    "DecoyBounds",
    "DecoyIntensities",
    "E91Result",
    "FailureReason",
    "FibreQkdSystem",
    "KeyBlock",
    "ParameterEstimate",
    "ParityQuery",
    "PostprocessingParameters",
    "PostprocessingResult",
    "QkdParameterError",
    "QkdRngs",
    "RateCurve",
    "SecretKeyLength",
    "SiftedKey",
    "VerificationResult",
    "WcpCounts",
    "WcpRecords",
    "asymptotic_key_fraction",
    "binary_entropy",
    "cascade",
    "cascade_bob",
    "cascade_qber",
    "channel_transmittance",
    "chsh_from_correlators",
    "correlator",
    "crossover_distance",
    "decoy_key_rate",
    "disclosed_estimate",
    "e91_frame_correction",
    "e91_setting_of_angle",
    "e91_settings",
    "e91_sift",
    "estimate_parameters",
    "gllp_key_rate",
    "inferred_chsh",
    "initial_block_size",
    "inverse_binary_entropy",
    "joint_outcome_probabilities",
    "key_blocks",
    "key_rate_per_pulse",
    "max_distance_km",
    "measure_pairs",
    "optimal_key_rate",
    "plob_bound",
    "plot_key_rate_vs_distance",
    "random_bases",
    "reconciliation_efficiency",
    "run_postprocessing",
    "sample_positions",
    "sampling_deviation",
    "secret_key_length",
    "sift",
    "signal_gain",
    "signal_qber",
    "simulate_wcp_counts",
    "simulate_wcp_records",
    "single_photon_error",
    "single_photon_yield",
    "system_transmittance",
    "toeplitz_hash",
    "toeplitz_seed",
    "vacuum_weak_decoy_bounds",
    "verification_tag_length",
    "verify_keys",
    "werner_qber",
    "zero_key_qber",
]
