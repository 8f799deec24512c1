"""One page on screen: the rendered image, highlights, and mouse selection."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from evidence_board.importers.quotes import QuoteMatch, select_words
from evidence_board.model import Region
from evidence_board.ui.reader.pages import SourcePages

HIT = QColor(255, 220, 0, 110)
CURRENT_HIT = QColor(255, 140, 0, 150)
CITED = QColor(230, 60, 40, 70)
CITED_EDGE = QColor(200, 40, 30)
SELECTION = QColor(40, 110, 230, 80)
CLIP_EDGE = QColor(40, 110, 230)


class SelectMode(enum.Enum):
    TEXT = "text"  # drag over words: a quote
    CLIP = "clip"  # drag a rectangle: a page clip


class PageWidget(QWidget):
    """Paints one page at the reader's zoom; turns drags into a word
    selection or a clip rectangle, both in unrotated page points."""

    selectionChanged = Signal()

    def __init__(self, pages: SourcePages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        self.page = 1
        self.zoom = 1.0  # logical pixels per point
        self.mode = SelectMode.TEXT
        self.hits: list[Sequence[Region]] = []  # find hits on this page
        self.current_hit = -1
        self.cited: Sequence[Region] = ()  # the regions a quote card points at...
        self.cited_page: int | None = None  # ...on this page
        self.selection: QuoteMatch | None = None
        self.clip: Region | None = None
        self._press: QPointF | None = None
        self._drag: QPointF | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.setMouseTracking(False)

    # -- state ---------------------------------------------------------

    def show_page(self, page: int, zoom: float) -> None:
        if (page, zoom) != (self.page, self.zoom):
            if page != self.page:
                self.clear_selection()
            self.page, self.zoom = page, zoom
            self.setFixedSize(self.sizeHint())
        self.update()

    def set_mode(self, mode: SelectMode) -> None:
        self.mode = mode
        self.clear_selection()
        self.setCursor(Qt.CursorShape.IBeamCursor if mode is SelectMode.TEXT else Qt.CursorShape.CrossCursor)

    def set_cited(self, page: int, regions: Sequence[Region]) -> None:
        self.cited_page, self.cited = page, tuple(tuple(r) for r in regions)
        self.update()

    def clear_selection(self) -> None:
        if self.selection is not None or self.clip is not None:
            self.selection, self.clip = None, None
            self.selectionChanged.emit()
            self.update()

    def sizeHint(self) -> QSize:
        width, height = self.pages.page_size(self.page)
        return QSize(round(width * self.zoom), round(height * self.zoom))

    def view_rect(self, region: Sequence[float]) -> QRectF:
        return self.pages.to_view(self.page, region, self.zoom)

    # -- painting ------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        ratio = self.devicePixelRatioF()
        image = self.pages.image(self.page, self.zoom * ratio)  # screen resolution, cached
        image.setDevicePixelRatio(ratio)
        painter.drawImage(QPointF(0, 0), image)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, regions in enumerate(self.hits):
            painter.setBrush(CURRENT_HIT if index == self.current_hit else HIT)
            for region in regions:
                painter.drawRect(self.view_rect(region))
        if self.cited and self.cited_page == self.page:
            painter.setBrush(CITED)
            painter.setPen(QPen(CITED_EDGE, 1.5))
            for region in self.cited:
                painter.drawRect(self.view_rect(region).adjusted(-2, -1, 2, 1))
        painter.setPen(Qt.PenStyle.NoPen)
        if self.selection is not None:
            painter.setBrush(SELECTION)
            for region in self.selection.regions:
                painter.drawRect(self.view_rect(region))
        if self.clip is not None:
            painter.setBrush(SELECTION)
            painter.setPen(QPen(CLIP_EDGE, 1, Qt.PenStyle.DashLine))
            painter.drawRect(self.view_rect(self.clip))
        painter.end()

    # -- mouse ---------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self._press = event.position()
        self.clear_selection()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return super().mouseMoveEvent(event)
        self._select(self._press, event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return super().mouseReleaseEvent(event)
        self._select(self._press, event.position())
        self._press = None
        self.selectionChanged.emit()

    def _select(self, start: QPointF, end: QPointF) -> None:
        a = self.pages.to_page(self.page, start, self.zoom)
        b = self.pages.to_page(self.page, end, self.zoom)
        if self.mode is SelectMode.TEXT:
            if abs(start.x() - end.x()) + abs(start.y() - end.y()) < 3:
                self.selection = None  # a click, not a drag
            else:
                self.selection = select_words(self.pages.words(self.page), a, b)
        else:
            x0, x1 = sorted((a[0], b[0]))
            y0, y1 = sorted((a[1], b[1]))
            self.clip = (x0, y0, x1, y1) if (x1 - x0) >= 4 and (y1 - y0) >= 4 else None
        self.update()

    def select_between(self, start: QPointF, end: QPointF) -> None:
        """Select as a drag from ``start`` to ``end`` (widget coordinates) would."""
        self._select(start, end)
        self.selectionChanged.emit()
