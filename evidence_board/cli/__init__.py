"""The ``evidence-board`` command: the same services as the window, headless.

``evidence-board`` alone opens the window on the last (or the sample) case,
``evidence-board CASE.evb`` opens that case, and subcommands work on a case
file without a window. Every expected failure is one line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import sys

import click

from evidence_board import __version__
from evidence_board.cli.output import echo
from evidence_board.errors import CaseFileError, DiskFull, EvidenceBoardError, InvalidInput
from evidence_board.model.control_characters import escape_controls

# Exit codes: 1 a refused operation (unknown id, bad field), 2 usage or a
# file that is not a usable case file, 3 an unexpected internal error.
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class EvidenceBoardCommand(click.Command):
    """A subcommand whose text values are refused unless they are valid UTF-8.

    The shell hands us bytes; Python keeps bytes that are not UTF-8 as lone
    surrogates, which SQLite cannot store. File names may be any bytes, so
    only values that are not paths are checked."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        for param in self.params:
            if isinstance(param.type, click.Path):
                continue
            value = ctx.params.get(param.name or "")
            for text in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(text, str) and not _is_utf8(text):
                    name = param.opts[0] if isinstance(param, click.Option) else (param.name or "").upper()
                    shown = repr(os.fsencode(text)[:40])[2:-1]
                    raise InvalidInput(f"{name}: not valid UTF-8 text ({shown}); nothing was changed")
        return super().invoke(ctx)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def describe_database_error(exc: sqlite3.DatabaseError) -> str:
    """What SQLite's error means for the user: a full disk and a stopped
    query are not a damaged file (a failed statement changes nothing)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return "the disk is full; nothing was changed"
    if code == sqlite3.SQLITE_INTERRUPT:
        from evidence_board.store.safety import STATEMENT_SECONDS

        return (f"the query took too long and was stopped (the limit is {STATEMENT_SECONDS:.0f} s "
                "per statement); nothing was changed")
    return f"the case file is damaged or unreadable ({exc})"


class EvidenceBoardGroup(click.Group):
    """A group that treats ``evidence-board PATH`` as ``evidence-board open PATH``
    and turns our typed errors into one-line messages."""

    command_class = EvidenceBoardCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def make_context(self, *args, **kwargs) -> click.Context:  # noqa: ANN002,ANN003 - click's signature
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            _escape_click_message(exc)
            raise

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:  # a usage error quoting what was typed (a file name, a value)
            _escape_click_message(exc)
            raise
        except DiskFull as exc:
            _fail(str(exc), EXIT_REFUSED)
        except CaseFileError as exc:
            if getattr(exc, "stale", None):  # a lock left behind: say how to take it over
                command = ctx.invoked_subcommand or "COMMAND"
                _fail(f"{exc} (to take it over: evidence-board --take-over-lock {command} ...)", EXIT_USAGE)
            _fail(str(exc), EXIT_USAGE)
        except EvidenceBoardError as exc:
            _fail(str(exc), EXIT_REFUSED)
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            _fail(describe_database_error(exc),
                  EXIT_REFUSED if code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_INTERRUPT) else EXIT_USAGE)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                where = f" ({exc.filename})" if exc.filename else ""
                _fail(f"the disk is full{where}; nothing was changed", EXIT_REFUSED)
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), EXIT_USAGE)


def _escape_click_message(exc: click.ClickException) -> None:
    """Click prints its own errors: what they quote is shown escaped too."""
    exc.message = escape_controls(exc.message)


def _fail(message: str, code: int) -> None:
    echo(f"evidence-board: error: {message}", err=True)  # the message may quote case text or a file name
    sys.exit(code)


@click.group(cls=EvidenceBoardGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--author", envvar="EVIDENCE_BOARD_AUTHOR", default=None,
              help="Name recorded in the audit trail (default: your OS user name).")
@click.option("--take-over-lock", is_flag=True,
              help="Edit a case whose lock was left behind by a program that is no longer running "
                   "(a crashed computer, a wrong clock); without it you are told who holds the lock.")
@click.option("--install-desktop", is_flag=True,
              help="Install the icon, menu entry and .evb file type for this user, then exit.")
@click.version_option(__version__, prog_name="evidence-board")
@click.pass_context
def main(ctx: click.Context, author: str | None, take_over_lock: bool, install_desktop: bool) -> None:
    """Evidence Board: documents, quotes, photos, notes and entities as cards
    with labeled links, kept in one SQLite case file (.evb).

    Run without a command to open the window on your last case (the sample
    case the first time), or give a case file to open it.
    """
    ctx.obj = {"author": author, "take_over_lock": take_over_lock}
    if install_desktop:
        from evidence_board.cli.desktop_command import run_install_desktop

        run_install_desktop()
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        from evidence_board.cli.gui_command import open_window

        ctx.invoke(open_window)


class _StdoutUntilClosed:
    """``sys.stdout`` that, once its reader has gone (``| head``), sends the
    rest to /dev/null: the command ends quietly and with its own exit code
    (``check`` still says 1 for a damaged file), not with an error about a pipe."""

    def __init__(self, stream) -> None:  # noqa: ANN001 - a text stream
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._divert()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._divert()

    def _divert(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the stream's
        return getattr(self._stream, name)


def run() -> None:
    """Console-script entry point: no traceback ever reaches the user."""
    if sys.stdout is not None and hasattr(sys.stdout, "fileno"):
        # A file name that is not UTF-8 prints escaped instead of failing.
        with contextlib.suppress(AttributeError, ValueError):
            sys.stdout.reconfigure(errors="backslashreplace")
        sys.stdout = _StdoutUntilClosed(sys.stdout)
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
    source_commands,
)
