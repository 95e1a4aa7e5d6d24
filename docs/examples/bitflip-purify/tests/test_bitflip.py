"""bit-flip: its closed forms against the analytic values, the shared conformance check, and a
run by name from YAML whose delivered fidelity is the round's output."""

from pathlib import Path

import numpy as np
import pytest
from bitflip_purify import BitFlip

from qnetstack.physical.purification import PurificationRegistry
from qnetstack.quantum import BellDiagonal
from qnetstack.runtime import PluginRegistry
from qnetstack.scenario import load_scenario
from qnetstack.scenario.simulation import run_scenario
from qnetstack.testing import check_purification_protocol

SCENARIO = Path(__file__).resolve().parents[1] / "scenario.yaml"


def werner_output(f: float) -> tuple[float, float]:
    eps = (1 - f) / 3
    p = (f + eps) ** 2 + (2 * eps) ** 2
    return p, (f**2 + eps**2) / p


@pytest.mark.parametrize("a", [0.6, 0.8, 0.95])
def test_bit_flip_noise_gives_the_textbook_round(a: float) -> None:
    """A Φ⁺ + B Ψ⁺ (labels 0 = Φ⁺, 1 = Ψ⁺): p = A² + B², and since two Ψ⁺ inputs coincide
    too, the kept pair is (A² Φ⁺ + B² Ψ⁺)/p."""
    b = 1 - a
    state = BellDiagonal(np.array([a, b, 0.0, 0.0]))
    p, kept = BitFlip().success(state, state)
    assert p == pytest.approx(a**2 + b**2)
    assert kept.coefficients == pytest.approx([a**2 / p, b**2 / p, 0, 0])


@pytest.mark.parametrize("f", [0.7, 0.9])
def test_werner_inputs(f: float) -> None:
    p, kept = BitFlip().success(BellDiagonal.werner(f), BellDiagonal.werner(f))
    assert (p, kept.fidelity(0)) == pytest.approx(werner_output(f))


def test_passes_the_conformance_check() -> None:
    check_purification_protocol(BitFlip())


def test_the_installed_entry_point_registers_it_by_name(installed) -> None:
    registry = PurificationRegistry.from_entry_points()
    assert registry.load_errors == []
    assert isinstance(registry.create("bit-flip"), BitFlip)


def test_runs_from_yaml_and_delivers_the_rounds_output_fidelity(installed) -> None:
    registry = PluginRegistry.from_entry_points()
    results = run_scenario(load_scenario(SCENARIO, registry), registry)
    request = results["requests"][0]
    assert request["delivered"] == 400
    _, expected = werner_output(0.9)
    # Every delivered pair went through one round: bell_diagonal ground truth, no memory noise
    assert request["fidelity"]["mean"] == pytest.approx(expected, abs=1e-6)
