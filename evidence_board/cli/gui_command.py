"""``evidence-board [CASE]``: open the board window.

The case file and the display are checked before Qt starts: when Qt's
platform plugin finds no display it aborts the whole process (exit 134, a
page of plugin messages), so a typo in a file name run over ssh would never
get its one-line error.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import click

from evidence_board.cli import EXIT_USAGE, _fail, main

# Qt platforms that draw without a display server (tests, VNC, a kiosk framebuffer).
_HEADLESS_PLATFORMS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
_X_PORT = 6000  # an X display N on another host listens on TCP 6000 + N


@main.command("open")
@click.argument("case", required=False, type=click.Path(path_type=Path))
@click.option("--read-only", is_flag=True, help="Open without allowing changes.")
def open_window(case: Path | None = None, read_only: bool = False) -> None:
    """Open the board window on CASE (default: the last case, or the sample case)."""
    if case is not None:
        from evidence_board.store.casefile import needs_upgrade

        needs_upgrade(case)  # a missing, foreign, damaged or newer file: one line, exit 2
    problem = display_problem()
    if problem is not None:
        _fail(f"the board window needs a display: {problem}; the other commands work without one "
              "(evidence-board --help)", EXIT_USAGE)
    try:
        from evidence_board.ui.app import run_app
    except ImportError as exc:
        raise click.ClickException(f"the board window is not available ({exc})") from None
    raise SystemExit(run_app(case, read_only=read_only))


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why Qt could not show a window here, or None when it can (as far as can
    be told without Qt): on Linux and the BSDs a reachable X or Wayland display,
    or a Qt platform that needs none."""
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):
        return None
    wanted = [name.split(":")[0].strip() for name in env.get("QT_QPA_PLATFORM", "").split(";") if name.strip()]
    if any(name in _HEADLESS_PLATFORMS for name in wanted):
        return None
    x_ok, x_why = _x_display(env.get("DISPLAY", ""))
    wayland_ok, wayland_why = _wayland_display(env)
    if wanted and all(name == "xcb" for name in wanted):
        return None if x_ok else x_why
    if wanted and all(name.startswith("wayland") for name in wanted):
        return None if wayland_ok else wayland_why
    return None if x_ok or wayland_ok else x_why


def _x_display(display: str) -> tuple[bool, str]:
    """Whether the X server of ``display`` (":0", "localhost:10.0") takes a connection."""
    if not display:
        return False, "DISPLAY is not set"
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False, f"DISPLAY={display!r} is not a display name"
    try:
        if host in ("", "unix"):
            _connect_unix(f"/tmp/.X11-unix/X{number}")
        else:
            socket.create_connection((host, _X_PORT + int(number)), timeout=2).close()
    except OSError:
        return False, f"cannot connect to the X display {display}"
    return True, ""


def _connect_unix(path: str) -> None:
    """Connect to an X server's local socket: Linux servers listen on the
    abstract name as well as (or, in some containers, instead of) the file."""
    for address in ("\0" + path, path) if sys.platform.startswith("linux") else (path,):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
                return
            except OSError as exc:
                error = exc
    raise error


def _wayland_display(env) -> tuple[bool, str]:  # noqa: ANN001 - os.environ or a dict
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return False, "WAYLAND_DISPLAY is not set"
    path = Path(name) if Path(name).is_absolute() else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return (True, "") if path.exists() else (False, f"no Wayland display at {path}")
