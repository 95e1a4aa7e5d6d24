"""Key delivery in the shape of ETSI GS QKD 014: a key store per pair of applications.

Theory of operation
-------------------
ETSI GS QKD 014 (V1.1.1, 2019) is the REST interface through which a *secure application
entity* (SAE) takes keys from its *key management entity* (KME): ``status`` (stored key count,
key size, limits), ``enc_keys`` (the *master* SAE asks for N keys of M bits and gets them with
key ids) and ``dec_keys`` (the *slave* SAE asks for the keys with those ids and gets the same
bits). :class:`KeyStore` is that contract as a Python object, for one master/slave pair, fed by
the BBM92 app's key blocks:

* :meth:`KeyStore.add_block` is called with every :class:`~.primitives.KeyDeliveredIndication`
  at either end. A block becomes key material only when *both* ends have added it with the same
  bits (a key counts as delivered only when both ends hold it); a block one end holds alone is
  counted in :attr:`KeyStoreStatus.one_sided_blocks`, never handed out.
* :meth:`KeyStore.get_keys` (the master's ``enc_keys``) cuts ``number`` keys of ``size_bits``
  from the delivered material, in delivery order, and returns them with fresh key ids;
  :meth:`KeyStore.get_keys_with_ids` (the slave's ``dec_keys``) returns the same keys from the
  slave end's copy of the material. Each key is handed out once per end.

Key ids are UUIDs derived from the pair of SAEs and a counter, so runs are reproducible. Keys
are ``bytes`` (the bits packed most significant bit first), as the standard's base64 field
would decode to.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Key", "KeyStore", "KeyStoreError", "KeyStoreStatus"]

Bits = npt.NDArray[np.uint8]


class KeyStoreError(Exception):
    """A request the key store cannot serve (the message says which parameter and why)."""


@dataclass(frozen=True, slots=True)
class Key:
    """One key: its id and its bits packed into bytes."""

    key_id: str
    key: bytes


@dataclass(frozen=True, slots=True)
class KeyStoreStatus:
    """The ``status`` of ETSI GS QKD 014 (names in snake case), plus the block counts."""

    master_sae_id: str
    slave_sae_id: str
    key_size: int
    """Default key size, bits."""
    stored_key_count: int
    """Keys of ``key_size`` bits that the delivered, not yet handed-out material holds."""
    max_key_per_request: int
    max_key_size: int
    min_key_size: int
    delivered_blocks: int
    """Key blocks both ends hold."""
    one_sided_blocks: int
    """Key blocks only one end holds (not key material)."""
    available_bits: int
    """Delivered bits not yet handed out to the master."""


class KeyStore:
    """The keys shared by one master and one slave application.

    Args:
        master: The master SAE (the session's Alice end node).
        slave: The slave SAE (Bob's end node).
        key_size: Default key size in bits (a multiple of 8).
        max_key_per_request: Most keys one :meth:`get_keys` call may ask for.
        max_key_size: Largest key size in bits.
        min_key_size: Smallest key size in bits.
    """

    def __init__(
        self, master: str, slave: str, *, key_size: int = 256, max_key_per_request: int = 128,
        max_key_size: int = 8192, min_key_size: int = 64,
    ) -> None:  # fmt: skip
        if master == slave:
            raise KeyStoreError(f"master and slave must differ, both are {master!r}")
        for name, value in (("key_size", key_size), ("max_key_size", max_key_size),
                            ("min_key_size", min_key_size)):  # fmt: skip
            if value < 8 or value % 8:
                raise KeyStoreError(f"{name} must be a positive multiple of 8, got {value}")
        if not min_key_size <= key_size <= max_key_size:
            raise KeyStoreError(
                f"key_size must be in [min_key_size, max_key_size] = [{min_key_size}, "
                f"{max_key_size}], got {key_size}"
            )
        if max_key_per_request < 1:
            raise KeyStoreError(f"max_key_per_request must be >= 1, got {max_key_per_request}")
        self.master = master
        self.slave = slave
        self.key_size = key_size
        self.max_key_per_request = max_key_per_request
        self.max_key_size = max_key_size
        self.min_key_size = min_key_size
        self._pending: dict[str, dict[str, Bits]] = {master: {}, slave: {}}
        self._material: dict[str, list[Bits]] = {master: [], slave: []}
        self._length = 0  # delivered bits (equal at both ends)
        self._master_used = 0
        self._issued: dict[str, tuple[int, int]] = {}  # key id -> (start, size), not yet at slave
        self._counter = 0
        self.delivered_blocks = 0

    def add_block(self, end: str, key_id: str, bits: npt.ArrayLike) -> bool:
        """One end holds the key block ``key_id``; True when both ends now hold it.

        Raises:
            KeyStoreError: If ``end`` is neither SAE, the end added the block already, or the
                two ends' bits differ (which the verification hash makes improbable).
        """
        if end not in self._pending:
            raise KeyStoreError(f"end must be {self.master!r} or {self.slave!r}, got {end!r}")
        other = self.slave if end == self.master else self.master
        block = np.asarray(bits, dtype=np.uint8)
        if key_id in self._pending[end]:
            raise KeyStoreError(f"{end!r} added key block {key_id} twice")
        theirs = self._pending[other].pop(key_id, None)
        if theirs is None:
            self._pending[end][key_id] = block
            return False
        if not np.array_equal(theirs, block):
            raise KeyStoreError(f"key block {key_id} differs between {self.master!r} and "
                                f"{self.slave!r}")  # fmt: skip
        self._material[self.master].append(block)
        self._material[self.slave].append(block.copy())
        self._length += len(block)
        self.delivered_blocks += 1
        return True

    def status(self) -> KeyStoreStatus:
        """The store's ``status``."""
        available = self._length - self._master_used
        return KeyStoreStatus(
            master_sae_id=self.master,
            slave_sae_id=self.slave,
            key_size=self.key_size,
            stored_key_count=available // self.key_size,
            max_key_per_request=self.max_key_per_request,
            max_key_size=self.max_key_size,
            min_key_size=self.min_key_size,
            delivered_blocks=self.delivered_blocks,
            one_sided_blocks=sum(len(p) for p in self._pending.values()),
            available_bits=available,
        )

    def get_keys(self, number: int = 1, size: int | None = None) -> list[Key]:
        """The master's ``enc_keys``: ``number`` keys of ``size`` bits (default ``key_size``).

        Raises:
            KeyStoreError: If ``number`` or ``size`` is out of range, or the delivered material
                holds fewer bits than asked for (nothing is handed out then).
        """
        size = self.key_size if size is None else size
        if not 1 <= number <= self.max_key_per_request:
            raise KeyStoreError(f"number must be in [1, {self.max_key_per_request}], got {number}")
        if size % 8 or not self.min_key_size <= size <= self.max_key_size:
            raise KeyStoreError(
                f"size must be a multiple of 8 in [{self.min_key_size}, {self.max_key_size}], "
                f"got {size}"
            )
        available = self._length - self._master_used
        if number * size > available:
            raise KeyStoreError(
                f"not enough key material: {number} keys of {size} bits need {number * size} "
                f"bits, {available} are stored"
            )
        keys = []
        for _ in range(number):
            start = self._master_used
            self._master_used += size
            self._counter += 1
            digest = hashlib.sha256(
                f"{self.master}\x00{self.slave}\x00{self._counter}".encode()
            ).digest()
            kid = str(uuid.UUID(bytes=digest[:16], version=4))
            self._issued[kid] = (start, size)
            keys.append(Key(kid, self._read(self.master, start, size)))
        return keys

    def get_keys_with_ids(self, key_ids: list[str]) -> list[Key]:
        """The slave's ``dec_keys``: the keys the master was given under ``key_ids``.

        Raises:
            KeyStoreError: If an id is unknown or was already fetched (nothing is handed out).
        """
        unknown = [kid for kid in key_ids if kid not in self._issued]
        if unknown:
            raise KeyStoreError(f"unknown or already fetched key ids: {', '.join(unknown)}")
        keys = []
        for kid in key_ids:
            start, size = self._issued.pop(kid)
            keys.append(Key(kid, self._read(self.slave, start, size)))
        return keys

    def _read(self, end: str, start: int, size: int) -> bytes:
        """Bits [start, start + size) of ``end``'s material, packed."""
        out = []
        offset = 0
        for block in self._material[end]:
            lo, hi = max(start - offset, 0), min(start + size - offset, len(block))
            if lo < hi:
                out.append(block[lo:hi])
            offset += len(block)
            if offset >= start + size:
                break
        return np.packbits(np.concatenate(out)).tobytes()
