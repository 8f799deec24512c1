"""Imported material is named as a person would name it: documents by their
title or heading or a readable file name, photos by document, page and
number (each picture once), quotes by their first words."""

from __future__ import annotations

import pymupdf
import pytest
from samples import png_bytes, report_pdf, write

from evidence_board.importers import create_quote, import_files
from evidence_board.importers.quotes import citation
from evidence_board.model import CardKind

BODY = ["This report sets out how colour is managed from the scanner to the press.",
        "Every device is described by its own profile, and conversions go through it."]


def pdf_with(lines: list[tuple[float, str]], *, title: str | None = None, author: str = "") -> bytes:
    """One page with each (font size, text) line set below the last, and this metadata title."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 72.0
    for size, text in lines:
        y += size * 1.4
        page.insert_text((72, y), text, fontsize=size)
    doc.set_metadata({"title": title or "", "author": author})
    return doc.tobytes()


def document_card(case, service, board_id, path):
    imported = import_files(service, [path], board_id).files[0]
    return case.card(imported.card_id), case.source(imported.source_id)


@pytest.mark.parametrize("raw, expected", [
    # control characters, a bidi override, runs of whitespace
    ("Focus on Cuba,\x07 Issue\u202e 61\n\n\t (2004)  ", "Focus on Cuba, Issue 61 (2004)"),
    ("Microsoft Word - x.doc", "x"),
    ("Microsoft Word - Quarterly_report_2004.docx", "Quarterly report 2004"),
    ("The \ufb01nal \ufb02ight of the Aurora", "The final flight of the Aurora"),  # ligatures spelled out
])
def test_a_real_metadata_title_names_the_document_cleaned(tmp_path, case, service, board_id, raw, expected):
    path = write(tmp_path, "scan_0042.pdf", pdf_with([(28, "A Heading That Loses"), (11, BODY[0])], title=raw,
                                                     author="ICCAS\x00\u202e\n Miami"))
    card, source = document_card(case, service, board_id, path)
    assert card.title == source.title == expected
    assert source.author == "ICCAS Miami"


def test_a_long_metadata_title_is_capped_at_a_word(tmp_path, case, service, board_id):
    words = [f"word{n}" for n in range(80)]
    card, _ = document_card(case, service, board_id, write(tmp_path, "long.pdf", pdf_with(
        [(11, BODY[0])], title=" ".join(words))))
    assert card.title.endswith("\u2026") and len(card.title) <= 120
    assert card.title[:-1].split() == words[:len(card.title[:-1].split())]  # whole words only


@pytest.mark.parametrize("useless", ["", "Untitled", "untitled-3", "Document1", "report_final.pdf",
                                     "C:\\Users\\ana\\Desktop\\draft.docx", "Microsoft Word - Document1.doc",
                                     "heading_then_file", "---", "colour-guide"])
def test_useless_metadata_titles_give_way_to_the_first_heading(tmp_path, case, service, board_id, useless):
    path = write(tmp_path, "colour-guide.pdf", pdf_with(
        [(9, "Internal - page 1"), (24, "Colour Management"), (24, "for Press Printers"), (11, BODY[0]),
         (11, BODY[1]), (16, "1. Profiles")], title=useless))
    card, source = document_card(case, service, board_id, path)
    assert card.title == source.title == "Colour Management for Press Printers"


def test_without_title_or_heading_the_file_name_is_made_readable(tmp_path, case, service, board_id):
    # One type size throughout: no line stands out as a heading.
    path = write(tmp_path, "GS9_Color_Management-Guide.pdf", pdf_with([(11, t) for t in BODY], title="Untitled"))
    card, source = document_card(case, service, board_id, path)
    assert card.title == source.title == "GS9 Color Management Guide"
    assert source.file_name == "GS9_Color_Management-Guide.pdf"  # kept as it was
    assert citation(source, 1) == "GS9 Color Management Guide, p. 1"  # quotes cite the same name
    dated = write(tmp_path, "minutes-2004-03-15.pdf", pdf_with([(11, t) for t in BODY]))
    assert document_card(case, service, board_id, dated)[0].title == "minutes 2004-03-15"


def test_a_page_set_in_one_big_size_has_no_heading(tmp_path, case, service, board_id):
    path = write(tmp_path, "slides_q3.pdf", pdf_with([(30, "Results"), (30, "were good"), (30, "this quarter"),
                                                     (30, "and the next"), (11, "confidential")]))
    assert document_card(case, service, board_id, path)[0].title == "slides q3"


# -- pictures ---------------------------------------------------------------

PHOTO = png_bytes((300, 200), "steelblue")
CHART = png_bytes((240, 160), "darkred")
LOGO = png_bytes((100, 100), "gold")


def photos_pdf(title: str = "Harbour Surveillance Log") -> bytes:
    """Nine pages. The photo is embedded anew on pages 2, 5 and 9 (three
    objects, the same bytes, as some generators write it); a chart is below
    it on page 5; a logo is one object drawn on pages 1 to 4."""
    doc = pymupdf.open()
    for number in range(1, 10):
        single = pymupdf.open()  # each page built alone, so nothing is shared between pages
        page = single.new_page(width=595, height=842)
        page.insert_text((72, 90), f"Page {number} of the log.", fontsize=11)
        if number in (2, 5, 9):
            page.insert_image(pymupdf.Rect(100, 200, 400, 400), stream=PHOTO)
        if number == 5:
            page.insert_image(pymupdf.Rect(100, 450, 340, 610), stream=CHART)
        doc.insert_pdf(single)
    for number in range(4):
        doc[number].insert_image(pymupdf.Rect(480, 40, 540, 100), stream=LOGO)
    doc.set_metadata({"title": title})
    return doc.tobytes()


def test_a_picture_on_several_pages_comes_in_once_and_says_where(tmp_path, case, service, board_id):
    data = photos_pdf()
    with pymupdf.open(stream=data, filetype="pdf") as doc:  # the photo really is three objects
        assert len({i["xref"] for n in (1, 4, 8) for i in doc[n].get_image_info(xrefs=True)
                    if round(i["bbox"][1]) == 200}) == 3
    report = import_files(service, [write(tmp_path, "log.pdf", data)], board_id, extract_images=True)

    cards = [case.card(c) for c in report.files[0].image_cards]
    assert len(cards) == 3  # photo, logo, chart: not 3 photos and 4 logos
    by_picture = {case.attachment(c.attachment_id): c for c in cards}
    assert len(by_picture) == 3
    photo, chart, logo = (next(c for c in cards if tuple(round(v) for v in c.regions[0][:2]) == corner)
                          for corner in ((100, 200), (100, 450), (480, 40)))
    assert photo.title == "Harbour Surveillance Log, p. 2, image 2"  # the logo sits above it on the page
    assert photo.page == 2 and photo.text == "On pages 2, 5, 9"
    assert photo.attributes["extracted from"] == "log.pdf, pages 2, 5, 9"
    assert chart.title == "Harbour Surveillance Log, p. 5, image 2" and chart.text == ""
    assert chart.attributes["extracted from"] == "log.pdf, page 5"
    assert logo.title == "Harbour Surveillance Log, p. 1, image 1" and logo.text == "On pages 1\u20134"
    assert all(c.kind is CardKind.PHOTO and c.source_id == report.files[0].source_id for c in cards)


def test_pictures_are_named_after_the_document_as_the_board_calls_it(tmp_path, case, service, board_id):
    path = write(tmp_path, "Harbour_log_2003.pdf", photos_pdf(title="Untitled"))
    report = import_files(service, [path], board_id, extract_images=True)
    titles = sorted(case.card(c).title for c in report.files[0].image_cards)
    assert titles == ["Harbour log 2003, p. 1, image 1", "Harbour log 2003, p. 2, image 2",
                      "Harbour log 2003, p. 5, image 2"]


# -- quotes ------------------------------------------------------------------

def test_quotes_are_named_by_their_first_words_and_keep_their_citation(tmp_path, case, service, board_id):
    source_id = import_files(service, [write(tmp_path, "focus.pdf", report_pdf())], board_id).files[0].source_id
    source = case.source(source_id)
    long = case.card(create_quote(service, source_id, 2,
                                  "The trials lasted one day each, and the international community condemned "
                                  "the verdicts").created[0])
    short = case.card(create_quote(service, source_id, 3, "Raúl Rivero received twenty years.").created[0])

    assert long.title == "The trials lasted one day each, and the\u2026"
    assert long.text.startswith("The trials lasted") and long.text.endswith("condemned the verdicts.")
    assert short.title == "Raúl Rivero received twenty years."
    assert (long.page, citation(source, long.page)) == (2, "Focus on Cuba, p. 2")  # where it is from, as before
