"""The public API of qnetstack.quantum: every name in __all__ exists, and __all__ is sorted."""

from __future__ import annotations

import qnetstack.quantum as quantum

CONTRACT = {
    "BellDiagonal",
    "BellIndex",
    "DensityMatrix",
    "bbpssw",
    "bbpssw_dm",
    "bell_dm",
    "bell_ket",
    "bell_state_measurement",
    "dejmps",
    "dejmps_dm",
    "pauli_correction",
    "project_bell",
    "swap",
    "swap_frame",
    "t1t2_noise",
}


def test_all_is_sorted_and_complete():
    assert quantum.__all__ == sorted(quantum.__all__)
    for name in quantum.__all__:
        assert hasattr(quantum, name), name
    assert set(quantum.__all__) >= CONTRACT


def test_public_members_are_exported():
    public = {
        name
        for name, value in vars(quantum).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("qnetstack")
    }
    assert public <= set(quantum.__all__)
