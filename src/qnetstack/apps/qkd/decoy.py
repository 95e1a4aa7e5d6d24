"""Decoy-state BB84 over a direct fibre: the analytic model, key rate vs distance, PLOB.

Theory of operation
-------------------
Alice sends phase-randomised weak coherent pulses (photon number Poisson with mean μ) of a
*signal* intensity μ and *decoy* intensities ν (weak) and 0 (vacuum), chosen at random per
pulse; Bob measures in a random BB84 basis. The channel model is the one of Ma, Qi, Zhao & Lo,
"Practical decoy state for quantum key distribution", PRA 72, 012326 (2005), with
η = η_Bob · 10^{−αL/10} (fibre loss α dB/km over L km times Bob's detection efficiency):

* n-photon yield Y_n = Y₀ + η_n, η_n = 1 − (1 − η)ⁿ (their approximation of
  Y₀ + η_n − Y₀η_n; Y₀ is the background (dark-count) yield per gate);
* n-photon error rate e_n = (e₀Y₀ + e_d η_n)/Y_n, e₀ = ½, e_d the misalignment error;
* gain Q_μ = Σ Y_n e^{−μ}μⁿ/n! = Y₀ + 1 − e^{−ημ}, QBER E_μ = (e₀Y₀ + e_d(1 − e^{−ημ}))/Q_μ.

Key rate per pulse, GLLP (Gottesman, Lo, Lütkenhaus & Preskill, QIC 4, 325 (2004)) as used by
Ma et al.:

    R = q { −Q_μ f(E_μ) h(E_μ) + Q₁ [1 − h(e₁)] },    Q₁ = Y₁ μ e^{−μ},

q = ½ the BB84 sifting factor, f the error-correction efficiency. With *infinitely many decoys*
Y₁ and e₁ are known exactly (the formulas above). With the *vacuum + weak decoy* method
(Ma et al., Sec. "vacuum + weak decoy state") they are bounded from the observed gains:

    Y₁ ≥ Y₁ᴸ = μ/(μν − ν²) · [Q_ν e^ν − Q_μ e^μ ν²/μ² − (μ² − ν²)/μ² · Y₀],
    e₁ ≤ e₁ᵁ = (E_ν Q_ν e^ν − e₀ Y₀)/(Y₁ᴸ ν).

For the parameters of Gobby, Yuan & Shields, APL 84, 3762 (2004) (:data:`GYS_2004`:
α = 0.21 dB/km, η_Bob = 0.045, Y₀ = 1.7·10⁻⁶, e_d = 3.3 %, f = 1.22) this model gives a
maximal distance of ≈ 142 km with infinite decoys (the figure Ma et al. report), checked in
``tests/validation/test_decoy_bb84.py``.

Repeaterless bound: no protocol over a lossy channel of transmittance η can beat the PLOB
bound −log₂(1 − η) secret bits per channel use (Pirandola, Laurenza, Ottaviani & Banchi,
Nat. Commun. 8, 15043 (2017)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

from qnetstack.apps.qkd import _checks
from qnetstack.apps.qkd.entropy import binary_entropy
from qnetstack.apps.qkd.errors import QkdParameterError

__all__ = [
    "BACKGROUND_ERROR",
    "GYS_2004",
    "DecoyBounds",
    "FibreQkdSystem",
    "channel_transmittance",
    "gllp_key_rate",
    "key_rate_per_pulse",
    "max_distance_km",
    "optimal_key_rate",
    "plob_bound",
    "signal_gain",
    "signal_qber",
    "single_photon_error",
    "single_photon_yield",
    "system_transmittance",
    "vacuum_weak_decoy_bounds",
]

BACKGROUND_ERROR = 0.5
"""e₀: error rate of background (dark) counts, which carry a random bit."""

FloatArray = npt.NDArray[np.float64]
_MU_GRID = np.linspace(1e-3, 1.5, 1500)


@dataclass(frozen=True, slots=True)
class FibreQkdSystem:
    """A BB84 link over fibre: loss, detection and error parameters (Ma et al. 2005 model)."""

    fibre_loss_db_per_km: float
    """α, fibre attenuation in dB/km."""
    detector_efficiency: float
    """η_Bob: Bob's internal transmittance times detector efficiency, in (0, 1]."""
    dark_count_probability: float
    """Y₀: background (dark-count) click probability per gate, in [0, 1)."""
    misalignment_error: float
    """e_d: probability that a signal photon hits the wrong detector, in [0, ½]."""
    ec_efficiency: float = 1.22
    """f ≥ 1: error-correction leakage relative to the Shannon limit."""
    sifting_factor: float = 0.5
    """q: fraction of detections kept after sifting (½ for standard BB84)."""

    def __post_init__(self) -> None:
        _checks.non_negative("fibre_loss_db_per_km", self.fibre_loss_db_per_km)
        _checks.interval("detector_efficiency", self.detector_efficiency, 0, 1, low_open=True)
        _checks.interval(
            "dark_count_probability", self.dark_count_probability, 0, 1, high_open=True
        )
        _checks.interval("misalignment_error", self.misalignment_error, 0, 0.5)
        _checks.interval("ec_efficiency", self.ec_efficiency, 1, math.inf, high_open=True)
        _checks.interval("sifting_factor", self.sifting_factor, 0, 1, low_open=True)


