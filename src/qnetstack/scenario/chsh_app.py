"""What the scenario runner observes of a CHSH request served by the ``chsh`` app.

A ``chsh: true`` request without ``qkd`` opens a session on the source's ``chsh`` app
(:class:`~qnetstack.apps.BellTestSessionRequest`); the app measures the pairs, brings both
ends' records together over the classical channels and indicates the figures at both ends.
:class:`ChshAppRecord` keeps both ends' indications, and — as the one place ground truth
enters — the fidelity of each pair at its first measurement (handed in by the pair store's
measure observer), which the request reports as its ``fidelity``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qnetstack.apps import BellTestResultIndication

__all__ = ["ChshAppRecord"]


@dataclass(slots=True)
class ChshAppRecord:
    """The observed course of one app-run CHSH test (Alice = the request's src)."""

    alice: str
    bob: str
    ends: dict[str, BellTestResultIndication] = field(default_factory=dict)
    fidelities: list[float] = field(default_factory=list)
    predicted_errors: list[tuple[float, float]] = field(default_factory=list)  # (e_Z, e_X)

    @property
    def finished(self) -> bool:
        """Both ends reported, or Alice ended the test before any pair (Bob never heard)."""
        alice = self.ends.get("alice")
        return len(self.ends) == 2 or (alice is not None and alice.pairs == 0)

    def on_result(self, indication: BellTestResultIndication) -> None:
        self.ends[indication.role] = indication

    def chsh_json(self) -> dict[str, Any] | None:
        """The request's ``chsh`` entry: Alice's figures (Bob's are the same when both ends
        finished; a field says whether they agree), or None without figures."""
        alice = self.ends.get("alice")
        if alice is None or alice.summary is None:
            return None
        bob = self.ends.get("bob")
        entry = dict(alice.summary)
        entry["engine"] = "app"
        entry["both_ends_agree"] = bob is not None and bob.summary == alice.summary
        return entry

    def sifted(self) -> dict[str, list[int]]:
        """``basis -> [pairs, errors]`` of the equal-basis rounds (Z/X settings), from the
        correlators E = 1 − 2·errors/pairs the app reported."""
        entry = self.chsh_json()
        out: dict[str, list[int]] = {}
        if entry is None:
            return out
        for name, basis in (("ZZ", "Z"), ("XX", "X")):
            corr = entry.get("correlators", {}).get(name)
            if corr and corr.get("pairs") and corr.get("value") is not None:
                pairs = int(corr["pairs"])
                out[basis] = [pairs, round(pairs * (1 - corr["value"]) / 2)]
        return out
