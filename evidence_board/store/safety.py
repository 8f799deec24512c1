"""Opening a case file that may come from anyone: identify it, then check it.

A case file is mailed around, copied to USB sticks and synced folders, so
every file is treated as untrusted until these checks pass:

1. the header (read as bytes, before SQLite sees the file): SQLite magic,
   our application id, a rollback journal, a schema version we know;
2. the schema: every object in ``sqlite_master`` must be exactly what our
   migrations create for that version, built fresh in memory to compare
   against. We never write triggers or views, so any trigger or view is
   hostile; an unknown table, index or a table of ours defined differently
   is refused too;
3. ``PRAGMA quick_check``: b-tree structure, NOT NULL and CHECK constraints
   (so every kind, direction and grading value is one we know);
4. the values our readers turn into Python objects: storage types, text
   lengths, numbers in range, JSON that parses to the shape we expect, the
   limits the services keep (board geometry, regions, colours, dates), and
   references that lead somewhere (``store/value_checks.py``).

Every connection is a :class:`GuardedConnection`: ``trusted_schema`` off,
``cell_size_check`` on, no memory-mapped I/O, a cap on the size of any one
value, and a progress handler that interrupts any statement running longer
than its time limit, so no query on a crafted file can run unbounded.

What lies beside a case (journal, write-ahead log, shared-memory file) is
handled in ``store/sidecars.py``; which exact file states passed these
checks before, in ``store/verified.py``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from evidence_board.errors import CaseFileError, CaseFileMissing, NotACaseFile
from evidence_board.store import app_files, schema, sidecars, tables, value_checks
from evidence_board.store.sidecars import SIDECARS, hot_journal, roll_back_hot_journal  # noqa: F401
from evidence_board.store.verified import fingerprint, remember_verified, was_verified  # noqa: F401
from evidence_board.store.verified import store_path as _verified_store  # noqa: F401 - bench/fuzz_bench.py
from evidence_board.store.value_checks import MAX_JSON_DEPTH, MAX_PAGE, MAX_TEXT_CHARS  # noqa: F401

SQLITE_HEADER = b"SQLite format 3\x00"

# Any single value (text or blob) SQLite will hand us; an attachment larger
# than this cannot be stored or read, so a crafted row cannot make us
# allocate gigabytes.
MAX_VALUE_BYTES = 512 * 1024 * 1024
# A statement running longer than this is interrupted ("interrupted").
STATEMENT_SECONDS = 30.0
# The checks at opening get this long per MiB of file, at least the minimum.
CHECK_SECONDS_MIN = 10.0
CHECK_SECONDS_PER_MIB = 0.05
PROGRESS_EVERY = 10_000  # virtual machine steps between clock checks


class HostileCaseFile(NotACaseFile):
    """A case file holding schema objects or values Evidence Board never writes."""


class DamagedCaseFile(NotACaseFile):
    """A case file that fails SQLite's own checks."""


class NeedsUpgrade(CaseFileError):
    """An older case file, opened without permission to upgrade it."""

    def __init__(self, message: str, version: int) -> None:
        super().__init__(message)
        self.version = version


# -- connections --------------------------------------------------------


def _paced(conn: sqlite3.Connection, rows):  # noqa: ANN001, ANN202 - any iterable of parameters
    """Restart the statement clock for every row of an executemany: the
    limit is per execution, so a bulk insert of many rows is not cut off."""
    for row in rows:
        conn.started = time.monotonic()  # type: ignore[attr-defined]
        yield row


class _GuardedCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters=(), /):  # noqa: ANN001, ANN202 - sqlite3's signature
        self.connection.started = time.monotonic()  # type: ignore[attr-defined]
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters, /):  # noqa: ANN001, ANN202
        return super().executemany(sql, _paced(self.connection, seq_of_parameters))


