"""Menu, keyboard and inspector edits the file refuses: one message, the screen as the file holds it.

The same situation as tests/ui/test_refused_gestures.py (another program
holds the case file's write lock, so SQLite refuses after its busy timeout),
met from the window's other ways into the services: Edit > Delete, an
inspector field, Arrange > Align, Edit > Paste. Each must show one error
through the window's one error display, leave the board and the inspector
showing what the file holds, add no undo step, and work once the lock is gone.
"""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import reopen, write_lock_held




@pytest.fixture
def errors(window, monkeypatch) -> list[str]:
    """Every error box the window shows (answered at once)."""
    shown: list[str] = []
    monkeypatch.setattr("evidence_board.ui.main_window.warn", lambda parent, title, text: shown.append(text))
    return shown


def _cards(window) -> list:
    """Two cards on the board outside any group, in a stable order."""
    scene = window.current_view().board_scene
    items = sorted((i for i in scene.cards.values() if not i.is_group and i.placement.group_id is None),
                   key=lambda i: (i.placement.y, i.placement.x))
    return items[:2]


def _select(window, card_ids: list[str]) -> None:
    window.current_view().commands.select(card_ids)
    QApplication.processEvents()  # the window follows the selection on a zero timer


def _refused_once(errors: list[str], window) -> None:
    assert len(errors) == 1, errors
    assert "locked" in errors[0] and "\n" not in errors[0]
    assert "locked" in window.statusBar().currentMessage()


def test_delete_from_the_menu_refused_keeps_the_card_and_no_undo(window, errors):
    item = _cards(window)[0]
    card_id, scene = item.card_id, window.current_view().board_scene
    _select(window, [card_id])
    undo_before = window.service.undo_label
    with write_lock_held(window.case.path):
        window.actions_.delete.trigger()
    _refused_once(errors, window)
    assert card_id in scene.cards and scene.cards[card_id].scene() is scene
    assert window.case.card(card_id) is not None
    assert window.service.undo_label == undo_before
    # The lock gone, the same command deletes.
    _select(window, [card_id])
    window.actions_.delete.trigger()
    assert len(errors) == 1 and card_id not in scene.cards
    with reopen(window.case.path) as other:
        assert other.placement(scene.board_id, card_id) is None


def test_an_inspector_title_the_file_refuses_shows_the_files_title_again(window, errors, qtbot):
    item = _cards(window)[0]
    on_file = window.case.card(item.card_id).title
    _select(window, [item.card_id])
    inspector = window.inspector
    qtbot.waitUntil(lambda: inspector.card is not None and inspector.card.id == item.card_id)
    window.activateWindow()
    inspector.title.setFocus()
    qtbot.waitUntil(inspector.title.hasFocus)
    inspector.title.selectAll()
    undo_before = window.service.undo_label
    with write_lock_held(window.case.path):
        QTest.keyClicks(inspector.title, "Renamed while locked")
        QTest.keyClick(inspector.title, Qt.Key.Key_Return)  # editingFinished: the one service call
    _refused_once(errors, window)
    assert inspector.title.text() == on_file  # not what was typed: the field shows the file
    assert window.case.card(item.card_id).title == on_file
    assert item.card.title == on_file
    assert window.service.undo_label == undo_before
    # The lock gone, the same edit lands.
    inspector.title.setFocus()
    qtbot.waitUntil(inspector.title.hasFocus)
    inspector.title.selectAll()
    QTest.keyClicks(inspector.title, "Renamed")
    QTest.keyClick(inspector.title, Qt.Key.Key_Return)
    assert len(errors) == 1
    with reopen(window.case.path) as other:
        assert other.card(item.card_id).title == "Renamed"
    assert item.card.title == "Renamed"


def test_align_refused_leaves_the_cards_where_the_file_has_them(window, errors):
    a, b = _cards(window)
    board_id = window.current_view().board_scene.board_id
    _select(window, [a.card_id, b.card_id])
    before = {i.card_id: (i.pos().x(), i.pos().y()) for i in (a, b)}
    assert before[a.card_id][0] != before[b.card_id][0]  # align left would move one of them
    undo_before = window.service.undo_label
    with write_lock_held(window.case.path):
        window.actions_.align_actions[0].trigger()  # Arrange > Align left
    _refused_once(errors, window)
    for i in (a, b):
        on_file = window.case.placement(board_id, i.card_id)
        assert (i.pos().x(), i.pos().y()) == (on_file.x, on_file.y) == before[i.card_id]
    assert window.service.undo_label == undo_before
    window.actions_.align_actions[0].trigger()
    left = min(x for x, _y in before.values())
    assert a.pos().x() == b.pos().x() == left
    assert window.case.placement(board_id, a.card_id).x == left and window.service.undo_label != undo_before


def test_paste_refused_adds_no_card(window, errors):
    item = _cards(window)[0]
    scene = window.current_view().board_scene
    _select(window, [item.card_id])
    window.actions_.copy.trigger()
    count, undo_before = len(scene.cards), window.service.undo_label
    with write_lock_held(window.case.path):
        window.actions_.paste.trigger()
    _refused_once(errors, window)
    assert len(scene.cards) == count == len(window.case.board_placements(scene.board_id))
    assert window.service.undo_label == undo_before
    window.actions_.paste.trigger()
    assert len(scene.cards) == count + 1 and len(errors) == 1


def test_files_dropped_while_the_file_is_locked_are_one_error_and_no_cards(window, errors, tmp_path, monkeypatch):
    from tests.importers.samples import report_pdf, write
    from evidence_board.ui import importing

    boxes: list[str] = []
    monkeypatch.setattr(importing, "warn", lambda parent, title, text: boxes.append(text))  # the importer's own box
    view = window.current_view()
    scene = view.board_scene
    path = write(tmp_path, "manifest.pdf", report_pdf(title="Port manifest"))
    count, undo_before = len(scene.cards), window.service.undo_label
    sources = len(window.case.sources())
    with write_lock_held(window.case.path):
        view.import_files([path], view.visible_scene_rect().center())  # what a drop does
    _refused_once(errors, window)
    assert boxes == []  # reported through the window, not a second way
    assert len(scene.cards) == count and len(window.case.sources()) == sources
    assert window.service.undo_label == undo_before
    view.import_files([path], view.visible_scene_rect().center())
    assert "Port manifest" in {item.card.title for item in scene.cards.values()} and len(errors) == 1
