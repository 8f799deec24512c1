"""The reader's find, without making the window wait.

Two steps, neither on the GUI thread for long: the pages the case search
finds the text on come from the reader's search thread (ui/search_worker.py,
its own connection, stopped by a newer find); then the words are placed on
each of those pages on the GUI thread, a slice of about SLICE_MS at a time
between events, starting at the page shown, so the first hit from here is
shown as soon as its page is done and the count grows while the rest are.
Placing words stays on the GUI thread because it reads the reader's own
PyMuPDF document, which is not safe to use from two threads.
"""

from __future__ import annotations

import bisect
import time
from PySide6.QtCore import QObject, QTimer, Signal

from evidence_board.importers.quotes import QuoteMatch
from evidence_board.model.search_text import Term, query_terms
from evidence_board.ui.reader.pages import SourcePages
from evidence_board.ui.search_worker import SearchResult, SearchWorker, pages_matching

SLICE_MS = 8.0  # the longest the GUI thread places words before it handles events again

Hit = tuple[int, QuoteMatch]


class DocumentFind(QObject):
    """Finds text in one source; ``hits`` fills in page order while it runs.

    ``changed(first)`` is emitted whenever hits were added (``first``: the
    first hit at or after the page the find started on has just been found,
    at ``current``; ``placed`` holds the pages just done), and when the
    find is over (``running`` False).
    """

    changed = Signal(bool)

    def __init__(self, pages: SourcePages, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        self.worker = SearchWorker(pages.case, self)
        self.worker.result.connect(self._pages_found)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._place_some)
        self.text = ""
        self.hits: list[Hit] = []
        self.current = -1  # the index of the hit shown, kept as hits before it are added
        self.placed: set[int] = set()  # the pages whose hits the last slice added
        self.error: str | None = None
        self.running = False
        self._terms: list[Term] = []
        self._todo: list[int] = []
        self._start = 1
        self._first_found = False

    def start(self, text: str, page: int) -> None:
        """Find ``text`` from ``page`` on, instead of any find running. A search
        too long to run raises QueryTooLong here, as the case search does."""
        terms = query_terms(text)
        self.cancel()
        self.text, self._terms, self._start = text, terms, page
        if not terms:
            self.changed.emit(False)
            return
        self.running = True
        self.worker.submit(pages_matching(self.pages.source.id, text))

    def cancel(self) -> None:
        self.worker.cancel()
        self._timer.stop()
        self.hits, self._todo, self.error, self.current = [], [], None, -1
        self.running = self._first_found = False

    def close(self) -> None:
        """The reader closes: stop the search thread and close its connection."""
        self.cancel()
        self.worker.close()

    def _pages_found(self, result: SearchResult) -> None:
        if result.error is not None:
            self.error, self.running = result.error, False
            self.changed.emit(False)
            return
        if result.value is None:
            return
        text, pages = result.value
        if text != self.text:
            return
        # From the page the find started on to the end, then from the start.
        here = bisect.bisect_left(pages, self._start)
        self._todo = list(reversed(pages[here:] + pages[:here]))  # popped from the end
        self._place_some()

    def _place_some(self) -> None:
        started = time.perf_counter()
        first = False
        self.placed = set()
        while self._todo and (time.perf_counter() - started) * 1000 < SLICE_MS:
            page = self._todo.pop()
            self.placed.add(page)
            at = bisect.bisect_left(self.hits, page, key=lambda hit: hit[0])
            found = [(page, match) for match in self.pages.hits_on(page, self._terms)]
            self.hits[at:at] = found
            if self.current >= at:  # the hit shown keeps its place
                self.current += len(found)
            if not self._first_found:
                # The first page done is the first from the start page on (or,
                # with none after it, the first of the document): go there.
                self._first_found = first = True
                self.current = at
                break  # shown at once: going there renders a page
        if self._todo:
            self._timer.start(0)
        else:
            self.running = False
        self.changed.emit(first)
