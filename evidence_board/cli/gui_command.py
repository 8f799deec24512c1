"""``evidence-board [CASE]``: open the board window."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_board.cli import main


@main.command("open")
@click.argument("case", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--read-only", is_flag=True, help="Open without allowing changes.")
def open_window(case: Path | None = None, read_only: bool = False) -> None:
    """Open the board window on CASE (default: the last case, or the sample case)."""
    try:
        from evidence_board.ui.app import run_app
    except ImportError as exc:
        raise click.ClickException(f"the board window is not available ({exc})") from None
    raise SystemExit(run_app(case, read_only=read_only))
