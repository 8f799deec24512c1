"""Opening, creating and closing a case file, and its transactions."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from evidence_board.errors import (
    CaseFileExists,
    CaseFileMissing,
    NewerSchema,
    NotACaseFile,
    ReadOnlyCase,
)
from evidence_board.model import new_id
from evidence_board.store import schema
from evidence_board.store.reading import CaseReading

SQLITE_HEADER = b"SQLite format 3\x00"
EXTENSION = ".evb"


def now_iso() -> str:
    """UTC time, millisecond precision, as written into every timestamp column."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA mmap_size = 0")
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        # One file at rest (no -wal/-shm beside it), and a commit is on disk
        # before the call returns: a laptop that dies loses nothing committed.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(100)
    except FileNotFoundError:
        raise CaseFileMissing(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NotACaseFile(f"{path}: is a folder, not a case file") from None
    except PermissionError:
        raise NotACaseFile(f"{path}: permission denied") from None


class CaseFile(CaseReading):
    """An open case file. Reads are methods (see CaseReading); writes go
    through ``evidence_board.services`` which use :meth:`transaction`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self.db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)

    # -- opening -------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], title: str = "", author: str = "") -> CaseFile:
        path = Path(path)
        if path.exists():
            raise CaseFileExists(f"{path}: already exists; choose another name")
        if not path.parent.is_dir():
            raise CaseFileMissing(f"{path.parent}: no such folder")
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        case = cls(path, _connect(path, read_only=False), read_only=False)
        at = now_iso()
        with case.transaction():
            schema.migrate(case.conn, 0, at)
            case.conn.executemany(
                "INSERT INTO case_info(key, value) VALUES (?, ?)",
                [("case_id", new_id()), ("title", title or path.stem),
                 ("created_at", at), ("created_by", author)],
            )
            case.conn.execute(
                "INSERT INTO boards(id, name, sort_order, created_at, created_by) VALUES (?,?,?,?,?)",
                (new_id(), "Board 1", 0, at, author),
            )
        return case

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False) -> CaseFile:
        """Open an existing case file, upgrading an older schema in place.

        Raises CaseFileMissing, NotACaseFile or NewerSchema with a one-line message.
        """
        path = Path(path)
        header = _read_header(path)
        if len(header) < 100 or not header.startswith(SQLITE_HEADER):
            raise NotACaseFile(f"{path}: not an Evidence Board case file (not an SQLite database)")
        app_id = int.from_bytes(header[68:72], "big")
        if app_id != schema.APPLICATION_ID:
            raise NotACaseFile(f"{path}: not an Evidence Board case file (SQLite application id {app_id:#x})")
        if not read_only and not os.access(path, os.W_OK):
            read_only = True
        try:
            conn = _connect(path, read_only)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise NotACaseFile(f"{path}: damaged case file ({exc})") from None
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise NewerSchema(
                f"{path}: made by a newer Evidence Board, schema {version}; "
                f"this version reads up to {schema.SCHEMA_VERSION}"
            )
        case = cls(path, conn, read_only)
        if version < schema.SCHEMA_VERSION:
            if read_only:
                conn.close()
                raise ReadOnlyCase(f"{path}: schema {version} needs upgrading, but the file is read-only")
            case.upgrade(version)
        return case

    def upgrade(self, from_version: int) -> list[int]:
        try:
            with self.transaction():
                return schema.migrate(self.conn, from_version, now_iso())
        except sqlite3.DatabaseError as exc:
            raise NotACaseFile(f"{self.path}: cannot upgrade schema {from_version} ({exc})") from None

    def close(self) -> None:
        self.conn.close()

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
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    # -- attachments ---------------------------------------------------

    def add_attachment(self, data: bytes, media_type: str, sha256: str | None = None) -> int:
        """Store bytes once; an identical blob already in the file is reused."""
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
