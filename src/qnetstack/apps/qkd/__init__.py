"""Quantum key distribution: sifting, post-processing and the decoy-state BB84 model.

Post-processing (pure functions on numpy bit arrays, uint8 0/1):

* :func:`sift` (BB84/BBM92) and :func:`e91_sift` (E91 with a CHSH estimate);
* :func:`estimate_parameters` — a random disclosed sample, error rates per basis and
  Serfling/Tomamichel one-sided bounds;
* :func:`cascade` — Brassard–Salvail Cascade, vectorised across blocks, with leak_EC counted;
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
