"""Configuration of the NV-centre platform: every hardware number, with its unit in its name.

Why one frozen pydantic model: a scenario (or a preset plus overrides) is validated once, when it
is loaded, and bad physics is rejected there with an error that names the offending field
(efficiency above 1, negative dark-count rate, α outside (0, 0.5], T2 above 2·T1, ...). The hot
path (:mod:`qnetstack.physical.nv.heralding`, the stations) then only reads plain floats.

Conventions are those of the project reference sheet (``physics.md``) and of the QuTech parameter
sets it reproduces (NetSquid, Coopmans et al., Commun. Phys. 4, 164 (2021), Methods;
netsquid-nv ``NVParameterSet2019``):

* depolarising probability p: ρ → (1 − 3p/4)ρ + (p/4)(XρX + YρY + ZρZ); gate fidelity F ⇒
  p = 4(1 − F)/3, initialisation fidelity F ⇒ p = 2(1 − F); the electron–carbon gate applies this
  depolariser to both qubits, F_EC = (1 − 3p/4)²;
* readout: f0 (f1) is the probability that outcome 0 (1) is reported correctly;
* T1/T2 memory noise as NetSquid's ``T1T2NoiseModel`` (physics.md F4); ``inf`` means no decay;
* the bright state, the one that emits a photon, is |1⟩ (physics.md F1: "both bright → |11⟩").
"""

from __future__ import annotations

import math
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CarbonParams", "ECGateParams", "ElectronParams", "NVConfig", "OpticsParams"]

_PS_PER_US = 1_000_000
_PS_PER_S = 1e12


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_t2_t1(owner: str, t1_s: float, t2_s: float) -> None:
    # An idle qubit cannot lose coherence slower than its populations relax: 1/T2 >= 1/(2 T1).
    if t2_s > 2.0 * t1_s:
        raise ValueError(
            f"{owner}.t2_s ({t2_s} s) must not exceed 2 × {owner}.t1_s ({t1_s} s): "
            "coherence cannot outlive twice the population lifetime (1/T2 ≥ 1/(2·T1))"
        )


class OpticsParams(_Frozen):
    """Photon emission, collection, fibre and the heralding station's detectors and interference.

    The per-arm detection probability of an emitted photon is the product
    ``p_zero_phonon · collection_efficiency · conversion_efficiency · T_fibre ·
    detector_efficiency`` (physics.md §4 notation η); see :meth:`NVConfig.arm_efficiency`.
    """

    p_zero_phonon: float = Field(
        gt=0.0,
        le=1.0,
        description="Fraction of emission into the zero-phonon line (Debye–Waller factor, "
        "Purcell-enhanced with a cavity), in (0, 1]. 0.03 without cavity, 0.46 with "
        "(Riedel et al., PRX 7, 031040 (2017)).",
    )
    collection_efficiency: float = Field(
        gt=0.0,
        le=1.0,
        description="Probability that a ZPL photon is collected into the fibre, in (0, 1].",
    )
    conversion_efficiency: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        description="Frequency-conversion efficiency to telecom, in (0, 1]; 1.0 = no conversion.",
    )
    detector_efficiency: float = Field(
        gt=0.0,
        le=1.0,
        description="Probability that a photon reaching a detector clicks it, in (0, 1].",
    )
    fibre_loss_db_per_km: float = Field(
        ge=0.0,
        allow_inf_nan=False,
        description="Fibre attenuation in dB/km, ≥ 0 (5 at 637 nm, 0.2–0.5 at telecom).",
    )
    speed_of_light_km_per_s: float = Field(
        gt=0.0,
        allow_inf_nan=False,
        description="Signal speed in fibre, km/s, > 0 (e.g. c/1.44 = 208 189 km/s).",
    )
    dark_count_rate_hz: float = Field(
        ge=0.0,
        allow_inf_nan=False,
        description="Dark-count rate of each detector in Hz, ≥ 0.",
    )
    detection_window_ns: float = Field(
        gt=0.0,
        allow_inf_nan=False,
        description="Detection time window per attempt (per round for double-click) in ns, > 0.",
    )
    visibility: float = Field(
        ge=0.0,
        le=1.0,
        description="Two-photon (Hong–Ou–Mandel) visibility V, in [0, 1]. Single-click coherence "
        "scales with √V, Barrett–Kok with V.",
    )
    phase_std_rad: float = Field(
        0.0,
        ge=0.0,
        allow_inf_nan=False,
        description="Standard deviation of the electron–electron optical phase, rad, ≥ 0 "
        "(single-click only; coherence × exp(−σ²/2)). Per-photon σ values are √2 smaller.",
    )
    p_double_excitation: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="Probability of a double optical excitation per emission, in [0, 1); "
        "modelled as dephasing with probability p/2 on each electron (NetSquid Methods).",
    )


