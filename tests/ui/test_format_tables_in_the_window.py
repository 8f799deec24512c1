"""The window reads the two tables: File > Export… offers the export table's formats, and File > Import…,
a drop on the board and a paste of copied files import through the importer table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import report_pdf, write  # noqa: E402

from evidence_board.exporters.formats import EXPORT_FORMATS  # noqa: E402
from evidence_board.importers.formats import IMPORT_FORMATS  # noqa: E402
from evidence_board.ui import importing  # noqa: E402
from evidence_board.ui.export_dialog import ExportDialog  # noqa: E402

# Which dialog widgets each export option enables.
OPTION_WIDGETS = {"page_size": ["page_size"], "landscape": ["orientation"], "tile": ["fit", "tile"],
                  "dpi": ["dpi"], "numbers": ["numbers"]}


def _canvas(tmp_path: Path, name: str = "harbour wall.canvas") -> Path:
    return write(tmp_path, name, json.dumps({"nodes": [
        {"id": "a", "type": "text", "text": "# Harbour master\nmet the agent", "x": 0, "y": 0, "width": 260,
         "height": 100},
        {"id": "b", "type": "text", "text": "# Ship agent", "x": 400, "y": 40, "width": 260, "height": 100}],
        "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "paid"}]}).encode())


def _urls(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drop(view, mime: QMimeData, at: QPointF) -> None:
    """Drag files over the board and let go, as a file manager does (enter, move, drop)."""
    pos = view.mapFromScene(at)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(pos, Qt.DropAction.CopyAction, mime, buttons, keys))
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, buttons, keys))


def test_the_export_dialog_offers_exactly_the_table_s_formats_and_their_options(qtbot, window) -> None:
    dialog = ExportDialog(window.case, window.current_view().board_scene.board_id, [], window)
    qtbot.addWidget(dialog)
    offered = [(dialog.format.itemData(i), dialog.format.itemText(i)) for i in range(dialog.format.count())]
    assert offered == [(row.name, row.label) for row in EXPORT_FORMATS]
    for row in EXPORT_FORMATS:
        dialog.format.setCurrentIndex(dialog.format.findData(row.name))
        assert dialog.path.text().endswith(row.extension or dialog._file_stem())
        for option, widgets in OPTION_WIDGETS.items():
            for name in widgets:
                assert getattr(dialog, name).isEnabled() == (option in row.options), (row.name, name)


def test_file_import_offers_every_importable_format(qtbot, window, monkeypatch) -> None:
    shown: list[QFileDialog] = []
    monkeypatch.setattr(QFileDialog, "exec", lambda self: shown.append(self) or 0)
    window.actions_.import_.trigger()
    (dialog,) = shown
    filters = dialog.nameFilters()
    assert len(filters) == len(IMPORT_FORMATS) + 2  # everything, each format, all files
    for row in IMPORT_FORMATS:
        assert row.file_filter in filters
        assert all(f"*{ext}" in filters[0] for ext in row.extensions)


def test_a_canvas_dropped_on_the_window_opens_as_a_new_board(qtbot, window, tmp_path: Path) -> None:
    view = window.current_view()
    boards_before, cards_here = window.tabs.count(), set(view.board_scene.cards)
    _drop(view, _urls(_canvas(tmp_path)), view.visible_scene_rect().center())
    assert window.tabs.count() == boards_before + 1
    shown = window.current_view()
    assert shown is not view and window.tabs.tabText(window.tabs.currentIndex()) == "harbour wall"
    assert {item.card.title for item in shown.board_scene.cards.values()} == {"Harbour master", "Ship agent"}
    assert [item.link.label for item in shown.board_scene.links.values()] == ["paid"]
    assert set(view.board_scene.cards) == cards_here  # the board it was dropped on is as it was
    assert "as board 'harbour wall': 2 cards, 1 links" in window.statusBar().currentMessage()
    window.service.undo()  # one step: the whole board goes
    assert window.tabs.count() == boards_before


def test_a_pdf_and_a_canvas_dropped_together_land_where_each_belongs(qtbot, window, tmp_path: Path) -> None:
    view = window.current_view()
    at = view.visible_scene_rect().center()
    _drop(view, _urls(write(tmp_path, "manifest.pdf", report_pdf()), _canvas(tmp_path, "crew.canvas")), at)
    titles_here = {item.card.title for item in view.board_scene.cards.values()}
    assert "Focus on Cuba" in titles_here  # the PDF's document card, on the board it was dropped on
    assert window.tabs.tabText(window.tabs.currentIndex()) == "crew"


def test_files_copied_in_a_file_manager_are_pasted_as_a_drop_imports_them(qtbot, window, tmp_path: Path,
                                                                         monkeypatch) -> None:
    monkeypatch.setattr(importing, "warn", lambda *args: None, raising=False)  # no modal box; the asserts tell
    view = window.current_view()
    mime = _urls(write(tmp_path, "ledger.pdf", report_pdf(title="Port ledger")))
    mime.setText(str(tmp_path / "ledger.pdf"))  # file managers put the path as text too
    QGuiApplication.clipboard().setMimeData(mime)
    window.actions_.paste.trigger()
    titles = {item.card.title for item in view.board_scene.cards.values()}
    assert "Port ledger" in titles and str(tmp_path / "ledger.pdf") not in titles  # a source, not a note of its path
    QGuiApplication.clipboard().setMimeData(_urls(_canvas(tmp_path, "pasted.canvas")))
    window.actions_.paste.trigger()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "pasted"
