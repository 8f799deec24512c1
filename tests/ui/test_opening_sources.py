"""Open what you see: double-click a document or photo card to read it, or "Open source" on its menu."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import png_bytes, report_pdf, write  # noqa: E402

from evidence_board.importers import create_quote, import_files  # noqa: E402
from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402
from evidence_board.ui.reader import SourceReader  # noqa: E402
from tests.ui.conftest import with_open_menu  # noqa: E402


@pytest.fixture
def sources_case(tmp_path: Path, qapp) -> tuple[Path, dict[str, str]]:  # noqa: ANN001
    """A case holding a real PDF (with a picture on page 2), a photo file, a quote and a note."""
    path = tmp_path / "sources.evb"
    case = CaseFile.create(path, "Sources", "Test Analyst")
    service = CaseService(case, "Test Analyst")
    board = case.boards()[0].id
    pdf = import_files(service, [write(tmp_path, "focus.pdf", report_pdf(image=True))], board,
                       extract_images=True).files[0]
    jpg = import_files(service, [write(tmp_path, "quay.jpg", png_bytes((300, 200), "seagreen", "JPEG"))],
                       board).files[0]
    quote = create_quote(service, pdf.source_id, 2, "the international community", board).created[0]
    note = service.create_card("note", board_id=board, title="Open question").created[0]
    ids = {"document": pdf.card_id, "pdf picture": pdf.image_cards[0], "photo": jpg.card_id,
           "quote": quote, "note": note}
    # Apart from each other, wherever the importer put them.
    service.move_cards(board, {card_id: (n * 400.0, 0.0) for n, card_id in enumerate(ids.values())})
    case.close()
    return path, ids


@pytest.fixture
def sources_window(qtbot, settings, sources_case):
    from evidence_board.ui.main_window import MainWindow

    path, ids = sources_case
    win = MainWindow(settings)
    qtbot.addWidget(win)
    assert win.open_case(path)
    win.resize(1500, 950)
    win.show()
    qtbot.waitExposed(win)
    yield win, ids
    for reader in win.findChildren(SourceReader):
        reader.close()
    win.close_case()


def card_point(window, card_id: str) -> QPoint:
    view = window.current_view()
    view.set_scale(0.8)
    item = view.board_scene.cards[card_id]
    view.centerOn(item.card_rect().center())
    return view.mapFromScene(item.card_rect().center())


def double_click(qtbot, window, card_id: str) -> None:
    """As a hand does it: a click, then the second press that makes it a double-click."""
    viewport, point = window.current_view().viewport(), card_point(window, card_id)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(QApplication.doubleClickInterval() // 5)  # a hand's pause: the window shows the selection
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point)


def open_readers(window) -> list[SourceReader]:
    return [r for r in window.findChildren(SourceReader) if r.isVisible()]


def test_double_clicking_a_document_card_opens_it_in_the_reader(qtbot, sources_window):
    window, ids = sources_window
    document = window.case.card(ids["document"])
    double_click(qtbot, window, ids["document"])
    qtbot.waitUntil(lambda: len(open_readers(window)) == 1)
    reader = open_readers(window)[0]
    assert reader.source.id == document.source_id and reader.page == 1
    assert "Havana" in " ".join(w[4] for w in reader.pages.words(1))  # the PDF's own words on screen


def test_double_clicking_a_picture_from_a_pdf_opens_its_page_with_the_picture_marked(qtbot, sources_window):
    window, ids = sources_window
    picture = window.case.card(ids["pdf picture"])
    double_click(qtbot, window, ids["pdf picture"])
    qtbot.waitUntil(lambda: len(open_readers(window)) == 1)
    reader = open_readers(window)[0]
    assert (reader.source.id, reader.page) == (picture.source_id, 2)
    assert reader.page_widget.cited == picture.regions


def test_double_clicking_a_photo_file_card_shows_the_photo_in_the_reader(qtbot, sources_window):
    window, ids = sources_window
    double_click(qtbot, window, ids["photo"])
    qtbot.waitUntil(lambda: len(open_readers(window)) == 1)
    reader = open_readers(window)[0]
    assert reader.source.id == window.case.card(ids["photo"]).source_id
    shown = reader.page_widget.grab().toImage()
    colour = shown.pixelColor(shown.width() // 2, shown.height() // 2)
    assert colour.green() > colour.red() + 40  # the sea-green picture, not an empty page


def test_double_clicking_a_note_edits_its_title_and_opens_no_reader(qtbot, sources_window):
    window, ids = sources_window
    double_click(qtbot, window, ids["note"])
    title = window.inspector.title
    qtbot.waitUntil(lambda: title.hasFocus() and title.text() == "Open question")
    assert open_readers(window) == []


def menu_texts(qtbot, window, card_id: str) -> list[str]:
    """Right-click the card and read its context menu."""
    view = window.current_view()
    point = card_point(window, card_id)
    seen: list[str] = []

    def read_menu(menu) -> None:
        seen.extend(a.text() for a in menu.actions() if a.text())

    with_open_menu(lambda: QApplication.sendEvent(view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))), read_menu)
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def test_the_card_menu_offers_open_source_and_quotes_keep_show_in_source(qtbot, sources_window):
    window, ids = sources_window
    document_menu = menu_texts(qtbot, window, ids["document"])
    assert "Open source" in document_menu and "Show in source" not in document_menu
    assert "Open source" in menu_texts(qtbot, window, ids["photo"])
    quote_menu = menu_texts(qtbot, window, ids["quote"])
    assert "Show in source" in quote_menu and "Open source" not in quote_menu
    note_menu = menu_texts(qtbot, window, ids["note"])
    assert "Open source" not in note_menu and "Show in source" not in note_menu


def test_open_source_on_the_menu_opens_the_reader(qtbot, sources_window):
    window, ids = sources_window
    view = window.current_view()
    point = card_point(window, ids["document"])

    chosen = []

    def choose_open_source(menu) -> None:
        chosen.extend(a for a in menu.actions() if a.text() == "Open source")
        menu.close()
        for action in chosen:
            action.trigger()

    with_open_menu(lambda: QApplication.sendEvent(view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))), choose_open_source)
    assert chosen, "no Open source on the menu"
    qtbot.waitUntil(lambda: len(open_readers(window)) == 1)
    assert open_readers(window)[0].source.id == window.case.card(ids["document"]).source_id
