"""The menus, toolbar and shortcuts of the main window.

Every action works on the current board view; which ones are enabled
follows the selection, the undo history and whether the case is read-only.
Standard keys come from QKeySequence's standard keys, so they match each
desktop's conventions.

The actions get what they use, not the ``MainWindow``: the window's parts
(ui/window_parts: case, service, views, the one error display), the
``QMainWindow`` that carries the menu bar and toolbar, the panels they
toggle, and the window's own commands (``WindowCommands``) they trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLineEdit, QMainWindow, QMenu, QMessageBox, QToolBar

from evidence_board.model import CardKind
from evidence_board.ui import case_copies
from evidence_board.ui.board.placing import paste_same_cards
from evidence_board.ui.export_dialog import show_export_dialog
from evidence_board.ui.plain_text import menu_text, plain_tooltip
from evidence_board.ui.shortcuts import show_shortcuts
from evidence_board.ui.window_parts import WindowParts

if TYPE_CHECKING:
    from evidence_board.ui.board.view import BoardView

Std = QKeySequence.StandardKey


class WindowCommands(Protocol):
    """The window's own commands its menus trigger (the main window has them)."""

    def new_case(self, path: Path) -> bool: ...
    def open_case(self, path: Path, read_only: bool = False) -> bool: ...
    def recent_files(self) -> list[str]: ...
    def add_card(self, kind: CardKind) -> None: ...
    def add_photo_from_file(self) -> None: ...
    def link_selected(self) -> None: ...
    def add_board(self) -> None: ...
    def rename_board(self, index: int | None = None) -> None: ...
    def delete_board(self) -> None: ...
    def edit_card_title(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Panels:
    """The docks the View menu shows and hides, and the search box on the toolbar."""

    case: QDockWidget
    inspector: QDockWidget
    history: QDockWidget
    search_box: QLineEdit


class WindowActions:
    def __init__(self, host: QMainWindow, parts: WindowParts, commands: WindowCommands, panels: Panels) -> None:
        self.host, self.parts, self.commands, self.panels = host, parts, commands, panels
        self.all: list[QAction] = []
        bar = host.menuBar()
        w = commands

        file_menu = bar.addMenu("&File")
        self.new = self._add(file_menu, "&New case…", self.new_case, Std.New)
        self.open = self._add(file_menu, "&Open case…", self.open_case, Std.Open)
        self.open_read_only = self._add(file_menu, "Open read-onl&y…", lambda: self.open_case(read_only=True))
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        self.import_ = self._add(file_menu, "&Import files…", self.import_files, "Ctrl+I")
        self.export = self._add(file_menu, "&Export…", lambda: show_export_dialog(parts), "Ctrl+E")
        file_menu.addSeparator()
        self.save_copy = self._add(file_menu, "Save a &copy…", lambda: case_copies.save_a_copy(parts))
        self.share = self._add(file_menu, "S&hare…", lambda: case_copies.share_case(parts))
        self.merge = self._add(file_menu, "&Merge case…", lambda: case_copies.merge_case(parts))
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", host.close, Std.Quit)

        edit = bar.addMenu("&Edit")
        self.undo = self._add(edit, "&Undo", self.undo_step, Std.Undo)
        self.redo = self._add(edit, "&Redo", self.redo_step, Std.Redo)
        edit.addSeparator()
        self.copy = self._add(edit, "&Copy", lambda: self._view_call(lambda v: v.commands.copy()), Std.Copy)
        self.paste = self._add(edit, "&Paste", lambda: self._view_call(
            lambda v: v.commands.paste(v.visible_scene_rect().center())), Std.Paste)
        self.paste_same = self._add(edit, "Paste as the &same card", self.paste_same_cards, "Ctrl+Shift+V")
        self.duplicate = self._add(edit, "D&uplicate", lambda: self._view_call(
            lambda v: v.commands.duplicate_selection()), "Ctrl+D")
        self.delete = self._add(edit, "&Delete", lambda: self._view_call(lambda v: v.commands.delete_selection()),
                                Std.Delete)
        self.select_all = self._add(edit, "Select &all", lambda: self._view_call(lambda v: v.commands.select_all(),
                                                                                 edits=False), Std.SelectAll)
        edit.addSeparator()
        self.find = self._add(edit, "&Find…", self.focus_search, Std.Find)
        self.rename = self._add(edit, "Re&name…", self.rename_selection, "F2")

        view = bar.addMenu("&View")
        self.zoom_in = self._add(view, "Zoom &in", lambda: self._view_call(lambda v: v.zoom_by(1.25), edits=False),
                                 Std.ZoomIn)
        self.zoom_out = self._add(view, "Zoom &out", lambda: self._view_call(lambda v: v.zoom_by(0.8), edits=False),
                                  Std.ZoomOut)
        self.fit = self._add(view, "&Fit all", lambda: self._view_call(lambda v: v.fit_all(), edits=False), "Ctrl+0")
        self._add(view, "&Actual size", lambda: self._view_call(lambda v: v.set_scale(1.0), edits=False), "Ctrl+1")
        view.addSeparator()
        self.snap = self._add(view, "&Snap to grid", self.set_snap)
        self.snap.setCheckable(True)
        view.addSeparator()
        view.addAction(panels.case.toggleViewAction())
        view.addAction(panels.inspector.toggleViewAction())
        self.history = panels.history.toggleViewAction()
        self.history.setShortcut(QKeySequence("Ctrl+H"))
        view.addAction(self.history)
        self.all.append(self.history)

        insert = bar.addMenu("&Insert")
        self.add_note = self._add(insert, "&Note", lambda: w.add_card(CardKind.NOTE), "Ctrl+Shift+N")
        self.add_entity = self._add(insert, "&Entity", lambda: w.add_card(CardKind.ENTITY), "Ctrl+Shift+E")
        self.add_group = self._add(insert, "&Group (around the selection)", lambda: w.add_card(CardKind.GROUP),
                                   "Ctrl+G")
        self.add_photo = self._add(insert, "&Photo from file…", w.add_photo_from_file)
        self.link = self._add(insert, "&Link the two selected cards", w.link_selected, "Ctrl+L")

        arrange = bar.addMenu("&Arrange")
        self.front = self._add(arrange, "Bring to &front", lambda: self._view_call(
            lambda v: v.commands.restack(True)), "Ctrl+]")
        self.back = self._add(arrange, "Send to &back", lambda: self._view_call(
            lambda v: v.commands.restack(False)), "Ctrl+[")
        arrange.addSeparator()
        self.align_actions = []
        for text, edge in (("Align &left", "left"), ("Align &right", "right"), ("Align &top", "top"),
                           ("Align &bottom", "bottom"), ("Align centres &horizontally", "hcentre"),
                           ("Align centres &vertically", "vcentre")):
            self.align_actions.append(self._add(arrange, text, lambda edge=edge: self._view_call(
                lambda v: v.commands.align(edge))))
        arrange.addSeparator()
        for text, horizontal in (("Distribute hori&zontally", True), ("Distribute verticall&y", False)):
            self.align_actions.append(self._add(arrange, text, lambda h=horizontal: self._view_call(
                lambda v: v.commands.distribute(h))))
        arrange.addSeparator()
        self.remove_overlaps = self._add(arrange, "Remove &overlaps", self.remove_overlaps_on_board)

        board = bar.addMenu("&Board")
        self.new_board = self._add(board, "&New board…", w.add_board, Std.AddTab)
        self.rename_board = self._add(board, "&Rename board…", lambda: w.rename_board())
        self.delete_board = self._add(board, "&Delete board…", w.delete_board)

        tools = bar.addMenu("&Tools")
        self.check = self._add(tools, "&Check case", lambda: case_copies.check_case(parts))

        help_menu = bar.addMenu("&Help")
        self._add(help_menu, "&Keyboard shortcuts", lambda: show_shortcuts(host, self.all), Std.HelpContents)
        self._add(help_menu, "&About Evidence Board", self.about)

        toolbar = QToolBar("Board")
        toolbar.setObjectName("board-toolbar")
        toolbar.setMovable(False)
        for action in (self.add_note, self.add_entity, self.add_group, self.add_photo):
            toolbar.addAction(action)
        toolbar.addSeparator()
        # The buttons keep a short fixed text (the tooltip and the Edit menu say
        # what will be undone), so the toolbar never changes width after an edit.
        self.undo.setIconText("Undo")
        self.redo.setIconText("Redo")
        toolbar.addAction(self.undo)
        toolbar.addAction(self.redo)
        toolbar.addSeparator()
        toolbar.addAction(self.fit)
        toolbar.addSeparator()
        toolbar.addWidget(panels.search_box)
        host.addToolBar(toolbar)
        self.rebuild_recent()
        self.update_enabled()  # no case yet: nothing to edit, export, copy or check

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object],
             shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self.host)
        action.setProperty("plain_name", text.replace("&", "").rstrip(".…"))  # Undo's text changes
        if shortcut is not None:
            action.setShortcuts(QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Std)
                                else [QKeySequence(shortcut)])
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        self.all.append(action)
        return action

    def _view_call(self, call: Callable[[BoardView], object], edits: bool = True) -> None:
        view = self.parts.current_view()
        if view is None or (edits and self.parts.read_only()):
            return
        view.run(lambda: call(view))

    # -- state ---------------------------------------------------------------------

    def update_undo(self) -> None:
        service = self.parts.service()
        writable = service is not None and not self.parts.read_only()
        can_undo = writable and service.can_undo()
        can_redo = writable and service.can_redo()
        self.undo.setEnabled(can_undo)
        self.redo.setEnabled(can_redo)
        # The labels name cards and boards ("Edit <title>"): '&' stays as typed, a tooltip never reads markup.
        for action, word, label in ((self.undo, "Undo", service.undo_label if can_undo else None),
                                    (self.redo, "Redo", service.redo_label if can_redo else None)):
            action.setText(f"&{word} {menu_text(label)}" if label else f"&{word}")
            action.setToolTip(plain_tooltip(f"{word} {label}" if label else word))

    def update_enabled(self) -> None:
        view = self.parts.current_view()
        writable = view is not None and not self.parts.read_only()
        selected = view.board_scene.selected_cards() if view is not None else []
        anything = bool(view is not None and view.board_scene.selectedItems())
        for action in (self.add_note, self.add_entity, self.add_group, self.add_photo, self.paste, self.paste_same,
                       self.import_,
                       self.new_board, self.rename_board, self.delete_board, self.rename):
            action.setEnabled(writable)
        self.remove_overlaps.setEnabled(writable)
        has_case = self.parts.case() is not None
        self.merge.setEnabled(has_case and not self.parts.read_only())
        for action in (self.save_copy, self.share, self.check):
            action.setEnabled(has_case)
        self.export.setEnabled(view is not None)
        self.delete.setEnabled(writable and anything)
        for action in (self.duplicate, self.front, self.back):
            action.setEnabled(writable and bool(selected))
        self.copy.setEnabled(bool(selected))
        self.link.setEnabled(writable and len(selected) == 2)
        for action in self.align_actions:
            action.setEnabled(writable and len(selected) >= 2)
        self.update_undo()

    def rebuild_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in self.commands.recent_files() if Path(f).exists()]
        for path in files:
            self.recent_menu.addAction(menu_text(Path(path).name),
                                       lambda p=path: self.commands.open_case(Path(p))).setToolTip(plain_tooltip(path))
        self.recent_menu.setEnabled(bool(files))

    # -- slots ---------------------------------------------------------------------

    def _folder(self) -> str:
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def new_case(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parts.parent, "New case", self._folder(), "Case files (*.evb)")
        if path:
            if not path.endswith(".evb"):
                path += ".evb"
            self.commands.new_case(Path(path))

    def open_case(self, read_only: bool = False) -> None:
        title = "Open case read-only" if read_only else "Open case"
        path, _ = QFileDialog.getOpenFileName(self.parts.parent, title, self._folder(),
                                              "Case files (*.evb);;All files (*)")
        if path:
            self.commands.open_case(Path(path), read_only=read_only)

    def import_files(self) -> None:
        view = self.parts.current_view()
        if view is None or self.parts.read_only():
            return
        try:
            from evidence_board.ui.importing import choose_and_import
        except ImportError:
            QMessageBox.information(self.parts.parent, "Import not available",
                                    "Importing PDFs and images is not available in this version yet.")
            return
        report = choose_and_import(self.parts.parent, self.parts.service(), view.board_scene.board_id,
                                   view.visible_scene_rect().center(), report=self.parts.report)
        if report is not None:
            view.show_cards(report.card_ids)

    def undo_step(self) -> None:
        service = self.parts.service()
        if service is not None and service.can_undo():
            self.parts.run(service.undo)

    def redo_step(self) -> None:
        service = self.parts.service()
        if service is not None and service.can_redo():
            self.parts.run(service.redo)

    def paste_same_cards(self) -> None:
        """Ctrl+Shift+V: the copied cards themselves on this board (board_placing says what happened)."""
        view = self.parts.current_view()
        if view is not None and not self.parts.read_only():
            view.notify(view.run(lambda: paste_same_cards(view.board_scene, view.visible_scene_rect().center())))

    def focus_search(self) -> None:
        self.panels.search_box.setFocus()
        self.panels.search_box.selectAll()

    def rename_selection(self) -> None:
        """F2: rename the selected card (in the inspector) or link (in place), else the board."""
        view = self.parts.current_view()
        if view is None or self.parts.read_only():
            return
        cards, links = view.board_scene.selected_cards(), view.board_scene.selected_links()
        if len(cards) == 1 and not links:
            self.commands.edit_card_title()
        elif len(links) == 1 and not cards:
            view.edit_link_label(links[0])
        else:
            self.commands.rename_board()

    def remove_overlaps_on_board(self) -> None:
        """Arrange > Remove overlaps: the selection, or the whole board; one undo step."""
        view = self.parts.current_view()
        if view is None or self.parts.read_only():
            return
        changes = view.run(view.commands.remove_overlaps)
        if changes is not None:
            moved = len(changes.placements)
            self.parts.say(
                f"Moved {moved} card{'s' if moved != 1 else ''} apart" if moved else "No cards overlap", 6000)

    def set_snap(self) -> None:
        for view in self.parts.views():
            view.snap_to_grid = self.snap.isChecked()

    def about(self) -> None:
        from evidence_board import __version__

        QMessageBox.about(self.parts.parent, "About Evidence Board",
                          f"Evidence Board {__version__}\n\nAn offline evidence board. Every change is saved "
                          "in the case file as you make it, and can be undone.")