GYS_2004 = FibreQkdSystem(
    fibre_loss_db_per_km=0.21,
    detector_efficiency=0.045,
    dark_count_probability=1.7e-6,
    misalignment_error=0.033,
    ec_efficiency=1.22,
    sifting_factor=0.5,
)
"""Gobby, Yuan & Shields, APL 84, 3762 (2004), as tabulated by Ma et al., PRA 72, 012326 (2005)."""


@dataclass(frozen=True, slots=True)
class DecoyBounds:
    """Single-photon quantities estimated by the decoy method."""

    y1_lower: float
    """Lower bound on the single-photon yield Y₁."""
    e1_upper: float
    """Upper bound on the single-photon error rate e₁ (capped at ½)."""
    q1_lower: float
    """Lower bound on the single-photon gain Q₁ = Y₁ μ e^{−μ}."""


def _distance(name: str, value: float | npt.ArrayLike) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise QkdParameterError(f"{name} must be finite and >= 0 km")
    return array


def channel_transmittance(distance_km: npt.ArrayLike, loss_db_per_km: float) -> FloatArray:
    """Fibre transmittance 10^{−αL/10} (no detector), element-wise over ``distance_km``."""
    alpha = _checks.non_negative("loss_db_per_km", loss_db_per_km)
    return np.asarray(10.0 ** (-alpha * _distance("distance_km", distance_km) / 10.0))


def system_transmittance(distance_km: npt.ArrayLike, system: FibreQkdSystem) -> FloatArray:
    """η = η_Bob · 10^{−αL/10}: probability that a sent photon is detected."""
    return system.detector_efficiency * channel_transmittance(
        distance_km, system.fibre_loss_db_per_km
    )


def signal_gain(mu: npt.ArrayLike, eta: npt.ArrayLike, system: FibreQkdSystem) -> FloatArray:
    """Q_μ = Y₀ + 1 − e^{−ημ}: detection probability per pulse of intensity μ."""
    return np.asarray(system.dark_count_probability - np.expm1(-np.multiply(eta, mu)))


def signal_qber(mu: npt.ArrayLike, eta: npt.ArrayLike, system: FibreQkdSystem) -> FloatArray:
    """E_μ = (e₀Y₀ + e_d(1 − e^{−ημ}))/Q_μ."""
    signal = -np.expm1(-np.multiply(eta, mu))
    y0 = system.dark_count_probability
    return np.asarray((BACKGROUND_ERROR * y0 + system.misalignment_error * signal) / (y0 + signal))


def single_photon_yield(eta: npt.ArrayLike, system: FibreQkdSystem) -> FloatArray:
    """Y₁ = Y₀ + η (infinite decoys: known exactly)."""
    return np.asarray(system.dark_count_probability + np.asarray(eta, dtype=np.float64))


