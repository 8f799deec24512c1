"""Case text in the window is plain text, everywhere (issue 12, item 9).

A card titled ``<img src='/some/file.png'>`` made the side panel's tooltip
(``note: <title>``) load that file, and ``<img src='/dev/zero'>`` aborted the
window. Here every text column of a case holds markup: an ``<img>`` naming a
real PNG watched with inotify, ``<b>`` around a token naming the column,
``&amp;`` and a lone ``&``. The test opens the case and walks what the window
shows: the docks, the inspector for each kind of card and for a link, the side
panel's lists and tooltips (each tooltip really shown), the tabs, every menu
including the card menu and Place on board, Undo, the reader, the History
panel, search results, the export dialog, message boxes, the password
prompt and the import progress. Every text a user sees must hold the
column's text as typed (the tags and entities still there), no object
(an image) may be laid out, and the PNG must never be opened.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QTimer
from PySide6.QtGui import Qt  # QtGui.Qt carries mightBeRichText
from PySide6.QtGui import QAction, QContextMenuEvent, QImage, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QApplication, QComboBox, QLabel, QMenu, QTabBar, QToolTip,
    QWidget,
)

from evidence_board.importers import import_files
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from tests.ui.conftest import with_open_menu

sys.path.insert(0, str(Path(__file__).parent.parent / "importers"))
from samples import report_pdf, write  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify watches the probe file")

COLUMNS = ["casetitle", "notetitle", "notetext", "tag", "entitytitle", "attrkey", "attrvalue", "quotetitle",
           "grouptitle", "boardname", "otherboard", "linklabel", "author", "sourcetitle"]
FILES = ["file", "sourcefile", "photo"]  # names of files: no "/", so the <img> names the probe from the cwd


class FileWatch:
    """Whether anything opened a file (inotify IN_OPEN), read without blocking."""

    def __init__(self, path: Path) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        assert self.fd >= 0 and libc.inotify_add_watch(self.fd, os.fsencode(path), 0x20) >= 0  # IN_OPEN

    def opened(self) -> bool:
        try:
            return bool(os.read(self.fd, 4096))
        except BlockingIOError:
            return False


def hostile(column: str, probe: Path) -> str:
    return f"<b>Z{column}Z</b>&amp; & x<img src='{probe}'>"


def hostile_name(column: str) -> str:
    return f"<i>Z{column}Z<i>&amp; & x<img src='probe.png'>"


def expected(column: str) -> str:
    """What must show wherever the column's token shows: its markup, as typed."""
    return f"<i>Z{column}Z<i>&amp; & x<img src=" if column in FILES else f"<b>Z{column}Z</b>&amp; & x<img src="


@pytest.fixture
def hostile_case(tmp_path: Path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)
    probe = tmp_path / "probe.png"
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(probe))
    h = {c: hostile(c, probe) for c in COLUMNS}
    path = tmp_path / f"{hostile_name('file')}.evb"
    case = CaseFile.create(path, h["casetitle"], h["author"])
    service = CaseService(case, h["author"])
    board = case.boards()[0].id
    service.rename_board(board, h["boardname"])
    service.create_board(h["otherboard"])
    ids = {}
    ids["note"] = service.create_card("note", board_id=board, x=0, y=0, title=h["notetitle"], text=h["notetext"],
                                      tags=[h["tag"]]).created[0]
    ids["entity"] = service.create_card("entity", board_id=board, x=400, y=0, title=h["entitytitle"],
                                        entity_type="person", attributes={h["attrkey"]: h["attrvalue"]}).created[0]
    pdf = write(tmp_path, f"{hostile_name('sourcefile')}.pdf", report_pdf(title=h["sourcetitle"], author=h["author"]))
    photo = tmp_path / f"{hostile_name('photo')}.png"
    QImage(str(probe)).save(str(photo))
    report = import_files(service, [pdf, photo], board, x=0, y=400)
    ids["document"], ids["photo"] = report.files[0].card_id, report.files[1].card_id
    from evidence_board.importers import create_quote

    ids["quote"] = create_quote(service, report.files[0].source_id, 1, "Focus on Cuba", board).created[0]
    service.update_card(ids["quote"], title=h["quotetitle"])
    ids["group"] = service.create_card("group", board_id=board, x=-300, y=-300, title=h["grouptitle"]).created[0]
    ids["link"] = service.create_link(ids["note"], ids["entity"], h["linklabel"]).created[0]
    ids["source"] = report.files[0].source_id
    case.close()
    return {"path": path, "probe": probe, "ids": ids}


# -- what a user sees ----------------------------------------------------------------------


