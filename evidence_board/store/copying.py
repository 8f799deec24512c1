"""Consistent copies of a case: Save a Copy, scrubbed copies to share, rolling backups.

Every copy is made with ``VACUUM INTO`` a temporary file beside the target
(a consistent snapshot even while the case is being edited, and compact),
checked by opening it the way any untrusted case is opened plus a full
``PRAGMA integrity_check``, synced to disk and only then renamed into
place, so a copy either exists whole and verified or not at all.

The temporary file is an ``app_files.Partial``: created with ``O_EXCL |
O_NOFOLLOW``, owner-only while it holds a not yet scrubbed copy, removed on
failure and, after a kill, at the next opening or copy. Copies, backups and
the backups folder are reached through real paths; a link, FIFO, device or
folder where one of them belongs is refused, and pruning deletes only
backups that are provably ours (see :func:`list_backups`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evidence_board.errors import CaseFileError, CaseFileExists, CaseFileMissing, DiskFull
from evidence_board.store import app_files, locking, safety
from evidence_board.store.casefile import CaseFile, now_iso
from evidence_board.store.search import FTS_INDEXES, reindex

BACKUP_INTERVAL_SECONDS = 3600.0
BACKUP_KEEP = 10
_BACKUP_STAMP = r"(?P<stamp>\d{8}T\d{6}(?:\.\d+)?Z)"
_BACKUP_TAGS = r"(?P<tag>-before-restore|-damaged)?"


class CopyFailed(CaseFileError):
    """A copy could not be made or did not verify; nothing was left behind."""


class NoRoomForCopy(CopyFailed, DiskFull):
    """The disk filled up while a copy was written; nothing was left behind."""


@dataclass(slots=True)
class Backup:
    number: int  # 1 is the newest
    path: Path
    made_at: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.made_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


# -- copies -------------------------------------------------------------


def verify_copy(path: Path) -> None:
    """Open a copy as any untrusted case is opened, then a full integrity check."""
    with CaseFile.open(path, read_only=True, lock=False) as copy, copy.conn.time_limit(None):  # type: ignore[attr-defined]
        result = [r[0] for r in copy.conn.execute("PRAGMA integrity_check(3)")]
    if result != ["ok"]:
        raise CopyFailed(f"{path}: the copy does not verify ({result[0]})")


def _vacuum_into(case: CaseFile, target: Path) -> None:
    if case.conn.in_transaction:
        raise CopyFailed(f"{case.path}: cannot copy during a change")
    with case.conn.time_limit(None):  # type: ignore[attr-defined]
        case.conn.execute("VACUUM INTO ?", (str(target),))


def copy_open_case(case: CaseFile, out: Path, *, scrub: bool = False, overwrite: bool = False) -> Path:
    """Write a verified copy of an open case to ``out`` (Save a Copy / Share);
    returns the real path written."""
    shown = Path(out)
    if not shown.parent.is_dir():
        raise CaseFileMissing(f"{shown.parent}: no such folder")
    out = app_files.check_target(shown, "the copy's target")
    if out.exists():
        if not overwrite:
            raise CaseFileExists(f"{shown}: already exists; choose another name")
        if os.path.samefile(out, case.path):
            raise CopyFailed(f"{shown}: is the case itself; choose another name")
    app_files.sweep_partials()
    app_files.sweep_folder(out.parent)
    try:
        with app_files.Partial(out) as partial:
            _vacuum_into(case, partial.path)
            if scrub:
                scrub_file(partial.path)
            verify_copy(partial.path)
            partial.commit(overwrite=overwrite)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise NoRoomForCopy(f"{shown}: the copy failed: the disk is full; nothing was written") from None
        raise CopyFailed(f"{shown}: the copy failed ({safety.one_line(str(exc))}); nothing was written") from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise NoRoomForCopy(f"{shown}: the copy failed: the disk is full; nothing was written") from None
        raise
    return out


def copy_case(source: Path, out: Path, *, scrub: bool = False, overwrite: bool = False) -> Path:
    """Copy a case file that is not open here; the source is opened read-only
    (and checked like any case from someone else)."""
    with CaseFile.open(source, read_only=True) as case:
        return copy_open_case(case, out, scrub=scrub, overwrite=overwrite)


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
DELETE FROM source_pages WHERE source_id NOT IN (SELECT source_id FROM cards WHERE source_id IS NOT NULL);
DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM cards WHERE source_id IS NOT NULL);
DELETE FROM source_pages WHERE source_id NOT IN (SELECT id FROM sources);
DELETE FROM attachments WHERE id NOT IN (
    SELECT attachment_id FROM sources UNION SELECT thumbnail_id FROM sources WHERE thumbnail_id IS NOT NULL
    UNION SELECT attachment_id FROM cards WHERE attachment_id IS NOT NULL);
"""


def scrub_file(path: Path) -> None:
    """Remove who did what and everything deleted, in a copy not yet in use.

    Author names go from the audit trail and from every created/modified-by
    column, and so do the passwords of password-protected PDFs (kept in the
    case so the reader can reopen them; people reuse passwords). Deleted
    data lives in the audit trail's row images (every earlier value of every
    row, including deleted cards) and in summaries that name
    deleted cards, so the row images are dropped and each summary becomes
    its action; the events keep their times. Sources no card refers to any
    more (a deleted document card's PDF: its bytes, page text, author and
    other metadata, thumbnail) go, and so do attachments nothing refers to
    any more, whether a source was deleted or only its cards; the full-text
    indexes are rebuilt (their segments keep
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
    """``NAME-backups`` beside the case's real file (a link to the case finds the same)."""
    real = app_files.real_path(case_path)
    return real.with_name(f"{real.stem}-backups")


