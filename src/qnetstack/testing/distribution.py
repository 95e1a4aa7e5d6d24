"""Entry points without ``pip install``: a minimal distribution on ``sys.path``, for tests.

``importlib.metadata`` finds installed packages by their ``*.dist-info`` directories on
``sys.path``; :func:`fake_distribution` writes one (metadata and ``entry_points.txt`` only), so
a plugin package's tests can check that its entry points register and run from YAML exactly as
after ``pip install``, in a temporary directory, without touching the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["fake_distribution"]


def fake_distribution(
    directory: Path,
    name: str,
    entry_points: Mapping[str, Mapping[str, str]],
    version: str = "0.0.0",
) -> Path:
    """Write ``<name>-<version>.dist-info`` into ``directory`` and return ``directory``.

    Args:
        directory: Put it on ``sys.path`` (``monkeypatch.syspath_prepend``) or ``PYTHONPATH``
            afterwards, together with the directory the package's modules import from.
        name: The distribution's name.
        entry_points: Group → entry-point name → ``"module:attribute"``.
    """
    info = directory / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, points in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{ep} = {value}" for ep, value in points.items()]
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return directory