def as_rendered(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    rich = text_format == Qt.TextFormat.RichText or (text_format == Qt.TextFormat.AutoText
                                                     and Qt.mightBeRichText(text))
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def without_mnemonics(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text)  # "&&" shows "&", "&x" shows "x" underlined


class Seen:
    """Every text shown, with where it was seen, and each tooltip really shown once."""

    def __init__(self, watch: FileWatch) -> None:
        self.texts: list[tuple[str, str]] = []
        self.watch = watch
        self.loaded_by: list[str] = []  # where showing something opened the probe file

    def _note_loads(self, where: str) -> None:
        if self.watch.opened():
            self.loaded_by.append(where)

    def add(self, where: str, text: str) -> None:
        if text:
            self.texts.append((where, text))

    def tooltip(self, where: str, tip: str, widget: QWidget) -> None:
        if tip:
            QToolTip.showText(widget.mapToGlobal(QPoint(5, 5)), tip, widget)
            QApplication.processEvents()
            QToolTip.hideText()
            self._note_loads(f"{where} tooltip")
            self.add(f"{where} tooltip", as_rendered(tip))

    def action(self, where: str, action: QAction, widget: QWidget) -> None:
        self.add(f"{where} {action.text()!r}", without_mnemonics(action.text()))
        self.tooltip(f"{where} action", action.toolTip(), widget)
        if action.menu() is not None:
            self.menu(f"{where} > {action.text()}", action.menu())

    def menu(self, where: str, menu: QMenu) -> None:
        menu.aboutToShow.emit()  # menus filled when opened (Open recent)
        for action in menu.actions():
            self.action(where, action, menu)

    def widget_tree(self, where: str, top: QWidget) -> None:
        for widget in [top, *top.findChildren(QWidget)]:
            name = f"{where}/{type(widget).__name__}"
            self.tooltip(name, widget.toolTip(), widget)
            if isinstance(widget, QLabel):
                self.add(name, as_rendered(widget.text(), widget.textFormat()))
            elif isinstance(widget, QAbstractButton):
                self.add(name, without_mnemonics(widget.text()))
            elif isinstance(widget, QTabBar):
                for i in range(widget.count()):
                    self.add(f"{name} tab", without_mnemonics(widget.tabText(i)))
                    self.tooltip(f"{name} tab", widget.tabToolTip(i), widget)
            elif isinstance(widget, QComboBox):
                for i in range(widget.count()):
                    self.add(f"{name} item", widget.itemText(i))
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                self._model(name, widget)
            if widget.isWindow() and widget.windowHandle() is not None:
                self.add(f"{name} title", widget.windowHandle().title())
        top.grab()  # lays out and paints every label, as the screen would
        self._note_loads(where)

    def _model(self, where: str, view: QAbstractItemView) -> None:
        model = view.model()
        stack = self._children(model, QModelIndex())
        while stack:
            index = stack.pop()
            self.add(f"{where} item", index.data(Qt.ItemDataRole.DisplayRole) or "")
            self.add(f"{where} item", index.data(Qt.ItemDataRole.AccessibleTextRole) or "")
            self.tooltip(f"{where} item", index.data(Qt.ItemDataRole.ToolTipRole) or "", view.viewport())
            stack += self._children(model, index)

    @staticmethod
    def _children(model, parent: QModelIndex) -> list[QModelIndex]:
        # A list model keeps columnCount private: it has one column.
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
        if isinstance(model, QAbstractListModel) and parent.isValid():
            return []
        return [model.index(r, c, parent) for r in range(model.rowCount(parent)) for c in range(columns)]


def modal_seen(seen: Seen, where: str, run) -> list[QWidget]:
    """Run ``run``; each modal dialog it opens is walked, then closed."""
    boxes: list[QWidget] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, look)
            return
        boxes.append(box)
        try:
            seen.widget_tree(where, box)
        finally:
            box.reject()  # never left open: the test would wait on it

    QTimer.singleShot(0, look)
    run()
    return boxes


