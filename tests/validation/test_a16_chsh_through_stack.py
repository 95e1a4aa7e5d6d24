"""A16 through the stack: CHSH of Werner pairs from the EGP on the depolarising platform.

Target (validation.md A16): S = 2√2(4F − 1)/3, F = 0.92 → 2.52673. The ``chsh`` app infers S
for Alice A = (Z, X), Bob B = (Z ± X)/√2 from the Z/X correlators of random-basis pairs,
S = √2 (E_ZZ + E_XX) (see :mod:`qnetstack.apps.bell_test`). Tolerance: 3 standard errors.
Below the threshold F = 0.7803 there is no violation.
"""

from __future__ import annotations

import math

import pytest

from helpers_measured import werner_measure_scenario
from qnetstack.scenario import parse_scenario
from qnetstack.scenario.simulation import run_scenario

PAIRS = 2500


def werner_chsh(fidelity: float) -> dict[str, object]:
    return werner_measure_scenario(f"a16-werner-{fidelity}", 16, fidelity, PAIRS, chsh=True)


def chsh_of(fidelity: float, registry) -> dict[str, object]:
    result = run_scenario(parse_scenario(werner_chsh(fidelity), registry), registry)
    assert result["failure"] is None
    return result["requests"][0]["chsh"]


def test_werner_092_violates_chsh_by_the_analytic_amount(registry, record_validation):
    chsh = chsh_of(0.92, registry)
    expected = 2 * math.sqrt(2) * (4 * 0.92 - 1) / 3
    assert expected == pytest.approx(2.52673, abs=1e-5)
    record_validation(
        "A16",
        expected,
        chsh["s"],
        3 * chsh["s_std_error"],
        quantity="S (3σ)",
        case="stack, F = 0.92",
    )
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]
    assert chsh["s_std_error"] < 0.06  # the test resolves the violation
    assert chsh["violation"] is True
    assert abs(chsh["s_horodecki_xz"] - expected) < 3 * chsh["s_horodecki_xz_std_error"]
    # Werner pairs are Bell-diagonal: the cross correlators vanish (within 3 standard errors).
    for cross in ("ZX", "XZ"):
        entry = chsh["correlators"][cross]
        assert abs(entry["value"]) < 3 / math.sqrt(entry["pairs"])


def test_werner_below_threshold_does_not_violate(registry, record_validation):
    chsh = chsh_of(0.70, registry)
    expected = 2 * math.sqrt(2) * (4 * 0.70 - 1) / 3
    record_validation(
        "A16",
        expected,
        chsh["s"],
        3 * chsh["s_std_error"],
        quantity="S (3σ)",
        case="stack, F = 0.7",
    )
    assert abs(chsh["s"] - expected) < 3 * chsh["s_std_error"]
    assert chsh["violation"] is False
