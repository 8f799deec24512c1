"""``evidence-board install-desktop``: the icon, menu entry and .evb file type for this user."""

from __future__ import annotations

import click

from evidence_board.cli import main
from evidence_board.cli.output import echo


def run_install_desktop() -> None:
    """Install and print what was done; shared by the command and the
    ``--install-desktop`` option. A missing desktop tool is a warning only."""
    from evidence_board.desktop import install_desktop

    try:
        report = install_desktop()
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        echo(line, err=line.startswith("warning:"))
    echo("Evidence Board is in the applications menu; double-clicking a .evb file opens it.")


@main.command("install-desktop")
def install_desktop_command() -> None:
    """Install the icon, menu entry and .evb file type for the current user
    (under $XDG_DATA_HOME, usually ~/.local/share)."""
    run_install_desktop()
