"""What the scenario runner observes of a QKD request served by an application plugin.

Theory of operation
-------------------
With a network layer, a ``qkd`` request is not post-processed by the runner: the runner opens
a session on the source's application entity (:class:`~qnetstack.apps.QkdSessionRequest`) and
only *observes* what the two ends' apps indicate — key blocks, failed blocks, the end of the
session — the way a key-management system would. :class:`QkdAppRecord` collects that per
request: it feeds every delivered block to a :class:`~qnetstack.apps.KeyStore` (a block counts
only when both ends hold it, with identical bits), keeps each block's report, and turns it all
into the request's ``qkd`` entry of the results.

Ground truth enters in one place only: the state of each end-to-end pair at its first
measurement, handed in by the pair store's measure observer (see
:attr:`qnetstack.physical.PairStore.measure_observer`), from which :func:`bell_figures` gives its
fidelity and the error probability per basis the measured QBER must match (2(1 − F)/3 for
Werner pairs). No app reads it.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from qnetstack.analysis.stats import mean_ci95, percentiles
from qnetstack.apps import (
    BlockReport,
    KeyBlockFailedIndication,
    KeyDeliveredIndication,
    KeyStore,
    QkdSessionEndIndication,
)
from qnetstack.apps.bell_test import E91_TERM_ANGLES_RAD, E91_TERMS
from qnetstack.apps.qkd import asymptotic_key_fraction, inferred_chsh
from qnetstack.apps.qkd.e91 import E91_PREPARATION_QUALITY, chsh_from_counts
from qnetstack.quantum import BELL_CORRELATION
from qnetstack.scenario.measured import key_digest

__all__ = ["QkdAppRecord", "bell_figures"]

_PS_PER_S = 1e12
_DIGEST_HEX = 16


@dataclass(slots=True)
class QkdAppRecord:
    """The observed course of one app-run QKD session (Alice = the request's src)."""

    alice: str
    bob: str
    store: KeyStore
    blocks: dict[int, dict[str, BlockReport]] = field(default_factory=dict)
    failures: dict[int, dict[str, KeyBlockFailedIndication]] = field(default_factory=dict)
    digests: dict[str, dict[int, str]] = field(default_factory=dict)
    committed_ps: dict[int, dict[str, int]] = field(default_factory=dict)
    ends: dict[str, QkdSessionEndIndication] = field(default_factory=dict)
    fidelities: list[float] = field(default_factory=list)
    predicted_errors: list[tuple[float, float]] = field(default_factory=list)  # (e_Z, e_X)

    @classmethod
    def between(cls, alice: str, bob: str) -> QkdAppRecord:
        return cls(alice, bob, KeyStore(alice, bob))

    @property
    def finished(self) -> bool:
        """Both ends ended the session, or Alice ended it before any block (the network layer
        refused or ended the request before a pair came: Bob never heard of it)."""
        alice = self.ends.get("alice")
        return len(self.ends) == 2 or (alice is not None and alice.blocks == 0)

    def node_of(self, role: str) -> str:
        return self.alice if role == "alice" else self.bob

    def on_key(self, indication: KeyDeliveredIndication, now_ps: int) -> None:
        node = self.node_of(indication.role)
        block = indication.report.block
        self.blocks.setdefault(block, {})[indication.role] = indication.report
        self.digests.setdefault(indication.role, {})[block] = key_digest(indication.bits)
        self.committed_ps.setdefault(block, {})[indication.role] = now_ps
        self.store.add_block(node, indication.key_id, indication.bits)

    def on_failed(self, indication: KeyBlockFailedIndication) -> None:
        self.failures.setdefault(indication.block, {})[indication.role] = indication
        if indication.report is not None:
            self.blocks.setdefault(indication.block, {})[indication.role] = indication.report

    def on_end(self, indication: QkdSessionEndIndication) -> None:
        self.ends[indication.role] = indication

    # --- results --------------------------------------------------------------------------

    def to_json(self, protocol: str, duration_s: float) -> dict[str, Any]:
        """The request's ``qkd`` entry (the same fields as the runner's one-shot entry, summed
        over blocks, plus the blocks, the key store and the classical traffic)."""
        blocks = [self._block_json(b) for b in sorted(self.blocks)]
        delivered = [b for b in blocks if b["delivered"]]
        alice_end = self.ends.get("alice")
        sample = sum(b["sample_bits"] for b in blocks)
        errors = sum(sum(b["errors_per_basis"]) for b in blocks)
        qber = errors / sample if sample else None
        final = sum(b["secret_length"] for b in delivered)
        latencies = [b["latency_s"] for b in delivered if b["latency_s"] is not None]
        lat_mean, _ = mean_ci95(latencies)
        p50, p95 = percentiles(latencies, (50, 95))
        status = self.store.status()
        failures = [b["failure"] for b in blocks if b["failure"]]
        fid_mean, (fid_lo, fid_hi) = mean_ci95(self.fidelities)
        keys_match = bool(delivered) and all(b["keys_match"] for b in delivered)
        messages = {role: sum(r.messages for per in self.blocks.values()
                              for rr, r in per.items() if rr == role)
                    for role in ("alice", "bob")}  # fmt: skip
        retransmissions = sum(r.retransmissions for per in self.blocks.values()
                              for r in per.values())  # fmt: skip
        all_digests = [
            hashlib.sha256("".join(self.digests.get(role, {}).get(b["block"], "")
                                   for b in delivered).encode()).hexdigest()[:_DIGEST_HEX]
            for role in ("alice", "bob")
        ] if delivered else [None, None]  # fmt: skip
        return {
            "protocol": protocol,
            "engine": "app",
            "success": bool(delivered) and keys_match,
            "failure": None if delivered else (failures[0] if failures else "no_block"),
            "message": f"{len(delivered)} of {len(blocks)} key blocks delivered at both ends",
            "raw_pairs": alice_end.pairs if alice_end else 0,
            "sifted_bits": sum(b["sifted_bits"] for b in blocks),
            "sample_bits": sample,
            "qber": qber,
            "qber_per_basis": self._qber_per_basis(blocks),
            "asymptotic_key_fraction": (
                asymptotic_key_fraction(min(qber, 0.5), preparation_quality=self._quality(protocol))
                if qber is not None
                else None
            ),
            "leak_ec_bits": sum(b["leak_ec_bits"] for b in blocks),
            "verification_tag_bits": sum(b["verification_tag_bits"] for b in delivered),
            "secret_length": final,
            "final_key_length": final,
            "key_rate_bps": final / duration_s if duration_s > 0 else 0.0,
            "keys_match": keys_match,
            "key_digest_alice": all_digests[0],
            "key_digest_bob": all_digests[1],
            "blocks": blocks,
            "blocks_delivered": len(delivered),
            "key_latency_s": {"mean": lat_mean, "p50": p50, "p95": p95},
            "key_store": {
                "master": status.master_sae_id,
                "slave": status.slave_sae_id,
                "key_size": status.key_size,
                "stored_key_count": status.stored_key_count,
                "available_bits": status.available_bits,
                "delivered_blocks": status.delivered_blocks,
                "one_sided_blocks": status.one_sided_blocks,
            },
            "classical": {
                "messages_alice": messages["alice"],
                "messages_bob": messages["bob"],
                "retransmissions": retransmissions,
            },
            "measured_fidelity": {
                "mean": fid_mean,
                "ci95": [fid_lo, fid_hi],
                "n": len(self.fidelities),
            },
            "predicted_qber": self._predicted(),
            "chsh": self._chsh(blocks),
            "session_end": {
                role: {
                    "pairs": end.pairs,
                    "blocks": end.blocks,
                    "keys": end.keys,
                    "error": end.error,
                    "message": end.message,
                }
                for role, end in sorted(self.ends.items())
            },
        }

    def _block_json(self, block: int) -> dict[str, Any]:
        reports = self.blocks[block]
        report = reports.get("alice") or reports["bob"]  # Alice always sees the sample
        failed = self.failures.get(block, {})
        committed = self.committed_ps.get(block, {})
        delivered = len(committed) == 2
        digests = [self.digests.get(role, {}).get(block) for role in ("alice", "bob")]
        first = reports.get("alice", report).started_ps
        latency = (max(committed.values()) - first) / _PS_PER_S if delivered else None
        failure = next((f.reason for f in failed.values()), None)
        if not delivered and failure is None and committed:
            failure = "one_sided"
        return {
            "block": block,
            "pairs": report.pairs,
            "unmatched": report.unmatched,
            "sifted_bits": report.sifted_bits,
            "sample_bits": report.sample_bits,
            "errors_per_basis": list(report.errors_per_basis),
            "sample_per_basis": list(report.sample_per_basis),
            "key_per_basis": list(report.key_per_basis),
            "leak_ec_bits": report.leak_ec_bits,
            "cascade_rounds": report.cascade_rounds,
            "verification_tag_bits": report.verification_tag_bits,
            "secret_length": report.secret_length if delivered else 0,
            "delivered": delivered,
            "keys_match": delivered and digests[0] == digests[1],
            "failure": failure,
            "messages": sum(r.messages for r in reports.values()),
            "retransmissions": sum(r.retransmissions for r in reports.values()),
            "latency_s": latency,
            "chsh_s": report.chsh_s,
        }

    def _chsh(self, blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
        """E91: S measured on all blocks' CHSH rounds; BBM92: S inferred from all blocks'
        samples (Z–Z and X–X rounds), as in ``requests[].chsh``."""
        counts = [[0, 0] for _ in range(4)]
        for per in self.blocks.values():
            report = per.get("alice") or per["bob"]
            for term, (rounds, disagreements) in enumerate(report.chsh_counts):
                counts[term][0] += rounds
                counts[term][1] += disagreements
        if any(n for n, _ in counts):
            s, error, values = chsh_from_counts([(n, d) for n, d in counts])
            correlators = {
                name: {"value": _finite(value), "pairs": n, "alice_angle_rad": angles[0],
                       "bob_angle_rad": angles[1]}
                for name, value, (n, _), angles in zip(
                    E91_TERMS, values, counts, E91_TERM_ANGLES_RAD, strict=True
                )
            }  # fmt: skip
            return {"s": _finite(s), "s_std_error": _finite(error), "violation": s > 2.0,
                    "correlators": correlators, "rounds": [n for n, _ in counts],
                    "method": "measured on the CHSH rounds (E91 settings)"}  # fmt: skip
        (k_z, k_x) = (sum(b["sample_per_basis"][i] for b in blocks) for i in (0, 1))
        (e_z, e_x) = (sum(b["errors_per_basis"][i] for b in blocks) for i in (0, 1))
        if not (k_z and k_x):
            return None
        e_zz, e_xx = 1 - 2 * e_z / k_z, 1 - 2 * e_x / k_x
        inferred = inferred_chsh(e_zz, k_z, e_xx, k_x)
        assert inferred is not None
        s, error = inferred
        correlators = {"ZZ": {"value": e_zz, "pairs": k_z}, "XX": {"value": e_xx, "pairs": k_x}}
        return {"s": s, "s_std_error": error, "violation": s > 2.0, "correlators": correlators,
                "method": "inferred from the disclosed samples' Z/X correlators"}  # fmt: skip

    def _predicted(self) -> dict[str, float | None]:
        """Mean error probability per basis of the pairs, from their ground-truth states."""
        n = len(self.predicted_errors)
        return {
            name: (sum(e[index] for e in self.predicted_errors) / n if n else None)
            for index, name in enumerate(("Z", "X"))
        }

    @staticmethod
    def _quality(protocol: str) -> float:
        return E91_PREPARATION_QUALITY if protocol == "e91" else 1.0

    @staticmethod
    def _qber_per_basis(blocks: list[dict[str, Any]]) -> dict[str, Any]:
        out = {}
        for index, name in enumerate(("Z", "X")):
            sample = sum(b["sample_per_basis"][index] for b in blocks)
            errors = sum(b["errors_per_basis"][index] for b in blocks)
            out[name] = {
                "sample_bits": sample,
                "errors": errors,
                "estimate": errors / sample if sample else None,
            }
        return out


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def bell_figures(state: Any) -> tuple[float, float, float]:
    """``(F, e_Z, e_X)`` of a two-qubit state: its fidelity to the nearest Bell state β and the
    probability that Z (X) outcomes contradict β's correlation.

    Z⊗Z and X⊗X are diagonal in the Bell basis, so ⟨σ_b ⊗ σ_b⟩ = Σ_i λ_i c_b(i) with λ_i the
    Bell-basis populations, for any state: e_b = Σ_{i: c_b(i) ≠ c_b(β)} λ_i exactly. For a
    Werner state both are 2(1 − F)/3.
    """
    getter = state.fidelity_bell if hasattr(state, "fidelity_bell") else state.fidelity
    populations = [float(getter(i)) for i in range(4)]
    frame = max(range(4), key=populations.__getitem__)
    errors = [
        sum(p for i, p in enumerate(populations) if corr[i] != corr[frame])
        for corr in (BELL_CORRELATION["Z"], BELL_CORRELATION["X"])
    ]
    return populations[frame], errors[0], errors[1]
