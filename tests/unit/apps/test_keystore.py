"""The ETSI GS QKD 014 shaped key store: both ends get the same keys for the same ids."""

from __future__ import annotations

import numpy as np
import pytest

from qnetstack.apps import KeyStore, KeyStoreError


def _bits(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2, n, dtype=np.uint8)


def test_get_keys_and_get_keys_with_ids_return_identical_keys() -> None:
    store = KeyStore("alice", "bob", key_size=64)
    for block in range(3):
        bits = _bits(100, block)
        assert store.add_block("alice", f"k{block}", bits) is False
        assert store.add_block("bob", f"k{block}", bits.copy()) is True
    status = store.status()
    assert (status.delivered_blocks, status.available_bits, status.stored_key_count) == (3, 300, 4)
    keys = store.get_keys(3)  # 192 bits: spans the block boundaries
    assert len({k.key_id for k in keys}) == 3
    assert all(len(k.key) == 8 for k in keys)
    fetched = store.get_keys_with_ids([k.key_id for k in reversed(keys)])
    assert [k.key for k in fetched] == [k.key for k in reversed(keys)]
    material = np.concatenate([_bits(100, b) for b in range(3)])
    assert keys[1].key == np.packbits(material[64:128]).tobytes()
    assert store.status().stored_key_count == 1
    with pytest.raises(KeyStoreError, match="already fetched"):
        store.get_keys_with_ids([keys[0].key_id])


def test_a_block_one_end_holds_alone_is_not_key_material() -> None:
    store = KeyStore("alice", "bob", key_size=64)
    store.add_block("alice", "k0", _bits(128, 0))
    status = store.status()
    assert (status.one_sided_blocks, status.available_bits, status.stored_key_count) == (1, 0, 0)
    with pytest.raises(KeyStoreError, match="not enough key material: 1 keys of 64 bits"):
        store.get_keys(1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.get_keys(0), r"number must be in \[1, 128\]"),
        (lambda s: s.get_keys(1, 65), "size must be a multiple of 8"),
        (lambda s: s.get_keys(1, 16), r"size must be a multiple of 8 in \[64, 8192\]"),
        (lambda s: s.get_keys_with_ids(["nope"]), "unknown or already fetched key ids: nope"),
        (lambda s: s.add_block("carol", "k", [1]), "end must be 'alice' or 'bob'"),
    ],
)
def test_bad_requests_name_the_parameter(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyStoreError, match=message):
        call(KeyStore("alice", "bob"))


def test_differing_blocks_are_refused() -> None:
    store = KeyStore("alice", "bob")
    store.add_block("alice", "k", [0, 1, 1])
    with pytest.raises(KeyStoreError, match="differs"):
        store.add_block("bob", "k", [0, 1, 0])


def test_bad_store_parameters() -> None:
    with pytest.raises(KeyStoreError, match="master and slave must differ"):
        KeyStore("a", "a")
    with pytest.raises(KeyStoreError, match="key_size must be a positive multiple of 8"):
        KeyStore("a", "b", key_size=100)
