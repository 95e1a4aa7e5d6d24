"""``qnetstack plot``: mounted with ``add_typer`` as cli.py does; good and bad options."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from qnetstack.commands import plot_app

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Stand-in for the qnetstack root command."""

    app.add_typer(plot_app, name="plot")
    return app


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_rate_fidelity_writes_png_to_the_default_name_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(_app(), ["plot", "rate-fidelity", "--preset", "lab_2018"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rate-fidelity-lab_2018.png").read_bytes().startswith(PNG_MAGIC)
    assert "wrote rate-fidelity-lab_2018.png" in flat(result.stdout)


def test_rate_fidelity_with_simulation_prints_measured_points(tmp_path):
    out = tmp_path / "rf.svg"
    args = ["plot", "rate-fidelity", "-p", "lab_2018", "--simulate", "5", "-o", str(out)]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    for alpha in ("0.05", "0.1", "0.2", "0.3"):
        assert f"α = {alpha}: 5 pairs" in text
    assert b"<svg" in out.read_bytes()[:1000]


def test_rate_fidelity_double_click_explains_that_alpha_does_not_apply(tmp_path):
    out = tmp_path / "bk.png"
    args = ["plot", "rate-fidelity", "-p", "telecom_double_click_avis2022", "-o", str(out)]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "no α to trade" in flat(result.stdout)
    assert out.exists()


def test_rate_distance_writes_svg(tmp_path):
    out = tmp_path / "rd.svg"
    args = ["plot", "rate-distance", "-p", "nearterm2020_coopmans2021", "--alpha", "0.2",
            "--max-km", "50", "--out", str(out)]  # fmt: skip
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert b"<svg" in out.read_bytes()[:1000]


def test_rate_distance_alpha_is_ignored_for_double_click(tmp_path):
    out = tmp_path / "rd.png"
    args = ["plot", "rate-distance", "-p", "telecom_double_click_avis2022", "--alpha", "0.1",
            "--max-km", "5", "-o", str(out)]  # fmt: skip
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "--alpha does not apply" in flat(result.stdout)


_LAB = ["-p", "lab_2018"]
_FINITE = "must be a finite distance > 0 km"
BAD_OPTIONS = [
    (["rate-fidelity", "-p", "nope"], "--preset: unknown preset 'nope'; presets: lab_2018"),
    (["rate-distance", "-p", "nope"], "--preset: unknown preset 'nope'"),
    (["rate-distance", *_LAB, "--alpha", "0.7"], "--alpha: bright-state population must be in"),
    (["rate-distance", *_LAB, "--alpha", "0"], "(0, 0.5], got 0"),
    (["rate-distance", *_LAB, "--max-km", "0"], f"--max-km: {_FINITE}"),
    (["rate-distance", *_LAB, "--max-km", "-3"], f"--max-km: {_FINITE}, got -3"),
    (["rate-fidelity", *_LAB, "--distance-km", "-1"], f"--distance-km: {_FINITE}"),
    (["rate-fidelity", *_LAB, "-o", "fig.pdf"], "--out: unsupported file type '.pdf'"),
    (["rate-fidelity", *_LAB, "-o", "fig"], "--out: unsupported file type '(none)'"),
    (["rate-fidelity", *_LAB, "-o", "/no/such/fig.png"], "--out: directory /no/such does not"),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS)
def test_bad_options_are_one_clear_error(args, message):
    result = runner.invoke(_app(), ["plot", *args])
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["rate-fidelity"], ["rate-fidelity", "-p", "lab_2018", "--simulate", "-1"]],
)
def test_click_usage_errors_exit_2(args):
    result = runner.invoke(_app(), ["plot", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_key_rate_distance_runs_the_stack_and_writes_the_figure_and_points(tmp_path):
    import json

    out, points = tmp_path / "kr.png", tmp_path / "kr.json"
    args = ["plot", "key-rate-distance", "-p", "near_future_10x_coopmans2021", "--repeaters",
            "0,1", "--distances-km", "50", "--min-fidelity", "0.9", "--pairs", "300", "-o",
            str(out), "--json", str(points)]  # fmt: skip
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_MAGIC)
    data = json.loads(points.read_text())
    assert [(p["repeaters"], p["distance_km"]) for p in data["points"]] == [(0, 50.0), (1, 50.0)]
    assert "2 runs of 300 pairs through the stack" in flat(result.stdout)
    assert "0 rep, 50 km: F ≥ 0.9" in flat(result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repeaters", "one"], "--repeaters: 'one' is not a number"),
        (["--repeaters", "30"], "--repeaters: 30 is outside [0, 20]"),
        (["--distances-km", "0"], "--distances-km: 0 is outside [0.001, 2000]"),
        (["--distances-km", "50,50"], "--distances-km: a value is given twice"),
        (["--min-fidelity", "1.5"], "--min-fidelity: 1.5 is outside [0, 1]"),
        (["--pulse-rate-hz", "inf"], "--pulse-rate-hz: inf is outside [1, 1e12]"),
        (["--distances-km", ",".join(str(k) for k in range(1, 60))], "at most 400"),
        (["-p", "telecom_double_click_avis2022"], "needs single-click presets"),
        (["-p", "nosuch"], "nosuch"),
        (["-o", "x.gif"], "--out: unsupported file type"),
    ],
)
def test_key_rate_distance_bad_options_get_one_message(args, message):
    result = runner.invoke(_app(), ["plot", "key-rate-distance", *args])
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