class ElectronParams(_Frozen):
    """The electron spin: the communication qubit."""

    t1_s: float = Field(
        gt=0.0, description="Electron T1 (amplitude damping) in s, > 0; inf for none."
    )
    t2_s: float = Field(
        gt=0.0,
        description="Electron T2 (coherence) in s, > 0; inf for none. Must not exceed 2·t1_s.",
    )
    init_depolar_prob: float = Field(
        ge=0.0,
        le=1.0,
        description="Depolarising probability after initialisation, in [0, 1]; p = 2(1 − F_init).",
    )
    gate_depolar_prob: float = Field(
        ge=0.0,
        le=1.0,
        description="Depolarising probability per single-qubit gate, in [0, 1]; "
        "p = 4(1 − F_gate)/3.",
    )
    readout_f0: float = Field(
        ge=0.0, le=1.0, description="Probability that outcome 0 is reported correctly, in [0, 1]."
    )
    readout_f1: float = Field(
        ge=0.0, le=1.0, description="Probability that outcome 1 is reported correctly, in [0, 1]."
    )
    init_duration_us: float = Field(
        ge=0.0, allow_inf_nan=False, description="Initialisation duration in µs, ≥ 0."
    )
    gate_duration_ns: float = Field(
        ge=0.0, allow_inf_nan=False, description="Single-qubit gate duration in ns, ≥ 0."
    )
    readout_duration_us: float = Field(
        ge=0.0, allow_inf_nan=False, description="Readout duration in µs, ≥ 0."
    )

    @model_validator(mode="after")
    def _t2_within_t1(self) -> Self:
        _check_t2_t1("electron", self.t1_s, self.t2_s)
        return self


class CarbonParams(_Frozen):
    """The ¹³C nuclear spins: memory qubits (all carbons share these parameters)."""

    count: int = Field(ge=0, description="Number of carbon memory qubits per node, ≥ 0.")
    t1_s: float = Field(gt=0.0, description="Carbon T1 in s, > 0; inf for none.")
    t2_s: float = Field(
        gt=0.0, description="Carbon T2 in s, > 0; inf for none. Must not exceed 2·t1_s."
    )
    init_depolar_prob: float = Field(
        ge=0.0,
        le=1.0,
        description="Depolarising probability after initialisation, in [0, 1]; p = 2(1 − F_init).",
    )
    z_rot_depolar_prob: float = Field(
        ge=0.0,
        le=1.0,
        description="Depolarising probability per Z rotation, in [0, 1]; p = 4(1 − F)/3.",
    )
    n_1e: float = Field(
        gt=0.0,
        description="N_1/e: entanglement attempts at α = 0.5 after which a carbon's equatorial "
        "Bloch vector has shrunk to 1/e (Coopmans 2021 Suppl. Note 4c), > 0; inf for none.",
    )
    init_duration_us: float = Field(
        ge=0.0, allow_inf_nan=False, description="Initialisation duration in µs, ≥ 0."
    )
    z_rot_duration_us: float = Field(
        ge=0.0, allow_inf_nan=False, description="Z-rotation duration in µs, ≥ 0."
    )

    @model_validator(mode="after")
    def _t2_within_t1(self) -> Self:
        _check_t2_t1("carbon", self.t1_s, self.t2_s)
        return self


class ECGateParams(_Frozen):
    """The electron–carbon two-qubit gate (controlled-RX(±π/2))."""

    depolar_prob_per_qubit: float = Field(
        ge=0.0,
        le=1.0,
        description="Depolarising probability applied to each of the two qubits after the gate, "
        "in [0, 1]; F_EC = (1 − 3p/4)².",
    )
    duration_us: float = Field(ge=0.0, allow_inf_nan=False, description="Gate duration in µs, ≥ 0.")


