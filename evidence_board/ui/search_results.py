"""The case search's results under the search box: each hit's title, where it
is, and a snippet of its words with the search's words in bold on yellow.

The hits are drawn with QTextLayout formats over plain text, never as rich
text, so a title or page text holding markup shows as the characters it is.
A common word in a large case shows a first page of hits at once (the best
of the first matches) and the final ranking as soon as it is made.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QFrame, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget,
)

from evidence_board.model.search_text import QueryTooLong, display_text, query_terms
from evidence_board.store.search import SearchHit
from evidence_board.ui.search_worker import SearchResult, SearchWorker, case_search

SHOWN = 20  # hits listed
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT = QColor("#ffe680")
PADDING = 6


class HitDelegate(QStyledItemDelegate):
    """Two lines per hit: the title (and page), then the snippet with its hits marked."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        metrics = QFontMetricsF(option.font)
        return QSize(520, round(metrics.lineSpacing() * 2 + PADDING * 2))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        hit: SearchHit = index.data(HIT_ROLE)
        style = option.widget.style() if option.widget else None
        painter.save()
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.highlightedText().color() if selected else option.palette.text().color()
        rect = QRectF(option.rect).adjusted(PADDING, PADDING / 2, -PADDING, -PADDING / 2)
        metrics = QFontMetricsF(option.font)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setPen(text_colour)
        painter.setFont(bold)
        where = f"p. {hit.page} · " if hit.kind == "page" else ""
        title = QFontMetricsF(bold).elidedText(where + (display_text(hit.title) or "(untitled)"),
                                               Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), metrics.lineSpacing()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        _draw_snippet(painter, option.font, hit, QRectF(rect.left(), rect.top() + metrics.lineSpacing(),
                                                         rect.width(), metrics.lineSpacing()), text_colour)
        painter.restore()


def _draw_snippet(painter: QPainter, font: QFont, hit: SearchHit, rect: QRectF, colour: QColor) -> None:
    """One line of the snippet, its hits bold on yellow; longer than the line,
    it starts a little before the first hit and ends in an ellipsis."""
    text, hits = hit.snippet, list(hit.hits)
    metrics = QFontMetricsF(font)
    if hits and metrics.horizontalAdvance(text[:hits[0][1]]) > rect.width() * 0.8:
        cut = text.rfind(" ", 0, max(hits[0][0] - 20, 0)) + 1  # a word about 20 characters before
        if cut > 0:
            shift = cut - 2  # for the "… " put in front
            text = "… " + text[cut:]
            hits = [(s - shift, e - shift) for s, e in hits if s >= cut]
    layout = QTextLayout(text, font)
    formats = []
    for start, end in hits:
        marked = QTextCharFormat()
        marked.setFontWeight(QFont.Weight.Bold)
        marked.setBackground(HIGHLIGHT)
        marked.setForeground(QColor("#000000"))
        span = QTextLayout.FormatRange()
        span.start, span.length, span.format = start, end - start, marked
        formats.append(span)
    layout.setFormats(formats)
    layout.beginLayout()
    line = layout.createLine()
    if line.isValid():
        line.setLineWidth(1e6)  # one line, clipped at the rect
        line.setPosition(QPointF(0, 0))
    layout.endLayout()
    painter.save()
    painter.setClipRect(rect)
    painter.setPen(colour)
    layout.draw(painter, rect.topLeft())
    painter.restore()