def single_photon_error(eta: npt.ArrayLike, system: FibreQkdSystem) -> FloatArray:
    """e₁ = (e₀Y₀ + e_d η)/Y₁ (infinite decoys: known exactly)."""
    y0 = system.dark_count_probability
    eta_array = np.asarray(eta, dtype=np.float64)
    return np.asarray(
        (BACKGROUND_ERROR * y0 + system.misalignment_error * eta_array) / (y0 + eta_array)
    )


def vacuum_weak_decoy_bounds(
    mu: float, nu: float, q_mu: float, q_nu: float, e_nu: float, y0: float
) -> DecoyBounds:
    """Y₁ᴸ, e₁ᵁ and Q₁ᴸ from observed gains (vacuum + weak decoy, Ma et al. 2005).

    Args:
        mu: Signal intensity μ.
        nu: Weak decoy intensity ν, with 0 < ν < μ.
        q_mu: Observed signal gain Q_μ.
        q_nu: Observed decoy gain Q_ν.
        e_nu: Observed decoy QBER E_ν.
        y0: Observed vacuum gain (= Y₀).

    Returns:
        The bounds; Y₁ᴸ is clipped at 0 and e₁ᵁ at ½ (a bound without information), so the
        key rate is then simply non-positive.

    Raises:
        QkdParameterError: Unless 0 < ν < μ.
    """
    m = _checks.positive("mu", mu)
    n = _checks.positive("nu", nu)
    if not n < m:
        raise QkdParameterError(f"nu must be smaller than mu = {m}, got {nu!r}")
    y1 = (
        m
        / (m * n - n * n)
        * (
            q_nu * math.exp(n)
            - q_mu * math.exp(m) * n * n / (m * m)
            - (m * m - n * n) / (m * m) * y0
        )
    )
    y1 = max(0.0, y1)
    e1 = (e_nu * q_nu * math.exp(n) - BACKGROUND_ERROR * y0) / (y1 * n) if y1 > 0 else 0.5
    e1 = min(0.5, max(0.0, e1))
    return DecoyBounds(y1_lower=y1, e1_upper=e1, q1_lower=y1 * m * math.exp(-m))


@overload
def gllp_key_rate(
    q_mu: float, e_mu: float, q1: float, e1: float, ec_efficiency: float, sifting_factor: float
) -> float: ...


@overload
def gllp_key_rate(
    q_mu: FloatArray,
    e_mu: FloatArray,
    q1: FloatArray,
    e1: FloatArray,
    ec_efficiency: float,
    sifting_factor: float,
) -> FloatArray: ...


def gllp_key_rate(
    q_mu: float | FloatArray,
    e_mu: float | FloatArray,
    q1: float | FloatArray,
    e1: float | FloatArray,
    ec_efficiency: float,
    sifting_factor: float,
) -> float | FloatArray:
    """R = q{−Q_μ f h(E_μ) + Q₁[1 − h(e₁)]} per pulse (GLLP 2004); negative means no key."""
    h_e = binary_entropy(np.asarray(e_mu, dtype=np.float64))
    h_1 = binary_entropy(np.asarray(e1, dtype=np.float64))
    rate = sifting_factor * (-np.asarray(q_mu) * ec_efficiency * h_e + np.asarray(q1) * (1 - h_1))
    if np.ndim(rate) == 0:
        return float(rate)
    return np.asarray(rate, dtype=np.float64)


def key_rate_per_pulse(
    distance_km: npt.ArrayLike,
    system: FibreQkdSystem,
    mu: float,
    nu: float | None = None,
) -> FloatArray:
    """Secret key bits per sent pulse at each distance (0 where no key), for a fixed μ.

    Args:
        distance_km: Distances (km).
        system: The link parameters.
        mu: Signal intensity μ > 0.
        nu: Weak decoy intensity for the vacuum + weak decoy bounds, or None for infinitely
            many decoys (exact Y₁, e₁).
    """
    m = _checks.positive("mu", mu)
    eta = system_transmittance(distance_km, system)
    rate = _rate_grid(eta[..., None], system, np.array([m]), nu)[..., 0]
    return np.maximum(rate, 0.0)