class NVConfig(_Frozen):
    """Configuration of the NV-centre platform (scenario key ``platform``).

    Build one from a named preset with :func:`qnetstack.physical.nv.load_preset`, overriding any
    field. The link geometry (fibre arm lengths) is not part of it: it comes from the scenario's
    topology.
    """

    protocol: Literal["single_click", "double_click"] = Field(
        description="Heralding protocol: 'single_click' (single-photon, Humphreys 2018) or "
        "'double_click' (Barrett–Kok, two rounds)."
    )
    bright_state_alpha: float | None = Field(
        None,
        gt=0.0,
        le=0.5,
        description="Bright-state population α of the electron before emission, in (0, 0.5]; "
        "required for single_click, must be unset (null) for double_click.",
    )
    emission_delay_us: float = Field(
        ge=0.0,
        allow_inf_nan=False,
        description="Time from the start of an attempt (reset + excitation) to photon emission, "
        "µs, ≥ 0.",
    )
    mode: Literal["attempts", "sampled"] = Field(
        "sampled",
        description="Execution mode: 'attempts' (every attempt is an event) or 'sampled' (the "
        "number of failed attempts is drawn from the geometric distribution). Same physics.",
    )
    optics: OpticsParams = Field(description="Emission, collection, fibre and detection.")
    electron: ElectronParams = Field(description="The electron spin (communication qubit).")
    carbon: CarbonParams = Field(description="The ¹³C memory qubits.")
    ec_gate: ECGateParams = Field(description="The electron–carbon two-qubit gate.")
    preset: str | None = Field(
        None, description="Name of the preset these values came from (informational)."
    )

    @model_validator(mode="after")
    def _alpha_matches_protocol(self) -> Self:
        if self.protocol == "single_click" and self.bright_state_alpha is None:
            raise ValueError(
                "bright_state_alpha is required for protocol 'single_click': "
                "give a bright-state population in (0, 0.5]"
            )
        if self.protocol == "double_click" and self.bright_state_alpha is not None:
            raise ValueError(
                "bright_state_alpha must be unset (null) for protocol 'double_click': "
                "Barrett–Kok always prepares the equal superposition (α = 0.5)"
            )
        return self

    # ------------------------------------------------------------------ derived quantities

    def arm_efficiency(self, arm_km: float) -> float:
        """Probability η that a photon emitted by a node clicks a detector at the station.

        η = p_zpl · collection · conversion · 10^(−loss·ℓ/10) · detector, with ℓ the fibre
        length from the node to the station (physics.md §4 notation; fibre transmission per
        node-to-midpoint arm as in ``nv_parameter_sets.json`` ``_meta.conventions``).

        Args:
            arm_km: Fibre length node → station in km, finite and ≥ 0.

        Raises:
            ValueError: If ``arm_km`` is negative or not finite.
        """
        if not (arm_km >= 0.0 and math.isfinite(arm_km)):
            raise ValueError(f"arm_km must be a finite length >= 0 km, got {arm_km!r}")
        o = self.optics
        transmission = math.pow(10.0, -o.fibre_loss_db_per_km * arm_km / 10.0)
        return (
            o.p_zero_phonon
            * o.collection_efficiency
            * o.conversion_efficiency
            * transmission
            * o.detector_efficiency
        )

    @property
    def dark_count_prob(self) -> float:
        """Probability of at least one dark count in one detector during one detection window.

        p_dc = 1 − exp(−rate · window) (physics.md §1.3; Poisson dark counts). For lab_2018,
        20 Hz × 25 ns gives 5.0e-7.
        """
        o = self.optics
        return -math.expm1(-o.dark_count_rate_hz * o.detection_window_ns * 1e-9)

    def nuclear_dephasing_prob(self, alpha: float) -> float:
        """Per-attempt dephasing probability of each carbon, given bright-state population α.

        p_single(α) = α (1 − e^{−1/N_1/e}) (physics.md F3, derived from Coopmans et al. 2021
        eqs. 44–47): the equatorial Bloch vector shrinks by (1 − 2 p_single) per attempt, so at
        α = 0.5 it reaches 1/e after N_1/e attempts. N_1/e = 1400, α = 0.1 → 7.14e-5.

        Args:
            alpha: Bright-state population in [0, 1]; use :attr:`attempt_alpha` for the
                configured protocol.
        """
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
        return alpha * -math.expm1(-1.0 / self.carbon.n_1e)

    @property
    def attempt_alpha(self) -> float:
        """The α that sets the per-attempt nuclear dephasing for the configured protocol.

        ``bright_state_alpha`` for single-click; 0.5 for double-click, whose electron starts each
        attempt in the equal superposition (one re-initialisation per attempt is counted; the
        N_1/e model was calibrated for that, Coopmans 2021 Suppl. Note 4c).
        """
        if self.bright_state_alpha is None:
            return 0.5
        return self.bright_state_alpha

    def attempt_duration_ps(self, arm_a_km: float, arm_b_km: float) -> int:
        """Duration of one entanglement attempt in integer picoseconds.

        Δt = t_emission + 2·max(ℓ_A, ℓ_B)/c: a node may only re-initialise once the herald from
        the station has come back over its arm, so the longer arm's round trip sets the cycle
        (Coopmans 2021 Methods, Δt = t_emission + L/c for a symmetric link of separation L;
        reference sheet: QL2020 5.5 µs + 2·15 km/c = 150.6 µs).

        Args:
            arm_a_km: Fibre length node A → station, km.
            arm_b_km: Fibre length node B → station, km.
        """
        for name, arm in (("arm_a_km", arm_a_km), ("arm_b_km", arm_b_km)):
            if not (arm >= 0.0 and math.isfinite(arm)):
                raise ValueError(f"{name} must be a finite length >= 0 km, got {arm!r}")
        round_trip_s = 2.0 * max(arm_a_km, arm_b_km) / self.optics.speed_of_light_km_per_s
        return round(self.emission_delay_us * _PS_PER_US + round_trip_s * _PS_PER_S)
