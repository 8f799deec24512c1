"""The text an export carries is the case's own: no ligature code points, every font
embedded, Korean and Chinese drawn from an installed font and kept as text, and a
warning naming any character no installed font has. Read with poppler (pdftotext,
pdffonts) and PyMuPDF, as an investigator's tools would."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.exporters.pdf import PdfOptions, export_pdf
from evidence_board.exporters.pictures import export_png, export_svg
from evidence_board.exporters.scope import board_scope
from evidence_board.sample import sample_case_path
from evidence_board.store import CaseFile

LIGATURES = {chr(c) for c in range(0xFB00, 0xFB07)}
NO_FONT_HAS = "\U0010fffd"  # the last private-use character of plane 16: in no font anyone ships

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")


def _pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
@pytest.mark.parametrize("tile", [False, True])
def test_the_sample_exhibit_can_be_searched_for_its_own_words(qapp, tmp_path: Path, tile: bool) -> None:
    with CaseFile.open(sample_case_path(), read_only=True) as case:
        result = export_pdf(board_scope(case), tmp_path / "exhibit.pdf", PdfOptions(tile=tile))
    board = _pdftotext(result.path, 1, result.board_pages)
    appendix = _pdftotext(result.path, result.board_pages + 1)
    assert not LIGATURES & set(board + appendix)
    for word in ("Griffiths", "fight"):
        assert word in board and word in appendix, word
    assert "fight shoulder to shoulder" in " ".join(appendix.split())


def test_the_svg_keeps_the_words_too(qapp, tmp_path: Path) -> None:
    with CaseFile.open(sample_case_path(), read_only=True) as case:
        result = export_svg(board_scope(case), tmp_path / "board.svg")
    text = " ".join("".join(t.itertext()) for t in ET.parse(result.path).getroot().iter("{http://www.w3.org/2000/svg}text"))
    assert "Griffiths" in text and "fight" in text and not LIGATURES & set(text)


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts) not installed")
def test_every_font_of_the_pdf_is_embedded(qapp, tmp_path: Path) -> None:
    with CaseFile.open(sample_case_path(), read_only=True) as case:
        result = export_pdf(board_scope(case), tmp_path / "exhibit.pdf", PdfOptions(tile=True))
    listing = subprocess.run(["pdffonts", str(result.path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert len(rows) >= 3  # regular, bold, italic at least
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column (name, type and encoding come before it)
    assert "Page 1 of" in pymupdf.open(result.path)[0].get_text()  # the page numbers are still there


@pytest.fixture
def cjk_board(case, service, board_id):
    service.create_cards([
        {"kind": "entity", "entity_type": "person", "title": "김정일 Kim Jong Il", "x": 0, "y": 0},
        {"kind": "entity", "entity_type": "person", "title": "胡锦涛 Hu Jintao", "x": 300, "y": 0},
        {"kind": "note", "title": "Raúl Castro met Choi Su Hon", "text": "Havana, June 2004", "x": 0, "y": 160},
    ], board_id)
    return case


def _glyphs(page: pymupdf.Page, chars: str) -> dict[str, tuple[str, bytes]]:
    """Each character's font and its picture as drawn on the page (a box for a glyph the font lacks)."""
    found: dict[str, tuple[str, bytes]] = {}
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                for c in span["chars"]:
                    if c["c"] in chars and c["c"] not in found:
                        x0, y0, x1, y1 = c["bbox"]
                        clip = pymupdf.Rect(x0, y0, x0 + (y1 - y0), y1)  # a square: every glyph alike in size
                        found[c["c"]] = (span["font"], page.get_pixmap(clip=clip, dpi=200).samples)
    return found


@needs_poppler
def test_korean_and_chinese_titles_are_drawn_and_come_through_as_text(qapp, cjk_board, tmp_path: Path) -> None:
    result = export_pdf(board_scope(cjk_board), tmp_path / "cjk.pdf")
    assert result.warnings == []
    text = _pdftotext(result.path, 1, 1)
    assert "김정일 Kim Jong Il" in text and "胡锦涛 Hu Jintao" in text and "Raúl Castro" in text
    # Qt leaves a character it draws as a missing-glyph box out of the text layer: all six are there...
    glyphs = _glyphs(pymupdf.open(result.path)[0], "김정일胡锦涛")
    assert len(glyphs) == 6, f"only {''.join(glyphs)} drawn: is a CJK font (fonts-noto-cjk) installed?"
    # ...and drawn as six different pictures (boxes would all look the same).
    assert len({picture for _font, picture in glyphs.values()}) == 6


def test_a_character_no_installed_font_has_is_named_in_a_warning(qapp, case, service, board_id,
                                                                 tmp_path: Path) -> None:
    service.create_cards([{"kind": "note", "title": f"Mark {NO_FONT_HAS} on the crate", "x": 0, "y": 0},
                          {"kind": "note", "title": "김정일", "x": 300, "y": 0}], board_id)
    scope = board_scope(case)
    for result in (export_pdf(scope, tmp_path / "b.pdf"), export_png(scope, tmp_path / "b.png"),
                   export_svg(scope, tmp_path / "b.svg")):
        assert len(result.warnings) == 1 and "U+10FFFD" in result.warnings[0], result.warnings
        assert "Mark" in result.warnings[0] and "U+AE40" not in result.warnings[0]  # names where; Hangul is fine


def test_the_command_line_warns_of_characters_without_a_font(case_path: Path, tmp_path: Path) -> None:
    with CaseFile.create(case_path, "Crates", "Test Analyst") as case:
        from evidence_board.services import CaseService

        CaseService(case, "Test Analyst").create_cards([{"kind": "note", "title": f"Mark {NO_FONT_HAS}"}],
                                                       case.boards()[0].id)
    result = CliRunner().invoke(main, ["export", str(case_path), str(tmp_path / "b.pdf")], catch_exceptions=False)
    assert result.exit_code == 0
    assert "warning: no installed font has 1 character(s), drawn as boxes: U+10FFFD" in result.stderr
    assert "U+10FFFD" not in result.stdout


@needs_poppler
def test_wrapped_text_after_an_emoji_keeps_every_word(qapp, case, service, board_id, tmp_path: Path) -> None:
    words = "the pilot boarded at 02:40 and the harbour master logged the departure without lights"
    service.create_cards([{"kind": "note", "title": "Timeline", "text": f"😀 🚢 {words}", "x": 0, "y": 0,
                           "width": 200, "height": 220}], board_id)
    text = " ".join(_pdftotext(export_pdf(board_scope(case), tmp_path / "e.pdf").path, 1, 1).split())
    assert words in text
