"""Trace events in plain words, for ``qnetstack run --explain``.

Why: a newcomer learns a protocol stack fastest by reading what it did, step by step, in
sentences rather than records. :data:`TEMPLATES` maps each trace kind to a sentence with
``{field}`` placeholders filled from the event's data (plus a few derived fields, see
:func:`explain_event`); a kind without a template, or a record missing a field its template
uses, falls back to ``kind: data`` so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qnetstack.analysis.sequence import ATTEMPT_KIND, BELL_LABELS, station_ends
from qnetstack.runtime.trace import TraceEvent

__all__ = ["TEMPLATES", "Explainer", "explain_event", "format_line"]

_PS_PER_US = 1e6

TEMPLATES: dict[str, str] = {
    # link layer
    "egp-create": "asked its link layer for {number} pair(s) (request {request_id})",
    "link-start": "started making {number} pair(s) for request {request_id} of {origin}",
    "egp-error": "link request {request_id} of {origin} ended with error {code}",
    "out-of-memory": "has no free memory slot for a pair with {remote}, so it waits",
    # physical layer
    "attempt": "attempt {attempt} (tag {tag}): {attempt_result}",
    "herald": "heralded a pair after {attempts} attempts (Bell state {bell}); told {ends}",
    "herald-discarded": (
        "dropped its half of a heralded pair from the link to {remote} (tag {tag}): "
        "the request had ended meanwhile"
    ),
    # network layer
    "qnp-setup": (
        "set up circuit {circuit} for {number} pair(s) along {path_text}; "
        "each hop needs fidelity ≥ {hop_fidelity:.4f}"
    ),
    "qnp-install": "joined circuit {circuit} as node {index} of its path{tail_text}",
    "qnp-refused": "refused request {request_id}: {code}",
    "qnp-link-create": (
        "asked its link layer for {number} pair(s) with {remote} at fidelity ≥ {min_fidelity:.4f}"
    ),
    "qnp-link-error": "got link error {code} on circuit {circuit} and aborts it",
    "qnp-swap": "started swapping its halves of pairs {left} and {right}",
    "qnp-record": "swapped (Bell-measurement outcome {outcome}); told {to}",
    "qnp-deliver": "delivered pair {sequence} of circuit {circuit} in Bell state {bell}",
    "qnp-purify": "purifies at level {level}: keeps {keep}, sacrifices {sacrifice}",
    "qnp-purify-result": "purification of {keep} at level {level}: {success_text}",
    "qnp-purify-give-up": (
        "gave up purifying {pair}: estimated fidelity {estimate:.4f} stays below {target:.4f}"
    ),
    "qnp-end": "circuit {circuit} ended ({code}) with {delivered} pair(s) delivered",
    "qnp-release": "freed its half of pair {pair} (circuit closed)",
    "qnp-cutoff": "discarded pair {pair}: it waited longer than the cutoff",
    "qnp-e2e-cutoff": "discarded end-to-end pair {pair}: it got too old",
    "qnp-discard": "discarded pair {pair} (its partner pair was discarded)",
    "qnp-discard-forward": "discarded pair {pair} and told its neighbour to discard {forward}",
    # runtime
    "lost": "a {pdu} message to {dst} was lost in the fibre",
}
"""Trace kind → sentence template (``str.format`` syntax)."""


def _fields(event: TraceEvent) -> dict[str, Any]:
    """The event's data plus derived fields the templates use."""
    data: dict[str, Any] = dict(event.data)
    for key, value in event.data.items():
        if isinstance(value, list) and len(value) == 3:  # an entanglement id
            data[key] = f"{value[0]}/r{value[1]}/{value[2]}"
    if "bell_index" in data:
        data["bell"] = BELL_LABELS.get(data["bell_index"], str(data["bell_index"]))
    if "head" in data and "request_id" in data:
        data["circuit"] = f"{data['head']}/r{data['request_id']}"
    if isinstance(event.data.get("path"), list):
        data["path_text"] = " → ".join(str(n) for n in event.data["path"])
    ends = station_ends(event.node)
    if ends is not None:
        data["ends"] = f"{ends[0]} and {ends[1]}"
    if "success" in data:
        data["attempt_result"] = "heralded" if data["success"] else "no herald"
        data["success_text"] = "success" if data["success"] else "failure, both pairs lost"
    if "tail" in data:
        data["tail_text"] = " (its tail end)" if data["tail"] else ""
    return data


def explain_event(event: TraceEvent, templates: Mapping[str, str] = TEMPLATES) -> str:
    """One sentence for ``event``; ``kind: data`` when no template fits."""
    template = templates.get(event.kind)
    if template is not None:
        try:
            return template.format_map(_fields(event))
        except (KeyError, ValueError, TypeError, IndexError):
            pass  # a record without a field the template needs: show it raw
    details = ", ".join(f"{key}={event.data[key]!r}" for key in sorted(event.data))
    return f"{event.kind}: {details}" if details else event.kind


def format_line(event: TraceEvent, sentence: str | None = None, width: int = 18) -> str:
    """``t = 12.345 µs  station:alice-bob  heralded a pair …`` (default: explain ``event``)."""
    text = explain_event(event) if sentence is None else sentence
    return f"t = {event.time_ps / _PS_PER_US:12.3f} µs  {event.node:<{width}} {text}"


class Explainer:
    """A trace subscriber keeping the sentences of the first ``max_steps`` steps.

    A step is one event, or one run of attempts (counted once, shown with its latest count)
    — the same unit as ``qnetstack trace --max-events``. Later events only set
    :attr:`truncated`, so a long run costs no memory. :attr:`lines` pads the node column to
    the longest node name seen.
    """

    def __init__(self, max_steps: int) -> None:
        if max_steps < 1:
            raise ValueError(f"max_steps must be >= 1, got {max_steps}")
        self.max_steps = max_steps
        self.truncated = False
        self._entries: list[tuple[TraceEvent, str]] = []
        self._steps = 0
        self._runs: dict[tuple[str, Any], int] = {}  # open attempt run → its entry index

    @property
    def lines(self) -> list[str]:
        """One formatted line per kept step, in time order."""
        width = max((len(event.node) for event, _ in self._entries), default=0)
        return [format_line(event, sentence, width) for event, sentence in self._entries]

    def __call__(self, event: TraceEvent) -> None:
        if event.kind == ATTEMPT_KIND:
            key = (event.node, event.data.get("tag"))
            index = self._runs.get(key)
            if index is None:
                if not self._take():
                    return
                index = self._runs[key] = len(self._entries)
                self._entries.append((event, ""))
            verb = "made" if event.data.get("success") else "has made"
            sentence = f"{verb} {event.data.get('attempt')} heralding attempt(s) (tag {key[1]})"
            self._entries[index] = (event, sentence)
            if event.data.get("success"):
                del self._runs[key]
            return
        if self._take():
            self._entries.append((event, explain_event(event)))

    def _take(self) -> bool:
        if self._steps >= self.max_steps:
            self.truncated = True
            return False
        self._steps += 1
        return True
