"""The sample case a new user sees first, and its writable copy.

The case file shipped in this package is built by
``sample_case/build_sample_case.py`` from the ICCAS report "Focus on Cuba,
Issue 61" (2004). It is never opened for writing: the window opens a copy
in the user's data folder, made on first run and kept afterwards, so the
user's changes to the sample survive and the installed package never
changes. No Qt here, so the CLI and tests can use it headless.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

SAMPLE_FILE_NAME = "iccas-cuba-north-korea.evb"
APP_FOLDER = "evidence-board"


def sample_case_path() -> Path:
    """The packaged, read-only sample case file."""
    return Path(__file__).resolve().parent / SAMPLE_FILE_NAME


def user_data_dir() -> Path:
    """``$XDG_DATA_HOME/evidence-board``, else ``~/.local/share/evidence-board``."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / APP_FOLDER


def writable_sample_copy() -> Path:
    """The user's own copy of the sample case, made from the packaged one if missing.

    An existing copy is returned as it is, with whatever the user changed in
    it. The copy is written under a temporary name and renamed into place,
    so an interrupted first run never leaves half a case file behind.
    Raises OSError if the data folder cannot be written.
    """
    target = user_data_dir() / "sample" / SAMPLE_FILE_NAME
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".sample-", suffix=".evb.partial", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, open(sample_case_path(), "rb") as packaged:
            shutil.copyfileobj(packaged, out)
            out.flush()
            os.fsync(out.fileno())
        # The packaged file may be read-only (a system-wide install); the
        # copy belongs to the user and must be writable by them.
        os.chmod(partial, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
        _move_without_replacing(Path(partial), target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


def _move_without_replacing(partial: Path, target: Path) -> None:
    """Put ``partial`` at ``target`` unless a copy got there first (two first
    runs at once): a hard link never replaces, so nobody's edits are lost."""
    try:
        os.link(partial, target)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        if not target.exists():
            os.replace(partial, target)
