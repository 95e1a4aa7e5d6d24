"""One round of recurrence entanglement purification, executed on pairs in the pair store.

Theory
------
Two pairs shared by the same nodes A and B are consumed; on success the first ("kept") pair
remains with a higher fidelity. Each node applies a CNOT from its half of the kept pair (control)
to its half of the sacrificed pair (target), measures the target in Z and the nodes compare the
two bits by classical communication: equal bits mean success.

* **DEJMPS** — Deutsch et al., PRL 77, 2818 (1996). Before the CNOTs, A applies Rx(π/2) and B
  Rx(−π/2) to both of their qubits; for identical Bell-diagonal inputs this is physics.md F8.
* **BBPSSW** — Bennett et al., PRL 76, 722 (1996). Both inputs are twirled into Werner states
  around Φ⁺, the round runs without rotations and the kept pair is twirled again; for identical
  Werner inputs this is physics.md F9.

:meth:`~qnetstack.physical.qstore.PairStore.purify` runs the round of a
:class:`~qnetstack.physical.purification.PurificationProtocol` (these two, or a plugin) on the
store's ground truth: in the ``'dm'`` formalism as the exact four-qubit circuit, in the
``'bell_diagonal'`` formalism in closed form. The outcome is sampled with the round's success
probability.

Frame convention
----------------
Both protocols are written for pairs *around Φ⁺* (qubit 0 at node A, qubit 1 at node B in both
pairs, which :meth:`~.PairStore.purify` arranges). The kept pair is left in the circuit's frame —
for DEJMPS no inverse rotation is applied, as in the paper — and the rotation fixes Φ⁺, so after
a successful round **the nodes should assume Φ⁺**: the kept pair's Φ⁺ coefficient is the F8/F9
output fidelity. (For DEJMPS the other three labels are permuted by the rotation — the output
vector is the F8 vector (A', B', C', D') on (Φ⁺, Ψ⁻, Ψ⁺, Φ⁻) — which is what a further DEJMPS
round expects.)

Heralded pairs are announced in other Bell states (the depolarising platform announces Ψ±).
Callers must bring each input to the Φ⁺ frame first: :func:`frame_to_phi_plus` names the Pauli
and :func:`correct_frame` applies it, noiselessly, to one half in the store. A Pauli correction
can always be tracked in software (Paulis pass through the Clifford circuit of the round as
other Paulis and classically re-interpreted outcomes), so applying it to the ground-truth state
without noise is equivalent to tracking the frame.

Noise and approximations
------------------------
* ``gate_depolar_prob``: each node's bilateral CNOT is modelled by depolarising, with that
  probability, **all four qubits before the round** (the NetSquid convention of a noisy
  two-qubit gate is depolarising on both of its qubits; moving the channel before the ideal CNOT
  instead of after it is an approximation — depolarising does not commute with a CNOT exactly —
  but keeps Bell-diagonal inputs Bell-diagonal, so both formalisms agree). The DEJMPS rotations
  and the measurements themselves are otherwise ideal.
* ``readout_flip_prob``: each of the two measured bits is misread independently. If exactly one
  bit flips, the nodes decide the opposite of the truth: a successful round is dropped, or a
  failed round is kept — its kept pair is then the true post-measurement state *given failure*
  (normalised, and for BBPSSW twirled like a success would be). Two flips cancel. The reported
  ``p_success`` is the probability that the nodes *declare* success,
  p(1 − f) + (1 − p) f with f = 2q(1 − q); it equals the round's coincidence probability p
  when q = 0.
* In the ``'bell_diagonal'`` formalism everything above is exact for Bell-diagonal inputs (the
  store's formalism only holds Bell-diagonal states).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qnetstack.physical.purification import PurificationProtocol
from qnetstack.quantum import DensityMatrix, pauli_correction

if TYPE_CHECKING:
    from qnetstack.physical.qstore import PairState, PairStore
    from qnetstack.quantum.bell import PauliLabel

__all__ = [
    "PurifyOutcome",
    "correct_frame",
    "declared_success_probability",
    "failure_state",
    "frame_to_phi_plus",
    "success_round",
]


@dataclass(frozen=True, slots=True)
class PurifyOutcome:
    """Result of one purification round.

    Attributes:
        success: Whether the nodes declared success (compared their reported bits).
        p_success: Probability of declaring success (the round's coincidence probability when
            readout is perfect).
        kept_pair: Id of the kept pair on declared success (the kept input's id), ``None``
            otherwise.
    """

    success: bool
    p_success: float
    kept_pair: int | None


def frame_to_phi_plus(label: int) -> PauliLabel:
    """The Pauli that turns a pair announced as Bell state ``label`` into a Φ⁺ pair.

    Applied to either half (Bell-diagonal states are symmetric): I for Φ⁺, X for Ψ⁺, Z for Φ⁻,
    Y for Ψ⁻ (see :func:`~qnetstack.quantum.bell.pauli_correction`).
    """
    return pauli_correction(label)


def correct_frame(store: PairStore, half: tuple[int, int], label: int, now_ps: int) -> None:
    """Bring a pair announced as ``label`` to the Φ⁺ frame before purification.

    Applies :func:`frame_to_phi_plus` noiselessly to ``half`` = (pair id, qubit index), after
    aging the pair to ``now_ps``: the software Pauli-frame correction, made explicit on the
    ground-truth state.
    """
    pauli = frame_to_phi_plus(label)
    p_x, p_y, p_z = (float(pauli == name) for name in ("X", "Y", "Z"))
    store.apply_pauli_channel(half[0], half[1], now_ps, p_x, p_y, p_z)


def declared_success_probability(p_success: float, readout_flip_prob: float) -> float:
    """Probability that the nodes declare success: a single misread bit inverts the decision."""
    flip = 2.0 * readout_flip_prob * (1.0 - readout_flip_prob)
    return p_success * (1.0 - flip) + (1.0 - p_success) * flip


def _gate_noise(state: PairState, p: float) -> PairState:
    if not p:
        return state
    if isinstance(state, DensityMatrix):
        return state.depolarise(0, p).depolarise(1, p)
    return state.depolarise(p).depolarise(p)


def success_round(
    keep: PairState, sacrifice: PairState, protocol: PurificationProtocol, gate_depolar_prob: float
) -> tuple[float, PairState | None]:
    """The round's coincidence probability and the kept pair given coincidence.

    Inputs are oriented (qubit 0 at node A in both). Two Bell-diagonal inputs use the closed
    forms, anything else the density-matrix circuit (:meth:`PurificationProtocol.success`).

    Returns:
        ``(p, kept)``; ``kept`` is ``None`` when ``p`` is (numerically) zero.
    """
    a, b = _gate_noise(keep, gate_depolar_prob), _gate_noise(sacrifice, gate_depolar_prob)
    try:
        return protocol.success(a, b)
    except ValueError:  # the outcomes can never coincide
        return 0.0, None


def failure_state(
    keep: PairState, sacrifice: PairState, protocol: PurificationProtocol, gate_depolar_prob: float
) -> PairState | None:
    """The kept pair given *anti*-coincident outcomes (normalised), ``None`` if impossible.

    Only needed when a misread bit makes the nodes keep a failed round.
    """
    a, b = _gate_noise(keep, gate_depolar_prob), _gate_noise(sacrifice, gate_depolar_prob)
    return protocol.failure(a, b)
