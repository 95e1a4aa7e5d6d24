"""The records of measured pairs (Bob's frame correction) and the CHSH figures computed from
them (:mod:`qnetstack.apps._records`, :mod:`qnetstack.apps.bell_test`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qnetstack.apps._records import pair_record
from qnetstack.apps.bell_test import e91_chsh_summary, zx_chsh_summary
from qnetstack.apps.qkd import E91_ALICE_ANGLES_RAD, E91_BOB_ANGLES_RAD
from qnetstack.network.primitives import NetworkEntanglementId, NetworkOkIndication
from qnetstack.quantum import BellIndex
from qnetstack.service import LocalProtocolError


def ok(basis, outcome, bell_index):
    return NetworkOkIndication(
        entanglement_id=NetworkEntanglementId("a", 0, 0), remote="b", slot=None,
        bell_index=bell_index, goodness=1.0, create_time_ps=0, path=("a", "b"),
        outcome=outcome, basis=basis,
    )  # fmt: skip


def codes(*values):
    return np.array(values, dtype=np.uint8)


def test_bob_flips_his_bit_where_the_state_anticorrelates_in_his_basis():
    # Ψ⁺ (Z anti-correlated, X correlated), Ψ⁻ (both anti-correlated), Φ⁻ (X anti-correlated)
    assert pair_record("bob", ok("Z", 1, BellIndex.PSI_PLUS)) == (0, 0)
    assert pair_record("bob", ok("X", 1, BellIndex.PSI_PLUS)) == (1, 1)
    assert pair_record("bob", ok("X", 1, BellIndex.PSI_MINUS)) == (1, 0)
    assert pair_record("bob", ok("Z", 0, BellIndex.PHI_MINUS)) == (0, 0)
    assert pair_record("bob", ok("X", 0, BellIndex.PHI_MINUS)) == (1, 1)
    # Alice's records are her raw outcomes.
    assert pair_record("alice", ok("Z", 1, BellIndex.PSI_PLUS)) == (0, 1)


def test_e91_records_map_angles_to_settings_and_correct_bobs_frame():
    pi4, pi2, pi34 = E91_BOB_ANGLES_RAD
    assert pair_record("alice", ok(E91_ALICE_ANGLES_RAD[1], 0, 0)) == (1, 0)
    assert pair_record("bob", ok(pi4, 1, BellIndex.PHI_PLUS)) == (0, 1)  # kept as is
    assert pair_record("bob", ok(pi4, 1, BellIndex.PSI_PLUS)) == (2, 1)  # π/4 → 3π/4
    assert pair_record("bob", ok(pi2, 1, BellIndex.PHI_MINUS)) == (1, 0)  # X stays, flipped
    assert pair_record("bob", ok(pi34, 0, BellIndex.PSI_MINUS)) == (2, 1)  # same, flipped


def test_a_pair_in_another_basis_is_a_protocol_error():
    with pytest.raises(LocalProtocolError, match="allowed Z, X, E91 angles"):
        pair_record("bob", ok("Y", 0, 0))


def test_zx_chsh_is_sqrt2_times_the_correlator_sum():
    # ZZ: 3 equal, 1 different → E = 0.5; XX: 4 equal → E = 1.
    alice_bases = codes(0, 0, 0, 0, 1, 1, 1, 1)
    alice_bits = codes(0, 0, 0, 0, 1, 1, 1, 1)
    bob_bits = codes(0, 0, 0, 1, 1, 1, 1, 1)
    result = zx_chsh_summary(alice_bases, alice_bits, alice_bases, bob_bits)
    assert result["s"] == pytest.approx(math.sqrt(2) * 1.5, abs=1e-12)
    # Var(E_ZZ) = (1 − 0.25)/4, Var(E_XX) = 0; σ_S = √2·√(0.1875).
    assert result["s_std_error"] == pytest.approx(math.sqrt(2 * 0.1875), abs=1e-12)
    assert result["s_horodecki_xz"] == pytest.approx(2 * math.hypot(0.5, 1.0), abs=1e-12)
    assert result["violation"] is True
    assert result["rounds"] == 8
    assert result["correlators"]["ZX"] == {"value": None, "pairs": 0}


def test_zx_chsh_without_both_bases_has_no_value():
    result = zx_chsh_summary(codes(0, 0), codes(0, 1), codes(0, 0), codes(0, 1))
    assert result["s"] is None
    assert result["violation"] is False


def test_e91_summary_lists_the_four_measured_correlators():
    # One round per CHSH term, outcomes chosen so that E = +1, +1, +1, −1 → S = 4.
    # Alice: A0 = X (code 2), A1 = Z (code 0); Bob: B0 = π/4 (code 0), B1 = 3π/4 (code 2).
    alice = codes(2, 2, 0, 0)
    bob = codes(0, 2, 0, 2)
    entry = e91_chsh_summary(alice, codes(0, 0, 0, 0), bob, codes(0, 0, 0, 1))
    assert entry["s"] == pytest.approx(4.0)
    assert entry["s_std_error"] == pytest.approx(0.0)
    assert [c["value"] for c in entry["correlators"].values()] == [1.0, 1.0, 1.0, -1.0]
    assert entry["correlators"]["A1B1"]["alice_angle_rad"] == 0.0
    assert entry["correlators"]["A1B1"]["bob_angle_rad"] == pytest.approx(3 * math.pi / 4)
    assert entry["violation"] is True


def test_e91_summary_without_rounds_is_null():
    entry = e91_chsh_summary(codes(), codes(), codes(), codes())
    assert entry["s"] is None
    assert entry["s_std_error"] is None
