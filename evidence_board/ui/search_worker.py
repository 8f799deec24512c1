"""Searching a case on a thread of its own, so the window never waits for a search.

Each thing that searches (the window's search box, each reader's find) has
a SearchWorker: a Python thread with its own read-only connection to the
case (store/search_connection.py), opened at its first search. Every search
asked for gets a new generation; asking for one stops the one running (its
connection's progress handler sees within milliseconds that it is no
longer the newest) and the thread runs only the newest waiting. Results
come back to the GUI thread through a queued signal, each with its
generation, and only the newest's are passed on: a slow old search can
never replace what a newer one showed.

A job is a function of (connection, wanted) yielding its results one after
another (the case search: its first page, then the final ranking). A job
stopped to let a write to the case go first runs again once it is done.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal

from evidence_board.errors import EvidenceBoardError
from evidence_board.store import CaseFile, safety
from evidence_board.store.search import SearchHit
from evidence_board.store.search_connection import SearchConnection, SearchStopped, SearchYielded

Wanted = Callable[[], bool]
Job = Callable[[SearchConnection, Wanted], Iterator[object]]
CLOSE_WAIT_S = 5.0  # closing waits this long for the thread; a stopped search ends in milliseconds
SEARCH_SECONDS = safety.STATEMENT_SECONDS  # each statement's time limit, read when a thread opens its connection


@dataclass(frozen=True, slots=True)
class SearchResult:
    generation: int
    value: object = None  # what the job yielded; None with ``done``
    done: bool = False  # the job has finished (after its last value, or with an error)
    error: str | None = None  # why it could not run: one line


class SearchWorker(QObject):
    """Runs one job at a time on its own thread; emits ``result`` on the GUI thread."""

    result = Signal(object)  # SearchResult of the newest job only
    _arrived = Signal(object)  # from the thread; queued to the GUI thread

    def __init__(self, case: CaseFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self._ready = threading.Condition()
        self._waiting: tuple[int, Job] | None = None
        self._generation = 0  # the newest job asked for; read by the thread without the lock (one int)
        self._done = 0  # the newest job whose end was delivered
        self._closing = False
        self._thread: threading.Thread | None = None
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- the GUI thread's side ----------------------------------------

    def submit(self, job: Job) -> int:
        """Run ``job`` instead of whatever runs or waits; its generation."""
        with self._ready:
            if self._closing:
                return self._generation
            self._generation += 1
            self._waiting = (self._generation, job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="evidence-board search", daemon=True)
                self._thread.start()
            self._ready.notify()
            return self._generation

    def cancel(self) -> None:
        """Stop the job running, drop the one waiting; nothing more is delivered for them."""
        with self._ready:
            self._generation += 1
            self._done = self._generation
            self._waiting = None

    @property
    def busy(self) -> bool:
        """A job asked for has not finished yet."""
        return self._done != self._generation

    def close(self) -> bool:
        """Stop the thread and close its connection; False if it did not stop in time
        (it then ends by itself as soon as its statement does, delivering nothing)."""
        with self._ready:
            self._closing = True
            self._generation += 1
            self._done = self._generation
            self._waiting = None
            self._ready.notify()
        if self._thread is None:
            return True
        self._thread.join(CLOSE_WAIT_S)
        return not self._thread.is_alive()

    def _deliver(self, result: SearchResult) -> None:
        if self._closing or result.generation != self._generation:
            return  # an older search's, or after closing
        if result.done:
            self._done = result.generation
        self.result.emit(result)

    # -- the thread's side --------------------------------------------

    def _run(self) -> None:
        conn: SearchConnection | None = None
        try:
            while True:
                with self._ready:
                    while self._waiting is None and not self._closing:
                        self._ready.wait()
                    if self._closing:
                        return
                    generation, job = self._waiting
                    self._waiting = None

                def wanted(generation: int = generation) -> bool:
                    return generation == self._generation and not self._closing

                try:
                    if conn is None:
                        conn = SearchConnection(self.case, SEARCH_SECONDS)
                    self._run_job(conn, generation, job, wanted)
                except SearchStopped:
                    pass
                except EvidenceBoardError as exc:  # too long, refused, a file damaged since it was opened
                    self._send(SearchResult(generation, done=True, error=str(exc)))
                except sqlite3.DatabaseError as exc:
                    self._send(SearchResult(generation, done=True,
                                            error=f"the case file cannot be searched ({safety.one_line(str(exc))})"))
        finally:
            if conn is not None:
                conn.close()

    def _run_job(self, conn: SearchConnection, generation: int, job: Job, wanted: Wanted) -> None:
        while True:
            try:
                for value in job(conn, wanted):
                    if not wanted():
                        return
                    self._send(SearchResult(generation, value))
                self._send(SearchResult(generation, done=True))
                return
            except SearchYielded:  # a write to the case went first: again once it is done
                while conn.writing() and wanted():
                    time.sleep(0.005)
                if not wanted():
                    return

    def _send(self, result: SearchResult) -> None:
        if not self._closing:
            self._arrived.emit(result)


# -- jobs -------------------------------------------------------------------

def case_search(text: str, limit: int) -> Job:
    """The case-wide search: ``(text, hits, final)`` for its first page, and if
    that was not the final ranking, ``(text, hits, True)`` for the final one."""
    def job(conn: SearchConnection, wanted: Wanted) -> Iterator[tuple[str, list[SearchHit], bool]]:
        hits, final = conn.search(text, limit, first_page=True, wanted=wanted)
        yield text, hits, final
        if not final:
            yield text, conn.search(text, limit, first_page=False, wanted=wanted)[0], True
    return job


def pages_matching(source_id: str, text: str) -> Job:
    """The pages of one source the case search finds ``text`` on: ``(text, pages)``."""
    def job(conn: SearchConnection, wanted: Wanted) -> Iterator[tuple[str, list[int]]]:
        yield text, conn.pages_matching(source_id, text, wanted=wanted)
    return job
