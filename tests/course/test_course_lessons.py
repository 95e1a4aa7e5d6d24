"""The course never rots: every lesson's command runs and prints what the docs show.

Each lesson page includes ``examples/course/expected/NN.txt`` (the checked-in, seeded output);
this test runs the lesson's command and compares its standard output with that file, after
masking wall-clock times. Regenerate the files after an intended change with
``QNETSTACK_UPDATE_EXPECTED=1 python -m pytest tests/course``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "examples" / "course" / "expected"
QNETSTACK = [sys.executable, "-m", "qnetstack.cli"]

LESSONS: dict[str, tuple[list[str], Path]] = {
    "01": ([sys.executable, "examples/course/01_bell_pairs.py"], ROOT),
    "02": ([sys.executable, "examples/course/02_heralding.py"], ROOT),
    "03": ([*QNETSTACK, "run", "examples/link_lab2018.yaml"], ROOT),
    "04": ([sys.executable, "examples/course/04_memory_and_cutoffs.py"], ROOT),
    "05": ([*QNETSTACK, "run", "examples/network_chain.yaml"], ROOT),
    "06": ([*QNETSTACK, "run", "examples/network_purification.yaml"], ROOT),
    "07": ([*QNETSTACK, "compare-routing", "examples/course/07_routing.yaml"], ROOT),
    "08": ([*QNETSTACK, "run", "examples/qkd_chain.yaml"], ROOT),
    "09": ([sys.executable, "examples/course/09_my_plugin.py"], ROOT),
}

_WALL = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)? s wall")


def normalise(text: str) -> str:
    """Mask what legitimately changes between runs (wall-clock times)."""
    return _WALL.sub("<wall> s wall", text).rstrip() + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_lesson_output_matches_the_docs(lesson: str) -> None:
    command, cwd = LESSONS[lesson]
    env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "120", "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    output = normalise(done.stdout)
    expected = EXPECTED / f"{lesson}.txt"
    if os.environ.get("QNETSTACK_UPDATE_EXPECTED"):
        expected.write_text(output, encoding="utf-8")
    assert output == expected.read_text(encoding="utf-8"), (
        f"lesson {lesson}'s output changed; if intended, regenerate with "
        "QNETSTACK_UPDATE_EXPECTED=1 python -m pytest tests/course"
    )


def test_every_lesson_page_includes_its_expected_output() -> None:
    pages = sorted((ROOT / "docs" / "course").glob("[0-9][0-9]-*.md"))
    assert [p.name[:2] for p in pages] == sorted(LESSONS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert f'--8<-- "examples/course/expected/{page.name[:2]}.txt"' in text, page.name
