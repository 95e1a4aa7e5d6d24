"""Heralding models: reference values, valid states, and an independent Fock-space check of BK."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
import pytest

from qnetstack.physical.nv import HeraldModelResult, barrett_kok, single_click
from qnetstack.quantum import BellIndex, bell_dm

LAB = {"eta_a": 3.5e-4, "eta_b": 3.5e-4, "p_dark": 5.0e-7, "visibility": 0.9}


def assert_valid_result(result: HeraldModelResult) -> None:
    assert sum(prob for _, prob, _ in result.outcomes) == pytest.approx(1.0, abs=1e-12)
    weighted = 0.0
    for bell, prob, rho in result.outcomes:
        assert rho.shape == (4, 4)
        assert not rho.flags.writeable
        assert np.allclose(rho, rho.conj().T, atol=1e-14)
        assert np.trace(rho).real == pytest.approx(1.0, abs=1e-12)
        assert np.linalg.eigvalsh(rho).min() > -1e-12
        fid = float(np.real(np.trace(bell_dm(bell) @ rho)))
        weighted += prob * fid
    assert weighted == pytest.approx(result.fidelity, abs=1e-12)


# ------------------------------------------------------------------ single click


def test_a9_lab_2018_visibility_only() -> None:
    result = single_click(0.1, 0.1, **LAB, phase_std_rad=0.0, p_double_excitation=0.0)
    assert result.p_succ == pytest.approx(7.10e-5, rel=0.02)
    assert result.fidelity == pytest.approx(0.867, abs=0.005)
    assert_valid_result(result)


def test_a9_lab_2018_full_noise() -> None:
    result = single_click(
        0.1, 0.1, **LAB, phase_std_rad=math.radians(15.0), p_double_excitation=0.04
    )
    assert result.p_succ == pytest.approx(7.10e-5, rel=0.02)
    assert result.fidelity == pytest.approx(0.821, abs=0.005)
    assert_valid_result(result)


def test_lab_2018_alpha_03() -> None:
    # physics.md §5 row 2
    result = single_click(0.3, 0.3, **LAB, phase_std_rad=0.0, p_double_excitation=0.0)
    assert result.p_succ == pytest.approx(2.11e-4, rel=0.01)
    assert result.fidelity == pytest.approx(0.681, abs=0.002)


def test_single_click_detectors_announce_psi_plus_and_minus() -> None:
    result = single_click(0.2, 0.15, 0.3, 0.1, 1e-3, 0.8, 0.2, 0.05)
    (b0, p0, rho0), (b1, p1, rho1) = result.outcomes
    assert (b0, b1) == (BellIndex.PSI_PLUS, BellIndex.PSI_MINUS)
    assert p0 == p1 == 0.5
    # Same populations, opposite coherence between |01⟩ and |10⟩.
    assert np.allclose(np.diag(rho0), np.diag(rho1))
    assert rho0[1, 2].real == pytest.approx(-rho1[1, 2].real)
    assert rho0[1, 2].real > 0
    assert_valid_result(result)


def test_single_click_bright_state_is_one() -> None:
    # A bright, B almost certainly dark and no dark counts: the state is mostly |10⟩ (A = 1).
    result = single_click(0.5, 1e-6, 0.5, 0.5, 0.0, 1.0, 0.0, 0.0)
    rho = result.outcomes[0][2]
    assert rho[2, 2].real > 0.99  # basis |q_a q_b⟩ = |10⟩ has index 2


def test_single_click_formula_f1() -> None:
    # Direct transcription of physics.md F1 with asymmetric inputs.
    aa, ab, ea, eb, pdc, v, s, pd = 0.2, 0.3, 0.01, 0.02, 1e-3, 0.85, 0.3, 0.05
    pnd = (1 - pdc) ** 2
    pd1 = 1 - pnd
    pbb = aa * ab * (pnd * (ea + eb - ea * eb) + pd1 * (1 - ea) * (1 - eb))
    pbd = aa * (1 - ab) * (pnd * ea + pd1 * (1 - ea))
    pdb = ab * (1 - aa) * (pnd * eb + pd1 * (1 - eb))
    pdd = (1 - aa) * (1 - ab) * pd1
    ps = pbb + pbd + pdb + pdd
    c = math.sqrt(v * pbd * pdb) * math.exp(-(s**2) / 2) * (1 - pd) ** 2
    result = single_click(aa, ab, ea, eb, pdc, v, s, pd)
    assert result.p_succ == pytest.approx(ps, rel=1e-12)
    assert result.fidelity == pytest.approx((pbd + pdb + 2 * c) / (2 * ps), rel=1e-12)
    rho = result.outcomes[0][2]
    expected = np.diag([pdd, pdb, pbd, pbb]).astype(complex) / ps
    expected[1, 2] = expected[2, 1] = c / ps
    assert np.allclose(rho, expected, atol=1e-15)


def test_single_click_symmetric_under_node_swap() -> None:
    r_ab = single_click(0.1, 0.2, 0.01, 0.03, 1e-4, 0.9, 0.1, 0.02)
    r_ba = single_click(0.2, 0.1, 0.03, 0.01, 1e-4, 0.9, 0.1, 0.02)
    swap = np.eye(4)[[0, 2, 1, 3]]
    assert r_ab.p_succ == pytest.approx(r_ba.p_succ, rel=1e-14)
    assert np.allclose(swap @ r_ab.outcomes[0][2] @ swap, r_ba.outcomes[0][2])


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.3])
@pytest.mark.parametrize("visibility", [0.8, 0.9, 1.0])
def test_single_click_small_eta_limits(alpha: float, visibility: float) -> None:
    eta = 1e-5
    result = single_click(alpha, alpha, eta, eta, 0.0, visibility, 0.0, 0.0)
    assert result.p_succ == pytest.approx(2 * alpha * eta, rel=1e-4)
    expected_f = (1 - alpha) * (1 + math.sqrt(visibility)) / 2
    assert result.fidelity == pytest.approx(expected_f, rel=1e-4)


def test_single_click_small_eta_limit_with_phase_and_double_excitation() -> None:
    alpha, eta, v, sigma, pdexc = 0.1, 1e-6, 0.9, 0.3, 0.05
    result = single_click(alpha, alpha, eta, eta, 0.0, v, sigma, pdexc)
    factor = math.exp(-(sigma**2) / 2) * (1 - pdexc) ** 2
    assert result.fidelity == pytest.approx((1 - alpha) * (1 + math.sqrt(v) * factor) / 2, rel=1e-4)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alpha_a": 0.0},
        {"alpha_b": 1.1},
        {"eta_a": 1.5},
        {"eta_b": -0.1},
        {"p_dark": 2.0},
        {"visibility": 1.2},
        {"phase_std_rad": -1.0},
        {"p_double_excitation": 1.0},
    ],
)
def test_single_click_rejects_bad_inputs(kwargs: dict[str, float]) -> None:
    args = {
        "alpha_a": 0.1,
        "alpha_b": 0.1,
        **LAB,
        "phase_std_rad": 0.0,
        "p_double_excitation": 0.0,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        single_click(**args)


def test_single_click_impossible() -> None:
    with pytest.raises(ValueError, match="success probability is 0"):
        single_click(0.1, 0.1, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0)


# ------------------------------------------------------------------ Barrett–Kok


def test_a11_barrett_kok_ideal_detectors() -> None:
    result = barrett_kok(1e-3, 1e-3, 0.0, 0.9)
    assert result.p_succ == pytest.approx(5.0e-7, rel=1e-12)
    assert result.fidelity == pytest.approx(0.95, abs=1e-6)
    assert_valid_result(result)
    assert [b for b, _, _ in result.outcomes] == [BellIndex.PSI_PLUS, BellIndex.PSI_MINUS]


@pytest.mark.parametrize(
    ("eta_a", "eta_b", "v"), [(0.3, 0.7, 1.0), (1.0, 1.0, 0.5), (0.01, 0.2, 0.9)]
)
def test_barrett_kok_ideal_detectors_any_eta(eta_a: float, eta_b: float, v: float) -> None:
    result = barrett_kok(eta_a, eta_b, 0.0, v)
    assert result.p_succ == pytest.approx(eta_a * eta_b / 2, rel=1e-12)
    assert result.fidelity == pytest.approx((1 + v) / 2, abs=1e-12)


def test_barrett_kok_dark_counts_lower_fidelity() -> None:
    clean = barrett_kok(1e-3, 1e-3, 0.0, 0.9)
    noisy = barrett_kok(1e-3, 1e-3, 1e-4, 0.9)
    assert noisy.p_succ > clean.p_succ
    assert noisy.fidelity < clean.fidelity
    assert_valid_result(noisy)


def test_barrett_kok_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="visibility"):
        barrett_kok(0.1, 0.1, 0.0, 1.5)
    with pytest.raises(ValueError, match="success probability is 0"):
        barrett_kok(0.0, 0.5, 0.0, 0.9)


# Independent check: an explicit Fock-space model of the two rounds.
#
# Optical modes per round: (output port p, internal mode m) -> index 2p + m. A's photon is in
# internal mode 0; B's has overlap √V with it: √V |m=0⟩ + √(1−V) |m=1⟩. Beam splitter: A → port 0
# and 1 with amplitudes 1/√2, 1/√2; B → 1/√2, −1/√2. Loss of a node's photon puts it in that
# node's own environment mode (record lost_a / lost_b); kept photons reach the detectors.
# Detectors are non-number-resolving and blind to the internal mode; each fires a dark count with
# p_dc. The spin-dependent emission makes every Kraus operator diagonal in the spin basis.


def _fock_terms(vectors: list[np.ndarray]) -> dict[tuple[int, ...], complex]:
    state: dict[tuple[int, ...], complex] = {(0, 0, 0, 0): 1.0 + 0j}
    for vec in vectors:
        new: dict[tuple[int, ...], complex] = defaultdict(complex)
        for occ, amp in state.items():
            for j in range(4):
                if vec[j] == 0:
                    continue
                occ2 = list(occ)
                occ2[j] += 1
                new[tuple(occ2)] += amp * vec[j] * math.sqrt(occ2[j])
        state = dict(new)
    return state


def _round(rho: np.ndarray, eta_a: float, eta_b: float, p_dc: float, v: float) -> list[np.ndarray]:
    """Unnormalised spin states for "only detector d clicked", d = 0, 1."""
    h = 1 / math.sqrt(2)
    photon_a = np.array([h, 0, h, 0], dtype=complex)
    photon_b = np.array(
        [h * math.sqrt(v), h * math.sqrt(1 - v), -h * math.sqrt(v), -h * math.sqrt(1 - v)]
    )
    out = [np.zeros((4, 4), dtype=complex) for _ in range(2)]
    for lost_a, lost_b in itertools.product((0, 1), repeat=2):
        amps: dict[tuple[int, ...], np.ndarray] = defaultdict(lambda: np.zeros(4, dtype=complex))
        for s, (x, y) in enumerate(itertools.product((0, 1), repeat=2)):
            factor = 1.0
            vectors = []
            for bright, lost, eta, vec in (
                (x, lost_a, eta_a, photon_a),
                (y, lost_b, eta_b, photon_b),
            ):
                if not bright:
                    factor *= 0.0 if lost else 1.0
                elif lost:
                    factor *= math.sqrt(1 - eta)
                else:
                    factor *= math.sqrt(eta)
                    vectors.append(vec)
            if factor == 0.0:
                continue
            for occ, amp in _fock_terms(vectors).items():
                amps[occ][s] += factor * amp
        for occ, diag in amps.items():
            clicks = (occ[0] + occ[1] > 0, occ[2] + occ[3] > 0)
            kraus = np.diag(diag)
            term = kraus @ rho @ kraus.conj().T
            for d in (0, 1):
                p_click = 1.0 if clicks[d] else p_dc
                p_quiet = 0.0 if clicks[1 - d] else 1 - p_dc
                out[d] += p_click * p_quiet * term
    return out


def _barrett_kok_fock(
    eta_a: float, eta_b: float, p_dc: float, v: float
) -> dict[tuple[int, int], np.ndarray]:
    plus = np.full(4, 0.5, dtype=complex)
    rho0 = np.outer(plus, plus)
    xx = np.kron(np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]])).astype(complex)
    result = {}
    for d1, rho1 in enumerate(_round(rho0, eta_a, eta_b, p_dc, v)):
        flipped = xx @ rho1 @ xx
        for d2, rho2 in enumerate(_round(flipped, eta_a, eta_b, p_dc, v)):
            result[(d1, d2)] = rho2
    return result


@pytest.mark.parametrize(
    ("eta_a", "eta_b", "p_dc", "v"),
    [
        (1e-3, 1e-3, 0.0, 0.9),
        (0.3, 0.6, 0.05, 0.8),
        (0.9, 0.2, 0.2, 0.5),
        (1.0, 1.0, 0.0, 1.0),
        (0.05, 0.02, 0.01, 0.0),
        (0.5, 0.5, 0.3, 1.0),
    ],
)
def test_barrett_kok_matches_fock_space_enumeration(
    eta_a: float, eta_b: float, p_dc: float, v: float
) -> None:
    model = barrett_kok(eta_a, eta_b, p_dc, v)
    states = {bell: rho for bell, _, rho in model.outcomes}
    exact = _barrett_kok_fock(eta_a, eta_b, p_dc, v)
    assert sum(np.trace(r).real for r in exact.values()) == pytest.approx(model.p_succ, rel=1e-10)
    for (d1, d2), rho in exact.items():
        prob = np.trace(rho).real
        # each click pair carries a quarter of the success probability
        assert prob == pytest.approx(model.p_succ / 4, rel=1e-10)
        # same detector → Ψ+, different detectors → Ψ−
        bell = BellIndex.PSI_PLUS if d1 == d2 else BellIndex.PSI_MINUS
        assert np.allclose(rho / prob, states[bell], atol=1e-12)
