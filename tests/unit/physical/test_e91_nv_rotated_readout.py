"""NV measure-directly along an X–Z-plane angle: one electron gate (its depolarising) first.

Angles that are multiples of π are Z up to relabelling the outcome and need no gate; every
other angle does, like X and Y. With a fully depolarising gate (p = 1) a rotated readout of a
Φ⁺ half is a coin flip with respect to the other half; a Z-like angle stays perfectly
correlated. Readout errors (f0, f1) apply to every basis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import link_info
from qnetstack.physical.nv.device import NVDevice
from qnetstack.physical.nv.presets import load_preset
from qnetstack.physical.qstore import MemoryModel, PairStore
from qnetstack.quantum import BellIndex

NOISELESS = (MemoryModel(), MemoryModel())
TRIALS = 1500


def device(
    gate_depolar_prob: float, f0: float = 1.0, f1: float = 1.0
) -> tuple[NVDevice, PairStore]:
    electron = {
        "t1_s": math.inf,
        "t2_s": math.inf,
        "gate_depolar_prob": gate_depolar_prob,
        "readout_f0": f0,
        "readout_f1": f1,
    }
    cfg = load_preset("nearterm2020_coopmans2021", {"electron": electron})
    store = PairStore()
    info = link_info("alice", "bob")
    return NVDevice("alice", {"bob": info}, store, cfg, np.random.default_rng(5)), store


def agreement(dev: NVDevice, store: PairStore, angle: float) -> float:
    """Fraction of Φ⁺ pairs whose NV-read half (along ``angle``) equals the ideal other half."""
    rng = np.random.default_rng(6)
    same = 0
    for _ in range(TRIALS):
        pair = store.add(store.werner(1.0, BellIndex.PHI_PLUS), ("alice", "bob"), NOISELESS, (0, 0))
        mine = dev._measure_at_emission(pair, 0, angle, 0)
        same += int(mine == store.measure(pair, 1, angle, rng, 0))
    return same / TRIALS


@pytest.mark.parametrize("angle", [math.pi / 4, math.pi / 2, 3 * math.pi / 4])
def test_rotated_angles_pay_the_gate_noise(angle):
    dev, store = device(gate_depolar_prob=1.0)
    assert abs(agreement(dev, store, angle) - 0.5) < 4 * math.sqrt(0.25 / TRIALS)


@pytest.mark.parametrize("angle", [0.0, math.pi])
def test_z_like_angles_need_no_gate(angle):
    dev, store = device(gate_depolar_prob=1.0)
    assert agreement(dev, store, angle) == 1.0


def test_readout_errors_apply_to_angles():
    dev, store = device(gate_depolar_prob=0.0, f0=0.8, f1=0.8)
    assert abs(agreement(dev, store, math.pi / 4) - 0.8) < 4 * math.sqrt(0.16 / TRIALS)
