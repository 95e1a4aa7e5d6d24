"""RNG streams: reproducible per (seed, name), independent of creation order and process."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from qnetstack.kernel import RngFactory, name_key


def draws(seed: int, name: str, n: int = 5) -> list[float]:
    return RngFactory(seed).stream(name).random(n).tolist()


def test_same_seed_and_name_give_the_same_numbers():
    assert draws(7, "node/alice/link") == draws(7, "node/alice/link")


def test_different_seed_or_name_give_different_numbers():
    base = draws(7, "node/alice/link")
    assert draws(8, "node/alice/link") != base
    assert draws(7, "node/bob/link") != base


def test_creation_order_does_not_change_streams():
    one = RngFactory(3)
    a1, b1 = one.stream("a"), one.stream("b")
    two = RngFactory(3)
    two.stream("unrelated")
    b2, a2 = two.stream("b"), two.stream("a")
    assert a1.random(4).tolist() == a2.random(4).tolist()
    assert b1.random(4).tolist() == b2.random(4).tolist()


def test_same_numbers_in_another_process():
    code = (
        "import json; from qnetstack.kernel import RngFactory; "
        "print(json.dumps(RngFactory(2024).stream('station:a-b/physical').random(5).tolist()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == draws(2024, "station:a-b/physical")


def test_name_key_is_stable():
    # Pinned: a change here silently changes every simulation result for a given seed.
    assert name_key("node/alice/link") == (1793114735, 1774972695, 3026389015, 110054648)
    assert name_key("a") != name_key("b")
    sequence = RngFactory(0).seed_sequence("x")
    assert isinstance(sequence, np.random.SeedSequence)
    assert sequence.spawn_key == name_key("x")
    # numpy guarantees PCG64 + SeedSequence streams across versions; pin one draw.
    assert RngFactory(0).stream("x").random() == 0.4033057228265544


def test_duplicate_name_raises():
    factory = RngFactory(1)
    factory.stream("node/alice/link")
    with pytest.raises(ValueError, match="already issued"):
        factory.stream("node/alice/link")


@pytest.mark.parametrize("seed", [-1, 1.5, "1", None])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="non-negative int"):
        RngFactory(seed)


def test_seed_property():
    assert RngFactory(99).seed == 99
