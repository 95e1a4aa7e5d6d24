"""Impossible NV physics in a scenario: one clear error naming the field, exit 2 (issue 3)."""

from __future__ import annotations

import pytest
from test_bad_input import fails


def nv(data, **platform):
    data["platform"] = {"plugin": "nv", "preset": "lab_2018", **platform}
    data["requests"][0]["min_fidelity"] = 0.5
    return data


@pytest.fixture(params=["validate", "run"])
def command(request):
    return request.param


def test_efficiency_above_one(write_scenario, command):
    path = write_scenario(edit=lambda d: nv(d, optics={"detector_efficiency": 1.2}))
    fails(path, "platform.optics.detector_efficiency", "(got 1.2)", "allowed", command=command)


def test_negative_dark_counts(write_scenario, command):
    path = write_scenario(edit=lambda d: nv(d, optics={"dark_count_rate_hz": -5.0}))
    fails(path, "platform.optics.dark_count_rate_hz", "(got -5.0)", command=command)


@pytest.mark.parametrize("alpha", [0.0, 0.7, -0.1])
def test_alpha_outside_range(write_scenario, command, alpha):
    path = write_scenario(edit=lambda d: nv(d, bright_state_alpha=alpha))
    fails(path, "platform.bright_state_alpha", "(0, 0.5]", command=command)


def test_zero_length_fibre(write_scenario, command):
    def edit(d):
        nv(d)
        d["links"][0]["length_km"] = 0.0

    path = write_scenario(edit=edit)
    fails(path, "links[0].length_km", "greater than 0", command=command)


def test_t2_longer_than_twice_t1(write_scenario, command):
    path = write_scenario(edit=lambda d: nv(d, electron={"t1_s": 1.0, "t2_s": 3.0}))
    fails(path, "platform", "electron.t2_s", "2 × electron.t1_s", command=command)


def test_unknown_preset(write_scenario, command):
    path = write_scenario(edit=lambda d: nv(d, preset="lab_2019"))
    fails(path, "unknown preset 'lab_2019'", "lab_2018", command=command)


def test_typo_in_nested_field(write_scenario, command):
    path = write_scenario(edit=lambda d: nv(d, optics={"visibilty": 0.9}))
    fails(path, "platform.optics.visibilty", "unknown field", "visibility", command=command)
