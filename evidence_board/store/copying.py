"""Consistent copies of a case: Save a Copy, scrubbed copies to share, rolling backups.

Every copy is made with ``VACUUM INTO`` a temporary file beside the target
(a consistent snapshot even while the case is being edited, and compact),
checked by opening it the way any untrusted case is opened plus a full
``PRAGMA integrity_check``, synced to disk and only then renamed into
place, so a copy either exists whole and verified or not at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from evidence_board.errors import CaseFileError, CaseFileExists, CaseFileMissing
from evidence_board.model import new_id
from evidence_board.store import locking, safety
from evidence_board.store.casefile import CaseFile, now_iso
from evidence_board.store.search import FTS_INDEXES, reindex

BACKUP_INTERVAL_SECONDS = 3600.0
BACKUP_KEEP = 10
_BACKUP_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}(?:\.\d+)?Z)(?P<tag>-[a-z-]+)?\.evb$")


class CopyFailed(CaseFileError):
    """A copy could not be made or did not verify; nothing was left behind."""


@dataclass(slots=True)
class Backup:
    number: int  # 1 is the newest
    path: Path
    made_at: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.made_at.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S} UTC"


# -- copies -------------------------------------------------------------


def _temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{new_id()[:8]}.partial")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify_copy(path: Path) -> None:
    """Open a copy as any untrusted case is opened, then a full integrity check."""
    with CaseFile.open(path, read_only=True, lock=False) as copy:
        with copy.conn.time_limit(None):  # type: ignore[attr-defined]
            result = [r[0] for r in copy.conn.execute("PRAGMA integrity_check(3)")]
    if result != ["ok"]:
        raise CopyFailed(f"{path}: the copy does not verify ({result[0]})")


def _vacuum_into(case: CaseFile, target: Path) -> None:
    if case.conn.in_transaction:
        raise CopyFailed(f"{case.path}: cannot copy during a change")
    with case.conn.time_limit(None):  # type: ignore[attr-defined]
        case.conn.execute("VACUUM INTO ?", (str(target),))


def copy_open_case(case: CaseFile, out: Path, *, scrub: bool = False, overwrite: bool = False) -> Path:
    """Write a verified copy of an open case to ``out`` (Save a Copy / Share)."""
    out = Path(out)
    if out.exists():
        if not overwrite:
            raise CaseFileExists(f"{out}: already exists; choose another name")
        if out.resolve() == Path(case.path).resolve():
            raise CopyFailed(f"{out}: is the case itself; choose another name")
    if not out.parent.is_dir():
        raise CaseFileMissing(f"{out.parent}: no such folder")
    partial = _temporary_beside(out)
    try:
        _vacuum_into(case, partial)
        if scrub:
            scrub_file(partial)
        verify_copy(partial)
        _fsync(partial)
        os.replace(partial, out)
        _fsync_folder(out.parent)
    except sqlite3.DatabaseError as exc:
        raise CopyFailed(f"{out}: the copy failed ({exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return out


def copy_case(source: Path, out: Path, *, scrub: bool = False, overwrite: bool = False) -> Path:
    """Copy a case file that is not open here; the source is opened read-only
    (and checked like any case from someone else)."""
    with CaseFile.open(source, read_only=True) as case:
        return copy_open_case(case, out, scrub=scrub, overwrite=overwrite)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- scrubbing ----------------------------------------------------------

_SCRUB = """
UPDATE audit_events SET author = '', summary = replace(action, '_', ' ');
DELETE FROM audit_changes;
UPDATE cards SET created_by = '', modified_by = '';
UPDATE links SET created_by = '', modified_by = '';
UPDATE boards SET created_by = '';
UPDATE sources SET imported_by = '';
UPDATE sources SET metadata = json_remove(metadata, '$.open_password')
    WHERE json_extract(metadata, '$.open_password') IS NOT NULL;
UPDATE case_info SET value = '' WHERE key = 'created_by';
DELETE FROM source_pages WHERE source_id NOT IN (SELECT id FROM sources);
DELETE FROM attachments WHERE id NOT IN (
    SELECT attachment_id FROM sources UNION SELECT thumbnail_id FROM sources WHERE thumbnail_id IS NOT NULL
    UNION SELECT attachment_id FROM cards WHERE attachment_id IS NOT NULL);
