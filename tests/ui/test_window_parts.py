"""The window's menus built from its parts, with no MainWindow.

WindowActions gets a QMainWindow to carry its menus, the window's parts
(case, service, views, the error display, the status bar), the panels it
toggles and the window commands it triggers. Built here from a bare
QMainWindow, a real board and a recorder of commands, the menus must edit
the case through the board view, follow the undo history, report a refusal
once through ``report``, and hand window-level commands to ``commands``.
"""

from __future__ import annotations


import pytest
from PySide6.QtWidgets import QDockWidget, QLineEdit, QMainWindow

from evidence_board.model import CardKind
from evidence_board.ui.window_actions import Panels, WindowActions
from evidence_board.ui.window_parts import WindowParts
from tests.conftest import reopen, write_lock_held


class Commands:
    """Records what the menus asked of the window."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        if name == "recent_files":
            return lambda: []
        return lambda *args, **kwargs: self.calls.append((name, *args))




@pytest.fixture
def menus(qtbot, board):
    host = QMainWindow()
    qtbot.addWidget(host)
    reports: list[str] = []
    said: list[str] = []
    parts = WindowParts(parent=host, case=lambda: board.case, service=lambda: board.service,
                        read_only=lambda: False, current_view=lambda: board.view, views=lambda: [board.view],
                        report=reports.append, say=lambda message, ms: said.append(message))
    commands = Commands()
    panels = Panels(QDockWidget("Case", host), QDockWidget("Inspector", host), QDockWidget("History", host),
                    QLineEdit())
    actions = WindowActions(host, parts, commands, panels)
    board.service.subscribe(lambda changes: actions.update_undo())  # what the window wires up
    board.scene.selectionChanged.connect(actions.update_enabled)
    yield actions, commands, reports, said
    board.scene.selectionChanged.disconnect(actions.update_enabled)  # the scene goes first at teardown


def test_the_menus_edit_the_board_from_its_parts_alone(board, menus):
    actions, commands, reports, _said = menus
    note = board.ids["note"]
    board.view.commands.select([note])
    assert actions.delete.isEnabled() and actions.merge.isEnabled()
    actions.delete.trigger()
    assert note not in board.scene.cards
    with reopen(board.case.path) as other:
        assert other.placement(board.board_id, note) is None
    assert actions.undo.isEnabled() and actions.undo.text().startswith("&Undo Delete")
    actions.undo.trigger()
    assert note in board.scene.cards and reports == []


def test_a_refused_undo_is_one_report_through_the_parts(board, menus):
    actions, _commands, reports, _said = menus
    board.view.commands.select([board.ids["note"]])
    actions.delete.trigger()
    assert board.ids["note"] not in board.scene.cards
    with write_lock_held(board.case.path):
        actions.undo.trigger()
    assert len(reports) == 1 and "locked" in reports[0]
    assert "changed since" not in reports[0]  # nothing changed: another program holds the lock
    assert board.ids["note"] not in board.scene.cards  # still deleted, as in the file
    actions.undo.trigger()
    assert board.ids["note"] in board.scene.cards and len(reports) == 1


def test_window_commands_go_to_the_window_and_arrange_says_what_it_did(board, menus):
    actions, commands, _reports, said = menus
    actions.add_note.trigger()
    board.view.commands.select([board.ids["note"]])
    actions.rename.trigger()  # F2 on one card: its title in the inspector
    assert commands.calls == [("add_card", CardKind.NOTE), ("edit_card_title",)]
    actions.remove_overlaps.trigger()
    assert said and ("apart" in said[-1] or "No cards overlap" in said[-1])
