"""Helpers the runner uses for QKD requests: the library parameters of a scenario's ``qkd``
section, and the digest by which results show that two keys agree without holding them.

The protocols themselves are apps (:mod:`qnetstack.apps.bbm92`, :mod:`qnetstack.apps.chsh`);
the runner only opens their sessions and observes what they indicate
(:mod:`.qkd_app`, :mod:`.chsh_app`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from qnetstack.apps.qkd import PostprocessingParameters
from qnetstack.scenario.schema import QkdSpec

__all__ = ["key_digest", "qkd_parameters"]

_DIGEST_HEX = 16


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


def key_digest(key: np.ndarray[Any, np.dtype[np.uint8]]) -> str:
    """First 16 hex digits of the SHA-256 of the packed key bits (and its length)."""
    payload = len(key).to_bytes(8, "big") + np.packbits(key).tobytes()
    return hashlib.sha256(payload).hexdigest()[:_DIGEST_HEX]
