"""Opening, creating and closing a case file, and its transactions."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path


from evidence_board.errors import (
    CaseFileExists,
    CaseFileMissing,
    InvalidInput,
    NewerSchema,
    NotACaseFile,
    ReadOnlyCase,
)
from evidence_board.model import new_id
from evidence_board.store import app_files, locking, safety, schema, sidecars, verified
from evidence_board.store.reading import CaseReading

EXTENSION = ".evb"
SQLITE_HEADER = safety.SQLITE_HEADER

# Called with (path, file version, current version) before an older case is
# upgraded; returning False leaves the file untouched (NeedsUpgrade is raised).
UpgradeConsent = Callable[[Path, int, int], bool]

CACHE_KIB = 64 * 1024  # the most page cache an open case holds


def now_iso() -> str:
    """UTC time, millisecond precision, as written into every timestamp column."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    conn = safety.connect(path, read_only)
    if not read_only:
        # One file at rest (no -wal/-shm beside it), and a commit is on disk
        # before the call returns: a laptop that dies loses nothing committed.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def needs_upgrade(path: str | os.PathLike[str]) -> int | None:
    """The schema version of an older case file (which opening it for editing
    would upgrade, after a backup copy), or None when it is current.

    Raises like :meth:`CaseFile.open` for a file that is not a case or is newer.
    """
    path = Path(path)
    version = safety.header_version(path, safety.read_header(path))
    _refuse_newer(path, version)
    return version if version < schema.SCHEMA_VERSION else None


def _refuse_newer(path: Path, version: int) -> None:
    if version > schema.SCHEMA_VERSION:
        raise NewerSchema(
            f"{path}: made by a newer Evidence Board, schema {version}; "
            f"this version reads up to {schema.SCHEMA_VERSION}"
        )
    if version < 1:
        raise NotACaseFile(f"{path}: damaged case file (schema version {version})")


def upgrade_backup_path(path: Path, version: int) -> Path:
    candidate = path.with_name(f"{path.stem}.schema{version}-backup{path.suffix}")
    if os.path.lexists(candidate):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        candidate = path.with_name(f"{path.stem}.schema{version}-backup-{stamp}{path.suffix}")
    return candidate


