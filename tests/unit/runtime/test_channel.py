"""Classical channels and fibre delays."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.runtime import SPEED_OF_LIGHT_FIBRE_KM_PER_S, ClassicalChannel, fibre_delay_ps


def test_fibre_delay():
    assert fibre_delay_ps(0.0) == 0
    assert fibre_delay_ps(SPEED_OF_LIGHT_FIBRE_KM_PER_S) == 10**12  # one second of fibre
    assert fibre_delay_ps(1.0, speed_km_per_s=200_000.0) == 5_000_000
    assert isinstance(fibre_delay_ps(1.234), int)


def test_default_speed_is_c_over_1_44():
    assert pytest.approx(299_792.458 / 1.44, rel=1e-5) == SPEED_OF_LIGHT_FIBRE_KM_PER_S


@pytest.mark.parametrize(("length", "speed"), [(-1.0, 1.0), (1.0, 0.0), (1.0, -5.0)])
def test_fibre_delay_rejects_bad_input(length, speed):
    with pytest.raises(ValueError, match="must be"):
        fibre_delay_ps(length, speed)


def test_reliable_channel_delivers_everything():
    channel = ClassicalChannel("a", "b", 10)
    assert all(channel.transmit() for _ in range(100))
    assert (channel.sent, channel.lost) == (100, 0)


def test_lossy_channel_counts_losses():
    channel = ClassicalChannel("a", "b", 10, 0.5, np.random.default_rng(1))
    arrived = sum(channel.transmit() for _ in range(1_000))
    assert channel.sent == 1_000
    assert channel.lost == 1_000 - arrived
    assert 400 < arrived < 600


@pytest.mark.parametrize(
    ("delay", "loss", "rng", "match"),
    [
        (-1, 0.0, None, "delay_ps"),
        (1, 1.0, np.random.default_rng(0), "loss_probability"),
        (1, -0.1, None, "loss_probability"),
        (1, 0.1, None, "needs an rng"),
    ],
)
def test_channel_validation(delay, loss, rng, match):
    with pytest.raises(ValueError, match=match):
        ClassicalChannel("a", "b", delay, loss, rng)
