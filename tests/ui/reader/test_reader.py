"""The source reader: pages on demand, find, quotes and clips that point back."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication
from samples import encrypted_pdf, report_pdf, write

from evidence_board.importers import import_files
from evidence_board.model import CardKind
from evidence_board.store import CaseFile
from evidence_board.ui.reader import SourceReader, show_in_source
from evidence_board.ui.reader.page_widget import SelectMode
from evidence_board.ui.reader.pages import CACHE_PAGES


def open_reader(qtbot, case, service, source_id, **kwargs) -> SourceReader:
    reader = show_in_source(None, case, service, source_id, **kwargs)
    qtbot.addWidget(reader)
    qtbot.waitExposed(reader)
    return reader


def word_point(reader: SourceReader, word: str, at: str = "start") -> QPoint:
    """Where a word is drawn, in page-widget pixels."""
    box = next(w for w in reader.pages.words(reader.page) if w[4] == word)
    rect = reader.page_widget.view_rect(box[:4])
    x = rect.left() + 2 if at == "start" else rect.right() - 2
    return QPoint(round(x), round(rect.center().y()))


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(widget, end)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def pixel(reader: SourceReader, region) -> QColor:
    image = reader.page_widget.grab().toImage()
    centre = reader.page_widget.view_rect(region).center()
    return image.pixelColor(round(centre.x()), round(centre.y()))


def test_quote_round_trip_select_card_show_in_source(qtbot, case, service, pdf_source):
    reader = open_reader(qtbot, case, service, pdf_source)
    reader.go_to_page(2)
    # Drag from inside "the" (end of line 2) to inside "community" (line 3).
    drag(qtbot, reader.page_widget, word_point(reader, "the"), word_point(reader, "community", "end"))
    assert reader.page_widget.selection.text == "the international community"
    assert reader.quote_action.isEnabled()
    created = []
    reader.cardCreated.connect(created.append)
    reader.quote_action.trigger()

    card = case.card(created[0])
    assert (card.kind, card.source_id, card.page) == (CardKind.QUOTE, pdf_source, 2)
    assert card.text == "the international community" and len(card.regions) == 2
    reader.close()

    shown = open_reader(qtbot, case, service, card.source_id, page=card.page, regions=card.regions)
    assert shown.page == 2
    assert shown.page_widget.cited == card.regions  # the same rectangles
    red = pixel(shown, card.regions[1])
    assert red.red() > red.blue() + 30  # highlighted where the words are
    shown.go_to_page(1)
    clean = pixel(shown, card.regions[1])
    assert clean.red() == clean.green() == clean.blue()  # only on its own page


def test_pages_render_on_demand_and_the_cache_is_bounded(qtbot, tmp_path, case, service, board_id):
    pages = [f"Page {n} of the long report." for n in range(1, 31)]
    sid = import_files(service, [write(tmp_path, "long.pdf", report_pdf(pages))], board_id).files[0].source_id
    reader = open_reader(qtbot, case, service, sid)
    qtbot.waitUntil(lambda: reader.pages.renders > 0)
    assert reader.pages.renders == 1 and reader.pages.cached_pages() == {1}
    for page in range(2, 13):
        reader.go_to_page(page)
        qtbot.waitUntil(lambda page=page: reader.pages.renders == page)
    assert reader.pages.renders == 12
    assert len(reader.pages.cached_pages()) == CACHE_PAGES and 12 in reader.pages.cached_pages()
    reader.go_to_page(99)
    assert reader.page == 30 and not reader.next_action.isEnabled()


def test_zoom_renders_at_the_new_scale(qtbot, case, service, pdf_source):
    reader = open_reader(qtbot, case, service, pdf_source)
    width = reader.page_widget.width()
    reader.zoom_in()
    assert reader.page_widget.width() > width and reader.zoom_label.text() == "125%"
    reader.set_zoom(0.5)
    assert reader.page_widget.width() == round(595 * 0.5)
    viewport = reader.scroll.viewport()
    wheel = QWheelEvent(QPointF(50, 50), viewport.mapToGlobal(QPointF(50, 50)), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert reader.zoom_label.text() == "67%"  # Ctrl+wheel zooms in one step


def test_find_in_document_goes_from_hit_to_hit(qtbot, case, service, pdf_source, found):
    reader = open_reader(qtbot, case, service, pdf_source)
    assert found(reader, "the") >= 4
    pages = [page for page, _ in reader.find_hits]
    assert set(pages) == {1, 2, 3} and pages == sorted(pages)
    assert reader.page == 1 and reader.page_widget.current_hit == 0
    hit = reader.page_widget.hits[0][0]
    assert pixel(reader, hit).blue() < pixel(reader, hit).red() - 30  # drawn highlighted
    for _ in range(pages.count(1)):
        reader.next_hit()
    assert reader.page == 2
    assert found(reader, "international community") == 1  # across a line break
    assert found(reader, "nowhere in it") == 0 and reader.hits_label.text().strip() == "no hits"


def test_search_hit_opens_the_reader_with_the_words_highlighted(qtbot, case, service, pdf_source, found):
    [hit] = [h for h in case.search("Rivero") if h.kind == "page"]
    reader = open_reader(qtbot, case, service, hit.id, page=hit.page, find="Rivero")
    found(reader)
    assert reader.page == 3 and len(reader.page_widget.hits) == 1
    # What was typed into the case search, phrases and all, is found term by term.
    assert found(reader, '"Raúl Rivero" prison inhumane', by_terms=True) == 3
    assert found(reader, '"twenty years"') == 1


def test_clip_a_rectangle_into_a_photo_card(qtbot, case, service, pdf_source):
    reader = open_reader(qtbot, case, service, pdf_source)
    reader.clip_mode.trigger()
    assert reader.page_widget.mode is SelectMode.CLIP
    drag(qtbot, reader.page_widget, QPoint(60, 60), QPoint(360, 160))
    assert reader.clip_action.isEnabled()
    card = case.card(reader.make_clip_card())
    assert card.kind is CardKind.PHOTO and card.page == 1 and card.source_id == pdf_source
    x0, y0, x1, y1 = card.regions[0]
    assert (round(x1 - x0), round(y1 - y0)) == (300, 100)  # 100% zoom: one pixel, one point


def test_protected_source_opens_with_the_password_given_at_import(qtbot, tmp_path, case, service, board_id, found):
    path = write(tmp_path, "locked.pdf", encrypted_pdf("pw"))
    sid = import_files(service, [path], board_id, password="pw").files[0].source_id
    reader = open_reader(qtbot, case, service, sid, page=3)
    assert reader.page == 3 and found(reader, "Rivero") == 1


def test_read_only_case_reads_but_makes_no_cards(qtbot, case, case_path, service, pdf_source):
    with CaseFile.open(case_path, read_only=True) as read_only:
        reader = open_reader(qtbot, read_only, None, pdf_source)
        assert not reader.quote_action.isVisible() and reader.pages.page_count == 3
        reader.close()


def test_unknown_or_non_pdf_source_gives_a_message_not_a_window(qtbot, monkeypatch, case, service):
    messages = []
    monkeypatch.setattr("evidence_board.ui.reader.warn", lambda *a: messages.append(a[2]))
    assert show_in_source(None, case, service, "nope") is None
    assert messages == ["Cannot open the source: no source with id nope"]


def test_image_source_opens_upright_and_can_be_clipped(qtbot, tmp_path, case, service, board_id):
    import io

    from PIL import Image

    image = Image.new("RGB", (300, 200), "white")
    image.paste((200, 0, 0), (0, 0, 300, 40))  # a red band along the top as shown
    exif = Image.Exif()
    exif[0x0112] = 3  # stored upside down
    out = io.BytesIO()
    image.rotate(180).save(out, "JPEG", exif=exif)
    report = import_files(service, [write(tmp_path, "street.jpg", out.getvalue())], board_id)
    photo = case.card(report.files[0].card_id)

    reader = open_reader(qtbot, case, service, photo.source_id)
    shown = reader.page_widget.grab().toImage()
    assert shown.pixelColor(shown.width() // 2, 5).red() > 150  # red band on top: upright
    reader.clip_mode.trigger()
    drag(qtbot, reader.page_widget, QPoint(10, 10), QPoint(110, 60))
    clip = case.card(reader.make_clip_card())
    assert clip.kind is CardKind.PHOTO and clip.source_id == photo.source_id and clip.page == 1


def test_show_in_source_again_reuses_the_open_reader(qtbot, case, service, pdf_source):
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    first = show_in_source(window, case, service, pdf_source, page=1, regions=[(72, 80, 200, 95)])
    second = show_in_source(window, case, service, pdf_source, page=3, regions=[(72, 80, 150, 95)])
    assert second is first and first.page == 3 and first.page_widget.cited_page == 3
    first.close()
    qtbot.waitUntil(lambda: not window.findChildren(SourceReader))
    third = show_in_source(window, case, service, pdf_source, page=2)
    assert third is not first and third.page == 2


def test_quote_regions_land_on_the_words_of_a_rotated_page(qtbot, tmp_path, case, service, board_id):
    import pymupdf

    from evidence_board.importers import create_quote

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "The shipment left Havana on Tuesday.", fontsize=14)
    page.set_rotation(90)  # shown landscape
    sid = import_files(service, [write(tmp_path, "rotated.pdf", doc.tobytes())], board_id).files[0].source_id
    card = case.card(create_quote(service, sid, 1, "left Havana").created[0])

    reader = open_reader(qtbot, case, service, sid)
    assert reader.page_widget.width() > reader.page_widget.height()
    image = reader.page_widget.grab().toImage()
    rect = reader.page_widget.view_rect(card.regions[0]).toRect()
    dark = sum(1 for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom())
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 20  # ink of the quoted words under the highlight's rectangle
    # Selecting across the same words gives the same rectangle back.
    drag(qtbot, reader.page_widget, rect.topLeft() + QPoint(2, 2), rect.bottomRight() - QPoint(2, 2))
    assert reader.page_widget.selection.text == "left Havana"
    assert list(reader.page_widget.selection.regions) == list(card.regions)
