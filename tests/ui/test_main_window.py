"""The main window: tabs, inspector, Edit menu, search, settings, read-only."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from evidence_board.model import Strength
from evidence_board.ui.app import default_case
from evidence_board.ui.shortcuts import shortcut_rows
from tests.conftest import reopen


def _tab_names(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_board_tabs_follow_add_rename_delete_and_undo(window, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Money trail", True))
    window.add_board()
    assert _tab_names(window) == ["Board 1", "Money trail"]
    assert window.tabs.currentIndex() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Finance", True))
    window.rename_board()
    assert _tab_names(window) == ["Board 1", "Finance"]
    board_id = window.current_view().board_scene.board_id
    window.service.delete_board(board_id)
    assert _tab_names(window) == ["Board 1"]
    window.service.undo()
    assert _tab_names(window) == ["Board 1", "Finance"]
    with reopen(window.case.path) as other:
        assert [b.name for b in other.boards()] == ["Board 1", "Finance"]


def _select(window, card_id):
    window.current_view().commands.select([card_id])
    QApplication.processEvents()


def _card(window, title):
    return next(c for c in window.case.cards() if c.title == title)


def test_inspector_edits_card_fields_through_the_services(window):
    person = _card(window, "Captain Song Man-sun")
    _select(window, person.id)
    inspector = window.inspector
    assert inspector.title.text() == "Captain Song Man-sun"
    inspector.title.setText("Song Man-sun")
    inspector.title.editingFinished.emit()
    inspector.attributes.setPlainText("nationality: DPRK\nrank: captain")
    QApplication.sendEvent(inspector.attributes, QFocusEvent(QEvent.Type.FocusOut))
    inspector.reliability.setCurrentIndex(inspector.reliability.findData("C"))
    inspector.reliability.activated.emit(inspector.reliability.currentIndex())
    with reopen(window.case.path) as other:
        card = other.card(person.id)
    assert card.title == "Song Man-sun"
    assert card.attributes == {"nationality": "DPRK", "rank": "captain"}
    assert card.reliability == "C"
    assert window.current_view().board_scene.cards[person.id].card.title == "Song Man-sun"
    assert window.actions_.undo.text() == "&Undo Grade 1 card(s)"
    window.actions_.undo.trigger()
    window.actions_.undo.trigger()
    assert inspector.attributes.toPlainText() == "nationality: DPRK\nrole: master"


def test_inspector_edits_a_link(window):
    scene = window.current_view().board_scene
    link = next(l for l in scene.links.values() if l.link.label == "employed by")
    scene.clearSelection()
    link.setSelected(True)
    QApplication.processEvents()
    inspector = window.inspector
    assert inspector.label.text() == "employed by"
    inspector.strength.setCurrentIndex(inspector.strength.findData("confirmed"))
    inspector.strength.activated.emit(inspector.strength.currentIndex())
    inspector.label.setText("works for")
    inspector.label.editingFinished.emit()
    with reopen(window.case.path) as other:
        saved = other.link(link.link_id)
    assert (saved.label, saved.strength) == ("works for", Strength.CONFIRMED)
    assert scene.links[link.link_id].link.label == "works for"


def test_search_selects_and_centres_card_hits(qtbot, window):
    window.search_box.setText("Wollongong")
    window.search()
    qtbot.waitUntil(lambda: not window.search_worker.busy)  # the search runs on its own thread
    view = window.current_view()
    selected = view.board_scene.selected_cards()
    assert [item.card.title for item in selected] == ["Boarding off Wollongong"]
    assert view.visible_scene_rect().contains(selected[0].card_rect().center())


def test_fit_all_shows_every_card_and_the_status_bar_tells_zoom_and_counts(window):
    view = window.current_view()
    view.set_scale(3.0)
    window.actions_.fit.trigger()
    assert view.visible_scene_rect().contains(view.board_scene.cards_bounds())
    assert window.zoom_label.text() == f"{view.scale_factor * 100:.0f}%"
    window._update_status()
    assert window.counts_label.text().startswith("8 cards and 1 group · 7 links")


def test_recent_files_are_remembered_and_opened_next_time(window, settings, specimen_case_path):
    assert window.recent_files()[0] == str(specimen_case_path.resolve())
    assert default_case(settings) == (specimen_case_path.resolve(), False)


def test_read_only_case_allows_looking_but_not_editing(qtbot, settings, specimen_case_path):
    from evidence_board.ui.main_window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    assert win.open_case(specimen_case_path, read_only=True)
    assert "read-only" in win.windowTitle()
    assert not win.actions_.add_note.isEnabled()
    view = win.current_view()
    assert view.read_only
    view.commands.select([next(iter(view.board_scene.cards))])
    win.actions_.delete.trigger()
    assert len(view.board_scene.cards) == 9
    win.close_case()


def test_shortcut_sheet_lists_the_standard_keys(window):
    rows = dict((what, keys) for keys, what in shortcut_rows(window.actions_.all))
    assert rows["Undo"].startswith("Ctrl+Z")
    assert rows["Fit all"] == "Ctrl+0"
    assert rows["Rename"] == "F2"
    assert "Ctrl+F" in rows["Find"]
