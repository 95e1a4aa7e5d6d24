"""The decoy-vs-distance example runs and reports the validated numbers; results are the same
in a fresh process for the same seed."""

from __future__ import annotations

import hashlib
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qnetstack.apps.qkd import QkdRngs, SiftedKey, run_postprocessing

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "qkd_decoy_vs_distance.py"

DIGEST_SCRIPT = """
import hashlib, numpy as np
from qnetstack.apps.qkd import QkdRngs, SiftedKey, run_postprocessing
rng = np.random.default_rng(17)
alice = rng.integers(0, 2, 30_000, dtype=np.uint8)
errors = (rng.random(30_000) < 0.02).astype(np.uint8)
key = SiftedKey(alice, alice ^ errors, rng.integers(0, 2, 30_000, dtype=np.uint8))
result = run_postprocessing(key, QkdRngs.from_seed(99))
print(hashlib.sha256(result.key_alice.tobytes()).hexdigest(), result.leak_ec_bits)
"""


def test_example_prints_table_and_writes_plot(tmp_path, monkeypatch, capsys):
    out = tmp_path / "rate.png"
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--out", str(out)])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    printed = capsys.readouterr().out
    assert "max distance, infinite decoys: 142.2 km" in printed
    assert "max distance, vacuum + weak decoy (nu = 0.1): 139.8 km" in printed
    assert "simulated repeater overtakes decoy BB84 at 13.3 km" in printed
    assert "overtakes the PLOB bound of its fibre (0.2 dB/km) at 179.7 km" in printed
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_same_seed_gives_the_same_key_in_a_fresh_process():
    rng = np.random.default_rng(17)
    alice = rng.integers(0, 2, 30_000, dtype=np.uint8)
    errors = (rng.random(30_000) < 0.02).astype(np.uint8)
    key = SiftedKey(alice, alice ^ errors, rng.integers(0, 2, 30_000, dtype=np.uint8))
    result = run_postprocessing(key, QkdRngs.from_seed(99))
    assert result.success
    here = f"{hashlib.sha256(result.key_alice.tobytes()).hexdigest()} {result.leak_ec_bits}"
    there = subprocess.run(
        [sys.executable, "-c", DIGEST_SCRIPT], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert there == here


@pytest.mark.parametrize("seed", [0, 2**40])
def test_rngs_from_seed_are_reproducible(seed):
    first, second = QkdRngs.from_seed(seed), QkdRngs.from_seed(seed)
    for a, b in (
        (first.alice, second.alice),
        (first.bob, second.bob),
        (first.public, second.public),
    ):
        assert a.integers(0, 2**62) == b.integers(0, 2**62)
    streams = QkdRngs.from_seed(seed)
    draws = {streams.alice.integers(0, 2**62), streams.bob.integers(0, 2**62)}
    assert len(draws) == 2  # independent streams
