"""mkdocs hook: stand-in pages for nav entries whose real page is written elsewhere.

``benchmarks.md`` is written with the kernel benchmark (``benchmarks/kernel.py``). Until it
exists, this hook adds a short generated page so that ``mkdocs build --strict`` (which rejects
nav entries without a file) keeps passing. Once the real file is there, this hook does nothing.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

_STUBS = {
    "benchmarks.md": (
        "# Benchmarks\n\n"
        "Figures from `benchmarks/kernel.py` (chained and bulk-scheduled events per second, "
        "against a bare `heapq` loop) go here. Run it yourself with:\n\n"
        "```bash\npython benchmarks/kernel.py\n```\n"
    ),
}


def on_files(files: Files, config: Any) -> Files:
    """Add a generated stand-in for every missing stub page."""
    for path, content in _STUBS.items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))
    return files