def _backup_pattern(case_path: Path) -> re.Pattern[str]:
    stem = app_files.real_path(case_path).stem
    return re.compile(rf"^{re.escape(stem)}-{_BACKUP_STAMP}{_BACKUP_TAGS}\.evb$")


def _open_backups_folder(case_path: Path, make: bool = False) -> int | None:
    """A descriptor of the backups folder (None when there is none and
    ``make`` is False); a link or anything but a folder there is refused."""
    folder = backups_folder(case_path)
    if make:
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except OSError as exc:
            raise CopyFailed(f"{folder}: cannot make backups here ({exc.strerror or exc})") from None
    elif not os.path.lexists(folder):
        return None
    return app_files.open_folder(folder, "the backups folder")


def _ours(folder_fd: int, name: str) -> os.stat_result | None:
    """A backup we can prove we made: a regular file (not a link), owned by
    us, with an Evidence Board case header; its name was matched already."""
    try:
        st = os.lstat(name, dir_fd=folder_fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return None
        fd = app_files.open_regular(Path(name), os.O_RDONLY, "a backup", dir_fd=folder_fd)
    except (OSError, CaseFileError):
        return None
    try:
        return st if app_files.has_case_header(fd) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _listed(case_path: Path, folder_fd: int) -> list[Backup]:
    folder, pattern = backups_folder(case_path), _backup_pattern(case_path)
    found = []
    for entry in os.scandir(folder_fd):
        match = pattern.match(entry.name)
        st = _ours(folder_fd, entry.name) if match else None
        if st is None:
            continue
        made = datetime.strptime(match["stamp"].split(".")[0].rstrip("Z"), "%Y%m%dT%H%M%S")
        found.append((match["stamp"], folder / entry.name, made.replace(tzinfo=UTC), st.st_size))
    found.sort(key=lambda f: f[0], reverse=True)
    return [Backup(n, entry, made, size) for n, (_s, entry, made, size) in enumerate(found, start=1)]


def list_backups(case_path: Path) -> list[Backup]:
    """The backups of a case, newest first, numbered from 1: the files in its
    backups folder named ``STEM-STAMP[-TAG].evb`` that we can prove we made
    (a byte copy of a damaged file without our header is kept, never listed)."""
    fd = _open_backups_folder(case_path)
    if fd is None:
        return []
    try:
        return _listed(case_path, fd)
    finally:
        os.close(fd)


def _backup_name(case_path: Path, tag: str = "") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return backups_folder(case_path) / f"{app_files.real_path(case_path).stem}-{stamp}{tag}.evb"


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
        with contextlib.suppress(CaseFileError, sqlite3.DatabaseError), \
                CaseFile.open(newest.path, read_only=True, lock=False) as previous:
            if _last_event(previous.conn) == _last_event(case.conn):
                return None  # nothing changed since
    os.close(_open_backups_folder(case.path, make=True))
    target = copy_open_case(case, _backup_name(case.path))
    prune_backups(case.path, keep)
    return target


def prune_backups(case_path: Path, keep: int = BACKUP_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups; only files :func:`list_backups`
    proves are ours, through a descriptor of the real folder (never a link)."""
    fd = _open_backups_folder(case_path)
    if fd is None:
        return []
    removed = []
    try:
        for backup in _listed(case_path, fd)[keep:]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(backup.path.name, dir_fd=fd)
                removed.append(backup.path)
    finally:
        os.close(fd)
    return removed


def _copy_bytes(source: Path, fd: int) -> None:
    src = app_files.open_regular(source, os.O_RDONLY, "the file to copy")
    try:
        while chunk := os.read(src, 1 << 20):
            os.write(fd, chunk)
    finally:
        os.close(src)


def restore_backup(case_path: Path, number: int, keep: int = BACKUP_KEEP,
                   take_over_lock: bool = False) -> tuple[Path, Path | None]:
    """Put backup ``number`` (1 = newest) in place of the case; the current
    file is backed up first. Returns (the backup restored, the new backup of
    the file as it was, None if the case file was gone). The case must not
    be open for editing anywhere."""
    case_path = app_files.real_path(case_path)
    backups = list_backups(case_path)
    chosen = next((b for b in backups if b.number == number), None)
    if chosen is None:
        raise CaseFileMissing(f"{case_path}: no backup number {number} (there are {len(backups)})")
    app_files.refuse_unless_regular(case_path, "the case file")
    held = locking.acquire(case_path, take_over_lock)
    try:
        app_files.sweep_folder(case_path.parent)
        with app_files.Partial(case_path) as partial:
            _copy_bytes(chosen.path, partial.fd)
            verify_copy(partial.path)
            mode = app_files.FILE_MODE
            before = None
            if case_path.exists():
                mode = stat.S_IMODE(os.stat(case_path).st_mode)
                before = _backup_current(case_path, keep)
            partial.commit(mode=mode)
        return chosen.path, before
    finally:
        held.release()


def _backup_current(case_path: Path, keep: int) -> Path:
    """Back up the file about to be replaced; a damaged one is kept byte for byte."""
    os.close(_open_backups_folder(case_path, make=True))
    try:
        with CaseFile.open(case_path, read_only=True, lock=False) as current:
            target = copy_open_case(current, _backup_name(case_path, "-before-restore"))
    except (CaseFileError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, app_files.UnsafeFile):
            raise  # a link or a FIFO where a backup belongs: no byte copy there either
        target = _backup_name(case_path, "-damaged")
        with app_files.Partial(target) as partial:
            _copy_bytes(case_path, partial.fd)
            partial.commit(overwrite=False)
    prune_backups(case_path, keep + 1)  # never the one just made, the oldest
    return target