"""


def scrub_file(path: Path) -> None:
    """Remove who did what and everything deleted, in a copy not yet in use.

    Author names go from the audit trail and from every created/modified-by
    column, and so do the passwords of password-protected PDFs (kept in the
    case so the reader can reopen them; people reuse passwords). Deleted data lives in the audit trail's row images (every earlier
    value of every row, including deleted cards) and in summaries that name
    deleted cards, so the row images are dropped and each summary becomes
    its action; the events keep their times. Attachments nothing refers to
    any more go, the full-text indexes are rebuilt (their segments keep
    tokens of deleted text until merged), and with ``secure_delete`` and a
    final VACUUM no freed page keeps old bytes.
    """
    conn = safety.connect(path, read_only=False)
    try:
        conn.statement_seconds = None  # our own copy, already checked
        # The copy is not live until renamed, so no journal file is needed
        # (which would hold the deleted data on disk for a while).
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        for statement in _SCRUB.strip().split(";\n"):
            conn.execute(statement)
        for table in FTS_INDEXES:
            reindex(conn, table)
        conn.execute(
            "INSERT INTO audit_events(at, author, action, summary) VALUES (?, '', 'scrub', ?)",
            (now_iso(), "Copy scrubbed for sharing: author names and deleted data removed"),
        )
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


# -- rolling backups ----------------------------------------------------


def backups_folder(case_path: Path) -> Path:
    case_path = Path(case_path)
    return case_path.with_name(f"{case_path.stem}-backups")


def list_backups(case_path: Path) -> list[Backup]:
    """The backups of a case, newest first, numbered from 1."""
    folder = backups_folder(case_path)
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            match = _BACKUP_NAME.match(entry.name)
            if not match or not entry.is_file():
                continue
            made = datetime.strptime(match["stamp"].split(".")[0], "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
            found.append((match["stamp"], entry, made, entry.stat().st_size))
    found.sort(key=lambda f: f[0], reverse=True)
    return [Backup(n, entry, made, size) for n, (_s, entry, made, size) in enumerate(found, start=1)]


def _backup_name(case_path: Path, tag: str = "") -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return backups_folder(case_path) / f"{Path(case_path).stem}-{stamp}{tag}.evb"


def _last_event(conn: sqlite3.Connection) -> tuple:
    return conn.execute("SELECT max(id), count(*) FROM audit_events").fetchone()


def make_backup(case: CaseFile, *, min_interval: float = BACKUP_INTERVAL_SECONDS,
                keep: int = BACKUP_KEEP) -> Path | None:
    """Back up an open case if the newest backup is older than ``min_interval``
    seconds and the case changed since; keep the newest ``keep``.

    The window calls this when a case is opened and then every few minutes;
    it returns the new backup, or None when none was due.
    """
    existing = list_backups(case.path)
    if existing and min_interval > 0:
        newest = existing[0]
        if time.time() - newest.path.stat().st_mtime < min_interval:
            return None
        with contextlib.suppress(CaseFileError, sqlite3.DatabaseError):
            with CaseFile.open(newest.path, read_only=True, lock=False) as previous:
                if _last_event(previous.conn) == _last_event(case.conn):
                    return None  # nothing changed since
    folder = backups_folder(case.path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise CopyFailed(f"{folder}: cannot make backups here ({exc.strerror or exc})") from None
    target = _backup_name(case.path)
    copy_open_case(case, target)
    prune_backups(case.path, keep)
    return target


def prune_backups(case_path: Path, keep: int = BACKUP_KEEP) -> list[Path]:
    removed = []
    for backup in list_backups(case_path)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            backup.path.unlink()
            removed.append(backup.path)
    return removed


def restore_backup(case_path: Path, number: int, keep: int = BACKUP_KEEP) -> tuple[Path, Path | None]:
    """Put backup ``number`` (1 = newest) in place of the case; the current
    file is backed up first. Returns (the backup restored, the new backup of
    the file as it was, None if the case file was gone). The case must not
    be open for editing anywhere."""
    case_path = Path(case_path)
    backups = list_backups(case_path)
    chosen = next((b for b in backups if b.number == number), None)
    if chosen is None:
        raise CaseFileMissing(f"{case_path}: no backup number {number} (there are {len(backups)})")
    held = locking.acquire(case_path)
    partial = _temporary_beside(case_path)
    try:
        shutil.copyfile(chosen.path, partial)
        verify_copy(partial)
        before = _backup_current(case_path, held, keep) if case_path.exists() else None
        _fsync(partial)
        os.replace(partial, case_path)
        _fsync_folder(case_path.parent)
        return chosen.path, before
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        held.release()


def _backup_current(case_path: Path, held: locking.CaseLock, keep: int) -> Path:
    """Back up the file about to be replaced; a damaged one is kept byte for byte."""
    backups_folder(case_path).mkdir(exist_ok=True)
    try:
        with CaseFile.open(case_path, read_only=True, lock=False) as current:
            target = _backup_name(case_path, "-before-restore")
            copy_open_case(current, target)
    except (CaseFileError, sqlite3.DatabaseError):
        target = _backup_name(case_path, "-damaged")
        shutil.copyfile(case_path, target)
    prune_backups(case_path, keep + 1)  # never the one just made, the oldest
    return target
