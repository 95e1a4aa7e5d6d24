"""mkdocs hook: state diagrams generated from the protocols' transition tables.

A page writes ``<!-- gen:state-diagram module.path:TABLE module.path:StateEnum -->`` and gets a
mermaid ``stateDiagram-v2`` block built by ``transitions``' ``GraphMachine`` with
``graph_engine="mermaid"`` from that table, followed by the table itself. The diagram is never
drawn by hand, so it cannot drift from the code. The initial state is taken to be the first
member of the state enum (true of every protocol so far).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_MARKER = re.compile(r"<!-- gen:state-diagram (\S+):(\S+) (\S+):(\S+) -->")
# GraphMachine's mermaid output carries a title front-matter and highlighting classes for the
# model's *current* state; neither belongs in a static diagram.
_DROP = re.compile(r"^\s*(classDef |Class |class |---|State Machine|title:)")


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def _mermaid(transitions_table: list[dict[str, Any]], states: Any) -> str:
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    model = _Model()
    GraphMachine(
        model=model,
        states=states,
        transitions=transitions_table,
        initial=next(iter(states)),
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
    )
    source = model.get_graph().draw(None)  # type: ignore[attr-defined]
    lines = [line.rstrip() for line in str(source).splitlines() if not _DROP.match(line)]
    return "\n".join(line for line in lines if line.strip())


def _callbacks(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if not value:
        return ""
    values = value if isinstance(value, list) else [value]
    return ", ".join(f"`{v}`" for v in values)


def _table(transitions_table: list[dict[str, Any]]) -> str:
    lines = [
        "| trigger | source | dest | conditions | before | after |",
        "|---|---|---|---|---|---|",
    ]
    for row in transitions_table:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        source = ", ".join(f"`{getattr(s, 'name', s)}`" for s in sources)
        dest = f"`{getattr(row['dest'], 'name', row['dest'])}`"
        callbacks = [_callbacks(row, key) for key in ("conditions", "before", "after")]
        cells = [f"`{row['trigger']}`", source, dest, *callbacks]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _render(match: re.Match[str]) -> str:
    table = _load(match.group(1), match.group(2))
    states = _load(match.group(3), match.group(4))
    source = f"`{match.group(1)}.{match.group(2)}`"
    return (
        f"```mermaid\n{_mermaid(table, states)}\n```\n\n"
        f"Generated at build time from {source}; the initial state is "
        f"`{next(iter(states)).name}`. A condition in brackets is a guard: when it holds, that "
        f"row wins; otherwise the next row with the same trigger is tried.\n\n"
        f"{_table(table)}\n"
    )


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace every state-diagram marker of the page."""
    return _MARKER.sub(_render, markdown)
