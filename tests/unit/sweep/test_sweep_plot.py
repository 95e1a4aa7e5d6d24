"""``qnetstack plot sweep``: aggregation over seeds (mean, Student-t 95 % CI) and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from qnetstack.analysis.sweep_plot import aggregate
from qnetstack.commands.plot import plot_app

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Stand-in for the qnetstack root command."""

    app.add_typer(plot_app, name="plot")
    return app


def _line(x: float, y: float | None, hue: str, seed_index: int, **extra: Any) -> dict[str, Any]:
    return {
        "key": f"{x}-{hue}-{seed_index}-{extra.get('base', 'b1')}",
        "base": "b1",
        "set": {"x": x, "kind": hue},
        "seed_index": seed_index,
        "status": "ok",
        "error": None,
        "throughput_hz": y,
        "label": "text",
        **extra,
    }


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_aggregate_is_mean_and_student_t_interval_over_seeds() -> None:
    rows = [(1.0, 1.0, "a"), (1.0, 2.0, "a"), (1.0, 3.0, "a"), (2.0, 5.0, "a"), (2.0, None, "a")]
    (series,) = aggregate(rows)
    first, second = series.points
    half = 4.3027 * 1.0 / math.sqrt(3)  # t(0.975, 2 dof) · s / √n with s = 1
    assert first.y.mean == pytest.approx(2.0)
    assert first.y.low == pytest.approx(2.0 - half)
    assert first.y.high == pytest.approx(2.0 + half)
    assert (second.y.mean, second.y.n, second.y.low) == (5.0, 1, None)  # None not counted


def test_aggregate_orders_numbers_and_keeps_text_in_first_seen_order() -> None:
    series = aggregate([(10, 1.0, "b"), (2, 1.0, "a"), ("z", 1.0, None), ("y", 1.0, None)])
    assert [s.hue for s in series] == ["b", "a", None]  # mixed kinds: first seen first
    numeric = aggregate([(10, 1.0, None), (2, 2.0, None)])
    assert [p.x for p in numeric[0].points] == [2, 10]
    text = aggregate([("z", 1.0, None), ("y", 2.0, None)])
    assert [p.x for p in text[0].points] == ["z", "y"]


def test_plot_short_form_hue_and_failed_points(tmp_path: Path) -> None:
    lines = [_line(x, x * 10 + s, k, s) for x in (1, 2) for k in ("a", "b") for s in range(3)]
    lines.append(_line(3, None, "a", 0, status="failed", error="boom"))
    results = _write(tmp_path / "r.jsonl", lines)
    out = tmp_path / "p.png"
    args = ["plot", str(results), "--x", "x", "--y", "throughput_hz", "--hue", "kind"]
    result = runner.invoke(_app(), [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 line(s), 4 points, 12 runs" in result.output
    assert "1 failed or invalid point(s) left out" in result.output
    assert out.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--x", "x", "--y", "throughput_hz"], "vary kind too ('a', 'b')"),
        (["--x", "x", "--y", "label", "--hue", "kind"], "--y: label is not numeric"),
        (["--x", "nope", "--y", "throughput_hz"], "--x: no field 'nope'"),
        (["--x", "x", "--y", "throughput_hz", "--where", "kind=c"], "no point has this value"),
        (["--x", "x", "--y", "throughput_hz", "--where", "kind"], "write FIELD=VALUE"),
        (["--x", "kind", "--y", "throughput_hz", "--hue", "x", "--log-x"], "--log-x needs numeric"),
        (["--x", "x", "--y", "throughput_hz", "--out", "p.pdf"], "unsupported file type '.pdf'"),
    ],
)
def test_bad_plot_options_are_one_message_exit_2(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    lines = [_line(x, 1.0, k, 0) for x in (1, 2) for k in ("a", "b")]
    results = _write(tmp_path / "r.jsonl", lines)
    out = ["--out", str(tmp_path / "p.png")] if "--out" not in extra else []
    result = runner.invoke(_app(), ["plot", "sweep", str(results), *extra, *out])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_two_sweeps_in_one_file_need_a_where_base(tmp_path: Path) -> None:
    lines = [_line(x, 1.0, "a", 0) for x in (1, 2)]
    lines += [_line(x, 2.0, "a", 0, base="b2") for x in (1, 2)]
    results = _write(tmp_path / "r.jsonl", lines)
    args = ["plot", str(results), "--x", "x", "--y", "throughput_hz", "--out"]
    mixed = runner.invoke(_app(), [*args, str(tmp_path / "p.png")])
    assert mixed.exit_code == 2
    assert "2 different base scenarios (b1, b2)" in mixed.output
    picked = runner.invoke(_app(), [*args, str(tmp_path / "p.svg"), "--where", "base=b2"])
    assert picked.exit_code == 0, picked.output
    assert "1 line(s), 2 points, 2 runs" in picked.output


def test_rate_fidelity_subcommand_still_dispatches(tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["plot", "rate-distance", "--preset", "nope"])
    assert result.exit_code == 2
    assert "unknown preset 'nope'" in result.output