class GuardedConnection(sqlite3.Connection):
    """A connection whose every statement has a time limit.

    The clock starts when a statement is executed (through the connection
    or any cursor), and the progress handler interrupts it once it runs past
    ``statement_seconds``; fetching its rows counts as running it.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - sqlite3.connect's
        super().__init__(*args, **kwargs)
        self.started = time.monotonic()
        self.statement_seconds: float | None = STATEMENT_SECONDS
        self.set_progress_handler(self._over_time, PROGRESS_EVERY)

    def _over_time(self) -> int:
        limit = self.statement_seconds
        return int(limit is not None and time.monotonic() - self.started > limit)

    def cursor(self, factory: type[sqlite3.Cursor] = _GuardedCursor) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, sql: str, parameters=(), /) -> sqlite3.Cursor:  # noqa: ANN001
        self.started = time.monotonic()
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters, /) -> sqlite3.Cursor:  # noqa: ANN001
        return super().executemany(sql, _paced(self, seq_of_parameters))

    @contextlib.contextmanager
    def time_limit(self, seconds: float | None) -> Iterator[None]:
        """Run some statements with another limit (None: none, for our own
        copies of a file already checked, whose cost grows with its size)."""
        old, self.statement_seconds = self.statement_seconds, seconds
        try:
            yield
        finally:
            self.statement_seconds = old


def connect(path: Path | None, read_only: bool) -> GuardedConnection:
    """A guarded connection with the settings every case file is opened with
    (``path`` None: a private database in memory)."""
    uri = ":memory:" if path is None else sidecars.uri(path, read_only)  # why these options: there
    # isolation_level=None: the store issues BEGIN/COMMIT itself.
    conn = sqlite3.connect(uri, uri=path is not None, isolation_level=None, check_same_thread=False,
                           factory=GuardedConnection)
    try:
        # Text that is not valid UTF-8 (a flipped bit) reads with U+FFFD
        # instead of failing in the middle of a reader.
        conn.text_factory = _tolerant_text
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA cell_size_check = ON")
        conn.execute("PRAGMA mmap_size = 0")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn  # type: ignore[return-value]


def _tolerant_text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def trust_text(conn: sqlite3.Connection) -> None:
    """Decode text with sqlite3's own C decoder instead of _tolerant_text.

    For a file whose text is known to be valid UTF-8 (it passed
    :func:`text_is_utf8`, or we made it): the Python decoder costs a call per
    value, 0.2 s of a 0.5 s read of a 10,000-card board.
    """
    conn.text_factory = str


def text_is_utf8(conn: sqlite3.Connection) -> bool:
    """Read every text value of our tables once with the strict decoder."""
    old = conn.text_factory
    conn.text_factory = str
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
            "AND name NOT LIKE '%fts%'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")
                       if r[2].upper() == "TEXT"]
            if columns:
                names = ", ".join(f'"{c}"' for c in columns)
                for _ in conn.execute(f'SELECT {names} FROM "{table}"'):
                    pass
        return True
    except sqlite3.OperationalError as exc:
        if "decode" in str(exc):
            return False
        raise
    finally:
        conn.text_factory = old


def check_seconds(path: Path) -> float:
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    return max(CHECK_SECONDS_MIN, size / (1 << 20) * CHECK_SECONDS_PER_MIB)


# -- the header ---------------------------------------------------------


def read_header(path: Path) -> bytes:
    """The first 100 bytes of a regular file: a FIFO or a device is refused
    before it is read (O_NONBLOCK: opening a FIFO never waits for a writer),
    and so is a journal, WAL or shared-memory file beside it that is a link,
    FIFO, device or folder (SQLite would open it, and a FIFO hangs every reader)."""
    sidecars.refuse_unsafe(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise NotACaseFile(f"{path}: is a folder, not a case file")
            if not stat.S_ISREG(mode):
                raise NotACaseFile(f"{path}: is {app_files.what_is(mode)}, not a case file")
            return os.pread(fd, 100, 0)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise CaseFileMissing(f"{path}: no such file") from None
    except PermissionError:
        raise NotACaseFile(f"{path}: permission denied") from None
    except OSError as exc:
        raise NotACaseFile(f"{path}: cannot be read ({exc.strerror or exc})") from None


def header_version(path: Path, header: bytes) -> int:
    """Check what can be checked from the first 100 bytes; returns the
    schema version (``PRAGMA user_version``, stored at offset 60)."""
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotACaseFile(f"{path}: not an Evidence Board case file (not an SQLite database)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise NotACaseFile(f"{path}: not an Evidence Board case file (SQLite application id {app_id:#x})")
    write_version, read_version = header[18], header[19]
    if (write_version, read_version) == (2, 2):
        # Opening a WAL file creates -wal and -shm files beside it and can
        # change it; our files always use a rollback journal.
        raise NotACaseFile(
            f"{path}: uses SQLite's write-ahead log, which Evidence Board case files never do; "
            f"run: sqlite3 '{path}' 'PRAGMA journal_mode=DELETE'"
        )
    if (write_version, read_version) != (1, 1):
        raise DamagedCaseFile(f"{path}: damaged case file (bad SQLite header)")
    # A rollback-journal file, but SQLite would still read a -wal beside it.
    sidecars.refuse_write_ahead_log(path)
    return int.from_bytes(header[60:64], "big", signed=True)


def directory_writable(path: Path) -> bool:
    """Whether we may write the case: the file, and its folder for the journal."""
    return os.access(path, os.W_OK) and os.access(Path(path).resolve().parent, os.W_OK | os.X_OK)


# -- the schema ---------------------------------------------------------

SchemaObjects = tables.SchemaObjects
# Tables SQLite itself makes when someone runs ANALYZE: statistics, no code.
ALLOWED_EXTRA = {("table", "sqlite_stat1"), ("table", "sqlite_stat4")}


def expected_schema(version: int) -> SchemaObjects:
    """What our migrations create for ``version`` (store/tables.py)."""
    return tables.expected(version, tuple(schema.MIGRATIONS))[0]


def schema_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """Every way the file's schema differs from ours at ``version``."""
    expected = expected_schema(version)
    # CAST: a damaged schema row may hold a number or blob where text belongs.
    actual: SchemaObjects = {
        (t, n): (tbl, sql)
        for t, n, tbl, sql in conn.execute(
            "SELECT CAST(type AS TEXT), CAST(name AS TEXT), CAST(tbl_name AS TEXT), CAST(sql AS TEXT) "
            "FROM sqlite_master")
    }
    problems = []
    for (kind, name), (table, sql) in sorted(actual.items(), key=lambda kv: (kv[0][0] != "trigger", kv[0])):
        if kind in ("trigger", "view"):
            problems.append(f"contains a {kind} {name!r}, which Evidence Board never creates")
        elif (kind, name) in ALLOWED_EXTRA:
            continue
        elif (kind, name) not in expected:
            problems.append(f"contains a {kind} {name!r} that Evidence Board did not create")
        elif expected[(kind, name)] != (table, sql):
            problems.append(f"its {kind} {name!r} is not defined the way Evidence Board defines it")
    for kind, name in sorted(set(expected) - set(actual)):
        problems.append(f"is missing its {kind} {name!r}")
    return problems


