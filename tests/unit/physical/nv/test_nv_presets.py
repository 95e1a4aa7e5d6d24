"""NV presets: all reference sets load, reproduce their headline numbers, and carry sources."""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel, ValidationError

from qnetstack.physical.nv import (
    NVConfig,
    barrett_kok,
    list_presets,
    load_preset,
    preset_description,
    preset_reference_arms_km,
    preset_table,
    single_click,
)
from qnetstack.physical.nv.heralding import HeraldModelResult

PRESETS = [
    "lab_2018",
    "near_future_10x_coopmans2021",
    "nearterm2020_coopmans2021",
    "ql2020_dahlberg2019",
    "telecom_double_click_avis2022",
]


def herald(config: NVConfig, arm_a_km: float, arm_b_km: float) -> HeraldModelResult:
    eta_a, eta_b = config.arm_efficiency(arm_a_km), config.arm_efficiency(arm_b_km)
    o = config.optics
    if config.protocol == "double_click":
        return barrett_kok(eta_a, eta_b, config.dark_count_prob, o.visibility)
    alpha = config.attempt_alpha
    return single_click(
        alpha,
        alpha,
        eta_a,
        eta_b,
        config.dark_count_prob,
        o.visibility,
        o.phase_std_rad,
        o.p_double_excitation,
    )


def test_list_presets() -> None:
    assert list_presets() == PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads(name: str) -> None:
    config = load_preset(name)
    assert isinstance(config, NVConfig)
    assert config.preset == name
    assert config.mode == "sampled"
    assert preset_description(name)
    arm_a, arm_b = preset_reference_arms_km(name)
    assert arm_a > 0
    assert arm_b > 0
    result = herald(config, arm_a, arm_b)
    assert 0 < result.p_succ < 1
    assert 0.5 < result.fidelity <= 1


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out |= _leaf_paths(annotation, prefix + name + ".")
        else:
            out.add(prefix + name)
    return out


@pytest.mark.parametrize("name", PRESETS)
def test_preset_table_complete_with_sources(name: str) -> None:
    rows = preset_table(name)
    paths = [row.path for row in rows]
    assert len(paths) == len(set(paths))
    assert set(paths) == _leaf_paths(NVConfig) - {"preset"}
    for row in rows:
        assert row.source.strip(), row.path
        assert row.unit.strip(), row.path
        assert row.tag in {"S", "S2", "M", "D", "default"}, row.path
        if row.tag == "default":
            assert row.source.startswith("default:"), row.path


def test_unknown_preset_lists_names() -> None:
    with pytest.raises(ValueError, match=r"unknown NV preset 'lab2018'.*lab_2018.*ql2020"):
        load_preset("lab2018")
    with pytest.raises(ValueError, match="available presets"):
        preset_table("nope")


def test_overrides_nested_and_dotted() -> None:
    config = load_preset(
        "lab_2018",
        {"optics": {"visibility": 0.95}, "electron.t2_s": 0.5, "bright_state_alpha": 0.3},
    )
    assert config.optics.visibility == 0.95
    assert config.electron.t2_s == 0.5
    assert config.bright_state_alpha == 0.3
    # untouched siblings survive the deep merge
    assert config.optics.detector_efficiency == 0.8
    assert config.electron.t1_s == 3600.0


def test_override_switch_protocol() -> None:
    config = load_preset("lab_2018", {"protocol": "double_click", "bright_state_alpha": None})
    assert config.protocol == "double_click"


def test_bad_overrides_raise_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        load_preset("lab_2018", {"optics": {"detector_efficiency": 1.5}})
    assert ("optics", "detector_efficiency") in [tuple(e["loc"]) for e in info.value.errors()]
    with pytest.raises(ValidationError):
        load_preset("lab_2018", {"optics.not_a_field": 1.0})
    with pytest.raises(ValidationError):
        load_preset("lab_2018", {"optics": 3})


def test_load_does_not_mutate_cache() -> None:
    load_preset("lab_2018", {"optics": {"visibility": 0.5}})
    assert load_preset("lab_2018").optics.visibility == 0.9


# ------------------------------------------------------------------ reference numbers


def test_lab_2018_detection_probability_at_1m() -> None:
    assert load_preset("lab_2018").arm_efficiency(0.001) == pytest.approx(3.5e-4, rel=1e-2)
    assert load_preset("lab_2018").arm_efficiency(0.001) == pytest.approx(3.5e-4, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "p_det_no_fibre"),
    [
        ("nearterm2020_coopmans2021", 0.0046),
        ("near_future_10x_coopmans2021", 0.58),
        ("telecom_double_click_avis2022", 5.1e-4),
    ],
)
def test_total_detection_probability_reproduced_exactly(name: str, p_det_no_fibre: float) -> None:
    assert load_preset(name).arm_efficiency(0.0) == pytest.approx(p_det_no_fibre, rel=1e-12)


