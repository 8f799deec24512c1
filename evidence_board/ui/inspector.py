"""The inspector: edit the selected card or link through the services.

Each field commits when editing finishes (Enter, or leaving the field), as
one service call, so each is one undo step and is in the file at once. The
fields are refilled from the case whenever the services report a change to
what is shown, never from what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication, QColorDialog, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QStackedWidget, QVBoxLayout, QWidget,
)

from evidence_board.model import (
    CARD_KINDS, CREDIBILITY, ENTITY_LOOKS, RELIABILITY, Card, Direction, EntityType, Link, Strength,
)
from evidence_board.services import CaseService, Changes
from evidence_board.ui.operation import run_change


class _CommitOnFocusOut(QObject):
    """A QPlainTextEdit has no editingFinished; commit when it loses focus."""

    def __init__(self, commit: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._commit = commit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._commit()
        return False


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, value in items:
        combo.addItem(text, value)
    return combo


def _attributes_text(attributes: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in attributes.items())


def _parse_attributes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            if key.strip():
                out[key.strip()] = value.strip()
        elif line.strip():
            out[line.strip()] = ""
    return out


class Inspector(QWidget):
    """Shows and edits one card or link; ``error`` reports a refused edit."""

    error = Signal(str)
    show_in_source_requested = Signal(str)

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.card: Card | None = None
        self.link: Link | None = None
        self._filling = False
        self.read_only = False
        self.stack = QStackedWidget()
        self.empty = QLabel("Select a card or a link to see and edit it here.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.empty.setStyleSheet("color: #65717e; padding: 8px;")
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._card_page())
        self.stack.addWidget(self._link_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)
        layout.addStretch(1)
        service.subscribe(self._on_changes)

    # -- pages --------------------------------------------------------------------

    def _card_page(self) -> QWidget:
        page = QWidget()
        form = self.card_form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind_label = QLabel()
        self.kind_label.setStyleSheet("font-weight: 600; color: #4c5865;")
        self.title = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(90)
        self.text.setMaximumHeight(220)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.boards_label = QLabel()  # which boards hold this one card
        self.boards_label.setWordWrap(True)
        for label in (self.source_label, self.boards_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # titles and names are case text, never markup
        self.source_button = QPushButton("Show in source")
        self.entity_type = _combo([(ENTITY_LOOKS[t].label, t.value) for t in EntityType])
        self.attributes = QPlainTextEdit()
        self.attributes.setTabChangesFocus(True)
        self.attributes.setPlaceholderText("one per line, as name: value")
        self.attributes.setMaximumHeight(90)
        self.date_start = QLineEdit()
        self.date_start.setPlaceholderText("YYYY-MM-DD")
        self.date_end = QLineEdit()
        self.date_end.setPlaceholderText("YYYY-MM-DD")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma, separated")
        self.reliability = _combo([("—", None)] + [(f"{k} {v}", k) for k, v in RELIABILITY.items()])
        self.credibility = _combo([("—", None)] + [(f"{k} {v}", k) for k, v in CREDIBILITY.items()])
        self.card_colour = QLineEdit()
        self.card_colour.setPlaceholderText("#rrggbb (empty: by kind)")
        pick = QPushButton("…")
        pick.setFixedWidth(28)
        pick.clicked.connect(lambda: self._pick_colour(self.card_colour))
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.card_colour)
        colour_row.addWidget(pick)
        for label, widget in (("", self.kind_label), ("Title", self.title), ("Text", self.text),
                              ("Source", self.source_label), ("", self.source_button),
                              ("On boards", self.boards_label),
                              ("Entity type", self.entity_type), ("Attributes", self.attributes),
                              ("Date", self.date_start), ("Until", self.date_end), ("Tags", self.tags),
                              ("Reliability", self.reliability), ("Credibility", self.credibility)):
            form.addRow(label, widget)
        form.addRow("Colour", colour_row)
        # Each row by its name in model/card_kinds.py; a kind's descriptor says which it shows.
        self.card_rows: dict[str, QWidget | QHBoxLayout] = {
            "title": self.title, "text": self.text, "source": self.source_label,
            "show_in_source": self.source_button, "boards": self.boards_label,
            "entity_type": self.entity_type, "attributes": self.attributes, "date_start": self.date_start,
            "date_end": self.date_end, "tags": self.tags, "reliability": self.reliability,
            "credibility": self.credibility, "colour": colour_row,
        }
        self.title.editingFinished.connect(lambda: self._commit_card(title=self.title.text()))
        self.text.installEventFilter(_CommitOnFocusOut(lambda: self._commit_card(text=self.text.toPlainText()),
                                                       self.text))
        self.attributes.installEventFilter(_CommitOnFocusOut(
            lambda: self._commit_card(attributes=_parse_attributes(self.attributes.toPlainText())), self.attributes))
        self.entity_type.activated.connect(lambda: self._commit_card(entity_type=self.entity_type.currentData()))
        self.date_start.editingFinished.connect(lambda: self._commit_card(date_start=self.date_start.text().strip()
                                                                          or None))
        self.date_end.editingFinished.connect(lambda: self._commit_card(date_end=self.date_end.text().strip() or None))
        self.tags.editingFinished.connect(self._commit_tags)
        self.reliability.activated.connect(self._commit_grade)
        self.credibility.activated.connect(self._commit_grade)
        self.card_colour.editingFinished.connect(lambda: self._commit_card(colour=self.card_colour.text().strip()))
        self.source_button.clicked.connect(lambda: self.card and self.show_in_source_requested.emit(self.card.id))
        return page

    def _link_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.link_ends = QLabel()
        self.link_ends.setWordWrap(True)
        self.link_ends.setTextFormat(Qt.TextFormat.PlainText)
        self.label = QLineEdit()
        self.direction = _combo([("→ forward", Direction.FORWARD.value), ("↔ both", Direction.BOTH.value),
                                 ("— none", Direction.NONE.value)])
        self.strength = _combo([("Confirmed (solid)", Strength.CONFIRMED.value),
                                ("Unconfirmed (dashed)", Strength.UNCONFIRMED.value),
                                ("Tentative (dotted)", Strength.TENTATIVE.value)])
        self.link_colour = QLineEdit()
        self.link_colour.setPlaceholderText("#rrggbb (empty: default)")
        self.reverse = QPushButton("Reverse direction")
        form.addRow("", self.link_ends)
        form.addRow("Label", self.label)
        form.addRow("Direction", self.direction)
        form.addRow("Strength", self.strength)
        form.addRow("Colour", self.link_colour)
        form.addRow("", self.reverse)
        self.label.editingFinished.connect(lambda: self._commit_link(label=self.label.text()))
        self.direction.activated.connect(lambda: self._commit_link(direction=self.direction.currentData()))
        self.strength.activated.connect(lambda: self._commit_link(strength=self.strength.currentData()))
        self.link_colour.editingFinished.connect(lambda: self._commit_link(colour=self.link_colour.text().strip()))
        self.reverse.clicked.connect(lambda: self.link and self._run(lambda: self.service.reverse_link(self.link.id)))
        return page

    def detach(self) -> None:
        """The case is closing: stop following it."""
        self.service.unsubscribe(self._on_changes)
        self.card = self.link = None

    # -- showing ------------------------------------------------------------------

    def show_selection(self, card_ids: list[str], link_ids: list[str]) -> None:
        """Show the one selected card (or link); several or none show a hint."""
        self.card = self.service.case.card(card_ids[0]) if len(card_ids) == 1 and not link_ids else None
        self.link = self.service.case.link(link_ids[0]) if len(link_ids) == 1 and not card_ids else None
        if self.card is None and self.link is None:
            count = len(card_ids) + len(link_ids)
            self.empty.setText(f"{count} items selected." if count > 1 else
                               "Select a card or a link to see and edit it here.")
        self._fill()

    def _fill(self) -> None:
        self._filling = True
        try:
            if self.card is not None:
                self._fill_card(self.card)
                self.stack.setCurrentIndex(1)
            elif self.link is not None:
                self._fill_link(self.link)
                self.stack.setCurrentIndex(2)
            else:
                self.stack.setCurrentIndex(0)
        finally:
            self._filling = False

    def _fill_card(self, card: Card) -> None:
        descriptor = CARD_KINDS[card.kind]
        shown = set(descriptor.inspector)
        for name, row in self.card_rows.items():
            self.card_form.setRowVisible(row, name in shown)
        self.kind_label.setText(descriptor.label + (f" · {card.entity_type.value}"
                                                    if "entity_type" in shown and card.entity_type else ""))
        self._set_line(self.title, card.title)
        if not self.text.hasFocus():
            self.text.setPlainText(card.text)
        source = self.service.case.source(card.source_id) if card.source_id else None
        where = ""
        if source is not None:
            where = source.title or source.file_name
            if card.page:
                where += f", p. {card.page}"
        self.source_label.setText(where)
        # The source rows only when there is a source to name or to show.
        self.card_form.setRowVisible(self.source_label, "source" in shown and bool(where))
        self.card_form.setRowVisible(self.source_button, "show_in_source" in shown and source is not None)
        self._fill_boards(card.id)
        if "entity_type" in shown:
            self.entity_type.setCurrentIndex(max(0, self.entity_type.findData(
                card.entity_type.value if card.entity_type else "other")))
        if "attributes" in shown and not self.attributes.hasFocus():
            self.attributes.setPlainText(_attributes_text(card.attributes))
        self._set_line(self.date_start, card.date_start or "")
        self._set_line(self.date_end, card.date_end or "")
        self._set_line(self.tags, ", ".join(card.tags))
        self.reliability.setCurrentIndex(max(0, self.reliability.findData(card.reliability)))
        self.credibility.setCurrentIndex(max(0, self.credibility.findData(card.credibility)))
        self._set_line(self.card_colour, card.colour)
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(self.read_only)
            elif isinstance(widget, (QComboBox, QPushButton)) and widget is not self.source_button:
                widget.setEnabled(not self.read_only)

    def _fill_link(self, link: Link) -> None:
        case = self.service.case
        a, b = case.card(link.from_card), case.card(link.to_card)
        self.link_ends.setText(f"{a.title if a else '?'}  →  {b.title if b else '?'}")
        self._set_line(self.label, link.label)
        self.direction.setCurrentIndex(max(0, self.direction.findData(link.direction.value)))
        self.strength.setCurrentIndex(max(0, self.strength.findData(link.strength.value)))
        self._set_line(self.link_colour, link.colour)

    @staticmethod
    def _set_line(edit: QLineEdit, value: str) -> None:
        if edit.text() != value and not edit.hasFocus():
            edit.setText(value)

    def _fill_boards(self, card_id: str) -> None:
        boards = [board.name for board in self.service.case.boards_of(card_id)]
        self.boards_label.setText(", ".join(boards) if boards else "none (the card is only in the case's list)")
        self.boards_label.setToolTip("The same card, not copies: an edit shows on each of them.")

    def _on_changes(self, changes: Changes) -> None:
        if self.card is not None and self.card.id in changes.cards:
            self.card = self.service.case.card(self.card.id)
            self._fill()
        elif self.card is not None and (changes.boards or any(card_id == self.card.id
                                                              for _board, card_id in changes.placements)):
            self._fill_boards(self.card.id)  # placed on or taken off a board, or a board renamed
        elif self.link is not None and self.link.id in changes.links:
            self.link = self.service.case.link(self.link.id)
            self._fill()

    # -- committing ----------------------------------------------------------------

    def _run(self, call: Callable[[], object]) -> None:
        run_change(self.error.emit, call, after_refusal=self._show_what_the_file_holds)

    def _show_what_the_file_holds(self) -> None:
        """After a refused edit every field shows the file again, the one just
        typed in too (a focused field is otherwise left alone by _fill)."""
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            self._filling = True  # leaving the field must not commit it again
            try:
                focused.clearFocus()
            finally:
                self._filling = False
        self.card = self.service.case.card(self.card.id) if self.card is not None else None
        self.link = self.service.case.link(self.link.id) if self.link is not None else None
        self._fill()

    def _commit_card(self, **fields: Any) -> None:
        card = self.card
        if self._filling or card is None or self.read_only:
            return
        if all(getattr(card, name) == value or (name == "entity_type" and card.entity_type
                                                and card.entity_type.value == value)
               for name, value in fields.items()):
            return
        self._run(lambda: self.service.update_card(card.id, **fields))

    def _commit_tags(self) -> None:
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        if self.card is not None and tuple(tags) != tuple(self.card.tags):
            self._commit_card(tags=tags)

    def _commit_grade(self) -> None:
        card = self.card
        if self._filling or card is None or self.read_only:
            return
        reliability, credibility = self.reliability.currentData(), self.credibility.currentData()
        if (reliability, credibility) != (card.reliability, card.credibility):
            self._run(lambda: self.service.grade_cards([card.id], reliability=reliability, credibility=credibility))

    def _commit_link(self, **fields: Any) -> None:
        link = self.link
        if self._filling or link is None or self.read_only:
            return
        current = {"label": link.label, "direction": link.direction.value, "strength": link.strength.value,
                   "colour": link.colour}
        if all(current.get(k) == (" ".join(v.split()) if k == "label" else v) for k, v in fields.items()):
            return
        self._run(lambda: self.service.update_link(link.id, **fields))

    def _pick_colour(self, edit: QLineEdit) -> None:
        colour = QColorDialog.getColor(QColor(edit.text() or "#ffffff"), self, "Card colour")
        if colour.isValid():
            edit.setText(colour.name())
            edit.editingFinished.emit()