# -- the values (store/value_checks.py) ----------------------------------


def value_problems(conn: sqlite3.Connection, version: int, limit: int = 20) -> list[str]:
    """Rows whose values our readers could not turn into records safely."""
    objects, columns = tables.expected(version, tuple(schema.MIGRATIONS))
    return value_checks.value_problems(conn, version, objects, columns, limit)


# -- all together -------------------------------------------------------


def inspect(conn: GuardedConnection, path: Path, version: int, quick_check: bool = True,
            full: bool = True) -> None:
    """Run the schema, structure and value checks; raise with one line on the
    first kind of problem found. ``full=False`` checks the schema only (for
    a file whose exact state passed before: see ``store/verified.py``)."""
    seconds = check_seconds(path)
    try:
        with conn.time_limit(seconds):
            problems = schema_problems(conn, version)
            if problems:
                raise HostileCaseFile(f"{path}: refused: the file {problems[0]}" + _more(problems))
            if not full:
                return
            if quick_check:
                result = [one_line(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
                if result != ["ok"]:
                    raise DamagedCaseFile(f"{path}: damaged case file ({result[0]})" + _more(result))
            problems = value_problems(conn, version) or value_checks.reference_problems(conn)
            if problems:
                raise HostileCaseFile(f"{path}: refused: {problems[0]}" + _more(problems))
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise DamagedCaseFile(f"{path}: refused: checking the file took longer than {seconds:.0f} s") from None
        raise DamagedCaseFile(f"{path}: damaged case file ({one_line(str(exc))})") from None
    except sqlite3.DatabaseError as exc:
        raise DamagedCaseFile(f"{path}: damaged case file ({one_line(str(exc))})") from None
    except UnicodeDecodeError:
        # SQLite's own message quoted bytes of the file that are not UTF-8.
        raise DamagedCaseFile(f"{path}: damaged case file (its schema holds text that is not UTF-8)") from None


def one_line(text: str) -> str:
    """SQLite's reports span lines and name the schema; a message is one line."""
    return " ".join(str(text).replace("*** in database main ***", "").split())


def _more(problems: list[str]) -> str:
    return f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
