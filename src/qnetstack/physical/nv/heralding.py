r"""The physics of one heralded entanglement attempt between two NV electrons.

Pure numpy on plain floats: a station computes one :class:`HeraldModelResult` per link (the
inputs do not change between attempts) and samples from it. Qubit order of every state is
(node_a, node_b), basis |q_a q_b⟩ with q_a the most significant bit (as in
:mod:`qnetstack.quantum`); the bright (photon-emitting) electron state is |1⟩. Bell indices are
:class:`qnetstack.quantum.BellIndex` values (Ψ+ = 1, Ψ− = 3).

Single-click (physics.md F1)
---------------------------
Each node prepares √(1−α)|0⟩ + √α|1⟩ and emits a photon from |1⟩; the photons meet on a 50:50
beam splitter and one click heralds. With p_nd = (1−p_dc)², p_d1 = 1 − p_nd (Humphreys et al.,
Nature 558, 268 (2018), SI eqs. (8), (10), as coded in QLinkLayerSimulations ``feu.py``)::

    p_bb = αAαB [p_nd(ηA+ηB−ηAηB) + p_d1(1−ηA)(1−ηB)]     → |11⟩
    p_bd = αA(1−αB) [p_nd ηA + p_d1(1−ηA)]                 → |10⟩
    p_db = αB(1−αA) [p_nd ηB + p_d1(1−ηB)]                 → |01⟩
    p_dd = (1−αA)(1−αB) p_d1                               → |00⟩
    p_succ = p_bb + p_bd + p_db + p_dd
    c = √(V p_bd p_db) · e^{−σ²/2} · (1−p_dexc)²

The model treats a herald as "a click" (it does not veto two-detector events) and is symmetric
in the two detectors, so each detector heralds with probability p_succ/2 and the same
populations; detector 0 announces Ψ+ (coherence +c), detector 1 announces Ψ− (coherence −c).
The phase factor is the average of e^{iφ} over a Gaussian electron–electron phase of standard
deviation σ; double excitation is dephasing p_dexc/2 on each electron, i.e. the coherence times
(1 − p_dexc) per electron (Coopmans et al., Commun. Phys. 4, 164 (2021), Methods). Fidelity to the
announced state: F = (p_bd + p_db + 2c)/(2 p_succ).

Small-η limit without dark counts (αA = αB = α, ηA = ηB = η ≪ 1): **p_succ ≈ 2αη** and
**F ≈ (1−α)(1+√V)/2** (times e^{−σ²/2}(1−p_dexc)² on the √V term).

Barrett–Kok double-click (derived here)
---------------------------------------
Protocol (Barrett & Kok, PRA 71, 060310 (2005); Bernien et al., Nature 497, 86 (2013)): each node
prepares (|0⟩+|1⟩)/√2 and emits from |1⟩ (round 1); both electrons get a π pulse (X); they emit
again (round 2). Success requires *exactly one* of the two non-number-resolving detectors to click
in each round. No final π pulse: X⊗X leaves Ψ± unchanged up to a global phase anyway.

*Sign convention.* A photon from A reaches detector d with amplitude 1/√2, one from B with
(−1)^d/√2. After a round-1 click at d₁ the spin state is |10⟩ + (−1)^{d₁}|01⟩; the π pulses
make it |01⟩ + (−1)^{d₁}|10⟩; a round-2 click at d₂ multiplies the |01⟩ (B emits) branch by
(−1)^{d₂}, giving |01⟩ + (−1)^{d₁+d₂}|10⟩: **same detector twice → Ψ+, different detectors →
Ψ−**. A stable optical phase φ on B's path multiplies both branches by e^{iφ} (once in each
round), so Barrett–Kok is insensitive to it; no σ parameter.

*Paths.* The round-1 spin configuration |xy⟩ (prior 1/4 each) fixes everything: (1,0) and (0,1)
emit one photon per round and end in |01⟩ and |10⟩; (1,1) emits two photons in round 1 and none
in round 2, ending in |00⟩; (0,0) the reverse, ending in |11⟩. Per round and detector d, with
p_dc per detector and window, the probability that *only* d clicks is

* one photon of efficiency η: P₁(η) = (1−p_dc)[η/2 + (1−η)p_dc]; the photon part
  (1−p_dc)η/2 is a *genuine* click, the rest a dark count in a round whose photon was lost;
* no photon: P₀ = p_dc(1−p_dc);
* two photons (HOM: same output port with probability (1+V)/2, different ports (1−V)/2),
  with η∨ = 1 − (1−ηA)(1−ηB):
  P₂ = (1−p_dc)/2 · {(1+V)/2 · [η∨ + 2(1−η∨)p_dc]
  + (1−V)/2 · [ηA(1−ηB) + ηB(1−ηA) + 2(1−ηA)(1−ηB)p_dc]}.

None of them depends on d, so all four click pairs (d₁, d₂) are equally likely and the two
announced states, Ψ+ and Ψ−, each occur with probability 1/2. Per click pair, the unnormalised
state is

    w01 = w10 = ¼ P₁(ηA) P₁(ηB)          (|01⟩, |10⟩ populations)
    w00 = w11 = ¼ P₂ P₀                  (|00⟩, |11⟩: two photons in one round, a dark count
                                           in the other)
    coherence ±V g, g = ¼ (1−p_dc)² ηAηB/4 between |01⟩ and |10⟩.

Only the genuine-genuine part g carries coherence: a lost photon leaves which-node information in
the environment (the loss modes of A's and B's photons are orthogonal, before or after the beam
splitter), and paths with different photon numbers per round leave orthogonal records. Each
round's click erases which-node information only up to the photon overlap √V, so the coherence
is V g (V, not √V as in single-click). Hence

    p_succ = 2[P₁(ηA)P₁(ηB) + P₂P₀],   F = (w01 + w10 + 2Vg)/(2 · total per click pair).

Ideal detectors (p_dc = 0): **p_succ = ηAηB/2, F = (1+V)/2** (validation target A11). Dark counts
add false heralds with a classically correlated |01⟩/|10⟩ mixture (F = ½ to Ψ±) and |00⟩/|11⟩
(F = 0), not a maximally mixed state as physics.md F2 ([M]) puts it. The model is exact for this
photon-loss/dark-count/mode-overlap description; ``tests/unit/physical/nv`` checks it against an
explicit Fock-space enumeration. Not modelled for Barrett–Kok: double excitation and detector
dead time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnetstack.quantum import BellIndex

__all__ = ["HeraldModelResult", "HeraldOutcome", "barrett_kok", "single_click"]

ComplexArray = npt.NDArray[np.complex128]

HeraldOutcome = tuple[int, float, ComplexArray]
"""One way a successful attempt can end: (announced Bell index, probability given success,
normalised 4×4 density matrix of (node_a, node_b))."""

_PSI_PLUS = int(BellIndex.PSI_PLUS)
_PSI_MINUS = int(BellIndex.PSI_MINUS)
# Basis indices |q_a q_b⟩ with q_a the most significant bit.
_I00, _I01, _I10, _I11 = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class HeraldModelResult:
    """What one attempt delivers on success.

    Attributes:
        p_succ: Probability that an attempt heralds (any detector / click pattern).
        fidelity: Fidelity of the delivered state to the announced Bell state, averaged over the
            outcomes (weighted by their probabilities).
        outcomes: Every heralding outcome as (Bell index, probability given success, state);
            the probabilities sum to 1. States are read-only.
    """

    p_succ: float
    fidelity: float
    outcomes: tuple[HeraldOutcome, ...]


def _check_prob(name: str, value: float, *, upper_open: bool = False) -> float:
    value = float(value)
    ok = 0.0 <= value < 1.0 if upper_open else 0.0 <= value <= 1.0
    if not ok:
        bound = "[0, 1)" if upper_open else "[0, 1]"
        raise ValueError(f"{name} must be in {bound}, got {value!r}")
    return value


def _psi_state(pop01: float, pop10: float, pop00: float, pop11: float, coh: float) -> ComplexArray:
    """Normalised X-shaped state with real coherence ``coh`` between |01⟩ and |10⟩."""
    rho = np.zeros((4, 4), dtype=np.complex128)
    rho[_I00, _I00] = pop00
    rho[_I01, _I01] = pop01
    rho[_I10, _I10] = pop10
    rho[_I11, _I11] = pop11
    rho[_I01, _I10] = coh
    rho[_I10, _I01] = coh
    rho /= pop00 + pop01 + pop10 + pop11
    rho.flags.writeable = False
    return rho


def _psi_fidelity(pop01: float, pop10: float, coh: float, total: float) -> float:
    """⟨Ψ±|ρ|Ψ±⟩ = (ρ_01,01 + ρ_10,10 ± 2 Re ρ_01,10)/2 with the sign matched to ``coh``."""
    return (pop01 + pop10 + 2.0 * abs(coh)) / (2.0 * total)


def single_click(
    alpha_a: float,
    alpha_b: float,
    eta_a: float,
    eta_b: float,
    p_dark: float,
    visibility: float,
    phase_std_rad: float,
    p_double_excitation: float,
) -> HeraldModelResult:
    """Single-click (single-photon) heralding, physics.md F1 (Humphreys 2018 SI eqs. 8, 10).

    Small-η limit (symmetric, no dark counts): p_succ ≈ 2αη, F ≈ (1−α)(1+√V)/2 (times
    e^{−σ²/2}(1−p_dexc)² on the √V term). See the module docstring for the model.

    Args:
        alpha_a: Bright-state population of node A, in (0, 1].
        alpha_b: Bright-state population of node B, in (0, 1].
        eta_a: Detection probability of a photon emitted by A (see ``NVConfig.arm_efficiency``).
        eta_b: Detection probability of a photon emitted by B.
        p_dark: Dark-count probability per detector and window.
        visibility: Two-photon visibility V (coherence ∝ √V).
        phase_std_rad: Standard deviation σ of the electron–electron optical phase.
        p_double_excitation: Double-excitation probability per emission.

    Returns:
        Two outcomes: detector 0 → Ψ+ and detector 1 → Ψ−, probability 1/2 each.

    Raises:
        ValueError: If an input is outside its range or success is impossible (p_succ = 0).
    """
    for name, value in (("alpha_a", alpha_a), ("alpha_b", alpha_b)):
        if not 0.0 < value <= 1.0:
            raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    eta_a = _check_prob("eta_a", eta_a)
    eta_b = _check_prob("eta_b", eta_b)
    p_dark = _check_prob("p_dark", p_dark)
    visibility = _check_prob("visibility", visibility)
    p_dexc = _check_prob("p_double_excitation", p_double_excitation, upper_open=True)
    if not (phase_std_rad >= 0.0 and math.isfinite(phase_std_rad)):
        raise ValueError(f"phase_std_rad must be finite and >= 0, got {phase_std_rad!r}")

    p_nd = (1.0 - p_dark) ** 2
    p_d1 = 1.0 - p_nd
    p_bb = (
        alpha_a
        * alpha_b
        * (p_nd * (eta_a + eta_b - eta_a * eta_b) + p_d1 * (1 - eta_a) * (1 - eta_b))
    )
    p_bd = alpha_a * (1.0 - alpha_b) * (p_nd * eta_a + p_d1 * (1.0 - eta_a))
    p_db = alpha_b * (1.0 - alpha_a) * (p_nd * eta_b + p_d1 * (1.0 - eta_b))
    p_dd = (1.0 - alpha_a) * (1.0 - alpha_b) * p_d1
    p_succ = p_bb + p_bd + p_db + p_dd
    if not p_succ > 0.0:
        raise ValueError("single-click success probability is 0: no photon can ever be detected")
    coh = (
        math.sqrt(visibility * p_bd * p_db)
        * math.exp(-(phase_std_rad**2) / 2.0)
        * (1.0 - p_dexc) ** 2
    )
    fidelity = _psi_fidelity(p_db, p_bd, coh, p_succ)
    # |10⟩ = A bright (p_bd), |01⟩ = B bright (p_db), |11⟩ both bright, |00⟩ both dark.
    plus = _psi_state(p_db, p_bd, p_dd, p_bb, coh)
    minus = _psi_state(p_db, p_bd, p_dd, p_bb, -coh)
    return HeraldModelResult(p_succ, fidelity, ((_PSI_PLUS, 0.5, plus), (_PSI_MINUS, 0.5, minus)))


def barrett_kok(eta_a: float, eta_b: float, p_dark: float, visibility: float) -> HeraldModelResult:
    """Barrett–Kok (double-click) heralding with loss, dark counts and imperfect visibility.

    Ideal detectors: p_succ = ηAηB/2, F = (1+V)/2. Same detector in both rounds → Ψ+, different
    detectors → Ψ−. Derivation in the module docstring.

    Args:
        eta_a: Detection probability of a photon emitted by A, per round.
        eta_b: Detection probability of a photon emitted by B, per round.
        p_dark: Dark-count probability per detector and window (one window per round).
        visibility: Two-photon visibility V (coherence ∝ V).

    Returns:
        Two outcomes, Ψ+ and Ψ−, probability 1/2 each.

    Raises:
        ValueError: If an input is outside [0, 1] or success is impossible (p_succ = 0).
    """
    eta_a = _check_prob("eta_a", eta_a)
    eta_b = _check_prob("eta_b", eta_b)
    p_dark = _check_prob("p_dark", p_dark)
    visibility = _check_prob("visibility", visibility)

    keep = 1.0 - p_dark
    p1_a = keep * (eta_a / 2.0 + (1.0 - eta_a) * p_dark)
    p1_b = keep * (eta_b / 2.0 + (1.0 - eta_b) * p_dark)
    p0 = p_dark * keep
    eta_or = 1.0 - (1.0 - eta_a) * (1.0 - eta_b)
    bunched = eta_or + 2.0 * (1.0 - eta_or) * p_dark
    split = (
        eta_a * (1.0 - eta_b) + eta_b * (1.0 - eta_a) + 2.0 * (1.0 - eta_a) * (1.0 - eta_b) * p_dark
    )
    p2 = keep / 2.0 * ((1.0 + visibility) / 2.0 * bunched + (1.0 - visibility) / 2.0 * split)

    # Unnormalised weights per click pair (d1, d2); the common factor 1/4 is the spin prior.
    w_psi = 0.25 * p1_a * p1_b  # each of |01⟩, |10⟩
    w_phi = 0.25 * p2 * p0  # each of |00⟩, |11⟩
    coh = visibility * 0.25 * keep**2 * eta_a * eta_b / 4.0
    per_pair = 2.0 * (w_psi + w_phi)
    p_succ = 4.0 * per_pair
    if not p_succ > 0.0:
        raise ValueError("Barrett–Kok success probability is 0: no click pattern can herald")
    fidelity = _psi_fidelity(w_psi, w_psi, coh, per_pair)
    plus = _psi_state(w_psi, w_psi, w_phi, w_phi, coh)
    minus = _psi_state(w_psi, w_psi, w_phi, w_phi, -coh)
    return HeraldModelResult(p_succ, fidelity, ((_PSI_PLUS, 0.5, plus), (_PSI_MINUS, 0.5, minus)))
