"""The files SQLite keeps beside a case, and what we let it do with them.

SQLite reads more than the case file: ``NAME-journal`` (a rollback journal,
a crashed writer's undo record, which the next connection plays back into
the file), ``NAME-wal`` (a write-ahead log, whose pages stand in for the
file's own) and ``NAME-shm`` (the log's index). Whoever can put one file in
a case's folder can put these there too, so:

- a link, FIFO, device or folder in their place is refused with one line
  (:func:`refuse_unsafe`, through ``app_files``);
- ``-wal``: our case files always use a rollback journal (header bytes
  18/19 are 1/1; a file in WAL mode is refused), yet SQLite opens any
  ``-wal`` it finds beside such a file in WAL mode, at the start of every
  read: it reads the log's pages *instead of* the file's, creates ``-shm``,
  and the next write or the last close checkpoints the log into the file.
  So a ``-wal`` beside a case is refused before SQLite sees the file
  (:func:`refuse_write_ahead_log`) and never applied; every connection is
  made so that one appearing later cannot be applied either (:func:`uri`),
  and the opening checks confirm afterwards that no log was read
  (:func:`confirm_no_log_read`);
- ``-journal``: a hot journal is legitimate crash recovery (our writer was
  killed mid-transaction), so it is played back (:func:`roll_back_hot_journal`)
  and the file is then checked in full, as if never seen. A crafted journal
  can change the file only as far as rewriting the file could (and whoever
  can plant one can do that), and what it writes still has to pass;
- ``-shm`` alone is never read for a rollback-journal file.

Any of the three voids the "checked before" shortcut (``store/verified.py``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from evidence_board.errors import NotACaseFile
from evidence_board.store import app_files

SIDECARS = {"-journal": "journal", "-wal": "write-ahead log", "-shm": "shared-memory file"}


class ForeignSidecar(NotACaseFile):
    """A file SQLite would read as part of the case that Evidence Board never makes."""


def sidecar(path: Path, suffix: str) -> Path:
    return Path(f"{path}{suffix}")


def present(path: Path) -> list[str]:
    """The suffixes of the sidecar files beside ``path`` (whatever they are)."""
    return [suffix for suffix in SIDECARS if os.path.lexists(sidecar(path, suffix))]


def refuse_unsafe(path: Path) -> None:
    """A journal, log or shared-memory file that is a link, FIFO, device or
    folder is refused (SQLite would open it, and a FIFO hangs every reader)."""
    for suffix, name in SIDECARS.items():
        app_files.refuse_unless_regular(sidecar(path, suffix), f"the case's {name}")


def refuse_write_ahead_log(path: Path) -> None:
    """Refuse a case with a ``-wal`` beside it, before SQLite could read it."""
    wal = sidecar(path, "-wal")
    if os.path.lexists(wal):
        raise ForeignSidecar(
            f"{path}: refused: {wal.name} beside it is a write-ahead log, which Evidence Board never "
            "makes; SQLite would read it as part of the case and write it into the file. Nothing was "
            f"changed: move {wal.name} away to open the case as it is")


def uri(path: Path, read_only: bool) -> str:
    """The URI every connection to a case file is opened with.

    ``mode=ro`` for reading, ``mode=rw`` for writing (never ``rwc``: a case
    is created by ``app_files.create_new``, not by SQLite).

    ``readonly_shm=1`` (the unix VFS; SQLite's own walro tests use it) opens
    a ``-shm`` read-only and never creates one. A rollback-journal file never
    uses ``-shm``, so for our files it changes nothing; but should a ``-wal``
    appear beside the case after our checks, SQLite cannot build the index
    it needs to read the log ("unable to open database file"), and with a
    planted ``-shm`` too it can read but never write or checkpoint
    ("attempt to write a readonly database"): the log is never applied to
    the file, and no ``-shm`` is ever created by a read. (``mode=ro`` alone
    creates ``-shm`` for a file with a log.)

    Not ``immutable=1``, though it never creates or reads anything beside
    the file: it also skips locking and hot-journal recovery, so it would
    read the torn state of a transaction a crashed writer left (or one a
    live editor is committing: a copy is read while the case is open) as if
    it were whole, and cache pages as if the file could never change.
    """
    mode = "ro" if read_only else "rw"
    return f"{Path(path).resolve().as_uri()}?mode={mode}&readonly_shm=1"


def confirm_no_log_read(conn: sqlite3.Connection, path: Path) -> None:
    """After the checks: SQLite read no write-ahead log on this connection
    (one put beside the case while it was being checked would have been
    opened at the start of some statement, and checked pages are then not
    the file's). ``PRAGMA journal_mode`` says "wal" once a log was opened."""
    try:
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    except sqlite3.DatabaseError:
        refuse_write_ahead_log(path)  # the log is why it failed: say so
        raise
    if mode == "wal":
        refuse_write_ahead_log(path)
        raise ForeignSidecar(f"{path}: refused: SQLite read a write-ahead log beside it while it was being "
                             "checked; nothing was changed")


def hot_journal(path: Path) -> Path | None:
    """The rollback journal a crashed writer left beside the case, if any."""
    journal = sidecar(path, "-journal")
    try:
        return journal if journal.stat().st_size > 0 else None
    except OSError:
        return None


def roll_back_hot_journal(path: Path) -> None:
    """Finish the recovery SQLite does after a crash (it undoes the
    uncommitted transaction), which a read-only connection cannot do. The
    caller then checks the file in full: the journal's pages are now in it."""
    refuse_write_ahead_log(path)
    conn = sqlite3.connect(uri(path, read_only=False), uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA cell_size_check = ON")
        conn.execute("BEGIN")  # taking a shared lock plays back a hot journal
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")
    finally:
        conn.close()