class CaseFile(CaseReading):
    """An open case file. Reads are methods (see CaseReading); writes go
    through ``evidence_board.services`` which use :meth:`transaction`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool,
                 lock: locking.CaseLock | None = None) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self.lock = lock
        self.upgrade_backup: Path | None = None  # the copy written before an upgrade
        self.upgraded_in_memory_from: int | None = None  # an older file read through an upgraded copy
        # True from BEGIN until COMMIT has returned (in_transaction is False
        # while COMMIT waits for readers): a search thread stops while it is.
        self.writing = False
        self.written_state: str | None = None  # the file's fingerprint after our last commit
        # SQLite's default page cache (2 MiB) is smaller than one large
        # import: its dirty pages spill to the file mid-transaction and are
        # read back, 66,000 system calls for a 10,000-card build where a big
        # enough cache needs 9,000. The cache only grows as pages are used.
        # (Set here, on a file already checked: the pragma reads the schema.)
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    # -- opening -------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], title: str = "", author: str = "",
               lock: bool = True) -> CaseFile:
        if os.path.exists(path):
            raise CaseFileExists(f"{path}: already exists; choose another name")
        # Through its real path, never through a link to nothing (which would
        # create whatever file it points at), and never over anything.
        path = app_files.check_target(Path(path), "the new case file")
        if not path.parent.is_dir():
            raise CaseFileMissing(f"{path.parent}: no such folder")
        os.close(app_files.create_new(path, "the new case file", app_files.FILE_MODE))
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        held = locking.acquire(path) if lock else None
        conn = _connect(path, read_only=False)
        safety.trust_text(conn)  # a new file holds only what we write
        case = cls(path, conn, read_only=False, lock=held)
        at = now_iso()
        with schema.foreign_keys_off(case.conn), case.transaction():
            schema.migrate(case.conn, 0, at)
            case.conn.executemany(
                "INSERT INTO case_info(key, value) VALUES (?, ?)",
                [("case_id", new_id()), ("title", title or os.fsencode(path.stem).decode("utf-8", "replace")),
                 ("created_at", at), ("created_by", author)],
            )
            case.conn.execute(
                "INSERT INTO boards(id, name, sort_order, created_at, created_by) VALUES (?,?,?,?,?)",
                (new_id(), "Board 1", 0, at, author),
            )
        return case

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False, *,
             allow_upgrade: bool | UpgradeConsent = True, lock: bool = True,
             take_over_lock: bool = False) -> CaseFile:
        """Open an existing case file, from anyone, defensively.

        The header, schema and values are checked (see ``store/safety.py``)
        on a read-only connection before anything could write. A file that is
        not writable opens read-only. For editing, the case is locked: if it
        is open for editing elsewhere, CaseInUse is raised (the caller may
        offer read-only). An older schema is upgraded only when
        ``allow_upgrade`` is True or a callback returning True, after a
        backup copy is written beside it; otherwise NeedsUpgrade is raised.
        Opened read-only, an older file is read through an upgraded copy in
        memory (``upgraded_in_memory_from``), and the file is not touched.

        The file is opened, locked and backed up through its real path, so a
        link to a case open elsewhere finds its lock. Partial copies left by a
        killed copy are removed first (``app_files.sweep_partials``).

        Every refusal is a CaseFileError with a one-line message.
        """
        path = app_files.real_path(path)
        app_files.sweep_partials()
        version = safety.header_version(path, safety.read_header(path))
        _refuse_newer(path, version)
        if not read_only and not safety.directory_writable(path):
            read_only = True
        if version < schema.SCHEMA_VERSION and not read_only:
            consent = allow_upgrade(path, version, schema.SCHEMA_VERSION) if callable(allow_upgrade) \
                else allow_upgrade
            if not consent:
                raise safety.NeedsUpgrade(
                    f"{path}: made by an older Evidence Board (schema {version}); opening it for "
                    f"editing upgrades it to schema {schema.SCHEMA_VERSION} after a backup copy", version)
        held = locking.acquire(path, take_over_lock) if lock and not read_only else None
        try:
            recovered = sidecars.hot_journal(path) is not None
            if recovered:
                if not safety.directory_writable(path):
                    raise ReadOnlyCase(
                        f"{path}: was being changed when its program stopped; open it once where the "
                        "file is writable to finish the recovery")
                try:
                    sidecars.roll_back_hot_journal(path)
                except sqlite3.DatabaseError as exc:
                    raise safety.DamagedCaseFile(f"{path}: damaged case file ({safety.one_line(str(exc))})") from None
            # After a recovery the journal's pages are in the file: check it all.
            case = cls._open_checked(path, version, read_only, held, full=recovered)
        except BaseException:
            if held is not None:
                held.release()
            raise
        if version < schema.SCHEMA_VERSION and read_only:
            return cls._upgraded_in_memory(case, version)
        if version < schema.SCHEMA_VERSION:
            try:
                case.backup_before_upgrade(version)
                case.upgrade(version)
            except BaseException:
                case.close()
                raise
        return case

    @classmethod
    def _open_checked(cls, path: Path, version: int, read_only: bool,
                      held: locking.CaseLock | None, full: bool = False) -> CaseFile:
        try:
            conn = safety.connect(path, read_only=True)
        except sqlite3.DatabaseError as exc:
            raise safety.DamagedCaseFile(f"{path}: damaged case file ({safety.one_line(str(exc))})") from None
        try:
            # The state before the checks: the one remembered if they pass,
            # only if the file still has it after them.
            state = verified.fingerprint(path)
            full = full or not verified.was_verified(path, state)
            safety.inspect(conn, path, version, full=full)
            # Only files whose text is all valid UTF-8 are remembered as
            # verified; the rare other one is read tolerantly every time.
            utf8 = not full or safety.text_is_utf8(conn)
            sidecars.confirm_no_log_read(conn, path)  # what was checked was the file alone
        except BaseException:
            conn.close()
            raise
        if full and utf8:
            verified.remember_verified(path, state)
        if not read_only:
            conn.close()
            try:
                conn = _connect(path, read_only=False)
            except sqlite3.DatabaseError as exc:
                sidecars.refuse_write_ahead_log(path)  # one put beside it since the checks
                raise safety.DamagedCaseFile(f"{path}: damaged case file ({safety.one_line(str(exc))})") from None
        if utf8:
            safety.trust_text(conn)
        return cls(path, conn, read_only, held)

    @classmethod
    def _upgraded_in_memory(cls, original: CaseFile, version: int) -> CaseFile:
        """An older file opened read-only (by choice, or from a folder that
        cannot be written): checked as it is, copied into memory, and the copy
        upgraded, so this version can read it while the file stays untouched."""
        memory = safety.connect(None, read_only=False)
        try:
            original.conn.backup(memory)
            memory.text_factory = original.conn.text_factory  # the same bytes, the same decoder
            with memory.time_limit(None), schema.foreign_keys_off(memory):  # type: ignore[attr-defined]
                memory.execute("BEGIN")
                try:
                    schema.migrate(memory, version, now_iso())
                except BaseException:
                    memory.execute("ROLLBACK")
                    raise
                memory.execute("COMMIT")
            memory.execute("PRAGMA query_only = ON")  # read-only like the file it stands for
        except sqlite3.DatabaseError as exc:
            memory.close()
            raise NotACaseFile(f"{original.path}: cannot read schema {version} ({exc})") from None
        except BaseException:
            memory.close()
            raise
        finally:
            original.close()
        case = cls(original.path, memory, read_only=True)
        case.upgraded_in_memory_from = version
        return case

    def backup_before_upgrade(self, version: int) -> Path:
        """A consistent copy of the file as it is, beside it, before upgrading."""
        target = upgrade_backup_path(self.path, version)
        with app_files.Partial(target) as partial:
            with self.conn.time_limit(None):  # type: ignore[attr-defined]
                self.conn.execute("VACUUM INTO ?", (str(partial.path),))
            partial.commit(overwrite=False)
        self.upgrade_backup = target
        return target

    def upgrade(self, from_version: int) -> list[int]:
        try:
            # A migration may rebuild an index over everything: no time limit.
            with self.conn.time_limit(None), schema.foreign_keys_off(self.conn), \
                    self.transaction():  # type: ignore[attr-defined]
                return schema.migrate(self.conn, from_version, now_iso())
        except sqlite3.DatabaseError as exc:
            raise NotACaseFile(f"{self.path}: cannot upgrade schema {from_version} ({exc})") from None

    def close(self) -> None:
        """Close the file (again is harmless) and give back its lock."""
        try:
            # A file read tolerantly (it holds text that is not UTF-8) is
            # never remembered as verified, even after we wrote to it.
            changed = (not self.read_only and self.conn.total_changes > 0
                       and self.conn.text_factory is str)
        except sqlite3.ProgrammingError:  # already closed
            changed = False
        self.conn.close()
        if changed and self.written_state is not None:
            # We wrote it last: the next opening here need not re-check it
            # all, if it is still in the state our last commit left it in.
            verified.remember_verified(self.path, self.written_state)
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions --------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls become savepoints of the outer one.

        BEGIN IMMEDIATE takes the write lock up front, so a second writer
        waits (or fails) at the start instead of half-way through.

        Not sqlite-utils' ``Database.atomic()``, which has the same savepoint
        nesting: it opens with a plain (deferred) BEGIN, so a write that has
        read first can fail at its first change, half-way through, with
        "database is locked" (SQLite does not wait there, to avoid a
        deadlock); it has no place for what runs here before BEGIN (the lock
        kept fresh, a write-ahead log refused) or after COMMIT (the state
        remembered as checked); and ``Database(conn)`` by default runs a
        PRAGMA and plugin hooks on the connection it wraps.
        """
        if self.read_only:
            raise ReadOnlyCase(f"{self.path}: opened read-only")
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{new_id()}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            return
        if self.lock is not None:
            self.lock.keep_fresh()
        # A write-ahead log put beside the case while it is open: SQLite
        # cannot apply it (sidecars.uri), and we write nothing beside it.
        sidecars.refuse_write_ahead_log(self.path)
        self.writing = True
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
                self.written_state = verified.fingerprint(self.path, content=False)
        finally:
            self.writing = False

    # -- attachments ---------------------------------------------------

    def add_attachment(self, data: bytes, media_type: str, sha256: str | None = None) -> int:
        """Store bytes once; an identical blob already in the file is reused."""
        if len(data) > safety.MAX_VALUE_BYTES:
            raise InvalidInput(f"cannot store a file of {len(data) / 2**20:,.0f} MB: a case holds files "
                               f"of up to {safety.MAX_VALUE_BYTES // 2**20} MB each")
        digest = sha256 or hashlib.sha256(data).hexdigest()
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM attachments WHERE sha256 = ? AND size = ? LIMIT 1", (digest, len(data))
            ).fetchone()
            if row:
                return int(row[0])
            cur = conn.execute(
                "INSERT INTO attachments(sha256, size, media_type, data) VALUES (?,?,?,?)",
                (digest, len(data), media_type, sqlite3.Binary(data)),
            )
            return int(cur.lastrowid)
