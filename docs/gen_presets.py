"""mkdocs hook: generate the NV preset reference from the code.

A page containing ``<!-- gen:nv-presets -->`` gets, in its place, one section per preset of
:func:`qnetstack.physical.nv.list_presets`: its description, reference geometry and a table of
every value with unit, source and provenance tag (:func:`qnetstack.physical.nv.preset_table`),
i.e. what ``qnetstack presets show NAME`` prints. Generating it keeps the page and the shipped
``presets.json`` from drifting apart.
"""

from __future__ import annotations

from typing import Any

_MARKER = "<!-- gen:nv-presets -->"


def _cell(text: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _km(km: float) -> str:
    return f"{km * 1000:g} m" if km < 1.0 else f"{km:g} km"


def presets_markdown() -> str:
    """One section and table per NV preset."""
    from qnetstack.physical.nv import (
        list_presets,
        load_preset,
        preset_description,
        preset_reference_arms_km,
        preset_table,
    )

    parts = []
    for name in list_presets():
        arm_a, arm_b = preset_reference_arms_km(name)
        protocol = load_preset(name).protocol
        lines = [
            f"## `{name}`",
            "",
            _cell(preset_description(name)),
            "",
            f"Protocol `{protocol}`; reference geometry {_km(arm_a)} (node_a) + {_km(arm_b)} "
            "(node_b) of fibre to the station.",
            "",
            "| path | value | unit | source | tag |",
            "|---|---|---|---|---|",
        ]
        for row in preset_table(name):
            lines.append(
                f"| `{row.path}` | `{_cell(row.value)}` | {_cell(row.unit)} | "
                f"{_cell(row.source)} | {row.tag} |"
            )
        parts.append("\n".join([*lines, ""]))
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace this hook's marker with the generated preset tables."""
    if _MARKER in markdown:
        markdown = markdown.replace(_MARKER, presets_markdown())
    return markdown