class SearchResults(QFrame):
    """A popup list of search hits; Enter or a click opens one."""

    activated = Signal(object)  # the SearchHit

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.list = QListWidget(self)
        self.list.setItemDelegate(HitDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.itemActivated.connect(self._activate)
        self.list.itemClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.query = ""
        self.hits: list[SearchHit] = []
        self.awaiting_first = False  # a search runs whose first page is not shown yet

    def show_hits(self, query: str, hits: list[SearchHit], under: QWidget | None = None) -> None:
        self.query, self.hits = query, hits[:SHOWN]
        self.list.clear()
        for hit in self.hits:
            item = QListWidgetItem()
            item.setData(HIT_ROLE, hit)
            # Read by screen readers and tooltips: plain text, like everything case text is shown as.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.title}: {hit.snippet}")
            self.list.addItem(item)
        if not self.hits:
            empty = QListWidgetItem("No hits")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            empty.setData(HIT_ROLE, SearchHit("none", "", "No hits", "", 0.0))
            self.list.addItem(empty)
        self._place(under)

    def show_message(self, query: str, title: str, detail: str, under: QWidget | None = None) -> None:
        """One line saying why there are no hits (a search stopped at its time limit)."""
        self.query, self.hits = query, []
        self.awaiting_first = False
        self.list.clear()
        item = QListWidgetItem()
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setData(HIT_ROLE, SearchHit("none", "", title, detail, 0.0))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}: {detail}")
        self.list.addItem(item)
        self._place(under)

    def _place(self, under: QWidget | None) -> None:
        row = self.list.sizeHintForRow(0) if self.list.count() else 40
        self.resize(560, min(max(self.list.count(), 1), 10) * row + 4)
        if self.hits:
            self.list.setCurrentRow(0)
        if under is not None:
            self.move(under.mapToGlobal(under.rect().bottomLeft()))
        self.show()
        self.list.setFocus()

    def _activate(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if hit is not None and hit.kind != "none":
            self.hide()
            self.activated.emit(hit)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


def run_search(window) -> None:  # noqa: ANN001 - the MainWindow
    """Search the case for the search box's text on the window's search
    thread (ui/search_worker.py); the hits arrive in ``_arrived``. A search
    already running is stopped: only the newest one's hits are shown."""
    text = window.search_box.text().strip()
    view = window.current_view()
    if not text or window.case is None or view is None:
        return
    try:
        query_terms(text)  # refused here, before any thread, if it is too long
    except QueryTooLong as exc:
        _cancel(window)
        window.statusBar().showMessage(f"Not searched: {exc}", 8000)
        return
    worker = getattr(window, "search_worker", None)
    if worker is None or worker.case is not window.case:
        worker = window.search_worker = SearchWorker(window.case, window)
        worker.result.connect(lambda result: _arrived(window, result))
    if getattr(window, "search_results", None) is None:
        window.search_results = SearchResults(window)
        window.search_results.activated.connect(lambda hit: _open(window, window.search_results.query, hit))
        # Typing another query stops the one running (Enter starts the new one).
        window.search_box.textChanged.connect(lambda typed: _typed(window, typed))
    window.searching = text
    window.search_results.awaiting_first = True
    worker.submit(case_search(text, limit=40))
    window.statusBar().showMessage(f"Searching for {text!r}…")


def stop_searching(window) -> None:  # noqa: ANN001 - the MainWindow
    """Before the case closes: stop its search thread and close its connection,
    and hide hits that belong to it."""
    worker = getattr(window, "search_worker", None)
    if worker is not None:
        worker.close()
        worker.deleteLater()
        window.search_worker = None
    popup = getattr(window, "search_results", None)
    if popup is not None:
        popup.hide()
    window.searching = None


def _cancel(window) -> None:  # noqa: ANN001
    worker = getattr(window, "search_worker", None)
    if worker is not None and worker.busy:
        worker.cancel()
        window.statusBar().clearMessage()
    window.searching = None


def _typed(window, typed: str) -> None:  # noqa: ANN001
    if getattr(window, "searching", None) not in (None, typed.strip()):
        _cancel(window)


def _arrived(window, result: SearchResult) -> None:  # noqa: ANN001
    """A page of hits from the search thread (the newest search's only): the
    first page is shown at once; the final ranking replaces it if its list is
    still open."""
    view, popup = window.current_view(), window.search_results
    if result.done:
        window.searching = None
    if result.error is not None:
        window.statusBar().showMessage(f"Not searched: {result.error}", 10000)
        if view is not None:
            popup.show_message(window.search_box.text().strip(), "Not searched", result.error, window.search_box)
        return
    if result.value is None or window.case is None or view is None:
        return
    text, hits, _final = result.value
    if popup.awaiting_first or (popup.isVisible() and popup.query == text):
        popup.awaiting_first = False
        _show(window, view, popup, text, hits)


def _show(window, view, popup: SearchResults, text: str, hits: list[SearchHit]) -> None:  # noqa: ANN001
    here = [h.id for h in hits if h.kind == "card" and h.id in view.board_scene.cards]
    window.statusBar().showMessage(f"{len(hits)} hits for {text!r}: {len(here)} cards on this board", 6000)
    if here:
        view.commands.select(here)
        first = view.board_scene.cards[here[0]]
        if view.scale_factor < 0.5:
            view.set_scale(0.8)
        view.centerOn(first.card_rect().center())
    popup.show_hits(text, hits, window.search_box)


def _open(window, query: str, hit: SearchHit) -> None:  # noqa: ANN001
    if hit.kind == "card":
        window.reveal_card(hit.id)
    else:
        window.show_source(hit.id, hit.page, find=query)
