"""A stored PDF as the reader needs it: pages rendered on demand, words, hits.

Only the pages looked at are rendered, at the zoom and device pixel ratio
they are shown at, and only the last few are kept. Geometry is in PDF
points of the unrotated page (word boxes, quote regions) and is mapped to
the rendered image with the page's rotation and the zoom.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence

import pymupdf
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage

from evidence_board.importers.quotes import QuoteMatch, Word, match_words, open_source, page_words
from evidence_board.model import Region, Source
from evidence_board.model.search_text import Term, find_spans
from evidence_board.store import CaseFile

CACHE_PAGES = 6


class SourcePages:
    """Pages of one stored PDF source, rendered and searched on demand."""

    def __init__(self, case: CaseFile, source: Source, cache_pages: int = CACHE_PAGES) -> None:
        self.case = case
        self.source = source
        self.doc: pymupdf.Document = open_source(case, source)
        self.page_count = self.doc.page_count
        self._images: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self._words: OrderedDict[int, list[Word]] = OrderedDict()
        self._cache_pages = cache_pages
        self.renders = 0  # how many pages were rendered: the tests watch this

    def release(self) -> None:
        """Drop rendered pages; the document itself closes when collected
        (Qt may still ask a closing window for its size)."""
        self._images.clear()
        self._words.clear()

    # -- geometry ------------------------------------------------------

    def _page(self, page: int) -> pymupdf.Page:
        return self.doc.load_page(page - 1)

    def page_size(self, page: int) -> tuple[float, float]:
        """Width and height in points, as displayed (rotation applied)."""
        rect = self._page(page).rect
        return rect.width, rect.height

    def to_view(self, page: int, region: Sequence[float], scale: float) -> QRectF:
        """A region (unrotated page points) as a rectangle on the page image at ``scale``."""
        p = self._page(page)
        r = (pymupdf.Rect(region) * p.rotation_matrix).normalize()
        return QRectF(r.x0 * scale, r.y0 * scale, r.width * scale, r.height * scale)

    def to_page(self, page: int, point: QPointF, scale: float) -> tuple[float, float]:
        """A point on the page image back in unrotated page points."""
        p = self._page(page)
        q = pymupdf.Point(point.x() / scale, point.y() / scale) * p.derotation_matrix
        return q.x, q.y

    # -- rendering -----------------------------------------------------

    def image(self, page: int, scale: float) -> QImage:
        """Page ``page`` rendered at ``scale`` device pixels per point."""
        key = (page, round(scale * 1000))
        cached = self._images.get(key)
        if cached is not None:
            self._images.move_to_end(key)
            return cached
        pix = self._page(page).get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
        image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888).copy()
        self.renders += 1
        self._images[key] = image
        while len(self._images) > self._cache_pages:
            self._images.popitem(last=False)
        return image

    def cached_pages(self) -> set[int]:
        return {page for page, _ in self._images}

    # -- words and finding ---------------------------------------------

    def words(self, page: int) -> list[Word]:
        if page not in self._words:
            self._words[page] = page_words(self.doc, page)
            while len(self._words) > 4 * self._cache_pages:
                self._words.popitem(last=False)
        return self._words[page]

    def hits_on(self, page: int, terms: Sequence[Term]) -> list[QuoteMatch]:
        """Where the words of a search are on ``page``, one of the pages the
        case-wide search finds it on (the same index, the same folding:
        ligatures, soft hyphens, broken words, case and accents): as one
        phrase where the page has them so, else word by word. A page found
        whose words cannot be placed gives one match without a region."""
        words = self.words(page)
        line_text, starts = _words_as_text(words)
        matches = [match_words(words, bisect.bisect_right(starts, s) - 1, bisect.bisect_right(starts, e - 1) - 1)
                   for s, e, _n in find_spans(line_text, terms)]
        return matches or [QuoteMatch("", [], -1, -1)]


def _words_as_text(words: Sequence[Word]) -> tuple[str, list[int]]:
    """The page's words as text, a line end between lines (so a word broken
    across them joins as in the index), and where each word starts."""
    parts: list[str] = []
    starts: list[int] = []
    at = 0
    for i, word in enumerate(words):
        if i:
            gap = " " if (word[5], word[6]) == (words[i - 1][5], words[i - 1][6]) else "\n"
            parts.append(gap)
            at += 1
        starts.append(at)
        parts.append(word[4])
        at += len(word[4])
    return "".join(parts), starts


def union(regions: Sequence[Region]) -> tuple[float, float, float, float]:
    return (min(r[0] for r in regions), min(r[1] for r in regions),
            max(r[2] for r in regions), max(r[3] for r in regions))
