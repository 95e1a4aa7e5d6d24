"""Classical channels: a delay and an optional loss probability per direction.

A channel is data, not a process: the runtime asks it for the delay and whether a message is
lost, and schedules the delivery itself. Loss draws come from the channel's own RNG stream so
that adding traffic elsewhere does not change which messages are lost here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnetstack.physical.platform import DEFAULT_SPEED_OF_LIGHT_KM_PER_S

__all__ = ["SPEED_OF_LIGHT_FIBRE_KM_PER_S", "ClassicalChannel", "fibre_delay_ps"]

SPEED_OF_LIGHT_FIBRE_KM_PER_S = DEFAULT_SPEED_OF_LIGHT_KM_PER_S
"""Default group velocity in fibre, c / 1.44 (refractive index 1.44, as in Coopmans et al.,
Commun. Phys. 4, 164 (2021)); the physical layer's constant. Parameter sets may override it."""


def fibre_delay_ps(length_km: float, speed_km_per_s: float = SPEED_OF_LIGHT_FIBRE_KM_PER_S) -> int:
    """Propagation delay of ``length_km`` of fibre, rounded to the nearest picosecond."""
    if length_km < 0:
        raise ValueError(f"length_km must be >= 0, got {length_km}")
    if speed_km_per_s <= 0:
        raise ValueError(f"speed_km_per_s must be > 0, got {speed_km_per_s}")
    return round(length_km / speed_km_per_s * 1e12)


@dataclass(slots=True)
class ClassicalChannel:
    """A one-way classical channel between two nodes.

    Attributes:
        src: Sending node.
        dst: Receiving node.
        delay_ps: Propagation delay.
        loss_probability: Probability that a message is lost (0 for a reliable channel).
        rng: Stream used for loss draws; required when ``loss_probability > 0``.
        sent: Messages handed to the channel.
        lost: Messages the channel dropped.
    """

    src: str
    dst: str
    delay_ps: int
    loss_probability: float = 0.0
    rng: np.random.Generator | None = None
    sent: int = 0
    lost: int = 0

    def __post_init__(self) -> None:
        if self.delay_ps < 0:
            raise ValueError(f"delay_ps must be >= 0, got {self.delay_ps}")
        if not 0.0 <= self.loss_probability < 1.0:
            raise ValueError(f"loss_probability must be in [0, 1), got {self.loss_probability}")
        if self.loss_probability > 0 and self.rng is None:
            raise ValueError("a lossy channel needs an rng")

    def transmit(self) -> bool:
        """Count a message and decide whether it arrives."""
        self.sent += 1
        if self.rng is not None and self.rng.random() < self.loss_probability:
            self.lost += 1
            return False
        return True
