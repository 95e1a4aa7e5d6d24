"""mkdocs hook: tables of a layer's primitives and PDUs, generated from the dataclasses.

A page writes ``<!-- gen:dataclasses module.path -->`` and gets one table per frozen dataclass
in that module's ``__all__`` (class, its docstring's first paragraph, each field with its type
and default). The service definition in the docs therefore cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from typing import Any

_MARKER = re.compile(r"<!-- gen:dataclasses (\S+) -->")


def _first_paragraph(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split()).replace("``", "`")


def _field_docs(cls: type) -> dict[str, str]:
    """Field descriptions from a Google-style ``Attributes:`` section."""
    doc = inspect.getdoc(cls) or ""
    if "Attributes:" not in doc:
        return {}
    section = doc.split("Attributes:", 1)[1]
    docs: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        match = re.match(r"^\s{4}(\w+): (.*)$", line)
        if match:
            current = match.group(1)
            docs[current] = match.group(2).strip()
        elif current and line.startswith("        "):
            docs[current] += " " + line.strip()
        elif line.strip() and not line.startswith(" "):
            break
    return {k: v.replace("``", "`").replace("|", "\\|") for k, v in docs.items()}


def _render(match: re.Match[str]) -> str:
    module = importlib.import_module(match.group(1))
    parts = []
    for name in getattr(module, "__all__", []):
        cls = getattr(module, name)
        if not (inspect.isclass(cls) and dataclasses.is_dataclass(cls)):
            continue
        docs = _field_docs(cls)
        lines = [f"#### `{name}`", "", _first_paragraph(cls), ""]
        fields = dataclasses.fields(cls)
        if fields:
            lines += ["| field | type | default | meaning |", "|---|---|---|---|"]
            for f in fields:
                default = ""
                if f.default is not dataclasses.MISSING:
                    default = f"`{f.default!r}`"
                kind = str(f.type).replace(" | ", " or ")
                lines.append(f"| `{f.name}` | `{kind}` | {default} | {docs.get(f.name, '')} |")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return _MARKER.sub(_render, markdown)
