"""The main window: one case, its boards as tabs, the panels around them.

There is no Save: every edit is a service call, committed to the file at
once. The window listens to the service for what changed and refreshes
tabs, title, Edit menu and status bar from it.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QImage
from PySide6.QtWidgets import (
    QDockWidget, QFileDialog, QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QSplitter,
    QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from evidence_board.errors import CaseFileError
from evidence_board.model import CardKind, Region, count_cards
from evidence_board.render.context import RenderContext
from evidence_board.services import CaseService, Changes
from evidence_board.store import CaseFile
from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.board.placing import place_card_here
from evidence_board.ui.board.view import BoardView
from evidence_board.ui.case_dialogs import BY_CHOICE, CaseUpkeep, ReadOnlyBanner, open_case_file
from evidence_board.ui.history_panel import HistoryPanel
from evidence_board.ui.plain_text import ask_yes_no, inform, menu_text, warn, window_title
from evidence_board.ui.inspector import Inspector
from evidence_board.ui.board.minimap import Minimap
from evidence_board.ui.search_results import run_search, stop_searching
from evidence_board.ui.side_panel import SidePanel
from evidence_board.ui.board.framing import show_first_view
from evidence_board.ui.window_actions import Panels, WindowActions
from evidence_board.ui.window_parts import WindowParts

RECENT_LIMIT = 10


def _tab_label(name: str) -> str:
    """A board's name as a tab's text: a lone "&" would be taken as a shortcut mark."""
    return menu_text(name)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.case: CaseFile | None = None
        self.service: CaseService | None = None
        self.context: RenderContext | None = None
        self.read_only = False
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._current_board_changed)
        self.tabs.tabBarDoubleClicked.connect(lambda index: self.rename_board(index))
        add_board = QToolButton()
        add_board.setText("+")
        add_board.setToolTip("New board")
        add_board.clicked.connect(self.add_board)
        self.add_board_button = add_board
        self.tabs.setCornerWidget(add_board, Qt.Corner.TopRightCorner)
        self.read_only_reason: str | None = None
        self.banner = ReadOnlyBanner()
        self.banner.reopen_requested.connect(self.reopen_for_editing)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.upkeep = CaseUpkeep(self)
        self.upkeep.backup_failed.connect(lambda message: self.statusBar().showMessage(message, 10000))
        self.left_dock = QDockWidget("Case", self)
        self.left_dock.setObjectName("case-dock")
        self.right_dock = QDockWidget("Inspector", self)
        self.right_dock.setObjectName("inspector-dock")
        self.minimap = Minimap()
        # Fixed minimum widths, so showing a different inspector page never shifts the board.
        self.left_dock.setMinimumWidth(230)
        self.right_dock.setMinimumWidth(330)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.left_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.right_dock)
        # Under the board, wide enough to read before and after values; hidden until asked for (View > History).
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("history-dock")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.history: HistoryPanel | None = None
        self.side_panel: SidePanel | None = None
        self.inspector: Inspector | None = None
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search cards and sources (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(320)
        self.search_box.returnPressed.connect(self.search)
        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        # What the menus and the File/Tools helpers use of this window (ui/window_parts).
        self.parts = WindowParts(parent=self, case=lambda: self.case, service=lambda: self.service,
                                 read_only=lambda: self.read_only, current_view=self.current_view,
                                 views=self.views, report=self.show_error,
                                 say=lambda message, ms: self.statusBar().showMessage(message, ms))
        self.actions_ = WindowActions(self, self.parts, self,
                                      Panels(self.left_dock, self.right_dock, self.history_dock, self.search_box))
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(0)
        self._selection_timer.timeout.connect(self._selection_changed)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(100)
        self._status_timer.timeout.connect(self._update_status)
        self.resize(1400, 900)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.actions_.snap.setChecked(settings.value("board/snap", False, type=bool))

    # -- opening and closing cases -------------------------------------------------

    def open_case(self, path: Path, read_only: bool = False) -> bool:
        """Open ``path`` in this window (closing the current case); False after showing why not.

        ``case_dialogs.open_case_file`` asks before upgrading an older file,
        offers read-only when another editor holds the lock, and says in one
        line why a file is refused."""
        opened = open_case_file(self, Path(path), read_only)
        if opened is None:
            return False
        self.set_case(opened.case, opened.read_only_reason)
        if opened.case.upgrade_backup is not None:
            self.statusBar().showMessage(f"Upgraded; the file as it was is kept as {opened.case.upgrade_backup.name}",
                                         15000)
        return True

    def reopen_for_editing(self) -> None:
        if self.case is not None:
            self.open_case(self.case.path)

    def new_case(self, path: Path) -> bool:
        try:
            case = CaseFile.create(path, path.stem)
        except (CaseFileError, OSError, sqlite3.Error) as exc:
            warn(self, "Cannot create case", str(exc))
            return False
        self.set_case(case)
        return True

    def set_case(self, case: CaseFile, read_only_reason: str | None = None) -> None:
        self.close_case()
        self.case = case
        self.read_only = case.read_only
        self.read_only_reason = (read_only_reason or BY_CHOICE) if case.read_only else None
        self.banner.show_reason(self.read_only_reason)
        self.add_board_button.setEnabled(not self.read_only)
        self.service = CaseService(case)
        self.context = RenderContext(case)
        self.service.subscribe(self._on_changes)
        self.side_panel = SidePanel(self.service)
        self.side_panel.card_picked.connect(self.reveal_card)
        self.side_panel.source_opened.connect(lambda source_id: self.show_source(source_id))
        self.side_panel.error.connect(self.show_error)
        self.left_dock.setWidget(self.side_panel)
        self.inspector = Inspector(self.service)
        self.inspector.read_only = self.read_only
        self.inspector.error.connect(self.show_error)
        self.inspector.show_in_source_requested.connect(self.show_in_source)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.inspector)
        splitter.addWidget(self.minimap)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 240])
        self.right_dock.setWidget(splitter)
        self.history = HistoryPanel(self.service)
        self.history.read_only = self.read_only
        self.history.error.connect(self.show_error)
        self.history_dock.setWidget(self.history)
        for board in case.boards():
            self._add_board_tab(board.id, board.name)
        self._remember_recent(case.path)
        self._update_title()
        self.actions_.update_enabled()
        self._update_status()
        # Titles readable, the densest part of the board in view (ui/board/framing).
        QTimer.singleShot(0, lambda: self.current_view() and show_first_view(self.current_view()))
        self.upkeep.follow(case)

    def close_case(self) -> None:
        if self.case is None:
            return
        stop_searching(self)  # its thread reads the case: stopped and joined before the case closes
        self.upkeep.follow(None)
        self.minimap.follow(None)
        while self.tabs.count():
            view = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if isinstance(view, BoardView):
                view.dispose()
        for panel in (self.side_panel, self.inspector, self.history):
            if panel is not None:
                panel.detach()
                panel.deleteLater()
        self.side_panel = self.inspector = self.history = None
        self._selection_timer.stop()
        self._status_timer.stop()
        if self.service is not None:
            self.service.unsubscribe(self._on_changes)
        self.case.close()
        self.case = self.service = self.context = None

    # -- boards --------------------------------------------------------------------

    def _add_board_tab(self, board_id: str, name: str, index: int | None = None) -> BoardView:
        assert self.service is not None and self.context is not None
        scene = BoardScene(self.service, board_id, self.context)
        view = BoardView(scene)
        view.read_only = self.read_only
        view.snap_to_grid = self.actions_.snap.isChecked()
        view.error.connect(self.show_error)
        view.zoom_changed.connect(self._update_zoom)
        view.card_activated.connect(self._card_activated)
        view.show_in_source_requested.connect(self.show_in_source)
        view.notice.connect(lambda message: self.statusBar().showMessage(message, 8000))
        scene.selectionChanged.connect(self._selection_timer.start)
        scene.contents_changed.connect(self._status_timer.start)
        if index is None:
            self.tabs.addTab(view, _tab_label(name))
        else:
            self.tabs.insertTab(index, view, _tab_label(name))
        view.setProperty("board_id", board_id)
        return view

    def views(self) -> list[BoardView]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]  # type: ignore[misc]

    def current_view(self) -> BoardView | None:
        view = self.tabs.currentWidget()
        return view if isinstance(view, BoardView) else None

    def view_of(self, board_id: str) -> BoardView | None:
        for view in self.views():
            if view.board_scene.board_id == board_id:
                return view
        return None

    def add_board(self) -> None:
        if self.service is None or self.read_only:
            return
        name, ok = QInputDialog.getText(self, "New board", "Name of the new board:",
                                        text=f"Board {self.tabs.count() + 1}")
        if ok:
            changes = self.run(lambda: self.service.create_board(name))
            if changes is not None:
                view = self.view_of(changes.created[0])
                if view is not None:
                    self.tabs.setCurrentWidget(view)

    def rename_board(self, index: int | None = None) -> None:
        index = self.tabs.currentIndex() if index is None or index < 0 else index
        view = self.tabs.widget(index)
        if not isinstance(view, BoardView) or self.read_only:
            return
        board = self.case.board(view.board_scene.board_id)
        name, ok = QInputDialog.getText(self, "Rename board", "Board name:", text=board.name if board else "")
        if ok:
            self.run(lambda: self.service.rename_board(view.board_scene.board_id, name))

    def delete_board(self) -> None:
        view = self.current_view()
        if view is None or self.read_only:
            return
        board = self.case.board(view.board_scene.board_id)
        name = board.name if board else ""
        if ask_yes_no(self, "Delete board",
                      f"Delete the board {name!r}? Its cards stay in the case; Undo brings the board back."):
            self.run(lambda: self.service.delete_board(view.board_scene.board_id))

    def _sync_tabs(self, changes: Changes) -> None:
        """Boards added, renamed or deleted (also by undo) become tabs."""
        assert self.case is not None
        boards = {board.id: board for board in self.case.boards()}
        for view in self.views():
            board_id = view.board_scene.board_id
            if board_id not in boards:
                self.tabs.removeTab(self.tabs.indexOf(view))
                view.dispose()
            else:
                self.tabs.setTabText(self.tabs.indexOf(view), _tab_label(boards[board_id].name))
        shown = {view.board_scene.board_id for view in self.views()}
        for index, board in enumerate(boards.values()):
            if board.id not in shown:
                self._add_board_tab(board.id, board.name, index)

    def _current_board_changed(self, _index: int) -> None:
        view = self.current_view()
        self.minimap.follow(view)
        self._selection_changed()
        self._update_status()
        if view is not None:
            self._update_zoom(view.scale_factor)

    # -- following the service --------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        if changes.boards:
            self._sync_tabs(changes)
        if changes.case_info:
            self._update_title()
        self.actions_.update_undo()
        self._status_timer.start()

    def _selection_changed(self) -> None:
        view = self.current_view()
        if view is None or self.inspector is None:
            return
        scene = view.board_scene
        cards = [i.card_id for i in scene.selected_cards()]
        self.inspector.show_selection(cards, [i.link_id for i in scene.selected_links()])
        if self.history is not None:
            self.history.show_card(cards[0] if len(cards) == 1 else None)
        self.actions_.update_enabled()

    def _update_title(self) -> None:
        if self.case is None:
            self.setWindowTitle("Evidence Board")
            return
        suffix = " (read-only)" if self.read_only else ""
        self.setWindowTitle(window_title(f"{self.case.title} — {self.case.path.name}{suffix} — Evidence Board"))

    def _update_status(self) -> None:
        view = self.current_view()
        if self.case is None or view is None:
            self.counts_label.setText("")
            return
        scene = view.board_scene
        selected = len(scene.selected_cards())
        cards = count_cards(item.card.kind for item in scene.cards.values())
        text = f"{cards} · {scene.link_count()} links on this board"
        if selected:
            text += f" · {selected} selected"
        self.counts_label.setText(text)

    def _update_zoom(self, scale: float) -> None:
        self.zoom_label.setText(f"{scale * 100:.0f}%")

    # -- cards --------------------------------------------------------------------------

    def reveal_card(self, card_id: str) -> None:
        """Select a card and centre it, switching to a board it is on."""
        view = self.current_view()
        if view is None or card_id not in view.board_scene.cards:
            view = next((v for v in self.views() if card_id in v.board_scene.cards), None)
            if view is None:
                self._offer_to_place(card_id)
                return
            self.tabs.setCurrentWidget(view)
        item = view.board_scene.cards[card_id]
        view.commands.select([card_id])
        if view.scale_factor < 0.5:
            view.set_scale(0.8)
        view.centerOn(item.card_rect().center())

    def _offer_to_place(self, card_id: str) -> None:
        """A card on no board (its board was deleted) can be put back on the current one."""
        view, card = self.current_view(), self.case.card(card_id) if self.case else None
        if view is None or card is None or self.read_only:
            self.statusBar().showMessage("That card is not on any board.", 4000)
            return
        board = self.case.board(view.board_scene.board_id)
        text = (f"<p>“{html.escape(card.title or card.kind.value)}” is in the case but on no board.</p>"
                f"<p>Place it on {html.escape(board.name if board else 'this board')}?</p>")  # escaped: case text
        if QMessageBox.question(self, "Place card", text) == QMessageBox.StandardButton.Yes:
            view.notify(view.run(lambda: place_card_here(view.board_scene, card_id,
                                                         view.visible_scene_rect().center())))
            if card_id in view.board_scene.cards:
                self.reveal_card(card_id)

    def _card_activated(self, card_id: str) -> None:
        if card_id:
            self.edit_card_title()

    def edit_card_title(self) -> None:
        """The selected card's title in the inspector, ready to type over (F2, a new card)."""
        if self.inspector is not None:
            self.right_dock.show()
            self.inspector.title.setFocus()
            self.inspector.title.selectAll()

    def add_card(self, kind: CardKind) -> None:
        view = self.current_view()
        if kind is CardKind.GROUP and view is not None and view.board_scene.selected_cards():
            if not self.read_only and view.run(view.commands.group_selection) is not None:
                self._card_activated("new")
            return
        if view is not None and not self.read_only and \
                view.run(lambda: view.commands.add_card(kind, view.visible_scene_rect().center())) is not None:
            self._card_activated("new")

    def add_photo_from_file(self) -> None:
        view = self.current_view()
        if view is None or self.read_only:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Add a photo", "", "Images (*.png *.jpg *.jpeg *.gif *.bmp *.webp)")
        if not path:
            return
        image = QImage(path)
        if image.isNull():
            self.show_error(f"{Path(path).name}: not an image this program can read")
            return
        view.run(lambda: view.commands.add_photo(image, view.visible_scene_rect().center(), Path(path).stem))

    def link_selected(self) -> None:
        """Link two selected cards, the first selected to the second (the keyboard way to the link handle)."""
        view = self.current_view()
        if view is None or self.read_only:
            return
        items = view.selected_cards_in_order()
        if len(items) != 2:
            self.statusBar().showMessage("Select exactly two cards to link them.", 4000)
            return
        changes = view.run(lambda: self.service.create_link(items[0].card_id, items[1].card_id, ""))
        if changes is not None:
            link = view.board_scene.links.get(changes.created[0])
            if link is not None:
                view.board_scene.clearSelection()
                link.setSelected(True)
                view.edit_link_label(link)

    def show_in_source(self, card_id: str) -> None:
        card = self.case.card(card_id) if self.case else None
        if card is None or not card.source_id:
            return
        self.show_source(card.source_id, card.page, card.regions)

    def show_source(self, source_id: str, page: int | None = None, regions: Sequence[Region] = (),
                    find: str | None = None) -> None:
        try:
            from evidence_board.ui.reader import show_in_source
        except ImportError:
            inform(self, "Source reader not available", "The source reader is not available in this version yet.")
            return
        view = self.current_view()
        show_in_source(self, self.case, None if self.read_only else self.service, source_id, page, regions,
                       find=find, board_id=view.board_scene.board_id if view else None)

    # -- search ---------------------------------------------------------------------------

    def search(self) -> None:
        """Search the case (Ctrl+F, Enter): the hits listed under the box, see search_results."""
        run_search(self)

    # -- helpers ----------------------------------------------------------------------------

    def run(self, call: Callable[[], object]) -> object:
        """A window-level edit (boards, undo) on the one path to the services (ui/operation)."""
        return self.parts.run(call)

    def show_error(self, message: str) -> None:
        """The window's one way of showing a refusal: every panel's ``error``
        signal and every helper's ``report`` end here."""
        self.statusBar().showMessage(message, 8000)
        warn(self, "Evidence Board", message)

    def _remember_recent(self, path: Path) -> None:
        recent = [p for p in self.recent_files() if Path(p) != Path(path).resolve()]
        recent.insert(0, str(Path(path).resolve()))
        self.settings.setValue("recent/files", recent[:RECENT_LIMIT])
        self.actions_.rebuild_recent()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("board/snap", self.actions_.snap.isChecked())
        self.close_case()
        super().closeEvent(event)

    def centre_of_view(self) -> QPointF:
        view = self.current_view()
        return view.visible_scene_rect().center() if view else QPointF()
