"""Trace events → a mermaid sequence diagram and a JSON-able event list.

Why a diagram: a protocol run is a conversation between nodes and heralding stations, and a
sequence diagram is how protocol papers draw one. Every arrow and note here is derived from a
:class:`~qnetstack.runtime.trace.TraceEvent` the run emitted: an arrow is drawn only when the
record names both ends (the station's two nodes for a herald, a ``to``/``dst`` field, the
circuit's path from its ``qnp-setup`` record); everything else is a note over the node that
emitted it. Nothing is invented.

Runs of heralding attempts are collapsed into one "k attempts" note (a lossy link makes
thousands), and a *step* is either one such run or one other event: ``max_steps`` limits
steps, not raw events, so a limit of 50 still reaches the first heralds.

These are pure functions: events in, text or lists out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qnetstack.runtime.trace import TraceEvent

__all__ = [
    "ATTEMPT_KIND",
    "BELL_LABELS",
    "DEFAULT_MAX_STEPS",
    "events_to_json",
    "limit_steps",
    "select_events",
    "sequence_diagram",
    "station_ends",
]

ATTEMPT_KIND = "attempt"
"""Trace kind of one heralding attempt (attempts-mode stations, when recording)."""

DEFAULT_MAX_STEPS = 200
"""Default step limit: a diagram longer than this stops being readable."""

BELL_LABELS = {0: "Φ⁺", 1: "Ψ⁺", 2: "Φ⁻", 3: "Ψ⁻"}
"""Bell index → symbol, in :class:`qnetstack.quantum.BellIndex` numbering."""

_PS_PER_S = 1e12
_PS_PER_US = 1e6
_STATION_PREFIX = "station:"


def events_to_json(events: Iterable[TraceEvent]) -> list[dict[str, Any]]:
    """Events as JSON-able dictionaries with a stable key order.

    Top-level keys are always ``time_ps, time_s, node, layer, kind, data``; ``data`` keys are
    sorted, so the same run writes byte-identical JSON.
    """
    return [
        {
            "time_ps": event.time_ps,
            "time_s": event.time_ps / _PS_PER_S,
            "node": event.node,
            "layer": event.layer,
            "kind": event.kind,
            "data": {key: event.data[key] for key in sorted(event.data)},
        }
        for event in events
    ]


def station_ends(station: str, nodes: Iterable[str] = ()) -> tuple[str, str] | None:
    """The two nodes of heralding station ``station:a-b``, or ``None`` if it is not one.

    Node names may contain ``-``: a split where both halves are in ``nodes`` wins; without
    one, the name is split only if it has a single ``-``.
    """
    if not station.startswith(_STATION_PREFIX):
        return None
    rest = station[len(_STATION_PREFIX) :]
    known = set(nodes)
    splits = [(rest[:i], rest[i + 1 :]) for i, c in enumerate(rest) if c == "-"]
    splits = [(a, b) for a, b in splits if a and b]
    for a, b in splits:
        if a in known and b in known:
            return a, b
    return splits[0] if len(splits) == 1 else None


def select_events(
    events: Iterable[TraceEvent],
    *,
    nodes: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> list[TraceEvent]:
    """Events of the given nodes and kinds (``None``: all).

    A station counts as one of ``nodes`` when either of its two nodes is listed, so
    ``--nodes alice`` keeps the heralds alice receives.
    """
    wanted_nodes = None if nodes is None else set(nodes)
    wanted_kinds = None if kinds is None else set(kinds)
    selected = []
    for event in events:
        if wanted_kinds is not None and event.kind not in wanted_kinds:
            continue
        if wanted_nodes is not None and event.node not in wanted_nodes:
            ends = station_ends(event.node, wanted_nodes)
            if ends is None or not wanted_nodes & set(ends):
                continue
        selected.append(event)
    return selected


def limit_steps(events: Sequence[TraceEvent], max_steps: int) -> tuple[list[TraceEvent], bool]:
    """The events of the first ``max_steps`` steps, and whether any event was left out.

    A step is one non-attempt event or one run of attempts (same station and tag): the run's
    later attempts belong to the step of its first one.
    """
    if max_steps < 1:
        raise ValueError(f"max_steps must be >= 1, got {max_steps}")
    kept: list[TraceEvent] = []
    steps = 0
    open_runs: set[tuple[str, Any]] = set()
    for event in events:
        if event.kind == ATTEMPT_KIND:
            key = (event.node, event.data.get("tag"))
            if key not in open_runs:
                if steps == max_steps:
                    return kept, True
                steps += 1
                open_runs.add(key)
            kept.append(event)
            if event.data.get("success"):
                open_runs.discard(key)
            continue
        if steps == max_steps:
            return kept, True
        steps += 1
        kept.append(event)
    return kept, False


class _Diagram:
    """Accumulates participants and lines; one instance per diagram."""

    def __init__(self, events: Sequence[TraceEvent], known_nodes: Sequence[str]) -> None:
        self.ids: dict[str, str] = {}
        self.lines: list[str] = []
        self.node_names = list(known_nodes) or [
            e.node for e in events if not e.node.startswith(_STATION_PREFIX)
        ]
        self.paths: dict[tuple[Any, Any], list[str]] = {}
        self.attempts: dict[tuple[str, Any], list[TraceEvent]] = {}
        self.order: list[str] = []
        for event in events:
            self._participant_order(event.node)

    def _participant_order(self, name: str) -> None:
        """Stations sit between their two nodes, so herald arrows stay short."""
        if name in self.order:
            return
        ends = station_ends(name, self.node_names)
        if ends is not None:
            for end in ends:
                self._participant_order(end)
            self.order.insert(self.order.index(ends[0]) + 1, name)
        else:
            self.order.append(name)

    def pid(self, name: str) -> str:
        if name not in self.ids:
            base = re.sub(r"\W", "_", name) or "node"
            candidate = base
            while candidate in self.ids.values():
                candidate += "_"
            self.ids[name] = candidate
            if name not in self.order:
                self.order.append(name)
        return self.ids[name]

    def note(self, event: TraceEvent, text: str, *, over: Sequence[str] = ()) -> None:
        names = [event.node, *[n for n in over if n != event.node]]
        targets = ",".join(self.pid(n) for n in names[:2])
        self.lines.append(f"    Note over {targets}: {_stamp(event.time_ps)} {_clean(text)}")

    def arrow(self, event: TraceEvent, src: str, dst: str, text: str, arrow: str = "-)") -> None:
        line = f"    {self.pid(src)}{arrow}{self.pid(dst)}: {_stamp(event.time_ps)} {_clean(text)}"
        self.lines.append(line)

    def flush_attempts(self, node: str, tag: Any) -> None:
        run = self.attempts.pop((node, tag), None)
        if not run:
            return
        first, last = run[0], run[-1]
        count = len(run)
        noun = "attempt" if count == 1 else "attempts"
        span = f"{first.time_ps / _PS_PER_US:.3f}–{last.time_ps / _PS_PER_US:.3f} µs"
        ended = ", the last one heralded" if last.data.get("success") else ""
        self.lines.append(
            f"    Note over {self.pid(node)}: {_clean(f'{count} {noun} ({span}){ended}')}"
        )

    def render(self, truncated: bool, total_note: str) -> str:
        ids = {name: self.pid(name) for name in self.order}
        head = ["sequenceDiagram"]
        for name in self.order:
            head.append(f"    participant {ids[name]} as {_clean(name)}")
        tail = []
        if truncated:
            first = self.pid(self.order[0]) if self.order else "trace"
            last = self.pid(self.order[-1]) if self.order else "trace"
            over = first if first == last else f"{first},{last}"
            tail.append(f"    Note over {over}: {_clean(total_note)}")
        return "\n".join(head + self.lines + tail) + "\n"


def _stamp(time_ps: int) -> str:
    return f"[{time_ps / _PS_PER_US:.3f} µs]"


def _clean(text: str) -> str:
    """Mermaid-safe label: ``;`` ends a statement and ``#`` starts an entity code."""
    return text.replace(";", ",").replace("#", "no. ").replace("\n", " ")


