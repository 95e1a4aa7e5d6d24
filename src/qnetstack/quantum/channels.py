"""Single-qubit noise channels and the conversions from hardware numbers to channel parameters.

Why these exact parametrisations: the NV parameter sets we reproduce (NetSquid, Coopmans et al.,
Commun. Phys. 4, 164 (2021), Methods; netsquid-nv ``NVParameterSet2019``) are quoted in NetSquid's
conventions, and the validation targets only come out right in those conventions
(project reference sheet physics.md, "Depolarising convention" and formula F4):

* depolarising with parameter p: ρ → (1 − 3p/4) ρ + (p/4)(XρX + YρY + ZρZ); gate fidelity F gives
  p = 4(1 − F)/3, initialisation fidelity F gives p = 2(1 − F);
* dephasing with probability p: ρ → (1 − p) ρ + p ZρZ;
* memory (NetSquid ``T1T2NoiseModel``): amplitude damping with γ = 1 − e^{−Δt/T1}, then dephasing
  chosen so that the off-diagonal element decays as e^{−Δt/T2} overall.

Times are integer picoseconds (``dt_ps``); time constants may be floats. ``math.inf`` means "this
process does not happen"; zero or negative time constants are rejected because NetSquid's habit of
using 0 for "off" is too easy to confuse with "infinitely fast".
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qnetstack.quantum._checks import check_probability
from qnetstack.quantum.gates import X, Y, Z

__all__ = [
    "amplitude_damping_kraus",
    "dephasing_kraus",
    "dephasing_p_from_t2",
    "depolarising_kraus",
    "depolarising_memory_p",
    "depolarising_p_from_fidelity",
    "depolarising_p_from_init_fidelity",
    "t1t2_noise",
    "twirled_amplitude_damping",
]

ComplexArray = npt.NDArray[np.complex128]


def _check_duration(name: str, value: float) -> float:
    value = float(value)
    if not value >= 0.0 or math.isinf(value):
        raise ValueError(f"{name} must be a finite duration >= 0 ps, got {value!r}")
    return value


def _check_time_constant(name: str, value: float) -> float:
    value = float(value)
    if not value > 0.0:
        raise ValueError(f"{name} must be > 0 ps (use math.inf for 'no decay'), got {value!r}")
    return value


def depolarising_kraus(p: float) -> list[ComplexArray]:
    """Kraus operators of the depolarising channel (1 − 3p/4)ρ + (p/4)(XρX + YρY + ZρZ).

    Raises:
        ValueError: If ``p`` is outside [0, 1].
    """
    p = check_probability("p", p)
    return [
        np.sqrt(1.0 - 0.75 * p) * np.eye(2, dtype=np.complex128),
        np.sqrt(0.25 * p) * X,
        np.sqrt(0.25 * p) * Y,
        np.sqrt(0.25 * p) * Z,
    ]


def dephasing_kraus(p: float) -> list[ComplexArray]:
    """Kraus operators of the dephasing channel (1 − p)ρ + p ZρZ.

    Raises:
        ValueError: If ``p`` is outside [0, 1].
    """
    p = check_probability("p", p)
    return [np.sqrt(1.0 - p) * np.eye(2, dtype=np.complex128), np.sqrt(p) * Z]


def amplitude_damping_kraus(gamma: float) -> list[ComplexArray]:
    """Kraus operators of amplitude damping |1⟩ → |0⟩ with probability ``gamma``.

    Nielsen & Chuang eq. 8.107: E0 = diag(1, √(1−γ)), E1 = √γ |0⟩⟨1|.

    Raises:
        ValueError: If ``gamma`` is outside [0, 1].
    """
    gamma = check_probability("gamma", gamma)
    e0 = np.array([[1.0, 0.0], [0.0, math.sqrt(1.0 - gamma)]], dtype=np.complex128)
    e1 = np.array([[0.0, math.sqrt(gamma)], [0.0, 0.0]], dtype=np.complex128)
    return [e0, e1]


def twirled_amplitude_damping(gamma: float) -> tuple[float, float, float]:
    """Pauli probabilities (p_x, p_y, p_z) of the Pauli-twirled amplitude-damping channel.

    Amplitude damping does not keep a pair Bell-diagonal; its Pauli twirl does. Expanding the
    Kraus operators in Paulis gives E0 = ((1+s)I + (1−s)Z)/2 and E1 = √γ (X + iY)/2 with
    s = √(1−γ), hence p_x = p_y = γ/4 and p_z = (1 − γ/2 − s)/2 (Ghosh et al., PRA 86, 062318
    (2012), "Pauli twirling approximation"). On a Bell-diagonal pair the twirl is exact for the
    Bell-basis populations.
    """
    gamma = check_probability("gamma", gamma)
    s = math.sqrt(1.0 - gamma)
    p_z = max(0.0, 0.5 * (1.0 - 0.5 * gamma - s))
    return 0.25 * gamma, 0.25 * gamma, p_z


def depolarising_p_from_fidelity(f: float) -> float:
    """Depolarising parameter p = 4(1 − F)/3 that gives a single-qubit gate fidelity F.

    Raises:
        ValueError: If ``f`` is outside [1/4, 1] (p would leave [0, 1]).
    """
    f = float(f)
    if not 0.25 <= f <= 1.0:
        raise ValueError(f"gate fidelity f must be in [0.25, 1], got {f!r}")
    return min(1.0, 4.0 * (1.0 - f) / 3.0)


def depolarising_p_from_init_fidelity(f: float) -> float:
    """Depolarising parameter p = 2(1 − F) that prepares |0⟩ with fidelity F.

    Depolarising |0⟩⟨0| with p leaves ⟨0|ρ|0⟩ = 1 − p/2, hence the factor 2.

    Raises:
        ValueError: If ``f`` is outside [1/2, 1].
    """
    f = float(f)
    if not 0.5 <= f <= 1.0:
        raise ValueError(f"initialisation fidelity f must be in [0.5, 1], got {f!r}")
    return min(1.0, 2.0 * (1.0 - f))


def dephasing_p_from_t2(dt_ps: int, t2_ps: float) -> float:
    """Dephasing probability p = ½(1 − e^{−Δt/T2}) for a pure-T2 memory idling ``dt_ps``.

    The off-diagonal element is multiplied by 1 − 2p = e^{−Δt/T2} (physics.md F4).

    Raises:
        ValueError: If ``dt_ps`` is negative or ``t2_ps`` is not > 0.
    """
    dt = _check_duration("dt_ps", dt_ps)
    t2 = _check_time_constant("t2_ps", t2_ps)
    return -0.5 * math.expm1(-dt / t2)


def depolarising_memory_p(dt_ps: int, t_ps: float) -> float:
    """Single-qubit depolarising parameter p = 1 − e^{−Δt/T} of a depolarising memory.

    With one qubit of Φ⁺ aging for Δt the fidelity becomes 1 − 3p/4 = ¼ + ¾ e^{−Δt/T}
    (physics.md F4).

    Raises:
        ValueError: If ``dt_ps`` is negative or ``t_ps`` is not > 0.
    """
    dt = _check_duration("dt_ps", dt_ps)
    t = _check_time_constant("t_ps", t_ps)
    return -math.expm1(-dt / t)


def t1t2_noise(dt_ps: int, t1_ps: float, t2_ps: float) -> tuple[float, float]:
    """Amplitude-damping γ and dephasing p for a memory idling ``dt_ps`` (NetSquid T1T2 model).

    Apply amplitude damping with γ = 1 − e^{−Δt/T1} first, then dephasing with p chosen so that
    the total coherence factor √(1−γ)(1 − 2p) equals e^{−Δt/T2}:
    p = ½(1 − e^{−Δt/T2}/√(1−γ)) = ½(1 − e^{−Δt(1/T2 − 1/(2T1))}).
    The second form avoids dividing by √(1−γ) when γ → 1.

    Args:
        dt_ps: Idle time in picoseconds (>= 0).
        t1_ps: Energy-relaxation time; ``math.inf`` for no amplitude damping.
        t2_ps: Coherence time; ``math.inf`` for no decoherence at all (only allowed when
            ``t1_ps`` is also infinite). For a pure-T1 memory pass ``t2_ps = 2 * t1_ps``.

    Returns:
        ``(gamma, p_dephase)``.

    Raises:
        ValueError: If a time is negative or zero, or if T2 > 2·T1, which no physical qubit
            allows (the relaxation alone already destroys coherence at rate 1/(2T1)).
    """
    dt = _check_duration("dt_ps", dt_ps)
    t1 = _check_time_constant("t1_ps", t1_ps)
    t2 = _check_time_constant("t2_ps", t2_ps)
    if t2 > 2.0 * t1:
        raise ValueError(
            f"t2_ps must be <= 2 * t1_ps (got T1 = {t1!r} ps, T2 = {t2!r} ps); "
            "for a memory with amplitude damping only, use t2_ps = 2 * t1_ps"
        )
    gamma = -math.expm1(-dt / t1)
    rate = 1.0 / t2 - 0.5 / t1  # >= 0 by the check above, up to rounding
    p_dephase = max(0.0, -0.5 * math.expm1(-dt * rate))
    return gamma, p_dephase
