"""The ``evidence-board`` command: the same services as the window, headless.

``evidence-board`` alone opens the window on the last (or the sample) case,
``evidence-board CASE.evb`` opens that case, and subcommands work on a case
file without a window. Every expected failure is one line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from evidence_board import __version__
from evidence_board.errors import CaseFileError, EvidenceBoardError

# Exit codes: 1 a refused operation (unknown id, bad field), 2 usage or a
# file that is not a usable case file, 3 an unexpected internal error.
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class EvidenceBoardGroup(click.Group):
    """A group that treats ``evidence-board PATH`` as ``evidence-board open PATH``
    and turns our typed errors into one-line messages."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except CaseFileError as exc:
            _fail(str(exc), EXIT_USAGE)
        except EvidenceBoardError as exc:
            _fail(str(exc), EXIT_REFUSED)
        except sqlite3.DatabaseError as exc:
            _fail(f"the case file is damaged or unreadable ({exc})", EXIT_USAGE)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), EXIT_USAGE)


def _fail(message: str, code: int) -> None:
    click.echo(f"evidence-board: error: {message}", err=True)
    sys.exit(code)


@click.group(cls=EvidenceBoardGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--author", envvar="EVIDENCE_BOARD_AUTHOR", default=None,
              help="Name recorded in the audit trail (default: your OS user name).")
@click.option("--install-desktop", is_flag=True,
              help="Install the icon, menu entry and .evb file type for this user, then exit.")
@click.version_option(__version__, prog_name="evidence-board")
@click.pass_context
def main(ctx: click.Context, author: str | None, install_desktop: bool) -> None:
    """Evidence Board: documents, quotes, photos, notes and entities as cards
    with labeled links, kept in one SQLite case file (.evb).

    Run without a command to open the window on your last case (the sample
    case the first time), or give a case file to open it.
    """
    ctx.obj = {"author": author}
    if install_desktop:
        from evidence_board.cli.desktop_command import run_install_desktop

        run_install_desktop()
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        from evidence_board.cli.gui_command import open_window

        ctx.invoke(open_window)


def run() -> None:
    """Console-script entry point: no traceback ever reaches the user."""
    try:
        main(prog_name="evidence-board")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        _fail(f"internal error: {type(exc).__name__}: {exc}", EXIT_INTERNAL)


# Subcommands register themselves on ``main`` when imported; one module per
# area so the import, export and safety commands grow apart.
from evidence_board.cli import (  # noqa: E402,F401
    case_commands,
    desktop_command,
    export_commands,
    gui_command,
    import_commands,
    safety_commands,
)