def _pair(value: Any) -> str:
    """``[origin, request_id, sequence]`` → ``origin/r0/3``."""
    if isinstance(value, list | tuple) and len(value) == 3:
        return f"{value[0]}/r{value[1]}/{value[2]}"
    return str(value)


def _bell(value: Any) -> str:
    return BELL_LABELS.get(value, str(value)) if isinstance(value, int) else str(value)


def _circuit(data: Mapping[str, Any]) -> str:
    return f"{data.get('head', '?')}/r{data.get('request_id', '?')}"


def _short(data: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={data[key]}" for key in sorted(data))


def _draw(d: _Diagram, event: TraceEvent) -> None:
    """The diagram lines of one event."""
    data, kind, node = event.data, event.kind, event.node
    if kind == "egp-create":
        d.arrow(
            event, node, node, f"CREATE r{data.get('request_id')}: {_pairs(data.get('number'))}"
        )
    elif kind == "link-start":
        job = f"r{data.get('request_id')}: {_pairs(data.get('number'))}"
        if data.get("origin") == node:
            d.arrow(event, node, node, f"CREATE {job}")
        else:
            d.note(event, f"joins the link job of {data.get('origin')}/{job}")
    elif kind == "herald":
        text = f"herald: pair {data.get('pair_id')} in {_bell(data.get('bell_index'))}"
        text += f" after {data.get('attempts')} attempts"
        ends = station_ends(node, d.node_names)
        if ends is None:
            d.note(event, text)
        else:
            for end in ends:
                d.arrow(event, node, end, text)
    elif kind == "herald-discarded":
        d.note(
            event, f"discarded a herald (tag {data.get('tag')}) for link to {data.get('remote')}"
        )
    elif kind == "out-of-memory":
        d.note(event, f"out of memory for a pair with {data.get('remote')}")
    elif kind == "egp-error":
        d.note(
            event,
            f"⚠ link error {data.get('code')} on {data.get('origin')}/r{data.get('request_id')}",
        )
    elif kind == "qnp-setup":
        path = [str(n) for n in data.get("path", [])]
        d.paths[(data.get("head"), data.get("request_id"))] = path
        d.note(
            event, f"circuit {_circuit(data)}: {_pairs(data.get('number'))} over {' → '.join(path)}"
        )
    elif kind == "qnp-install":
        path = d.paths.get((data.get("head"), data.get("request_id")), [])
        index = data.get("index")
        if isinstance(index, int) and 0 < index < len(path):
            tail = " (tail)" if data.get("tail") else ""
            d.arrow(event, path[index - 1], node, f"SETUP {_circuit(data)}{tail}")
        else:
            d.note(event, f"installed circuit {_circuit(data)}")
    elif kind == "qnp-link-create":
        remote = str(data.get("remote"))
        text = f"link CREATE: {_pairs(data.get('number'))} with {remote}"
        d.note(event, text + f", F ≥ {_num(data.get('min_fidelity'))}", over=[remote])
    elif kind == "qnp-swap":
        d.note(event, f"swap {_pair(data.get('left'))} × {_pair(data.get('right'))}")
    elif kind == "qnp-record":
        d.arrow(event, node, str(data.get("to")), f"swap record (outcome {data.get('outcome')})")
    elif kind == "qnp-deliver":
        bell = _bell(data.get("bell_index"))
        text = f"deliver pair {data.get('sequence')} of {_circuit(data)} as {bell}"
        head = data.get("head")
        if "goodness" in data and isinstance(head, str) and head != node:
            d.arrow(event, node, head, text + f", goodness {_num(data.get('goodness'))}")
        else:
            d.note(event, text)
    elif kind == "qnp-purify":
        d.note(
            event,
            f"purify level {data.get('level')}: keep {_pair(data.get('keep'))}, "
            f"sacrifice {_pair(data.get('sacrifice'))}",
        )
    elif kind == "qnp-purify-result":
        outcome = "success" if data.get("success") else "failure"
        d.note(
            event, f"purification level {data.get('level')} of {_pair(data.get('keep'))}: {outcome}"
        )
    elif kind == "qnp-purify-give-up":
        d.note(
            event,
            f"⚠ gave up purifying {_pair(data.get('pair'))} "
            f"(estimate {_num(data.get('estimate'))})",
        )
    elif kind == "qnp-end":
        d.note(
            event,
            f"circuit {_circuit(data)} ends: {data.get('code')}, {data.get('delivered')} delivered",
        )
    elif kind == "qnp-refused":
        d.note(event, f"⚠ request {_circuit(data)} refused: {data.get('code')}")
    elif kind == "qnp-link-error":
        d.note(event, f"⚠ link error {data.get('code')} on circuit {_circuit(data)}")
    elif kind in ("qnp-release", "qnp-cutoff", "qnp-e2e-cutoff", "qnp-discard"):
        why = kind.removeprefix("qnp-")
        d.note(event, f"released {_pair(data.get('pair'))} ({why})")
    elif kind == "qnp-discard-forward":
        d.note(
            event,
            f"discard {_pair(data.get('pair'))}, "
            f"forward the discard of {_pair(data.get('forward'))}",
        )
    elif kind == "lost":
        d.arrow(event, node, str(data.get("dst")), f"{data.get('pdu')} lost", arrow="-x")
    else:
        d.note(event, f"{kind}: {_short(data)}")


def _pairs(number: Any) -> str:
    return "1 pair" if number == 1 else f"{number} pairs"


def _num(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def sequence_diagram(
    events: Sequence[TraceEvent],
    *,
    nodes: Sequence[str] = (),
    truncated: bool = False,
    truncated_note: str = "… trace truncated",
) -> str:
    """A mermaid ``sequenceDiagram`` of ``events`` (in the order given).

    Args:
        events: Trace events, in time order (already selected and limited).
        nodes: The scenario's node names, to split station names; default: the nodes that
            emitted events.
        truncated: Add ``truncated_note`` at the end (the run went on beyond ``events``).
        truncated_note: The text of that note.
    """
    d = _Diagram(events, nodes)
    for event in events:
        if event.kind == ATTEMPT_KIND:
            key = (event.node, event.data.get("tag"))
            d.attempts.setdefault(key, []).append(event)
            if event.data.get("success"):
                d.flush_attempts(*key)
            continue
        if event.kind == "herald":
            d.flush_attempts(event.node, event.data.get("tag"))
        _draw(d, event)
    for node, tag in list(d.attempts):
        d.flush_attempts(node, tag)
    return d.render(truncated, truncated_note)
