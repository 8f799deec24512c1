"""A connection of its own for searching an open case on another thread.

The window searches off its GUI thread (ui/search_worker.py), so a search
gets a connection of its own to the case file, opened with the guards of
every connection (``safety.connect``: trusted_schema off, cell_size_check,
no memory-mapped I/O, the cap on a value, the statement time limit), with
``query_only`` on and the schema checked again as at opening (the file was
checked when the case was opened; this connection is new).

A search is stopped by a predicate its progress handler asks every few
thousand steps, not by ``sqlite3.Connection.interrupt()``: an interrupt
that comes between two statements would stop the next search's first one.
The progress handler runs inside FTS5's work too (it reads its segments
with statements of its own), so a prefix expanding to thousands of words
stops within milliseconds (measured: "ter" at 20,000 pages, 20 ms).

A search also stops while the case's own connection is in a transaction:
with a rollback journal, a write's COMMIT waits for every reader to finish
its statement, and the GUI thread would wait for a long search. The thread
then runs the search again once the write is done (``SearchYielded``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator

from evidence_board.errors import InvalidInput
from evidence_board.store import safety, schema
from evidence_board.store import search as searching
from evidence_board.store.casefile import CaseFile
from evidence_board.store.search import SearchHit

PROGRESS_STEPS = 1000  # virtual machine steps between asking whether to stop


class SearchStopped(Exception):
    """The search was stopped because it is no longer wanted (a newer one, or closing)."""


class SearchYielded(Exception):
    """The search was stopped to let a write to the case go first; run it again after."""


class SearchTookTooLong(InvalidInput):
    """A search ran past the statement time limit and was stopped."""


class SearchConnection:
    """A read-only connection to ``case`` for one thread's searches.

    Opened by the thread that searches, and used by it only (a copy in
    memory is read from the case's connection, which SQLite serialises).
    ``seconds`` is the time limit of each statement.
    """

    def __init__(self, case: CaseFile, seconds: float | None = safety.STATEMENT_SECONDS) -> None:
        self.case = case
        self.conn = _open(case)
        self.conn.statement_seconds = seconds
        self._wanted: Callable[[], bool] = lambda: True
        self._why: str | None = None
        self.conn.set_progress_handler(self._should_stop, PROGRESS_STEPS)

    def _should_stop(self) -> int:
        limit = self.conn.statement_seconds
        if limit is not None and time.monotonic() - self.conn.started > limit:  # the clock every statement starts
            self._why = "time"
        elif not self._wanted():
            self._why = "unwanted"
        elif _writing(self.case):
            self._why = "writer"
        else:
            return 0
        return 1

    @contextlib.contextmanager
    def _stoppable(self, wanted: Callable[[], bool]) -> Iterator[None]:
        """Run statements that stop once ``wanted()`` is False; their
        interruption raised as why they stopped."""
        self._wanted, self._why = wanted, None
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            if self._why == "unwanted":
                raise SearchStopped() from None
            if self._why == "writer":
                raise SearchYielded() from None
            limit = self.conn.statement_seconds or safety.STATEMENT_SECONDS
            raise SearchTookTooLong(f"the search took too long and was stopped (the limit is {limit:g} s); "
                                    "try longer or more words") from None
        finally:
            self._wanted = lambda: True

    def search(self, text: str, limit: int, first_page: bool,
               wanted: Callable[[], bool] = lambda: True) -> tuple[list[SearchHit], bool]:
        """As ``CaseReading.search_first_page`` (``first_page``) or ``search``."""
        with self._stoppable(wanted):
            return searching.search(self.conn, text, limit, first_page=first_page)

    def pages_matching(self, source_id: str, text: str, wanted: Callable[[], bool] = lambda: True) -> list[int]:
        with self._stoppable(wanted):
            return searching.pages_matching(self.conn, source_id, text)

    def writing(self) -> bool:
        """Whether the case's own connection is in a write (wait before searching again)."""
        return _writing(self.case)

    def close(self) -> None:
        self.conn.close()


def _writing(case: CaseFile) -> bool:
    # Not case.conn.in_transaction: SQLite clears it as COMMIT starts, before
    # it waits for readers. (Read from this thread: a plain attribute.)
    return case.writing


def _open(case: CaseFile) -> safety.GuardedConnection:
    if case.upgraded_in_memory_from is not None:
        # An older file read through an upgraded copy in memory: no file to
        # open again holds what it holds, so the search reads a copy of the copy.
        conn = safety.connect(None, read_only=False)
        try:
            with conn.time_limit(None):
                case.conn.backup(conn)
        except BaseException:
            conn.close()
            raise
    else:
        try:
            conn = safety.connect(case.path, read_only=True)
        except sqlite3.DatabaseError as exc:
            raise safety.DamagedCaseFile(f"{case.path}: damaged case file ({safety.one_line(str(exc))})") from None
        try:
            # Opened cases are at the current schema (an older one is upgraded, or read in memory).
            safety.inspect(conn, case.path, schema.SCHEMA_VERSION, full=False)
        except BaseException:
            conn.close()
            raise
    conn.execute("PRAGMA query_only = ON")
    conn.text_factory = case.conn.text_factory  # the same decoder as the case: tolerant unless checked UTF-8
    return conn
