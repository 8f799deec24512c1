"""The reader closes from the keyboard: Ctrl+W, and Esc (which first drops a selection)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow

from evidence_board.ui.reader import SourceReader, show_in_source


def open_in_window(qtbot, case, service, source_id) -> tuple[QMainWindow, SourceReader]:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    reader = show_in_source(window, case, service, source_id, page=2)
    qtbot.waitExposed(reader)
    reader.activateWindow()
    qtbot.waitUntil(reader.isActiveWindow)
    return window, reader


def test_ctrl_w_closes_the_reader(qtbot, case, service, pdf_source):
    window, reader = open_in_window(qtbot, case, service, pdf_source)
    QTest.keyClick(reader.page_widget, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.findChildren(SourceReader))  # closed and gone


def test_esc_closes_the_reader_even_from_the_find_box(qtbot, case, service, pdf_source):
    window, reader = open_in_window(qtbot, case, service, pdf_source)
    reader.find_box.setFocus()
    QTest.keyClicks(reader.find_box, "verdicts")
    QTest.keyClick(reader.find_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.findChildren(SourceReader))


def test_esc_first_drops_a_selection_then_closes(qtbot, case, service, pdf_source):
    window, reader = open_in_window(qtbot, case, service, pdf_source)
    reader.clip_mode.trigger()
    qtbot.mousePress(reader.page_widget, Qt.MouseButton.LeftButton, pos=QPoint(60, 60))
    qtbot.mouseMove(reader.page_widget, QPoint(200, 160))
    qtbot.mouseRelease(reader.page_widget, Qt.MouseButton.LeftButton, pos=QPoint(200, 160))
    assert reader.page_widget.clip is not None and reader.clip_action.isEnabled()
    QTest.keyClick(reader.page_widget, Qt.Key.Key_Escape)
    assert reader.page_widget.clip is None and not reader.clip_action.isEnabled()
    assert reader.isVisible()
    QTest.keyClick(reader.page_widget, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.findChildren(SourceReader))
