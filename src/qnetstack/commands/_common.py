"""What the command groups share: the consoles and the one-message, exit-code-2 failure."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

__all__ = ["EXIT_USAGE", "err", "fail", "out"]

EXIT_USAGE = 2
"""Exit code of every user error (as in ``qnetstack.cli``)."""

# As in qnetstack.cli: tables wider than 80 columns stay readable when piped or captured.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as the single error line on stderr; raise the returned exit.

    Returning rather than raising lets call sites write ``raise fail(...) from None``, which
    keeps the exception chain (and any traceback) out of the user's terminal.
    """
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USAGE)
