"""The window follows each card kind's descriptor (model/card_kinds.py): the inspector's rows, new cards, menus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from evidence_board.model import CARD_KINDS, CardKind
from evidence_board.model.card_kinds import INSPECTOR_FIELDS
from evidence_board.ui.inspector import Inspector
from tests.ui.conftest import with_open_menu

SPECS = {
    CardKind.DOCUMENT: dict(title="Harbour log"),
    CardKind.QUOTE: dict(text="The Aurora left at 02:40.", page=2),
    CardKind.PHOTO: dict(title="Quay"),
    CardKind.NOTE: dict(title="Open question"),
    CardKind.ENTITY: dict(title="MV Aurora", entity_type="vehicle"),
    CardKind.GROUP: dict(title="The night of 12 March"),
}


@pytest.fixture
def inspector(qtbot, service):
    widget = Inspector(service)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _visible_rows(inspector: Inspector) -> list[str]:
    return [name for name, row in inspector.card_rows.items() if inspector.card_form.isRowVisible(row)]


def test_the_inspector_has_a_row_for_every_field_a_descriptor_may_name(inspector):
    assert list(inspector.card_rows) == list(INSPECTOR_FIELDS)


@pytest.mark.parametrize("kind", list(CardKind))
def test_each_kind_shows_its_descriptors_rows(inspector, service, board_id, kind):
    assert set(SPECS) == set(CardKind)  # a new kind needs its case here too
    source_id = service.add_source(b"%PDF-1.4 log\n", "log.pdf", "application/pdf", title="Harbour log",
                                   page_count=2).created[0]
    card_id = service.create_card(kind, board_id=board_id, source_id=source_id, **SPECS[kind]).created[0]
    inspector.show_selection([card_id], [])
    descriptor = CARD_KINDS[kind]
    assert _visible_rows(inspector) == list(descriptor.inspector)
    assert inspector.kind_label.text().startswith(descriptor.label)


def test_source_rows_hide_when_there_is_no_source(inspector, service, board_id):
    card_id = service.create_card(CardKind.NOTE, board_id=board_id, title="Loose note").created[0]
    inspector.show_selection([card_id], [])
    rows = _visible_rows(inspector)
    assert "source" not in rows and "show_in_source" not in rows and "entity_type" not in rows
    assert "title" in rows and "colour" in rows


@pytest.mark.parametrize("kind", [CardKind.NOTE, CardKind.ENTITY, CardKind.GROUP])
def test_a_card_made_on_the_board_is_named_and_sized_by_its_kind(board, kind):
    card_id = board.view.commands.add_card(kind, board.scene.cards_bounds().bottomRight() + QPointF(900, 900))
    card = board.case.card(card_id)
    placement = board.scene.cards[card_id].placement
    assert card.title == {CardKind.NOTE: "New note", CardKind.ENTITY: "New entity", CardKind.GROUP: "New group"}[kind]
    assert (placement.width, placement.height) == CARD_KINDS[kind].size


def test_the_boards_menu_offers_each_kind_made_by_hand_and_makes_it(qtbot, board):
    empty = board.scene.cards_bounds().bottomRight() + QPointF(400, 400)
    board.view.centerOn(empty)
    point = board.view.mapFromScene(empty)
    seen: list[str] = []

    def add_entity(menu) -> None:
        seen.extend(a.text() for a in menu.actions() if a.text())
        next(a for a in menu.actions() if a.text() == "Add entity here").trigger()

    with_open_menu(lambda: QApplication.sendEvent(board.view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, board.view.viewport().mapToGlobal(point))), add_entity)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[:3] == ["Add note here", "Add entity here", "Add group here"]
    made = [board.case.card(i) for i in board.view.commands.selected_ids()]
    assert [(c.kind, c.title) for c in made] == [(CardKind.ENTITY, "New entity")]
