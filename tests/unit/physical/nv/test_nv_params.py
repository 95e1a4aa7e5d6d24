"""NVConfig: validation messages name the field, derived quantities follow physics.md."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from qnetstack.physical.nv import NVConfig, load_preset


def lab_dict() -> dict[str, Any]:
    return load_preset("lab_2018").model_dump()


def with_value(path: str, value: Any) -> dict[str, Any]:
    data = lab_dict()
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[leaf] = value
    return data


def error_locs(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [tuple(err["loc"]) for err in exc.errors()]


@pytest.mark.parametrize(
    "path",
    [
        "optics.p_zero_phonon",
        "optics.collection_efficiency",
        "optics.conversion_efficiency",
        "optics.detector_efficiency",
    ],
)
def test_efficiency_above_one_names_the_field(path: str) -> None:
    with pytest.raises(ValidationError) as info:
        NVConfig.model_validate(with_value(path, 1.2))
    assert tuple(path.split(".")) in error_locs(info.value)
    assert "less than or equal to 1" in str(info.value)


def test_negative_dark_count_rate_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        NVConfig.model_validate(with_value("optics.dark_count_rate_hz", -1.0))
    assert ("optics", "dark_count_rate_hz") in error_locs(info.value)


@pytest.mark.parametrize("alpha", [0.0, -0.1, 0.51, 1.0])
def test_alpha_outside_range(alpha: float) -> None:
    with pytest.raises(ValidationError) as info:
        NVConfig.model_validate(with_value("bright_state_alpha", alpha))
    assert ("bright_state_alpha",) in error_locs(info.value)


def test_alpha_half_is_allowed() -> None:
    assert NVConfig.model_validate(with_value("bright_state_alpha", 0.5)).bright_state_alpha == 0.5


def test_single_click_requires_alpha() -> None:
    with pytest.raises(ValidationError, match="bright_state_alpha is required"):
        NVConfig.model_validate(with_value("bright_state_alpha", None))


def test_double_click_rejects_alpha() -> None:
    with pytest.raises(ValidationError, match="bright_state_alpha must be unset"):
        NVConfig.model_validate(with_value("protocol", "double_click"))


@pytest.mark.parametrize("group", ["electron", "carbon"])
def test_t2_above_twice_t1_names_the_field(group: str) -> None:
    data = with_value(f"{group}.t1_s", 1.0)
    data[group]["t2_s"] = 2.5
    with pytest.raises(ValidationError, match=rf"{group}\.t2_s .* 2 × {group}\.t1_s"):
        NVConfig.model_validate(data)
    data[group]["t2_s"] = 2.0  # the bound itself is physical
    NVConfig.model_validate(data)


def test_infinite_time_constants_allowed() -> None:
    data = with_value("carbon.t1_s", math.inf)
    data["carbon"]["t2_s"] = math.inf
    assert math.isinf(NVConfig.model_validate(data).carbon.t2_s)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("optics.visibility", 1.01),
        ("optics.p_double_excitation", 1.0),
        ("optics.phase_std_rad", -0.1),
        ("optics.fibre_loss_db_per_km", -0.2),
        ("optics.speed_of_light_km_per_s", 0.0),
        ("optics.detection_window_ns", 0.0),
        ("electron.readout_f0", 1.1),
        ("electron.init_depolar_prob", -0.01),
        ("carbon.count", -1),
        ("carbon.n_1e", 0.0),
        ("ec_gate.depolar_prob_per_qubit", 2.0),
        ("emission_delay_us", -1.0),
        ("mode", "fast"),
        ("protocol", "triple_click"),
    ],
)
def test_out_of_range_names_the_field(path: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        NVConfig.model_validate(with_value(path, value))
    assert tuple(path.split(".")) in error_locs(info.value)


def test_unknown_field_rejected() -> None:
    data = lab_dict()
    data["optics"]["colection_efficiency"] = 0.1
    with pytest.raises(ValidationError) as info:
        NVConfig.model_validate(data)
    assert ("optics", "colection_efficiency") in error_locs(info.value)


def test_frozen() -> None:
    config = load_preset("lab_2018")
    with pytest.raises(ValidationError):
        config.optics.visibility = 0.5  # type: ignore[misc]


def _all_fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str | None]]:
    out = []
    for name, field in model.model_fields.items():
        out.append((prefix + name, field.description))
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.extend(_all_fields(annotation, prefix + name + "."))
    return out


def test_every_field_is_described() -> None:
    fields = _all_fields(NVConfig)
    assert len(fields) > 30
    assert [name for name, desc in fields if not desc] == []


# ------------------------------------------------------------------ derived quantities


def test_dark_count_prob_lab_2018() -> None:
    # 1 − exp(−20 Hz × 25 ns) (physics.md §1.3)
    assert load_preset("lab_2018").dark_count_prob == pytest.approx(5.0e-7, rel=1e-5)


def test_nuclear_dephasing_prob() -> None:
    config = load_preset("nearterm2020_coopmans2021")
    assert config.carbon.n_1e == 1400
    assert config.nuclear_dephasing_prob(0.1) == pytest.approx(7.14e-5, rel=1e-3)
    assert config.nuclear_dephasing_prob(0.5) == pytest.approx(3.57e-4, rel=1e-3)
    # At α = 0.5 the Bloch vector reaches 1/e after N_1/e attempts (the definition of N_1/e).
    shrink = (1 - 2 * config.nuclear_dephasing_prob(0.5)) ** 1400
    assert shrink == pytest.approx(math.exp(-1), rel=1e-9)
    with pytest.raises(ValueError, match="alpha"):
        config.nuclear_dephasing_prob(1.5)


def test_attempt_alpha() -> None:
    assert load_preset("lab_2018").attempt_alpha == 0.1
    assert load_preset("telecom_double_click_avis2022").attempt_alpha == 0.5


def test_arm_efficiency_formula() -> None:
    config = load_preset("nearterm2020_coopmans2021")
    o = config.optics
    expected = (
        o.p_zero_phonon
        * o.collection_efficiency
        * o.conversion_efficiency
        * 10 ** (-0.2 * 12.5 / 10)
        * o.detector_efficiency
    )
    assert config.arm_efficiency(12.5) == pytest.approx(expected, rel=1e-12)
    assert config.arm_efficiency(0.0) == pytest.approx(0.0046, rel=1e-12)
    for bad in (-1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="arm_km"):
            config.arm_efficiency(bad)


def test_attempt_duration_ql2020() -> None:
    # Reference sheet: 5.5 µs + 2 × 15 km / c = 150.6 µs (the longer arm sets the cycle).
    config = load_preset("ql2020_dahlberg2019")
    duration = config.attempt_duration_ps(10.0, 15.0)
    assert isinstance(duration, int)
    assert duration == pytest.approx(150.6e6, rel=1e-3)
    assert config.attempt_duration_ps(15.0, 10.0) == duration


def test_attempt_duration_nearterm_25km() -> None:
    # physics.md §5: 3.8 µs + 25 km / (c/1.44) = 123.9 µs
    config = load_preset("nearterm2020_coopmans2021")
    assert config.attempt_duration_ps(12.5, 12.5) == pytest.approx(123.9e6, rel=1e-3)
    with pytest.raises(ValueError, match="arm_b_km"):
        config.attempt_duration_ps(1.0, -1.0)
