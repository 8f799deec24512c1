"""Fixtures for the board window: a specimen board in a scene and view, a main window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtTest import QTest

from evidence_board.render.context import RenderContext
from evidence_board.render.specimen import build_specimen_board
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.ui.board.scene import BoardScene
from evidence_board.ui.board.view import BoardView


@dataclass
class Board:
    case: CaseFile
    service: CaseService
    board_id: str
    scene: BoardScene
    view: BoardView
    ids: dict[str, str]

    def point(self, scene_pos: QPointF) -> QPoint:
        """Where a board point is in viewport pixels."""
        return self.view.mapFromScene(scene_pos)

    def drag(self, qtbot, start: QPointF, end: QPointF, steps: int = 6,
             modifier=Qt.KeyboardModifier.NoModifier) -> None:
        viewport = self.view.viewport()
        a, b = self.point(start), self.point(end)
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
        for i in range(1, steps + 1):
            p = a + (b - a) * i / steps
            QTest.mouseMove(viewport, p)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)

    def click(self, scene_pos: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        QTest.mouseClick(self.view.viewport(), Qt.MouseButton.LeftButton, modifier, self.point(scene_pos))

    def centre(self, role: str) -> QPointF:
        return self.scene.cards[self.ids[role]].card_rect().center()


def fresh_view(qtbot, board: Board, centre: QPointF | None = None) -> tuple[BoardView, BoardScene]:
    """The same board opened anew in a view of the same size and zoom, centred
    where ``board.view`` is (or on ``centre``, exactly where that view was centred
    on it): close its scene when done."""
    scene = BoardScene(board.service, board.board_id, RenderContext(board.case))
    view = BoardView(scene)
    qtbot.addWidget(view)
    view.resize(board.view.size())
    view.show()
    qtbot.waitExposed(view)
    view.set_scale(board.view.transform().m11())
    view.centerOn(centre if centre is not None else board.view.mapToScene(board.view.viewport().rect().center()))
    return view, scene


@pytest.fixture
def board(qtbot, case, service, board_id) -> Board:
    ids = build_specimen_board(service, board_id)
    scene = BoardScene(service, board_id, RenderContext(case))
    view = BoardView(scene)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.set_scale(1.0)
    view.centerOn(scene.cards_bounds().center())
    return Board(case, service, board_id, scene, view, ids)


@pytest.fixture(autouse=True)
def empty_clipboard_after_test():
    """Leave the clipboard empty: mime data still on it when the interpreter
    shuts down is freed after the application and crashes the test process."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def specimen_case_path(tmp_path: Path, qapp) -> Path:  # noqa: ANN001 - qapp: the specimen paints thumbnails
    """A specimen case on disk, closed (so a window can lock it)."""
    path = tmp_path / "specimen.evb"
    case = CaseFile.create(path, "Pong Su", "Test Analyst")
    service = CaseService(case, "Test Analyst")
    build_specimen_board(service, case.boards()[0].id)
    case.close()
    return path


@pytest.fixture
def window(qtbot, settings, specimen_case_path):
    from evidence_board.ui.main_window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    assert win.open_case(specimen_case_path)
    win.resize(1500, 950)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_case()


def with_open_menu(open_menu, use_menu, timeout_ms: int = 5000) -> None:
    """Call ``open_menu()`` (which runs a QMenu's own event loop) and, once the
    menu shows, ``use_menu(menu)``; the menu is closed afterwards whatever
    ``use_menu`` does. If no menu shows within ``timeout_ms``, every popup is
    closed, so a test fails instead of waiting forever in ``QMenu.exec``."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QMenu

    clock = QElapsedTimer()
    clock.start()

    def poll() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
            menu = menus[0] if menus else None
        if menu is not None:
            try:
                use_menu(menu)
            finally:
                menu.close()
        elif clock.elapsed() < timeout_ms:
            QTimer.singleShot(20, poll)
        else:
            while (popup := QApplication.activePopupWidget()) is not None:
                popup.close()

    QTimer.singleShot(20, poll)
    open_menu()