def optimal_key_rate(
    distance_km: npt.ArrayLike, system: FibreQkdSystem, nu: float | None = None
) -> tuple[FloatArray, FloatArray]:
    """Key rate per pulse maximised over μ ∈ [0.001, 1.5] (grid step 0.001) at each distance.

    Returns:
        ``(rate, mu_opt)``, arrays shaped like ``distance_km``; rate 0 where no μ gives a key
        (μ_opt is then nan).
    """
    eta = system_transmittance(distance_km, system)
    floor = 0.0 if nu is None else _checks.positive("nu", nu)
    candidates = _MU_GRID
    grid = candidates[candidates > floor]
    rates = _rate_grid(eta[..., None], system, grid, nu)
    best = np.argmax(rates, axis=-1)
    rate = np.take_along_axis(rates, best[..., None], axis=-1)[..., 0]
    mu_opt = np.where(rate > 0, grid[best], np.nan)
    return np.maximum(rate, 0.0), mu_opt


def _rate_grid(
    eta: FloatArray, system: FibreQkdSystem, mu: FloatArray, nu: float | None
) -> FloatArray:
    """R for every (η, μ) pair by broadcasting; vectorised form of the module's formulas."""
    q_mu = signal_gain(mu, eta, system)
    e_mu = signal_qber(mu, eta, system)
    if nu is None:
        y1 = single_photon_yield(eta, system)
        e1 = single_photon_error(eta, system)
        q1 = y1 * mu * np.exp(-mu)
    else:
        n = _checks.positive("nu", nu)
        if np.any(mu <= n):
            raise QkdParameterError(f"mu must be larger than nu = {n}")
        y0 = system.dark_count_probability
        q_nu = signal_gain(n, eta, system)
        e_nu = signal_qber(n, eta, system)
        y1 = np.maximum(
            0.0,
            mu
            / (mu * n - n * n)
            * (
                q_nu * math.exp(n)
                - q_mu * np.exp(mu) * n * n / mu**2
                - (mu**2 - n * n) / mu**2 * y0
            ),
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            e1 = np.where(
                y1 > 0, (e_nu * q_nu * math.exp(n) - BACKGROUND_ERROR * y0) / (y1 * n), 0.5
            )
        e1 = np.clip(e1, 0.0, 0.5)
        q1 = y1 * mu * np.exp(-mu)
    return gllp_key_rate(
        np.asarray(q_mu, dtype=np.float64),
        np.asarray(e_mu, dtype=np.float64),
        np.asarray(q1, dtype=np.float64),
        np.asarray(e1, dtype=np.float64),
        system.ec_efficiency,
        system.sifting_factor,
    )


def max_distance_km(
    system: FibreQkdSystem, nu: float | None = None, upper_km: float = 1000.0
) -> float:
    """The largest distance with a positive optimal key rate (bisection to 1e-6 km).

    Returns:
        The distance, or 0.0 if there is no key even at 0 km.
    """
    upper = _checks.positive("upper_km", upper_km)

    def has_key(distance: float) -> bool:
        rate, _ = optimal_key_rate(np.array([distance]), system, nu)
        return bool(rate[0] > 0)

    if not has_key(0.0):
        return 0.0
    if has_key(upper):
        return upper
    low, high = 0.0, upper
    while high - low > 1e-6:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if has_key(mid) else (low, mid)
    return low


def plob_bound(transmittance: npt.ArrayLike) -> FloatArray:
    """−log₂(1 − η) secret bits per channel use (Pirandola et al. 2017), element-wise.

    Returns:
        The bound; ``inf`` where η = 1 (a lossless channel has unbounded capacity).

    Raises:
        QkdParameterError: If a transmittance is outside [0, 1].
    """
    eta = np.asarray(transmittance, dtype=np.float64)
    if not np.all(np.isfinite(eta)) or np.any(eta < 0) or np.any(eta > 1):
        raise QkdParameterError("transmittance must be in the interval [0, 1]")
    with np.errstate(divide="ignore"):
        return np.asarray(-np.log1p(-eta) / math.log(2.0))
