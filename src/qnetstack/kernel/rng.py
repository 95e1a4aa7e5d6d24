"""Seeded random-number streams, one per (run seed, component name).

Why: a simulation must give identical results for the same seed on any machine and in any
process, and adding or reordering components must not shift the random numbers another
component sees. A shared global generator fails both. Here every component asks for a stream by
a *stable name* (for example ``"node/alice/link"``); the stream is seeded from the run seed and a
hash of that name through :class:`numpy.random.SeedSequence`'s ``spawn_key``, which is the
mechanism numpy documents for independent, reproducible child streams.

The name hash is BLAKE2b (not Python's ``hash``, which is salted per process).
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["RngFactory", "name_key"]


def name_key(name: str) -> tuple[int, ...]:
    """Map a component name to a tuple of four 32-bit words, identical on every platform."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class RngFactory:
    """Hands out independent, reproducible generators keyed by component name.

    Example:
        >>> a = RngFactory(7).stream("node/alice/link").random()
        >>> b = RngFactory(7).stream("node/alice/link").random()
        >>> a == b
        True
    """

    __slots__ = ("_issued", "_seed")

    def __init__(self, seed: int) -> None:
        if type(seed) is not int or seed < 0:
            raise ValueError(f"seed must be a non-negative int, got {seed!r}")
        self._seed = seed
        self._issued: set[str] = set()

    @property
    def seed(self) -> int:
        """The run seed."""
        return self._seed

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """The :class:`~numpy.random.SeedSequence` for a component name."""
        return np.random.SeedSequence(entropy=self._seed, spawn_key=name_key(name))

    def stream(self, name: str) -> np.random.Generator:
        """A new generator for ``name``.

        Asking twice for the same name is almost always a bug (two components would draw the
        same numbers), so it raises.

        Raises:
            ValueError: If a stream with this name was already issued by this factory.
        """
        if name in self._issued:
            raise ValueError(f"random stream {name!r} was already issued; names must be unique")
        self._issued.add(name)
        return np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
