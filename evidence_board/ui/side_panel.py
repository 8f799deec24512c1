"""The left panel: the case's sources and its cards, filtered by kind and tag.

Lists are refilled (after a short pause, so a burst of edits refills once)
only when the services report that cards or sources changed. A source's
context menu opens it or deletes it (``ui/source_actions.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QTabWidget, QVBoxLayout, QWidget,
)

from evidence_board.model import CARD_KINDS, CardKind, count_cards
from evidence_board.render.context import Palette
from evidence_board.services import CaseService, Changes
from evidence_board.store import queries
from evidence_board.ui.plain_text import plain_tooltip

LIST_LIMIT = 5000  # a list longer than this is cut; the filters narrow it


class SidePanel(QTabWidget):
    """Sources and cards of the case. Signals carry the id of what was picked."""

    card_picked = Signal(str)
    source_opened = Signal(str)
    error = Signal(str)  # a refused change (Delete source…), shown by the window

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.case = service.case
        self.palette_ = Palette()
        self._icons: dict[CardKind, QIcon] = {}
        self.sources = QListWidget()
        self.sources.itemActivated.connect(lambda item: self.source_opened.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.sources.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sources.customContextMenuRequested.connect(self._show_source_menu)
        self.cards = QListWidget()
        self.cards.itemClicked.connect(lambda item: self.card_picked.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.cards.itemActivated.connect(lambda item: self.card_picked.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", None)
        for descriptor in CARD_KINDS.values():
            self.kind_filter.addItem(descriptor.label, descriptor.name)
        self.tag_filter = QComboBox()
        self.tag_filter.addItem("All tags", None)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #65717e;")
        filters = QHBoxLayout()
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.tag_filter)
        card_page = QWidget()
        layout = QVBoxLayout(card_page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.cards)
        layout.addWidget(self.count_label)
        self.addTab(card_page, "Cards")
        self.addTab(self.sources, "Sources")
        self.kind_filter.currentIndexChanged.connect(self.refill_cards)
        self.tag_filter.currentIndexChanged.connect(self.refill_cards)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refill)
        service.subscribe(self._on_changes)
        self.refill()

    def _on_changes(self, changes: Changes) -> None:
        if changes.sources or changes.cards:
            self._timer.start()

    def source_menu(self, source_id: str) -> QMenu:
        """A source's context menu: open it; delete it (not in a read-only case)."""
        from evidence_board.ui.source_actions import delete_source_asking

        menu = QMenu(self)
        menu.addAction("Open source", lambda: self.source_opened.emit(source_id))
        delete = menu.addAction("Delete source…",
                                lambda: delete_source_asking(self, self.service, source_id, self.error.emit))
        delete.setEnabled(not self.case.read_only)
        return menu

    def _show_source_menu(self, pos: QPoint) -> None:
        item = self.sources.itemAt(pos)
        if item is not None:
            menu = self.source_menu(item.data(Qt.ItemDataRole.UserRole))
            menu.exec(self.sources.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def detach(self) -> None:
        """The case is closing: stop following it."""
        self._timer.stop()
        self.service.unsubscribe(self._on_changes)

    def refill(self) -> None:
        self._refill_tags()
        self.refill_cards()
        self._refill_sources()

    def _refill_tags(self) -> None:
        current = self.tag_filter.currentData()
        tags = queries.card_tags(self.case.conn)
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag in tags:
            self.tag_filter.addItem(f"#{tag}", tag)
        self.tag_filter.setCurrentIndex(max(0, self.tag_filter.findData(current)))
        self.tag_filter.blockSignals(False)

    def _kind_icon(self, kind: CardKind) -> QIcon:
        icon = self._icons.get(kind)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette_.kinds[kind])
            painter.drawRoundedRect(1, 1, 10, 10, 3, 3)
            painter.end()
            icon = self._icons[kind] = QIcon(pixmap)
        return icon

    def refill_cards(self) -> None:
        cards = self.case.cards(kind=self.kind_filter.currentData(), tag=self.tag_filter.currentData())
        self.cards.setUpdatesEnabled(False)
        self.cards.clear()
        for card in cards[:LIST_LIMIT]:
            label = card.title or " ".join(card.text.split())[:80] or f"({card.kind.value})"
            item = QListWidgetItem(self._kind_icon(card.kind), label)
            item.setToolTip(plain_tooltip(f"{card.kind.value}: {label}"))  # a title is never markup
            item.setData(Qt.ItemDataRole.UserRole, card.id)
            self.cards.addItem(item)
        self.cards.setUpdatesEnabled(True)
        shown = min(len(cards), LIST_LIMIT)
        # Counted as the status bar and the export dialog count ("48 cards and 4 groups").
        counted = count_cards(card.kind for card in cards)
        self.count_label.setText(counted + (f" (first {shown} shown)" if shown < len(cards) else ""))

    def _refill_sources(self) -> None:
        self.sources.clear()
        for source in self.case.sources():
            pages = f" · {source.page_count} p." if source.page_count else ""
            item = QListWidgetItem(f"{source.title or source.file_name}{pages}")
            item.setToolTip(plain_tooltip(f"{source.file_name}\nSHA-256 {source.sha256}"))
            item.setData(Qt.ItemDataRole.UserRole, source.id)
            self.sources.addItem(item)
