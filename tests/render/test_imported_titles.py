"""Imported cards' names as the card draws them: titles wrap between words
(a word is broken only when it cannot fit on a line alone), and a picture's
card shows which page and image it is."""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from evidence_board.importers import import_files
from evidence_board.model import DEFAULT_SIZES, CardKind
from evidence_board.render.card_painter import PAD, paint_card
from evidence_board.render.context import RenderContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "importers"))
from samples import write  # noqa: E402
from test_naming import BODY, pdf_with, photos_pdf  # noqa: E402

ELLIPSIS = "\u2026"


def drawn_lines(card, case, tmp_path: Path) -> list[str]:
    """The lines of text a card draws at full detail, read back from a PDF of it, top to bottom."""
    width, height = DEFAULT_SIZES[card.kind]
    path = tmp_path / f"{card.id}.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(72)
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(width + 20, height + 20), QPageSize.Unit.Point),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter(writer)
    paint_card(painter, card, QRectF(10, 10, width, height), detail=1.0, context=RenderContext(case))
    painter.end()
    with pymupdf.open(path) as doc:
        blocks = doc[0].get_text("dict")["blocks"]
    lines = [(line["bbox"][1], "".join(s["text"] for s in line["spans"]).strip())
             for block in blocks for line in block.get("lines", ())]
    return [text for _, text in sorted(lines) if text]


def title_lines(card, case, tmp_path: Path) -> list[str]:
    """The drawn lines made of the title's words (not the footer or the file name under it)."""
    first = card.title.split()[0][:4]
    lines = drawn_lines(card, case, tmp_path)
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    return lines[start:start + 2]


def imported_document(tmp_path, case, service, board_id, name: str, title: str | None = None):
    path = write(tmp_path, name, pdf_with([(11, t) for t in BODY], title=title))
    return case.card(import_files(service, [path], board_id).files[0].card_id)


def test_a_file_name_title_wraps_between_its_words(qapp, tmp_path, case, service, board_id):
    card = imported_document(tmp_path, case, service, board_id, "GS9_Color_Management_Guide_for_Press.pdf")
    assert card.title == "GS9 Color Management Guide for Press"
    lines = title_lines(card, case, tmp_path)

    assert len(lines) == 2, lines  # too long for one line of the card
    words = card.title.split()
    drawn = " ".join(lines).removesuffix(ELLIPSIS).split()
    # Every line starts with a whole word, and every word but an elided last one is whole.
    assert all(line.split()[0] in words for line in lines), lines
    assert all(word in words for word in drawn[:-1]), lines
    assert drawn[-1] in words or lines[-1].endswith(ELLIPSIS)


def test_only_a_word_too_long_for_a_line_is_broken(qapp, tmp_path, case, service, board_id):
    context = RenderContext(case)
    line_width = DEFAULT_SIZES[CardKind.DOCUMENT][0] - 2 * PAD
    fits_alone, too_long = "Colourmanagement", "Colourmanagementinformationsystems"
    assert context.text_width(fits_alone, context.fonts.title) < line_width  # what the test relies on
    assert context.text_width(too_long, context.fonts.title) > line_width
    assert context.text_width(f"Press {fits_alone}", context.fonts.title) > line_width

    moved = imported_document(tmp_path, case, service, board_id, "a.pdf", title=f"Press {fits_alone}")
    assert title_lines(moved, case, tmp_path) == ["Press", fits_alone]  # moved down whole, not split

    broken = imported_document(tmp_path, case, service, board_id, "b.pdf", title=f"{too_long} Press")
    first, second = title_lines(broken, case, tmp_path)
    assert too_long.startswith(first) and first != too_long  # no line could hold it: broken
    assert too_long.startswith(first + second.removesuffix(ELLIPSIS).split()[0])


@pytest.mark.parametrize("document, expected", [
    ("Harbour Surveillance Log", "Harbour Surveillance Log, p. 2, image 2"),
    ("Focus on Cuba, Issue 61 (December 20, 2004): The Cuban-North Korean Connection",
     "Focus on Cuba, Issue 61\u2026, p. 2, image 2"),
])
def test_a_picture_card_shows_its_page_and_number(qapp, tmp_path, case, service, board_id, document, expected):
    report = import_files(service, [write(tmp_path, "log.pdf", photos_pdf(title=document))], board_id,
                          extract_images=True)
    photo = next(c for c in map(case.card, report.files[0].image_cards) if c.text == "On pages 2, 5, 9")
    assert photo.title == expected
    lines = drawn_lines(photo, case, tmp_path)
    assert " ".join(lines).endswith(f"{expected} On pages 2, 5, 9"), lines  # all of it, nothing elided
