"""The source reader window: read a stored PDF, find in it, quote from it.

It renders from the bytes stored in the case, so what it shows is exactly
what was imported. Quote and clip cards go through the same service helpers
as the CLI (``create_quote``, ``create_page_clip``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel, QLineEdit, QMainWindow, QScrollArea, QSpinBox, QToolBar, QWidget,
)

from evidence_board.importers.quotes import QuoteMatch, citation, create_page_clip, create_quote
from evidence_board.model import Region, Source
from evidence_board.model.search_text import QueryTooLong
from evidence_board.services import CaseService, Changes
from evidence_board.store import CaseFile
from evidence_board.ui.operation import run_change
from evidence_board.ui.plain_text import plain_label, plain_tooltip, warn, window_title
from evidence_board.ui.reader.finding import DocumentFind
from evidence_board.ui.reader.page_widget import PageWidget, SelectMode
from evidence_board.ui.reader.pages import SourcePages, union

ZOOMS = (0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


class SourceReader(QMainWindow):
    """One source, one page at a time; emits ``cardCreated(card_id)``."""

    cardCreated = Signal(str)

    def __init__(self, case: CaseFile, service: CaseService | None, source: Source, board_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.case, self.service, self.source, self.board_id = case, service, source, board_id
        self.pages = SourcePages(case, source)
        self.page_widget = PageWidget(self.pages)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_widget)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setBackgroundRole(self.scroll.backgroundRole().Dark)
        self.scroll.viewport().installEventFilter(self)  # Ctrl+wheel zooms
        self.setCentralWidget(self.scroll)
        self.finder = DocumentFind(self.pages, self)  # find, off the GUI thread
        self.finder.changed.connect(self._find_changed)
        self._build_toolbar()
        self.page_widget.selectionChanged.connect(self._update_actions)
        self.setWindowTitle(window_title(f"{source.title or source.file_name} — Evidence Board"))
        self.resize(900, 1000)
        self.zoom = 1.0
        self.go_to_page(1)

    # -- building ------------------------------------------------------

    def _action(self, bar: QToolBar, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | list[QKeySequence] | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        action.setToolTip(plain_tooltip(tip or text))
        action.triggered.connect(slot)
        bar.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Reader")
        bar.setMovable(False)
        self.prev_action = self._action(bar, "◀", lambda: self.go_to_page(self.page - 1),
                                        QKeySequence(Qt.Key.Key_PageUp), "Previous page (Page Up)")
        self.page_box = QSpinBox()
        self.page_box.setRange(1, self.pages.page_count)
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(self.go_to_page)
        bar.addWidget(self.page_box)
        bar.addWidget(QLabel(f" of {self.pages.page_count} "))
        self.next_action = self._action(bar, "▶", lambda: self.go_to_page(self.page + 1),
                                        QKeySequence(Qt.Key.Key_PageDown), "Next page (Page Down)")
        bar.addSeparator()
        self._action(bar, "−", self.zoom_out, QKeySequence.StandardKey.ZoomOut, "Zoom out")
        self.zoom_label = QLabel("100%")
        bar.addWidget(self.zoom_label)
        self._action(bar, "+", self.zoom_in, QKeySequence.StandardKey.ZoomIn, "Zoom in")
        self._action(bar, "Fit width", self.fit_width, QKeySequence("Ctrl+0"))
        bar.addSeparator()
        modes = QActionGroup(self)
        self.text_mode = self._action(bar, "Select text", lambda: self.set_mode(SelectMode.TEXT),
                                      tip="Drag over words to quote them")
        self.clip_mode = self._action(bar, "Clip area", lambda: self.set_mode(SelectMode.CLIP),
                                      tip="Drag a rectangle to make a photo card of it")
        for action in (self.text_mode, self.clip_mode):
            action.setCheckable(True)
            modes.addAction(action)
        self.text_mode.setChecked(True)
        self.quote_action = self._action(bar, "Make quote card", self.make_quote_card, QKeySequence("Ctrl+Q"))
        self.clip_action = self._action(bar, "Make photo card", self.make_clip_card)
        bar.addSeparator()
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Find in document")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMaximumWidth(220)
        self.find_box.returnPressed.connect(self._find_or_next)
        self.find_box.textChanged.connect(lambda _: self._reset_find())
        bar.addWidget(self.find_box)
        self._action(bar, "↑", self.previous_hit, QKeySequence.StandardKey.FindPrevious, "Previous hit")
        self._action(bar, "↓", self.next_hit, QKeySequence.StandardKey.FindNext, "Next hit")
        self.hits_label = plain_label()  # a refused query is quoted in it
        bar.addWidget(self.hits_label)
        focus_find = QAction(self)
        focus_find.setShortcut(QKeySequence.StandardKey.Find)
        focus_find.triggered.connect(lambda: (self.find_box.setFocus(), self.find_box.selectAll()))
        self.addAction(focus_find)
        # Ctrl+W (and the desktop's own Close keys) and Esc close the reader; Esc
        # first drops a selection or clip if there is one, as it does on the board.
        close = QAction("Close", self)
        keys = [QKeySequence("Ctrl+W")]
        close.setShortcuts(keys + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
                                   if k not in keys])
        close.triggered.connect(self.close)
        escape = QAction("Close or drop the selection", self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.triggered.connect(self._escape)
        self.addAction(close)
        self.addAction(escape)
        writable = self.service is not None and not self.case.read_only
        self.quote_action.setVisible(writable)
        self.clip_action.setVisible(writable)

    # -- navigation and zoom -------------------------------------------

    @property
    def page(self) -> int:
        return self.page_widget.page

    def go_to_page(self, page: int) -> None:
        page = max(1, min(self.pages.page_count, int(page)))
        self.page_widget.show_page(page, self.zoom)
        self._show_hits_on_page()
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)
        self.prev_action.setEnabled(page > 1)
        self.next_action.setEnabled(page < self.pages.page_count)
        self.statusBar().showMessage(citation(self.source, page))
        self._update_actions()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(ZOOMS[0], min(ZOOMS[-1], zoom))
        self.page_widget.show_page(self.page, self.zoom)
        self.zoom_label.setText(f"{round(self.zoom * 100)}%")

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOMS if z > self.zoom + 1e-6), ZOOMS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self.zoom - 1e-6), ZOOMS[0]))

    def fit_width(self) -> None:
        width, _ = self.pages.page_size(self.page)
        available = self.scroll.viewport().width() - 8
        self.set_zoom(max(available, 50) / width)

    def set_mode(self, mode: SelectMode) -> None:
        self.page_widget.set_mode(mode)
        (self.text_mode if mode is SelectMode.TEXT else self.clip_mode).setChecked(True)
        self._update_actions()

    def show_regions(self, page: int, regions: Sequence[Region]) -> None:
        """Open at ``page`` with ``regions`` highlighted and scrolled into view."""
        self.go_to_page(page)
        self.page_widget.set_cited(page, regions)
        if regions:
            self._scroll_to(union(regions))

    def _scroll_to(self, region: Region) -> None:
        # A region reaching past the page (model/limits.py lets it, within bounds) scrolls to its part on the page.
        rect = self.page_widget.view_rect(region).intersected(QRectF(self.page_widget.rect()))
        if rect.isEmpty():
            return
        self.scroll.ensureVisible(int(rect.center().x()), int(rect.center().y()),
                                  int(rect.width() / 2) + 40, int(rect.height() / 2) + 80)

    # -- find ----------------------------------------------------------

    def find(self, text: str, by_terms: bool = False) -> None:
        """Find ``text`` in the whole document as the case search finds it,
        and go to the first hit from here as soon as it is found; the other
        hits are counted while the rest of the document is (see
        ui/reader/finding.py: ``finding`` is True until then). ``by_terms``,
        a case search's query, is found the same way: both search alike."""
        self.find_box.blockSignals(True)
        self.find_box.setText(text)
        self.find_box.blockSignals(False)
        try:
            self.finder.start(text, self.page)
        except QueryTooLong as exc:
            self.finder.cancel()
            self.hits_label.setText(f" {exc}")
        else:
            self.hits_label.setText(" searching…" if self.finder.running else "")
        self._show_hits_on_page()

    @property
    def finding(self) -> bool:
        """A find is still running (its hits so far are in ``find_hits``)."""
        return self.finder.running

    @property
    def find_hits(self) -> list[tuple[int, QuoteMatch]]:
        """The hits of the last find, in page order."""
        return self.finder.hits

    @property
    def find_index(self) -> int:
        return self.finder.current

    def _find_changed(self, first: bool) -> None:
        finder = self.finder
        if finder.error is not None:  # the search took too long, or the file cannot be read
            self.hits_label.setText(f" {finder.error}")
        elif first:
            self._go_to_hit(finder.current)
        elif not finder.hits:
            self.hits_label.setText(" no hits" if not finder.running and finder.text.strip() else "")
        else:
            self.hits_label.setText(self._hits_text())
            if self.page in finder.placed:  # repainted only when this page's hits came
                self._show_hits_on_page()

    def _hits_text(self) -> str:
        more = "…" if self.finder.running else ""  # still counting
        return f" {self.find_index + 1} of {len(self.find_hits)}{more}"

    def next_hit(self) -> None:
        if self.find_hits:
            self._go_to_hit((self.find_index + 1) % len(self.find_hits))

    def previous_hit(self) -> None:
        if self.find_hits:
            self._go_to_hit((self.find_index - 1) % len(self.find_hits))

    def _find_or_next(self) -> None:
        if self.find_hits:
            self.next_hit()
        elif not (self.finder.running and self.finder.text == self.find_box.text()):
            self.find(self.find_box.text())

    def _reset_find(self) -> None:
        self.finder.cancel()
        self.hits_label.setText("")
        self._show_hits_on_page()

    def _go_to_hit(self, index: int) -> None:
        self.finder.current = index
        page, match = self.find_hits[index]
        if page != self.page:
            self.go_to_page(page)
        else:
            self._show_hits_on_page()
        self.hits_label.setText(self._hits_text())
        if match.regions:  # a page found whose words could not be placed has none
            self._scroll_to(union(match.regions))

    def _show_hits_on_page(self) -> None:
        # Hits are in page order: this page's found by bisection (a find may hold 100,000s).
        low = bisect.bisect_left(self.find_hits, self.page, key=lambda hit: hit[0])
        high = bisect.bisect_right(self.find_hits, self.page, key=lambda hit: hit[0])
        self.page_widget.hits = [m.regions for _, m in self.find_hits[low:high]]
        self.page_widget.current_hit = self.find_index - low if low <= self.find_index < high else -1
        self.page_widget.update()

    # -- making cards --------------------------------------------------

    def _update_actions(self) -> None:
        self.quote_action.setEnabled(self.page_widget.selection is not None)
        self.clip_action.setEnabled(self.page_widget.clip is not None)

    def make_quote_card(self) -> str | None:
        """A quote card of the selected words; returns its id."""
        selection = self.page_widget.selection
        if selection is None or self.service is None:
            return None
        return self._make(lambda: create_quote(self.service, self.source.id, self.page, selection.text,
                                               self.board_id, regions=selection.regions))

    def make_clip_card(self) -> str | None:
        """A photo card of the clipped rectangle; returns its id."""
        clip = self.page_widget.clip
        if clip is None or self.service is None:
            return None
        return self._make(lambda: create_page_clip(self.service, self.source.id, self.page, clip, self.board_id))

    def _make(self, create: Callable[[], Changes]) -> str | None:
        # The reader is a window of its own: its refusals show in a box over it.
        changes = run_change(lambda message: warn(self, "Evidence Board", message), create)
        if changes is None:
            return None
        card_id = changes.created[0]
        self.page_widget.clear_selection()
        card = self.case.card(card_id)
        self.statusBar().showMessage(f"Made a {card.kind.value} card: {card.title}", 6000)
        self.cardCreated.emit(card_id)
        return card_id

    def _escape(self) -> None:
        widget = self.page_widget
        if widget.selection is not None or widget.clip is not None:
            widget.clear_selection()
        else:
            self.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            (self.zoom_in if event.angleDelta().y() > 0 else self.zoom_out)()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.finder.close()  # its search thread stopped and joined
        self.pages.release()
        super().closeEvent(event)
