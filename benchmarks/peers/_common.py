"""Shared by both sides of the peer benchmarks: the matched physical parameters and the output line.

This module imports nothing outside the standard library, because the SeQUeNCe scripts run in a
separate virtual environment (``.venv-sequence``) that has SeQUeNCe but not qnetstack, and the
qnetstack scripts run in the project's environment, which has no SeQUeNCe.

Why one module of numbers: the comparison is only fair if both simulators are handed the same
hardware, so every number that both sides use lives here once, and PROFILE.md / the docs table
refer to these names.
"""

from __future__ import annotations

import json
import platform
import sys
from typing import Any

# --------------------------------------------------------------------------- matched physics
#: Signal speed in fibre, km/s. SeQUeNCe's constant is 2e-4 m/ps = 200 000 km/s; qnetstack is
#: given the same (its presets default to c/1.44 ≈ 208 000 km/s).
SPEED_OF_LIGHT_KM_PER_S = 200_000.0
#: Fibre attenuation, dB/km (SeQUeNCe takes dB/m: 2e-4).
FIBRE_LOSS_DB_PER_KM = 0.2
#: Probability that an excited memory puts a photon into the fibre. SeQUeNCe: the memory's
#: ``efficiency``; qnetstack NV: p_zero_phonon (1) x collection_efficiency (this) x
#: conversion_efficiency (1).
EMISSION_EFFICIENCY = 0.3
#: Probability that a photon reaching a station detector clicks it (both simulators).
DETECTOR_EFFICIENCY = 0.8
#: Detector dark counts, Hz. Zero on both sides: SeQUeNCe draws dark counts as scheduled
#: events over the whole run, qnetstack as a per-window probability; neither is the point here.
DARK_COUNT_RATE_HZ = 0.0
#: Fidelity of a freshly heralded pair. SeQUeNCe takes it as a number (the memory's
#: ``raw_fidelity``); qnetstack's full NV physics produces it (two-photon visibility 0.9,
#: initialisation / gate / readout noise, T1/T2 while the herald travels), measured at 0.950
#: at 2 km and 20 km with these optics (see the link script's ``fidelity`` detail).
RAW_FIDELITY = 0.95
#: Minimum fidelity of a link request (both sides). Below every delivered pair's fidelity, so
#: SeQUeNCe never purifies (its rules purify pairs below the target) and every pair counts.
TARGET_FIDELITY = 0.5
#: Minimum fidelity of an end-to-end chain request (both sides). qnetstack's full NV physics
#: (electron-carbon moves and swaps with the preset's gate and readout noise) delivers about
#: 0.55 over 3 nodes and 0.39 over 5; SeQUeNCe's bookkeeping (raw fidelity, x0.95 per swap)
#: about 0.86 and 0.70. 0.25 (the fully mixed state) lets both count every end-to-end pair.
CHAIN_TARGET_FIDELITY = 0.25
#: Repeater-chain link length, km (issue 9).
CHAIN_SPACING_KM = 10.0
#: QKD link length, km.
QKD_LENGTH_KM = 10.0


def fibre_transmission(length_km: float) -> float:
    """10^(-loss·L/10): the probability that a photon survives ``length_km`` of fibre."""
    return float(10.0 ** (-FIBRE_LOSS_DB_PER_KM * length_km / 10.0))


def arm_efficiency(link_km: float) -> float:
    """Detection probability of one photon sent from a node to the midpoint station."""
    return EMISSION_EFFICIENCY * fibre_transmission(link_km / 2.0) * DETECTOR_EFFICIENCY


def barrett_kok_success_probability(link_km: float) -> float:
    """p ≈ η²/2 per Barrett–Kok attempt (two rounds, one click each; Barrett & Kok 2005)."""
    eta = arm_efficiency(link_km)
    return eta * eta / 2.0


def emit(sim: str, scenario: str, metric: str, value: float, unit: str, **details: Any) -> None:
    """Print the one JSON line a peer script reports (``run.py`` parses it)."""
    record: dict[str, Any] = {
        "sim": sim,
        "scenario": scenario,
        "metric": metric,
        "value": value,
        "unit": unit,
        **details,
        "python": platform.python_version(),
    }
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()
