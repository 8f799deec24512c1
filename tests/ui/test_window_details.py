"""Small things that add up: Ctrl+L's direction, a toolbar that keeps its width,
counts that agree, a generic placeholder, a hint on an empty board."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar

from evidence_board.model import CardKind
from evidence_board.ui.export_dialog import ExportDialog


def click_card(window, title: str, modifier=Qt.KeyboardModifier.NoModifier) -> str:
    view = window.current_view()
    item = next(i for i in view.board_scene.cards.values() if i.card.title == title)
    view.set_scale(0.8)
    view.centerOn(item.card_rect().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, view.mapFromScene(item.card_rect().center()))
    return item.card_id


@pytest.mark.parametrize("first, second", [("Captain Song Man-sun", "Port of Nampo"),
                                           ("Port of Nampo", "Captain Song Man-sun")])
def test_ctrl_l_links_the_first_selected_card_to_the_second(window, qtbot, first, second):
    window.activateWindow()  # the menu shortcuts work in the active window
    qtbot.waitUntil(window.isActiveWindow)
    view = window.current_view()
    a = click_card(window, first)
    b = click_card(window, second, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.actions_.link.isEnabled)  # Insert > Link follows the selection
    before = set(view.board_scene.links)
    QTest.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    [new] = set(view.board_scene.links) - before
    link = window.case.link(new)
    assert (link.from_card, link.to_card) == (a, b)
    QTest.keyClick(view.viewport().focusWidget() or view, Qt.Key.Key_Escape)  # leave the label empty


def test_the_toolbar_keeps_its_width_as_the_undo_text_changes(window, qtbot):
    toolbar = window.findChild(QToolBar, "board-toolbar")
    undo_button = toolbar.widgetForAction(window.actions_.undo)
    qtbot.waitUntil(lambda: toolbar.isVisible())
    before = (toolbar.sizeHint().width(), undo_button.width(), undo_button.text())
    view = window.current_view()
    ids = [i.card_id for i in view.board_scene.cards.values() if i.card.kind is not CardKind.GROUP][:3]
    window.service.move_cards(view.board_scene.board_id, {i: (5000.0 + n * 300, 0.0) for n, i in enumerate(ids)})
    qtbot.wait(10)
    assert window.actions_.undo.text() == "&Undo Move 3 cards"  # the Edit menu says what it undoes
    assert "Move 3 cards" in undo_button.toolTip()  # and so does the button's tooltip
    assert (toolbar.sizeHint().width(), undo_button.width(), undo_button.text()) == before
    window.actions_.undo.trigger()
    qtbot.wait(10)
    redo_button = toolbar.widgetForAction(window.actions_.redo)
    assert redo_button.isEnabled() and "Move 3 cards" in redo_button.toolTip()  # Redo is offered at once
    assert not window.actions_.undo.isEnabled()
    assert (toolbar.sizeHint().width(), undo_button.width(), undo_button.text()) == before


def test_the_export_dialog_and_the_status_bar_count_alike(window, qtbot):
    view = window.current_view()
    kinds = [i.card.kind for i in view.board_scene.cards.values()]
    groups = kinds.count(CardKind.GROUP)
    expected = f"{len(kinds) - groups} cards and {groups} group"
    assert groups == 1  # the specimen has one group frame
    window._update_status()
    dialog = ExportDialog(window.case, view.board_scene.board_id, [], window)
    qtbot.addWidget(dialog)
    assert window.counts_label.text().startswith(expected + " · ")
    assert dialog.scope_board.text() == f"The whole board ({expected})"
    assert window.side_panel.count_label.text() == expected  # the Cards list under the side panel too
    group = next(i for i in view.board_scene.cards.values() if i.is_group)
    members = [i.card_id for i in view.board_scene.members_of(group.card_id)][:2]
    chosen = ExportDialog(window.case, view.board_scene.board_id, [group.card_id, *members], window)
    qtbot.addWidget(chosen)
    assert chosen.scope_selection.text() == "The selection (2 cards and 1 group)"


def test_the_attributes_placeholder_is_generic(window):
    placeholder = window.inspector.attributes.placeholderText()
    assert "name: value" in placeholder
    assert "Cuban" not in placeholder and "nationality" not in placeholder


def hint_pixels(view) -> int:
    """Dark pixels in the middle of the view: the hint's text (the board and its grid are light)."""
    image: QImage = view.viewport().grab().toImage()
    w, h = image.width(), image.height()
    return sum(1 for x in range(w // 4, 3 * w // 4, 2) for y in range(h // 3, 2 * h // 3, 2)
               if image.pixelColor(x, y).lightness() < 170)


def test_an_empty_board_shows_a_hint_until_it_has_a_card(window, qtbot):
    changes = window.service.create_board("Empty")
    view = window.view_of(changes.created[0])
    window.tabs.setCurrentWidget(view)
    qtbot.waitExposed(view)
    view.viewport().repaint()
    assert hint_pixels(view) > 150
    assert window.case.load_board(view.board_scene.board_id).cards == {}  # drawn, not a card
    # A card far off screen still takes the hint away.
    window.service.create_card("note", board_id=view.board_scene.board_id, x=9000, y=9000, title="Far away")
    qtbot.waitUntil(lambda: hint_pixels(view) == 0)
    window.service.undo()
    qtbot.waitUntil(lambda: hint_pixels(view) > 150)
