"""One card on several boards, and its history, as a user meets them in the window.

Place on board ▸ and Remove from this board in the card menu, Edit > Paste as
the same card, the inspector's list of boards, and the History panel with
"Restore this version".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from evidence_board.ui.history_panel import CARD_ROLE, PAGE
from tests.conftest import reopen
from tests.ui.conftest import with_open_menu


def _card(window, title):
    return next(c for c in window.case.cards() if c.title == title)


def _select(window, card_id):
    window.current_view().commands.select([card_id])
    QApplication.processEvents()


def _card_menu(window, card_id) -> QMenu:
    """The context menu a right-click on the card opens, as it was shown (then closed)."""
    view = window.current_view()
    view.centerOn(view.board_scene.cards[card_id].card_rect().center())
    where = view.mapFromScene(view.board_scene.cards[card_id].card_rect().center())
    shown: list[QMenu] = []
    with_open_menu(
        lambda: view.contextMenuEvent(
            QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, view.mapToGlobal(where))),
        shown.append)
    assert len(shown) == 1
    return shown[0]


def _action(menu: QMenu, text: str):
    found = [a for a in menu.actions() if a.text().replace("&&", "&") == text]
    assert found, f"{text!r} not in {[a.text() for a in menu.actions()]}"
    return found[0]


def _new_board(window, name: str) -> str:
    return window.service.create_board(name).created[0]


def test_place_on_board_puts_the_same_card_on_the_other_tab(window):
    person = _card(window, "Captain Song Man-sun")
    timeline = _new_board(window, "Timeline & ports")
    _select(window, person.id)
    assert window.inspector.boards_label.text() == "Board 1"
    menu = _card_menu(window, person.id)
    place = _action(menu, "Place on board").menu()
    events = window.case.counts()["audit_events"]
    _action(place, "Timeline & ports").trigger()
    assert window.case.counts()["audit_events"] == events + 1
    # The Edit menu shows the board's "&" as typed ("&&"), not as a shortcut mark.
    assert window.actions_.undo.text() == "&Undo Place Captain Song Man-sun on Timeline && ports"
    assert window.inspector.boards_label.text() == "Board 1, Timeline & ports"
    window.service.rename_board(timeline, "<b>Timeline</b>")
    assert window.inspector.boards_label.text() == "Board 1, <b>Timeline</b>"  # followed the rename
    assert window.inspector.boards_label.textFormat() == Qt.TextFormat.PlainText  # shown as typed
    window.service.undo()
    assert "Placed “Captain Song Man-sun” on Timeline & ports" in window.statusBar().currentMessage()
    other = window.view_of(timeline)
    assert window.tabs.tabText(window.tabs.indexOf(other)) == "Timeline && ports"  # Qt's literal "&"
    window.tabs.setCurrentWidget(other)
    assert list(other.board_scene.cards) == [person.id]  # the card itself: the case still has 9
    assert len(window.case.cards()) == 9
    # An edit on one board shows on the other.
    window.service.update_card(person.id, title="Song Man-sun")
    assert other.board_scene.cards[person.id].card.title == "Song Man-sun"
    assert window.views()[0].board_scene.cards[person.id].card.title == "Song Man-sun"
    window.service.undo()
    window.actions_.undo.trigger()
    assert person.id not in other.board_scene.cards
    with reopen(window.case.path) as case:
        assert [b.name for b in case.boards_of(person.id)] == ["Board 1"]


def test_remove_from_this_board_and_delete_from_the_case_are_distinct(window):
    person = _card(window, "Captain Song Man-sun")
    menu = _card_menu(window, person.id)
    remove, delete = _action(menu, "Remove from this board"), _action(menu, "Delete from the case")
    assert not remove.isEnabled() and "only board" in remove.toolTip()  # it would vanish from every board
    assert delete.isEnabled() and "every board" in delete.toolTip()
    assert menu.toolTipsVisible()

    timeline = _new_board(window, "Timeline")
    window.service.place_cards(timeline, {person.id: (0, 0)})
    menu = _card_menu(window, person.id)
    remove = _action(menu, "Remove from this board")
    assert remove.isEnabled() and "stays in the case" in remove.toolTip()
    remove.trigger()
    assert person.id not in window.current_view().board_scene.cards
    assert person.id in window.view_of(timeline).board_scene.cards
    assert window.case.card(person.id) is not None
    assert window.actions_.undo.text() == "&Undo Remove Captain Song Man-sun from Board 1"

    window.tabs.setCurrentWidget(window.view_of(timeline))
    menu = _card_menu(window, person.id)
    _action(menu, "Delete from the case").trigger()
    assert window.case.card(person.id) is None
    window.actions_.undo.trigger()
    assert window.case.card(person.id) is not None and person.id in window.view_of(timeline).board_scene.cards


def test_paste_as_the_same_card_places_the_copied_cards_not_copies(window):
    person, org = _card(window, "Captain Song Man-sun"), _card(window, "Pong Su Shipping Co.")
    window.current_view().commands.select([person.id, org.id])
    QApplication.processEvents()
    window.actions_.copy.trigger()
    timeline = _new_board(window, "Timeline")
    other = window.view_of(timeline)
    window.tabs.setCurrentWidget(other)
    QApplication.processEvents()
    assert window.actions_.paste_same.shortcut().toString() == "Ctrl+Shift+V"
    window.actions_.paste_same.trigger()
    assert set(other.board_scene.cards) == {person.id, org.id}
    assert len(window.case.cards()) == 9
    assert [l.link.label for l in other.board_scene.links.values()] == ["employed by"]  # their link shows too
    assert {i.card_id for i in other.board_scene.selected_cards()} == {person.id, org.id}
    assert "Placed 2 cards here" in window.statusBar().currentMessage()
    # Again: they are already there, and it says so instead of copying.
    events = window.case.counts()["audit_events"]
    window.actions_.paste_same.trigger()
    assert "2 cards already on this board" in window.statusBar().currentMessage()
    assert window.case.counts()["audit_events"] == events
    # Plain Paste still makes copies.
    window.actions_.paste.trigger()
    assert len(window.case.cards()) == 11


def _history(window, qtbot):
    window.history_dock.show()
    qtbot.waitUntil(lambda: window.history.isVisible())
    window.history.refresh()
    return window.history


def _rows(panel) -> list[str]:
    model = panel.model
    return [model.item(r, 2).text() for r in range(model.rowCount())]


def _children(panel, row: int) -> list[str]:
    parent = panel.model.item(row, 0)
    return [panel.model.itemFromIndex(parent.child(r, 2).index()).text() for r in range(parent.rowCount())]


def test_history_panel_lists_a_cards_changes_and_restores_a_version(window, qtbot):
    person = _card(window, "Captain Song Man-sun")
    _select(window, person.id)
    panel = _history(window, qtbot)
    first = window.service.update_card(person.id, title="Song Man-sun", tags=["crew", "arrested"]).event_id
    window.service.update_card(person.id, title="<b>Song</b> &amp; crew", attributes={"rank": "captain"})
    qtbot.waitUntil(lambda: len(_rows(panel)) == 3)
    assert _rows(panel)[:2] == ["Edit <b>Song</b> &amp; crew", "Edit Song Man-sun"]
    assert _children(panel, 1) == ["Title “Captain Song Man-sun” → “Song Man-sun”; Tags “crew” → “crew, arrested”"]
    assert panel.model.item(0, 1).text() == window.service.author
    assert "“<b>Song</b> &amp; crew”" in panel.heading.text()  # shown as typed, never as markup
    # Choose the first edit and restore it: one undoable step through the normal edit path.
    edit = panel.model.item(1, 0).child(0, 2)
    panel.tree.setCurrentIndex(edit.index())
    assert edit.data(CARD_ROLE) == person.id
    assert "before: Captain Song Man-sun\n  after:  Song Man-sun" in panel.details.toPlainText()
    assert panel.restore.isEnabled()
    panel.restore.click()
    card = window.case.card(person.id)
    assert (card.title, card.tags, card.attributes) == ("Song Man-sun", ("crew", "arrested"),
                                                        {"nationality": "DPRK", "role": "master"})
    assert window.inspector.title.text() == "Song Man-sun"
    assert window.current_view().board_scene.cards[person.id].card.title == "Song Man-sun"
    qtbot.waitUntil(lambda: _rows(panel)[0].startswith("Restore Song Man-sun as of "))
    window.actions_.undo.trigger()
    assert window.case.card(person.id).title == "<b>Song</b> &amp; crew"
    with reopen(window.case.path) as case:
        assert case.audit_events(limit=2)[1].action == "restore_card_version" and first


def test_history_of_the_whole_case_is_read_a_page_at_a_time(window, qtbot):
    board = window.current_view().board_scene.board_id
    person = _card(window, "Captain Song Man-sun")
    for n in range(PAGE + 30):
        window.service.move_cards(board, {person.id: (n, 0)})
    window.service.create_cards([{"kind": "note", "title": f"lead {n}"} for n in range(300)], board)
    panel = _history(window, qtbot)
    panel.set_scope("case")
    assert panel.model.rowCount() == PAGE and panel.older.isEnabled()
    assert _rows(panel)[0] == "Add 300 cards"
    children = _children(panel, 0)
    assert len(children) == 51 and children[-1] == "… and 550 more changes in this step"
    assert "Moved" not in _rows(panel)[1] and "moved to (129, 0)" in _children(panel, 1)[0]
    panel.show_older()
    assert panel.model.rowCount() == PAGE + 32  # every move, the specimen board, the notes
    assert not panel.older.isEnabled()


def test_read_only_history_cannot_restore(qtbot, settings, specimen_case_path):
    from evidence_board.ui.main_window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    assert win.open_case(specimen_case_path, read_only=True)
    win.show()
    panel = _history(win, qtbot)
    panel.set_scope("case")
    batch = panel.model.item(0, 0)
    card_change = next(batch.child(r, 2) for r in range(batch.rowCount()) if batch.child(r, 2).data(CARD_ROLE))
    panel.tree.setCurrentIndex(card_change.index())
    assert card_change.text().startswith("Added ") and not panel.restore.isEnabled()
    win.close_case()


def test_a_card_left_on_no_board_can_be_placed_again_from_the_case_list(window, monkeypatch):
    person = _card(window, "Captain Song Man-sun")
    timeline = _new_board(window, "Timeline")
    window.service.place_cards(timeline, {person.id: (0, 0)})
    window.service.remove_from_board(window.current_view().board_scene.board_id, person.id)
    window.service.delete_board(timeline)  # the card stays in the case, on no board
    assert window.case.boards_of(person.id) == []
    asked = []
    monkeypatch.setattr("evidence_board.ui.main_window.QMessageBox.question",
                        lambda parent, title, text: asked.append(text) or QMessageBox.StandardButton.Yes)
    window.side_panel.card_picked.emit(person.id)
    assert "is in the case but on no board" in asked[0] and "Board 1" in asked[0]
    scene = window.current_view().board_scene
    assert person.id in scene.cards and [i.card_id for i in scene.selected_cards()] == [person.id]
    others = [item.card_rect() for card_id, item in scene.cards.items() if card_id != person.id]
    assert not any(scene.cards[person.id].card_rect().intersects(rect) for rect in others)
    assert window.actions_.undo.text() == "&Undo Place Captain Song Man-sun on Board 1"


def test_choosing_an_event_in_any_column_shows_all_it_changed(window, qtbot):
    person = _card(window, "Captain Song Man-sun")
    window.service.update_card(person.id, text="Master of the Pong Su")
    panel = _history(window, qtbot)
    panel.set_scope("case")
    for column in range(3):
        panel.tree.setCurrentIndex(panel.model.index(0, column))
        details = panel.details.toPlainText()
        assert details.startswith("Edit Captain Song Man-sun\n") and "after:  Master of the Pong Su" in details
