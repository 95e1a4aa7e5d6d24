"""One end's record of a measured end-to-end pair, in the frame of Φ⁺ (shared by the apps that
measure pairs: :mod:`.bbm92`, :mod:`.chsh`)."""

from __future__ import annotations

from qnetstack.apps.qkd import BASIS_X, BASIS_Z
from qnetstack.apps.qkd.e91 import (
    E91_ALICE_ANGLES_RAD,
    E91_BOB_ANGLES_RAD,
    e91_frame_correction,
    e91_setting_of_angle,
)
from qnetstack.network.primitives import NetworkOkIndication
from qnetstack.quantum import BELL_CORRELATION
from qnetstack.service import LocalProtocolError

__all__ = ["BASIS_CODE", "pair_record"]

BASIS_CODE = {"Z": BASIS_Z, "X": BASIS_X}
"""Code of a Z/X basis in the records."""


def pair_record(role: str, ok: NetworkOkIndication) -> tuple[int, int]:
    """This end's (basis or setting code, bit) of a measured pair, Bob's frame-corrected.

    BBM92 (basis 'Z' or 'X', code 0 or 1): Bob flips his bit where the Bell state's
    correlation ⟨σ_b ⊗ σ_b⟩ in his basis b is −1 — the classical form of the Pauli that maps the
    announced state to Φ⁺ on his qubit, so the record is that of a Φ⁺ pair whatever Alice's
    basis. E91 (an angle): the code of the end's direction; Bob's record is mapped to the Φ⁺
    frame by :func:`~qnetstack.apps.qkd.e91_frame_correction` (which can change his setting as
    well as his bit).

    Raises:
        LocalProtocolError: The pair was measured in another basis (a network layer that
            ignored the request's basis).
    """
    assert ok.outcome is not None
    if isinstance(ok.basis, float):
        angles = E91_ALICE_ANGLES_RAD if role == "alice" else E91_BOB_ANGLES_RAD
        setting = e91_setting_of_angle(ok.basis, angles)
        if role == "alice":
            return setting, ok.outcome
        return e91_frame_correction(setting, ok.outcome, ok.bell_index)
    name = ok.basis if ok.basis in BASIS_CODE else None
    if not isinstance(name, str):
        raise LocalProtocolError(f"pair measured in {ok.basis!r}: allowed Z, X, E91 angles")
    if role == "alice":
        return BASIS_CODE[name], ok.outcome
    flip = BELL_CORRELATION[name][ok.bell_index] == -1
    return BASIS_CODE[name], ok.outcome ^ int(flip)