def test_ql2020_arm_efficiencies() -> None:
    config = load_preset("ql2020_dahlberg2019")
    assert config.arm_efficiency(10.0) == pytest.approx(5.15e-4, rel=2e-3)
    assert config.arm_efficiency(15.0) == pytest.approx(2.90e-4, rel=2e-3)


@pytest.mark.parametrize(
    ("name", "p_dc"),
    [
        ("lab_2018", 5.0e-7),
        ("ql2020_dahlberg2019", 8.0e-7),
        ("nearterm2020_coopmans2021", 2.5e-8),
        ("near_future_10x_coopmans2021", 2.5e-9),
        ("telecom_double_click_avis2022", 1.5e-7),
    ],
)
def test_dark_count_probabilities(name: str, p_dc: float) -> None:
    assert load_preset(name).dark_count_prob == pytest.approx(p_dc, rel=1e-5)


def test_conversions_from_fidelities() -> None:
    nt = load_preset("nearterm2020_coopmans2021")
    assert nt.electron.init_depolar_prob == pytest.approx(0.02)  # 2(1 − 0.99)
    assert nt.carbon.init_depolar_prob == pytest.approx(0.006)  # 2(1 − 0.997)
    assert nt.carbon.z_rot_depolar_prob == pytest.approx(4 / 3 * 0.001)
    tenx = load_preset("near_future_10x_coopmans2021")
    p = tenx.ec_gate.depolar_prob_per_qubit
    assert (1 - 3 * p / 4) ** 2 == pytest.approx(0.997)
    avis = load_preset("telecom_double_click_avis2022")
    assert (avis.electron.readout_f0, avis.electron.readout_f1) == pytest.approx((0.93, 0.995))
    ql = load_preset("ql2020_dahlberg2019")
    assert ql.electron.readout_f0 == ql.electron.readout_f1 == pytest.approx(0.95)
    assert math.isinf(ql.carbon.t1_s)
    assert ql.optics.phase_std_rad == pytest.approx(math.radians(15.0))


@pytest.mark.parametrize(
    ("name", "arms", "p_succ", "fidelity", "cycle_us"),
    [
        # physics.md §5 / validation.md A9, E6 (formula level, α = 0.1)
        ("lab_2018", (0.001, 0.001), 7.10e-5, 0.821, 5.5),
        ("ql2020_dahlberg2019", (10.0, 15.0), 8.21e-5, 0.802, 150.6),
        ("nearterm2020_coopmans2021", (12.5, 12.5), 5.17e-4, 0.805, 123.9),
        ("nearterm2020_coopmans2021", (50.0, 50.0), 9.2e-5, 0.805, 484.0),
        # the sheet's 0.898 omits phase noise; with σ = 0.11 rad it is 0.895 (within 0.005)
        ("near_future_10x_coopmans2021", (50.0, 50.0), 1.16e-2, 0.898, 484.0),
        ("telecom_double_click_avis2022", (0.5, 0.5), 1.23e-7, 0.95, None),
    ],
)
def test_reference_sheet_numbers(
    name: str,
    arms: tuple[float, float],
    p_succ: float,
    fidelity: float,
    cycle_us: float | None,
) -> None:
    config = load_preset(name)
    result = herald(config, *arms)
    assert result.p_succ == pytest.approx(p_succ, rel=0.02)
    assert result.fidelity == pytest.approx(fidelity, abs=0.005)
    if cycle_us is not None:
        assert config.attempt_duration_ps(*arms) == pytest.approx(cycle_us * 1e6, rel=2e-3)


def test_lab_2018_rates() -> None:
    # physics.md §5: 12.9 Hz at α = 0.1, 38.4 Hz at α = 0.3 (cf. "up to 39 Hz", Humphreys 2018)
    for alpha, rate_hz in ((0.1, 12.9), (0.3, 38.4)):
        config = load_preset("lab_2018", {"bright_state_alpha": alpha})
        result = herald(config, 0.001, 0.001)
        cycle_s = config.attempt_duration_ps(0.001, 0.001) * 1e-12
        assert result.p_succ / cycle_s == pytest.approx(rate_hz, rel=0.01)
