"""Issue 12 item 20 in the window: Sources tab > Delete source…, with a question; Share lists
the sources a scrubbed copy leaves out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMessageBox

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import report_pdf, write  # noqa: E402

from evidence_board.importers import create_quote, import_files  # noqa: E402
from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402
from evidence_board.ui import case_copies  # noqa: E402
from evidence_board.ui.reader import SourceReader  # noqa: E402
from tests.ui.conftest import with_open_menu  # noqa: E402

PDF = report_pdf(["The <b>ship</b> left Havana.", "Two fighters under the sugar."], title="Seizure report",
                 author="Ana Investigadora")


@pytest.fixture
def case_with_sources(tmp_path: Path, qapp) -> tuple[Path, dict[str, str]]:  # noqa: ANN001
    path = tmp_path / "sources.evb"
    case = CaseFile.create(path, "Sources", "Test Analyst")
    service = CaseService(case, "Test Analyst")
    board = case.boards()[0].id
    seizure = import_files(service, [write(tmp_path, "seizure.pdf", PDF)], board).files[0]
    quote = create_quote(service, seizure.source_id, 2, "Two fighters", board).created[0]
    other = import_files(service, [write(tmp_path, "old.pdf", report_pdf(["An old memo."], title="Old memo"))],
                         board).files[0]
    service.delete_cards(other.card_id)  # a source no card refers to any more
    case.close()
    return path, {"source": seizure.source_id, "document": seizure.card_id, "quote": quote,
                  "unreferenced": other.source_id}


@pytest.fixture
def sources_window(qtbot, settings, case_with_sources):
    from evidence_board.ui.main_window import MainWindow

    path, ids = case_with_sources
    win = MainWindow(settings)
    qtbot.addWidget(win)
    assert win.open_case(path)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win, ids
    win.close_case()


class Questions:
    """Every message box shown: its text; answered by pressing the button named ``answer``."""

    def __init__(self, monkeypatch, answer: str | None) -> None:
        self.texts: list[str] = []
        self.buttons: list[list[str]] = []
        self.answer = answer

        def exec_(box: QMessageBox) -> int:
            self.texts.append(box.text())
            self.buttons.append([b.text() for b in box.buttons()])
            for button in box.buttons():
                if button.text() == self.answer:
                    button.click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)


def _source_row(window, source_id: str) -> QPoint:
    sources = window.side_panel.sources
    window.side_panel.setCurrentWidget(sources)
    item = next(sources.item(n) for n in range(sources.count()) if sources.item(n).data(0x0100) == source_id)
    return sources.visualItemRect(item).center()


def _choose(qtbot, window, source_id: str, text: str) -> list[str]:
    """Right-click the source in the Sources tab and choose ``text``; returns the menu's items."""
    sources = window.side_panel.sources
    point = _source_row(window, source_id)
    seen: list[str] = []
    chosen = []

    def use(menu) -> None:
        seen.extend(a.text() for a in menu.actions() if a.text())
        chosen.extend(a for a in menu.actions() if a.text() == text and a.isEnabled())
        menu.close()
        for action in chosen:
            action.trigger()

    with_open_menu(lambda: QApplication.sendEvent(sources.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, sources.viewport().mapToGlobal(point))), use)
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def _listed_sources(window) -> list[str]:
    sources = window.side_panel.sources
    return [sources.item(n).data(0x0100) for n in range(sources.count())]


def test_delete_source_asks_naming_its_cards_and_undo_brings_all_back(qtbot, monkeypatch, sources_window):
    window, ids = sources_window
    scene = window.current_view().board_scene
    questions = Questions(monkeypatch, "Delete source and 2 card(s)")
    before = window.case.attachment(window.case.source(ids["source"]).attachment_id)
    window.show_source(ids["source"])
    reader = next(r for r in window.findChildren(SourceReader) if r.isVisible())
    assert _choose(qtbot, window, ids["source"], "Delete source…") == ["Open source", "Delete source…"]
    text = questions.texts[0]
    assert text.startswith("Delete the source “Seizure report” (seizure.pdf, 2 page(s)) from the case?")
    assert "2 card(s) cite it and will be deleted with it, with their links:" in text
    assert "•  Seizure report" in text and "•  Two fighters" in text and "Edit > Undo brings all of it back" in text
    assert window.case.source(ids["source"]) is None
    assert not reader.isVisible()  # no quoting from a source that is gone
    qtbot.waitUntil(lambda: ids["source"] not in _listed_sources(window))
    assert ids["document"] not in scene.cards and ids["quote"] not in scene.cards
    assert window.actions_.undo.text() == "&Undo Delete source Seizure report and 2 card(s)"

    window.actions_.undo.trigger()
    assert window.case.attachment(window.case.source(ids["source"]).attachment_id) == before
    qtbot.waitUntil(lambda: ids["source"] in _listed_sources(window))
    assert ids["document"] in scene.cards and ids["quote"] in scene.cards


def test_cancel_deletes_nothing(qtbot, monkeypatch, sources_window):
    window, ids = sources_window
    questions = Questions(monkeypatch, None)  # Esc: no button pressed
    counts = window.case.counts()
    _choose(qtbot, window, ids["source"], "Delete source…")
    assert len(questions.texts) == 1 and questions.buttons[0] == ["Cancel", "Delete source and 2 card(s)"]
    assert window.case.counts() == counts and not window.service.can_undo()


def test_a_read_only_case_offers_no_delete(qtbot, settings, case_with_sources):
    from evidence_board.ui.main_window import MainWindow

    path, ids = case_with_sources
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.open_case(path, read_only=True)
    window.show()
    menu = window.side_panel.source_menu(ids["source"])
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [("Open source", True), ("Delete source…", False)]
    window.close_case()


def test_share_lists_the_sources_no_card_refers_to(monkeypatch, sources_window, tmp_path):
    window, _ids = sources_window
    shown = []

    def look(dialog) -> int:
        shown.append(" ".join(label.text() for label in dialog.findChildren(case_copies.QLabel)))
        return case_copies.QDialog.DialogCode.Rejected

    monkeypatch.setattr(case_copies.ShareDialog, "exec", look)
    window.actions_.share.trigger()
    assert "1 source(s) no card refers to any more, with their files, page text and metadata: “Old memo”" in shown[0]
    assert "Seizure report" not in shown[0]
