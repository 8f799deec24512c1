"""Board to PDF, PNG and SVG: read back the way a reader would."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtGui import QImage

from evidence_board.errors import InvalidInput
from evidence_board.exporters.pdf import PdfOptions, export_pdf
from evidence_board.exporters import pictures
from evidence_board.exporters.pictures import export_png, export_svg
from evidence_board.exporters.scope import board_scope


def _not_blank(pixmap: pymupdf.Pixmap) -> int:
    """How many distinct colours a rendered page has (a blank page has one)."""
    samples = pixmap.samples
    step = pixmap.n * 7
    return len({samples[i:i + 3] for i in range(0, len(samples) - 3, step)})


def test_pdf_has_the_board_as_text_numbered_quotes_linked_and_every_source_hash(qapp, case, sample,
                                                                                  tmp_path: Path) -> None:
    result = export_pdf(board_scope(case), tmp_path / "board.pdf", PdfOptions(page_size="A4", author="J. Analyst"))
    doc = pymupdf.open(result.path)
    assert doc.page_count == result.pages == 2
    board_text = doc[0].get_text()
    for title in ("Harbour log", "MV Aurora", "Castell Shipping", "Open question", "Quay at night"):
        assert title in board_text
    assert "Test case" in board_text and "J. Analyst" in board_text and "Board 1" in board_text
    assert "The Aurora left at 02:40" in board_text  # the quote itself, as text
    appendix = doc[1].get_text()
    for source_id in sample.sources.values():
        source = case.source(source_id)
        if source.file_name != "quay.png":  # the photo card holds an image, not a source
            assert source.sha256 in appendix and source.file_name in appendix
    for text in sample.quotes.values():
        assert text in " ".join(appendix.split())
    assert "page 2 of 2" in appendix
    links = [lk for lk in doc[0].get_links() if lk["kind"] == pymupdf.LINK_GOTO]
    assert len(links) == 2 and {lk["page"] for lk in links} == {1}
    assert any(lk["kind"] == pymupdf.LINK_GOTO and lk["page"] == 0 for lk in doc[1].get_links())  # and back
    toc = [entry[1] for entry in doc.get_toc()]
    assert toc[:4] == ["Board", "Appendix", "A · Sources", "B · Quotes"]
    assert doc.metadata["author"] == "J. Analyst"
    assert _not_blank(doc[0].get_pixmap(dpi=40)) > 20


def test_pdf_page_fits_the_board_in_the_better_orientation(qapp, case, sample, tmp_path: Path) -> None:
    doc = pymupdf.open(export_pdf(board_scope(case), tmp_path / "a3.pdf", PdfOptions(page_size="A3")).path)
    board, appendix = doc[0].rect, doc[1].rect
    assert board.width > board.height  # the board is wide: landscape
    assert round(board.width) == 1191 and appendix.width < appendix.height  # A3, appendix upright


def test_tiled_pdf_has_an_overview_labelled_pages_and_bookmarks(qapp, case, sample, tmp_path: Path) -> None:
    result = export_pdf(board_scope(case), tmp_path / "tiles.pdf", PdfOptions(tile=True, scale=1.0))
    doc = pymupdf.open(result.path)
    layout = result.layout
    assert result.board_pages == 1 + layout.tiles > 2
    assert "Overview" in doc[0].get_text() and "A1" in doc[0].get_text()
    assert "Page A1" in doc[1].get_text()
    toc = [entry[1] for entry in doc.get_toc()]
    assert "Overview" in toc and "Page A1" in toc
    # Every quote card is linked wherever it shows, including the overview.
    assert result.quote_links >= 2 * 2
    for page in doc.pages(0, result.board_pages):
        assert _not_blank(page.get_pixmap(dpi=30)) > 3


def test_photos_are_downsampled_for_print(qapp, case, sample, tmp_path: Path) -> None:
    """The 1600 px photo prints about 2 inches wide on the fitted page: ~600 px, not 1600."""
    doc = pymupdf.open(export_pdf(board_scope(case), tmp_path / "b.pdf").path)
    widths = [info["width"] for info in doc[0].get_image_info()]
    assert widths and max(widths) < 1000


def test_a_selection_exports_only_its_cards(qapp, case, sample, tmp_path: Path) -> None:
    scope = board_scope(case, selection=[sample.cards["ship"], sample.cards["company"]])
    doc = pymupdf.open(export_pdf(scope, tmp_path / "sel.pdf").path)
    text = doc[0].get_text()
    assert "MV Aurora" in text and "Open question" not in text
    assert "no quote cards" in doc[1].get_text()


def test_png_at_a_dpi_and_its_pixel_cap(qapp, case, sample, tmp_path: Path) -> None:
    result = export_png(board_scope(case), tmp_path / "b.png", dpi=192)
    image = QImage(str(result.path))
    assert (image.width(), image.height()) == (result.width, result.height)
    assert result.scale == 2.0 and image.width() > 3000
    assert image.pixelColor(image.width() // 2, image.height() // 2).isValid()
    distinct = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(distinct) > 20
    with pytest.raises(InvalidInput, match="megapixels"):
        export_png(board_scope(case), tmp_path / "huge.png", scale=40)
    assert not (tmp_path / "huge.png").exists()


def test_png_default_scale_shrinks_a_huge_board_to_the_cap(qapp, case, service, board_id, tmp_path: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(pictures, "DEFAULT_PIXELS", 4_000_000)  # the real one, 40 MP, takes seconds to encode
    service.create_cards([{"kind": "note", "title": "far", "x": 40_000, "y": 30_000},
                          {"kind": "note", "title": "near", "x": 0, "y": 0}], board_id)
    result = export_png(board_scope(case), tmp_path / "big.png")
    assert result.reduced and result.width * result.height <= 4_000_000
    assert QImage(str(result.path)).width() == result.width


def test_svg_is_xml_with_text(qapp, case, sample, tmp_path: Path) -> None:
    result = export_svg(board_scope(case), tmp_path / "b.svg")
    root = ET.parse(result.path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "MV Aurora" in text and "Castell Shipping" in text
    # The 1600 px photo on a 300-unit card is embedded at 2 px per unit, not at full size.
    hrefs = [i.get("{http://www.w3.org/1999/xlink}href") or i.get("href")
             for i in root.iter("{http://www.w3.org/2000/svg}image")]
    assert hrefs
    image = QImage.fromData(base64.b64decode(hrefs[0].split(",", 1)[1]))
    assert 0 < image.width() <= 600


def test_a_link_between_far_tiles_leaves_each_toward_the_other_with_no_page_between(qapp, case, service, board_id,
                                                                                     tmp_path: Path) -> None:
    """The board between the two cards is empty: no page for it, the line drawn on both cards' tiles."""
    a, b = service.create_cards([{"kind": "note", "title": "West", "x": 0, "y": 0},
                                 {"kind": "note", "title": "East", "x": 3000, "y": 0}], board_id).created
    service.create_link(a, b, "")
    result = export_pdf(board_scope(case), tmp_path / "t.pdf", PdfOptions(tile=True, scale=0.5, landscape=True))
    doc = pymupdf.open(result.path)
    tiles = [doc[i] for i in range(1, result.board_pages)]
    assert len(tiles) == 2  # a grid over the whole width would print 3 or more
    top, bottom = result.layout.board_area[1], result.layout.board_area[3]  # not the title block's rule
    for tile, name in zip(tiles, ("West", "East")):
        assert name in tile.get_text()
        lines = [item for d in tile.get_drawings() for item in d["items"] if item[0] == "l"]
        assert any(abs(p1.y - p2.y) < 1 and abs(p1.x - p2.x) > 100 and top < p1.y < bottom for _, p1, p2 in lines)
