"""PDF exports a reader can read: text size said and warned, tiles that never cut a card
and skip empty board, an appendix that lists every link and entity. Read back from the
real PDFs with PyMuPDF, as a reader's tools would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from evidence_board.exporters.pdf import PdfOptions, export_pdf
from evidence_board.exporters.pdf_appendix import ARROWS
from evidence_board.exporters.pdf_layout import map_rect
from evidence_board.exporters.scope import board_scope
from evidence_board.model import CardKind
from evidence_board.sample import sample_case_path
from evidence_board.store import CaseFile


@pytest.fixture
def sample_case():
    with CaseFile.open(sample_case_path(), read_only=True) as case:
        yield case


def _board_spans(page: pymupdf.Page, area: tuple[float, float, float, float]) -> list[dict]:
    """The text spans drawn inside the board area of a page (not its title block or footer)."""
    x0, y0, x1, y1 = area
    spans = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                bx0, by0, bx1, by1 = span["bbox"]
                if span["text"].strip() and bx0 >= x0 - 1 and by0 >= y0 - 1 and bx1 <= x1 + 1 and by1 <= y1 + 1:
                    spans.append(span)
    return spans


def test_a_one_page_pdf_of_the_sample_says_how_small_its_text_prints(tmp_path: Path) -> None:
    out = tmp_path / "sample.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "evidence_board", "export", str(sample_case_path()), str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    doc = pymupdf.open(out)
    area = (28, 74, doc[0].rect.width - 28, doc[0].rect.height - 44)  # under the title block, above the footer
    spans = _board_spans(doc[0], area)
    sizes = [s["size"] for s in spans]
    small = sum(len(s["text"]) for s in spans if s["size"] < 6) / sum(len(s["text"]) for s in spans)
    assert small > 0.9  # the whole board on one A4 page: nearly all its text is tiny...
    warning = re.search(r"warning: card text prints at ([0-9.]+) pt on one A4 page, under 6 pt", done.stderr)
    assert warning, done.stderr  # ...and the command says so, with the size a reader measures
    assert float(warning.group(1)) == pytest.approx(min(sizes), abs=0.06)
    assert "tile the board across pages at 60 %" in done.stderr
    assert f"smallest text {float(warning.group(1)):.1f} pt" in doc[0].get_text()  # and the page says it too


def test_tiles_of_the_sample_print_every_card_text_at_6_pt_or_more(qapp, sample_case, tmp_path: Path) -> None:
    result = export_pdf(board_scope(sample_case), tmp_path / "tiles.pdf", PdfOptions(tile=True))
    assert result.smallest_text == pytest.approx(6.0) and not any("pt" in w for w in result.warnings)
    doc = pymupdf.open(result.path)
    tiles = [i for i, page in enumerate(result.layout.pages) if page.cards is not None]
    assert len(tiles) >= 4
    for index in tiles:
        spans = _board_spans(doc[index], result.layout.pages[index].target)
        assert spans and min(s["size"] for s in spans) >= 5.95, index


def _drawn_inside(page: pymupdf.Page, phrase: str, rect: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = rect
    return any(hit.x0 >= x0 - 1 and hit.x1 <= x1 + 1 and hit.y0 >= y0 - 1 and hit.y1 <= y1 + 1
               for hit in page.search_for(phrase))


def _phrase(card) -> str:
    words = (card.text if card.kind is CardKind.QUOTE else card.title).replace("\u201c", " ").split()
    return " ".join(words[:2])


def test_every_card_of_the_sample_is_drawn_whole_on_exactly_one_tile(qapp, sample_case, tmp_path: Path) -> None:
    scope = board_scope(sample_case)
    result = export_pdf(scope, tmp_path / "tiles.pdf", PdfOptions(tile=True, page_size="A4"))
    doc = pymupdf.open(result.path)
    tiles = [(i, page) for i, page in enumerate(result.layout.pages) if page.cards is not None]
    checked = 0
    for card, p in scope.cards():
        if card.kind is CardKind.GROUP:
            continue
        drawn_on = []
        for index, page in tiles:
            rect = map_rect(page, (p.x, p.y, p.x + p.width, p.y + p.height))
            tx0, ty0, tx1, ty1 = page.target
            visible = (max(rect[0], tx0), max(rect[1], ty0), min(rect[2], tx1), min(rect[3], ty1))
            if visible[2] <= visible[0] or visible[3] <= visible[1]:
                continue  # not in this tile's window at all
            if _drawn_inside(doc[index], _phrase(card), visible):
                whole = rect[0] >= tx0 and rect[1] >= ty0 and rect[2] <= tx1 and rect[3] <= ty1
                drawn_on.append((page.title, whole))
        assert len(drawn_on) == 1 and drawn_on[0][1], (card.title, drawn_on)
        checked += 1
    assert checked == len(scope.numbers)


def test_tiles_skip_the_empty_board_between_two_clusters(qapp, case, service, board_id, tmp_path: Path) -> None:
    specs = [{"kind": "note", "title": f"Harbour {i}", "x": (i % 4) * 260, "y": (i // 4) * 160} for i in range(12)]
    specs += [{"kind": "note", "title": f"Airfield {i}", "x": 30_000 + (i % 4) * 260, "y": 20_000 + (i // 4) * 160}
              for i in range(12)]
    service.create_cards(specs, board_id)
    result = export_pdf(board_scope(case), tmp_path / "far.pdf", PdfOptions(tile=True))
    doc = pymupdf.open(result.path)
    tiles = [i for i, page in enumerate(result.layout.pages) if page.cards is not None]
    # A grid over the whole board at this scale would be hundreds of pages, almost all empty.
    assert len(tiles) == 2
    texts = [doc[i].get_text() for i in tiles]
    assert all(f"Harbour {i}" in texts[0] for i in range(12)) and "Airfield" not in texts[0]
    assert all(f"Airfield {i}" in texts[1] for i in range(12)) and "Harbour" not in texts[1]


def test_a_card_wider_than_a_page_is_still_printed(qapp, case, service, board_id, tmp_path: Path) -> None:
    service.create_cards([{"kind": "note", "title": "A long timeline", "text": "1962 … 2013", "x": 0, "y": 0,
                           "width": 3000, "height": 200},
                          {"kind": "note", "title": "Beside it", "x": 0, "y": 260}], board_id)
    result = export_pdf(board_scope(case), tmp_path / "wide.pdf", PdfOptions(tile=True))
    text = "".join(pymupdf.open(result.path)[i].get_text() for i in range(1, result.board_pages))
    assert "A long timeline" in text and "Beside it" in text


def _table_rows(doc: pymupdf.Document, first: int, last: int, heads: tuple[str, ...],
                one_line: int) -> list[tuple[str, ...]]:
    """The rows of an appendix table, read back by the columns its header names (the first word
    of each); column ``one_line`` never wraps, so each of its lines starts a row."""
    rows = []
    for index in range(first, last + 1):
        page = doc[index]
        words = page.get_text("words")
        found: dict[str, tuple] = {}
        for first_word in (w for w in words if w[4] == heads[0]):
            line = {w[4]: w for w in words if abs(w[1] - first_word[1]) < 1 and w[4] in heads}
            if len(line) == len(heads):
                found = line
                break
        if not found:
            continue  # no table header on this page
        starts = [found[name][0] for name in heads]
        top = found[heads[0]][3]
        # The table runs to the next appendix's heading or the page's end.
        stop = min([w[1] for w in words if w[4] == "Appendix" and w[1] > top] + [page.rect.height - 44])
        body = [w for w in words if w[1] > top + 2 and w[3] < stop]
        end = starts[one_line + 1] if one_line + 1 < len(starts) else page.rect.width
        row_tops = sorted({round(w[1], 1) for w in body if starts[one_line] - 1 <= w[0] < end - 1})
        for n, y in enumerate(row_tops):
            bottom = row_tops[n + 1] if n + 1 < len(row_tops) else page.rect.height
            cells: list[list[str]] = [[] for _ in heads]
            for w in sorted(body, key=lambda w: (w[1], w[0])):
                if y - 0.5 <= w[1] < bottom - 0.5:
                    column = max(c for c in range(len(heads)) if w[0] >= starts[c] - 1)
                    cells[column].append(w[4])
            rows.append(tuple(_joined(c) for c in cells))
    return rows


def _joined(words: list[str]) -> str:
    """Words of a cell as one text; a line that ends in a hyphen ("Cuban-") runs on without a space."""
    text = ""
    for word in words:
        text += word if not text or text.endswith("-") else " " + word
    return text


def test_the_appendix_lists_every_link_and_every_entity(qapp, sample_case, tmp_path: Path) -> None:
    scope = board_scope(sample_case)
    result = export_pdf(scope, tmp_path / "board.pdf")
    doc = pymupdf.open(result.path)
    toc = {entry[1]: entry[2] - 1 for entry in doc.get_toc()}
    entities_page, links_page = toc["C · Entities"], toc["D · Links"]
    assert result.board_pages < entities_page <= links_page < doc.page_count

    def name(card_id: str) -> str:
        card = scope.contents.cards[card_id]
        number = scope.numbers.get(card_id)
        return f"[{number}] {card.title}" if number is not None else f"{card.title} ({card.kind.value})"

    expected = sorted(" | ".join((name(lk.from_card), f"{ARROWS[lk.direction]} {lk.label}".strip(),
                                  name(lk.to_card), lk.strength.value)) for lk in scope.links())
    rows = sorted(" | ".join(row) for row in _table_rows(doc, links_page, doc.page_count - 1,
                                                         ("From", "Link", "To", "Strength"), 3))
    assert len(expected) == 51 and rows == expected

    entities = {f"[{scope.numbers[card.id]}]": card for card, _ in scope.cards() if card.kind is CardKind.ENTITY}
    table = _table_rows(doc, entities_page, links_page, ("No.", "Entity", "Kind,", "Attributes"), 0)
    assert entities and sorted(row[0] for row in table) == sorted(entities)
    for number, title, kind, details in table:
        card = entities[number]
        assert title == " ".join(card.title.split()) and kind.startswith(card.entity_type.value.capitalize())
        for key, value in card.attributes.items():
            assert " ".join(f"{key}: {value}".split()) in details
