"""Help > Keyboard shortcuts: every menu action's keys, and the mouse gestures."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

GESTURES = [
    ("Double-click empty board", "Add a note"),
    ("Double-click a link", "Edit its label in place"),
    ("Double-click a document or photo card", "Open it in the source reader (Ctrl+W or Esc closes it)"),
    ("Drag a card", "Move it (and every selected card): one undo step"),
    ("Drag from a card's + handle", "Link it to the card you drop on"),
    ("Drag a card's square handle", "Resize it"),
    ("Drag on empty board", "Select the cards in the rectangle (Ctrl adds)"),
    ("Ctrl+click", "Add to or remove from the selection"),
    ("Middle-drag, or Space+drag", "Pan"),
    ("Mouse wheel", "Zoom at the pointer (Shift+wheel scrolls)"),
    ("Arrow keys (Shift: 1 px)", "Nudge the selection"),
    ("Esc", "Cancel the gesture, or clear the selection"),
    ("Drop files on the board", "Import PDFs and images as cards"),
]


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what) for every action that has a shortcut, in menu order."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            name = action.property("plain_name") or action.text().replace("&", "").rstrip(".…")
            rows.append((", ".join(keys), name))
    return rows


def show_shortcuts(parent: QWidget, actions: Iterable[QAction]) -> QDialog:
    rows = shortcut_rows(actions) + GESTURES
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(["Keys or gesture", "Does"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    for row, (keys, what) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(keys))
        table.setItem(row, 1, QTableWidgetItem(what))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(560, 620)
    dialog.show()
    return dialog
