"""The QKD page's numbers are what the code prints: the post-processing example's comment and
the figures quoted after it, and the QKD table of ``examples/qkd_metro.yaml`` with the sentence
that reads it."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from qnetstack.cli import app

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "apps" / "qkd.md"


def _grouped(n: int) -> str:
    """5-digit and longer numbers as the page writes them (thin groups of three)."""
    return f"{n:,}".replace(",", " ") if n >= 10_000 else str(n)


def test_the_post_processing_example_prints_and_reports_what_the_page_says() -> None:
    text = PAGE.read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    (expected,) = re.findall(r"print\(result\.message\)\s+# (.*)", code)
    scope: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(PAGE), "exec"), scope)
    assert out.getvalue().strip() == expected.strip()
    result = scope["result"]
    quoted = (
        f"Cascade disclosed {_grouped(result.leak_ec_bits)} parities, and "  # type: ignore[attr-defined]
        f"{_grouped(result.final_key_length)} secret"  # type: ignore[attr-defined]
    )
    assert quoted in " ".join(text.split())


def test_the_metro_run_shows_the_qkd_table_the_page_shows(tmp_path: Path) -> None:
    out = tmp_path / "qkd.json"
    result = CliRunner().invoke(
        app, ["run", str(ROOT / "examples" / "qkd_metro.yaml"), "--out", str(out)],
        env={"COLUMNS": "120"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [line.rstrip() for line in result.output.splitlines() if line.startswith("│       0 │")]
    text = PAGE.read_text(encoding="utf-8")
    for row in rows:
        assert row in text
    qkd = json.loads(out.read_text())["requests"][0]["qkd"]
    sentence = (
        f"Cascade disclosed {qkd['leak_ec_bits']} parities, and the finite-key bound left "
        f"{qkd['final_key_length']} secret bits"
    )
    assert sentence in " ".join(text.split())
