"""The History panel: the audit trail of the case, or of the selected card, in words.

Who did what and when, each change with its before and after values, and
"Restore this version", which gives a card back the fields it had right after
a change as one ordinary, undoable edit (``CaseService.restore_card_version``).

The trail is read a page at a time (``CaseFile.audit_page``): a case with
years of edits opens the panel as fast as a new one, and "Show older" reads
the next page. Everything shown is plain text in QStandardItems and a plain
text pane: case text may hold markup, and none of it is ever rendered.
The panel follows the service's Changes like every view, refreshing once
after a burst of edits and only while it is visible.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton, QSplitter,
    QTreeView, QVBoxLayout, QWidget,
)

from evidence_board.services import CaseService, Changes
from evidence_board.store.reading import AuditEvent
from evidence_board.ui.history_text import Names, describe, local_time, restorable_card
from evidence_board.ui.operation import run_change

PAGE = 100  # events read at a time
CHANGES_SHOWN = 50  # changes listed under one event (an import has thousands)
EVENT_ROLE = Qt.ItemDataRole.UserRole  # the audit event id, on every item of its rows
CARD_ROLE = Qt.ItemDataRole.UserRole + 1  # the card "Restore this version" would restore
DETAILS_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole description, for the details pane
CASE_SCOPE, CARD_SCOPE = "case", "card"


def _item(text: str, event_id: int, details: str = "", card_id: str | None = None) -> QStandardItem:
    item = QStandardItem(text)  # plain text: a delegate never interprets it as markup
    item.setEditable(False)
    item.setData(event_id, EVENT_ROLE)
    item.setData(card_id, CARD_ROLE)
    item.setData(details or text, DETAILS_ROLE)
    return item


class HistoryPanel(QWidget):
    """The audit trail; ``error`` reports a refused restore."""

    error = Signal(str)

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.case = service.case
        self.read_only = False
        self.card_id: str | None = None  # the selected card, followed in the card scope
        self._oldest: int | None = None  # id of the oldest event shown, for "Show older"
        self._stale = False
        self.scope = QComboBox()
        self.scope.addItem("Selected card", CARD_SCOPE)
        self.scope.addItem("Whole case", CASE_SCOPE)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("color: #4c5865;")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["When", "Who", "What"])
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)  # a long page lays out without measuring every row
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 190)
        self.tree.setColumnWidth(1, 110)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select a change to read its before and after values in full.")
        self.restore = QPushButton("Restore this version")
        self.restore.setToolTip("Give the card back the values it had right after this change "
                                "(one step; Undo takes it back).")
        self.older = QPushButton("Show older")
        top = QHBoxLayout()
        top.addWidget(QLabel("History of"))
        top.addWidget(self.scope)
        top.addWidget(self.heading, 1)
        top.addWidget(self.older)
        top.addWidget(self.restore)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.tree.selectionModel().currentRowChanged.connect(lambda current, _previous: self._row_chosen(current))
        self.restore.clicked.connect(self.restore_selected)
        self.older.clicked.connect(self.show_older)
        service.subscribe(self._on_changes)
        self.refresh()

    # -- following the case and the selection ------------------------------------------

    def detach(self) -> None:
        """The case is closing: stop following it."""
        self._timer.stop()
        self.service.unsubscribe(self._on_changes)

    def show_card(self, card_id: str | None) -> None:
        """The selection changed: one card's id, or None."""
        if card_id == self.card_id:
            return
        self.card_id = card_id
        if self.scope.currentData() == CARD_SCOPE:
            self._refresh_soon()

    def set_scope(self, scope: str) -> None:
        self.scope.setCurrentIndex(self.scope.findData(scope))

    def _on_changes(self, changes: Changes) -> None:
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True  # read when shown: a hidden panel costs nothing per edit

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt's signature
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- reading ------------------------------------------------------------------------

    def _scoped_card(self) -> str | None:
        return self.card_id if self.scope.currentData() == CARD_SCOPE else None

    def refresh(self) -> None:
        """Read the newest page again (after an edit, a new selection or scope)."""
        self._stale = False
        self.model.removeRows(0, self.model.rowCount())
        self.details.clear()
        self._oldest = None
        if self.scope.currentData() == CARD_SCOPE and self.card_id is None:
            self.heading.setText("— select one card to see its history, or choose Whole case.")
            self.older.setEnabled(False)
            self._update_restore()
            return
        self._append(self._read_page(None))
        self._update_heading()

    def show_older(self) -> None:
        if self._oldest is not None:
            self._append(self._read_page(self._oldest))
            self._update_heading()

    def _read_page(self, before: int | None) -> list[AuditEvent]:
        return self.case.audit_page(card_id=self._scoped_card(), before=before, limit=PAGE,
                                    changes_per_event=CHANGES_SHOWN)

    def _update_heading(self) -> None:
        card_id = self._scoped_card()
        shown = self.model.rowCount()
        count = f"the {shown} latest changes (Show older for more)" if self.older.isEnabled() else \
            f"{shown} change{'s' * (shown != 1)}"
        if card_id is not None:
            card = self.case.card(card_id)
            title = (card.title or card.kind.value) if card else "a deleted card"
            self.heading.setText(f"“{title}”: {count}")
        else:
            self.heading.setText(f"{self.case.title}: {count}")

    def _append(self, events: list[AuditEvent]) -> None:
        card_id = self._scoped_card()
        names = Names(self.case, focus=card_id)
        root = self.model.invisibleRootItem()
        for event in events:
            lines = [(describe(change, names), restorable_card(change)) for change in event.changes]
            cards = {restorable for _line, restorable in lines if restorable}
            target = next(iter(cards)) if len(cards) == 1 else None
            details = f"{event.summary}\n{event.author}, {local_time(event.at)}\n\n" + \
                "\n\n".join(whole for (_line, whole), _r in lines)
            row = [_item(text, event.id, details, target)
                   for text in (local_time(event.at), event.author, event.summary)]
            for (line, whole), restorable in lines:
                row[0].appendRow([_item("", event.id, whole, restorable), _item("", event.id, whole, restorable),
                                  _item(line, event.id, whole, restorable)])
            if len(event.changes) == CHANGES_SHOWN:
                total = self.case.audit_change_count(event.id, card_id)
                if total > CHANGES_SHOWN:
                    more = f"… and {total - CHANGES_SHOWN:,} more changes in this step"
                    row[0].appendRow([_item("", event.id), _item("", event.id), _item(more, event.id)])
            root.appendRow(row)
            if card_id is not None and len(lines) <= 4:
                self.tree.setExpanded(row[0].index(), True)
        if events:
            self._oldest = events[-1].id
        self.older.setEnabled(len(events) == PAGE)
        self._update_restore()

    # -- choosing and restoring -------------------------------------------------------

    def _current(self) -> tuple[int | None, str | None]:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None, None
        return index.data(EVENT_ROLE), index.data(CARD_ROLE)

    def _row_chosen(self, index: QModelIndex) -> None:
        self.details.setPlainText(index.data(DETAILS_ROLE) or "" if index.isValid() else "")
        self._update_restore()

    def _update_restore(self) -> None:
        event_id, card_id = self._current()
        self.restore.setEnabled(not self.read_only and event_id is not None and card_id is not None)

    def restore_selected(self) -> None:
        event_id, card_id = self._current()
        if self.read_only or event_id is None or card_id is None:
            return
        changes = run_change(self.error.emit, lambda: self.service.restore_card_version(card_id, event_id))
        if changes is None:  # refused: reported once, by the window
            return
        if not changes:
            self.heading.setText("The card already has the values of that version: nothing to restore.")