def test_every_widget_shows_case_text_as_typed_and_loads_nothing(qtbot, settings, hostile_case):
    from evidence_board.ui import importing
    from evidence_board.ui.export_dialog import ExportDialog
    from evidence_board.ui.main_window import MainWindow

    watch = FileWatch(hostile_case["probe"])
    ids = hostile_case["ids"]
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.open_case(hostile_case["path"])
    window.resize(1500, 950)
    window.show()
    window.history_dock.show()
    qtbot.waitExposed(window)
    seen = Seen(watch)
    view = window.current_view()
    for kind in ("note", "entity", "document", "photo", "quote", "group"):
        view.commands.select([ids[kind]])
        qtbot.wait(5)
        window.history.refresh()
        seen.widget_tree(f"window with the {kind} selected", window)
    window.history.scope.setCurrentIndex(window.history.scope.findData("case"))
    view.commands.select([])
    view.board_scene.links[ids["link"]].setSelected(True)
    qtbot.wait(5)
    seen.widget_tree("window with the link selected", window)
    for action in window.menuBar().actions():
        seen.action("menu bar", action, window)

    # The card menu with Place on board, opened as a right-click opens it.
    item = view.board_scene.cards[ids["note"]]
    view.centerOn(item.card_rect().center())
    point = view.mapFromScene(item.card_rect().center())
    menus: list[QMenu] = []
    with_open_menu(lambda: view.contextMenuEvent(
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.mapToGlobal(point))),
        lambda menu: (menus.append(menu), seen.menu("card menu", menu)))
    assert menus and any("Place on board" in a.text() for a in menus[0].actions())

    # An edit, so Undo names the card; the reader; search; the export dialog.
    window.service.update_card(ids["note"], text="changed " + window.case.card(ids["note"]).text)
    seen.action("undo", window.actions_.undo, window)
    window.show_source(ids["source"], 1)
    readers = [w for w in window.findChildren(QWidget) if type(w).__name__ == "SourceReader"
               and w.source.id == ids["source"]]
    assert readers
    seen.widget_tree("reader", readers[0])
    window.search_box.setText("Znotetext")
    window.search()
    qtbot.waitUntil(lambda: not window.search_worker.busy)  # the search runs on its own thread
    seen.widget_tree("search results", window.search_results)
    dialog = ExportDialog(window.case, view.board_scene.board_id, [ids["note"]], window)
    qtbot.addWidget(dialog)
    dialog.show()
    seen.widget_tree("export dialog", dialog)
    dialog.close()

    # Message boxes and prompts that quote case text and file names.
    title = window.case.card(ids["note"]).title
    modal_seen(seen, "error box", lambda: window.show_error(f"refused: {title}"))
    modal_seen(seen, "delete board question", window.delete_board)
    from evidence_board.importers.errors import PasswordRequired

    modal_seen(seen, "password prompt", lambda: importing._ask_password(
        window, PasswordRequired("locked", file_name=hostile("pdfname", hostile_case["probe"]))))
    progress = importing.ImportProgressDialog(window)
    qtbot.addWidget(progress)
    progress.show_progress(f"reading {hostile('progress', hostile_case['probe'])}", 1, 2)
    progress.show()
    seen.widget_tree("import progress", progress)
    progress.close()

    QApplication.processEvents()
    assert seen.loaded_by == [] and not watch.opened(), "a widget loaded the file an <img> in the case names"
    shown = {column: [text for _where, text in seen.texts if f"Z{column}Z" in text]
             for column in [*COLUMNS, *FILES, "pdfname", "progress"]}
    missing = [column for column, texts in shown.items() if not texts and column not in ("attrkey", "attrvalue")]
    assert missing == [], "columns the walk did not meet anywhere"
    wrong = [(where, text) for where, text in seen.texts
             if "\ufffc" in text or any(f"Z{c}Z" in text and text.count(f"Z{c}Z") != text.count(expected(c))
                                        for c in shown)]
    assert wrong == []
    window_title = window.windowHandle().title()
    assert expected("casetitle") in window_title and f"{hostile_name('file')}.evb" in window_title
    window.close_case()


def test_the_helpers_show_text_exactly(qapp):
    from evidence_board.ui.plain_text import menu_text, plain_tooltip, window_title

    for text in ["<img src='/dev/zero'>", "  two  spaces\nand <b>lines</b>\t&amp; & end ", "plain", "a [*] b"]:
        assert as_rendered(plain_tooltip(text)) == text
        assert without_mnemonics(menu_text(text)) == text
    assert plain_tooltip("") == ""
    widget = QWidget()
    widget.show()
    for text in ["a [*] b", "[*][*]", "x[*]"]:
        widget.setWindowTitle(window_title(text))
        QApplication.processEvents()
        assert widget.windowHandle().title() == text
    widget.close()


def test_every_tooltip_the_window_sets_is_a_constant_or_made_plain():
    """Qt reads a tooltip that looks like HTML as HTML: any tooltip that is not
    fixed text goes through plain_tooltip (a new one cannot forget it)."""
    import ast

    import evidence_board.ui as ui

    offenders = []
    for file in Path(ui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "setToolTip" and node.args):
                arg = node.args[0]
                plain = (isinstance(arg, ast.Constant) or isinstance(arg, ast.Call)
                         and getattr(arg.func, "id", "") == "plain_tooltip")
                if not plain:
                    offenders.append(f"{file.name}:{node.lineno}")
    assert offenders == []
