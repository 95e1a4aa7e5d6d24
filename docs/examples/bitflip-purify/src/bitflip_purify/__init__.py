"""A third-party purification protocol for qnetstack: the bare bilateral-CNOT recurrence."""

from bitflip_purify.protocol import BitFlip

__all__ = ["BitFlip"]
