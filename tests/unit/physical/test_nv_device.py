"""NVDevice: electron + carbons, moves, noisy readout, nuclear dephasing — inputs → effects."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import link_info
from qnetstack.physical import (
    AbortRequest,
    FreeRequest,
    GenerateFailure,
    GenerateFailureReason,
    GenerateRequest,
    PairStore,
)
from qnetstack.physical.messages import Herald
from qnetstack.physical.nv.device import ELECTRON_SLOT, NVDevice, repeated_dephasing
from qnetstack.physical.nv.gates import move_channel, move_duration_ps, noisy_readout
from qnetstack.physical.nv.presets import load_preset
from qnetstack.physical.primitives import (
    MeasureConfirm,
    MeasureRequest,
    MoveConfirm,
    MoveFailure,
    MoveRequest,
)
from qnetstack.physical.qstore import MemoryModel
from qnetstack.quantum import BellIndex
from qnetstack.service import Indicate, LocalProtocolError, StartTimer

STATION = "station:alice-bob"
NOISELESS = (MemoryModel(), MemoryModel())


def config(**sections):
    """The near-term preset with noiseless memories and two carbons, plus section overrides."""
    base = {
        "carbon": {"count": 2, "t1_s": math.inf, "t2_s": math.inf},
        "electron": {"t1_s": math.inf, "t2_s": math.inf},
    }
    for section, values in sections.items():
        base.setdefault(section, {}).update(values)
    return load_preset("nearterm2020_coopmans2021", base)


def indicated(effects):
    """The primitive of the single Indicate effect."""
    [effect] = effects
    assert isinstance(effect, Indicate), effects
    return effect.primitive


def timer(effects):
    """(key, delay) of the single StartTimer effect."""
    [effect] = effects
    assert isinstance(effect, StartTimer), effects
    return effect.key, effect.delay_ps


def nv_device(cfg=None, seed=0):
    store = PairStore()
    info = link_info("alice", "bob", arm_a_delay_ps=300, arm_b_delay_ps=700)
    dev = NVDevice("alice", {"bob": info}, store, cfg or config(), np.random.default_rng(seed))
    return dev, store


def herald_pair(dev, store, tag, fidelity=1.0, attempts=1, now_ps=1_000):
    """Request, then deliver a herald of a fresh pair onto the electron."""
    dev.from_above(GenerateRequest("bob", tag), now_ps - 500)
    pair_id = store.add(store.werner(fidelity, BellIndex.PSI_PLUS), ("alice", "bob"), NOISELESS,
                        (now_ps, now_ps))  # fmt: skip
    herald = Herald(tag, pair_id, 0, BellIndex.PSI_PLUS, attempts, fidelity)
    ready = indicated(dev.from_peer(STATION, herald, now_ps))
    assert ready.slot == ELECTRON_SLOT
    return pair_id


def test_pairs_land_on_the_electron_and_block_generation_until_moved():
    dev, store = nv_device()
    herald_pair(dev, store, tag=0)
    effects = dev.from_above(GenerateRequest("bob", 1), 2_000)
    assert effects == [Indicate(GenerateFailure("bob", 1, GenerateFailureReason.OUT_OF_MEMORY))]


def test_move_takes_its_duration_applies_the_gate_noise_and_frees_the_electron():
    cfg = config()
    dev, store = nv_device(cfg)
    pair_id = herald_pair(dev, store, tag=0)
    key, delay = timer(dev.from_above(MoveRequest(ELECTRON_SLOT), 2_000))
    assert delay == move_duration_ps(cfg)
    assert delay == round((cfg.carbon.init_duration_us + 2 * cfg.ec_gate.duration_us) * 1e6)
    confirm = indicated(dev.on_timer(key, 2_000 + delay))
    assert isinstance(confirm, MoveConfirm)
    assert confirm.slot_from == ELECTRON_SLOT
    carbon = confirm.slot_to
    assert carbon != ELECTRON_SLOT
    assert dev.held(carbon) == (pair_id, 0)
    channel = move_channel(cfg)
    fidelity = store.fidelity(pair_id, BellIndex.PSI_PLUS, 2_000 + delay)
    assert fidelity == pytest.approx(channel.p_identity, abs=1e-12)  # F=1 pair: F' = p_I
    # The electron is free again: the next generation is accepted.
    assert dev.from_above(GenerateRequest("bob", 1), 3_000 + delay) != [
        Indicate(GenerateFailure("bob", 1, GenerateFailureReason.OUT_OF_MEMORY))
    ]


def test_move_channel_values():
    """Carbon init error → X with p/2; each E–C gate depolarises both qubits (NetSquid rule)."""
    cfg = config(carbon={"init_depolar_prob": 0.02}, ec_gate={"depolar_prob_per_qubit": 0.0})
    channel = move_channel(cfg)
    assert (channel.p_x, channel.p_y, channel.p_z) == pytest.approx((0.01, 0.0, 0.0), abs=1e-12)
    cfg = config(carbon={"init_depolar_prob": 0.0}, ec_gate={"depolar_prob_per_qubit": 0.0})
    assert move_channel(cfg).p_identity == pytest.approx(1.0, abs=1e-12)


def test_moved_half_takes_the_carbon_memory():
    cfg = config(
        carbon={"t2_s": 1.0, "init_depolar_prob": 0.0}, ec_gate={"depolar_prob_per_qubit": 0.0}
    )
    dev, store = nv_device(cfg)
    pair_id = herald_pair(dev, store, tag=0)
    key, delay = timer(dev.from_above(MoveRequest(ELECTRON_SLOT), 1_000))
    dev.on_timer(key, 1_000 + delay)
    t_ps = 1_000 + delay + 500_000_000_000  # 0.5 s in the carbon
    expected = (1 + math.exp(-0.5 / 1.0)) / 2  # one half dephasing with T2 = 1 s
    assert store.fidelity(pair_id, BellIndex.PSI_PLUS, t_ps) == pytest.approx(expected, abs=1e-12)


def test_move_failures():
    dev, store = nv_device(config(carbon={"count": 0}))
    failure = indicated(dev.from_above(MoveRequest(ELECTRON_SLOT), 0))
    assert isinstance(failure, MoveFailure)
    assert failure.reason.startswith("EMPTY_SLOT")
    herald_pair(dev, store, tag=0)
    failure = indicated(dev.from_above(MoveRequest(ELECTRON_SLOT), 2_000))
    assert failure.reason.startswith("OUT_OF_MEMORY")


def test_carbons_dephase_per_attempt_of_later_runs():
    """N_1/e model: a carbon half loses coherence with every attempt on the electron."""
    cfg = config(carbon={"init_depolar_prob": 0.0}, ec_gate={"depolar_prob_per_qubit": 0.0})
    dev, store = nv_device(cfg)
    pair_id = herald_pair(dev, store, tag=0)
    key, delay = timer(dev.from_above(MoveRequest(ELECTRON_SLOT), 1_000))
    dev.on_timer(key, 1_000 + delay)
    now = 2_000 + delay
    herald_pair(dev, store, tag=1, attempts=700, now_ps=now)  # 700 attempts for the next pair
    p = cfg.nuclear_dephasing_prob(cfg.attempt_alpha)
    p_700 = repeated_dephasing(p, 700)
    assert 1 - 2 * p_700 == pytest.approx((1 - 2 * p) ** 700)
    expected = 1 - p_700  # a dephased half of a perfect pair: F = 1 − p
    assert store.fidelity(pair_id, BellIndex.PSI_PLUS, now) == pytest.approx(expected, abs=1e-12)


def test_aborted_run_dephases_carbons_by_the_cycles_spent():
    cfg = config(carbon={"init_depolar_prob": 0.0}, ec_gate={"depolar_prob_per_qubit": 0.0})
    dev, store = nv_device(cfg)
    pair_id = herald_pair(dev, store, tag=0)
    key, delay = timer(dev.from_above(MoveRequest(ELECTRON_SLOT), 1_000))
    dev.on_timer(key, 1_000 + delay)
    start = 2_000 + delay
    dev.from_above(GenerateRequest("bob", 1), start)
    cycle = dev.links["bob"].attempt_cycle_ps
    emission = round(cfg.emission_delay_us * 1e6)
    dev.from_above(AbortRequest("bob", 1), start + emission + 10 * cycle + 5)
    p = repeated_dephasing(cfg.nuclear_dephasing_prob(cfg.attempt_alpha), 11)
    fidelity = store.fidelity(pair_id, BellIndex.PSI_PLUS, start + emission + 10 * cycle + 5)
    assert fidelity == pytest.approx(1 - p, abs=1e-12)


@pytest.mark.parametrize("basis", ["Z", "X", math.pi / 4, 0.0])
def test_readout_takes_its_time_and_reports_with_f0_f1(basis):
    cfg = config(electron={"readout_f0": 0.9, "readout_f1": 0.99})
    dev, store = nv_device(cfg, seed=3)
    herald_pair(dev, store, tag=0)
    key, delay = timer(dev.from_above(MeasureRequest(ELECTRON_SLOT, basis), 5_000))
    expected_us = cfg.electron.readout_duration_us
    if basis not in ("Z", 0.0):  # an X–Z-plane angle needs a rotation, like X; θ = 0 is Z
        expected_us += cfg.electron.gate_duration_ns * 1e-3
    assert delay == round(expected_us * 1e6)
    confirm = indicated(dev.on_timer(key, 5_000 + delay))
    assert isinstance(confirm, MeasureConfirm)
    assert confirm.basis == basis
    assert dev.free_slots == cfg.carbon.count  # the electron is free, carbons untouched
    with pytest.raises(LocalProtocolError, match="slot 0"):
        dev.from_above(FreeRequest(ELECTRON_SLOT), 6_000 + delay)


def test_noisy_readout_statistics():
    rng = np.random.default_rng(7)
    n = 200_000
    zeros = sum(noisy_readout(0, 0.95, 0.995, rng) == 0 for _ in range(n)) / n
    ones = sum(noisy_readout(1, 0.95, 0.995, rng) == 1 for _ in range(n)) / n
    assert zeros == pytest.approx(0.95, abs=4 * math.sqrt(0.95 * 0.05 / n))
    assert ones == pytest.approx(0.995, abs=4 * math.sqrt(0.995 * 0.005 / n))


def test_purification_takes_two_ec_gates_and_a_readout_and_frees_the_sacrificed_slot():
    """The NV node's part of a purification round: the sacrificed carbon is measured (its slot
    freed at once), the confirm comes after 2 E–C gates + 1 readout with this node's bit."""
    from qnetstack.physical.primitives import MoveRequest, PurifyConfirm, PurifyRequest

    dev, store = nv_device()
    herald_pair(dev, store, tag=1)
    timer_key, delay = timer(dev.from_above(MoveRequest(0), 2_000))
    dev.on_timer(timer_key, 2_000 + delay)
    herald_pair(dev, store, tag=2, now_ps=10_000_000)
    keep_slot, [sacrifice_slot] = 0, [s for s in dev.occupied if s != 0]
    effects = dev.from_above(PurifyRequest(keep_slot, sacrifice_slot, "dejmps", 0, 0), 20_000_000)
    key, delay = timer(effects)
    cfg = dev.config
    expected_us = 2 * cfg.ec_gate.duration_us + cfg.electron.readout_duration_us
    assert delay == round(expected_us * 1e6)
    assert sacrifice_slot not in dev.occupied
    assert keep_slot in dev.occupied
    confirm = indicated(dev.on_timer(key, 20_000_000 + delay))
    assert isinstance(confirm, PurifyConfirm)
    assert (confirm.keep_slot, confirm.sacrifice_slot) == (keep_slot, sacrifice_slot)
    assert confirm.outcome in (0, 1)
