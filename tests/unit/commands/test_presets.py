"""``qnetstack presets``: mounted with ``add_typer`` exactly as cli.py does."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from qnetstack.commands import presets_app
from qnetstack.physical.nv import list_presets, preset_table

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Stand-in for the qnetstack root command."""

    app.add_typer(presets_app, name="presets")
    return app


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_presets_without_subcommand_lists_every_preset():
    result = runner.invoke(_app(), ["presets"])
    assert result.exit_code == 0, result.output
    for name in list_presets():
        assert name in result.stdout
    assert "double_click" in result.stdout
    assert "10 km + 15 km" in flat(result.stdout)


@pytest.mark.parametrize("name", ["lab_2018", "telecom_double_click_avis2022"])
def test_show_prints_every_value_with_unit_source_and_tag(name):
    result = runner.invoke(_app(), ["presets", "show", name])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for row in preset_table(name):
        line = next((ln for ln in lines if f"│ {row.path} " in ln), None)
        assert line is not None, row.path
        assert f" {row.tag} " in line
        assert f" {row.unit} " in line
    text = flat(result.stdout)
    assert "electron spin (communication qubit)" in text
    assert "carbon-13 spins (memory qubits)" in text


def test_show_lab_2018_names_its_sources():
    result = runner.invoke(_app(), ["presets", "show", "lab_2018"])
    text = flat(result.stdout)
    assert "NVParameterSet2019" in text
    # The N_1/e derivation is shown.
    assert "644" in text
    assert "163" in text


def test_show_unknown_preset_is_one_clear_error():
    result = runner.invoke(_app(), ["presets", "show", "lab_2019"])
    assert result.exit_code == 2
    assert "unknown preset 'lab_2019'" in flat(result.stderr)
    for name in list_presets():
        assert name in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_show_without_name_is_a_usage_error():
    result = runner.invoke(_app(), ["presets", "show"])
    assert result.exit_code == 2
    assert "Missing argument" in result.output
